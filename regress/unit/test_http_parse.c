/*
 * Unit tests of the strict HTTP/1.1 request parser and chunked decoder.
 * Most cases are requests that a lenient parser reads differently from a
 * strict one: those are how requests get smuggled past a proxy.
 */

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "http_parse.h"
#include "test.h"

static struct http_limits lim;
static struct http_request req;
static struct http_error err;

#define HOST	"Host: example.com\r\n"

#define PARSE_N(buf, n)	http_parse_head((buf), (n), &lim, &req, &err)
#define PARSE(lit)	PARSE_N(lit, sizeof(lit) - 1)

/* A string literal (NULs allowed) must be refused with this status. */
#define REJECT(lit, st) do {						\
	err.status = 0;							\
	CHECK_INT(PARSE(lit), -1);					\
	CHECK_INT(err.status, st);					\
	CHECK(err.reason != NULL);					\
} while (0)

#define ACCEPT(lit) do {						\
	CHECK_INT(PARSE(lit), 1);					\
	CHECK_INT(req.head_len, sizeof(lit) - 1);			\
} while (0)

static void
reset_limits(void)
{
	lim.max_header_bytes = 8192;
	lim.max_headers = 100;
	lim.max_body = 65536;
}

static int
span_eq(const char *s, size_t len, const char *want)
{
	return s != NULL && strlen(want) == len && memcmp(s, want, len) == 0;
}

static void
test_simple_get(void)
{
	static const char r[] = "GET /a/b?x=1&y=%2F HTTP/1.1\r\n"
	    "Host: example.com\r\n"
	    "User-Agent: \t curl/8.0 \t \r\n"
	    "X-Empty:\r\n"
	    "X-Inner: a \t b\r\n"
	    "\r\n";

	ACCEPT(r);
	CHECK_INT(req.method, HTTP_METHOD_GET);
	CHECK(span_eq(req.target, req.targetlen, "/a/b?x=1&y=%2F"));
	CHECK(span_eq(req.path, req.pathlen, "/a/b"));
	CHECK(span_eq(req.query, req.querylen, "x=1&y=%2F"));
	CHECK_INT(req.version_minor, 1);
	CHECK_INT(req.nheaders, 4);
	CHECK(span_eq(req.headers[1].name, req.headers[1].namelen,
	    "User-Agent"));
	CHECK(span_eq(req.headers[1].value, req.headers[1].valuelen,
	    "curl/8.0"));
	CHECK_INT(req.headers[2].valuelen, 0);
	CHECK(span_eq(req.headers[3].value, req.headers[3].valuelen,
	    "a \t b"));
	CHECK(span_eq(req.host, req.hostlen, "example.com"));
	CHECK_INT(req.keep_alive, 1);
	CHECK_INT(req.chunked, 0);
	CHECK_INT(req.content_length, -1);

	ACCEPT("GET / HTTP/1.1\r\n" HOST "\r\n");
	CHECK(span_eq(req.path, req.pathlen, "/"));
	CHECK(req.query == NULL);
	CHECK_INT(req.querylen, 0);
	ACCEPT("GET /?a?b/c HTTP/1.1\r\n" HOST "\r\n");
	CHECK(span_eq(req.path, req.pathlen, "/"));
	CHECK(span_eq(req.query, req.querylen, "a?b/c"));
	ACCEPT("GET /x? HTTP/1.1\r\n" HOST "\r\n");
	CHECK(span_eq(req.query, req.querylen, ""));
	ACCEPT("GET /!$&'()*+,;=:@-._~ HTTP/1.1\r\n" HOST "\r\n");
}

static void
test_header_get(void)
{
	const struct http_header *h;

	ACCEPT("GET / HTTP/1.1\r\nhOsT: a\r\nX-A: 1\r\nx-a: 2\r\n\r\n");
	h = http_header_get(&req, "x-a");
	CHECK(h != NULL && span_eq(h->value, h->valuelen, "1"));
	h = http_header_get(&req, "HOST");
	CHECK(h != NULL && span_eq(h->value, h->valuelen, "a"));
	CHECK(http_header_get(&req, "X") == NULL);
	CHECK(http_header_get(&req, "X-A-B") == NULL);
}

/* The copy a connection keeps: its fields alone, read the same way. */
static void
test_request_dup(void)
{
	static const char	 lit[] = "POST /a/b?c=d HTTP/1.1\r\n"
	    "Host: h.example\r\nX-A: 1\r\nContent-Length: 3\r\n"
	    "x-a: 2\r\n\r\n";
	const struct http_header *h;
	struct http_request	*copy;

	ACCEPT(lit);
	CHECK((copy = http_request_dup(&req)) != NULL);
	CHECK_INT(copy->nheaders, 4);
	CHECK_INT(copy->method, HTTP_METHOD_POST);
	CHECK(span_eq(copy->path, copy->pathlen, "/a/b"));
	CHECK(span_eq(copy->query, copy->querylen, "c=d"));
	CHECK(span_eq(copy->host, copy->hostlen, "h.example"));
	CHECK_INT(copy->content_length, 3);
	CHECK_INT(copy->keep_alive, 1);
	CHECK_INT(copy->head_len, sizeof(lit) - 1);
	h = http_header_prev(copy, "X-A", NULL);
	CHECK(h != NULL && span_eq(h->value, h->valuelen, "2"));
	h = http_header_get(copy, "x-a");
	CHECK(h != NULL && span_eq(h->value, h->valuelen, "1"));
	CHECK(http_header_get(copy, "X-B") == NULL);
	/* the parser's scratch may be reused: the copy stands alone */
	ACCEPT("GET / HTTP/1.1\r\nHost: other\r\n\r\n");
	CHECK(span_eq(copy->host, copy->hostlen, "h.example"));
	CHECK_INT(copy->nheaders, 4);
	free(copy);
}

/* A repeated field keeps every line, read from the last one back. */
static void
test_header_last(void)
{
	const struct http_header *h;

	ACCEPT("GET / HTTP/1.1\r\nHost: a\r\nX-F: 1\r\nX-G: g\r\n"
	    "x-f: 2, 3\r\nX-F: 4\r\n\r\n");
	h = http_header_prev(&req, "X-F", NULL);
	CHECK(h != NULL && span_eq(h->value, h->valuelen, "4"));
	h = http_header_prev(&req, "X-F", h);
	CHECK(h != NULL && span_eq(h->value, h->valuelen, "2, 3"));
	h = http_header_prev(&req, "X-F", h);
	CHECK(h != NULL && span_eq(h->value, h->valuelen, "1"));
	CHECK(h == http_header_get(&req, "x-f"));
	CHECK(http_header_prev(&req, "X-F", h) == NULL);
	h = http_header_prev(&req, "host", NULL);
	CHECK(h != NULL && span_eq(h->value, h->valuelen, "a"));
	CHECK(http_header_prev(&req, "Host", h) == NULL);
	CHECK(http_header_prev(&req, "X-H", NULL) == NULL);
}

