/*
 * See ratelimit.h.  A tree finds a key; two queues, each in the order
 * its keys entered it (their window's start, as a window that starts
 * again sends its key to the back), find the key to forget without
 * looking at the others: a scan of every key on every insert into a
 * full table let an attacker with many addresses (an IPv6 /48 has
 * 65536 /64s) make each insert cost 65536 steps on authd's main
 * thread, and forgetting the oldest key whatever its count let fresh
 * names push out the counter of an account under attack.
 */
#include <sys/types.h>
#include <sys/socket.h>
#include <sys/queue.h>
#include <sys/tree.h>

#include <arpa/inet.h>
#include <netinet/in.h>

#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "ratelimit.h"

struct rl_entry {
	RB_ENTRY(rl_entry)	 entry;
	TAILQ_ENTRY(rl_entry)	 age;
	uint8_t			 key[RATELIMIT_KEY_MAX];
	size_t			 keylen;
	int64_t			 start;
	int64_t			 next;		/* a schedule, or 0 */
	uint32_t		 count;
	int			 heavy;		/* on which queue */
};

static int
rl_cmp(struct rl_entry *a, struct rl_entry *b)
{
	if (a->keylen != b->keylen)
		return a->keylen < b->keylen ? -1 : 1;
	return memcmp(a->key, b->key, a->keylen);
}

RB_HEAD(rl_tree, rl_entry);
RB_PROTOTYPE(rl_tree, rl_entry, entry, rl_cmp);
RB_GENERATE(rl_tree, rl_entry, entry, rl_cmp);
TAILQ_HEAD(rl_queue, rl_entry);

struct ratelimit {
	struct rl_tree	 tree;
	struct rl_queue	 light;		/* at most one hit, no schedule */
	struct rl_queue	 heavy;		/* the others */
	uint32_t	 limit;
	uint32_t	 window;
	size_t		 nkeys;
	size_t		 max_keys;
};

struct ratelimit *
ratelimit_new(uint32_t limit, uint32_t window, size_t max_keys)
{
	struct ratelimit	*rl;

	if ((rl = calloc(1, sizeof(*rl))) == NULL)
		fatal("%s", __func__);
	RB_INIT(&rl->tree);
	TAILQ_INIT(&rl->light);
	TAILQ_INIT(&rl->heavy);
	rl->limit = limit;
	rl->window = window > 0 ? window : 1;
	rl->max_keys = max_keys > 0 ? max_keys : 1;
	return rl;
}

static struct rl_queue *
queue_of(struct ratelimit *rl, const struct rl_entry *e)
{
	return e->heavy ? &rl->heavy : &rl->light;
}

static void
drop(struct ratelimit *rl, struct rl_entry *e)
{
	RB_REMOVE(rl_tree, &rl->tree, e);
	TAILQ_REMOVE(queue_of(rl, e), e, age);
	free(e);
	rl->nkeys--;
}

void
ratelimit_free(struct ratelimit *rl)
{
	struct rl_entry	*e;

	if (rl == NULL)
		return;
	while ((e = RB_MIN(rl_tree, &rl->tree)) != NULL)
		drop(rl, e);
	free(rl);
}

void
ratelimit_set_limit(struct ratelimit *rl, uint32_t limit)
{
	rl->limit = limit;
}

size_t
ratelimit_keys(struct ratelimit *rl)
{
	return rl->nkeys;
}

static struct rl_entry *
find(struct ratelimit *rl, const void *key, size_t keylen)
{
	struct rl_entry	 k;

	if (keylen > RATELIMIT_KEY_MAX)
		return NULL;
	memcpy(k.key, key, keylen);
	k.keylen = keylen;
	return RB_FIND(rl_tree, &rl->tree, &k);
}

/* To the back of the queue its counts put it in. */
static void
requeue(struct ratelimit *rl, struct rl_entry *e)
{
	TAILQ_REMOVE(queue_of(rl, e), e, age);
	e->heavy = e->count >= 2 || e->next != 0;
	TAILQ_INSERT_TAIL(queue_of(rl, e), e, age);
}

/* Moved only if its counts now belong in the other queue. */
static void
settle(struct ratelimit *rl, struct rl_entry *e)
{
	if (e->heavy != (e->count >= 2 || e->next != 0))
		requeue(rl, e);
}

static int
expired(struct ratelimit *rl, const struct rl_entry *e, int64_t now)
{
	return now - e->start >= rl->window && e->next <= now;
}

/*
 * Full: an ended window first, then the oldest light key, the oldest
 * heavy one only when no light one is left.  Each queue's first is its
 * oldest, so nothing else is looked at.
 */
static void
evict(struct ratelimit *rl, int64_t now)
{
	struct rl_entry	*light = TAILQ_FIRST(&rl->light);
	struct rl_entry	*heavy = TAILQ_FIRST(&rl->heavy);

	if (light != NULL && expired(rl, light, now))
		drop(rl, light);
	else if (heavy != NULL && expired(rl, heavy, now))
		drop(rl, heavy);
	else if (light != NULL)
		drop(rl, light);
	else if (heavy != NULL)
		drop(rl, heavy);
}

