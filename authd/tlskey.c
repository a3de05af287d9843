/*
 * The TLS server's private key.  moatd hands it to authd with its
 * certificate; frontd, which terminates TLS, holds only the certificate
 * and has authd sign each handshake over a link of its own (the other end
 * is frontd/tlskey.c and frontd/signlink.c), as relayd's ca process does.
 *
 * authd signs only what a TLS 1.2 or 1.3 server signs in a handshake, so
 * that a compromised frontd gets no general signing oracle:
 *  - TLS 1.3 CertificateVerify: 64 spaces, "TLS 1.3, server
 *    CertificateVerify", a NUL and a SHA-256 or SHA-384 transcript hash;
 *    RSA-PSS, or ECDSA with the hash that goes with the key's curve.
 *  - TLS 1.2 ServerKeyExchange of ECDHE: the client's random, the
 *    server's random ending in TLS 1.3's downgrade sentinel, then
 *    named_curve (3), a group frontd offers (TLSSIGN_GROUPS) and a point
 *    of exactly that group's length: on the NIST curves an uncompressed
 *    point that OpenSSL decodes on the curve; RSA-PSS, RSA PKCS#1 v1.5
 *    or ECDSA.
 * with SHA-256, SHA-384 or SHA-512 only.  The key never leaves authd: it
 * lives in OpenSSL objects, freed (and so cleared) when replaced, when
 * the previous key's grace period ends, and on exit.
 */
#include <sys/types.h>

#include <stdlib.h>
#include <string.h>

#include <openssl/ec.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/objects.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>

#include "authd.h"
#include "log.h"
#include "tlssign.h"
#include "util.h"

#define RSA_MIN_BITS	2048
#define RSA_MAX_BITS	4096	/* a larger key would stall frontd */

struct scheme {
	uint32_t	 code;
	int		 keytype;
	const char	*md;
	int		 pss;
	int		 tls13;		/* allowed in a TLS 1.3 CertificateVerify */
	int		 curve;		/* ECDSA in TLS 1.3: the key's curve */
};

static const struct scheme schemes[] = {
	{ TLS_RSA_PKCS1_SHA256, EVP_PKEY_RSA, "SHA256", 0, 0, NID_undef },
	{ TLS_RSA_PKCS1_SHA384, EVP_PKEY_RSA, "SHA384", 0, 0, NID_undef },
	{ TLS_RSA_PKCS1_SHA512, EVP_PKEY_RSA, "SHA512", 0, 0, NID_undef },
	{ TLS_RSA_PSS_SHA256, EVP_PKEY_RSA, "SHA256", 1, 1, NID_undef },
	{ TLS_RSA_PSS_SHA384, EVP_PKEY_RSA, "SHA384", 1, 1, NID_undef },
	{ TLS_RSA_PSS_SHA512, EVP_PKEY_RSA, "SHA512", 1, 1, NID_undef },
	{ TLS_ECDSA_SHA256, EVP_PKEY_EC, "SHA256", 0, 1,
	    NID_X9_62_prime256v1 },
	{ TLS_ECDSA_SHA384, EVP_PKEY_EC, "SHA384", 0, 1, NID_secp384r1 },
	{ TLS_ECDSA_SHA512, EVP_PKEY_EC, "SHA512", 0, 1, NID_secp521r1 },
};

/*
 * The ECDHE groups of a TLS 1.2 ServerKeyExchange that authd knows, with
 * their names in TLSSIGN_GROUPS and the size of their points.  Only
 * those frontd offers are signed: that list is the one definition.
 */
static const struct {
	uint16_t	 group;
	const char	*name;
	uint8_t		 len;
	int		 nid;		/* NIST: the point must be on it */
} groups[] = {
	{ 0x0017, "P-256", 65, NID_X9_62_prime256v1 },
	{ 0x0018, "P-384", 97, NID_secp384r1 },
	{ 0x0019, "P-521", 133, NID_secp521r1 },
	{ 0x001d, "X25519", 32, NID_undef },
	{ 0x001e, "X448", 56, NID_undef },
};

