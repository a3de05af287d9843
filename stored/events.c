/*
 * GET /v1/admin/events: the audit trail, newest first, filtered by type,
 * user, host and time.  The statement for each combination of filters is
 * built once from constant pieces; values are always bound.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "stored.h"

#define F_TYPE		0x01
#define F_USER		0x02
#define F_HOST		0x04
#define F_SINCE		0x08
#define F_UNTIL		0x10
#define F_ALL		0x20

struct filter {
	uint32_t	 limit;
	uint32_t	 offset;
	char		 type[FIELD_FILTER_MAX + 1];
	char		 user_id[FIELD_FILTER_MAX + 1];
	char		 host_id[FIELD_FILTER_MAX + 1];
	int64_t		 since;
	int64_t		 until;
	int		 set;		/* F_ bits */
};

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
bind_filter(sqlite3_stmt *st, const struct filter *f)
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

static void
col(sqlite3_stmt *st, int i, struct ipc_msg *m)
{
	const unsigned char	*t = sqlite3_column_text(st, i);

	if (t == NULL || sqlite3_column_bytes(st, i) > FIELD_EVENT_TEXT_MAX)
		t = (const unsigned char *)"";
	ipc_put_str(m, (const char *)t);
}

static void
answer(struct ipc_chan *chan, const struct ipc_msg *req,
    const struct filter *f)
{
	struct ipc_msg	 body;
	sqlite3_stmt	*st;
	int64_t		 total = 0;
	uint64_t	 n = 0;
	int		 i;

	if (select_sql[f->set][0] == '\0')
		build(f->set);
	st = db_stmt(count_sql[f->set]);
	bind_filter(st, f);
	if (sqlite3_step(st) == SQLITE_ROW)
		total = sqlite3_column_int64(st, 0);
	sqlite3_reset(st);
	/* the rows first, in a scratch message, so the count is known */
	ipc_msg_init(&body, IPC_EVENTS_RES, 0);
	st = db_stmt(select_sql[f->set]);
	bind_filter(st, f);
	while (body.sbuf.size < LIST_PAGE_BYTES &&
	    sqlite3_step(st) == SQLITE_ROW) {
		for (i = 0; i < 8; i++)
			col(st, i, &body);
		ipc_put_i64(&body, sqlite3_column_int64(st, 8));
		n++;
	}
	sqlite3_reset(st);
	reply_list(chan, req, IPC_EVENTS_RES, 200,
	    "ok", total, n, &body);
}

static void
refuse(struct ipc_chan *chan, const struct ipc_msg *req, int status,
    const char *message)
{
	reply_list(chan, req, IPC_EVENTS_RES, status, message, 0, 0, NULL);
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

int
events_list(struct ipc_chan *chan, struct ipc_msg *m)
{
	struct principal p;
	struct filter	 f;
	const char	*why = NULL;
	uint32_t	 retry;
	int		 status, none;

	memset(&f, 0, sizeof(f));
	status = authz_grant(m, &p, &retry);
	ipc_get_u32(m, &f.limit);
	ipc_get_u32(m, &f.offset);
	ipc_get_str(m, f.type, sizeof(f.type));
	ipc_get_str(m, f.user_id, sizeof(f.user_id));
	ipc_get_str(m, f.host_id, sizeof(f.host_id));
	ipc_get_opti64(m, &f.since, &none);
	f.set |= none ? 0 : F_SINCE;
	ipc_get_opti64(m, &f.until, &none);
	f.set |= none ? 0 : F_UNTIL;
	if (ipc_end(m) == -1)
		return -1;
	f.set |= (f.type[0] ? F_TYPE : 0) | (f.user_id[0] ? F_USER : 0) |
	    (f.host_id[0] ? F_HOST : 0);
	if (f.limit == 0 || f.limit > 200)
		f.limit = 200;
	if (status == 0 && p.role != ROLE_ADMIN)
		status = 403;
	if (status == 0 && (f.set & F_SINCE) && (f.set & F_UNTIL) &&
	    f.since > f.until)
		why = "since is after until";
	if (status == 0 && why == NULL)
		why = ref_filter(f.user_id, sizeof(f.user_id),
		    "SELECT id FROM users WHERE oid = ?", "user_id");
	if (status == 0 && why == NULL)
		why = ref_filter(f.host_id, sizeof(f.host_id),
		    "SELECT id FROM hosts WHERE oid = ?", "host_id");
	if (status == 0 && why != NULL)
		status = 400;
	if (status != 0)
		refuse(chan, m, status, why != NULL ? why : status == 403 ?
		    "admin only" : "invalid or expired token");
	else
		answer(chan, m, &f);
	return 0;
}
