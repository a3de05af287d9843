/*
 * Account v2: the signing key pairs of a user (the secret only sealed)
 * and the account record.  A user reaches only their own key pairs.
 */
#include <string.h>

#include "account.h"
#include "body_keys.h"
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
	struct ipc_account_key_store b;
	struct ipc_req	 req = ipc_req_of(chan, m);
	struct principal p;
	uint32_t	 retry;
	int		 status;

	if (ipc_msg_get(m, &b) == -1)
		return -1;
	if (b.op < ACCOUNT_KEY_CREATE || b.op > ACCOUNT_FILES_KEY)
		return ipc_violation(m, "unknown account key operation");
	status = authz_check(b.grant, b.grant_len, &p, &retry);
	if (status == 0 && b.op == ACCOUNT_KEY_CREATE &&
	    db_count(keys_of_user, p.user_oid) >= ACCOUNT_KEYS_MAX)
		status = 409;
	if (status != 0) {
		ipc_answer_status(&req, status, status == 409 ?
		    "too many api keys" : "invalid or expired credentials");
		return 0;
	}
	if (db_begin() == -1) {
		ipc_answer_status(&req, 500, "database error");
		return 0;
	}
	status = b.op == ACCOUNT_FILES_KEY ? write_files_key(p.user_oid,
	    b.api_key, b.api_id, b.sealed, b.sealed_len) : write_key(b.op,
	    p.user_oid, b.api_key, b.sealed, b.sealed_len);
	if (status != 0 || db_event(key_event(b.op), "info", p.user_id,
	    b.op == ACCOUNT_FILES_KEY ? b.api_id : b.api_key, p.username, NULL,
	    DIALECT_ACCOUNT) == -1 || db_commit() == -1) {
		db_rollback();
		ipc_answer_status(&req, status == 404 ? 404 : 500, status ==
		    404 ? "no such api key" : "database error");
		return 0;
	}
	ipc_answer_status(&req, b.op == ACCOUNT_KEY_CREATE ? 201 : 200, "ok");
	return 0;
}

/* authd asks for the sealed secret of an api_key it must check. */
int
account_key_get(struct ipc_chan *chan, struct ipc_msg *m)
{
	static const char sql[] = "SELECT k.oid, k.user_oid, k.secret_sealed, "
	    "u.role FROM account_keys k JOIN users u ON u.oid = k.user_oid "
	    "WHERE k.api_key = ?";
	struct ipc_account_key_get b;
	struct ipc_account_key_get_res res;
	struct ipc_req	 req = ipc_req_of(chan, m);
	sqlite3_stmt	*st;
	size_t		 len;

	if (ipc_msg_get(m, &b) == -1)
		return -1;
	memset(&res, 0, sizeof(res));
	head_set(&res.head, 200, "ok");
	st = db_stmt(sql);
	sqlite3_bind_text(st, 1, b.api_key, -1, SQLITE_STATIC);
	if (sqlite3_step(st) == SQLITE_ROW &&
	    (len = sqlite3_column_bytes(st, 2)) <= sizeof(res.sealed)) {
		res.found = 1;
		res.oid = sqlite3_column_int64(st, 0);
		res.user = sqlite3_column_int64(st, 1);
		if (len > 0)
			memcpy(res.sealed, sqlite3_column_blob(st, 2), len);
		res.sealed_len = len;
		strlcpy(res.role, (const char *)sqlite3_column_text(st, 3),
		    sizeof(res.role));
	}
	sqlite3_reset(st);
	ipc_answer(&req, &res, NULL);
	explicit_bzero(&res, sizeof(res));
	return 0;
}

int
account_key_delete(struct ipc_chan *chan, struct ipc_msg *m)
{
	static const char sql[] =
	    "DELETE FROM account_keys WHERE api_key = ? AND user_oid = ?";
	struct ipc_account_key_delete b;
	struct ipc_req	 req = ipc_req_of(chan, m);
	struct principal p;
	sqlite3_stmt	*st;
	uint32_t	 retry;
	int		 status, rc;

	if (ipc_msg_get(m, &b) == -1)
		return -1;
	status = authz_check(b.grant, b.grant_len, &p, &retry);
	if (status != 0) {
		ipc_answer_status(&req, status, "invalid or expired "
		    "credentials");
		return 0;
	}
	if (db_begin() == -1) {
		ipc_answer_status(&req, 500, "database error");
		return 0;
	}
	st = db_stmt(sql);
	sqlite3_bind_text(st, 1, b.api_key, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, p.user_oid);
	rc = sqlite3_step(st);
	sqlite3_reset(st);
	if (rc != SQLITE_DONE) {
		db_rollback();
		ipc_answer_status(&req, 500, "database error");
		return 0;
	}
	if (sqlite3_changes(sqlite3_db_handle(st)) != 1) {
		db_rollback();
		ipc_answer_status(&req, 404, "no such api key");
		return 0;
	}
	if (db_event("account.apikey.delete", "info", p.user_id, b.api_key,
	    p.username, NULL, DIALECT_ACCOUNT) == -1 || db_commit() == -1) {
		db_rollback();
		ipc_answer_status(&req, 500, "database error");
		return 0;
	}
	ipc_answer_status(&req, 200, "ok");
	return 0;
}