static void
test_methods(void)
{
	ACCEPT("GET / HTTP/1.1\r\n" HOST "\r\n");
	CHECK_INT(req.method, HTTP_METHOD_GET);
	ACCEPT("HEAD / HTTP/1.1\r\n" HOST "\r\n");
	CHECK_INT(req.method, HTTP_METHOD_HEAD);
	ACCEPT("POST / HTTP/1.1\r\n" HOST "Content-Length: 0\r\n\r\n");
	CHECK_INT(req.method, HTTP_METHOD_POST);
	CHECK_INT(req.content_length, 0);
	ACCEPT("PUT / HTTP/1.1\r\n" HOST "\r\n");
	CHECK_INT(req.method, HTTP_METHOD_PUT);
	ACCEPT("PATCH / HTTP/1.1\r\n" HOST "\r\n");
	CHECK_INT(req.method, HTTP_METHOD_PATCH);
	ACCEPT("DELETE / HTTP/1.1\r\n" HOST "\r\n");
	CHECK_INT(req.method, HTTP_METHOD_DELETE);
	ACCEPT("OPTIONS / HTTP/1.1\r\n" HOST "\r\n");
	CHECK_INT(req.method, HTTP_METHOD_OPTIONS);

	/* Methods are case-sensitive: a valid token we do not implement. */
	REJECT("get / HTTP/1.1\r\n" HOST "\r\n", 501);
	REJECT("Get / HTTP/1.1\r\n" HOST "\r\n", 501);
	REJECT("TRACE / HTTP/1.1\r\n" HOST "\r\n", 501);
	REJECT("GETS / HTTP/1.1\r\n" HOST "\r\n", 501);
	REJECT("GE / HTTP/1.1\r\n" HOST "\r\n", 501);
	/* Not tokens. */
	REJECT("GE(T / HTTP/1.1\r\n" HOST "\r\n", 400);
	REJECT("G\x00T / HTTP/1.1\r\n" HOST "\r\n", 400);
	REJECT("G\xc9T / HTTP/1.1\r\n" HOST "\r\n", 400);
	REJECT(" GET / HTTP/1.1\r\n" HOST "\r\n", 400);
	REJECT("GET\t/ HTTP/1.1\r\n" HOST "\r\n", 400);
	/* A bad version beats an unknown method. */
	REJECT("FOO / HTTP/2.0\r\n" HOST "\r\n", 505);

	CHECK_STR(http_method_name(HTTP_METHOD_PATCH), "PATCH");
	CHECK_STR(http_method_name(HTTP_METHOD_OPTIONS), "OPTIONS");
}

/* "GET " and a target of tlen bytes that ends with tail, then the rest. */
static size_t
make_target(char *buf, size_t tlen, const char *tail)
{
	static const char rest[] = " HTTP/1.1\r\nHost: a\r\n\r\n";
	size_t n = strlen(tail);

	memcpy(buf, "GET /", 5);
	memset(buf + 5, 'a', tlen - 1 - n);
	memcpy(buf + 4 + tlen - n, tail, n);
	memcpy(buf + 4 + tlen, rest, sizeof(rest) - 1);
	return 4 + tlen + sizeof(rest) - 1;
}

static void
test_target(void)
{
	char buf[HTTP_MAX_TARGET + 64];
	size_t n;

	REJECT("GET http://example.com/ HTTP/1.1\r\n" HOST "\r\n", 400);
	REJECT("CONNECT example.com:443 HTTP/1.1\r\n" HOST "\r\n", 400);
	REJECT("OPTIONS * HTTP/1.1\r\n" HOST "\r\n", 400);
	REJECT("GET /a#frag HTTP/1.1\r\n" HOST "\r\n", 400);
	REJECT("GET /a\x00b HTTP/1.1\r\n" HOST "\r\n", 400);
	REJECT("GET /\x00 HTTP/1.1\r\n" HOST "\r\n", 400);
	REJECT("GET /a\x7f HTTP/1.1\r\n" HOST "\r\n", 400);
	REJECT("GET /\xc3\xa9 HTTP/1.1\r\n" HOST "\r\n", 400);
	REJECT("GET /a\tb HTTP/1.1\r\n" HOST "\r\n", 400);
	REJECT("GET /a\"b HTTP/1.1\r\n" HOST "\r\n", 400);
	REJECT("GET /a<b> HTTP/1.1\r\n" HOST "\r\n", 400);
	REJECT("GET /a\\b HTTP/1.1\r\n" HOST "\r\n", 400);
	REJECT("GET /a{b} HTTP/1.1\r\n" HOST "\r\n", 400);
	REJECT("GET /[a] HTTP/1.1\r\n" HOST "\r\n", 400);
	REJECT("GET /a b HTTP/1.1\r\n" HOST "\r\n", 400);
	REJECT("GET  / HTTP/1.1\r\n" HOST "\r\n", 400);
	REJECT("GET /  HTTP/1.1\r\n" HOST "\r\n", 400);
	REJECT("GET  HTTP/1.1\r\n" HOST "\r\n", 400);
	REJECT("GET /\r\n" HOST "\r\n", 400);
	REJECT("GET /%zz HTTP/1.1\r\n" HOST "\r\n", 400);
	REJECT("GET /%4 HTTP/1.1\r\n" HOST "\r\n", 400);
	REJECT("GET /% HTTP/1.1\r\n" HOST "\r\n", 400);
	ACCEPT("GET /%4a%4F HTTP/1.1\r\n" HOST "\r\n");

	/* Exactly HTTP_MAX_TARGET bytes is fine, one more is 414. */
	n = make_target(buf, HTTP_MAX_TARGET, "");
	CHECK_INT(PARSE_N(buf, n), 1);
	CHECK_INT(req.targetlen, HTTP_MAX_TARGET);
	n = make_target(buf, HTTP_MAX_TARGET + 1, "");
	CHECK_INT(PARSE_N(buf, n), -1);
	CHECK_INT(err.status, 414);
	/* Refused before the line is complete. */
	CHECK_INT(PARSE_N(buf, 4 + HTTP_MAX_TARGET + 1), -1);
	CHECK_INT(err.status, 414);
	CHECK_INT(PARSE_N(buf, 4 + HTTP_MAX_TARGET), 0);
	/* A percent-escape that crosses the limit. */
	n = make_target(buf, HTTP_MAX_TARGET + 1, "%41");
	CHECK_INT(PARSE_N(buf, n), -1);
	CHECK_INT(err.status, 414);
	n = make_target(buf, HTTP_MAX_TARGET, "%41");
	CHECK_INT(PARSE_N(buf, n), 1);
}

