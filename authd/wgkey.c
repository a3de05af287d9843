/*
 * WireGuard keys (see crypto.h): X25519 key pairs, and their text as
 * wg(8) writes it.
 */

#include <stdint.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>

#include "crypto.h"
#include "crypto_local.h"

int
x25519_generate(uint8_t priv[WG_KEY_LEN])
{
	int ret;

	if (priv == NULL)
		return CRYPTO_EMALFORMED;
	if ((ret = crypto_random(priv, WG_KEY_LEN)) != CRYPTO_OK)
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

	if (!crypto_algs.ready)
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
