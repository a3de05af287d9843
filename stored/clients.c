/*
 * Command-API clients, which the operator manages with moatctl: stored
 * keeps the name, the user the client acts as, the allowed addresses,
 * and the public id and HMAC of its secret.  Removing a client ends its
 * LOGIN tokens with it.
 */
#include <string.h>

#include "cidr.h"
#include "log.h"
#include "stored.h"
#include "util.h"

#define CLIENTS_MAX	500

static int
user_by_name(const char *name, uint64_t *oid)
{
	static const char sql[] = "SELECT oid FROM users WHERE username = ?";
	sqlite3_stmt	*st = db_stmt(sql);
	int		 rc;

	sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	*oid = rc == SQLITE_ROW ? (uint64_t)sqlite3_column_int64(st, 0) : 0;
	sqlite3_reset(st);
	return rc == SQLITE_ROW ? 0 : -1;
}

static int
insert_client(const char *name, uint64_t user, const char *public_id,
    const uint8_t *digest, size_t dlen, const char *allow)
{
	static const char sql[] = "INSERT INTO api_clients (id, name, "
	    "public_id, digest, allow, created_at, user_oid) VALUES (?, ?, ?, "
	    "?, ?, ?, ?)";
	sqlite3_stmt	*st = db_stmt(sql);
	char		 id[37];
	int		 rc;

	uuid_v4(id);
	sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, name, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, public_id, -1, SQLITE_STATIC);
	sqlite3_bind_blob(st, 4, digest, dlen, SQLITE_STATIC);
	sqlite3_bind_text(st, 5, allow, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 6, db_now());
	sqlite3_bind_int64(st, 7, user);
	rc = sqlite3_step(st);
	sqlite3_reset(st);
	if (rc == SQLITE_CONSTRAINT_UNIQUE)
		return 409;
	return rc == SQLITE_DONE ? 0 : 500;
}

int
clients_store_add(struct ipc_chan *chan, struct ipc_msg *m)
{
	char		 name[72], user[EMAIL_MAX + 1], public_id[16];
	char		 allow[CIDR_LIST_MAX];
	uint8_t		 digest[32];
	size_t		 dlen;
	uint64_t	 oid;
	int		 status = 500;

	ipc_get_str(m, name, sizeof(name));
	ipc_get_str(m, user, sizeof(user));
	ipc_get_str(m, public_id, sizeof(public_id));
	ipc_get_bin(m, digest, sizeof(digest), &dlen);
	ipc_get_str(m, allow, sizeof(allow));
	if (ipc_end(m) == -1)
		return -1;
	if (user_by_name(user[0] != '\0' ? user : "admin", &oid) == -1) {
		reply_op(chan, m, 404, "no such user");
		return 0;
	}
	if (db_begin() == -1 || (status = insert_client(name, oid, public_id,
	    digest, dlen, allow)) != 0 || db_event("admin.client.create",
	    "info", NULL, name, "moatctl", NULL, DIALECT_CCE) == -1 ||
	    db_commit() == -1) {
		db_rollback();
		reply_op(chan, m, status == 409 ? 409 : 500, status == 409 ?
		    "a client of that name exists" : "database error");
		return 0;
	}
	reply_op(chan, m, 201, "created");
	return 0;
}

int
clients_list(struct ipc_chan *chan, struct ipc_msg *m)
{
	static const char sql[] = "SELECT c.name, coalesce(u.username, ''), "
	    "c.allow, c.created_at FROM api_clients c LEFT JOIN users u ON "
	    "u.oid = c.user_oid ORDER BY c.name LIMIT ?";
	struct ipc_msg	 reply, body;
	sqlite3_stmt	*st;
	uint64_t	 n = 0;
	int		 i;

	if (ipc_end(m) == -1)
		return -1;
	ipc_msg_init(&body, IPC_CLIENT_LIST_RES, 0);
	st = db_stmt(sql);
	sqlite3_bind_int(st, 1, CLIENTS_MAX);
	while (sqlite3_step(st) == SQLITE_ROW) {
		for (i = 0; i < 3; i++)
			ipc_put_str(&body, (const char *)
			    sqlite3_column_text(st, i));
		ipc_put_i64(&body, sqlite3_column_int64(st, 3));
		n++;
	}
	sqlite3_reset(st);
	ipc_msg_init(&reply, IPC_CLIENT_LIST_RES, 0);
	ipc_put_head(&reply, 200, "ok");
	ipc_put_u64(&reply, n);
	ipc_append(&reply, &body);
	ipc_msg_clear(&body);
	ipc_reply(chan, m, &reply);
	return 0;
}

int
clients_del(struct ipc_chan *chan, struct ipc_msg *m)
{
	static const char sql[] = "DELETE FROM api_clients WHERE name = ?";
	sqlite3_stmt	*st;
	char		 name[72];
	int		 rc, changed;

	ipc_get_str(m, name, sizeof(name));
	if (ipc_end(m) == -1)
		return -1;
	if (db_begin() == -1) {
		reply_op(chan, m, 500, "database error");
		return 0;
	}
	st = db_stmt(sql);
	sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	sqlite3_reset(st);
	changed = sqlite3_changes(sqlite3_db_handle(st));
	if (rc != SQLITE_DONE || (changed && db_event("admin.client.delete",
	    "info", NULL, name, "moatctl", NULL, DIALECT_CCE) == -1) ||
	    db_commit() == -1) {
		db_rollback();
		reply_op(chan, m, 500, "database error");
		return 0;
	}
	reply_op(chan, m, changed ? 200 : 404, changed ? "deleted" :
	    "no such client");
	return 0;
}
