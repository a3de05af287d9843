/*
 * Pending http-01 challenges (RFC 8555, section 8.3): taskd puts one
 * when its ACME order presents it and removes it once the CA has looked;
 * frontd's acme listener reads one by its token.  An expired row is
 * never answered, and is removed whenever challenges are read or put.
 * No user's object is named here: a token is the CA's random name for
 * one validation, and its key authorization is public by design (the CA
 * fetches it over plain HTTP).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "body_challenge.h"
#include "body_core.h"
#include "log.h"
#include "stored.h"

/* a challenge outlives no order: CAs keep authorizations pending for
 * days at most (RFC 8555 leaves it to them; Let's Encrypt: 7) */
#define CHALLENGE_MAX_SECONDS	(8 * 24 * 3600)

static void
sweep(void)
{
	sqlite3_stmt	*st = db_stmt("DELETE FROM acme_challenges WHERE "
	    "expires_at <= ?");

	sqlite3_bind_int64(st, 1, db_now());
	if (sqlite3_step(st) != SQLITE_DONE)
		log_warnx("acme challenges: sweep failed");
	sqlite3_reset(st);
}

/* 0 stored, 1 the token is another owner's, -1 a database error */
static int
store(const char *token, const char *key_authz, const char *owner,
    int64_t expires)
{
	sqlite3_stmt	*st = db_stmt("INSERT INTO acme_challenges (token, "
	    "key_authz, owner, created_at, expires_at) VALUES (?, ?, ?, ?, ?) "
	    "ON CONFLICT (token) DO UPDATE SET key_authz = "
	    "excluded.key_authz, expires_at = excluded.expires_at "
	    "WHERE acme_challenges.owner = excluded.owner");
	int		 rc;

	sqlite3_bind_text(st, 1, token, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, key_authz, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, owner, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 4, db_now());
	sqlite3_bind_int64(st, 5, expires);
	rc = sqlite3_step(st);
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	if (rc != SQLITE_DONE)
		return -1;
	return sqlite3_changes(sqlite3_db_handle(st)) == 0 ? 1 : 0;
}

int
challenges_get(struct ipc_chan *chan, struct ipc_msg *m)
{
	struct ipc_req			 req = ipc_req_of(chan, m);
	struct ipc_acme_challenge_get	 b;
	struct ipc_acme_challenge_res	 res;
	sqlite3_stmt			*st;
	int				 rc;

	if (ipc_msg_get(m, &b) == -1)
		return answer_head(&req, 400, "malformed request");
	if (!acme_token_ok(b.token, strlen(b.token)))
		return answer_head(&req, 400, "malformed token");
	sweep();
	st = db_stmt("SELECT key_authz FROM acme_challenges WHERE token = ? "
	    "AND expires_at > ?");
	sqlite3_bind_text(st, 1, b.token, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, db_now());
	memset(&res, 0, sizeof(res));
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW && db_text_whole(st, 0, res.key_authz,
	    sizeof(res.key_authz)) == 0)
		head_set(&res.head, 200, "ok");
	else if (rc == SQLITE_ROW || rc == SQLITE_DONE)
		head_set(&res.head, 404, "no such challenge");
	else
		head_set(&res.head, 500, "database error");
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	ipc_answer(&req, &res, NULL);
	return 0;
}

int
challenges_put(struct ipc_chan *chan, struct ipc_msg *m)
{
	struct ipc_req			 req = ipc_req_of(chan, m);
	struct ipc_acme_challenge_put	 b;
	int64_t				 now = db_now();

	if (ipc_msg_get(m, &b) == -1)
		return answer_head(&req, 400, "malformed request");
	if (!acme_keyauthz_ok(b.token, b.key_authz))
		return answer_head(&req, 400, "malformed token or key "
		    "authorization");
	if (b.owner[0] == '\0')
		return answer_head(&req, 400, "no owner");
	if (b.expires <= now || b.expires > now + CHALLENGE_MAX_SECONDS)
		return answer_head(&req, 400, "expiry out of range");
	sweep();
	switch (store(b.token, b.key_authz, b.owner, b.expires)) {
	case 0:
		return answer_head(&req, 200, "ok");
	case 1:
		return answer_head(&req, 409, "token in use");
	default:
		return answer_head(&req, 500, "database error");
	}
}

int
challenges_del(struct ipc_chan *chan, struct ipc_msg *m)
{
	struct ipc_req			 req = ipc_req_of(chan, m);
	struct ipc_acme_challenge_get	 b;
	sqlite3_stmt			*st;
	int				 rc, n;

	if (ipc_msg_get(m, &b) == -1)
		return answer_head(&req, 400, "malformed request");
	if (!acme_token_ok(b.token, strlen(b.token)))
		return answer_head(&req, 400, "malformed token");
	st = db_stmt("DELETE FROM acme_challenges WHERE token = ?");
	sqlite3_bind_text(st, 1, b.token, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	if (rc != SQLITE_DONE)
		return answer_head(&req, 500, "database error");
	n = sqlite3_changes(sqlite3_db_handle(st));
	return answer_head(&req, n > 0 ? 200 : 404, n > 0 ? "ok" :
	    "no such challenge");
}

#ifdef MOAT_TEST
/*
 * Test builds only: no ACME order exists yet to present a challenge,
 * so the e2e tests of the acme listener name theirs in the environment
 * (moatd passes it on in test builds): "token:key_authz:seconds" joined
 * by ';', seconds from now, negative for one already expired.
 */
void
challenges_test_seed(void)
{
	const char	*env = getenv("MOAT_TEST_ACME_CHALLENGES");
	char		*copy, *item, *next, *kauthz, *secs;
	long long	 s;

	if (env == NULL || (copy = strdup(env)) == NULL)
		return;
	for (item = copy; item != NULL; item = next) {
		if ((next = strchr(item, ';')) != NULL)
			*next++ = '\0';
		if ((kauthz = strchr(item, ':')) == NULL ||
		    (secs = strchr(kauthz + 1, ':')) == NULL)
			fatalx("MOAT_TEST_ACME_CHALLENGES: malformed");
		*kauthz++ = '\0';
		*secs++ = '\0';
		s = strtoll(secs, NULL, 10);
		if (!acme_keyauthz_ok(item, kauthz) ||
		    store(item, kauthz, "test", db_now() + s) != 0)
			fatalx("MOAT_TEST_ACME_CHALLENGES: refused %s", item);
	}
	free(copy);
}
#endif
