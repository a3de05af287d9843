/*
 * FIND and FINDX: the objects of a class whose values match.  One SELECT
 * built from fixed fragments, every value bound, finds the candidates:
 * an equality is a range of the index by class, property and value
 * (cce_props_value), or a column of the users row for what a User maps;
 * a property never set matches its default.  A user's FIND is cut there
 * to the objects they may know (theirs, their site's).  Regular
 * expressions (k~re, FINDX's regex_args) and the sort are then applied
 * to the candidates' values (ccevals.c), under PCRE2's limits.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ccefind.h"
#include "log.h"

static void
add(struct find *f, const char *text)
{
	size_t	 n = strlen(text);
	char	*grown;

	if (f->len + n + 1 > f->cap) {
		f->cap = (f->len + n + 1) * 2;
		if ((grown = realloc(f->sql, f->cap)) == NULL)
			fatalx("%s: out of memory", __func__);
		f->sql = grown;
	}
	memcpy(f->sql + f->len, text, n + 1);
	f->len += n;
}

static void
bind_text(struct find *f, const char *text)
{
	f->binds[f->nb].text = text;
	f->binds[f->nb++].num = 0;
}

static void
bind_num(struct find *f, int64_t num)
{
	f->binds[f->nb].text = NULL;
	f->binds[f->nb++].num = num;
}

static void
equal(struct find *f, const struct cces_group *g, const struct cces_prop *p,
    const char *value)
{
	const char	*mapped = cce_user_column(f->class, g->ns, p->name);

	if (mapped != NULL) {
		add(f, " AND ");
		add(f, mapped);
		add(f, " = ?");
		bind_text(f, value);
		return;
	}
	add(f, " AND (o.oid IN (SELECT p.oid FROM cce_props p WHERE "
	    "p.class = ? AND p.namespace = ? AND p.name = ? AND "
	    "p.value = ?)");
	bind_text(f, f->class);
	bind_text(f, g->ns);
	bind_text(f, p->name);
	bind_text(f, value);
	if (strcmp(value, p->dflt) == 0) {
		add(f, " OR o.oid NOT IN (SELECT p.oid FROM cce_props p WHERE "
		    "p.class = ? AND p.namespace = ? AND p.name = ?)");
		bind_text(f, f->class);
		bind_text(f, g->ns);
		bind_text(f, p->name);
	}
	add(f, ")");
}

/* A user's FIND reaches what they may know: see cce_visible(). */
static void
visible(struct find *f)
{
	struct cce_ctx	*c = f->c;
	struct cce_obj	 o;

	if (c->p.role == ROLE_ADMIN)
		return;
	memset(&o, 0, sizeof(o));
	strlcpy(o.class, f->class, sizeof(o.class));
	if (strcmp(f->class, "User") == 0) {
		add(f, " AND (o.user_oid = ?");
		bind_num(f, (int64_t)c->p.user_oid);
	} else if (strcmp(f->class, "Vsite") == 0)
		add(f, " AND (0 = 1");
	else {
		/* a class with something for all is all theirs to find */
		if (!cce_visible(c, &o))
			add(f, " AND 0 = 1");
		return;
	}
	if (c->site[0] != '\0') {
		add(f, " OR o.oid IN (SELECT p.oid FROM cce_props p WHERE "
		    "p.class = ? AND p.namespace = '' AND p.name = ? AND "
		    "p.value = ?)");
		bind_text(f, f->class);
		bind_text(f, strcmp(f->class, "User") == 0 ? "site" : "name");
		bind_text(f, c->site);
	}
	add(f, ")");
}

/*
 * A property the caller names: a code, or 0.  A user may search only
 * what they could read on some object of the class (a User's own
 * values on their User; a site's what is for its users), and keep only
 * the objects whose values they may read.
 */
static int
searchable(struct find *f, const char *key, const struct cces_group **g,
    const struct cces_prop **p, struct cce_out *out)
{
	int	 most;

	if (cce_resolve(cce_schema_get(), f->class, "", key, g, p, out) != 0)
		return out->code;
	most = f->c->p.role == ROLE_ADMIN ? cce_level(CCES_ADMIN) :
	    strcmp(f->class, "User") == 0 ? cce_level(CCES_SELF) :
	    cce_level(CCES_USER);
	if ((*p)->type == CCE_T_PASSWORD || (*p)->read == CCES_NONE ||
	    cce_level((*p)->read) > most)
		return cce_fail(out, CCE_DENIED, "%s may not be searched",
		    key);
	if (f->nchecks < CCE_ARGS_MAX + 1)
		f->checks[f->nchecks++] = *p;
	return 0;
}

/* A value matched or sorted on: a column if mapped, else fetched. */
static void
field(struct find *f, const struct cces_group *g, const struct cces_prop *p,
    struct cce_re *re)
{
	struct field	*v = &f->fields[f->nfields++];
	const char	*mapped = cce_user_column(f->class, g->ns, p->name);

	v->g = g;
	v->p = p;
	v->re = re;
	v->col = -1;
	if (mapped != NULL) {
		v->col = 1 + f->ncols++;
		add(f, ", ");
		add(f, mapped);
	}
}

