/*
 * JWS (RFC 7515) as ACME uses it (RFC 8555 section 6.2): the flattened
 * JSON serialization, a protected header with alg, nonce, url and
 * either jwk (new accounts, key roll-over) or kid (the account URL).
 * The signature is the signer's: this file holds no key.  ECDSA
 * signatures travel as R||S of fixed width, so a DER one is converted.
 * Also the JWK thumbprint (RFC 7638) and External Account Binding's
 * HS256 JWS (RFC 8555 section 7.3.4), whose MAC key is the CA's.
 */
#include <stdlib.h>
#include <string.h>

#include <openssl/bn.h>
#include <openssl/crypto.h>
#include <openssl/ecdsa.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/sha.h>

#include "acme_int.h"

#define EAB_KEY_MAX	256

char *
acme_b64url(const void *in, size_t len)
{
	char	*out;
	size_t	 i, n;

	if (len > (size_t)1 << 28)
		return NULL;
	if ((out = malloc(4 * ((len + 2) / 3) + 1)) == NULL)
		return NULL;
	n = (size_t)EVP_EncodeBlock((unsigned char *)out, in, (int)len);
	while (n > 0 && out[n - 1] == '=')
		n--;
	out[n] = '\0';
	for (i = 0; i < n; i++) {
		if (out[i] == '+')
			out[i] = '-';
		else if (out[i] == '/')
			out[i] = '_';
	}
	return out;
}

/* base64url, padded or not, into out; -1 on a bad character or room. */
int
acme_b64url_decode(const char *in, uint8_t *out, size_t outlen,
    size_t *len)
{
	char	*s;
	size_t	 n, i, pad;
	int	 r;

	n = strlen(in);
	while (n > 0 && in[n - 1] == '=')
		n--;
	if (n % 4 == 1 || n > 4 * outlen / 3 + 4 ||
	    strspn(in, B64URL_ALPHABET) != n)
		return -1;
	pad = (4 - n % 4) % 4;
	if ((s = malloc(n + pad + 1)) == NULL)
		return -1;
	for (i = 0; i < n; i++) {
		if (in[i] == '-')
			s[i] = '+';
		else if (in[i] == '_')
			s[i] = '/';
		else
			s[i] = in[i];
	}
	memset(s + n, '=', pad);
	s[n + pad] = '\0';
	if ((n + pad) / 4 * 3 > outlen) {
		free(s);
		return -1;
	}
	r = EVP_DecodeBlock(out, (unsigned char *)s, (int)(n + pad));
	explicit_bzero(s, n + pad);
	free(s);
	if (r < 0)
		return -1;
	*len = (size_t)r - pad;
	return 0;
}

/* RFC 7638: the required members only, in lexicographic order. */
int
acme_thumbprint(const json_t *jwk, char *out, size_t outlen)
{
	static const char *const ec[] = { "crv", "kty", "x", "y", NULL };
	static const char *const rsa[] = { "e", "kty", "n", NULL };
	const char *const	*m;
	const char		*kty;
	json_t			*o;
	char			*s, *b;
	uint8_t			 md[SHA256_DIGEST_LENGTH];
	int			 rv = -1;

	kty = json_string_value(json_object_get(jwk, "kty"));
	if (kty == NULL)
		return -1;
	if (strcmp(kty, "EC") == 0)
		m = ec;
	else if (strcmp(kty, "RSA") == 0)
		m = rsa;
	else
		return -1;
	if ((o = json_object()) == NULL)
		return -1;
	for (; *m != NULL; m++) {
		if (!json_is_string(json_object_get(jwk, *m)) ||
		    json_object_set(o, *m, json_object_get(jwk, *m)) == -1)
			goto out;
	}
	if ((s = json_dumps(o, JSON_COMPACT | JSON_SORT_KEYS)) == NULL)
		goto out;
	SHA256((const unsigned char *)s, strlen(s), md);
	free(s);
	if ((b = acme_b64url(md, sizeof(md))) == NULL)
		goto out;
	if (strlcpy(out, b, outlen) < outlen)
		rv = 0;
	free(b);
out:
	json_decref(o);
	return rv;
}

static size_t
ec_width(const char *alg)
{
	if (strcmp(alg, "ES256") == 0)
		return 32;
	if (strcmp(alg, "ES384") == 0)
		return 48;
	return 0;
}

/* An ECDSA signature as JWS wants it: R||S, each of width w. */
static int
ec_raw(uint8_t *sig, size_t *len, size_t w)
{
	ECDSA_SIG		*es;
	const BIGNUM		*r, *s;
	const unsigned char	*p = sig;
	uint8_t			 raw[2 * 66];

	/* DER first: raw bytes that parse whole as DER are beyond chance */
	es = d2i_ECDSA_SIG(NULL, &p, (long)*len);
	if (es == NULL || p != sig + *len) {
		ECDSA_SIG_free(es);
		return *len == 2 * w ? 0 : -1;
	}
	ECDSA_SIG_get0(es, &r, &s);
	if (BN_bn2binpad(r, raw, (int)w) != (int)w ||
	    BN_bn2binpad(s, raw + w, (int)w) != (int)w) {
		ECDSA_SIG_free(es);
		return -1;
	}
	ECDSA_SIG_free(es);
	memcpy(sig, raw, 2 * w);
	*len = 2 * w;
	return 0;
}

