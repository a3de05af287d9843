/*
 * libFuzzer target for the command API's raw command line
 * (frontd/cceline.c), which any client sends: a line accepted comes out
 * as names that check, values that are UTF-8 without a NUL, within the
 * limits, and written again in the canonical spelling it parses to the
 * same command; a refusal says why in printable text.  The same input
 * read as an array ("&a&b&") decodes, encodes and decodes to the same
 * elements; as a value it is checked against every type; cut in two, it
 * is a pattern and a subject, and the match ends within its limits; as
 * a schema file it is read or refused with a line number.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ccearray.h"
#include "cceline.h"
#include "cceschema.h"
#include "ccetype.h"

int	 LLVMFuzzerTestOneInput(const uint8_t *, size_t);

#define REQUIRE(cond) do {						\
	if (!(cond))							\
		abort();						\
} while (0)

static char	 text[CCE_LINE_MAX * 8];

static void
put(size_t *n, const char *s)
{
	size_t	 len = strlen(s);

	REQUIRE(*n + len < sizeof(text));
	memcpy(text + *n, s, len);
	*n += len;
	text[*n] = '\0';
}

/* A quoted string, every byte that needs it as an escape. */
static void
put_quoted(size_t *n, const char *s)
{
	char	 esc[8];

	put(n, "\"");
	for (; *s != '\0'; s++) {
		if (*s == '"' || *s == '\\' || (unsigned char)*s < 0x20 ||
		    *s == 0x7f) {
			snprintf(esc, sizeof(esc), "\\%03o", (unsigned char)*s);
			put(n, esc);
		} else {
			esc[0] = *s;
			esc[1] = '\0';
			put(n, esc);
		}
	}
	put(n, "\"");
}

static size_t
canonical(const struct cce_line *l)
{
	char	 num[32];
	size_t	 n = 0, i;

	text[0] = '\0';
	put(&n, cce_verb_name(l->verb));
	if (l->class != NULL) {
		put(&n, " ");
		put(&n, l->class);
	}
	if (l->oid != 0) {
		snprintf(num, sizeof(num), " %llu", (unsigned long long)l->oid);
		put(&n, num);
	}
	if (l->ns != NULL) {
		put(&n, " . ");
		put(&n, l->ns);
	}
	for (i = 0; i < l->noids; i++) {
		snprintf(num, sizeof(num), " %llu",
		    (unsigned long long)l->oids[i]);
		put(&n, num);
	}
	for (i = 0; i < l->nwords; i++) {
		put(&n, " ");
		put_quoted(&n, l->words[i]);
	}
	if (l->reason != NULL) {
		put(&n, " ");
		put_quoted(&n, l->reason);
	}
	for (i = 0; i < l->nargs; i++) {
		put(&n, " ");
		put_quoted(&n, l->args[i].key);
		put(&n, l->args[i].op == CCE_OP_EQ ? " = " : " ~ ");
		put_quoted(&n, l->args[i].value);
	}
	if (l->sorttype != NULL) {
		put(&n, " SORTTYPE ");
		put(&n, l->sorttype);
	}
	if (l->sortprop != NULL) {
		put(&n, " SORTPROP ");
		put(&n, l->sortprop);
	}
	return n;
}

static int
same_str(const char *a, const char *b)
{
	return (a == NULL && b == NULL) ||
	    (a != NULL && b != NULL && strcmp(a, b) == 0);
}

static void
check_same(const struct cce_line *a, const struct cce_line *b)
{
	size_t	 i;

	REQUIRE(a->verb == b->verb && a->oid == b->oid);
	REQUIRE(same_str(a->class, b->class) && same_str(a->ns, b->ns));
	REQUIRE(same_str(a->sorttype, b->sorttype));
	REQUIRE(same_str(a->sortprop, b->sortprop));
	REQUIRE(same_str(a->reason, b->reason));
	REQUIRE(a->nargs == b->nargs && a->noids == b->noids);
	REQUIRE(a->nwords == b->nwords);
	for (i = 0; i < a->nargs; i++) {
		REQUIRE(strcmp(a->args[i].key, b->args[i].key) == 0);
		REQUIRE(strcmp(a->args[i].value, b->args[i].value) == 0);
		REQUIRE(a->args[i].op == b->args[i].op);
	}
	for (i = 0; i < a->noids; i++)
		REQUIRE(a->oids[i] == b->oids[i] && a->oids[i] != 0);
	for (i = 0; i < a->nwords; i++)
		REQUIRE(strcmp(a->words[i], b->words[i]) == 0);
}

