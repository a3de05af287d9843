/*
 * What authd does for taskd's ACME job (authd/acmekey.c, acmesign.c,
 * acmeacct.c's key): JWKs as RFC 7638 wants them, JWS signatures that
 * verify under the key (ES256/ES384 as fixed-width R||S, RS256), CSRs
 * of the names asked, a seal that opens only under the id and kind of
 * object it was sealed to, the EAB MAC under the configured key, and
 * the routes: taskd alone may ask.
 */
#include <stdlib.h>
#include <string.h>

#include <openssl/core_names.h>
#include <openssl/ecdsa.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "acmekey.h"
#include "authd.h"
#include "body_acmeacct.h"
#include "body_cfg.h"
#include "crypto.h"
#include "hmac.h"
#include "ipc.h"
#include "log.h"
#include "pki.h"
#include "test.h"

struct authd		*authd_env;
static struct authd	 env;

static const char ID[] = "0b1c2d3e-4f50-4617-8899-aabbccddeeff";

/* sig verifies under key as JWS alg says (R||S made DER again for EC) */
static int
verifies(EVP_PKEY *key, const char *in, const uint8_t *sig, size_t len)
{
	EVP_MD_CTX	*ctx = EVP_MD_CTX_new();
	ECDSA_SIG	*es = NULL;
	unsigned char	*der = NULL;
	int		 derlen, ok, w = (int)len / 2;

	if (EVP_PKEY_is_a(key, "EC")) {
		es = ECDSA_SIG_new();
		ECDSA_SIG_set0(es, BN_bin2bn(sig, w, NULL),
		    BN_bin2bn(sig + w, w, NULL));
		derlen = i2d_ECDSA_SIG(es, &der);
	} else {
		der = OPENSSL_memdup(sig, len);
		derlen = (int)len;
	}
	ok = EVP_DigestVerifyInit(ctx, NULL, EVP_PKEY_get_bits(key) == 384 ?
	    EVP_sha384() : EVP_sha256(), NULL, key) == 1 &&
	    EVP_DigestVerify(ctx, der, (size_t)derlen,
	    (const unsigned char *)in, strlen(in)) == 1;
	ECDSA_SIG_free(es);
	OPENSSL_free(der);
	EVP_MD_CTX_free(ctx);
	return ok;
}

/* The JWK's member name's value, as text. */
static void
member(const char *jwk, const char *name, char *out, size_t outlen)
{
	char		 pat[16];
	const char	*p;
	size_t		 n;

	snprintf(pat, sizeof(pat), "\"%s\":\"", name);
	out[0] = '\0';
	if ((p = strstr(jwk, pat)) == NULL)
		return;
	p += strlen(pat);
	n = strcspn(p, "\"");
	snprintf(out, outlen, "%.*s", (int)n, p);
}

static void
check_ec(int bits, const char *alg, const char *crv, size_t siglen)
{
	struct pki_keyspec	 ks;
	EVP_PKEY		*key;
	char			 a[8], jwk[ACCT_JWK_MAX + 1], x[128], y[128];
	char			 want[256], c[16];
	uint8_t			 pub[133], sig[ACCT_SIG_MAX];
	size_t			 publen, n, len;
	int			 w = bits / 8;

	CHECK(pki_keyspec("ecdsa", bits, &ks) == NULL);
	CHECK((key = pki_keygen(&ks)) != NULL);
	CHECK_INT(acmekey_jwk(key, a, sizeof(a), jwk, sizeof(jwk)), 0);
	CHECK_STR(a, alg);
	/* members in lexicographic order, no space (RFC 7638) */
	CHECK(strncmp(jwk, "{\"crv\":\"", 8) == 0);
	CHECK(strstr(jwk, "\",\"kty\":\"EC\",\"x\":\"") != NULL);
	member(jwk, "crv", c, sizeof(c));
	CHECK_STR(c, crv);
	/* x and y are the public point's, each of the curve's width */
	CHECK(EVP_PKEY_get_octet_string_param(key, OSSL_PKEY_PARAM_PUB_KEY,
	    pub, sizeof(pub), &publen) == 1);
	CHECK_INT(publen, 1 + 2 * w);
	member(jwk, "x", x, sizeof(x));
	member(jwk, "y", y, sizeof(y));
	CHECK(b64url_encode(pub + 1, w, want, sizeof(want), &n) == 0);
	CHECK_STR(x, want);
	CHECK(b64url_encode(pub + 1 + w, w, want, sizeof(want), &n) == 0);
	CHECK_STR(y, want);

	CHECK_INT(acmekey_sign(key, "e30.e30", 7, sig, sizeof(sig), &len), 0);
	CHECK_INT(len, siglen);
	CHECK(verifies(key, "e30.e30", sig, len));
	CHECK(!verifies(key, "e30.e31", sig, len));
	/* no room for R||S */
	CHECK_INT(acmekey_sign(key, "e30.e30", 7, sig, siglen - 1, &len), -1);
	EVP_PKEY_free(key);
}

