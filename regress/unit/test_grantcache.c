/*
 * Unit tests of frontd/grantcache.c: a grant is found only by the exact
 * dialect, credential kind, address and token it was issued for; it
 * leaves before its expiry; it can be forgotten, alone or with every
 * other kept for its credential; the cache stays within its bound,
 * dropping the oldest first.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "grant.h"
#include "grantcache.h"
#include "hmac.h"
#include "test.h"

static const uint8_t	 key[GRANT_KEY_LEN] = "0123456789abcdef0123456789abcdef";

static void
make_grant(uint64_t user, int64_t expires, uint8_t out[GRANT_LEN])
{
	struct grant	 g;

	memset(&g, 0, sizeof(g));
	g.user_oid = user;
	g.role = ROLE_USER;
	g.kind = GRANT_SESSION;
	g.cred_oid = user;
	g.issued = expires - GRANT_MAX_AGE;
	g.expires = expires;
	grant_seal(key, &g, out);
}

static void
test_keys_differ(void)
{
	uint8_t	 a[32], b[32];

	grantcache_key(1, 1, "127.0.0.1", "tok", a);
	grantcache_key(1, 1, "127.0.0.1", "tok", b);
	CHECK(memcmp(a, b, 32) == 0);
	grantcache_key(2, 1, "127.0.0.1", "tok", b);
	CHECK(memcmp(a, b, 32) != 0);
	grantcache_key(1, 2, "127.0.0.1", "tok", b);
	CHECK(memcmp(a, b, 32) != 0);
	grantcache_key(1, 1, "127.0.0.2", "tok", b);
	CHECK(memcmp(a, b, 32) != 0);
	grantcache_key(1, 1, "127.0.0.1", "tok2", b);
	CHECK(memcmp(a, b, 32) != 0);
	/* the address and the token cannot trade characters */
	grantcache_key(1, 1, "127.0.0.1t", "ok", b);
	CHECK(memcmp(a, b, 32) != 0);
}

/* The key is SHA-256 over dialect, kind, the address in 64 bytes and
 * the token: OpenSSL's hash gives what libmd's does. */
static void
test_key_is_sha256(void)
{
	uint8_t		 buf[8 + 64 + 3], want[32], got[32];
	uint32_t	 dialect = 3, kind = 2;

	memset(buf, 0, sizeof(buf));
	memcpy(buf, &dialect, 4);
	memcpy(buf + 4, &kind, 4);
	memcpy(buf + 8, "192.0.2.7", 9);
	memcpy(buf + 8 + 64, "tok", 3);
	sha256(buf, sizeof(buf), want);
	grantcache_key(dialect, kind, "192.0.2.7", "tok", got);
	CHECK(memcmp(want, got, 32) == 0);
}

static void
test_put_get_forget(void)
{
	uint8_t	 k[32], g[GRANT_LEN], out[GRANT_LEN];

	grantcache_clear();
	grantcache_key(1, 1, "192.0.2.1", "token-a", k);
	CHECK_INT(grantcache_get(k, out), -1);
	make_grant(7, time(NULL) + GRANT_MAX_AGE, g);
	grantcache_put(k, g);
	memset(out, 0, sizeof(out));
	CHECK_INT(grantcache_get(k, out), 0);
	CHECK(memcmp(out, g, GRANT_LEN) == 0);
	grantcache_forget(k);
	CHECK_INT(grantcache_get(k, out), -1);
	grantcache_forget(k);		/* twice: harmless */
}

static void
test_expiry(void)
{
	uint8_t	 k[32], g[GRANT_LEN], out[GRANT_LEN];

	grantcache_clear();
	grantcache_key(1, 1, "192.0.2.1", "token-b", k);
	/* about to expire: not worth keeping */
	make_grant(7, time(NULL) + 3, g);
	grantcache_put(k, g);
	CHECK_INT(grantcache_get(k, out), -1);
	/* not a grant at all */
	memset(g, 0, sizeof(g));
	grantcache_put(k, g);
	CHECK_INT(grantcache_get(k, out), -1);
	CHECK_INT(grant_expiry(g, GRANT_LEN), 0);
	make_grant(7, 1234567890, g);
	CHECK_INT(grant_expiry(g, GRANT_LEN), 1234567890);
	CHECK_INT(grant_expiry(g, GRANT_LEN - 1), 0);
}

