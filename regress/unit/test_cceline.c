/*
 * Unit tests of the command API's raw command line (frontd/cceline.c):
 * the lines NOTES.md quotes from billing modules, every spelling of a
 * namespace and an argument, the escapes, the sorts, the limits, and
 * arrays both ways.
 */
#include <stdlib.h>
#include <string.h>

#include "ccearray.h"
#include "cceline.h"
#include "test.h"

static struct cce_line	*l;

static int
parse(const char *line, const char **why)
{
	const char	*w = NULL;
	int		 rc;

	rc = cce_line_parse(line, strlen(line), l, &w);
	if (why != NULL)
		*why = w;
	return rc;
}

static int
arg_is(size_t i, const char *key, const char *value, enum cce_op op)
{
	return i < l->nargs && strcmp(l->args[i].key, key) == 0 &&
	    strcmp(l->args[i].value, value) == 0 && l->args[i].op == op;
}

static void
test_billing_lines(void)
{
	CHECK_INT(parse("GET 6 . Email", NULL), 0);
	CHECK_INT(l->verb, CCE_V_GET);
	CHECK_INT(l->oid, 6);
	CHECK_STR(l->ns, "Email");

	CHECK_INT(parse("FIND Vsite name = \"site1\"", NULL), 0);
	CHECK_INT(l->verb, CCE_V_FIND);
	CHECK_STR(l->class, "Vsite");
	CHECK(arg_is(0, "name", "site1", CCE_OP_EQ));
	CHECK_INT(l->nargs, 1);

	CHECK_INT(parse("CREATE User name=\"bob\" fullName=\"Bob\"", NULL), 0);
	CHECK_INT(l->verb, CCE_V_CREATE);
	CHECK_STR(l->class, "User");
	CHECK(arg_is(0, "name", "bob", CCE_OP_EQ));
	CHECK(arg_is(1, "fullName", "Bob", CCE_OP_EQ));

	CHECK_INT(parse("SET 1 . Snmp k=\"v\"", NULL), 0);
	CHECK_INT(l->oid, 1);
	CHECK_STR(l->ns, "Snmp");
	CHECK(arg_is(0, "k", "v", CCE_OP_EQ));

	CHECK_INT(parse("SET 12 \"suspend\" = \"1\"", NULL), 0);
	CHECK(l->ns == NULL);
	CHECK(arg_is(0, "suspend", "1", CCE_OP_EQ));

	CHECK_INT(parse("NAMES 6", NULL), 0);
	CHECK_INT(l->oid, 6);
	CHECK(l->class == NULL);
	CHECK_INT(parse("NAMES Vsite", NULL), 0);
	CHECK_STR(l->class, "Vsite");
	CHECK_INT(parse("DESTROY 7", NULL), 0);
	CHECK_INT(l->verb, CCE_V_DESTROY);
	CHECK_INT(l->oid, 7);
	CHECK_INT(parse("destroy 7", NULL), 0);
	CHECK_INT(l->verb, CCE_V_DESTROY);
}

static void
test_namespaces(void)
{
	const char	*lines[] = { "GET 12.Disk", "GET 12. Disk",
	    "GET 12 .Disk", "GET 12 . Disk", "GET\t12\t.\tDisk" };
	const char	*why;
	size_t		 i;

	for (i = 0; i < sizeof(lines) / sizeof(lines[0]); i++) {
		CHECK_INT(parse(lines[i], NULL), 0);
		CHECK_INT(l->oid, 12);
		CHECK_STR(l->ns, "Disk");
	}
	CHECK_INT(parse("GET 12", NULL), 0);
	CHECK(l->ns == NULL);
	CHECK_INT(parse("SET 12.Disk quota=100", NULL), 0);
	CHECK_STR(l->ns, "Disk");
	CHECK(arg_is(0, "quota", "100", CCE_OP_EQ));
	CHECK_INT(parse("GET 12 .", &why), 403);
	CHECK_STR(why, "a namespace is missing after the dot");
	CHECK_INT(parse("GET 12.Di-sk", NULL), 403);
	CHECK_INT(parse("GET 12 . Disk extra", &why), 403);
	CHECK_STR(why, "too many arguments");
	CHECK_INT(parse("DESTROY 12.Disk", NULL), 403);
	CHECK_INT(parse("GET 0", NULL), 403);
	CHECK_INT(parse("GET 012", NULL), 403);
	CHECK_INT(parse("GET -1", NULL), 403);
	CHECK_INT(parse("GET 1234567890123456789", NULL), 403);
	CHECK_INT(parse("GET 123456789012345678", NULL), 0);
	CHECK_INT(parse("GET \"12\"", NULL), 403);
	CHECK_INT(parse("GET", &why), 403);
	CHECK_STR(why, "an object id is required");
}

