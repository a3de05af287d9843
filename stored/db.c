/*
 * The SQLite connection: WAL, foreign keys, synchronous=FULL so that an
 * acknowledged write survives a power loss, writes in BEGIN IMMEDIATE.
 * Statements are prepared once and kept; SQL only ever runs through them.
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jansson.h>

#include "log.h"
#include "stored.h"
#include "util.h"

/*
 * Every statement is a string literal, or one of the events list's 64
 * (a count and a page for each of the 32 sets of filters, built once):
 * about 180 in all, so the cache never fills.
 */
#define DB_MAX_STMTS	256

static void	 db_durable(void);

struct cached_stmt {
	const char	*sql;		/* a string literal: compared by address */
	sqlite3_stmt	*stmt;
};

static sqlite3		*db;
static struct cached_stmt stmts[DB_MAX_STMTS];
static int		 nstmts;
static int		 lazy;	/* synchronous=NORMAL until the commit */

int
db_exec(const char *sql)
{
	char	*err = NULL;

	if (sqlite3_exec(db, sql, NULL, NULL, &err) != SQLITE_OK) {
		log_warnx("sqlite: %s", err != NULL ? err : "error");
		sqlite3_free(err);
		return -1;
	}
	return 0;
}

void
db_open(const char *path)
{
	int	 rc;

	rc = sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE |
	    SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX | SQLITE_OPEN_NOFOLLOW,
	    NULL);
	if (rc != SQLITE_OK)
		fatalx("sqlite open %s: %s", path, db != NULL ?
		    sqlite3_errmsg(db) : sqlite3_errstr(rc));
	sqlite3_extended_result_codes(db, 1);
	sqlite3_db_config(db, SQLITE_DBCONFIG_DEFENSIVE, 1, NULL);
	sqlite3_db_config(db, SQLITE_DBCONFIG_TRUSTED_SCHEMA, 0, NULL);
	sqlite3_busy_timeout(db, 5000);
	/*
	 * stored is the only process that opens the database, so it holds
	 * the lock for good: no lock and unlock per query, and the WAL index
	 * lives in memory instead of a shared -shm file.
	 */
	if (db_exec("PRAGMA locking_mode=EXCLUSIVE") == -1 ||
	    db_exec("PRAGMA journal_mode=WAL") == -1 ||
	    db_exec("PRAGMA synchronous=FULL") == -1 ||
	    db_exec("PRAGMA foreign_keys=ON") == -1 ||
	    db_exec("PRAGMA temp_store=MEMORY") == -1 ||
	    /* the command API's FIND reads an index range of 100,000
	     * objects: kept in memory rather than read again each time */
	    db_exec("PRAGMA cache_size=-32768") == -1 ||
	    db_exec("PRAGMA secure_delete=ON") == -1)
		fatalx("sqlite: cannot configure %s", path);
}

void
db_close(void)
{
	int	 i;

	for (i = 0; i < nstmts; i++)
		sqlite3_finalize(stmts[i].stmt);
	nstmts = 0;
	if (db != NULL)
		sqlite3_close(db);
	db = NULL;
}

sqlite3_stmt *
db_stmt(const char *sql)
{
	sqlite3_stmt	*stmt;
	int		 i;

	for (i = 0; i < nstmts; i++) {
		if (stmts[i].sql == sql) {
			sqlite3_reset(stmts[i].stmt);
			sqlite3_clear_bindings(stmts[i].stmt);
			return stmts[i].stmt;
		}
	}
	if (nstmts == DB_MAX_STMTS)
		fatalx("sqlite: statement cache full");
	if (sqlite3_prepare_v3(db, sql, -1, SQLITE_PREPARE_PERSISTENT, &stmt,
	    NULL) != SQLITE_OK)
		fatalx("sqlite: prepare: %s: %s", sqlite3_errmsg(db), sql);
	stmts[nstmts].sql = sql;
	stmts[nstmts].stmt = stmt;
	nstmts++;
	return stmt;
}

int
db_begin(void)
{
	return db_exec("BEGIN IMMEDIATE");
}

/*
 * A transaction whose commit does not wait for the disk: it survives a
 * crash of any process, not a power loss, and the next durable commit
 * takes it to the disk too.  Only for the task queue's own bookkeeping
 * (claims, progress, outcomes), which a lost write repeats: the task is
 * still leased, or pending, and runs again, idempotent.  The fsync it
 * saves is half a millisecond here, twice in each task.
 */
int
db_begin_lazy(void)
{
	if (db_exec("PRAGMA synchronous=NORMAL") == -1)
		return -1;
	lazy = 1;
	if (db_begin() == -1) {
		db_durable();
		return -1;
	}
	return 0;
}

/* Back to synchronous=FULL, which SQLite lets change only outside a
 * transaction. */
static void
db_durable(void)
{
	if (lazy && db_exec("PRAGMA synchronous=FULL") == -1)
		fatalx("sqlite: cannot make commits durable again");
	lazy = 0;
}

int
db_commit(void)
{
	if (db_exec("COMMIT") == -1) {
		db_rollback();
		return -1;
	}
	db_durable();
	return 0;
}

