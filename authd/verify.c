/*
 * Checking a credential that is not a password, and minting grants.  A
 * JWT's signature and expiry are checked here; its jti is the random
 * public id of its session, looked up in stored like an opaque token's,
 * so that a token whose session ended can never name another one (a
 * row number would be used again).  Whether the session still lives is
 * for stored to say on every request, so that a logout or a disabled
 * user takes effect at once.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "authd.h"
#include "cred.h"
#include "log.h"
#include "tokens.h"
#include "util.h"

/* A check that needs stored: an opaque token or a key. */
struct vreq {
	struct ipc_req	 req;		/* frontd's auth.verify */
	uint32_t	 dialect;
	char		 peer[AUTH_PEER_LEN];
	int		 table;		/* enum token_table */
	const char	*prefix;
	uint8_t		 id[TOKEN_ID_LEN];
	uint8_t		 secret[TOKEN_SECRET_LEN];
	uint64_t	 client_oid;	/* the remote client, once checked */
	struct attempt	 attempt;	/* a strict check's count */
	/* the token, until its client is checked */
	char		 cred[FIELD_CRED_MAX + 1];
};

int
role_by_name(const char *role)
{
	if (strcmp(role, "admin") == 0)
		return ROLE_ADMIN;
	if (strcmp(role, "user") == 0)
		return ROLE_USER;
	return ROLE_NONE;
}

void
grant_mint(uint64_t user_oid, int role, uint32_t scopes, int kind,
    uint64_t cred_oid, uint8_t out[GRANT_LEN])
{
	struct grant	 g;

	memset(&g, 0, sizeof(g));
	g.user_oid = user_oid;
	g.role = role;
	g.scopes = scopes;
	g.kind = kind;
	g.cred_oid = cred_oid;
	g.issued = time(NULL);
	g.expires = g.issued + GRANT_MAX_AGE;
	random_bytes(g.nonce, sizeof(g.nonce));
	grant_seal(authd_env->grant_key, &g, out);
}

/* authd checks a grant itself before it spends a hash on a request. */
int
grant_check(const uint8_t *grant, size_t len, struct grant *g)
{
	const char	*why;

	if (grant_open(authd_env->grant_key, grant, len, time(NULL), g,
	    &why) == -1) {
		log_debug("grant refused: %s", why);
		return -1;
	}
	return 0;
}

/* An auth.verify.res: the grant when it is 200, a retry-after for 429. */
void
verify_answer(const struct ipc_req *req, int status, uint32_t retry_after,
    const uint8_t *grant)
{
	struct ipc_verify_res	 res;
	const char		*message;

	memset(&res, 0, sizeof(res));
	if (status == 200 && grant != NULL) {
		message = "ok";
		memcpy(res.grant, grant, GRANT_LEN);
		res.grant_len = GRANT_LEN;
	} else if (status == 429) {
		message = "too many requests";
		res.head.retry = retry_after;
	} else {
		message = status == 403 ? "forbidden" : status == 503 ?
		    "try again" : "invalid or expired token";
		if (status == 200)
			status = 500;
	}
	res.head.status = status;
	strlcpy(res.head.message, message, sizeof(res.head.message));
	ipc_answer(req, &res, NULL);
	explicit_bzero(&res, sizeof(res));
}

static void
vreq_answer(struct vreq *v, int status, const uint8_t *grant)
{
	if (status == 401)
		attempt_failed(&v->attempt);	/* it stays counted */
	else
		attempt_forgive(&v->attempt);
	verify_answer(&v->req, status, 0, grant);
	explicit_bzero(v, sizeof(*v));
	free(v);
}

static void
refused(struct vreq *v)
{
	peer_invalid(v->peer);
	vreq_answer(v, 401, NULL);
}