/*
 * The last 8 bytes of the server's random when a server that speaks TLS
 * 1.3 (as frontd does) settles on TLS 1.2 (RFC 8446, 4.1.3).
 */
static const uint8_t	 downgrade_tls12[8] = {
	'D', 'O', 'W', 'N', 'G', 'R', 'D', 0x01
};

struct tlskey {
	EVP_PKEY	*key;
	int		 type;
	int		 curve;
	uint8_t		 id[TLSSIGN_KEYID_LEN];
};

/*
 * The key in use, and the one before it for handshakes still in flight
 * with the previous certificate when a reload switched, until
 * previous_until: after a rotation away from a compromised key, the old
 * key must not keep signing.
 */
static struct tlskey	 keys[2];
static uint64_t		 previous_until;
static uint64_t		(*clock_ms)(void) = monotonic_ms;

static const struct scheme *
scheme_find(uint32_t code)
{
	size_t	 i;

	for (i = 0; i < sizeof(schemes) / sizeof(schemes[0]); i++)
		if (schemes[i].code == code)
			return &schemes[i];
	return NULL;
}

static int
is_tls13_verify(const uint8_t *tbs, size_t len)
{
	static const char	 context[] = TLS13_SERVER_CONTEXT;
	size_t			 head = 64 + sizeof(context), i;

	if (len != head + 32 && len != head + 48)
		return 0;
	for (i = 0; i < 64; i++)
		if (tbs[i] != ' ')
			return 0;
	return memcmp(tbs + 64, context, sizeof(context)) == 0;
}

static int
group_offered(const char *name)
{
	const char	*list = TLSSIGN_GROUPS;
	size_t		 len = strlen(name);

	for (;;) {
		if (strncmp(list, name, len) == 0 &&
		    (list[len] == ':' || list[len] == '\0'))
			return 1;
		if ((list = strchr(list, ':')) == NULL)
			return 0;
		list++;
	}
}

/* An uncompressed point that decodes on the named curve. */
static int
on_curve(int nid, const uint8_t *point, size_t len)
{
	EC_GROUP	*group;
	EC_POINT	*p = NULL;
	int		 ok = 0;

	if (point[0] != POINT_CONVERSION_UNCOMPRESSED)
		return 0;
	if ((group = EC_GROUP_new_by_curve_name(nid)) != NULL &&
	    (p = EC_POINT_new(group)) != NULL)
		ok = EC_POINT_oct2point(group, p, point, len, NULL) == 1 &&
		    !EC_POINT_is_at_infinity(group, p);
	EC_POINT_free(p);
	EC_GROUP_free(group);
	ERR_clear_error();
	return ok;
}

static int
is_tls12_ecdhe(const uint8_t *tbs, size_t len)
{
	const uint8_t	*p = tbs + 64;
	uint16_t	 group;
	size_t		 i;

	if (len < 64 + 4 || memcmp(tbs + 56, downgrade_tls12,
	    sizeof(downgrade_tls12)) != 0 || p[0] != 3)
		return 0;
	group = (uint16_t)(p[1] << 8 | p[2]);
	for (i = 0; i < sizeof(groups) / sizeof(groups[0]); i++) {
		if (groups[i].group != group)
			continue;
		if (!group_offered(groups[i].name) || p[3] != groups[i].len ||
		    len != 64 + 4 + (size_t)groups[i].len)
			return 0;
		return groups[i].nid == NID_undef ||
		    on_curve(groups[i].nid, p + 4, groups[i].len);
	}
	return 0;
}

int
tlskey_check(int keytype, int curve, uint32_t code, const uint8_t *tbs,
    size_t len, const char **why)
{
	const struct scheme	*s;

	if ((s = scheme_find(code)) == NULL) {
		*why = "not a signature scheme of a TLS handshake";
		return -1;
	}
	if (s->keytype != keytype) {
		*why = "a signature scheme of another kind of key";
		return -1;
	}
	if (len > TLSSIGN_TBS_MAX) {
		*why = "not a handshake signature: too long";
		return -1;
	}
	if (is_tls13_verify(tbs, len)) {
		if (!s->tls13 || (keytype == EVP_PKEY_EC && s->curve != curve)) {
			*why = "a scheme TLS 1.3 does not allow with this key";
			return -1;
		}
		return 0;
	}
	if (is_tls12_ecdhe(tbs, len))
		return 0;
	*why = "not a TLS 1.2 or 1.3 server handshake signature";
	return -1;
}

