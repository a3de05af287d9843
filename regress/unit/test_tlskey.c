/*
 * The TLS key in authd: authd/tlskey.c (what authd agrees to sign, the
 * signatures, the signing link's answers) and frontd/tlskey.c with
 * frontd/tls.c (the provider key that has authd sign), joined here by a
 * signer that calls authd's code directly, in real in-memory handshakes
 * of TLS 1.2 and 1.3 with RSA and ECDSA keys that a client verifies
 * against the certificate.
 */
#include <sys/types.h>
#include <sys/socket.h>

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <openssl/core_names.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>

#include "authd.h"
#include "frontd.h"
#include "test.h"
#include "tlssign.h"
#include "wire.h"

struct pair {
	const char	*name;
	char		*cert;
	size_t		 certlen;
	char		*key;
	size_t		 keylen;
	EVP_PKEY	*pkey;
	X509		*x509;
};

static int	 signer_calls;
static uint64_t	 fake_now;

static uint64_t
fake_clock(void)
{
	return fake_now;
}

static char *
bio_text(BIO *bio, size_t *len)
{
	char	*data, *copy;
	long	 n = BIO_get_mem_data(bio, &data);

	copy = malloc(n + 1);
	memcpy(copy, data, n);
	copy[n] = '\0';
	*len = n;
	return copy;
}

static void
make_pair(struct pair *p, const char *name, EVP_PKEY *key)
{
	X509		*x = X509_new();
	X509_NAME	*subject;
	BIO		*bio;

	memset(p, 0, sizeof(*p));
	p->name = name;
	p->pkey = key;
	X509_set_version(x, 2);
	ASN1_INTEGER_set(X509_get_serialNumber(x), 1);
	X509_gmtime_adj(X509_getm_notBefore(x), -60);
	X509_gmtime_adj(X509_getm_notAfter(x), 3600);
	subject = X509_get_subject_name(x);
	X509_NAME_add_entry_by_txt(subject, "CN", MBSTRING_ASC,
	    (const unsigned char *)"localhost", -1, -1, 0);
	X509_set_issuer_name(x, subject);
	X509_set_pubkey(x, key);
	X509_sign(x, key, EVP_sha256());
	p->x509 = x;
	bio = BIO_new(BIO_s_mem());
	PEM_write_bio_X509(bio, x);
	p->cert = bio_text(bio, &p->certlen);
	BIO_free(bio);
	bio = BIO_new(BIO_s_mem());
	PEM_write_bio_PrivateKey(bio, key, NULL, NULL, 0, NULL, NULL);
	p->key = bio_text(bio, &p->keylen);
	BIO_free(bio);
}

static void
free_pair(struct pair *p)
{
	free(p->cert);
	free(p->key);
	X509_free(p->x509);
	EVP_PKEY_free(p->pkey);
}

/* frontd's signer, with authd's code behind it instead of the link */
static int
direct_signer(const uint8_t id[TLSSIGN_KEYID_LEN], uint32_t scheme,
    const uint8_t *tbs, size_t tbslen, uint8_t *sig, size_t sigcap,
    size_t *siglen)
{
	uint8_t		 out[TLSSIGN_SIG_MAX];
	const char	*why;
	size_t		 n;

	signer_calls++;
	if (tlskey_sign(id, TLSSIGN_KEYID_LEN, scheme, tbs, tbslen, out, &n,
	    &why) != 200 || n > sigcap)
		return -1;
	memcpy(sig, out, n);
	*siglen = n;
	return 0;
}

static void
tls13_content(uint8_t *tbs, size_t hashlen, size_t *len)
{
	static const char	 context[] = TLS13_SERVER_CONTEXT;

	memset(tbs, ' ', 64);
	memcpy(tbs + 64, context, sizeof(context));
	memset(tbs + 64 + sizeof(context), 0xab, hashlen);
	*len = 64 + sizeof(context) + hashlen;
}

/*
 * A TLS 1.2 ServerKeyExchange's signed content: the two randoms (the
 * server's ends in the downgrade sentinel of a TLS 1.3 server), then
 * named_curve, the group and its point.
 */
static void
tls12_content(uint8_t *tbs, uint16_t group, const uint8_t *point,
    uint8_t pointlen, size_t *len)
{
	memset(tbs, 0x11, 56);
	memcpy(tbs + 56, "DOWNGRD\x01", 8);
	tbs[64] = 3;
	tbs[65] = group >> 8;
	tbs[66] = group & 0xff;
	tbs[67] = pointlen;
	memcpy(tbs + 68, point, pointlen);
	*len = 68 + pointlen;
}

/* An ECDHE share on a NIST curve: an uncompressed point on it. */
static size_t
ec_point(const char *curve, uint8_t *point, size_t cap)
{
	EVP_PKEY	*key = EVP_EC_gen(curve);
	size_t		 len = 0;

	CHECK(key != NULL);
	CHECK_INT(EVP_PKEY_get_octet_string_param(key,
	    OSSL_PKEY_PARAM_ENCODED_PUBLIC_KEY, point, cap, &len), 1);
	EVP_PKEY_free(key);
	return len;
}

