/*
 * The customer's way in over HTTP (issue 13): what authd reads to check
 * an entry link's password (the host a short id names, its sealed
 * password and its owner's state), whether a short id names a host at
 * all (frontd, for the entry script), and the bootstrap sessions: a
 * user whose password authd verified gets their host started, and a
 * random id to follow it by.  The id is the only key to a session, so
 * stored keeps its SHA-256, never the id, and forgets it when it
 * expires.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "body_entry.h"
#include "hmac.h"
#include "hostlife.h"
#include "hostrec.h"
#include "log.h"
#include "stored.h"
#include "util.h"

#define BOOT_LIFETIME	900	/* seconds a bootstrap session is kept */
#define BOOT_PER_USER	16	/* a user's newest sessions kept */
#define BOOT_ALPHABET	"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz" \
			"0123456789"


/* a head alone: the message is answered, whatever its status */
static int
entry_head(const struct ipc_req *req, int status, const char *message)
{
	(void)ipc_answer_status(req, status, message);
	return 0;
}

static int
short_id_ok(const char *s)
{
	size_t	 n = strlen(s);

	return n == HOST_SHORT_ID_LEN && strspn(s,
	    "abcdefghijklmnopqrstuvwxyz0123456789") == n;
}

/* entry.get, from authd: a live host by short id, with its seal */
int
entry_get(struct ipc_chan *chan, struct ipc_msg *m)
{
	static const char sql[] = "SELECT h.oid, h.status, "
	    "coalesce(h.ssh_password_ref, ''), h.ssh_password_sealed, u.oid, "
	    U_STATUS ", coalesce(u.expires_at, 0) FROM hosts h JOIN users u "
	    "ON u.oid = h.user_oid WHERE h.short_id = ? AND "
	    "h.status != 'deleted'";
	struct ipc_req		 req = ipc_req_of(chan, m);
	struct ipc_entry_get	 q;
	struct ipc_entry_rec	 res;
	sqlite3_stmt		*st;
	size_t			 n;
	int			 rc;

	if (ipc_msg_get(m, &q) == -1)
		return -1;
	memset(&res, 0, sizeof(res));
	if (!short_id_ok(q.short_id))
		return entry_head(&req, 404, "no host assigned");
	st = db_stmt(sql);
	sqlite3_bind_text(st, 1, q.short_id, -1, SQLITE_STATIC);
	if ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		res.host_oid = sqlite3_column_int64(st, 0);
		db_text_col(st, 1, res.host_status, sizeof(res.host_status));
		if (db_text_whole(st, 2, res.ref, sizeof(res.ref)) == -1)
			res.ref[0] = '\0';
		n = sqlite3_column_bytes(st, 3);
		/* a seal that does not fit is none: it could not open */
		if (n <= sizeof(res.sealed) && res.ref[0] != '\0') {
			if (n > 0)
				memcpy(res.sealed, sqlite3_column_blob(st, 3),
				    n);
			res.sealed_len = n;
		}
		res.user_oid = sqlite3_column_int64(st, 4);
		db_text_col(st, 5, res.user_status, sizeof(res.user_status));
		res.user_expires_at = sqlite3_column_int64(st, 6);
	}
	sqlite3_reset(st);
	if (rc != SQLITE_ROW)
		return entry_head(&req, rc == SQLITE_DONE ? 404 : 500,
		    rc == SQLITE_DONE ? "no host assigned" : "database error");
	res.head.status = 200;
	strlcpy(res.head.message, "ok", sizeof(res.head.message));
	ipc_answer(&req, &res, NULL);
	explicit_bzero(&res, sizeof(res));
	return 0;
}

/* op.entry, from frontd: does the short id name a live host? */
int
entry_probe(struct ipc_chan *chan, struct ipc_msg *m)
{
	static const char sql[] = "SELECT count(*) FROM hosts WHERE "
	    "short_id = ? AND status != 'deleted'";
	struct ipc_req		 req = ipc_req_of(chan, m);
	struct ipc_entry_get	 q;
	sqlite3_stmt		*st;
	int			 found = 0;

	if (ipc_msg_get(m, &q) == -1)
		return -1;
	if (short_id_ok(q.short_id)) {
		st = db_stmt(sql);
		sqlite3_bind_text(st, 1, q.short_id, -1, SQLITE_STATIC);
		found = sqlite3_step(st) == SQLITE_ROW &&
		    sqlite3_column_int64(st, 0) > 0;
		sqlite3_reset(st);
	}
	return found ? ipc_answer_status(&req, 200, "ok") :
	    ipc_answer_status(&req, 404, "no host assigned");
}

