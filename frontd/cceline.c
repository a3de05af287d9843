/*
 * The command API's raw command line.  The line is cut into tokens
 * first (bare words, quoted strings with the protocol's escapes, "=" and
 * "~"), each decoded into the line's arena, and then read by the
 * command's own shape.  Every string that comes out is valid UTF-8
 * without a NUL, and every name is checked here, so that what reaches
 * stored is what the structured form would carry.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "cceline.h"
#include "util.h"

#define TOKENS_MAX	(3 * CCE_ARGS_MAX + 16)
#define REASON_MAX	200

enum tok_kind { T_WORD, T_STRING, T_EQ, T_MATCH };

struct tok {
	enum tok_kind	 kind;
	const char	*text;		/* decoded, in the arena */
};

struct parse {
	struct cce_line	*l;
	struct tok	 tok[TOKENS_MAX];
	size_t		 ntok;
	size_t		 i;		/* the next token to read */
	const char	*why;
};

static const char *const verbs[CCE_V_MAX] = {
	"AUTH", "AUTHKEY", "BEGIN", "BYE", "CLASSES", "COMMIT", "CREATE",
	"DESTROY", "ENDKEY", "FIND", "FINDX", "GET", "GETALL", "GETOBJECT",
	"LOGIN", "NAMES", "PING", "RESUME", "SET", "SUSPEND", "WHOAMI"
};

static const char *const sorttypes[] = {
	"ascii", "old_numeric", "locale", "ip", "hostname"
};

const char *
cce_verb_name(enum cce_verb v)
{
	return v < CCE_V_MAX ? verbs[v] : "?";
}

int
cce_verb_of(const char *word, enum cce_verb *v)
{
	int	 i;

	for (i = 0; i < CCE_V_MAX; i++)
		if (strcasecmp(word, verbs[i]) == 0) {
			*v = (enum cce_verb)i;
			return 0;
		}
	return -1;
}

int
cce_sorttype_ok(const char *s)
{
	size_t	 i;

	for (i = 0; i < sizeof(sorttypes) / sizeof(sorttypes[0]); i++)
		if (strcmp(s, sorttypes[i]) == 0)
			return 1;
	return 0;
}

/* A SUSPEND reason: one printable line of at most REASON_MAX bytes. */
int
cce_reason_ok(const char *s)
{
	size_t	 i;

	for (i = 0; s[i] != '\0'; i++)
		if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f)
			return 0;
	return i <= REASON_MAX;
}

static int
refuse(struct parse *ps, const char *why)
{
	if (ps->why == NULL)
		ps->why = why;
	return -1;
}

/* ---- tokens ------------------------------------------------------------ */

static int
escape(const char **pp, const char *end, char *c)
{
	const char	*p = *pp;
	int		 i, v;

	switch (*p) {
	case 'a': *c = '\a'; break;
	case 'b': *c = '\b'; break;
	case 'f': *c = '\f'; break;
	case 'n': *c = '\n'; break;
	case 'r': *c = '\r'; break;
	case 't': *c = '\t'; break;
	case '"': *c = '"'; break;
	case '\\': *c = '\\'; break;
	default:
		/* \NNN: exactly three octal digits, at most \377 */
		for (i = 0, v = 0; i < 3; i++) {
			if (p + i >= end || p[i] < '0' || p[i] > '7')
				return -1;
			v = v * 8 + (p[i] - '0');
		}
		if (v > 0377)
			return -1;
		*c = (char)v;
		*pp = p + 3;
		return 0;
	}
	*pp = p + 1;
	return 0;
}

/* A quoted string from *pp (after its quote) into out; -1 and why. */
static int
lex_string(struct parse *ps, const char **pp, const char *end, char *out)
{
	const char	*p = *pp;
	size_t		 n = 0;
	char		 c;

	for (;;) {
		if (p >= end)
			return refuse(ps, "a string has no closing quote");
		c = *p++;
		if (c == '"')
			break;
		if ((unsigned char)c < 0x20 || c == 0x7f)
			return refuse(ps, "a control character in a string: "
			    "write it as an escape");
		if (c == '\\') {
			if (p >= end || escape(&p, end, &c) == -1)
				return refuse(ps, "a string has an unknown "
				    "escape");
			if (c == '\0')
				return refuse(ps, "a string holds a NUL byte");
		}
		out[n++] = c;
	}
	out[n] = '\0';
	*pp = p;
	return 0;
}