static int
check(int type, int curve, uint32_t scheme, const uint8_t *tbs, size_t len)
{
	const char	*why = NULL;
	int		 rc = tlskey_check(type, curve, scheme, tbs, len, &why);

	if (rc == -1 && why == NULL)
		return 99;
	return rc;
}

/*
 * A TLS 1.2 ServerKeyExchange is signed only in its exact form: a group
 * frontd offers, a point of that group's size that (on a NIST curve)
 * decodes on the curve, the downgrade sentinel, nothing more.
 */
static void
test_check_tls12(void)
{
	uint8_t	 tbs[TLSSIGN_TBS_MAX + 16], x25519[32], x448[56];
	uint8_t	 p256[65], p384[97], p521[133], bad[133];
	size_t	 len;
	int	 rsa = EVP_PKEY_RSA, ec = EVP_PKEY_EC;
	int	 c256 = NID_X9_62_prime256v1, c384 = NID_secp384r1;

	memset(x25519, 0x33, sizeof(x25519));
	memset(x448, 0x44, sizeof(x448));
	CHECK_INT(ec_point("P-256", p256, sizeof(p256)), 65);
	CHECK_INT(ec_point("P-384", p384, sizeof(p384)), 97);
	CHECK_INT(ec_point("P-521", p521, sizeof(p521)), 133);

	tls12_content(tbs, 0x001d, x25519, 32, &len);
	CHECK_INT(check(rsa, 0, TLS_RSA_PKCS1_SHA256, tbs, len), 0);
	CHECK_INT(check(rsa, 0, TLS_RSA_PSS_SHA256, tbs, len), 0);
	CHECK_INT(check(ec, c256, TLS_ECDSA_SHA384, tbs, len), 0);
	tls12_content(tbs, 0x0017, p256, 65, &len);
	CHECK_INT(check(ec, c256, TLS_ECDSA_SHA256, tbs, len), 0);
	tls12_content(tbs, 0x0018, p384, 97, &len);
	CHECK_INT(check(ec, c384, TLS_ECDSA_SHA512, tbs, len), 0);
	CHECK_INT(check(rsa, 0, TLS_RSA_PKCS1_SHA256, tbs, len), 0);

	/* a "point" that is chosen bytes, not a point on the curve */
	memset(bad, 0x22, sizeof(bad));
	bad[0] = 0x04;
	tls12_content(tbs, 0x0017, bad, 65, &len);
	CHECK_INT(check(ec, c256, TLS_ECDSA_SHA256, tbs, len), -1);
	tls12_content(tbs, 0x0018, bad, 97, &len);
	CHECK_INT(check(rsa, 0, TLS_RSA_PKCS1_SHA256, tbs, len), -1);
	/* a real x with a y off the curve */
	memcpy(bad, p384, 97);
	bad[96] ^= 0x01;
	tls12_content(tbs, 0x0018, bad, 97, &len);
	CHECK_INT(check(rsa, 0, TLS_RSA_PKCS1_SHA256, tbs, len), -1);
	/* a point of another curve, of the right size for neither */
	tls12_content(tbs, 0x0017, p384, 97, &len);
	CHECK_INT(check(ec, c256, TLS_ECDSA_SHA256, tbs, len), -1);
	/* a hybrid (0x06 or 0x07 first) or compressed encoding */
	memcpy(bad, p256, 65);
	bad[0] = 0x06 | (p256[64] & 1);
	tls12_content(tbs, 0x0017, bad, 65, &len);
	CHECK_INT(check(ec, c256, TLS_ECDSA_SHA256, tbs, len), -1);
	bad[0] = 0x02 | (p256[64] & 1);
	tls12_content(tbs, 0x0017, bad, 33, &len);
	CHECK_INT(check(ec, c256, TLS_ECDSA_SHA256, tbs, len), -1);

	/* groups frontd does not offer, with well-formed points */
	tls12_content(tbs, 0x0019, p521, 133, &len);
	CHECK_INT(check(rsa, 0, TLS_RSA_PKCS1_SHA256, tbs, len), -1);
	tls12_content(tbs, 0x001e, x448, 56, &len);
	CHECK_INT(check(rsa, 0, TLS_RSA_PKCS1_SHA256, tbs, len), -1);
	tls12_content(tbs, 0x0100, x25519, 32, &len);	/* ffdhe2048 */
	CHECK_INT(check(rsa, 0, TLS_RSA_PKCS1_SHA256, tbs, len), -1);

	/* without the downgrade sentinel frontd's randoms always carry */
	tls12_content(tbs, 0x001d, x25519, 32, &len);
	tbs[63] = 0x00;
	CHECK_INT(check(rsa, 0, TLS_RSA_PKCS1_SHA256, tbs, len), -1);
	/* not named_curve, a byte too many, a byte too few */
	tls12_content(tbs, 0x001d, x25519, 32, &len);
	tbs[64] = 1;
	CHECK_INT(check(ec, c256, TLS_ECDSA_SHA256, tbs, len), -1);
	tbs[64] = 3;
	CHECK_INT(check(ec, c256, TLS_ECDSA_SHA256, tbs, len + 1), -1);
	CHECK_INT(check(ec, c256, TLS_ECDSA_SHA256, tbs, len - 1), -1);
	tls12_content(tbs, 0x0017, p256, 65, &len);
	CHECK_INT(check(ec, c256, TLS_ECDSA_SHA256, tbs, len + 1), -1);
	tbs[67] = 64;
	CHECK_INT(check(ec, c256, TLS_ECDSA_SHA256, tbs, len - 1), -1);
}

