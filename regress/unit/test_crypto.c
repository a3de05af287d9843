/*
 * Unit tests of authd's crypto.h.  Known answers come from the RFCs
 * (4648, 4231, 5869) or were computed with python3's standard library
 * (hmac, hashlib, base64, json) and the "cryptography" package's AESGCM
 * for the sealed form; the rest are the negative cases of SECURITY.md,
 * each asserting the exact error code.
 */

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "crypto.h"
#include "util.h"
#include "test.h"

/* bytes(range(32)) in python: the key of the JWT and token answers */
static uint8_t key32[32];

static void
hex2bin(const char *hex, uint8_t *out, size_t len)
{
	size_t i;
	unsigned v;

	for (i = 0; i < len; i++) {
		if (sscanf(hex + 2 * i, "%2x", &v) != 1)
			abort();
		out[i] = (uint8_t)v;
	}
}

static int
all_zero(const uint8_t *p, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++)
		if (p[i] != 0)
			return 0;
	return 1;
}

static void
fill_range(uint8_t *p, size_t len, unsigned first)
{
	size_t i;

	for (i = 0; i < len; i++)
		p[i] = (uint8_t)(first + i);
}

/*
 * Init
 */

static void
test_init_required(void)
{
	uint8_t mac[32];

	/* before crypto_init(), nothing works (the sandbox rule) */
	CHECK_INT(crypto_hmac_sha256(key32, 32, "x", 1, mac),
	    CRYPTO_EINTERNAL);
	CHECK_INT(crypto_init(), CRYPTO_OK);
	CHECK_INT(crypto_init(), CRYPTO_OK);
	CHECK_INT(crypto_hmac_sha256(key32, 32, "x", 1, mac), CRYPTO_OK);
}

static void
test_strerror(void)
{
	CHECK_STR(crypto_strerror(CRYPTO_OK), "ok");
	CHECK_STR(crypto_strerror(CRYPTO_EMALFORMED), "malformed");
	CHECK_STR(crypto_strerror(CRYPTO_EBADSIG), "bad signature");
	CHECK_STR(crypto_strerror(CRYPTO_EEXPIRED), "expired");
	CHECK_STR(crypto_strerror(CRYPTO_ESPACE), "no space");
	CHECK_STR(crypto_strerror(CRYPTO_EINTERNAL), "internal error");
	CHECK_STR(crypto_strerror(42), "unknown error");
}

/*
 * Base64
 */

static void
check_enc(const char *in, const char *std, const char *url)
{
	char out[64];
	uint8_t back[64];
	size_t n;

	CHECK_INT(b64_encode(in, strlen(in), out, sizeof(out), &n), CRYPTO_OK);
	CHECK_STR(out, std);
	CHECK_INT(n, strlen(std));
	CHECK_INT(b64url_encode(in, strlen(in), out, sizeof(out), &n),
	    CRYPTO_OK);
	CHECK_STR(out, url);
	CHECK_INT(n, strlen(url));
	CHECK_INT(b64url_decode_strict(url, strlen(url), back, sizeof(back),
	    &n), CRYPTO_OK);
	CHECK_INT(n, strlen(in));
	CHECK(memcmp(back, in, n) == 0);
}

static void
test_b64_rfc4648(void)
{
	check_enc("", "", "");
	check_enc("f", "Zg==", "Zg");
	check_enc("fo", "Zm8=", "Zm8");
	check_enc("foo", "Zm9v", "Zm9v");
	check_enc("foob", "Zm9vYg==", "Zm9vYg");
	check_enc("fooba", "Zm9vYmE=", "Zm9vYmE");
	check_enc("foobar", "Zm9vYmFy", "Zm9vYmFy");
	/* the two alphabets differ in 62 and 63 only */
	check_enc("\xfb\xff\xbf", "+/+/", "-_-_");
	check_enc("\xfb\xf0", "+/A=", "-_A");
}

static void
test_b64_roundtrip(void)
{
	uint8_t in[256], back[256];
	char text[400];
	size_t len, n, m;
	int ok = 1;

	fill_range(in, sizeof(in), 0);
	for (len = 0; len <= sizeof(in); len++) {
		if (b64url_encode(in + sizeof(in) - len, len, text,
		    sizeof(text), &n) != CRYPTO_OK || n != B64URL_LEN(len) ||
		    strlen(text) != n ||
		    b64url_decode_strict(text, n, back, sizeof(back), &m) !=
		    CRYPTO_OK || m != len ||
		    memcmp(back, in + sizeof(in) - len, len) != 0)
			ok = 0;
		if (b64_encode(in, len, text, sizeof(text), &n) != CRYPTO_OK ||
		    n != B64_LEN(len) || n % 4 != 0)
			ok = 0;
	}
	CHECK(ok);
}

static void
test_b64_alphabet(void)
{
	static const char alpha[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
	    "abcdefghijklmnopqrstuvwxyz0123456789-_";
	uint8_t out[3];
	char text[4] = "AAA";
	size_t n;
	int c, accepted = 0, right = 1;

	/* exactly the 64 characters decode, each to its own value */
	for (c = 0; c < 256; c++) {
		text[3] = (char)c;
		if (b64url_decode_strict(text, 4, out, sizeof(out), &n) ==
		    CRYPTO_OK) {
			accepted++;
			if (c == 0 || strchr(alpha, c) == NULL ||
			    out[2] != (uint8_t)(strchr(alpha, c) - alpha))
				right = 0;
		}
	}
	CHECK_INT(accepted, 64);
	CHECK(right);
}

static void
test_b64_strict_rejects(void)
{
	uint8_t out[16];
	size_t n = 99;

#define REJ(s) CHECK_INT(b64url_decode_strict(s, sizeof(s) - 1, out,	\
	    sizeof(out), &n), CRYPTO_EMALFORMED)
	REJ("Zg==");		/* padding */
	REJ("Zg=");
	REJ("Zh");		/* "f" with a non-zero trailing bit */
	REJ("Zm9");		/* "fo" would be Zm8 */
	REJ("Z");		/* 6 bits: no byte */
	REJ("A");		/* even when they are zero */
	REJ("AAAAA");
	REJ("Zm9vY");
	REJ("Zm9v+");		/* standard alphabet */
	REJ("Zm/v");
	REJ("Zm9 v");
	REJ("Zm9v\n");
	REJ("Zm\0v");
	REJ("Zm\x80v");
	REJ("Zm.v");
#undef REJ
	CHECK_INT(n, 0);
	/* too small an output: a space error, not a partial decode */
	CHECK_INT(b64url_decode_strict("Zm9vYmFy", 8, out, 5, &n),
	    CRYPTO_ESPACE);
	CHECK_INT(b64url_decode_strict("Zm9vYmFy", 8, out, 6, &n), CRYPTO_OK);
	CHECK_INT(b64url_decode_strict("Zm9vYmE", 7, out, 4, &n),
	    CRYPTO_ESPACE);
	CHECK_INT(b64url_decode_strict("Zm9vYmE", 7, out, 5, &n), CRYPTO_OK);
	CHECK_INT(b64url_decode_strict(NULL, 0, NULL, 0, &n), CRYPTO_OK);
	CHECK_INT(n, 0);
}

static void
test_b64_encode_space(void)
{
	char out[9];
	size_t n;

	CHECK_INT(b64_encode("foobar", 6, out, 8, &n), CRYPTO_ESPACE);
	CHECK_INT(b64_encode("foobar", 6, out, 9, &n), CRYPTO_OK);
	CHECK_INT(b64url_encode("fooba", 5, out, 7, &n), CRYPTO_ESPACE);
	CHECK_INT(b64url_encode("fooba", 5, out, 8, &n), CRYPTO_OK);
	CHECK_STR(out, "Zm9vYmE");
	CHECK_INT(b64_encode(NULL, 1, out, sizeof(out), &n),
	    CRYPTO_EMALFORMED);
}

/*
 * HKDF and HMAC
 */

static void
test_hkdf_rfc5869(void)
{
	uint8_t ikm[22], salt[13], info[10], okm[42], want[42];

	memset(ikm, 0x0b, sizeof(ikm));
	fill_range(salt, sizeof(salt), 0x00);
	fill_range(info, sizeof(info), 0xf0);
	/* test case 1 */
	hex2bin("3cb25f25faacd57a90434f64d0362f2a2d2d0a90cf1a5a4c5db02d56ec"
	    "c4c5bf34007208d5b887185865", want, sizeof(want));
	CHECK_INT(crypto_hkdf(ikm, sizeof(ikm), salt, sizeof(salt), info,
	    sizeof(info), okm, sizeof(okm)), CRYPTO_OK);
	CHECK(memcmp(okm, want, sizeof(want)) == 0);
	/* test case 3: no salt, no info */
	hex2bin("8da4e775a563c18f715f802a063c5a31b8a11f5c5ee1879ec3454e5f3c"
	    "738d2d9d201395faa4b61a96c8", want, sizeof(want));
	CHECK_INT(crypto_hkdf(ikm, sizeof(ikm), NULL, 0, NULL, 0, okm,
	    sizeof(okm)), CRYPTO_OK);
	CHECK(memcmp(okm, want, sizeof(want)) == 0);
	/* bounds */
	CHECK_INT(crypto_hkdf(ikm, sizeof(ikm), NULL, 0, NULL, 0, okm, 0),
	    CRYPTO_EMALFORMED);
	CHECK_INT(crypto_hkdf(NULL, 0, NULL, 0, NULL, 0, okm, 32),
	    CRYPTO_EMALFORMED);
	CHECK_INT(crypto_hkdf(ikm, sizeof(ikm), NULL, 3, NULL, 0, okm, 32),
	    CRYPTO_EMALFORMED);
}

