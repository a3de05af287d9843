/*
 * Password logins, in every dialect.  The order matters: the attempt is
 * counted against its address first (429 before any work; counted now,
 * not after the hash, so that parallel guesses cannot all pass), the
 * credentials from stored, the account's place on its schedule (keyed
 * on the account stored found, and on the name lowered; one attempt
 * after another at the growing delay, 429 past LOGIN_DELAY_MAX, see
 * limits.c), argon2id off the event loop (a dummy hash under the
 * configured parameters for unknown names, so that timing says
 * nothing), and only after a verified password does the user's state
 * (disabled, expired) show.  An attempt that was no failure is taken
 * back from the counts when it ends; one shed because the hasher was
 * full stays counted against the account (a flood must not reset the
 * delay it earned) and is taken back from the address.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "authd.h"
#include "log.h"
#include "tokens.h"
#include "util.h"

/* How an attempt ended, for the limits: a failure stays counted. */
enum login_outcome {
	LOGIN_NOT_TRIED = 0,	/* no password was checked (busy, refused) */
	LOGIN_FAILED,
	LOGIN_SHED,		/* its turn came, the hasher was full */
	LOGIN_SUCCEEDED,	/* the password was right */
};

struct login {
	struct ipc_req	 req;		/* auth.login or auth.client.login */
	uint64_t	 client_oid;	/* a command-API LOGIN */
	uint64_t	 client_user;	/* whom a LOGIN without name acts as */
	uint32_t	 dialect;
	int		 bootstrap;	/* auth.bootstrap: no session */
	char		 peer[AUTH_PEER_LEN];
	char		 name[FIELD_LOGIN_NAME_MAX + 1];
	char		 password[PASSWORD_IN_MAX + 1];
	struct cred	 cred;
	struct attempt	 attempt;	/* counted against the address */
	struct account_keys account;	/* and against the account */
	enum login_outcome outcome;
	char		 dummy[HASHER_HASH_MAX];
	struct event	*delay;
	char		 token[JWT_MAX_LEN + 1];	/* an opaque one */
	char		 jti[SESSION_JTI_LEN + 1];	/* a JWT's */
};

static void	 client_session(struct login *);

static void
login_free(struct login *l)
{
	switch (l->outcome) {
	case LOGIN_FAILED:
		attempt_failed(&l->attempt);
		account_failed(&l->account);
		break;
	case LOGIN_SHED:
		attempt_forgive(&l->attempt);
		account_failed(&l->account);
		break;
	case LOGIN_SUCCEEDED:
		attempt_forgive(&l->attempt);
		account_succeeded(&l->account);
		break;
	default:
		attempt_forgive(&l->attempt);
		account_forgive(&l->account);
		break;
	}
	if (l->delay != NULL)
		event_free(l->delay);
	explicit_bzero(l, sizeof(*l));
	free(l);
}

/* auth.login.res: the session's token on 200, a retry-after for 429 */
static void
answer(struct login *l, int status, uint32_t retry, const char *message,
    const char *token, uint64_t expires_in)
{
	struct ipc_login_res	 res;

	if (l->bootstrap) {
		/* its answer is stored's (entry.c), or a refusal */
		bootstrap_refuse(&l->req, status, retry, message);
		return;
	}
	memset(&res, 0, sizeof(res));
	res.head.status = status;
	res.head.retry = retry;
	strlcpy(res.head.message, message, sizeof(res.head.message));
	if (status == 200) {
		strlcpy(res.token, token, sizeof(res.token));
		res.expires_in = expires_in;
		strlcpy(res.user_id, l->cred.id, sizeof(res.user_id));
		res.user_oid = l->cred.oid;
		strlcpy(res.username, l->cred.username, sizeof(res.username));
		strlcpy(res.role, l->cred.role, sizeof(res.role));
	}
	ipc_answer(&l->req, &res, NULL);
	explicit_bzero(&res, sizeof(res));
}

