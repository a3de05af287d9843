/*
 * What the command API's User and Vsite objects do to moat's own rows,
 * in the command's transaction, with the events the other dialects
 * write: a User is a moat user; a suspended User, or a user of a
 * suspended Vsite, is marked in users.suspended, which every credential
 * and token lookup reads; an object of a class "backed-by host" (the
 * shipped schema's Vsite) has a host, made as POST /v1/admin/hosts makes
 * one, stopped while the site is suspended and deleted with it.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cce.h"
#include "log.h"
#include "util.h"

static void
woken(struct cce_ctx *c, uint64_t user)
{
	if (c->nwoken < sizeof(c->woken) / sizeof(c->woken[0]))
		c->woken[c->nwoken++] = user;
}

/*
 * A user without a password yet: "!" is no hash, so nobody logs in with
 * one.  0, 1 if the name is taken, or -1.
 */
static int
user_insert(const char *name, char id[37], uint64_t *user)
{
	static const char sql[] = "INSERT INTO users (id, username, "
	    "password_hash, role, status, created_at, updated_at) VALUES "
	    "(?, ?, '!', 'user', 'active', ?, ?)";
	sqlite3_stmt	*st = db_stmt(sql);
	int64_t		 now = db_now();
	int		 rc;

	uuid_v4(id);
	sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, name, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 3, now);
	sqlite3_bind_int64(st, 4, now);
	rc = sqlite3_step(st);
	sqlite3_reset(st);
	if ((rc & 0xff) == SQLITE_CONSTRAINT)
		return 1;
	*user = sqlite3_last_insert_rowid(sqlite3_db_handle(st));
	return rc == SQLITE_DONE ? 0 : -1;
}

int
cce_moat_user_create(struct cce_ctx *c, const char *name, uint64_t *user,
    struct cce_out *out)
{
	char		 id[37];
	int		 rc;

	if (strlen(name) < 3)
		return cce_fail(out, CCE_BAD_DATA, "name: 3 characters at "
		    "least");
	if ((rc = user_insert(name, id, user)) == 1)
		return cce_fail(out, CCE_BAD_DATA, "name: %s is taken", name);
	if (rc != 0 || cce_user_object(*user) == -1 ||
	    db_event("admin.user.create", "info", id, "user created",
	    c->p.username, NULL, DIALECT_CCE) == -1)
		return cce_fail(out, CCE_CMD_ERROR, "database error");
	return 0;
}

static int
user_text(const char *sql, const char *value, uint64_t user)
{
	sqlite3_stmt	*st = db_stmt(sql);
	int		 rc;

	sqlite3_bind_text(st, 1, value, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, db_now());
	sqlite3_bind_int64(st, 3, user);
	rc = sqlite3_step(st);
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? 0 : -1;
}

int
cce_moat_user_set(struct cce_ctx *c, struct cce_obj *o, const char *prop,
    const char *value, struct cce_out *out)
{
	static const char name_sql[] = "UPDATE users SET first_name = ?, "
	    "last_name = '', updated_at = ? WHERE oid = ?";
	static const char status_sql[] = "UPDATE users SET status = ?, "
	    "updated_at = ? WHERE oid = ?";
	static const char role_sql[] = "UPDATE users SET role = ?, "
	    "updated_at = ? WHERE oid = ?";
	uint64_t	 keep = 0;
	int		 rc = 0;

	if (strcmp(prop, "password") == 0) {
		/* the caller's own session stays; every other ends */
		if (o->user_oid == c->p.user_oid)
			keep = c->p.cred_oid;
		rc = user_set_hash(o->user_oid, value) == -1 ||
		    sessions_end_user(o->user_oid, keep) == -1 ? -1 : 0;
	} else if (strcmp(prop, "fullName") == 0)
		rc = user_text(name_sql, value, o->user_oid);
	else if (strcmp(prop, "enabled") == 0) {
		rc = user_text(status_sql, strcmp(value, "1") == 0 ?
		    "active" : "disabled", o->user_oid);
		if (rc == 0 && strcmp(value, "0") == 0) {
			rc = sessions_end_user(o->user_oid, 0);
			woken(c, o->user_oid);
		}
	} else if (strcmp(prop, "systemAdministrator") == 0)
		rc = user_text(role_sql, strcmp(value, "1") == 0 ? "admin" :
		    "user", o->user_oid);
	else
		return cce_fail(out, CCE_DENIED, "%s is read only", prop);
	if (rc == -1 || user_load(o->user_oid, &o->u) == -1)
		return cce_fail(out, CCE_CMD_ERROR, "database error");
	return 0;
}

int
cce_moat_user_destroy(struct cce_ctx *c, struct cce_obj *o,
    struct cce_out *out)
{
	int	 queued;

