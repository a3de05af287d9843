/*
 * The control plane's operations on users, as frontd asks them: list,
 * get, the principal's own (GET /v1/user/me), patch, expiry, delete.
 * Authorized here: an admin on anyone, a user on themself alone.  Every
 * change runs in one transaction with its event.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "stored.h"

/* ---- list ------------------------------------------------------------ */

static void
list_page(uint32_t limit, uint32_t offset, struct ipc_msg *items,
    struct ipc_list_res *res)
{
	static char	 sql[512];
	struct user_rec	 u;
	sqlite3_stmt	*st;

	if (sql[0] == '\0')
		snprintf(sql, sizeof(sql), "SELECT %s FROM users ORDER BY oid "
		    "LIMIT ?1 OFFSET ?2", user_columns);
	st = db_stmt(sql);
	sqlite3_bind_int(st, 1, limit == 0 || limit > ADMIN_PAGE ? ADMIN_PAGE :
	    limit);
	sqlite3_bind_int64(st, 2, offset);
	while (items->sbuf.size < LIST_PAGE_BYTES &&
	    sqlite3_step(st) == SQLITE_ROW) {
		row_to_user(st, &u);
		ipc_msg_put_item(items, &u);
		res->count++;
	}
	sqlite3_reset(st);
	res->total = db_count("SELECT count(*) FROM users", 0);
}

/* op.user.list: a page of every user, an admin function on any route. */
int
users_list(struct ipc_chan *chan, struct ipc_msg *m)
{
	struct ipc_req	 req = ipc_req_of(chan, m);
	struct ipc_page_req q;
	struct ipc_list_res res;
	struct principal p;
	struct ipc_msg	 items;
	uint32_t	 retry;
	int		 status;

	if (ipc_msg_get(m, &q) == -1)
		return -1;
	if (!authz_access_known(q.access))
		return ipc_violation(m, "no such access");
	status = authz_check(q.grant, q.grant_len, &p, &retry);
	if (status == 0 && p.role != ROLE_ADMIN)
		status = 403;
	memset(&res, 0, sizeof(res));
	ipc_msg_init(&items, IPC_USER_LIST_RES, 0);
	if (status == 0)
		list_page(q.limit, q.offset, &items, &res);
	head_set(&res.head, status == 0 ? 200 : status,
	    status_message(status));
	ipc_answer(&req, &res, &items);
	return 0;
}

/* ---- one user ---------------------------------------------------------- */

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

/* An answer of one user, or with why (or its status's words) alone. */
static int
answer(const struct ipc_req *req, int status, const char *why,
    const struct user_rec *u)
{
	return answer_user(req, status, why != NULL ? why :
	    message_for(status), u);
}

/*
 * The principal, as the grant says, and the user ref names as access
 * reaches them: 0 with the user's oid, or the status to answer with.
 * A change is an admin function whatever the route (403).
 */
static int
reach(const uint8_t *grant, size_t grant_len, uint32_t access,
    const char *ref, int change, struct principal *p, uint64_t *oid)
{
	uint32_t	 retry;
	int		 status;

	if ((status = authz_check(grant, grant_len, p, &retry)) != 0)
		return status;
	if ((status = authz_user_reached(p, access, ref, oid)) != 0)
		return status;
	return change && p->role != ROLE_ADMIN ? 403 : 0;
}

/* op.user.get: the user and their live hosts. */
int
users_get(struct ipc_chan *chan, struct ipc_msg *m)
{
	struct ipc_req	 req = ipc_req_of(chan, m);
	struct ipc_user_ref q;
	struct ipc_user_res res;
	struct principal p;
	uint64_t	 oid;
	int		 status;

	if (ipc_msg_get(m, &q) == -1)
		return -1;
	if (!authz_access_known(q.access))
		return ipc_violation(m, "no such access");
	memset(&res, 0, sizeof(res));
	status = reach(q.grant, q.grant_len, q.access, q.ref, 0, &p, &oid);
	if (status == 0 && user_load(oid, &res.user) == -1)
		status = 404;
	if (status != 0)
		return answer(&req, status, NULL, NULL);
	head_set(&res.head, 200, "ok");
	res.nhosts = hosts_of_user(oid, res.hosts, USER_HOSTS_MAX);
	ipc_answer(&req, &res, NULL);
	return 0;
}

