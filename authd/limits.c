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
 *
 * An account's attempts run one after another: each waits until the
 * account's schedule (the time the one before it runs) and then its
 * own delay, and moves the schedule there.  A delay taken from the
 * count at arrival alone let N parallel guesses wait their 8 s side by
 * side and then all reach the hasher.  The wait is bounded: one past
 * LOGIN_DELAY_MAX is refused (429, Retry-After) and not counted, so
 * nothing queues without end and a burst costs its sender at most one
 * guess per step.  Addresses that logged in to the account before (a
 * success within KNOWN_WINDOW) have a schedule of their own: a stranger
 * who keeps the account's schedule full slows its owner to the same
 * delay as before, never to 429 for as long as the attack lasts.
 */
#include <ctype.h>
#include <string.h>
#include <time.h>

#include "authd.h"
#include "hmac.h"

#define ACCOUNT_KEY_OID		'o'
#define ACCOUNT_KEY_NAME	'n'
#define ACCOUNT_KEY_LANE	'l'	/* the schedule of known addresses */
#define KNOWN_KEY		'k'
#define ACCOUNT_NAME_HASH	16	/* of SHA-256: only needs to differ */
/* a host's entry password (entry.c): its row, apart from users' rows */
#define HOST_KEY_OID		'h'
#define HOST_KEY_LANE		'H'
#define HOST_KNOWN_KEY		'K'


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

/* ---- accounts ------------------------------------------------------------ */

void
account_keys(struct account_keys *k, const char *name, uint64_t oid,
    const char *peer)
{
	char	 lowered[NAME_MAX_LEN + 1];
	uint8_t	 digest[32], addr[RATELIMIT_ADDR_KEY_MAX];
	size_t	 i, len = strnlen(name, NAME_MAX_LEN), addrlen;

	memset(k, 0, sizeof(*k));
	for (i = 0; i < len; i++)
		lowered[i] = tolower((unsigned char)name[i]);
	sha256(lowered, len, digest);
	k->name[0] = ACCOUNT_KEY_NAME;
	memcpy(k->name + 1, digest, ACCOUNT_NAME_HASH);
	explicit_bzero(lowered, sizeof(lowered));
	if (oid == 0)
		return;
	k->oid[0] = ACCOUNT_KEY_OID;
	memcpy(k->oid + 1, &oid, sizeof(oid));
	k->lane[0] = ACCOUNT_KEY_LANE;
	memcpy(k->lane + 1, &oid, sizeof(oid));
	k->has_oid = 1;
	/* the account and the address, as one key */
	addrlen = ratelimit_addr_key(peer, addr);
	k->known_key[0] = KNOWN_KEY;
	memcpy(k->known_key + 1, &oid, sizeof(oid));
	memcpy(k->known_key + 1 + sizeof(oid), addr, addrlen);
	k->known_len = 1 + sizeof(oid) + addrlen;
	k->known = ratelimit_count(authd_env->known, k->known_key,
	    k->known_len, time(NULL)) > 0;
}

/*
 * The same for a host's entry password: the host's row in place of an
 * account's (under keys of their own, so that host 5 is not user 5),
 * with the addresses that got in to it before on a schedule of their
 * own, so that strangers guessing cannot keep its users out.
 */
void
account_keys_host(struct account_keys *k, const char *name,
    uint64_t host_oid, const char *peer)
{
	account_keys(k, name, host_oid, peer);
	if (host_oid == 0)
		return;
	k->oid[0] = HOST_KEY_OID;
	k->lane[0] = HOST_KEY_LANE;
	k->known_key[0] = HOST_KNOWN_KEY;
	k->known = ratelimit_count(authd_env->known, k->known_key,
	    k->known_len, time(NULL)) > 0;
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

/* Growing delays per account, from the failures before this attempt. */
static uint32_t
account_delay(uint32_t failures)
{
	if (failures < 3)
		return 0;
	return failures - 3 >= 3 ? LOGIN_DELAY_MAX : 1U << (failures - 3);
}

/* When the attempt before this one runs: its lane's schedule. */
static int64_t
account_next(const struct account_keys *k)
{
	struct ratelimit	*rl = authd_env->accounts;
	int64_t			 byname, byoid;

	if (k->known)
		return ratelimit_next(rl, k->lane, sizeof(k->lane));
	byname = ratelimit_next(rl, k->name, sizeof(k->name));
	byoid = k->has_oid ? ratelimit_next(rl, k->oid, sizeof(k->oid)) : 0;
	return byname > byoid ? byname : byoid;
}

static void
account_set_next(const struct account_keys *k, int64_t now, int64_t next)
{
	struct ratelimit	*rl = authd_env->accounts;

	if (k->known) {
		ratelimit_set_next(rl, k->lane, sizeof(k->lane), now, next);
		return;
	}
	ratelimit_set_next(rl, k->name, sizeof(k->name), now, next);
	if (k->has_oid)
		ratelimit_set_next(rl, k->oid, sizeof(k->oid), now, next);
}

int
account_begin(struct account_keys *k, uint32_t *wait, uint32_t *retry)
{
	int64_t		 now = time(NULL), next = account_next(k), start;

	*wait = *retry = 0;
	start = (next > now ? next : now) +
	    account_delay(account_failures(k));
	if (start - now > LOGIN_DELAY_MAX) {
		*retry = start - now - LOGIN_DELAY_MAX;
		return 0;
	}
	/*
	 * A stranger's attempt counts as it starts, so that parallel guesses
	 * slow each other; one from an address that logged in to the account
	 * before counts only if it fails, so that the owner's own clients
	 * (a billing system's workers) may log in side by side.
	 */
	if (!k->known)
		account_hit(k);
	account_set_next(k, now, start);
	*wait = start - now;
	return 1;
}

void
account_hit(struct account_keys *k)
{
	uint32_t	 retry;

	if (k->held || k->name[0] == 0)	/* counted, or no account named */
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
account_failed(struct account_keys *k)
{
	account_hit(k);	/* counted now, if it was not as it began */
	k->held = 0;	/* it stays counted */
}

void
account_forgive(struct account_keys *k)
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

/* The password was right: the counts start again, the address known. */
void
account_succeeded(struct account_keys *k)
{
	struct ratelimit	*rl = authd_env->accounts;
	uint32_t		 retry;

	ratelimit_forget(rl, k->name, sizeof(k->name));
	if (k->has_oid) {
		ratelimit_forget(rl, k->oid, sizeof(k->oid));
		ratelimit_forget(rl, k->lane, sizeof(k->lane));
		ratelimit_hit(authd_env->known, k->known_key, k->known_len,
		    time(NULL), &retry);
	}
	k->held = 0;
}