static int
key_id(X509 *cert, uint8_t id[TLSSIGN_KEYID_LEN])
{
	unsigned char	*der = NULL;
	int		 len, rc;

	if ((len = i2d_PUBKEY(X509_get0_pubkey(cert), &der)) <= 0)
		return -1;
	rc = EVP_Digest(der, len, id, NULL, EVP_sha256(), NULL) == 1 ? 0 : -1;
	OPENSSL_free(der);
	return rc;
}

static int
key_kind(struct tlskey *k, const char **why)
{
	char	 group[64];
	int	 bits = EVP_PKEY_get_bits(k->key);

	k->curve = NID_undef;
	if (EVP_PKEY_is_a(k->key, "RSA")) {
		k->type = EVP_PKEY_RSA;
		if (bits >= RSA_MIN_BITS && bits <= RSA_MAX_BITS)
			return 0;
		*why = "the RSA key is not of 2048 to 4096 bits";
		return -1;
	}
	if (EVP_PKEY_is_a(k->key, "EC") && EVP_PKEY_get_group_name(k->key,
	    group, sizeof(group), NULL) == 1) {
		k->type = EVP_PKEY_EC;
		k->curve = OBJ_txt2nid(group);
		if (k->curve == NID_X9_62_prime256v1 ||
		    k->curve == NID_secp384r1 || k->curve == NID_secp521r1)
			return 0;
	}
	*why = "the key is neither RSA nor ECDSA on P-256, P-384 or P-521";
	return -1;
}

static X509 *
read_cert(const char *pem, size_t len)
{
	BIO	*bio;
	X509	*x;

	if ((bio = BIO_new_mem_buf(pem, (int)len)) == NULL)
		return NULL;
	x = PEM_read_bio_X509(bio, NULL, NULL, NULL);
	BIO_free(bio);
	return x;
}

static EVP_PKEY *
read_key(const char *pem, size_t len)
{
	BIO		*bio;
	EVP_PKEY	*key;

	if ((bio = BIO_new_mem_buf(pem, (int)len)) == NULL)
		return NULL;
	key = PEM_read_bio_PrivateKey(bio, NULL, NULL, NULL);
	BIO_free(bio);
	return key;
}

int
tlskey_install(const char *certpem, size_t certlen, const char *keypem,
    size_t keylen, const char **why)
{
	struct tlskey	 k;
	X509		*cert;

	memset(&k, 0, sizeof(k));
	if ((cert = read_cert(certpem, certlen)) == NULL) {
		*why = "cannot read the certificate";
		goto fail;
	}
	if ((k.key = read_key(keypem, keylen)) == NULL) {
		*why = "cannot read the private key";
		goto fail;
	}
	if (key_kind(&k, why) == -1)
		goto fail;
	if (X509_check_private_key(cert, k.key) != 1) {
		*why = "the private key does not match the certificate";
		goto fail;
	}
	if (key_id(cert, k.id) == -1) {
		*why = "cannot encode the public key";
		goto fail;
	}
	X509_free(cert);
	ERR_clear_error();
	if (keys[0].key != NULL && memcmp(keys[0].id, k.id, sizeof(k.id)) == 0) {
		EVP_PKEY_free(k.key);	/* the same key again */
		return 0;
	}
	EVP_PKEY_free(keys[1].key);
	keys[1] = keys[0];
	keys[0] = k;
	previous_until = clock_ms() + TLSKEY_GRACE_MS;
	log_debug("tls: a new private key is in use");
	return 0;
 fail:
	ERR_clear_error();
	X509_free(cert);
	EVP_PKEY_free(k.key);
	return -1;
}

