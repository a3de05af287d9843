/*
 * The command API's writes: SET, CREATE and DESTROY.  Every value is
 * checked against its property's type and access rule before anything
 * is kept, and the whole command runs in the caller's transaction (its
 * own, or COMMIT's), so that a refused value leaves nothing behind.
 * What a User maps and what a Vsite's suspension does to moat's own
 * rows is ccemoat.c's.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cce.h"
#include "log.h"

/* A value as it will be kept: checked, and a host name in lower case. */
static int
checked_value(const struct cces_prop *p, const struct ipc_cce_arg *a,
    char *out, size_t len, struct cce_out *res)
{
	const char	*why;
	size_t		 i;

	if (a->op == CCE_OP_MATCH)
		return cce_fail(res, CCE_BAD_PARAMS, "%s: ~ is FIND's",
		    a->key);
	if (p->type == CCE_T_PASSWORD && a->op != CCE_OP_HASHED)
		return cce_fail(res, CCE_BAD_DATA, "%s: a password is set "
		    "through authd", a->key);
	if (p->type != CCE_T_PASSWORD && a->op == CCE_OP_HASHED)
		return cce_fail(res, CCE_BAD_DATA, "%s: not a password",
		    a->key);
	if (strlcpy(out, a->value, len) >= len)
		return cce_fail(res, CCE_BAD_DATA, "%s: too long", a->key);
	if (p->type == CCE_T_FQDN)
		for (i = 0; out[i] != '\0'; i++)
			out[i] = (char)tolower((unsigned char)out[i]);
	if (a->op != CCE_OP_HASHED && cce_type_check(p->type, p->tdef !=
	    NULL ? p->tdef->re : NULL, p->array, out, &why) == -1)
		return cce_fail(res, CCE_BAD_DATA, "%s: %s", a->key, why);
	return 0;
}

/* Whether the caller may write p of o (CREATE: an admin's new object). */
static int
writable(struct cce_ctx *c, const struct cce_obj *o,
    const struct cces_prop *p, const char *key, struct cce_out *out)
{
	if (p->write == CCES_NONE)
		return cce_fail(out, CCE_DENIED, "%s is read only", key);
	if (cce_relation(c, o) < cce_level(p->write))
		return cce_fail(out, CCE_DENIED, "%s: not yours to change",
		    key);
	return 0;
}

/* An admin does not lock themself out: nobody may be left to undo it. */
static int
self_lockout(struct cce_ctx *c, const struct cce_obj *o,
    const struct cces_group *g, const char *prop, const char *value,
    struct cce_out *out)
{
	if (o->user_oid == 0 || o->user_oid != c->p.user_oid ||
	    g->ns[0] != '\0')
		return 0;
	if ((strcmp(prop, "enabled") == 0 && strcmp(value, "0") == 0) ||
	    (strcmp(prop, "suspend") == 0 && strcmp(value, "1") == 0) ||
	    (strcmp(prop, "systemAdministrator") == 0 &&
	    strcmp(value, "0") == 0 && c->p.role == ROLE_ADMIN))
		return cce_fail(out, CCE_DENIED, "%s: not of yourself", prop);
	return 0;
}

/* A User's site is a Vsite there is, with room for one more user. */
static int
site_known(const struct cce_obj *o, const struct cces_group *g,
    const struct cces_prop *p, const char *value, struct cce_out *out)
{
	static const char sql[] = "SELECT oid FROM cce_props WHERE class = "
	    "'Vsite' AND namespace = '' AND name = 'name' AND value = ?";
	static const char users_sql[] = "SELECT count(*) FROM cce_props "
	    "WHERE class = 'User' AND namespace = '' AND name = 'site' AND "
	    "value = ? AND oid != ?";
	const struct cces_group	*vg;
	const struct cces_prop	*max;
	struct cce_obj		 site;
	sqlite3_stmt		*st;
	char			 room[32];
	uint64_t		 oid = 0;
	int64_t			 n = 0;

	if (o->user_oid == 0 || g->ns[0] != '\0' ||
	    strcmp(p->name, "site") != 0 || value[0] == '\0')
		return 0;
	st = db_stmt(sql);
	sqlite3_bind_text(st, 1, value, -1, SQLITE_STATIC);
	if (sqlite3_step(st) == SQLITE_ROW)
		oid = sqlite3_column_int64(st, 0);
	sqlite3_reset(st);
	if (oid == 0 || cce_obj_load(oid, &site) == -1)
		return cce_fail(out, CCE_BAD_DATA, "site: no Vsite %s", value);
	vg = cce_schema_group(cce_schema_get(), "Vsite", NULL);
	if (vg == NULL || (max = cce_schema_prop(vg, "maxusers")) == NULL ||
	    cce_value(&site, "", max, room, sizeof(room)) == -1)
		return 0;
	st = db_stmt(users_sql);
	sqlite3_bind_text(st, 1, value, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, o->oid);
	if (sqlite3_step(st) == SQLITE_ROW)
		n = sqlite3_column_int64(st, 0);
	sqlite3_reset(st);
	if (room[0] != '\0' && n >= strtoll(room, NULL, 10))
		return cce_fail(out, CCE_BAD_DATA, "site: %s has its "
		    "maxusers (%s)", value, room);
	return 0;
}

