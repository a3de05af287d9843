/*
 * The control plane's operations on users, authorized here: an admin on
 * anyone, a user on themself (GET /v1/user/me), nobody else on anything.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "stored.h"

/* ---- list ------------------------------------------------------------ */

static void
user_row(sqlite3_stmt *st, struct ipc_msg *body)
{
	struct user_rec	 u;

	row_to_user(st, &u);
	ipc_put_user(body, &u);
}

static int
op_list(struct ipc_chan *chan, struct ipc_msg *m)
{
	static char	 sql[512];

	if (sql[0] == '\0')
		snprintf(sql, sizeof(sql), "SELECT %s FROM users ORDER BY oid "
		    "LIMIT ?1 OFFSET ?2", user_columns);
	return admin_page(chan, m, IPC_USER_LIST_RES, sql,
	    "SELECT count(*) FROM users", user_row);
}

/* ---- one user: get, me, patch, expiry, delete ------------------------- */

static int
set_status(uint64_t oid, const char *status)
{
	static const char sql[] =
	    "UPDATE users SET status = ?, updated_at = ? WHERE oid = ?";
	sqlite3_stmt	*st = db_stmt(sql);
	int		 rc;

	sqlite3_bind_text(st, 1, status, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, db_now());
	sqlite3_bind_int64(st, 3, oid);
	rc = sqlite3_step(st);
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? 0 : -1;
}

static int
set_expiry(uint64_t oid, int64_t expires, int none)
{
	static const char sql[] =
	    "UPDATE users SET expires_at = ?, updated_at = ? WHERE oid = ?";
	sqlite3_stmt	*st = db_stmt(sql);
	int		 rc;

	if (none)
		sqlite3_bind_null(st, 1);
	else
		sqlite3_bind_int64(st, 1, expires);
	sqlite3_bind_int64(st, 2, db_now());
	sqlite3_bind_int64(st, 3, oid);
	rc = sqlite3_step(st);
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? 0 : -1;
}

static int
delete_user(uint64_t oid)
{
	return db_write("DELETE FROM users WHERE oid = ?", oid, 0) == -1 ?
	    -1 : 0;
}

struct change {
	const char	*status;	/* PATCH: "" leaves it */
	struct profile	 profile;	/* PATCH */
	int64_t		 expires;	/* expiry */
	int		 no_expiry;
};

/*
 * Applies one change in a transaction with its event.  Disabling a user
 * or setting an expiry in the past ends their sessions at once; their
 * keys are refused from the next request on, since every request checks
 * the user's state.
 */
static int
apply_change(enum ipc_type type, const struct principal *p, uint64_t oid,
    const struct change *c, struct user_rec *u)
{
	const char	*event;
	int		 ok, status, end = 0, queued = 0;

	if (db_begin() == -1)
		return 500;
	if (user_load(oid, u) == -1) {
		db_rollback();
		return 404;
	}
	switch (type) {
	case IPC_OP_USER_PATCH:
		if ((status = profile_write(oid, &c->profile)) != 0) {
			db_rollback();
			return status;
		}
		ok = c->status[0] == '\0' || set_status(oid, c->status) == 0;
		end = strcmp(c->status, "disabled") == 0;
		event = "admin.user.update";
		break;
	case IPC_OP_USER_EXPIRY:
		ok = set_expiry(oid, c->expires, c->no_expiry) == 0;
		end = !c->no_expiry && c->expires <= db_now();
		event = "admin.user.expiry";
		break;
	default:
		/* the user's hosts go with them: their rows by the foreign
		 * keys, their containers by the tasks queued first */
		ok = (queued = hosts_teardown_user(oid, p->user_id)) >= 0 &&
		    delete_user(oid) == 0;
		event = "admin.user.delete";
		break;
	}
	if (!ok || (end && sessions_end_user(oid, 0) == -1) ||
	    db_event(event, "info", u->id, type == IPC_OP_USER_DELETE ?
	    "user deleted" : "user changed", p->username, NULL, -1) == -1 ||
	    (type != IPC_OP_USER_DELETE && user_load(oid, u) == -1) ||
	    db_commit() == -1) {
		db_rollback();
		return 500;
	}
	if (queued > 0)
		tasks_wake();
	return 0;
}

static const char *
message_for(int status)
{
	switch (status) {
	case 400: return "bad request";
	case 401: return "invalid or expired token";
	case 403: return "admin only";
	case 404: return "user not found";
	case 429: return "too many requests";
	case 503: return "not ready";
	default: return "database error";
	}
}

