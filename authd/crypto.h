/*
 * The cryptographic building blocks of authd: key derivation from the
 * master key, sealing of secrets at rest, opaque tokens with a public id,
 * HS256 JWTs for the control plane v1 login, and the Account v2 request
 * signatures.  OpenSSL 3 libcrypto underneath; nothing here logs, every
 * function answers with one of the codes below and the caller logs the
 * kind, never the secret.
 *
 * Every input is treated as hostile: lengths are bounded, encodings are
 * checked to be canonical, and malformed input is an error, never a
 * crash.  Secrets are compared with CRYPTO_memcmp and cleared from our
 * own buffers after use; buffers the caller owns (a derived key, an
 * unsealed plaintext, a parsed token secret) are the caller's to clear.
 */
#ifndef MOAT_CRYPTO_H
#define MOAT_CRYPTO_H

#include <stddef.h>
#include <stdint.h>

/* Return codes: 0 is success, the others say what kind of failure. */
#define CRYPTO_OK		 0
#define CRYPTO_EMALFORMED	-1	/* input not in the expected form */
#define CRYPTO_EBADSIG		-2	/* MAC, tag or signature mismatch */
#define CRYPTO_EEXPIRED		-3	/* well-formed, authentic, too old */
#define CRYPTO_ESPACE		-4	/* the output buffer is too small */
#define CRYPTO_EINTERNAL	-5	/* OpenSSL, allocation or RNG failure */

/* A short constant name for a return code, for logs ("bad signature"). */
const char	*crypto_strerror(int code);

/*
 * Fetches the algorithms (HMAC, SHA-256, AES-256-GCM, HKDF) once.
 * OpenSSL reads its configuration file on the first fetch, so this must
 * run from one thread before the sandbox forbids open(2); every function
 * that needs OpenSSL fails with CRYPTO_EINTERNAL until it has succeeded,
 * so a missed call shows in the first test rather than as a sandbox
 * kill.  Random bytes come from getrandom(2), which needs no set-up.
 * crypto_cleanup() releases what crypto_init() fetched.
 */
int		 crypto_init(void);
void		 crypto_cleanup(void);

#define CRYPTO_KEY_LEN		32

/*
 * HKDF-SHA256 (RFC 5869) with any inputs, for the known-answer tests and
 * for callers that need another shape.  outlen is 1 to 255 * 32.
 */
int		 crypto_hkdf(const uint8_t *ikm, size_t ikmlen,
		    const uint8_t *salt, size_t saltlen,
		    const uint8_t *info, size_t infolen,
		    uint8_t *out, size_t outlen);

/*
 * A 32-byte subkey of the master key: HKDF-SHA256 with the fixed salt
 * "moat-v1" and info = label ("jwt", "token", "seal", "grant").  A master
 * key whose length is not CRYPTO_KEY_LEN is refused, as is an empty
 * label or one over 64 bytes.  The caller clears out.
 */
#define CRYPTO_SALT		"moat-v1"
int		 crypto_derive(const uint8_t *master, size_t masterlen,
		    const char *label, uint8_t out[CRYPTO_KEY_LEN]);

/* HMAC-SHA256 of one buffer (keylen 1 to 1024). */
#define CRYPTO_MAC_LEN		32
int		 crypto_hmac_sha256(const uint8_t *key, size_t keylen,
		    const void *data, size_t datalen,
		    uint8_t out[CRYPTO_MAC_LEN]);

/*
 * Base64.  The encoders write a NUL-terminated string and its length
 * (without the NUL) to *outlen; outcap counts the NUL.  The strict
 * decoder accepts only the base64url alphabet, no padding, no
 * whitespace, and only the canonical encoding: a length that is 1 modulo
 * 4 and unused low bits that are not zero are both rejected, so every
 * byte string has exactly one accepted text.  Characters are mapped
 * without table look-ups, since secrets pass through here.
 */
#define B64URL_LEN(n)	(((n) / 3) * 4 + ((n) % 3 == 0 ? 0 : (n) % 3 + 1))
#define B64_LEN(n)	((((n) + 2) / 3) * 4)
int		 b64url_encode(const void *in, size_t inlen, char *out,
		    size_t outcap, size_t *outlen);
int		 b64url_decode_strict(const char *in, size_t inlen,
		    uint8_t *out, size_t outcap, size_t *outlen);
int		 b64_encode(const void *in, size_t inlen, char *out,
		    size_t outcap, size_t *outlen);

