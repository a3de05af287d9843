/*
 * An admin's view of the login sessions: list them (everyone's, or one
 * user's) and end any of them, or all of a user's, at once (ASVS
 * 7.4.5).  A session is named by its public id, which alone opens
 * nothing: a token also holds a secret, a JWT a signature.
 */
#include <stdio.h>
#include <string.h>

#include "body_users.h"
#include "log.h"
#include "stored.h"

#define SESSIONS_PAGE	200

static const char session_columns[] = "s.public_id, u.id, u.username, "
    "s.dialect, s.source_ip, s.created_at, s.last_used_at, s.expires_at";

static void
row_to_session(sqlite3_stmt *st, struct session_rec *s)
{
	memset(s, 0, sizeof(*s));
	strlcpy(s->id, (const char *)sqlite3_column_text(st, 0),
	    sizeof(s->id));
	strlcpy(s->user_id, (const char *)sqlite3_column_text(st, 1),
	    sizeof(s->user_id));
	strlcpy(s->username, (const char *)sqlite3_column_text(st, 2),
	    sizeof(s->username));
	s->dialect = sqlite3_column_int(st, 3);
	strlcpy(s->source_ip, (const char *)sqlite3_column_text(st, 4),
	    sizeof(s->source_ip));
	s->created_at = sqlite3_column_int64(st, 5);
	s->last_used_at = sqlite3_column_int64(st, 6);
	s->expires_at = sqlite3_column_int64(st, 7);
}

static const char *
refusal(int status)
{
	return status == 404 ? "user or session not found" :
	    status == 403 ? "admin only" : status_message(status);
}

/* The sessions of one user, or everyone's, newest first: a page. */
static void
list_page(uint64_t user, uint32_t limit, uint32_t offset, struct ipc_msg *items,
    struct ipc_list_res *res)
{
	static char	 sql[512];
	static const char total_sql[] = "SELECT count(*) FROM sessions "
	    "WHERE ?1 = 0 OR user_oid = ?1";
	struct session_rec s;
	sqlite3_stmt	*st;

	if (sql[0] == '\0')
		snprintf(sql, sizeof(sql), "SELECT %s FROM sessions s JOIN "
		    "users u ON u.oid = s.user_oid WHERE ?1 = 0 OR "
		    "s.user_oid = ?1 ORDER BY s.oid DESC LIMIT ?2 OFFSET ?3",
		    session_columns);
	st = db_stmt(sql);
	sqlite3_bind_int64(st, 1, user);
	sqlite3_bind_int(st, 2, limit > SESSIONS_PAGE ? SESSIONS_PAGE : limit);
	sqlite3_bind_int64(st, 3, offset);
	while (items->sbuf.size < LIST_PAGE_BYTES &&
	    sqlite3_step(st) == SQLITE_ROW) {
		row_to_session(st, &s);
		ipc_msg_put_item(items, &s);
		res->count++;
	}
	sqlite3_reset(st);
	res->total = db_count(total_sql, user);
}

/* op.session.list: one user's sessions ("" for everyone's), a page. */
int
sessionops_list(struct ipc_chan *chan, struct ipc_msg *m)
{
	return admin_user_page(chan, m, IPC_SESSION_LIST_RES, list_page,
	    refusal);
}

/* The user a session belongs to, by its public id; -1 if none. */
static int
session_owner(const char *id, uint64_t *user, char *user_id, size_t len)
{
	static const char sql[] = "SELECT s.user_oid, u.id FROM sessions s "
	    "JOIN users u ON u.oid = s.user_oid WHERE s.public_id = ?";
	sqlite3_stmt	*st = db_stmt(sql);
	int		 rc;

	sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
	if ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		*user = sqlite3_column_int64(st, 0);
		strlcpy(user_id, (const char *)sqlite3_column_text(st, 1), len);
	}
	sqlite3_reset(st);
	return rc == SQLITE_ROW ? 0 : -1;
}

static int
end_one(const char *id)
{
	static const char sql[] = "DELETE FROM sessions WHERE public_id = ?";
	sqlite3_stmt	*st = db_stmt(sql);
	int		 rc;

	sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? 0 : -1;
}

/*
 * op.session.end: with a session's public id, that session (of that user,
 * when one is named); without it, every session of the user.
 */
int
sessionops_end(struct ipc_chan *chan, struct ipc_msg *m)
{
	struct ipc_req	 req = ipc_req_of(chan, m);
	struct ipc_session_end q;
	struct principal p;
	struct user_rec	 u;
	char		 user_id[37] = "";
	uint64_t	 user, owner = 0;
	uint32_t	 retry;
	int		 status;

	if (ipc_msg_get(m, &q) == -1)
		return -1;
	status = authz_check(q.grant, q.grant_len, &p, &retry);
	status = authz_admin_on(&p, status, q.user, &user);
	if (status == 0 && q.user[0] == '\0' && q.id[0] == '\0')
		status = 404;		/* names nothing */
	if (status == 0 && q.id[0] != '\0' && (session_owner(q.id, &owner,
	    user_id, sizeof(user_id)) == -1 || (user != 0 && owner != user)))
		status = 404;
	if (status == 0 && q.id[0] == '\0' && user_load(user, &u) == 0)
		strlcpy(user_id, u.id, sizeof(user_id));
	if (status != 0)
		return answer_head(&req, status, refusal(status));
	if (db_begin() == -1 || (q.id[0] != '\0' ? end_one(q.id) :
	    sessions_end_user(user, 0)) == -1 ||
	    db_event("admin.session.end", "info", user_id, q.id[0] != '\0' ?
	    "session ended" : "every session ended", p.username, NULL,
	    -1) == -1 || db_commit() == -1) {
		db_rollback();
		return answer_head(&req, 500, "database error");
	}
	return answer_head(&req, 204, "ended");
}

/*
 * From moatd (moatctl session end USER): the operator, root on the
 * machine, ends every session of the user a login name names.
 */
int
sessionops_end_operator(struct ipc_chan *chan, struct ipc_msg *m)
{
	static const char sql[] = "SELECT oid, id FROM users WHERE "
	    "username = ?1 OR id = ?1";
	struct ipc_req	 req = ipc_req_of(chan, m);
	struct ipc_sessions_end q;
	sqlite3_stmt	*st;
	char		 user_id[37] = "";
	uint64_t	 user = 0;

	if (ipc_msg_get(m, &q) == -1)
		return -1;
	st = db_stmt(sql);
	sqlite3_bind_text(st, 1, q.login, -1, SQLITE_STATIC);
	if (sqlite3_step(st) == SQLITE_ROW) {
		user = sqlite3_column_int64(st, 0);
		strlcpy(user_id, (const char *)sqlite3_column_text(st, 1),
		    sizeof(user_id));
	}
	sqlite3_reset(st);
	if (user == 0)
		return answer_head(&req, 404, "no such user");
	if (db_begin() == -1 || sessions_end_user(user, 0) == -1 ||
	    db_event("admin.session.end", "info", user_id,
	    "every session ended", "moatctl", NULL, -1) == -1 ||
	    db_commit() == -1) {
		db_rollback();
		return answer_head(&req, 500, "database error");
	}
	return answer_head(&req, 200, "every session ended");
}
