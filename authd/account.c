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

#include "authd.h"
#include "account.h"
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
	struct mint	*mt;
	struct grant	 g;
	struct ipc_msg	 req;
	uint8_t		 grant[GRANT_LEN + 1], sealed[SEALED_MAX];
	char		 api_key[FIELD_ACCOUNT_KEY_MAX + 1];
	char		 api_id[API_KEY_LEN + 1] = "";	/* an S3 pair's */
	size_t		 glen, slen;
	uint32_t	 kind;

	ipc_get_bin(m, grant, sizeof(grant), &glen);
	ipc_get_u32(m, &kind);
	ipc_get_str(m, api_key, sizeof(api_key));
	if (ipc_end(m) == -1 || kind < ACCOUNT_KEY_CREATE ||
	    kind > ACCOUNT_FILES_KEY)
		return -1;
	mt = mint_new(chan, m);
	if (grant_check(grant, glen, &g) == -1) {
		mint_refuse(mt, 401, "invalid or expired credentials");
		return 0;
	}
	if (kind != ACCOUNT_KEY_CREATE && strlen(api_key) != API_KEY_LEN) {
		mint_refuse(mt, 404, "no such api key");
		return 0;
	}
	if (kind == ACCOUNT_KEY_CREATE)
		random_string(api_key, API_KEY_LEN, ALNUM_UPPER);
	if (kind == ACCOUNT_FILES_KEY)
		random_string(api_id, API_KEY_LEN, ALNUM_UPPER);
	random_string(mt->secret, SECRET_LEN, ALNUM);
	/* the public half shown with the secret: a signing key or an S3 id */
	strlcpy(mt->public_id, kind == ACCOUNT_FILES_KEY ? api_id : api_key,
	    sizeof(mt->public_id));
	if ((kind == ACCOUNT_FILES_KEY ? seal_bound("files_key", "s3_secret",
	    api_id, mt->secret, sealed, &slen) : seal_bound("account_key",
	    "secret_key", api_key, mt->secret, sealed, &slen)) == -1)
		fatalx("cannot seal a secret");
	ipc_msg_init(&req, IPC_STORE_ACCOUNT_KEY, 0);
	ipc_put_bin(&req, grant, glen);
	ipc_put_u64(&req, kind);
	ipc_put_str(&req, api_key);
	ipc_put_bin(&req, sealed, slen);
	ipc_put_str(&req, api_id);
	mint_store(mt, &req, mint_answer_pair);
	return 0;
}

/* ---- signed requests -------------------------------------------------- */

struct signed_req {
	struct ipc_req	 req;		/* frontd's auth.signed */
	char		 peer[64];
	char		 api_key[FIELD_ACCOUNT_KEY_MAX + 1];
	char		 signature[64];
	char		 xdate[40];
	char		 method[16];
	char		 host[FIELD_HOST_MAX + 1];
	char		 target[4200];
	uint8_t		*body;
	size_t		 bodylen;
	uint8_t		 digest[32];
	int64_t		 xdate_at;	/* as X-Date says */
};

static void
signed_answer(struct signed_req *s, int status, uint32_t retry,
    const uint8_t *grant)
{
	if (status == 401)
		peer_invalid(s->peer);
	verify_answer(&s->req, status, retry, grant);
	if (s->body != NULL) {
		explicit_bzero(s->body, s->bodylen);
		free(s->body);
	}
	explicit_bzero(s, sizeof(*s));
	free(s);
}

static void
key_known(struct ipc_chan *chan, struct ipc_msg *m, void *arg)
{
	struct signed_req	*s = arg;
	uint8_t			 sealed[SEALED_MAX], grant[GRANT_LEN];
	char			 secret[SECRET_LEN + 1], role[16];
	size_t			 slen;
	uint64_t		 oid, user;
	uint32_t		 retry;
	int64_t			 now;
	int			 found, ok;

	(void)chan;
	if (m == NULL) {
		signed_answer(s, 503, 0, NULL);
		return;
	}
	found = 0;
	if (ipc_get_head(m, NULL) == 1) {
		ipc_get_bool(m, &found);
		ipc_get_u64(m, &oid);
		ipc_get_u64(m, &user);
		ipc_get_bin(m, sealed, sizeof(sealed), &slen);
		ipc_get_str(m, role, sizeof(role));
		if (ipc_end(m) == -1)
			found = 0;
	}
	ok = found && role_by_name(role) != ROLE_NONE &&
	    unseal_secret(s->api_key, sealed, slen, secret,
	    sizeof(secret)) == 0 &&
	    sig_v2_verify((const uint8_t *)secret, strlen(secret), s->method,
	    s->host, s->xdate, s->target, s->body, s->bodylen, s->signature,
	    strlen(s->signature)) == CRYPTO_OK;
	explicit_bzero(secret, sizeof(secret));
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
	switch (replay_record(authd_env->replays, user, oid, s->digest,
	    s->xdate_at, now, &retry)) {
	case REPLAY_SEEN:
		log_debug("a replayed signature from %s", s->peer);
		signed_answer(s, 401, 0, NULL);
		return;
	case REPLAY_FULL:
		log_debug("too many signatures of one user from %s", s->peer);
		signed_answer(s, 429, retry, NULL);
		return;
	case REPLAY_NEW:
		break;
	}
	grant_mint(user, role_by_name(role), SCOPE_ALL, GRANT_ACCOUNT_KEY,
	    oid, grant);
	signed_answer(s, 200, 0, grant);
}

int
account_signed(struct ipc_chan *chan, struct ipc_msg *m)
{
	struct signed_req	*s;
	struct ipc_msg		 req;
	uint32_t		 retry;

	if ((s = calloc(1, sizeof(*s))) == NULL ||
	    (s->body = malloc(72 * 1024)) == NULL)
		fatal("%s", __func__);
	s->req = ipc_req_of(chan, m);
	ipc_get_str(m, s->peer, sizeof(s->peer));
	ipc_get_str(m, s->api_key, sizeof(s->api_key));
	ipc_get_str(m, s->signature, sizeof(s->signature));
	ipc_get_str(m, s->xdate, sizeof(s->xdate));
	ipc_get_str(m, s->method, sizeof(s->method));
	ipc_get_str(m, s->host, sizeof(s->host));
	ipc_get_str(m, s->target, sizeof(s->target));
	ipc_get_bin(m, s->body, 72 * 1024, &s->bodylen);
	if (ipc_end(m) == -1) {
		/* the body may hold a new password */
		explicit_bzero(s->body, 72 * 1024);
		free(s->body);
		explicit_bzero(s, sizeof(*s));
		free(s);
		return -1;
	}
	if (!peer_invalid_ok(s->peer, &retry)) {
		signed_answer(s, 429, retry, NULL);
		return 0;
	}
	/* within five minutes of our clock, or refused unread */
	if (strlen(s->api_key) != API_KEY_LEN ||
	    http_date_parse(s->xdate, strlen(s->xdate), &s->xdate_at) !=
	    CRYPTO_OK ||
	    !sig_v2_fresh(s->xdate_at, time(NULL), SIG_V2_WINDOW) ||
	    sig_v2_digest(s->signature, strlen(s->signature), s->digest) !=
	    CRYPTO_OK) {
		signed_answer(s, 401, 0, NULL);
		return 0;
	}
	ipc_msg_init(&req, IPC_ACCOUNT_KEY_GET, 0);
	ipc_put_str(&req, s->api_key);
	if (ipc_request(authd_env->chans[PROC_STORED], &req,
	    authd_env->conf.common.ipc_timeout_ms, key_known, s) == -1)
		signed_answer(s, 503, 0, NULL);
	return 0;
}
