/*
 * Sessions and the credentials authd checks: stored keeps what a login
 * made (never a token, at most its HMAC), and ends it on logout, on a
 * password change, or with its user.  Whether one still lives is
 * credentials.c's to say, on every request.
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "body_auth.h"
#include "log.h"
#include "stored.h"
#include "tokens.h"
#include "util.h"

#define SWEEP_SECONDS	600

/* Ends the user's sessions but keep (0 keeps none). */
int
sessions_end_user(uint64_t user_oid, uint64_t keep)
{
	static const char sql[] =
	    "DELETE FROM sessions WHERE user_oid = ? AND oid != ?";

	return db_write(sql, user_oid, keep) == -1 ? -1 : 0;
}

/* A row of the queries below, as cred.res carries it: whole, or -1. */
static int
row_to_cred(sqlite3_stmt *st, struct cred *c)
{
	c->found = 1;
	c->oid = sqlite3_column_int64(st, 0);
	c->expires_at = sqlite3_column_int64(st, 5);
	return db_text_whole(st, 1, c->id, sizeof(c->id)) == -1 ||
	    db_text_whole(st, 2, c->username, sizeof(c->username)) == -1 ||
	    db_text_whole(st, 3, c->role, sizeof(c->role)) == -1 ||
	    db_text_whole(st, 4, c->status, sizeof(c->status)) == -1 ||
	    db_text_whole(st, 6, c->hash, sizeof(c->hash)) == -1 ? -1 : 0;
}

/*
 * authd asks for a password hash: by name (or e-mail address) for a
 * login, or for the principal of a grant (changing one's own password).
 * Only authd may ask; the catalogue routes cred.get from authd alone.
 */
int
sessions_cred_get(struct ipc_chan *chan, struct ipc_msg *m)
{
	static const char by_name[] = "SELECT oid, id, username, role, "
	    "CASE WHEN suspended != 0 THEN 'suspended' ELSE status END, "
	    "coalesce(expires_at, 0), password_hash FROM users "
	    "WHERE username = ?1 OR (email IS NOT NULL AND "
	    "email = lower(?1)) ORDER BY username = ?1 DESC LIMIT 1";
	static const char by_oid[] = "SELECT oid, id, username, role, "
	    "CASE WHEN suspended != 0 THEN 'suspended' ELSE status END, "
	    "coalesce(expires_at, 0), password_hash FROM users "
	    "WHERE oid = ?";
	struct ipc_req		 req = ipc_req_of(chan, m);
	struct ipc_cred_get	 b;
	struct ipc_cred_res	 res;
	struct principal	 p;
	sqlite3_stmt		*st;
	uint32_t		 retry;

	if (ipc_msg_get(m, &b) == -1)
		return -1;
	if (b.grant_len > 0 || b.by_oid != 0) {
		p.user_oid = b.by_oid;
		if (b.grant_len > 0 && authz_check(b.grant, b.grant_len, &p,
		    &retry) != 0)
			p.user_oid = 0;	/* finds nobody */
		st = db_stmt(by_oid);
		sqlite3_bind_int64(st, 1, p.user_oid);
	} else {
		st = db_stmt(by_name);
		sqlite3_bind_text(st, 1, b.name, -1, SQLITE_STATIC);
	}
	memset(&res, 0, sizeof(res));
	res.head.status = 200;
	strlcpy(res.head.message, "ok", sizeof(res.head.message));
	if (sqlite3_step(st) == SQLITE_ROW && row_to_cred(st, &res.cred) ==
	    -1) {
		log_warnx("a user's row does not fit cred.res");
		memset(&res, 0, sizeof(res));
		res.head.status = 500;
		strlcpy(res.head.message, "database error",
		    sizeof(res.head.message));
	}
	sqlite3_reset(st);
	ipc_answer(&req, &res, NULL);
	explicit_bzero(&res, sizeof(res));
	return 0;
}