/* The S3 credential's public id, "" if there is none; never its secret. */
static void
files_id(uint64_t user, char *out, size_t outlen)
{
	static const char sql[] =
	    "SELECT api_id FROM files_keys WHERE user_oid = ?";
	sqlite3_stmt	*st = db_stmt(sql);

	sqlite3_bind_int64(st, 1, user);
	strlcpy(out, sqlite3_step(st) == SQLITE_ROW ?
	    (const char *)sqlite3_column_text(st, 0) : "", outlen);
	sqlite3_reset(st);
}

/* The user's signing keys, as items of the account's list. */
static void
account_keys_put(struct ipc_msg *items, uint64_t user)
{
	static const char sql[] = "SELECT api_key FROM account_keys WHERE "
	    "user_oid = ? ORDER BY oid LIMIT 10";
	struct account_item	 it;
	sqlite3_stmt		*st = db_stmt(sql);

	sqlite3_bind_int64(st, 1, user);
	while (sqlite3_step(st) == SQLITE_ROW) {
		memset(&it, 0, sizeof(it));
		it.kind = ACCOUNT_ITEM_API_KEY;
		strlcpy(it.id, (const char *)sqlite3_column_text(st, 0),
		    sizeof(it.id));
		ipc_msg_put_item(items, &it);
	}
	sqlite3_reset(st);
}

int
account_get(struct ipc_chan *chan, struct ipc_msg *m)
{
	struct ipc_grant_req	 b;
	struct ipc_account_res	 res;
	struct ipc_req		 req = ipc_req_of(chan, m);
	struct ipc_msg		 items;
	struct principal	 p;
	uint32_t		 retry;
	int			 status;

	if (ipc_msg_get(m, &b) == -1)
		return -1;
	memset(&res, 0, sizeof(res));
	status = authz_check(b.grant, b.grant_len, &p, &retry);
	if (status == 0 && user_load(p.user_oid, &res.user) == -1)
		status = 404;
	if (status != 0) {
		ipc_answer_status(&req, status, "invalid or expired "
		    "credentials");
		return 0;
	}
	head_set(&res.head, 200, "ok");
	files_id(p.user_oid, res.files_id, sizeof(res.files_id));
	ipc_msg_init(&items, IPC_ACCOUNT_RES, 0);
	account_keys_put(&items, p.user_oid);
	sshkeys_put_brief(&items, p.user_oid);
	groups_put_brief(&items, p.user_oid);
	ipc_answer(&req, &res, &items);
	return 0;
}

/* ---- POST /v2/account/data ------------------------------------------- */

/*
 * The caller's own details, from frontd; with a new password hash only
 * from authd, which made it ("" for none).  A new password ends every
 * other session of the user.
 */
static void
account_data_write(const struct ipc_req *req, const uint8_t *grant,
    size_t grant_len, struct profile *prof, const char *hash)
{
	struct principal p;
	const char	*why;
	uint32_t	 retry;
	uint64_t	 keep;
	int		 status;

	status = authz_check(grant, grant_len, &p, &retry);
	if (status != 0) {
		ipc_answer_status(req, status, "invalid or expired "
		    "credentials");
		return;
	}
	if ((why = profile_invalid(prof)) != NULL) {
		ipc_answer_status(req, 400, why);
		return;
	}
	keep = p.kind == GRANT_SESSION ? p.cred_oid : 0;
	if (db_begin() == -1) {
		ipc_answer_status(req, 500, "database error");
		return;
	}
	status = profile_write(p.user_oid, prof);
	if (status == 0 && ((hash[0] != '\0' &&
	    (user_set_hash(p.user_oid, hash) == -1 ||
	    sessions_end_user(p.user_oid, keep) == -1)) ||
	    db_event("account.update", "info", p.user_id, hash[0] != '\0' ?
	    "account data and password changed" : "account data changed",
	    p.username, NULL, DIALECT_ACCOUNT) == -1 || db_commit() == -1))
		status = 500;
	if (status != 0) {
		db_rollback();
		ipc_answer_status(req, status, status == 409 ?
		    "email already in use" : "database error");
	} else
		ipc_answer_status(req, 200, "ok");
}

/* From frontd: names, phone, email; no password. */
int
account_data(struct ipc_chan *chan, struct ipc_msg *m)
{
	struct ipc_account_data	 b;
	struct ipc_req		 req = ipc_req_of(chan, m);

	if (ipc_msg_get(m, &b) == -1)
		return -1;
	account_data_write(&req, b.grant, b.grant_len, &b.profile, "");
	return 0;
}

/* From authd: the same with the hash of a new password. */
int
account_data_store(struct ipc_chan *chan, struct ipc_msg *m)
{
	struct ipc_account_data_store b;
	struct ipc_req		 req = ipc_req_of(chan, m);

	if (ipc_msg_get(m, &b) == -1)
		return -1;
	account_data_write(&req, b.grant, b.grant_len, &b.profile, b.hash);
	explicit_bzero(b.hash, sizeof(b.hash));
	return 0;
}
