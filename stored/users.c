/* Users: for now the first admin; the user operations come with them. */
#include <string.h>

#include "log.h"
#include "stored.h"
#include "util.h"

/*
 * Creates the user only if there is no user at all, in one transaction
 * with its event, so two racing bootstraps cannot both succeed.
 */
static int
bootstrap_insert(const char *name, const char *hash, const char *role)
{
	static const char count_sql[] = "SELECT count(*) FROM users";
	static const char insert_sql[] = "INSERT INTO users (id, username, "
	    "password_hash, role, status, created_at, updated_at) VALUES "
	    "(?, ?, ?, ?, 'active', ?, ?)";
	sqlite3_stmt	*st;
	char		 id[37];
	int64_t		 now = db_now();
	int		 n, rc;

	if (db_begin() == -1)
		return -1;
	st = db_stmt(count_sql);
	n = sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_int(st, 0) : -1;
	sqlite3_reset(st);
	if (n != 0) {
		db_rollback();
		return n > 0 ? 0 : -1;
	}
	uuid_v4(id);
	st = db_stmt(insert_sql);
	sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, name, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, hash, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, role, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 5, now);
	sqlite3_bind_int64(st, 6, now);
	rc = sqlite3_step(st);
	sqlite3_clear_bindings(st);
	sqlite3_reset(st);
	if (rc != SQLITE_DONE || db_event("admin.user.create", "info", id,
	    "first admin created at bootstrap") == -1) {
		db_rollback();
		return -1;
	}
	return db_commit() == 0 ? 1 : -1;
}

int
users_bootstrap(struct ipc_chan *chan, struct ipc_msg *m)
{
	struct ipc_msg	 reply;
	char		 name[64], hash[256], role[16];
	int		 created;

	ipc_get_str(m, name, sizeof(name));
	ipc_get_str(m, hash, sizeof(hash));
	ipc_get_str(m, role, sizeof(role));
	if (ipc_end(m) == -1)
		return -1;
	if ((created = bootstrap_insert(name, hash, role)) == -1)
		fatalx("cannot create the first admin");
	explicit_bzero(hash, sizeof(hash));
	ipc_msg_init(&reply, IPC_USER_BOOTSTRAP_RES, 0);
	ipc_put_bool(&reply, created);
	ipc_reply(chan, m, &reply);
	return 0;
}
