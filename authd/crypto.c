/*
 * The cryptographic building blocks of authd (see crypto.h).  Nothing
 * here logs: a failure is a code, and the caller decides what to say.
 *
 * Order of checks, everywhere: shape and bounds first (cheap, public),
 * then the MAC or tag, and only then anything that interprets the
 * authenticated bytes, so that an attacker without the key reaches no
 * JSON parser at all.
 */

#include <sys/random.h>

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/kdf.h>
#include <openssl/params.h>

#include "crypto.h"

/* What crypto_init() fetched; NULL until then. */
static EVP_MAC		*hmac_alg;
static EVP_MD		*sha256_alg;
static EVP_CIPHER	*gcm_alg;
static EVP_KDF		*hkdf_alg;
static int		 crypto_ready;

/* One piece of a message that is MACed in several parts. */
struct part {
	const void	*p;
	size_t		 len;
};

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
	if (crypto_ready)
		return CRYPTO_OK;
	hmac_alg = EVP_MAC_fetch(NULL, "HMAC", NULL);
	sha256_alg = EVP_MD_fetch(NULL, "SHA256", NULL);
	gcm_alg = EVP_CIPHER_fetch(NULL, "AES-256-GCM", NULL);
	hkdf_alg = EVP_KDF_fetch(NULL, "HKDF", NULL);
	if (hmac_alg == NULL || sha256_alg == NULL || gcm_alg == NULL ||
	    hkdf_alg == NULL) {
		crypto_cleanup();
		return CRYPTO_EINTERNAL;
	}
	crypto_ready = 1;
	return CRYPTO_OK;
}

void
crypto_cleanup(void)
{
	crypto_ready = 0;
	EVP_MAC_free(hmac_alg);
	EVP_MD_free(sha256_alg);
	EVP_CIPHER_free(gcm_alg);
	EVP_KDF_free(hkdf_alg);
	hmac_alg = NULL;
	sha256_alg = NULL;
	gcm_alg = NULL;
	hkdf_alg = NULL;
}

/*
 * The kernel's CSPRNG directly: nonces and token secrets need no state
 * of ours, and getrandom(2) is allowed in every sandbox.
 */
static int
random_fill(void *buf, size_t len)
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
static size_t
bounded_len(const char *s, size_t max)
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

	if (!crypto_ready)
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

	if ((kctx = EVP_KDF_CTX_new(hkdf_alg)) == NULL)
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
	if ((labellen = bounded_len(label, DERIVE_LABEL_MAX)) == 0)
		return CRYPTO_EMALFORMED;
	return crypto_hkdf(master, masterlen, (const uint8_t *)CRYPTO_SALT,
	    sizeof(CRYPTO_SALT) - 1, (const uint8_t *)label, labellen, out,
	    CRYPTO_KEY_LEN);
}

/*
 * HMAC-SHA256
 */

static int
hmac_parts(const uint8_t *key, size_t keylen, const struct part *parts,
    size_t nparts, uint8_t out[CRYPTO_MAC_LEN])
{
	OSSL_PARAM params[2];
	EVP_MAC_CTX *ctx;
	size_t i, outl = 0;
	int ok;

	if (!crypto_ready)
		return CRYPTO_EINTERNAL;
	if (key == NULL || keylen == 0 || keylen > MAC_KEY_MAX)
		return CRYPTO_EMALFORMED;
	params[0] = OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST,
	    (char *)"SHA256", 0);
	params[1] = OSSL_PARAM_construct_end();
	if ((ctx = EVP_MAC_CTX_new(hmac_alg)) == NULL)
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
	struct part part = { data, datalen };

	if (out == NULL || (data == NULL && datalen != 0))
		return CRYPTO_EMALFORMED;
	return hmac_parts(key, keylen, &part, 1, out);
}

/*
 * Base64, without secret-dependent table look-ups or branches: the
 * character classes are computed with masks (the technique of
 * libsodium's codecs.c).  The masks below take values 0 to 255.
 */

#define CT_EQ(x, y)	((((0U - ((unsigned)(x) ^ (unsigned)(y))) >> 8) & \
			    0xFF) ^ 0xFF)
#define CT_GT(x, y)	((((unsigned)(y) - (unsigned)(x)) >> 8) & 0xFF)
#define CT_GE(x, y)	(CT_GT(y, x) ^ 0xFF)
#define CT_LT(x, y)	CT_GT(y, x)
#define CT_LE(x, y)	CT_GE(y, x)

