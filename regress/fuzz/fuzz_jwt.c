/*
 * libFuzzer target for the parsers of authd's crypto.h that see client
 * bytes: jwt_verify(), token_parse(), the strict base64url decoder, the
 * Account v2 date parser, unseal() and sig_v2_verify().
 *
 *	clang -g -O1 -fsanitize=fuzzer,address,undefined -Iauthd \
 *	    $(pkg-config --cflags jansson libbsd-overlay) \
 *	    regress/fuzz/fuzz_jwt.c authd/crypto.c authd/base64.c \
 *	    authd/seal.c authd/token.c authd/jwt.c authd/sigv2.c \
 *	    authd/httpdate.c -o fuzz_jwt \
 *	    $(pkg-config --libs jansson libcrypto libbsd-overlay)
 *	mkdir -p /tmp/corpus_jwt && ./fuzz_jwt -max_len=4096 \
 *	    /tmp/corpus_jwt regress/fuzz/corpus/jwt
 *
 * An attacker cannot forge the MAC, so the input is also signed with the
 * fuzzer's key (header, newline, payload) to reach the JSON checks that
 * only an authentic token meets.  What is accepted must be canonical:
 * encoded again, it gives back the input byte for byte.
 */

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "crypto.h"

int	 LLVMFuzzerTestOneInput(const uint8_t *, size_t);

#define REQUIRE(cond) do {						\
	if (!(cond))							\
		abort();						\
} while (0)

/* The key of the seeds in regress/fuzz/corpus/jwt: bytes(range(32)). */
static uint8_t key[32];
static const int64_t now = 1000000000;

static void
setup(void)
{
	static int done;
	int i;

	if (done)
		return;
	REQUIRE(crypto_init() == CRYPTO_OK);
	for (i = 0; i < 32; i++)
		key[i] = (uint8_t)i;
	done = 1;
}

static int
is_printable(const char *s, size_t max)
{
	size_t i;

	for (i = 0; s[i] != '\0'; i++)
		if (i >= max || s[i] < 0x21 || s[i] > 0x7e)
			return 0;
	return i > 0;
}

/* Claims that jwt_verify() handed out, and that they mint back. */
static void
check_claims(int rc, const struct jwt_claims *c)
{
	struct jwt_claims again;
	char tok[JWT_MAX_LEN + 1];

	REQUIRE(rc == CRYPTO_OK || rc == CRYPTO_EEXPIRED);
	REQUIRE(is_printable(c->user_id, JWT_CLAIM_MAX));
	REQUIRE(is_printable(c->jti, JWT_CLAIM_MAX));
	REQUIRE(strcmp(c->role, "admin") == 0 || strcmp(c->role, "user") == 0);
	REQUIRE(c->exp >= 0);
	REQUIRE((rc == CRYPTO_OK) == (now < c->exp));
	REQUIRE(jwt_mint(key, c->user_id, c->role, c->exp, c->jti, tok,
	    sizeof(tok)) == CRYPTO_OK);
	REQUIRE(jwt_verify(key, tok, strlen(tok), now, &again) == rc);
	REQUIRE(memcmp(c, &again, sizeof(again)) == 0);
}

static void
fuzz_jwt_raw(const uint8_t *data, size_t size)
{
	struct jwt_claims c;
	int rc;

	rc = jwt_verify(key, (const char *)data, size, now, &c);
	if (rc == CRYPTO_OK || rc == CRYPTO_EEXPIRED)
		check_claims(rc, &c);
	else
		REQUIRE(rc == CRYPTO_EMALFORMED || rc == CRYPTO_EBADSIG);
}