/* Reads what the operation carries after the grant and the reference. */
static int
read_change(struct ipc_msg *m, struct change *c, char *status, size_t len)
{
	memset(c, 0, sizeof(*c));
	if (m->type == IPC_OP_USER_PATCH) {
		ipc_get_str(m, status, len);
		ipc_get_profile(m, &c->profile);
		c->status = status;
	} else if (m->type == IPC_OP_USER_EXPIRY)
		ipc_get_opti64(m, &c->expires, &c->no_expiry);
	return ipc_end(m);
}

/* GET /v1/admin/users/{id}: the user, then their hosts. */
static void
reply_user_hosts(struct ipc_chan *chan, const struct ipc_msg *req,
    const struct user_rec *u)
{
	struct ipc_msg	 m;

	ipc_msg_init(&m, IPC_USER_RES, 0);
	user_res_put(&m, 200, "ok", u);
	hosts_put_of_user(&m, u->oid);
	ipc_reply(chan, req, &m);
}

/* Why the change would lock its admin out of their own account. */
static const char *
self_lockout(enum ipc_type type, const struct change *c)
{
	if (type == IPC_OP_USER_DELETE)
		return "cannot delete yourself";
	if (type == IPC_OP_USER_PATCH && strcmp(c->status, "disabled") == 0)
		return "cannot disable yourself";
	if (type == IPC_OP_USER_EXPIRY && !c->no_expiry &&
	    c->expires <= db_now())
		return "cannot expire yourself";
	return NULL;
}

/* Why a PATCH cannot be applied, or NULL. */
static const char *
patch_invalid(struct change *c)
{
	if (c->status[0] == '\0' && c->profile.mask == 0)
		return "nothing to change";
	if (c->status[0] != '\0' && strcmp(c->status, "active") != 0 &&
	    strcmp(c->status, "disabled") != 0)
		return "status must be active or disabled";
	return profile_invalid(&c->profile);
}

static int
op_one(struct ipc_chan *chan, struct ipc_msg *m)
{
	struct principal p;
	struct user_rec	 u;
	struct change	 c;
	char		 ref[FIELD_REF_MAX + 1] = "", statusbuf[16];
	const char	*why = NULL;
	uint64_t	 oid;
	uint32_t	 retry;
	int		 status, admin_only;

	status = authz_grant(m, &p, &retry);
	if (m->type != IPC_OP_ME)
		ipc_get_str(m, ref, sizeof(ref));
	if (read_change(m, &c, statusbuf, sizeof(statusbuf)) == -1)
		return -1;
	/* the admin routes deny by default; a user has GET /v1/user/me */
	admin_only = m->type != IPC_OP_ME;
	if (status == 0) {
		if (m->type == IPC_OP_ME)
			oid = p.user_oid;
		else
			status = authz_user(&p, ref, admin_only, &oid);
	}
	if (status == 0 && m->type == IPC_OP_USER_PATCH &&
	    (why = patch_invalid(&c)) != NULL)
		status = 400;
	/* an admin does not lock themself out: nobody may be left to
	 * undo it */
	if (status == 0 && oid == p.user_oid && (why = self_lockout(m->type,
	    &c)) != NULL)
		status = 409;
	if (status == 0 && (m->type == IPC_OP_USER_GET ||
	    m->type == IPC_OP_ME))
		status = user_load(oid, &u) == 0 ? 0 : 404;
	else if (status == 0 &&
	    (status = apply_change(m->type, &p, oid, &c, &u)) == 409)
		why = "email already in use";
	if (status != 0)
		reply_user(chan, m, status, why != NULL ? why :
		    message_for(status), NULL);
	else if (m->type == IPC_OP_USER_DELETE)
		reply_user(chan, m, 204, "deleted", &u);
	else if (m->type == IPC_OP_USER_GET)
		reply_user_hosts(chan, m, &u);
	else
		reply_user(chan, m, 200, "ok", &u);
	return 0;
}

int
users_op(struct ipc_chan *chan, struct ipc_msg *m)
{
	switch (m->type) {
	case IPC_OP_USER_LIST:
		return op_list(chan, m);
	case IPC_OP_USER_GET:
	case IPC_OP_ME:
	case IPC_OP_USER_PATCH:
	case IPC_OP_USER_EXPIRY:
	case IPC_OP_USER_DELETE:
		return op_one(chan, m);
	default:
		return -1;
	}
}