static void
test_ec(void)
{
	check_ec(256, "ES256", "P-256", 64);
	check_ec(384, "ES384", "P-384", 96);
}

static void
test_rsa(void)
{
	struct pki_keyspec	 ks;
	EVP_PKEY		*key;
	char			 a[8], jwk[ACCT_JWK_MAX + 1], e[16], n[600];
	uint8_t			 sig[ACCT_SIG_MAX];
	size_t			 len;

	CHECK(pki_keyspec("rsa", 2048, &ks) == NULL);
	CHECK((key = pki_keygen(&ks)) != NULL);
	CHECK_INT(acmekey_jwk(key, a, sizeof(a), jwk, sizeof(jwk)), 0);
	CHECK_STR(a, "RS256");
	CHECK(strncmp(jwk, "{\"e\":\"AQAB\",\"kty\":\"RSA\",\"n\":\"",
	    29) == 0);
	member(jwk, "e", e, sizeof(e));
	CHECK_STR(e, "AQAB");
	member(jwk, "n", n, sizeof(n));
	CHECK_INT(strlen(n), 342);	/* 256 bytes, no leading zero */
	CHECK_INT(acmekey_sign(key, "a.b", 3, sig, sizeof(sig), &len), 0);
	CHECK_INT(len, 256);
	CHECK(verifies(key, "a.b", sig, len));
	CHECK(!verifies(key, "a.c", sig, len));
	/* a JWK that does not fit is refused, never cut */
	CHECK_INT(acmekey_jwk(key, a, sizeof(a), jwk, 100), -1);
	EVP_PKEY_free(key);
}

/* The CSR's DNS SANs, comma-joined, into out. */
static void
csr_sans(X509_REQ *req, char *out, size_t outlen)
{
	STACK_OF(X509_EXTENSION) *exts = X509_REQ_get_extensions(req);
	GENERAL_NAMES	*gens;
	GENERAL_NAME	*g;
	int		 i;

	out[0] = '\0';
	gens = X509V3_get_d2i(exts, NID_subject_alt_name, NULL, NULL);
	for (i = 0; gens != NULL && i < sk_GENERAL_NAME_num(gens); i++) {
		g = sk_GENERAL_NAME_value(gens, i);
		if (g->type != GEN_DNS)
			continue;
		if (out[0] != '\0')
			strlcat(out, ",", outlen);
		strlcat(out, (const char *)ASN1_STRING_get0_data(g->d.dNSName),
		    outlen);
	}
	GENERAL_NAMES_free(gens);
	sk_X509_EXTENSION_pop_free(exts, X509_EXTENSION_free);
}

