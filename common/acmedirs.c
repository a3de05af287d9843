/* The acme directories a child was told of (acmedirs.h). */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "acmedirs.h"
#include "log.h"
#include "util.h"

void
acme_dirs_clear(struct acme_dirs *d)
{
	uint32_t	 i;

	for (i = 0; i < d->n; i++)
		free(d->dir[i].ca_pem);
	memset(d, 0, sizeof(*d));
}

void
acme_dirs_move(struct acme_dirs *dst, struct acme_dirs *src)
{
	acme_dirs_clear(dst);
	*dst = *src;
	memset(src, 0, sizeof(*src));
}

static int
name_ok(const char *s)
{
	size_t	 i;

	for (i = 0; s[i] != '\0'; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') ||
		    (s[i] >= 'A' && s[i] <= 'Z') ||
		    (s[i] >= '0' && s[i] <= '9') || strchr("._-", s[i])))
			return 0;
	return i > 0;
}

int
acme_dirs_get(struct ipc_msg *m, struct acme_dirs *dirs)
{
	struct ipc_cfg_acme	 b;
	struct ipc_cfg_acme_dir	 item;
	struct acme_dir		*d;
	int			 rc;

	acme_dirs_clear(dirs);
	if (ipc_msg_get(m, &b) == -1)
		return -1;
	if (b.count > CFG_ACME_DIRS_MAX)
		return ipc_violation(m, "too many acme directories");
	while ((rc = ipc_msg_get_item(m, &item)) == 1) {
		if (dirs->n == CFG_ACME_DIRS_MAX || !name_ok(item.name) ||
		    strncmp(item.url, "https://", 8) != 0 ||
		    acme_dir_by_name(dirs, item.name) != NULL)
			return ipc_violation(m, "an acme directory moatd "
			    "would have refused");
		d = &dirs->dir[dirs->n++];
		strlcpy(d->name, item.name, sizeof(d->name));	/* as large */
		strlcpy(d->url, item.url, sizeof(d->url));
		d->eab = item.eab;
		d->ca = item.ca;
	}
	if (rc == -1)
		return -1;
	if (dirs->n != b.count)
		return ipc_violation(m, "acme directories miscounted");
	return 0;
}

int
acme_dirs_get_ca(struct ipc_msg *m, struct acme_dirs *dirs)
{
	struct ipc_cfg_acme_ca	 b;
	struct acme_dir		*d;
	ssize_t			 n;
	char			*pem;

	/* the descriptor field is read even after a field that failed */
	if (ipc_msg_get(m, &b) == -1) {
		if (b.fd != -1)
			close(b.fd);
		return -1;
	}
	d = (struct acme_dir *)acme_dir_by_name(dirs, b.name);
	if (d == NULL || !d->ca || d->ca_pem != NULL) {
		close(b.fd);
		return ipc_violation(m, "a ca-file for no such directory");
	}
	if ((pem = malloc(ACME_CA_MAX + 1)) == NULL)
		fatal("%s", __func__);
	n = read_all_fd(b.fd, pem, ACME_CA_MAX);
	close(b.fd);
	if (n <= 0) {
		log_warnx("acme directory %s: ca-file %s is empty, "
		    "unreadable or over %d bytes", d->name, b.path,
		    ACME_CA_MAX);
		free(pem);
		return 0;
	}
	pem[n] = '\0';
	d->ca_pem = pem;
	d->ca_len = n;
	return 0;
}

const struct acme_dir *
acme_dir_by_name(const struct acme_dirs *dirs, const char *name)
{
	uint32_t	 i;

	for (i = 0; i < dirs->n; i++)
		if (strcmp(dirs->dir[i].name, name) == 0)
			return &dirs->dir[i];
	return NULL;
}

/* exactly as configured: no normalisation that could be played with */
const struct acme_dir *
acme_dir_by_url(const struct acme_dirs *dirs, const char *url)
{
	uint32_t	 i;

	for (i = 0; i < dirs->n; i++)
		if (strcmp(dirs->dir[i].url, url) == 0)
			return &dirs->dir[i];
	return NULL;
}

int
acme_dir_usable(const struct acme_dir *d)
{
	return !d->ca || d->ca_pem != NULL;
}