/* Handshake content passes; anything else is refused, with a reason. */
static void
test_check(void)
{
	uint8_t	 tbs[TLSSIGN_TBS_MAX + 16];
	size_t	 len;
	int	 rsa = EVP_PKEY_RSA, ec = EVP_PKEY_EC;
	int	 p256 = NID_X9_62_prime256v1, p384 = NID_secp384r1;

	tls13_content(tbs, 32, &len);
	CHECK_INT(check(rsa, 0, TLS_RSA_PSS_SHA256, tbs, len), 0);
	CHECK_INT(check(rsa, 0, TLS_RSA_PSS_SHA512, tbs, len), 0);
	CHECK_INT(check(ec, p256, TLS_ECDSA_SHA256, tbs, len), 0);
	CHECK_INT(check(ec, p384, TLS_ECDSA_SHA384, tbs, len), 0);
	tls13_content(tbs, 48, &len);
	CHECK_INT(check(rsa, 0, TLS_RSA_PSS_SHA384, tbs, len), 0);
	/* TLS 1.3: no PKCS#1 v1.5, and ECDSA's hash goes with its curve */
	CHECK_INT(check(rsa, 0, TLS_RSA_PKCS1_SHA256, tbs, len), -1);
	CHECK_INT(check(ec, p256, TLS_ECDSA_SHA384, tbs, len), -1);
	CHECK_INT(check(ec, p384, TLS_ECDSA_SHA256, tbs, len), -1);
	/* a scheme of another kind of key, or none TLS signs with */
	CHECK_INT(check(ec, p256, TLS_RSA_PSS_SHA256, tbs, len), -1);
	CHECK_INT(check(rsa, 0, TLS_ECDSA_SHA256, tbs, len), -1);
	CHECK_INT(check(rsa, 0, 0x0201, tbs, len), -1);	/* SHA-1 */
	CHECK_INT(check(ec, p256, 0x0303, tbs, len), -1);	/* SHA-224 */
	CHECK_INT(check(rsa, 0, 0x0809, tbs, len), -1);	/* rsa_pss_pss */
	/* the client's context, a hash of another size, a bad prefix */
	memcpy(tbs + 64, "TLS 1.3, client CertificateVerify", 33);
	CHECK_INT(check(rsa, 0, TLS_RSA_PSS_SHA256, tbs, len), -1);
	tls13_content(tbs, 40, &len);
	CHECK_INT(check(rsa, 0, TLS_RSA_PSS_SHA256, tbs, len), -1);
	tls13_content(tbs, 32, &len);
	tbs[3] = '!';
	CHECK_INT(check(rsa, 0, TLS_RSA_PSS_SHA256, tbs, len), -1);
	/* a bare digest, nothing, or a document */
	memset(tbs, 0x5a, 64);
	CHECK_INT(check(rsa, 0, TLS_RSA_PSS_SHA256, tbs, 32), -1);
	CHECK_INT(check(ec, p256, TLS_ECDSA_SHA256, tbs, 64), -1);
	CHECK_INT(check(ec, p256, TLS_ECDSA_SHA256, tbs, 0), -1);
	memcpy(tbs, "-----BEGIN CERTIFICATE-----", 27);
	CHECK_INT(check(rsa, 0, TLS_RSA_PKCS1_SHA256, tbs, 200), -1);

	/* TLS 1.2 ServerKeyExchange of ECDHE, with any ECDSA hash */
	test_check_tls12();
	/* longer than any handshake signature */
	memset(tbs, ' ', sizeof(tbs));
	CHECK_INT(check(ec, p256, TLS_ECDSA_SHA256, tbs, TLSSIGN_TBS_MAX + 1),
	    -1);
}

static void
key_id_of(X509 *x, uint8_t id[TLSSIGN_KEYID_LEN])
{
	unsigned char	*der = NULL;
	int		 len = i2d_PUBKEY(X509_get0_pubkey(x), &der);

	EVP_Digest(der, len, id, NULL, EVP_sha256(), NULL);
	OPENSSL_free(der);
}

static int
verifies(X509 *x, const char *md, int pss, const uint8_t *tbs, size_t len,
    const uint8_t *sig, size_t siglen)
{
	EVP_MD_CTX	*ctx = EVP_MD_CTX_new();
	EVP_PKEY_CTX	*pctx;
	int		 ok;

	ok = EVP_DigestVerifyInit_ex(ctx, &pctx, md, NULL, NULL,
	    X509_get0_pubkey(x), NULL) == 1 &&
	    (!pss || (EVP_PKEY_CTX_set_rsa_padding(pctx,
	    RSA_PKCS1_PSS_PADDING) == 1 &&
	    EVP_PKEY_CTX_set_rsa_pss_saltlen(pctx, RSA_PSS_SALTLEN_DIGEST) ==
	    1)) && EVP_DigestVerify(ctx, sig, siglen, tbs, len) == 1;
	EVP_MD_CTX_free(ctx);
	ERR_clear_error();
	return ok;
}

