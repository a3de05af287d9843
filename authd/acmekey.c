/*
 * An ACME key's public JWK, its JWS signatures and a certificate's CSR
 * (acmekey.h).  The keys are those pki.c makes: ECDSA P-256 or P-384,
 * RSA of 2048 to 4096 bits.
 */
#include <stdio.h>
#include <string.h>

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/ecdsa.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "acmekey.h"
#include "crypto.h"
#include "pki.h"

#define PARAM_MAX	512	/* an RSA-4096 modulus */

/* A big number parameter of key, big-endian in width bytes (0: its
 * own); its base64url into out.  0 or -1. */
static int
param_b64(EVP_PKEY *key, const char *name, int width, char *out,
    size_t outlen)
{
	BIGNUM		*bn = NULL;
	uint8_t		 buf[PARAM_MAX];
	size_t		 n;
	int		 len, rc = -1;

	if (EVP_PKEY_get_bn_param(key, name, &bn) != 1)
		return -1;
	len = width != 0 ? width : BN_num_bytes(bn);
	if (len > 0 && len <= PARAM_MAX &&
	    BN_bn2binpad(bn, buf, len) == len &&
	    b64url_encode(buf, (size_t)len, out, outlen, &n) == 0)
		rc = 0;
	BN_free(bn);
	return rc;
}

/* The curve's size in bytes and its JWS names, or 0. */
static int
curve_of(EVP_PKEY *key, const char **alg, const char **crv)
{
	switch (EVP_PKEY_is_a(key, "EC") ? EVP_PKEY_get_bits(key) : 0) {
	case 256:
		*alg = "ES256", *crv = "P-256";
		return 32;
	case 384:
		*alg = "ES384", *crv = "P-384";
		return 48;
	default:
		return 0;
	}
}

int
acmekey_jwk(EVP_PKEY *key, char *alg, size_t alglen, char *jwk,
    size_t jwklen)
{
	char		 a[B64URL_LEN(PARAM_MAX) + 1];
	char		 b[B64URL_LEN(PARAM_MAX) + 1];
	const char	*name, *crv;
	int		 w, n;

	if (EVP_PKEY_is_a(key, "RSA")) {
		if (EVP_PKEY_get_bits(key) < 2048 ||
		    param_b64(key, OSSL_PKEY_PARAM_RSA_E, 0, a,
		    sizeof(a)) == -1 ||
		    param_b64(key, OSSL_PKEY_PARAM_RSA_N, 0, b,
		    sizeof(b)) == -1)
			return -1;
		name = "RS256";
		n = snprintf(jwk, jwklen, "{\"e\":\"%s\",\"kty\":\"RSA\","
		    "\"n\":\"%s\"}", a, b);
	} else {
		if ((w = curve_of(key, &name, &crv)) == 0 ||
		    param_b64(key, OSSL_PKEY_PARAM_EC_PUB_X, w, a,
		    sizeof(a)) == -1 ||
		    param_b64(key, OSSL_PKEY_PARAM_EC_PUB_Y, w, b,
		    sizeof(b)) == -1)
			return -1;
		n = snprintf(jwk, jwklen, "{\"crv\":\"%s\",\"kty\":\"EC\","
		    "\"x\":\"%s\",\"y\":\"%s\"}", crv, a, b);
	}
	if (n < 0 || (size_t)n >= jwklen ||
	    strlcpy(alg, name, alglen) >= alglen)
		return -1;
	return 0;
}

/* An ECDSA signature in DER into JWS's R||S of 2 * w bytes. */
static int
der_to_raw(const uint8_t *der, size_t derlen, int w, uint8_t *sig,
    size_t sigcap, size_t *siglen)
{
	const unsigned char	*p = der;
	ECDSA_SIG		*es;
	const BIGNUM		*r, *s;
	int			 rc = -1;

	if ((size_t)w * 2 > sigcap ||
	    (es = d2i_ECDSA_SIG(NULL, &p, (long)derlen)) == NULL)
		return -1;
	ECDSA_SIG_get0(es, &r, &s);
	if (BN_bn2binpad(r, sig, w) == w && BN_bn2binpad(s, sig + w, w) == w) {
		*siglen = (size_t)w * 2;
		rc = 0;
	}
	ECDSA_SIG_free(es);
	return rc;
}