static void
check_refusal(int status, const char *why)
{
	size_t	 i;

	REQUIRE(status == 402 || status == 403);
	REQUIRE(why != NULL && why[0] != '\0');
	for (i = 0; why[i] != '\0'; i++)
		REQUIRE(why[i] >= 0x20 && why[i] < 0x7f);
}

static void
check_line(const uint8_t *data, size_t size)
{
	static struct cce_line	 l, again;
	const char		*why;
	size_t			 n, i;
	int			 status;

	if ((status = cce_line_parse((const char *)data, size, &l, &why)) !=
	    0) {
		check_refusal(status, why);
		return;
	}
	REQUIRE(l.verb < CCE_V_MAX && l.nargs <= CCE_ARGS_MAX);
	for (i = 0; i < l.nargs; i++)
		REQUIRE(strlen(l.args[i].value) <= CCE_VALUE_MAX &&
		    strlen(l.args[i].key) <= CCE_KEY_MAX);
	n = canonical(&l);
	if (n > CCE_LINE_MAX)
		return;		/* the escapes made it longer than a line */
	status = cce_line_parse(text, n, &again, &why);
	REQUIRE(status == 0);
	check_same(&l, &again);
}

static void
check_array(const uint8_t *data, size_t size)
{
	static char	 in[4096], enc[4096 * 3 + 2], elem[4096], back[4096];
	const char	*why;
	size_t		 pos = 0, pos2 = 0;
	int		 rc;

	if (size >= sizeof(in))
		return;
	memcpy(in, data, size);
	in[size] = '\0';
	enc[0] = '\0';
	while ((rc = cce_array_next(in, &pos, elem, sizeof(elem), &why)) ==
	    1) {
		REQUIRE(pos <= size);
		REQUIRE(cce_array_add(enc, sizeof(enc), elem) == 0);
	}
	if (rc == -1)
		return;
	pos = 0;
	while (cce_array_next(in, &pos, elem, sizeof(elem), &why) == 1) {
		REQUIRE(cce_array_next(enc, &pos2, back, sizeof(back),
		    &why) == 1);
		REQUIRE(strcmp(elem, back) == 0);
	}
	REQUIRE(cce_array_next(enc, &pos2, back, sizeof(back), &why) == 0);
}

static void
check_types(const uint8_t *data, size_t size)
{
	static char	 in[4096];
	struct cce_re	*re;
	const char	*why;
	size_t		 half;
	int		 t, rc;

	if (size >= sizeof(in) || memchr(data, '\0', size) != NULL)
		return;
	memcpy(in, data, size);
	in[size] = '\0';
	for (t = 0; t < CCE_T_REGEX; t++) {
		rc = cce_type_check((enum cce_type)t, NULL, 0, in, &why);
		REQUIRE(rc == 0 || (rc == -1 && why != NULL));
		rc = cce_type_check((enum cce_type)t, NULL, 1, in, &why);
		REQUIRE(rc == 0 || (rc == -1 && why != NULL));
	}
	half = size / 2;
	in[half] = '\0';
	if ((re = cce_re_compile(in, &why)) == NULL) {
		REQUIRE(why != NULL);
		return;
	}
	rc = cce_re_match(re, in + half + (size > 0), &why);
	REQUIRE(rc == 0 || rc == 1 || (rc == -1 && why != NULL));
	rc = cce_type_check(CCE_T_REGEX, re, 1, in + half + (size > 0), &why);
	REQUIRE(rc == 0 || rc == -1);
	cce_re_free(re);
}

static void
check_schema(const uint8_t *data, size_t size)
{
	struct cce_schema	*s;
	char			 err[512];

	err[0] = '\0';
	if ((s = cce_schema_parse((const char *)data, size, err,
	    sizeof(err))) != NULL) {
		cce_schema_free(s);
		return;
	}
	REQUIRE(strncmp(err, "line ", 5) == 0);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	check_schema(data, size);
	check_line(data, size);
	check_array(data, size);
	check_types(data, size);
	return 0;
}
