/*
 * Sessions and the credentials authd checks: stored keeps what a login
 * made (never a token, at most its HMAC), and ends it on logout, on a
 * password change, or with its user.  Whether one still lives is
 * credentials.c's to say, on every request.
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

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

static void
put_cred(struct ipc_msg *m, sqlite3_stmt *st, int found)
{
	ipc_put_bool(m, found);
	ipc_put_u64(m, found ? (uint64_t)sqlite3_column_int64(st, 0) : 0);
	ipc_put_str(m, found ? (const char *)sqlite3_column_text(st, 1) : "");
	ipc_put_str(m, found ? (const char *)sqlite3_column_text(st, 2) : "");
	ipc_put_str(m, found ? (const char *)sqlite3_column_text(st, 3) : "");
	ipc_put_str(m, found ? (const char *)sqlite3_column_text(st, 4) : "");
	ipc_put_i64(m, found ? sqlite3_column_int64(st, 5) : 0);
	ipc_put_str(m, found ? (const char *)sqlite3_column_text(st, 6) : "");
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
	    "status, coalesce(expires_at, 0), password_hash FROM users "
	    "WHERE username = ?1 OR (email IS NOT NULL AND "
	    "email = lower(?1)) ORDER BY username = ?1 DESC LIMIT 1";
	static const char by_oid[] = "SELECT oid, id, username, role, "
	    "status, coalesce(expires_at, 0), password_hash FROM users "
	    "WHERE oid = ?";
	struct principal p;
	struct ipc_msg	 reply;
	sqlite3_stmt	*st;
	uint8_t		 grant[GRANT_LEN + 1];
	char		 name[EMAIL_MAX + 1];
	size_t		 glen;
	uint64_t	 byoid;
	uint32_t	 retry;
	int		 found;

	ipc_get_bin(m, grant, sizeof(grant), &glen);
	ipc_get_str(m, name, sizeof(name));
	ipc_get_u64(m, &byoid);
	if (ipc_end(m) == -1)
		return -1;
	if (glen > 0 || byoid != 0) {
		p.user_oid = byoid;
		if (glen > 0 && authz_check(grant, glen, &p, &retry) != 0)
			p.user_oid = 0;	/* finds nobody */
		st = db_stmt(by_oid);
		sqlite3_bind_int64(st, 1, p.user_oid);
	} else {
		st = db_stmt(by_name);
		sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
	}
	found = sqlite3_step(st) == SQLITE_ROW;
	ipc_msg_init(&reply, IPC_CRED_RES, 0);
	ipc_put_head(&reply, 200, "ok");
	put_cred(&reply, st, found);
	sqlite3_reset(st);
	ipc_reply(chan, m, &reply);
	return 0;
}

int
sessions_create(struct ipc_chan *chan, struct ipc_msg *m)
{
	static const char sql[] = "INSERT INTO sessions (public_id, digest, "
	    "user_oid, dialect, source_ip, client_oid, created_at, "
	    "last_used_at, expires_at, idle, kind) VALUES (?, ?, ?, ?, ?, ?, "
	    "?, ?, ?, ?, ?)";
	struct ipc_msg	 reply;
	sqlite3_stmt	*st;
	char		 peer[64], public_id[32], kind[TOKEN_KIND_MAX + 1];
	uint8_t		 digest[32];
	size_t		 dlen;
	uint64_t	 user, client, sid = 0;
	uint32_t	 dialect, lifetime, idle;
	int64_t		 now = time(NULL);
	int		 status = 500;

	ipc_get_u64(m, &user);
	ipc_get_u32(m, &dialect);
	ipc_get_str(m, peer, sizeof(peer));
	ipc_get_str(m, public_id, sizeof(public_id));
	ipc_get_bin(m, digest, sizeof(digest), &dlen);
	ipc_get_u32(m, &lifetime);
	ipc_get_u32(m, &idle);
	ipc_get_u64(m, &client);
	ipc_get_str(m, kind, sizeof(kind));
	if (ipc_end(m) == -1)
		return -1;
	st = db_stmt(sql);
	sqlite3_bind_text(st, 1, public_id, -1, SQLITE_STATIC);
	if (dlen > 0)
		sqlite3_bind_blob(st, 2, digest, dlen, SQLITE_STATIC);
	else
		sqlite3_bind_null(st, 2);
	sqlite3_bind_int64(st, 3, user);
	sqlite3_bind_int(st, 4, dialect);
	sqlite3_bind_text(st, 5, peer, -1, SQLITE_STATIC);
	if (client != 0)
		sqlite3_bind_int64(st, 6, client);
	else
		sqlite3_bind_null(st, 6);
	sqlite3_bind_int64(st, 7, now);
	sqlite3_bind_int64(st, 8, now);
	sqlite3_bind_int64(st, 9, now + lifetime);
	sqlite3_bind_int64(st, 10, idle);
	sqlite3_bind_text(st, 11, kind, -1, SQLITE_STATIC);
	if (sqlite3_step(st) == SQLITE_DONE) {
		sid = sqlite3_last_insert_rowid(sqlite3_db_handle(st));
		status = 200;
	}
	sqlite3_reset(st);
	ipc_msg_init(&reply, IPC_SESSION_RES, 0);
	ipc_put_head(&reply, status, status == 200 ? "ok" : "database error");
	if (status == 200) {
		ipc_put_u64(&reply, sid);
		ipc_put_i64(&reply, now + lifetime);
	}
	ipc_reply(chan, m, &reply);
	return 0;
}

/* authd tells how a login went; it joins the audit trail. */
int
sessions_auth_event(struct ipc_chan *chan, struct ipc_msg *m)
{
	char		 type[32], name[EMAIL_MAX + 1], peer[64], message[128];
	struct user_rec	 u;
	uint64_t	 oid;
	uint32_t	 dialect;

	(void)chan;
	ipc_get_str(m, type, sizeof(type));
	ipc_get_u64(m, &oid);
	ipc_get_str(m, name, sizeof(name));
	ipc_get_str(m, peer, sizeof(peer));
	ipc_get_u32(m, &dialect);
	ipc_get_str(m, message, sizeof(message));
	if (ipc_end(m) == -1)
		return -1;
	if (strcmp(type, "auth.success") != 0 &&
	    strcmp(type, "auth.failed") != 0)
		return ipc_violation(m, "unknown auth event");
	memset(&u, 0, sizeof(u));
	if (oid != 0)
		user_load(oid, &u);
	if (db_event(type, strcmp(type, "auth.failed") == 0 ? "warn" : "info",
	    u.id, message, name, peer, dialect < DIALECT_MAX ?
	    (int)dialect : -1) == -1)
		log_warnx("cannot record %s", type);
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
