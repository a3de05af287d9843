/*
 * The task queue's own rows, as the changes that queue work use them: a
 * task queued in the caller's transaction, whether a host is busy,
 * taskd woken, the counters by state.  What taskd claims and reports is
 * tasks.c's.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hostrec.h"
#include "log.h"
#include "stored.h"
#include "util.h"

/* Queues a task in the caller's transaction; its UUID in task_id. */
int
tasks_enqueue(uint32_t action, uint64_t host_oid, const char *requested_by,
    char task_id[37])
{
	return tasks_enqueue_short(action, host_oid, NULL, requested_by,
	    task_id);
}

/*
 * The same, for a host that will have no row: a user's deletion takes
 * the rows of their hosts along, and their containers go by short id.
 * Every task of a host names its short id, which the claim serializes
 * on (lease_tasks).
 */
int
tasks_enqueue_short(uint32_t action, uint64_t host_oid, const char *short_id,
    const char *requested_by, char task_id[37])
{
	static const char sql[] = "INSERT INTO tasks (id, kind, action, "
	    "host_oid, status, requested_by, run_after, created_at, "
	    "updated_at, short_id) VALUES (?1, ?2, ?3, ?4, 'pending', ?5, ?6, "
	    "?7, ?8, coalesce(?9, (SELECT short_id FROM hosts WHERE "
	    "oid = ?4)))";
	sqlite3_stmt	*st = db_stmt(sql);
	int64_t		 now = db_now();
	int		 rc;

	uuid_v4(task_id);
	sqlite3_bind_text(st, 1, task_id, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, host_lifecycle(action)->kind, -1,
	    SQLITE_STATIC);
	sqlite3_bind_int(st, 3, action);
	if (host_oid != 0)
		sqlite3_bind_int64(st, 4, host_oid);
	else
		sqlite3_bind_null(st, 4);
	sqlite3_bind_text(st, 5, requested_by, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 6, now);
	sqlite3_bind_int64(st, 7, now);
	sqlite3_bind_int64(st, 8, now);
	if (short_id != NULL)
		sqlite3_bind_text(st, 9, short_id, -1, SQLITE_STATIC);
	else
		sqlite3_bind_null(st, 9);
	rc = sqlite3_step(st);
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? 0 : -1;
}

/*
 * Before a user's hosts' rows go: the task running for one of them
 * keeps its row (by short id), so that the host.delete queued behind it
 * waits until it is over; those pending go with the host.
 */
int
tasks_detach_user(uint64_t user_oid)
{
	static const char sql[] = "UPDATE tasks SET host_oid = NULL WHERE "
	    "status = 'running' AND host_oid IN (SELECT oid FROM hosts WHERE "
	    "user_oid = ?)";

	return db_write(sql, user_oid, 0) == -1 ? -1 : 0;
}

/* After a commit that queued work: taskd claims at once, not at its
 * next poll. */
void
tasks_wake(void)
{
	struct ipc_msg	 m;
	struct ipc_chan	*taskd = stored_env->chans[PROC_TASKD];

	if (taskd == NULL)
		return;
	ipc_msg_init(&m, IPC_TASK_WAKE, 0);
	ipc_msg_put(&m, NULL);
	(void)ipc_send(taskd, &m);
}

/* Whether a host has a task that is not over. */
int
tasks_host_busy(uint64_t host_oid)
{
	static const char sql[] = "SELECT count(*) FROM tasks WHERE host_oid "
	    "= ? AND status IN ('pending', 'running')";

	return db_count(sql, host_oid) > 0;
}

/* The counters of the dashboard, by state. */
void
tasks_counts(uint64_t out[STATS_TASK_STATES])
{
	static const char *const states[STATS_TASK_STATES] = { "pending",
	    "running", "succeeded", "failed", "canceled" };
	static const char sql[] = "SELECT count(*) FROM tasks WHERE "
	    "status = ?";
	sqlite3_stmt	*st;
	size_t		 i;

	for (i = 0; i < STATS_TASK_STATES; i++) {
		st = db_stmt(sql);
		sqlite3_bind_text(st, 1, states[i], -1, SQLITE_STATIC);
		out[i] = sqlite3_step(st) == SQLITE_ROW ?
		    (uint64_t)sqlite3_column_int64(st, 0) : 0;
		sqlite3_reset(st);
	}
}
