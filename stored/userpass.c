/*
 * Users as authd makes them and sets their passwords, each with its hash:
 * the first admin, a user an admin creates, a new password.  Every
 * change writes its event in the same transaction.
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "body_auth.h"
#include "log.h"
#include "stored.h"
#include "util.h"

/* 3 to 50 characters that need no quoting anywhere. */
static int
username_ok(const char *name)
{
	size_t	 len = strlen(name);

	return len >= 3 && len <= USERNAME_MAX &&
	    strspn(name, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
	    "0123456789._@-") == len;
}

/* ---- the first admin ------------------------------------------------ */

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
	sqlite3_reset(st);
	if (rc != SQLITE_DONE || cce_user_object((uint64_t)
	    sqlite3_last_insert_rowid(sqlite3_db_handle(st))) == -1 ||
	    db_event("admin.user.create", "info", id,
	    "first admin created at bootstrap", "moatd", NULL, -1) == -1) {
		db_rollback();
		return -1;
	}
	return db_commit() == 0 ? 1 : -1;
}

int
users_bootstrap(struct ipc_chan *chan, struct ipc_msg *m)
{
	struct ipc_req			 req = ipc_req_of(chan, m);
	struct ipc_user_bootstrap	 b;
	struct ipc_user_bootstrap_res	 res;
	int				 created;

	if (ipc_msg_get(m, &b) == -1)
		return -1;
	if ((created = bootstrap_insert(b.name, b.hash, b.role)) == -1)
		fatalx("cannot create the first admin");
	explicit_bzero(&b, sizeof(b));
	memset(&res, 0, sizeof(res));
	res.head.status = 200;
	strlcpy(res.head.message, "ok", sizeof(res.head.message));
	res.created = created;
	ipc_answer(&req, &res, NULL);
	return 0;
}

/* ---- create (from authd, with the hash) ----------------------------- */

static int
insert_user(const char *name, const char *hash, const char *role,
    int64_t expires, int no_expiry, uint64_t *oid)
{
	static const char sql[] = "INSERT INTO users (id, username, "
	    "password_hash, role, status, expires_at, created_at, updated_at) "
	    "VALUES (?, ?, ?, ?, 'active', ?, ?, ?)";
	sqlite3_stmt	*st = db_stmt(sql);
	char		 id[37];
	int64_t		 now = db_now();
	int		 rc;

	uuid_v4(id);
	sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, name, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, hash, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, role, -1, SQLITE_STATIC);
	if (no_expiry)
		sqlite3_bind_null(st, 5);
	else
		sqlite3_bind_int64(st, 5, expires);
	sqlite3_bind_int64(st, 6, now);
	sqlite3_bind_int64(st, 7, now);
	rc = sqlite3_step(st);
	sqlite3_reset(st);
	if (rc == SQLITE_CONSTRAINT_UNIQUE)
		return 409;
	if (rc != SQLITE_DONE)
		return 500;
	*oid = sqlite3_last_insert_rowid(sqlite3_db_handle(st));
	/* every user is a User object of the command API too */
	return cce_user_object(*oid) == -1 ? 500 : 0;
}

