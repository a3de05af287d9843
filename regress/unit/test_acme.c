/*
 * Unit tests of the ACME engine's own parsing and encoding (taskd/acme*.c):
 * base64url both ways, the JWK thumbprint against RFC 7638's example,
 * the CA's problem documents made into text, RFC 3339 times, the PEM
 * chain split, the refusal of URLs that are not https, and JWS made
 * with a local key and checked here apart from the engine (ES256 with
 * a signer that answers DER and one that answers R||S, RS256, and EAB's
 * HS256).  The
 * exchanges with a CA are tested against pebble (test_acme_engine.py).
 */
#include <stdlib.h>
#include <string.h>

#include <openssl/bn.h>
#include <openssl/ecdsa.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

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

struct tsigner {
	EVP_PKEY	*pk;
	int		 raw;	/* answer R||S instead of DER */
};

static int
tsign(void *arg, const void *in, size_t inlen, uint8_t *sig,
    size_t *siglen)
{
	struct tsigner		*t = arg;
	EVP_MD_CTX		*ctx = EVP_MD_CTX_new();
	ECDSA_SIG		*es;
	const BIGNUM		*r, *s;
	const unsigned char	*p = sig;
	int			 ok;

	ok = EVP_DigestSignInit(ctx, NULL, EVP_sha256(), NULL, t->pk) == 1 &&
	    EVP_DigestSign(ctx, sig, siglen, in, inlen) == 1;
	EVP_MD_CTX_free(ctx);
	if (!ok || !t->raw)
		return ok ? 0 : -1;
	if ((es = d2i_ECDSA_SIG(NULL, &p, (long)*siglen)) == NULL)
		return -1;
	ECDSA_SIG_get0(es, &r, &s);
	BN_bn2binpad(r, sig, 32);
	BN_bn2binpad(s, sig + 32, 32);
	ECDSA_SIG_free(es);
	*siglen = 64;
	return 0;
}

static json_t *
b64_json(const char *s)
{
	uint8_t	buf[4096];
	size_t	n;

	if (s == NULL || acme_b64url_decode(s, buf, sizeof(buf), &n) == -1)
		return NULL;
	return json_loadb((const char *)buf, n, 0, NULL);
}

/* Checks jws's signature with pk; returns its protected header. */
static json_t *
jws_verify(const char *jws, EVP_PKEY *pk, int ec)
{
	json_t		*j = json_loads(jws, 0, NULL), *h = NULL;
	const char	*p64, *b64, *s64;
	uint8_t		 sig[1024], der[128], *dp = der;
	size_t		 n = 0;
	char		*in = NULL;
	EVP_MD_CTX	*ctx;
	ECDSA_SIG	*es;
	int		 ok = 0, dl;

	p64 = json_string_value(json_object_get(j, "protected"));
	b64 = json_string_value(json_object_get(j, "payload"));
	s64 = json_string_value(json_object_get(j, "signature"));
	if (p64 == NULL || b64 == NULL || s64 == NULL ||
	    acme_b64url_decode(s64, sig, sizeof(sig), &n) == -1 ||
	    asprintf(&in, "%s.%s", p64, b64) == -1)
		goto out;
	if (ec) {
		CHECK_INT(n, 64);	/* R||S, never DER */
		es = ECDSA_SIG_new();
		ECDSA_SIG_set0(es, BN_bin2bn(sig, 32, NULL),
		    BN_bin2bn(sig + 32, 32, NULL));
		dl = i2d_ECDSA_SIG(es, &dp);
		ECDSA_SIG_free(es);
		memcpy(sig, der, (size_t)dl);
		n = (size_t)dl;
	}
	ctx = EVP_MD_CTX_new();
	ok = EVP_DigestVerifyInit(ctx, NULL, EVP_sha256(), NULL, pk) == 1 &&
	    EVP_DigestVerify(ctx, sig, n, (uint8_t *)in, strlen(in)) == 1;
	EVP_MD_CTX_free(ctx);
	if (ok)
		h = b64_json(p64);
out:
	free(in);
	json_decref(j);
	return h;
}

