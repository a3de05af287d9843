/*
 * Unit tests of authd/replay.c, the account v2 replay cache: a
 * signature is refused a second time for as long as its X-Date is fresh
 * (to the second, at both edges of the window), each user (the signing
 * key's owner) has a share that all their keys' signatures count
 * against, deleted keys' too, and a full share refuses new signatures
 * instead of forgetting old ones.
 */
#include <stdint.h>
#include <string.h>

#include "replay.h"
#include "test.h"

#define WINDOW	300

/* The fresh test of authd/sigv2.c, as account.c applies it. */
static int
fresh(int64_t xdate, int64_t now)
{
	return xdate - now <= WINDOW && now - xdate <= WINDOW;
}

static void
digest_of(uint32_t n, uint8_t d[REPLAY_DIGEST_LEN])
{
	memset(d, 0, REPLAY_DIGEST_LEN);
	memcpy(d, &n, sizeof(n));
}

/*
 * A signature dated xdate, first seen at the earliest moment it is
 * fresh, is refused at every later moment that it is still fresh,
 * including the last.
 */
static void
test_whole_window(void)
{
	struct replay_cache	*rc = replay_new(WINDOW, 16, 64);
	uint8_t			 d[REPLAY_DIGEST_LEN];
	int64_t			 xdate = 100000, now;
	uint32_t		 retry;

	digest_of(1, d);
	now = xdate - WINDOW;
	CHECK(fresh(xdate, now));
	CHECK_INT(replay_record(rc, 1, 7, d, xdate, now, &retry), REPLAY_NEW);
	for (now = xdate - WINDOW; fresh(xdate, now); now++)
		if (replay_record(rc, 1, 7, d, xdate, now, &retry) !=
		    REPLAY_SEEN)
			break;
	/* every fresh moment refused it; the loop ended on the first stale
	 * one, the window's own edge plus one */
	CHECK_INT(now, xdate + WINDOW + 1);
	CHECK(!fresh(xdate, now));
	/* once stale it may go, and then nothing is kept */
	CHECK_INT(replay_record(rc, 1, 7, d, xdate + 2 * WINDOW,
	    xdate + WINDOW + 1, &retry), REPLAY_NEW);
	CHECK_INT(replay_count(rc, 0), 1);
	replay_free(rc);
}

/* The other edge: dated in the past, first seen at the last moment. */
static void
test_past_edge(void)
{
	struct replay_cache	*rc = replay_new(WINDOW, 16, 64);
	uint8_t			 d[REPLAY_DIGEST_LEN];
	uint32_t		 retry;

	digest_of(2, d);
	CHECK_INT(replay_record(rc, 1, 7, d, 1000, 1000 + WINDOW, &retry),
	    REPLAY_NEW);
	CHECK_INT(replay_record(rc, 1, 7, d, 1000, 1000 + WINDOW, &retry),
	    REPLAY_SEEN);
	/* another key's signature with the same bytes is its own, the same
	 * user's or another's */
	CHECK_INT(replay_record(rc, 1, 8, d, 1000, 1000 + WINDOW, &retry),
	    REPLAY_NEW);
	CHECK_INT(replay_record(rc, 2, 9, d, 1000, 1000 + WINDOW, &retry),
	    REPLAY_NEW);
	replay_free(rc);
}

/*
 * A user who fills their share, with any of their keys, is refused
 * (with the time until their oldest signature goes stale) and pushes
 * nothing out: every signature they made is still refused as a replay,
 * and other users are not touched.
 */
static void
test_full_user_refuses(void)
{
	struct replay_cache	*rc = replay_new(WINDOW, 4, 64);
	uint8_t			 d[REPLAY_DIGEST_LEN];
	uint32_t		 retry, n;

	digest_of(100, d);
	CHECK_INT(replay_record(rc, 2, 20, d, 5000, 5000, &retry),
	    REPLAY_NEW);
	/* two keys of user 1 share one share */
	for (n = 0; n < 4; n++) {
		digest_of(n, d);
		CHECK_INT(replay_record(rc, 1, 10 + n % 2, d, 5000 + n, 5010,
		    &retry), REPLAY_NEW);
	}
	digest_of(4, d);
	CHECK_INT(replay_record(rc, 1, 10, d, 5010, 5010, &retry),
	    REPLAY_FULL);
	/* the oldest, dated 5000, is stale after 5300 */
	CHECK_INT(retry, 5000 + WINDOW + 1 - 5010);
	CHECK_INT(replay_record(rc, 1, 12, d, 5010, 5010, &retry),
	    REPLAY_FULL);
	for (n = 0; n < 4; n++) {
		digest_of(n, d);
		CHECK_INT(replay_record(rc, 1, 10 + n % 2, d, 5000 + n, 5010,
		    &retry), REPLAY_SEEN);
	}
	CHECK_INT(replay_count(rc, 1), 4);
	/* another user still has their share */
	digest_of(4, d);
	CHECK_INT(replay_record(rc, 3, 30, d, 5010, 5010, &retry),
	    REPLAY_NEW);
	digest_of(100, d);
	CHECK_INT(replay_record(rc, 2, 20, d, 5000, 5010, &retry),
	    REPLAY_SEEN);
	/* when the oldest goes stale, there is room again */
	digest_of(4, d);
	CHECK_INT(replay_record(rc, 1, 11, d, 5301, 5301, &retry),
	    REPLAY_NEW);
	CHECK_INT(replay_count(rc, 1), 4);
	replay_free(rc);
}