static void
test_derive(void)
{
	static const struct {
		const char	*label, *hex;
	} kat[] = {
		{ "jwt", "fa8b51e0d97eeaf86203704537f9a957"
		    "12d207c38b3efe825e2687b03d385729" },
		{ "token", "a79375a35afff2abeaa6463a6e1fedb4"
		    "da65bd4c105d9c316657344113baafa6" },
		{ "seal", "bc0c09ab8b4435e770b984238b61fd40"
		    "e03e3e8541ed018d954cee3d342af086" },
		{ "grant", "1cce8902e8b45edf973b8f08f90a4cb1"
		    "570da41a2e0763fc88b493c44865b917" },
	};
	uint8_t master[33], out[32], want[32];
	char label[66];
	size_t i;

	fill_range(master, sizeof(master), 0);
	for (i = 0; i < sizeof(kat) / sizeof(kat[0]); i++) {
		hex2bin(kat[i].hex, want, sizeof(want));
		CHECK_INT(crypto_derive(master, 32, kat[i].label, out),
		    CRYPTO_OK);
		CHECK(memcmp(out, want, sizeof(want)) == 0);
	}
	/* a wrong key length is refused, and nothing is left in out */
	memset(out, 0xAA, sizeof(out));
	CHECK_INT(crypto_derive(master, 31, "seal", out), CRYPTO_EMALFORMED);
	CHECK(all_zero(out, sizeof(out)));
	CHECK_INT(crypto_derive(master, 33, "seal", out), CRYPTO_EMALFORMED);
	CHECK_INT(crypto_derive(NULL, 32, "seal", out), CRYPTO_EMALFORMED);
	CHECK_INT(crypto_derive(master, 32, "", out), CRYPTO_EMALFORMED);
	CHECK_INT(crypto_derive(master, 32, NULL, out), CRYPTO_EMALFORMED);
	memset(label, 'x', sizeof(label));
	label[64] = '\0';
	CHECK_INT(crypto_derive(master, 32, label, out), CRYPTO_OK);
	label[64] = 'x';
	label[65] = '\0';
	CHECK_INT(crypto_derive(master, 32, label, out), CRYPTO_EMALFORMED);
}

static void
test_hmac_rfc4231(void)
{
	uint8_t key[131], mac[32], want[32];

	/* test case 1 */
	memset(key, 0x0b, 20);
	hex2bin("b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32"
	    "cff7", want, 32);
	CHECK_INT(crypto_hmac_sha256(key, 20, "Hi There", 8, mac), CRYPTO_OK);
	CHECK(memcmp(mac, want, 32) == 0);
	/* test case 2 */
	hex2bin("5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec"
	    "3843", want, 32);
	CHECK_INT(crypto_hmac_sha256((const uint8_t *)"Jefe", 4,
	    "what do ya want for nothing?", 28, mac), CRYPTO_OK);
	CHECK(memcmp(mac, want, 32) == 0);
	/* test case 6: a key longer than the block */
	memset(key, 0xaa, sizeof(key));
	hex2bin("60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee3"
	    "7f54", want, 32);
	CHECK_INT(crypto_hmac_sha256(key, sizeof(key),
	    "Test Using Larger Than Block-Size Key - Hash Key First", 54,
	    mac), CRYPTO_OK);
	CHECK(memcmp(mac, want, 32) == 0);
	CHECK_INT(crypto_hmac_sha256(key, 0, "x", 1, mac), CRYPTO_EMALFORMED);
	CHECK_INT(crypto_hmac_sha256(key, 32, NULL, 1, mac),
	    CRYPTO_EMALFORMED);
}

/*
 * Sealing
 */

#define CANARY		"canary-secret"
#define CANARY_LEN	(sizeof(CANARY) - 1)
#define OID		UINT64_C(0x0102030405060708)

static uint8_t seal_key[32];	/* bytes(range(100, 132)) */

static size_t
seal_canary(uint32_t kv, uint8_t *out)
{
	size_t n = 0;

	CHECK_INT(seal(seal_key, kv, "wireguard", OID, "private_key", CANARY,
	    CANARY_LEN, out, SEAL_LEN(CANARY_LEN), &n), CRYPTO_OK);
	CHECK_INT(n, SEAL_LEN(CANARY_LEN));
	return n;
}

static int
open_canary(const uint8_t *sealed, size_t len)
{
	uint8_t out[64];
	size_t n;

	return unseal(seal_key, "wireguard", OID, "private_key", sealed, len,
	    out, sizeof(out), &n, NULL);
}

static void
test_seal_roundtrip(void)
{
	uint8_t sealed[64], out[64];
	size_t len, n = 0;
	uint32_t kv = 0;

	len = seal_canary(0x01020304, sealed);
	/* the sealed value differs from the plaintext, and hides it */
	CHECK(memmem(sealed, len, CANARY, CANARY_LEN) == NULL);
	CHECK(memmem(sealed, len, "canary", 6) == NULL);
	CHECK_INT(sealed[0], SEAL_FORMAT);
	CHECK(memcmp(sealed + 1, "\x01\x02\x03\x04", 4) == 0);
	CHECK_INT(unseal(seal_key, "wireguard", OID, "private_key", sealed,
	    len, out, sizeof(out), &n, &kv), CRYPTO_OK);
	CHECK_INT(n, CANARY_LEN);
	CHECK(memcmp(out, CANARY, CANARY_LEN) == 0);
	CHECK_INT(kv, 0x01020304);
}

/* Sealed by python's AESGCM with nonce bytes(range(12)), key version 7. */
static const uint8_t py_sealed[] =
    "\x01\x00\x00\x00\x07\x00\x01\x02\x03\x04\x05\x06\x07\x08\x09\x0a\x0b"
    "\xfc\xca\x56\x2d\xcf\x34\xec\x9a\xf8\x70\xec\xad\xe2\xd9\xfe\x19\x09"
    "\x3b\xf9\x66\x7d\xd2\x02\x03\xdc\xbb\xd1\x85\x61";

static void
test_seal_kat(void)
{
	uint8_t out[64];
	size_t n = 0;
	uint32_t kv = 0;

	/* the format and the AAD are what the header says, byte for byte */
	CHECK_INT(sizeof(py_sealed) - 1, 46);
	CHECK_INT(unseal(seal_key, "wireguard", OID, "private_key",
	    py_sealed, sizeof(py_sealed) - 1, out, sizeof(out), &n, &kv),
	    CRYPTO_OK);
	CHECK_INT(n, CANARY_LEN);
	CHECK(memcmp(out, CANARY, CANARY_LEN) == 0);
	CHECK_INT(kv, 7);
	CHECK_INT(seal_key_version(py_sealed, sizeof(py_sealed) - 1, &kv),
	    CRYPTO_OK);
	CHECK_INT(kv, 7);
}

static void
test_seal_flip_every_bit(void)
{
	uint8_t sealed[64], out[64];
	size_t len, i, n;
	int bit, opened = 0, cleared = 1, rc;

	len = seal_canary(1, sealed);
	for (i = 0; i < len; i++) {
		for (bit = 0; bit < 8; bit++) {
			sealed[i] ^= (uint8_t)(1 << bit);
			memset(out, 0x55, sizeof(out));
			rc = unseal(seal_key, "wireguard", OID, "private_key",
			    sealed, len, out, sizeof(out), &n, NULL);
			if (rc == CRYPTO_OK)
				opened++;
			/* no unauthenticated plaintext is left behind */
			if (rc == CRYPTO_EBADSIG &&
			    !all_zero(out, CANARY_LEN))
				cleared = 0;
			if (rc == CRYPTO_EBADSIG && n != 0)
				cleared = 0;
			sealed[i] ^= (uint8_t)(1 << bit);
		}
	}
	CHECK_INT(opened, 0);
	CHECK(cleared);
	/* the format byte is checked before the tag */
	sealed[0] = 2;
	CHECK_INT(open_canary(sealed, len), CRYPTO_EMALFORMED);
	sealed[0] = SEAL_FORMAT;
	CHECK_INT(open_canary(sealed, len), CRYPTO_OK);
}

static void
test_seal_binding(void)
{
	uint8_t sealed[64], out[64];
	size_t len, n;

	len = seal_canary(1, sealed);
	/* moved to another row, column or table: does not open */
	CHECK_INT(unseal(seal_key, "wireguard", OID + 1, "private_key",
	    sealed, len, out, sizeof(out), &n, NULL), CRYPTO_EBADSIG);
	CHECK_INT(unseal(seal_key, "wireguard", OID, "preshared_key",
	    sealed, len, out, sizeof(out), &n, NULL), CRYPTO_EBADSIG);
	CHECK_INT(unseal(seal_key, "acme", OID, "private_key",
	    sealed, len, out, sizeof(out), &n, NULL), CRYPTO_EBADSIG);
	CHECK_INT(unseal(seal_key, "wireguard", OID, "private_key",
	    sealed, len, out, sizeof(out), &n, NULL), CRYPTO_OK);
	/* length prefixes: a byte moved across a boundary changes the AAD */
	CHECK_INT(seal(seal_key, 1, "ab", 0, "c", "x", 1, sealed,
	    sizeof(sealed), &len), CRYPTO_OK);
	CHECK_INT(unseal(seal_key, "a", 0, "bc", sealed, len, out,
	    sizeof(out), &n, NULL), CRYPTO_EBADSIG);
	CHECK_INT(unseal(seal_key, "ab", 0, "c", sealed, len, out,
	    sizeof(out), &n, NULL), CRYPTO_OK);
}

static void
test_seal_twice_differs(void)
{
	uint8_t a[64], b[64];
	size_t alen, blen;

	alen = seal_canary(1, a);
	blen = seal_canary(1, b);
	CHECK_INT(alen, blen);
	CHECK(memcmp(a, b, alen) != 0);
	/* the nonces differ, not just the ciphertexts */
	CHECK(memcmp(a + 5, b + 5, SEAL_NONCE_LEN) != 0);
	CHECK_INT(open_canary(a, alen), CRYPTO_OK);
	CHECK_INT(open_canary(b, blen), CRYPTO_OK);
}

static void
test_seal_truncated(void)
{
	uint8_t sealed[65];
	size_t len, i;
	int short_rej = 1, trunc_rej = 1;

	len = seal_canary(1, sealed);
	for (i = 0; i < len; i++) {
		if (i < SEAL_OVERHEAD &&
		    open_canary(sealed, i) != CRYPTO_EMALFORMED)
			short_rej = 0;
		if (i >= SEAL_OVERHEAD &&
		    open_canary(sealed, i) != CRYPTO_EBADSIG)
			trunc_rej = 0;
	}
	CHECK(short_rej);
	CHECK(trunc_rej);
	/* one byte appended */
	sealed[len] = 0;
	CHECK_INT(open_canary(sealed, len + 1), CRYPTO_EBADSIG);
	CHECK_INT(open_canary(NULL, len), CRYPTO_EMALFORMED);
	CHECK_INT(open_canary(sealed, len), CRYPTO_OK);
}

