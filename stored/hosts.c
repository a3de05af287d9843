/*
 * Hosts: the containers an operator gives each customer.  Every change
 * is a task queued in the same transaction as its event; a host's state
 * changes when taskd reports a task's outcome, or when the reconciler
 * finds the runtime disagreeing.  An admin reaches every host, a user
 * only their own and only to read and rebuild it.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "body_keys.h"
#include "egressrec.h"
#include "hostrec.h"
#include "log.h"
#include "stored.h"
#include "util.h"

#define HOSTS_PAGE	200

static void
reply_host(const struct ipc_req *req, int status, const char *message,
    const struct host_rec *h, const char *task_id)
{
	struct ipc_host_res	 res;

	memset(&res, 0, sizeof(res));
	res.head.status = status;
	strlcpy(res.head.message, message, sizeof(res.head.message));
	if (h != NULL)
		res.host = *h;
	if (task_id != NULL)
		strlcpy(res.task_id, task_id, sizeof(res.task_id));
	ipc_answer(req, &res, NULL);
}

/* A DNS label, as a hostname inside the container. */
static int
hostname_ok(const char *s)
{
	size_t	 len = strlen(s);

	return len >= 1 && len <= HOST_NAME_MAX_LEN && s[0] != '-' &&
	    s[len - 1] != '-' && strspn(s, "abcdefghijklmnopqrstuvwxyz"
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-") == len;
}

/* A zone name such as Europe/Warsaw: no dots, so no path walks. */
static int
timezone_ok(const char *s)
{
	size_t	 len = strlen(s);

	return len >= 1 && len <= HOST_TZ_MAX && s[0] != '/' &&
	    strstr(s, "//") == NULL && strspn(s, "abcdefghijklmnopqrstuvwxyz"
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789/_+-") == len;
}

static const char *
host_spec_invalid(const struct host_rec *h)
{
	if (!hostname_ok(h->hostname))
		return "hostname must be one DNS label of 1 to 63 letters, "
		    "digits and hyphens";
	if (!timezone_ok(h->timezone))
		return "timezone must be a zone name such as Europe/Warsaw";
	if (h->memory_limit_mb < 16 || h->memory_limit_mb > 1048576)
		return "memory_limit_mb must be 16 to 1048576";
	if (h->cpu_milli < 10 || h->cpu_milli > 1024000)
		return "cpu_limit must be 0.01 to 1024";
	if (h->pids_limit < 8 || h->pids_limit > 4194304)
		return "pids_limit must be 8 to 4194304";
	return NULL;
}

static void
new_short_id(char out[HOST_SHORT_ID_LEN + 1])
{
	random_string(out, HOST_SHORT_ID_LEN,
	    "abcdefghijklmnopqrstuvwxyz0123456789");
}

static int
insert_host(const struct host_rec *h, uint64_t *oid)
{
	static const char sql[] = "INSERT INTO hosts (id, user_oid, short_id, "
	    "status, hostname, timezone, memory_limit_mb, cpu_milli, "
	    "pids_limit, created_at, updated_at) VALUES (?, ?, ?, 'pending', "
	    "?, ?, ?, ?, ?, ?, ?)";
	sqlite3_stmt	*st = db_stmt(sql);
	int64_t		 now = db_now();
	int		 rc;

	sqlite3_bind_text(st, 1, h->id, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, h->user_oid);
	sqlite3_bind_text(st, 3, h->short_id, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, h->hostname, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 5, h->timezone, -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 6, h->memory_limit_mb);
	sqlite3_bind_int(st, 7, h->cpu_milli);
	sqlite3_bind_int(st, 8, h->pids_limit);
	sqlite3_bind_int64(st, 9, now);
	sqlite3_bind_int64(st, 10, now);
	rc = sqlite3_step(st);
	sqlite3_reset(st);
	*oid = sqlite3_last_insert_rowid(sqlite3_db_handle(st));
	if ((rc & 0xff) == SQLITE_CONSTRAINT)
		return 409;	/* the user's live host */
	return rc == SQLITE_DONE ? 0 : 500;
}

/*
 * A new host's row: its id and short id made here, the short id its
 * hostname if it has none; in the caller's transaction.  0 with h
 * reloaded, 400 (*why says), 409 (its user has a live host) or 500.
 */
int
hosts_new_row(struct host_rec *h, const char **why)
{
	uint64_t	 oid;
	int		 status;

	uuid_v4(h->id);
	new_short_id(h->short_id);
	if (h->hostname[0] == '\0')
		strlcpy(h->hostname, h->short_id, sizeof(h->hostname));
	if ((*why = host_spec_invalid(h)) != NULL)
		return 400;
	if ((status = insert_host(h, &oid)) != 0)
		return status;
	return hosts_load_oid(oid, h) == -1 ? 500 : 0;
}

/* Its create task and event, as POST /v1/admin/hosts queues them. */
int
hosts_new_task(const struct principal *p, const struct host_rec *h,
    char task_id[37])
{
	if (tasks_enqueue(HOST_CREATE, h->oid, p->user_id, task_id) == -1 ||
	    host_event("admin.host.create", h, task_id, p,
	    "host created") == -1)
		return -1;
	return 0;
}

/* POST /v1/admin/hosts: the host row and its create task, together. */
int
hosts_create(struct ipc_chan *chan, struct ipc_msg *m)
{
	struct ipc_host_create c;
	struct ipc_req	 req = ipc_req_of(chan, m);
	struct principal pr, *p = &pr;
	struct host_rec	 h;
	struct user_rec	 owner;
	struct binding_rec b;
	char		 task_id[37];
	const char	*why;
	uint64_t	 oid;
	uint32_t	 retry;
	int		 status;

	if (ipc_msg_get(m, &c) == -1)
		return -1;
	status = authz_check(c.grant, c.grant_len, p, &retry);
	memset(&h, 0, sizeof(h));
	strlcpy(h.hostname, c.hostname, sizeof(h.hostname));
	strlcpy(h.timezone, c.timezone, sizeof(h.timezone));
	h.memory_limit_mb = c.memory_limit_mb;
	h.cpu_milli = c.cpu_milli;
	h.pids_limit = c.pids_limit;
	if (status == 0)
		status = authz_user(p, c.user, 1, &h.user_oid);
	if (status == 0 && user_load(h.user_oid, &owner) == -1)
		status = 404;
	if (status == 404) {
		reply_host(&req, 404, "user not found", NULL, NULL);
		return 0;
	}
	if (status != 0) {
		reply_host(&req, status, status == 403 ? "admin role "
		    "required" : "invalid or expired token", NULL, NULL);
		return 0;
	}
	if (db_begin() == -1) {
		reply_host(&req, 500, "database error", NULL, NULL);
		return 0;
	}
	if ((status = hosts_new_row(&h, &why)) == 400) {
		db_rollback();
		reply_host(&req, 400, why, NULL, NULL);
		return 0;
	}
	why = NULL;
	oid = h.oid;
	if (status != 0 || (c.egress_ip_id[0] != '\0' &&
	    (status = bindings_attach(&h, c.egress_ip_id, &b, &why)) != 0) ||
	    hosts_load_oid(oid, &h) == -1 ||
	    hosts_new_task(p, &h, task_id) == -1 || db_commit() == -1) {
		db_rollback();
		/* a bad egress_ip_id is a bad field of this request */
		if (why != NULL)
			reply_host(&req, status == 404 ? 400 : status,
			    status == 404 ? "egress_ip_id: no such egress ip" :
			    why, NULL, NULL);
		else
			reply_host(&req, status == 409 ? 409 : 500,
			    status == 409 ? "the user already has a live host" :
			    "database error", NULL, NULL);
		return 0;
	}
	tasks_wake();
	reply_host(&req, 202, "accepted", &h, task_id);
	return 0;
}

/* A user's live hosts (one at most), max of them at most: how many. */
uint32_t
hosts_of_user(uint64_t user_oid, struct host_rec *hosts, uint32_t max)
{
	static char	 sql[768];
	sqlite3_stmt	*st;
	uint32_t	 n = 0;

	if (sql[0] == '\0')
		snprintf(sql, sizeof(sql), "SELECT %s FROM hosts h JOIN users u "
		    "ON u.oid = h.user_oid WHERE h.user_oid = ? AND "
		    "h.status != 'deleted' LIMIT ?", host_columns);
	st = db_stmt(sql);
	sqlite3_bind_int64(st, 1, user_oid);
	sqlite3_bind_int64(st, 2, max);
	while (n < max && sqlite3_step(st) == SQLITE_ROW)
		row_to_host(st, &hosts[n++]);
	sqlite3_reset(st);
	return n;
}

/*
 * Before a user's row goes, taking the rows of their hosts along: a
 * host.delete for each live host, by short id, in the caller's
 * transaction.  Its container, limits, tunnel and home then go too,
 * once the task running for the host, if any, is over.
 */
int
hosts_teardown_user(uint64_t user_oid, const char *requested_by)
{
	static const char sql[] = "SELECT short_id FROM hosts WHERE "
	    "user_oid = ? AND status != 'deleted'";
	sqlite3_stmt	*st = db_stmt(sql);
	char		 short_id[HOST_SHORT_ID_LEN + 1], task_id[37];
	int		 rc, queued = 0;

	if (tasks_detach_user(user_oid) == -1)
		return -1;
	sqlite3_bind_int64(st, 1, user_oid);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		db_text_col(st, 0, short_id, sizeof(short_id));
		if (tasks_enqueue_short(HOST_DELETE, 0, short_id,
		    requested_by, task_id) == -1)
			break;
		queued++;
	}
	sqlite3_reset(st);
	if (rc != SQLITE_DONE)
		return -1;
	return queued;
}

/* The user portal reaches the caller's own hosts, an admin's too. */
static const struct principal *
own(const struct principal *p, struct principal *mine)
{
	*mine = *p;
	mine->role = ROLE_USER;
	return mine;
}

/*
 * The host a request names, as its route lets it be reached: 0 with the
 * host in h, or the status to answer with.
 */
static int
host_reached(const struct ipc_host_ref *r, const struct principal *p,
    int status, struct host_rec *h)
{
	struct principal mine;

	/* the admin routes are admin functions, whatever the host */
	if (status == 0 && r->access == IPC_ACCESS_ADMIN &&
	    p->role != ROLE_ADMIN)
		status = 403;
	if (status == 0 && hosts_load_ref(r->access == IPC_ACCESS_ADMIN ? p :
	    own(p, &mine), r->ref, h) == -1)
		status = 404;
	return status;
}

static int
access_ok(uint32_t access)
{
	return access == IPC_ACCESS_ANY || access == IPC_ACCESS_ADMIN ||
	    access == IPC_ACCESS_OWN;
}

/* start, stop, rebuild, delete: one task at a time per host */
int
hosts_action(struct ipc_chan *chan, struct ipc_msg *m)
{
	const struct host_lifecycle *life;
	struct ipc_host_ref r;
	struct ipc_req	 req = ipc_req_of(chan, m);
	struct host_rec	 h;
	struct principal p;
	char		 task_id[37], text[64];
	uint32_t	 retry;
	int		 status;

	if (ipc_msg_get(m, &r) == -1)
		return -1;
	life = host_lifecycle(r.action);
	if (life == NULL || life->name == NULL || !access_ok(r.access))
		return ipc_violation(m, "unknown host action");
	status = authz_check(r.grant, r.grant_len, &p, &retry);
	status = host_reached(&r, &p, status, &h);
	if (status == 0 && p.role != ROLE_ADMIN && !life->user_may)
		status = 403;
	if (status == 0 && tasks_host_busy(h.oid))
		status = 409;
	if (status != 0) {
		reply_host(&req, status, status == 404 ? "host not found" :
		    status == 403 ? "admin role required" : status == 409 ?
		    "the host has a task in progress" :
		    "invalid or expired token", NULL, NULL);
		return 0;
	}
	snprintf(text, sizeof(text), "host %s requested", life->name);
	/* a host on its way out lets its egress IP go at once */
	if (db_begin() == -1 || (r.action == HOST_DELETE &&
	    bindings_detach_host(h.oid) == -1) ||
	    tasks_enqueue(r.action, h.oid, p.user_id, task_id) == -1 ||
	    host_event(p.role == ROLE_ADMIN ?
	    "admin.host.action" : "user.host.action", &h, task_id, &p,
	    text) == -1 || db_commit() == -1) {
		db_rollback();
		reply_host(&req, 500, "database error", NULL, NULL);
		return 0;
	}
	tasks_wake();
	reply_host(&req, 202, "accepted", &h, task_id);
	return 0;
}

int
hosts_get(struct ipc_chan *chan, struct ipc_msg *m)
{
	struct ipc_host_ref r;
	struct ipc_req	 req = ipc_req_of(chan, m);
	struct principal p;
	struct host_rec	 h;
	uint32_t	 retry;
	int		 status;

	if (ipc_msg_get(m, &r) == -1)
		return -1;
	if (!access_ok(r.access))
		return ipc_violation(m, "no such access");
	status = authz_check(r.grant, r.grant_len, &p, &retry);
	status = host_reached(&r, &p, status, &h);
	if (status != 0)
		reply_host(&req, status, status == 404 ? "host not found" :
		    status == 403 ? "admin role required" :
		    "invalid or expired token", NULL, NULL);
	else
		reply_host(&req, 200, "ok", &h, NULL);
	return 0;
}

int
hosts_list(struct ipc_chan *chan, struct ipc_msg *m)
{
	static char	 sql[640];
	struct ipc_page_req pg;
	struct ipc_req	 req = ipc_req_of(chan, m);
	struct ipc_list_res res;
	struct ipc_msg	 items;
	struct principal p;
	struct host_rec	 h;
	sqlite3_stmt	*st;
	uint32_t	 retry;
	int		 status, mine;

	if (ipc_msg_get(m, &pg) == -1)
		return -1;
	if (!access_ok(pg.access))
		return ipc_violation(m, "no such access");
	status = authz_check(pg.grant, pg.grant_len, &p, &retry);
	mine = pg.access == IPC_ACCESS_OWN;
	if (status == 0 && !mine && p.role != ROLE_ADMIN)
		status = 403;
	if (sql[0] == '\0')
		snprintf(sql, sizeof(sql), "SELECT %s FROM hosts h JOIN users u "
		    "ON u.oid = h.user_oid WHERE h.status != 'deleted' AND "
		    "(?1 = 0 OR h.user_oid = ?1) ORDER BY h.oid LIMIT ?2 "
		    "OFFSET ?3", host_columns);
	memset(&res, 0, sizeof(res));
	ipc_msg_init(&items, IPC_HOST_LIST_RES, 0);
	if (status == 0) {
		st = db_stmt(sql);
		sqlite3_bind_int64(st, 1, mine ? p.user_oid : 0);
		sqlite3_bind_int(st, 2, pg.limit == 0 ||
		    pg.limit > HOSTS_PAGE ? HOSTS_PAGE : pg.limit);
		sqlite3_bind_int64(st, 3, pg.offset);
		while (items.sbuf.size < LIST_PAGE_BYTES &&
		    sqlite3_step(st) == SQLITE_ROW) {
			row_to_host(st, &h);
			ipc_msg_put_item(&items, &h);
			res.count++;
		}
		sqlite3_reset(st);
	}
	res.total = res.count;
	list_head(&res, status);
	ipc_answer(&req, &res, &items);
	return 0;
}

/* From authd: the sealed SSH password of a host an admin names. */
int
hosts_store_password(struct ipc_chan *chan, struct ipc_msg *m)
{
	static const char sql[] = "UPDATE hosts SET ssh_password_sealed = ?, "
	    "ssh_password_ref = ?, updated_at = ? WHERE oid = ?";
	struct ipc_host_password_store b;
	struct ipc_req	 req = ipc_req_of(chan, m);
	struct principal p;
	struct host_rec	 h;
	sqlite3_stmt	*st;
	uint32_t	 retry;
	int		 status, rc;

	if (ipc_msg_get(m, &b) == -1)
		return -1;
	status = authz_check(b.grant, b.grant_len, &p, &retry);
	if (status == 0 && p.role != ROLE_ADMIN)
		status = 403;
	if (status == 0 && hosts_load_ref(&p, b.ref, &h) == -1)
		status = 404;
	if (status != 0) {
		ipc_answer_status(&req, status, status == 404 ?
		    "host not found" : status == 403 ? "admin role required" :
		    "invalid or expired token");
		return 0;
	}
	if (db_begin() == -1) {
		ipc_answer_status(&req, 500, "database error");
		return 0;
	}
	st = db_stmt(sql);
	sqlite3_bind_blob(st, 1, b.sealed, b.sealed_len, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, b.ref, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 3, db_now());
	sqlite3_bind_int64(st, 4, h.oid);
	rc = sqlite3_step(st);
	sqlite3_reset(st);
	if (rc != SQLITE_DONE || host_event("admin.host.action", &h, NULL, &p,
	    "host ssh password rotated") == -1 || db_commit() == -1) {
		db_rollback();
		ipc_answer_status(&req, 500, "database error");
		return 0;
	}
	ipc_answer_status(&req, 200, "ok");
	return 0;
}