/* Every login writes an event: stored adds it to the audit trail. */
static void
auth_event(struct login *l, const char *type, const char *message)
{
	struct ipc_auth_event	 e;
	struct ipc_msg		 m;

	memset(&e, 0, sizeof(e));
	strlcpy(e.type, type, sizeof(e.type));
	e.user_oid = l->cred.found ? l->cred.oid : 0;
	/* no user has a longer name: the audit trail keeps its start */
	strlcpy(e.name, l->name, sizeof(e.name));
	strlcpy(e.peer, l->peer, sizeof(e.peer));
	e.dialect = l->dialect;
	strlcpy(e.message, message, sizeof(e.message));
	ipc_msg_init(&m, IPC_AUTH_EVENT, 0);
	ipc_msg_put(&m, &e);
	ipc_send(authd_env->chans[PROC_STORED], &m);
}

/* Counted already, against the address and the account. */
static void
fail(struct login *l, const char *why)
{
	account_hit(&l->account);
	l->outcome = LOGIN_FAILED;
	auth_event(l, "auth.failed", why);
	answer(l, 401, 0, "invalid credentials", NULL, 0);
	login_free(l);
}

int
usable(const struct cred *c, const char **why)
{
	if (strcmp(c->status, "active") != 0) {
		*why = "account disabled";
		return 0;
	}
	if (c->expires_at != 0 && c->expires_at <= time(NULL)) {
		*why = "account expired";
		return 0;
	}
	return 1;
}

static void
session_made(struct ipc_chan *chan, struct ipc_msg *m, void *arg)
{
	struct login		*l = arg;
	struct ipc_session_res	 res;
	char			 token[JWT_MAX_LEN];

	(void)chan;
	if (m == NULL) {
		answer(l, 503, 1, "try again", NULL, 0);
		login_free(l);
		return;
	}
	if (ipc_msg_get(m, &res) == -1 || !ipc_status_ok(res.head.status)) {
		answer(l, 500, 0, "cannot log in now", NULL, 0);
		login_free(l);
		return;
	}
	if (l->token[0] != '\0')
		strlcpy(token, l->token, sizeof(token));
	else {
		/* the control plane's clients split it on "." */
		if (jwt_mint(authd_env->jwt_key, l->cred.id, l->cred.role,
		    res.expires_at, l->jti, token, sizeof(token)) != CRYPTO_OK)
			fatalx("cannot mint a token");
	}
	answer(l, 200, 0, "ok", token, l->client_oid != 0 ?
	    authd_env->conf.login_lifetime :
	    authd_env->conf.session[l->dialect].lifetime);
	explicit_bzero(token, sizeof(token));
	login_free(l);
}

static void
open_session(struct login *l)
{
	struct authd			*a = authd_env;
	struct authd_session		 s = a->conf.session[l->dialect];
	struct ipc_session_create	 b;
	struct ipc_msg			 m;
	uint8_t				 id[TOKEN_ID_LEN];
	uint8_t				 secret[TOKEN_SECRET_LEN];
	const char			*kind;	/* the prefix, or "jwt" */

	kind = l->dialect == DIALECT_APIV1 ? PREFIX_COOKIE : PREFIX_CCE;
	if (l->client_oid != 0) {
		/* a LOGIN token: short-lived, bound to client and address */
		kind = PREFIX_LOGIN;
		s.lifetime = s.idle = a->conf.login_lifetime;
	}
	memset(&b, 0, sizeof(b));
	if (l->dialect == DIALECT_V1) {
		/* a JWT: its signature is the proof, its jti the session's
		 * public id, never used again */
		kind = SESSION_KIND_JWT;
		random_string(l->jti, SESSION_JTI_LEN, "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
		    "abcdefghijklmnopqrstuvwxyz0123456789-_");
		strlcpy(b.public_id, l->jti, sizeof(b.public_id));
	} else {
		if (token_new(kind, l->token, sizeof(l->token), id,
		    secret) != CRYPTO_OK ||
		    token_digest(a->token_key, secret, b.digest) !=
		    CRYPTO_OK)
			fatalx("cannot mint a token");
		token_id_text(id, b.public_id);
		b.digest_len = sizeof(b.digest);
		explicit_bzero(secret, sizeof(secret));
	}
	b.user_oid = l->cred.oid;
	b.dialect = l->dialect;
	strlcpy(b.peer, l->peer, sizeof(b.peer));
	b.lifetime = s.lifetime;
	b.idle = s.idle;
	b.client_oid = l->client_oid;
	/* the only kind it will be taken as */
	strlcpy(b.kind, kind, sizeof(b.kind));
	ipc_msg_init(&m, IPC_SESSION_CREATE, 0);
	ipc_msg_put(&m, &b);
	if (ipc_request(a->chans[PROC_STORED], &m, a->conf.common.ipc_timeout_ms,
	    session_made, l) == -1) {
		answer(l, 503, 1, "try again", NULL, 0);
		login_free(l);
	}
}

