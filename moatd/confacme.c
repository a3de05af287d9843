/*
 * acme directory statements of moatd.conf: the checks each one passes
 * when it is read (parse.y calls conf_acme_add()), the ca-files checked
 * once the file is whole (conf_finalize()), and their dump.
 *
 * A directory's URL is the only place moat's ACME client will connect
 * to for that CA, so it must be https and plain text; an account names
 * a directory by name, or by a URL that must equal one of these.
 */
#include <sys/types.h>
#include <sys/stat.h>

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "conffile.h"
#include "log.h"

static int
name_ok(const char *s)
{
	size_t	 i;

	if (s[0] == '\0' || strlen(s) >= CONF_ACME_NAME_MAX)
		return 0;
	for (i = 0; s[i] != '\0'; i++)
		if (!isalnum((unsigned char)s[i]) && strchr("._-", s[i]) ==
		    NULL)
			return 0;
	return 1;
}

/* https://host[:port][/path]: no user part, no space or control byte. */
static int
url_ok(const char *url)
{
	const char	*host = url + 8, *end;
	size_t		 i;

	if (strncmp(url, "https://", 8) != 0 ||
	    strlen(url) >= CONF_ACME_URL_MAX)
		return 0;
	for (i = 0; url[i] != '\0'; i++)
		if ((unsigned char)url[i] <= 0x20 || url[i] == 0x7f ||
		    url[i] == '\\' || url[i] == '"')
			return 0;
	end = host + strcspn(host, "/?#");
	if (end == host || memchr(host, '@', end - host) != NULL)
		return 0;
	return 1;
}

/* base64url (RFC 4648 section 5), unpadded as ACME CAs hand them out */
static int
b64url_ok(const char *s)
{
	size_t	 i;

	if (s[0] == '\0' || strlen(s) >= CONF_ACME_EAB_MAX)
		return 0;
	for (i = 0; s[i] != '\0'; i++)
		if (!isalnum((unsigned char)s[i]) && s[i] != '-' &&
		    s[i] != '_')
			return 0;
	return 1;
}

/* a key id is printable text that fits a JWS header as it is */
static int
kid_ok(const char *s)
{
	size_t	 i;

	if (s[0] == '\0' || strlen(s) >= CONF_ACME_EAB_MAX)
		return 0;
	for (i = 0; s[i] != '\0'; i++)
		if ((unsigned char)s[i] <= 0x20 || (unsigned char)s[i] >=
		    0x7f || s[i] == '"' || s[i] == '\\')
			return 0;
	return 1;
}

int
conf_acme_add(struct moat_config *conf, const struct conf_acme_dir *d,
    char *err, size_t errlen)
{
	uint32_t	 i;

	if (!name_ok(d->name)) {
		snprintf(err, errlen, "a name is 1 to %d letters, digits, "
		    "'.', '_' or '-'", CONF_ACME_NAME_MAX - 1);
		return -1;
	}
	for (i = 0; i < conf->nacme; i++)
		if (strcmp(conf->acme[i].name, d->name) == 0) {
			snprintf(err, errlen, "\"%s\": duplicate name",
			    d->name);
			return -1;
		}
	if (conf->nacme == CONF_MAX_ACME_DIRS) {
		snprintf(err, errlen, "more than %d directories",
		    CONF_MAX_ACME_DIRS);
		return -1;
	}
	if (!url_ok(d->url)) {
		snprintf(err, errlen, "\"%s\": url must be https, with a "
		    "host and no user part or space", d->name);
		return -1;
	}
	if (d->ca_file[0] != '\0' && d->ca_file[0] != '/') {
		snprintf(err, errlen, "\"%s\": ca-file must be an absolute "
		    "path", d->name);
		return -1;
	}
	if ((d->eab_kid[0] == '\0') != (d->eab_hmac[0] == '\0')) {
		snprintf(err, errlen, "\"%s\": eab-kid and eab-hmac must be "
		    "given together", d->name);
		return -1;
	}
	if (d->eab_kid[0] != '\0' && !kid_ok(d->eab_kid)) {
		snprintf(err, errlen, "\"%s\": eab-kid must be printable "
		    "text without quotes, shorter than %d bytes", d->name,
		    CONF_ACME_EAB_MAX);
		return -1;
	}
	if (d->eab_hmac[0] != '\0' && !b64url_ok(d->eab_hmac)) {
		snprintf(err, errlen, "\"%s\": eab-hmac must be base64url "
		    "(A-Z a-z 0-9 - _), shorter than %d bytes", d->name,
		    CONF_ACME_EAB_MAX);
		return -1;
	}
	conf->acme[conf->nacme++] = *d;
	return 0;
}

/*
 * moatd reads each ca-file at start and on reload and hands its content
 * to taskd, which opens no file: one that is missing or is no regular
 * file is an error of the configuration, found by moatd -n.
 */
int
conf_acme_check(const struct moat_config *conf)
{
	struct stat	 st;
	uint32_t	 i;
	int		 fd, errors = 0;

	for (i = 0; i < conf->nacme; i++) {
		const struct conf_acme_dir *d = &conf->acme[i];

		if (d->ca_file[0] == '\0')
			continue;
		if ((fd = open(d->ca_file, O_RDONLY | O_NONBLOCK |
		    O_CLOEXEC)) == -1) {
			log_warnx("acme directory \"%s\": ca-file %s: %s",
			    d->name, d->ca_file, strerror(errno));
			errors++;
			continue;
		}
		if (fstat(fd, &st) == -1 || !S_ISREG(st.st_mode) ||
		    st.st_size == 0 || st.st_size > CONF_ACME_CA_MAX) {
			log_warnx("acme directory \"%s\": ca-file %s: not a "
			    "regular file of 1 to %d bytes", d->name,
			    d->ca_file, CONF_ACME_CA_MAX);
			errors++;
		}
		close(fd);
	}
	return errors ? -1 : 0;
}

/* a path as parse.y reads it back: only " and \ are escaped */
static void
dump_path(FILE *fp, const char *s)
{
	fputc('"', fp);
	for (; *s != '\0'; s++) {
		if (*s == '"' || *s == '\\')
			fputc('\\', fp);
		fputc(*s, fp);
	}
	fputc('"', fp);
}

/* The EAB key is printed too: the dump must parse back the same. */
void
conf_acme_dump(FILE *fp, const struct moat_config *conf)
{
	uint32_t	 i;

	for (i = 0; i < conf->nacme; i++) {
		const struct conf_acme_dir *d = &conf->acme[i];

		fprintf(fp, "acme directory \"%s\" url \"%s\"", d->name,
		    d->url);
		if (d->ca_file[0] != '\0') {
			fprintf(fp, " ca-file ");
			dump_path(fp, d->ca_file);
		}
		if (d->eab_kid[0] != '\0')
			fprintf(fp, " eab-kid \"%s\" eab-hmac \"%s\"",
			    d->eab_kid, d->eab_hmac);
		fprintf(fp, "\n");
	}
}