static void
test_seal_wrong_key(void)
{
	uint8_t sealed[64], out[64], other[32];
	size_t len, n;

	len = seal_canary(1, sealed);
	memcpy(other, seal_key, sizeof(other));
	other[31] ^= 1;
	CHECK_INT(unseal(other, "wireguard", OID, "private_key", sealed, len,
	    out, sizeof(out), &n, NULL), CRYPTO_EBADSIG);
}

static void
test_seal_key_version(void)
{
	uint8_t k1[32], k2[32], s1[64], s2[64], out[64];
	const uint8_t *pick;
	size_t l1, l2, n;
	uint32_t kv = 0;

	CHECK_INT(crypto_derive(key32, 32, "seal", k1), CRYPTO_OK);
	memcpy(k2, k1, sizeof(k2));
	k2[0] ^= 0x80;
	CHECK_INT(seal(k1, 1, "acme", 9, "account_key", "one", 3, s1,
	    sizeof(s1), &l1), CRYPTO_OK);
	CHECK_INT(seal(k2, 2, "acme", 9, "account_key", "two", 3, s2,
	    sizeof(s2), &l2), CRYPTO_OK);
	/* the caller reads the version, then picks the key */
	CHECK_INT(seal_key_version(s2, l2, &kv), CRYPTO_OK);
	CHECK_INT(kv, 2);
	pick = kv == 1 ? k1 : k2;
	CHECK_INT(unseal(pick, "acme", 9, "account_key", s2, l2, out,
	    sizeof(out), &n, &kv), CRYPTO_OK);
	CHECK(n == 3 && memcmp(out, "two", 3) == 0);
	CHECK_INT(kv, 2);
	/* the wrong version's key does not open it */
	CHECK_INT(unseal(k1, "acme", 9, "account_key", s2, l2, out,
	    sizeof(out), &n, &kv), CRYPTO_EBADSIG);
	/* nor does relabelling the version: it is in the AAD */
	s1[4] = 2;
	CHECK_INT(seal_key_version(s1, l1, &kv), CRYPTO_OK);
	CHECK_INT(kv, 2);
	CHECK_INT(unseal(k1, "acme", 9, "account_key", s1, l1, out,
	    sizeof(out), &n, &kv), CRYPTO_EBADSIG);
	CHECK_INT(seal_key_version(s1, SEAL_OVERHEAD - 1, &kv),
	    CRYPTO_EMALFORMED);
	explicit_bzero(k1, sizeof(k1));
	explicit_bzero(k2, sizeof(k2));
}

static void
test_seal_space(void)
{
	uint8_t sealed[64], out[64];
	size_t len, n = 99;

	CHECK_INT(seal(seal_key, 1, "wireguard", OID, "private_key", CANARY,
	    CANARY_LEN, sealed, SEAL_LEN(CANARY_LEN) - 1, &n), CRYPTO_ESPACE);
	CHECK_INT(n, 0);
	len = seal_canary(1, sealed);
	CHECK_INT(unseal(seal_key, "wireguard", OID, "private_key", sealed,
	    len, out, CANARY_LEN - 1, &n, NULL), CRYPTO_ESPACE);
	CHECK_INT(unseal(seal_key, "wireguard", OID, "private_key", sealed,
	    len, out, CANARY_LEN, &n, NULL), CRYPTO_OK);
}

static void
test_seal_empty(void)
{
	uint8_t sealed[64];
	size_t len, n = 99;
	uint32_t kv;

	CHECK_INT(seal(seal_key, 3, "proxy", 1, "password", NULL, 0, sealed,
	    sizeof(sealed), &len), CRYPTO_OK);
	CHECK_INT(len, SEAL_OVERHEAD);
	CHECK_INT(unseal(seal_key, "proxy", 1, "password", sealed, len, NULL,
	    0, &n, &kv), CRYPTO_OK);
	CHECK_INT(n, 0);
	CHECK_INT(kv, 3);
	sealed[len - 1] ^= 1;
	CHECK_INT(unseal(seal_key, "proxy", 1, "password", sealed, len, NULL,
	    0, &n, &kv), CRYPTO_EBADSIG);
}

static void
test_seal_bounds(void)
{
	static uint8_t big[SEAL_LEN(SEAL_MAX_PLAIN) + 1];
	static uint8_t plain[SEAL_MAX_PLAIN + 1];
	char name[66];
	uint8_t out[64];
	size_t n;

	CHECK_INT(seal(seal_key, 1, "", 1, "f", "x", 1, out, sizeof(out), &n),
	    CRYPTO_EMALFORMED);
	CHECK_INT(seal(seal_key, 1, "c", 1, "", "x", 1, out, sizeof(out), &n),
	    CRYPTO_EMALFORMED);
	CHECK_INT(seal(seal_key, 1, NULL, 1, "f", "x", 1, out, sizeof(out),
	    &n), CRYPTO_EMALFORMED);
	CHECK_INT(seal(seal_key, 1, "c", 1, "f", NULL, 1, out, sizeof(out),
	    &n), CRYPTO_EMALFORMED);
	memset(name, 'n', sizeof(name));
	name[64] = '\0';
	CHECK_INT(seal(seal_key, 1, name, 1, name, "x", 1, out, sizeof(out),
	    &n), CRYPTO_OK);
	CHECK_INT(unseal(seal_key, name, 1, name, out, n, out + 40, 1, &n,
	    NULL), CRYPTO_OK);
	name[64] = 'n';
	name[65] = '\0';
	CHECK_INT(seal(seal_key, 1, name, 1, "f", "x", 1, out, sizeof(out),
	    &n), CRYPTO_EMALFORMED);
	CHECK_INT(seal(seal_key, 1, "f", 1, name, "x", 1, out, sizeof(out),
	    &n), CRYPTO_EMALFORMED);
	/* the largest plaintext, and one byte more */
	CHECK_INT(seal(seal_key, 1, "c", 1, "f", plain, SEAL_MAX_PLAIN, big,
	    sizeof(big), &n), CRYPTO_OK);
	CHECK_INT(unseal(seal_key, "c", 1, "f", big, n, plain,
	    sizeof(plain), &n, NULL), CRYPTO_OK);
	CHECK_INT(n, SEAL_MAX_PLAIN);
	CHECK_INT(seal(seal_key, 1, "c", 1, "f", plain, SEAL_MAX_PLAIN + 1,
	    big, sizeof(big), &n), CRYPTO_EMALFORMED);
	CHECK_INT(unseal(seal_key, "c", 1, "f", big, SEAL_LEN(SEAL_MAX_PLAIN)
	    + 1, plain, sizeof(plain), &n, NULL), CRYPTO_EMALFORMED);
}

/*
 * Tokens
 */

static void
test_token_new(void)
{
	static const char *prefixes[] = { "ak_", "", "ms_", "ml_" };
	char tok[TOKEN_TEXT_MAX + 1], tok2[TOKEN_TEXT_MAX + 1];
	char idtext[TOKEN_ID_TEXT_LEN + 1];
	uint8_t id[TOKEN_ID_LEN], secret[TOKEN_SECRET_LEN];
	uint8_t id2[TOKEN_ID_LEN], secret2[TOKEN_SECRET_LEN];
	size_t i, plen;

	for (i = 0; i < sizeof(prefixes) / sizeof(prefixes[0]); i++) {
		plen = strlen(prefixes[i]);
		CHECK_INT(token_new(prefixes[i], tok, sizeof(tok), id, secret),
		    CRYPTO_OK);
		CHECK_INT(strlen(tok), plen + 55);
		CHECK(strncmp(tok, prefixes[i], plen) == 0);
		CHECK(strspn(tok + plen, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghij"
		    "klmnopqrstuvwxyz0123456789-_") == 55);
		CHECK_INT(token_parse(prefixes[i], tok, strlen(tok), id2,
		    secret2), CRYPTO_OK);
		CHECK(memcmp(id, id2, sizeof(id)) == 0);
		CHECK(memcmp(secret, secret2, sizeof(secret)) == 0);
		token_id_text(id, idtext);
		CHECK(strlen(idtext) == 12 &&
		    memcmp(idtext, tok + plen, 12) == 0);
	}
	CHECK_INT(token_new("ak_", tok2, sizeof(tok2), id2, secret2),
	    CRYPTO_OK);
	CHECK(memcmp(secret, secret2, sizeof(secret)) != 0);
	CHECK(memcmp(id, id2, sizeof(id)) != 0);
	/* the buffer: exactly enough, one short */
	CHECK_INT(token_new("ak_", tok, 3 + 55 + 1, id, secret), CRYPTO_OK);
	CHECK_INT(token_new("ak_", tok, 3 + 55, id, secret), CRYPTO_ESPACE);
	/* prefixes are short and plain */
	CHECK_INT(token_new("AK_", tok, sizeof(tok), id, secret),
	    CRYPTO_EMALFORMED);
	CHECK_INT(token_new("abcdefghi", tok, sizeof(tok), id, secret),
	    CRYPTO_EMALFORMED);
	CHECK_INT(token_new("abcdefgh", tok, sizeof(tok), id, secret),
	    CRYPTO_OK);
	CHECK_INT(token_new(NULL, tok, sizeof(tok), id, secret),
	    CRYPTO_EMALFORMED);
	explicit_bzero(secret, sizeof(secret));
	explicit_bzero(secret2, sizeof(secret2));
}

/* python: "ak_" + b64u(bytes(range(9))) + b64u(bytes(range(200, 232))) */
#define PY_TOKEN "ak_AAECAwQFBgcIyMnKy8zNzs_Q0dLT1NXW19jZ2tvc3d7f4OHi4-Tl5uc"

static void
test_token_kat(void)
{
	uint8_t id[TOKEN_ID_LEN], secret[TOKEN_SECRET_LEN];
	uint8_t wid[TOKEN_ID_LEN], wsecret[TOKEN_SECRET_LEN];
	char idtext[TOKEN_ID_TEXT_LEN + 1];

	fill_range(wid, sizeof(wid), 0);
	fill_range(wsecret, sizeof(wsecret), 200);
	CHECK_INT(token_parse("ak_", PY_TOKEN, sizeof(PY_TOKEN) - 1, id,
	    secret), CRYPTO_OK);
	CHECK(memcmp(id, wid, sizeof(id)) == 0);
	CHECK(memcmp(secret, wsecret, sizeof(secret)) == 0);
	token_id_text(id, idtext);
	CHECK_STR(idtext, "AAECAwQFBgcI");
}

