/*
 * The table of pending http-01 challenges (acme_challenges), without
 * IPC: what challenges.c answers with, and what the unit test drives.
 * An expired row is never answered, and is removed whenever challenges
 * are read or put.
 */
#include <string.h>

#include "log.h"
#include "stored.h"

void
challenge_sweep(void)
{
	sqlite3_stmt	*st = db_stmt("DELETE FROM acme_challenges WHERE "
	    "expires_at <= ?");

	sqlite3_bind_int64(st, 1, db_now());
	if (sqlite3_step(st) != SQLITE_DONE)
		log_warnx("acme challenges: sweep failed");
	sqlite3_reset(st);
}

int
challenge_store(const char *token, const char *key_authz, const char *owner,
    int64_t expires)
{
	sqlite3_stmt	*st = db_stmt("INSERT INTO acme_challenges (token, "
	    "key_authz, owner, created_at, expires_at) VALUES (?, ?, ?, ?, ?) "
	    "ON CONFLICT (token) DO UPDATE SET key_authz = "
	    "excluded.key_authz, expires_at = excluded.expires_at "
	    "WHERE acme_challenges.owner = excluded.owner");
	int		 rc;

	sqlite3_bind_text(st, 1, token, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, key_authz, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, owner, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 4, db_now());
	sqlite3_bind_int64(st, 5, expires);
	rc = sqlite3_step(st);
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	if (rc != SQLITE_DONE)
		return -1;
	return sqlite3_changes(sqlite3_db_handle(st)) == 0 ? 1 : 0;
}

/* 200 with the key authorization, 404, or 500 */
int
challenge_lookup(const char *token, char *key_authz, size_t len)
{
	sqlite3_stmt	*st;
	int		 rc, status;

	challenge_sweep();
	st = db_stmt("SELECT key_authz FROM acme_challenges WHERE token = ? "
	    "AND expires_at > ?");
	sqlite3_bind_text(st, 1, token, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, db_now());
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW && db_text_whole(st, 0, key_authz, len) == 0)
		status = 200;
	else if (rc == SQLITE_ROW || rc == SQLITE_DONE)
		status = 404;
	else
		status = 500;
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	return status;
}

/* 200 removed, 404 none, 500 */
int
challenge_remove(const char *token, const char *owner)
{
	sqlite3_stmt	*st = db_stmt("DELETE FROM acme_challenges WHERE "
	    "token = ? AND owner = ?");
	int		 rc, n;

	sqlite3_bind_text(st, 1, token, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, owner, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	n = sqlite3_changes(sqlite3_db_handle(st));
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	if (rc != SQLITE_DONE)
		return 500;
	return n > 0 ? 200 : 404;
}
