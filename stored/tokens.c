/*
 * authd looks opaque tokens up by their public id and compares the
 * secret's HMAC itself; stored only says what it keeps, down to the kind
 * of token the row was minted as (authd takes a token only with that
 * prefix).
 */
#include <string.h>

#include "body_auth.h"
#include "log.h"
#include "stored.h"
#include "tokens.h"

static const char session_sql[] = "SELECT s.oid, s.user_oid, s.digest, 0, "
    "s.expires_at, s.source_ip, s.dialect, u.role, "
    "coalesce(s.client_oid, 0), s.kind FROM sessions s JOIN users u ON "
    "u.oid = s.user_oid WHERE s.public_id = ?"
    " AND u.suspended = 0";
static const char apikey_sql[] = "SELECT k.oid, k.user_oid, k.digest, "
    "k.scopes, coalesce(k.expires_at, 0), '', 0, u.role, 0, "
    "'" PREFIX_APIKEY "' FROM api_keys k JOIN users u ON "
    "u.oid = k.user_oid WHERE k.public_id = ?"
    " AND u.suspended = 0";
static const char client_sql[] = "SELECT c.oid, c.user_oid, c.digest, 0, "
    "0, c.allow, 0, u.role, c.oid, '" PREFIX_CLIENT "' FROM api_clients c "
    "JOIN users u ON u.oid = c.user_oid WHERE c.public_id = ?"
    " AND u.suspended = 0";

static const char device_sql[] = "SELECT d.oid, d.user_oid, d.digest, 0, "
    "0, '', 0, u.role, 0, '" PREFIX_DEVICE "' FROM devices d JOIN users u "
    "ON u.oid = d.user_oid WHERE d.public_id = ?"
    " AND u.suspended = 0";

/*
 * An agent's access or refresh token: the row's oid, the device's user,
 * whether it was used (as scopes), its family (as bound) and its device
 * (as client); its kind da_ or dr_.
 */
static const char devsess_sql[] = "SELECT s.oid, d.user_oid, s.digest, "
    "s.used, s.expires_at, s.family, 0, u.role, s.device_oid, s.kind "
    "FROM device_sessions s JOIN devices d ON d.oid = s.device_oid "
    "JOIN users u ON u.oid = d.user_oid WHERE s.public_id = ?"
    " AND u.suspended = 0";

/* A row of one of the queries above, as token.res carries it. */
static int
row_to_token(sqlite3_stmt *st, struct ipc_token_res *t)
{
	int	 bytes;

	t->found = 1;
	t->oid = sqlite3_column_int64(st, 0);
	t->user = sqlite3_column_int64(st, 1);
	if (sqlite3_column_type(st, 2) == SQLITE_BLOB) {
		bytes = sqlite3_column_bytes(st, 2);
		if (bytes < 0 || (size_t)bytes > sizeof(t->digest))
			return -1;
		memcpy(t->digest, sqlite3_column_blob(st, 2), bytes);
		t->digest_len = bytes;
	}
	t->scopes = sqlite3_column_int64(st, 3);
	t->expires = sqlite3_column_int64(st, 4);
	t->dialect = sqlite3_column_int64(st, 6);
	t->client = sqlite3_column_int64(st, 8);
	return db_text_whole(st, 5, t->bound, sizeof(t->bound)) == -1 ||
	    db_text_whole(st, 7, t->role, sizeof(t->role)) == -1 ||
	    db_text_whole(st, 9, t->kind, sizeof(t->kind)) == -1 ? -1 : 0;
}

int
tokens_get(struct ipc_chan *chan, struct ipc_msg *m)
{
	struct ipc_req		 req = ipc_req_of(chan, m);
	struct ipc_token_get	 b;
	struct ipc_token_res	 res;
	sqlite3_stmt		*st;

	if (ipc_msg_get(m, &b) == -1)
		return -1;
	switch (b.table) {
	case TOKEN_SESSION:
		st = db_stmt(session_sql);
		break;
	case TOKEN_APIKEY:
		st = db_stmt(apikey_sql);
		break;
	case TOKEN_CLIENT:
		st = db_stmt(client_sql);
		break;
	case TOKEN_DEVICE:
		st = db_stmt(device_sql);
		break;
	case TOKEN_DEVSESS:
		st = db_stmt(devsess_sql);
		break;
	default:
		return ipc_violation(m, "unknown token table");
	}
	sqlite3_bind_text(st, 1, b.public_id, -1, SQLITE_STATIC);
	memset(&res, 0, sizeof(res));
	res.head.status = 200;
	strlcpy(res.head.message, "ok", sizeof(res.head.message));
	if (sqlite3_step(st) == SQLITE_ROW && row_to_token(st, &res) == -1) {
		/* what cannot travel whole is not found */
		log_warnx("a token's row does not fit token.res");
		memset(&res, 0, sizeof(res));
		res.head.status = 500;
		strlcpy(res.head.message, "database error",
		    sizeof(res.head.message));
	}
	sqlite3_reset(st);
	ipc_answer(&req, &res, NULL);
	return 0;
}
