/*
 * stored's connection (db.c) and the checks of a user's details
 * (profile.c): commits are durable except the task queue's lazy ones,
 * and every lazy transaction, committed or rolled back, leaves the
 * connection durable again.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "stored.h"
#include "test.h"

static const char synchronous_sql[] = "PRAGMA synchronous";
static const char rows_sql[] = "SELECT count(*) FROM t";

/* The integer one of the queries above answers (db_stmt keeps them by
 * address). */
static int
query_int(const char *sql)
{
	sqlite3_stmt	*st = db_stmt(sql);
	int		 v = -1;

	if (sqlite3_step(st) == SQLITE_ROW)
		v = sqlite3_column_int(st, 0);
	sqlite3_reset(st);
	return v;
}

static void
test_lazy_commits(void)
{
	char	 dir[] = "/tmp/moat-test-db-XXXXXX", path[64];

	CHECK(mkdtemp(dir) != NULL);
	snprintf(path, sizeof(path), "%s/moat.db", dir);
	db_open(path);
	CHECK_INT(query_int(synchronous_sql), 2);		/* FULL */
	CHECK_INT(db_exec("CREATE TABLE t (x)"), 0);
	CHECK_INT(db_begin_lazy(), 0);
	/* NORMAL, for this transaction only */
	CHECK_INT(query_int(synchronous_sql), 1);
	CHECK_INT(db_exec("INSERT INTO t VALUES (1)"), 0);
	CHECK_INT(db_commit(), 0);
	CHECK_INT(query_int(synchronous_sql), 2);
	CHECK_INT(query_int(rows_sql), 1);
	CHECK_INT(db_begin_lazy(), 0);
	CHECK_INT(db_exec("INSERT INTO t VALUES (2)"), 0);
	db_rollback();
	CHECK_INT(query_int(synchronous_sql), 2);
	CHECK_INT(query_int(rows_sql), 1);
	/* a durable transaction stays durable */
	CHECK_INT(db_begin(), 0);
	CHECK_INT(query_int(synchronous_sql), 2);
	CHECK_INT(db_commit(), 0);
	/* a rollback with nothing open leaves it as it is */
	db_rollback();
	CHECK_INT(query_int(synchronous_sql), 2);
	db_close();
	unlink(path);
	rmdir(dir);
}

static const char *
check(uint32_t bit, const char *value, char *out, size_t outlen)
{
	struct profile	 p;
	const char	*why;

	memset(&p, 0, sizeof(p));
	p.mask = bit;
	strlcpy(bit == PROFILE_EMAIL ? p.email : bit == PROFILE_NOTIFY_EMAIL ?
	    p.notify_email : bit == PROFILE_PHONE ? p.phone :
	    bit == PROFILE_NOTIFY_PHONE ? p.notify_phone : p.first_name, value,
	    PROFILE_MAX);
	why = profile_invalid(&p);
	strlcpy(out, bit == PROFILE_EMAIL ? p.email : p.notify_email, outlen);
	return why;
}

static void
test_profile_checks(void)
{
	static const char *const good[] = { "a@example.com",
	    "first.last+tag@mail.example.org", "x@a-b.example",
	    "o'brien@example.ie", "_@x.io" };
	static const char *const bad[] = { "plain", "a@b", "@example.com",
	    "a@", "a b@example.com", "a@exa mple.com", "a@@example.com",
	    "a@b@example.com", ".a@example.com", "a.@example.com",
	    "a@.example.com", "a@example.com.", "a@example..com",
	    "a@-example.com", "a\n@example.com", "a@example.com\r",
	    "<a@example.com>", "a@[127.0.0.1]", "\"a\"@example.com" };
	char	 out[PROFILE_MAX + 1];
	size_t	 i;

	for (i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		CHECK(check(PROFILE_EMAIL, good[i], out, sizeof(out)) == NULL);
		CHECK(check(PROFILE_NOTIFY_EMAIL, good[i], out,
		    sizeof(out)) == NULL);
	}
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		if (check(PROFILE_EMAIL, bad[i], out, sizeof(out)) == NULL)
			fprintf(stderr, "accepted %s\n", bad[i]);
		CHECK(check(PROFILE_EMAIL, bad[i], out, sizeof(out)) != NULL);
		CHECK(check(PROFILE_NOTIFY_EMAIL, bad[i], out,
		    sizeof(out)) != NULL);
	}
	/* lowered, since a login by email compares lowered */
	CHECK(check(PROFILE_EMAIL, "Ada@Example.COM", out, sizeof(out)) ==
	    NULL);
	CHECK_STR(out, "ada@example.com");
	/* an empty address clears it */
	CHECK(check(PROFILE_EMAIL, "", out, sizeof(out)) == NULL);
	CHECK(check(PROFILE_PHONE, "+48 (22) 555-01.00", out,
	    sizeof(out)) == NULL);
	CHECK(check(PROFILE_NOTIFY_PHONE, "call me", out, sizeof(out)) !=
	    NULL);
	CHECK(check(PROFILE_PHONE, "123456789012345678901234567890123", out,
	    sizeof(out)) != NULL);
	CHECK(check(PROFILE_FIRST_NAME, "Zo\xc3\xab", out, sizeof(out)) ==
	    NULL);
	CHECK(check(PROFILE_FIRST_NAME, "a\x7f", out, sizeof(out)) != NULL);
}

int
main(void)
{
	RUN(test_lazy_commits);
	RUN(test_profile_checks);
	return test_report("db");
}