/* ---- bootstrap sessions ------------------------------------------------ */

static void
boot_digest(const char *id, char hex[65])
{
	uint8_t	 d[32];
	int	 i;

	sha256(id, strlen(id), d);
	for (i = 0; i < 32; i++)
		snprintf(hex + 2 * i, 3, "%02x", d[i]);
	explicit_bzero(d, sizeof(d));
}

/* The task the session follows: the host's own one in progress. */
static int
host_task(uint64_t host_oid, char task_id[37])
{
	static const char sql[] = "SELECT id FROM tasks WHERE host_oid = ? "
	    "AND status IN ('pending', 'running') ORDER BY oid DESC LIMIT 1";
	sqlite3_stmt	*st = db_stmt(sql);
	int		 rc;

	task_id[0] = '\0';
	sqlite3_bind_int64(st, 1, host_oid);
	if ((rc = sqlite3_step(st)) == SQLITE_ROW)
		db_text_col(st, 0, task_id, 37);
	sqlite3_reset(st);
	return rc == SQLITE_ROW || rc == SQLITE_DONE ? 0 : -1;
}

static int
boot_insert(const char *digest, uint64_t user_oid, uint64_t host_oid,
    const char *task_id, const char *peer)
{
	static const char sql[] = "INSERT INTO bootstrap_sessions (digest, "
	    "user_oid, host_oid, task_id, peer, created_at, expires_at) "
	    "VALUES (?, ?, ?, ?, ?, ?, ?)";
	static const char prune[] = "DELETE FROM bootstrap_sessions WHERE "
	    "expires_at <= ?";
	/* a user's sessions are bounded by forgetting their oldest */
	static const char oldest[] = "DELETE FROM bootstrap_sessions WHERE "
	    "user_oid = ?1 AND oid NOT IN (SELECT oid FROM bootstrap_sessions "
	    "WHERE user_oid = ?1 ORDER BY oid DESC LIMIT ?2)";
	sqlite3_stmt	*st;
	int64_t		 now = db_now();
	int		 rc;

	st = db_stmt(prune);
	sqlite3_bind_int64(st, 1, now);
	rc = sqlite3_step(st);
	sqlite3_reset(st);
	if (rc != SQLITE_DONE)
		return -1;
	st = db_stmt(oldest);
	sqlite3_bind_int64(st, 1, user_oid);
	sqlite3_bind_int(st, 2, BOOT_PER_USER - 1);
	rc = sqlite3_step(st);
	sqlite3_reset(st);
	if (rc != SQLITE_DONE)
		return -1;
	st = db_stmt(sql);
	sqlite3_bind_text(st, 1, digest, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, user_oid);
	sqlite3_bind_int64(st, 3, host_oid);
	if (task_id[0] != '\0')
		sqlite3_bind_text(st, 4, task_id, -1, SQLITE_STATIC);
	else
		sqlite3_bind_null(st, 4);
	sqlite3_bind_text(st, 5, peer, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 6, now);
	sqlite3_bind_int64(st, 7, now + BOOT_LIFETIME);
	rc = sqlite3_step(st);
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? 0 : -1;
}

static void
boot_answer(const struct ipc_req *req, int status, const char *message,
    const char *id, const char *stage)
{
	struct ipc_bootstrap_res	 res;

	memset(&res, 0, sizeof(res));
	res.head.status = status;
	strlcpy(res.head.message, message, sizeof(res.head.message));
	if (id != NULL) {
		strlcpy(res.task_id, id, sizeof(res.task_id));
		strlcpy(res.stage, stage, sizeof(res.stage));
	}
	ipc_answer(req, &res, NULL);
	explicit_bzero(&res, sizeof(res));
}

/* A stopped (or failed) host is started, as its owner's action. */
static int
boot_start(const struct user_rec *u, const struct host_rec *h,
    char task_id[37])
{
	struct principal	 p;

	memset(&p, 0, sizeof(p));
	p.user_oid = u->oid;
	strlcpy(p.user_id, u->id, sizeof(p.user_id));
	strlcpy(p.username, u->username, sizeof(p.username));
	p.role = ROLE_USER;
	if (tasks_enqueue(HOST_START, h->oid, u->id, task_id) == -1 ||
	    host_event("user.host.action", h, task_id, &p,
	    "host start requested by a bootstrap session") == -1)
		return -1;
	return 0;
}

