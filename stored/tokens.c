/*
 * authd looks opaque tokens up by their public id and compares the
 * secret's HMAC itself; stored only says what it keeps, down to the kind
 * of token the row was minted as (authd takes a token only with that
 * prefix).
 */
#include <string.h>

#include "log.h"
#include "stored.h"
#include "tokens.h"

static const char session_sql[] = "SELECT s.oid, s.user_oid, s.digest, 0, "
    "s.expires_at, s.source_ip, s.dialect, u.role, "
    "coalesce(s.client_oid, 0), s.kind FROM sessions s JOIN users u ON "
    "u.oid = s.user_oid WHERE s.public_id = ?";
static const char apikey_sql[] = "SELECT k.oid, k.user_oid, k.digest, "
    "k.scopes, coalesce(k.expires_at, 0), '', 0, u.role, 0, "
    "'" PREFIX_APIKEY "' FROM api_keys k JOIN users u ON "
    "u.oid = k.user_oid WHERE k.public_id = ?";
static const char client_sql[] = "SELECT c.oid, c.user_oid, c.digest, 0, "
    "0, c.allow, 0, u.role, c.oid, '" PREFIX_CLIENT "' FROM api_clients c "
    "JOIN users u ON u.oid = c.user_oid WHERE c.public_id = ?";

int
tokens_get(struct ipc_chan *chan, struct ipc_msg *m)
{
	struct ipc_msg	 reply;
	sqlite3_stmt	*st;
	char		 public_id[16];
	uint32_t	 table;
	int		 found, i;

	ipc_get_u32(m, &table);
	ipc_get_str(m, public_id, sizeof(public_id));
	if (ipc_end(m) == -1)
		return -1;
	switch (table) {
	case TOKEN_SESSION:
		st = db_stmt(session_sql);
		break;
	case TOKEN_APIKEY:
		st = db_stmt(apikey_sql);
		break;
	case TOKEN_CLIENT:
		st = db_stmt(client_sql);
		break;
	default:
		return ipc_violation(m, "unknown token table");
	}
	sqlite3_bind_text(st, 1, public_id, -1, SQLITE_STATIC);
	found = sqlite3_step(st) == SQLITE_ROW;
	ipc_msg_init(&reply, IPC_TOKEN_RES, 0);
	ipc_put_head(&reply, 200, "ok");
	ipc_put_bool(&reply, found);
	for (i = 0; i < 2; i++)
		ipc_put_u64(&reply, found ? sqlite3_column_int64(st, i) : 0);
	if (found && sqlite3_column_type(st, 2) == SQLITE_BLOB)
		ipc_put_bin(&reply, sqlite3_column_blob(st, 2),
		    sqlite3_column_bytes(st, 2));
	else
		ipc_put_bin(&reply, "", 0);
	ipc_put_u64(&reply, found ? sqlite3_column_int64(st, 3) : 0);
	ipc_put_i64(&reply, found ? sqlite3_column_int64(st, 4) : 0);
	ipc_put_str(&reply, found ? (const char *)sqlite3_column_text(st, 5) :
	    "");
	ipc_put_u64(&reply, found ? sqlite3_column_int64(st, 6) : 0);
	ipc_put_str(&reply, found ? (const char *)sqlite3_column_text(st, 7) :
	    "");
	ipc_put_u64(&reply, found ? sqlite3_column_int64(st, 8) : 0);
	ipc_put_str(&reply, found ? (const char *)sqlite3_column_text(st, 9) :
	    "");
	sqlite3_reset(st);
	ipc_reply(chan, m, &reply);
	return 0;
}
