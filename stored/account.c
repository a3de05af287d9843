/*
 * Account v2: the signing key pairs of a user (the secret only sealed)
 * and the account record.  A user reaches only their own key pairs.
 */
#include <string.h>

#include "account.h"
#include "log.h"
#include "stored.h"

#define ACCOUNT_KEYS_MAX	10

static const char keys_of_user[] =
    "SELECT count(*) FROM account_keys WHERE user_oid = ?";

static int
write_key(int op, uint64_t user, const char *api_key, const uint8_t *sealed,
    size_t len)
{
	static const char insert_sql[] = "INSERT INTO account_keys (api_key, "
	    "user_oid, secret_sealed, created_at) VALUES (?, ?, ?, ?)";
	static const char update_sql[] = "UPDATE account_keys SET "
	    "secret_sealed = ? WHERE api_key = ? AND user_oid = ?";
	sqlite3_stmt	*st;
	int		 rc;

	if (op == ACCOUNT_KEY_CREATE) {
		st = db_stmt(insert_sql);
		sqlite3_bind_text(st, 1, api_key, -1, SQLITE_STATIC);
		sqlite3_bind_int64(st, 2, user);
		sqlite3_bind_blob(st, 3, sealed, len, SQLITE_STATIC);
		sqlite3_bind_int64(st, 4, db_now());
	} else {
		st = db_stmt(update_sql);
		sqlite3_bind_blob(st, 1, sealed, len, SQLITE_STATIC);
		sqlite3_bind_text(st, 2, api_key, -1, SQLITE_STATIC);
		sqlite3_bind_int64(st, 3, user);
	}
	rc = sqlite3_step(st);
	sqlite3_reset(st);
	if (rc != SQLITE_DONE)
		return 500;
	/* another user's api_key is answered as a missing one */
	return sqlite3_changes(sqlite3_db_handle(st)) == 1 ? 0 : 404;
}

/*
 * A new S3 credential pair replaces the user's old one.  The request
 * names one of the caller's signing keys, as account-v2.txt has it.
 */
static int
write_files_key(uint64_t user, const char *api_key, const char *api_id,
    const uint8_t *sealed, size_t len)
{
	static const char owned_sql[] = "SELECT 1 FROM account_keys WHERE "
	    "api_key = ? AND user_oid = ?";
	static const char sql[] = "INSERT INTO files_keys (user_oid, api_id, "
	    "secret_sealed, created_at) VALUES (?, ?, ?, ?) ON CONFLICT "
	    "(user_oid) DO UPDATE SET api_id = excluded.api_id, "
	    "secret_sealed = excluded.secret_sealed, "
	    "created_at = excluded.created_at";
	sqlite3_stmt	*st = db_stmt(owned_sql);
	int		 rc;

	sqlite3_bind_text(st, 1, api_key, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, user);
	rc = sqlite3_step(st);
	sqlite3_reset(st);
	if (rc != SQLITE_ROW)
		return rc == SQLITE_DONE ? 404 : 500;
	st = db_stmt(sql);
	sqlite3_bind_int64(st, 1, user);
	sqlite3_bind_text(st, 2, api_id, -1, SQLITE_STATIC);
	sqlite3_bind_blob(st, 3, sealed, len, SQLITE_STATIC);
	sqlite3_bind_int64(st, 4, db_now());
	rc = sqlite3_step(st);
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? 0 : 500;
}

static const char *
key_event(uint32_t op)
{
	switch (op) {
	case ACCOUNT_KEY_CREATE:
		return "account.apikey.create";
	case ACCOUNT_KEY_ROTATE:
		return "account.apikey.rotate";
	default:
		return "account.files.key";
	}
}

