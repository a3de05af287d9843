/*
 * Account v2 key pairs (account-v2.txt, NOTES.md): an api_key and a
 * secret_key.  The secret signs requests, so authd must be able to read
 * it back: stored keeps it sealed (AES-256-GCM under a subkey of the
 * master key, bound to its api_key), never in clear, and shows it once.
 * A signed request is checked here: a fresh X-Date, the HMAC, and no
 * replay.
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "account.h"
#include "authd.h"
#include "body_keys.h"
#include "log.h"
#include "util.h"

#define API_KEY_LEN	20
#define SECRET_LEN	40
#define ALNUM_UPPER	"ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
#define ALNUM \
	"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"

static int
unseal_secret(const char *api_key, const uint8_t *sealed, size_t len,
    char *secret, size_t secretlen)
{
	return unseal_bound("account_key", "secret_key", api_key, sealed, len,
	    secret, secretlen);
}

/* ---- create and rotate (see mint.c) ----------------------------------- */

int
account_key(struct ipc_chan *chan, struct ipc_msg *m)
{
	struct ipc_account_key	 b;
	struct ipc_account_key_store rec;
	struct mint		*mt;
	struct grant		 g;
	int			 files;

	if (ipc_msg_get(m, &b) == -1)
		return -1;
	if (b.op < ACCOUNT_KEY_CREATE || b.op > ACCOUNT_FILES_KEY)
		return ipc_violation(m, "unknown account key operation");
	mt = mint_new(chan, m);
	if (grant_check(b.grant, b.grant_len, &g) == -1) {
		mint_refuse(mt, 401, "invalid or expired credentials");
		return 0;
	}
	if (b.op != ACCOUNT_KEY_CREATE && strlen(b.api_key) != API_KEY_LEN) {
		mint_refuse(mt, 404, "no such api key");
		return 0;
	}
	memset(&rec, 0, sizeof(rec));
	memcpy(rec.grant, b.grant, b.grant_len);
	rec.grant_len = b.grant_len;
	rec.op = b.op;
	files = b.op == ACCOUNT_FILES_KEY;
	if (b.op == ACCOUNT_KEY_CREATE)
		random_string(rec.api_key, API_KEY_LEN, ALNUM_UPPER);
	else
		strlcpy(rec.api_key, b.api_key, sizeof(rec.api_key));
	if (files)
		random_string(rec.api_id, API_KEY_LEN, ALNUM_UPPER);
	random_string(mt->secret, SECRET_LEN, ALNUM);
	/* the public half shown with the secret: a signing key or an S3 id */
	strlcpy(mt->public_id, files ? rec.api_id : rec.api_key,
	    sizeof(mt->public_id));
	if ((files ? seal_bound("files_key", "s3_secret", rec.api_id,
	    mt->secret, rec.sealed, &rec.sealed_len) : seal_bound("account_key",
	    "secret_key", rec.api_key, mt->secret, rec.sealed,
	    &rec.sealed_len)) == -1)
		fatalx("cannot seal a secret");
	mint_store(mt, IPC_STORE_ACCOUNT_KEY, &rec, mint_answer_pair);
	return 0;
}

/* ---- signed requests -------------------------------------------------- */

struct signed_req {
	struct ipc_req		 req;
	struct ipc_auth_signed	 in;
	uint8_t			 digest[32];
	int64_t			 xdate_at;	/* as X-Date says */
};

static void
signed_answer(struct signed_req *s, int status, uint32_t retry,
    const uint8_t *grant)
{
	if (status == 401)
		peer_invalid(s->in.peer);
	verify_answer(&s->req, status, retry, grant);
	/* the body may hold a new password */
	explicit_bzero(s, sizeof(*s));
	free(s);
}