static void	 rehash(struct login *);

static void
verified(struct hash_job *j, void *arg)
{
	struct login	*l = arg;
	const char	*why;
	int		 ok = j->ok && l->cred.found, stale = j->stale;

	hasher_job_free(j);
	if (!ok) {
		fail(l, l->cred.found ? "wrong password" : "unknown user");
		return;
	}
	/* the password was right: no failure, whatever follows */
	l->outcome = LOGIN_SUCCEEDED;
	if (!usable(&l->cred, &why)) {
		auth_event(l, "auth.failed", why);
		answer(l, 403, 0, why, NULL, 0);
		login_free(l);
		return;
	}
	if (stale)
		rehash(l);
	auth_event(l, "auth.success", l->bootstrap ? "password verified "
	    "for a bootstrap session" : "password verified");
	if (l->bootstrap) {
		bootstrap_open(&l->req, l->cred.oid, l->peer);
		login_free(l);
		return;
	}
	open_session(l);
}

static void
stored_password(struct ipc_chan *chan, struct ipc_msg *m, void *arg)
{
	struct ipc_status_res	 res;

	(void)chan;
	(void)arg;
	/* a failed rehash waits for the next login */
	if (m != NULL)
		(void)ipc_msg_get(m, &res);
}

static void
rehashed(struct hash_job *j, void *arg)
{
	uint64_t	*oid = arg;
	char		 ref[24];

	if (j->ok) {
		snprintf(ref, sizeof(ref), "%llu", (unsigned long long)*oid);
		store_password(NULL, 0, ref, j->hash, UINT64_MAX,
		    stored_password, NULL);
	}
	free(oid);
	hasher_job_free(j);
}

/* New parameters in the configuration: the hash follows at login. */
static void
rehash(struct login *l)
{
	uint64_t	*oid;

	if ((oid = malloc(sizeof(*oid))) == NULL)
		fatal("%s", __func__);
	*oid = l->cred.oid;
	if (hasher_submit(HASH_NEW, &authd_env->conf.argon2, l->password,
	    NULL, rehashed, oid) == -1)
		free(oid);
}

static void
client_session(struct login *l)
{
	const char	*why;

	if (!l->cred.found || !usable(&l->cred, &why)) {
		auth_event(l, "auth.failed", "the client's user cannot log in");
		answer(l, 403, 0, "the client's user cannot log in", NULL, 0);
		login_free(l);
		return;
	}
	auth_event(l, "auth.success", "client secret verified");
	open_session(l);
}

/* After the account's delay: the hash, or the dummy for nobody. */
static void
login_verify(evutil_socket_t fd, short ev, void *arg)
{
	struct login	*l = arg;
	const char	*hash = l->cred.hash;

	(void)fd;
	(void)ev;
	if (!l->cred.found) {
		if (hasher_dummy(&authd_env->conf.argon2, l->dummy,
		    sizeof(l->dummy)) == -1)
			fatalx("cannot make the dummy hash");
		hash = l->dummy;
	}
	if (hasher_submit(HASH_VERIFY, &authd_env->conf.argon2, l->password,
	    hash, verified, l) == -1) {
		l->outcome = LOGIN_SHED;
		answer(l, 503, 1, "too many logins at once", NULL, 0);
		login_free(l);
	}
}

static void
got_cred(struct ipc_chan *chan, struct ipc_msg *m, void *arg)
{
	struct login	*l = arg;
	struct timeval	 tv = { 0, 0 };
	uint32_t	 wait, retry;

	(void)chan;
	if (m == NULL) {
		answer(l, 503, 1, "try again", NULL, 0);
		login_free(l);
		return;
	}
	if (cred_read(m, &l->cred) == -1) {
		answer(l, 500, 0, "internal error", NULL, 0);
		login_free(l);
		return;
	}
	if (l->client_oid != 0 && l->name[0] == '\0') {
		/* the client secret was the proof: act as the client's user */
		client_session(l);
		return;
	}
	account_keys(&l->account, l->name, l->cred.found ? l->cred.oid : 0,
	    l->peer);
	if (strlen(l->password) > HASHER_PASSWORD_MAX) {
		fail(l, "password too long");
		return;
	}
	/* counted at once, and run at its turn: attempts in parallel run
	 * one after another, each its delay after the one before */
	if (!account_begin(&l->account, &wait, &retry)) {
		answer(l, 429, retry, "too many failed logins", NULL, 0);
		login_free(l);
		return;
	}
	tv.tv_sec = wait;
	if ((l->delay = evtimer_new(authd_env->base, login_verify, l)) ==
	    NULL || evtimer_add(l->delay, &tv) == -1)
		fatalx("%s: evtimer", __func__);
}

