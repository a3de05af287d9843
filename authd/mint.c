/*
 * The one path of a secret that authd makes for a client and stored
 * keeps a record of: an API key, a generated SSH key, an account v2 key
 * pair, a command-API client's secret, a host's SSH password.  The
 * secret is made here into a mint; stored is asked to keep what it may
 * keep of it (a digest, a public half, a seal); once stored has
 * answered, the secret goes into the answer to the request that asked
 * for it, and then it is cleared.  It is shown that once, logged never,
 * and sent nowhere else.
 *
 * What differs between the kinds is how the secret is made and what
 * record stored keeps, which the kind's own file says, and the shape of
 * the answer, which its mint_answer_cb writes.
 */
#include <stdlib.h>
#include <string.h>

#include "authd.h"
#include "log.h"

struct mint *
mint_new(struct ipc_chan *front, const struct ipc_msg *req)
{
	struct mint	*mt;

	if ((mt = calloc(1, sizeof(*mt))) == NULL)
		fatal("%s", __func__);
	mt->front = front;
	mt->reqid = req->reqid;
	mt->type = req->type;
	return mt;
}

/* The answer, sent once; then the secret is gone. */
static void
mint_reply(struct mint *mt, struct ipc_msg *out)
{
	struct ipc_msg	 req;

	memset(&req, 0, sizeof(req));
	req.type = mt->type;
	req.reqid = mt->reqid;
	ipc_reply(mt->front, &req, out);
	explicit_bzero(mt, sizeof(*mt));
	free(mt);
}

void
mint_refuse(struct mint *mt, int status, const char *message)
{
	struct ipc_msg	 out;

	ipc_msg_init(&out, ipc_msgdef(mt->type)->reply, 0);
	ipc_put_head(&out, status, message);
	mint_reply(mt, &out);
}

int
mint_token(struct mint *mt, const char *prefix,
    char idtext[TOKEN_ID_TEXT_LEN + 1], uint8_t digest[CRYPTO_MAC_LEN])
{
	uint8_t		 id[TOKEN_ID_LEN], secret[TOKEN_SECRET_LEN];
	int		 ok;

	ok = token_new(prefix, mt->secret, sizeof(mt->secret), id,
	    secret) == CRYPTO_OK &&
	    token_digest(authd_env->token_key, secret, digest) == CRYPTO_OK;
	explicit_bzero(secret, sizeof(secret));
	if (!ok)
		return -1;
	token_id_text(id, idtext);
	return 0;
}

static void
mint_stored(struct ipc_chan *chan, struct ipc_msg *res, void *arg)
{
	struct mint	*mt = arg;
	struct ipc_msg	 out;

	(void)chan;
	if (res == NULL) {
		mint_refuse(mt, 503, "try again");
		return;
	}
	ipc_msg_init(&out, ipc_msgdef(mt->type)->reply, 0);
	if (mt->answer(res, &out, mt) == -1) {
		ipc_msg_clear(&out);
		mint_refuse(mt, 500, "internal error");
		return;
	}
	mint_reply(mt, &out);
}

void
mint_store(struct mint *mt, struct ipc_msg *record, mint_answer_cb answer)
{
	mt->answer = answer;
	if (ipc_request(authd_env->chans[PROC_STORED], record,
	    authd_env->conf.common.ipc_timeout_ms, mint_stored, mt) == -1)
		mint_refuse(mt, 503, "try again");
}

/* stored's op.res as the answer's head: 1 if it kept the record. */
static int
op_head(struct ipc_msg *res, struct ipc_msg *out)
{
	struct ipc_head	 h;

	if (ipc_get_head(res, &h) == -1 || ipc_end(res) == -1)
		return -1;
	ipc_put_head(out, h.status, h.message);
	return ipc_status_ok(h.status);
}

int
mint_answer_secret(struct ipc_msg *res, struct ipc_msg *out,
    const struct mint *mt)
{
	int	 kept;

	if ((kept = op_head(res, out)) == 1)
		ipc_put_str(out, mt->secret);
	return kept == -1 ? -1 : 0;
}

int
mint_answer_pair(struct ipc_msg *res, struct ipc_msg *out,
    const struct mint *mt)
{
	int	 kept;

	if ((kept = op_head(res, out)) == 1) {
		ipc_put_str(out, mt->public_id);
		ipc_put_str(out, mt->secret);
	}
	return kept == -1 ? -1 : 0;
}