	if (o->user_oid == c->p.user_oid)
		return cce_fail(out, CCE_DENIED, "not yourself");
	/* its sessions, keys and devices by the foreign keys, its hosts
	 * by the tasks queued first, as op.user.delete does; its devices'
	 * polls hear it once this transaction is over */
	devsignal_wake_user(o->user_oid);
	if ((queued = hosts_teardown_user(o->user_oid, c->p.user_id)) < 0 ||
	    db_event("admin.user.delete", "info", o->u.id, "user deleted",
	    c->p.username, NULL, DIALECT_CCE) == -1 ||
	    db_write("DELETE FROM users WHERE oid = ?", o->user_oid, 0) == -1)
		return cce_fail(out, CCE_CMD_ERROR, "database error");
	if (queued > 0)
		c->wake_tasks = 1;
	return 0;
}

/*
 * A user is suspended when their User says so, or the Vsite their User's
 * site names does; a user becoming suspended loses their sessions.
 */
int
cce_moat_suspension(struct cce_ctx *c, uint64_t user)
{
	static const char sql[] = "UPDATE users SET suspended = CASE WHEN "
	    "EXISTS (SELECT 1 FROM cce_props p WHERE p.oid = ?1 AND "
	    "p.namespace = '' AND p.name = 'suspend' AND p.value = '1') OR "
	    "EXISTS (SELECT 1 FROM cce_props s JOIN cce_props v ON "
	    "v.class = 'Vsite' AND v.namespace = '' AND v.name = 'name' AND "
	    "v.value = s.value JOIN cce_props w ON w.oid = v.oid AND "
	    "w.namespace = '' AND w.name = 'suspend' AND w.value = '1' "
	    "WHERE s.oid = ?1 AND s.namespace = '' AND s.name = 'site') "
	    "THEN 1 ELSE 0 END "
	    "WHERE oid = ?2";
	static const char now_sql[] = "SELECT suspended FROM users WHERE "
	    "oid = ?";
	uint64_t	 obj = cce_object_of_user(user);
	int64_t		 before, after;

	if (user == 0 || obj == 0)
		return 0;
	before = db_count(now_sql, user);
	if (db_write(sql, obj, user) == -1)
		return -1;
	after = db_count(now_sql, user);
	if (after && !before) {
		woken(c, user);
		return sessions_end_user(user, 0);
	}
	return 0;
}

static int
host_task(struct cce_ctx *c, uint64_t host, uint32_t action,
    const char *what)
{
	struct host_rec	 h;
	char		 task_id[37];

	if (hosts_load_oid(host, &h) == -1 || strcmp(h.status, "deleted") == 0)
		return 0;
	if ((action == HOST_DELETE && bindings_detach_host(host) == -1) ||
	    tasks_enqueue(action, host, c->p.user_id, task_id) == -1 ||
	    host_event("admin.host.action", &h, task_id, &c->p, what) == -1)
		return -1;
	c->wake_tasks = 1;
	return 0;
}

/* Each user of the site read again; its host stopped or started. */
int
cce_moat_site_suspend(struct cce_ctx *c, const struct cce_obj *site)
{
	static const char users_sql[] = "SELECT o.user_oid FROM cce_props v "
	    "JOIN cce_props s ON s.class = 'User' AND s.namespace = '' AND "
	    "s.name = 'site' AND s.value = v.value JOIN cce_objects o ON "
	    "o.oid = s.oid WHERE v.oid = ? AND v.namespace = '' AND "
	    "v.name = 'name' AND o.user_oid IS NOT NULL";
	static const char susp_sql[] = "SELECT count(*) FROM cce_props "
	    "WHERE oid = ? AND namespace = '' AND name = 'suspend' AND "
	    "value = '1'";
	uint64_t	*users = NULL, *grown;
	size_t		 n = 0, cap = 0, i;
	sqlite3_stmt	*st;
	int		 rc = 0, on;

	/* all first: the suspension uses statements of its own */
	st = db_stmt(users_sql);
	sqlite3_bind_int64(st, 1, site->oid);
	while (sqlite3_step(st) == SQLITE_ROW) {
		if (n == cap) {
			cap = cap == 0 ? 64 : cap * 2;
			if ((grown = reallocarray(users, cap,
			    sizeof(*users))) == NULL)
				fatalx("%s: out of memory", __func__);
			users = grown;
		}
		users[n++] = sqlite3_column_int64(st, 0);
	}
	sqlite3_reset(st);
	for (i = 0; i < n && rc == 0; i++)
		rc = cce_moat_suspension(c, users[i]);
	free(users);
	if (rc == -1)
		return -1;
	if (site->host_oid == 0)
		return 0;
	on = db_count(susp_sql, site->oid) > 0;
	return host_task(c, site->host_oid, on ? HOST_STOP : HOST_START,
	    on ? "host stop requested: site suspended" :
	    "host start requested: site resumed");
}

/*
 * The account that owns a backed object's host: a user has one live host
 * at most, so the admin making sites cannot own them all, and a site's
 * host must outlive any of the site's users.  "cce:<oid>" is a name no
 * dialect gives a user (':' is in none), nobody logs in to it ('!' is
 * no hash), and it has no User object: FIND, GET and maxusers do not
 * see it.  The v1 admin routes list it, with its host.
 */
static void
site_account_name(const struct cce_obj *site, char *name, size_t len)
{
	snprintf(name, len, "cce:%llu", (unsigned long long)site->oid);
}