int
users_store_create(struct ipc_chan *chan, struct ipc_msg *m)
{
	struct ipc_req	 req = ipc_req_of(chan, m);
	struct ipc_store_user_create c;
	struct principal p;
	struct user_rec	 u;
	struct profile	*prof = &c.profile;
	char		*name = c.username, *hash = c.hash, *role = c.role;
	const char	*why;
	int64_t		 expires;
	uint64_t	 oid = 0;
	uint32_t	 retry;
	int		 status, no_expiry;

	if (ipc_msg_get(m, &c) == -1)
		return -1;
	status = authz_check(c.grant, c.grant_len, &p, &retry);
	expires = c.expires_at;
	no_expiry = c.no_expiry;
	if (status != 0 || p.role != ROLE_ADMIN) {
		answer_user(&req, status != 0 ? status : 403,
		    status != 0 ? "invalid or expired token" : "admin only",
		    NULL);
		goto done;
	}
	if (!username_ok(name)) {
		answer_user(&req, 400, "username must be 3 to 50 letters, "
		    "digits or ._@-", NULL);
		goto done;
	}
	if (strcmp(role, "admin") != 0 && strcmp(role, "user") != 0) {
		answer_user(&req, 400, "role must be admin or user", NULL);
		goto done;
	}
	if ((why = profile_invalid(prof)) != NULL) {
		answer_user(&req, 400, why, NULL);
		goto done;
	}
	if (db_begin() == -1) {
		answer_user(&req, 500, "database error", NULL);
		goto done;
	}
	why = "username already exists";
	if ((status = insert_user(name, hash, role, expires, no_expiry,
	    &oid)) == 0 && (status = profile_write(oid, prof)) == 409)
		why = "email already in use";
	if (status != 0 || user_load(oid, &u) == -1 ||
	    db_event("admin.user.create", "info", u.id, "user created",
	    p.username, NULL, -1) == -1 || db_commit() == -1) {
		db_rollback();
		answer_user(&req, status == 409 ? 409 : 500,
		    status == 409 ? why : "database error", NULL);
		goto done;
	}
	answer_user(&req, 201, "created", &u);
 done:
	explicit_bzero(hash, sizeof(hash));
	return 0;
}

/* ---- a new password hash (from authd) ------------------------------- */

int
user_set_hash(uint64_t oid, const char *hash)
{
	static const char sql[] = "UPDATE users SET password_hash = ?, "
	    "updated_at = ? WHERE oid = ?";
	sqlite3_stmt	*st = db_stmt(sql);
	int		 rc;

	sqlite3_bind_text(st, 1, hash, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, db_now());
	sqlite3_bind_int64(st, 3, oid);
	rc = sqlite3_step(st);
	sqlite3_reset(st);
	return rc == SQLITE_DONE && sqlite3_changes(sqlite3_db_handle(st)) ==
	    1 ? 0 : -1;
}

/*
 * Without a grant, authd rehashes at login (ref is the oid, no session
 * ends).  With one, the principal changes their own password (ref empty:
 * the other sessions end) or an admin rotates someone's (all of that
 * user's sessions end).
 */
int
users_store_password(struct ipc_chan *chan, struct ipc_msg *m)
{
	struct ipc_req			 req = ipc_req_of(chan, m);
	struct ipc_store_set_password	 b;
	struct principal		 p;
	struct user_rec			 u;
	const char			*type;
	uint64_t			 oid = 0;
	uint32_t			 retry;
	int				 status;

	if (ipc_msg_get(m, &b) == -1) {
		explicit_bzero(&b, sizeof(b));
		return -1;
	}
	if (b.grant_len == 0) {
		if (user_ref(b.ref, &oid) == -1 ||
		    user_set_hash(oid, b.hash) == -1)
			ipc_answer_status(&req, 404, "no such user");
		else
			ipc_answer_status(&req, 200, "ok");
		goto done;
	}
	if ((status = authz_check(b.grant, b.grant_len, &p, &retry)) != 0) {
		ipc_answer_status(&req, status, "invalid or expired token");
		goto done;
	}
	if (b.ref[0] == '\0') {
		oid = p.user_oid;
		type = "user.password.change";
	} else {
		if ((status = authz_user(&p, b.ref, 1, &oid)) != 0) {
			ipc_answer_status(&req, status, status == 403 ?
			    "admin only" : "user not found");
			goto done;
		}
		type = "admin.user.password";
	}
	if (db_begin() == -1 || user_load(oid, &u) == -1 ||
	    user_set_hash(oid, b.hash) == -1 || (b.keep_session != UINT64_MAX &&
	    sessions_end_user(oid, b.keep_session) == -1) ||
	    db_event(type, "info", u.id, "password changed", p.username, NULL,
	    -1) == -1 || db_commit() == -1) {
		db_rollback();
		ipc_answer_status(&req, 500, "database error");
		goto done;
	}
	ipc_answer_status(&req, 200, "ok");
 done:
	explicit_bzero(&b, sizeof(b));
	return 0;
}
