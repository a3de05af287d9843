/*
 * Test code only: a local key signs for the ACME engine, as authd will.
 * ECDSA signatures are handed back in DER, as OpenSSL makes them, so
 * that the engine's conversion to R||S is exercised.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "acme_int.h"
#include "probe.h"

static int
sign_cb(void *arg, const void *in, size_t inlen, uint8_t *sig,
    size_t *siglen)
{
	struct probe_key	*k = arg;
	EVP_MD_CTX		*ctx;
	int			 ok;

	if ((ctx = EVP_MD_CTX_new()) == NULL)
		return -1;
	ok = EVP_DigestSignInit(ctx, NULL, k->md, NULL, k->pk) == 1 &&
	    EVP_DigestSign(ctx, sig, siglen, in, inlen) == 1;
	EVP_MD_CTX_free(ctx);
	return ok ? 0 : -1;
}

static char *
bn_b64(EVP_PKEY *pk, const char *param, int width)
{
	BIGNUM		*bn = NULL;
	unsigned char	 buf[1024];
	char		*s = NULL;
	int		 n;

	if (!EVP_PKEY_get_bn_param(pk, param, &bn))
		return NULL;
	n = width > 0 ? width : BN_num_bytes(bn);
	if (n <= (int)sizeof(buf) && BN_bn2binpad(bn, buf, n) == n)
		s = acme_b64url(buf, (size_t)n);
	BN_free(bn);
	return s;
}

static json_t *
make_jwk(EVP_PKEY *pk, const char **alg, const EVP_MD **md)
{
	char	*a = NULL, *b = NULL;
	json_t	*j = NULL;
	int	 bits = EVP_PKEY_get_bits(pk);

	if (EVP_PKEY_get_base_id(pk) == EVP_PKEY_RSA) {
		*alg = "RS256";
		*md = EVP_sha256();
		a = bn_b64(pk, OSSL_PKEY_PARAM_RSA_N, 0);
		b = bn_b64(pk, OSSL_PKEY_PARAM_RSA_E, 0);
		if (a != NULL && b != NULL)
			j = json_pack("{s:s, s:s, s:s}", "kty", "RSA",
			    "n", a, "e", b);
	} else if (EVP_PKEY_get_base_id(pk) == EVP_PKEY_EC) {
		int w = bits == 384 ? 48 : 32;

		*alg = bits == 384 ? "ES384" : "ES256";
		*md = bits == 384 ? EVP_sha384() : EVP_sha256();
		a = bn_b64(pk, OSSL_PKEY_PARAM_EC_PUB_X, w);
		b = bn_b64(pk, OSSL_PKEY_PARAM_EC_PUB_Y, w);
		if (a != NULL && b != NULL)
			j = json_pack("{s:s, s:s, s:s, s:s}", "kty", "EC",
			    "crv", bits == 384 ? "P-384" : "P-256",
			    "x", a, "y", b);
	}
	free(a);
	free(b);
	return j;
}

static EVP_PKEY *
generate(const char *type)
{
	if (strcmp(type, "rsa") == 0)
		return EVP_PKEY_Q_keygen(NULL, NULL, "RSA", (size_t)2048);
	if (strcmp(type, "ec384") == 0)
		return EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-384");
	return EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-256");
}

static int
save_key(EVP_PKEY *pk, const char *path)
{
	FILE	*f;
	int	 ok;

	if ((f = fopen(path, "w")) == NULL)
		return -1;
	ok = PEM_write_PrivateKey(f, pk, NULL, NULL, 0, NULL, NULL);
	return fclose(f) == 0 && ok ? 0 : -1;
}

int
probe_key_load(struct probe_key *k, const char *path, const char *type)
{
	FILE	*f;

	memset(k, 0, sizeof(*k));
	if ((f = fopen(path, "r")) != NULL) {
		k->pk = PEM_read_PrivateKey(f, NULL, NULL, NULL);
		fclose(f);
	} else if ((k->pk = generate(type)) != NULL &&
	    save_key(k->pk, path) == -1) {
		EVP_PKEY_free(k->pk);
		k->pk = NULL;
	}
	if (k->pk == NULL)
		return -1;
	if ((k->sg.jwk = make_jwk(k->pk, &k->sg.alg, &k->md)) == NULL) {
		EVP_PKEY_free(k->pk);
		return -1;
	}
	k->sg.sign = sign_cb;
	k->sg.arg = k;
	return 0;
}

void
probe_key_free(struct probe_key *k)
{
	json_decref(k->sg.jwk);
	EVP_PKEY_free(k->pk);
	memset(k, 0, sizeof(*k));
}

static int
add_sans(X509_REQ *req, const char *const *names, size_t n)
{
	STACK_OF(X509_EXTENSION)	*exts;
	X509_EXTENSION			*ext;
	char				 san[4096] = "";
	size_t				 i;
	int				 ok;

	for (i = 0; i < n; i++) {
		if (i > 0)
			strlcat(san, ",", sizeof(san));
		strlcat(san, "DNS:", sizeof(san));
		if (strlcat(san, names[i], sizeof(san)) >= sizeof(san))
			return -1;
	}
	ext = X509V3_EXT_conf_nid(NULL, NULL, NID_subject_alt_name, san);
	if (ext == NULL || (exts = sk_X509_EXTENSION_new_null()) == NULL)
		return -1;
	sk_X509_EXTENSION_push(exts, ext);
	ok = X509_REQ_add_extensions(req, exts);
	sk_X509_EXTENSION_pop_free(exts, X509_EXTENSION_free);
	return ok ? 0 : -1;
}

int
probe_csr(const char *const *names, size_t n, const char *keyout,
    uint8_t **der, size_t *len)
{
	EVP_PKEY	*pk;
	X509_REQ	*req;
	X509_NAME	*nm;
	unsigned char	*p = NULL;
	int		 dl = -1;

	if ((pk = generate("ec256")) == NULL)
		return -1;
	if ((req = X509_REQ_new()) != NULL &&
	    (nm = X509_REQ_get_subject_name(req)) != NULL &&
	    X509_NAME_add_entry_by_txt(nm, "CN", MBSTRING_ASC,
	    (const unsigned char *)names[0], -1, -1, 0) &&
	    add_sans(req, names, n) == 0 &&
	    X509_REQ_set_pubkey(req, pk) &&
	    X509_REQ_sign(req, pk, EVP_sha256()) > 0 &&
	    save_key(pk, keyout) == 0)
		dl = i2d_X509_REQ(req, &p);
	X509_REQ_free(req);
	EVP_PKEY_free(pk);
	if (dl <= 0)
		return -1;
	*der = p;
	*len = (size_t)dl;
	return 0;
}
