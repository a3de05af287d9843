/*
 * Command-API clients, which the operator manages with moatctl: stored
 * keeps the name, the user the client acts as, the allowed addresses,
 * and the public id and HMAC of its secret.  Removing a client ends its
 * LOGIN tokens with it.
 */
#include <string.h>

#include "body_keys.h"
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
insert_client(uint64_t user, const struct ipc_client_store *b)
{
	static const char sql[] = "INSERT INTO api_clients (id, name, "
	    "public_id, digest, allow, created_at, user_oid) VALUES (?, ?, ?, "
	    "?, ?, ?, ?)";
	sqlite3_stmt	*st = db_stmt(sql);
	char		 id[37];
	int		 rc;

	uuid_v4(id);
	sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, b->name, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, b->public_id, -1, SQLITE_STATIC);
	sqlite3_bind_blob(st, 4, b->digest, b->digest_len, SQLITE_STATIC);
	sqlite3_bind_text(st, 5, b->allow, -1, SQLITE_STATIC);
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
	struct ipc_client_store	 b;
	struct ipc_req		 req = ipc_req_of(chan, m);
	uint64_t		 oid;
	int			 status = 500;

	if (ipc_msg_get(m, &b) == -1)
		return -1;
	if (user_by_name(b.user[0] != '\0' ? b.user : "admin", &oid) == -1) {
		ipc_answer_status(&req, 404, "no such user");
		return 0;
	}
	if (db_begin() == -1 || (status = insert_client(oid, &b)) != 0 ||
	    db_event("admin.client.create", "info", NULL, b.name, "moatctl",
	    NULL, DIALECT_CCE) == -1 || db_commit() == -1) {
		db_rollback();
		ipc_answer_status(&req, status == 409 ? 409 : 500, status ==
		    409 ? "a client of that name exists" : "database error");
		return 0;
	}
	ipc_answer_status(&req, 201, "created");
	return 0;
}

int
clients_list(struct ipc_chan *chan, struct ipc_msg *m)
{
	static const char sql[] = "SELECT c.name, coalesce(u.username, ''), "
	    "c.allow, c.created_at FROM api_clients c LEFT JOIN users u ON "
	    "u.oid = c.user_oid ORDER BY c.name LIMIT ?";
	struct ipc_req		 req = ipc_req_of(chan, m);
	struct ipc_list_res	 res;
	struct ipc_msg		 items;
	struct client_rec	 c;
	sqlite3_stmt		*st;

	if (ipc_msg_get(m, NULL) == -1)
		return -1;
	memset(&res, 0, sizeof(res));
	ipc_msg_init(&items, IPC_CLIENT_LIST_RES, 0);
	st = db_stmt(sql);
	sqlite3_bind_int(st, 1, CLIENTS_MAX);
	while (sqlite3_step(st) == SQLITE_ROW) {
		memset(&c, 0, sizeof(c));
		strlcpy(c.name, (const char *)sqlite3_column_text(st, 0),
		    sizeof(c.name));
		strlcpy(c.user, (const char *)sqlite3_column_text(st, 1),
		    sizeof(c.user));
		strlcpy(c.allow, (const char *)sqlite3_column_text(st, 2),
		    sizeof(c.allow));
		c.created_at = sqlite3_column_int64(st, 3);
		ipc_msg_put_item(&items, &c);
		res.count++;
	}
	sqlite3_reset(st);
	res.total = res.count;
	head_set(&res.head, 200, "ok");
	ipc_answer(&req, &res, &items);
	return 0;
}

int
clients_del(struct ipc_chan *chan, struct ipc_msg *m)
{
	static const char sql[] = "DELETE FROM api_clients WHERE name = ?";
	struct ipc_client_del	 b;
	struct ipc_req		 req = ipc_req_of(chan, m);
	sqlite3_stmt		*st;
	int			 rc, changed;

	if (ipc_msg_get(m, &b) == -1)
		return -1;
	if (db_begin() == -1) {
		ipc_answer_status(&req, 500, "database error");
		return 0;
	}
	st = db_stmt(sql);
	sqlite3_bind_text(st, 1, b.name, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	sqlite3_reset(st);
	changed = sqlite3_changes(sqlite3_db_handle(st));
	if (rc != SQLITE_DONE || (changed && db_event("admin.client.delete",
	    "info", NULL, b.name, "moatctl", NULL, DIALECT_CCE) == -1) ||
	    db_commit() == -1) {
		db_rollback();
		ipc_answer_status(&req, 500, "database error");
		return 0;
	}
	ipc_answer_status(&req, changed ? 200 : 404, changed ? "deleted" :
	    "no such client");
	return 0;
}
