/*
 * Unit tests of authd/replay.c, the account v2 replay cache: a
 * signature is refused a second time for as long as its X-Date is fresh
 * (to the second, at both edges of the window), each key has its own
 * share, and a full share refuses new signatures instead of forgetting
 * old ones.
 */
#include <stdint.h>
#include <string.h>

#include "replay.h"
#include "test.h"

#define WINDOW	300

/* The fresh test of authd/crypto.c, as account.c applies it. */
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
	CHECK_INT(replay_record(rc, 7, d, xdate, now, &retry), REPLAY_NEW);
	for (now = xdate - WINDOW; fresh(xdate, now); now++)
		if (replay_record(rc, 7, d, xdate, now, &retry) != REPLAY_SEEN)
			break;
	/* every fresh moment refused it; the loop ended on the first stale
	 * one, the window's own edge plus one */
	CHECK_INT(now, xdate + WINDOW + 1);
	CHECK(!fresh(xdate, now));
	/* once stale it may go, and then nothing is kept */
	CHECK_INT(replay_record(rc, 7, d, xdate + 2 * WINDOW,
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
	CHECK_INT(replay_record(rc, 7, d, 1000, 1000 + WINDOW, &retry),
	    REPLAY_NEW);
	CHECK_INT(replay_record(rc, 7, d, 1000, 1000 + WINDOW, &retry),
	    REPLAY_SEEN);
	/* another key's signature with the same bytes is its own */
	CHECK_INT(replay_record(rc, 8, d, 1000, 1000 + WINDOW, &retry),
	    REPLAY_NEW);
	replay_free(rc);
}

/*
 * A key that fills its share is refused (with the time until its oldest
 * signature goes stale) and pushes nothing out: every signature it made
 * is still refused as a replay, and other keys are not touched.
 */
static void
test_full_key_refuses(void)
{
	struct replay_cache	*rc = replay_new(WINDOW, 4, 64);
	uint8_t			 d[REPLAY_DIGEST_LEN];
	uint32_t		 retry, n;

	digest_of(100, d);
	CHECK_INT(replay_record(rc, 2, d, 5000, 5000, &retry), REPLAY_NEW);
	for (n = 0; n < 4; n++) {
		digest_of(n, d);
		CHECK_INT(replay_record(rc, 1, d, 5000 + n, 5010, &retry),
		    REPLAY_NEW);
	}
	digest_of(4, d);
	CHECK_INT(replay_record(rc, 1, d, 5010, 5010, &retry), REPLAY_FULL);
	/* the oldest, dated 5000, is stale after 5300 */
	CHECK_INT(retry, 5000 + WINDOW + 1 - 5010);
	for (n = 0; n < 4; n++) {
		digest_of(n, d);
		CHECK_INT(replay_record(rc, 1, d, 5000 + n, 5010, &retry),
		    REPLAY_SEEN);
	}
	CHECK_INT(replay_count(rc, 1), 4);
	/* another key still has its share */
	digest_of(4, d);
	CHECK_INT(replay_record(rc, 3, d, 5010, 5010, &retry), REPLAY_NEW);
	digest_of(100, d);
	CHECK_INT(replay_record(rc, 2, d, 5000, 5010, &retry), REPLAY_SEEN);
	/* when the oldest goes stale, there is room again */
	digest_of(4, d);
	CHECK_INT(replay_record(rc, 1, d, 5301, 5301, &retry), REPLAY_NEW);
	digest_of(0, d);
	CHECK_INT(replay_count(rc, 1), 4);
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
		CHECK_INT(replay_record(rc, 10 + n % 3, d, 7000, 7000, &retry),
		    REPLAY_NEW);
	}
	digest_of(6, d);
	CHECK_INT(replay_record(rc, 20, d, 7000, 7000, &retry), REPLAY_FULL);
	CHECK_INT(retry, WINDOW + 1);
	for (n = 0; n < 6; n++) {
		digest_of(n, d);
		CHECK_INT(replay_record(rc, 10 + n % 3, d, 7000, 7100, &retry),
		    REPLAY_SEEN);
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
	CHECK_INT(replay_record(rc, 1, d, 2000 + WINDOW, 2000, &retry),
	    REPLAY_NEW);
	/* twice the window after it was first seen, still fresh */
	CHECK(fresh(2000 + WINDOW, 2000 + 2 * WINDOW));
	CHECK_INT(replay_record(rc, 1, d, 2000 + WINDOW, 2000 + 2 * WINDOW,
	    &retry), REPLAY_SEEN);
	replay_free(rc);
}

int
main(void)
{
	RUN(test_whole_window);
	RUN(test_past_edge);
	RUN(test_full_key_refuses);
	RUN(test_full_cache_refuses);
	RUN(test_future_dates);
	return test_report("replay");
}
