/*
 * API keys (certctrl-apikeys.txt): a user's own, or any for an admin;
 * through a key, only with the apikeys.read or apikeys.write scope.  The
 * plaintext never reaches stored: authd mints it and keeps only its HMAC
 * here.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "keyrec.h"
#include "log.h"
#include "stored.h"
#include "util.h"

#define KEYS_PAGE	100

static const char key_columns[] = "oid, id, public_id, user_oid, name, "
    "scopes, permissions, coalesce(expires_at, 0), created_at, "
    "coalesce(last_used_at, 0)";
static const char keys_of_user[] =
    "SELECT count(*) FROM api_keys WHERE user_oid = ?";
static const char key_delete[] = "DELETE FROM api_keys WHERE oid = ?";

int
authz_scope(const struct principal *p, uint32_t scope)
{
	if (p->kind == GRANT_APIKEY && (p->scopes & scope) != scope)
		return 403;
	return 0;
}

static void
row_to_key(sqlite3_stmt *st, struct key_rec *k)
{
	const unsigned char	*t;

	memset(k, 0, sizeof(*k));
	k->oid = sqlite3_column_int64(st, 0);
	strlcpy(k->id, (const char *)sqlite3_column_text(st, 1),
	    sizeof(k->id));
	strlcpy(k->public_id, (const char *)sqlite3_column_text(st, 2),
	    sizeof(k->public_id));
	k->user_oid = sqlite3_column_int64(st, 3);
	strlcpy(k->name, (const char *)sqlite3_column_text(st, 4),
	    sizeof(k->name));
	k->scopes = sqlite3_column_int64(st, 5);
	t = sqlite3_column_text(st, 6);
	strlcpy(k->permissions, t != NULL ? (const char *)t : "[]",
	    sizeof(k->permissions));
	k->expires_at = sqlite3_column_int64(st, 7);
	k->created_at = sqlite3_column_int64(st, 8);
	k->last_used_at = sqlite3_column_int64(st, 9);
}

/* The key ref (oid or UUID) among the keys of user; -1 if none. */
static int
key_load(uint64_t user, const char *ref, struct key_rec *k)
{
	static char	 sql[512];
	sqlite3_stmt	*st;
	int		 rc;

	if (sql[0] == '\0')
		snprintf(sql, sizeof(sql), "SELECT %s FROM api_keys WHERE "
		    "user_oid = ?1 AND (id = ?2 OR CAST(oid AS TEXT) = ?2)",
		    key_columns);
	st = db_stmt(sql);
	sqlite3_bind_int64(st, 1, user);
	sqlite3_bind_text(st, 2, ref, -1, SQLITE_STATIC);
	if ((rc = sqlite3_step(st)) == SQLITE_ROW)
		row_to_key(st, k);
	sqlite3_reset(st);
	return rc == SQLITE_ROW ? 0 : -1;
}

static void
reply_key(struct ipc_chan *chan, const struct ipc_msg *req, int status,
    const char *message, const struct key_rec *k)
{
	struct ipc_msg	 m;

	ipc_msg_init(&m, IPC_APIKEY_RES, 0);
	key_res_put(&m, status, message, k);
	ipc_reply(chan, req, &m);
}

static const char *
message_for(int status)
{
	switch (status) {
	case 403: return "api key lacks required permission";
	case 404: return "Resource not found";
	case 409: return "a user has at most 100 api keys";
	default: return status_message(status);
	}
}

static int
insert_key(uint64_t user, const char *public_id, const uint8_t *digest,
    size_t dlen, const char *name, uint32_t scopes, const char *perms,
    int64_t expires, int never, uint64_t *oid)
{
	static const char sql[] = "INSERT INTO api_keys (id, public_id, "
	    "digest, user_oid, name, scopes, permissions, expires_at, "
	    "created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)";
	sqlite3_stmt	*st = db_stmt(sql);
	char		 id[37];

	uuid_v4(id);
	sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, public_id, -1, SQLITE_STATIC);
	sqlite3_bind_blob(st, 3, digest, dlen, SQLITE_STATIC);
	sqlite3_bind_int64(st, 4, user);
	sqlite3_bind_text(st, 5, name, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 6, scopes);
	sqlite3_bind_text(st, 7, perms, -1, SQLITE_STATIC);
	if (never)
		sqlite3_bind_null(st, 8);
	else
		sqlite3_bind_int64(st, 8, expires);
	sqlite3_bind_int64(st, 9, db_now());
	return db_insert(st, oid);
}

