/*
 * Fixed-window counters keyed by bytes (an address, a user id): at most
 * `limit` hits per `window` seconds.  Memory is bounded: past max_keys,
 * one key is forgotten, in constant time: a key whose window has ended,
 * else the oldest of the keys with at most one hit (cheap to have made,
 * cheap to lose), and only when every key has more, the oldest of those.
 * A key longer than RATELIMIT_KEY_MAX is never cut short (two keys that
 * share a prefix would share a counter): it is over every limit.
 *
 * A key may also carry a time before which what it guards does not run
 * (a schedule, see authd/limits.c); a key with one is never forgotten
 * before the keys without.
 */
#ifndef MOAT_RATELIMIT_H
#define MOAT_RATELIMIT_H

#include <stddef.h>
#include <stdint.h>

#define RATELIMIT_KEY_MAX	32
/* A client address as a key: a tag, and IPv4's 4 bytes or IPv6's /64. */
#define RATELIMIT_ADDR_KEY_MAX	9
/* An IPv6 site (/48) as a key: a tag and 6 bytes. */
#define RATELIMIT_SITE_KEY_MAX	7
/*
 * How much more a /48 may do than one of its /64s: a site holds 65536
 * of them, and rotating through them must not multiply a limit by as
 * much, while a site of a few busy networks behind one prefix still
 * gets some room.
 */
#define RATELIMIT_SITE_FACTOR	16

struct ratelimit;

struct ratelimit *ratelimit_new(uint32_t limit, uint32_t window,
	    size_t max_keys);
void	 ratelimit_free(struct ratelimit *);
void	 ratelimit_set_limit(struct ratelimit *, uint32_t limit);
/*
 * Counts a hit.  Returns 1 if it is within the limit, 0 if not; then
 * *retry_after says in how many seconds the window ends.
 */
int	 ratelimit_hit(struct ratelimit *, const void *key, size_t keylen,
	    int64_t now, uint32_t *retry_after);
/* The same question without counting. */
int	 ratelimit_check(struct ratelimit *, const void *key, size_t keylen,
	    int64_t now, uint32_t *retry_after);
/* How many hits the key has in its current window. */
uint32_t ratelimit_count(struct ratelimit *, const void *key, size_t keylen,
	    int64_t now);
void	 ratelimit_forget(struct ratelimit *, const void *key, size_t keylen);
/*
 * Takes back one hit counted at `when` (an attempt that was counted
 * before it ran, and turned out not to be a failure), unless the key's
 * window has started again since.
 */
void	 ratelimit_unhit(struct ratelimit *, const void *key, size_t keylen,
	    int64_t when);
/* The key's schedule: 0 if it has none (or no entry). */
int64_t	 ratelimit_next(struct ratelimit *, const void *key, size_t keylen);
/* Sets the schedule of a key (kept, with no hit, if it had none). */
void	 ratelimit_set_next(struct ratelimit *, const void *key,
	    size_t keylen, int64_t now, int64_t next);
/* Keys held, for the tests. */
size_t	 ratelimit_keys(struct ratelimit *);
/*
 * The key of a client address in text: IPv4 as is (an IPv4-mapped IPv6
 * address too), IPv6 by its /64, which one customer usually holds
 * whole.  Text that is no address (frontd sends none) has one key for
 * all of it: limited together, never apart.  Returns the key's length.
 */
size_t	 ratelimit_addr_key(const char *addr,
	    uint8_t key[RATELIMIT_ADDR_KEY_MAX]);
/*
 * The key of an IPv6 address's /48, limited besides its /64 (by
 * RATELIMIT_SITE_FACTOR times as much); 0 for an address that has no
 * such tier (IPv4, IPv4-mapped, no address).
 */
size_t	 ratelimit_site_key(const char *addr,
	    uint8_t key[RATELIMIT_SITE_KEY_MAX]);

#endif