/* authd's answers: the statuses, and signatures that verify. */
static void
test_sign(struct pair *rsa, struct pair *ec, struct pair *other)
{
	uint8_t		 id[TLSSIGN_KEYID_LEN], tbs[TLSSIGN_TBS_MAX];
	uint8_t		 sig[TLSSIGN_SIG_MAX], share[32];
	const char	*why;
	size_t		 len, siglen;

	tlskey_set_clock(fake_clock);
	fake_now = 1000;
	tlskey_clear();
	CHECK(!tlskey_ready());
	tls13_content(tbs, 32, &len);
	key_id_of(rsa->x509, id);
	CHECK_INT(tlskey_sign(id, sizeof(id), TLS_RSA_PSS_SHA256, tbs, len,
	    sig, &siglen, &why), 503);
	/* a pair that does not match, or garbage, is refused */
	CHECK_INT(tlskey_install(rsa->cert, rsa->certlen, ec->key, ec->keylen,
	    &why), -1);
	CHECK_STR(why, "the private key does not match the certificate");
	CHECK_INT(tlskey_install("junk", 4, rsa->key, rsa->keylen, &why), -1);
	CHECK_INT(tlskey_install(rsa->cert, rsa->certlen, "junk", 4, &why),
	    -1);
	CHECK(!tlskey_ready());
	CHECK_INT(tlskey_install(rsa->cert, rsa->certlen, rsa->key,
	    rsa->keylen, &why), 0);
	CHECK_INT(tlskey_sign(id, sizeof(id), TLS_RSA_PSS_SHA256, tbs, len,
	    sig, &siglen, &why), 200);
	CHECK(verifies(rsa->x509, "SHA256", 1, tbs, len, sig, siglen));
	CHECK_INT(siglen, 256);
	memset(share, 0x33, sizeof(share));
	tls12_content(tbs, 0x001d, share, sizeof(share), &len);
	CHECK_INT(tlskey_sign(id, sizeof(id), TLS_RSA_PKCS1_SHA384, tbs, len,
	    sig, &siglen, &why), 200);
	CHECK(verifies(rsa->x509, "SHA384", 0, tbs, len, sig, siglen));
	/* not a handshake: refused, nothing signed */
	memset(tbs, 0x5a, 32);
	CHECK_INT(tlskey_sign(id, sizeof(id), TLS_RSA_PKCS1_SHA256, tbs, 32,
	    sig, &siglen, &why), 400);
	CHECK_INT(siglen, 0);
	/* a key authd does not hold, a key id of the wrong size */
	key_id_of(other->x509, id);
	tls13_content(tbs, 32, &len);
	CHECK_INT(tlskey_sign(id, sizeof(id), TLS_ECDSA_SHA256, tbs, len,
	    sig, &siglen, &why), 404);
	CHECK_INT(tlskey_sign(id, 16, TLS_ECDSA_SHA256, tbs, len, sig,
	    &siglen, &why), 404);
	/* a reload to the EC pair keeps the RSA key for handshakes in
	 * flight, for the grace period only */
	CHECK_INT(tlskey_install(ec->cert, ec->certlen, ec->key, ec->keylen,
	    &why), 0);
	key_id_of(ec->x509, id);
	CHECK_INT(tlskey_sign(id, sizeof(id), TLS_ECDSA_SHA256, tbs, len,
	    sig, &siglen, &why), 200);
	CHECK(verifies(ec->x509, "SHA256", 0, tbs, len, sig, siglen));
	key_id_of(rsa->x509, id);
	CHECK_INT(tlskey_sign(id, sizeof(id), TLS_RSA_PSS_SHA256, tbs, len,
	    sig, &siglen, &why), 200);
	CHECK(tlskey_expire() == TLSKEY_GRACE_MS);
	/* the same pair again changes nothing, nor extends the grace */
	fake_now += TLSKEY_GRACE_MS - 1;
	CHECK_INT(tlskey_install(ec->cert, ec->certlen, ec->key, ec->keylen,
	    &why), 0);
	CHECK_INT(tlskey_sign(id, sizeof(id), TLS_RSA_PSS_SHA256, tbs, len,
	    sig, &siglen, &why), 200);
	/* then the previous key signs no more, and is gone */
	fake_now += 1;
	CHECK_INT(tlskey_sign(id, sizeof(id), TLS_RSA_PSS_SHA256, tbs, len,
	    sig, &siglen, &why), 404);
	CHECK_INT(siglen, 0);
	CHECK(tlskey_expire() == 0);
	key_id_of(ec->x509, id);
	CHECK_INT(tlskey_sign(id, sizeof(id), TLS_ECDSA_SHA256, tbs, len,
	    sig, &siglen, &why), 200);
	/* the timer's way: expiry alone frees it, without a request */
	CHECK_INT(tlskey_install(other->cert, other->certlen, other->key,
	    other->keylen, &why), 0);
	CHECK_INT(tlskey_sign(id, sizeof(id), TLS_ECDSA_SHA256, tbs, len,
	    sig, &siglen, &why), 200);
	fake_now += TLSKEY_GRACE_MS;
	CHECK(tlskey_expire() == 0);
	CHECK_INT(tlskey_sign(id, sizeof(id), TLS_ECDSA_SHA256, tbs, len,
	    sig, &siglen, &why), 404);
	/* a third key within the grace drops the first at once */
	CHECK_INT(tlskey_install(rsa->cert, rsa->certlen, rsa->key,
	    rsa->keylen, &why), 0);
	CHECK_INT(tlskey_install(ec->cert, ec->certlen, ec->key, ec->keylen,
	    &why), 0);
	key_id_of(other->x509, id);
	CHECK_INT(tlskey_sign(id, sizeof(id), TLS_ECDSA_SHA256, tbs, len,
	    sig, &siglen, &why), 404);
	tlskey_set_clock(NULL);
}