/* 6 bits to a character; url selects "-_" over "+/". */
static char
b64_char(unsigned x, int url)
{
	unsigned c62 = url ? '-' : '+', c63 = url ? '_' : '/';

	return (char)((CT_LT(x, 26) & (x + 'A')) |
	    (CT_GE(x, 26) & CT_LT(x, 52) & (x + ('a' - 26))) |
	    (CT_GE(x, 52) & CT_LT(x, 62) & (x - (52 - '0'))) |
	    (CT_EQ(x, 62) & c62) | (CT_EQ(x, 63) & c63));
}

/* A base64url character to its 6 bits, or 0xFF if it is not one. */
static unsigned
b64url_value(unsigned char ch)
{
	unsigned c = ch, x;

	x = (CT_GE(c, 'A') & CT_LE(c, 'Z') & (c - 'A')) |
	    (CT_GE(c, 'a') & CT_LE(c, 'z') & (c - ('a' - 26))) |
	    (CT_GE(c, '0') & CT_LE(c, '9') & (c + (52 - '0'))) |
	    (CT_EQ(c, '-') & 62) | (CT_EQ(c, '_') & 63);
	/* 0 is 'A' or no match; only 'A' may map to 0 */
	return x | (CT_EQ(x, 0) & (CT_EQ(c, 'A') ^ 0xFF));
}

/* Encodes into out, which the caller has sized; returns the length. */
static size_t
b64_write(const uint8_t *in, size_t inlen, char *out, int url, int pad)
{
	size_t i, o = 0;
	unsigned v;

	for (i = 0; i + 3 <= inlen; i += 3) {
		v = (unsigned)in[i] << 16 | (unsigned)in[i + 1] << 8 |
		    in[i + 2];
		out[o++] = b64_char(v >> 18, url);
		out[o++] = b64_char((v >> 12) & 0x3F, url);
		out[o++] = b64_char((v >> 6) & 0x3F, url);
		out[o++] = b64_char(v & 0x3F, url);
	}
	if (inlen - i == 1) {
		v = (unsigned)in[i] << 16;
		out[o++] = b64_char(v >> 18, url);
		out[o++] = b64_char((v >> 12) & 0x3F, url);
		if (pad) {
			out[o++] = '=';
			out[o++] = '=';
		}
	} else if (inlen - i == 2) {
		v = (unsigned)in[i] << 16 | (unsigned)in[i + 1] << 8;
		out[o++] = b64_char(v >> 18, url);
		out[o++] = b64_char((v >> 12) & 0x3F, url);
		out[o++] = b64_char((v >> 6) & 0x3F, url);
		if (pad)
			out[o++] = '=';
	}
	out[o] = '\0';
	return o;
}

static int
b64_encode_common(const void *in, size_t inlen, char *out, size_t outcap,
    size_t *outlen, int url)
{
	size_t need;

	if ((in == NULL && inlen != 0) || out == NULL || outlen == NULL)
		return CRYPTO_EMALFORMED;
	/* bounded so that the length arithmetic cannot wrap */
	if (inlen > SIZE_MAX / 2)
		return CRYPTO_EMALFORMED;
	need = (url ? B64URL_LEN(inlen) : B64_LEN(inlen)) + 1;
	if (outcap < need)
		return CRYPTO_ESPACE;
	*outlen = b64_write(in, inlen, out, url, !url);
	return CRYPTO_OK;
}

int
b64url_encode(const void *in, size_t inlen, char *out, size_t outcap,
    size_t *outlen)
{
	return b64_encode_common(in, inlen, out, outcap, outlen, 1);
}

int
b64_encode(const void *in, size_t inlen, char *out, size_t outcap,
    size_t *outlen)
{
	return b64_encode_common(in, inlen, out, outcap, outlen, 0);
}

int
b64url_decode_strict(const char *in, size_t inlen, uint8_t *out,
    size_t outcap, size_t *outlen)
{
	size_t i, o = 0;
	unsigned acc = 0, bits = 0, v;

	if ((in == NULL && inlen != 0) || outlen == NULL ||
	    (out == NULL && outcap != 0))
		return CRYPTO_EMALFORMED;
	*outlen = 0;
	/* one character carries 6 bits, never a whole byte */
	if (inlen % 4 == 1)
		return CRYPTO_EMALFORMED;
	if (outcap < inlen / 4 * 3 + (inlen % 4 == 0 ? 0 : inlen % 4 - 1))
		return CRYPTO_ESPACE;
	for (i = 0; i < inlen; i++) {
		if ((v = b64url_value((unsigned char)in[i])) == 0xFF)
			goto bad;
		acc = (acc << 6 | v) & 0xFFF;
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			out[o++] = (uint8_t)(acc >> bits);
			acc &= (1U << bits) - 1;
		}
	}
	/* canonical: the bits past the last byte are zero */
	if (acc != 0)
		goto bad;
	*outlen = o;
	return CRYPTO_OK;
 bad:
	if (o > 0)
		OPENSSL_cleanse(out, o);
	return CRYPTO_EMALFORMED;
}

