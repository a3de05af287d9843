/*
 * The command API's schema file (cceschema.h has its grammar).  It is
 * read a line at a time: each line is cut into words and quoted
 * strings, and read by what it starts with.  Everything a property
 * later takes is checked here once: its type exists, its default is of
 * its type, its access rules are known, no name is declared twice.
 */
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cceschema.h"

#define WORDS_MAX	12
#define LINE_MAX_BYTES	4096

struct word {
	char	 text[LINE_MAX_BYTES];
	int	 quoted;
};

struct reader {
	struct cce_schema	*s;
	struct cces_group	*open;		/* the group being read */
	size_t			 lineno;
	char			*err;
	size_t			 errlen;
	struct word		 w[WORDS_MAX];
	size_t			 nw;
};

static const char *const acls[] = { "none", "admin", "self", "user", "all" };

static int	 fail(struct reader *, const char *, ...)
		    __attribute__((format(printf, 2, 3)));

static int
fail(struct reader *r, const char *fmt, ...)
{
	char	 msg[256];
	va_list	 ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	snprintf(r->err, r->errlen, "line %zu: %s", r->lineno, msg);
	return -1;
}

static int
name_ok(const char *s, int dash)
{
	size_t	 i;

	if (!isalpha((unsigned char)s[0]) && s[0] != '_')
		return 0;
	for (i = 1; s[i] != '\0'; i++)
		if (!isalnum((unsigned char)s[i]) && s[i] != '_' &&
		    !(dash && s[i] == '-'))
			return 0;
	return i <= CCES_NAME_MAX;
}

/* ---- words --------------------------------------------------------------- */

/*
 * A quoted string keeps every backslash but those before a quote or a
 * backslash, so that a regular expression reads as it is written.
 */
static int
quoted(struct reader *r, const char **pp, const char *end, struct word *w)
{
	const char	*p = *pp + 1;
	size_t		 n = 0;

	for (;;) {
		if (p >= end)
			return fail(r, "a string has no closing quote");
		if (*p == '"')
			break;
		if (*p == '\\' && p + 1 < end && (p[1] == '"' || p[1] == '\\'))
			p++;
		if ((unsigned char)*p < 0x20 && *p != '\t')
			return fail(r, "a control character in a string");
		w->text[n++] = *p++;
	}
	w->text[n] = '\0';
	w->quoted = 1;
	*pp = p + 1;
	return 0;
}

static int
split(struct reader *r, const char *p, const char *end)
{
	struct word	*w;
	size_t		 n;

	for (r->nw = 0; p < end; ) {
		if (*p == ' ' || *p == '\t' || *p == '\r') {
			p++;
			continue;
		}
		if (*p == '#')
			break;
		if (r->nw == WORDS_MAX)
			return fail(r, "too many words");
		w = &r->w[r->nw++];
		w->quoted = 0;
		if (*p == '"') {
			if (quoted(r, &p, end, w) == -1)
				return -1;
			continue;
		}
		for (n = 0; p < end && *p != ' ' && *p != '\t' &&
		    *p != '\r' && *p != '"' && *p != '#'; p++) {
			if ((unsigned char)*p < 0x20)
				return fail(r, "a control character");
			w->text[n++] = *p;
		}
		w->text[n] = '\0';
	}
	return 0;
}

static int
is(const struct reader *r, size_t i, const char *text)
{
	return i < r->nw && !r->w[i].quoted && strcmp(r->w[i].text, text) == 0;
}

/* ---- declarations -------------------------------------------------------- */

const struct cces_group *
cce_schema_group(const struct cce_schema *s, const char *class,
    const char *ns)
{
	size_t	 i;

	if (ns == NULL)
		ns = "";
	for (i = 0; i < s->ngroups; i++)
		if (strcmp(s->groups[i].class, class) == 0 &&
		    strcmp(s->groups[i].ns, ns) == 0)
			return &s->groups[i];
	return NULL;
}

const struct cces_prop *
cce_schema_prop(const struct cces_group *g, const char *name)
{
	size_t	 i;

	for (i = 0; i < g->nprops; i++)
		if (strcmp(g->props[i].name, name) == 0)
			return &g->props[i];
	return NULL;
}

static const struct cces_typedef *
typedef_named(const struct cce_schema *s, const char *name)
{
	size_t	 i;

	for (i = 0; i < s->ntypedefs; i++)
		if (strcmp(s->typedefs[i].name, name) == 0)
			return &s->typedefs[i];
	return NULL;
}

