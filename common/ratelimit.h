/*
 * Fixed-window counters keyed by bytes (an address, a user id): at most
 * `limit` hits per `window` seconds.  Memory is bounded: past max_keys,
 * the key whose window started first is forgotten.
 */
#ifndef MOAT_RATELIMIT_H
#define MOAT_RATELIMIT_H

#include <stddef.h>
#include <stdint.h>

#define RATELIMIT_KEY_MAX	32

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

#endif
