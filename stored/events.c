/*
 * GET /v1/admin/events: the audit trail, newest first, filtered by type,
 * user, host and time.  The statement for each combination of filters is
 * built once from constant pieces; values are always bound.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "body_users.h"
#include "log.h"
#include "stored.h"

#define F_TYPE		0x01
#define F_USER		0x02
#define F_HOST		0x04
#define F_SINCE		0x08
#define F_UNTIL		0x10
#define F_ALL		0x20


static char	 select_sql[F_ALL][640];
static char	 count_sql[F_ALL][400];

static void
where(char *dst, size_t len, int set)
{
	snprintf(dst, len, "WHERE 1%s%s%s%s%s",
	    set & F_TYPE ? " AND type = :type" : "",
	    set & F_USER ? " AND user_id = :user" : "",
	    set & F_HOST ? " AND host_id = :host" : "",
	    set & F_SINCE ? " AND created_at >= :since" : "",
	    set & F_UNTIL ? " AND created_at <= :until" : "");
}

static void
build(int set)
{
	char	 w[256];

	where(w, sizeof(w), set);
	snprintf(select_sql[set], sizeof(select_sql[set]), "SELECT id, "
	    "coalesce(task_id, ''), coalesce(host_id, ''), "
	    "coalesce(user_id, ''), level, type, message, metadata, "
	    "created_at FROM events %s ORDER BY created_at DESC, oid DESC "
	    "LIMIT :limit OFFSET :offset", w);
	snprintf(count_sql[set], sizeof(count_sql[set]),
	    "SELECT count(*) FROM events %s", w);
}

static void
bind_filter(sqlite3_stmt *st, const struct ipc_events_req *f)
{
	int	 i;

	if ((i = sqlite3_bind_parameter_index(st, ":type")) > 0)
		sqlite3_bind_text(st, i, f->type, -1, SQLITE_STATIC);
	if ((i = sqlite3_bind_parameter_index(st, ":user")) > 0)
		sqlite3_bind_text(st, i, f->user_id, -1, SQLITE_STATIC);
	if ((i = sqlite3_bind_parameter_index(st, ":host")) > 0)
		sqlite3_bind_text(st, i, f->host_id, -1, SQLITE_STATIC);
	if ((i = sqlite3_bind_parameter_index(st, ":since")) > 0)
		sqlite3_bind_int64(st, i, f->since);
	if ((i = sqlite3_bind_parameter_index(st, ":until")) > 0)
		sqlite3_bind_int64(st, i, f->until);
	if ((i = sqlite3_bind_parameter_index(st, ":limit")) > 0)
		sqlite3_bind_int(st, i, f->limit);
	if ((i = sqlite3_bind_parameter_index(st, ":offset")) > 0)
		sqlite3_bind_int64(st, i, f->offset);
}

/* A text column; a longer one (an old row with an odd actor) as "". */
static void
col(sqlite3_stmt *st, int i, char *dst, size_t len)
{
	const unsigned char	*t = sqlite3_column_text(st, i);

	if (t == NULL || (size_t)sqlite3_column_bytes(st, i) >= len)
		t = (const unsigned char *)"";
	strlcpy(dst, (const char *)t, len);
}

static void
row_to_event(sqlite3_stmt *st, struct event_rec *e)
{
	col(st, 0, e->id, sizeof(e->id));
	col(st, 1, e->task_id, sizeof(e->task_id));
	col(st, 2, e->host_id, sizeof(e->host_id));
	col(st, 3, e->user_id, sizeof(e->user_id));
	col(st, 4, e->level, sizeof(e->level));
	col(st, 5, e->type, sizeof(e->type));
	col(st, 6, e->message, sizeof(e->message));
	col(st, 7, e->metadata, sizeof(e->metadata));
	e->created_at = sqlite3_column_int64(st, 8);
}

