#include <ctype.h>
#include <string.h>

#include "sshkeyrec.h"
#include "util.h"

void
ipc_put_sshkey(struct ipc_msg *m, const struct sshkey_rec *k)
{
	ipc_put_u64(m, k->oid);
	ipc_put_str(m, k->id);
	ipc_put_u64(m, k->user_oid);
	ipc_put_str(m, k->user_id);
	ipc_put_str(m, k->name);
	ipc_put_str(m, k->type);
	ipc_put_str(m, k->blob64);
	ipc_put_str(m, k->comment);
	ipc_put_str(m, k->fingerprint);
	ipc_put_u64(m, k->bits);
	ipc_put_i64(m, k->created_at);
	ipc_put_str(m, k->private_key);
}

void
ipc_get_sshkey(struct ipc_msg *m, struct sshkey_rec *k)
{
	ipc_get_u64(m, &k->oid);
	ipc_get_str(m, k->id, sizeof(k->id));
	ipc_get_u64(m, &k->user_oid);
	ipc_get_str(m, k->user_id, sizeof(k->user_id));
	ipc_get_str(m, k->name, sizeof(k->name));
	ipc_get_str(m, k->type, sizeof(k->type));
	ipc_get_str(m, k->blob64, sizeof(k->blob64));
	ipc_get_str(m, k->comment, sizeof(k->comment));
	ipc_get_str(m, k->fingerprint, sizeof(k->fingerprint));
	ipc_get_u32(m, &k->bits);
	ipc_get_i64(m, &k->created_at);
	ipc_get_str(m, k->private_key, sizeof(k->private_key));
}

void
sshkey_res_put(struct ipc_msg *m, int status, const char *message,
    const struct sshkey_rec *k)
{
	ipc_put_u64(m, status);
	ipc_put_str(m, message);
	if (status >= 200 && status < 300)
		ipc_put_sshkey(m, k);
}

int
sshkey_res_get(struct ipc_msg *m, int *status, char *message,
    size_t messagelen, struct sshkey_rec *k)
{
	uint32_t	 s;

	memset(k, 0, sizeof(*k));
	ipc_get_u32(m, &s);
	ipc_get_str(m, message, messagelen);
	if (m->error == NULL && s >= 200 && s < 300)
		ipc_get_sshkey(m, k);
	*status = s;
	return ipc_end(m);
}

static int
all_of(const char *s, const char *extra)
{
	if (*s == '\0')
		return 0;
	for (; *s != '\0'; s++)
		if (!isalnum((unsigned char)*s) && strchr(extra, *s) == NULL)
			return 0;
	return 1;
}

int
sshkey_rec_line_safe(const struct sshkey_rec *k)
{
	return all_of(k->type, "-@.") && all_of(k->blob64, "+/=") &&
	    text_is_line(k->comment);
}
