/*
 * Whether the credential behind a grant still lives, on every request: a
 * login session (unexpired, used lately), an API key, an account v2 key
 * pair, and the user each belongs to (active, unexpired).  Its last use
 * is written as it goes.
 */
#include <string.h>
#include <time.h>

#include "log.h"
#include "stored.h"
#include "tokens.h"

#define TOUCH_SECONDS	30	/* last use is written at most so often */

static int
user_usable(const char *status, int64_t expires_at, int64_t now)
{
	if (strcmp(status, "active") != 0)
		return 0;
	return expires_at == 0 || expires_at > now;
}

static void
touch(uint64_t sid, int64_t now)
{
	static const char sql[] =
	    "UPDATE sessions SET last_used_at = ? WHERE oid = ?";
	sqlite3_stmt	*st = db_stmt(sql);

	sqlite3_bind_int64(st, 1, now);
	sqlite3_bind_int64(st, 2, sid);
	if (sqlite3_step(st) != SQLITE_DONE)
		log_warnx("sqlite: cannot record a session's use");
	sqlite3_reset(st);
}

/*
 * A login session: unexpired, used lately, its user active, and of the
 * kind the grant says (a LOGIN token's grant names a LOGIN token's row).
 */
static int
session_alive(const struct grant *g, struct principal *p, int64_t now)
{
	static const char sql[] = "SELECT s.expires_at, s.last_used_at, "
	    "s.idle, u.oid, u.id, u.username, u.role, " U_STATUS ", "
	    "coalesce(u.expires_at, 0), s.kind = '" PREFIX_LOGIN "' FROM "
	    "sessions s JOIN users u ON u.oid = s.user_oid WHERE s.oid = ?";
	sqlite3_stmt	*st = db_stmt(sql);
	int64_t		 expires, last, idle;
	int		 ok = 0;

	sqlite3_bind_int64(st, 1, g->cred_oid);
	if (sqlite3_step(st) == SQLITE_ROW) {
		expires = sqlite3_column_int64(st, 0);
		last = sqlite3_column_int64(st, 1);
		idle = sqlite3_column_int64(st, 2);
		p->user_oid = sqlite3_column_int64(st, 3);
		strlcpy(p->user_id, (const char *)sqlite3_column_text(st, 4),
		    sizeof(p->user_id));
		strlcpy(p->username, (const char *)sqlite3_column_text(st, 5),
		    sizeof(p->username));
		p->role = strcmp((const char *)sqlite3_column_text(st, 6),
		    "admin") == 0 ? ROLE_ADMIN : ROLE_USER;
		ok = now < expires && now - last < idle &&
		    user_usable((const char *)sqlite3_column_text(st, 7),
		    sqlite3_column_int64(st, 8), now) &&
		    g->user_oid == p->user_oid &&
		    sqlite3_column_int(st, 9) == (g->kind == GRANT_LOGIN);
	}
	sqlite3_reset(st);
	if (ok && now - last >= TOUCH_SECONDS)
		touch(g->cred_oid, now);
	return ok ? 0 : -1;
}

/* An API key: unexpired, its user active; its scopes as stored. */
static int
apikey_alive(const struct grant *g, struct principal *p, int64_t now)
{
	static const char sql[] = "SELECT coalesce(k.expires_at, 0), "
	    "k.scopes, u.oid, u.id, u.username, u.role, " U_STATUS ", "
	    "coalesce(u.expires_at, 0), coalesce(k.last_used_at, 0), "
	    "k.restricted FROM api_keys k JOIN users u ON u.oid = "
	    "k.user_oid WHERE k.oid = ?";
	static const char touch_sql[] =
	    "UPDATE api_keys SET last_used_at = ? WHERE oid = ?";
	sqlite3_stmt	*st = db_stmt(sql);
	int64_t		 expires, last = 0;
	int		 ok = 0;

	sqlite3_bind_int64(st, 1, g->cred_oid);
	if (sqlite3_step(st) == SQLITE_ROW) {
		expires = sqlite3_column_int64(st, 0);
		p->cred_expires = expires;
		p->scopes = sqlite3_column_int64(st, 1);
		p->user_oid = sqlite3_column_int64(st, 2);
		strlcpy(p->user_id, (const char *)sqlite3_column_text(st, 3),
		    sizeof(p->user_id));
		strlcpy(p->username, (const char *)sqlite3_column_text(st, 4),
		    sizeof(p->username));
		p->role = strcmp((const char *)sqlite3_column_text(st, 5),
		    "admin") == 0 ? ROLE_ADMIN : ROLE_USER;
		last = sqlite3_column_int64(st, 8);
		p->restricted = sqlite3_column_int64(st, 9);
		ok = (expires == 0 || now < expires) &&
		    user_usable((const char *)sqlite3_column_text(st, 6),
		    sqlite3_column_int64(st, 7), now) &&
		    g->user_oid == p->user_oid;
	}
	sqlite3_reset(st);
	if (ok && now - last >= TOUCH_SECONDS) {
		st = db_stmt(touch_sql);
		sqlite3_bind_int64(st, 1, now);
		sqlite3_bind_int64(st, 2, g->cred_oid);
		if (sqlite3_step(st) != SQLITE_DONE)
			log_warnx("sqlite: cannot record a key's use");
		sqlite3_reset(st);
	}
	return ok ? 0 : -1;
}

