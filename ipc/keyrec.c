#include <string.h>

#include "grant.h"
#include "keyrec.h"

static const struct {
	const char	*name;
	uint32_t	 bit;
} scopes[] = {
	{ "certs.read", SCOPE_CERTS_READ },
	{ "certs.write", SCOPE_CERTS_WRITE },
	{ "devices.read", SCOPE_DEVICES_READ },
	{ "devices.write", SCOPE_DEVICES_WRITE },
	{ "cas.read", SCOPE_CAS_READ },
	{ "cas.write", SCOPE_CAS_WRITE },
	{ "apikeys.read", SCOPE_APIKEYS_READ },
	{ "apikeys.write", SCOPE_APIKEYS_WRITE },
};

int
scope_by_name(const char *name, uint32_t *bit)
{
	size_t	 i;

	for (i = 0; i < sizeof(scopes) / sizeof(scopes[0]); i++)
		if (strcmp(scopes[i].name, name) == 0) {
			*bit = scopes[i].bit;
			return 0;
		}
	return -1;
}

const char *
scope_name(uint32_t bit)
{
	size_t	 i;

	for (i = 0; i < sizeof(scopes) / sizeof(scopes[0]); i++)
		if (scopes[i].bit == bit)
			return scopes[i].name;
	return NULL;
}

void
ipc_put_key(struct ipc_msg *m, const struct key_rec *k)
{
	ipc_put_u64(m, k->oid);
	ipc_put_str(m, k->id);
	ipc_put_str(m, k->public_id);
	ipc_put_u64(m, k->user_oid);
	ipc_put_str(m, k->name);
	ipc_put_u64(m, k->scopes);
	ipc_put_str(m, k->permissions);
	ipc_put_i64(m, k->expires_at);
	ipc_put_i64(m, k->created_at);
	ipc_put_i64(m, k->last_used_at);
	ipc_put_str(m, k->token);
}

void
ipc_get_key(struct ipc_msg *m, struct key_rec *k)
{
	ipc_get_u64(m, &k->oid);
	ipc_get_str(m, k->id, sizeof(k->id));
	ipc_get_str(m, k->public_id, sizeof(k->public_id));
	ipc_get_u64(m, &k->user_oid);
	ipc_get_str(m, k->name, sizeof(k->name));
	ipc_get_u32(m, &k->scopes);
	ipc_get_str(m, k->permissions, sizeof(k->permissions));
	ipc_get_i64(m, &k->expires_at);
	ipc_get_i64(m, &k->created_at);
	ipc_get_i64(m, &k->last_used_at);
	ipc_get_str(m, k->token, sizeof(k->token));
}

void
key_res_put(struct ipc_msg *m, int status, const char *message,
    const struct key_rec *k)
{
	ipc_put_u64(m, status);
	ipc_put_str(m, message);
	if (status >= 200 && status < 300)
		ipc_put_key(m, k);
}

int
key_res_get(struct ipc_msg *m, int *status, char *message, size_t messagelen,
    struct key_rec *k)
{
	uint32_t	 s;

	memset(k, 0, sizeof(*k));
	ipc_get_u32(m, &s);
	ipc_get_str(m, message, messagelen);
	if (m->error == NULL && s >= 200 && s < 300)
		ipc_get_key(m, k);
	*status = s;
	return ipc_end(m);
}