/* token_parse of a variant of PY_TOKEN: rejected, outputs zeroed. */
static void
token_reject(const char *prefix, const char *text, size_t len)
{
	uint8_t id[TOKEN_ID_LEN], secret[TOKEN_SECRET_LEN];

	memset(id, 0xAA, sizeof(id));
	memset(secret, 0xAA, sizeof(secret));
	CHECK_INT(token_parse(prefix, text, len, id, secret),
	    CRYPTO_EMALFORMED);
	CHECK(all_zero(id, sizeof(id)) && all_zero(secret, sizeof(secret)));
}

static void
test_token_rejects(void)
{
	char t[80];
	size_t len = sizeof(PY_TOKEN) - 1;

	token_reject("ms_", PY_TOKEN, len);		/* wrong prefix */
	token_reject("", PY_TOKEN, len);		/* no prefix expected */
	token_reject("ak_", &PY_TOKEN[3], len - 3);	/* prefix missing */
	token_reject("ak_", PY_TOKEN, len - 1);		/* short */
	memcpy(t, PY_TOKEN, len + 1);
	t[len] = 'A';
	token_reject("ak_", t, len + 1);		/* long */
	t[len] = '=';
	token_reject("ak_", t, len + 1);		/* padded */
	memcpy(t, PY_TOKEN, len + 1);
	t[5] = '+';
	token_reject("ak_", t, len);
	t[5] = '/';
	token_reject("ak_", t, len);
	memcpy(t, PY_TOKEN, len + 1);
	t[30] = '+';
	token_reject("ak_", t, len);
	t[30] = '\0';
	token_reject("ak_", t, len);
	/* 'c' is 28 = 011100: 'd' sets a bit past the 256th */
	memcpy(t, PY_TOKEN, len + 1);
	CHECK(t[len - 1] == 'c');
	t[len - 1] = 'd';
	token_reject("ak_", t, len);
	t[len - 1] = 'f';
	token_reject("ak_", t, len);
	t[len - 1] = 'g';				/* 32 = 100000: fine */
	{
		uint8_t id[TOKEN_ID_LEN], secret[TOKEN_SECRET_LEN];

		CHECK_INT(token_parse("ak_", t, len, id, secret), CRYPTO_OK);
		CHECK_INT(secret[31], 0xe8);
	}
	/* an upper-case or over-long prefix argument */
	token_reject("AK_", PY_TOKEN, len);
	token_reject("abcdefghi", PY_TOKEN, len);
	token_reject("ak_", NULL, len);
	token_reject("ak_", "", 0);
}

static void
test_token_digest(void)
{
	uint8_t secret[32], d1[32], d2[32], want[32];

	fill_range(secret, sizeof(secret), 32);
	hex2bin("62215de7bddcea7e2c4047ff6bb94f8d18262fc8b3f3648134bb7d44158f"
	    "f84d", want, 32);
	CHECK_INT(token_digest(key32, secret, d1), CRYPTO_OK);
	CHECK(memcmp(d1, want, 32) == 0);
	CHECK(token_digest_equal(d1, want));
	memcpy(d2, d1, sizeof(d2));
	d2[31] ^= 1;
	CHECK(!token_digest_equal(d1, d2));
	d2[31] ^= 1;
	d2[0] ^= 0x80;
	CHECK(!token_digest_equal(d1, d2));
	/* another key, another digest */
	CHECK_INT(token_digest(seal_key, secret, d2), CRYPTO_OK);
	CHECK(!token_digest_equal(d1, d2));
}

/*
 * JWT
 */

/* python: hmac + base64 + json.dumps(separators=(',',':'), sort_keys) */
#define PY_JWT1 "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9."			\
	"eyJleHAiOjIwMDAwMDAwMDAsImp0aSI6ImotMSIsInJvbGUiOiJhZG1pbiIsInVz" \
	"ZXJfaWQiOiI0MiJ9.0rWo3QJLo2JlyxGgDxx-_29DuM8UrnvDAb6xz3LbRww"
/* {"exp":1700000000,"jti":"a\"b\\c","role":"user","user_id":"u/7"} */
#define PY_JWT2 "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9."			\
	"eyJleHAiOjE3MDAwMDAwMDAsImp0aSI6ImFcImJcXGMiLCJyb2xlIjoidXNlciIs" \
	"InVzZXJfaWQiOiJ1LzcifQ.INsRlHkR_LKC2OA_jTkQOZBm9RuKh4Z4btZFg2dCnyI"
#define HDR_B64	"eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9"
#define GOOD_CLAIMS "{\"exp\":2000000000,\"jti\":\"j-1\",\"role\":\"admin\"," \
	"\"user_id\":\"42\"}"
#define NOW	INT64_C(1000000000)

static struct jwt_claims claims;

static int
verify(const char *tok)
{
	return jwt_verify(key32, tok, strlen(tok), NOW, &claims);
}

/* Signs any header and payload text with key32, as an attacker with the
 * key (or a bug of ours) would: how the checks after the MAC are reached. */
static void
sign_raw(const char *hdr, size_t hlen, const char *payload, size_t plen,
    char *out, size_t outcap)
{
	uint8_t mac[32];
	size_t n, len;

	if (b64url_encode(hdr, hlen, out, outcap, &n) != CRYPTO_OK)
		abort();
	len = n;
	out[len++] = '.';
	if (b64url_encode(payload, plen, out + len, outcap - len, &n) !=
	    CRYPTO_OK)
		abort();
	len += n;
	if (crypto_hmac_sha256(key32, 32, out, len, mac) != CRYPTO_OK)
		abort();
	out[len++] = '.';
	if (b64url_encode(mac, sizeof(mac), out + len, outcap - len, &n) !=
	    CRYPTO_OK)
		abort();
}

static int
verify_signed(const char *hdr, const char *payload)
{
	char tok[4096];

	sign_raw(hdr, strlen(hdr), payload, strlen(payload), tok, sizeof(tok));
	return verify(tok);
}

#define HS256	"{\"alg\":\"HS256\",\"typ\":\"JWT\"}"

static void
test_jwt_python_kat(void)
{
	CHECK_INT(verify(PY_JWT1), CRYPTO_OK);
	CHECK_STR(claims.user_id, "42");
	CHECK_STR(claims.role, "admin");
	CHECK_INT(claims.exp, 2000000000);
	CHECK_STR(claims.jti, "j-1");
	CHECK_INT(verify(PY_JWT2), CRYPTO_OK);
	CHECK_STR(claims.user_id, "u/7");
	CHECK_STR(claims.role, "user");
	CHECK_INT(claims.exp, 1700000000);
	CHECK_STR(claims.jti, "a\"b\\c");
	/* and our signing helper agrees with python */
	{
		char tok[512];

		sign_raw(HS256, strlen(HS256), GOOD_CLAIMS,
		    strlen(GOOD_CLAIMS), tok, sizeof(tok));
		CHECK_STR(tok, PY_JWT1);
	}
}

static void
test_jwt_mint(void)
{
	char tok[JWT_MAX_LEN + 1];
	uint8_t k[32];

	/* byte for byte what python builds */
	CHECK_INT(jwt_mint(key32, "42", "admin", 2000000000, "j-1", tok,
	    sizeof(tok)), CRYPTO_OK);
	CHECK_STR(tok, PY_JWT1);
	CHECK_INT(jwt_mint(key32, "u/7", "user", 1700000000, "a\"b\\c", tok,
	    sizeof(tok)), CRYPTO_OK);
	CHECK_STR(tok, PY_JWT2);
	/* exactly the room it needs */
	CHECK_INT(jwt_mint(key32, "42", "admin", 2000000000, "j-1", tok,
	    sizeof(PY_JWT1)), CRYPTO_OK);
	CHECK_INT(jwt_mint(key32, "42", "admin", 2000000000, "j-1", tok,
	    sizeof(PY_JWT1) - 1), CRYPTO_ESPACE);
	/* with a derived key; another key says bad signature */
	CHECK_INT(crypto_derive(key32, 32, "jwt", k), CRYPTO_OK);
	CHECK_INT(jwt_mint(k, "7", "user", NOW + 60, "s1", tok, sizeof(tok)),
	    CRYPTO_OK);
	CHECK_INT(jwt_verify(k, tok, strlen(tok), NOW, &claims), CRYPTO_OK);
	CHECK_STR(claims.user_id, "7");
	CHECK_INT(verify(tok), CRYPTO_EBADSIG);
	CHECK_STR(claims.user_id, "");
	explicit_bzero(k, sizeof(k));
}

static void
test_jwt_mint_rejects(void)
{
	char tok[JWT_MAX_LEN + 1], big[66];

	memset(big, 'x', sizeof(big));
	big[64] = '\0';
	CHECK_INT(jwt_mint(key32, big, "user", 1, big, tok, sizeof(tok)),
	    CRYPTO_OK);
	CHECK_INT(jwt_verify(key32, tok, strlen(tok), 0, &claims), CRYPTO_OK);
	CHECK_STR(claims.jti, big);
	big[64] = 'x';
	big[65] = '\0';
	CHECK_INT(jwt_mint(key32, big, "user", 1, "j", tok, sizeof(tok)),
	    CRYPTO_EMALFORMED);
	CHECK_INT(jwt_mint(key32, "u", "user", 1, big, tok, sizeof(tok)),
	    CRYPTO_EMALFORMED);
	CHECK_INT(jwt_mint(key32, "u", "root", 1, "j", tok, sizeof(tok)),
	    CRYPTO_EMALFORMED);
	CHECK_INT(jwt_mint(key32, "u", "admins", 1, "j", tok, sizeof(tok)),
	    CRYPTO_EMALFORMED);
	CHECK_INT(jwt_mint(key32, "", "user", 1, "j", tok, sizeof(tok)),
	    CRYPTO_EMALFORMED);
	CHECK_INT(jwt_mint(key32, "a b", "user", 1, "j", tok, sizeof(tok)),
	    CRYPTO_EMALFORMED);
	CHECK_INT(jwt_mint(key32, "u", "user", 1, "j\n", tok, sizeof(tok)),
	    CRYPTO_EMALFORMED);
	CHECK_INT(jwt_mint(key32, "u\xc3\xa9", "user", 1, "j", tok,
	    sizeof(tok)), CRYPTO_EMALFORMED);
	CHECK_INT(jwt_mint(key32, "u", "user", -1, "j", tok, sizeof(tok)),
	    CRYPTO_EMALFORMED);
	CHECK_INT(jwt_mint(key32, "u", "user", 1, NULL, tok, sizeof(tok)),
	    CRYPTO_EMALFORMED);
}

