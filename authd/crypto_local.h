/*
 * What the files of authd's cryptography share and nothing else sees:
 * the algorithms crypto_init() fetched, random bytes, the MAC of a
 * message in parts, and the base64 helpers that skip the checks of the
 * public functions because their callers have sized the buffers.
 *
 * Order of checks, in every one of those files: shape and bounds first
 * (cheap, public), then the MAC or tag, and only then anything that
 * interprets the authenticated bytes, so that an attacker without the
 * key reaches no JSON parser at all.
 */
#ifndef MOAT_CRYPTO_LOCAL_H
#define MOAT_CRYPTO_LOCAL_H

#include <stddef.h>
#include <stdint.h>

#include <openssl/evp.h>

#include "crypto.h"

/* What crypto_init() fetched; ready is 0 and the rest NULL until then. */
struct crypto_algs {
	EVP_MAC		*hmac;
	EVP_MD		*sha256;
	EVP_CIPHER	*gcm;
	EVP_KDF		*hkdf;
	int		 ready;
};
extern struct crypto_algs crypto_algs;

/* One piece of a message that is MACed in several parts. */
struct mac_part {
	const void	*p;
	size_t		 len;
};

/* crypto.c */
/* From the kernel's CSPRNG: CRYPTO_OK or CRYPTO_EINTERNAL. */
int	 crypto_random(void *, size_t);
/* The length of s if it is 1 to max bytes, else 0. */
size_t	 crypto_bounded_len(const char *s, size_t max);
int	 crypto_hmac_parts(const uint8_t *key, size_t keylen,
	    const struct mac_part *, size_t nparts,
	    uint8_t out[CRYPTO_MAC_LEN]);

/* base64.c */
/* Encodes into out, which the caller has sized; returns the length. */
size_t	 b64_write(const uint8_t *in, size_t inlen, char *out, int url,
	    int pad);
/* Decodes exactly want bytes from inlen characters, strictly. */
int	 b64url_decode_exact(const char *in, size_t inlen, uint8_t *out,
	    size_t want);

#endif
