/*
 * Sealing secrets at rest (see crypto.h): AES-256-GCM under the "seal"
 * subkey, bound to the class, object and field the secret belongs to.
 */

#include <stdint.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>

#include "crypto.h"
#include "crypto_local.h"

#define SEAL_AAD_MAX	(5 + 4 + SEAL_NAME_MAX + 8 + 4 + SEAL_NAME_MAX)

static void
put_be32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

static uint32_t
get_be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	    (uint32_t)p[2] << 8 | p[3];
}

static void
put_be64(uint8_t *p, uint64_t v)
{
	put_be32(p, (uint32_t)(v >> 32));
	put_be32(p + 4, (uint32_t)v);
}

/*
 * The AAD: the 5 header bytes (format and key version), then class,
 * object id and field, each string prefixed by its length so that no
 * two bindings share an encoding.  Returns its length, 0 if a name is
 * empty or too long.
 */
static size_t
seal_aad(const uint8_t header[5], const char *class, uint64_t object_id,
    const char *field, uint8_t aad[SEAL_AAD_MAX])
{
	size_t classlen, fieldlen, n = 0;

	if ((classlen = crypto_bounded_len(class, SEAL_NAME_MAX)) == 0 ||
	    (fieldlen = crypto_bounded_len(field, SEAL_NAME_MAX)) == 0)
		return 0;
	memcpy(aad, header, 5);
	n += 5;
	put_be32(aad + n, (uint32_t)classlen);
	n += 4;
	memcpy(aad + n, class, classlen);
	n += classlen;
	put_be64(aad + n, object_id);
	n += 8;
	put_be32(aad + n, (uint32_t)fieldlen);
	n += 4;
	memcpy(aad + n, field, fieldlen);
	n += fieldlen;
	return n;
}

/* AES-256-GCM over in into out, with the tag to or from tag. */
static int
gcm_run(int enc, const uint8_t key[CRYPTO_KEY_LEN], const uint8_t *nonce,
    const uint8_t *aad, size_t aadlen, const uint8_t *in, size_t len,
    uint8_t *out, uint8_t tag[SEAL_TAG_LEN])
{
	EVP_CIPHER_CTX *ctx;
	uint8_t last[16];	/* GCM writes nothing at the end */
	int ok, n;

	if ((ctx = EVP_CIPHER_CTX_new()) == NULL)
		return CRYPTO_EINTERNAL;
	ok = EVP_CipherInit_ex2(ctx, crypto_algs.gcm, key, nonce, enc,
	    NULL) == 1 &&
	    EVP_CipherUpdate(ctx, NULL, &n, aad, (int)aadlen) == 1;
	if (ok && len > 0)
		ok = EVP_CipherUpdate(ctx, out, &n, in, (int)len) == 1 &&
		    (size_t)n == len;
	if (ok && !enc)
		ok = EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_AEAD_SET_TAG,
		    SEAL_TAG_LEN, tag) == 1;
	if (ok) {
		/* on decryption, this is where a wrong tag shows */
		if (EVP_CipherFinal_ex(ctx, last, &n) != 1 || n != 0) {
			EVP_CIPHER_CTX_free(ctx);
			return enc ? CRYPTO_EINTERNAL : CRYPTO_EBADSIG;
		}
	}
	if (ok && enc)
		ok = EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_AEAD_GET_TAG,
		    SEAL_TAG_LEN, tag) == 1;
	EVP_CIPHER_CTX_free(ctx);
	return ok ? CRYPTO_OK : CRYPTO_EINTERNAL;
}

int
seal(const uint8_t key[CRYPTO_KEY_LEN], uint32_t key_version,
    const char *class, uint64_t object_id, const char *field,
    const void *plain, size_t plainlen, uint8_t *out, size_t outcap,
    size_t *outlen)
{
	uint8_t aad[SEAL_AAD_MAX];
	size_t aadlen;
	int ret;

	if (!crypto_algs.ready)
		return CRYPTO_EINTERNAL;
	if (key == NULL || out == NULL || outlen == NULL ||
	    (plain == NULL && plainlen != 0) || plainlen > SEAL_MAX_PLAIN)
		return CRYPTO_EMALFORMED;
	*outlen = 0;
	if (outcap < SEAL_LEN(plainlen))
		return CRYPTO_ESPACE;
	out[0] = SEAL_FORMAT;
	put_be32(out + 1, key_version);
	if ((aadlen = seal_aad(out, class, object_id, field, aad)) == 0)
		return CRYPTO_EMALFORMED;
	if ((ret = crypto_random(out + 5, SEAL_NONCE_LEN)) != CRYPTO_OK)
		return ret;
	ret = gcm_run(1, key, out + 5, aad, aadlen, plain, plainlen,
	    out + SEAL_HEADER_LEN, out + SEAL_HEADER_LEN + plainlen);
	if (ret != CRYPTO_OK) {
		OPENSSL_cleanse(out, SEAL_LEN(plainlen));
		return ret;
	}
	*outlen = SEAL_LEN(plainlen);
	return CRYPTO_OK;
}

int
seal_key_version(const uint8_t *sealed, size_t sealedlen,
    uint32_t *key_version)
{
	if (sealed == NULL || key_version == NULL ||
	    sealedlen < SEAL_OVERHEAD ||
	    sealedlen - SEAL_OVERHEAD > SEAL_MAX_PLAIN ||
	    sealed[0] != SEAL_FORMAT)
		return CRYPTO_EMALFORMED;
	*key_version = get_be32(sealed + 1);
	return CRYPTO_OK;
}

int
unseal(const uint8_t key[CRYPTO_KEY_LEN], const char *class,
    uint64_t object_id, const char *field, const uint8_t *sealed,
    size_t sealedlen, uint8_t *out, size_t outcap, size_t *outlen,
    uint32_t *key_version)
{
	uint8_t aad[SEAL_AAD_MAX], tag[SEAL_TAG_LEN];
	size_t aadlen, len;
	uint32_t kv;
	int ret;

	if (!crypto_algs.ready)
		return CRYPTO_EINTERNAL;
	if (key == NULL || outlen == NULL)
		return CRYPTO_EMALFORMED;
	*outlen = 0;
	if ((ret = seal_key_version(sealed, sealedlen, &kv)) != CRYPTO_OK)
		return ret;
	len = sealedlen - SEAL_OVERHEAD;
	if (outcap < len)
		return CRYPTO_ESPACE;
	if (out == NULL && len != 0)
		return CRYPTO_EMALFORMED;
	if ((aadlen = seal_aad(sealed, class, object_id, field, aad)) == 0)
		return CRYPTO_EMALFORMED;
	/* OpenSSL wants a writable tag */
	memcpy(tag, sealed + SEAL_HEADER_LEN + len, SEAL_TAG_LEN);
	ret = gcm_run(0, key, sealed + 5, aad, aadlen, sealed + SEAL_HEADER_LEN,
	    len, out, tag);
	if (ret != CRYPTO_OK) {
		/* GCM decrypts before it checks: unauthenticated bytes */
		if (len > 0)
			OPENSSL_cleanse(out, len);
		return ret;
	}
	*outlen = len;
	if (key_version != NULL)
		*key_version = kv;
	return CRYPTO_OK;
}