static void
test_arguments(void)
{
	const char	*why;

	CHECK_INT(parse("FIND Vsite name=site1 fqdn = \"a.example\"", NULL),
	    0);
	CHECK(arg_is(0, "name", "site1", CCE_OP_EQ));
	CHECK(arg_is(1, "fqdn", "a.example", CCE_OP_EQ));
	CHECK_INT(parse("FIND Vsite name ~ \"^site[0-9]+$\"", NULL), 0);
	CHECK(arg_is(0, "name", "^site[0-9]+$", CCE_OP_MATCH));
	CHECK_INT(parse("FIND Vsite name~site", NULL), 0);
	CHECK(arg_is(0, "name", "site", CCE_OP_MATCH));
	CHECK_INT(parse("FIND Vsite Disk.quota=100", NULL), 0);
	CHECK(arg_is(0, "Disk.quota", "100", CCE_OP_EQ));
	CHECK_INT(parse("SET 3 name~x", &why), 403);
	CHECK_STR(why, "only a search takes key~regex");
	CHECK_INT(parse("CREATE User name=", &why), 403);
	CHECK_STR(why, "a value is missing: quote an empty one");
	CHECK_INT(parse("CREATE User name=\"\"", NULL), 0);
	CHECK(arg_is(0, "name", "", CCE_OP_EQ));
	CHECK_INT(parse("CREATE User name", NULL), 403);
	CHECK_INT(parse("CREATE User =x", NULL), 403);
	CHECK_INT(parse("CREATE User name=a name=b", &why), 403);
	CHECK_STR(why, "a property is given twice");
	CHECK_INT(parse("CREATE User 9name=a", NULL), 403);
	CHECK_INT(parse("CREATE User a..b=a", NULL), 403);
	CHECK_INT(parse("CREATE User a.=a", NULL), 403);
	CHECK_INT(parse("CREATE User \"a b\"=a", NULL), 403);
	CHECK_INT(parse("CREATE 9User", NULL), 403);
	CHECK_INT(parse("CREATE", &why), 403);
	CHECK_STR(why, "a class is required");
	CHECK_INT(parse("CREATE User a=\"x=y ~ z\"", NULL), 0);
	CHECK(arg_is(0, "a", "x=y ~ z", CCE_OP_EQ));
}

static void
test_escapes(void)
{
	const char	*why;

	CHECK_INT(parse("SET 1 a=\"\\a\\b\\f\\n\\r\\t\\\"\\\\\"", NULL), 0);
	CHECK(arg_is(0, "a", "\a\b\f\n\r\t\"\\", CCE_OP_EQ));
	CHECK_INT(parse("SET 1 a=\"\\101\\142\\060\"", NULL), 0);
	CHECK(arg_is(0, "a", "Ab0", CCE_OP_EQ));
	/* UTF-8 written in octal, and written plainly */
	CHECK_INT(parse("SET 1 a=\"\\303\\251\" b=\"\xc3\xa9\"", NULL), 0);
	CHECK(arg_is(0, "a", "\xc3\xa9", CCE_OP_EQ));
	CHECK(arg_is(1, "b", "\xc3\xa9", CCE_OP_EQ));
	CHECK_INT(parse("SET 1 a=\"\\377\"", &why), 403);
	CHECK_STR(why, "the command is not UTF-8");
	CHECK_INT(parse("SET 1 a=\"\\000\"", &why), 403);
	CHECK_STR(why, "a string holds a NUL byte");
	CHECK_INT(parse("SET 1 a=\"\\400\"", NULL), 403);
	CHECK_INT(parse("SET 1 a=\"\\12\"", NULL), 403);
	CHECK_INT(parse("SET 1 a=\"\\q\"", &why), 403);
	CHECK_STR(why, "a string has an unknown escape");
	CHECK_INT(parse("SET 1 a=\"abc", &why), 403);
	CHECK_STR(why, "a string has no closing quote");
	CHECK_INT(parse("SET 1 a=\"abc\\", NULL), 403);
	CHECK_INT(parse("SET 1 a=\"a\nb\"", &why), 403);
	CHECK_STR(why, "a control character in a string: write it as an "
	    "escape");
	CHECK_INT(parse("SET 1 a=b\rc", NULL), 403);
	CHECK_INT(parse("SET 1 a=\xff", NULL), 403);
	CHECK_INT(cce_line_parse("GET 1\0 . x", 10, l, &why), 403);
	CHECK_STR(why, "the command holds a NUL byte");
}

