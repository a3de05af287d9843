/*
 * Unit tests of the bounded JSON parser: every bound at its limit and one
 * past it, and the inputs jansson would accept with other flags.
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "json_limits.h"
#include "test.h"

static char errbuf[128];

/* Parses a literal (NULs allowed) with the default bounds. */
static json_t *
parse_n(const char *buf, size_t len, const struct json_bounds *b)
{
	errbuf[0] = '\0';
	return json_parse_bounded(buf, len, b, errbuf, sizeof(errbuf));
}

#define ACCEPT(lit) do {						\
	json_t *_j = parse_n(lit, sizeof(lit) - 1, NULL);		\
	CHECK(_j != NULL);						\
	json_decref(_j);						\
} while (0)

/* Rejected, with a message that contains want. */
#define REJECT(lit, want) do {						\
	json_t *_j = parse_n(lit, sizeof(lit) - 1, NULL);		\
	CHECK(_j == NULL);						\
	CHECK(strstr(errbuf, want) != NULL);				\
	json_decref(_j);						\
} while (0)

/* A growable buffer for generated documents. */
struct gen {
	char	*buf;
	size_t	 len, cap;
};

static void
gen_add(struct gen *g, const char *s)
{
	size_t n = strlen(s);

	if (g->len + n + 1 > g->cap) {
		g->cap = (g->len + n + 1) * 2;
		if ((g->buf = realloc(g->buf, g->cap)) == NULL)
			abort();
	}
	memcpy(g->buf + g->len, s, n + 1);
	g->len += n;
}

static void
gen_repeat(struct gen *g, const char *s, size_t count)
{
	while (count-- > 0)
		gen_add(g, s);
}

static void
gen_reset(struct gen *g)
{
	g->len = 0;
	gen_add(g, "");
}

static json_t *
gen_parse(struct gen *g, const struct json_bounds *b)
{
	return parse_n(g->buf, g->len, b);
}

/* Parses g; 1 if accepted, 0 if rejected. */
static int
gen_ok(struct gen *g, const struct json_bounds *b)
{
	json_t *j;

	if ((j = gen_parse(g, b)) == NULL)
		return 0;
	json_decref(j);
	return 1;
}

static void
test_defaults(void)
{
	struct json_bounds b;

	json_bounds_default(&b);
	CHECK_INT(b.max_depth, 32);
	CHECK_INT(b.max_string, 65536);
	CHECK_INT(b.max_array, 1000);
	CHECK_INT(b.max_keys, 256);
	CHECK_INT(b.max_nodes, 20000);
}

static void
test_valid(void)
{
	static const char doc[] = "{\"a\": [1, 2.5, \"x\", true, null, {}]} \n";
	json_t *j;

	j = parse_n(doc, sizeof(doc) - 1, NULL);
	CHECK(j != NULL);
	CHECK(json_is_array(json_object_get(j, "a")));
	CHECK_INT(json_array_size(json_object_get(j, "a")), 6);
	json_decref(j);
	ACCEPT("[]");
	ACCEPT("{}");
	ACCEPT(" \t\r\n{}\r\n");
	/* Scalars are left to the caller: see json_parse_bounded_object. */
	ACCEPT("1");
	ACCEPT("\"s\"");
	ACCEPT("null");
	ACCEPT("[\"\\u00e9\\ud83d\\ude00 caf\xc3\xa9\"]");
}