static int
lex_one(struct parse *ps, const char **pp, const char *end)
{
	struct cce_line	*l = ps->l;
	struct tok	*t;
	const char	*p = *pp;
	char		*out;
	size_t		 n;

	if (ps->ntok == TOKENS_MAX)
		return refuse(ps, "too many arguments");
	t = &ps->tok[ps->ntok];
	out = l->arena + l->used;
	if (*p == '=' || *p == '~') {
		t->kind = *p == '=' ? T_EQ : T_MATCH;
		out[0] = *p++;
		out[1] = '\0';
	} else if (*p == '"') {
		p++;
		t->kind = T_STRING;
		if (lex_string(ps, &p, end, out) == -1)
			return -1;
	} else {
		t->kind = T_WORD;
		for (n = 0; p < end && *p != ' ' && *p != '\t' && *p != '"' &&
		    *p != '=' && *p != '~'; n++, p++) {
			if ((unsigned char)*p < 0x20 || *p == 0x7f)
				return refuse(ps, "a control character in "
				    "the command");
			out[n] = *p;
		}
		out[n] = '\0';
	}
	if (!utf8_valid(out))
		return refuse(ps, "the command is not UTF-8");
	t->text = out;
	l->used += strlen(out) + 1;
	ps->ntok++;
	*pp = p;
	return 0;
}

/*
 * The arena holds every token decoded with its NUL: no token is longer
 * decoded than written, and each needs one byte more than its shortest
 * spelling, so twice the line is enough.
 */
static int
lex(struct parse *ps, const char *line, size_t len)
{
	const char	*p = line, *end = line + len;

	if (memchr(line, '\0', len) != NULL)
		return refuse(ps, "the command holds a NUL byte");
	while (p < end) {
		if (*p == ' ' || *p == '\t') {
			p++;
			continue;
		}
		if (lex_one(ps, &p, end) == -1)
			return -1;
	}
	return 0;
}

/* ---- the parts of a command -------------------------------------------- */

static const struct tok *
peek(struct parse *ps, size_t ahead)
{
	return ps->i + ahead < ps->ntok ? &ps->tok[ps->i + ahead] : NULL;
}

static int
is_word(const struct tok *t, const char *word)
{
	return t != NULL && t->kind == T_WORD &&
	    (word == NULL || strcasecmp(t->text, word) == 0);
}

/* A class, namespace or sort word: a letter or _, then letters, digits, _. */
int
cce_name_ok(const char *s, size_t max)
{
	size_t	 i;

	if (!isalpha((unsigned char)s[0]) && s[0] != '_')
		return 0;
	for (i = 1; s[i] != '\0'; i++)
		if (!isalnum((unsigned char)s[i]) && s[i] != '_')
			return 0;
	return i <= max;
}

/* A property: names joined by dots, "-" allowed after the first. */
int
cce_key_ok(const char *s)
{
	size_t	 i;

	if (!isalpha((unsigned char)s[0]) && s[0] != '_')
		return 0;
	for (i = 1; s[i] != '\0'; i++) {
		if (s[i] == '.' && s[i - 1] != '.' && s[i + 1] != '\0')
			continue;
		if (!isalnum((unsigned char)s[i]) && s[i] != '_' &&
		    s[i] != '-')
			return 0;
	}
	return i <= CCE_KEY_MAX;
}

int
cce_oid_of(const char *s, uint64_t *oid)
{
	uint64_t	 v = 0;
	size_t		 i;

	if (s[0] < '1' || s[0] > '9')
		return -1;
	for (i = 0; s[i] != '\0'; i++) {
		if (s[i] < '0' || s[i] > '9' || i == 18)
			return -1;
		v = v * 10 + (uint64_t)(s[i] - '0');
	}
	*oid = v;
	return 0;
}

static int
take_name(struct parse *ps, const char *what, const char **out)
{
	const struct tok	*t = peek(ps, 0);

	if (!is_word(t, NULL))
		return refuse(ps, what);
	if (!cce_name_ok(t->text, CCE_NAME_MAX))
		return refuse(ps, "a class or namespace is a name of "
		    "letters, digits and _");
	*out = t->text;
	ps->i++;
	return 0;
}