/* The rows the filter set selects, newest first: a page. */
static void
list_page(const struct ipc_events_req *f, int set, struct ipc_msg *items,
    struct ipc_list_res *res)
{
	struct event_rec e;
	sqlite3_stmt	*st;

	if (select_sql[set][0] == '\0')
		build(set);
	st = db_stmt(count_sql[set]);
	bind_filter(st, f);
	if (sqlite3_step(st) == SQLITE_ROW)
		res->total = sqlite3_column_int64(st, 0);
	sqlite3_reset(st);
	st = db_stmt(select_sql[set]);
	bind_filter(st, f);
	while (items->sbuf.size < LIST_PAGE_BYTES &&
	    sqlite3_step(st) == SQLITE_ROW) {
		row_to_event(st, &e);
		ipc_msg_put_item(items, &e);
		res->count++;
	}
	sqlite3_reset(st);
}

/*
 * A user or host filter as the paths take it: a UUID, or a number that
 * becomes its row's UUID (a deleted row's number matches nothing).
 * Anything else is a bad parameter.
 */
static const char *
ref_filter(char *ref, size_t len, const char *sql, const char *what)
{
	static char	 why[64];
	sqlite3_stmt	*st;
	size_t		 n = strlen(ref);

	if (n == 0 || n == 36)
		return NULL;
	snprintf(why, sizeof(why), "%s must be an id or a number", what);
	if (n > 18 || strspn(ref, "0123456789") != n || ref[0] == '0')
		return why;
	/* the statement cache knows a statement by its text's address: a
	 * literal, never a buffer that another lookup reuses */
	st = db_stmt(sql);
	sqlite3_bind_int64(st, 1, strtoll(ref, NULL, 10));
	if (sqlite3_step(st) == SQLITE_ROW)
		db_text_col(st, 0, ref, len);
	else
		strlcpy(ref, "none", len);
	sqlite3_reset(st);
	return NULL;
}

/* Why the filters cannot be taken, or NULL. */
static const char *
filter_invalid(struct ipc_events_req *f)
{
	const char	*why;

	if (!f->no_since && !f->no_until && f->since > f->until)
		return "since is after until";
	if ((why = ref_filter(f->user_id, sizeof(f->user_id),
	    "SELECT id FROM users WHERE oid = ?", "user_id")) != NULL)
		return why;
	return ref_filter(f->host_id, sizeof(f->host_id),
	    "SELECT id FROM hosts WHERE oid = ?", "host_id");
}

int
events_list(struct ipc_chan *chan, struct ipc_msg *m)
{
	struct ipc_req	 req = ipc_req_of(chan, m);
	struct ipc_events_req f;
	struct ipc_list_res res;
	struct principal p;
	struct ipc_msg	 items;
	const char	*why = NULL;
	uint32_t	 retry;
	int		 status, set;

	if (ipc_msg_get(m, &f) == -1)
		return -1;
	status = authz_check(f.grant, f.grant_len, &p, &retry);
	set = (f.no_since ? 0 : F_SINCE) | (f.no_until ? 0 : F_UNTIL) |
	    (f.type[0] ? F_TYPE : 0) | (f.user_id[0] ? F_USER : 0) |
	    (f.host_id[0] ? F_HOST : 0);
	if (f.limit == 0 || f.limit > 200)
		f.limit = 200;
	if (status == 0 && p.role != ROLE_ADMIN)
		status = 403;
	if (status == 0 && (why = filter_invalid(&f)) != NULL)
		status = 400;
	memset(&res, 0, sizeof(res));
	ipc_msg_init(&items, IPC_EVENTS_RES, 0);
	if (status == 0)
		list_page(&f, set, &items, &res);
	head_set(&res.head, status == 0 ? 200 : status, status == 0 ? "ok" :
	    why != NULL ? why : status == 403 ? "admin only" :
	    "invalid or expired token");
	ipc_answer(&req, &res, &items);
	return 0;
}
