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
#include "body_keys.h"
#include "log.h"

/* what authd makes fits the records that carry it */
#if KEY_SEALED_MAX < SEALED_MAX || KEY_DIGEST_LEN != CRYPTO_MAC_LEN || \
    KEY_PUBLIC_ID_MAX < TOKEN_ID_TEXT_LEN || ACCOUNT_KEY_MAX < MINT_PUBLIC_MAX
#error "a minted secret's record does not fit its message"
#endif

struct mint *
mint_new(struct ipc_chan *front, const struct ipc_msg *req)
{
	struct mint	*mt;

	if ((mt = calloc(1, sizeof(*mt))) == NULL)
		fatal("%s", __func__);
	mt->req = ipc_req_of(front, req);
	return mt;
}

/* Once answered, the secret is gone. */
static void
mint_free(struct mint *mt)
{
	explicit_bzero(mt, sizeof(*mt));
	free(mt);
}

void
mint_refuse(struct mint *mt, int status, const char *message)
{
	ipc_answer_status(&mt->req, status, message);
	mint_free(mt);
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

	(void)chan;
	if (res == NULL)
		mint_refuse(mt, 503, "try again");
	else if (mt->answer(res, mt) == -1)
		mint_refuse(mt, 500, "internal error");
	else
		mint_free(mt);
}

void
mint_store(struct mint *mt, enum ipc_type type, const void *record,
    mint_answer_cb answer)
{
	struct ipc_msg	 m;

	mt->answer = answer;
	ipc_msg_init(&m, type, 0);
	ipc_msg_put(&m, record);
	if (ipc_request(authd_env->chans[PROC_STORED], &m,
	    authd_env->conf.common.ipc_timeout_ms, mint_stored, mt) == -1)
		mint_refuse(mt, 503, "try again");
}

int
mint_answer_secret(struct ipc_msg *res, const struct mint *mt)
{
	struct ipc_status_res	 kept;
	struct ipc_secret_res	 out;

	if (ipc_msg_get(res, &kept) == -1)
		return -1;
	memset(&out, 0, sizeof(out));
	out.head = kept.head;
	if (ipc_status_ok(kept.head.status) && strlcpy(out.secret, mt->secret,
	    sizeof(out.secret)) >= sizeof(out.secret))
		fatalx("a minted secret too long to show");
	ipc_answer(&mt->req, &out, NULL);
	explicit_bzero(&out, sizeof(out));
	return 0;
}

int
mint_answer_pair(struct ipc_msg *res, const struct mint *mt)
{
	struct ipc_status_res		 kept;
	struct ipc_account_key_res	 out;

	if (ipc_msg_get(res, &kept) == -1)
		return -1;
	memset(&out, 0, sizeof(out));
	out.head = kept.head;
	if (ipc_status_ok(kept.head.status) && (strlcpy(out.public_id,
	    mt->public_id, sizeof(out.public_id)) >= sizeof(out.public_id) ||
	    strlcpy(out.secret, mt->secret, sizeof(out.secret)) >=
	    sizeof(out.secret)))
		fatalx("a minted key pair too long to show");
	ipc_answer(&mt->req, &out, NULL);
	explicit_bzero(&out, sizeof(out));
	return 0;
}