/* "12", "12.NS", "12. NS", "12 .NS" or "12 . NS". */
static int
take_oid_ns(struct parse *ps, int with_ns)
{
	struct cce_line		*l = ps->l;
	const struct tok	*t = peek(ps, 0), *n;
	const char		*ns = NULL;
	char			*dot;
	int			 dotted = 0;

	if (!is_word(t, NULL))
		return refuse(ps, "an object id is required");
	/* the token is ours, in the arena: cut it at its dot */
	if (with_ns && (dot = strchr(t->text, '.')) != NULL) {
		*dot = '\0';
		dotted = 1;
		ns = dot + 1;
	}
	if (cce_oid_of(t->text, &l->oid) == -1)
		return refuse(ps, "an object id is a number from 1");
	ps->i++;
	n = peek(ps, 0);
	if (with_ns && !dotted && is_word(n, NULL) && n->text[0] == '.') {
		ps->i++;
		dotted = 1;
		ns = n->text + 1;
	}
	if (!dotted)
		return 0;
	if (*ns == '\0')
		return take_name(ps, "a namespace is missing after the dot",
		    &l->ns);
	if (!cce_name_ok(ns, CCE_NAME_MAX))
		return refuse(ps, "a class or namespace is a name of "
		    "letters, digits and _");
	l->ns = ns;
	return 0;
}

static int
take_arg(struct parse *ps, int match_ok)
{
	struct cce_line		*l = ps->l;
	const struct tok	*k = peek(ps, 0), *op = peek(ps, 1),
				*v = peek(ps, 2);
	struct cce_arg		*a;
	size_t			 i;

	if (k == NULL || (k->kind != T_WORD && k->kind != T_STRING) ||
	    op == NULL || (op->kind != T_EQ && op->kind != T_MATCH))
		return refuse(ps, "arguments are written key=value");
	if (!cce_key_ok(k->text))
		return refuse(ps, "a property is a name of letters, digits, "
		    "_ and -, with dots between namespace and name");
	if (op->kind == T_MATCH && !match_ok)
		return refuse(ps, "only a search takes key~regex");
	if (v == NULL || (v->kind != T_WORD && v->kind != T_STRING))
		return refuse(ps, "a value is missing: quote an empty one");
	if (strlen(v->text) > CCE_VALUE_MAX)
		return refuse(ps, "a value is too long");
	if (l->nargs == CCE_ARGS_MAX)
		return refuse(ps, "too many arguments");
	for (i = 0; i < l->nargs; i++)
		if (strcmp(l->args[i].key, k->text) == 0)
			return refuse(ps, "a property is given twice");
	a = &l->args[l->nargs++];
	a->key = k->text;
	a->value = v->text;
	a->op = op->kind == T_EQ ? CCE_OP_EQ : CCE_OP_MATCH;
	ps->i += 3;
	return 0;
}

static int
take_args(struct parse *ps, int match_ok)
{
	while (ps->i < ps->ntok)
		if (take_arg(ps, match_ok) == -1)
			return -1;
	return 0;
}

/* SORTTYPE t or SORTPROP p, unquoted and not itself a key. */
static int
sort_word(struct parse *ps)
{
	struct cce_line		*l = ps->l;
	const struct tok	*v = peek(ps, 1), *after = peek(ps, 2);
	int			 type = is_word(peek(ps, 0), "SORTTYPE");

	if (!type && !is_word(peek(ps, 0), "SORTPROP"))
		return 0;
	if (v == NULL || v->kind == T_EQ || v->kind == T_MATCH)
		return 0;	/* a property of that name */
	if (after != NULL && (after->kind == T_EQ || after->kind == T_MATCH))
		return refuse(ps, "SORTTYPE and SORTPROP take one word");
	if ((type ? l->sorttype : l->sortprop) != NULL)
		return refuse(ps, "a sort is given twice");
	if (type) {
		if (!cce_sorttype_ok(v->text))
			return refuse(ps, "unknown sort type: ascii, "
			    "old_numeric, locale, ip or hostname");
		l->sorttype = v->text;
	} else {
		if (!cce_key_ok(v->text))
			return refuse(ps, "SORTPROP names a property");
		l->sortprop = v->text;
	}
	ps->i += 2;
	return 1;
}

/* FIND, FINDX, GETOBJECT: a class, then arguments and sorts. */
static int
shape_search(struct parse *ps)
{
	int	 rc;

	if (take_name(ps, "a class is required", &ps->l->class) == -1)
		return -1;
	while (ps->i < ps->ntok) {
		if ((rc = sort_word(ps)) == -1)
			return -1;
		if (rc == 0 && take_arg(ps, 1) == -1)
			return -1;
	}
	return 0;
}

