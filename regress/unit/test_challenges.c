/*
 * stored's table of pending http-01 challenges (challengedb.c) on a real
 * database migrated to the current schema: a challenge put is read back
 * whole, an expired one is never answered and is swept, a token is its
 * owner's alone, and removal says whether there was one.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "body_challenge.h"
#include "log.h"
#include "stored.h"
#include "test.h"

#define TOKEN	"evaGxfADs6pSRb2LAv9IZf17Dt3juxGJ-PCt92wr-oA"
#define KA	TOKEN ".9jg46WB3rR_AHD-EBXdN7cBkH1WOu0tA3M9fm21mqTI"
#define OLD	"oldToken_1"
#define OLD_KA	OLD ".9jg46WB3rR_AHD-EBXdN7cBkH1WOu0tA3M9fm21mqTI"

static int
rows(void)
{
	return (int)db_count("SELECT count(*) FROM acme_challenges", 0);
}

static void
test_challenges(void)
{
	char	 dir[] = "/tmp/moat-test-chal-XXXXXX", path[64], ka[256];
	char	 small[8];
	int64_t	 now;

	CHECK(mkdtemp(dir) != NULL);
	snprintf(path, sizeof(path), "%s/moat.db", dir);
	db_open(path);
	CHECK_INT(schema_migrate(), 0);
	now = db_now();

	CHECK_INT(challenge_lookup(TOKEN, ka, sizeof(ka)), 404);
	CHECK_INT(challenge_store(TOKEN, KA, "cert-1", now + 60), 0);
	CHECK_INT(challenge_lookup(TOKEN, ka, sizeof(ka)), 200);
	CHECK_STR(ka, KA);
	/* never a key authorization cut short */
	CHECK_INT(challenge_lookup(TOKEN, small, sizeof(small)), 404);

	/* the same owner may present it again; another may not take it */
	CHECK_INT(challenge_store(TOKEN, KA, "cert-1", now + 120), 0);
	CHECK_INT(challenge_store(TOKEN, OLD_KA, "cert-2", now + 120), 1);
	CHECK_INT(challenge_lookup(TOKEN, ka, sizeof(ka)), 200);
	CHECK_STR(ka, KA);
	CHECK_INT(rows(), 1);

	/* an expired one is not answered, and is gone after a read */
	CHECK_INT(challenge_store(OLD, OLD_KA, "cert-3", now - 1), 0);
	CHECK_INT(rows(), 2);
	CHECK_INT(challenge_lookup(OLD, ka, sizeof(ka)), 404);
	CHECK_INT(rows(), 1);
	/* and a later put of that token by anyone starts afresh */
	CHECK_INT(challenge_store(OLD, OLD_KA, "cert-4", now + 60), 0);
	CHECK_INT(challenge_lookup(OLD, ka, sizeof(ka)), 200);

	/* only its owner removes it: a worker cleans up its own alone */
	CHECK_INT(challenge_remove(TOKEN, "cert-2"), 404);
	CHECK_INT(challenge_lookup(TOKEN, ka, sizeof(ka)), 200);
	CHECK_INT(challenge_remove(TOKEN, "cert-1"), 200);
	CHECK_INT(challenge_remove(TOKEN, "cert-1"), 404);
	CHECK_INT(challenge_lookup(TOKEN, ka, sizeof(ka)), 404);
	CHECK_INT(challenge_lookup(OLD, ka, sizeof(ka)), 200);
	/* a token is matched whole, never as a pattern */
	CHECK_INT(challenge_lookup("%", ka, sizeof(ka)), 404);
	CHECK_INT(challenge_remove("oldToken_%", "cert-4"), 404);
	CHECK_INT(rows(), 1);

	db_close();
	unlink(path);
	snprintf(path, sizeof(path), "%s/moat.db-wal", dir);
	unlink(path);
	snprintf(path, sizeof(path), "%s/moat.db-shm", dir);
	unlink(path);
	rmdir(dir);
}

static void
test_token_syntax(void)
{
	char	 longest[ACME_TOKEN_MAX + 2];

	CHECK_INT(acme_token_ok(TOKEN, strlen(TOKEN)), 1);
	CHECK_INT(acme_token_ok("", 0), 0);
	CHECK_INT(acme_token_ok("a.b", 3), 0);
	CHECK_INT(acme_token_ok("a/b", 3), 0);
	CHECK_INT(acme_token_ok("a=", 2), 0);
	memset(longest, 'a', sizeof(longest));
	CHECK_INT(acme_token_ok(longest, ACME_TOKEN_MAX), 1);
	CHECK_INT(acme_token_ok(longest, ACME_TOKEN_MAX + 1), 0);
	CHECK_INT(acme_keyauthz_ok(TOKEN, KA), 1);
	CHECK_INT(acme_keyauthz_ok(TOKEN, TOKEN), 0);
	CHECK_INT(acme_keyauthz_ok(TOKEN, TOKEN "."), 0);
	CHECK_INT(acme_keyauthz_ok(TOKEN, OLD_KA), 0);
	CHECK_INT(acme_keyauthz_ok(TOKEN, TOKEN ".a b"), 0);
	CHECK_INT(acme_keyauthz_ok("", ".abc"), 0);
}

int
main(void)
{
	log_procinit("test_challenges");
	RUN(test_challenges);
	RUN(test_token_syntax);
	return test_report("test_challenges");
}