static void
jws_case(EVP_PKEY *pk, const char *alg, int raw)
{
	struct tsigner		 t = { pk, raw };
	struct acme_signer	 sg = { alg, NULL, tsign, &t };
	struct acme		*a = acme_new("https://ca.example/dir", NULL, 5);
	json_t			*h, *j;
	char			*jws;

	sg.jwk = json_pack("{s:s, s:s, s:s}", "kty", "RSA", "n", "AQAB",
	    "e", "AQAB");
	strlcpy(a->nonce, "nonce-1", sizeof(a->nonce));
	strlcpy(a->kid, "https://ca.example/acct/1", sizeof(a->kid));
	jws = acme_jws(a, &sg, "https://ca.example/x", "{\"a\":1}", 0, 1);
	h = jws_verify(jws, pk, alg[0] == 'E');
	CHECK(h != NULL);
	CHECK_STR(json_string_value(json_object_get(h, "alg")), alg);
	CHECK_STR(json_string_value(json_object_get(h, "nonce")), "nonce-1");
	CHECK_STR(json_string_value(json_object_get(h, "url")),
	    "https://ca.example/x");
	CHECK_STR(json_string_value(json_object_get(h, "kid")), a->kid);
	CHECK(json_object_get(h, "jwk") == NULL);
	j = json_loads(jws, 0, NULL);
	json_decref(h);
	h = b64_json(json_string_value(json_object_get(j, "payload")));
	CHECK_INT(json_integer_value(json_object_get(h, "a")), 1);
	json_decref(h);
	json_decref(j);
	free(jws);
	/* a new account's: the jwk, no kid; POST-as-GET: empty payload */
	jws = acme_jws(a, &sg, "https://ca.example/y", NULL, 1, 1);
	h = jws_verify(jws, pk, alg[0] == 'E');
	CHECK(h != NULL && json_equal(json_object_get(h, "jwk"), sg.jwk));
	CHECK(json_object_get(h, "kid") == NULL);
	j = json_loads(jws, 0, NULL);
	CHECK_STR(json_string_value(json_object_get(j, "payload")), "");
	json_decref(j);
	json_decref(h);
	free(jws);
	/* key roll-over's inner JWS carries no nonce */
	jws = acme_jws(a, &sg, "https://ca.example/kc", "{}", 1, 0);
	h = jws_verify(jws, pk, alg[0] == 'E');
	CHECK(h != NULL && json_object_get(h, "nonce") == NULL);
	json_decref(h);
	free(jws);
	json_decref(sg.jwk);
	acme_free(a);
}

static void
test_jws(void)
{
	EVP_PKEY	*ec = EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-256");
	EVP_PKEY	*rsa = EVP_PKEY_Q_keygen(NULL, NULL, "RSA",
			    (size_t)2048);
	struct tsigner	 t = { ec, 0 };
	struct acme_signer sg = { "HS512", NULL, tsign, &t };
	struct acme	*a = acme_new("https://ca.example/dir", NULL, 5);

	jws_case(ec, "ES256", 0);
	jws_case(ec, "ES256", 1);
	jws_case(rsa, "RS256", 0);
	/* an algorithm the engine does not know is refused */
	CHECK(acme_jws(a, &sg, "https://ca.example/x", "{}", 1, 1) == NULL);
	acme_free(a);
	EVP_PKEY_free(ec);
	EVP_PKEY_free(rsa);
}

/* A MAC key held by another (authd, for the worker): struct acme_eab */
struct held {
	const uint8_t	*key;
	int		 calls, fail;
};

static int
held_mac(void *arg, const void *in, size_t inlen, uint8_t *mac,
    size_t *maclen)
{
	struct held	*h = arg;
	unsigned int	 ml = 0;

	h->calls++;
	if (h->fail || *maclen < 32)
		return -1;
	HMAC(EVP_sha256(), h->key, 32, in, inlen, mac, &ml);
	*maclen = ml;
	return 0;
}

