/*
 * The replay cache of account v2 signatures: each good signature is
 * kept, with its signing key, for exactly as long as its X-Date is
 * fresh, so that it can never be used twice.  Memory is bounded by
 * refusing a new signature, never by forgetting one that could still
 * be replayed.
 *
 * The share that refuses is the user's (the signing key's owner): every
 * signature of all the user's keys counts, those of keys since deleted
 * too, for as long as they are kept.  A share per key was not one per
 * user: a user may hold 10 keys, key ids are never reused, and a
 * deleted key's signatures stay for up to ten minutes, so creating,
 * filling and deleting keys filled the whole cache, and then everyone's
 * signed requests were refused.  The whole cache holds REPLAY_TOTAL,
 * the shares of 256 users at once: only that many users each at their
 * limit fill it, never one user.
 */
#ifndef MOAT_REPLAY_H
#define MOAT_REPLAY_H

#include <stddef.h>
#include <stdint.h>

#define REPLAY_DIGEST_LEN	32
#define REPLAY_PER_USER		4096	/* signatures of one user at once */
#define REPLAY_TOTAL		(256 * REPLAY_PER_USER)	/* of everyone */

enum replay_verdict {
	REPLAY_FULL = -1,	/* refuse for now (429): retry says when */
	REPLAY_SEEN = 0,	/* a replay */
	REPLAY_NEW = 1,		/* recorded */
};

struct replay_cache;

/*
 * window: how far an X-Date may be from the clock, either way (a
 * signature is fresh while |now - xdate| <= window).
 */
struct replay_cache *replay_new(int64_t window, size_t per_user,
	    size_t total);
void	 replay_free(struct replay_cache *);
/*
 * Records a signature (its digest) of key, owned by user, dated xdate,
 * at now, by which clock reading the caller found it fresh: what can
 * no longer be fresh at now is dropped first, and nothing else.  A
 * replay is told apart before fullness, so that a full share still
 * refuses every replay.
 */
enum replay_verdict replay_record(struct replay_cache *, uint64_t user,
	    uint64_t key, const uint8_t digest[REPLAY_DIGEST_LEN],
	    int64_t xdate, int64_t now, uint32_t *retry_after);
/* Signatures kept, of user or (user 0) in all. */
size_t	 replay_count(struct replay_cache *, uint64_t user);

#endif
