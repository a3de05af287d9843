/*
 * Unit tests of taskd's DNS update client without a network: names,
 * the UPDATE it builds, base64 secrets, the answer parser against
 * hand-made packets (pointers, loops, lengths), and TSIG signatures
 * checked against an HMAC computed here from RFC 8945's layout.
 */
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <stdlib.h>
#include <string.h>

#include "body_dns.h"
#include "dnsprov.h"
#include "dnsupdate.h"
#include "test.h"

static const char SECRET[] = "c2VjcmV0LXNlY3JldC1zZWNyZXQtc2VjcmV0LTAxMjM=";

static int
ok_name(const char *in, const char *want)
{
	char		 out[DNS_NAME_MAX + 1];
	const char	*why;

	if (dns_name_check(in, out, sizeof(out), &why) == -1)
		return (want == NULL);
	return (want != NULL && strcmp(out, want) == 0);
}

static void
test_names(void)
{
	char	 l63[64], l64[65], long254[300];
	int	 i;

	memset(l63, 'a', 63);
	l63[63] = '\0';
	memset(l64, 'a', 64);
	l64[64] = '\0';
	CHECK(ok_name("_acme-challenge.Example.COM.",
	    "_acme-challenge.example.com"));
	CHECK(ok_name("a.b", "a.b"));
	CHECK(ok_name(l63, l63));
	CHECK(ok_name(l64, NULL));
	CHECK(ok_name("", NULL));
	CHECK(ok_name(".", NULL));
	CHECK(ok_name("a..b", NULL));
	CHECK(ok_name("-a.b", NULL));
	CHECK(ok_name("a-.b", NULL));
	CHECK(ok_name("a b.c", NULL));
	CHECK(ok_name("a\\.b", NULL));
	CHECK(ok_name("\xc3\xa9.com", NULL));
	/* 253 characters pass, 254 do not */
	for (i = 0; i < 253; i++)
		long254[i] = i % 2 ? '.' : 'a';
	long254[253] = '\0';
	CHECK(ok_name(long254, long254));
	long254[253] = 'a';
	long254[254] = '\0';
	CHECK(ok_name(long254, NULL));

	CHECK(dns_name_in_zone("_acme-challenge.example.com", "example.com"));
	CHECK(dns_name_in_zone("example.com", "example.com"));
	CHECK(!dns_name_in_zone("badexample.com", "example.com"));
	CHECK(!dns_name_in_zone("com", "example.com"));

	CHECK(dns_txt_check("abc", &(const char *){ NULL }) == 0);
	CHECK(dns_txt_check("", &(const char *){ NULL }) == -1);
	CHECK(dns_txt_check("a\nb", &(const char *){ NULL }) == -1);
}

static void
test_build(void)
{
	static const uint8_t want[] = {
		0x12, 0x34, 0x28, 0x00, 0, 1, 0, 0, 0, 1, 0, 0,
		1, 'z', 0, 0, 6, 0, 1,
		1, 'a', 1, 'z', 0, 0, 16, 0, 1, 0, 0, 0, 60,
		0, 3, 2, 'h', 'i',
	};
	struct dns_buf	*d = malloc(sizeof(*d));

	dns_build_update(d, 0x1234, "z", DNS_UPD_ADD, "a.z", "hi", 60);
	CHECK(!d->err);
	CHECK_INT(d->len, sizeof(want));
	CHECK(memcmp(d->b, want, sizeof(want)) == 0);

	/* delete the RRset: class ANY, no rdata */
	dns_build_update(d, 1, "z", DNS_UPD_DEL_RRSET, "a.z", NULL, 0);
	CHECK_INT(d->len, 12 + 7 + 5 + 10);
	CHECK_INT(d->b[d->len - 8], 0);
	CHECK_INT(d->b[d->len - 7], DNS_C_ANY);
	/* delete one RR: class NONE, the rdata */
	dns_build_update(d, 1, "z", DNS_UPD_DEL_RR, "a.z", "hi", 60);
	CHECK_INT(d->b[12 + 7 + 5 + 3], DNS_C_NONE);
	CHECK_INT(d->b[12 + 7 + 5 + 7], 0);	/* TTL 0 */
	free(d);
}

