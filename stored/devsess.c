/*
 * An agent's sessions (issue 11): the access and refresh tokens authd
 * minted at registration or at a refresh, kept as public id and HMAC.
 * A refresh token turns over once: its row is marked used and the new
 * pair joins its family.  Used again (a copy in other hands, or the
 * agent's own replay), it ends the whole family and every grant of the
 * device made until then, as RFC 9700 (4.14.2) has a careful server do.
 */
#include <string.h>

#include "body_devices.h"
#include "log.h"
#include "stored.h"
#include "tokens.h"

static int
insert_token(uint64_t device, const char *family, const char *kind,
    const char *public_id, const uint8_t *digest, size_t len,
    int64_t expires)
{
	static const char sql[] = "INSERT INTO device_sessions (device_oid, "
	    "family, kind, public_id, digest, expires_at) VALUES "
	    "(?, ?, ?, ?, ?, ?)";
	sqlite3_stmt	*st = db_stmt(sql);
	uint64_t	 oid;

	sqlite3_bind_int64(st, 1, device);
	sqlite3_bind_text(st, 2, family, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, kind, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, public_id, -1, SQLITE_STATIC);
	sqlite3_bind_blob(st, 5, digest, (int)len, SQLITE_STATIC);
	sqlite3_bind_int64(st, 6, expires);
	return db_insert(st, &oid);
}

/* authd made the record: anything else is no honest peer's */
int
devsess_valid(const struct devsess_rec *s)
{
	return s->family[0] != '\0' && s->access_id[0] != '\0' &&
	    s->refresh_id[0] != '\0' &&
	    s->access_digest_len == DEVICE_DIGEST_LEN &&
	    s->refresh_digest_len == DEVICE_DIGEST_LEN &&
	    s->access_expires > 0 && s->refresh_expires > 0;
}

/* Keeps the pair, inside the caller's transaction: -1 on an error. */
int
devsess_insert(uint64_t device, const struct devsess_rec *s)
{
	return insert_token(device, s->family, PREFIX_DEVACCESS,
	    s->access_id, s->access_digest, s->access_digest_len,
	    s->access_expires) == -1 || insert_token(device, s->family,
	    PREFIX_DEVREFRESH, s->refresh_id, s->refresh_digest,
	    s->refresh_digest_len, s->refresh_expires) == -1 ? -1 : 0;
}

/* A refresh token used twice: its family ends, and its device's grants. */
static int
revoke_family(uint64_t device, const char *family)
{
	static const char del[] = "DELETE FROM device_sessions WHERE "
	    "family = ?";
	static const char mark[] = "UPDATE devices SET sessions_revoked_at = "
	    "? WHERE oid = ?";
	sqlite3_stmt	*st = db_stmt(del);
	int		 rc;

	sqlite3_bind_text(st, 1, family, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	sqlite3_reset(st);
	if (rc != SQLITE_DONE)
		return -1;
	return db_write(mark, (uint64_t)db_now(), device) == -1 ? -1 : 0;
}

/* The refresh token's row: 0, or -1 if there is none that may turn. */
static int
old_token(uint64_t oid, const char *family, uint64_t *device, int *used)
{
	static const char sql[] = "SELECT device_oid, family, kind, used, "
	    "expires_at FROM device_sessions WHERE oid = ?";
	sqlite3_stmt	*st = db_stmt(sql);
	const char	*fam, *kind;
	int		 ok = 0;

	sqlite3_bind_int64(st, 1, oid);
	if (sqlite3_step(st) == SQLITE_ROW) {
		*device = sqlite3_column_int64(st, 0);
		fam = (const char *)sqlite3_column_text(st, 1);
		kind = (const char *)sqlite3_column_text(st, 2);
		*used = sqlite3_column_int(st, 3) != 0;
		ok = fam != NULL && kind != NULL &&
		    strcmp(fam, family) == 0 &&
		    strcmp(kind, PREFIX_DEVREFRESH) == 0 &&
		    sqlite3_column_int64(st, 4) > db_now();
	}
	sqlite3_reset(st);
	return ok ? 0 : -1;
}

static int
turn_over(uint64_t old, uint64_t device, const struct devsess_rec *s)
{
	static const char use[] = "UPDATE device_sessions SET used = 1 "
	    "WHERE oid = ? AND used = 0";
	static const char stale[] = "DELETE FROM device_sessions WHERE "
	    "device_oid = ? AND expires_at <= ?";

	return db_write(use, old, 0) != 1 ||
	    db_write(stale, device, (uint64_t)db_now()) == -1 ||
	    devsess_insert(device, s) == -1 ? -1 : 0;
}

/* IPC_STORE_DEVSESS_ROTATE, from authd, which checked the secret */
int
devsess_rotate(struct ipc_chan *chan, struct ipc_msg *m)
{
	struct ipc_devsess_rotate b;
	struct ipc_req		 req = ipc_req_of(chan, m);
	struct device_rec	 d;
	uint64_t		 device = 0;
	int			 used = 0;

	if (ipc_msg_get(m, &b) == -1)
		return -1;
	if (!devsess_valid(&b.sess))
		return ipc_violation(m, "a session record authd never makes");
	if (old_token(b.old_oid, b.sess.family, &device, &used) == -1) {
		devices_reply(&req, 401, "invalid or expired token", NULL);
		goto done;
	}
	if (db_begin() == -1)
		goto fail;
	if (used) {
		if (revoke_family(device, b.sess.family) == -1 ||
		    db_event("device.session.revoke", "warning", NULL,
		    "a refresh token was used twice: its session is revoked",
		    NULL, NULL, DIALECT_APIV1) == -1 || db_commit() == -1)
			goto fail;
		log_warnx("device %llu: a refresh token used twice, its "
		    "session revoked", (unsigned long long)device);
		/* its held polls ask again, and hear 401 */
		devsignal_wake(device);
		devices_reply(&req, 401,
		    "refresh token reused: session revoked", NULL);
		goto done;
	}
	if (turn_over(b.old_oid, device, &b.sess) == -1 ||
	    device_by_oid(device, &d) == -1 || db_commit() == -1)
		goto fail;
	devices_reply(&req, 200, "ok", &d);
	goto done;
 fail:
	db_rollback();
	devices_reply(&req, 500, "database error", NULL);
 done:
	explicit_bzero(&b, sizeof(b));
	return 0;
}
