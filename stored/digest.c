/*
 * Test builds only: a digest of everything the database keeps, written to
 * the log on SIGUSR1, so that the hostile-input campaign can show that a
 * refused request changed nothing.  Left out: the audit trail of
 * authentication (a refused login is recorded by design), when a session
 * was last used (every authenticated request touches it), and the task
 * queue's own bookkeeping, which moves by itself; the digest waits until
 * no task is queued or running.
 */
#include <sys/types.h>

#include <sha2.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>

#include "log.h"
#include "stored.h"

#ifdef MOAT_TEST

static volatile sig_atomic_t	 asked;
static unsigned int		 served;

static void
on_usr1(int sig)
{
	(void)sig;
	asked = 1;
}

/* A row's hash, of every column but when it was last used. */
static void
hash_row(sqlite3_stmt *st, uint8_t out[32])
{
	SHA2_CTX	 ctx;
	int		 i, n = sqlite3_column_count(st);
	const void	*p;
	int		 len;

	SHA256Init(&ctx);
	for (i = 0; i < n; i++) {
		if (strcmp(sqlite3_column_name(st, i), "last_used_at") == 0)
			continue;
		p = sqlite3_column_blob(st, i);
		len = sqlite3_column_bytes(st, i);
		SHA256Update(&ctx, (const uint8_t *)&len, sizeof(len));
		if (p != NULL)
			SHA256Update(&ctx, p, len);
	}
	SHA256Final(out, &ctx);
}

/*
 * A table's rows, in any order (some tables have no rowid to sort by):
 * the sum of the rows' hashes, and their count.
 */
static int
hash_table(SHA2_CTX *ctx, sqlite3 *db, const char *table, char *each,
    size_t eachlen)
{
	sqlite3_stmt	*st;
	char		 sql[160];
	uint8_t		 row[32];
	uint64_t	 sum[4] = { 0, 0, 0, 0 }, word, count = 0;
	int		 rc, i;

	/* the name comes from sqlite_master, not from a client */
	if (strcmp(table, "events") == 0)
		snprintf(sql, sizeof(sql), "SELECT * FROM events WHERE type "
		    "NOT LIKE 'auth.%%'");
	else if ((size_t)snprintf(sql, sizeof(sql), "SELECT * FROM \"%s\"",
	    table) >= sizeof(sql))
		return -1;
	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK) {
		log_warnx("db digest: %s: %s", table, sqlite3_errmsg(db));
		return -1;
	}
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		hash_row(st, row);
		for (i = 0; i < 4; i++) {
			memcpy(&word, row + 8 * i, sizeof(word));
			sum[i] += word;
		}
		count++;
	}
	if (rc != SQLITE_DONE)
		log_warnx("db digest: %s: %s", table, sqlite3_errmsg(db));
	sqlite3_finalize(st);
	SHA256Update(ctx, (const uint8_t *)table, strlen(table) + 1);
	SHA256Update(ctx, (const uint8_t *)sum, sizeof(sum));
	SHA256Update(ctx, (const uint8_t *)&count, sizeof(count));
	/* which table moved, for the campaign's report */
	snprintf(each + strlen(each), eachlen - strlen(each), " %s=%llu:%08llx",
	    table, (unsigned long long)count,
	    (unsigned long long)(sum[0] & 0xffffffff));
	return rc == SQLITE_DONE ? 0 : -1;
}

static int
digest(char hex[65], char *each, size_t eachlen)
{
	static const char tables[] = "SELECT name FROM sqlite_master WHERE "
	    "type = 'table' AND name NOT IN ('tasks', 'sqlite_sequence', "
	    "'schema_migrations') AND name NOT LIKE 'sqlite_%' ORDER BY name";
	sqlite3_stmt	*st = db_stmt(tables);
	sqlite3		*db = sqlite3_db_handle(st);
	SHA2_CTX	 ctx;
	uint8_t		 out[32];
	int		 i, rc = 0;

	SHA256Init(&ctx);
	while (rc == 0 && sqlite3_step(st) == SQLITE_ROW)
		rc = hash_table(&ctx, db, (const char *)
		    sqlite3_column_text(st, 0), each, eachlen);
	sqlite3_reset(st);
	SHA256Final(out, &ctx);
	for (i = 0; i < 32; i++)
		snprintf(hex + 2 * i, 3, "%02x", out[i]);
	return rc;
}

static void
tick(evutil_socket_t fd, short ev, void *arg)
{
	char	 hex[65], each[1024] = "";

	(void)fd;
	(void)ev;
	(void)arg;
	if (!asked || db_count("SELECT count(*) FROM tasks WHERE status IN "
	    "('pending', 'running')", 0) != 0)
		return;
	asked = 0;
	if (digest(hex, each, sizeof(each)) == -1)
		log_warnx("db digest %u failed", ++served);
	else
		log_info("db digest %u %s%s", ++served, hex, each);
}

void
digest_init(void)
{
	struct sigaction	 sa;
	struct timeval		 tv = { 0, 20000 };
	struct event		*ev;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_usr1;
	if (sigaction(SIGUSR1, &sa, NULL) == -1)
		fatal("%s: sigaction", __func__);
	if ((ev = event_new(stored_env->base, -1, EV_PERSIST, tick,
	    NULL)) == NULL || event_add(ev, &tv) == -1)
		fatalx("%s", __func__);
}

#else

void
digest_init(void)
{
}

#endif
