/*
 * Pending http-01 challenges (RFC 8555, section 8.3): taskd puts one
 * when its ACME order presents it and removes it once the CA has looked;
 * frontd's acme listener reads one by its token (challengedb.c keeps
 * them).
 *
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

int
challenges_get(struct ipc_chan *chan, struct ipc_msg *m)
{
	struct ipc_req			 req = ipc_req_of(chan, m);
	struct ipc_acme_challenge_get	 b;
	struct ipc_acme_challenge_res	 res;
	int				 status;

	if (ipc_msg_get(m, &b) == -1)
		return answer_head(&req, 400, "malformed request");
	if (!acme_token_ok(b.token, strlen(b.token)))
		return answer_head(&req, 400, "malformed token");
	memset(&res, 0, sizeof(res));
	status = challenge_lookup(b.token, res.key_authz,
	    sizeof(res.key_authz));
	if (status != 200)
		return answer_head(&req, status, status == 404 ?
		    "no such challenge" : "database error");
	head_set(&res.head, 200, "ok");
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
	challenge_sweep();
	switch (challenge_store(b.token, b.key_authz, b.owner, b.expires)) {
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
	struct ipc_acme_challenge_del	 b;
	int				 status;

	if (ipc_msg_get(m, &b) == -1)
		return answer_head(&req, 400, "malformed request");
	if (!acme_token_ok(b.token, strlen(b.token)))
		return answer_head(&req, 400, "malformed token");
	status = challenge_remove(b.token, b.owner);
	return answer_head(&req, status, status == 200 ? "ok" :
	    status == 404 ? "no such challenge" : "database error");
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
		    challenge_store(item, kauthz, "test", db_now() + s) != 0)
			fatalx("MOAT_TEST_ACME_CHALLENGES: refused %s", item);
	}
	free(copy);
}
#endif
