/*
 * HS256 JWTs for the control plane v1 login (see crypto.h).  The shape
 * and bounds are checked first, then the MAC, and only an authentic
 * token reaches the JSON parser.
 */

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include <openssl/crypto.h>

#include "crypto.h"
#include "crypto_local.h"

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
