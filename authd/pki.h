/*
 * A private CA's cryptography (issue 11): key pairs of a key_type, a
 * self-signed CA certificate, and certificates it signs.  Pure OpenSSL,
 * no IPC, so that the unit tests drive it alone (test_pki).
 */
#ifndef MOAT_PKI_H
#define MOAT_PKI_H

#include <stddef.h>
#include <stdint.h>

#include <openssl/evp.h>
#include <openssl/x509.h>

#define PKI_NAME_MAX	253
#define PKI_NAMES_MAX	100
#define PKI_CA_DAYS_MAX	(20 * 366)
#define PKI_CERT_DAYS_MAX	825

struct pki_keyspec {
	int		 rsa;		/* else ECDSA */
	int		 bits;		/* RSA bits, or the curve's size */
	char		 name[16];	/* "ecdsa-p256", "rsa-2048", ... */
};

/*
 * A key_type as certctrl-apiv1.txt names it ("ecdsa", "rsa") with its
 * bits (0: the default, P-256 or 2048), or as one name ("ecdsa-p384",
 * "rsa-4096", "ec", "p-384", "rsa4096").  NULL, or why it is refused.
 */
const char	*pki_keyspec(const char *type, uint32_t bits,
		    struct pki_keyspec *);
EVP_PKEY	*pki_keygen(const struct pki_keyspec *);
/* PKCS#8 PEM into out (NUL ended): 0, or -1 if it does not fit. */
int		 pki_key_pem(EVP_PKEY *, char *out, size_t outlen);
EVP_PKEY	*pki_key_read(const char *pem);
/* The key's kind as pki_keyspec names it, into name[16]. */
void		 pki_key_name(EVP_PKEY *, char name[16]);

/*
 * The names of a certificate, comma-joined (as auth.cert.issue carries
 * them): each a DNS name (a wildcard only as its whole leftmost label)
 * or an IP address; lower-cased and without repeats into out, joined
 * again.  NULL, or why they are refused; *n their count.
 */
const char	*pki_names_check(const char *joined, char *out,
		    size_t outlen, int *n);

/* A self-signed CA certificate of key, CN name, valid days. */
X509		*pki_ca_make(EVP_PKEY *key, const char *name, uint32_t days);
/*
 * A server certificate for key, of the comma-joined names (checked),
 * signed by ca with cakey, valid days but never past the CA's end.
 */
X509		*pki_cert_make(EVP_PKEY *key, const char *names, X509 *ca,
		    EVP_PKEY *cakey, uint32_t days);
int		 pki_cert_pem(X509 *, char *out, size_t outlen);
X509		*pki_cert_read(const char *pem);
/* Its serial in hex (serial[41]), validity, and subject's CN. */
void		 pki_cert_info(X509 *, char *serial, size_t seriallen,
		    int64_t *not_before, int64_t *not_after, char *cn,
		    size_t cnlen);

#endif