static void
login_lookup(struct login *l)
{
	if (strlen(l->name) > NAME_MAX_LEN) {
		account_keys(&l->account, l->name, 0, l->peer);
		fail(l, "unknown user");	/* no user has so long a name */
		return;
	}
	if (cred_ask(NULL, 0, l->name, l->name[0] == '\0' ? l->client_user :
	    0, got_cred, l) == -1) {
		answer(l, 503, 1, "try again", NULL, 0);
		login_free(l);
	}
}

static void
login_begin(struct login *l)
{
	uint32_t	 retry;

	if (!attempt_begin(&l->attempt, l->peer, &retry)) {
		answer(l, 429, retry, "too many failed logins", NULL, 0);
		login_free(l);
		return;
	}
	login_lookup(l);
}

int
login_request(struct ipc_chan *chan, struct ipc_msg *m)
{
	struct ipc_auth_login	 b;
	struct login		*l;

	if (ipc_msg_get(m, &b) == -1) {
		explicit_bzero(&b, sizeof(b));
		return -1;
	}
	if (b.dialect >= DIALECT_MAX) {
		explicit_bzero(&b, sizeof(b));
		return ipc_violation(m, "a login in no dialect");
	}
	if ((l = calloc(1, sizeof(*l))) == NULL)
		fatal("%s", __func__);
	l->req = ipc_req_of(chan, m);
	l->dialect = b.dialect;
	strlcpy(l->peer, b.peer, sizeof(l->peer));
	strlcpy(l->name, b.name, sizeof(l->name));
	strlcpy(l->password, b.password, sizeof(l->password));
	explicit_bzero(&b, sizeof(b));
	login_begin(l);
	return 0;
}

/* auth.bootstrap: a login that opens a bootstrap session (entry.c) */
int
login_bootstrap_request(struct ipc_chan *chan, struct ipc_msg *m)
{
	struct ipc_auth_login	 b;
	struct login		*l;

	if (ipc_msg_get(m, &b) == -1) {
		explicit_bzero(&b, sizeof(b));
		return -1;
	}
	if ((l = calloc(1, sizeof(*l))) == NULL)
		fatal("%s", __func__);
	l->req = ipc_req_of(chan, m);
	l->bootstrap = 1;
	l->dialect = DIALECT_V1;
	strlcpy(l->peer, b.peer, sizeof(l->peer));
	strlcpy(l->name, b.name, sizeof(l->name));
	strlcpy(l->password, b.password, sizeof(l->password));
	explicit_bzero(&b, sizeof(b));
	login_begin(l);
	return 0;
}

/*
 * A command-API LOGIN whose client secret and address were accepted:
 * with a name and password, that user logs in; without, the client's
 * own user.  The token is bound to the client and the address.
 */
void
login_for_client(const struct ipc_req *req, const char *peer,
    const char *name, const char *password, uint64_t client_oid,
    uint64_t client_user)
{
	struct login	*l;

	if ((l = calloc(1, sizeof(*l))) == NULL)
		fatal("%s", __func__);
	l->req = *req;
	l->dialect = DIALECT_CCE;
	l->client_oid = client_oid;
	l->client_user = client_user;
	strlcpy(l->peer, peer, sizeof(l->peer));
	strlcpy(l->name, name, sizeof(l->name));
	strlcpy(l->password, password, sizeof(l->password));
	login_begin(l);
}

/* A refusal before any login began (a bad client secret). */
void
login_refuse(const struct ipc_req *req, int status, uint32_t retry,
    const char *message)
{
	struct login	 l;

	memset(&l, 0, sizeof(l));
	l.req = *req;
	answer(&l, status, retry, message, NULL, 0);
}