/*
 * Sealing secrets at rest: AES-256-GCM under the "seal" subkey, a random
 * 96-bit nonce per seal.  The sealed form is
 *
 *	version (1, SEAL_FORMAT) | key version (4, big endian) |
 *	nonce (12) | ciphertext (plainlen) | tag (16)
 *
 * and the AAD is the first 5 bytes followed by
 *
 *	len(class) (4, BE) | class | object id (8, BE) | len(field) (4, BE) |
 *	field
 *
 * so a ciphertext opens only under the class ("wireguard"), object id
 * and field ("private_key") it was sealed for, with its key version
 * intact; every part is length-prefixed, so ("ab","c") and ("a","bc")
 * differ.  class and field are 1 to SEAL_NAME_MAX bytes; plaintext is at
 * most SEAL_MAX_PLAIN bytes, and may be empty.
 *
 * unseal() reads the key version from the header into *key_version
 * (NULL allowed); a caller holding several keys asks seal_key_version()
 * first and passes the matching key.  A tag mismatch (wrong key, wrong
 * binding, any flipped byte) is CRYPTO_EBADSIG, and out is cleared.
 */
#define SEAL_FORMAT		1
#define SEAL_NONCE_LEN		12
#define SEAL_TAG_LEN		16
#define SEAL_HEADER_LEN		(1 + 4 + SEAL_NONCE_LEN)
#define SEAL_OVERHEAD		(SEAL_HEADER_LEN + SEAL_TAG_LEN)
#define SEAL_MAX_PLAIN		(64 * 1024)
#define SEAL_NAME_MAX		64
#define SEAL_LEN(n)		((n) + SEAL_OVERHEAD)

int		 seal(const uint8_t key[CRYPTO_KEY_LEN], uint32_t key_version,
		    const char *class, uint64_t object_id, const char *field,
		    const void *plain, size_t plainlen,
		    uint8_t *out, size_t outcap, size_t *outlen);
int		 unseal(const uint8_t key[CRYPTO_KEY_LEN], const char *class,
		    uint64_t object_id, const char *field,
		    const uint8_t *sealed, size_t sealedlen,
		    uint8_t *out, size_t outcap, size_t *outlen,
		    uint32_t *key_version);
int		 seal_key_version(const uint8_t *sealed, size_t sealedlen,
		    uint32_t *key_version);

/*
 * Opaque tokens: <prefix><base64url(id)><base64url(secret)>, a 9-byte
 * public id (12 characters) by which the token is looked up, and a
 * 32-byte secret (43 characters) of which only token_digest() is
 * stored.  Prefixes are 0 to TOKEN_PREFIX_MAX of [a-z0-9_] ("ak_" API
 * keys, "ms_" sessions, "ml_" LOGIN tokens).  tokenlen must hold
 * strlen(prefix) + TOKEN_BODY_LEN + 1 (TOKEN_TEXT_MAX + 1 always does).
 *
 * token_parse() is strict: exact prefix and length, base64url only,
 * canonical; on failure id and secret are zeroed.  The caller clears
 * secret after use.
 */
#define TOKEN_ID_LEN		9
#define TOKEN_SECRET_LEN	32
#define TOKEN_ID_TEXT_LEN	12
#define TOKEN_SECRET_TEXT_LEN	43
#define TOKEN_PREFIX_MAX	8
#define TOKEN_BODY_LEN		(TOKEN_ID_TEXT_LEN + TOKEN_SECRET_TEXT_LEN)
#define TOKEN_TEXT_MAX		(TOKEN_PREFIX_MAX + TOKEN_BODY_LEN)

int		 token_new(const char *prefix, char *token, size_t tokenlen,
		    uint8_t id[TOKEN_ID_LEN], uint8_t secret[TOKEN_SECRET_LEN]);
int		 token_parse(const char *prefix, const char *text,
		    size_t textlen, uint8_t id[TOKEN_ID_LEN],
		    uint8_t secret[TOKEN_SECRET_LEN]);
/* HMAC-SHA256 under the "token" subkey: what the database stores. */
int		 token_digest(const uint8_t key[CRYPTO_KEY_LEN],
		    const uint8_t secret[TOKEN_SECRET_LEN],
		    uint8_t digest[CRYPTO_MAC_LEN]);
/* 1 if equal, 0 if not, in time independent of the contents. */
int		 token_digest_equal(const uint8_t a[CRYPTO_MAC_LEN],
		    const uint8_t b[CRYPTO_MAC_LEN]);
/* The id as its 12 characters (out holds 13). */
void		 token_id_text(const uint8_t id[TOKEN_ID_LEN],
		    char out[TOKEN_ID_TEXT_LEN + 1]);