void
db_rollback(void)
{
	char	*err = NULL;

	if (!sqlite3_get_autocommit(db) &&
	    sqlite3_exec(db, "ROLLBACK", NULL, NULL, &err) != SQLITE_OK) {
		log_warnx("sqlite: rollback: %s", err != NULL ? err : "error");
		sqlite3_free(err);
	}
	db_durable();
}

int64_t
db_now(void)
{
	return (int64_t)time(NULL);
}

int64_t
db_count(const char *sql, uint64_t param)
{
	sqlite3_stmt	*st = db_stmt(sql);
	int64_t		 n = 0;

	if (sqlite3_bind_parameter_count(st) > 0)
		sqlite3_bind_int64(st, 1, param);
	if (sqlite3_step(st) == SQLITE_ROW)
		n = sqlite3_column_int64(st, 0);
	sqlite3_reset(st);
	return n;
}

int
db_insert(sqlite3_stmt *st, uint64_t *oid)
{
	int	 rc;

	rc = sqlite3_step(st);
	sqlite3_reset(st);
	*oid = sqlite3_last_insert_rowid(sqlite3_db_handle(st));
	return rc == SQLITE_DONE ? 0 : -1;
}

int
db_write(const char *sql, uint64_t a, uint64_t b)
{
	sqlite3_stmt	*st = db_stmt(sql);
	int		 rc;

	if (sqlite3_bind_parameter_count(st) > 0)
		sqlite3_bind_int64(st, 1, a);
	if (sqlite3_bind_parameter_count(st) > 1)
		sqlite3_bind_int64(st, 2, b);
	rc = sqlite3_step(st);
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? sqlite3_changes(sqlite3_db_handle(st)) : -1;
}

void
db_text_col(sqlite3_stmt *st, int col, char *dst, size_t len)
{
	const char	*t = (const char *)sqlite3_column_text(st, col);
	size_t		 n;

	if (t == NULL || len == 0) {
		if (len > 0)
			dst[0] = '\0';
		return;
	}
	/* cut where a character begins: it may be shown as JSON */
	n = utf8_clip(t, len - 1);
	memcpy(dst, t, n);
	dst[n] = '\0';
}

int
db_text_whole(sqlite3_stmt *st, int col, char *dst, size_t len)
{
	const char	*t = (const char *)sqlite3_column_text(st, col);

	if (strlcpy(dst, t != NULL ? t : "", len) < len)
		return 0;
	explicit_bzero(dst, len);
	return -1;
}

/*
 * A login name as the audit trail keeps it: control characters become
 * '?' (each would take six bytes as JSON), and so does everything beyond
 * ASCII if the name is not UTF-8.
 */
static json_t *
printable(const char *s, char *out, size_t outlen)
{
	json_t	*j;
	size_t	 i;

	strlcpy(out, s, outlen);
	for (i = 0; out[i] != '\0'; i++)
		if ((unsigned char)out[i] < 0x20 || out[i] == 0x7f)
			out[i] = '?';
	if ((j = json_string(out)) != NULL)
		return j;
	for (i = 0; out[i] != '\0'; i++)
		if ((unsigned char)out[i] >= 0x80)
			out[i] = '?';
	return json_string(out);
}

/* Every mutation writes its event inside the same transaction. */
int
db_event(const char *type, const char *level, const char *user_id,
    const char *message, const char *actor, const char *peer, int dialect)
{
	struct event_refs	 refs = { user_id, NULL, NULL };

	return db_event_refs(type, level, &refs, message, actor, peer,
	    dialect);
}

static void
bind_ref(sqlite3_stmt *st, int col, const char *ref)
{
	if (ref != NULL && *ref != '\0')
		sqlite3_bind_text(st, col, ref, -1, SQLITE_STATIC);
	else
		sqlite3_bind_null(st, col);
}

int
db_event_refs(const char *type, const char *level,
    const struct event_refs *refs, const char *message, const char *actor,
    const char *peer, int dialect)
{
	static const char sql[] = "INSERT INTO events (id, user_id, level, "
	    "type, message, metadata, created_at, host_id, task_id) VALUES "
	    "(?, ?, ?, ?, ?, ?, ?, ?, ?)";
	sqlite3_stmt	*st = db_stmt(sql);
	json_t		*meta;
	char		 id[37], *text, safe[EMAIL_MAX + 1];
	int		 rc;

	if ((meta = json_object()) == NULL)
		fatalx("%s: out of memory", __func__);
	if (actor != NULL && *actor != '\0')
		json_object_set_new(meta, "actor", printable(actor, safe,
		    sizeof(safe)));
	if (peer != NULL && *peer != '\0')
		json_object_set_new(meta, "ip", json_string(peer));
	if (dialect >= 0)
		json_object_set_new(meta, "dialect",
		    json_string(dialect_name(dialect)));
	if ((text = json_dumps(meta, JSON_COMPACT | JSON_SORT_KEYS)) == NULL)
		fatalx("%s: out of memory", __func__);
	json_decref(meta);
	uuid_v4(id);
	sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
	bind_ref(st, 2, refs->user_id);
	bind_ref(st, 8, refs->host_id);
	bind_ref(st, 9, refs->task_id);
	sqlite3_bind_text(st, 3, level, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, type, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 5, message, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 6, text, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 7, db_now());
	rc = sqlite3_step(st);
	sqlite3_reset(st);
	free(text);
	return rc == SQLITE_DONE ? 0 : -1;
}