static int
site_account(struct cce_ctx *c, const struct cce_obj *site, uint64_t *user)
{
	char		 id[37], name[32], what[96];
	int		 rc;

	site_account_name(site, name, sizeof(name));
	if ((rc = user_insert(name, id, user)) != 0)
		return rc;
	snprintf(what, sizeof(what), "the account of %s %llu's host",
	    site->class, (unsigned long long)site->oid);
	return db_event("admin.user.create", "info", id, what,
	    c->p.username, NULL, DIALECT_CCE);
}

/* The answer's 305: the site was made, without a host. */
static void
no_host(struct cce_ctx *c, const struct cce_obj *site, const char *why)
{
	char	 text[160];

	snprintf(text, sizeof(text), "WARNING: %s has no host: %s",
	    site->class, why);
	if (c->infos == NULL && (c->infos = json_array()) == NULL)
		fatalx("%s: out of memory", __func__);
	json_array_append_new(c->infos, json_pack("{s:i,s:s}", "code",
	    CCE_WARNING, "message", text));
}

/* The account and with it its host (0), none (1), or -1. */
static int
site_account_drop(struct cce_ctx *c, const struct cce_obj *site)
{
	static const char sql[] = "SELECT oid, id FROM users WHERE "
	    "username = ?";
	sqlite3_stmt	*st = db_stmt(sql);
	char		 name[32], id[37];
	uint64_t	 user = 0;
	int		 queued;

	site_account_name(site, name, sizeof(name));
	sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
	if (sqlite3_step(st) == SQLITE_ROW) {
		user = sqlite3_column_int64(st, 0);
		db_text_col(st, 1, id, sizeof(id));
	}
	sqlite3_reset(st);
	if (user == 0)
		return 1;
	if ((queued = hosts_teardown_user(user, c->p.user_id)) < 0 ||
	    db_event("admin.user.delete", "info", id, "site account deleted",
	    c->p.username, NULL, DIALECT_CCE) == -1 ||
	    db_write("DELETE FROM users WHERE oid = ?", user, 0) == -1)
		return -1;
	if (queued > 0)
		c->wake_tasks = 1;
	return 0;
}

/*
 * The host of a new backed object, owned by an account of its own.  An
 * account that cannot be made (its name taken by hand) leaves the site
 * without a host, and the answer says so (305).
 */
int
cce_moat_site_host(struct cce_ctx *c, struct cce_obj *site)
{
	static const char sql[] =
	    "UPDATE cce_objects SET host_oid = ? WHERE oid = ?";
	struct host_rec	 h;
	char		 task_id[37];
	const char	*why = NULL;
	int		 status;

	memset(&h, 0, sizeof(h));
	if ((status = site_account(c, site, &h.user_oid)) != 0) {
		if (status == 1)
			no_host(c, site, "its account's name is taken");
		return status == 1 ? 0 : -1;
	}
	strlcpy(h.timezone, "UTC", sizeof(h.timezone));
	h.memory_limit_mb = 512;
	h.cpu_milli = 1000;
	h.pids_limit = 256;
	if ((status = hosts_new_row(&h, &why)) == 409 || status == 400) {
		no_host(c, site, status == 409 ? "its account has a live host "
		    "already" : why);
		return 0;
	}
	if (status != 0 || hosts_new_task(&c->p, &h, task_id) == -1 ||
	    db_write(sql, h.oid, site->oid) == -1)
		return -1;
	site->host_oid = h.oid;
	c->wake_tasks = 1;
	return 0;
}

/* A Vsite's users go with it, and its host. */
int
cce_moat_site_destroy(struct cce_ctx *c, struct cce_obj *site,
    struct cce_out *out)
{
	static const char sql[] = "SELECT o.oid FROM cce_props v "
	    "JOIN cce_props s ON s.class = 'User' AND s.namespace = '' AND "
	    "s.name = 'site' AND s.value = v.value JOIN cce_objects o ON "
	    "o.oid = s.oid WHERE v.oid = ? AND v.namespace = '' AND "
	    "v.name = 'name' AND o.user_oid IS NOT NULL LIMIT 64";
	struct cce_obj	 u;
	uint64_t	 objs[64];
	size_t		 n, i;
	sqlite3_stmt	*st;
	int		 rc;

	do {
		st = db_stmt(sql);
		sqlite3_bind_int64(st, 1, site->oid);
		for (n = 0; n < 64 && sqlite3_step(st) == SQLITE_ROW; n++)
			objs[n] = sqlite3_column_int64(st, 0);
		sqlite3_reset(st);
		for (i = 0; i < n; i++)
			if (cce_obj_load(objs[i], &u) == -1 ||
			    cce_moat_user_destroy(c, &u, out) != 0)
				return out->code != 0 ? out->code :
				    cce_fail(out, CCE_CMD_ERROR,
				    "database error");
	} while (n == 64);
	/* a site made before sites had accounts has its admin's host */
	if ((rc = site_account_drop(c, site)) == -1 || (rc == 1 &&
	    site->host_oid != 0 && host_task(c, site->host_oid, HOST_DELETE,
	    "host delete requested: site destroyed") == -1))
		return cce_fail(out, CCE_CMD_ERROR, "database error");
	return 0;
}
