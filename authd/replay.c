/*
 * See replay.h.  A signature dated xdate is fresh until now - xdate
 * passes the window, and is kept until then, to the second: the caller
 * checks freshness with the clock reading it records with, so a
 * signature cannot be fresh while its entry is gone.  Two trees: the
 * signatures of each key by digest (is this a replay?), and every
 * signature by date (which ones have gone stale?).
 */
#include <sys/types.h>
#include <sys/tree.h>

#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "replay.h"

struct replay_key;

struct replay_sig {
	RB_ENTRY(replay_sig)	 by_digest;
	RB_ENTRY(replay_sig)	 by_date;
	struct replay_key	*owner;
	int64_t			 xdate;
	uint8_t			 digest[REPLAY_DIGEST_LEN];
};

RB_HEAD(sig_digests, replay_sig);
RB_HEAD(sig_dates, replay_sig);

struct replay_key {
	RB_ENTRY(replay_key)	 entry;
	uint64_t		 key;
	size_t			 count;
	struct sig_digests	 sigs;
};

RB_HEAD(replay_keys, replay_key);

struct replay_cache {
	struct replay_keys	 keys;
	struct sig_dates	 dates;
	int64_t			 window;
	size_t			 per_key;
	size_t			 total;
	size_t			 count;
};

static int
digest_cmp(struct replay_sig *a, struct replay_sig *b)
{
	return memcmp(a->digest, b->digest, sizeof(a->digest));
}

static int
date_cmp(struct replay_sig *a, struct replay_sig *b)
{
	if (a->xdate != b->xdate)
		return a->xdate < b->xdate ? -1 : 1;
	if (a->owner->key != b->owner->key)
		return a->owner->key < b->owner->key ? -1 : 1;
	return digest_cmp(a, b);
}

static int
key_cmp(struct replay_key *a, struct replay_key *b)
{
	if (a->key != b->key)
		return a->key < b->key ? -1 : 1;
	return 0;
}

RB_PROTOTYPE(sig_digests, replay_sig, by_digest, digest_cmp);
RB_PROTOTYPE(sig_dates, replay_sig, by_date, date_cmp);
RB_PROTOTYPE(replay_keys, replay_key, entry, key_cmp);
RB_GENERATE(sig_digests, replay_sig, by_digest, digest_cmp);
RB_GENERATE(sig_dates, replay_sig, by_date, date_cmp);
RB_GENERATE(replay_keys, replay_key, entry, key_cmp);

struct replay_cache *
replay_new(int64_t window, size_t per_key, size_t total)
{
	struct replay_cache	*rc;

	if ((rc = calloc(1, sizeof(*rc))) == NULL)
		fatal("%s", __func__);
	RB_INIT(&rc->keys);
	RB_INIT(&rc->dates);
	rc->window = window;
	rc->per_key = per_key > 0 ? per_key : 1;
	rc->total = total > 0 ? total : 1;
	return rc;
}

static void
sig_remove(struct replay_cache *rc, struct replay_sig *s)
{
	struct replay_key	*k = s->owner;

	RB_REMOVE(sig_dates, &rc->dates, s);
	RB_REMOVE(sig_digests, &k->sigs, s);
	free(s);
	rc->count--;
	if (--k->count == 0) {
		RB_REMOVE(replay_keys, &rc->keys, k);
		free(k);
	}
}

void
replay_free(struct replay_cache *rc)
{
	struct replay_sig	*s;

	if (rc == NULL)
		return;
	while ((s = RB_MIN(sig_dates, &rc->dates)) != NULL)
		sig_remove(rc, s);
	free(rc);
}

/* Drops what can no longer be fresh, and nothing else. */
static void
prune(struct replay_cache *rc, int64_t now)
{
	struct replay_sig	*s;

	while ((s = RB_MIN(sig_dates, &rc->dates)) != NULL &&
	    now - s->xdate > rc->window)
		sig_remove(rc, s);
}

static struct replay_key *
key_find(struct replay_cache *rc, uint64_t key)
{
	struct replay_key	 k;

	k.key = key;
	return RB_FIND(replay_keys, &rc->keys, &k);
}

/* When the first of these signatures goes stale, at the latest. */
static uint32_t
retry_after(struct replay_cache *rc, struct replay_key *k, int64_t now)
{
	struct replay_sig	*s;
	int64_t			 oldest, left;

	if (k != NULL && k->count >= rc->per_key) {
		oldest = INT64_MAX;
		RB_FOREACH(s, sig_digests, &k->sigs)
			if (s->xdate < oldest)
				oldest = s->xdate;
	} else
		oldest = RB_MIN(sig_dates, &rc->dates)->xdate;
	left = oldest + rc->window + 1 - now;
	return left > 0 ? (uint32_t)left : 1;
}

enum replay_verdict
replay_record(struct replay_cache *rc, uint64_t key,
    const uint8_t digest[REPLAY_DIGEST_LEN], int64_t xdate, int64_t now,
    uint32_t *retry)
{
	struct replay_key	*k;
	struct replay_sig	 find, *s;

	*retry = 0;
	prune(rc, now);
	if ((k = key_find(rc, key)) != NULL) {
		memcpy(find.digest, digest, sizeof(find.digest));
		if (RB_FIND(sig_digests, &k->sigs, &find) != NULL)
			return REPLAY_SEEN;
	}
	if ((k != NULL && k->count >= rc->per_key) || rc->count >= rc->total) {
		*retry = retry_after(rc, k, now);
		return REPLAY_FULL;
	}
	if (k == NULL) {
		if ((k = calloc(1, sizeof(*k))) == NULL)
			fatal("%s", __func__);
		k->key = key;
		RB_INIT(&k->sigs);
		RB_INSERT(replay_keys, &rc->keys, k);
	}
	if ((s = calloc(1, sizeof(*s))) == NULL)
		fatal("%s", __func__);
	s->owner = k;
	s->xdate = xdate;
	memcpy(s->digest, digest, sizeof(s->digest));
	RB_INSERT(sig_digests, &k->sigs, s);
	RB_INSERT(sig_dates, &rc->dates, s);
	k->count++;
	rc->count++;
	return REPLAY_NEW;
}

size_t
replay_count(struct replay_cache *rc, uint64_t key)
{
	struct replay_key	*k;

	if (key == 0)
		return rc->count;
	return (k = key_find(rc, key)) != NULL ? k->count : 0;
}