/* Decodes exactly want bytes from inlen characters, strictly. */
static int
b64url_decode_exact(const char *in, size_t inlen, uint8_t *out, size_t want)
{
	size_t n;

	if (inlen != B64URL_LEN(want))
		return CRYPTO_EMALFORMED;
	if (b64url_decode_strict(in, inlen, out, want, &n) != CRYPTO_OK ||
	    n != want) {
		OPENSSL_cleanse(out, want);
		return CRYPTO_EMALFORMED;
	}
	return CRYPTO_OK;
}

/*
 * Sealing
 */

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

	if ((classlen = bounded_len(class, SEAL_NAME_MAX)) == 0 ||
	    (fieldlen = bounded_len(field, SEAL_NAME_MAX)) == 0)
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
	ok = EVP_CipherInit_ex2(ctx, gcm_alg, key, nonce, enc, NULL) == 1 &&
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

	if (!crypto_ready)
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
	if ((ret = random_fill(out + 5, SEAL_NONCE_LEN)) != CRYPTO_OK)
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

	if (!crypto_ready)
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

/*
 * Tokens
 */

/* The prefix's length, or -1 if it is not 0 to 8 of [a-z0-9_]. */
static int
prefix_len(const char *prefix)
{
	size_t i;

	if (prefix == NULL)
		return -1;
	for (i = 0; prefix[i] != '\0'; i++) {
		if (i == TOKEN_PREFIX_MAX)
			return -1;
		if (!((prefix[i] >= 'a' && prefix[i] <= 'z') ||
		    (prefix[i] >= '0' && prefix[i] <= '9') || prefix[i] == '_'))
			return -1;
	}
	return (int)i;
}

int
token_new(const char *prefix, char *token, size_t tokenlen,
    uint8_t id[TOKEN_ID_LEN], uint8_t secret[TOKEN_SECRET_LEN])
{
	size_t plen;
	int n, ret;

	if ((n = prefix_len(prefix)) < 0 || token == NULL || id == NULL ||
	    secret == NULL)
		return CRYPTO_EMALFORMED;
	plen = (size_t)n;
	if (tokenlen < plen + TOKEN_BODY_LEN + 1)
		return CRYPTO_ESPACE;
	if ((ret = random_fill(id, TOKEN_ID_LEN)) != CRYPTO_OK ||
	    (ret = random_fill(secret, TOKEN_SECRET_LEN)) != CRYPTO_OK) {
		OPENSSL_cleanse(secret, TOKEN_SECRET_LEN);
		return ret;
	}
	memcpy(token, prefix, plen);
	b64_write(id, TOKEN_ID_LEN, token + plen, 1, 0);
	b64_write(secret, TOKEN_SECRET_LEN, token + plen + TOKEN_ID_TEXT_LEN,
	    1, 0);
	return CRYPTO_OK;
}

int
token_parse(const char *prefix, const char *text, size_t textlen,
    uint8_t id[TOKEN_ID_LEN], uint8_t secret[TOKEN_SECRET_LEN])
{
	size_t plen;
	int n;

	if (id == NULL || secret == NULL)
		return CRYPTO_EMALFORMED;
	memset(id, 0, TOKEN_ID_LEN);
	memset(secret, 0, TOKEN_SECRET_LEN);
	if ((n = prefix_len(prefix)) < 0 || text == NULL)
		return CRYPTO_EMALFORMED;
	plen = (size_t)n;
	/* the prefix is public: an ordinary comparison will do */
	if (textlen != plen + TOKEN_BODY_LEN || memcmp(text, prefix, plen) != 0)
		return CRYPTO_EMALFORMED;
	if (b64url_decode_exact(text + plen, TOKEN_ID_TEXT_LEN, id,
	    TOKEN_ID_LEN) != CRYPTO_OK ||
	    b64url_decode_exact(text + plen + TOKEN_ID_TEXT_LEN,
	    TOKEN_SECRET_TEXT_LEN, secret, TOKEN_SECRET_LEN) != CRYPTO_OK) {
		OPENSSL_cleanse(id, TOKEN_ID_LEN);
		OPENSSL_cleanse(secret, TOKEN_SECRET_LEN);
		return CRYPTO_EMALFORMED;
	}
	return CRYPTO_OK;
}