static void
test_csr(void)
{
	struct pki_keyspec	 ks;
	EVP_PKEY		*key, *pub;
	X509_REQ		*req;
	uint8_t			 der[ACCT_CSR_MAX];
	const unsigned char	*p = der;
	char			 sans[256], cn[80];
	size_t			 len;

	CHECK(pki_keyspec("ecdsa", 0, &ks) == NULL);
	CHECK((key = pki_keygen(&ks)) != NULL);
	CHECK(acmekey_csr(key, "Www.Example.TEST,example.test,*.a.example.test,"
	    "example.test", der, sizeof(der), &len) == NULL);
	CHECK((req = d2i_X509_REQ(NULL, &p, (long)len)) != NULL);
	CHECK_INT(X509_REQ_verify(req, key), 1);
	pub = X509_REQ_get0_pubkey(req);
	CHECK(pub != NULL && EVP_PKEY_eq(pub, key) == 1);
	csr_sans(req, sans, sizeof(sans));
	CHECK_STR(sans, "www.example.test,example.test,*.a.example.test");
	X509_NAME_get_text_by_NID(X509_REQ_get_subject_name(req),
	    NID_commonName, cn, sizeof(cn));
	CHECK_STR(cn, "www.example.test");
	X509_REQ_free(req);

	/* refused: an address, a bad name, none, no room */
	CHECK(acmekey_csr(key, "example.test,192.0.2.1", der, sizeof(der),
	    &len) != NULL);
	CHECK(acmekey_csr(key, "exa mple.test", der, sizeof(der), &len) !=
	    NULL);
	CHECK(acmekey_csr(key, "", der, sizeof(der), &len) != NULL);
	CHECK(acmekey_csr(key, "example.test", der, 16, &len) != NULL);
	CHECK_INT(len, 0);
	EVP_PKEY_free(key);
}

/* A request as taskd writes it, read as authd reads it; -1 if the
 * route refuses it. */
static int
passed(enum ipc_type type, enum proc_id from, const void *in, void *out)
{
	struct ipc_msg	 w, r;
	int		 rc;

	ipc_msg_init(&w, type, 2);
	ipc_msg_put(&w, in);
	if (test_ipc_pass(&w, from, PROC_AUTHD, &r) == -1)
		return -1;
	rc = ipc_msg_get(&r, out);
	ipc_msg_clear(&r);
	return rc;
}