static void
test_base64(void)
{
	uint8_t	 out[16];
	size_t	 n;

	CHECK(dns_b64_decode("aGk=", out, sizeof(out), &n) == 0 && n == 2 &&
	    memcmp(out, "hi", 2) == 0);
	CHECK(dns_b64_decode("aGVsbG8h", out, sizeof(out), &n) == 0 &&
	    n == 6 && memcmp(out, "hello!", 6) == 0);
	CHECK(dns_b64_decode("aGk", out, sizeof(out), &n) == -1);
	CHECK(dns_b64_decode("a=Gk", out, sizeof(out), &n) == -1);
	CHECK(dns_b64_decode("aG=k", out, sizeof(out), &n) == -1);
	CHECK(dns_b64_decode("aGk*", out, sizeof(out), &n) == -1);
	CHECK(dns_b64_decode("", out, sizeof(out), &n) == -1);
	CHECK(dns_b64_decode("aGVsbG8haGVsbG8haGVsbG8h", out, sizeof(out),
	    &n) == -1);
}

/* A TXT answer for "a.z": question, then the answer's owner a pointer. */
static size_t
txt_answer(uint8_t *p, const char *txt)
{
	size_t	 o = 0, tl = strlen(txt);
	const uint8_t head[] = { 0xab, 0xcd, 0x84, 0x00, 0, 1, 0, 1, 0, 0,
	    0, 0, 1, 'a', 1, 'z', 0, 0, 16, 0, 1, 0xc0, 12, 0, 16, 0, 1,
	    0, 0, 0, 60 };

	memcpy(p, head, sizeof(head));
	o = sizeof(head);
	p[o++] = 0;
	p[o++] = tl + 1;
	p[o++] = tl;
	memcpy(p + o, txt, tl);
	return (o + tl);
}

static void
test_parse(void)
{
	uint8_t		 p[512];
	struct dns_reply *r = malloc(sizeof(*r));
	const char	*why;
	size_t		 n, off;
	char		 name[DNS_NAME_MAX + 2];

	n = txt_answer(p, "token");
	CHECK(dns_parse(p, n, r, &why) == 0);
	CHECK_INT(r->id, 0xabcd);
	CHECK(r->qr && r->opcode == 0 && r->rcode == 0);
	CHECK_INT(r->nan, 1);
	CHECK_STR(r->an[0].name, "a.z");
	CHECK_INT(dns_reply_has_txt(p, n, r, "A.z", "token"), 1);
	CHECK_INT(dns_reply_has_txt(p, n, r, "a.z", "toke"), 0);
	CHECK_INT(dns_reply_has_txt(p, n, r, "b.z", "token"), 0);

	/* trailing byte, short message, every truncation */
	CHECK(dns_parse(p, n + 1, r, &why) == -1);
	for (off = 0; off < n; off++)
		CHECK(dns_parse(p, off, r, &why) == -1);

	/* a pointer to itself, and one forwards, are refused */
	p[21] = 0xc0;
	p[22] = 21;
	CHECK(dns_parse(p, n, r, &why) == -1);
	p[22] = 40;
	CHECK(dns_parse(p, n, r, &why) == -1);
	p[22] = 12;

	/* rdata whose string length runs past it */
	p[n - 6] = 10;
	CHECK(dns_parse(p, n, r, &why) == 0);
	CHECK_INT(dns_reply_has_txt(p, n, r, "a.z", "token"), -1);
	p[n - 6] = 5;

	/* too many records claimed */
	p[7] = 200;
	CHECK(dns_parse(p, n, r, &why) == -1);
	p[7] = 1;

	/* a chain of pointers, each backwards, resolves */
	{
		uint8_t	 c[] = { 1, 'z', 0, 1, 'a', 0xc0, 0, 1, 'b',
		    0xc0, 3 };

		off = 7;
		CHECK(dns_read_name(c, sizeof(c), &off, name,
		    sizeof(name)) == 0);
		CHECK_STR(name, "b.a.z");
		CHECK_INT(off, sizeof(c));
	}
	/* reserved label types */
	{
		uint8_t	 c[] = { 0x40, 'a', 0 };

		off = 0;
		CHECK(dns_read_name(c, sizeof(c), &off, name,
		    sizeof(name)) == -1);
	}
	free(r);
}