int
token_digest(const uint8_t key[CRYPTO_KEY_LEN],
    const uint8_t secret[TOKEN_SECRET_LEN], uint8_t digest[CRYPTO_MAC_LEN])
{
	if (secret == NULL || digest == NULL)
		return CRYPTO_EMALFORMED;
	return crypto_hmac_sha256(key, CRYPTO_KEY_LEN, secret,
	    TOKEN_SECRET_LEN, digest);
}

int
token_digest_equal(const uint8_t a[CRYPTO_MAC_LEN],
    const uint8_t b[CRYPTO_MAC_LEN])
{
	return CRYPTO_memcmp(a, b, CRYPTO_MAC_LEN) == 0;
}

void
token_id_text(const uint8_t id[TOKEN_ID_LEN], char out[TOKEN_ID_TEXT_LEN + 1])
{
	b64_write(id, TOKEN_ID_LEN, out, 1, 0);
}

/*
 * JWT
 */

#define JWT_HEADER	"{\"alg\":\"HS256\",\"typ\":\"JWT\"}"
#define JWT_HEADER_MAX	128

/* user_id and jti: 1 to 64 printable ASCII characters, no space. */
static int
claim_ok(const char *s, size_t len)
{
	size_t i;

	if (len == 0 || len > JWT_CLAIM_MAX)
		return 0;
	for (i = 0; i < len; i++)
		if (s[i] < 0x21 || s[i] > 0x7e)
			return 0;
	return 1;
}

static int
role_ok(const char *s, size_t len)
{
	return (len == 5 && memcmp(s, "admin", 5) == 0) ||
	    (len == 4 && memcmp(s, "user", 4) == 0);
}

/*
 * 1 if the JSON text nests no array or object inside the top level.
 * Brackets inside strings do not count; a backslash in a string hides
 * the byte after it.  Whatever this says of invalid JSON, jansson
 * rejects it afterwards.
 */
static int
json_flat(const char *buf, size_t len)
{
	size_t i;
	int depth = 0, in_string = 0;

	for (i = 0; i < len; i++) {
		if (in_string) {
			if (buf[i] == '\\')
				i++;
			else if (buf[i] == '"')
				in_string = 0;
		} else if (buf[i] == '"')
			in_string = 1;
		else if (buf[i] == '{' || buf[i] == '[') {
			if (++depth > 1)
				return 0;
		} else if (buf[i] == '}' || buf[i] == ']')
			depth--;
	}
	return 1;
}

/* A flat JSON object with no duplicate keys, or NULL. */
static json_t *
json_flat_object(const uint8_t *buf, size_t len)
{
	json_error_t err;
	json_t *j;

	if (!json_flat((const char *)buf, len))
		return NULL;
	j = json_loadb((const char *)buf, len, JSON_REJECT_DUPLICATES, &err);
	if (j != NULL && !json_is_object(j)) {
		json_decref(j);
		return NULL;
	}
	return j;
}

/* {"alg":"HS256"} with an optional "typ":"JWT" and nothing else. */
static int
jwt_header_ok(const uint8_t *buf, size_t len)
{
	json_t *j, *alg, *typ;
	size_t want;
	int ok;

	if ((j = json_flat_object(buf, len)) == NULL)
		return 0;
	alg = json_object_get(j, "alg");
	typ = json_object_get(j, "typ");
	want = typ != NULL ? 2 : 1;
	ok = json_object_size(j) == want && json_is_string(alg) &&
	    strcmp(json_string_value(alg), "HS256") == 0 &&
	    json_string_length(alg) == 5 &&
	    (typ == NULL || (json_is_string(typ) &&
	    json_string_length(typ) == 3 &&
	    strcmp(json_string_value(typ), "JWT") == 0));
	json_decref(j);
	return ok;
}

/* Copies a string claim that passes check into dst (cap bytes). */
static int
claim_copy(json_t *j, const char *name, int (*check)(const char *, size_t),
    char *dst, size_t cap)
{
	json_t *v;
	size_t len;

	if ((v = json_object_get(j, name)) == NULL || !json_is_string(v))
		return 0;
	len = json_string_length(v);
	if (len >= cap || !check(json_string_value(v), len))
		return 0;
	memcpy(dst, json_string_value(v), len);
	dst[len] = '\0';
	return 1;
}