static void
test_sign_sealed(void)
{
	struct ipc_acmeacct_store	*acct;
	struct ipc_acme_sign		*in, *got;
	struct ipc_acme_sign_res	 res;
	struct pki_keyspec		 ks;
	uint8_t				 pem[CERT_KEY_PEM_MAX + 1];
	EVP_PKEY			*key;

	acct = calloc(1, sizeof(*acct));
	in = calloc(1, sizeof(*in));
	got = calloc(1, sizeof(*got));
	CHECK(pki_keyspec("ecdsa-p384", 0, &ks) == NULL);
	CHECK((key = pki_keygen(&ks)) != NULL);
	CHECK_INT(acmeacct_key_make(key, &ks, acct), 0);
	EVP_PKEY_free(key);
	CHECK_STR(acct->acct.key_type, "ecdsa-p384");
	CHECK_INT(strlen(acct->acct.id), 36);
	/* what stored keeps holds no key in the clear */
	CHECK(memmem(acct->sealed, acct->sealed_len, "PRIVATE",
	    7) == NULL);
	CHECK_INT(unseal_bound(ACMEACCT_SEAL_CLASS, "key", acct->acct.id,
	    acct->sealed, acct->sealed_len, (char *)pem, sizeof(pem)), 0);
	CHECK((key = pki_key_read((char *)pem)) != NULL);
	explicit_bzero(pem, sizeof(pem));

	strlcpy(in->id, acct->acct.id, sizeof(in->id));
	memcpy(in->sealed, acct->sealed, acct->sealed_len);
	in->sealed_len = acct->sealed_len;
	memcpy(in->input, "e30.e30", 7);
	in->input_len = 7;
	CHECK_INT(passed(IPC_ACME_SIGN, PROC_TASKD, in, got), 0);
	acme_sign_do(got, &res);
	CHECK_INT(res.head.status, 200);
	CHECK_STR(res.alg, "ES384");
	CHECK(strstr(res.jwk, "\"crv\":\"P-384\"") != NULL);
	CHECK_INT(res.sig_len, 96);
	CHECK(verifies(key, "e30.e30", res.sig, res.sig_len));
	/* no input: the JWK alone */
	got->input_len = 0;
	acme_sign_do(got, &res);
	CHECK_INT(res.head.status, 200);
	CHECK_INT(res.sig_len, 0);
	CHECK(strstr(res.jwk, "\"kty\":\"EC\"") != NULL);

	/* the seal under another id, no seal, a changed byte: refused */
	got->input_len = 7;
	got->id[35] = got->id[35] == '0' ? '1' : '0';
	acme_sign_do(got, &res);
	CHECK_INT(res.head.status, 409);
	CHECK_INT(res.sig_len, 0);
	CHECK_STR(res.jwk, "");
	strlcpy(got->id, "7", sizeof(got->id));
	acme_sign_do(got, &res);
	CHECK_INT(res.head.status, 409);
	strlcpy(got->id, acct->acct.id, sizeof(got->id));
	got->sealed[got->sealed_len - 1] ^= 1;
	acme_sign_do(got, &res);
	CHECK_INT(res.head.status, 409);
	got->sealed[got->sealed_len - 1] ^= 1;
	got->sealed_len = 0;
	acme_sign_do(got, &res);
	CHECK_INT(res.head.status, 409);

	/* only taskd may ask */
	CHECK_INT(passed(IPC_ACME_SIGN, PROC_FRONTD, in, got), -1);
	CHECK_INT(passed(IPC_ACME_SIGN, PROC_STORED, in, got), -1);
	EVP_PKEY_free(key);
	explicit_bzero(acct, sizeof(*acct));
	free(acct);
	free(in);
	free(got);
}

static void
test_csr_sealed(void)
{
	struct ipc_acme_csr		*in, *got;
	struct ipc_acme_csr_res		*res;
	struct pki_keyspec		 ks;
	EVP_PKEY			*key;
	X509_REQ			*req;
	const unsigned char		*p;
	char				 pem[CERT_KEY_PEM_MAX + 1];

	in = calloc(1, sizeof(*in));
	got = calloc(1, sizeof(*got));
	res = calloc(1, sizeof(*res));
	CHECK(pki_keyspec("rsa", 2048, &ks) == NULL);
	CHECK((key = pki_keygen(&ks)) != NULL);
	CHECK_INT(pki_key_pem(key, pem, sizeof(pem)), 0);
	strlcpy(in->id, ID, sizeof(in->id));
	/* as certs.c seals a certificate's key */
	CHECK_INT(seal_bound_into(CERT_SEAL_CLASS, "cert", ID, pem,
	    in->sealed, sizeof(in->sealed), &in->sealed_len), 0);
	explicit_bzero(pem, sizeof(pem));
	strlcpy(in->names, "a.example.test,b.example.test",
	    sizeof(in->names));
	CHECK_INT(passed(IPC_ACME_CSR, PROC_TASKD, in, got), 0);
	acme_csr_do(got, res);
	CHECK_INT(res->head.status, 200);
	p = res->der;
	CHECK((req = d2i_X509_REQ(NULL, &p, (long)res->der_len)) != NULL);
	CHECK_INT(X509_REQ_verify(req, key), 1);
	X509_REQ_free(req);
	/* an account's seal is no certificate's: same id, other kind */
	CHECK_INT(seal_bound_into(ACMEACCT_SEAL_CLASS, "key", ID, "x",
	    got->sealed, sizeof(got->sealed), &got->sealed_len), 0);
	acme_csr_do(got, res);
	CHECK_INT(res->head.status, 409);
	CHECK_INT(res->der_len, 0);
	/* bad names: refused with why */
	memcpy(got, in, sizeof(*got));
	strlcpy(got->names, "192.0.2.1", sizeof(got->names));
	acme_csr_do(got, res);
	CHECK_INT(res->head.status, 409);
	CHECK_INT(passed(IPC_ACME_CSR, PROC_FRONTD, in, got), -1);
	EVP_PKEY_free(key);
	free(in);
	free(got);
	free(res);
}

