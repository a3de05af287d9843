/*
 * API keys (certctrl-apikeys.txt): a user's own, or any for an admin;
 * through a key, only with the apikeys.read or apikeys.write scope.  The
 * plaintext never reaches stored: authd mints it and keeps only its HMAC
 * here.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "body_keys.h"
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

/*
 * A scope limited to named objects opens only routes that check their
 * object (certpage_owner_obj, authz_object): any other fails closed.
 */
int
authz_scope(const struct principal *p, uint32_t scope)
{
	if (p->kind == GRANT_APIKEY && ((p->scopes & scope) != scope ||
	    (p->restricted & scope) != 0))
		return 403;
	return 0;
}

/*
 * The user whose keys a request reaches, as its route's access says: an
 * admin route names any user (ref); an own route reaches the caller's
 * alone; a route for any principal the user ref names ("" the caller),
 * whom the role lets it reach.  0, 403 or 404.
 */
int
authz_keys_of(const struct principal *p, uint32_t access, const char *ref,
    uint64_t *user)
{
	int	 status;

	if (access == IPC_ACCESS_ADMIN)
		return authz_user(p, ref, 1, user);
	if (*ref == '\0') {
		*user = p->user_oid;
		return 0;
	}
	if ((status = authz_user(p, ref, 0, user)) != 0)
		return status;
	return access == IPC_ACCESS_OWN && *user != p->user_oid ? 404 : 0;
}