static int
jwt_claims_parse(const uint8_t *buf, size_t len, struct jwt_claims *c)
{
	json_t *j, *exp;
	int ok;

	if ((j = json_flat_object(buf, len)) == NULL)
		return 0;
	exp = json_object_get(j, "exp");
	ok = json_object_size(j) == 4 &&
	    claim_copy(j, "user_id", claim_ok, c->user_id,
	    sizeof(c->user_id)) &&
	    claim_copy(j, "role", role_ok, c->role, sizeof(c->role)) &&
	    claim_copy(j, "jti", claim_ok, c->jti, sizeof(c->jti)) &&
	    json_is_integer(exp) && json_integer_value(exp) >= 0;
	if (ok)
		c->exp = json_integer_value(exp);
	json_decref(j);
	return ok;
}

/*
 * The payload, compact with sorted keys (what python's json.dumps with
 * separators=(',', ':') and sort_keys=True writes, so the two agree);
 * jansson does the escaping.  NULL on allocation failure.
 */
static char *
jwt_payload(const char *user_id, const char *role, int64_t exp,
    const char *jti)
{
	json_t *j;
	char *s;

	j = json_pack("{s:I,s:s,s:s,s:s}", "exp", (json_int_t)exp, "jti", jti,
	    "role", role, "user_id", user_id);
	if (j == NULL)
		return NULL;
	s = json_dumps(j, JSON_COMPACT | JSON_SORT_KEYS);
	json_decref(j);
	return s;
}

int
jwt_mint(const uint8_t key[CRYPTO_KEY_LEN], const char *user_id,
    const char *role, int64_t exp, const char *jti, char *out, size_t outcap)
{
	char tok[JWT_MAX_LEN + 1];
	uint8_t mac[CRYPTO_MAC_LEN];
	char *payload;
	size_t plen, len;
	int ret;

	if (key == NULL || out == NULL || user_id == NULL || role == NULL ||
	    jti == NULL || exp < 0 ||
	    !claim_ok(user_id, strnlen(user_id, JWT_CLAIM_MAX + 1)) ||
	    !claim_ok(jti, strnlen(jti, JWT_CLAIM_MAX + 1)) ||
	    !role_ok(role, strnlen(role, 6)))
		return CRYPTO_EMALFORMED;
	if ((payload = jwt_payload(user_id, role, exp, jti)) == NULL)
		return CRYPTO_EINTERNAL;
	plen = strlen(payload);
	/* a few hundred bytes at most, but tok is not to trust that */
	if (B64URL_LEN(sizeof(JWT_HEADER) - 1) + B64URL_LEN(plen) +
	    B64URL_LEN(CRYPTO_MAC_LEN) + 2 > JWT_MAX_LEN) {
		free(payload);
		return CRYPTO_EINTERNAL;
	}
	len = b64_write((const uint8_t *)JWT_HEADER, sizeof(JWT_HEADER) - 1,
	    tok, 1, 0);
	tok[len++] = '.';
	len += b64_write((const uint8_t *)payload, plen, tok + len, 1, 0);
	free(payload);
	ret = crypto_hmac_sha256(key, CRYPTO_KEY_LEN, tok, len, mac);
	if (ret != CRYPTO_OK)
		return ret;
	tok[len++] = '.';
	len += b64_write(mac, sizeof(mac), tok + len, 1, 0);
	OPENSSL_cleanse(mac, sizeof(mac));
	if (outcap < len + 1)
		ret = CRYPTO_ESPACE;
	else
		memcpy(out, tok, len + 1);
	/* the token is a bearer credential until it expires */
	OPENSSL_cleanse(tok, sizeof(tok));
	return ret;
}

/* The three parts of a compact JWT, as spans of the token. */
struct jwt_parts {
	const char	*h, *p, *s;
	size_t		 hlen, plen, slen;
};

static int
jwt_split(const char *token, size_t len, struct jwt_parts *jp)
{
	const char *d1, *d2;

	if ((d1 = memchr(token, '.', len)) == NULL)
		return 0;
	if ((d2 = memchr(d1 + 1, '.', len - (size_t)(d1 + 1 - token))) == NULL)
		return 0;
	if (memchr(d2 + 1, '.', len - (size_t)(d2 + 1 - token)) != NULL)
		return 0;
	jp->h = token;
	jp->hlen = (size_t)(d1 - token);
	jp->p = d1 + 1;
	jp->plen = (size_t)(d2 - jp->p);
	jp->s = d2 + 1;
	jp->slen = len - (size_t)(jp->s - token);
	return jp->hlen > 0 && jp->plen > 0;
}