/* What stored knows of the token's public id; compared here. */
static void
token_known(struct ipc_chan *chan, struct ipc_msg *m, void *arg)
{
	struct vreq		*v = arg;
	struct ipc_token_res	 t;
	uint8_t			 grant[GRANT_LEN];
	int			 ok, kind;

	(void)chan;
	if (m == NULL) {
		vreq_answer(v, 503, NULL);
		return;
	}
	token_res_get(m, &t);
	/* a token is taken only with the prefix it was minted with: a
	 * LOGIN token relabelled as a session id would shed its client and
	 * address */
	ok = token_res_matches(&t, v->secret) &&
	    strcmp(t.kind, v->prefix) == 0 &&
	    (t.expires == 0 || t.expires > time(NULL)) &&
	    role_by_name(t.role) != ROLE_NONE;
	if (ok && v->table == TOKEN_SESSION && t.dialect != v->dialect)
		ok = 0;		/* a session serves the dialect it came from */
	if (ok && (v->table == TOKEN_APIKEY || v->table == TOKEN_DEVICE ||
	    v->table == TOKEN_DEVSESS) && v->dialect != DIALECT_APIV1)
		ok = 0;		/* keys are the certificates API's */
	/* a LOGIN token is bound to the address and client it was issued
	 * to, and comes with that client's secret */
	if (ok && strcmp(v->prefix, PREFIX_LOGIN) == 0 &&
	    (strcmp(t.bound, v->peer) != 0 || t.client == 0 ||
	    t.client != v->client_oid))
		ok = 0;
	/* with a client secret, only a LOGIN token of that client */
	if (ok && v->client_oid != 0 && strcmp(v->prefix, PREFIX_LOGIN) != 0)
		ok = 0;
	if (!ok) {
		refused(v);
		return;
	}
	kind = v->table == TOKEN_APIKEY ? GRANT_APIKEY :
	    v->table == TOKEN_DEVICE || v->table == TOKEN_DEVSESS ?
	    GRANT_DEVICE :
	    strcmp(v->prefix, PREFIX_LOGIN) == 0 ? GRANT_LOGIN : GRANT_SESSION;
	/* a device's grant carries no scope: stored takes it only for the
	 * device's own reads; an agent's access token names its device
	 * (stored's row answers it as the client) */
	grant_mint(t.user, role_by_name(t.role), v->table == TOKEN_APIKEY ?
	    t.scopes : kind == GRANT_DEVICE ? 0 : SCOPE_ALL, kind,
	    v->table == TOKEN_DEVSESS ? t.client : t.oid, grant);
	vreq_answer(v, 200, grant);
}

/* The session of a JWT: a control-plane login's, alive. */
static void
jwt_session_known(struct ipc_chan *chan, struct ipc_msg *m, void *arg)
{
	struct vreq		*v = arg;
	struct ipc_token_res	 t;
	uint8_t			 grant[GRANT_LEN];

	(void)chan;
	if (m == NULL) {
		vreq_answer(v, 503, NULL);
		return;
	}
	token_res_get(m, &t);
	if (!t.found || strcmp(t.kind, SESSION_KIND_JWT) != 0 ||
	    t.dialect != DIALECT_V1 || t.digest_len != 0 ||
	    t.expires <= time(NULL) || role_by_name(t.role) == ROLE_NONE) {
		refused(v);
		return;
	}
	grant_mint(t.user, role_by_name(t.role), SCOPE_ALL, GRANT_SESSION,
	    t.oid, grant);
	vreq_answer(v, 200, grant);
}

static int
verify_jwt(const struct ipc_req *req, uint32_t dialect, const char *peer,
    const char *token)
{
	struct jwt_claims	 c;
	struct vreq		*v;
	int			 rc;

	rc = jwt_verify(authd_env->jwt_key, token, strlen(token), time(NULL),
	    &c);
	if (rc != CRYPTO_OK) {
		log_debug("jwt refused: %s", crypto_strerror(rc));
		return -1;
	}
	if (strlen(c.jti) != SESSION_JTI_LEN)
		return -1;
	if ((v = calloc(1, sizeof(*v))) == NULL)
		fatal("%s", __func__);
	v->req = *req;
	v->dialect = dialect;
	strlcpy(v->peer, peer, sizeof(v->peer));
	if (token_ask(TOKEN_SESSION, c.jti, jwt_session_known, v) == -1)
		vreq_answer(v, 503, NULL);
	return 0;
}

static const char *
token_prefix(const char *cred, int *table)
{
	static const char *const sessions[] = { PREFIX_COOKIE, PREFIX_CCE,
	    PREFIX_LOGIN, NULL };
	int	 i;

	if (strncmp(cred, PREFIX_APIKEY, 3) == 0) {
		*table = TOKEN_APIKEY;
		return PREFIX_APIKEY;
	}
	if (strncmp(cred, PREFIX_DEVICE, 3) == 0) {
		*table = TOKEN_DEVICE;
		return PREFIX_DEVICE;
	}
	/* an access token; a refresh token opens nothing but a refresh */
	if (strncmp(cred, PREFIX_DEVACCESS, 3) == 0) {
		*table = TOKEN_DEVSESS;
		return PREFIX_DEVACCESS;
	}
	for (i = 0; sessions[i] != NULL; i++)
		if (strncmp(cred, sessions[i], 3) == 0) {
			*table = TOKEN_SESSION;
			return sessions[i];
		}
	return NULL;
}

