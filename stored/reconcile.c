/*
 * The reconciler's questions and findings: which hosts there are, and
 * what taskd found the runtime to hold of them.  A state recorded here
 * yields to any task that owns the host.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "egressrec.h"
#include "hostrec.h"
#include "log.h"
#include "stored.h"
#include "util.h"

/* a tunnel whose last host.egress failed is left alone this long */
#define TUNNEL_RETRY_SECONDS	300

/* Every host that is not deleted: oid, short id, state, busy, bound. */
int
hosts_states(struct ipc_chan *chan, struct ipc_msg *m)
{
	static const char sql[] = "SELECT h.oid, h.short_id, h.status, "
	    "EXISTS (SELECT 1 FROM tasks t WHERE t.host_oid = h.oid AND "
	    "t.status IN ('pending', 'running')), EXISTS (SELECT 1 FROM "
	    "bindings b WHERE b.host_oid = h.oid) FROM hosts h WHERE "
	    "h.status != 'deleted' ORDER BY h.oid";
	struct ipc_req	 req = ipc_req_of(chan, m);
	struct ipc_list_res res;
	struct host_state_rec r;
	struct ipc_msg	 items;
	sqlite3_stmt	*st = db_stmt(sql);

	if (ipc_msg_get(m, NULL) == -1)
		return -1;
	memset(&res, 0, sizeof(res));
	ipc_msg_init(&items, IPC_HOST_STATES, 0);
	while (items.sbuf.size < LIST_PAGE_BYTES &&
	    sqlite3_step(st) == SQLITE_ROW) {
		memset(&r, 0, sizeof(r));
		r.oid = sqlite3_column_int64(st, 0);
		db_text_col(st, 1, r.short_id, sizeof(r.short_id));
		db_text_col(st, 2, r.status, sizeof(r.status));
		r.busy = sqlite3_column_int(st, 3);
		r.bound = sqlite3_column_int(st, 4);
		ipc_msg_put_item(&items, &r);
		res.count++;
	}
	sqlite3_reset(st);
	res.total = res.count;
	list_head(&res, 0);
	ipc_answer(&req, &res, &items);
	return 0;
}

/*
 * A running host's tunnel is not as its binding says: down (its
 * wireguard-go died) or stray (left behind).  A host.egress task brings
 * it in line, unless one failed lately: a tunnel that cannot be made
 * is not retried every few seconds.
 */
static int
tunnel_observed(const struct host_rec *h, const char *status,
    const struct principal *taskd)
{
	static const char recent_sql[] = "SELECT 1 FROM tasks WHERE "
	    "host_oid = ? AND action = ? AND status = 'failed' AND "
	    "updated_at > ? LIMIT 1";
	sqlite3_stmt	*st;
	char		 task_id[37];
	int		 recent;

	/* a tunnel that cannot be made is not tried again until mended */
	if (strcmp(h->status, "running") != 0 ||
	    (strcmp(status, "tunnel_down") == 0 && !egress_host_usable(h->oid)))
		return 0;
	st = db_stmt(recent_sql);
	sqlite3_bind_int64(st, 1, h->oid);
	sqlite3_bind_int(st, 2, HOST_EGRESS);
	sqlite3_bind_int64(st, 3, db_now() - TUNNEL_RETRY_SECONDS);
	recent = sqlite3_step(st) == SQLITE_ROW;
	sqlite3_reset(st);
	if (recent)
		return 0;
	if (db_begin() == -1 || tasks_enqueue(HOST_EGRESS, h->oid, "",
	    task_id) == -1 || host_event("host.reconciled", h, task_id, taskd,
	    strcmp(status, "tunnel_down") == 0 ? "the host's tunnel was down: "
	    "brought up again" : "a tunnel the host should not have: taken "
	    "down") == -1 || db_commit() == -1) {
		db_rollback();
		return 0;
	}
	log_warnx("host %s: %s", h->short_id, status);
	tasks_wake();
	return 0;
}

/*
 * The runtime says otherwise: a container died or vanished behind
 * moat's back, or its tunnel did.  Recorded unless a task now owns the
 * host.
 */
int
hosts_observed(struct ipc_chan *chan, struct ipc_msg *m)
{
	struct ipc_host_observed o;
	struct host_rec	 h;
	struct principal taskd;
	char		 text[128];
	const char	*status = o.status;
	uint64_t	 oid;
	int		 tunnel;

	(void)chan;
	if (ipc_msg_get(m, &o) == -1)
		return -1;
	oid = o.host_oid;
	tunnel = strcmp(status, "tunnel_down") == 0 ||
	    strcmp(status, "tunnel_stray") == 0;
	if (strcmp(status, "stopped") != 0 && strcmp(status, "running") != 0 &&
	    !tunnel)
		return ipc_violation(m, "an observed host state out of range");
	if (hosts_load_oid(oid, &h) == -1 || strcmp(h.status, "deleted") == 0 ||
	    (!tunnel && strcmp(h.status, status) == 0) || tasks_host_busy(oid))
		return 0;
	memset(&taskd, 0, sizeof(taskd));
	strlcpy(taskd.username, "taskd", sizeof(taskd.username));
	if (tunnel)
		return tunnel_observed(&h, status, &taskd);
	snprintf(text, sizeof(text), "the runtime has the host %s, not %s",
	    status, h.status);
	if (db_begin() == -1 || hosts_set_status(oid, status) == -1 ||
	    host_event("host.reconciled", &h, NULL, &taskd, text) == -1 ||
	    db_commit() == -1)
		db_rollback();
	else
		log_warnx("host %s: %s", h.short_id, text);
	return 0;
}