static void
test_version(void)
{
	ACCEPT("GET / HTTP/1.0\r\n\r\n");
	CHECK_INT(req.version_minor, 0);
	REJECT("GET / HTTP/2.0\r\n" HOST "\r\n", 505);
	REJECT("GET / HTTP/1.2\r\n" HOST "\r\n", 505);
	REJECT("GET / HTTP/1.9\r\n" HOST "\r\n", 505);
	REJECT("GET / HTTP/0.9\r\n" HOST "\r\n", 505);
	REJECT("GET / HTTP/9.9\r\n" HOST "\r\n", 505);
	REJECT("GET / HTTP/1.10\r\n" HOST "\r\n", 400);
	REJECT("GET / HTTP/11\r\n" HOST "\r\n", 400);
	REJECT("GET / HTTP/1\r\n" HOST "\r\n", 400);
	REJECT("GET / HTTP/2\r\n" HOST "\r\n", 400);
	REJECT("GET / http/1.1\r\n" HOST "\r\n", 400);
	REJECT("GET / HTTP/1.1 \r\n" HOST "\r\n", 400);
	REJECT("GET / HTTP/a.b\r\n" HOST "\r\n", 400);
	REJECT("GET / XTTP/1.1\r\n" HOST "\r\n", 400);
	REJECT("GET / \r\n" HOST "\r\n", 400);
}

static void
test_line_endings(void)
{
	REJECT("GET / HTTP/1.1\n" HOST "\r\n", 400);
	REJECT("GET / HTTP/1.1\r" HOST "\r\n", 400);
	REJECT("GET / HTTP/1.1\r\r\n" HOST "\r\n", 400);
	REJECT("GET / HTTP/1.1\r\nHost: a\n\r\n", 400);
	REJECT("GET / HTTP/1.1\r\nHost: a\r\n\n", 400);
	REJECT("GET / HTTP/1.1\r\nHost: a\rX: b\r\n\r\n", 400);
	REJECT("GET / HTTP/1.1\r\nHost: a\r\n\rX", 400);
	REJECT("GET / HTTP/1.1\r\nHost: a\r\nX: a\rb\r\n\r\n", 400);
	REJECT("GET / HTTP/1.1\r\nHost: a\r\nX: a\nb\r\n\r\n", 400);
	REJECT("GET / HTTP/1.1\r\nHost: a\r\nX\n: b\r\n\r\n", 400);
	REJECT("GET / HTTP/1.1\n\n", 400);
	/* Leading empty lines are refused, not skipped. */
	REJECT("\r\nGET / HTTP/1.1\r\n" HOST "\r\n", 400);
	REJECT("\nGET / HTTP/1.1\r\n" HOST "\r\n", 400);
	/* Refused as soon as the bad byte is seen. */
	REJECT("GET / HTTP/1.1\r\nHost: a\r\nX: a\n", 400);
	REJECT("GET / HTTP/1.1\r\nHo\n", 400);
	REJECT("GET / HTTP/1.1\rX", 400);
	CHECK_INT(PARSE("GET / HTTP/1.1\r"), 0);
	CHECK_INT(PARSE("GET / HTTP/1.1\r\nHost: a\r"), 0);
	CHECK_INT(PARSE("GET / HTTP/1.1\r\nHost: a\r\n\r"), 0);
}

static void
test_fields(void)
{
	/* obs-fold */
	REJECT("GET / HTTP/1.1\r\nHost: a\r\nX: b\r\n c\r\n\r\n", 400);
	REJECT("GET / HTTP/1.1\r\nHost: a\r\nX: b\r\n\tc\r\n\r\n", 400);
	REJECT("GET / HTTP/1.1\r\n Host: a\r\n\r\n", 400);
	/* Whitespace before the colon. */
	REJECT("GET / HTTP/1.1\r\nHost : a\r\n\r\n", 400);
	REJECT("GET / HTTP/1.1\r\nHost\t: a\r\n\r\n", 400);
	REJECT("GET / HTTP/1.1\r\n" HOST "Content-Length : 5\r\n\r\n", 400);
	/* NUL and control bytes. */
	REJECT("GET / HTTP/1.1\r\n" HOST "X: a\x00" "b\r\n\r\n", 400);
	REJECT("GET / HTTP/1.1\r\n" HOST "X: \x00\r\n\r\n", 400);
	REJECT("GET / HTTP/1.1\r\n" HOST "X\x00Y: a\r\n\r\n", 400);
	REJECT("GET / HTTP/1.1\r\n" HOST "X: a\x01\r\n\r\n", 400);
	REJECT("GET / HTTP/1.1\r\n" HOST "X: a\x1b[0m\r\n\r\n", 400);
	REJECT("GET / HTTP/1.1\r\n" HOST "X: a\x7f\r\n\r\n", 400);
	REJECT("GET / HTTP/1.1\r\n" HOST "X: \xc3\xa9\r\n\r\n", 400);
	REJECT("GET / HTTP/1.1\r\n" HOST "X: \x80\r\n\r\n", 400);
	REJECT("GET / HTTP/1.1\r\n" HOST "X: \xff\r\n\r\n", 400);
	/* Names. */
	REJECT("GET / HTTP/1.1\r\n" HOST ": a\r\n\r\n", 400);
	REJECT("GET / HTTP/1.1\r\n" HOST "X(Y): a\r\n\r\n", 400);
	REJECT("GET / HTTP/1.1\r\n" HOST "X/Y: a\r\n\r\n", 400);
	REJECT("GET / HTTP/1.1\r\n" HOST "NoColon\r\n\r\n", 400);
	REJECT("GET / HTTP/1.1\r\n" HOST "\xc3\xa9: a\r\n\r\n", 400);
	ACCEPT("GET / HTTP/1.1\r\n" HOST "X-!#$%&'*+-.^_`|~09az: a\r\n\r\n");
	ACCEPT("GET / HTTP/1.1\r\n" HOST "X: a:b: \"c\"\r\n\r\n");
	CHECK(span_eq(req.headers[1].value, req.headers[1].valuelen,
	    "a:b: \"c\""));
	ACCEPT("GET / HTTP/1.1\r\n" HOST "X:\t \t\r\n\r\n");
	CHECK_INT(req.headers[1].valuelen, 0);
}

/* A head of exactly n bytes: request line, Host, one padded field. */
static size_t
make_head(char *buf, size_t n)
{
	static const char pre[] = "GET / HTTP/1.1\r\nHost: a\r\nX: ";
	size_t pad = n - (sizeof(pre) - 1) - 4;

	memcpy(buf, pre, sizeof(pre) - 1);
	memset(buf + sizeof(pre) - 1, 'p', pad);
	memcpy(buf + sizeof(pre) - 1 + pad, "\r\n\r\n", 4);
	return n;
}