/* An access a route may state (body_core.h). */
int
access_known(uint32_t access)
{
	return access == IPC_ACCESS_ANY || access == IPC_ACCESS_ADMIN ||
	    access == IPC_ACCESS_OWN;
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
reply_key(const struct ipc_req *req, int status, const char *message,
    const struct key_rec *k)
{
	struct ipc_apikey_res	 res;

	memset(&res, 0, sizeof(res));
	head_set(&res.head, status, message);
	if (k != NULL)
		res.key = *k;
	ipc_answer(req, &res, NULL);
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
insert_key(uint64_t user, const struct ipc_apikey_store *b,
    uint32_t restricted, uint64_t *oid)
{
	static const char sql[] = "INSERT INTO api_keys (id, public_id, "
	    "digest, user_oid, name, scopes, permissions, expires_at, "
	    "created_at, restricted) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
	sqlite3_stmt	*st = db_stmt(sql);
	char		 id[37];

	uuid_v4(id);
	sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, b->public_id, -1, SQLITE_STATIC);
	sqlite3_bind_blob(st, 3, b->digest, b->digest_len, SQLITE_STATIC);
	sqlite3_bind_int64(st, 4, user);
	sqlite3_bind_text(st, 5, b->name, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 6, b->scopes);
	sqlite3_bind_text(st, 7, b->permissions, -1, SQLITE_STATIC);
	if (b->never)
		sqlite3_bind_null(st, 8);
	else
		sqlite3_bind_int64(st, 8, b->expires_at);
	sqlite3_bind_int64(st, 9, db_now());
	sqlite3_bind_int64(st, 10, restricted);
	return db_insert(st, oid);
}

/* A key's limits against the key that makes it, if one does. */
static int
key_within(const struct principal *p, const struct ipc_apikey_store *b,
    const char **why)
{
	if (p->kind != GRANT_APIKEY)
		return 0;
	/* a key can give no more than the key that makes it, and no
	 * longer: else an expiring key mints one that never expires */
	if (b->scopes & ~p->scopes)
		return 403;
	/* nor more than it has on single objects */
	if (b->scopes & p->restricted)
		return 403;
	if (p->cred_expires != 0 && (b->never ||
	    b->expires_at > p->cred_expires)) {
		*why = "api key cannot make a key that outlives it";
		return 403;
	}
	return 0;
}

int
apikeys_store_create(struct ipc_chan *chan, struct ipc_msg *m)
{
	struct ipc_apikey_store	 b;
	struct ipc_req		 req = ipc_req_of(chan, m);
	struct principal	 p;
	struct key_rec		 k;
	struct keyperms		 kp;
	const char		*why = NULL;
	char			 oidtext[24];
	uint64_t		 user = 0, oid;
	uint32_t		 retry, restricted = 0;
	int			 status;

	if (ipc_msg_get(m, &b) == -1)
		return -1;
	status = authz_check(b.grant, b.grant_len, &p, &retry);
	if (status == 0)
		status = authz_user(&p, b.user, 0, &user);
	if (status == 0)
		status = authz_scope(&p, SCOPE_APIKEYS_WRITE);
	/* permissions on single objects: the user's, each */
	if (status == 0 && keyperms_read(b.permissions, user, &kp,
	    &why) == -1)
		status = 400;
	if (status == 0) {
		restricted = kp.limited & ~b.scopes;
		b.scopes |= kp.limited;
	}
	if (status == 0)
		status = key_within(&p, &b, &why);
	if (status == 0 && db_count(keys_of_user, user) >= KEYS_PER_USER_MAX)
		status = 409;
	if (status != 0) {
		reply_key(&req, status, why != NULL ? why : message_for(status),
		    NULL);
		return 0;
	}
	if (db_begin() == -1 || insert_key(user, &b, restricted, &oid) == -1 ||
	    keyperms_keep(oid, &kp, restricted) == -1 ||
	    (snprintf(oidtext, sizeof(oidtext), "%llu",
	    (unsigned long long)oid), key_load(user, oidtext, &k)) == -1 ||
	    db_event("apikey.create", "info", p.user_id, "api key created",
	    p.username, NULL, DIALECT_APIV1) == -1 || db_commit() == -1) {
		db_rollback();
		reply_key(&req, 500, "database error", NULL);
		return 0;
	}
	reply_key(&req, 201, "created", &k);
	return 0;
}

int
apikeys_list(struct ipc_chan *chan, struct ipc_msg *m)
{
	static char		 sql[512];
	struct ipc_key_page	 pg;
	struct ipc_req		 req = ipc_req_of(chan, m);
	struct ipc_list_res	 res;
	struct ipc_msg		 items;
	struct principal	 p;
	struct key_rec		 k;
	sqlite3_stmt		*st;
	uint64_t		 user = 0;
	uint32_t		 retry;
	int			 status;

	if (ipc_msg_get(m, &pg) == -1)
		return -1;
	if (!access_known(pg.access))
		return ipc_violation(m, "no such access");
	status = authz_check(pg.grant, pg.grant_len, &p, &retry);
	if (status == 0)
		status = authz_keys_of(&p, pg.access, pg.user, &user);
	if (status == 0)
		status = authz_scope(&p, SCOPE_APIKEYS_READ);
	if (sql[0] == '\0')
		snprintf(sql, sizeof(sql), "SELECT %s FROM api_keys WHERE "
		    "user_oid = ? ORDER BY oid LIMIT ? OFFSET ?", key_columns);
	memset(&res, 0, sizeof(res));
	ipc_msg_init(&items, IPC_APIKEY_LIST_RES, 0);
	if (status == 0) {
		res.total = db_count(keys_of_user, user);
		st = db_stmt(sql);
		sqlite3_bind_int64(st, 1, user);
		sqlite3_bind_int(st, 2, pg.limit == 0 || pg.limit > KEYS_PAGE ?
		    KEYS_PAGE : pg.limit);
		sqlite3_bind_int64(st, 3, pg.offset);
		while (items.sbuf.size < LIST_PAGE_BYTES &&
		    sqlite3_step(st) == SQLITE_ROW) {
			row_to_key(st, &k);
			ipc_msg_put_item(&items, &k);
			res.count++;
		}
		sqlite3_reset(st);
	}
	head_set(&res.head, status == 0 ? 200 : status, status == 0 ? "ok" :
	    message_for(status));
	ipc_answer(&req, &res, &items);
	return 0;
}

/* The key a request names, of the user it reaches, with scope. */
static int
key_named(const struct ipc_key_ref *b, struct principal *p, uint32_t scope,
    struct key_rec *k)
{
	uint64_t	 user = 0;
	uint32_t	 retry;
	int		 status;

	status = authz_check(b->grant, b->grant_len, p, &retry);
	if (status == 0)
		status = authz_keys_of(p, b->access, b->user, &user);
	if (status == 0)
		status = authz_scope(p, scope);
	if (status == 0 && key_load(user, b->key, k) == -1)
		status = 404;
	return status;
}

int
apikeys_get(struct ipc_chan *chan, struct ipc_msg *m)
{
	struct ipc_key_ref	 b;
	struct ipc_req		 req = ipc_req_of(chan, m);
	struct principal	 p;
	struct key_rec		 k;
	int			 status;

	if (ipc_msg_get(m, &b) == -1)
		return -1;
	if (!access_known(b.access))
		return ipc_violation(m, "no such access");
	if ((status = key_named(&b, &p, SCOPE_APIKEYS_READ, &k)) != 0)
		reply_key(&req, status, message_for(status), NULL);
	else
		reply_key(&req, 200, "ok", &k);
	return 0;
}

/* A key and its event, in the caller's transaction; -1 on error. */
static int
apikey_drop(uint64_t oid, const struct principal *p, uint32_t dialect)
{
	return db_write(key_delete, oid, 0) == -1 ||
	    db_event("apikey.delete", "info", p->user_id, "api key deleted",
	    p->username, NULL, dialect < DIALECT_MAX ? (int)dialect : -1) ==
	    -1 ? -1 : 0;
}

int
apikeys_destroy(uint64_t key_oid, const struct principal *p)
{
	return apikey_drop(key_oid, p, DIALECT_CCE);
}

int
apikeys_delete(struct ipc_chan *chan, struct ipc_msg *m)
{
	struct ipc_key_ref	 b;
	struct ipc_req		 req = ipc_req_of(chan, m);
	struct principal	 p;
	struct key_rec		 k;
	int			 status;

	if (ipc_msg_get(m, &b) == -1)
		return -1;
	if (!access_known(b.access))
		return ipc_violation(m, "no such access");
	status = key_named(&b, &p, SCOPE_APIKEYS_WRITE, &k);
	if (status == 0 && (db_begin() == -1 ||
	    apikey_drop(k.oid, &p, b.dialect) == -1 || db_commit() == -1)) {
		db_rollback();
		status = 500;
	}
	if (status != 0)
		reply_key(&req, status, message_for(status), NULL);
	else
		reply_key(&req, 204, "ok", &k);
	return 0;
}
