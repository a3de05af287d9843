/*
 * The TLS handshake signatures that authd makes for frontd (DESIGN.md,
 * "TLS key in authd").  A tls.sign request names the key by the SHA-256
 * of its SubjectPublicKeyInfo, the operation by its TLS SignatureScheme
 * (RFC 8446, 4.2.3: a hash and a padding in one number), and carries the
 * whole content to be signed, never a bare digest, so that authd can
 * refuse whatever is not a handshake.
 */
#ifndef MOAT_TLSSIGN_H
#define MOAT_TLSSIGN_H

#define TLSSIGN_KEYID_LEN	32
/* a TLS 1.2 ServerKeyExchange with a P-384 point is 165 bytes */
#define TLSSIGN_TBS_MAX		512
/* what authd reads of a tls.sign, to refuse the rest with an answer */
#define TLSSIGN_TBS_IN_MAX	1024
/* RSA-4096, the largest key authd accepts */
#define TLSSIGN_SIG_MAX		512

#define TLS_RSA_PKCS1_SHA256	0x0401
#define TLS_RSA_PKCS1_SHA384	0x0501
#define TLS_RSA_PKCS1_SHA512	0x0601
#define TLS_ECDSA_SHA256	0x0403	/* secp256r1 in TLS 1.3 */
#define TLS_ECDSA_SHA384	0x0503	/* secp384r1 in TLS 1.3 */
#define TLS_ECDSA_SHA512	0x0603	/* secp521r1 in TLS 1.3 */
#define TLS_RSA_PSS_SHA256	0x0804	/* rsa_pss_rsae: salt = hash */
#define TLS_RSA_PSS_SHA384	0x0805
#define TLS_RSA_PSS_SHA512	0x0806

/* What frontd offers: exactly the schemes authd signs with. */
#define TLSSIGN_SIGALGS	"ECDSA+SHA256:ECDSA+SHA384:ECDSA+SHA512:" \
	"rsa_pss_rsae_sha256:rsa_pss_rsae_sha384:rsa_pss_rsae_sha512:" \
	"RSA+SHA256:RSA+SHA384:RSA+SHA512"

/*
 * The key exchange groups frontd offers, and so the only ones whose TLS
 * 1.2 ServerKeyExchange authd signs (authd/tlskey.c reads this list):
 * fewer groups, less of the signed content a compromised frontd chooses.
 */
#define TLSSIGN_GROUPS	"X25519:P-256:P-384"

/* TLS 1.3 CertificateVerify content: 64 spaces, this, a NUL, a hash */
#define TLS13_SERVER_CONTEXT	"TLS 1.3, server CertificateVerify"

#endif
