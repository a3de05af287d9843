#include <sys/types.h>
#include <sys/socket.h>
#include <sys/tree.h>

#include <arpa/inet.h>
#include <netinet/in.h>

#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "ratelimit.h"

struct rl_entry {
	RB_ENTRY(rl_entry)	 entry;
	uint8_t			 key[RATELIMIT_KEY_MAX];
	size_t			 keylen;
	int64_t			 start;
	uint32_t		 count;
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

struct ratelimit {
	struct rl_tree	 tree;
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
	rl->limit = limit;
	rl->window = window > 0 ? window : 1;
	rl->max_keys = max_keys > 0 ? max_keys : 1;
	return rl;
}

void
ratelimit_free(struct ratelimit *rl)
{
	struct rl_entry	*e;

	if (rl == NULL)
		return;
	while ((e = RB_MIN(rl_tree, &rl->tree)) != NULL) {
		RB_REMOVE(rl_tree, &rl->tree, e);
		free(e);
	}
	free(rl);
}

void
ratelimit_set_limit(struct ratelimit *rl, uint32_t limit)
{
	rl->limit = limit;
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

/* Full: drop expired windows, then if need be the oldest one. */
static void
evict(struct ratelimit *rl, int64_t now)
{
	struct rl_entry	*e, *next, *oldest = NULL;

	RB_FOREACH_SAFE(e, rl_tree, &rl->tree, next) {
		if (now - e->start >= rl->window) {
			RB_REMOVE(rl_tree, &rl->tree, e);
			free(e);
			rl->nkeys--;
		} else if (oldest == NULL || e->start < oldest->start)
			oldest = e;
	}
	if (rl->nkeys >= rl->max_keys && oldest != NULL) {
		RB_REMOVE(rl_tree, &rl->tree, oldest);
		free(oldest);
		rl->nkeys--;
	}
}

static struct rl_entry *
current(struct ratelimit *rl, const void *key, size_t keylen, int64_t now,
    int create)
{
	struct rl_entry	*e = find(rl, key, keylen);

	if (e != NULL && now - e->start >= rl->window) {
		e->start = now;
		e->count = 0;
	}
	if (e != NULL || !create)
		return e;
	if (rl->nkeys >= rl->max_keys)
		evict(rl, now);
	if ((e = calloc(1, sizeof(*e))) == NULL)
		fatal("%s", __func__);
	e->keylen = keylen;
	memcpy(e->key, key, keylen);
	e->start = now;
	RB_INSERT(rl_tree, &rl->tree, e);
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

	if (e == NULL)
		return;
	RB_REMOVE(rl_tree, &rl->tree, e);
	free(e);
	rl->nkeys--;
}

void
ratelimit_unhit(struct ratelimit *rl, const void *key, size_t keylen,
    int64_t when)
{
	struct rl_entry	*e = find(rl, key, keylen);

	if (e != NULL && e->start <= when && e->count > 0)
		e->count--;
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
