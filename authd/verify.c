/*
 * Checking a credential that is not a password, and minting grants.  A
 * JWT is checked here alone (its signature and expiry); whether its
 * session still lives is for stored to say, on every request, so that a
 * logout or a disabled user takes effect at once.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "authd.h"
#include "log.h"
#include "util.h"

#define CRED_MAX	2048

enum cred_kind {
	CRED_BEARER = 1,	/* Authorization: Bearer */
	CRED_COOKIE = 2,	/* the apiv1 session cookie */
	CRED_BASIC = 3,		/* the password of Basic auth */
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

static void
verify_answer(struct ipc_chan *chan, const struct ipc_msg *req, int status,
    uint32_t retry_after, const uint8_t *grant)
{
	struct ipc_msg	 m;

	ipc_msg_init(&m, IPC_AUTH_VERIFY_RES, 0);
	ipc_put_u64(&m, status);
	ipc_put_u64(&m, retry_after);
	ipc_put_bin(&m, grant, grant != NULL ? GRANT_LEN : 0);
	ipc_reply(chan, req, &m);
}

/* The jti of our JWTs is the session's number in stored. */
static int
session_oid(const char *jti, uint64_t *oid)
{
	char		*end;
	unsigned long long v;

	if (jti[0] < '1' || jti[0] > '9')
		return -1;
	v = strtoull(jti, &end, 10);
	if (*end != '\0' || v == 0)
		return -1;
	*oid = v;
	return 0;
}

static int
verify_jwt(const char *token, size_t len, uint8_t grant[GRANT_LEN])
{
	struct jwt_claims	 c;
	uint64_t		 sid;
	int			 rc, role;

	rc = jwt_verify(authd_env->jwt_key, token, len, time(NULL), &c);
	if (rc != CRYPTO_OK) {
		log_debug("jwt refused: %s", crypto_strerror(rc));
		return -1;
	}
	if (session_oid(c.jti, &sid) == -1 ||
	    (role = role_by_name(c.role)) == ROLE_NONE)
		return -1;
	grant_mint(0, role, SCOPE_ALL, GRANT_SESSION, sid, grant);
	return 0;
}

int
verify_request(struct ipc_chan *chan, struct ipc_msg *m)
{
	struct authd	*a = authd_env;
	char		 peer[64], cred[CRED_MAX + 1];
	uint8_t		 grant[GRANT_LEN];
	uint32_t	 dialect, kind, retry;
	int		 ok = -1;

	ipc_get_u32(m, &dialect);
	ipc_get_str(m, peer, sizeof(peer));
	ipc_get_u32(m, &kind);
	ipc_get_str(m, cred, sizeof(cred));
	if (ipc_end(m) == -1)
		return -1;
	if (!ratelimit_check(a->invalid, peer, strlen(peer), time(NULL),
	    &retry)) {
		verify_answer(chan, m, 429, retry, NULL);
		goto done;
	}
	if (kind == CRED_BEARER && strncmp(cred, "ak_", 3) != 0)
		ok = verify_jwt(cred, strlen(cred), grant);
	if (ok == 0)
		verify_answer(chan, m, 200, 0, grant);
	else {
		/* unguessable, so no brute force: a higher limit */
		ratelimit_hit(a->invalid, peer, strlen(peer), time(NULL),
		    &retry);
		verify_answer(chan, m, 401, 0, NULL);
	}
 done:
	explicit_bzero(cred, sizeof(cred));
	explicit_bzero(grant, sizeof(grant));
	return 0;
}
