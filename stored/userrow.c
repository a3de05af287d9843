/*
 * A user's row: its columns, reading one, loading one by oid, naming one
 * by reference.  Below every file that handles users.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "stored.h"

const char user_columns[] = "oid, id, username, role, status, "
    "coalesce(expires_at, 0), created_at, updated_at, coalesce(email, ''), "
    "first_name, last_name, phone, notification_email, notification_phone";

void
row_to_user(sqlite3_stmt *st, struct user_rec *u)
{
	memset(u, 0, sizeof(*u));
	u->oid = sqlite3_column_int64(st, 0);
	db_text_col(st, 1, u->id, sizeof(u->id));
	db_text_col(st, 2, u->username, sizeof(u->username));
	db_text_col(st, 3, u->role, sizeof(u->role));
	db_text_col(st, 4, u->status, sizeof(u->status));
	u->expires_at = sqlite3_column_int64(st, 5);
	u->created_at = sqlite3_column_int64(st, 6);
	u->updated_at = sqlite3_column_int64(st, 7);
	db_text_col(st, 8, u->email, sizeof(u->email));
	db_text_col(st, 9, u->first_name, sizeof(u->first_name));
	db_text_col(st, 10, u->last_name, sizeof(u->last_name));
	db_text_col(st, 11, u->phone, sizeof(u->phone));
	db_text_col(st, 12, u->notification_email,
	    sizeof(u->notification_email));
	db_text_col(st, 13, u->notification_phone,
	    sizeof(u->notification_phone));
}

int
user_load(uint64_t oid, struct user_rec *u)
{
	static char	 sql[512];
	sqlite3_stmt	*st;
	int		 rc;

	if (sql[0] == '\0')
		snprintf(sql, sizeof(sql), "SELECT %s FROM users WHERE oid = ?",
		    user_columns);
	st = db_stmt(sql);
	sqlite3_bind_int64(st, 1, oid);
	if ((rc = sqlite3_step(st)) == SQLITE_ROW)
		row_to_user(st, u);
	sqlite3_reset(st);
	return rc == SQLITE_ROW ? 0 : -1;
}

int
user_ref(const char *ref, uint64_t *oid)
{
	static const char by_id[] = "SELECT oid FROM users WHERE id = ?";
	static const char by_oid[] = "SELECT oid FROM users WHERE oid = ?";
	sqlite3_stmt	*st;
	size_t		 len = strlen(ref);
	int		 rc, number;

	/* an integer oid (command API, certificates API), or a UUID
	 * (control plane, account API); either names a user that is */
	number = len > 0 && len <= 18 && strspn(ref, "0123456789") == len &&
	    ref[0] != '0';
	if (!number && len != 36)
		return -1;
	st = db_stmt(number ? by_oid : by_id);
	if (number)
		sqlite3_bind_int64(st, 1, (sqlite3_int64)strtoull(ref, NULL,
		    10));
	else
		sqlite3_bind_text(st, 1, ref, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	*oid = rc == SQLITE_ROW ? (uint64_t)sqlite3_column_int64(st, 0) : 0;
	sqlite3_reset(st);
	return rc == SQLITE_ROW ? 0 : -1;
}