static void
test_eab(void)
{
	struct ipc_cfg_acme	 b = { 1 };
	struct ipc_cfg_acme_eab	 e;
	struct ipc_acme_eab	 in, got;
	struct ipc_acme_eab_res	 res;
	struct ipc_msg		 w, r;
	uint8_t			 want[32];

	memset(&e, 0, sizeof(e));
	strlcpy(e.name, "zerossl", sizeof(e.name));
	strlcpy(e.kid, "kid-1", sizeof(e.kid));
	strlcpy(e.hmac, "c2VjcmV0LWtleQ", sizeof(e.hmac));	/* secret-key */
	ipc_msg_init(&w, IPC_CFG_ACME_EAB, 0);
	ipc_msg_put(&w, &b);
	ipc_msg_put_item(&w, &e);
	CHECK_INT(test_ipc_pass(&w, PROC_MOATD, PROC_AUTHD, &r), 0);
	CHECK_INT(config_acme_eab(NULL, &r), 0);
	ipc_msg_clear(&r);
	acme_eab_apply();

	memset(&in, 0, sizeof(in));
	strlcpy(in.directory, "zerossl", sizeof(in.directory));
	strlcpy(in.input, "eyJhbGciOiJIUzI1NiJ9.e30", sizeof(in.input));
	CHECK_INT(passed(IPC_ACME_EAB, PROC_TASKD, &in, &got), 0);
	acme_eab_do(&got, &res);
	CHECK_INT(res.head.status, 200);
	CHECK_STR(res.kid, "kid-1");
	hmac_sha256("secret-key", 10, in.input, strlen(in.input), want);
	CHECK_INT(res.mac_len, 32);
	CHECK(memcmp(res.mac, want, 32) == 0);
	strlcpy(got.directory, "other", sizeof(got.directory));
	acme_eab_do(&got, &res);
	CHECK_INT(res.head.status, 409);
	CHECK_INT(res.mac_len, 0);
	CHECK_INT(passed(IPC_ACME_EAB, PROC_FRONTD, &in, &got), -1);
}

/* Every field full: the largest body of each message fits its size. */
static void
fill(char *s, size_t cap)
{
	memset(s, 'a', cap - 1);
	s[cap - 1] = '\0';
}

static int
fits(enum ipc_type type, enum proc_id from, enum proc_id to,
    const void *body)
{
	struct ipc_msg	 w, r;

	ipc_msg_init(&w, type, 1);
	ipc_msg_put(&w, body);
	if (test_ipc_pass(&w, from, to, &r) == -1)
		return 0;
	ipc_msg_clear(&r);
	return 1;
}

static void
full_rec(struct acmeacct_rec *a)
{
	a->oid = a->user_oid = UINT64_MAX;
	a->created_at = INT64_MAX;
	fill(a->id, sizeof(a->id));
	fill(a->email, sizeof(a->email));
	fill(a->directory, sizeof(a->directory));
	fill(a->directory_url, sizeof(a->directory_url));
	fill(a->key_type, sizeof(a->key_type));
	fill(a->status, sizeof(a->status));
	fill(a->account_url, sizeof(a->account_url));
}

