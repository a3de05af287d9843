/*
 * Unit tests of the command API's schema file (common/cceschema.c): the
 * file moat ships, every declaration with its defaults and access
 * rules, and each mistake an operator can make refused with its line.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cceschema.h"
#include "test.h"

static char	 err[512];

static struct cce_schema *
parse(const char *text)
{
	err[0] = '\0';
	return cce_schema_parse(text, strlen(text), err, sizeof(err));
}

static int
refused(const char *text, const char *want)
{
	struct cce_schema	*s;

	if ((s = parse(text)) != NULL) {
		cce_schema_free(s);
		fprintf(stderr, "accepted: %s\n", text);
		return 0;
	}
	if (strcmp(err, want) != 0) {
		fprintf(stderr, "refused as \"%s\", not \"%s\"\n", err, want);
		return 0;
	}
	return 1;
}

static void
test_shipped(void)
{
	struct cce_schema	*s;
	const struct cces_group	*g;
	const struct cces_prop	*p;
	FILE			*f;
	char			*text;
	size_t			 n;

	CHECK((f = fopen("etc/cce.schema", "r")) != NULL);
	if (f == NULL)
		return;
	text = malloc(CCES_FILE_MAX);
	n = fread(text, 1, CCES_FILE_MAX, f);
	fclose(f);
	s = cce_schema_parse(text, n, err, sizeof(err));
	free(text);
	CHECK(s != NULL);
	if (s == NULL) {
		fprintf(stderr, "etc/cce.schema: %s\n", err);
		return;
	}
	CHECK((g = cce_schema_group(s, "Vsite", NULL)) != NULL);
	CHECK(g != NULL && (p = cce_schema_prop(g, "maxusers")) != NULL &&
	    p->type == CCE_T_UINT && strcmp(p->dflt, "25") == 0 &&
	    p->read == CCES_USER && p->write == CCES_ADMIN);
	CHECK(cce_schema_group(s, "Vsite", "Disk") != NULL);
	CHECK(cce_schema_group(s, "User", "Email") != NULL);
	CHECK(cce_schema_group(s, "Vsite", "Nothing") == NULL);
	CHECK((g = cce_schema_group(s, "User", "")) != NULL);
	CHECK(g != NULL && (p = cce_schema_prop(g, "password")) != NULL &&
	    p->type == CCE_T_PASSWORD && p->read == CCES_NONE &&
	    p->write == CCES_SELF);
	CHECK(g != NULL && (p = cce_schema_prop(g, "capLevels")) != NULL &&
	    p->array && p->type == CCE_T_REGEX && p->tdef != NULL);
	cce_schema_free(s);
}

static void
test_declarations(void)
{
	struct cce_schema	*s;
	const struct cces_group	*g;
	const struct cces_prop	*p;
	const char		*why;

	s = parse("# a site\n"
	    "typedef phone \"^\\+?[0-9 ]{3,20}$\"\n"
	    "\n"
	    "class Site {\n"
	    "  name word read all write none   # fixed\n"
	    "  phones phone[] default \"&+1 555&\"\n"
	    "  size uint default \"10\" write self read user\n"
	    "  \"odd\"\n"
	    "}\n");
	CHECK(s == NULL);
	CHECK_STR(err, "line 8: PROPERTY TYPE [default \"V\"] [read ACL] "
	    "[write ACL]");
	s = parse("typedef phone \"^\\+?[0-9 ]{3,20}$\"\n"
	    "class Site {\n"
	    "  name word read all write none\n"
	    "  phones phone[] default \"&+1 555&\"\n"
	    "  size uint default \"10\" write self read user\n"
	    "  note scalar\n"
	    "}\n"
	    "namespace Site.Mail {\n"
	    "  box-size uint\n"
	    "}");
	CHECK(s != NULL);
	if (s == NULL) {
		fprintf(stderr, "%s\n", err);
		return;
	}
	CHECK_INT(s->ngroups, 2);
	g = cce_schema_group(s, "Site", NULL);
	CHECK(g != NULL && g->nprops == 4);
	p = cce_schema_prop(g, "name");
	CHECK(p != NULL && p->read == CCES_ALL && p->write == CCES_NONE);
	p = cce_schema_prop(g, "phones");
	CHECK(p != NULL && p->array && p->type == CCE_T_REGEX);
	CHECK(p != NULL && cce_type_check(p->type, p->tdef->re, p->array,
	    "&+44 20 7946&", &why) == 0);
	CHECK(p != NULL && cce_type_check(p->type, p->tdef->re, p->array,
	    "&call me&", &why) == -1);
	p = cce_schema_prop(g, "size");
	CHECK(p != NULL && p->read == CCES_USER && p->write == CCES_SELF &&
	    strcmp(p->dflt, "10") == 0);
	p = cce_schema_prop(g, "note");
	CHECK(p != NULL && p->read == CCES_SELF && p->write == CCES_ADMIN &&
	    p->dflt[0] == '\0');
	g = cce_schema_group(s, "Site", "Mail");
	CHECK(g != NULL && cce_schema_prop(g, "box-size") != NULL);
	cce_schema_free(s);
}

/* "backed-by host": the class's objects stand for moat hosts */
static void
test_backed(void)
{
	struct cce_schema	*s;

	s = parse("class Site backed-by host {\n\tname word\n}\n"
	    "class Plain {\n}\nnamespace Site.Disk {\n\tquota int\n}\n");
	CHECK(s != NULL);
	if (s == NULL)
		return;
	CHECK(cce_schema_group(s, "Site", NULL)->backed_by_host);
	CHECK(!cce_schema_group(s, "Plain", NULL)->backed_by_host);
	CHECK(!cce_schema_group(s, "Site", "Disk")->backed_by_host);
	cce_schema_free(s);
}