/* op.me: the principal's own record (GET /v1/user/me, a CCE whoami). */
int
users_me(struct ipc_chan *chan, struct ipc_msg *m)
{
	struct ipc_req	 req = ipc_req_of(chan, m);
	struct ipc_grant_req q;
	struct principal p;
	struct user_rec	 u;
	uint32_t	 retry;
	int		 status;

	if (ipc_msg_get(m, &q) == -1)
		return -1;
	status = authz_check(q.grant, q.grant_len, &p, &retry);
	if (status == 0 && user_load(p.user_oid, &u) == -1)
		status = 404;
	if (status != 0)
		return answer(&req, status, NULL, NULL);
	return answer(&req, 200, "ok", &u);
}

/* ---- changes ---------------------------------------------------------- */

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
set_expiry(uint64_t oid, int64_t expires, int never)
{
	static const char sql[] =
	    "UPDATE users SET expires_at = ?, updated_at = ? WHERE oid = ?";
	sqlite3_stmt	*st = db_stmt(sql);
	int		 rc;

	if (never)
		sqlite3_bind_null(st, 1);
	else
		sqlite3_bind_int64(st, 1, expires);
	sqlite3_bind_int64(st, 2, db_now());
	sqlite3_bind_int64(st, 3, oid);
	rc = sqlite3_step(st);
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? 0 : -1;
}

/* A change made in the transaction change_begin opened. */
struct change {
	const char	*event;		/* its type in the audit trail */
	int		 ok;		/* it was made */
	int		 end;		/* it ends the user's sessions */
	int		 gone;		/* the user is no more */
};

/* The transaction of a change, and the user as they were: 0 or a status. */
static int
change_begin(uint64_t oid, struct user_rec *u)
{
	if (db_begin() == -1)
		return 500;
	if (user_load(oid, u) == -1) {
		db_rollback();
		return 404;
	}
	return 0;
}

/*
 * Commits the change with its event.  Disabling a user or setting an
 * expiry in the past ends their sessions at once; their keys are refused
 * from the next request on, since every request checks the user's state.
 * u becomes the user as they are now, unless they are gone.
 */
static int
change_commit(const struct principal *p, uint64_t oid,
    const struct change *c, struct user_rec *u)
{
	if (!c->ok || (c->end && sessions_end_user(oid, 0) == -1) ||
	    db_event(c->event, "info", u->id, c->gone ? "user deleted" :
	    "user changed", p->username, NULL, -1) == -1 ||
	    (!c->gone && user_load(oid, u) == -1) || db_commit() == -1) {
		db_rollback();
		return 500;
	}
	return 0;
}

/* Why a PATCH cannot be applied, or NULL; emails come out lowered. */
static const char *
patch_invalid(struct ipc_user_patch *q)
{
	if (q->status[0] == '\0' && q->profile.mask == 0)
		return "nothing to change";
	if (q->status[0] != '\0' && strcmp(q->status, "active") != 0 &&
	    strcmp(q->status, "disabled") != 0)
		return "status must be active or disabled";
	return profile_invalid(&q->profile);
}

static int
patch_apply(const struct principal *p, uint64_t oid,
    const struct ipc_user_patch *q, struct user_rec *u)
{
	struct change	 c = { "admin.user.update", 0, 0, 0 };
	int		 status;

	if ((status = change_begin(oid, u)) != 0)
		return status;
	if ((status = profile_write(oid, &q->profile)) != 0) {
		db_rollback();
		return status;
	}
	c.ok = q->status[0] == '\0' || set_status(oid, q->status) == 0;
	c.end = strcmp(q->status, "disabled") == 0;
	if (c.end)
		devsignal_wake_user(oid);
	return change_commit(p, oid, &c, u);
}