int
apikeys_store_create(struct ipc_chan *chan, struct ipc_msg *m)
{
	struct principal p;
	struct key_rec	 k;
	char		 ref[FIELD_REF_MAX + 1], public_id[16];
	char		 name[KEYNAME_MAX + 1];
	char		 perms[PERMISSIONS_MAX + 1], oidtext[24];
	uint8_t		 digest[32];
	size_t		 dlen;
	uint64_t	 user = 0, oid;
	uint32_t	 scopes, retry;
	int64_t		 expires;
	int		 status, never;

	status = authz_grant(m, &p, &retry);
	ipc_get_str(m, ref, sizeof(ref));
	ipc_get_str(m, public_id, sizeof(public_id));
	ipc_get_bin(m, digest, sizeof(digest), &dlen);
	ipc_get_str(m, name, sizeof(name));
	ipc_get_u32(m, &scopes);
	ipc_get_str(m, perms, sizeof(perms));
	ipc_get_opti64(m, &expires, &never);
	if (ipc_end(m) == -1)
		return -1;
	if (status == 0)
		status = authz_user(&p, ref, 0, &user);
	if (status == 0)
		status = authz_scope(&p, SCOPE_APIKEYS_WRITE);
	/* a key can give no more than the key that makes it, and no
	 * longer: else an expiring key mints one that never expires */
	if (status == 0 && p.kind == GRANT_APIKEY && (scopes & ~p.scopes))
		status = 403;
	if (status == 0 && p.kind == GRANT_APIKEY && p.cred_expires != 0 &&
	    (never || expires > p.cred_expires)) {
		reply_key(chan, m, 403, "api key cannot make a key that "
		    "outlives it", NULL);
		return 0;
	}
	if (status == 0 && db_count(keys_of_user, user) >= KEYS_PER_USER_MAX)
		status = 409;
	if (status != 0) {
		reply_key(chan, m, status, message_for(status), NULL);
		return 0;
	}
	if (db_begin() == -1 || insert_key(user, public_id, digest, dlen, name,
	    scopes, perms, expires, never, &oid) == -1 ||
	    (snprintf(oidtext, sizeof(oidtext), "%llu",
	    (unsigned long long)oid), key_load(user, oidtext, &k)) == -1 ||
	    db_event("apikey.create", "info", p.user_id, "api key created",
	    p.username, NULL, DIALECT_APIV1) == -1 || db_commit() == -1) {
		db_rollback();
		reply_key(chan, m, 500, "database error", NULL);
		return 0;
	}
	reply_key(chan, m, 201, "created", &k);
	return 0;
}

static void
list_keys(struct ipc_chan *chan, const struct ipc_msg *req, uint64_t user,
    uint32_t limit, uint32_t offset)
{
	static char	 sql[512];
	struct ipc_msg	 body;
	struct key_rec	 k;
	sqlite3_stmt	*st;
	uint64_t	 total = 0, n = 0;

	if (sql[0] == '\0')
		snprintf(sql, sizeof(sql), "SELECT %s FROM api_keys WHERE "
		    "user_oid = ? ORDER BY oid LIMIT ? OFFSET ?", key_columns);
	total = db_count(keys_of_user, user);
	ipc_msg_init(&body, IPC_APIKEY_LIST_RES, 0);
	st = db_stmt(sql);
	sqlite3_bind_int64(st, 1, user);
	sqlite3_bind_int(st, 2, limit);
	sqlite3_bind_int64(st, 3, offset);
	while (body.sbuf.size < LIST_PAGE_BYTES &&
	    sqlite3_step(st) == SQLITE_ROW) {
		row_to_key(st, &k);
		ipc_put_key(&body, &k);
		n++;
	}
	sqlite3_reset(st);
	reply_list(chan, req, IPC_APIKEY_LIST_RES, 200,
	    "ok", total, n, &body);
}

static void
list_refused(struct ipc_chan *chan, const struct ipc_msg *req, int status)
{
	reply_list(chan, req, IPC_APIKEY_LIST_RES, status, message_for(status),
	    0, 0, NULL);
}

int
apikeys_op(struct ipc_chan *chan, struct ipc_msg *m)
{
	struct principal p;
	struct key_rec	 k;
	char		 ref[FIELD_REF_MAX + 1], keyref[FIELD_REF_MAX + 1] = "";
	uint64_t	 user = 0;
	uint32_t	 retry, limit = 0, offset = 0, scope;
	int		 status;

	status = authz_grant(m, &p, &retry);
	ipc_get_str(m, ref, sizeof(ref));
	if (m->type == IPC_OP_APIKEY_LIST) {
		ipc_get_u32(m, &limit);
		ipc_get_u32(m, &offset);
	} else
		ipc_get_str(m, keyref, sizeof(keyref));
	if (ipc_end(m) == -1)
		return -1;
	scope = m->type == IPC_OP_APIKEY_DELETE ? SCOPE_APIKEYS_WRITE :
	    SCOPE_APIKEYS_READ;
	if (status == 0)
		status = authz_user(&p, ref, 0, &user);
	if (status == 0)
		status = authz_scope(&p, scope);
	if (m->type == IPC_OP_APIKEY_LIST) {
		if (status != 0)
			list_refused(chan, m, status);
		else
			list_keys(chan, m, user, limit == 0 || limit >
			    KEYS_PAGE ? KEYS_PAGE : limit, offset);
		return 0;
	}
	if (status == 0 && key_load(user, keyref, &k) == -1)
		status = 404;
	if (status == 0 && m->type == IPC_OP_APIKEY_DELETE &&
	    (db_begin() == -1 || db_write(key_delete, k.oid, 0) == -1 ||
	    db_event("apikey.delete", "info", p.user_id, "api key deleted",
	    p.username, NULL, DIALECT_APIV1) == -1 || db_commit() == -1)) {
		db_rollback();
		status = 500;
	}
	if (status != 0)
		reply_key(chan, m, status, message_for(status), NULL);
	else
		reply_key(chan, m, m->type == IPC_OP_APIKEY_DELETE ? 204 : 200,
		    "ok", &k);
	return 0;
}
