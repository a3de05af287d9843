/*
 * The values FIND matches with regular expressions and FINDX sorts on,
 * for the candidates the query found.  A few candidates have their
 * values looked up one by one; many have the property's whole range of
 * the index read once (cce_props_value: class, namespace, name, then
 * value and oid, all in the index) and joined here by oid, which over
 * 100,000 objects is one sequential read instead of 100,000 lookups.
 * Each pattern drops the candidates it does not match before the next
 * value is read, so that the sort's values are read for the survivors
 * alone.
 */
#include <sys/types.h>

#include <stdlib.h>
#include <string.h>

#include "ccefind.h"
#include "log.h"

#define LOOKUPS_MAX	2000	/* candidates looked up one by one */

struct pair {
	uint64_t	 oid;
	char		*value;
};

static void *
must(void *p)
{
	if (p == NULL)
		fatalx("FIND: out of memory");
	return p;
}

static char *
dup_col(sqlite3_stmt *st, int col)
{
	const char	*v = (const char *)sqlite3_column_text(st, col);

	return must(strdup(v != NULL ? v : ""));
}

void
cce_vals_row(struct find *f, sqlite3_stmt *st)
{
	size_t	 k, nf = f->nfields;

	if (f->n == f->cap_n) {
		f->cap_n = f->cap_n == 0 ? 256 : f->cap_n * 2;
		f->oids = must(reallocarray(f->oids, f->cap_n,
		    sizeof(*f->oids)));
		if (nf > 0)
			f->vals = must(reallocarray(f->vals, f->cap_n * nf,
			    sizeof(*f->vals)));
	}
	f->oids[f->n] = sqlite3_column_int64(st, 0);
	for (k = 0; k < nf; k++)
		f->vals[f->n * nf + k] = f->fields[k].col == -1 ? NULL :
		    dup_col(st, f->fields[k].col);
	f->rows = ++f->n;
}

static const char *
value_of(const struct find *f, size_t i, size_t k)
{
	const char	*v = f->vals[i * f->nfields + k];

	return v != NULL ? v : f->fields[k].p->dflt;
}

static int
by_oid(const void *x, const void *y)
{
	const struct pair	*a = x, *b = y;

	return a->oid < b->oid ? -1 : a->oid > b->oid;
}

/* Field k of every candidate, from the property's range of the index. */
static int
fetch_range(struct find *f, size_t k)
{
	static const char sql[] = "SELECT oid, value FROM cce_props WHERE "
	    "class = ? AND namespace = ? AND name = ?";
	const struct field *v = &f->fields[k];
	sqlite3_stmt	*st = db_stmt(sql);
	struct pair	*pairs = NULL;
	size_t		 n = 0, cap = 0, i, j;
	int		 rc;

	sqlite3_bind_text(st, 1, f->class, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, v->g->ns, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, v->p->name, -1, SQLITE_STATIC);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (n == cap) {
			cap = cap == 0 ? 1024 : cap * 2;
			pairs = must(reallocarray(pairs, cap, sizeof(*pairs)));
		}
		pairs[n].oid = sqlite3_column_int64(st, 0);
		pairs[n++].value = dup_col(st, 1);
	}
	sqlite3_reset(st);
	qsort(pairs, n, sizeof(*pairs), by_oid);
	/* both in oid order: one walk */
	for (i = 0, j = 0; i < f->n && j < n; ) {
		if (pairs[j].oid < f->oids[i])
			j++;
		else if (pairs[j].oid > f->oids[i])
			i++;
		else {
			f->vals[i * f->nfields + k] = pairs[j].value;
			pairs[j++].value = NULL;
			i++;
		}
	}
	for (j = 0; j < n; j++)
		free(pairs[j].value);
	free(pairs);
	return rc == SQLITE_DONE ? 0 : -1;
}