static void
test_jwt_expired(void)
{
	char tok[JWT_MAX_LEN + 1];

	CHECK_INT(jwt_mint(key32, "42", "user", NOW, "j", tok, sizeof(tok)),
	    CRYPTO_OK);
	/* now >= exp is expired; the claims say whose it was */
	CHECK_INT(jwt_verify(key32, tok, strlen(tok), NOW, &claims),
	    CRYPTO_EEXPIRED);
	CHECK_STR(claims.user_id, "42");
	CHECK_INT(jwt_verify(key32, tok, strlen(tok), NOW + 1, &claims),
	    CRYPTO_EEXPIRED);
	CHECK_INT(jwt_verify(key32, tok, strlen(tok), NOW - 1, &claims),
	    CRYPTO_OK);
	CHECK_INT(jwt_verify(key32, PY_JWT1, strlen(PY_JWT1), 2000000000,
	    &claims), CRYPTO_EEXPIRED);
	CHECK_INT(jwt_verify(key32, PY_JWT1, strlen(PY_JWT1), INT64_MAX,
	    &claims), CRYPTO_EEXPIRED);
	CHECK_INT(jwt_verify(key32, PY_JWT1, strlen(PY_JWT1), INT64_MIN,
	    &claims), CRYPTO_OK);
}

static void
test_jwt_bad_signature(void)
{
	char tok[sizeof(PY_JWT1)], sigtext[64];
	uint8_t sig[32];
	size_t len = sizeof(PY_JWT1) - 1, n, i;
	int bit, wrong = 0;

	/* every single-bit change of the signature */
	CHECK_INT(b64url_decode_strict(&PY_JWT1[len - 43], 43, sig,
	    sizeof(sig), &n), CRYPTO_OK);
	for (i = 0; i < sizeof(sig); i++) {
		for (bit = 0; bit < 8; bit++) {
			sig[i] ^= (uint8_t)(1 << bit);
			memcpy(tok, PY_JWT1, len + 1);
			if (b64url_encode(sig, sizeof(sig), sigtext,
			    sizeof(sigtext), &n) != CRYPTO_OK)
				abort();
			memcpy(tok + len - 43, sigtext, 43);
			if (verify(tok) != CRYPTO_EBADSIG)
				wrong++;
			sig[i] ^= (uint8_t)(1 << bit);
		}
	}
	CHECK_INT(wrong, 0);
	/* a payload changed (still canonical): bad signature */
	memcpy(tok, PY_JWT1, len + 1);
	tok[40] = tok[40] == 'A' ? 'B' : 'A';
	CHECK_INT(verify(tok), CRYPTO_EBADSIG);
	/* the claims are not filled from an unauthenticated payload */
	CHECK_STR(claims.user_id, "");
	CHECK_STR(claims.role, "");
}

static void
test_jwt_alg(void)
{
	char tok[1024], h[128];
	const char *p;
	uint8_t mac[64];
	size_t n;

	/* alg none, unsigned: malformed, whatever the payload */
	CHECK_INT(b64url_encode("{\"alg\":\"none\",\"typ\":\"JWT\"}", 26, h,
	    sizeof(h), &n), CRYPTO_OK);
	p = strchr(PY_JWT1, '.');
	snprintf(tok, sizeof(tok), "%s%.*s.", h, (int)(strrchr(PY_JWT1, '.') -
	    p), p);
	CHECK_INT(verify(tok), CRYPTO_EMALFORMED);
	tok[strlen(tok) - 1] = '\0';
	CHECK_INT(verify(tok), CRYPTO_EMALFORMED);
	/* alg none with our signature: the header is still refused */
	CHECK_INT(verify_signed("{\"alg\":\"none\",\"typ\":\"JWT\"}",
	    GOOD_CLAIMS), CRYPTO_EMALFORMED);
	CHECK_INT(verify_signed("{\"alg\":\"none\"}", GOOD_CLAIMS),
	    CRYPTO_EMALFORMED);
	/* HS512 with a 64-byte signature: wrong length, malformed */
	memset(mac, 0x11, sizeof(mac));
	CHECK_INT(b64url_encode("{\"alg\":\"HS512\",\"typ\":\"JWT\"}", 27, h,
	    sizeof(h), &n), CRYPTO_OK);
	snprintf(tok, sizeof(tok), "%s.eyJ4IjoxfQ.", h);
	CHECK_INT(b64url_encode(mac, sizeof(mac), tok + strlen(tok),
	    sizeof(tok) - strlen(tok), &n), CRYPTO_OK);
	CHECK_INT(verify(tok), CRYPTO_EMALFORMED);
	/* HS512 in the header, HS256 under our key: refused */
	CHECK_INT(verify_signed("{\"alg\":\"HS512\",\"typ\":\"JWT\"}",
	    GOOD_CLAIMS), CRYPTO_EMALFORMED);
	CHECK_INT(verify_signed("{\"alg\":\"RS256\",\"typ\":\"JWT\"}",
	    GOOD_CLAIMS), CRYPTO_EMALFORMED);
	CHECK_INT(verify_signed("{\"alg\":\"hs256\",\"typ\":\"JWT\"}",
	    GOOD_CLAIMS), CRYPTO_EMALFORMED);
}

static void
test_jwt_header(void)
{
	/* typ is optional; order does not matter once authentic */
	CHECK_INT(verify_signed(HS256, GOOD_CLAIMS), CRYPTO_OK);
	CHECK_INT(verify_signed("{\"alg\":\"HS256\"}", GOOD_CLAIMS),
	    CRYPTO_OK);
	CHECK_INT(verify_signed("{\"typ\":\"JWT\",\"alg\":\"HS256\"}",
	    GOOD_CLAIMS), CRYPTO_OK);
	CHECK_INT(verify_signed("{\"alg\":\"HS256\",\"alg\":\"HS256\"}",
	    GOOD_CLAIMS), CRYPTO_EMALFORMED);
	CHECK_INT(verify_signed("{\"alg\":\"HS256\",\"kid\":\"1\"}",
	    GOOD_CLAIMS), CRYPTO_EMALFORMED);
	CHECK_INT(verify_signed("{\"alg\":\"HS256\",\"typ\":\"jwt\"}",
	    GOOD_CLAIMS), CRYPTO_EMALFORMED);
	CHECK_INT(verify_signed("{\"alg\":\"HS256\",\"typ\":1}", GOOD_CLAIMS),
	    CRYPTO_EMALFORMED);
	CHECK_INT(verify_signed("{\"alg\":256}", GOOD_CLAIMS),
	    CRYPTO_EMALFORMED);
	CHECK_INT(verify_signed("{\"alg\":\"HS256\\u0000\"}", GOOD_CLAIMS),
	    CRYPTO_EMALFORMED);
	CHECK_INT(verify_signed("[\"HS256\"]", GOOD_CLAIMS),
	    CRYPTO_EMALFORMED);
	CHECK_INT(verify_signed("{\"alg\":{\"x\":\"HS256\"}}", GOOD_CLAIMS),
	    CRYPTO_EMALFORMED);
	CHECK_INT(verify_signed("{}", GOOD_CLAIMS), CRYPTO_EMALFORMED);
	CHECK_INT(verify_signed("not json", GOOD_CLAIMS), CRYPTO_EMALFORMED);
}

static void
test_jwt_swapped_header(void)
{
	char tok[512], h[128];
	size_t n;

	/* an equivalent header on a token signed over another one */
	CHECK_INT(b64url_encode("{\"typ\":\"JWT\",\"alg\":\"HS256\"}", 27, h,
	    sizeof(h), &n), CRYPTO_OK);
	snprintf(tok, sizeof(tok), "%s%s", h, strchr(PY_JWT1, '.'));
	CHECK_INT(verify(tok), CRYPTO_EBADSIG);
	CHECK_INT(b64url_encode("{\"alg\":\"HS256\"}", 15, h, sizeof(h), &n),
	    CRYPTO_OK);
	snprintf(tok, sizeof(tok), "%s%s", h, strchr(PY_JWT1, '.'));
	CHECK_INT(verify(tok), CRYPTO_EBADSIG);
	/* the payload of one token under the signature of another */
	snprintf(tok, sizeof(tok), "%.*s%s", (int)(strrchr(PY_JWT2, '.') -
	    PY_JWT2), PY_JWT2, strrchr(PY_JWT1, '.'));
	CHECK_INT(verify(tok), CRYPTO_EBADSIG);
}

static void
test_jwt_parts(void)
{
	char tok[600];
	const char *p1 = strchr(PY_JWT1, '.'), *p2 = strrchr(PY_JWT1, '.');

	CHECK_INT(verify(""), CRYPTO_EMALFORMED);
	CHECK_INT(verify(HDR_B64), CRYPTO_EMALFORMED);
	snprintf(tok, sizeof(tok), "%.*s", (int)(p2 - PY_JWT1), PY_JWT1);
	CHECK_INT(verify(tok), CRYPTO_EMALFORMED);		/* two parts */
	snprintf(tok, sizeof(tok), "%s.", PY_JWT1);
	CHECK_INT(verify(tok), CRYPTO_EMALFORMED);		/* 4, empty */
	snprintf(tok, sizeof(tok), "%s.%s", PY_JWT1, p2 + 1);
	CHECK_INT(verify(tok), CRYPTO_EMALFORMED);		/* 4 parts */
	snprintf(tok, sizeof(tok), "%s", p1);
	CHECK_INT(verify(tok), CRYPTO_EMALFORMED);		/* no header */
	snprintf(tok, sizeof(tok), "%s.%s", HDR_B64, p2);
	CHECK_INT(verify(tok), CRYPTO_EMALFORMED);		/* no payload */
	snprintf(tok, sizeof(tok), "%.*s.", (int)(p2 - PY_JWT1), PY_JWT1);
	CHECK_INT(verify(tok), CRYPTO_EMALFORMED);		/* no sig */
	snprintf(tok, sizeof(tok), "..");
	CHECK_INT(verify(tok), CRYPTO_EMALFORMED);
	snprintf(tok, sizeof(tok), " %s", PY_JWT1);
	CHECK_INT(verify(tok), CRYPTO_EMALFORMED);
	snprintf(tok, sizeof(tok), "%s\n", PY_JWT1);
	CHECK_INT(verify(tok), CRYPTO_EMALFORMED);
	CHECK_INT(jwt_verify(key32, NULL, 10, NOW, &claims),
	    CRYPTO_EMALFORMED);
	CHECK_INT(jwt_verify(key32, PY_JWT1, strlen(PY_JWT1), NOW, NULL),
	    CRYPTO_EMALFORMED);
	/* a length that stops short of the end */
	CHECK_INT(jwt_verify(key32, PY_JWT1, strlen(PY_JWT1) - 1, NOW,
	    &claims), CRYPTO_EMALFORMED);
}