int
tlskey_ready(void)
{
	return keys[0].key != NULL;
}

void
tlskey_clear(void)
{
	int	 i;

	for (i = 0; i < 2; i++) {
		EVP_PKEY_free(keys[i].key);
		explicit_bzero(&keys[i], sizeof(keys[i]));
	}
	previous_until = 0;
}

uint64_t
tlskey_expire(void)
{
	uint64_t	 now;

	if (keys[1].key == NULL)
		return 0;
	if ((now = clock_ms()) < previous_until)
		return previous_until - now;
	EVP_PKEY_free(keys[1].key);
	explicit_bzero(&keys[1], sizeof(keys[1]));
	log_debug("tls: the previous private key is gone");
	return 0;
}

void
tlskey_set_clock(uint64_t (*clock)(void))
{
	clock_ms = clock != NULL ? clock : monotonic_ms;
}

static int
sign(const struct tlskey *k, const struct scheme *s, const uint8_t *tbs,
    size_t len, uint8_t *sig, size_t *siglen)
{
	EVP_MD_CTX	*md;
	EVP_PKEY_CTX	*pctx;
	size_t		 max;
	int		 ok;

	if ((md = EVP_MD_CTX_new()) == NULL)
		return -1;
	ok = EVP_DigestSignInit_ex(md, &pctx, s->md, NULL, NULL, k->key,
	    NULL) == 1 &&
	    (!s->pss || (EVP_PKEY_CTX_set_rsa_padding(pctx,
	    RSA_PKCS1_PSS_PADDING) == 1 &&
	    EVP_PKEY_CTX_set_rsa_pss_saltlen(pctx,
	    RSA_PSS_SALTLEN_DIGEST) == 1)) &&
	    EVP_DigestSign(md, NULL, &max, tbs, len) == 1 &&
	    max <= TLSSIGN_SIG_MAX;
	*siglen = TLSSIGN_SIG_MAX;
	if (ok)
		ok = EVP_DigestSign(md, sig, siglen, tbs, len) == 1;
	EVP_MD_CTX_free(md);
	ERR_clear_error();
	return ok ? 0 : -1;
}

int
tlskey_sign(const uint8_t *id, size_t idlen, uint32_t code,
    const uint8_t *tbs, size_t len, uint8_t *sig, size_t *siglen,
    const char **why)
{
	const struct tlskey	*k = NULL;
	int			 i;

	*siglen = 0;
	if (keys[0].key == NULL) {
		*why = "no TLS key yet";
		return 503;
	}
	tlskey_expire();
	for (i = 0; i < 2 && idlen == TLSSIGN_KEYID_LEN; i++)
		if (keys[i].key != NULL &&
		    memcmp(keys[i].id, id, TLSSIGN_KEYID_LEN) == 0)
			k = &keys[i];
	if (k == NULL) {
		*why = "no key for that certificate";
		return 404;
	}
	if (tlskey_check(k->type, k->curve, code, tbs, len, why) == -1)
		return 400;
	if (sign(k, scheme_find(code), tbs, len, sig, siglen) == -1) {
		*why = "signing failed";
		return 500;
	}
	*why = "";
	return 200;
}

/*
 * A request that is well formed but not a handshake signature gets an
 * error answer: that is content, and only frontd's handshake fails.
 */
int
tlskey_sign_request(struct ipc_chan *chan, struct ipc_msg *m)
{
	struct ipc_req		 req = ipc_req_of(chan, m);
	struct ipc_tls_sign	 b;
	struct ipc_tls_sign_res	 res;
	const char		*why;

	if (ipc_msg_get(m, &b) == -1)
		return -1;
	memset(&res, 0, sizeof(res));
	res.head.status = tlskey_sign(b.key_id, b.key_id_len, b.scheme, b.tbs,
	    b.tbs_len, res.sig, &res.sig_len, &why);
	if (res.head.status != 200)
		log_warnx("tls.sign refused: %s", why);
	strlcpy(res.head.message, why, sizeof(res.head.message));
	ipc_answer(&req, &res, NULL);
	return 0;
}
