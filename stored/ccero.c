/*
 * moat's own objects as read-only classes of the command API: Host,
 * EgressIp, Certificate, Device, SshKey and ApiKey, read straight from
 * their tables (CLASSES, NAMES, GET, FIND, FINDX, GETOBJECT, GETALL).
 * Of the writes, only DESTROY of a key is done here, as its routes'
 * DELETE does it; the rest is refused (304): a host's, a certificate's,
 * a device's or an egress IP's change has checks and effects of its own
 * (a busy host, deployed certificates, a device's signals, bindings)
 * that only their routes make.  Their oids are their rows' numbers in a
 * range of each class's own (class k: (k + 1) << 40), above every
 * object of the property store.  Ownership is their own dialects': a
 * user reaches the rows that are theirs, an admin every row; egress IPs
 * are admins' alone.  Another's row is answered as one that is not
 * there.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cce.h"
#include "log.h"

#define RO_SHIFT	40
#define RO_PROPS_MAX	10

struct ro_class {
	const char	*class;
	const char	*table;
	const char	*owner;		/* its user column; NULL: admins' */
	const char	*where;		/* rows that are there */
	const char	*props[RO_PROPS_MAX][2];	/* name, column */
};

static const struct ro_class classes[] = {
	{ "Host", "hosts", "user_oid", "status != 'deleted'", {
	    { "id", "id" }, { "shortId", "short_id" },
	    { "status", "status" }, { "hostname", "hostname" },
	    { "timezone", "timezone" }, { "memoryLimitMb", "memory_limit_mb" },
	    { "cpuMilli", "cpu_milli" }, { "pidsLimit", "pids_limit" },
	    { "createdAt", "created_at" } } },
	{ "EgressIp", "egress_ips", NULL, "1 = 1", {
	    { "id", "id" }, { "label", "label" },
	    { "ipaddr", "ip_address" }, { "tunnelType", "tunnel_type" },
	    { "provider", "provider" }, { "createdAt", "created_at" } } },
	{ "Certificate", "certificates", "user_oid", "1 = 1", {
	    { "id", "id" }, { "status", "status" }, { "domain", "domain" },
	    { "sans", "sans" }, { "keyType", "key_type" },
	    { "serial", "serial" }, { "issuer", "issuer" },
	    { "notBefore", "not_before" }, { "notAfter", "not_after" } } },
	{ "Device", "devices", "user_oid", "1 = 1", {
	    { "id", "id" }, { "name", "name" },
	    { "description", "description" },
	    { "deviceType", "device_type" }, { "createdAt", "created_at" } } },
	{ "SshKey", "ssh_keys", "user_oid", "1 = 1", {
	    { "id", "id" }, { "name", "name" }, { "type", "type" },
	    { "fingerprint", "fingerprint" }, { "comment", "comment" },
	    { "bits", "bits" }, { "createdAt", "created_at" } } },
	{ "ApiKey", "api_keys", "user_oid", "1 = 1", {
	    { "id", "id" }, { "name", "name" }, { "scopes", "scopes" },
	    { "expiresAt", "expires_at" }, { "createdAt", "created_at" },
	    { "lastUsedAt", "last_used_at" } } },
};
#define NCLASSES	(sizeof(classes) / sizeof(classes[0]))

static json_t *
must(json_t *j)
{
	if (j == NULL)
		fatalx("the command API: out of memory");
	return j;
}

int
cce_ro_class(const char *class)
{
	size_t	 k;

	for (k = 0; k < NCLASSES; k++)
		if (strcmp(classes[k].class, class) == 0)
			return (int)k;
	return -1;
}

int
cce_ro_of(uint64_t oid)
{
	uint64_t	 k = oid >> RO_SHIFT;

	return k >= 1 && k <= NCLASSES ? (int)k - 1 : -1;
}

void
cce_ro_classes(json_t *a)
{
	size_t	 k;

	for (k = 0; k < NCLASSES; k++)
		json_array_append_new(a, must(json_string(classes[k].class)));
}

static size_t
nprops(const struct ro_class *r)
{
	size_t	 i;

	for (i = 0; i < RO_PROPS_MAX && r->props[i][0] != NULL; i++)
		;
	return i;
}

static int
prop_of(const struct ro_class *r, const char *name)
{
	size_t	 i, n = nprops(r);

	for (i = 0; i < n; i++)
		if (strcmp(r->props[i][0], name) == 0)
			return (int)i;
	return -1;
}

/* "SELECT oid, <every column as text> FROM table WHERE <there, theirs>" */
static void
select_of(const struct cce_ctx *c, const struct ro_class *r, char *sql,
    size_t len)
{
	size_t	 i, n = nprops(r);

	snprintf(sql, len, "SELECT oid");
	for (i = 0; i < n; i++) {
		strlcat(sql, ", coalesce(CAST(", len);
		strlcat(sql, r->props[i][1], len);
		strlcat(sql, " AS TEXT), '')", len);
	}
	strlcat(sql, " FROM ", len);
	strlcat(sql, r->table, len);
	strlcat(sql, " WHERE ", len);
	strlcat(sql, r->where, len);
	if (c->p.role != ROLE_ADMIN) {
		strlcat(sql, r->owner != NULL ? " AND " : " AND 0 = 1", len);
		if (r->owner != NULL) {
			strlcat(sql, r->owner, len);
			strlcat(sql, " = ?1", len);
		}
	}
}

