/* The field tables of the http-01 challenges (body_challenge.h). */
#include <string.h>

#include "body_challenge.h"
#include "ipc.h"

static const struct ipc_field acme_challenge_get_fields[] = {
	IPC_FIELD(ipc_acme_challenge_get, token, IPC_FT_STR),
};
const struct ipc_body body_acme_challenge_get =
    IPC_BODY(ipc_acme_challenge_get, acme_challenge_get_fields);

static const struct ipc_field acme_challenge_res_fields[] = {
	IPC_FIELD(ipc_acme_challenge_res, head, IPC_FT_HEAD),
	IPC_FIELD(ipc_acme_challenge_res, key_authz, IPC_FT_STR),
};
const struct ipc_body body_acme_challenge_res =
    IPC_BODY(ipc_acme_challenge_res, acme_challenge_res_fields);

static const struct ipc_field acme_challenge_put_fields[] = {
	IPC_FIELD(ipc_acme_challenge_put, token, IPC_FT_STR),
	IPC_FIELD(ipc_acme_challenge_put, key_authz, IPC_FT_STR),
	IPC_FIELD(ipc_acme_challenge_put, owner, IPC_FT_STR),
	IPC_FIELD(ipc_acme_challenge_put, expires, IPC_FT_I64),
};
const struct ipc_body body_acme_challenge_put =
    IPC_BODY(ipc_acme_challenge_put, acme_challenge_put_fields);

static const struct ipc_field acme_challenge_del_fields[] = {
	IPC_FIELD(ipc_acme_challenge_del, token, IPC_FT_STR),
	IPC_FIELD(ipc_acme_challenge_del, owner, IPC_FT_STR),
};
const struct ipc_body body_acme_challenge_del =
    IPC_BODY(ipc_acme_challenge_del, acme_challenge_del_fields);

static int
b64url_char(int c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
	    (c >= '0' && c <= '9') || c == '-' || c == '_';
}

int
acme_token_ok(const char *token, size_t len)
{
	size_t	 i;

	if (len == 0 || len > ACME_TOKEN_MAX)
		return 0;
	for (i = 0; i < len; i++)
		if (!b64url_char((unsigned char)token[i]))
			return 0;
	return 1;
}

int
acme_keyauthz_ok(const char *token, const char *key_authz)
{
	size_t	 tlen = strlen(token), i, n = 0;

	if (!acme_token_ok(token, tlen) ||
	    strncmp(key_authz, token, tlen) != 0 || key_authz[tlen] != '.')
		return 0;
	for (i = tlen + 1; key_authz[i] != '\0'; i++, n++)
		if (!b64url_char((unsigned char)key_authz[i]))
			return 0;
	return n > 0;
}