/* Opaque tokens: parsed here, looked up by public id, compared here. */
static int
verify_opaque(const struct ipc_req *req, uint32_t dialect, const char *peer,
    const char *cred, uint64_t client_oid, struct attempt *a)
{
	struct vreq	*v;
	char		 idtext[13];
	const char	*prefix;
	int		 table;

	if ((prefix = token_prefix(cred, &table)) == NULL)
		return -1;
	if ((v = calloc(1, sizeof(*v))) == NULL)
		fatal("%s", __func__);
	if (token_parse(prefix, cred, strlen(cred), v->id, v->secret) !=
	    CRYPTO_OK) {
		explicit_bzero(v, sizeof(*v));
		free(v);
		return -1;
	}
	v->req = *req;
	if (a != NULL) {
		v->attempt = *a;	/* the vreq answers for it now */
		a->held = 0;
	}
	v->dialect = dialect;
	v->table = table;
	v->prefix = prefix;
	v->client_oid = client_oid;
	strlcpy(v->peer, peer, sizeof(v->peer));
	token_id_text(v->id, idtext);
	if (token_ask(table, idtext, token_known, v) == -1)
		vreq_answer(v, 503, NULL);
	return 0;
}

static void
client_checked(int status, uint32_t retry, uint64_t client_oid,
    uint64_t user_oid, void *arg)
{
	struct vreq	*v = arg;

	(void)user_oid;
	if (status != 200) {
		verify_answer(&v->req, status, retry, NULL);
		explicit_bzero(v, sizeof(*v));
		free(v);
		return;
	}
	if (verify_opaque(&v->req, v->dialect, v->peer, v->cred,
	    client_oid, NULL) == -1)
		refused(v);
	else {
		explicit_bzero(v, sizeof(*v));
		free(v);
	}
}

int
verify_request(struct ipc_chan *chan, struct ipc_msg *m)
{
	struct ipc_req		 req = ipc_req_of(chan, m);
	struct ipc_auth_verify	 b;
	struct vreq		*v;
	struct attempt		 a;
	uint32_t		 retry;

	memset(&a, 0, sizeof(a));
	if (ipc_msg_get(m, &b) == -1) {
		explicit_bzero(&b, sizeof(b));
		return -1;
	}
	if (!peer_invalid_ok(b.peer, &retry)) {
		verify_answer(&req, 429, retry, NULL);
		goto done;
	}
	/* an authentication path: the limit of logins */
	if (b.strict && !attempt_begin(&a, b.peer, &retry)) {
		verify_answer(&req, 429, retry, NULL);
		goto done;
	}
	if (b.secret[0] != '\0') {
		/* a remote command: the client first, then its token */
		if ((v = calloc(1, sizeof(*v))) == NULL)
			fatal("%s", __func__);
		v->req = req;
		v->dialect = b.dialect;
		strlcpy(v->peer, b.peer, sizeof(v->peer));
		strlcpy(v->cred, b.cred, sizeof(v->cred));
		clients_check(b.peer, b.secret, client_checked, v);
		goto done;
	}
	if (strchr(b.cred, '.') != NULL) {
		/* a JWT: the control plane's, also taken by account v2 */
		if (b.kind == CRED_BEARER && (b.dialect == DIALECT_V1 ||
		    b.dialect == DIALECT_ACCOUNT) &&
		    verify_jwt(&req, b.dialect, b.peer, b.cred) == 0)
			goto done;	/* answered once stored has spoken */
	} else if (verify_opaque(&req, b.dialect, b.peer, b.cred, 0,
	    &a) == 0)
		goto done;	/* answered once stored has spoken */
	/* unguessable, so no brute force: a higher limit */
	peer_invalid(b.peer);
	attempt_failed(&a);
	verify_answer(&req, 401, 0, NULL);
 done:
	attempt_forgive(&a);	/* unless failed, or handed to a vreq */
	explicit_bzero(&b, sizeof(b));
	return 0;
}