static sqlite3_stmt *
prepare(const char *sql)
{
	static const char one[] = "SELECT 1";
	sqlite3		*db = sqlite3_db_handle(db_stmt(one));
	sqlite3_stmt	*st;

	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK) {
		log_warnx("cce: %s", sqlite3_errmsg(db));
		return NULL;
	}
	return st;
}

static json_t *
row_json(const struct ro_class *r, sqlite3_stmt *st, uint64_t oid)
{
	json_t		*j = must(json_object());
	const char	*v;
	char		 text[24];
	size_t		 i, n = nprops(r);

	for (i = 0; i < n; i++) {
		v = (const char *)sqlite3_column_text(st, (int)i + 1);
		json_object_set_new(j, r->props[i][0],
		    must(json_string(v != NULL ? v : "")));
	}
	snprintf(text, sizeof(text), "%llu", (unsigned long long)oid);
	json_object_set_new(j, "CLASS", must(json_string(r->class)));
	json_object_set_new(j, "CLASSVER", must(json_string("1.0")));
	json_object_set_new(j, "NAMESPACE", must(json_string("")));
	json_object_set_new(j, "OID", must(json_string(text)));
	return j;
}

/* DESTROY of an SshKey or an ApiKey the caller reaches (their own, or
 * any for an admin); 0, or a code in out. */
int
cce_ro_destroy(struct cce_ctx *c, uint64_t oid, struct cce_out *out)
{
	static const char owner_sql[] = "SELECT user_oid FROM ssh_keys "
	    "WHERE oid = ?";
	const struct ro_class	*r;
	json_t			*j;
	uint64_t		 row = oid & ((1ULL << RO_SHIFT) - 1);
	int			 k = cce_ro_of(oid), rc;

	if ((j = cce_ro_object(c, oid)) == NULL)
		return cce_fail(out, CCE_UNKNOWN_OBJECT, "no object %llu",
		    (unsigned long long)oid);
	json_decref(j);
	r = &classes[k];
	if (strcmp(r->class, "SshKey") == 0)
		rc = sshkeys_destroy((uint64_t)db_count(owner_sql, row), row,
		    &c->p);
	else if (strcmp(r->class, "ApiKey") == 0)
		rc = apikeys_destroy(row, &c->p);
	else
		return cce_fail(out, CCE_DENIED, "%llu is read only here",
		    (unsigned long long)oid);
	if (rc != 0)
		return cce_fail(out, CCE_CMD_ERROR, "database error");
	cce_ok(out, CCE_OK, "OK", NULL);
	return 0;
}

/* The object oid names as the caller may know it, or NULL. */
json_t *
cce_ro_object(const struct cce_ctx *c, uint64_t oid)
{
	const struct ro_class	*r;
	sqlite3_stmt		*st;
	char			 sql[1024];
	json_t			*j = NULL;
	int			 k;

	if ((k = cce_ro_of(oid)) == -1)
		return NULL;
	r = &classes[k];
	select_of(c, r, sql, sizeof(sql));
	strlcat(sql, " AND oid = ?2", sizeof(sql));
	if ((st = prepare(sql)) == NULL)
		return NULL;
	if (c->p.role != ROLE_ADMIN)
		sqlite3_bind_int64(st, 1, c->p.user_oid);
	sqlite3_bind_int64(st, 2, oid & ((1ULL << RO_SHIFT) - 1));
	if (sqlite3_step(st) == SQLITE_ROW)
		j = row_json(r, st, oid);
	sqlite3_finalize(st);
	return j;
}

int
cce_ro_get(struct cce_ctx *c, uint64_t oid, const char *ns,
    struct cce_out *out)
{
	json_t	*j;

	if ((j = cce_ro_object(c, oid)) == NULL)
		return cce_fail(out, CCE_UNKNOWN_OBJECT, "no object %llu",
		    (unsigned long long)oid);
	if (ns[0] != '\0') {
		json_decref(j);
		return cce_fail(out, CCE_UNKNOWN_NS, "%s has no namespace %s",
		    classes[cce_ro_of(oid)].class, ns);
	}
	cce_ok(out, CCE_OK, "OK", must(json_pack("{s:o}", "DATA", j)));
	return 0;
}

/* Each arg a property of r; regular expressions compiled. */
static int
ro_args(const struct ro_class *r, const struct cce_cmd *cmd, int *cols,
    struct cce_re **res, struct cce_out *out)
{
	const char	*why;
	size_t		 i;

	for (i = 0; i < cmd->nargs; i++) {
		if ((cols[i] = prop_of(r, cmd->args[i].key)) == -1)
			return cce_fail(out, CCE_BAD_DATA, "%s: no such "
			    "property", cmd->args[i].key);
		if (cmd->args[i].op == CCE_OP_HASHED)
			return cce_fail(out, CCE_BAD_PARAMS, "%s: not a "
			    "search", cmd->args[i].key);
		if (cmd->args[i].op == CCE_OP_MATCH && (res[i] =
		    cce_re_compile(cmd->args[i].value, &why)) == NULL)
			return cce_fail(out, CCE_BAD_PARAMS, "%s: %s",
			    cmd->args[i].key, why);
	}
	return 0;
}