static void
test_head_size(void)
{
	char buf[8300];
	size_t n, i;

	lim.max_header_bytes = 8192;
	n = make_head(buf, 8192);
	CHECK_INT(PARSE_N(buf, n), 1);
	CHECK_INT(req.head_len, 8192);
	CHECK_INT(PARSE_N(buf, n - 1), 0);

	n = make_head(buf, 8193);
	CHECK_INT(PARSE_N(buf, n), -1);
	CHECK_INT(err.status, 431);
	/* As soon as the limit is reached without a complete head. */
	CHECK_INT(PARSE_N(buf, 8192), -1);
	CHECK_INT(err.status, 431);
	CHECK_INT(PARSE_N(buf, 8191), 0);

	/* Bytes that never end a line. */
	memset(buf, 'A', sizeof(buf));
	CHECK_INT(PARSE_N(buf, 8191), 0);
	CHECK_INT(PARSE_N(buf, 8192), -1);
	CHECK_INT(err.status, 431);
	CHECK_INT(PARSE_N(buf, sizeof(buf)), -1);
	CHECK_INT(err.status, 431);

	/* A complete head followed by more bytes than the limit. */
	n = make_head(buf, 100);
	for (i = n; i < sizeof(buf); i++)
		buf[i] = 'Z';
	CHECK_INT(PARSE_N(buf, sizeof(buf)), 1);
	CHECK_INT(req.head_len, 100);

	lim.max_header_bytes = 200;
	n = make_head(buf, 200);
	CHECK_INT(PARSE_N(buf, n), 1);
	n = make_head(buf, 201);
	CHECK_INT(PARSE_N(buf, n), -1);
	CHECK_INT(err.status, 431);
	reset_limits();
}

/* A request with count fields, the first of them Host. */
static size_t
make_fields(char *buf, size_t count)
{
	size_t i, n;

	n = (size_t)snprintf(buf, 64, "GET / HTTP/1.1\r\nHost: a\r\n");
	for (i = 1; i < count; i++)
		n += (size_t)snprintf(buf + n, 64, "H%zu: v\r\n", i);
	memcpy(buf + n, "\r\n", 2);
	return n + 2;
}

static void
test_header_count(void)
{
	char buf[8192];
	size_t n;

	lim.max_headers = 10;
	n = make_fields(buf, 10);
	CHECK_INT(PARSE_N(buf, n), 1);
	CHECK_INT(req.nheaders, 10);
	n = make_fields(buf, 11);
	CHECK_INT(PARSE_N(buf, n), -1);
	CHECK_INT(err.status, 431);
	/* Without waiting for the end of the head. */
	CHECK_INT(PARSE_N(buf, n - 3), -1);
	CHECK_INT(err.status, 431);
	CHECK_INT(PARSE_N(buf, n - 10), 0);

	/* The compile-time cap holds whatever the limits say. */
	lim.max_headers = 100000;
	n = make_fields(buf, HTTP_MAX_HEADERS);
	CHECK_INT(PARSE_N(buf, n), 1);
	CHECK_INT(req.nheaders, HTTP_MAX_HEADERS);
	n = make_fields(buf, HTTP_MAX_HEADERS + 1);
	CHECK_INT(PARSE_N(buf, n), -1);
	CHECK_INT(err.status, 431);
	reset_limits();
}

static void
test_content_length(void)
{
	ACCEPT("POST / HTTP/1.1\r\n" HOST "Content-Length: 10\r\n\r\n");
	CHECK_INT(req.content_length, 10);
	ACCEPT("POST / HTTP/1.1\r\n" HOST "content-length:  007 \r\n\r\n");
	CHECK_INT(req.content_length, 7);
	ACCEPT("POST / HTTP/1.1\r\n" HOST "Content-Length: 65536\r\n\r\n");
	CHECK_INT(req.content_length, 65536);
	REJECT("POST / HTTP/1.1\r\n" HOST "Content-Length: 65537\r\n\r\n",
	    413);
	REJECT("POST / HTTP/1.1\r\n" HOST "Content-Length: +10\r\n\r\n", 400);
	REJECT("POST / HTTP/1.1\r\n" HOST "Content-Length: -1\r\n\r\n", 400);
	REJECT("POST / HTTP/1.1\r\n" HOST "Content-Length: 0x10\r\n\r\n", 400);
	REJECT("POST / HTTP/1.1\r\n" HOST "Content-Length: 1 0\r\n\r\n", 400);
	REJECT("POST / HTTP/1.1\r\n" HOST "Content-Length: 10,10\r\n\r\n", 400);
	REJECT("POST / HTTP/1.1\r\n" HOST "Content-Length: 10, 10\r\n\r\n",
	    400);
	REJECT("POST / HTTP/1.1\r\n" HOST "Content-Length:\r\n\r\n", 400);
	REJECT("POST / HTTP/1.1\r\n" HOST "Content-Length: 1e3\r\n\r\n", 400);
	REJECT("POST / HTTP/1.1\r\n" HOST "Content-Length: 5\x00\r\n\r\n", 400);
	REJECT("POST / HTTP/1.1\r\n" HOST
	    "Content-Length: 5\r\nContent-Length: 5\r\n\r\n", 400);
	REJECT("POST / HTTP/1.1\r\n" HOST
	    "Content-Length: 5\r\nContent-Length: 6\r\n\r\n", 400);

	lim.max_body = SIZE_MAX;
	ACCEPT("POST / HTTP/1.1\r\n" HOST
	    "Content-Length: 999999999999999999\r\n\r\n");
	CHECK_INT(req.content_length, 999999999999999999LL);
	REJECT("POST / HTTP/1.1\r\n" HOST
	    "Content-Length: 0999999999999999999\r\n\r\n", 400);
	REJECT("POST / HTTP/1.1\r\n" HOST
	    "Content-Length: 99999999999999999999999\r\n\r\n", 400);
	reset_limits();
}