static void
test_mistakes(void)
{
	char	*big;

	CHECK(refused("klass A {\n}\n",
	    "line 1: expected typedef, class or namespace"));
	CHECK(refused("class A {\n a uint\n", "line 2: A has no closing }"));
	CHECK(refused("class A\n", "line 1: class NAME {"));
	CHECK(refused("class A backed-by disk {\n}\n",
	    "line 1: class NAME [backed-by host] {"));
	CHECK(refused("class A backed-by {\n}\n", "line 1: class NAME {"));
	CHECK(refused("class A {\n}\nnamespace A.B backed-by host {\n}\n",
	    "line 3: namespace CLASS.NAME {"));
	CHECK(refused("class 9A {\n}\n",
	    "line 1: a class is letters, digits and _"));
	CHECK(refused("class A {\n}\nclass A {\n}\n",
	    "line 3: A is declared already"));
	CHECK(refused("namespace B.C {\n}\n",
	    "line 1: namespace of an undeclared class B"));
	CHECK(refused("class A {\n}\nnamespace A {\n}\n",
	    "line 3: namespace CLASS.NAME {"));
	CHECK(refused("class A {\n a uint\n a word\n}\n",
	    "line 3: property a is declared already"));
	CHECK(refused("class A {\n a integer\n}\n",
	    "line 2: unknown type integer"));
	CHECK(refused("class A {\n a uint default \"x\"\n}\n",
	    "line 2: default of a: a value is not of its property's type"));
	CHECK(refused("class A {\n a uint default 5\n}\n",
	    "line 2: default takes a quoted value"));
	CHECK(refused("class A {\n a uint read root\n}\n",
	    "line 2: unknown access root"));
	CHECK(refused("class A {\n a uint read none\n}\n",
	    "line 2: unknown access none"));
	CHECK(refused("class A {\n a uint write\n}\n",
	    "line 2: read and write take admin, self, user or all"));
	CHECK(refused("class A {\n a uint read all read user\n}\n",
	    "line 2: read is given twice"));
	CHECK(refused("class A {\n a uint colour red\n}\n",
	    "line 2: unknown option colour"));
	CHECK(refused("class A {\n p password default \"x\"\n}\n",
	    "line 2: a password has no default"));
	CHECK(refused("class A {\n a uint }\n}\n",
	    "line 2: unknown option }"));
	CHECK(refused("class A {\n} x\n", "line 2: } stands alone"));
	CHECK(refused("typedef t \"(\"\n",
	    "line 1: typedef t: a regular expression is not valid"));
	CHECK(refused("typedef uint \"x\"\n",
	    "line 1: type uint is declared already"));
	CHECK(refused("typedef t x\n", "line 1: typedef NAME \"REGEX\""));
	CHECK(refused("class A {\n a \"uint\n}\n",
	    "line 2: a string has no closing quote"));
	CHECK(refused("class A {\n a uint\x01\n}\n",
	    "line 2: a control character"));
	CHECK(refused("class A {\n a b c d e f g h i j k l m\n}\n",
	    "line 2: too many words"));
	big = malloc(CCES_FILE_MAX + 2);
	memset(big, '#', CCES_FILE_MAX + 1);
	big[CCES_FILE_MAX + 1] = '\0';
	CHECK(refused(big, "line 0: the file is over 1 MiB"));
	memset(big, ' ', 5000);
	big[5000] = '\0';
	CHECK(refused(big, "line 1: a line is over 4 KiB"));
	free(big);
	CHECK(cce_schema_parse("class A {\0}", 11, err, sizeof(err)) == NULL);
	CHECK_STR(err, "line 0: the file holds a NUL byte");
}

static void
test_limits(void)
{
	struct cce_schema	*s;
	char			*text;
	size_t			 n = 0, i;

	text = malloc(64 * 1024);
	n += snprintf(text + n, 64, "class A {\n");
	for (i = 0; i < CCES_PROPS_MAX; i++)
		n += snprintf(text + n, 64, " p%zu uint\n", i);
	n += snprintf(text + n, 64, "}\n");
	CHECK((s = parse(text)) != NULL);
	cce_schema_free(s);
	n -= 2;
	n += snprintf(text + n, 64, " one-more uint\n}\n");
	CHECK(refused(text, "line 130: too many properties in A"));
	free(text);
}

int
main(void)
{
	RUN(test_shipped);
	RUN(test_declarations);
	RUN(test_backed);
	RUN(test_mistakes);
	RUN(test_limits);
	return (test_report("cceschema"));
}