static void
test_jwt_encoding(void)
{
	char tok[600];
	size_t len = strlen(PY_JWT1);
	char *sig;

	/* padding on any part */
	snprintf(tok, sizeof(tok), "%s=", PY_JWT1);
	CHECK_INT(verify(tok), CRYPTO_EMALFORMED);
	snprintf(tok, sizeof(tok), "%s", PY_JWT1);
	sig = strrchr(tok, '.');
	memmove(sig + 1, sig, strlen(sig) + 1);
	*sig = '=';
	CHECK_INT(verify(tok), CRYPTO_EMALFORMED);
	/* the standard alphabet: '_' and '-' of the signature as '/' '+' */
	snprintf(tok, sizeof(tok), "%s", PY_JWT1);
	*strchr(strrchr(tok, '.'), '_') = '/';
	CHECK_INT(verify(tok), CRYPTO_EMALFORMED);
	snprintf(tok, sizeof(tok), "%s", PY_JWT1);
	*strchr(strrchr(tok, '.'), '-') = '+';
	CHECK_INT(verify(tok), CRYPTO_EMALFORMED);
	/* non-canonical: the signature's last 'w' (48) as 'x' (49) */
	snprintf(tok, sizeof(tok), "%s", PY_JWT1);
	CHECK(tok[len - 1] == 'w');
	tok[len - 1] = 'x';
	CHECK_INT(verify(tok), CRYPTO_EMALFORMED);
	/* a NUL inside */
	snprintf(tok, sizeof(tok), "%s", PY_JWT1);
	tok[10] = '\0';
	CHECK_INT(jwt_verify(key32, tok, len, NOW, &claims),
	    CRYPTO_EMALFORMED);
	snprintf(tok, sizeof(tok), "%s", PY_JWT1);
	tok[len] = '\0';
	CHECK_INT(jwt_verify(key32, tok, len + 1, NOW, &claims),
	    CRYPTO_EMALFORMED);
}

static void
test_jwt_noncanonical_payload(void)
{
	char tok[600];
	const char *pl = "{\"exp\":2000000000,\"jti\":\"j\",\"role\":\"user\","
	    "\"user_id\":\"u\"}";
	char *end;
	size_t n = strlen(pl);

	/* a payload whose length is 2 mod 3 ends in a 2-bit-spare char */
	CHECK_INT(n % 3, 2);
	sign_raw(HS256, strlen(HS256), pl, n, tok, sizeof(tok));
	CHECK_INT(verify(tok), CRYPTO_OK);
	end = strrchr(tok, '.') - 1;
	CHECK(*end == '0');	/* "}" = 0x7d ends in 1101, then 00 */
	*end = '1';
	CHECK_INT(verify(tok), CRYPTO_EMALFORMED);
}

static void
test_jwt_claims(void)
{
	char big[200];

	CHECK_INT(verify_signed(HS256, GOOD_CLAIMS), CRYPTO_OK);
	/* exp: integer only, non-negative, in range */
	CHECK_INT(verify_signed(HS256, "{\"exp\":\"2000000000\",\"jti\":\"j\","
	    "\"role\":\"user\",\"user_id\":\"u\"}"), CRYPTO_EMALFORMED);
	CHECK_INT(verify_signed(HS256, "{\"exp\":2000000000.0,\"jti\":\"j\","
	    "\"role\":\"user\",\"user_id\":\"u\"}"), CRYPTO_EMALFORMED);
	CHECK_INT(verify_signed(HS256, "{\"exp\":2e9,\"jti\":\"j\","
	    "\"role\":\"user\",\"user_id\":\"u\"}"), CRYPTO_EMALFORMED);
	CHECK_INT(verify_signed(HS256, "{\"exp\":-1,\"jti\":\"j\","
	    "\"role\":\"user\",\"user_id\":\"u\"}"), CRYPTO_EMALFORMED);
	CHECK_INT(verify_signed(HS256, "{\"exp\":true,\"jti\":\"j\","
	    "\"role\":\"user\",\"user_id\":\"u\"}"), CRYPTO_EMALFORMED);
	CHECK_INT(verify_signed(HS256, "{\"exp\":null,\"jti\":\"j\","
	    "\"role\":\"user\",\"user_id\":\"u\"}"), CRYPTO_EMALFORMED);
	CHECK_INT(verify_signed(HS256, "{\"exp\":99999999999999999999,"
	    "\"jti\":\"j\",\"role\":\"user\",\"user_id\":\"u\"}"),
	    CRYPTO_EMALFORMED);
	CHECK_INT(verify_signed(HS256, "{\"exp\":9223372036854775807,"
	    "\"jti\":\"j\",\"role\":\"user\",\"user_id\":\"u\"}"), CRYPTO_OK);
	CHECK_INT(claims.exp, INT64_MAX);
	/* duplicates, missing, extra */
	CHECK_INT(verify_signed(HS256, "{\"exp\":2000000000,\"jti\":\"j\","
	    "\"role\":\"user\",\"user_id\":\"u\",\"user_id\":\"1\"}"),
	    CRYPTO_EMALFORMED);
	CHECK_INT(verify_signed(HS256, "{\"exp\":2000000000,\"jti\":\"j\","
	    "\"role\":\"user\",\"role\":\"admin\"}"), CRYPTO_EMALFORMED);
	CHECK_INT(verify_signed(HS256, "{\"exp\":2000000000,"
	    "\"role\":\"user\",\"user_id\":\"u\"}"), CRYPTO_EMALFORMED);
	CHECK_INT(verify_signed(HS256, "{\"exp\":2000000000,\"jti\":\"j\","
	    "\"role\":\"user\",\"user_id\":\"u\",\"iat\":1}"),
	    CRYPTO_EMALFORMED);
	/* role: admin or user, exactly */
	CHECK_INT(verify_signed(HS256, "{\"exp\":2000000000,\"jti\":\"j\","
	    "\"role\":\"root\",\"user_id\":\"u\"}"), CRYPTO_EMALFORMED);
	CHECK_INT(verify_signed(HS256, "{\"exp\":2000000000,\"jti\":\"j\","
	    "\"role\":\"Admin\",\"user_id\":\"u\"}"), CRYPTO_EMALFORMED);
	CHECK_INT(verify_signed(HS256, "{\"exp\":2000000000,\"jti\":\"j\","
	    "\"role\":\"admin \",\"user_id\":\"u\"}"), CRYPTO_EMALFORMED);
	CHECK_INT(verify_signed(HS256, "{\"exp\":2000000000,\"jti\":\"j\","
	    "\"role\":\"\",\"user_id\":\"u\"}"), CRYPTO_EMALFORMED);
	CHECK_INT(verify_signed(HS256, "{\"exp\":2000000000,\"jti\":\"j\","
	    "\"role\":[\"admin\"],\"user_id\":\"u\"}"), CRYPTO_EMALFORMED);
	/* user_id and jti: strings of 1 to 64 printable characters */
	CHECK_INT(verify_signed(HS256, "{\"exp\":2000000000,\"jti\":\"j\","
	    "\"role\":\"user\",\"user_id\":42}"), CRYPTO_EMALFORMED);
	CHECK_INT(verify_signed(HS256, "{\"exp\":2000000000,\"jti\":\"j\","
	    "\"role\":\"user\",\"user_id\":\"\"}"), CRYPTO_EMALFORMED);
	CHECK_INT(verify_signed(HS256, "{\"exp\":2000000000,\"jti\":\"j\","
	    "\"role\":\"user\",\"user_id\":\"a b\"}"), CRYPTO_EMALFORMED);
	CHECK_INT(verify_signed(HS256, "{\"exp\":2000000000,\"jti\":\"j\","
	    "\"role\":\"user\",\"user_id\":\"a\\nb\"}"), CRYPTO_EMALFORMED);
	CHECK_INT(verify_signed(HS256, "{\"exp\":2000000000,\"jti\":\"j\","
	    "\"role\":\"user\",\"user_id\":\"\\u00e9\"}"), CRYPTO_EMALFORMED);
	CHECK_INT(verify_signed(HS256, "{\"exp\":2000000000,\"jti\":\"j"
	    "\\u0000\",\"role\":\"user\",\"user_id\":\"u\"}"),
	    CRYPTO_EMALFORMED);
	snprintf(big, sizeof(big), "{\"exp\":2000000000,\"jti\":\"j\","
	    "\"role\":\"user\",\"user_id\":\"%064d\"}", 7);
	CHECK_INT(verify_signed(HS256, big), CRYPTO_OK);
	CHECK_INT(strlen(claims.user_id), 64);
	snprintf(big, sizeof(big), "{\"exp\":2000000000,\"jti\":\"j\","
	    "\"role\":\"user\",\"user_id\":\"%065d\"}", 7);
	CHECK_INT(verify_signed(HS256, big), CRYPTO_EMALFORMED);
	snprintf(big, sizeof(big), "{\"exp\":2000000000,\"jti\":\"%065d\","
	    "\"role\":\"user\",\"user_id\":\"u\"}", 7);
	CHECK_INT(verify_signed(HS256, big), CRYPTO_EMALFORMED);
	/* not a flat object, not JSON, or more after it */
	CHECK_INT(verify_signed(HS256, "[1,2]"), CRYPTO_EMALFORMED);
	CHECK_INT(verify_signed(HS256, "\"x\""), CRYPTO_EMALFORMED);
	CHECK_INT(verify_signed(HS256, "{\"exp\":2000000000,\"jti\":\"j\","
	    "\"role\":\"user\",\"user_id\":{\"a\":[[]]}}"), CRYPTO_EMALFORMED);
	CHECK_INT(verify_signed(HS256, GOOD_CLAIMS "{}"), CRYPTO_EMALFORMED);
	CHECK_INT(verify_signed(HS256, GOOD_CLAIMS " x"), CRYPTO_EMALFORMED);
	CHECK_INT(verify_signed(HS256, "{\"exp\":2000000000,"),
	    CRYPTO_EMALFORMED);
	CHECK_INT(verify_signed(HS256, "\xff\xfe"), CRYPTO_EMALFORMED);
	/* brackets inside strings do not count as nesting */
	CHECK_INT(verify_signed(HS256, "{\"exp\":2000000000,\"jti\":\"[{\\\""
	    "\",\"role\":\"user\",\"user_id\":\"]}\"}"), CRYPTO_OK);
	CHECK_STR(claims.jti, "[{\"");
}