/* Depth 32 passes and 33 fails, for arrays, objects and mixtures. */
static void
test_depth(void)
{
	struct gen g = { NULL, 0, 0 };
	struct json_bounds b;

	gen_reset(&g);
	gen_repeat(&g, "[", 32);
	gen_repeat(&g, "]", 32);
	CHECK(gen_ok(&g, NULL));
	gen_reset(&g);
	gen_repeat(&g, "[", 33);
	gen_repeat(&g, "]", 33);
	CHECK(!gen_ok(&g, NULL));
	CHECK(strstr(errbuf, "nesting") != NULL);

	gen_reset(&g);
	gen_repeat(&g, "{\"a\":", 31);
	gen_add(&g, "{}");
	gen_repeat(&g, "}", 31);
	CHECK(gen_ok(&g, NULL));
	gen_reset(&g);
	gen_repeat(&g, "{\"a\":", 32);
	gen_add(&g, "{}");
	gen_repeat(&g, "}", 32);
	CHECK(!gen_ok(&g, NULL));
	CHECK(strstr(errbuf, "nesting") != NULL);

	gen_reset(&g);
	gen_repeat(&g, "[{\"k\":", 16);
	gen_add(&g, "1");
	gen_repeat(&g, "}]", 16);
	CHECK(gen_ok(&g, NULL));
	gen_reset(&g);
	gen_add(&g, "[");
	gen_repeat(&g, "[{\"k\":", 16);
	gen_add(&g, "1");
	gen_repeat(&g, "}]", 16);
	gen_add(&g, "]");
	CHECK(!gen_ok(&g, NULL));

	/* Depth is the deepest point, not the number of containers. */
	gen_reset(&g);
	gen_add(&g, "[");
	gen_repeat(&g, "[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]],",
	    100);
	gen_add(&g, "1]");
	b.max_depth = 32;
	b.max_string = 100;
	b.max_array = 1000;
	b.max_keys = 10;
	b.max_nodes = 100000;
	CHECK(gen_ok(&g, &b));

	/* Far deeper than jansson's own limit: still our message. */
	gen_reset(&g);
	gen_repeat(&g, "[", 100000);
	CHECK(!gen_ok(&g, NULL));
	CHECK(strstr(errbuf, "nesting deeper than 32") != NULL);

	/* A lower bound from the caller. */
	b.max_depth = 2;
	gen_reset(&g);
	gen_add(&g, "[[1]]");
	CHECK(gen_ok(&g, &b));
	gen_reset(&g);
	gen_add(&g, "[[[1]]]");
	CHECK(!gen_ok(&g, &b));
	gen_reset(&g);
	gen_add(&g, "{\"a\":{\"b\":[]}}");
	CHECK(!gen_ok(&g, &b));
	free(g.buf);
}

/* Brackets inside strings are text; escapes must not end the string. */
static void
test_depth_strings(void)
{
	struct gen g = { NULL, 0, 0 };
	json_t *j;

	gen_reset(&g);
	gen_add(&g, "[\"");
	gen_repeat(&g, "[{", 100);
	gen_add(&g, "\", {\"[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[\": \"}}}}\"}]");
	CHECK(gen_ok(&g, NULL));

	/* \" keeps the string open: the brackets after it are text. */
	gen_reset(&g);
	gen_add(&g, "[\"\\\"");
	gen_repeat(&g, "[", 40);
	gen_add(&g, "\"]");
	CHECK(gen_ok(&g, NULL));

	/*
	 * \\ closes the escape: the quote after it ends the string, and
	 * the brackets after that count.  A scanner that treats \\" as an
	 * escaped quote would miss this nesting.
	 */
	gen_reset(&g);
	gen_add(&g, "[\"\\\\\",");
	gen_repeat(&g, "[", 32);
	gen_repeat(&g, "]", 32);
	gen_add(&g, "]");
	CHECK(!gen_ok(&g, NULL));
	CHECK(strstr(errbuf, "nesting") != NULL);
	gen_reset(&g);
	gen_add(&g, "[\"\\\\\",");
	gen_repeat(&g, "[", 31);
	gen_repeat(&g, "]", 31);
	gen_add(&g, "]");
	j = gen_parse(&g, NULL);
	CHECK(j != NULL);
	CHECK_STR(json_string_value(json_array_get(j, 0)), "\\");
	json_decref(j);

	/* \u0022 is a quote in the value but not in the bytes. */
	gen_reset(&g);
	gen_add(&g, "[\"\\u0022");
	gen_repeat(&g, "[", 40);
	gen_add(&g, "\"]");
	CHECK(gen_ok(&g, NULL));

	/* Closing brackets in strings do not lower the depth either. */
	gen_reset(&g);
	gen_repeat(&g, "[\"]]]]]]]]]]\",", 33);
	gen_add(&g, "1");
	gen_repeat(&g, "]", 33);
	CHECK(!gen_ok(&g, NULL));
	free(g.buf);
}

static void
test_duplicates_and_nul(void)
{
	REJECT("{\"a\":1,\"a\":2}", "duplicate");
	REJECT("{\"a\":1,\"b\":{\"c\":1,\"c\":1}}", "duplicate");
	REJECT("{\"a\":1,\"\\u0061\":2}", "duplicate");
	ACCEPT("[{\"a\":1},{\"a\":2}]");
	REJECT("[\"a\\u0000b\"]", "NUL");
	REJECT("{\"a\\u0000\":1}", "NUL");
	REJECT("[\"a\x00" "b\"]", "invalid JSON");
	REJECT("[1]\x00", "invalid JSON");
	REJECT("\x00[1]", "invalid JSON");
}

