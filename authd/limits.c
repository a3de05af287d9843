/*
 * The abuse limits of password and secret checks, keyed on what the
 * check is about rather than on text as the client typed it.
 *
 * An address is its binary form (IPv4, or IPv6 by its /64, and its /48
 * besides, at RATELIMIT_SITE_FACTOR times the limit, so that rotating
 * through the /64s of one site does not multiply the limit by 65536):
 * a long text cannot be cut to a prefix that another address shares.
 * An attempt is counted against its address before its hash runs and
 * forgiven if it turns out not to have been a failure, so that a burst
 * of parallel guesses cannot all pass the check before the first one
 * is counted.
 *
 * An account is its row (oid), once stored has resolved the name: a
 * name matches case-insensitively as an e-mail address, and a user
 * has a name and an address, so every spelling must reach one counter.
 * A name is also counted by its normalized form (lowered), whether or
 * not it names anyone: an unknown name is then slowed as a known one
 * is, and a spelling that stored does not resolve (a user name in
 * other case) is slowed with the one it does, so that the delays do
 * not tell which names exist.
 */
#include <ctype.h>
#include <string.h>
#include <time.h>

#include "authd.h"
#include "hmac.h"

#define ACCOUNT_KEY_OID		'o'
#define ACCOUNT_KEY_NAME	'n'
#define ACCOUNT_NAME_HASH	16	/* of SHA-256: only needs to differ */

/* ---- addresses ----------------------------------------------------------- */

int
attempt_begin(struct attempt *a, const char *peer, uint32_t *retry)
{
	struct authd	*env = authd_env;

	memset(a, 0, sizeof(*a));
	a->keylen = ratelimit_addr_key(peer, a->key);
	a->sitelen = ratelimit_site_key(peer, a->site);
	a->when = time(NULL);
	if (!ratelimit_hit(env->failures, a->key, a->keylen, a->when, retry))
		return 0;
	if (a->sitelen != 0 && !ratelimit_hit(env->failures_site, a->site,
	    a->sitelen, a->when, retry)) {
		ratelimit_unhit(env->failures, a->key, a->keylen, a->when);
		return 0;
	}
	a->held = 1;
	return 1;
}

void
attempt_failed(struct attempt *a)
{
	a->held = 0;	/* it stays counted */
}

void
attempt_forgive(struct attempt *a)
{
	if (a->held) {
		ratelimit_unhit(authd_env->failures, a->key, a->keylen,
		    a->when);
		if (a->sitelen != 0)
			ratelimit_unhit(authd_env->failures_site, a->site,
			    a->sitelen, a->when);
	}
	a->held = 0;
}

void
peer_invalid(const char *peer)
{
	uint8_t		 key[RATELIMIT_ADDR_KEY_MAX];
	uint8_t		 site[RATELIMIT_SITE_KEY_MAX];
	uint32_t	 retry;
	size_t		 len = ratelimit_addr_key(peer, key);
	size_t		 sitelen = ratelimit_site_key(peer, site);
	time_t		 now = time(NULL);

	ratelimit_hit(authd_env->invalid, key, len, now, &retry);
	if (sitelen != 0)
		ratelimit_hit(authd_env->invalid_site, site, sitelen, now,
		    &retry);
}

int
peer_invalid_ok(const char *peer, uint32_t *retry)
{
	uint8_t		 key[RATELIMIT_ADDR_KEY_MAX];
	uint8_t		 site[RATELIMIT_SITE_KEY_MAX];
	size_t		 len = ratelimit_addr_key(peer, key);
	size_t		 sitelen = ratelimit_site_key(peer, site);
	time_t		 now = time(NULL);

	if (!ratelimit_check(authd_env->invalid, key, len, now, retry))
		return 0;
	return sitelen == 0 || ratelimit_check(authd_env->invalid_site, site,
	    sitelen, now, retry);
}

void
account_keys(struct account_keys *k, const char *name, uint64_t oid)
{
	char	 lowered[NAME_MAX_LEN + 1];
	uint8_t	 digest[32];
	size_t	 i, len = strnlen(name, NAME_MAX_LEN);

	memset(k, 0, sizeof(*k));
	for (i = 0; i < len; i++)
		lowered[i] = tolower((unsigned char)name[i]);
	sha256(lowered, len, digest);
	k->name[0] = ACCOUNT_KEY_NAME;
	memcpy(k->name + 1, digest, ACCOUNT_NAME_HASH);
	if (oid != 0) {
		k->oid[0] = ACCOUNT_KEY_OID;
		memcpy(k->oid + 1, &oid, sizeof(oid));
		k->has_oid = 1;
	}
	explicit_bzero(lowered, sizeof(lowered));
}

/* The larger of the two counts: either spelling slows the attempt. */
uint32_t
account_failures(const struct account_keys *k)
{
	time_t		 now = time(NULL);
	uint32_t	 byname, byoid = 0;

	byname = ratelimit_count(authd_env->accounts, k->name,
	    sizeof(k->name), now);
	if (k->has_oid)
		byoid = ratelimit_count(authd_env->accounts, k->oid,
		    sizeof(k->oid), now);
	return byname > byoid ? byname : byoid;
}

void
account_hit(struct account_keys *k)
{
	uint32_t	 retry;

	if (k->held)
		return;
	k->when = time(NULL);
	ratelimit_hit(authd_env->accounts, k->name, sizeof(k->name), k->when,
	    &retry);
	if (k->has_oid)
		ratelimit_hit(authd_env->accounts, k->oid, sizeof(k->oid),
		    k->when, &retry);
	k->held = 1;
}

void
account_unhit(struct account_keys *k)
{
	if (!k->held)
		return;
	ratelimit_unhit(authd_env->accounts, k->name, sizeof(k->name),
	    k->when);
	if (k->has_oid)
		ratelimit_unhit(authd_env->accounts, k->oid, sizeof(k->oid),
		    k->when);
	k->held = 0;
}

void
account_reset(struct account_keys *k)
{
	ratelimit_forget(authd_env->accounts, k->name, sizeof(k->name));
	if (k->has_oid)
		ratelimit_forget(authd_env->accounts, k->oid, sizeof(k->oid));
	k->held = 0;
}