int
sessions_create(struct ipc_chan *chan, struct ipc_msg *m)
{
	static const char sql[] = "INSERT INTO sessions (public_id, digest, "
	    "user_oid, dialect, source_ip, client_oid, created_at, "
	    "last_used_at, expires_at, idle, kind) VALUES (?, ?, ?, ?, ?, ?, "
	    "?, ?, ?, ?, ?)";
	struct ipc_req			 req = ipc_req_of(chan, m);
	struct ipc_session_create	 b;
	struct ipc_session_res		 res;
	sqlite3_stmt			*st;
	int64_t				 now = time(NULL);

	if (ipc_msg_get(m, &b) == -1)
		return -1;
	st = db_stmt(sql);
	sqlite3_bind_text(st, 1, b.public_id, -1, SQLITE_STATIC);
	if (b.digest_len > 0)
		sqlite3_bind_blob(st, 2, b.digest, b.digest_len,
		    SQLITE_STATIC);
	else
		sqlite3_bind_null(st, 2);
	sqlite3_bind_int64(st, 3, b.user_oid);
	sqlite3_bind_int(st, 4, b.dialect);
	sqlite3_bind_text(st, 5, b.peer, -1, SQLITE_STATIC);
	if (b.client_oid != 0)
		sqlite3_bind_int64(st, 6, b.client_oid);
	else
		sqlite3_bind_null(st, 6);
	sqlite3_bind_int64(st, 7, now);
	sqlite3_bind_int64(st, 8, now);
	sqlite3_bind_int64(st, 9, now + b.lifetime);
	sqlite3_bind_int64(st, 10, b.idle);
	sqlite3_bind_text(st, 11, b.kind, -1, SQLITE_STATIC);
	memset(&res, 0, sizeof(res));
	res.head.status = 500;
	if (sqlite3_step(st) == SQLITE_DONE) {
		res.session_oid =
		    sqlite3_last_insert_rowid(sqlite3_db_handle(st));
		res.expires_at = now + b.lifetime;
		res.head.status = 200;
	}
	sqlite3_reset(st);
	strlcpy(res.head.message, res.head.status == 200 ? "ok" :
	    "database error", sizeof(res.head.message));
	ipc_answer(&req, &res, NULL);
	return 0;
}

/* authd tells how a login went; it joins the audit trail. */
int
sessions_auth_event(struct ipc_chan *chan, struct ipc_msg *m)
{
	struct ipc_auth_event	 b;
	struct user_rec		 u;

	(void)chan;
	if (ipc_msg_get(m, &b) == -1)
		return -1;
	/* ssh.*: the SSH gateway's logins (authd/gateway.c) */
	if (strcmp(b.type, "auth.success") != 0 &&
	    strcmp(b.type, "auth.failed") != 0 &&
	    strcmp(b.type, "ssh.login") != 0 &&
	    strcmp(b.type, "ssh.login_failed") != 0)
		return ipc_violation(m, "unknown auth event");
	memset(&u, 0, sizeof(u));
	if (b.user_oid != 0)
		user_load(b.user_oid, &u);
	if (db_event(b.type, strcmp(b.type, "auth.failed") == 0 ||
	    strcmp(b.type, "ssh.login_failed") == 0 ? "warn" :
	    "info", u.id, b.message, b.name, b.peer, b.dialect < DIALECT_MAX ?
	    (int)b.dialect : -1) == -1)
		log_warnx("cannot record %s", b.type);
	return 0;
}

int
sessions_logout(struct ipc_chan *chan, struct ipc_msg *m)
{
	static const char sql[] = "DELETE FROM sessions WHERE oid = ?";
	struct ipc_req	 req = ipc_req_of(chan, m);
	struct ipc_grant_req q;
	struct principal p;
	sqlite3_stmt	*st;
	uint32_t	 retry;
	int		 status;

	if (ipc_msg_get(m, &q) == -1)
		return -1;
	if ((status = authz_check(q.grant, q.grant_len, &p, &retry)) != 0)
		return answer_head(&req, status, "invalid or expired token");
	if (p.kind != GRANT_SESSION && p.kind != GRANT_LOGIN)
		return answer_head(&req, 400, "not a session");
	if (db_begin() == -1)
		return answer_head(&req, 500, "database error");
	st = db_stmt(sql);
	sqlite3_bind_int64(st, 1, p.cred_oid);
	status = sqlite3_step(st);
	sqlite3_reset(st);
	if (status != SQLITE_DONE || db_event("auth.logout", "info",
	    p.user_id, "session ended", p.username, NULL, -1) == -1 ||
	    db_commit() == -1) {
		db_rollback();
		return answer_head(&req, 500, "database error");
	}
	return answer_head(&req, 200, "logged out");
}

static void
sweep(evutil_socket_t fd, short ev, void *arg)
{
	static const char sql[] = "DELETE FROM sessions WHERE expires_at <= ?";
	sqlite3_stmt	*st = db_stmt(sql);

	(void)fd;
	(void)ev;
	(void)arg;
	sqlite3_bind_int64(st, 1, time(NULL));
	if (sqlite3_step(st) != SQLITE_DONE)
		log_warnx("sqlite: cannot sweep expired sessions");
	sqlite3_reset(st);
}

void
sessions_sweep_init(void)
{
	struct timeval	 tv = { SWEEP_SECONDS, 0 };
	struct event	*ev;

	if ((ev = event_new(stored_env->base, -1, EV_PERSIST, sweep,
	    NULL)) == NULL || event_add(ev, &tv) == -1)
		fatalx("%s", __func__);
}