static void
key_known(struct ipc_chan *chan, struct ipc_msg *m, void *arg)
{
	struct signed_req	*s = arg;
	struct ipc_auth_signed	*in = &s->in;
	struct ipc_account_key_get_res k;
	uint8_t			 grant[GRANT_LEN];
	char			 secret[SECRET_LEN + 1];
	uint32_t		 retry;
	int64_t			 now;
	int			 ok;

	(void)chan;
	if (m == NULL) {
		signed_answer(s, 503, 0, NULL);
		return;
	}
	if (ipc_msg_get(m, &k) == -1 || !ipc_status_ok(k.head.status))
		k.found = 0;
	ok = k.found && role_by_name(k.role) != ROLE_NONE &&
	    unseal_secret(in->api_key, k.sealed, k.sealed_len, secret,
	    sizeof(secret)) == 0 &&
	    sig_v2_verify((const uint8_t *)secret, strlen(secret), in->method,
	    in->host, in->xdate, in->target, in->body, in->body_len,
	    in->signature, strlen(in->signature)) == CRYPTO_OK;
	explicit_bzero(secret, sizeof(secret));
	explicit_bzero(&k.sealed, sizeof(k.sealed));
	/* fresh still, by the clock the cache is pruned with: an entry is
	 * dropped only once its signature is stale by that clock, so a
	 * signature fresh now cannot have lost its entry (another request
	 * may have pruned while this one waited for stored) */
	now = time(NULL);
	if (!ok || !sig_v2_fresh(s->xdate_at, now, SIG_V2_WINDOW)) {
		signed_answer(s, 401, 0, NULL);
		return;
	}
	/* a signature counts once, the first time it is good; a user whose
	 * share of the cache is full (all their keys' signatures, deleted
	 * keys' too) waits rather than push one out */
	switch (replay_record(authd_env->replays, k.user, k.oid, s->digest,
	    s->xdate_at, now, &retry)) {
	case REPLAY_SEEN:
		log_debug("a replayed signature from %s", in->peer);
		signed_answer(s, 401, 0, NULL);
		return;
	case REPLAY_FULL:
		log_debug("too many signatures of one user from %s", in->peer);
		signed_answer(s, 429, retry, NULL);
		return;
	case REPLAY_NEW:
		break;
	}
	grant_mint(k.user, role_by_name(k.role), SCOPE_ALL, GRANT_ACCOUNT_KEY,
	    k.oid, grant);
	signed_answer(s, 200, 0, grant);
}

int
account_signed(struct ipc_chan *chan, struct ipc_msg *m)
{
	struct signed_req	*s;
	struct ipc_auth_signed	*in;
	struct ipc_account_key_get q;
	struct ipc_msg		 req;
	uint32_t		 retry;

	if ((s = calloc(1, sizeof(*s))) == NULL)
		fatal("%s", __func__);
	in = &s->in;
	if (ipc_msg_get(m, in) == -1) {
		/* the body may hold a new password */
		explicit_bzero(s, sizeof(*s));
		free(s);
		return -1;
	}
	s->req = ipc_req_of(chan, m);
	if (!peer_invalid_ok(in->peer, &retry)) {
		signed_answer(s, 429, retry, NULL);
		return 0;
	}
	/* within five minutes of our clock, or refused unread */
	if (strlen(in->api_key) != API_KEY_LEN ||
	    http_date_parse(in->xdate, strlen(in->xdate), &s->xdate_at) !=
	    CRYPTO_OK ||
	    !sig_v2_fresh(s->xdate_at, time(NULL), SIG_V2_WINDOW) ||
	    sig_v2_digest(in->signature, strlen(in->signature), s->digest) !=
	    CRYPTO_OK) {
		signed_answer(s, 401, 0, NULL);
		return 0;
	}
	memset(&q, 0, sizeof(q));
	strlcpy(q.api_key, in->api_key, sizeof(q.api_key));
	ipc_msg_init(&req, IPC_ACCOUNT_KEY_GET, 0);
	ipc_msg_put(&req, &q);
	if (ipc_request(authd_env->chans[PROC_STORED], &req,
	    authd_env->conf.common.ipc_timeout_ms, key_known, s) == -1)
		signed_answer(s, 503, 0, NULL);
	return 0;
}