static struct event_base	*base;
static int			 link_closed;
static const char		*link_why;

/* authd's signing link, as its table routes tls.sign */
static int
sign_link(struct ipc_chan *chan, struct ipc_msg *m, void *arg)
{
	(void)arg;
	if (m->type != IPC_TLS_SIGN)
		return ipc_violation(m, "only tls.sign on the signing link");
	return tlskey_sign_request(chan, m);
}

static void
on_close(struct ipc_chan *chan, const char *why, void *arg)
{
	(void)chan;
	(void)arg;
	link_closed = 1;
	link_why = why;
}

static void
send_msg(int fd, struct ipc_msg *m)
{
	const void	*buf;
	size_t		 len;

	CHECK_INT(ipc_msg_finish(m, &buf, &len), 0);
	CHECK_INT(ipc_send_raw(fd, buf, len, -1), 0);
	ipc_msg_clear(m);
}

/* Runs the loop until a datagram waits on fd, then decodes it. */
static int
recv_msg(int fd, struct ipc_msg *m)
{
	static uint8_t	 buf[IPC_MAX_MSG];
	struct timeval	 tv = { 0, 20000 };
	const char	*why;
	ssize_t		 n;
	int		 i, pfd;

	for (i = 0; i < 100; i++) {
		event_base_loopexit(base, &tv);
		event_base_dispatch(base);
		n = recv(fd, buf, sizeof(buf), MSG_DONTWAIT | MSG_PEEK);
		if (n > 0)
			break;
	}
	if (n <= 0 || (n = ipc_recv_raw(fd, buf, sizeof(buf), &pfd)) <= 0)
		return -1;
	return ipc_decode(m, buf, n, pfd, PROC_AUTHD, PROC_FRONTD, &why);
}

static void
sign_request(int fd, uint32_t reqid, const uint8_t *id, uint32_t scheme,
    const uint8_t *tbs, size_t len)
{
	struct ipc_msg	 m;

	ipc_msg_init(&m, IPC_TLS_SIGN, reqid);
	ipc_put_bin(&m, id, TLSSIGN_KEYID_LEN);
	ipc_put_u64(&m, scheme);
	ipc_put_bin(&m, tbs, len);
	send_msg(fd, &m);
}

static uint32_t
answer(int fd, uint32_t reqid, uint8_t *sig, size_t *siglen)
{
	struct ipc_msg	 m;
	char		 message[256];
	uint32_t	 status = 0;

	*siglen = 0;
	if (recv_msg(fd, &m) == -1)
		return 0;
	CHECK_INT(m.type, IPC_TLS_SIGN_RES);
	CHECK_INT(m.reqid, reqid);
	ipc_get_u32(&m, &status);
	ipc_get_str(&m, message, sizeof(message));
	if (status == 200)
		ipc_get_bin(&m, sig, TLSSIGN_SIG_MAX, siglen);
	else
		CHECK(message[0] != '\0');
	CHECK_INT(ipc_end(&m), 0);
	ipc_msg_clear(&m);
	return status;
}

/*
 * Over a real channel: a request that is not a handshake signature gets
 * an error answer and the link stays up (content, not a violation);
 * another type of message on the signing link is a violation.
 */