/* GETALL: oids, or a class and arguments. */
static int
shape_getall(struct parse *ps)
{
	struct cce_line		*l = ps->l;
	const struct tok	*t = peek(ps, 0);

	if (t == NULL || t->kind != T_WORD ||
	    !isdigit((unsigned char)t->text[0]))
		return shape_search(ps);
	for (; (t = peek(ps, 0)) != NULL; ps->i++) {
		if (t->kind != T_WORD)
			return refuse(ps, "GETALL takes oids or a class");
		if (l->noids == CCE_OIDS_MAX)
			return refuse(ps, "too many oids");
		if (cce_oid_of(t->text, &l->oids[l->noids++]) == -1)
			return refuse(ps, "an object id is a number from 1");
	}
	return 0;
}

static int
shape_words(struct parse *ps, size_t max)
{
	struct cce_line		*l = ps->l;
	const struct tok	*t;

	for (; (t = peek(ps, 0)) != NULL; ps->i++) {
		if (t->kind != T_WORD && t->kind != T_STRING)
			return refuse(ps, "this command takes words");
		if (l->nwords == max)
			return refuse(ps, "too many arguments");
		l->words[l->nwords++] = t->text;
	}
	return 0;
}

static int
shape_suspend(struct parse *ps)
{
	struct cce_line	*l = ps->l;

	if (shape_words(ps, 1) == -1)
		return -1;
	if (l->nwords == 0)
		return 0;
	l->reason = l->words[0];
	l->words[0] = NULL;
	l->nwords = 0;
	if (!cce_reason_ok(l->reason))
		return refuse(ps, "a reason is one line of at most 200 bytes");
	return 0;
}

static int
shape_names(struct parse *ps)
{
	const struct tok	*t = peek(ps, 0);

	if (is_word(t, NULL) && isdigit((unsigned char)t->text[0])) {
		if (cce_oid_of(t->text, &ps->l->oid) == -1)
			return refuse(ps, "an object id is a number from 1");
		ps->i++;
		return 0;
	}
	return take_name(ps, "NAMES takes a class or an oid", &ps->l->class);
}

static int
shape(struct parse *ps)
{
	struct cce_line	*l = ps->l;

	switch (l->verb) {
	case CCE_V_AUTH:
	case CCE_V_AUTHKEY:
		return shape_words(ps, CCE_WORDS_MAX);
	case CCE_V_CREATE:
		if (take_name(ps, "a class is required", &l->class) == -1)
			return -1;
		return take_args(ps, 0);
	case CCE_V_SET:
		if (take_oid_ns(ps, 1) == -1)
			return -1;
		return take_args(ps, 0);
	case CCE_V_GET:
		return take_oid_ns(ps, 1);
	case CCE_V_DESTROY:
		return take_oid_ns(ps, 0);
	case CCE_V_NAMES:
		return shape_names(ps);
	case CCE_V_FIND:
	case CCE_V_FINDX:
	case CCE_V_GETOBJECT:
		return shape_search(ps);
	case CCE_V_GETALL:
		return shape_getall(ps);
	case CCE_V_SUSPEND:
		return shape_suspend(ps);
	default:
		return 0;	/* the rest take nothing */
	}
}

int
cce_line_parse(const char *line, size_t len, struct cce_line *l,
    const char **why)
{
	struct parse	*ps;
	const struct tok *t;
	int		 v, status = 0;

	memset(l, 0, sizeof(*l));
	if ((ps = calloc(1, sizeof(*ps))) == NULL) {
		*why = "out of memory";
		return 403;
	}
	ps->l = l;
	if (len > CCE_LINE_MAX)
		refuse(ps, "the command is too long");
	else if (lex(ps, line, len) == 0 && ps->ntok == 0)
		refuse(ps, "cmd is required");
	if (ps->why != NULL) {
		status = 403;
		goto done;
	}
	t = &ps->tok[0];
	for (v = 0; v < CCE_V_MAX; v++)
		if (t->kind == T_WORD && strcasecmp(t->text, verbs[v]) == 0)
			break;
	if (v == CCE_V_MAX) {
		ps->why = "unknown command";
		status = 402;
		goto done;
	}
	l->verb = (enum cce_verb)v;
	ps->i = 1;
	if (shape(ps) == -1)
		status = 403;
	else if (ps->i < ps->ntok) {
		ps->why = "too many arguments";
		status = 403;
	}
done:
	*why = ps->why;
	free(ps);
	return status;
}
