/*
 * User groups: an admin makes them, names the users in them and deletes
 * them; GET /v2/account shows a user's own.  Every change writes its
 * event in the same transaction.
 */
#include <stdio.h>
#include <string.h>

#include "body_keys.h"
#include "grouprec.h"
#include "body_users.h"
#include "log.h"
#include "stored.h"
#include "util.h"

static const char group_columns[] = "g.oid, g.id, g.name, (SELECT count(*) "
    "FROM user_groups ug WHERE ug.group_oid = g.oid), g.created_at";

static void
row_to_group(sqlite3_stmt *st, uint64_t *oid, struct group_rec *g)
{
	memset(g, 0, sizeof(*g));
	*oid = sqlite3_column_int64(st, 0);
	strlcpy(g->id, (const char *)sqlite3_column_text(st, 1),
	    sizeof(g->id));
	strlcpy(g->name, (const char *)sqlite3_column_text(st, 2),
	    sizeof(g->name));
	g->members = sqlite3_column_int64(st, 3);
	g->created_at = sqlite3_column_int64(st, 4);
}

/* The group whose id ref is; -1 if none. */
static int
group_load(const char *ref, uint64_t *oid, struct group_rec *g)
{
	static char	 sql[256];
	sqlite3_stmt	*st;
	int		 rc;

	if (sql[0] == '\0')
		snprintf(sql, sizeof(sql), "SELECT %s FROM groups g WHERE "
		    "g.id = ?", group_columns);
	st = db_stmt(sql);
	sqlite3_bind_text(st, 1, ref, -1, SQLITE_STATIC);
	if ((rc = sqlite3_step(st)) == SQLITE_ROW)
		row_to_group(st, oid, g);
	sqlite3_reset(st);
	return rc == SQLITE_ROW ? 0 : -1;
}

/* A name an operator types: a letter, then letters, digits, . _ - */
static int
name_ok(const char *s)
{
	size_t	 len = strlen(s);

	return len >= 1 && len <= GROUP_NAME_MAX &&
	    strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ",
	    s[0]) != NULL && strspn(s, "abcdefghijklmnopqrstuvwxyz"
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-") == len;
}

static int
create_group(const char *name, struct group_rec *g, const char **why)
{
	static const char sql[] = "INSERT INTO groups (id, name, created_at) "
	    "VALUES (?, ?, ?)";
	sqlite3_stmt	*st;
	uint64_t	 oid;
	int		 rc;

	if (!name_ok(name)) {
		*why = "name must be 1 to 64 letters, digits, dots, "
		    "underscores and hyphens, starting with a letter";
		return 400;
	}
	if (db_count("SELECT count(*) FROM groups", 0) >= GROUPS_MAX) {
		*why = "too many groups";
		return 409;
	}
	memset(g, 0, sizeof(*g));
	uuid_v4(g->id);
	st = db_stmt(sql);
	sqlite3_bind_text(st, 1, g->id, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, name, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 3, db_now());
	rc = sqlite3_step(st);
	sqlite3_reset(st);
	if ((rc & 0xff) == SQLITE_CONSTRAINT) {
		*why = "a group of that name exists";
		return 409;
	}
	if (rc != SQLITE_DONE || group_load(g->id, &oid, g) == -1)
		return 500;
	return 201;
}

static int
join(uint64_t user, uint64_t group, const char **why)
{
	static const char sql[] = "INSERT INTO user_groups (user_oid, "
	    "group_oid) VALUES (?, ?) ON CONFLICT DO NOTHING";

	if (db_count("SELECT count(*) FROM user_groups WHERE user_oid = ?",
	    user) >= GROUPS_PER_USER_MAX) {
		*why = "the user is in too many groups";
		return 409;
	}
	return db_write(sql, user, group) == -1 ? 500 : 200;
}

static int
leave(uint64_t user, uint64_t group, const char **why)
{
	static const char sql[] = "DELETE FROM user_groups WHERE user_oid = ? "
	    "AND group_oid = ?";
	int	 n = db_write(sql, user, group);

	if (n == 0)
		*why = "the user is not in the group";
	return n == -1 ? 500 : n == 0 ? 404 : 204;
}

static const char *
event_type(uint32_t op)
{
	switch (op) {
	case GROUP_CREATE:
		return "admin.group.create";
	case GROUP_DELETE:
		return "admin.group.delete";
	case GROUP_JOIN:
		return "admin.group.join";
	default:
		return "admin.group.leave";
	}
}