/* One value kept: into moat's row, or the property store. */
static int
put(struct cce_ctx *c, struct cce_obj *o, const struct cces_group *g,
    const struct cces_prop *p, const char *value, struct cce_out *out)
{
	if (o->user_oid != 0 && cce_user_column(o->class, g->ns,
	    p->name) != NULL)
		return cce_moat_user_set(c, o, p->name, value, out);
	if (cce_store_put(o, g->ns, p->name, value) == -1)
		return cce_fail(out, CCE_CMD_ERROR, "database error");
	return 0;
}

/* What changing the value of a suspension or a site does after. */
struct effects {
	int	 user;		/* the User's suspension is to be read again */
	int	 site;		/* the Vsite's suspend changed */
};

static void
note(const struct cce_obj *o, const struct cces_group *g,
    const struct cces_prop *p, const char *old, const char *value,
    struct effects *e)
{
	if (g->ns[0] != '\0')
		return;
	if (o->user_oid != 0 && (strcmp(p->name, "suspend") == 0 ||
	    strcmp(p->name, "site") == 0))
		e->user = 1;
	if (strcmp(o->class, "Vsite") == 0 &&
	    strcmp(p->name, "suspend") == 0 && strcmp(old, value) != 0)
		e->site = 1;
}

static int
set_args(struct cce_ctx *c, struct cce_obj *o, const struct cce_cmd *cmd,
    int creating, struct effects *e, struct cce_out *out)
{
	static char		 value[CCE_VALUE_MAX + 1], old[CCE_VALUE_MAX + 1];
	const struct cces_group	*g;
	const struct cces_prop	*p;
	size_t			 i;

	for (i = 0; i < cmd->nargs; i++) {
		if (cce_resolve(cce_schema_get(), o->class, cmd->req.ns,
		    cmd->args[i].key, &g, &p, out) != 0)
			return out->code;
		/* CREATE User gives the name that makes the user */
		if (creating && o->user_oid != 0 && g->ns[0] == '\0' &&
		    strcmp(p->name, "name") == 0)
			continue;
		if (writable(c, o, p, cmd->args[i].key, out) != 0 ||
		    checked_value(p, &cmd->args[i], value, sizeof(value),
		    out) != 0 || self_lockout(c, o, g, p->name, value,
		    out) != 0 || site_known(o, g, p, value, out) != 0)
			return out->code;
		if (cce_value(o, g->ns, p, old, sizeof(old)) == -1)
			return cce_fail(out, CCE_CMD_ERROR, "database error");
		if (put(c, o, g, p, value, out) != 0)
			return out->code;
		note(o, g, p, old, value, e);
	}
	if (e->user && cce_moat_suspension(c, o->user_oid) == -1)
		return cce_fail(out, CCE_CMD_ERROR, "database error");
	if (e->site && cce_moat_site_suspend(c, o) == -1)
		return cce_fail(out, CCE_CMD_ERROR, "database error");
	return 0;
}

/* moat's own rows are written by their own dialects alone */
static int
read_only(struct cce_ctx *c, uint64_t oid, struct cce_out *out)
{
	json_t	*j;

	if ((j = cce_ro_object(c, oid)) == NULL)
		return cce_fail(out, CCE_UNKNOWN_OBJECT, "no object %llu",
		    (unsigned long long)oid);
	json_decref(j);
	return cce_fail(out, CCE_DENIED, "%llu is read only here",
	    (unsigned long long)oid);
}

