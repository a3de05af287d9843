/*
 * The task queue (DESIGN.md, Jobs).  A task is queued in the transaction
 * of the change that asks for it; taskd claims tasks with one UPDATE ...
 * RETURNING that sets a lease and bumps the task's fence, and every
 * progress report and outcome must carry that fence, so that a worker
 * that lost its lease cannot write over the one that has it.  A taskd
 * that starts again releases what its predecessor held: there is one
 * taskd, so a running task at its start is an interrupted one.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hostrec.h"
#include "log.h"
#include "stored.h"
#include "util.h"

#define TASK_LEASE		120	/* seconds; progress renews it */
#define TASK_CLAIM_MAX		64
#define TASK_BACKOFF_MAX	300
#define TASKS_PAGE		200
#define TASK_NOOP_MAX		10000

static const char task_columns[] = "t.oid, t.id, t.kind, "
    "coalesce(h.id, ''), t.status, coalesce(t.requested_by, ''), "
    "t.attempts, t.progress_percent, t.progress_message, t.error_code, "
    "t.error_message, t.created_at, t.updated_at";

static void
row_to_task(sqlite3_stmt *st, struct task_rec *t)
{
	memset(t, 0, sizeof(*t));
	t->oid = sqlite3_column_int64(st, 0);
	db_text_col(st, 1, t->id, sizeof(t->id));
	db_text_col(st, 2, t->kind, sizeof(t->kind));
	db_text_col(st, 3, t->host_id, sizeof(t->host_id));
	db_text_col(st, 4, t->status, sizeof(t->status));
	db_text_col(st, 5, t->requested_by, sizeof(t->requested_by));
	t->attempts = sqlite3_column_int(st, 6);
	t->progress_percent = sqlite3_column_int(st, 7);
	db_text_col(st, 8, t->progress_message, sizeof(t->progress_message));
	db_text_col(st, 9, t->error_code, sizeof(t->error_code));
	db_text_col(st, 10, t->error_message, sizeof(t->error_message));
	t->created_at = sqlite3_column_int64(st, 11);
	t->updated_at = sqlite3_column_int64(st, 12);
}

static int
release_interrupted(int64_t now)
{
	static const char sql[] = "UPDATE tasks SET status = 'pending', "
	    "run_after = ?1, lease_until = NULL, updated_at = ?1 WHERE "
	    "status = 'running'";
	sqlite3_stmt	*st = db_stmt(sql);
	int		 rc;

	sqlite3_bind_int64(st, 1, now);
	rc = sqlite3_step(st);
	sqlite3_reset(st);
	if (sqlite3_changes(sqlite3_db_handle(st)) > 0)
		log_info("taskd started again: %d interrupted task(s) queued "
		    "again", sqlite3_changes(sqlite3_db_handle(st)));
	return rc == SQLITE_DONE ? 0 : -1;
}

static int
fail_exhausted(int64_t now)
{
	static const char sql[] = "UPDATE tasks SET status = 'failed', "
	    "error_code = 'lease_expired', error_message = 'the worker "
	    "stopped answering', lease_until = NULL, updated_at = ?1 WHERE "
	    "status = 'running' AND lease_until < ?1 AND "
	    "attempts >= max_attempts";
	sqlite3_stmt	*st = db_stmt(sql);
	int		 rc;

	sqlite3_bind_int64(st, 1, now);
	rc = sqlite3_step(st);
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? 0 : -1;
}

/*
 * A task detached from its deleted host (tasks_detach_user) is not run
 * again: once it is no longer running (its outcome asked for a retry,
 * its lease ran out, taskd started again), it is canceled, and the
 * host's delete may go.
 */
static int
cancel_detached(int64_t now)
{
	static const char sql[] = "UPDATE tasks SET status = 'canceled', "
	    "lease_until = NULL, error_code = 'host_deleted', "
	    "error_message = 'its host was deleted', updated_at = ?1 WHERE "
	    "host_oid IS NULL AND status IN ('pending', 'running') AND "
	    "short_id IS NOT NULL AND action <> ?2 AND (status = 'pending' OR "
	    "lease_until < ?1)";

	return db_write(sql, now, HOST_DELETE) == -1 ? -1 : 0;
}

/*
 * Leases up to max runnable tasks; their rows in jobs, their number.
 * One task of a host at a time, in the order queued: a task is not
 * leased while another of its host runs (with a lease not yet over),
 * nor while one queued before it is not over.  So a host's delete never
 * overlaps its start, whose files it removes.  The same for the tasks of
 * one certificate: a renewal never races another issuance of it, whose
 * key it would store with the other's certificate.
 */