static void
test_smuggling(void)
{
	ACCEPT("POST / HTTP/1.1\r\n" HOST "Transfer-Encoding: chunked\r\n\r\n");
	CHECK_INT(req.chunked, 1);
	CHECK_INT(req.content_length, -1);
	ACCEPT("POST / HTTP/1.1\r\n" HOST "transfer-encoding: ChUnKeD \r\n\r\n");
	CHECK_INT(req.chunked, 1);

	/* CL.TE and TE.CL */
	REJECT("POST / HTTP/1.1\r\n" HOST "Content-Length: 4\r\n"
	    "Transfer-Encoding: chunked\r\n\r\n", 400);
	REJECT("POST / HTTP/1.1\r\n" HOST "Transfer-Encoding: chunked\r\n"
	    "Content-Length: 4\r\n\r\n", 400);
	REJECT("POST / HTTP/1.1\r\n" HOST "Transfer-Encoding: gzip\r\n"
	    "Content-Length: 4\r\n\r\n", 400);
	/* Codings that end otherwise than with a lone chunked. */
	REJECT("POST / HTTP/1.1\r\n" HOST
	    "Transfer-Encoding: chunked, identity\r\n\r\n", 400);
	REJECT("POST / HTTP/1.1\r\n" HOST
	    "Transfer-Encoding: chunked, chunked\r\n\r\n", 400);
	REJECT("POST / HTTP/1.1\r\n" HOST
	    "Transfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n\r\n",
	    400);
	REJECT("POST / HTTP/1.1\r\n" HOST
	    "Transfer-Encoding: identity, chunked\r\n\r\n", 501);
	REJECT("POST / HTTP/1.1\r\n" HOST
	    "Transfer-Encoding: identity\r\n\r\n", 501);
	REJECT("POST / HTTP/1.1\r\n" HOST
	    "Transfer-Encoding: xchunked\r\n\r\n", 501);
	REJECT("POST / HTTP/1.1\r\n" HOST
	    "Transfer-Encoding: chunkedx\r\n\r\n", 501);
	REJECT("POST / HTTP/1.1\r\n" HOST
	    "Transfer-Encoding: gzip\r\n\r\n", 501);
	/* Garbage. */
	REJECT("POST / HTTP/1.1\r\n" HOST
	    "Transfer-Encoding: chunked,\r\n\r\n", 400);
	REJECT("POST / HTTP/1.1\r\n" HOST
	    "Transfer-Encoding: , chunked\r\n\r\n", 400);
	REJECT("POST / HTTP/1.1\r\n" HOST
	    "Transfer-Encoding: chunked;q=1\r\n\r\n", 400);
	REJECT("POST / HTTP/1.1\r\n" HOST
	    "Transfer-Encoding: \"chunked\"\r\n\r\n", 400);
	REJECT("POST / HTTP/1.1\r\n" HOST
	    "Transfer-Encoding:\r\n\r\n", 400);
	REJECT("POST / HTTP/1.1\r\n" HOST
	    "Transfer-Encoding: chu nked\r\n\r\n", 400);
	REJECT("POST / HTTP/1.1\r\n" HOST
	    "Transfer-Encoding: chunked\x00\r\n\r\n", 400);
	REJECT("POST / HTTP/1.1\r\n" HOST
	    "Transfer-Encoding: \x0b" "chunked\r\n\r\n", 400);
	REJECT("POST / HTTP/1.1\r\n" HOST
	    "Transfer-Encoding : chunked\r\n\r\n", 400);
	REJECT("POST / HTTP/1.1\r\n" HOST
	    "Transfer-Encoding:\r\n chunked\r\n\r\n", 400);
	/* HTTP/1.0 has no chunked encoding. */
	REJECT("POST / HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n", 400);
	/* Other spellings are other fields, not framing. */
	ACCEPT("POST / HTTP/1.1\r\n" HOST "Transfer_Encoding: chunked\r\n\r\n");
	CHECK_INT(req.chunked, 0);
	CHECK_INT(req.content_length, -1);
}

static void
test_host(void)
{
	REJECT("GET / HTTP/1.1\r\n\r\n", 400);
	REJECT("GET / HTTP/1.1\r\nX: a\r\n\r\n", 400);
	REJECT("GET / HTTP/1.1\r\nHost: a\r\nHost: a\r\n\r\n", 400);
	REJECT("GET / HTTP/1.1\r\nHost: a\r\nhost: b\r\n\r\n", 400);
	REJECT("GET / HTTP/1.0\r\nHost: a\r\nHost: b\r\n\r\n", 400);
	REJECT("GET / HTTP/1.1\r\nHost:\r\n\r\n", 400);
	REJECT("GET / HTTP/1.1\r\nHost: a/b\r\n\r\n", 400);
	REJECT("GET / HTTP/1.1\r\nHost: user@a\r\n\r\n", 400);
	REJECT("GET / HTTP/1.1\r\nHost: a b\r\n\r\n", 400);
	REJECT("GET / HTTP/1.1\r\nHost: a\"b\r\n\r\n", 400);
	ACCEPT("GET / HTTP/1.1\r\nHost: [::1]:8443\r\n\r\n");
	CHECK(span_eq(req.host, req.hostlen, "[::1]:8443"));
	ACCEPT("GET / HTTP/1.1\r\nHost: Example.COM:443\r\n\r\n");
	CHECK(span_eq(req.host, req.hostlen, "Example.COM:443"));
	ACCEPT("GET / HTTP/1.0\r\n\r\n");
	CHECK(req.host == NULL);
	CHECK_INT(req.hostlen, 0);
	ACCEPT("GET / HTTP/1.0\r\nHost: a\r\n\r\n");
	CHECK(span_eq(req.host, req.hostlen, "a"));
}

static void
test_connection(void)
{
	ACCEPT("GET / HTTP/1.1\r\n" HOST "\r\n");
	CHECK_INT(req.keep_alive, 1);
	ACCEPT("GET / HTTP/1.1\r\n" HOST "Connection: close\r\n\r\n");
	CHECK_INT(req.keep_alive, 0);
	ACCEPT("GET / HTTP/1.1\r\n" HOST "Connection: foo, CLOSE\r\n\r\n");
	CHECK_INT(req.keep_alive, 0);
	ACCEPT("GET / HTTP/1.1\r\n" HOST "Connection: a\r\n"
	    "Connection: close\r\n\r\n");
	CHECK_INT(req.keep_alive, 0);
	ACCEPT("GET / HTTP/1.1\r\n" HOST "Connection: keep-alive\r\n\r\n");
	CHECK_INT(req.keep_alive, 1);
	ACCEPT("GET / HTTP/1.1\r\n" HOST "Connection: closed\r\n\r\n");
	CHECK_INT(req.keep_alive, 1);
	ACCEPT("GET / HTTP/1.0\r\n\r\n");
	CHECK_INT(req.keep_alive, 0);
	ACCEPT("GET / HTTP/1.0\r\nConnection: Keep-Alive\r\n\r\n");
	CHECK_INT(req.keep_alive, 1);
	ACCEPT("GET / HTTP/1.0\r\nConnection: keep-alive, close\r\n\r\n");
	CHECK_INT(req.keep_alive, 0);
	ACCEPT("GET / HTTP/1.0\r\nConnection: , ,keep-alive,\r\n\r\n");
	CHECK_INT(req.keep_alive, 1);
	REJECT("GET / HTTP/1.1\r\n" HOST "Connection: clo se\r\n\r\n", 400);
	REJECT("GET / HTTP/1.1\r\n" HOST "Connection: \"close\"\r\n\r\n", 400);
}

/* The same request, one byte more at a time, gives 0 until complete. */
static void
test_incremental(void)
{
	static const char r[] = "POST /v1/x?y=z HTTP/1.1\r\n"
	    "Host: example.com\r\n"
	    "Content-Length: 12\r\n"
	    "Connection: close\r\n"
	    "X-Pad: \t a \r\n"
	    "\r\n";
	struct http_request whole;
	size_t i, bad = 0;

	CHECK_INT(PARSE(r), 1);
	memcpy(&whole, &req, sizeof(whole));
	for (i = 0; i < sizeof(r) - 1; i++)
		if (PARSE_N(r, i) != 0)
			bad++;
	CHECK_INT(bad, 0);
	CHECK_INT(PARSE(r), 1);
	CHECK(memcmp(&whole, &req, sizeof(req)) == 0);
	CHECK_INT(req.head_len, sizeof(r) - 1);
	CHECK_INT(req.content_length, 12);
	CHECK_INT(req.keep_alive, 0);
	CHECK_INT(req.nheaders, 4);

	/* And with a copy that grows, as a reading loop would see it. */
	{
		char *buf;
		size_t j;

		for (j = 1, bad = 0; j <= sizeof(r) - 1; j++) {
			if ((buf = malloc(j)) == NULL)
				abort();
			memcpy(buf, r, j);
			if (PARSE_N(buf, j) != (j == sizeof(r) - 1))
				bad++;
			free(buf);
		}
		CHECK_INT(bad, 0);
	}
}