static int
read_typedef(struct reader *r)
{
	struct cces_typedef	*t;
	const char		*why;

	if (r->nw != 3 || r->w[1].quoted || !r->w[2].quoted)
		return fail(r, "typedef NAME \"REGEX\"");
	if (!name_ok(r->w[1].text, 0))
		return fail(r, "a typedef's name is letters, digits and _");
	if (cce_type_of(r->w[1].text) != -1 ||
	    typedef_named(r->s, r->w[1].text) != NULL)
		return fail(r, "type %s is declared already", r->w[1].text);
	if (r->s->ntypedefs == CCES_TYPEDEFS_MAX)
		return fail(r, "too many typedefs");
	t = &r->s->typedefs[r->s->ntypedefs];
	if ((t->re = cce_re_compile(r->w[2].text, &why)) == NULL)
		return fail(r, "typedef %s: %s", r->w[1].text, why);
	strlcpy(t->name, r->w[1].text, sizeof(t->name));
	r->s->ntypedefs++;
	return 0;
}

/* "class NAME [backed-by host] {" or "namespace CLASS.NAME {" */
static int
read_group(struct reader *r, int is_ns)
{
	struct cces_group	*g;
	char			 class[LINE_MAX_BYTES], *dot;
	const char		*ns = "";
	int			 backed;

	backed = !is_ns && r->nw == 5 && is(r, 2, "backed-by") &&
	    is(r, 3, "host") && is(r, 4, "{");
	if (!is_ns && r->nw == 5 && !backed)
		return fail(r, "class NAME [backed-by host] {");
	if ((r->nw != 3 && !backed) || r->w[1].quoted ||
	    !is(r, r->nw - 1, "{"))
		return fail(r, is_ns ? "namespace CLASS.NAME {" :
		    "class NAME {");
	strlcpy(class, r->w[1].text, sizeof(class));
	if (is_ns) {
		if ((dot = strchr(class, '.')) == NULL)
			return fail(r, "namespace CLASS.NAME {");
		*dot = '\0';
		ns = dot + 1;
		if (!name_ok(ns, 0))
			return fail(r, "a namespace is letters, digits and _");
		if (cce_schema_group(r->s, class, NULL) == NULL)
			return fail(r, "namespace of an undeclared class %s",
			    class);
	} else if (!name_ok(class, 0))
		return fail(r, "a class is letters, digits and _");
	if (cce_schema_group(r->s, class, ns) != NULL)
		return fail(r, "%s%s%s is declared already", class,
		    is_ns ? "." : "", ns);
	if (r->s->ngroups == CCES_GROUPS_MAX)
		return fail(r, "too many classes and namespaces");
	g = &r->s->groups[r->s->ngroups++];
	strlcpy(g->class, class, sizeof(g->class));
	strlcpy(g->ns, ns, sizeof(g->ns));
	g->backed_by_host = backed;
	r->open = g;
	return 0;
}

static int
acl_of(struct reader *r, size_t i, int writing, enum cces_acl *acl)
{
	size_t	 k;

	if (i >= r->nw || r->w[i].quoted)
		return fail(r, "read and write take admin, self, user or all");
	for (k = writing ? 0 : 1; k < sizeof(acls) / sizeof(acls[0]); k++)
		if (strcmp(r->w[i].text, acls[k]) == 0) {
			*acl = (enum cces_acl)k;
			return 0;
		}
	return fail(r, "unknown access %s", r->w[i].text);
}

static int
prop_type(struct reader *r, struct cces_prop *p)
{
	char	 type[LINE_MAX_BYTES];
	size_t	 n;
	int	 t;

	strlcpy(type, r->w[1].text, sizeof(type));
	n = strlen(type);
	if (n > 2 && strcmp(type + n - 2, "[]") == 0) {
		type[n - 2] = '\0';
		p->array = 1;
	}
	if ((t = cce_type_of(type)) != -1)
		p->type = (enum cce_type)t;
	else if ((p->tdef = typedef_named(r->s, type)) != NULL)
		p->type = CCE_T_REGEX;
	else
		return fail(r, "unknown type %s", r->w[1].text);
	return 0;
}