static void
check_eab_held(struct acme *a, const struct acme_signer *sg,
    const uint8_t *key)
{
	struct held	 h = { key, 0, 0 };
	struct acme_eab	 e = { "kid-2", held_mac, &h };
	json_t		*j, *hd;
	char		*eab, *in = NULL, *want;
	uint8_t		 mac[32];
	unsigned int	 ml;

	eab = acme_eab(a, sg, "https://ca.example/new-acct", &e);
	CHECK_INT(h.calls, 1);
	j = json_loads(eab, 0, NULL);
	hd = b64_json(json_string_value(json_object_get(j, "protected")));
	CHECK_STR(json_string_value(json_object_get(hd, "kid")), "kid-2");
	CHECK_STR(json_string_value(json_object_get(hd, "alg")), "HS256");
	if (asprintf(&in, "%s.%s", json_string_value(json_object_get(j,
	    "protected")), json_string_value(json_object_get(j,
	    "payload"))) == -1)
		in = NULL;
	HMAC(EVP_sha256(), key, 32, (uint8_t *)in, strlen(in), mac, &ml);
	want = acme_b64url(mac, ml);
	CHECK_STR(json_string_value(json_object_get(j, "signature")), want);
	free(want);
	free(in);
	free(eab);
	json_decref(hd);
	json_decref(j);
	/* a MAC that fails makes no binding */
	h.fail = 1;
	CHECK(acme_eab(a, sg, "https://ca.example/new-acct", &e) == NULL);
	CHECK_INT(h.calls, 2);
}

static void
test_eab(void)
{
	static const uint8_t	 key[] = "0123456789abcdef0123456789abcdef";
	struct acme_signer	 sg = { "ES256", NULL, NULL, NULL };
	struct acme		*a = acme_new("https://ca.example/dir", NULL, 5);
	json_t			*j, *h, *p;
	char			*eab, *k64, *in = NULL, *want;
	uint8_t			 mac[32];
	unsigned int		 ml;

	sg.jwk = json_pack("{s:s, s:s, s:s, s:s}", "kty", "EC", "crv",
	    "P-256", "x", "AAAA", "y", "BBBB");
	k64 = acme_b64url(key, 32);
	eab = acme_eab_key(a, &sg, "https://ca.example/new-acct", "kid-1",
	    k64);
	j = json_loads(eab, 0, NULL);
	h = b64_json(json_string_value(json_object_get(j, "protected")));
	CHECK_STR(json_string_value(json_object_get(h, "alg")), "HS256");
	CHECK_STR(json_string_value(json_object_get(h, "kid")), "kid-1");
	CHECK_STR(json_string_value(json_object_get(h, "url")),
	    "https://ca.example/new-acct");
	CHECK(json_object_get(h, "nonce") == NULL);
	p = b64_json(json_string_value(json_object_get(j, "payload")));
	CHECK(p != NULL && json_equal(p, sg.jwk));
	if (asprintf(&in, "%s.%s", json_string_value(json_object_get(j,
	    "protected")), json_string_value(json_object_get(j,
	    "payload"))) == -1)
		in = NULL;
	HMAC(EVP_sha256(), key, 32, (uint8_t *)in, strlen(in), mac, &ml);
	want = acme_b64url(mac, ml);
	CHECK_STR(json_string_value(json_object_get(j, "signature")), want);
	free(want);
	free(in);
	free(eab);
	json_decref(p);
	json_decref(h);
	json_decref(j);
	/* a key that is not base64url is refused */
	CHECK(acme_eab_key(a, &sg, "https://ca.example/n", "kid-1",
	    "not base64!") == NULL);
	free(k64);
	check_eab_held(a, &sg, key);
	json_decref(sg.jwk);
	acme_free(a);
}

static int
solve_nothing(void *arg, const char *type, const char *ident,
    const char *token, const char *value)
{
	return -1;
}

static void
clean_nothing(void *arg, const char *type, const char *ident,
    const char *token, const char *value)
{
}