static void
test_dispatch(struct pair *ec)
{
	struct ipc_chan	*chan;
	struct ipc_msg	 m;
	uint8_t		 id[TLSSIGN_KEYID_LEN], tbs[TLSSIGN_TBS_MAX + 64];
	uint8_t		 sig[TLSSIGN_SIG_MAX];
	const char	*why;
	size_t		 len, siglen;
	int		 sv[2];

	CHECK_INT(tlskey_install(ec->cert, ec->certlen, ec->key, ec->keylen,
	    &why), 0);
	key_id_of(ec->x509, id);
	CHECK_INT(ipc_socketpair(sv), 0);
	link_closed = 0;
	chan = ipc_chan_new(base, sv[0], PROC_AUTHD, PROC_FRONTD,
	    sign_link, on_close, NULL);
	ipc_msg_init(&m, IPC_HELLO, 0);
	ipc_put_u64(&m, IPC_VERSION);
	ipc_put_u64(&m, PROC_FRONTD);
	send_msg(sv[1], &m);
	CHECK_INT(recv_msg(sv[1], &m), 0);
	CHECK_INT(m.type, IPC_HELLO);
	ipc_msg_clear(&m);

	/* a digest, a document, an oversized blob: error answers */
	memset(tbs, 0x5a, sizeof(tbs));
	sign_request(sv[1], 1, id, TLS_ECDSA_SHA256, tbs, 32);
	CHECK_INT(answer(sv[1], 1, sig, &siglen), 400);
	sign_request(sv[1], 2, id, TLS_ECDSA_SHA256, tbs, sizeof(tbs));
	CHECK_INT(answer(sv[1], 2, sig, &siglen), 400);
	tls13_content(tbs, 32, &len);
	sign_request(sv[1], 3, id, 0x0201, tbs, len);
	CHECK_INT(answer(sv[1], 3, sig, &siglen), 400);
	CHECK(!link_closed);
	/* a handshake signature is made and verifies */
	sign_request(sv[1], 4, id, TLS_ECDSA_SHA256, tbs, len);
	CHECK_INT(answer(sv[1], 4, sig, &siglen), 200);
	CHECK(verifies(ec->x509, "SHA256", 0, tbs, len, sig, siglen));
	CHECK(!link_closed);
	/* any other message on this link ends it */
	ipc_msg_init(&m, IPC_AUTH_ROTATE_PW, 5);
	ipc_put_str(&m, "x");
	send_msg(sv[1], &m);
	CHECK_INT(recv_msg(sv[1], &m), -1);
	CHECK(link_closed);
	CHECK(link_why != NULL);
	ipc_chan_free(chan);
	close(sv[1]);
}

/* One in-memory handshake; the client verifies against the certificate. */
static int
handshake(SSL_CTX *server, struct pair *p, int version, const char *sigalgs,
    const char *groups, int *signature_nid)
{
	SSL_CTX		*cctx = SSL_CTX_new(TLS_client_method());
	X509_STORE	*store = SSL_CTX_get_cert_store(cctx);
	SSL		*c, *s;
	BIO		*cb, *sb;
	int		 i, cdone = 0, sdone = 0, ok;

	X509_STORE_add_cert(store, p->x509);
	SSL_CTX_set_verify(cctx, SSL_VERIFY_PEER, NULL);
	SSL_CTX_set_min_proto_version(cctx, version);
	SSL_CTX_set_max_proto_version(cctx, version);
	if (sigalgs != NULL)
		SSL_CTX_set1_sigalgs_list(cctx, sigalgs);
	if (groups != NULL)
		SSL_CTX_set1_groups_list(cctx, groups);
	c = SSL_new(cctx);
	s = SSL_new(server);
	BIO_new_bio_pair(&cb, 0, &sb, 0);
	SSL_set_bio(c, cb, cb);
	SSL_set_bio(s, sb, sb);
	SSL_set_connect_state(c);
	SSL_set_accept_state(s);
	for (i = 0; i < 20 && !(cdone && sdone); i++) {
		if (!cdone)
			cdone = SSL_do_handshake(c) == 1;
		if (!sdone)
			sdone = SSL_do_handshake(s) == 1;
	}
	ok = cdone && sdone && SSL_get_verify_result(c) == X509_V_OK &&
	    SSL_version(c) == version;
	*signature_nid = NID_undef;
	SSL_get_peer_signature_type_nid(c, signature_nid);
	SSL_free(c);
	SSL_free(s);
	SSL_CTX_free(cctx);
	ERR_clear_error();
	return ok;
}

static void
test_handshakes(struct pair *pairs, size_t n, struct pair *other)
{
	SSL_CTX		*ctx;
	const char	*why;
	size_t		 i;
	int		 nid, calls;

	for (i = 0; i < n; i++) {
		struct pair	*p = &pairs[i];
		int		 rsa = EVP_PKEY_is_a(p->pkey, "RSA");

		fprintf(stderr, "  handshakes with %s\n", p->name);
		CHECK_INT(tlskey_install(p->cert, p->certlen, p->key,
		    p->keylen, &why), 0);
		ctx = tls_ctx_new(p->cert, p->certlen);
		CHECK(ctx != NULL);
		if (ctx == NULL)
			continue;
		calls = signer_calls;
		CHECK(handshake(ctx, p, TLS1_3_VERSION, NULL, NULL, &nid));
		CHECK_INT(nid, rsa ? NID_rsassaPss : NID_X9_62_id_ecPublicKey);
		CHECK(handshake(ctx, p, TLS1_2_VERSION, NULL, NULL, &nid));
		CHECK_INT(nid, rsa ? NID_rsassaPss : NID_X9_62_id_ecPublicKey);
		/* each handshake signed once, by authd's code */
		CHECK_INT(signer_calls - calls, 2);
		/* ECDHE on a NIST curve: "EC" still means the default
		 * provider's key generation, not ours (TLS 1.2 wants the
		 * certificate's curve among the client's groups too) */
		CHECK(handshake(ctx, p, TLS1_3_VERSION, NULL, "P-384", &nid));
		CHECK(handshake(ctx, p, TLS1_2_VERSION, NULL, "P-256:P-384",
		    &nid));
		if (rsa) {
			/* TLS 1.2 on each group frontd offers, signed by
			 * authd's code; none on a group it does not */
			CHECK(handshake(ctx, p, TLS1_2_VERSION, NULL, "X25519",
			    &nid));
			CHECK(handshake(ctx, p, TLS1_2_VERSION, NULL, "P-256",
			    &nid));
			CHECK(handshake(ctx, p, TLS1_2_VERSION, NULL, "P-384",
			    &nid));
			CHECK(!handshake(ctx, p, TLS1_2_VERSION, NULL, "P-521",
			    &nid));
			CHECK(!handshake(ctx, p, TLS1_2_VERSION, NULL, "X448",
			    &nid));
			/* a client without RSA-PSS gets PKCS#1 v1.5 */
			CHECK(handshake(ctx, p, TLS1_2_VERSION, "RSA+SHA256",
			    NULL, &nid));
			CHECK_INT(nid, NID_rsaEncryption);
			CHECK(handshake(ctx, p, TLS1_2_VERSION, "RSA+SHA512",
			    NULL, &nid));
			/* and one that wants SHA-1 none */
			CHECK(!handshake(ctx, p, TLS1_2_VERSION, "RSA+SHA1",
			    NULL, &nid));
		}
		SSL_CTX_free(ctx);
	}
	/* a certificate whose key authd does not hold is refused at once */
	CHECK(tls_ctx_new(other->cert, other->certlen) == NULL);
	ERR_clear_error();
}