static void
test_pipelined(void)
{
	static const char r[] = "GET /one HTTP/1.1\r\nHost: a\r\n\r\n"
	    "POST /two HTTP/1.1\r\nHost: a\r\nContent-Length: 3\r\n\r\nabc"
	    "GET /three HTTP/1.0\r\n\r\n";
	size_t off, len = sizeof(r) - 1;

	CHECK_INT(PARSE_N(r, len), 1);
	CHECK(span_eq(req.target, req.targetlen, "/one"));
	off = req.head_len;
	CHECK_INT(off, 30);
	CHECK_INT(PARSE_N(r + off, len - off), 1);
	CHECK(span_eq(req.target, req.targetlen, "/two"));
	CHECK_INT(req.content_length, 3);
	off += req.head_len;
	CHECK(memcmp(r + off, "abc", 3) == 0);
	off += 3;
	CHECK_INT(PARSE_N(r + off, len - off), 1);
	CHECK(span_eq(req.target, req.targetlen, "/three"));
	CHECK_INT(off + req.head_len, len);
	/* Garbage after a head is the next request's problem. */
	CHECK_INT(PARSE("GET / HTTP/1.1\r\nHost: a\r\n\r\n\x00\x01\n"), 1);
	CHECK_INT(req.head_len, 27);
}

/*
 * Chunked bodies.  dechunk() feeds in one piece; every caller also checks
 * that feeding one byte at a time gives the same answer.
 */
struct dechunked {
	int		 rv;
	int		 status;
	size_t		 consumed;
	size_t		 outlen;
	char		 out[256];
};

static void
dechunk_n(const char *in, size_t len, size_t cap, size_t split,
    struct dechunked *d)
{
	struct http_chunked c;
	struct http_error e;
	size_t used, off = 0, piece;

	memset(d, 0, sizeof(*d));
	memset(&e, 0, sizeof(e));
	if (cap > sizeof(d->out))
		cap = sizeof(d->out);
	http_chunked_init(&c);
	d->rv = 0;
	while (d->rv == 0 && off < len) {
		piece = split == 0 ? len - off : split;
		if (piece > len - off)
			piece = len - off;
		d->rv = http_chunked_feed(&c, in + off, piece, &used, d->out,
		    cap, &e);
		if (used > piece)
			abort();
		if (d->rv == 0 && used != piece)
			abort();
		off += used;
	}
	d->consumed = off;
	d->status = d->rv == -1 ? e.status : 0;
	d->outlen = c.out_len;
}

#define CHUNKED(lit, cap, d)	dechunk_n(lit, sizeof(lit) - 1, cap, 0, d)

/* Feeds the whole and byte by byte; both must agree; returns the status. */
#define CHUNKED_BAD(lit, cap, st) do {					\
	struct dechunked ck_whole, ck_bytes;					\
	CHUNKED(lit, cap, &ck_whole);						\
	dechunk_n(lit, sizeof(lit) - 1, cap, 1, &ck_bytes);			\
	CHECK_INT(ck_whole.rv, -1);						\
	CHECK_INT(ck_whole.status, st);					\
	CHECK_INT(ck_bytes.rv, -1);						\
	CHECK_INT(ck_bytes.status, st);					\
} while (0)

#define CHUNKED_OK(lit, cap, want) do {					\
	struct dechunked ck_whole, ck_bytes;					\
	CHUNKED(lit, cap, &ck_whole);						\
	dechunk_n(lit, sizeof(lit) - 1, cap, 1, &ck_bytes);			\
	CHECK_INT(ck_whole.rv, 1);						\
	CHECK_INT(ck_bytes.rv, 1);						\
	CHECK_INT(ck_whole.consumed, sizeof(lit) - 1);			\
	CHECK_INT(ck_bytes.consumed, sizeof(lit) - 1);			\
	CHECK(span_eq(ck_whole.out, ck_whole.outlen, want));			\
	CHECK(span_eq(ck_bytes.out, ck_bytes.outlen, want));			\
} while (0)

static const char chunked_body[] =
    "4;foo=bar\r\nWiki\r\n"
    "5 ; a ;b = \"q\\\"x;\" ;c=d\r\npedia\r\n"
    "e\r\n in\r\n\r\nchunks.\r\n"
    "00000000000A\r\n0123456789\r\n"
    "0;last\r\n"
    "Expires: never\r\n"
    "X-Trailer:\t1 2\t\r\n"
    "\r\n";
static const char chunked_want[] = "Wikipedia in\r\n\r\nchunks.0123456789";

static void
test_chunked_valid(void)
{
	struct dechunked d;
	struct http_chunked c;
	struct http_error e;
	size_t used;
	char out[64];

	CHUNKED_OK(chunked_body, 256, chunked_want);
	CHUNKED_OK("0\r\n\r\n", 0, "");
	CHUNKED_OK("000\r\n\r\n", 0, "");
	CHUNKED_OK("1\r\nx\r\n0\r\n\r\n", 1, "x");
	CHUNKED_OK("A\r\n0123456789\r\n0\r\n\r\n", 10, "0123456789");
	CHUNKED_OK("a\r\n0123456789\r\n0\r\n\r\n", 10, "0123456789");
	CHUNKED_OK("1;a\r\nx\r\n0\r\n\r\n", 1, "x");
	CHUNKED_OK("1;a=\"\"\r\nx\r\n0\r\n\r\n", 1, "x");
	CHUNKED_OK("1;a;b;c=d\r\nx\r\n0\r\n\r\n", 1, "x");
	CHUNKED_OK("1 \t;a\r\nx\r\n0\r\n\r\n", 1, "x");

	/* It stops after the final CRLF: what follows is the next request. */
	CHUNKED("3\r\nabc\r\n0\r\n\r\nGET / HTTP/1.1\r\n", 16, &d);
	CHECK_INT(d.rv, 1);
	CHECK_INT(d.consumed, 13);
	CHECK(span_eq(d.out, d.outlen, "abc"));

	/* Once done, it stays done and consumes nothing. */
	http_chunked_init(&c);
	CHECK_INT(http_chunked_feed(&c, "0\r\n\r\nX", 6, &used, out,
	    sizeof(out), &e), 1);
	CHECK_INT(used, 5);
	CHECK_INT(http_chunked_feed(&c, "X", 1, &used, out, sizeof(out), &e),
	    1);
	CHECK_INT(used, 0);

	/* Incomplete input consumes everything and asks for more. */
	http_chunked_init(&c);
	CHECK_INT(http_chunked_feed(&c, "5\r\nab", 5, &used, out,
	    sizeof(out), &e), 0);
	CHECK_INT(used, 5);
	CHECK_INT(c.out_len, 2);
	CHECK_INT(http_chunked_feed(&c, "", 0, &used, out, sizeof(out), &e),
	    0);
	CHECK_INT(used, 0);
}

