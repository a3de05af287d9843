/*
 * Unit tests of the ACME engine's own parsing and encoding (taskd/acme*.c):
 * base64url both ways, the JWK thumbprint against RFC 7638's example,
 * the CA's problem documents made into text, RFC 3339 times, the PEM
 * chain split, and the refusal of URLs that are not https.  The
 * exchanges with a CA are tested against pebble (test_acme_engine.py).
 */
#include <stdlib.h>
#include <string.h>

#include "acme_int.h"
#include "test.h"

static void
test_b64url(void)
{
	static const uint8_t	 in[] = { 0xfb, 0xff, 0xfe, 0x00, 'a' };
	uint8_t			 out[16];
	size_t			 n = 0;
	char			*s;

	s = acme_b64url(in, sizeof(in));
	CHECK_STR(s, "-__-AGE");
	CHECK_INT(acme_b64url_decode(s, out, sizeof(out), &n), 0);
	CHECK_INT(n, sizeof(in));
	CHECK(memcmp(out, in, sizeof(in)) == 0);
	free(s);
	CHECK_INT(acme_b64url_decode("-__-AGE=", out, sizeof(out), &n), 0);
	CHECK_INT(n, sizeof(in));
	/* the standard alphabet's characters are not base64url */
	CHECK_INT(acme_b64url_decode("+//+AGE", out, sizeof(out), &n), -1);
	CHECK_INT(acme_b64url_decode("A", out, sizeof(out), &n), -1);
	CHECK_INT(acme_b64url_decode("AAAAAAAAAAAAAAAAAAAAAAAA", out, 4, &n),
	    -1);
	s = acme_b64url("", 0);
	CHECK_STR(s, "");
	free(s);
}

static void
test_thumbprint(void)
{
	json_t	*jwk;
	char	 t[64];

	jwk = json_loads("{\"kty\":\"RSA\",\"n\":\"0vx7agoebGcQSuuPiLJXZptN9"
	    "nndrQmbXEps2aiAFbWhM78LhWx4cbbfAAtVT86zwu1RK7aPFFxuhDR1L6tSoc_BJ"
	    "ECPebWKRXjBZCiFV4n3oknjhMstn64tZ_2W-5JsGY4Hc5n9yBXArwl93lqt7_RN5"
	    "w6Cf0h4QyQ5v-65YGjQR0_FDW2QvzqY368QQMicAtaSqzs8KJZgnYb9c7d0zgdAZ"
	    "Hzu6qMQvRL5hajrn1n91CbOpbISD08qNLyrdkt-bFTWhAI4vMQFh6WeZu0fM4lFd"
	    "2NcRwr3XPksINHaQ-G_xBniIqbw0Ls1jF44-csFCur-kEgU8awapJzKnqDKgw\","
	    "\"e\":\"AQAB\",\"alg\":\"RS256\",\"kid\":\"2011-04-29\"}", 0,
	    NULL);
	CHECK(jwk != NULL);
	CHECK_INT(acme_thumbprint(jwk, t, sizeof(t)), 0);
	CHECK_STR(t, "NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs");
	CHECK_INT(acme_thumbprint(jwk, t, 10), -1);
	json_object_del(jwk, "e");
	CHECK_INT(acme_thumbprint(jwk, t, sizeof(t)), -1);
	json_decref(jwk);
	jwk = json_pack("{s:s}", "kty", "oct");
	CHECK_INT(acme_thumbprint(jwk, t, sizeof(t)), -1);
	json_decref(jwk);
}

static int
problem(const char *doc, char *out, size_t len)
{
	return acme_problem_text(doc, strlen(doc), out, len);
}