static int
fetch_each(struct find *f, size_t k)
{
	static const char sql[] = "SELECT value FROM cce_props WHERE "
	    "oid = ? AND namespace = ? AND name = ?";
	const struct field *v = &f->fields[k];
	sqlite3_stmt	*st;
	size_t		 i;
	int		 rc;

	for (i = 0; i < f->n; i++) {
		st = db_stmt(sql);
		sqlite3_bind_int64(st, 1, f->oids[i]);
		sqlite3_bind_text(st, 2, v->g->ns, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 3, v->p->name, -1, SQLITE_STATIC);
		if ((rc = sqlite3_step(st)) == SQLITE_ROW)
			f->vals[i * f->nfields + k] = dup_col(st, 0);
		sqlite3_reset(st);
		if (rc != SQLITE_ROW && rc != SQLITE_DONE)
			return -1;
	}
	return 0;
}

static void
drop_values(struct find *f, size_t i)
{
	size_t	 k;

	for (k = 0; k < f->nfields; k++) {
		free(f->vals[i * f->nfields + k]);
		f->vals[i * f->nfields + k] = NULL;
	}
}

/* Keeps candidate i at position to. */
static void
keep(struct find *f, size_t i, size_t to)
{
	if (i == to)
		return;
	f->oids[to] = f->oids[i];
	memcpy(&f->vals[to * f->nfields], &f->vals[i * f->nfields],
	    f->nfields * sizeof(*f->vals));
	memset(&f->vals[i * f->nfields], 0, f->nfields * sizeof(*f->vals));
}

/* The candidate whose oid is oid, or -1: they are in oid order. */
static ssize_t
position(const struct find *f, uint64_t oid)
{
	size_t	 lo = 0, hi = f->n, mid;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (f->oids[mid] < oid)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < f->n && f->oids[lo] == oid ? (ssize_t)lo : -1;
}

/*
 * Many candidates and a pattern: the property's range of the index read
 * once and matched as it is read, no value kept; a candidate without
 * the property matches as its default does.
 */
static int
match_range(struct find *f, size_t k, struct cce_out *out)
{
	static const char sql[] = "SELECT oid, value FROM cce_props WHERE "
	    "class = ? AND namespace = ? AND name = ?";
	const struct field *v = &f->fields[k];
	sqlite3_stmt	*st = db_stmt(sql);
	const char	*text, *why = NULL;
	unsigned char	*seen;		/* 1 no match, 2 a match */
	ssize_t		 at;
	size_t		 i, to;
	int		 rc, m = 0, dflt;

	seen = must(calloc(f->n, 1));
	sqlite3_bind_text(st, 1, f->class, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, v->g->ns, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, v->p->name, -1, SQLITE_STATIC);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if ((at = position(f, sqlite3_column_int64(st, 0))) == -1)
			continue;
		text = (const char *)sqlite3_column_text(st, 1);
		if ((m = cce_re_match(v->re, text != NULL ? text : "",
		    &why)) == -1)
			break;
		seen[at] = (unsigned char)(1 + m);
	}
	sqlite3_reset(st);
	if (m != -1 && (dflt = cce_re_match(v->re, v->p->dflt, &why)) == -1)
		m = -1;
	if (m == -1 || rc == SQLITE_ROW) {
		free(seen);
		return cce_fail(out, CCE_BAD_PARAMS, "%s: %s", v->p->name,
		    why != NULL ? why : "cannot be matched");
	}
	if (rc != SQLITE_DONE) {
		free(seen);
		return cce_fail(out, CCE_CMD_ERROR, "database error");
	}
	for (i = 0, to = 0; i < f->n; i++) {
		if (seen[i] == 1 || (seen[i] == 0 && !dflt)) {
			drop_values(f, i);
			continue;
		}
		keep(f, i, to++);
	}
	f->n = to;
	free(seen);
	return 0;
}