/*
 * The attack on a share per key: a user makes keys (ten at a time,
 * deleting them and making more; key ids are never reused), fills each
 * key's share, and so fills the whole cache, after which everyone's
 * signatures were refused for up to ten minutes.  With the real sizes:
 * the user gets their own share and no more, the signatures of keys
 * they deleted still count, and everyone else is served.
 */
static void
test_one_user_cannot_fill_the_cache(void)
{
	struct replay_cache	*rc = replay_new(WINDOW, REPLAY_PER_USER,
				    REPLAY_TOTAL);
	uint8_t			 d[REPLAY_DIGEST_LEN];
	uint32_t		 retry, n, key, made = 0, refused = 0;
	int64_t			 now = 50000;

	for (key = 1; key <= 40; key++)
		for (n = 0; n < REPLAY_PER_USER; n++) {
			digest_of(key << 16 | n, d);
			switch (replay_record(rc, 1, key, d, now, now,
			    &retry)) {
			case REPLAY_NEW:
				made++;
				break;
			case REPLAY_FULL:
				refused++;
				CHECK(retry > 0 && retry <= WINDOW + 1);
				break;
			default:
				CHECK(0);
			}
		}
	CHECK_INT(made, REPLAY_PER_USER);
	CHECK_INT(refused, 40 * REPLAY_PER_USER - REPLAY_PER_USER);
	CHECK_INT(replay_count(rc, 0), REPLAY_PER_USER);
	/* the total holds many users' shares, not one */
	CHECK(REPLAY_TOTAL >= 64 * REPLAY_PER_USER);
	for (n = 2; n < 100; n++) {
		digest_of(n, d);
		CHECK_INT(replay_record(rc, n, 1000 + n, d, now, now, &retry),
		    REPLAY_NEW);
	}
	replay_free(rc);
}

/* The whole cache full: refused too, never evicted. */
static void
test_full_cache_refuses(void)
{
	struct replay_cache	*rc = replay_new(WINDOW, 8, 6);
	uint8_t			 d[REPLAY_DIGEST_LEN];
	uint32_t		 retry, n;

	for (n = 0; n < 6; n++) {
		digest_of(n, d);
		CHECK_INT(replay_record(rc, 10 + n % 3, 100 + n % 3, d, 7000,
		    7000, &retry), REPLAY_NEW);
	}
	digest_of(6, d);
	CHECK_INT(replay_record(rc, 20, 200, d, 7000, 7000, &retry),
	    REPLAY_FULL);
	CHECK_INT(retry, WINDOW + 1);
	for (n = 0; n < 6; n++) {
		digest_of(n, d);
		CHECK_INT(replay_record(rc, 10 + n % 3, 100 + n % 3, d, 7000,
		    7100, &retry), REPLAY_SEEN);
	}
	CHECK_INT(replay_count(rc, 0), 6);
	CHECK_INT(replay_count(rc, 20), 0);
	replay_free(rc);
}

/* Signatures dated in the future stay until they are stale too. */
static void
test_future_dates(void)
{
	struct replay_cache	*rc = replay_new(WINDOW, 8, 8);
	uint8_t			 d[REPLAY_DIGEST_LEN];
	uint32_t		 retry;

	digest_of(9, d);
	CHECK_INT(replay_record(rc, 1, 1, d, 2000 + WINDOW, 2000, &retry),
	    REPLAY_NEW);
	/* twice the window after it was first seen, still fresh */
	CHECK(fresh(2000 + WINDOW, 2000 + 2 * WINDOW));
	CHECK_INT(replay_record(rc, 1, 1, d, 2000 + WINDOW, 2000 + 2 * WINDOW,
	    &retry), REPLAY_SEEN);
	replay_free(rc);
}

int
main(void)
{
	RUN(test_whole_window);
	RUN(test_past_edge);
	RUN(test_full_user_refuses);
	RUN(test_one_user_cannot_fill_the_cache);
	RUN(test_full_cache_refuses);
	RUN(test_future_dates);
	return test_report("replay");
}