static void
test_problem(void)
{
	char	t[512];

	CHECK_INT(problem("{\"type\":\"urn:ietf:params:acme:error:malformed\","
	    "\"detail\":\"bad\\nthing\"}", t, sizeof(t)), 0);
	/* a control character from the CA does not reach a log line */
	CHECK_STR(t, "urn:ietf:params:acme:error:malformed: bad thing");
	CHECK_INT(problem("{\"type\":\"urn:ietf:params:acme:error:"
	    "rejectedIdentifier\",\"detail\":\"two names\",\"subproblems\":["
	    "{\"type\":\"urn:ietf:params:acme:error:rejectedIdentifier\","
	    "\"detail\":\"blocked\",\"identifier\":{\"type\":\"dns\","
	    "\"value\":\"a.example\"}},{\"type\":\"t2\"}]}", t, sizeof(t)), 0);
	CHECK_STR(t, "urn:ietf:params:acme:error:rejectedIdentifier: two "
	    "names (subproblems: a.example: urn:ietf:params:acme:error:"
	    "rejectedIdentifier: blocked; t2)");
	/* nor a byte that is not ASCII (a UTF-8 sequence may be cut) */
	CHECK_INT(problem("{\"type\":\"t\",\"detail\":\"caf\u00e9\"}", t,
	    sizeof(t)), 0);
	CHECK_STR(t, "t: caf??");
	/* truncated, not overflowed */
	CHECK_INT(problem("{\"type\":\"abcdefghijklmnop\"}", t, 8), 0);
	CHECK_STR(t, "abcdefg");
	CHECK_INT(problem("{\"detail\":\"no type\"}", t, sizeof(t)), -1);
	CHECK_INT(problem("[1]", t, sizeof(t)), -1);
	CHECK_INT(problem("not json", t, sizeof(t)), -1);
	CHECK_INT(problem("{\"type\":\"a\",\"type\":\"b\"}", t, sizeof(t)),
	    -1);
}

static void
test_time(void)
{
	time_t	t = 0;

	CHECK_INT(acme_parse_time("2026-12-07T12:00:00Z", &t), 0);
	CHECK_INT(t, 1796644800);
	CHECK_INT(acme_parse_time("2026-12-07T12:00:00.123456Z", &t), 0);
	CHECK_INT(t, 1796644800);
	CHECK_INT(acme_parse_time("2026-12-07T14:30:00+02:30", &t), 0);
	CHECK_INT(t, 1796644800);
	CHECK_INT(acme_parse_time("2026-12-07T12:00:00", &t), -1);
	CHECK_INT(acme_parse_time("2026-12-07T12:00:00.Z", &t), -1);
	CHECK_INT(acme_parse_time("2026-12-07T12:00:00+2:00", &t), -1);
	CHECK_INT(acme_parse_time("yesterday", &t), -1);
	CHECK_INT(acme_parse_time(NULL, &t), -1);
}

static void
test_split(void)
{
	struct acme_cert	 c;
	const char		*junk = "-----BEGIN CERTIFICATE-----\nAAAA\n"
				    "-----END CERTIFICATE-----\n";

	memset(&c, 0, sizeof(c));
	CHECK_INT(acme_split_chain(junk, strlen(junk), &c), -1);
	CHECK_INT(acme_split_chain("", 0, &c), -1);
	CHECK(c.leaf == NULL && c.chain == NULL);
}

static void
test_urls(void)
{
	struct acme		*a;
	struct acme_resp	 r;

	CHECK(acme_new("http://127.0.0.1/dir", NULL, 5) == NULL);
	CHECK(acme_new("file:///etc/passwd", NULL, 5) == NULL);
	CHECK(acme_new(NULL, NULL, 5) == NULL);
	a = acme_new("https://127.0.0.1:1/dir", NULL, 5);
	CHECK(a != NULL);
	CHECK_INT(acme_http(a, "GET", "http://127.0.0.1/", NULL, NULL, &r),
	    -1);
	CHECK_STR(acme_error(a), "refusing a URL that is not https");
	CHECK_INT(acme_http(a, "GET", "https://a b/", NULL, NULL, &r), -1);
	/* nothing listens on port 1: an error, no crash */
	CHECK_INT(acme_directory(a), -1);
	CHECK(strstr(acme_error(a), "https://127.0.0.1:1/dir") != NULL);
	acme_free(a);
}

int
main(void)
{
	RUN(test_b64url);
	RUN(test_thumbprint);
	RUN(test_problem);
	RUN(test_time);
	RUN(test_split);
	RUN(test_urls);
	return test_report("acme");
}