/* The flattened JWS of protected and payload (both JSON texts). */
static char *
assemble(struct acme *a, const char *prot, const char *payload,
    const struct acme_signer *sg, const struct acme_eab *eab)
{
	char	*p64 = NULL, *b64 = NULL, *s64 = NULL, *in = NULL;
	char	*out = NULL;
	uint8_t	 sig[ACME_SIG_MAX];
	size_t	 siglen = sizeof(sig), w;
	json_t	*o;

	if ((p64 = acme_b64url(prot, strlen(prot))) == NULL ||
	    (b64 = acme_b64url(payload, strlen(payload))) == NULL ||
	    asprintf(&in, "%s.%s", p64, b64) == -1) {
		in = NULL;
		acme_seterr(a, "out of memory");
		goto out;
	}
	if (eab != NULL) {
		/* HS256, by whoever holds the key (authd, for the worker) */
		if (eab->mac(eab->arg, in, strlen(in), sig, &siglen) == -1 ||
		    siglen != 32)
			goto fail;
	} else {
		if (sg->sign(sg->arg, in, strlen(in), sig, &siglen) == -1 ||
		    siglen > sizeof(sig))
			goto fail;
		if ((w = ec_width(sg->alg)) != 0 &&
		    ec_raw(sig, &siglen, w) == -1)
			goto fail;
	}
	if ((s64 = acme_b64url(sig, siglen)) == NULL)
		goto fail;
	o = json_pack("{s:s, s:s, s:s}", "protected", p64, "payload", b64,
	    "signature", s64);
	if (o != NULL)
		out = json_dumps(o, JSON_COMPACT);
	json_decref(o);
	if (out == NULL)
		acme_seterr(a, "out of memory");
	goto out;
fail:
	acme_seterr(a, "signing failed");
out:
	free(p64);
	free(b64);
	free(s64);
	free(in);
	return out;
}

static int
alg_known(const char *alg)
{
	return alg != NULL && (strcmp(alg, "ES256") == 0 ||
	    strcmp(alg, "ES384") == 0 || strcmp(alg, "RS256") == 0);
}

/*
 * payload NULL is a POST-as-GET (an empty payload).  with_nonce is 0
 * only for key roll-over's inner JWS, which carries none.
 */
char *
acme_jws(struct acme *a, const struct acme_signer *sg, const char *url,
    const char *payload, int with_jwk, int with_nonce)
{
	json_t	*h;
	char	*prot, *out = NULL;

	if (!alg_known(sg->alg)) {
		acme_seterr(a, "unknown JWS algorithm");
		return NULL;
	}
	if ((h = json_pack("{s:s, s:s}", "alg", sg->alg, "url", url)) ==
	    NULL)
		goto mem;
	if (with_nonce && json_object_set_new(h, "nonce",
	    json_string(a->nonce)) == -1)
		goto mem;
	if (with_jwk ? json_object_set(h, "jwk", sg->jwk) == -1 :
	    json_object_set_new(h, "kid", json_string(a->kid)) == -1)
		goto mem;
	if ((prot = json_dumps(h, JSON_COMPACT)) == NULL)
		goto mem;
	json_decref(h);
	out = assemble(a, prot, payload != NULL ? payload : "", sg, NULL);
	free(prot);
	return out;
mem:
	json_decref(h);
	acme_seterr(a, "out of memory");
	return NULL;
}

/* An EAB key held here: acme_account()'s, for callers that hold one. */
struct local_eab {
	uint8_t	 key[EAB_KEY_MAX];
	size_t	 keylen;
};

static int
local_mac(void *arg, const void *in, size_t inlen, uint8_t *mac,
    size_t *maclen)
{
	struct local_eab	*k = arg;
	unsigned int		 ml = 0;

	if (*maclen < 32 || HMAC(EVP_sha256(), k->key, (int)k->keylen, in,
	    inlen, mac, &ml) == NULL)
		return -1;
	*maclen = ml;
	return 0;
}

/* The externalAccountBinding member: HS256 over the account's JWK. */
char *
acme_eab(struct acme *a, const struct acme_signer *sg, const char *url,
    const struct acme_eab *eab)
{
	json_t	*h;
	char	*prot = NULL, *jwk = NULL, *out = NULL;

	h = json_pack("{s:s, s:s, s:s}", "alg", "HS256", "kid", eab->kid,
	    "url", url);
	if (h != NULL)
		prot = json_dumps(h, JSON_COMPACT);
	json_decref(h);
	jwk = json_dumps(sg->jwk, JSON_COMPACT);
	if (prot != NULL && jwk != NULL)
		out = assemble(a, prot, jwk, NULL, eab);
	else
		acme_seterr(a, "out of memory");
	free(prot);
	free(jwk);
	return out;
}

/* The same with a key in hand (base64url, as CAs give it). */
char *
acme_eab_key(struct acme *a, const struct acme_signer *sg, const char *url,
    const char *kid, const char *hmac_b64)
{
	struct local_eab	 k;
	struct acme_eab		 e = { kid, local_mac, &k };
	char			*out;

	if (acme_b64url_decode(hmac_b64, k.key, sizeof(k.key),
	    &k.keylen) == -1 || k.keylen == 0) {
		explicit_bzero(&k, sizeof(k));
		acme_seterr(a, "the EAB HMAC key is not base64url");
		return NULL;
	}
	out = acme_eab(a, sg, url, &e);
	explicit_bzero(&k, sizeof(k));
	return out;
}