/* Applies op in a transaction with its event; the HTTP status. */
static int
apply(uint32_t op, const struct principal *p, const char *ref,
    const char *user_ref_s, struct group_rec *g, const char **why)
{
	struct user_rec	 u;
	uint64_t	 goid = 0, uoid = 0;
	char		 message[128];
	int		 status;

	if (db_begin() == -1)
		return 500;
	if (op != GROUP_CREATE && group_load(ref, &goid, g) == -1)
		status = 404;
	else if ((op == GROUP_JOIN || op == GROUP_LEAVE) &&
	    (user_ref(user_ref_s, &uoid) == -1 || user_load(uoid, &u) == -1))
		status = 404;
	else if (op == GROUP_CREATE)
		status = create_group(ref, g, why);
	else if (op == GROUP_DELETE)
		status = db_write("DELETE FROM groups WHERE oid = ?", goid,
		    0) == 1 ? 204 : 500;
	else if (op == GROUP_JOIN)
		status = join(uoid, goid, why);
	else
		status = leave(uoid, goid, why);
	snprintf(message, sizeof(message), "group %s", g->name);
	if (status >= 300 || db_event(event_type(op), "info", uoid != 0 ?
	    u.id : NULL, message, p->username, NULL, -1) == -1 ||
	    ((op == GROUP_JOIN || op == GROUP_LEAVE) &&
	    group_load(g->id, &goid, g) == -1) || db_commit() == -1) {
		db_rollback();
		return status >= 300 ? status : 500;
	}
	return status;
}

static int
answer_group(const struct ipc_req *req, int status, const char *message,
    const struct group_rec *g)
{
	struct ipc_group_res res;

	memset(&res, 0, sizeof(res));
	head_set(&res.head, status, message);
	res.group = *g;
	ipc_answer(req, &res, NULL);
	return 0;
}

/* op.group: an admin's operation on a group, and on a user in it. */
int
groups_op(struct ipc_chan *chan, struct ipc_msg *m)
{
	struct ipc_req	 req = ipc_req_of(chan, m);
	struct ipc_group_req q;
	struct principal p;
	struct group_rec g;
	const char	*why = NULL;
	uint64_t	 goid;
	uint32_t	 retry;
	int		 status;

	if (ipc_msg_get(m, &q) == -1)
		return -1;
	if (q.op < GROUP_CREATE || q.op > GROUP_LEAVE)
		return ipc_violation(m, "unknown group operation");
	memset(&g, 0, sizeof(g));
	status = authz_check(q.grant, q.grant_len, &p, &retry);
	if (status == 0 && p.role != ROLE_ADMIN)
		status = 403;
	if (status == 0 && q.op == GROUP_GET)
		status = group_load(q.ref, &goid, &g) == 0 ? 200 : 404;
	else if (status == 0)
		status = apply(q.op, &p, q.ref, q.user, &g, &why);
	if (why == NULL)
		why = status == 404 ? "group or user not found" :
		    status_message(status);
	return answer_group(&req, status, why, &g);
}

/* The groups of one user ("" for every group), by name: a page. */
static void
list_page(uint64_t user, uint32_t limit, uint32_t offset,
    struct ipc_msg *items, struct ipc_list_res *res)
{
	static char	 sql[512];
	static const char total_sql[] = "SELECT count(*) FROM groups g WHERE "
	    "?1 = 0 OR g.oid IN (SELECT group_oid FROM user_groups WHERE "
	    "user_oid = ?1)";
	struct group_rec g;
	sqlite3_stmt	*st;
	uint64_t	 goid;

	if (sql[0] == '\0')
		snprintf(sql, sizeof(sql), "SELECT %s FROM groups g WHERE "
		    "?1 = 0 OR g.oid IN (SELECT group_oid FROM user_groups "
		    "WHERE user_oid = ?1) ORDER BY g.name LIMIT ?2 OFFSET ?3",
		    group_columns);
	st = db_stmt(sql);
	sqlite3_bind_int64(st, 1, user);
	sqlite3_bind_int(st, 2, limit > GROUPS_PER_USER_MAX ?
	    GROUPS_PER_USER_MAX : limit);
	sqlite3_bind_int64(st, 3, offset);
	while (sqlite3_step(st) == SQLITE_ROW) {
		row_to_group(st, &goid, &g);
		ipc_msg_put_item(items, &g);
		res->count++;
	}
	sqlite3_reset(st);
	res->total = db_count(total_sql, user);
}

static const char *
list_refusal(int status)
{
	return status == 404 ? "user not found" : status_message(status);
}

/*
 * op.group.list: admins only, as a user sees their groups in GET
 * /v2/account.
 */
int
groups_list(struct ipc_chan *chan, struct ipc_msg *m)
{
	return admin_user_page(chan, m, IPC_GROUP_LIST_RES, list_page,
	    list_refusal);
}

/* The id and name of each group of user, for GET /v2/account. */
void
groups_put_brief(struct ipc_msg *items, uint64_t user)
{
	static const char sql[] = "SELECT g.id, g.name FROM groups g JOIN "
	    "user_groups ug ON ug.group_oid = g.oid WHERE ug.user_oid = ? "
	    "ORDER BY g.name LIMIT ?";
	struct account_item	 it;
	sqlite3_stmt		*st = db_stmt(sql);

	sqlite3_bind_int64(st, 1, user);
	sqlite3_bind_int(st, 2, GROUPS_PER_USER_MAX);
	while (sqlite3_step(st) == SQLITE_ROW) {
		memset(&it, 0, sizeof(it));
		it.kind = ACCOUNT_ITEM_GROUP;
		strlcpy(it.id, (const char *)sqlite3_column_text(st, 0),
		    sizeof(it.id));
		strlcpy(it.name, (const char *)sqlite3_column_text(st, 1),
		    sizeof(it.name));
		ipc_msg_put_item(items, &it);
	}
	sqlite3_reset(st);
}