int
cce_set(struct cce_ctx *c, const struct cce_cmd *cmd, struct cce_out *out)
{
	struct cce_obj	 o;
	struct effects	 e = { 0, 0 };

	if (cce_ro_of(cmd->req.oid) != -1)
		return read_only(c, cmd->req.oid, out);

	if (cce_obj_load(cmd->req.oid, &o) == -1 || !cce_visible(c, &o))
		return cce_fail(out, CCE_UNKNOWN_OBJECT, "no object %llu",
		    (unsigned long long)cmd->req.oid);
	if (cmd->req.ns[0] != '\0' && cce_schema_group(cce_schema_get(),
	    o.class, cmd->req.ns) == NULL)
		return cce_fail(out, CCE_UNKNOWN_NS, "%s has no namespace %s",
		    o.class, cmd->req.ns);
	if (set_args(c, &o, cmd, 0, &e, out) != 0)
		return out->code;
	if (cce_event(c, &o, o.user_oid != 0 ? "admin.user.update" :
	    "cce.object.update", "changed") == -1)
		return cce_fail(out, CCE_CMD_ERROR, "database error");
	cce_ok(out, CCE_OK, "OK", NULL);
	return 0;
}

/* ---- CREATE -------------------------------------------------------------- */

static const char *
arg_of(const struct cce_cmd *cmd, const char *key)
{
	size_t	 i;

	for (i = 0; i < cmd->nargs; i++)
		if (strcmp(cmd->args[i].key, key) == 0)
			return cmd->args[i].value;
	return NULL;
}

static int
new_object(const char *class, uint64_t *oid)
{
	static const char sql[] = "INSERT INTO cce_objects (class, "
	    "created_at) VALUES (?, ?)";
	sqlite3_stmt	*st = db_stmt(sql);

	sqlite3_bind_text(st, 1, class, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, db_now());
	return db_insert(st, oid);
}

/* A User: the moat user first, whose User object the hook makes. */
static int
create_user(struct cce_ctx *c, const struct cce_cmd *cmd,
    struct cce_obj *o, struct cce_out *out)
{
	const struct cces_group	*g;
	const struct cces_prop	*p;
	const char		*name = arg_of(cmd, "name"), *why;
	uint64_t		 user;

	g = cce_schema_group(cce_schema_get(), "User", NULL);
	if (name == NULL)
		return cce_fail(out, CCE_BAD_DATA, "name: a User needs one");
	if ((p = cce_schema_prop(g, "name")) != NULL && cce_type_check(
	    p->type, p->tdef != NULL ? p->tdef->re : NULL, p->array, name,
	    &why) == -1)
		return cce_fail(out, CCE_BAD_DATA, "name: %s", why);
	if (cce_moat_user_create(c, name, &user, out) != 0)
		return out->code;
	if (cce_obj_load(cce_object_of_user(user), o) == -1)
		return cce_fail(out, CCE_CMD_ERROR, "database error");
	return 0;
}

/*
 * The next site's name: site1, site2, ... as the original numbers them,
 * never one a site has (or had: a number is not given twice, so that a
 * billing module's old record of a deleted site names nothing).
 */
static int
next_site_name(char *name, size_t len)
{
	static const char taken[] = "SELECT count(*) FROM cce_props WHERE "
	    "class = 'Vsite' AND namespace = '' AND name = 'name' AND "
	    "value = ?";
	char		 num[24];
	unsigned long long n = 1;
	sqlite3_stmt	*st;
	int		 used;

	if (cce_state_get("site.next", num, sizeof(num)))
		n = strtoull(num, NULL, 10);
	for (;; n++) {
		snprintf(name, len, "site%llu", n == 0 ? ++n : n);
		st = db_stmt(taken);
		sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
		used = sqlite3_step(st) == SQLITE_ROW &&
		    sqlite3_column_int64(st, 0) > 0;
		sqlite3_reset(st);
		if (!used)
			break;
	}
	snprintf(num, sizeof(num), "%llu", n + 1);
	return cce_state_put("site.next", num);
}

/* A Vsite: its name siteN given here, its fqdn its host and domain. */
static int
create_site(struct cce_ctx *c, const struct cce_cmd *cmd,
    struct cce_obj *o, struct cce_out *out)
{
	char		 name[32], fqdn[CCE_VALUE_MAX + 1];
	const char	*host = arg_of(cmd, "hostname");
	const char	*domain = arg_of(cmd, "domain");

