/*
 * A private CA's cryptography (authd/pki.c): key types by either name,
 * the names a certificate may carry, and a CA whose certificates
 * OpenSSL's own verifier accepts for a TLS server, with the extensions
 * issue 11 asks for.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <openssl/x509v3.h>

#include "body_certs.h"
#include "log.h"
#include "pki.h"
#include "test.h"

static void
test_keyspec(void)
{
	static const struct {
		const char	*type;
		uint32_t	 bits;
		const char	*name;	/* NULL: refused */
	} cases[] = {
		{ "", 0, "ecdsa-p256" }, { "ecdsa", 0, "ecdsa-p256" },
		{ "ECDSA", 384, "ecdsa-p384" }, { "ec", 256, "ecdsa-p256" },
		{ "ecdsa-p384", 0, "ecdsa-p384" }, { "P-384", 384, "ecdsa-p384" },
		{ "rsa", 0, "rsa-2048" }, { "rsa", 3072, "rsa-3072" },
		{ "rsa", 4096, "rsa-4096" }, { "rsa-4096", 0, "rsa-4096" },
		{ "rsa2048", 2048, "rsa-2048" },
		{ "ecdsa", 521, NULL }, { "rsa", 1024, NULL },
		{ "rsa", 8192, NULL }, { "rsa-2048", 4096, NULL },
		{ "dsa", 0, NULL }, { "ed25519", 0, NULL },
		{ "ecdsa-p521", 0, NULL },
	};
	struct pki_keyspec	 ks;
	const char		*why;
	size_t			 i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		why = pki_keyspec(cases[i].type, cases[i].bits, &ks);
		if (cases[i].name == NULL)
			CHECK(why != NULL);
		else {
			CHECK(why == NULL);
			CHECK_STR(ks.name, cases[i].name);
		}
	}
}

static void
test_names(void)
{
	static const char *const good[] = {
		"example.com", "*.example.com", "a-b.c0.example",
		"localhost", "10.0.0.1", "::1", "2001:db8::5",
		"xn--bcher-kva.example",
	};
	static const char *const bad[] = {
		"", "exa mple.com", "*.com", "*.*.example.com",
		"foo*.example.com", "f*o.example.com", "-a.example.com",
		"a-.example.com", "a..b", ".a.b", "a.b.", "under_score.com",
		"10.0.0.1/8", "é.example",
	};
	char	 out[4096], joined[4096], name[300];
	size_t	 i;
	int	 n;

	for (i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		CHECK(pki_names_check(good[i], out, sizeof(out), &n) == NULL);
		CHECK_INT(n, 1);
	}
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		CHECK(pki_names_check(bad[i], out, sizeof(out), &n) != NULL);
	/* a label of 64, a name of 254 */
	memset(name, 'a', 64);
	strlcpy(name + 64, ".example", sizeof(name) - 64);
	CHECK(pki_names_check(name, out, sizeof(out), &n) != NULL);
	memset(name, 'a', sizeof(name));
	for (i = 1; i < 254; i += 2)
		name[i] = '.';
	name[254] = '\0';
	CHECK(pki_names_check(name, out, sizeof(out), &n) != NULL);
	name[253] = '\0';
	CHECK(pki_names_check(name, out, sizeof(out), &n) == NULL);
	/* lower case, repeats dropped, an empty one refused */
	CHECK(pki_names_check("A.Example,b.example,a.example,B.EXAMPLE", out,
	    sizeof(out), &n) == NULL);
	CHECK_STR(out, "a.example,b.example");
	CHECK_INT(n, 2);
	CHECK(pki_names_check("a.example,,b.example", out, sizeof(out),
	    &n) != NULL);
	CHECK(pki_names_check("a.example,", out, sizeof(out), &n) != NULL);
	/* 100 names, not 101 */
	joined[0] = '\0';
	for (i = 0; i < 100; i++) {
		snprintf(name, sizeof(name), "%sn%zu.ex", i ? "," : "", i);
		strlcat(joined, name, sizeof(joined));
	}
	CHECK(pki_names_check(joined, out, sizeof(out), &n) == NULL);
	CHECK_INT(n, 100);
	strlcat(joined, ",n100.ex", sizeof(joined));
	CHECK(pki_names_check(joined, out, sizeof(out), &n) != NULL);
}