/*
 * The signing link against a fake authd on a thread of its own, which
 * answers each request after the delay its script gives (-1: never).
 */
struct fake_authd {
	pthread_t	 thread;
	int		 fd;
	int		 delays[4];
	int		 n;
};

static int	 fake_fd = -1;		/* authd's end of the signing link */

static void *
fake_authd_run(void *arg)
{
	static uint8_t		 buf[IPC_MAX_MSG];
	struct fake_authd	*f = arg;
	struct ipc_msg		 m;
	struct pollfd		 pfd;
	const void		*out;
	const char		*why;
	size_t			 outlen;
	ssize_t			 n;
	uint32_t		 reqid;
	int			 i, fd;

	for (i = 0; i < f->n; i++) {
		pfd.fd = f->fd;
		pfd.events = POLLIN;
		if (poll(&pfd, 1, 5000) != 1 ||
		    (n = ipc_recv_raw(f->fd, buf, sizeof(buf), &fd)) <= 0 ||
		    ipc_decode(&m, buf, n, fd, PROC_FRONTD, PROC_AUTHD,
		    &why) == -1)
			return NULL;
		reqid = m.reqid;
		ipc_msg_clear(&m);
		if (f->delays[i] < 0)
			continue;
		usleep(f->delays[i] * 1000);
		ipc_msg_init(&m, IPC_TLS_SIGN_RES, reqid);
		ipc_put_head(&m, 200, "");
		ipc_put_bin(&m, "sig", 3);
		if (ipc_msg_finish(&m, &out, &outlen) == 0)
			ipc_send_raw(f->fd, out, outlen, -1);
		ipc_msg_clear(&m);
	}
	return NULL;
}

static void
fake_authd_start(struct fake_authd *f, int d0, int d1, int d2)
{
	memset(f, 0, sizeof(*f));
	f->fd = fake_fd;
	f->delays[f->n++] = d0;
	if (d1 != -2)
		f->delays[f->n++] = d1;
	if (d2 != -2)
		f->delays[f->n++] = d2;
	CHECK_INT(pthread_create(&f->thread, NULL, fake_authd_run, f), 0);
}