static void
test_sizes(void)
{
	union {
		struct ipc_acmeacct_create	c;
		struct ipc_acmeacct_store	s;
		struct ipc_acmeacct_res		r;
		struct ipc_acme_sign		g;
		struct ipc_acme_sign_res	gr;
		struct ipc_acme_csr		q;
		struct ipc_acme_csr_res		qr;
		struct ipc_acme_eab		e;
		struct ipc_acme_eab_res		er;
	}	*u = calloc(1, sizeof(*u));

	u->c.grant_len = GRANT_LEN;
	u->c.access = u->c.dialect = u->c.key_bits = UINT32_MAX;
	fill(u->c.user, sizeof(u->c.user));
	full_rec(&u->c.acct);
	CHECK(fits(IPC_AUTH_ACMEACCT_CREATE, PROC_FRONTD, PROC_AUTHD, &u->c));
	memset(u, 0, sizeof(*u));
	u->s.grant_len = GRANT_LEN;
	fill(u->s.user, sizeof(u->s.user));
	full_rec(&u->s.acct);
	u->s.sealed_len = sizeof(u->s.sealed);
	CHECK(fits(IPC_STORE_ACMEACCT_CREATE, PROC_AUTHD, PROC_STORED, &u->s));
	memset(u, 0, sizeof(*u));
	u->r.head.status = 201;
	fill(u->r.head.message, sizeof(u->r.head.message));
	full_rec(&u->r.acct);
	CHECK(fits(IPC_ACMEACCT_RES, PROC_STORED, PROC_FRONTD, &u->r));
	memset(u, 0, sizeof(*u));
	fill(u->g.id, sizeof(u->g.id));
	u->g.sealed_len = sizeof(u->g.sealed);
	u->g.input_len = sizeof(u->g.input);
	CHECK(fits(IPC_ACME_SIGN, PROC_TASKD, PROC_AUTHD, &u->g));
	memset(u, 0, sizeof(*u));
	u->gr.head.status = 409;
	fill(u->gr.head.message, sizeof(u->gr.head.message));
	fill(u->gr.alg, sizeof(u->gr.alg));
	fill(u->gr.jwk, sizeof(u->gr.jwk));
	u->gr.sig_len = sizeof(u->gr.sig);
	CHECK(fits(IPC_ACME_SIGN_RES, PROC_AUTHD, PROC_TASKD, &u->gr));
	memset(u, 0, sizeof(*u));
	fill(u->q.id, sizeof(u->q.id));
	u->q.sealed_len = sizeof(u->q.sealed);
	fill(u->q.names, sizeof(u->q.names));
	CHECK(fits(IPC_ACME_CSR, PROC_TASKD, PROC_AUTHD, &u->q));
	memset(u, 0, sizeof(*u));
	fill(u->qr.head.message, sizeof(u->qr.head.message));
	u->qr.der_len = sizeof(u->qr.der);
	CHECK(fits(IPC_ACME_CSR_RES, PROC_AUTHD, PROC_TASKD, &u->qr));
	memset(u, 0, sizeof(*u));
	fill(u->e.directory, sizeof(u->e.directory));
	fill(u->e.input, sizeof(u->e.input));
	CHECK(fits(IPC_ACME_EAB, PROC_TASKD, PROC_AUTHD, &u->e));
	memset(u, 0, sizeof(*u));
	fill(u->er.head.message, sizeof(u->er.head.message));
	fill(u->er.kid, sizeof(u->er.kid));
	u->er.mac_len = sizeof(u->er.mac);
	CHECK(fits(IPC_ACME_EAB_RES, PROC_AUTHD, PROC_TASKD, &u->er));
	free(u);
}

int
main(void)
{
	log_procinit("test_acmekey");
	if (crypto_init() != CRYPTO_OK)
		fatalx("crypto_init");
	authd_env = &env;
	arc4random_buf(env.seal_key, sizeof(env.seal_key));
	RUN(test_ec);
	RUN(test_rsa);
	RUN(test_csr);
	RUN(test_sign_sealed);
	RUN(test_csr_sealed);
	RUN(test_eab);
	RUN(test_sizes);
	return (test_report("acmekey"));
}