static void
test_strings(void)
{
	struct gen g = { NULL, 0, 0 };
	struct json_bounds b;

	json_bounds_default(&b);
	gen_reset(&g);
	gen_add(&g, "[\"");
	gen_repeat(&g, "x", 65536);
	gen_add(&g, "\"]");
	CHECK(gen_ok(&g, NULL));
	gen_reset(&g);
	gen_add(&g, "[\"");
	gen_repeat(&g, "x", 65537);
	gen_add(&g, "\"]");
	CHECK(!gen_ok(&g, NULL));
	CHECK(strstr(errbuf, "string too long") != NULL);

	/* Length after decoding: six bytes of \u00e9 are two. */
	b.max_string = 4;
	gen_reset(&g);
	gen_add(&g, "[\"\\u00e9\\u00e9\"]");
	CHECK(gen_ok(&g, &b));
	gen_reset(&g);
	gen_add(&g, "[\"\\u00e9\\u00e9x\"]");
	CHECK(!gen_ok(&g, &b));
	/* Keys are bounded too. */
	gen_reset(&g);
	gen_add(&g, "{\"abcd\":1}");
	CHECK(gen_ok(&g, &b));
	gen_reset(&g);
	gen_add(&g, "{\"abcde\":1}");
	CHECK(!gen_ok(&g, &b));
	CHECK(strstr(errbuf, "key too long") != NULL);
	free(g.buf);
}

static void
test_arrays_and_objects(void)
{
	struct gen g = { NULL, 0, 0 };
	char key[32];
	size_t i;

	gen_reset(&g);
	gen_add(&g, "[0");
	gen_repeat(&g, ",0", 999);
	gen_add(&g, "]");
	CHECK(gen_ok(&g, NULL));
	gen_reset(&g);
	gen_add(&g, "[0");
	gen_repeat(&g, ",0", 1000);
	gen_add(&g, "]");
	CHECK(!gen_ok(&g, NULL));
	CHECK(strstr(errbuf, "array too long") != NULL);
	/* Nested arrays are each bounded, not only the top one. */
	gen_reset(&g);
	gen_add(&g, "{\"a\":[[0");
	gen_repeat(&g, ",0", 1000);
	gen_add(&g, "]]}");
	CHECK(!gen_ok(&g, NULL));

	gen_reset(&g);
	gen_add(&g, "{\"k0\":0");
	for (i = 1; i < 256; i++) {
		snprintf(key, sizeof(key), ",\"k%zu\":0", i);
		gen_add(&g, key);
	}
	gen_add(&g, "}");
	CHECK(gen_ok(&g, NULL));
	g.len--;
	gen_add(&g, ",\"k256\":0}");
	CHECK(!gen_ok(&g, NULL));
	CHECK(strstr(errbuf, "too many object members") != NULL);
	free(g.buf);
}

static void
test_nodes(void)
{
	struct gen g = { NULL, 0, 0 };
	struct json_bounds b;
	size_t i;

	json_bounds_default(&b);
	b.max_nodes = 5;
	gen_reset(&g);
	gen_add(&g, "[1,2,3,4]");
	CHECK(gen_ok(&g, &b));
	gen_reset(&g);
	gen_add(&g, "[1,2,3,4,5]");
	CHECK(!gen_ok(&g, &b));
	CHECK(strstr(errbuf, "too many values") != NULL);
	gen_reset(&g);
	gen_add(&g, "{\"a\":{\"b\":[1,{}]}}");
	CHECK(gen_ok(&g, &b));
	gen_reset(&g);
	gen_add(&g, "{\"a\":{\"b\":[1,{},2]}}");
	CHECK(!gen_ok(&g, &b));

	/* The default, 20000: an outer array, 20 arrays, 19979 numbers. */
	gen_reset(&g);
	gen_add(&g, "[");
	for (i = 0; i < 20; i++) {
		gen_add(&g, i == 0 ? "[0" : ",[0");
		gen_repeat(&g, ",0", i < 19 ? 998 : 997);
		gen_add(&g, "]");
	}
	gen_add(&g, "]");
	CHECK(gen_ok(&g, NULL));
	g.len -= 2;
	gen_add(&g, ",0]]");
	CHECK(!gen_ok(&g, NULL));
	CHECK(strstr(errbuf, "too many values") != NULL);
	free(g.buf);
}

