/*
 * Account v2 request signatures (see crypto.h): an HMAC-SHA256 over the
 * request's method, host, date, path and body, its freshness, and the
 * digest that authd's replay cache keeps of it.
 */

#include <stdint.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>

#include "crypto.h"
#include "crypto_local.h"

/* A header or request-line field: bounded, and no newline in it. */
static int
sig_field_ok(const char *s, size_t max, size_t *len)
{
	if ((*len = crypto_bounded_len(s, max)) == 0)
		return 0;
	return memchr(s, '\n', *len) == NULL;
}

int
sig_v2_compute(const uint8_t *secret, size_t secretlen, const char *method,
    const char *host, const char *xdate, const char *path_query,
    const void *body, size_t bodylen, char out_b64[SIG_V2_LEN + 1])
{
	struct mac_part parts[9];
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
	parts[0] = (struct mac_part){ method, mlen };
	parts[1] = (struct mac_part){ "\n", 1 };
	parts[2] = (struct mac_part){ host, hlen };
	parts[3] = (struct mac_part){ "\n", 1 };
	parts[4] = (struct mac_part){ xdate, dlen };
	parts[5] = (struct mac_part){ "\n", 1 };
	parts[6] = (struct mac_part){ path_query, plen };
	parts[7] = (struct mac_part){ "\n", 1 };
	parts[8] = (struct mac_part){ body, bodylen };
	ret = crypto_hmac_parts(secret, secretlen, parts, 9, mac);
	if (ret != CRYPTO_OK)
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

	if (!crypto_algs.ready)
		return CRYPTO_EINTERNAL;
	if (given == NULL || out == NULL || len == 0 ||
	    len > SIG_V2_GIVEN_MAX)
		return CRYPTO_EMALFORMED;
	if (EVP_Digest(given, len, out, &n, crypto_algs.sha256, NULL) != 1 ||
	    n != 32)
		return CRYPTO_EINTERNAL;
	return CRYPTO_OK;
}