/* An account v2 key pair: still there, its user active. */
static int
account_key_alive(const struct grant *g, struct principal *p, int64_t now)
{
	static const char sql[] = "SELECT u.oid, u.id, u.username, u.role, "
	    U_STATUS ", coalesce(u.expires_at, 0) FROM account_keys k JOIN "
	    "users u ON u.oid = k.user_oid WHERE k.oid = ?";
	sqlite3_stmt	*st = db_stmt(sql);
	int		 ok = 0;

	sqlite3_bind_int64(st, 1, g->cred_oid);
	if (sqlite3_step(st) == SQLITE_ROW) {
		p->user_oid = sqlite3_column_int64(st, 0);
		strlcpy(p->user_id, (const char *)sqlite3_column_text(st, 1),
		    sizeof(p->user_id));
		strlcpy(p->username, (const char *)sqlite3_column_text(st, 2),
		    sizeof(p->username));
		p->role = strcmp((const char *)sqlite3_column_text(st, 3),
		    "admin") == 0 ? ROLE_ADMIN : ROLE_USER;
		ok = user_usable((const char *)sqlite3_column_text(st, 4),
		    sqlite3_column_int64(st, 5), now) &&
		    g->user_oid == p->user_oid;
	}
	sqlite3_reset(st);
	return ok ? 0 : -1;
}

/* A device's token: its device still there, the user active. */
int
credentials_device(const struct grant *g, struct principal *p)
{
	static const char sql[] = "SELECT u.oid, u.id, u.username, u.role, "
	    U_STATUS ", coalesce(u.expires_at, 0), d.sessions_revoked_at "
	    "FROM devices d JOIN users u ON u.oid = d.user_oid WHERE "
	    "d.oid = ?";
	sqlite3_stmt	*st = db_stmt(sql);
	int		 ok = 0;

	memset(p, 0, sizeof(*p));
	if (g->kind != GRANT_DEVICE)
		return -1;
	p->kind = g->kind;
	p->cred_oid = g->cred_oid;
	sqlite3_bind_int64(st, 1, g->cred_oid);
	if (sqlite3_step(st) == SQLITE_ROW) {
		p->user_oid = sqlite3_column_int64(st, 0);
		strlcpy(p->user_id, (const char *)sqlite3_column_text(st, 1),
		    sizeof(p->user_id));
		strlcpy(p->username, (const char *)sqlite3_column_text(st, 2),
		    sizeof(p->username));
		p->role = ROLE_USER;
		ok = user_usable((const char *)sqlite3_column_text(st, 4),
		    sqlite3_column_int64(st, 5), time(NULL)) &&
		    g->user_oid == p->user_oid &&
		    /* a stolen refresh token's reuse ends every grant of
		     * the device made until then, frontd's cached ones too */
		    g->issued > sqlite3_column_int64(st, 6);
	}
	sqlite3_reset(st);
	return ok ? 0 : -1;
}

int
credentials_alive(const struct grant *g, struct principal *p)
{
	int64_t	 now = time(NULL);

	p->kind = g->kind;
	p->cred_oid = g->cred_oid;
	p->scopes = g->scopes;
	switch (g->kind) {
	case GRANT_SESSION:
	case GRANT_LOGIN:
		return session_alive(g, p, now);
	case GRANT_APIKEY:
		return apikey_alive(g, p, now);
	case GRANT_ACCOUNT_KEY:
		return account_key_alive(g, p, now);
	case GRANT_DEVICE:	/* its own reads alone: credentials_device() */
	default:
		return -1;
	}
}