/* Every split of the body into two pieces, and all piece sizes. */
static void
test_chunked_splits(void)
{
	struct http_chunked c;
	struct http_error e;
	size_t len = sizeof(chunked_body) - 1, split, u1, u2, bad = 0;
	char out[256];
	struct dechunked d;
	int r1, r2;

	for (split = 0; split <= len; split++) {
		http_chunked_init(&c);
		r1 = http_chunked_feed(&c, chunked_body, split, &u1, out,
		    sizeof(out), &e);
		r2 = http_chunked_feed(&c, chunked_body + u1, len - u1, &u2,
		    out, sizeof(out), &e);
		if ((split < len && (r1 != 0 || u1 != split)) || r2 != 1 ||
		    u1 + u2 != len ||
		    !span_eq(out, c.out_len, chunked_want))
			bad++;
	}
	CHECK_INT(bad, 0);
	for (split = 1, bad = 0; split <= len; split++) {
		dechunk_n(chunked_body, len, sizeof(out), split, &d);
		if (d.rv != 1 || d.consumed != len ||
		    !span_eq(d.out, d.outlen, chunked_want))
			bad++;
	}
	CHECK_INT(bad, 0);
}

static void
test_chunked_sizes(void)
{
	CHUNKED_BAD("0x10\r\n0123456789abcdef\r\n0\r\n\r\n", 256, 400);
	CHUNKED_BAD("0X10\r\n0123456789abcdef\r\n0\r\n\r\n", 256, 400);
	CHUNKED_BAD("+10\r\n0123456789abcdef\r\n0\r\n\r\n", 256, 400);
	CHUNKED_BAD("-1\r\nx\r\n0\r\n\r\n", 256, 400);
	CHUNKED_BAD(" 10\r\n0123456789abcdef\r\n0\r\n\r\n", 256, 400);
	CHUNKED_BAD("\t1\r\nx\r\n0\r\n\r\n", 256, 400);
	CHUNKED_BAD("\r\nx\r\n0\r\n\r\n", 256, 400);
	CHUNKED_BAD(";a\r\nx\r\n0\r\n\r\n", 256, 400);
	CHUNKED_BAD("g\r\n", 256, 400);
	CHUNKED_BAD("1g\r\nx\r\n0\r\n\r\n", 256, 400);
	CHUNKED_BAD("1\n", 256, 400);
	CHUNKED_BAD("1\rx", 256, 400);
	CHUNKED_BAD("1 \r\nx\r\n0\r\n\r\n", 256, 400);
	CHUNKED_BAD("1_000\r\n", 256, 400);
	CHUNKED_BAD("1\x00\r\n", 256, 400);
	/* 17 digits overflow our limit even when the value would fit. */
	CHUNKED_BAD("FFFFFFFFFFFFFFFFF\r\n", 256, 400);
	CHUNKED_BAD("10000000000000000\r\n", 256, 400);
	CHUNKED_BAD("00000000000000001\r\nx\r\n0\r\n\r\n", 256, 400);
	/* 16 digits parse, and then do not fit in the body. */
	CHUNKED_BAD("FFFFFFFFFFFFFFFF\r\n", 256, 413);
	CHUNKED_BAD("8000000000000000\r\n", 256, 413);
	CHUNKED_OK("000000000000001\r\nx\r\n0\r\n\r\n", 1, "x");
}

static void
test_chunked_data(void)
{
	/* The CRLF after the data is required, exactly. */
	CHUNKED_BAD("3\r\nabcX\r\n0\r\n\r\n", 256, 400);
	CHUNKED_BAD("3\r\nabc\n0\r\n\r\n", 256, 400);
	CHUNKED_BAD("3\r\nabc\r0\r\n\r\n", 256, 400);
	CHUNKED_BAD("3\r\nabcd\r\n0\r\n\r\n", 256, 400);
	CHUNKED_BAD("3\r\nab\r\n0\r\n\r\n", 256, 400);
	CHUNKED_BAD("3\r\nabc0\r\n\r\n", 256, 400);
	/* The body limit: exactly at it, and one past. */
	CHUNKED_OK("3\r\nabc\r\n3\r\ndef\r\n0\r\n\r\n", 6, "abcdef");
	CHUNKED_BAD("3\r\nabc\r\n4\r\ndefg\r\n0\r\n\r\n", 6, 413);
	CHUNKED_BAD("7\r\nabcdefg\r\n0\r\n\r\n", 6, 413);
	CHUNKED_BAD("1\r\nx\r\n0\r\n\r\n", 0, 413);
}

static void
test_chunked_ext(void)
{
	char buf[512];
	size_t n;
	struct dechunked d;

	CHUNKED_BAD("1;\r\nx\r\n0\r\n\r\n", 256, 400);
	CHUNKED_BAD("1;=a\r\nx\r\n0\r\n\r\n", 256, 400);
	CHUNKED_BAD("1;a=\r\nx\r\n0\r\n\r\n", 256, 400);
	CHUNKED_BAD("1;a \r\nx\r\n0\r\n\r\n", 256, 400);
	CHUNKED_BAD("1;a=b \r\nx\r\n0\r\n\r\n", 256, 400);
	CHUNKED_BAD("1;a=\"b\" \r\nx\r\n0\r\n\r\n", 256, 400);
	CHUNKED_BAD("1;a=\"b\"c\r\nx\r\n0\r\n\r\n", 256, 400);
	CHUNKED_BAD("1;a=\"b\r\nx\r\n0\r\n\r\n", 256, 400);
	CHUNKED_BAD("1;a=\"b\x00\"\r\nx\r\n0\r\n\r\n", 256, 400);
	CHUNKED_BAD("1;a=\"\xc3\xa9\"\r\nx\r\n0\r\n\r\n", 256, 400);
	CHUNKED_BAD("1;a=\"\\\n\"\r\nx\r\n0\r\n\r\n", 256, 400);
	CHUNKED_BAD("1;a=b=c\r\nx\r\n0\r\n\r\n", 256, 400);
	CHUNKED_BAD("1;a\x00\r\nx\r\n0\r\n\r\n", 256, 400);
	CHUNKED_BAD("1;a\nx\r\n0\r\n\r\n", 256, 400);
	CHUNKED_BAD("1;a\rx\r\n0\r\n\r\n", 256, 400);
	CHUNKED_BAD("1 a\r\nx\r\n0\r\n\r\n", 256, 400);
	/* Still valid so far: asks for more. */
	CHUNKED(";", 256, &d);
	CHECK_INT(d.rv, -1);
	CHUNKED("1;a=\"b\\\"", 256, &d);
	CHECK_INT(d.rv, 0);
	CHUNKED("0;a\r\n\r", 256, &d);
	CHECK_INT(d.rv, 0);

	/* A size line of exactly HTTP_CHUNK_LINE_MAX bytes, then one more. */
	n = (size_t)snprintf(buf, sizeof(buf), "1;a=");
	memset(buf + n, 'b', HTTP_CHUNK_LINE_MAX - n - 2);
	n = HTTP_CHUNK_LINE_MAX - 2;
	memcpy(buf + n, "\r\nx\r\n0\r\n\r\n", 10);
	dechunk_n(buf, n + 10, 256, 0, &d);
	CHECK_INT(d.rv, 1);
	CHECK(span_eq(d.out, d.outlen, "x"));
	memset(buf + 4, 'b', HTTP_CHUNK_LINE_MAX - 4);
	n = HTTP_CHUNK_LINE_MAX - 1;
	memcpy(buf + n, "\r\nx\r\n0\r\n\r\n", 10);
	dechunk_n(buf, n + 10, 256, 0, &d);
	CHECK_INT(d.rv, -1);
	CHECK_INT(d.status, 400);
	/* Refused without waiting for the end of the line. */
	memset(buf, ';', sizeof(buf));
	buf[0] = '1';
	dechunk_n(buf, sizeof(buf), 256, 0, &d);
	CHECK_INT(d.rv, -1);
	memset(buf + 1, 'a', sizeof(buf) - 1);
	buf[1] = ';';
	dechunk_n(buf, sizeof(buf), 256, 0, &d);
	CHECK_INT(d.rv, -1);
	CHECK_INT(d.status, 400);
	CHECK_INT(d.consumed, HTTP_CHUNK_LINE_MAX + 1);
}