/* Whether the row st holds matches every arg: 1, 0, or -1 (*why). */
static int
ro_match(const struct cce_cmd *cmd, const int *cols, struct cce_re **res,
    sqlite3_stmt *st, const char **why)
{
	const char	*v;
	size_t		 i;
	int		 m;

	for (i = 0; i < cmd->nargs; i++) {
		v = (const char *)sqlite3_column_text(st, cols[i] + 1);
		v = v != NULL ? v : "";
		if (res[i] == NULL)
			m = strcmp(v, cmd->args[i].value) == 0;
		else if ((m = cce_re_match(res[i], v, why)) == -1)
			return -1;
		if (m == 0)
			return 0;
	}
	return 1;
}

struct ro_hit {
	uint64_t	 oid;
	char		*key;
};

static int	 ro_sort_kind;

static int
ro_by_key(const void *x, const void *y)
{
	const struct ro_hit	*a = x, *b = y;
	int			 d = cce_sort_cmp(ro_sort_kind, a->key, b->key);

	return d != 0 ? d : a->oid < b->oid ? -1 : a->oid > b->oid;
}

static int
ro_collect(const struct cce_ctx *c, int k, const struct cce_cmd *cmd,
    int sortcol, struct ro_hit **hits, size_t *n, struct cce_out *out)
{
	const struct ro_class	*r = &classes[k];
	struct cce_re		*res[CCE_ARGS_MAX] = { NULL };
	struct ro_hit		*grown;
	sqlite3_stmt		*st = NULL;
	const char		*why = NULL, *v;
	char			 sql[1024];
	int			 cols[CCE_ARGS_MAX], m, rc = 0;
	size_t			 cap = 0, i;

	if (ro_args(r, cmd, cols, res, out) != 0)
		rc = out->code;
	select_of(c, r, sql, sizeof(sql));
	strlcat(sql, " ORDER BY oid", sizeof(sql));
	if (rc == 0 && (st = prepare(sql)) == NULL)
		rc = cce_fail(out, CCE_CMD_ERROR, "database error");
	if (rc == 0 && c->p.role != ROLE_ADMIN)
		sqlite3_bind_int64(st, 1, c->p.user_oid);
	while (rc == 0 && sqlite3_step(st) == SQLITE_ROW) {
		if ((m = ro_match(cmd, cols, res, st, &why)) == -1)
			rc = cce_fail(out, CCE_BAD_PARAMS, "a pattern: %s",
			    why);
		if (m != 1)
			continue;
		if (*n == cap) {
			cap = cap == 0 ? 64 : cap * 2;
			if ((grown = reallocarray(*hits, cap,
			    sizeof(**hits))) == NULL)
				fatalx("%s: out of memory", __func__);
			*hits = grown;
		}
		(*hits)[*n].oid = ((uint64_t)k + 1) << RO_SHIFT |
		    (uint64_t)sqlite3_column_int64(st, 0);
		v = sortcol == -1 ? NULL :
		    (const char *)sqlite3_column_text(st, sortcol + 1);
		if (((*hits)[*n].key = strdup(v != NULL ? v : "")) == NULL)
			fatalx("%s: out of memory", __func__);
		(*n)++;
	}
	sqlite3_finalize(st);
	for (i = 0; i < cmd->nargs; i++)
		cce_re_free(res[i]);
	return rc;
}

int
cce_ro_find(struct cce_ctx *c, const struct cce_cmd *cmd, int sorted,
    uint64_t **oids, size_t *n, struct cce_out *out)
{
	int		 k = cce_ro_class(cmd->req.class), sortcol = -1, rc;
	struct ro_hit	*hits = NULL;
	size_t		 i;

	*n = 0;
	ro_sort_kind = -1;
	if (sorted && (ro_sort_kind = cce_sort_kind(cmd->req.sorttype)) == -1)
		return cce_fail(out, CCE_BAD_PARAMS, "unknown sort type %s",
		    cmd->req.sorttype);
	if (sorted && cmd->req.sortprop[0] != '\0' && (sortcol = prop_of(
	    &classes[k], cmd->req.sortprop)) == -1)
		return cce_fail(out, CCE_BAD_DATA, "%s: no such property",
		    cmd->req.sortprop);
	rc = ro_collect(c, k, cmd, sortcol, &hits, n, out);
	if (rc == 0 && sortcol != -1 && *n > 1)
		qsort(hits, *n, sizeof(*hits), ro_by_key);
	if ((*oids = reallocarray(NULL, *n + 1, sizeof(**oids))) == NULL)
		fatalx("%s: out of memory", __func__);
	for (i = 0; i < *n; i++) {
		(*oids)[i] = hits[i].oid;
		free(hits[i].key);
	}
	free(hits);
	if (rc != 0) {
		free(*oids);
		*oids = NULL;
		*n = 0;
	}
	return rc;
}
