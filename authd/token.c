/*
 * Opaque tokens (see crypto.h): a prefix, a public id to look the token
 * up by, and a secret of which only an HMAC is stored.
 */

#include <stdint.h>
#include <string.h>

#include <openssl/crypto.h>

#include "crypto.h"
#include "crypto_local.h"

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
	if ((ret = crypto_random(id, TOKEN_ID_LEN)) != CRYPTO_OK ||
	    (ret = crypto_random(secret, TOKEN_SECRET_LEN)) != CRYPTO_OK) {
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