static int
sort_field(struct find *f, const struct cce_cmd *cmd, struct cce_out *out)
{
	const struct cces_group	*g;
	const struct cces_prop	*p;

	if ((f->sort = cce_sort_kind(cmd->req.sorttype)) == -1)
		return cce_fail(out, CCE_BAD_PARAMS, "unknown sort type %s",
		    cmd->req.sorttype);
	if (cmd->req.sortprop[0] == '\0') {
		f->sort = -1;
		return 0;
	}
	if (searchable(f, cmd->req.sortprop, &g, &p, out) != 0)
		return out->code;
	f->sorted = f->nfields;
	field(f, g, p, NULL);
	return 0;
}

static int
build(struct find *f, const struct cce_cmd *cmd, int sorted,
    struct cce_out *out)
{
	const struct cces_group	*g;
	const struct cces_prop	*p;
	struct cce_re		*re;
	const char		*why;
	size_t			 i;

	add(f, "SELECT o.oid");
	for (i = 0; i < cmd->nargs; i++) {
		if (cmd->args[i].op != CCE_OP_MATCH)
			continue;
		if (searchable(f, cmd->args[i].key, &g, &p, out) != 0)
			return out->code;
		if ((re = cce_re_compile(cmd->args[i].value, &why)) == NULL)
			return cce_fail(out, CCE_BAD_PARAMS, "%s: %s",
			    cmd->args[i].key, why);
		field(f, g, p, re);
	}
	f->sort = -1;
	f->sorted = -1;
	if (sorted && sort_field(f, cmd, out) != 0)
		return out->code;
	/* the users row only where a User's mapped values are */
	add(f, strcmp(f->class, "User") == 0 ? " FROM cce_objects o LEFT "
	    "JOIN users u ON u.oid = o.user_oid WHERE o.class = ?" :
	    " FROM cce_objects o WHERE o.class = ?");
	bind_text(f, f->class);
	for (i = 0; i < cmd->nargs; i++) {
		if (cmd->args[i].op == CCE_OP_MATCH)
			continue;
		if (cmd->args[i].op != CCE_OP_EQ)
			return cce_fail(out, CCE_BAD_PARAMS, "%s: not a "
			    "search", cmd->args[i].key);
		if (searchable(f, cmd->args[i].key, &g, &p, out) != 0)
			return out->code;
		equal(f, g, p, cmd->args[i].value);
	}
	visible(f);
	add(f, " ORDER BY o.oid");
	return 0;
}

/* The candidates, in oid order, with their mapped columns. */
static int
candidates(struct find *f, struct cce_out *out)
{
	static const char one[] = "SELECT 1";
	sqlite3		*db = sqlite3_db_handle(db_stmt(one));
	sqlite3_stmt	*st;
	size_t		 i;
	int		 rc;

	if (sqlite3_prepare_v2(db, f->sql, -1, &st, NULL) != SQLITE_OK) {
		log_warnx("FIND: %s", sqlite3_errmsg(db));
		return cce_fail(out, CCE_CMD_ERROR, "database error");
	}
	for (i = 0; i < f->nb; i++) {
		if (f->binds[i].text != NULL)
			sqlite3_bind_text(st, (int)i + 1, f->binds[i].text, -1,
			    SQLITE_STATIC);
		else
			sqlite3_bind_int64(st, (int)i + 1, f->binds[i].num);
	}
	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		cce_vals_row(f, st);
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return cce_fail(out, CCE_CMD_ERROR, "database error");
	return 0;
}

int
cce_find_oids(struct cce_ctx *c, const struct cce_cmd *cmd, int sorted,
    uint64_t **oids, size_t *n, struct cce_out *out)
{
	struct find	*f;
	size_t		 i;
	int		 rc;

	*oids = NULL;
	*n = 0;
	if (cce_ro_class(cmd->req.class) != -1)
		return cce_ro_find(c, cmd, sorted, oids, n, out);
	if (cce_schema_group(cce_schema_get(), cmd->req.class, NULL) == NULL)
		return cce_fail(out, CCE_UNKNOWN_CLASS, "no class %s",
		    cmd->req.class);
	if ((f = calloc(1, sizeof(*f))) == NULL)
		fatalx("%s: out of memory", __func__);
	f->c = c;
	f->class = cmd->req.class;
	if ((rc = build(f, cmd, sorted, out)) == 0 &&
	    (rc = candidates(f, out)) == 0 &&
	    (rc = cce_vals_filter(f, out)) == 0)
		cce_vals_take(f, oids, n);
	for (i = 0; i < f->nfields; i++)
		cce_re_free(f->fields[i].re);
	cce_vals_free(f);
	free(f->sql);
	free(f);
	return rc;
}

int
cce_find(struct cce_ctx *c, const struct cce_cmd *cmd, struct cce_out *out)
{
	uint64_t	*oids = NULL;
	size_t		 n = 0, i;
	json_t		*list;

	if (cce_find_oids(c, cmd, cmd->req.verb == CCE_V_FINDX ||
	    cmd->req.sortprop[0] != '\0', &oids, &n, out) != 0)
		return out->code;
	if ((list = json_array()) == NULL)
		fatalx("%s: out of memory", __func__);
	for (i = 0; i < n; i++)
		json_array_append_new(list, json_integer((json_int_t)oids[i]));
	free(oids);
	cce_ok(out, CCE_OK, "OK", json_pack("{s:o}", "oidlist", list));
	return 0;
}