/*
 * HS256 JWTs (control plane v1 login).  jwt_mint() writes
 *
 *	base64url({"alg":"HS256","typ":"JWT"}) "." base64url(payload) "."
 *	base64url(HMAC-SHA256(key, first two parts))
 *
 * with the payload {"exp":..,"jti":..,"role":..,"user_id":..} (compact,
 * keys sorted).  user_id and jti are 1 to 64 printable ASCII characters
 * without space; role is "admin" or "user"; exp is a non-negative Unix
 * time.  out holds at most JWT_MAX_LEN + 1.
 *
 * jwt_verify() accepts only what jwt_mint() could have written with this
 * key: at most JWT_MAX_LEN bytes, exactly three canonical base64url
 * parts, a 32-byte signature that is compared in constant time before
 * any JSON is parsed, a header with alg "HS256" (typ "JWT" optional,
 * nothing else), and a flat payload with exactly the four claims, each
 * of its type and bounds, no duplicates.  The key is always HS256's,
 * whatever the header says.  Returns CRYPTO_EMALFORMED, CRYPTO_EBADSIG,
 * or, for an authentic token with now >= exp, CRYPTO_EEXPIRED (with the
 * claims filled in, so the caller can log whose it was).
 */
#define JWT_MAX_LEN		2048
#define JWT_CLAIM_MAX		64

struct jwt_claims {
	char		 user_id[JWT_CLAIM_MAX + 1];
	char		 role[16];
	int64_t		 exp;
	char		 jti[JWT_CLAIM_MAX + 1];
};

int		 jwt_mint(const uint8_t key[CRYPTO_KEY_LEN],
		    const char *user_id, const char *role, int64_t exp,
		    const char *jti, char *out, size_t outcap);
int		 jwt_verify(const uint8_t key[CRYPTO_KEY_LEN],
		    const char *token, size_t len, int64_t now,
		    struct jwt_claims *out);

/*
 * Account v2 request signatures: the standard (padded) base64 of
 *
 *	HMAC-SHA256(secret, METHOD "\n" HOST "\n" X-Date "\n"
 *	    PATH+QUERY "\n" BODY)
 *
 * 44 characters and a NUL in out_b64.  A newline in method, host, date
 * or path would make two different requests sign alike, so it is
 * refused; the body is last and may hold anything.  secretlen is 1 to
 * SIG_V2_SECRET_MAX, the fields are non-empty and at most their
 * SIG_V2_*_MAX.  sig_v2_verify() answers CRYPTO_OK, CRYPTO_EBADSIG
 * (compared in constant time) or CRYPTO_EMALFORMED (also for a given
 * signature that is not 44 characters).
 */
#define SIG_V2_LEN		44
#define SIG_V2_WINDOW		300
#define SIG_V2_SECRET_MAX	1024
#define SIG_V2_METHOD_MAX	16
#define SIG_V2_HOST_MAX		255
#define SIG_V2_DATE_MAX		64
#define SIG_V2_PATH_MAX		8192
#define SIG_V2_BODY_MAX		(1024 * 1024)
#define SIG_V2_GIVEN_MAX	256

int		 sig_v2_compute(const uint8_t *secret, size_t secretlen,
		    const char *method, const char *host, const char *xdate,
		    const char *path_query, const void *body, size_t bodylen,
		    char out_b64[SIG_V2_LEN + 1]);
int		 sig_v2_verify(const uint8_t *secret, size_t secretlen,
		    const char *method, const char *host, const char *xdate,
		    const char *path_query, const void *body, size_t bodylen,
		    const char *given, size_t givenlen);
/* 1 if |now - xdate| <= window (window >= 0), else 0; no overflow. */
int		 sig_v2_fresh(int64_t xdate, int64_t now, int64_t window);
/*
 * SHA-256 of the signature text (1 to SIG_V2_GIVEN_MAX bytes): the key
 * of authd's replay cache.
 */
int		 sig_v2_digest(const char *given, size_t len, uint8_t out[32]);

/*
 * RFC 1123 dates as HTTP sends them (IMF-fixdate), exactly
 * "Sun, 06 Nov 1994 08:49:37 GMT": 29 bytes, the weekday must be the
 * date's, years 1970 to 9999, no leap second.  http_date_format() is the
 * inverse (out holds 30), for t in that range.
 */
#define HTTP_DATE_LEN		29
int		 http_date_parse(const char *s, size_t len, int64_t *out);
int		 http_date_format(int64_t t, char out[HTTP_DATE_LEN + 1]);

/*
 * WireGuard keys: X25519, written as 32 bytes in padded standard base64
 * (44 characters), as wg(8) writes them.  x25519_generate() makes a
 * private key clamped as `wg genkey` does; x25519_public() derives the
 * public key of any private key.  wg_key_decode() takes exactly the
 * canonical text of 32 bytes; wg_key_encode() writes 45 bytes with the
 * NUL.
 */
#define WG_KEY_LEN		32
#define WG_KEY_TEXT_LEN		44
int		 x25519_generate(uint8_t priv[WG_KEY_LEN]);
int		 x25519_public(const uint8_t priv[WG_KEY_LEN],
		    uint8_t pub[WG_KEY_LEN]);
int		 wg_key_decode(const char *text, uint8_t out[WG_KEY_LEN]);
int		 wg_key_encode(const uint8_t key[WG_KEY_LEN],
		    char out[WG_KEY_TEXT_LEN + 1]);

#endif
