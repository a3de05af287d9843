/*
 * The ground of authd's cryptography (see crypto.h): the algorithms
 * fetched once, random bytes, HKDF and HMAC-SHA256.  The building blocks
 * made of them each have a file: base64.c, seal.c, token.c, jwt.c,
 * sigv2.c and wgkey.c; crypto_local.h is what they share.  Nothing here
 * logs: a failure is a code, and the caller decides what to say.
 */

#include <sys/random.h>

#include <errno.h>
#include <stdint.h>
#include <string.h>

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/kdf.h>
#include <openssl/params.h>

#include "crypto.h"
#include "crypto_local.h"

struct crypto_algs	 crypto_algs;

#define HKDF_MAX_OUT	(255 * 32)
#define MAC_KEY_MAX	1024
#define DERIVE_LABEL_MAX 64

const char *
crypto_strerror(int code)
{
	switch (code) {
	case CRYPTO_OK:
		return "ok";
	case CRYPTO_EMALFORMED:
		return "malformed";
	case CRYPTO_EBADSIG:
		return "bad signature";
	case CRYPTO_EEXPIRED:
		return "expired";
	case CRYPTO_ESPACE:
		return "no space";
	case CRYPTO_EINTERNAL:
		return "internal error";
	}
	return "unknown error";
}

int
crypto_init(void)
{
	if (crypto_algs.ready)
		return CRYPTO_OK;
	crypto_algs.hmac = EVP_MAC_fetch(NULL, "HMAC", NULL);
	crypto_algs.sha256 = EVP_MD_fetch(NULL, "SHA256", NULL);
	crypto_algs.gcm = EVP_CIPHER_fetch(NULL, "AES-256-GCM", NULL);
	crypto_algs.hkdf = EVP_KDF_fetch(NULL, "HKDF", NULL);
	if (crypto_algs.hmac == NULL || crypto_algs.sha256 == NULL ||
	    crypto_algs.gcm == NULL || crypto_algs.hkdf == NULL) {
		crypto_cleanup();
		return CRYPTO_EINTERNAL;
	}
	crypto_algs.ready = 1;
	return CRYPTO_OK;
}

void
crypto_cleanup(void)
{
	crypto_algs.ready = 0;
	EVP_MAC_free(crypto_algs.hmac);
	EVP_MD_free(crypto_algs.sha256);
	EVP_CIPHER_free(crypto_algs.gcm);
	EVP_KDF_free(crypto_algs.hkdf);
	crypto_algs.hmac = NULL;
	crypto_algs.sha256 = NULL;
	crypto_algs.gcm = NULL;
	crypto_algs.hkdf = NULL;
}

/*
 * The kernel's CSPRNG directly: nonces and token secrets need no state
 * of ours, and getrandom(2) is allowed in every sandbox.
 */
int
crypto_random(void *buf, size_t len)
{
	uint8_t *p = buf;
	ssize_t n;

	while (len > 0) {
		n = getrandom(p, len, 0);
		if (n == -1) {
			if (errno == EINTR)
				continue;
			return CRYPTO_EINTERNAL;
		}
		p += n;
		len -= (size_t)n;
	}
	return CRYPTO_OK;
}

/* The length of s if it is 1 to max bytes, else 0. */
size_t
crypto_bounded_len(const char *s, size_t max)
{
	size_t n;

	if (s == NULL)
		return 0;
	n = strnlen(s, max + 1);
	return n > max ? 0 : n;
}

/*
 * HKDF
 */