	if (arg_of(cmd, "name") != NULL)
		return cce_fail(out, CCE_DENIED, "name: the server names "
		    "a Vsite");
	if (next_site_name(name, sizeof(name)) == -1 ||
	    cce_store_put(o, "", "name", name) == -1 ||
	    cce_store_put(o, "", "createdUser", c->p.username) == -1)
		return cce_fail(out, CCE_CMD_ERROR, "database error");
	if (arg_of(cmd, "fqdn") == NULL && host != NULL && domain != NULL) {
		if (strlcpy(fqdn, host, sizeof(fqdn)) >= sizeof(fqdn) ||
		    strlcat(fqdn, ".", sizeof(fqdn)) >= sizeof(fqdn) ||
		    strlcat(fqdn, domain, sizeof(fqdn)) >= sizeof(fqdn))
			return cce_fail(out, CCE_BAD_DATA, "fqdn: too long");
		for (size_t i = 0; fqdn[i] != '\0'; i++)
			fqdn[i] = (char)tolower((unsigned char)fqdn[i]);
		if (cce_store_put(o, "", "fqdn", fqdn) == -1)
			return cce_fail(out, CCE_CMD_ERROR, "database error");
	}
	return 0;
}

int
cce_create(struct cce_ctx *c, const struct cce_cmd *cmd,
    struct cce_out *out)
{
	const struct cces_group	*g;
	struct cce_obj		 o;
	struct effects		 e = { 0, 0 };
	uint64_t		 oid;

	if (cce_ro_class(cmd->req.class) != -1)
		return cce_fail(out, CCE_DENIED, "%s is read only here",
		    cmd->req.class);
	if ((g = cce_schema_group(cce_schema_get(), cmd->req.class,
	    NULL)) == NULL)
		return cce_fail(out, CCE_UNKNOWN_CLASS, "no class %s",
		    cmd->req.class);
	if (c->p.role != ROLE_ADMIN)
		return cce_fail(out, CCE_DENIED, "CREATE is for admins");
	if (strcmp(cmd->req.class, "System") == 0)
		return cce_fail(out, CCE_DENIED, "System is one object");
	memset(&o, 0, sizeof(o));
	if (strcmp(cmd->req.class, "User") == 0) {
		if (create_user(c, cmd, &o, out) != 0)
			return out->code;
	} else {
		if (new_object(cmd->req.class, &oid) == -1 ||
		    cce_obj_load(oid, &o) == -1)
			return cce_fail(out, CCE_CMD_ERROR, "database error");
		if (strcmp(o.class, "Vsite") == 0 &&
		    create_site(c, cmd, &o, out) != 0)
			return out->code;
	}
	if (set_args(c, &o, cmd, 1, &e, out) != 0)
		return out->code;
	if (g->backed_by_host && cce_moat_site_host(c, &o) == -1)
		return cce_fail(out, CCE_CMD_ERROR, "database error");
	if (o.user_oid == 0 && cce_event(c, &o, "cce.object.create",
	    "created") == -1)
		return cce_fail(out, CCE_CMD_ERROR, "database error");
	cce_ok(out, CCE_OK, "OK", json_pack("{s:[I],s:I}", "oidlist",
	    (json_int_t)o.oid, "oid", (json_int_t)o.oid));
	return 0;
}

/* ---- DESTROY ------------------------------------------------------------- */

int
cce_destroy(struct cce_ctx *c, const struct cce_cmd *cmd,
    struct cce_out *out)
{
	struct cce_obj	 o;

	if (cce_ro_of(cmd->req.oid) != -1)
		return cce_ro_destroy(c, cmd->req.oid, out) != 0 ? out->code :
		    0;
	if (cce_obj_load(cmd->req.oid, &o) == -1 || !cce_visible(c, &o))
		return cce_fail(out, CCE_UNKNOWN_OBJECT, "no object %llu",
		    (unsigned long long)cmd->req.oid);
	if (c->p.role != ROLE_ADMIN)
		return cce_fail(out, CCE_DENIED, "DESTROY is for admins");
	if (o.oid == CCE_SYSTEM_OID)
		return cce_fail(out, CCE_DENIED, "System stays");
	if (o.user_oid != 0)
		return cce_moat_user_destroy(c, &o, out) != 0 ? out->code :
		    (cce_ok(out, CCE_OK, "OK", NULL), 0);
	if (strcmp(o.class, "Vsite") == 0 &&
	    cce_moat_site_destroy(c, &o, out) != 0)
		return out->code;
	if (cce_event(c, &o, "cce.object.destroy", "destroyed") == -1 ||
	    db_write("DELETE FROM cce_objects WHERE oid = ?", o.oid, 0) == -1)
		return cce_fail(out, CCE_CMD_ERROR, "database error");
	cce_ok(out, CCE_OK, "OK", NULL);
	return 0;
}