/* The answer a server would sign, its MAC computed here by hand. */
static size_t
signed_answer(uint8_t *p, const struct dns_key *k, const uint8_t *reqmac,
    size_t reqmaclen, uint64_t when, uint16_t err, int empty_mac)
{
	static const uint8_t body[] = { 0x55, 0x66, 0xa8, 0x00, 0, 1, 0, 0,
	    0, 0, 0, 0, 1, 'z', 0, 0, 6, 0, 1 };
	static const uint8_t kname[] = { 3, 'k', 'e', 'y', 0 };
	static const uint8_t alg[] = { 11, 'h', 'm', 'a', 'c', '-', 's',
	    'h', 'a', '2', '5', '6', 0 };
	uint8_t		 d[512], mac[64];
	unsigned int	 ml;
	size_t		 o = 0, n;

	(void)k;
	d[o++] = reqmaclen >> 8;
	d[o++] = reqmaclen & 0xff;
	memcpy(d + o, reqmac, reqmaclen);
	o += reqmaclen;
	memcpy(d + o, body, sizeof(body));
	o += sizeof(body);
	memcpy(d + o, kname, sizeof(kname));
	o += sizeof(kname);
	memcpy(d + o, (uint8_t[]){ 0, 255, 0, 0, 0, 0 }, 6);
	o += 6;
	memcpy(d + o, alg, sizeof(alg));
	o += sizeof(alg);
	memcpy(d + o, (uint8_t[]){ when >> 40, when >> 32, when >> 24,
	    when >> 16, when >> 8, when, 1, 44, err >> 8, err, 0, 0 }, 12);
	o += 12;
	HMAC(EVP_sha256(), k->secret, k->secretlen, d, o, mac, &ml);

	memcpy(p, body, sizeof(body));
	p[11] = 1;
	n = sizeof(body);
	memcpy(p + n, kname, sizeof(kname));
	n += sizeof(kname);
	memcpy(p + n, (uint8_t[]){ 0, 250, 0, 255, 0, 0, 0, 0, 0, 0 }, 10);
	p[n + 9] = sizeof(alg) + 16 + (empty_mac ? 0 : ml);
	n += 10;
	memcpy(p + n, alg, sizeof(alg));
	n += sizeof(alg);
	memcpy(p + n, (uint8_t[]){ when >> 40, when >> 32, when >> 24,
	    when >> 16, when >> 8, when, 1, 44, 0, empty_mac ? 0 : ml }, 10);
	n += 10;
	if (!empty_mac) {
		memcpy(p + n, mac, ml);
		n += ml;
	}
	memcpy(p + n, (uint8_t[]){ 0x55, 0x66, err >> 8, err, 0, 0 }, 6);
	return (n + 6);
}

