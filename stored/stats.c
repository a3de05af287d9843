/* GET /v1/admin/dashboard/stats: the counters of the dashboard. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "egressrec.h"
#include "hostrec.h"
#include "log.h"
#include "stored.h"
#include "util.h"

static uint64_t
count_of(const char *sql, const char *arg)
{
	sqlite3_stmt	*st = db_stmt(sql);
	uint64_t	 n = 0;

	if (arg != NULL)
		sqlite3_bind_text(st, 1, arg, -1, SQLITE_STATIC);
	if (sqlite3_step(st) == SQLITE_ROW)
		n = sqlite3_column_int64(st, 0);
	sqlite3_reset(st);
	return n;
}

int
hosts_stats(struct ipc_chan *chan, struct ipc_msg *m)
{
	static const char *const states[STATS_HOST_STATES] = { "pending",
	    "running", "stopped", "failed", "deleted" };
	static const char users_sql[] = "SELECT count(*) FROM users WHERE "
	    "status = 'active' AND (expires_at IS NULL OR expires_at > ?)";
	static const char hosts_sql[] =
	    "SELECT count(*) FROM hosts WHERE status = ?";
	struct ipc_grant_req g;
	struct ipc_req	 req = ipc_req_of(chan, m);
	struct ipc_stats_res res;
	struct principal p;
	sqlite3_stmt	*st;
	uint32_t	 retry;
	size_t		 i;
	int		 status;

	if (ipc_msg_get(m, &g) == -1)
		return -1;
	status = authz_check(g.grant, g.grant_len, &p, &retry);
	if (status == 0 && p.role != ROLE_ADMIN)
		status = 403;
	memset(&res, 0, sizeof(res));
	res.head.status = status == 0 ? 200 : status;
	strlcpy(res.head.message, status == 0 ? "ok" : status == 403 ?
	    "admin role required" : "invalid or expired token",
	    sizeof(res.head.message));
	if (status == 0) {
		st = db_stmt(users_sql);
		sqlite3_bind_int64(st, 1, db_now());
		res.active_users = sqlite3_step(st) == SQLITE_ROW ?
		    (uint64_t)sqlite3_column_int64(st, 0) : 0;
		sqlite3_reset(st);
		res.available_ips = egress_available();
		for (i = 0; i < STATS_HOST_STATES; i++)
			res.hosts[i] = count_of(hosts_sql, states[i]);
		tasks_counts(res.tasks);
	}
	ipc_answer(&req, &res, NULL);
	return 0;
}
