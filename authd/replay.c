/*
 * See replay.h.  A signature dated xdate is fresh until now - xdate
 * passes the window, and is kept until then, to the second: the caller
 * checks freshness with the clock reading it records with, so a
 * signature cannot be fresh while its entry is gone.  Three trees: the
 * signatures of each user by key and digest (is this a replay?), the
 * same by date (when does the user's oldest go stale?), and every
 * signature by date (which ones have gone stale?).
 */
#include <sys/types.h>
#include <sys/tree.h>

#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "replay.h"

struct replay_user;

struct replay_sig {
	RB_ENTRY(replay_sig)	 by_sig;
	RB_ENTRY(replay_sig)	 by_user_date;
	RB_ENTRY(replay_sig)	 by_date;
	struct replay_user	*owner;
	uint64_t		 key;
	int64_t			 xdate;
	uint8_t			 digest[REPLAY_DIGEST_LEN];
};

RB_HEAD(sig_sigs, replay_sig);
RB_HEAD(sig_dates, replay_sig);		/* through by_date */
RB_HEAD(user_dates, replay_sig);	/* through by_user_date */

struct replay_user {
	RB_ENTRY(replay_user)	 entry;
	uint64_t		 user;
	size_t			 count;
	struct sig_sigs		 sigs;
	struct user_dates	 dates;
};

RB_HEAD(replay_users, replay_user);

struct replay_cache {
	struct replay_users	 users;
	struct sig_dates	 dates;
	int64_t			 window;
	size_t			 per_user;
	size_t			 total;
	size_t			 count;
};

static int
sig_cmp(struct replay_sig *a, struct replay_sig *b)
{
	if (a->key != b->key)
		return a->key < b->key ? -1 : 1;
	return memcmp(a->digest, b->digest, sizeof(a->digest));
}

static int
date_cmp(struct replay_sig *a, struct replay_sig *b)
{
	if (a->xdate != b->xdate)
		return a->xdate < b->xdate ? -1 : 1;
	if (a->owner->user != b->owner->user)
		return a->owner->user < b->owner->user ? -1 : 1;
	return sig_cmp(a, b);
}

static int
user_cmp(struct replay_user *a, struct replay_user *b)
{
	if (a->user != b->user)
		return a->user < b->user ? -1 : 1;
	return 0;
}

RB_PROTOTYPE(sig_sigs, replay_sig, by_sig, sig_cmp);
RB_PROTOTYPE(sig_dates, replay_sig, by_date, date_cmp);
RB_PROTOTYPE(user_dates, replay_sig, by_user_date, date_cmp);
RB_PROTOTYPE(replay_users, replay_user, entry, user_cmp);
RB_GENERATE(sig_sigs, replay_sig, by_sig, sig_cmp);
RB_GENERATE(sig_dates, replay_sig, by_date, date_cmp);
RB_GENERATE(user_dates, replay_sig, by_user_date, date_cmp);
RB_GENERATE(replay_users, replay_user, entry, user_cmp);

struct replay_cache *
replay_new(int64_t window, size_t per_user, size_t total)
{
	struct replay_cache	*rc;

	if ((rc = calloc(1, sizeof(*rc))) == NULL)
		fatal("%s", __func__);
	RB_INIT(&rc->users);
	RB_INIT(&rc->dates);
	rc->window = window;
	rc->per_user = per_user > 0 ? per_user : 1;
	rc->total = total > 0 ? total : 1;
	return rc;
}

static void
sig_remove(struct replay_cache *rc, struct replay_sig *s)
{
	struct replay_user	*u = s->owner;

	RB_REMOVE(sig_dates, &rc->dates, s);
	RB_REMOVE(user_dates, &u->dates, s);
	RB_REMOVE(sig_sigs, &u->sigs, s);
	free(s);
	rc->count--;
	if (--u->count == 0) {
		RB_REMOVE(replay_users, &rc->users, u);
		free(u);
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

static struct replay_user *
user_find(struct replay_cache *rc, uint64_t user)
{
	struct replay_user	 u;

	u.user = user;
	return RB_FIND(replay_users, &rc->users, &u);
}

/* When the first of the signatures that fill the share goes stale. */
static uint32_t
retry_after(struct replay_cache *rc, struct replay_user *u, int64_t now)
{
	struct replay_sig	*oldest;
	int64_t			 left;

	if (u != NULL && u->count >= rc->per_user)
		oldest = RB_MIN(user_dates, &u->dates);
	else
		oldest = RB_MIN(sig_dates, &rc->dates);
	left = oldest->xdate + rc->window + 1 - now;
	return left > 0 ? (uint32_t)left : 1;
}

enum replay_verdict
replay_record(struct replay_cache *rc, uint64_t user, uint64_t key,
    const uint8_t digest[REPLAY_DIGEST_LEN], int64_t xdate, int64_t now,
    uint32_t *retry)
{
	struct replay_user	*u;
	struct replay_sig	 find, *s;

	*retry = 0;
	prune(rc, now);
	if ((u = user_find(rc, user)) != NULL) {
		find.key = key;
		memcpy(find.digest, digest, sizeof(find.digest));
		if (RB_FIND(sig_sigs, &u->sigs, &find) != NULL)
			return REPLAY_SEEN;
	}
	if ((u != NULL && u->count >= rc->per_user) || rc->count >= rc->total) {
		*retry = retry_after(rc, u, now);
		return REPLAY_FULL;
	}
	if (u == NULL) {
		if ((u = calloc(1, sizeof(*u))) == NULL)
			fatal("%s", __func__);
		u->user = user;
		RB_INIT(&u->sigs);
		RB_INIT(&u->dates);
		RB_INSERT(replay_users, &rc->users, u);
	}
	if ((s = calloc(1, sizeof(*s))) == NULL)
		fatal("%s", __func__);
	s->owner = u;
	s->key = key;
	s->xdate = xdate;
	memcpy(s->digest, digest, sizeof(s->digest));
	RB_INSERT(sig_sigs, &u->sigs, s);
	RB_INSERT(user_dates, &u->dates, s);
	RB_INSERT(sig_dates, &rc->dates, s);
	u->count++;
	rc->count++;
	return REPLAY_NEW;
}

size_t
replay_count(struct replay_cache *rc, uint64_t user)
{
	struct replay_user	*u;

	if (user == 0)
		return rc->count;
	return (u = user_find(rc, user)) != NULL ? u->count : 0;
}