int
crypto_hkdf(const uint8_t *ikm, size_t ikmlen, const uint8_t *salt,
    size_t saltlen, const uint8_t *info, size_t infolen, uint8_t *out,
    size_t outlen)
{
	OSSL_PARAM params[5], *p = params;
	EVP_KDF_CTX *kctx;
	int ret;

	if (!crypto_algs.ready)
		return CRYPTO_EINTERNAL;
	if (ikm == NULL || ikmlen == 0 || out == NULL || outlen == 0 ||
	    outlen > HKDF_MAX_OUT || (salt == NULL && saltlen != 0) ||
	    (info == NULL && infolen != 0))
		return CRYPTO_EMALFORMED;
	*p++ = OSSL_PARAM_construct_utf8_string(OSSL_KDF_PARAM_DIGEST,
	    (char *)"SHA256", 0);
	*p++ = OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_KEY,
	    (void *)ikm, ikmlen);
	/* An absent salt is HashLen zeros (RFC 5869 2.2), as HMAC pads. */
	if (saltlen > 0)
		*p++ = OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_SALT,
		    (void *)salt, saltlen);
	if (infolen > 0)
		*p++ = OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_INFO,
		    (void *)info, infolen);
	*p = OSSL_PARAM_construct_end();

	if ((kctx = EVP_KDF_CTX_new(crypto_algs.hkdf)) == NULL)
		return CRYPTO_EINTERNAL;
	ret = EVP_KDF_derive(kctx, out, outlen, params) == 1 ?
	    CRYPTO_OK : CRYPTO_EINTERNAL;
	EVP_KDF_CTX_free(kctx);
	if (ret != CRYPTO_OK)
		OPENSSL_cleanse(out, outlen);
	return ret;
}

int
crypto_derive(const uint8_t *master, size_t masterlen, const char *label,
    uint8_t out[CRYPTO_KEY_LEN])
{
	size_t labellen;

	if (out == NULL)
		return CRYPTO_EMALFORMED;
	OPENSSL_cleanse(out, CRYPTO_KEY_LEN);
	if (master == NULL || masterlen != CRYPTO_KEY_LEN)
		return CRYPTO_EMALFORMED;
	if ((labellen = crypto_bounded_len(label, DERIVE_LABEL_MAX)) == 0)
		return CRYPTO_EMALFORMED;
	return crypto_hkdf(master, masterlen, (const uint8_t *)CRYPTO_SALT,
	    sizeof(CRYPTO_SALT) - 1, (const uint8_t *)label, labellen, out,
	    CRYPTO_KEY_LEN);
}

/*
 * HMAC-SHA256
 */

int
crypto_hmac_parts(const uint8_t *key, size_t keylen,
    const struct mac_part *parts, size_t nparts, uint8_t out[CRYPTO_MAC_LEN])
{
	OSSL_PARAM params[2];
	EVP_MAC_CTX *ctx;
	size_t i, outl = 0;
	int ok;

	if (!crypto_algs.ready)
		return CRYPTO_EINTERNAL;
	if (key == NULL || keylen == 0 || keylen > MAC_KEY_MAX)
		return CRYPTO_EMALFORMED;
	params[0] = OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST,
	    (char *)"SHA256", 0);
	params[1] = OSSL_PARAM_construct_end();
	if ((ctx = EVP_MAC_CTX_new(crypto_algs.hmac)) == NULL)
		return CRYPTO_EINTERNAL;
	ok = EVP_MAC_init(ctx, key, keylen, params) == 1;
	for (i = 0; ok && i < nparts; i++)
		if (parts[i].len > 0)
			ok = EVP_MAC_update(ctx, parts[i].p, parts[i].len) == 1;
	if (ok)
		ok = EVP_MAC_final(ctx, out, &outl, CRYPTO_MAC_LEN) == 1 &&
		    outl == CRYPTO_MAC_LEN;
	EVP_MAC_CTX_free(ctx);
	if (!ok) {
		OPENSSL_cleanse(out, CRYPTO_MAC_LEN);
		return CRYPTO_EINTERNAL;
	}
	return CRYPTO_OK;
}

int
crypto_hmac_sha256(const uint8_t *key, size_t keylen, const void *data,
    size_t datalen, uint8_t out[CRYPTO_MAC_LEN])
{
	struct mac_part part = { data, datalen };

	if (out == NULL || (data == NULL && datalen != 0))
		return CRYPTO_EMALFORMED;
	return crypto_hmac_parts(key, keylen, &part, 1, out);
}