int
account_store_key(struct ipc_chan *chan, struct ipc_msg *m)
{
	struct principal p;
	uint8_t		 sealed[256];
	char		 api_key[32], api_id[32];
	size_t		 len;
	uint32_t	 op, retry;
	int		 status;

	status = authz_grant(m, &p, &retry);
	ipc_get_u32(m, &op);
	ipc_get_str(m, api_key, sizeof(api_key));
	ipc_get_bin(m, sealed, sizeof(sealed), &len);
	ipc_get_str(m, api_id, sizeof(api_id));
	if (ipc_end(m) == -1)
		return -1;
	if (op < ACCOUNT_KEY_CREATE || op > ACCOUNT_FILES_KEY)
		return ipc_violation(m, "unknown account key operation");
	if (status == 0 && op == ACCOUNT_KEY_CREATE &&
	    db_count(keys_of_user, p.user_oid) >= ACCOUNT_KEYS_MAX)
		status = 409;
	if (status != 0) {
		reply_op(chan, m, status, status == 409 ? "too many api keys" :
		    "invalid or expired credentials");
		return 0;
	}
	if (db_begin() == -1) {
		reply_op(chan, m, 500, "database error");
		return 0;
	}
	status = op == ACCOUNT_FILES_KEY ? write_files_key(p.user_oid, api_key,
	    api_id, sealed, len) : write_key(op, p.user_oid, api_key, sealed,
	    len);
	if (status != 0 || db_event(key_event(op), "info", p.user_id,
	    op == ACCOUNT_FILES_KEY ? api_id : api_key, p.username, NULL,
	    DIALECT_ACCOUNT) == -1 || db_commit() == -1) {
		db_rollback();
		reply_op(chan, m, status == 404 ? 404 : 500, status == 404 ?
		    "no such api key" : "database error");
		return 0;
	}
	reply_op(chan, m, op == ACCOUNT_KEY_CREATE ? 201 : 200, "ok");
	return 0;
}

/* authd asks for the sealed secret of an api_key it must check. */
int
account_key_get(struct ipc_chan *chan, struct ipc_msg *m)
{
	static const char sql[] = "SELECT k.oid, k.user_oid, k.secret_sealed, "
	    "u.role FROM account_keys k JOIN users u ON u.oid = k.user_oid "
	    "WHERE k.api_key = ?";
	struct ipc_msg	 reply;
	sqlite3_stmt	*st;
	char		 api_key[32];
	int		 found;

	ipc_get_str(m, api_key, sizeof(api_key));
	if (ipc_end(m) == -1)
		return -1;
	st = db_stmt(sql);
	sqlite3_bind_text(st, 1, api_key, -1, SQLITE_STATIC);
	found = sqlite3_step(st) == SQLITE_ROW;
	ipc_msg_init(&reply, IPC_ACCOUNT_KEY_GET_RES, 0);
	ipc_put_head(&reply, 200, "ok");
	ipc_put_bool(&reply, found);
	ipc_put_u64(&reply, found ? sqlite3_column_int64(st, 0) : 0);
	ipc_put_u64(&reply, found ? sqlite3_column_int64(st, 1) : 0);
	if (found)
		ipc_put_bin(&reply, sqlite3_column_blob(st, 2),
		    sqlite3_column_bytes(st, 2));
	else
		ipc_put_bin(&reply, "", 0);
	ipc_put_str(&reply, found ? (const char *)sqlite3_column_text(st, 3) :
	    "");
	sqlite3_reset(st);
	ipc_reply(chan, m, &reply);
	return 0;
}

int
account_key_delete(struct ipc_chan *chan, struct ipc_msg *m)
{
	static const char sql[] =
	    "DELETE FROM account_keys WHERE api_key = ? AND user_oid = ?";
	struct principal p;
	sqlite3_stmt	*st;
	char		 api_key[32];
	uint32_t	 retry;
	int		 status, rc;

	status = authz_grant(m, &p, &retry);
	ipc_get_str(m, api_key, sizeof(api_key));
	if (ipc_end(m) == -1)
		return -1;
	if (status != 0) {
		reply_op(chan, m, status, "invalid or expired credentials");
		return 0;
	}
	if (db_begin() == -1) {
		reply_op(chan, m, 500, "database error");
		return 0;
	}
	st = db_stmt(sql);
	sqlite3_bind_text(st, 1, api_key, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, p.user_oid);
	rc = sqlite3_step(st);
	sqlite3_reset(st);
	if (rc != SQLITE_DONE) {
		db_rollback();
		reply_op(chan, m, 500, "database error");
		return 0;
	}
	if (sqlite3_changes(sqlite3_db_handle(st)) != 1) {
		db_rollback();
		reply_op(chan, m, 404, "no such api key");
		return 0;
	}
	if (db_event("account.apikey.delete", "info", p.user_id, api_key,
	    p.username, NULL, DIALECT_ACCOUNT) == -1 || db_commit() == -1) {
		db_rollback();
		reply_op(chan, m, 500, "database error");
		return 0;
	}
	reply_op(chan, m, 200, "ok");
	return 0;
}