static void
test_jwt_oversize(void)
{
	static char payload[2000], tok[4096];
	const char *head = "{\"exp\":2000000000,\"jti\":\"j\",\"role\":"
	    "\"user\",\"user_id\":\"u\"";
	size_t plen;

	/* 36 + 1 + B64URL_LEN(1475) + 1 + 43 = 2048 exactly */
	for (plen = 1475; plen <= 1476; plen++) {
		memset(payload, ' ', plen);
		memcpy(payload, head, strlen(head));
		payload[plen - 1] = '}';
		payload[plen] = '\0';
		sign_raw(HS256, strlen(HS256), payload, plen, tok, sizeof(tok));
		CHECK_INT(strlen(tok), plen == 1475 ? 2048 : 2049);
		CHECK_INT(verify(tok), plen == 1475 ? CRYPTO_OK :
		    CRYPTO_EMALFORMED);
	}
	memset(tok, 'A', sizeof(tok));
	CHECK_INT(jwt_verify(key32, tok, sizeof(tok), NOW, &claims),
	    CRYPTO_EMALFORMED);
	/* a header past its bound */
	memset(payload, ' ', 150);
	memcpy(payload, HS256, strlen(HS256) - 1);
	payload[149] = '}';
	payload[150] = '\0';
	sign_raw(payload, 150, GOOD_CLAIMS, strlen(GOOD_CLAIMS), tok,
	    sizeof(tok));
	CHECK_INT(verify(tok), CRYPTO_EMALFORMED);
	payload[100] = '}';
	payload[101] = '\0';
	sign_raw(payload, 101, GOOD_CLAIMS, strlen(GOOD_CLAIMS), tok,
	    sizeof(tok));
	CHECK_INT(verify(tok), CRYPTO_OK);
}

/*
 * Account v2 signatures
 */

#define XDATE	"Sun, 06 Nov 1994 08:49:37 GMT"
#define V2_SECRET	((const uint8_t *)"s3cr3t-key")
#define V2_BODY	"{\"name\":\"k\"}"
#define PY_SIG_PUT	"wEnRbQWzRY97Y5qTb0vsaouzUpY8jKB/T0Xk54JML5Q="
#define PY_SIG_GET	"vRItD9Z6xYQcnXxCMfgPelwoW6p71Erv9UYW9HRthkY="

static int
v2(const char *method, const char *host, const char *date, const char *path,
    const char *body, const char *given)
{
	return sig_v2_verify(V2_SECRET, 10, method, host, date, path, body,
	    body == NULL ? 0 : strlen(body), given, strlen(given));
}

static void
test_sig_v2_kat(void)
{
	char out[SIG_V2_LEN + 1];

	CHECK_INT(sig_v2_compute(V2_SECRET, 10, "PUT", "api.example.com",
	    XDATE, "/v2/account/sshkey?x=1", V2_BODY, strlen(V2_BODY), out),
	    CRYPTO_OK);
	CHECK_STR(out, PY_SIG_PUT);
	CHECK_INT(sig_v2_compute(V2_SECRET, 10, "GET", "api.example.com",
	    XDATE, "/v2/account", NULL, 0, out), CRYPTO_OK);
	CHECK_STR(out, PY_SIG_GET);
	CHECK_INT(v2("PUT", "api.example.com", XDATE, "/v2/account/sshkey?x=1",
	    V2_BODY, PY_SIG_PUT), CRYPTO_OK);
	CHECK_INT(v2("GET", "api.example.com", XDATE, "/v2/account", NULL,
	    PY_SIG_GET), CRYPTO_OK);
}

static void
test_sig_v2_rejects(void)
{
	char sig[SIG_V2_LEN + 2], out[SIG_V2_LEN + 1];
	const char *h = "api.example.com", *p = "/v2/account/sshkey?x=1";

	/* any part of the request changed */
	CHECK_INT(v2("POST", h, XDATE, p, V2_BODY, PY_SIG_PUT),
	    CRYPTO_EBADSIG);
	CHECK_INT(v2("PUT", "api.example.org", XDATE, p, V2_BODY, PY_SIG_PUT),
	    CRYPTO_EBADSIG);
	CHECK_INT(v2("PUT", h, "Mon, 07 Nov 1994 08:49:37 GMT", p, V2_BODY,
	    PY_SIG_PUT), CRYPTO_EBADSIG);
	CHECK_INT(v2("PUT", h, XDATE, "/v2/account/sshkey?x=2", V2_BODY,
	    PY_SIG_PUT), CRYPTO_EBADSIG);
	CHECK_INT(v2("PUT", h, XDATE, p, "{\"name\":\"K\"}", PY_SIG_PUT),
	    CRYPTO_EBADSIG);
	CHECK_INT(v2("PUT", h, XDATE, p, NULL, PY_SIG_PUT), CRYPTO_EBADSIG);
	/* the signature changed, shortened, lengthened */
	snprintf(sig, sizeof(sig), "%s", PY_SIG_PUT);
	sig[0] = 'x';
	CHECK_INT(v2("PUT", h, XDATE, p, V2_BODY, sig), CRYPTO_EBADSIG);
	snprintf(sig, sizeof(sig), "%s", PY_SIG_PUT);
	sig[43] = 'A';		/* padding replaced */
	CHECK_INT(v2("PUT", h, XDATE, p, V2_BODY, sig), CRYPTO_EBADSIG);
	sig[43] = '\0';
	CHECK_INT(v2("PUT", h, XDATE, p, V2_BODY, sig), CRYPTO_EMALFORMED);
	snprintf(sig, sizeof(sig), "%s=", PY_SIG_PUT);
	CHECK_INT(v2("PUT", h, XDATE, p, V2_BODY, sig), CRYPTO_EMALFORMED);
	CHECK_INT(v2("PUT", h, XDATE, p, V2_BODY, ""), CRYPTO_EMALFORMED);
	/* another secret */
	CHECK_INT(sig_v2_verify((const uint8_t *)"s3cr3t-kez", 10, "PUT", h,
	    XDATE, p, V2_BODY, strlen(V2_BODY), PY_SIG_PUT,
	    strlen(PY_SIG_PUT)), CRYPTO_EBADSIG);
	/* a newline would let fields slide into each other */
	CHECK_INT(v2("PUT", "api.example.com\nx", XDATE, p, V2_BODY,
	    PY_SIG_PUT), CRYPTO_EMALFORMED);
	CHECK_INT(v2("PUT\n", h, XDATE, p, V2_BODY, PY_SIG_PUT),
	    CRYPTO_EMALFORMED);
	CHECK_INT(v2("PUT", h, XDATE, "/a\n", V2_BODY, PY_SIG_PUT),
	    CRYPTO_EMALFORMED);
	CHECK_INT(v2("PUT", h, XDATE "\n", p, V2_BODY, PY_SIG_PUT),
	    CRYPTO_EMALFORMED);
	/* empty or missing fields, secret bounds */
	CHECK_INT(v2("", h, XDATE, p, V2_BODY, PY_SIG_PUT),
	    CRYPTO_EMALFORMED);
	CHECK_INT(v2("PUT", NULL, XDATE, p, V2_BODY, PY_SIG_PUT),
	    CRYPTO_EMALFORMED);
	CHECK_INT(sig_v2_compute(V2_SECRET, 0, "PUT", h, XDATE, p, NULL, 0,
	    out), CRYPTO_EMALFORMED);
	CHECK_INT(sig_v2_compute(V2_SECRET, SIG_V2_SECRET_MAX + 1, "PUT", h,
	    XDATE, p, NULL, 0, out), CRYPTO_EMALFORMED);
	CHECK_INT(sig_v2_compute(V2_SECRET, 10, "PUT", h, XDATE, p, NULL, 1,
	    out), CRYPTO_EMALFORMED);
	CHECK_INT(sig_v2_compute(V2_SECRET, 10, "PUT", h, XDATE, p, "x",
	    SIG_V2_BODY_MAX + 1, out), CRYPTO_EMALFORMED);
	CHECK_STR(out, "");
}

static void
test_sig_v2_fresh(void)
{
	int64_t t = 784111777;

	CHECK(sig_v2_fresh(t, t, SIG_V2_WINDOW));
	CHECK(sig_v2_fresh(t, t + 300, SIG_V2_WINDOW));
	CHECK(sig_v2_fresh(t, t - 300, SIG_V2_WINDOW));
	CHECK(!sig_v2_fresh(t, t + 301, SIG_V2_WINDOW));
	CHECK(!sig_v2_fresh(t, t - 301, SIG_V2_WINDOW));
	CHECK(!sig_v2_fresh(INT64_MIN, INT64_MAX, SIG_V2_WINDOW));
	CHECK(!sig_v2_fresh(INT64_MAX, INT64_MIN, SIG_V2_WINDOW));
	CHECK(!sig_v2_fresh(INT64_MAX, -1, INT64_MAX));
	CHECK(sig_v2_fresh(INT64_MAX, 0, INT64_MAX));
	CHECK(!sig_v2_fresh(t, t, -1));
}

static void
test_sig_v2_digest(void)
{
	uint8_t d[32], want[32], d2[32];

	hex2bin("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f200"
	    "15ad", want, 32);
	CHECK_INT(sig_v2_digest("abc", 3, d), CRYPTO_OK);
	CHECK(memcmp(d, want, 32) == 0);
	CHECK_INT(sig_v2_digest(PY_SIG_PUT, 44, d), CRYPTO_OK);
	CHECK_INT(sig_v2_digest(PY_SIG_GET, 44, d2), CRYPTO_OK);
	CHECK(memcmp(d, d2, 32) != 0);
	CHECK_INT(sig_v2_digest("", 0, d), CRYPTO_EMALFORMED);
	CHECK_INT(sig_v2_digest(PY_SIG_PUT, SIG_V2_GIVEN_MAX + 1, d),
	    CRYPTO_EMALFORMED);
}

/*
 * HTTP dates
 */

