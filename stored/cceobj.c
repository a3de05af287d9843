/*
 * The command API's objects: loading one, reading a property's value
 * (from moat's own row for what a User maps, from the property store, or
 * the schema's default for one never set), and who may see and change
 * what.  An access rule is a level: all < user < self < admin, and the
 * caller stands in one relation to each object (cce_relation()).
 */
#include <stdio.h>
#include <string.h>

#include "cce.h"
#include "log.h"

int
cce_user_object(uint64_t user_oid)
{
	static const char sql[] = "INSERT INTO cce_objects (class, user_oid, "
	    "created_at) VALUES ('User', ?, ?)";

	return db_write(sql, user_oid, (uint64_t)db_now()) == 1 ? 0 : -1;
}

uint64_t
cce_object_of_user(uint64_t user_oid)
{
	static const char sql[] =
	    "SELECT oid FROM cce_objects WHERE user_oid = ?";
	sqlite3_stmt	*st = db_stmt(sql);
	uint64_t	 oid = 0;

	sqlite3_bind_int64(st, 1, user_oid);
	if (sqlite3_step(st) == SQLITE_ROW)
		oid = sqlite3_column_int64(st, 0);
	sqlite3_reset(st);
	return oid;
}

int
cce_obj_load(uint64_t oid, struct cce_obj *o)
{
	static const char sql[] = "SELECT class, coalesce(user_oid, 0), "
	    "coalesce(host_oid, 0) FROM cce_objects WHERE oid = ?";
	sqlite3_stmt	*st = db_stmt(sql);
	int		 rc;

	memset(o, 0, sizeof(*o));
	if (oid == 0 || oid > INT64_MAX)
		return -1;
	sqlite3_bind_int64(st, 1, oid);
	if ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		o->oid = oid;
		db_text_col(st, 0, o->class, sizeof(o->class));
		o->user_oid = sqlite3_column_int64(st, 1);
		o->host_oid = sqlite3_column_int64(st, 2);
	}
	sqlite3_reset(st);
	if (rc != SQLITE_ROW)
		return -1;
	if (o->user_oid != 0 && user_load(o->user_oid, &o->u) == -1)
		return -1;
	return 0;
}

/* A stored value: 1 found, 0 never set. */
static int
store_get(uint64_t oid, const char *ns, const char *name, char *out,
    size_t len)
{
	static const char sql[] = "SELECT value FROM cce_props WHERE "
	    "oid = ? AND namespace = ? AND name = ?";
	sqlite3_stmt	*st = db_stmt(sql);
	int		 found = 0;

	sqlite3_bind_int64(st, 1, oid);
	sqlite3_bind_text(st, 2, ns, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, name, -1, SQLITE_STATIC);
	if (sqlite3_step(st) == SQLITE_ROW) {
		db_text_col(st, 0, out, len);
		found = 1;
	}
	sqlite3_reset(st);
	return found;
}