static int
lease_tasks(int64_t now, uint32_t max, struct task_job *jobs,
    uint64_t *host_oids)
{
	static const char sql[] = "UPDATE tasks SET status = 'running', "
	    "attempts = attempts + 1, fence = fence + 1, lease_until = ?2, "
	    "updated_at = ?1 WHERE oid IN (SELECT t.oid FROM tasks t WHERE "
	    "((t.status = 'pending' AND t.run_after <= ?1) OR "
	    "(t.status = 'running' AND t.lease_until < ?1)) AND NOT EXISTS "
	    "(SELECT 1 FROM tasks o WHERE (o.short_id = t.short_id OR "
	    "o.cert_oid = t.cert_oid) AND "
	    "o.oid <> t.oid AND ((o.status = 'running' AND "
	    "o.lease_until >= ?1) OR (o.oid < t.oid AND o.status IN "
	    "('pending', 'running')))) ORDER BY t.oid LIMIT ?3) RETURNING "
	    "oid, fence, action, attempts, coalesce(host_oid, 0), "
	    "coalesce(short_id, ''), coalesce(cert_oid, 0)";
	sqlite3_stmt	*st = db_stmt(sql);
	int		 n = 0;

	sqlite3_bind_int64(st, 1, now);
	sqlite3_bind_int64(st, 2, now + TASK_LEASE);
	sqlite3_bind_int(st, 3, max);
	while (n < (int)max && sqlite3_step(st) == SQLITE_ROW) {
		memset(&jobs[n], 0, sizeof(jobs[n]));
		jobs[n].task_oid = sqlite3_column_int64(st, 0);
		jobs[n].fence = sqlite3_column_int64(st, 1);
		jobs[n].action = sqlite3_column_int(st, 2);
		jobs[n].attempt = sqlite3_column_int(st, 3);
		host_oids[n] = sqlite3_column_int64(st, 4);
		/* a host without its row: the short id names its container */
		db_text_col(st, 5, jobs[n].host.short_id,
		    sizeof(jobs[n].host.short_id));
		jobs[n].cert_oid = sqlite3_column_int64(st, 6);
		n++;
	}
	sqlite3_reset(st);
	return n;
}

int
tasks_claim(struct ipc_chan *chan, struct ipc_msg *m)
{
	struct task_job	 jobs[TASK_CLAIM_MAX];
	uint64_t	 host_oids[TASK_CLAIM_MAX];
	struct ipc_task_claim c;
	struct ipc_req	 req = ipc_req_of(chan, m);
	struct ipc_list_res res;
	struct ipc_msg	 items;
	uint32_t	 max;
	int64_t		 now = db_now();
	int		 restart, n = 0, i;

	if (ipc_msg_get(m, &c) == -1)
		return -1;
	max = c.max > TASK_CLAIM_MAX ? TASK_CLAIM_MAX : c.max;
	restart = c.restart;
	if (db_begin_lazy() == 0) {
		if ((restart && release_interrupted(now) == -1) ||
		    fail_exhausted(now) == -1 || cancel_detached(now) == -1 ||
		    acmecert_queue_due(now) == -1)
			n = -1;
		else
			n = lease_tasks(now, max, jobs, host_oids);
		for (i = 0; i < n; i++)
			if (host_oids[i] != 0 &&
			    (hosts_load_oid(host_oids[i], &jobs[i].host) == -1 ||
			    egress_job_load(host_oids[i], &jobs[i].egress) == -1))
				n = -1;
		if (n < 0 || db_commit() == -1) {
			db_rollback();
			n = 0;
		}
	}
	memset(&res, 0, sizeof(res));
	ipc_msg_init(&items, IPC_TASK_JOBS, 0);
	for (i = 0; i < n; i++)
		ipc_msg_put_item(&items, &jobs[i]);
	res.total = res.count = n;
	list_head(&res, 0);
	ipc_answer(&req, &res, &items);
	return 0;
}

/* A worker's progress: fenced, and it renews the lease. */
int
tasks_progress(struct ipc_chan *chan, struct ipc_msg *m)
{
	static const char sql[] = "UPDATE tasks SET progress_percent = ?, "
	    "progress_message = ?, lease_until = ?, updated_at = ? WHERE "
	    "oid = ? AND fence = ? AND status = 'running'";
	struct ipc_task_progress pr;
	sqlite3_stmt	*st;
	int64_t		 now = db_now();

	(void)chan;
	if (ipc_msg_get(m, &pr) == -1)
		return -1;
	if (db_begin_lazy() == -1)
		return 0;
	st = db_stmt(sql);
	sqlite3_bind_int(st, 1, pr.percent > 100 ? 100 : pr.percent);
	sqlite3_bind_text(st, 2, pr.message, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 3, now + TASK_LEASE);
	sqlite3_bind_int64(st, 4, now);
	sqlite3_bind_int64(st, 5, pr.task_oid);
	sqlite3_bind_int64(st, 6, pr.fence);
	if (sqlite3_step(st) != SQLITE_DONE)
		log_warnx("task progress: %s",
		    sqlite3_errmsg(sqlite3_db_handle(st)));
	sqlite3_reset(st);
	if (db_commit() == -1)
		log_warnx("task progress: cannot commit");
	return 0;
}