static int
date(const char *s, int64_t *t)
{
	return http_date_parse(s, strlen(s), t);
}

static void
test_http_date_kat(void)
{
	char out[HTTP_DATE_LEN + 1];
	int64_t t = -1;

	CHECK_INT(date(XDATE, &t), CRYPTO_OK);
	CHECK_INT(t, 784111777);
	CHECK_INT(date("Thu, 29 Feb 2024 23:59:59 GMT", &t), CRYPTO_OK);
	CHECK_INT(t, 1709251199);
	CHECK_INT(date("Thu, 01 Jan 1970 00:00:00 GMT", &t), CRYPTO_OK);
	CHECK_INT(t, 0);
	CHECK_INT(date("Fri, 31 Dec 9999 23:59:59 GMT", &t), CRYPTO_OK);
	CHECK_INT(t, 253402300799LL);
	CHECK_INT(date("Tue, 29 Feb 2000 12:00:00 GMT", &t), CRYPTO_OK);
	CHECK_INT(http_date_format(784111777, out), CRYPTO_OK);
	CHECK_STR(out, XDATE);
	CHECK_INT(http_date_format(1709251199, out), CRYPTO_OK);
	CHECK_STR(out, "Thu, 29 Feb 2024 23:59:59 GMT");
	CHECK_INT(http_date_format(-1, out), CRYPTO_EMALFORMED);
	CHECK_INT(http_date_format(253402300800LL, out), CRYPTO_EMALFORMED);
}

static void
test_http_date_rejects(void)
{
	int64_t t = 5;

#define BAD(s) CHECK_INT(date(s, &t), CRYPTO_EMALFORMED)
	BAD("Mon, 06 Nov 1994 08:49:37 GMT");	/* not that day's name */
	BAD("sun, 06 Nov 1994 08:49:37 GMT");
	BAD("Sun, 06 nov 1994 08:49:37 GMT");
	BAD("Sunday, 06-Nov-94 08:49:37 GMT");	/* RFC 850 */
	BAD("Sun Nov  6 08:49:37 1994");	/* asctime */
	BAD("Sun, 06 Nov 1994 08:49:37 UTC");
	BAD("Sun, 06 Nov 1994 08:49:37 +0000");
	BAD("Sun, 6 Nov 1994 08:49:37 GMT");
	BAD("Sun,  6 Nov 1994 08:49:37 GMT");
	BAD("Sun, 06 Nov 1994 08:49:37 GMT ");
	BAD(" Sun, 06 Nov 1994 08:49:37 GMT");
	BAD("Sun, 06 Nov 1994 08:49:37GMT ");
	BAD("Sun, 06 Nov 1994 24:00:00 GMT");
	BAD("Sun, 06 Nov 1994 08:60:37 GMT");
	BAD("Sun, 06 Nov 1994 08:49:60 GMT");	/* no leap second */
	BAD("Sun, 06 Nov 1994 08:49:+7 GMT");
	BAD("Sun, 06 Nov 1994 08:49:-7 GMT");
	BAD("Sat, 00 Nov 1994 08:49:37 GMT");
	BAD("Thu, 31 Nov 1994 08:49:37 GMT");
	BAD("Wed, 29 Feb 2023 00:00:00 GMT");	/* not a leap year */
	BAD("Thu, 29 Feb 2100 00:00:00 GMT");
	BAD("Wed, 31 Dec 1969 23:59:59 GMT");
	BAD("Sun, 06 Nov 1994 08:49:37 GM");
	BAD("");
#undef BAD
	CHECK_INT(http_date_parse("Sun, 06 Nov 1994\0008:49:37 GMT", 29, &t),
	    CRYPTO_EMALFORMED);
	CHECK_INT(http_date_parse(XDATE, 28, &t), CRYPTO_EMALFORMED);
	CHECK_INT(t, 5);
}

static void
test_http_date_sweep(void)
{
	char ours[HTTP_DATE_LEN + 1], libc[64];
	struct tm tm;
	time_t tt;
	int64_t t, back;
	int bad = 0;

	/* against gmtime_r and strftime (C locale), about 200000 points */
	for (t = 0; t <= 253402300799LL; t += 1267861 + (t % 7919)) {
		tt = (time_t)t;
		if (gmtime_r(&tt, &tm) == NULL ||
		    strftime(libc, sizeof(libc), "%a, %d %b %Y %H:%M:%S GMT",
		    &tm) != 29)
			abort();
		if (http_date_format(t, ours) != CRYPTO_OK ||
		    strcmp(ours, libc) != 0 ||
		    http_date_parse(libc, 29, &back) != CRYPTO_OK || back != t)
			bad++;
	}
	CHECK_INT(bad, 0);
}

/* RFC 7748, 6.1: Alice's and Bob's keys; and a key we make is clamped
 * and has the public key OpenSSL derives for it. */
static void
test_x25519_rfc7748(void)
{
	static const struct {
		const char	*priv, *pub;
	} kat[] = {
		{ "77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a",
		  "8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a" },
		{ "5dab087e624a8a4b79e17f8b83800ee66f3bb1292618b6fd1c2f8b27ff88e0eb",
		  "de9edb7d7b7dc1b4d35b61c2ece435373f8343c85b78674dadfc7e146f882b4f" },
	};
	uint8_t	 priv[WG_KEY_LEN], pub[WG_KEY_LEN], want[WG_KEY_LEN];
	size_t	 i;

	for (i = 0; i < sizeof(kat) / sizeof(kat[0]); i++) {
		hex2bin(kat[i].priv, priv, sizeof(priv));
		hex2bin(kat[i].pub, want, sizeof(want));
		CHECK_INT(x25519_public(priv, pub), CRYPTO_OK);
		CHECK(memcmp(pub, want, sizeof(pub)) == 0);
	}
	for (i = 0; i < 64; i++) {
		CHECK_INT(x25519_generate(priv), CRYPTO_OK);
		CHECK((priv[0] & 7) == 0 && (priv[31] & 0xc0) == 0x40);
	}
	CHECK_INT(x25519_generate(NULL), CRYPTO_EMALFORMED);
	CHECK_INT(x25519_public(NULL, pub), CRYPTO_EMALFORMED);
}

/* The text of a WireGuard key: 44 characters of padded base64, and
 * only the canonical one for its 32 bytes. */
static void
test_wg_key_text(void)
{
	static const char *const bad[] = {
		"", "PeerPublicKeyBase64", "NewKey",
		/* 43 characters, 45, no padding, two pads */
		"hFLu2C+D3gXhBa6pfK+RqjvTQGBYXb8NcAzNhmUzTpc",
		"hFLu2C+D3gXhBa6pfK+RqjvTQGBYXb8NcAzNhmUzTpc==",
		"hFLu2C+D3gXhBa6pfK+RqjvTQGBYXb8NcAzNhmUzTpcA",
		"hFLu2C+D3gXhBa6pfK+RqjvTQGBYXb8NcAzNhmUzTp==",
		/* the url alphabet, a space, unused bits set */
		"hFLu2C-D3gXhBa6pfK+RqjvTQGBYXb8NcAzNhmUzTpc=",
		"hFLu2C D3gXhBa6pfK+RqjvTQGBYXb8NcAzNhmUzTpc=",
		"hFLu2C+D3gXhBa6pfK+RqjvTQGBYXb8NcAzNhmUzTpd=",
	};
	uint8_t	 key[WG_KEY_LEN], back[WG_KEY_LEN];
	char	 text[WG_KEY_TEXT_LEN + 1];
	size_t	 i;

	CHECK_INT(wg_key_decode("hFLu2C+D3gXhBa6pfK+RqjvTQGBYXb8NcAzNhmUzTpc=",
	    key), CRYPTO_OK);
	CHECK_INT(wg_key_encode(key, text), CRYPTO_OK);
	CHECK_STR(text, "hFLu2C+D3gXhBa6pfK+RqjvTQGBYXb8NcAzNhmUzTpc=");
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		CHECK_INT(wg_key_decode(bad[i], back), CRYPTO_EMALFORMED);
	for (i = 0; i < 256; i++) {
		random_bytes(key, sizeof(key));
		CHECK_INT(wg_key_encode(key, text), CRYPTO_OK);
		CHECK_INT(strlen(text), WG_KEY_TEXT_LEN);
		CHECK_INT(wg_key_decode(text, back), CRYPTO_OK);
		CHECK(memcmp(key, back, sizeof(key)) == 0);
	}
}

int
main(void)
{
	fill_range(key32, sizeof(key32), 0);
	fill_range(seal_key, sizeof(seal_key), 100);

	RUN(test_init_required);
	RUN(test_strerror);
	RUN(test_b64_rfc4648);
	RUN(test_b64_roundtrip);
	RUN(test_b64_alphabet);
	RUN(test_b64_strict_rejects);
	RUN(test_b64_encode_space);
	RUN(test_hkdf_rfc5869);
	RUN(test_derive);
	RUN(test_hmac_rfc4231);
	RUN(test_seal_roundtrip);
	RUN(test_seal_kat);
	RUN(test_seal_flip_every_bit);
	RUN(test_seal_binding);
	RUN(test_seal_twice_differs);
	RUN(test_seal_truncated);
	RUN(test_seal_wrong_key);
	RUN(test_seal_key_version);
	RUN(test_seal_space);
	RUN(test_seal_empty);
	RUN(test_seal_bounds);
	RUN(test_token_new);
	RUN(test_token_kat);
	RUN(test_token_rejects);
	RUN(test_token_digest);
	RUN(test_jwt_python_kat);
	RUN(test_jwt_mint);
	RUN(test_jwt_mint_rejects);
	RUN(test_jwt_expired);
	RUN(test_jwt_bad_signature);
	RUN(test_jwt_alg);
	RUN(test_jwt_header);
	RUN(test_jwt_swapped_header);
	RUN(test_jwt_parts);
	RUN(test_jwt_encoding);
	RUN(test_jwt_noncanonical_payload);
	RUN(test_jwt_claims);
	RUN(test_jwt_oversize);
	RUN(test_sig_v2_kat);
	RUN(test_sig_v2_rejects);
	RUN(test_sig_v2_fresh);
	RUN(test_sig_v2_digest);
	RUN(test_http_date_kat);
	RUN(test_http_date_rejects);
	RUN(test_http_date_sweep);
	RUN(test_x25519_rfc7748);
	RUN(test_wg_key_text);
	crypto_cleanup();
	return test_report("crypto");
}