/* The S3 credential's public id, "" if there is none; never its secret. */
static void
put_files_id(struct ipc_msg *out, uint64_t user)
{
	static const char sql[] =
	    "SELECT api_id FROM files_keys WHERE user_oid = ?";
	sqlite3_stmt	*st = db_stmt(sql);

	sqlite3_bind_int64(st, 1, user);
	ipc_put_str(out, sqlite3_step(st) == SQLITE_ROW ?
	    (const char *)sqlite3_column_text(st, 0) : "");
	sqlite3_reset(st);
}

int
account_get(struct ipc_chan *chan, struct ipc_msg *m)
{
	static const char sql[] = "SELECT api_key FROM account_keys WHERE "
	    "user_oid = ? ORDER BY oid LIMIT 10";
	struct principal p;
	struct user_rec	 u;
	struct ipc_msg	 reply, keys;
	sqlite3_stmt	*st;
	uint64_t	 n = 0;
	uint32_t	 retry;
	int		 status;

	status = authz_grant(m, &p, &retry);
	if (ipc_end(m) == -1)
		return -1;
	if (status == 0 && user_load(p.user_oid, &u) == -1)
		status = 404;
	ipc_msg_init(&reply, IPC_ACCOUNT_RES, 0);
	ipc_put_u64(&reply, status == 0 ? 200 : status);
	ipc_put_str(&reply, status == 0 ? "ok" : "invalid or expired "
	    "credentials");
	if (status == 0) {
		ipc_put_user(&reply, &u);
		ipc_msg_init(&keys, IPC_ACCOUNT_RES, 0);
		st = db_stmt(sql);
		sqlite3_bind_int64(st, 1, p.user_oid);
		while (sqlite3_step(st) == SQLITE_ROW) {
			ipc_put_str(&keys, (const char *)
			    sqlite3_column_text(st, 0));
			n++;
		}
		sqlite3_reset(st);
		ipc_put_u64(&reply, n);
		ipc_append(&reply, &keys);
		ipc_msg_clear(&keys);
		sshkeys_put_brief(&reply, p.user_oid);
		put_files_id(&reply, p.user_oid);
		groups_put_brief(&reply, p.user_oid);
	}
	ipc_reply(chan, m, &reply);
	return 0;
}

/* ---- POST /v2/account/data ------------------------------------------- */

/*
 * The caller's own details, from frontd; with a new password hash only
 * from authd, which made it.  A new password ends every other session
 * of the user.
 */
int
account_data(struct ipc_chan *chan, struct ipc_msg *m)
{
	struct principal p;
	struct profile	 prof;
	char		 hash[256] = "";
	const char	*why;
	uint32_t	 retry;
	uint64_t	 keep;
	int		 status;

	status = authz_grant(m, &p, &retry);
	ipc_get_profile(m, &prof);
	if (m->type == IPC_STORE_ACCOUNT_DATA)
		ipc_get_str(m, hash, sizeof(hash));
	if (ipc_end(m) == -1)
		return -1;
	if (status != 0) {
		reply_op(chan, m, status, "invalid or expired credentials");
		return 0;
	}
	if ((why = profile_invalid(&prof)) != NULL) {
		reply_op(chan, m, 400, why);
		return 0;
	}
	keep = p.kind == GRANT_SESSION ? p.cred_oid : 0;
	if (db_begin() == -1) {
		reply_op(chan, m, 500, "database error");
		return 0;
	}
	status = profile_write(p.user_oid, &prof);
	if (status == 0 && ((hash[0] != '\0' &&
	    (user_set_hash(p.user_oid, hash) == -1 ||
	    sessions_end_user(p.user_oid, keep) == -1)) ||
	    db_event("account.update", "info", p.user_id, hash[0] != '\0' ?
	    "account data and password changed" : "account data changed",
	    p.username, NULL, DIALECT_ACCOUNT) == -1 || db_commit() == -1))
		status = 500;
	if (status != 0) {
		db_rollback();
		reply_op(chan, m, status, status == 409 ?
		    "email already in use" : "database error");
	} else
		reply_op(chan, m, 200, "ok");
	explicit_bzero(hash, sizeof(hash));
	return 0;
}
