/*
 * What authd asks stored that more than one file asks, and stored's
 * answers: a token's record, looked up by its public id, a user's
 * credentials, a new password hash kept, and the bare status of an
 * operation.  Below verify.c and clients.c, which both check a token's
 * secret against such a record, and login.c and users.c, which both
 * check a password and set one.
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

int
cred_ask(const uint8_t *grant, size_t grantlen, const char *name,
    uint64_t by_oid, ipc_reply_cb cb, void *arg)
{
	struct ipc_cred_get	 b;
	struct ipc_msg		 m;

	memset(&b, 0, sizeof(b));
	if (grantlen > sizeof(b.grant) ||
	    strlcpy(b.name, name, sizeof(b.name)) >= sizeof(b.name))
		return -1;
	if (grantlen > 0)
		memcpy(b.grant, grant, grantlen);
	b.grant_len = grantlen;
	b.by_oid = by_oid;
	ipc_msg_init(&m, IPC_CRED_GET, 0);
	ipc_msg_put(&m, &b);
	return ipc_request(authd_env->chans[PROC_STORED], &m,
	    authd_env->conf.common.ipc_timeout_ms, cb, arg);
}

/*
 * A cred.res; one refused (a name stored does not keep) finds nobody.
 * -1 if it cannot be read: the channel then judges it.
 */
int
cred_read(struct ipc_msg *m, struct cred *c)
{
	struct ipc_cred_res	 res;
	int			 rc;

	memset(c, 0, sizeof(*c));
	rc = ipc_msg_get(m, &res);
	if (rc == 0 && ipc_status_ok(res.head.status))
		*c = res.cred;
	explicit_bzero(&res, sizeof(res));
	return rc == -1 && m->error != NULL ? -1 : 0;
}

/*
 * Asks stored to keep a new hash: for the grant's principal (or, without
 * a grant, for authd's own reasons), ending the user's sessions but
 * keep_session (0: all of them, UINT64_MAX: none).
 */
void
store_password(const uint8_t *grant, size_t grantlen, const char *ref,
    const char *hash, uint64_t keep_session, ipc_reply_cb cb, void *arg)
{
	struct ipc_store_set_password	 b;
	struct ipc_msg			 m;

	memset(&b, 0, sizeof(b));
	if (grantlen > sizeof(b.grant) ||
	    strlcpy(b.ref, ref, sizeof(b.ref)) >= sizeof(b.ref) ||
	    strlcpy(b.hash, hash, sizeof(b.hash)) >= sizeof(b.hash)) {
		explicit_bzero(&b, sizeof(b));
		cb(NULL, NULL, arg);
		return;
	}
	if (grant != NULL && grantlen > 0) {
		memcpy(b.grant, grant, grantlen);
		b.grant_len = grantlen;
	}
	b.keep_session = keep_session;
	ipc_msg_init(&m, IPC_STORE_SET_PASSWORD, 0);
	ipc_msg_put(&m, &b);
	explicit_bzero(&b, sizeof(b));
	if (ipc_request(authd_env->chans[PROC_STORED], &m,
	    authd_env->conf.common.ipc_timeout_ms, cb, arg) == -1)
		cb(NULL, NULL, arg);
}

void
op_res_get(struct ipc_msg *m, uint32_t *status, char *message, size_t len)
{
	struct ipc_status_res	 res;

	if (m == NULL) {
		*status = 503;
		strlcpy(message, "try again", len);
		return;
	}
	if (ipc_msg_get(m, &res) == -1) {
		*status = 500;
		strlcpy(message, "internal error", len);
		return;
	}
	*status = res.head.status;
	strlcpy(message, res.head.message, len);
}