static struct rl_entry *
current(struct ratelimit *rl, const void *key, size_t keylen, int64_t now,
    int create)
{
	struct rl_entry	*e = find(rl, key, keylen);

	if (e != NULL && now - e->start >= rl->window) {
		e->start = now;
		e->count = 0;
		if (e->next <= now)
			e->next = 0;
		requeue(rl, e);
	}
	if (e != NULL || !create)
		return e;
	while (rl->nkeys >= rl->max_keys)
		evict(rl, now);
	if ((e = calloc(1, sizeof(*e))) == NULL)
		fatal("%s", __func__);
	e->keylen = keylen;
	memcpy(e->key, key, keylen);
	e->start = now;
	RB_INSERT(rl_tree, &rl->tree, e);
	TAILQ_INSERT_TAIL(&rl->light, e, age);
	rl->nkeys++;
	return e;
}

static uint32_t
retry(struct ratelimit *rl, const struct rl_entry *e, int64_t now)
{
	int64_t	 left = e->start + rl->window - now;

	return left > 0 ? (uint32_t)left : 1;
}

int
ratelimit_hit(struct ratelimit *rl, const void *key, size_t keylen,
    int64_t now, uint32_t *retry_after)
{
	struct rl_entry	*e;

	*retry_after = 0;
	if (keylen > RATELIMIT_KEY_MAX) {
		*retry_after = rl->window;
		return 0;
	}
	e = current(rl, key, keylen, now, 1);
	if (e->count >= rl->limit) {
		*retry_after = retry(rl, e, now);
		return 0;
	}
	e->count++;
	settle(rl, e);
	return 1;
}

int
ratelimit_check(struct ratelimit *rl, const void *key, size_t keylen,
    int64_t now, uint32_t *retry_after)
{
	struct rl_entry	*e;

	*retry_after = 0;
	if (keylen > RATELIMIT_KEY_MAX) {
		*retry_after = rl->window;
		return 0;
	}
	e = current(rl, key, keylen, now, 0);
	if (e == NULL || e->count < rl->limit)
		return 1;
	*retry_after = retry(rl, e, now);
	return 0;
}

uint32_t
ratelimit_count(struct ratelimit *rl, const void *key, size_t keylen,
    int64_t now)
{
	struct rl_entry	*e;

	if (keylen > RATELIMIT_KEY_MAX)
		return UINT32_MAX;
	e = current(rl, key, keylen, now, 0);
	return e == NULL ? 0 : e->count;
}

void
ratelimit_forget(struct ratelimit *rl, const void *key, size_t keylen)
{
	struct rl_entry	*e = find(rl, key, keylen);

	if (e != NULL)
		drop(rl, e);
}

void
ratelimit_unhit(struct ratelimit *rl, const void *key, size_t keylen,
    int64_t when)
{
	struct rl_entry	*e = find(rl, key, keylen);

	if (e != NULL && e->start <= when && e->count > 0) {
		e->count--;
		settle(rl, e);
	}
}

int64_t
ratelimit_next(struct ratelimit *rl, const void *key, size_t keylen)
{
	struct rl_entry	*e = find(rl, key, keylen);

	return e != NULL ? e->next : 0;
}

void
ratelimit_set_next(struct ratelimit *rl, const void *key, size_t keylen,
    int64_t now, int64_t next)
{
	struct rl_entry	*e;

	if (keylen > RATELIMIT_KEY_MAX)
		return;
	e = current(rl, key, keylen, now, 1);
	e->next = next;
	settle(rl, e);
}

size_t
ratelimit_addr_key(const char *addr, uint8_t key[RATELIMIT_ADDR_KEY_MAX])
{
	struct in6_addr	 a6;
	struct in_addr	 a4;

	memset(key, 0, RATELIMIT_ADDR_KEY_MAX);
	if (inet_pton(AF_INET, addr, &a4) == 1) {
		key[0] = 4;
		memcpy(key + 1, &a4, 4);
		return 5;
	}
	if (inet_pton(AF_INET6, addr, &a6) != 1)
		return 1;
	if (IN6_IS_ADDR_V4MAPPED(&a6)) {
		key[0] = 4;
		memcpy(key + 1, &a6.s6_addr[12], 4);
		return 5;
	}
	key[0] = 6;
	memcpy(key + 1, a6.s6_addr, 8);
	return 9;
}

size_t
ratelimit_site_key(const char *addr, uint8_t key[RATELIMIT_SITE_KEY_MAX])
{
	struct in6_addr	 a6;
	struct in_addr	 a4;

	memset(key, 0, RATELIMIT_SITE_KEY_MAX);
	if (inet_pton(AF_INET, addr, &a4) == 1 ||
	    inet_pton(AF_INET6, addr, &a6) != 1 || IN6_IS_ADDR_V4MAPPED(&a6))
		return 0;
	key[0] = 48;
	memcpy(key + 1, a6.s6_addr, 6);
	return 7;
}