int
cce_store_put(const struct cce_obj *o, const char *ns, const char *name,
    const char *value)
{
	static const char sql[] = "INSERT INTO cce_props (oid, class, "
	    "namespace, name, value) VALUES (?, ?, ?, ?, ?) ON CONFLICT "
	    "(oid, namespace, name) DO UPDATE SET value = excluded.value";
	sqlite3_stmt	*st = db_stmt(sql);
	int		 rc;

	sqlite3_bind_int64(st, 1, o->oid);
	sqlite3_bind_text(st, 2, o->class, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, ns, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, name, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 5, value, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? 0 : -1;
}

/* ---- what a User maps onto a moat user --------------------------------- */

static const struct {
	const char	*prop;
	const char	*sql;	/* over the users row "u", for FIND */
} user_map[] = {
	{ "name", "u.username" },
	{ "password", NULL },
	{ "fullName", "trim(u.first_name || ' ' || u.last_name)" },
	{ "enabled", "CASE u.status WHEN 'active' THEN '1' ELSE '0' END" },
	{ "systemAdministrator",
	    "CASE u.role WHEN 'admin' THEN '1' ELSE '0' END" },
};

static int
user_mapped(const char *class, const char *ns, const char *prop)
{
	size_t	 i;

	if (strcmp(class, "User") != 0 || ns[0] != '\0')
		return -1;
	for (i = 0; i < sizeof(user_map) / sizeof(user_map[0]); i++)
		if (strcmp(user_map[i].prop, prop) == 0)
			return (int)i;
	return -1;
}

/* The SQL of a mapped property ("" for the password), or NULL. */
const char *
cce_user_column(const char *class, const char *ns, const char *prop)
{
	int	 i = user_mapped(class, ns, prop);

	if (i == -1)
		return NULL;
	return user_map[i].sql != NULL ? user_map[i].sql : "";
}

static void
user_value(const struct user_rec *u, const char *prop, char *out,
    size_t len)
{
	if (strcmp(prop, "name") == 0)
		strlcpy(out, u->username, len);
	else if (strcmp(prop, "fullName") == 0)
		snprintf(out, len, "%s%s%s", u->first_name,
		    u->last_name[0] != '\0' ? " " : "", u->last_name);
	else if (strcmp(prop, "enabled") == 0)
		strlcpy(out, strcmp(u->status, "active") == 0 ? "1" : "0",
		    len);
	else if (strcmp(prop, "systemAdministrator") == 0)
		strlcpy(out, strcmp(u->role, "admin") == 0 ? "1" : "0", len);
	else
		strlcpy(out, "", len);	/* a password is never read */
}

int
cce_value(const struct cce_obj *o, const char *ns,
    const struct cces_prop *pr, char *out, size_t len)
{
	if (o->user_oid != 0 && user_mapped(o->class, ns, pr->name) != -1) {
		user_value(&o->u, pr->name, out, len);
		return 0;
	}
	/* what the system is, not a value anyone keeps */
	if (o->oid == CCE_SYSTEM_OID && ns[0] == '\0' &&
	    strcmp(pr->name, "productVersion") == 0) {
		strlcpy(out, MOAT_VERSION, len);
		return 0;
	}
	if (store_get(o->oid, ns, pr->name, out, len) == 0)
		strlcpy(out, pr->dflt, len);
	return 0;
}

/* ---- access ----------------------------------------------------------- */

int
cce_level(enum cces_acl acl)
{
	switch (acl) {
	case CCES_ALL:
		return 1;
	case CCES_USER:
		return 2;
	case CCES_SELF:
		return 3;
	case CCES_ADMIN:
		return 4;
	case CCES_NONE:
	default:
		return 5;	/* nobody */
	}
}

int
cce_ctx_init(struct cce_ctx *c, const struct principal *p)
{
	memset(c, 0, sizeof(*c));
	c->p = *p;
	c->self = cce_object_of_user(p->user_oid);
	if (c->self != 0 && store_get(c->self, "", "site", c->site,
	    sizeof(c->site)) == 0)
		c->site[0] = '\0';
	return 0;
}

/* Whether o is the caller's site, or a user of it. */
static int
same_site(const struct cce_ctx *c, const struct cce_obj *o)
{
	char	 v[CCES_NAME_MAX + 1];
	const char *prop;

	if (c->site[0] == '\0')
		return 0;
	if (strcmp(o->class, "Vsite") == 0)
		prop = "name";
	else if (strcmp(o->class, "User") == 0)
		prop = "site";
	else
		return 0;
	return store_get(o->oid, "", prop, v, sizeof(v)) == 1 &&
	    strcmp(v, c->site) == 0;
}

int
cce_relation(const struct cce_ctx *c, const struct cce_obj *o)
{
	if (c->p.role == ROLE_ADMIN)
		return cce_level(CCES_ADMIN);
	if (o->user_oid != 0 && o->user_oid == c->p.user_oid)
		return cce_level(CCES_SELF);
	if (same_site(c, o))
		return cce_level(CCES_USER);
	return cce_level(CCES_ALL);
}

/* Whether the class has a property anyone may read. */
static int
readable_by_all(const char *class)
{
	const struct cce_schema	*s = cce_schema_get();
	size_t			 i, k;

	for (i = 0; i < s->ngroups; i++) {
		if (strcmp(s->groups[i].class, class) != 0)
			continue;
		for (k = 0; k < s->groups[i].nprops; k++)
			if (s->groups[i].props[k].read == CCES_ALL)
				return 1;
	}
	return 0;
}

/*
 * Whether the caller may know o: theirs, their site's, or of a class
 * that has something for all.  Another's object is answered as one
 * that is not there (authz.c's rule: ids cannot be probed).
 */
int
cce_visible(const struct cce_ctx *c, const struct cce_obj *o)
{
	return cce_relation(c, o) >= cce_level(CCES_USER) ||
	    readable_by_all(o->class);
}

int
cce_may_read(const struct cce_ctx *c, const struct cce_obj *o,
    const struct cces_prop *pr)
{
	return pr->type != CCE_T_PASSWORD && pr->read != CCES_NONE &&
	    cce_relation(c, o) >= cce_level(pr->read);
}

int
cce_resolve(const struct cce_schema *s, const char *class, const char *ns,
    const char *key, const struct cces_group **g,
    const struct cces_prop **pr, struct cce_out *out)
{
	char		 space[CCE_KEY_MAX + 1];
	const char	*name = key, *dot;

	if ((dot = strrchr(key, '.')) != NULL) {
		if ((size_t)(dot - key) >= sizeof(space))
			return cce_fail(out, CCE_BAD_DATA, "%s: no such "
			    "property", key);
		memcpy(space, key, (size_t)(dot - key));
		space[dot - key] = '\0';
		ns = space;
		name = dot + 1;
	}
	if (ns == NULL)
		ns = "";
	if ((*g = cce_schema_group(s, class, ns)) == NULL)
		return cce_fail(out, CCE_UNKNOWN_NS, "%s has no namespace %s",
		    class, ns);
	if ((*pr = cce_schema_prop(*g, name)) == NULL)
		return cce_fail(out, CCE_BAD_DATA, "%s%s%s: no such property",
		    ns, ns[0] != '\0' ? "." : "", name);
	return 0;
}

int
cce_event(const struct cce_ctx *c, const struct cce_obj *o,
    const char *type, const char *what)
{
	char	 msg[160];

	snprintf(msg, sizeof(msg), "%s %llu %s", o->class,
	    (unsigned long long)o->oid, what);
	return db_event(type, "info", o->user_oid != 0 ? o->u.id : NULL,
	    msg, c->p.username, NULL, DIALECT_CCE);
}