static int64_t
clock_now_ms(void)
{
	struct timespec	 ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* One signature over the link; its time in milliseconds in *took. */
static int
link_sign(int64_t *took)
{
	uint8_t	 id[TLSSIGN_KEYID_LEN], tbs[TLSSIGN_TBS_MAX];
	uint8_t	 sig[TLSSIGN_SIG_MAX];
	size_t	 len, siglen;
	int64_t	 start = clock_now_ms();
	int	 rc;

	memset(id, 0x42, sizeof(id));
	tls13_content(tbs, 32, &len);
	rc = signlink_sign(id, TLS_ECDSA_SHA256, tbs, len, sig, sizeof(sig),
	    &siglen);
	*took = clock_now_ms() - start;
	if (rc == 0)
		CHECK(siglen == 3 && memcmp(sig, "sig", 3) == 0);
	return rc;
}

/* Nothing waits on authd's end: no request was sent. */
static int
link_quiet(void)
{
	uint8_t	 b;

	return recv(fake_fd, &b, 1, MSG_DONTWAIT | MSG_PEEK) == -1 &&
	    errno == EAGAIN;
}

/*
 * Before anything else opens descriptors: PROC_FD_TLSSIGN is frontd's.
 * One the test inherited there (a shell's: the SSH gateway's process
 * moved the slot from 9 to 10) is no descriptor of ours: dup2 takes
 * its place.
 */
static void
signlink_setup(void)
{
	struct ipc_msg	 m;
	const void	*buf;
	size_t		 len;
	int		 sv[2];

	if (ipc_socketpair(sv) == -1 || sv[0] == PROC_FD_TLSSIGN ||
	    sv[1] == PROC_FD_TLSSIGN || dup2(sv[0], PROC_FD_TLSSIGN) == -1)
		abort();
	close(sv[0]);
	fake_fd = sv[1];
	signlink_init();
	ipc_msg_init(&m, IPC_HELLO, 0);
	ipc_put_u64(&m, IPC_VERSION);
	ipc_put_u64(&m, PROC_AUTHD);
	if (ipc_msg_finish(&m, &buf, &len) == -1 ||
	    ipc_send_raw(fake_fd, buf, len, -1) == -1)
		abort();
	ipc_msg_clear(&m);
}

/*
 * A stuck or slow authd stalls frontd's loop for one short timeout, then
 * handshakes fail at once, without a request, for the back-off; a
 * configuration push's proof still waits for authd.
 */
static void
test_backoff(void)
{
	struct fake_authd	 f;
	uint8_t			 hello[IPC_MAX_MSG];
	int64_t			 took;

	/* signlink_init's hello */
	CHECK(recv(fake_fd, hello, sizeof(hello), MSG_DONTWAIT) > 0);
	fake_authd_start(&f, 0, -1, -2);
	CHECK_INT(link_sign(&took), 0);
	CHECK_INT(link_sign(&took), -1);
	CHECK(took >= 240 && took < 900);
	pthread_join(f.thread, NULL);
	CHECK_INT(link_sign(&took), -1);
	CHECK(took < 50);
	CHECK(link_quiet());
	signlink_patient(1);
	fake_authd_start(&f, 0, -2, -2);
	CHECK_INT(link_sign(&took), 0);
	pthread_join(f.thread, NULL);
	signlink_patient(0);
	CHECK(link_quiet());

	/* after the back-off, authd is asked again; answers late by 350 ms
	 * within a second start another back-off */
	usleep(1100 * 1000);
	fake_authd_start(&f, 0, 200, 200);
	CHECK_INT(link_sign(&took), 0);
	CHECK_INT(link_sign(&took), 0);
	CHECK(took >= 200);
	CHECK_INT(link_sign(&took), 0);
	pthread_join(f.thread, NULL);
	CHECK_INT(link_sign(&took), -1);
	CHECK(took < 50);
	CHECK(link_quiet());
}

/* The provider's key has the public half only, and takes no other. */
static void
test_no_private_half(struct pair *rsa, struct pair *ec)
{
	EVP_PKEY	*remote, *imported = NULL;
	EVP_PKEY_CTX	*pctx;
	OSSL_PARAM	*params = NULL;
	BIGNUM		*d = NULL;

	remote = tlskey_remote(rsa->x509);
	CHECK(remote != NULL);
	CHECK(EVP_PKEY_get_bn_param(remote, OSSL_PKEY_PARAM_RSA_D, &d) != 1);
	CHECK(d == NULL);
	CHECK(EVP_PKEY_get_bits(remote) == 2048);
	CHECK(EVP_PKEY_eq(remote, X509_get0_pubkey(rsa->x509)) == 1);
	CHECK(EVP_PKEY_eq(remote, X509_get0_pubkey(ec->x509)) != 1);
	EVP_PKEY_free(remote);
	/* importing a whole private key into it fails */
	CHECK_INT(EVP_PKEY_todata(rsa->pkey, EVP_PKEY_KEYPAIR, &params), 1);
	pctx = EVP_PKEY_CTX_new_from_name(NULL, "RSA", "provider=moat-authd");
	CHECK(pctx != NULL && EVP_PKEY_fromdata_init(pctx) == 1);
	CHECK(EVP_PKEY_fromdata(pctx, &imported, EVP_PKEY_KEYPAIR, params) !=
	    1);
	CHECK(imported == NULL);
	EVP_PKEY_CTX_free(pctx);
	OSSL_PARAM_free(params);
	ERR_clear_error();
}

static struct pair	 pairs[3], other;

static void
test_authd_answers(void)
{
	test_sign(&pairs[0], &pairs[1], &other);
}

static void
test_signing_link(void)
{
	test_dispatch(&pairs[1]);
}

static void
test_provider_key(void)
{
	test_no_private_half(&pairs[0], &pairs[1]);
}

static void
test_tls_handshakes(void)
{
	test_handshakes(pairs, 3, &other);
}

int
main(void)
{
	signlink_setup();
	base = event_base_new();
	if (OPENSSL_init_ssl(OPENSSL_INIT_LOAD_CONFIG, NULL) != 1)
		return 1;
	tlskey_init(direct_signer);
	make_pair(&pairs[0], "RSA 2048", EVP_RSA_gen(2048));
	make_pair(&pairs[1], "ECDSA P-256", EVP_EC_gen("P-256"));
	make_pair(&pairs[2], "ECDSA P-384", EVP_EC_gen("P-384"));
	make_pair(&other, "another P-256", EVP_EC_gen("P-256"));
	RUN(test_check);
	RUN(test_authd_answers);
	RUN(test_provider_key);
	RUN(test_signing_link);
	RUN(test_tls_handshakes);
	RUN(test_backoff);
	tlskey_clear();
	free_pair(&pairs[0]);
	free_pair(&pairs[1]);
	free_pair(&pairs[2]);
	free_pair(&other);
	event_base_free(base);
	return test_report("test_tlskey");
}
