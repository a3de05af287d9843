/*
 * The ACME probe's test-only pieces: a local OpenSSL key as the
 * engine's signer (in moat the keys live in authd; here the test needs
 * a signer of its own), and the CSR that authd would make.
 */
#ifndef MOAT_ACME_PROBE_H
#define MOAT_ACME_PROBE_H

#include <openssl/evp.h>

#include "acme.h"

struct probe_key {
	EVP_PKEY		*pk;
	const EVP_MD		*md;
	struct acme_signer	 sg;
};

/* Loads the PEM key at path, or makes one of type and saves it there. */
int	probe_key_load(struct probe_key *, const char *path, const char *type);
void	probe_key_free(struct probe_key *);
/* A CSR for names with a fresh P-256 key, saved to keyout. */
int	probe_csr(const char *const *names, size_t n, const char *keyout,
	    uint8_t **der, size_t *len);

/*
 * probe_authd.c: the same through authd's code (-a): the account key
 * made and sealed as authd does, signatures from acme.sign, the CSR
 * from acme.csr (its key saved to keyout), the EAB MAC from acme.eab.
 */
int	probe_authd_key(struct probe_key *, const char *type);
int	probe_authd_csr(const char *const *names, size_t n,
	    const char *keyout, uint8_t **der, size_t *len);
int	probe_authd_eab(const char *kid, const char *hmac, struct acme_eab *);

#endif