int
jwt_verify(const uint8_t key[CRYPTO_KEY_LEN], const char *token, size_t len,
    int64_t now, struct jwt_claims *out)
{
	uint8_t hdr[JWT_HEADER_MAX], payload[JWT_MAX_LEN];
	uint8_t sig[CRYPTO_MAC_LEN], mac[CRYPTO_MAC_LEN];
	struct jwt_parts jp;
	size_t hdrlen, paylen;
	int ret;

	if (out == NULL)
		return CRYPTO_EMALFORMED;
	memset(out, 0, sizeof(*out));
	if (key == NULL || token == NULL || len == 0 || len > JWT_MAX_LEN)
		return CRYPTO_EMALFORMED;

	/* shape: three canonical base64url parts, a 32-byte signature */
	if (!jwt_split(token, len, &jp) ||
	    b64url_decode_strict(jp.h, jp.hlen, hdr, sizeof(hdr),
	    &hdrlen) != CRYPTO_OK ||
	    b64url_decode_strict(jp.p, jp.plen, payload, sizeof(payload),
	    &paylen) != CRYPTO_OK ||
	    b64url_decode_exact(jp.s, jp.slen, sig, sizeof(sig)) != CRYPTO_OK)
		return CRYPTO_EMALFORMED;

	/* the MAC, always HS256 whatever the header claims */
	ret = crypto_hmac_sha256(key, CRYPTO_KEY_LEN, token,
	    (size_t)(jp.s - 1 - token), mac);
	if (ret != CRYPTO_OK)
		return ret;
	ret = CRYPTO_memcmp(mac, sig, sizeof(mac)) == 0 ?
	    CRYPTO_OK : CRYPTO_EBADSIG;
	OPENSSL_cleanse(mac, sizeof(mac));
	if (ret != CRYPTO_OK)
		return ret;

	/* authentic: now what it says */
	if (!jwt_header_ok(hdr, hdrlen) ||
	    !jwt_claims_parse(payload, paylen, out)) {
		memset(out, 0, sizeof(*out));
		return CRYPTO_EMALFORMED;
	}
	if (now >= out->exp)
		return CRYPTO_EEXPIRED;
	return CRYPTO_OK;
}

/*
 * Account v2 signatures
 */

/* A header or request-line field: bounded, and no newline in it. */
static int
sig_field_ok(const char *s, size_t max, size_t *len)
{
	if ((*len = bounded_len(s, max)) == 0)
		return 0;
	return memchr(s, '\n', *len) == NULL;
}

int
sig_v2_compute(const uint8_t *secret, size_t secretlen, const char *method,
    const char *host, const char *xdate, const char *path_query,
    const void *body, size_t bodylen, char out_b64[SIG_V2_LEN + 1])
{
	struct part parts[9];
	uint8_t mac[CRYPTO_MAC_LEN];
	size_t mlen, hlen, dlen, plen;
	int ret;

	if (out_b64 == NULL)
		return CRYPTO_EMALFORMED;
	out_b64[0] = '\0';
	if (secret == NULL || secretlen == 0 ||
	    secretlen > SIG_V2_SECRET_MAX ||
	    !sig_field_ok(method, SIG_V2_METHOD_MAX, &mlen) ||
	    !sig_field_ok(host, SIG_V2_HOST_MAX, &hlen) ||
	    !sig_field_ok(xdate, SIG_V2_DATE_MAX, &dlen) ||
	    !sig_field_ok(path_query, SIG_V2_PATH_MAX, &plen) ||
	    (body == NULL && bodylen != 0) || bodylen > SIG_V2_BODY_MAX)
		return CRYPTO_EMALFORMED;
	parts[0] = (struct part){ method, mlen };
	parts[1] = (struct part){ "\n", 1 };
	parts[2] = (struct part){ host, hlen };
	parts[3] = (struct part){ "\n", 1 };
	parts[4] = (struct part){ xdate, dlen };
	parts[5] = (struct part){ "\n", 1 };
	parts[6] = (struct part){ path_query, plen };
	parts[7] = (struct part){ "\n", 1 };
	parts[8] = (struct part){ body, bodylen };
	if ((ret = hmac_parts(secret, secretlen, parts, 9, mac)) != CRYPTO_OK)
		return ret;
	b64_write(mac, sizeof(mac), out_b64, 0, 1);
	OPENSSL_cleanse(mac, sizeof(mac));
	return CRYPTO_OK;
}