static int
match_field(struct find *f, size_t k, struct cce_out *out)
{
	const char	*why;
	size_t		 i, to;
	int		 m;

	for (i = 0, to = 0; i < f->n; i++) {
		if ((m = cce_re_match(f->fields[k].re, value_of(f, i, k),
		    &why)) == -1)
			return cce_fail(out, CCE_BAD_PARAMS, "%s: %s",
			    f->fields[k].p->name, why);
		if (m == 0) {
			drop_values(f, i);
			continue;
		}
		keep(f, i, to++);
	}
	f->n = to;
	return 0;
}

/* Whether a user may read every value the search named, of object oid. */
static int
readable(struct find *f, uint64_t oid)
{
	struct cce_obj	 o;
	size_t		 i;

	if (cce_obj_load(oid, &o) == -1 || !cce_visible(f->c, &o))
		return 0;
	for (i = 0; i < f->nchecks; i++)
		if (!cce_may_read(f->c, &o, f->checks[i]))
			return 0;
	return 1;
}

static void
check_reads(struct find *f)
{
	size_t	 i, to;

	if (f->c->p.role == ROLE_ADMIN)
		return;
	for (i = 0, to = 0; i < f->n; i++) {
		if (!readable(f, f->oids[i])) {
			drop_values(f, i);
			continue;
		}
		keep(f, i, to++);
	}
	f->n = to;
}

/* qsort has no argument of its own: the search being sorted */
static const struct find *sorting;

static int
by_value(const void *x, const void *y)
{
	size_t	 a = *(const size_t *)x, b = *(const size_t *)y;
	int	 d;

	d = cce_sort_cmp(sorting->sort, value_of(sorting, a,
	    (size_t)sorting->sorted), value_of(sorting, b,
	    (size_t)sorting->sorted));
	if (d != 0)
		return d;
	return sorting->oids[a] < sorting->oids[b] ? -1 :
	    sorting->oids[a] > sorting->oids[b];
}

static void
sort(struct find *f)
{
	size_t		*order, i;
	uint64_t	*oids;

	order = must(reallocarray(NULL, f->n + 1, sizeof(*order)));
	oids = must(reallocarray(NULL, f->n + 1, sizeof(*oids)));
	for (i = 0; i < f->n; i++)
		order[i] = i;
	sorting = f;
	qsort(order, f->n, sizeof(*order), by_value);
	sorting = NULL;
	for (i = 0; i < f->n; i++)
		oids[i] = f->oids[order[i]];
	free(order);
	free(f->oids);
	f->oids = oids;		/* the values are not needed again */
}

int
cce_vals_filter(struct find *f, struct cce_out *out)
{
	size_t	 k;
	int	 rc;

	for (k = 0; k < f->nfields; k++) {
		if (f->fields[k].col == -1 && f->fields[k].re != NULL &&
		    f->n > LOOKUPS_MAX) {
			if (match_range(f, k, out) != 0)
				return out->code;
			continue;
		}
		if (f->fields[k].col == -1 && f->n > 0) {
			rc = f->n > LOOKUPS_MAX ? fetch_range(f, k) :
			    fetch_each(f, k);
			if (rc == -1)
				return cce_fail(out, CCE_CMD_ERROR,
				    "database error");
		}
		if (f->fields[k].re != NULL && match_field(f, k, out) != 0)
			return out->code;
	}
	check_reads(f);
	if (f->sorted != -1 && f->n > 1)
		sort(f);
	return 0;
}

void
cce_vals_take(struct find *f, uint64_t **oids, size_t *n)
{
	if (f->oids == NULL)
		f->oids = must(calloc(1, sizeof(*f->oids)));
	*oids = f->oids;
	*n = f->n;
	f->oids = NULL;
}

void
cce_vals_free(struct find *f)
{
	size_t	 i, total = f->rows * f->nfields;

	if (f->vals != NULL)
		for (i = 0; i < total; i++)
			free(f->vals[i]);
	free(f->vals);
	free(f->oids);
}