static void
test_replace_and_bound(void)
{
	uint8_t	 k[32], first[32], g[GRANT_LEN], h[GRANT_LEN];
	uint8_t	 out[GRANT_LEN];
	char	 token[32];
	int	 i;

	grantcache_clear();
	grantcache_key(1, 1, "192.0.2.1", "token-c", k);
	make_grant(7, time(NULL) + GRANT_MAX_AGE, g);
	make_grant(8, time(NULL) + GRANT_MAX_AGE, h);
	grantcache_put(k, g);
	grantcache_put(k, h);
	CHECK_INT(grantcache_get(k, out), 0);
	CHECK(memcmp(out, h, GRANT_LEN) == 0);

	grantcache_clear();
	for (i = 0; i < GRANTCACHE_MAX + 10; i++) {
		snprintf(token, sizeof(token), "token-%d", i);
		grantcache_key(1, 1, "192.0.2.1", token, k);
		if (i == 0)
			memcpy(first, k, sizeof(first));
		grantcache_put(k, g);
	}
	CHECK_INT(grantcache_get(first, out), -1);	/* the oldest left */
	CHECK_INT(grantcache_get(k, out), 0);		/* the newest stays */
	grantcache_clear();
	CHECK_INT(grantcache_get(k, out), -1);
}

static void
make_grant_for(uint64_t user, int kind, uint64_t cred, uint8_t out[GRANT_LEN])
{
	struct grant	 g;

	memset(&g, 0, sizeof(g));
	g.user_oid = user;
	g.role = ROLE_USER;
	g.kind = kind;
	g.cred_oid = cred;
	g.issued = time(NULL);
	g.expires = g.issued + GRANT_MAX_AGE;
	grant_seal(key, &g, out);
}

/*
 * A logout forgets every grant kept for its session, under whatever
 * dialect, address or form the token came, and no other: a grant left
 * behind once worked again when the next login got the session's row.
 */
static void
test_forget_credential(void)
{
	uint8_t		 k[4][32], g[4][GRANT_LEN], out[GRANT_LEN];
	uint8_t		 kind;
	uint64_t	 cred;

	grantcache_clear();
	make_grant_for(7, GRANT_SESSION, 42, g[0]);
	make_grant_for(7, GRANT_SESSION, 43, g[1]);	/* another session */
	make_grant_for(7, GRANT_APIKEY, 42, g[2]);	/* a key's row 42 */
	grantcache_key(0, 1, "192.0.2.1", "jwt", k[0]);
	grantcache_key(3, 1, "192.0.2.9", "jwt", k[1]);
	grantcache_key(0, 1, "192.0.2.1", "other", k[2]);
	grantcache_key(1, 1, "192.0.2.1", "ak_", k[3]);
	grantcache_put(k[0], g[0]);
	grantcache_put(k[1], g[0]);
	grantcache_put(k[2], g[1]);
	grantcache_put(k[3], g[2]);
	CHECK_INT(grant_credential(g[0], GRANT_LEN, &kind, &cred), 0);
	CHECK_INT(kind, GRANT_SESSION);
	CHECK(cred == 42);
	CHECK_INT(grant_credential(g[0], GRANT_LEN - 1, &kind, &cred), -1);
	grantcache_forget_credential(g[0]);
	CHECK_INT(grantcache_get(k[0], out), -1);
	CHECK_INT(grantcache_get(k[1], out), -1);
	CHECK_INT(grantcache_get(k[2], out), 0);
	CHECK(memcmp(out, g[1], GRANT_LEN) == 0);
	CHECK_INT(grantcache_get(k[3], out), 0);
	CHECK(memcmp(out, g[2], GRANT_LEN) == 0);
	memset(g[3], 0, sizeof(g[3]));			/* no grant: nothing */
	grantcache_forget_credential(g[3]);
	CHECK_INT(grantcache_get(k[2], out), 0);
	grantcache_clear();
}

int
main(void)
{
	RUN(test_keys_differ);
	RUN(test_key_is_sha256);
	RUN(test_put_get_forget);
	RUN(test_expiry);
	RUN(test_replace_and_bound);
	RUN(test_forget_credential);
	return test_report("grantcache");
}