/* header "\n" payload (or the usual header), signed with our key. */
static void
fuzz_jwt_signed(const uint8_t *data, size_t size)
{
	static const char hs256[] = "{\"alg\":\"HS256\",\"typ\":\"JWT\"}";
	static char tok[3 * 4096];
	const uint8_t *hdr = (const uint8_t *)hs256, *pl = data, *nl;
	size_t hlen = sizeof(hs256) - 1, plen = size, n, len;
	uint8_t mac[32];
	struct jwt_claims c;
	int rc;

	if (size > 4096)
		return;
	if ((nl = memchr(data, '\n', size)) != NULL) {
		hdr = data;
		hlen = (size_t)(nl - data);
		pl = nl + 1;
		plen = size - hlen - 1;
	}
	REQUIRE(b64url_encode(hdr, hlen, tok, sizeof(tok), &n) == CRYPTO_OK);
	len = n;
	tok[len++] = '.';
	REQUIRE(b64url_encode(pl, plen, tok + len, sizeof(tok) - len, &n) ==
	    CRYPTO_OK);
	len += n;
	REQUIRE(crypto_hmac_sha256(key, 32, tok, len, mac) == CRYPTO_OK);
	tok[len++] = '.';
	REQUIRE(b64url_encode(mac, 32, tok + len, sizeof(tok) - len, &n) ==
	    CRYPTO_OK);
	len += n;

	rc = jwt_verify(key, tok, len, now, &c);
	/* authentic, so never a bad signature; empty parts are malformed */
	if (len > JWT_MAX_LEN || hlen == 0 || plen == 0)
		REQUIRE(rc == CRYPTO_EMALFORMED);
	else if (rc == CRYPTO_OK || rc == CRYPTO_EEXPIRED)
		check_claims(rc, &c);
	else
		REQUIRE(rc == CRYPTO_EMALFORMED);
}

static void
fuzz_token(const uint8_t *data, size_t size, const char *prefix)
{
	uint8_t id[TOKEN_ID_LEN], secret[TOKEN_SECRET_LEN];
	char text[TOKEN_TEXT_MAX + 1];
	size_t plen = strlen(prefix), n;

	if (token_parse(prefix, (const char *)data, size, id, secret) !=
	    CRYPTO_OK)
		return;
	REQUIRE(size == plen + TOKEN_BODY_LEN);
	memcpy(text, prefix, plen);
	REQUIRE(b64url_encode(id, sizeof(id), text + plen, sizeof(text) - plen,
	    &n) == CRYPTO_OK && n == TOKEN_ID_TEXT_LEN);
	REQUIRE(b64url_encode(secret, sizeof(secret), text + plen + n,
	    sizeof(text) - plen - n, &n) == CRYPTO_OK &&
	    n == TOKEN_SECRET_TEXT_LEN);
	REQUIRE(memcmp(text, data, size) == 0);
}

static void
fuzz_b64(const uint8_t *data, size_t size)
{
	static uint8_t out[4096];
	static char text[8192];
	size_t n, m;

	if (size > 4096)
		return;
	if (b64url_decode_strict((const char *)data, size, out, sizeof(out),
	    &n) != CRYPTO_OK)
		return;
	REQUIRE(b64url_encode(out, n, text, sizeof(text), &m) == CRYPTO_OK);
	REQUIRE(m == size && memcmp(text, data, size) == 0);
}

static void
fuzz_date(const uint8_t *data, size_t size)
{
	char again[HTTP_DATE_LEN + 1];
	int64_t t;

	if (http_date_parse((const char *)data, size, &t) != CRYPTO_OK)
		return;
	REQUIRE(size == HTTP_DATE_LEN);
	REQUIRE(http_date_format(t, again) == CRYPTO_OK);
	REQUIRE(memcmp(again, data, size) == 0);
}

static void
fuzz_seal(const uint8_t *data, size_t size)
{
	static uint8_t out[SEAL_MAX_PLAIN];
	size_t n;
	uint32_t kv;
	int rc;

	rc = unseal(key, "wireguard", 1, "private_key", data, size, out,
	    sizeof(out), &n, &kv);
	REQUIRE(rc == CRYPTO_OK || rc == CRYPTO_EMALFORMED ||
	    rc == CRYPTO_EBADSIG);
	if (rc == CRYPTO_OK)
		REQUIRE(n == size - SEAL_OVERHEAD);
}

static void
fuzz_sig_v2(const uint8_t *data, size_t size)
{
	uint8_t digest[32];
	int rc;

	rc = sig_v2_verify(key, 32, "PUT", "api.example.com",
	    "Sun, 06 Nov 1994 08:49:37 GMT", "/v2/account", data, size,
	    (const char *)data, size);
	REQUIRE(rc == CRYPTO_EBADSIG || rc == CRYPTO_EMALFORMED);
	rc = sig_v2_digest((const char *)data, size, digest);
	REQUIRE(rc == CRYPTO_OK || rc == CRYPTO_EMALFORMED);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	setup();
	fuzz_jwt_raw(data, size);
	fuzz_jwt_signed(data, size);
	fuzz_token(data, size, "ak_");
	fuzz_token(data, size, "");
	fuzz_b64(data, size);
	fuzz_date(data, size);
	fuzz_seal(data, size);
	fuzz_sig_v2(data, size);
	return 0;
}