int
sig_v2_verify(const uint8_t *secret, size_t secretlen, const char *method,
    const char *host, const char *xdate, const char *path_query,
    const void *body, size_t bodylen, const char *given, size_t givenlen)
{
	char want[SIG_V2_LEN + 1];
	int ret;

	if (given == NULL || givenlen != SIG_V2_LEN)
		return CRYPTO_EMALFORMED;
	ret = sig_v2_compute(secret, secretlen, method, host, xdate,
	    path_query, body, bodylen, want);
	if (ret != CRYPTO_OK)
		return ret;
	ret = CRYPTO_memcmp(want, given, SIG_V2_LEN) == 0 ?
	    CRYPTO_OK : CRYPTO_EBADSIG;
	OPENSSL_cleanse(want, sizeof(want));
	return ret;
}

int
sig_v2_fresh(int64_t xdate, int64_t now, int64_t window)
{
	uint64_t diff;

	if (window < 0)
		return 0;
	/* the difference of two int64 always fits in uint64 */
	if (xdate > now)
		diff = (uint64_t)xdate - (uint64_t)now;
	else
		diff = (uint64_t)now - (uint64_t)xdate;
	return diff <= (uint64_t)window;
}

int
sig_v2_digest(const char *given, size_t len, uint8_t out[32])
{
	unsigned int n = 0;

	if (!crypto_ready)
		return CRYPTO_EINTERNAL;
	if (given == NULL || out == NULL || len == 0 ||
	    len > SIG_V2_GIVEN_MAX)
		return CRYPTO_EMALFORMED;
	if (EVP_Digest(given, len, out, &n, sha256_alg, NULL) != 1 || n != 32)
		return CRYPTO_EINTERNAL;
	return CRYPTO_OK;
}

/*
 * HTTP dates
 */

static const char wdays[7][4] = {
	"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"
};
static const char months[12][4] = {
	"Jan", "Feb", "Mar", "Apr", "May", "Jun",
	"Jul", "Aug", "Sep", "Oct", "Nov", "Dec"
};

#define HTTP_DATE_MIN	0		/* Thu, 01 Jan 1970 00:00:00 GMT */
#define HTTP_DATE_MAX	253402300799LL	/* Fri, 31 Dec 9999 23:59:59 GMT */

/* Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant). */
static int64_t
days_from_civil(int64_t y, int64_t m, int64_t d)
{
	int64_t era, yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

/* The inverse, for days >= 0. */
static void
civil_from_days(int64_t z, int *y, int *m, int *d)
{
	int64_t era, doe, yoe, doy, mp;

	z += 719468;
	era = z / 146097;
	doe = z - era * 146097;
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	*d = (int)(doy - (153 * mp + 2) / 5 + 1);
	*m = (int)(mp < 10 ? mp + 3 : mp - 9);
	*y = (int)(yoe + era * 400 + (*m <= 2));
}

static int
days_in_month(int y, int m)
{
	static const int mdays[12] = {
		31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31
	};
	int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;

	return mdays[m - 1] + (m == 2 && leap);
}

/* n decimal digits at s, or -1. */
static int
digits(const char *s, int n)
{
	int i, v = 0;

	for (i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	return v;
}

/* The index of the 3-letter name at s in names, or -1. */
static int
name_index(const char *s, const char (*names)[4], int count)
{
	int i;

	for (i = 0; i < count; i++)
		if (memcmp(s, names[i], 3) == 0)
			return i;
	return -1;
}

int
http_date_parse(const char *s, size_t len, int64_t *out)
{
	int wday, day, mon, year, hh, mm, ss;
	int64_t days;

	if (s == NULL || out == NULL || len != HTTP_DATE_LEN)
		return CRYPTO_EMALFORMED;
	/* "Sun, 06 Nov 1994 08:49:37 GMT" */
	if (s[3] != ',' || s[4] != ' ' || s[7] != ' ' || s[11] != ' ' ||
	    s[16] != ' ' || s[19] != ':' || s[22] != ':' || s[25] != ' ' ||
	    memcmp(s + 26, "GMT", 3) != 0)
		return CRYPTO_EMALFORMED;
	if ((wday = name_index(s, wdays, 7)) == -1 ||
	    (mon = name_index(s + 8, months, 12)) == -1 ||
	    (day = digits(s + 5, 2)) == -1 ||
	    (year = digits(s + 12, 4)) == -1 ||
	    (hh = digits(s + 17, 2)) == -1 ||
	    (mm = digits(s + 20, 2)) == -1 ||
	    (ss = digits(s + 23, 2)) == -1)
		return CRYPTO_EMALFORMED;
	mon++;
	if (year < 1970 || day < 1 || day > days_in_month(year, mon) ||
	    hh > 23 || mm > 59 || ss > 59)
		return CRYPTO_EMALFORMED;
	days = days_from_civil(year, mon, day);
	/* 1970-01-01 was a Thursday */
	if ((days + 4) % 7 != wday)
		return CRYPTO_EMALFORMED;
	*out = days * 86400 + hh * 3600 + mm * 60 + ss;
	return CRYPTO_OK;
}

static void
put2(char *p, int v)
{
	p[0] = (char)('0' + v / 10);
	p[1] = (char)('0' + v % 10);
}

int
http_date_format(int64_t t, char out[HTTP_DATE_LEN + 1])
{
	int64_t days, secs;
	int y, m, d;

	if (out == NULL || t < HTTP_DATE_MIN || t > HTTP_DATE_MAX)
		return CRYPTO_EMALFORMED;
	days = t / 86400;
	secs = t % 86400;
	civil_from_days(days, &y, &m, &d);
	memcpy(out, wdays[(days + 4) % 7], 3);
	memcpy(out + 3, ", ", 2);
	put2(out + 5, d);
	out[7] = ' ';
	memcpy(out + 8, months[m - 1], 3);
	out[11] = ' ';
	put2(out + 12, y / 100);
	put2(out + 14, y % 100);
	out[16] = ' ';
	put2(out + 17, (int)(secs / 3600));
	out[19] = ':';
	put2(out + 20, (int)(secs / 60 % 60));
	out[22] = ':';
	put2(out + 23, (int)(secs % 60));
	memcpy(out + 25, " GMT", 5);
	return CRYPTO_OK;
}

/*
 * WireGuard keys
 */

int
x25519_generate(uint8_t priv[WG_KEY_LEN])
{
	int ret;

	if (priv == NULL)
		return CRYPTO_EMALFORMED;
	if ((ret = random_fill(priv, WG_KEY_LEN)) != CRYPTO_OK)
		return ret;
	/* RFC 7748's clamping, which `wg genkey` applies to what it prints */
	priv[0] &= 248;
	priv[31] &= 127;
	priv[31] |= 64;
	return CRYPTO_OK;
}

int
x25519_public(const uint8_t priv[WG_KEY_LEN], uint8_t pub[WG_KEY_LEN])
{
	EVP_PKEY *pkey;
	size_t len = WG_KEY_LEN;
	int ok;

	if (!crypto_ready)
		return CRYPTO_EINTERNAL;
	if (priv == NULL || pub == NULL)
		return CRYPTO_EMALFORMED;
	if ((pkey = EVP_PKEY_new_raw_private_key(EVP_PKEY_X25519, NULL, priv,
	    WG_KEY_LEN)) == NULL)
		return CRYPTO_EINTERNAL;
	ok = EVP_PKEY_get_raw_public_key(pkey, pub, &len) == 1 &&
	    len == WG_KEY_LEN;
	EVP_PKEY_free(pkey);
	return ok ? CRYPTO_OK : CRYPTO_EINTERNAL;
}

int
wg_key_decode(const char *text, uint8_t out[WG_KEY_LEN])
{
	char url[WG_KEY_TEXT_LEN];
	size_t i, n;
	int ret;

	if (text == NULL || out == NULL ||
	    strlen(text) != WG_KEY_TEXT_LEN || text[43] != '=')
		return CRYPTO_EMALFORMED;
	/* the url alphabet without padding is what the strict decoder
	 * takes; a '-' or '_' in the text is refused before the swap */
	for (i = 0; i < WG_KEY_TEXT_LEN - 1; i++) {
		if (text[i] == '-' || text[i] == '_')
			return CRYPTO_EMALFORMED;
		url[i] = text[i] == '+' ? '-' : text[i] == '/' ? '_' : text[i];
	}
	ret = b64url_decode_strict(url, WG_KEY_TEXT_LEN - 1, out, WG_KEY_LEN,
	    &n);
	OPENSSL_cleanse(url, sizeof(url));
	if (ret != CRYPTO_OK || n != WG_KEY_LEN) {
		OPENSSL_cleanse(out, WG_KEY_LEN);
		return ret != CRYPTO_OK ? ret : CRYPTO_EMALFORMED;
	}
	return CRYPTO_OK;
}

int
wg_key_encode(const uint8_t key[WG_KEY_LEN], char out[WG_KEY_TEXT_LEN + 1])
{
	size_t n;

	if (key == NULL || out == NULL)
		return CRYPTO_EMALFORMED;
	return b64_encode(key, WG_KEY_LEN, out, WG_KEY_TEXT_LEN + 1, &n);
}