static void
test_tsig(void)
{
	struct dns_key	 k;
	struct dns_buf	*d = malloc(sizeof(*d));
	struct dns_reply *r = malloc(sizeof(*r));
	uint8_t		 reqmac[64], a[512], mac[64];
	size_t		 reqmaclen, n, before;
	const char	*why;
	unsigned int	 ml;

	CHECK(dns_key_init(&k, "key", "hmac-md5", SECRET, &why) == -1);
	CHECK(dns_key_init(&k, "key", NULL, "not base64!", &why) == -1);
	CHECK(dns_key_init(&k, "bad key", NULL, SECRET, &why) == -1);
	CHECK(dns_key_init(&k, "KEY.", "HMAC-SHA256", SECRET, &why) == 0);
	CHECK_STR(k.name, "key");
	CHECK_STR(k.alg, "hmac-sha256");

	/* the request's MAC is HMAC over the message and the variables */
	dns_build_update(d, 0x5566, "z", DNS_UPD_ADD, "a.z", "hi", 60);
	before = d->len;
	{
		uint8_t	 v[512];
		size_t	 o = before;
		static const uint8_t vars[] = { 3, 'k', 'e', 'y', 0, 0, 255,
		    0, 0, 0, 0, 11, 'h', 'm', 'a', 'c', '-', 's', 'h', 'a',
		    '2', '5', '6', 0, 0, 0, 0x65, 0x43, 0x21, 0x00, 1, 44,
		    0, 0, 0, 0 };

		memcpy(v, d->b, before);
		memcpy(v + o, vars, sizeof(vars));
		o += sizeof(vars);
		HMAC(EVP_sha256(), k.secret, k.secretlen, v, o, mac, &ml);
	}
	CHECK(dns_tsig_sign(d, &k, 0x65432100, reqmac, &reqmaclen) == 0);
	CHECK_INT(reqmaclen, 32);
	CHECK(memcmp(reqmac, mac, 32) == 0);
	CHECK_INT(d->b[11], 1);		/* ARCOUNT counts the TSIG */
	CHECK(dns_parse(d->b, d->len, r, &why) == 0 && r->has_tsig);
	CHECK_INT(r->tsig.orig_id, 0x5566);

	/* a server's answer verifies; a changed byte, time or key not */
	n = signed_answer(a, &k, reqmac, reqmaclen, 1000000, 0, 0);
	CHECK(dns_parse(a, n, r, &why) == 0);
	CHECK_INT(dns_tsig_verify(a, n, r, &k, reqmac, reqmaclen, 1000100,
	    &why), DNS_TSIG_OK);
	CHECK_INT(dns_tsig_verify(a, n, r, &k, reqmac, reqmaclen, 1000301,
	    &why), DNS_TSIG_BAD);
	reqmac[0] ^= 1;
	CHECK_INT(dns_tsig_verify(a, n, r, &k, reqmac, reqmaclen, 1000000,
	    &why), DNS_TSIG_BAD);
	reqmac[0] ^= 1;
	a[14] ^= 1;
	CHECK_INT(dns_tsig_verify(a, n, r, &k, reqmac, reqmaclen, 1000000,
	    &why), DNS_TSIG_BAD);
	a[14] ^= 1;
	k.secret[0] ^= 1;
	CHECK_INT(dns_tsig_verify(a, n, r, &k, reqmac, reqmaclen, 1000000,
	    &why), DNS_TSIG_BAD);
	k.secret[0] ^= 1;

	/* BADSIG comes with no MAC: the server's error, named */
	n = signed_answer(a, &k, reqmac, reqmaclen, 1000000, 16, 1);
	CHECK(dns_parse(a, n, r, &why) == 0);
	CHECK_INT(dns_tsig_verify(a, n, r, &k, reqmac, reqmaclen, 1000000,
	    &why), DNS_TSIG_SERVER_ERROR);
	CHECK_STR(why, "BADSIG");

	/* no TSIG at all */
	n = txt_answer(a, "x");
	CHECK(dns_parse(a, n, r, &why) == 0);
	CHECK_INT(dns_tsig_verify(a, n, r, &k, reqmac, reqmaclen, 0, &why),
	    DNS_TSIG_UNSIGNED);

	dns_key_clear(&k);
	CHECK_INT(k.secretlen, 0);
	free(d);
	free(r);
}

static void
test_init(void)
{
	struct dnsu	 u;
	char		 err[DNSU_ERR_MAX];

	CHECK(dnsu_init(&u, "127.0.0.1", 53, "example.com", "k", NULL,
	    SECRET, err, sizeof(err)) == 0);
	CHECK(dnsu_init(&u, "[::1]", 5353, "example.com", "k",
	    "hmac-sha512", SECRET, err, sizeof(err)) == 0);
	CHECK(dnsu_init(&u, "ns.example.com", 53, "example.com", "k", NULL,
	    SECRET, err, sizeof(err)) == -1);
	CHECK(dnsu_init(&u, "127.0.0.1", 0, "example.com", "k", NULL,
	    SECRET, err, sizeof(err)) == -1);
	CHECK(dnsu_init(&u, "127.0.0.1", 53, "exa mple.com", "k", NULL,
	    SECRET, err, sizeof(err)) == -1);
	CHECK(dnsu_init(&u, "127.0.0.1", 53, "example.com", "k", NULL,
	    SECRET, err, sizeof(err)) == 0);
	/* a name outside the zone is refused before anything is sent */
	CHECK(dnsu_add_txt(&u, "_acme-challenge.other.org", "x", 60, err,
	    sizeof(err)) == -1);
	CHECK(strstr(err, "not within the zone") != NULL);
	dnsu_clear(&u);
}

static const char *
check(const char *type, const char *server, uint32_t port, const char *zone,
    const char *key, const char *alg, const char *zone_id)
{
	struct dnsprov_fields f = { type, "n", server, port, zone, key, alg,
	    zone_id };

	return (dnsprov_check(&f));
}