int
acmekey_sign(EVP_PKEY *key, const void *in, size_t inlen, uint8_t *sig,
    size_t sigcap, size_t *siglen)
{
	EVP_MD_CTX	*ctx;
	const char	*alg, *crv;
	uint8_t		 der[PARAM_MAX + 16];
	size_t		 n = sizeof(der);
	int		 w = 0, ok;

	*siglen = 0;
	if (!EVP_PKEY_is_a(key, "RSA") && (w = curve_of(key, &alg,
	    &crv)) == 0)
		return -1;
	if ((ctx = EVP_MD_CTX_new()) == NULL)
		return -1;
	ok = EVP_DigestSignInit(ctx, NULL, w == 48 ? EVP_sha384() :
	    EVP_sha256(), NULL, key) == 1 &&
	    EVP_DigestSign(ctx, der, &n, in, inlen) == 1;
	EVP_MD_CTX_free(ctx);
	if (!ok)
		return -1;
	if (w != 0)
		return der_to_raw(der, n, w, sig, sigcap, siglen);
	if (n > sigcap)
		return -1;
	memcpy(sig, der, n);
	*siglen = n;
	return 0;
}

/* The SANs of the checked, comma-joined names: DNS names alone. */
static GENERAL_NAMES *
sans_of(const char *names)
{
	GENERAL_NAMES		*gens;
	GENERAL_NAME		*g;
	ASN1_IA5STRING		*s;
	const char		*p, *e;

	if ((gens = GENERAL_NAMES_new()) == NULL)
		return NULL;
	for (p = names; *p != '\0'; p = *e == ',' ? e + 1 : e) {
		e = p + strcspn(p, ",");
		if ((g = GENERAL_NAME_new()) == NULL ||
		    (s = ASN1_IA5STRING_new()) == NULL ||
		    ASN1_STRING_set(s, p, (int)(e - p)) != 1) {
			GENERAL_NAME_free(g);
			GENERAL_NAMES_free(gens);
			return NULL;
		}
		GENERAL_NAME_set0_value(g, GEN_DNS, s);
		if (sk_GENERAL_NAME_push(gens, g) == 0) {
			GENERAL_NAME_free(g);
			GENERAL_NAMES_free(gens);
			return NULL;
		}
	}
	return gens;
}

/* The request of key for names (checked), signed; NULL on failure. */
static X509_REQ *
req_make(EVP_PKEY *key, const char *names)
{
	X509_REQ			*req;
	X509_NAME			*subj;
	GENERAL_NAMES			*gens;
	STACK_OF(X509_EXTENSION)	*exts = NULL;
	size_t				 first = strcspn(names, ",");
	int				 ok;

	if ((req = X509_REQ_new()) == NULL)
		return NULL;
	subj = X509_REQ_get_subject_name(req);
	gens = sans_of(names);
	ok = gens != NULL && X509_REQ_set_version(req, 0) == 1 &&
	    X509_REQ_set_pubkey(req, key) == 1 &&
	    (first > 64 || X509_NAME_add_entry_by_txt(subj, "CN",
	    MBSTRING_ASC, (const unsigned char *)names, (int)first, -1,
	    0) == 1) &&
	    X509V3_add1_i2d(&exts, NID_subject_alt_name, gens, 0, 0) == 1 &&
	    X509_REQ_add_extensions(req, exts) == 1 &&
	    X509_REQ_sign(req, key, EVP_sha256()) > 0;
	GENERAL_NAMES_free(gens);
	sk_X509_EXTENSION_pop_free(exts, X509_EXTENSION_free);
	if (!ok) {
		X509_REQ_free(req);
		return NULL;
	}
	return req;
}

/* 1 when one of the checked names is an IP address (no dot-less DNS). */
static int
has_address(const char *names)
{
	const char	*p, *e;
	char		 one[PKI_NAME_MAX + 1];
	ASN1_OCTET_STRING *ip;

	for (p = names; *p != '\0'; p = *e == ',' ? e + 1 : e) {
		e = p + strcspn(p, ",");
		snprintf(one, sizeof(one), "%.*s", (int)(e - p), p);
		if ((ip = a2i_IPADDRESS(one)) != NULL) {
			ASN1_OCTET_STRING_free(ip);
			return 1;
		}
	}
	return 0;
}

const char *
acmekey_csr(EVP_PKEY *key, const char *names, uint8_t *der, size_t dercap,
    size_t *derlen)
{
	X509_REQ	*req;
	char		 checked[PKI_NAMES_MAX * (PKI_NAME_MAX + 1)];
	unsigned char	*p = der;
	const char	*why;
	int		 n, len;

	*derlen = 0;
	if ((why = pki_names_check(names, checked, sizeof(checked),
	    &n)) != NULL)
		return why;
	if (has_address(checked))
		return "an ACME certificate names DNS names only";
	if ((req = req_make(key, checked)) == NULL)
		return "cannot make the CSR";
	len = i2d_X509_REQ(req, NULL);
	if (len <= 0 || (size_t)len > dercap) {
		X509_REQ_free(req);
		return "the CSR is too large";
	}
	i2d_X509_REQ(req, &p);
	*derlen = (size_t)len;
	X509_REQ_free(req);
	return NULL;
}