static int
write_outcome(const struct ipc_task_done *e, int attempts, int max_attempts,
    int64_t now, const char **status)
{
	static const char sql[] = "UPDATE tasks SET status = ?, run_after = ?, "
	    "lease_until = NULL, error_code = ?, error_message = ?, "
	    "progress_percent = CASE WHEN ?1 = 'succeeded' THEN 100 ELSE "
	    "progress_percent END, updated_at = ? WHERE oid = ?";
	sqlite3_stmt	*st = db_stmt(sql);
	int64_t		 backoff;
	int		 rc;

	*status = e->outcome == TASK_SUCCEEDED ? "succeeded" :
	    e->outcome == TASK_RETRY && attempts < max_attempts ? "pending" :
	    "failed";
	backoff = (int64_t)1 << (attempts < 8 ? attempts : 8);
	sqlite3_bind_text(st, 1, *status, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, now + (backoff < TASK_BACKOFF_MAX ? backoff :
	    TASK_BACKOFF_MAX));
	sqlite3_bind_text(st, 3, e->code, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, e->message, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 5, now);
	sqlite3_bind_int64(st, 6, e->task_oid);
	rc = sqlite3_step(st);
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? 0 : -1;
}

static int
host_status_ok(const char *s)
{
	return strcmp(s, "running") == 0 || strcmp(s, "stopped") == 0 ||
	    strcmp(s, "failed") == 0 || strcmp(s, "deleted") == 0;
}

/* The outcome, the host's new state and the event, in one transaction. */
static int
finish_task(const struct ipc_task_done *e, int *status)
{
	static const char sql[] = "SELECT t.status, t.fence, t.attempts, "
	    "t.max_attempts, t.id, t.kind, coalesce(h.oid, 0), "
	    "coalesce(h.id, ''), coalesce(u.id, ''), t.action FROM tasks t "
	    "LEFT JOIN "
	    "hosts h ON h.oid = t.host_oid LEFT JOIN users u ON "
	    "u.oid = h.user_oid WHERE t.oid = ?";
	sqlite3_stmt		*st = db_stmt(sql);
	struct event_refs	 refs;
	char			 task_id[37], kind[TASK_KIND_MAX + 1];
	char			 host_id[37], user_id[37], type[48];
	char			 text[TASK_TEXT_MAX + 64];
	const struct host_lifecycle *life;
	const char		*outcome;
	uint64_t		 host_oid = 0;
	uint32_t		 action = 0;
	int			 running, attempts = 0, max = 0, found;
	int64_t			 now = db_now();

	sqlite3_bind_int64(st, 1, e->task_oid);
	if ((found = sqlite3_step(st) == SQLITE_ROW)) {
		running = strcmp((const char *)sqlite3_column_text(st, 0),
		    "running") == 0 && (uint64_t)sqlite3_column_int64(st, 1) ==
		    e->fence;
		attempts = sqlite3_column_int(st, 2);
		max = sqlite3_column_int(st, 3);
		db_text_col(st, 4, task_id, sizeof(task_id));
		db_text_col(st, 5, kind, sizeof(kind));
		host_oid = sqlite3_column_int64(st, 6);
		db_text_col(st, 7, host_id, sizeof(host_id));
		db_text_col(st, 8, user_id, sizeof(user_id));
		action = sqlite3_column_int(st, 9);
	}
	sqlite3_reset(st);
	if (!found || !running) {
		*status = 409;	/* a lease lost: another worker has it */
		return 0;
	}
	if (write_outcome(e, attempts, max, now, &outcome) == -1)
		return -1;
	/* an ACME certificate whose last attempt failed failed too */
	if ((action == CERT_ISSUE || action == CERT_RENEW) &&
	    strcmp(outcome, "failed") == 0 &&
	    acmecert_failed(e->task_oid, e->message) == -1)
		return -1;
	/* the last attempt of a create, start or rebuild failed: so did
	 * its host */
	life = host_lifecycle(action);
	if (host_oid != 0 && hosts_set_status(host_oid,
	    e->host_status[0] != '\0' ? e->host_status :
	    strcmp(outcome, "failed") == 0 && life != NULL &&
	    life->failure_fails_host ? "failed" : NULL) == -1)
		return -1;
	snprintf(type, sizeof(type), "task.%s", strcmp(outcome, "pending") ==
	    0 ? "retry" : outcome);
	snprintf(text, sizeof(text), "%s %s%s%s", kind, outcome,
	    e->message[0] != '\0' ? ": " : "", e->message);
	refs.user_id = user_id;
	refs.host_id = host_id;
	refs.task_id = task_id;
	*status = 200;
	return db_event_refs(type, strcmp(outcome, "succeeded") == 0 ? "info" :
	    "error", &refs, text, "taskd", NULL, -1);
}

