/*
 * What authd does with an ACME account's key or a certificate's key
 * for taskd's job (issue 11): the public JWK and JWS alg of a key, a
 * JWS signature (ES256/ES384 as the fixed-width R||S that JWS wants,
 * RS256 as PKCS #1 v1.5), and a CSR of a certificate's names.  Pure
 * OpenSSL, no IPC, so that test_acmekey drives it alone.
 */
#ifndef MOAT_ACMEKEY_H
#define MOAT_ACMEKEY_H

#include <stddef.h>
#include <stdint.h>

#include <openssl/evp.h>

/*
 * The JWS alg of key ("ES256", "ES384", "RS256") into alg, and its
 * public JWK with its members in lexicographic order (RFC 7638) into
 * jwk.  0, or -1 for a key ACME cannot use or no room.
 */
int	 acmekey_jwk(EVP_PKEY *key, char *alg, size_t alglen, char *jwk,
	    size_t jwklen);
/* The JWS signature of in under key: 0, or -1 (no room, no key). */
int	 acmekey_sign(EVP_PKEY *key, const void *in, size_t inlen,
	    uint8_t *sig, size_t sigcap, size_t *siglen);
/*
 * A CSR (DER) for key of the comma-joined DNS names (checked as
 * pki_names_check does; addresses refused): CN the first name when it
 * fits 64, every name a SAN, SHA-256.  NULL, or why not.
 */
const char *acmekey_csr(EVP_PKEY *key, const char *names, uint8_t *der,
	    size_t dercap, size_t *derlen);

#endif