static void
test_providers(void)
{
	struct dnsprov_rec	 p;
	struct dnsu		 u;
	char			 err[DNSU_ERR_MAX], name[DNS_NAME_MAX + 1];

	CHECK(check("rfc2136", "192.0.2.1", 53, "a.test", "k", "", "") ==
	    NULL);
	CHECK(check("rfc2136", "[2001:db8::1]", 53, "a.test", "k",
	    "hmac-sha1", "") == NULL);
	CHECK(check("rfc2136", "2001:db8::1", 5353, "a.test.", "k.", NULL,
	    NULL) == NULL);
	CHECK(check("rfc2136", "ns.a.test", 53, "a.test", "k", "", "") !=
	    NULL);
	CHECK(check("rfc2136", "192.0.2.1:53", 53, "a.test", "k", "", "") !=
	    NULL);
	CHECK(check("rfc2136", "192.0.2.1", 0, "a.test", "k", "", "") !=
	    NULL);
	CHECK(check("rfc2136", "192.0.2.1", 65536, "a.test", "k", "", "") !=
	    NULL);
	CHECK(check("rfc2136", "192.0.2.1", 53, "", "k", "", "") != NULL);
	CHECK(check("rfc2136", "192.0.2.1", 53, "a.test", "", "", "") !=
	    NULL);
	CHECK(check("rfc2136", "192.0.2.1", 53, "a.test", "k", "hmac-md5",
	    "") != NULL);
	CHECK(check("cloudflare", "", 0, "", "", "",
	    "0123456789abcdef0123456789ABCDEF") == NULL);
	CHECK(check("cloudflare", "", 0, "", "", "", "0123") != NULL);
	CHECK(check("cloudflare", "192.0.2.1", 0, "", "", "",
	    "0123456789abcdef0123456789abcdef") != NULL);
	CHECK(check("route53", "", 0, "", "", "", "") != NULL);
	CHECK(check(NULL, "", 0, "", "", "", "") != NULL);

	CHECK(dnsprov_secret_check("rfc2136", SECRET) == NULL);
	CHECK(dnsprov_secret_check("rfc2136", "aGk") != NULL);
	CHECK(dnsprov_secret_check("rfc2136", "a=Gk") != NULL);
	CHECK(dnsprov_secret_check("rfc2136", "") != NULL);
	CHECK(dnsprov_secret_check("cloudflare", "Abc-123_x") == NULL);
	CHECK(dnsprov_secret_check("cloudflare", "a b") != NULL);
	CHECK(dnsprov_secret_check("cloudflare", "") != NULL);

	/* a stored provider opens an update client; a hosted one not */
	memset(&p, 0, sizeof(p));
	strlcpy(p.type, "rfc2136", sizeof(p.type));
	strlcpy(p.server, "127.0.0.1", sizeof(p.server));
	p.port = 53;
	strlcpy(p.zone, "a.test", sizeof(p.zone));
	strlcpy(p.key_name, "k", sizeof(p.key_name));
	strlcpy(p.algorithm, "hmac-sha384", sizeof(p.algorithm));
	CHECK(dnsu_init_provider(&u, &p, SECRET, err, sizeof(err)) == 0);
	CHECK_STR(u.key.alg, "hmac-sha384");
	CHECK_STR(u.zone, "a.test");
	dnsu_clear(&u);
	strlcpy(p.type, "cloudflare", sizeof(p.type));
	CHECK(dnsu_init_provider(&u, &p, SECRET, err, sizeof(err)) == -1);

	CHECK(dnsu_challenge_name("www.Example.com", name, sizeof(name)) ==
	    0);
	CHECK_STR(name, "_acme-challenge.www.example.com");
	CHECK(dnsu_challenge_name("*.example.com", name, sizeof(name)) == 0);
	CHECK_STR(name, "_acme-challenge.example.com");
	CHECK(dnsu_challenge_name("bad name.com", name, sizeof(name)) == -1);
	memset(err, 'a', 240);
	err[240] = '\0';
	CHECK(dnsu_challenge_name(err, name, sizeof(name)) == -1);
}

int
main(void)
{
	RUN(test_providers);
	RUN(test_names);
	RUN(test_build);
	RUN(test_base64);
	RUN(test_parse);
	RUN(test_tsig);
	RUN(test_init);
	return (test_report("dnswire"));
}