/* An order asked wrong is refused before any request. */
static void
test_order_req(void)
{
	static const uint8_t		 csr[] = { 0x30, 0x00 };
	static const struct acme_solver	 sol = { solve_nothing, clean_nothing,
					    NULL };
	static const char *const bad[] = { "a*b.example", "*.*.example",
	    "a..example", ".example", "example.", "a b.example", "*.", "",
	    "\xc3\xa9.example" };
	const char		*names[1];
	struct acme_order_req	 q;
	struct acme_cert	 c;
	struct acme		*a = acme_new("https://127.0.0.1:1/dir", NULL,
				    5);
	size_t			 i;

	memset(&q, 0, sizeof(q));
	q.names = names;
	q.nnames = 1;
	q.challenge = "http-01";
	q.csr = csr;
	q.csrlen = sizeof(csr);
	q.solver = &sol;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		names[0] = bad[i];
		CHECK_INT(acme_issue(a, &q, &c), -1);
		CHECK_STR(acme_error(a), "not a DNS name to order");
	}
	names[0] = "*.ok.example";
	q.challenge = "tls-alpn-01";
	CHECK_INT(acme_issue(a, &q, &c), -1);
	CHECK_STR(acme_error(a), "the challenge type is http-01 or dns-01");
	q.challenge = "dns-01";
	q.nnames = ACME_NAMES_MAX + 1;
	CHECK_INT(acme_issue(a, &q, &c), -1);
	q.nnames = 1;
	/* a good request, but no account yet */
	CHECK_INT(acme_issue(a, &q, &c), -1);
	CHECK_STR(acme_error(a), "no account");
	CHECK(c.leaf == NULL && c.order_url == NULL);
	acme_free(a);
}

/* The scheduler's choice (RFC 9773): in the CA's window, else 2/3. */
static void
test_renew_time(void)
{
	struct acme_window	 w;
	const time_t		 nb = 1000000, na = nb + 90 * 86400;
	time_t			 t;
	uint32_t		 r;

	memset(&w, 0, sizeof(w));
	/* no window: two thirds of the lifetime */
	CHECK_INT(acme_renew_time(nb, na, NULL, 7), nb + 60 * 86400);
	CHECK_INT(acme_renew_time(nb, na, &w, 7), nb + 60 * 86400);
	/* a window: a time inside it, chosen by rnd, the end excluded */
	w.start = nb + 50 * 86400;
	w.end = nb + 52 * 86400;
	CHECK_INT(acme_renew_time(nb, na, &w, 0), w.start);
	CHECK_INT(acme_renew_time(nb, na, &w, 3600), w.start + 3600);
	CHECK_INT(acme_renew_time(nb, na, &w, 2 * 86400), w.start);
	for (r = 1; r < 4000000000U; r += 99999989U) {
		t = acme_renew_time(nb, na, &w, r);
		CHECK(t >= w.start && t < w.end);
	}
	/* a window the CA moved before the usual time (a revocation
	 * coming): inside it, even in the past, so it is renewed at once */
	w.start = nb - 86400;
	w.end = nb - 3600;
	t = acme_renew_time(nb, na, &w, 5);
	CHECK(t == nb - 86400 + 5);
	/* nonsense: empty, reversed, ending after the certificate, or
	 * starting at 0: two thirds */
	w.start = w.end = nb + 10;
	CHECK_INT(acme_renew_time(nb, na, &w, 1), nb + 60 * 86400);
	w.start = nb + 20;
	w.end = nb + 10;
	CHECK_INT(acme_renew_time(nb, na, &w, 1), nb + 60 * 86400);
	w.start = nb + 80 * 86400;
	w.end = na + 1;
	CHECK_INT(acme_renew_time(nb, na, &w, 1), nb + 60 * 86400);
	w.start = 0;
	w.end = nb;
	CHECK_INT(acme_renew_time(nb, na, &w, 1), nb + 60 * 86400);
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
	RUN(test_jws);
	RUN(test_eab);
	RUN(test_order_req);
	RUN(test_renew_time);
	return test_report("acme");
}