static int
has_ext(X509 *x, int nid, int critical)
{
	int	 i = X509_get_ext_by_NID(x, nid, -1);

	return i >= 0 && (critical < 0 ||
	    X509_EXTENSION_get_critical(X509_get_ext(x, i)) == critical);
}

static int
verify(X509 *ca, X509 *leaf, const char *host)
{
	X509_STORE	*store = X509_STORE_new();
	X509_STORE_CTX	*ctx = X509_STORE_CTX_new();
	int		 ok;

	X509_STORE_add_cert(store, ca);
	X509_STORE_CTX_init(ctx, store, leaf, NULL);
	X509_STORE_CTX_set_purpose(ctx, X509_PURPOSE_SSL_SERVER);
	if (host != NULL)
		X509_VERIFY_PARAM_set1_host(X509_STORE_CTX_get0_param(ctx),
		    host, 0);
	ok = X509_verify_cert(ctx);
	X509_STORE_CTX_free(ctx);
	X509_STORE_free(store);
	return ok;
}

static void
test_issue(const char *catype, const char *leaftype)
{
	struct pki_keyspec	 ks;
	EVP_PKEY		*cakey, *key, *back;
	X509			*ca, *leaf, *other;
	char			 pem[4096], cn[256], serial[41], kname[16];
	int64_t			 nb, na, cana;

	CHECK(pki_keyspec(catype, 0, &ks) == NULL);
	cakey = pki_keygen(&ks);
	CHECK(cakey != NULL);
	CHECK(pki_ca_make(cakey, "CA", 0) == NULL);
	CHECK(pki_ca_make(cakey, "CA", PKI_CA_DAYS_MAX + 1) == NULL);
	ca = pki_ca_make(cakey, "Unit CA", 10);
	CHECK(ca != NULL);
	CHECK(has_ext(ca, NID_basic_constraints, 1));
	CHECK(has_ext(ca, NID_key_usage, 1));
	CHECK(has_ext(ca, NID_subject_key_identifier, -1));
	CHECK(has_ext(ca, NID_authority_key_identifier, -1));
	CHECK(X509_check_ca(ca) >= 1);
	pki_cert_info(ca, serial, sizeof(serial), &nb, &cana, cn, sizeof(cn));
	CHECK_STR(cn, "Unit CA");
	CHECK_INT(strlen(serial), 32);
	CHECK(cana - time(NULL) > 9 * 86400 && cana - time(NULL) <= 10 * 86400);

	CHECK(pki_keyspec(leaftype, 0, &ks) == NULL);
	key = pki_keygen(&ks);
	pki_key_name(key, kname);
	CHECK_STR(kname, ks.name);
	/* 90 days asked of a CA of 10: it ends with the CA */
	leaf = pki_cert_make(key, "www.example.com,*.api.example.com,"
	    "192.0.2.7", ca, cakey, 90);
	CHECK(leaf != NULL);
	pki_cert_info(leaf, serial, sizeof(serial), &nb, &na, cn, sizeof(cn));
	CHECK_STR(cn, "www.example.com");
	CHECK(na == cana);
	CHECK(nb < time(NULL));
	CHECK(X509_check_ca(leaf) == 0);
	CHECK(has_ext(leaf, NID_ext_key_usage, -1));
	CHECK(verify(ca, leaf, "www.example.com") == 1);
	CHECK(verify(ca, leaf, "x.api.example.com") == 1);
	CHECK(verify(ca, leaf, "example.com") != 1);
	CHECK(X509_check_ip_asc(leaf, "192.0.2.7", 0) == 1);
	/* the leaf cannot sign: a certificate "issued" by it fails */
	other = pki_cert_make(cakey, "evil.example", leaf, key, 1);
	CHECK(other != NULL);
	CHECK(verify(ca, other, NULL) != 1);
	X509_free(other);
	/* a key's PEM reads back as the same key */
	CHECK_INT(pki_key_pem(key, pem, sizeof(pem)), 0);
	CHECK(strncmp(pem, "-----BEGIN PRIVATE KEY-----", 27) == 0);
	back = pki_key_read(pem);
	CHECK(back != NULL && EVP_PKEY_eq(back, key) == 1);
	CHECK_INT(pki_key_pem(key, pem, 64), -1);
	CHECK_INT(pki_cert_pem(leaf, pem, sizeof(pem)), 0);
	other = pki_cert_read(pem);
	CHECK(other != NULL && X509_cmp(other, leaf) == 0);
	X509_free(other);
	EVP_PKEY_free(back);
	X509_free(leaf);
	X509_free(ca);
	EVP_PKEY_free(key);
	EVP_PKEY_free(cakey);
}