/*
 * op.user.patch: a status and details.  An admin does not lock themself
 * out, here or below: nobody may be left to undo it.
 */
int
users_patch(struct ipc_chan *chan, struct ipc_msg *m)
{
	struct ipc_req	 req = ipc_req_of(chan, m);
	struct ipc_user_patch q;
	struct principal p;
	struct user_rec	 u;
	const char	*why = NULL;
	uint64_t	 oid;
	int		 status;

	if (ipc_msg_get(m, &q) == -1)
		return -1;
	if (!authz_access_known(q.access))
		return ipc_violation(m, "no such access");
	status = reach(q.grant, q.grant_len, q.access, q.ref, 1, &p, &oid);
	if (status == 0 && (why = patch_invalid(&q)) != NULL)
		status = 400;
	if (status == 0 && oid == p.user_oid &&
	    strcmp(q.status, "disabled") == 0) {
		why = "cannot disable yourself";
		status = 409;
	}
	if (status == 0 && (status = patch_apply(&p, oid, &q, &u)) == 409)
		why = "email already in use";
	if (status != 0)
		return answer(&req, status, why, NULL);
	return answer(&req, 200, "ok", &u);
}

/* op.user.expiry: when the user expires, or never. */
int
users_expiry(struct ipc_chan *chan, struct ipc_msg *m)
{
	struct ipc_req	 req = ipc_req_of(chan, m);
	struct ipc_user_expiry q;
	struct change	 c = { "admin.user.expiry", 0, 0, 0 };
	struct principal p;
	struct user_rec	 u;
	const char	*why = NULL;
	uint64_t	 oid;
	int		 status;

	if (ipc_msg_get(m, &q) == -1)
		return -1;
	if (!authz_access_known(q.access))
		return ipc_violation(m, "no such access");
	status = reach(q.grant, q.grant_len, q.access, q.ref, 1, &p, &oid);
	c.end = !q.never && q.expires_at <= db_now();
	if (status == 0 && oid == p.user_oid && c.end) {
		why = "cannot expire yourself";
		status = 409;
	}
	if (status == 0 && (status = change_begin(oid, &u)) == 0) {
		c.ok = set_expiry(oid, q.expires_at, q.never) == 0;
		status = change_commit(&p, oid, &c, &u);
	}
	if (status != 0)
		return answer(&req, status, why, NULL);
	return answer(&req, 200, "ok", &u);
}

/*
 * op.user.delete: the user's hosts go with them, their rows by the
 * foreign keys, their containers by the tasks queued first.
 */
int
users_delete(struct ipc_chan *chan, struct ipc_msg *m)
{
	struct ipc_req	 req = ipc_req_of(chan, m);
	struct ipc_user_ref q;
	struct change	 c = { "admin.user.delete", 0, 0, 1 };
	struct principal p;
	struct user_rec	 u;
	const char	*why = NULL;
	uint64_t	 oid;
	int		 status, queued = 0;

	if (ipc_msg_get(m, &q) == -1)
		return -1;
	if (!authz_access_known(q.access))
		return ipc_violation(m, "no such access");
	status = reach(q.grant, q.grant_len, q.access, q.ref, 1, &p, &oid);
	if (status == 0 && oid == p.user_oid) {
		why = "cannot delete yourself";
		status = 409;
	}
	if (status == 0 && (status = change_begin(oid, &u)) == 0) {
		devsignal_wake_user(oid);	/* its devices go with it */
		c.ok = (queued = hosts_teardown_user(oid, p.user_id)) >= 0 &&
		    db_write("DELETE FROM users WHERE oid = ?", oid, 0) != -1;
		status = change_commit(&p, oid, &c, &u);
	}
	if (status != 0)
		return answer(&req, status, why, NULL);
	if (queued > 0)
		tasks_wake();
	return answer(&req, 204, "deleted", &u);
}