/* store.bootstrap, from authd: the user's password was right */
int
bootstrap_store(struct ipc_chan *chan, struct ipc_msg *m)
{
	struct ipc_req		 req = ipc_req_of(chan, m);
	struct ipc_store_bootstrap q;
	struct user_rec		 u;
	struct host_rec		 h;
	char			 id[BOOT_ID_LEN + 1], digest[65];
	char			 task_id[37] = "";
	const char		*stage = "auth_passed";
	int			 started = 0;

	if (ipc_msg_get(m, &q) == -1)
		return -1;
	if (user_load(q.user_oid, &u) == -1 ||
	    hosts_of_user(q.user_oid, &h, 1) < 1) {
		boot_answer(&req, 404, "no host is assigned to this account",
		    NULL, NULL);
		return 0;
	}
	random_string(id, BOOT_ID_LEN, BOOT_ALPHABET);
	boot_digest(id, digest);
	if (db_begin() == -1 || host_task(h.oid, task_id) == -1)
		goto fail;
	if (task_id[0] == '\0' && (strcmp(h.status, "stopped") == 0 ||
	    strcmp(h.status, "failed") == 0)) {
		if (boot_start(&u, &h, task_id) == -1)
			goto fail;
		started = 1;
	}
	if (boot_insert(digest, u.oid, h.oid, task_id, q.peer) == -1 ||
	    db_commit() == -1)
		goto fail;
	if (started)
		tasks_wake();
	if (task_id[0] != '\0')
		stage = "host_starting";
	else if (strcmp(h.status, "running") == 0)
		stage = "ssh_ready";
	boot_answer(&req, 201, "created", id, stage);
	explicit_bzero(id, sizeof(id));
	return 0;
fail:
	db_rollback();
	explicit_bzero(id, sizeof(id));
	boot_answer(&req, 500, "database error", NULL, NULL);
	return 0;
}

/* op.bootstrap.get, from frontd: the id is the only key */
int
bootstrap_get(struct ipc_chan *chan, struct ipc_msg *m)
{
	static const char sql[] = "SELECT h.short_id, h.status, "
	    "coalesce(t.status, ''), coalesce(t.error_code, ''), "
	    "coalesce(t.error_message, ''), b.expires_at, b.user_oid FROM "
	    "bootstrap_sessions b JOIN hosts h ON h.oid = b.host_oid "
	    "LEFT JOIN tasks t ON t.id = b.task_id WHERE b.digest = ? AND "
	    "b.expires_at > ?";
	struct ipc_req		 req = ipc_req_of(chan, m);
	struct ipc_bootstrap_get q;
	struct ipc_bootstrap_task_res res;
	struct principal	 p;
	sqlite3_stmt		*st;
	char			 digest[65];
	uint64_t		 owner = 0;
	uint32_t		 retry;
	int			 rc;

	if (ipc_msg_get(m, &q) == -1)
		return -1;
	memset(&res, 0, sizeof(res));
	memset(&p, 0, sizeof(p));
	if (q.grant_len != 0 && (rc = authz_check(q.grant, q.grant_len, &p,
	    &retry)) != 0)
		return entry_head(&req, rc, rc == 429 ? "too many requests" :
		    "invalid or expired token");
	if (strlen(q.task_id) != BOOT_ID_LEN ||
	    strspn(q.task_id, BOOT_ALPHABET) != BOOT_ID_LEN)
		return entry_head(&req, 404, "task not found");
	boot_digest(q.task_id, digest);
	st = db_stmt(sql);
	sqlite3_bind_text(st, 1, digest, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, db_now());
	if ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		db_text_col(st, 0, res.short_id, sizeof(res.short_id));
		db_text_col(st, 1, res.host_status, sizeof(res.host_status));
		db_text_col(st, 2, res.task_status, sizeof(res.task_status));
		db_text_col(st, 3, res.error_code, sizeof(res.error_code));
		db_text_col(st, 4, res.error_message,
		    sizeof(res.error_message));
		res.expires_at = sqlite3_column_int64(st, 5);
		owner = sqlite3_column_int64(st, 6);
	}
	sqlite3_reset(st);
	/* a signed-in reader sees their own sessions only, as missing */
	if (rc == SQLITE_ROW && q.grant_len != 0 && p.role != ROLE_ADMIN &&
	    p.user_oid != owner)
		rc = SQLITE_DONE;
	if (rc != SQLITE_ROW)
		return entry_head(&req, rc == SQLITE_DONE ? 404 : 500,
		    rc == SQLITE_DONE ? "task not found" : "database error");
	res.head.status = 200;
	strlcpy(res.head.message, "ok", sizeof(res.head.message));
	ipc_answer(&req, &res, NULL);
	return 0;
}