static void
test_syntax(void)
{
	REJECT("", "invalid JSON");
	REJECT("   ", "invalid JSON");
	REJECT("{} x", "unexpected data after the value");
	REJECT("{}{}", "unexpected data after the value");
	REJECT("[1] [2]", "unexpected data after the value");
	REJECT("[1,]", "invalid JSON");
	REJECT("{\"a\":1,}", "invalid JSON");
	REJECT("[01]", "invalid JSON");
	REJECT("['a']", "invalid JSON");
	REJECT("{a:1}", "invalid JSON");
	REJECT("[1", "unexpected end of input");
	REJECT("[\"abc", "invalid JSON");
	REJECT("[1e999]", "invalid JSON");
	REJECT("[123456789012345678901234567890]", "number out of range");
	REJECT("[\"a\tb\"]", "invalid JSON");
	REJECT("[\"\\x41\"]", "invalid JSON");
	REJECT("\xef\xbb\xbf{}", "invalid JSON");
	REJECT("[NaN]", "invalid JSON");
}

static void
test_utf8(void)
{
	REJECT("[\"\xff\"]", "invalid UTF-8");
	REJECT("[\"\xc3\"]", "invalid UTF-8");
	REJECT("[\"\xc0\xaf\"]", "invalid UTF-8");		/* overlong */
	REJECT("[\"\xed\xa0\x80\"]", "invalid UTF-8");	/* surrogate */
	REJECT("[\"\xf4\x90\x80\x80\"]", "invalid UTF-8");	/* > U+10FFFF */
	REJECT("{\"\xfe\":1}", "invalid UTF-8");
	REJECT("[\"\\ud800\"]", "invalid JSON");		/* lone */
	REJECT("[\"\\udc00\\ud800\"]", "invalid JSON");
	ACCEPT("[\"\xf0\x9f\x98\x80\"]");
}

/* The message goes into a 400 body: it must not quote the input. */
static void
test_messages(void)
{
	static const char secret[] = "[\"hunter2hunter2\" hunter2]";
	static const char dup[] = "{\"hunter2\":1,\"hunter2\":2}";
	char small[8];
	json_t *j;

	CHECK(parse_n(secret, sizeof(secret) - 1, NULL) == NULL);
	CHECK(errbuf[0] != '\0');
	CHECK(strstr(errbuf, "hunter2") == NULL);
	CHECK(parse_n(dup, sizeof(dup) - 1, NULL) == NULL);
	CHECK(strstr(errbuf, "hunter2") == NULL);
	CHECK(strstr(errbuf, "duplicate") != NULL);

	/* Short or absent error buffers are fine. */
	j = json_parse_bounded("[", 1, NULL, small, sizeof(small));
	CHECK(j == NULL);
	CHECK_INT(strlen(small), sizeof(small) - 1);
	CHECK(json_parse_bounded("[", 1, NULL, NULL, 0) == NULL);
	CHECK(json_parse_bounded("[", 1, NULL, small, 0) == NULL);
}

static void
test_object_only(void)
{
	json_t *j;

	j = json_parse_bounded_object("{\"a\":1}", 7, NULL, errbuf,
	    sizeof(errbuf));
	CHECK(j != NULL && json_is_object(j));
	json_decref(j);
	CHECK(json_parse_bounded_object("[1]", 3, NULL, errbuf,
	    sizeof(errbuf)) == NULL);
	CHECK(strstr(errbuf, "expected an object") != NULL);
	CHECK(json_parse_bounded_object("\"x\"", 3, NULL, errbuf,
	    sizeof(errbuf)) == NULL);
	CHECK(json_parse_bounded_object("{\"a\":1,\"a\":1}", 13, NULL,
	    errbuf, sizeof(errbuf)) == NULL);
	CHECK(strstr(errbuf, "duplicate") != NULL);
}

/* Only len bytes are read: no terminator is needed or looked at. */
static void
test_length(void)
{
	char buf[8];
	json_t *j;

	memcpy(buf, "[1][[[[[", 8);
	j = json_parse_bounded(buf, 3, NULL, errbuf, sizeof(errbuf));
	CHECK(j != NULL);
	json_decref(j);
	memcpy(buf, "{\"a\":12}", 8);
	j = json_parse_bounded(buf, 7, NULL, errbuf, sizeof(errbuf));
	CHECK(j == NULL);
}

int
main(void)
{
	RUN(test_defaults);
	RUN(test_valid);
	RUN(test_depth);
	RUN(test_depth_strings);
	RUN(test_duplicates_and_nul);
	RUN(test_strings);
	RUN(test_arrays_and_objects);
	RUN(test_nodes);
	RUN(test_syntax);
	RUN(test_utf8);
	RUN(test_messages);
	RUN(test_object_only);
	RUN(test_length);
	return test_report("json");
}