int
tasks_done(struct ipc_chan *chan, struct ipc_msg *m)
{
	struct ipc_task_done e;
	struct ipc_req	 req = ipc_req_of(chan, m);
	int		 status = 500;

	if (ipc_msg_get(m, &e) == -1)
		return -1;
	if (e.outcome < TASK_SUCCEEDED || e.outcome > TASK_RETRY ||
	    (e.host_status[0] != '\0' && !host_status_ok(e.host_status)))
		return ipc_violation(m, "a task outcome out of range");
	if (db_begin_lazy() == -1 || finish_task(&e, &status) == -1 ||
	    db_commit() == -1) {
		db_rollback();
		status = 500;
	}
	ipc_answer_status(&req, status, status == 200 ? "ok" :
	    status == 409 ? "the lease was lost" : "database error");
	return 0;
}

/* GET /v1/admin/tasks: by state, host and kind, newest first. */
int
tasks_list(struct ipc_chan *chan, struct ipc_msg *m)
{
	static char	 sql[768], count_sql[512];
	struct ipc_task_list q;
	struct ipc_req	 req = ipc_req_of(chan, m);
	struct ipc_list_res res;
	struct principal p;
	struct task_rec	 t;
	struct ipc_msg	 items;
	sqlite3_stmt	*st;
	uint32_t	 retry;
	int		 status, i;

	if (ipc_msg_get(m, &q) == -1)
		return -1;
	status = authz_check(q.grant, q.grant_len, &p, &retry);
	if (status == 0 && p.role != ROLE_ADMIN)
		status = 403;
	if (sql[0] == '\0') {
		snprintf(count_sql, sizeof(count_sql), "SELECT count(*) FROM "
		    "tasks t LEFT JOIN hosts h ON h.oid = t.host_oid WHERE "
		    "(?1 = '' OR t.status = ?1) AND (?2 = '' OR h.id = ?2 OR "
		    "CAST(h.oid AS TEXT) = ?2) AND (?3 = '' OR t.kind = ?3)");
		snprintf(sql, sizeof(sql), "SELECT %s FROM tasks t LEFT JOIN "
		    "hosts h ON h.oid = t.host_oid WHERE (?1 = '' OR "
		    "t.status = ?1) AND (?2 = '' OR h.id = ?2 OR "
		    "CAST(h.oid AS TEXT) = ?2) AND (?3 = '' OR t.kind = ?3) "
		    "ORDER BY t.oid DESC LIMIT ?4 OFFSET ?5", task_columns);
	}
	memset(&res, 0, sizeof(res));
	ipc_msg_init(&items, IPC_TASK_LIST_RES, 0);
	for (i = 0; status == 0 && i < 2; i++) {
		st = db_stmt(i == 0 ? count_sql : sql);
		sqlite3_bind_text(st, 1, q.state, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 2, q.host, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 3, q.kind, -1, SQLITE_STATIC);
		if (i == 0) {
			if (sqlite3_step(st) == SQLITE_ROW)
				res.total = sqlite3_column_int64(st, 0);
		} else {
			sqlite3_bind_int(st, 4, q.limit == 0 || q.limit >
			    TASKS_PAGE ? TASKS_PAGE : q.limit);
			sqlite3_bind_int64(st, 5, q.offset);
			while (items.sbuf.size < LIST_PAGE_BYTES &&
			    sqlite3_step(st) == SQLITE_ROW) {
				row_to_task(st, &t);
				ipc_msg_put_item(&items, &t);
				res.count++;
			}
		}
		sqlite3_reset(st);
	}
	list_head(&res, status);
	ipc_answer(&req, &res, &items);
	return 0;
}

/* From moatd (moatctl task noop N): N tasks that do nothing at once. */
int
tasks_noop(struct ipc_chan *chan, struct ipc_msg *m)
{
	struct ipc_task_noop q;
	struct ipc_req	 req = ipc_req_of(chan, m);
	char		 task_id[37];
	uint32_t	 i;
	int		 ok = 1;

	if (ipc_msg_get(m, &q) == -1)
		return -1;
	if (q.count == 0 || q.count > TASK_NOOP_MAX) {
		ipc_answer_status(&req, 400, "1 to 10000 tasks");
		return 0;
	}
	if (db_begin() == -1)
		ok = 0;
	for (i = 0; ok && i < q.count; i++)
		ok = tasks_enqueue(HOST_NOOP, 0, "", task_id) == 0;
	if (!ok || db_commit() == -1) {
		db_rollback();
		ipc_answer_status(&req, 500, "database error");
		return 0;
	}
	tasks_wake();
	ipc_answer_status(&req, 200, "queued");
	return 0;
}