/* 100 distinct names that fill CERT_SANS_MAX, checked: 0 or -1. */
static int
names_longest(char *out, size_t outlen)
{
	char	 joined[CERT_SANS_MAX + 1], name[64];
	size_t	 i;
	int	 n;

	joined[0] = '\0';
	for (i = 0; i < 100; i++) {
		/* 39 bytes each, 40 with its comma: 3999 in all */
		snprintf(name, sizeof(name), "%s%03zu%s", i ? "," : "", i,
		    "." "aaaaaaaaaaaaaaaaaaaaaaa" ".example.com");
		strlcat(joined, name, sizeof(joined));
	}
	if (pki_names_check(joined, out, outlen, &n) != NULL || n != 100)
		return -1;
	return strlen(out) == 3999 ? 0 : -1;
}

/* The largest key and certificate fit the messages that carry them. */
static void
test_largest_fits(void)
{
	struct pki_keyspec	 ks;
	EVP_PKEY		*key;
	X509			*ca, *leaf;
	char			*pem, names[CERT_SANS_MAX + 1];

	if ((pem = calloc(1, CERT_PEM_MAX + 1)) == NULL)
		fatal("calloc");
	CHECK(pki_keyspec("rsa", 4096, &ks) == NULL);
	key = pki_keygen(&ks);
	CHECK(key != NULL);
	CHECK_INT(pki_key_pem(key, pem, CERT_KEY_PEM_MAX + 1), 0);
	/* sealing adds 33 bytes; base64 4/3 */
	CHECK(strlen(pem) + 33 <= CERT_SEALED_MAX);
	CHECK((strlen(pem) + 2) / 3 * 4 <= CERT_PRIVKEY64_MAX);
	ca = pki_ca_make(key, "a CA name of sixty-four characters, which is "
	    "the longest one ok", PKI_CA_DAYS_MAX);
	CHECK(ca != NULL);
	CHECK_INT(pki_cert_pem(ca, pem, CERT_PEM_MAX + 1), 0);
	/* a leaf of 100 names of all CERT_SANS_MAX bytes */
	CHECK(names_longest(names, sizeof(names)) == 0);
	leaf = pki_cert_make(key, names, ca, key, 825);
	CHECK(leaf != NULL);
	CHECK_INT(pki_cert_pem(leaf, pem, CERT_PEM_MAX + 1), 0);
	X509_free(leaf);
	X509_free(ca);
	EVP_PKEY_free(key);
	free(pem);
}

static void
test_issue_kinds(void)
{
	test_issue("ecdsa", "ecdsa");
	test_issue("ecdsa-p384", "rsa");
	test_issue("rsa", "ecdsa-p384");
}

int
main(void)
{
	RUN(test_keyspec);
	RUN(test_names);
	RUN(test_issue_kinds);
	RUN(test_largest_fits);
	return test_report("pki");
}
