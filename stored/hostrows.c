/*
 * The rows of hosts, as every part of stored reads and marks them: the
 * columns of a host record, a host by reference or number, its state,
 * and the event of a change to it.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "egressrec.h"
#include "hostrec.h"
#include "log.h"
#include "stored.h"
#include "util.h"

const char host_columns[] = "h.oid, h.id, h.user_oid, u.id, "
    "h.short_id, h.status, h.hostname, h.timezone, h.memory_limit_mb, "
    "h.cpu_milli, h.pids_limit, coalesce((SELECT e.id FROM bindings b "
    "JOIN egress_ips e ON e.oid = b.egress_oid WHERE b.host_oid = h.oid), "
    "''), "
    "h.created_at, h.updated_at";

void
row_to_host(sqlite3_stmt *st, struct host_rec *h)
{
	memset(h, 0, sizeof(*h));
	h->oid = sqlite3_column_int64(st, 0);
	strlcpy(h->id, (const char *)sqlite3_column_text(st, 1),
	    sizeof(h->id));
	h->user_oid = sqlite3_column_int64(st, 2);
	strlcpy(h->user_id, (const char *)sqlite3_column_text(st, 3),
	    sizeof(h->user_id));
	strlcpy(h->short_id, (const char *)sqlite3_column_text(st, 4),
	    sizeof(h->short_id));
	strlcpy(h->status, (const char *)sqlite3_column_text(st, 5),
	    sizeof(h->status));
	strlcpy(h->hostname, (const char *)sqlite3_column_text(st, 6),
	    sizeof(h->hostname));
	strlcpy(h->timezone, (const char *)sqlite3_column_text(st, 7),
	    sizeof(h->timezone));
	h->memory_limit_mb = sqlite3_column_int(st, 8);
	h->cpu_milli = sqlite3_column_int(st, 9);
	h->pids_limit = sqlite3_column_int(st, 10);
	strlcpy(h->egress_ip_id, (const char *)sqlite3_column_text(st, 11),
	    sizeof(h->egress_ip_id));
	h->created_at = sqlite3_column_int64(st, 12);
	h->updated_at = sqlite3_column_int64(st, 13);
}

/* A host by oid or UUID, visible to p (not deleted); -1 if none. */
int
hosts_load_ref(const struct principal *p, const char *ref,
    struct host_rec *h)
{
	static char	 sql[768];
	sqlite3_stmt	*st;
	int		 rc;

	if (sql[0] == '\0')
		snprintf(sql, sizeof(sql), "SELECT %s FROM hosts h JOIN users u "
		    "ON u.oid = h.user_oid WHERE (h.id = ?1 OR "
		    "CAST(h.oid AS TEXT) = ?1) AND h.status != 'deleted' AND "
		    "(?2 = 0 OR h.user_oid = ?2)", host_columns);
	st = db_stmt(sql);
	sqlite3_bind_text(st, 1, ref, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, p->role == ROLE_ADMIN ? 0 : p->user_oid);
	if ((rc = sqlite3_step(st)) == SQLITE_ROW)
		row_to_host(st, h);
	sqlite3_reset(st);
	return rc == SQLITE_ROW ? 0 : -1;
}

int
hosts_load_oid(uint64_t oid, struct host_rec *h)
{
	static char	 sql[640];
	sqlite3_stmt	*st;
	int		 rc;

	if (sql[0] == '\0')
		snprintf(sql, sizeof(sql), "SELECT %s FROM hosts h JOIN users u "
		    "ON u.oid = h.user_oid WHERE h.oid = ?", host_columns);
	st = db_stmt(sql);
	sqlite3_bind_int64(st, 1, oid);
	if ((rc = sqlite3_step(st)) == SQLITE_ROW)
		row_to_host(st, h);
	sqlite3_reset(st);
	return rc == SQLITE_ROW ? 0 : -1;
}

int
hosts_set_status(uint64_t oid, const char *status)
{
	static const char sql[] = "UPDATE hosts SET status = ?, updated_at = ? "
	    "WHERE oid = ?";
	sqlite3_stmt	*st;
	int		 rc;

	if (status == NULL)
		return 0;	/* as it was */
	st = db_stmt(sql);
	sqlite3_bind_text(st, 1, status, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, db_now());
	sqlite3_bind_int64(st, 3, oid);
	rc = sqlite3_step(st);
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? 0 : -1;
}

int
host_event(const char *type, const struct host_rec *h, const char *task_id,
    const struct principal *p, const char *message)
{
	struct event_refs	 refs = { h->user_id, h->id, task_id };

	/* the reconciler's findings come from no dialect */
	return db_event_refs(type, p->user_oid != 0 ? "info" : "warn",
	    &refs, message, p->username, NULL, p->user_oid != 0 ? DIALECT_V1 :
	    -1);
}
