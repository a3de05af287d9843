/*
 * Minting an API key: the plaintext ak_ token exists here and in the
 * answer to the request that made it, nowhere else; stored keeps its
 * public id and the HMAC of its secret.
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "authd.h"
#include "keyrec.h"
#include "log.h"
#include "tokens.h"

struct keyop {
	struct ipc_chan	*front;
	uint32_t	 reqid;
	char		 token[KEYTOKEN_MAX + 1];
};

static void
answer(struct keyop *op, int status, const char *message,
    const struct key_rec *k)
{
	struct ipc_msg	 req, m;

	memset(&req, 0, sizeof(req));
	req.type = IPC_AUTH_APIKEY_CREATE;
	req.reqid = op->reqid;
	ipc_msg_init(&m, IPC_APIKEY_RES, 0);
	key_res_put(&m, status, message, k);
	ipc_reply(op->front, &req, &m);
	explicit_bzero(op, sizeof(*op));
	free(op);
}

static void
stored_key(struct ipc_chan *chan, struct ipc_msg *m, void *arg)
{
	struct keyop	*op = arg;
	struct key_rec	 k;
	char		 message[256];
	int		 status;

	(void)chan;
	if (m == NULL) {
		answer(op, 503, "try again", NULL);
		return;
	}
	if (key_res_get(m, &status, message, sizeof(message), &k) == -1) {
		answer(op, 500, "internal error", NULL);
		return;
	}
	if (status == 201)
		strlcpy(k.token, op->token, sizeof(k.token));
	answer(op, status, message, &k);
	explicit_bzero(&k, sizeof(k));
}

int
apikeys_create(struct ipc_chan *chan, struct ipc_msg *m)
{
	struct authd	*a = authd_env;
	struct keyop	*op;
	struct grant	 g;
	struct ipc_msg	 req;
	uint8_t		 grant[GRANT_LEN + 1], id[TOKEN_ID_LEN];
	uint8_t		 secret[TOKEN_SECRET_LEN], digest[32];
	char		 ref[FIELD_REF_MAX + 1], name[KEYNAME_MAX + 1];
	char		 idtext[13];
	char		 perms[PERMISSIONS_MAX + 1];
	size_t		 glen;
	uint32_t	 scopes;
	int64_t		 expires_in;
	int		 never;

	if ((op = calloc(1, sizeof(*op))) == NULL)
		fatal("%s", __func__);
	op->front = chan;
	op->reqid = m->reqid;
	ipc_get_bin(m, grant, sizeof(grant), &glen);
	ipc_get_str(m, ref, sizeof(ref));
	ipc_get_str(m, name, sizeof(name));
	ipc_get_u32(m, &scopes);
	ipc_get_str(m, perms, sizeof(perms));
	ipc_get_opti64(m, &expires_in, &never);
	if (ipc_end(m) == -1) {
		free(op);
		return -1;
	}
	if (grant_check(grant, glen, &g) == -1) {
		answer(op, 401, "invalid or expired token", NULL);
		return 0;
	}
	if (token_new(PREFIX_APIKEY, op->token, sizeof(op->token), id,
	    secret) != CRYPTO_OK ||
	    token_digest(a->token_key, secret, digest) != CRYPTO_OK)
		fatalx("cannot mint an api key");
	explicit_bzero(secret, sizeof(secret));
	token_id_text(id, idtext);
	ipc_msg_init(&req, IPC_STORE_APIKEY_CREATE, 0);
	ipc_put_bin(&req, grant, glen);
	ipc_put_str(&req, ref);
	ipc_put_str(&req, idtext);
	ipc_put_bin(&req, digest, sizeof(digest));
	ipc_put_str(&req, name);
	ipc_put_u64(&req, scopes);
	ipc_put_str(&req, perms);
	if (never)
		ipc_put_nil(&req);
	else
		ipc_put_i64(&req, time(NULL) + expires_in);
	if (ipc_request(a->chans[PROC_STORED], &req, a->conf.common.ipc_timeout_ms,
	    stored_key, op) == -1)
		answer(op, 503, "try again", NULL);
	return 0;
}
