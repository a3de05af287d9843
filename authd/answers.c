/*
 * stored's answers to authd's own requests that more than one file
 * reads: a token's record, looked up by its public id, and the bare
 * status of an operation.  Below verify.c and clients.c, which both
 * check a token's secret against such a record.
 */
#include <string.h>

#include "authd.h"

/* A token.res; a refused one (an id stored does not keep) finds none. */
void
token_res_get(struct ipc_msg *m, struct token_res *t)
{
	memset(t, 0, sizeof(*t));
	if (ipc_get_head(m, NULL) != 1)
		return;
	ipc_get_bool(m, &t->found);
	ipc_get_u64(m, &t->oid);
	ipc_get_u64(m, &t->user);
	ipc_get_bin(m, t->digest, sizeof(t->digest), &t->digestlen);
	ipc_get_u32(m, &t->scopes);
	ipc_get_i64(m, &t->expires);
	ipc_get_str(m, t->bound, sizeof(t->bound));
	ipc_get_u32(m, &t->dialect);
	ipc_get_str(m, t->role, sizeof(t->role));
	ipc_get_u64(m, &t->client);
	ipc_get_str(m, t->kind, sizeof(t->kind));
	if (ipc_end(m) == -1)
		explicit_bzero(t, sizeof(*t));
}

int
token_res_matches(const struct token_res *t,
    const uint8_t secret[TOKEN_SECRET_LEN])
{
	uint8_t	 digest[32];
	int	 ok;

	ok = t->found && t->digestlen == sizeof(digest) &&
	    token_digest(authd_env->token_key, secret, digest) == CRYPTO_OK &&
	    token_digest_equal(digest, t->digest);
	explicit_bzero(digest, sizeof(digest));
	return ok;
}

void
op_res_get(struct ipc_msg *m, uint32_t *status, char *message, size_t len)
{
	struct ipc_head	 h;

	if (m == NULL) {
		*status = 503;
		strlcpy(message, "try again", len);
		return;
	}
	if (ipc_get_head(m, &h) == -1 || ipc_end(m) == -1) {
		*status = 500;
		strlcpy(message, "internal error", len);
		return;
	}
	*status = h.status;
	strlcpy(message, h.message, len);
}