/* The words after the type: default, read, write, each once. */
static int
prop_options(struct reader *r, struct cces_prop *p)
{
	int	 seen[3] = { 0, 0, 0 }, k;
	size_t	 i;

	for (i = 2; i < r->nw; i += 2) {
		k = is(r, i, "default") ? 0 : is(r, i, "read") ? 1 :
		    is(r, i, "write") ? 2 : -1;
		if (k == -1)
			return fail(r, "unknown option %s", r->w[i].text);
		if (seen[k]++)
			return fail(r, "%s is given twice", r->w[i].text);
		if (k == 0) {
			if (i + 1 >= r->nw || !r->w[i + 1].quoted)
				return fail(r, "default takes a quoted value");
			if (strlen(r->w[i + 1].text) > CCES_DEFAULT_MAX)
				return fail(r, "a default is too long");
			strlcpy(p->dflt, r->w[i + 1].text, sizeof(p->dflt));
		} else if (acl_of(r, i + 1, k == 2,
		    k == 1 ? &p->read : &p->write) == -1)
			return -1;
	}
	return seen[0] ? 1 : 0;
}

static int
read_prop(struct reader *r)
{
	struct cces_group	*g = r->open;
	struct cces_prop	*p, *grown;
	const char		*why;
	int			 has_default;

	if (r->nw < 2 || r->w[0].quoted || r->w[1].quoted)
		return fail(r, "PROPERTY TYPE [default \"V\"] [read ACL] "
		    "[write ACL]");
	if (!name_ok(r->w[0].text, 1))
		return fail(r, "a property is letters, digits, _ and -");
	if (cce_schema_prop(g, r->w[0].text) != NULL)
		return fail(r, "property %s is declared already",
		    r->w[0].text);
	if (g->nprops == CCES_PROPS_MAX)
		return fail(r, "too many properties in %s", g->class);
	if ((grown = reallocarray(g->props, g->nprops + 1,
	    sizeof(*g->props))) == NULL)
		return fail(r, "out of memory");
	g->props = grown;
	p = &g->props[g->nprops];
	memset(p, 0, sizeof(*p));
	strlcpy(p->name, r->w[0].text, sizeof(p->name));
	p->read = CCES_SELF;
	p->write = CCES_ADMIN;
	if (prop_type(r, p) == -1 || (has_default = prop_options(r, p)) == -1)
		return -1;
	if (p->type == CCE_T_PASSWORD) {
		if (has_default)
			return fail(r, "a password has no default");
		p->read = CCES_NONE;
	}
	if (has_default && cce_type_check(p->type, p->tdef != NULL ?
	    p->tdef->re : NULL, p->array, p->dflt, &why) == -1)
		return fail(r, "default of %s: %s", p->name, why);
	g->nprops++;
	return 0;
}

static int
read_line(struct reader *r, const char *line, const char *end)
{
	if (split(r, line, end) == -1)
		return -1;
	if (r->nw == 0)
		return 0;
	if (r->open != NULL) {
		if (is(r, 0, "}")) {
			if (r->nw != 1)
				return fail(r, "} stands alone");
			r->open = NULL;
			return 0;
		}
		return read_prop(r);
	}
	if (is(r, 0, "typedef"))
		return read_typedef(r);
	if (is(r, 0, "class"))
		return read_group(r, 0);
	if (is(r, 0, "namespace"))
		return read_group(r, 1);
	return fail(r, "expected typedef, class or namespace");
}

struct cce_schema *
cce_schema_parse(const char *text, size_t len, char *err, size_t errlen)
{
	struct reader	*r;
	struct cce_schema *s;
	const char	*p = text, *end = text + len, *nl;
	int		 rc = 0;

	if ((r = calloc(1, sizeof(*r))) == NULL ||
	    (s = calloc(1, sizeof(*s))) == NULL) {
		free(r);
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	r->s = s;
	r->err = err;
	r->errlen = errlen;
	if (len > CCES_FILE_MAX)
		rc = fail(r, "the file is over 1 MiB");
	else if (memchr(text, '\0', len) != NULL)
		rc = fail(r, "the file holds a NUL byte");
	while (rc == 0 && p < end) {
		r->lineno++;
		if ((nl = memchr(p, '\n', (size_t)(end - p))) == NULL)
			nl = end;
		if ((size_t)(nl - p) >= LINE_MAX_BYTES)
			rc = fail(r, "a line is over 4 KiB");
		else
			rc = read_line(r, p, nl);
		p = nl + (nl < end);
	}
	if (rc == 0 && r->open != NULL)
		rc = fail(r, "%s has no closing }", r->open->class);
	free(r);
	if (rc == -1) {
		cce_schema_free(s);
		return NULL;
	}
	return s;
}

void
cce_schema_free(struct cce_schema *s)
{
	size_t	 i;

	if (s == NULL)
		return;
	for (i = 0; i < s->ntypedefs; i++)
		cce_re_free(s->typedefs[i].re);
	for (i = 0; i < s->ngroups; i++)
		free(s->groups[i].props);
	free(s);
}