static void
test_search_and_sort(void)
{
	const char	*why;

	CHECK_INT(parse("FIND Vsite suspend=0 SORTTYPE hostname "
	    "SORTPROP fqdn", NULL), 0);
	CHECK_STR(l->sorttype, "hostname");
	CHECK_STR(l->sortprop, "fqdn");
	CHECK(arg_is(0, "suspend", "0", CCE_OP_EQ));
	CHECK_INT(parse("FINDX Vsite sortprop ipaddr sorttype ip name~a",
	    NULL), 0);
	CHECK_INT(l->verb, CCE_V_FINDX);
	CHECK_STR(l->sorttype, "ip");
	CHECK_STR(l->sortprop, "ipaddr");
	CHECK(arg_is(0, "name", "a", CCE_OP_MATCH));
	/* a property of that name is a property */
	CHECK_INT(parse("FIND Thing SORTTYPE=x", NULL), 0);
	CHECK(arg_is(0, "SORTTYPE", "x", CCE_OP_EQ));
	CHECK(l->sorttype == NULL);
	CHECK_INT(parse("FIND Vsite SORTTYPE numeric", &why), 403);
	CHECK_STR(why, "unknown sort type: ascii, old_numeric, locale, ip "
	    "or hostname");
	CHECK_INT(parse("FIND Vsite SORTTYPE ip SORTTYPE ascii", &why), 403);
	CHECK_STR(why, "a sort is given twice");
	CHECK_INT(parse("FIND Vsite SORTPROP \"a b\"", NULL), 403);
	CHECK_INT(parse("FIND Vsite SORTTYPE", NULL), 403);
	CHECK_INT(parse("GETOBJECT Vsite name=site1", NULL), 0);
	CHECK_INT(l->verb, CCE_V_GETOBJECT);
	CHECK_INT(parse("FIND", NULL), 403);
}

static void
test_others(void)
{
	char		 line[64 * 8 + 32];
	const char	*why;
	size_t		 i;

	CHECK_INT(parse("GETALL 3 4 5", NULL), 0);
	CHECK_INT(l->noids, 3);
	CHECK_INT(l->oids[2], 5);
	CHECK(l->class == NULL);
	CHECK_INT(parse("GETALL User site=site1", NULL), 0);
	CHECK_STR(l->class, "User");
	CHECK(arg_is(0, "site", "site1", CCE_OP_EQ));
	CHECK_INT(parse("GETALL 3 User", NULL), 403);
	strlcpy(line, "GETALL", sizeof(line));
	for (i = 0; i < 101; i++)
		strlcat(line, " 7", sizeof(line));
	CHECK_INT(parse(line, &why), 403);
	CHECK_STR(why, "too many oids");

	CHECK_INT(parse("SUSPEND", NULL), 0);
	CHECK(l->reason == NULL);
	CHECK_INT(parse("SUSPEND \"backup window\"", NULL), 0);
	CHECK_STR(l->reason, "backup window");
	CHECK_INT(parse("SUSPEND \"a\\nb\"", &why), 403);
	CHECK_STR(why, "a reason is one line of at most 200 bytes");
	CHECK_INT(parse("SUSPEND a b", NULL), 403);
	CHECK_INT(parse("AUTH admin \"pass word\"", NULL), 0);
	CHECK_INT(l->nwords, 2);
	CHECK_STR(l->words[1], "pass word");
	CHECK_INT(parse("AUTH a b c", NULL), 403);
	CHECK_INT(parse("PING", NULL), 0);
	CHECK_INT(l->verb, CCE_V_PING);
	CHECK_INT(parse("  BEGIN  ", NULL), 0);
	CHECK_INT(parse("COMMIT now", NULL), 403);
	CHECK_INT(parse("CLASSES", NULL), 0);
	CHECK_INT(parse("FROB 1", &why), 402);
	CHECK_STR(why, "unknown command");
	CHECK_INT(parse("\"GET\" 1", NULL), 402);
	CHECK_INT(parse("", &why), 403);
	CHECK_STR(why, "cmd is required");
	CHECK_INT(parse("   ", NULL), 403);
	CHECK_STR(cce_verb_name(CCE_V_GETOBJECT), "GETOBJECT");
}