static void
test_chunked_trailer(void)
{
	char buf[HTTP_MAX_TRAILER + 64];
	struct dechunked d;
	size_t n;

	CHUNKED_BAD("0\r\nX: a\r\n b\r\n\r\n", 256, 400);
	CHUNKED_BAD("0\r\n X: a\r\n\r\n", 256, 400);
	CHUNKED_BAD("0\r\nX : a\r\n\r\n", 256, 400);
	CHUNKED_BAD("0\r\n: a\r\n\r\n", 256, 400);
	CHUNKED_BAD("0\r\nX\r\n\r\n", 256, 400);
	CHUNKED_BAD("0\r\nX: a\x00\r\n\r\n", 256, 400);
	CHUNKED_BAD("0\r\nX: \x80\r\n\r\n", 256, 400);
	CHUNKED_BAD("0\r\nX: a\n\r\n", 256, 400);
	CHUNKED_BAD("0\r\nX: a\r\n\n", 256, 400);
	CHUNKED_BAD("0\r\n\n", 256, 400);
	CHUNKED_BAD("0\r\n\rX", 256, 400);
	CHUNKED_BAD("0\r\nX: a\rb\r\n\r\n", 256, 400);
	CHUNKED_OK("0\r\nContent-Length: 5\r\n\r\n", 0, "");

	/* The whole trailer section is bounded, final CRLF included. */
	n = (size_t)snprintf(buf, sizeof(buf), "0\r\nX: ");
	memset(buf + n, 'v', HTTP_MAX_TRAILER - 7);
	n += HTTP_MAX_TRAILER - 7;
	memcpy(buf + n, "\r\n\r\n", 4);
	n += 4;
	dechunk_n(buf, n, 0, 0, &d);
	CHECK_INT(d.rv, 1);
	CHECK_INT(d.consumed, n);
	memmove(buf + 4, buf + 3, n - 3);
	buf[3] = 'Y';
	dechunk_n(buf, n + 1, 0, 0, &d);
	CHECK_INT(d.rv, -1);
	CHECK_INT(d.status, 431);
}

static void
test_chunked_after_error(void)
{
	struct http_chunked c;
	struct http_error e;
	size_t used;
	char out[16];

	http_chunked_init(&c);
	CHECK_INT(http_chunked_feed(&c, "x\r\n", 3, &used, out, sizeof(out),
	    &e), -1);
	CHECK_INT(e.status, 400);
	e.status = 0;
	CHECK_INT(http_chunked_feed(&c, "0\r\n\r\n", 5, &used, out,
	    sizeof(out), &e), -1);
	CHECK_INT(e.status, 400);
	CHECK_INT(used, 0);
}

/* A head that says chunked, followed by its body, as frontd sees them. */
static void
test_head_then_chunked(void)
{
	static const char r[] = "POST /v1/x HTTP/1.1\r\nHost: a\r\n"
	    "Transfer-Encoding: chunked\r\n\r\n"
	    "5\r\nhello\r\n0\r\n\r\n"
	    "GET / HTTP/1.1\r\nHost: a\r\n\r\n";
	struct dechunked d;
	size_t off;

	CHECK_INT(PARSE(r), 1);
	CHECK_INT(req.chunked, 1);
	off = req.head_len;
	dechunk_n(r + off, sizeof(r) - 1 - off, lim.max_body, 0, &d);
	CHECK_INT(d.rv, 1);
	CHECK(span_eq(d.out, d.outlen, "hello"));
	off += d.consumed;
	CHECK_INT(PARSE_N(r + off, sizeof(r) - 1 - off), 1);
	CHECK_INT(off + req.head_len, sizeof(r) - 1);
}

static void
test_status_text(void)
{
	static const int codes[] = { 200, 201, 202, 204, 301, 304, 400, 401,
	    403, 404, 405, 408, 409, 413, 414, 415, 422, 429, 431, 500, 501,
	    502, 503, 504, 505 };
	size_t i, unknown = 0;

	for (i = 0; i < sizeof(codes) / sizeof(codes[0]); i++)
		if (strcmp(http_status_text(codes[i]), "Unknown") == 0)
			unknown++;
	CHECK_INT(unknown, 0);
	CHECK_STR(http_status_text(200), "OK");
	CHECK_STR(http_status_text(431), "Request Header Fields Too Large");
	CHECK_STR(http_status_text(505), "HTTP Version Not Supported");
	CHECK_STR(http_status_text(299), "Unknown");
	CHECK_STR(http_status_text(-1), "Unknown");
}

int
main(void)
{
	reset_limits();
	RUN(test_simple_get);
	RUN(test_header_get);
	RUN(test_request_dup);
	RUN(test_header_last);
	RUN(test_methods);
	RUN(test_target);
	RUN(test_version);
	RUN(test_line_endings);
	RUN(test_fields);
	RUN(test_head_size);
	RUN(test_header_count);
	RUN(test_content_length);
	RUN(test_smuggling);
	RUN(test_host);
	RUN(test_connection);
	RUN(test_incremental);
	RUN(test_pipelined);
	RUN(test_chunked_valid);
	RUN(test_chunked_splits);
	RUN(test_chunked_sizes);
	RUN(test_chunked_data);
	RUN(test_chunked_ext);
	RUN(test_chunked_trailer);
	RUN(test_chunked_after_error);
	RUN(test_head_then_chunked);
	RUN(test_status_text);
	return test_report("http");
}
