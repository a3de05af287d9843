/*
 * What authd asks stored that more than one file asks, and stored's
 * answers: a token's record, looked up by its public id, and the bare
 * status of an operation.  Below verify.c and clients.c, which both
 * check a token's secret against such a record.
 */
#include <string.h>

#include "authd.h"

int
token_ask(uint32_t table, const char *public_id, ipc_reply_cb cb, void *arg)
{
	struct ipc_token_get	 b;
	struct ipc_msg		 m;

	memset(&b, 0, sizeof(b));
	b.table = table;
	if (strlcpy(b.public_id, public_id, sizeof(b.public_id)) >=
	    sizeof(b.public_id))
		return -1;
	ipc_msg_init(&m, IPC_TOKEN_GET, 0);
	ipc_msg_put(&m, &b);
	return ipc_request(authd_env->chans[PROC_STORED], &m,
	    authd_env->conf.common.ipc_timeout_ms, cb, arg);
}

/* A token.res; a refused one (an id stored does not keep) finds none. */
void
token_res_get(struct ipc_msg *m, struct ipc_token_res *t)
{
	if (ipc_msg_get(m, t) == -1 || !ipc_status_ok(t->head.status))
		explicit_bzero(t, sizeof(*t));
}

int
token_res_matches(const struct ipc_token_res *t,
    const uint8_t secret[TOKEN_SECRET_LEN])
{
	uint8_t	 digest[32];
	int	 ok;

	ok = t->found && t->digest_len == sizeof(digest) &&
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