static void
test_limits(void)
{
	char		*line;
	const char	*why;
	size_t		 i, n;

	line = malloc(CCE_LINE_MAX + 64);
	/* 64 arguments pass, 65 do not */
	n = strlcpy(line, "CREATE User", CCE_LINE_MAX);
	for (i = 0; i < CCE_ARGS_MAX; i++)
		n += snprintf(line + n, 32, " k%zu=v", i);
	CHECK_INT(parse(line, NULL), 0);
	CHECK_INT(l->nargs, CCE_ARGS_MAX);
	snprintf(line + n, 32, " k%zu=v", i);
	CHECK_INT(parse(line, &why), 403);
	CHECK_STR(why, "too many arguments");
	/* a value of the most bytes, and one more */
	n = strlcpy(line, "SET 1 a=", CCE_LINE_MAX);
	memset(line + n, 'x', CCE_VALUE_MAX);
	line[n + CCE_VALUE_MAX] = '\0';
	CHECK_INT(parse(line, NULL), 0);
	CHECK_INT(strlen(l->args[0].value), CCE_VALUE_MAX);
	line[n + CCE_VALUE_MAX] = 'x';
	line[n + CCE_VALUE_MAX + 1] = '\0';
	CHECK_INT(parse(line, &why), 403);
	CHECK_STR(why, "a value is too long");
	/* the whole line */
	memset(line, ' ', CCE_LINE_MAX + 1);
	memcpy(line, "PING", 4);
	CHECK_INT(cce_line_parse(line, CCE_LINE_MAX, l, &why), 0);
	CHECK_INT(cce_line_parse(line, CCE_LINE_MAX + 1, l, &why), 403);
	CHECK_STR(why, "the command is too long");
	/* the densest line the arena must hold: one-byte tokens */
	for (i = 0; i + 1 < CCE_LINE_MAX; i += 2) {
		line[i] = '=';
		line[i + 1] = ' ';
	}
	CHECK_INT(cce_line_parse(line, CCE_LINE_MAX, l, &why), 403);
	CHECK_STR(why, "too many arguments");
	free(line);
}

static int
array_is(const char *array, const char *const *want, size_t nwant)
{
	char		 out[64];
	const char	*why;
	size_t		 pos = 0, n = 0;
	int		 rc;

	while ((rc = cce_array_next(array, &pos, out, sizeof(out), &why)) ==
	    1) {
		if (n == nwant || strcmp(out, want[n]) != 0)
			return 0;
		n++;
	}
	return rc == 0 && n == nwant;
}

static int
array_bad(const char *array)
{
	char		 out[8];
	const char	*why = NULL;
	size_t		 pos = 0;
	int		 rc;

	while ((rc = cce_array_next(array, &pos, out, sizeof(out), &why)) ==
	    1)
		;
	return rc == -1 && why != NULL;
}

static void
test_arrays(void)
{
	const char *const	 ab[] = { "a", "b" };
	const char *const	 odd[] = { "x&y", "50%", "", "\n" };
	char			 buf[64];
	size_t			 i;

	CHECK(array_is("&a&b&", ab, 2));
	CHECK(array_is("", NULL, 0));
	CHECK(array_is("&", NULL, 0));
	CHECK(array_is("&x%26y&50%25&&%0A&", odd, 4));
	CHECK(array_is("&x%26y&50%25&&%0a&", odd, 4));
	CHECK(array_bad("a&b&"));
	CHECK(array_bad("&a&b"));
	CHECK(array_bad("&a%2&"));
	CHECK(array_bad("&a%zz&"));
	CHECK(array_bad("&a%00&"));
	CHECK(array_bad("&a%"));
	CHECK(array_bad("&toolongforeight&"));
	buf[0] = '\0';
	for (i = 0; i < 4; i++)
		CHECK_INT(cce_array_add(buf, sizeof(buf), odd[i]), 0);
	CHECK_STR(buf, "&x%26y&50%25&&%0A&");
	CHECK(array_is(buf, odd, 4));
	/* full: the array is left as it was */
	CHECK_INT(cce_array_add(buf, 24, "0123456789"), -1);
	CHECK_STR(buf, "&x%26y&50%25&&%0A&");
	buf[0] = '\0';
	CHECK_INT(cce_array_add(buf, 1, "a"), -1);
	CHECK_STR(buf, "");
}

int
main(void)
{
	if ((l = malloc(sizeof(*l))) == NULL)
		return 1;
	test_billing_lines();
	test_namespaces();
	test_arguments();
	test_escapes();
	test_search_and_sort();
	test_others();
	test_limits();
	test_arrays();
	free(l);
	return (test_report("cceline"));
}
