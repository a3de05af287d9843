/*
 * TLS for frontd.  The server's private key is not here: frontd holds
 * the certificate, and its contexts use a key whose signatures authd
 * makes (tlskey.c, signlink.c; DESIGN.md, "TLS key in authd").
 */
#include <string.h>

#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/rsa.h>
#include <openssl/ssl.h>

#include "frontd.h"
#include "log.h"

static const unsigned char alpn_http11[] = { 8, 'h', 't', 't', 'p', '/',
    '1', '.', '1' };

void
tls_init(void)
{
	SSL_CTX	*warm;

	/* Load OpenSSL's configuration and providers before the sandbox:
	 * they open files the sandbox would refuse. */
	if (OPENSSL_init_ssl(OPENSSL_INIT_LOAD_CONFIG, NULL) != 1)
		fatalx("OPENSSL_init_ssl");
	if ((warm = SSL_CTX_new(TLS_server_method())) == NULL)
		fatalx("SSL_CTX_new");
	SSL_CTX_free(warm);
	tlskey_init(signlink_sign);
}

static int
select_alpn(SSL *ssl, const unsigned char **out, unsigned char *outlen,
    const unsigned char *in, unsigned int inlen, void *arg)
{
	(void)ssl;
	(void)arg;
	if (SSL_select_next_proto((unsigned char **)out, outlen, alpn_http11,
	    sizeof(alpn_http11), in, inlen) != OPENSSL_NPN_NEGOTIATED)
		return SSL_TLSEXT_ERR_NOACK;
	return SSL_TLSEXT_ERR_OK;
}

static int
load_chain(SSL_CTX *ctx, const char *pem, size_t len)
{
	BIO	*bio;
	X509	*x;
	int	 n = 0;

	if ((bio = BIO_new_mem_buf(pem, (int)len)) == NULL)
		return -1;
	if ((x = PEM_read_bio_X509_AUX(bio, NULL, NULL, NULL)) == NULL ||
	    SSL_CTX_use_certificate(ctx, x) != 1) {
		X509_free(x);
		BIO_free(bio);
		return -1;
	}
	X509_free(x);
	SSL_CTX_clear_chain_certs(ctx);
	while ((x = PEM_read_bio_X509(bio, NULL, NULL, NULL)) != NULL) {
		if (SSL_CTX_add0_chain_cert(ctx, x) != 1) {
			X509_free(x);
			BIO_free(bio);
			return -1;
		}
		n++;
	}
	ERR_clear_error();
	BIO_free(bio);
	return n;
}

#ifdef MOAT_BENCH_KEY_IN_FRONTD
static int
load_key(SSL_CTX *ctx, const char *pem, size_t len)
{
	BIO		*bio;
	EVP_PKEY	*key;
	int		 rc;

	if ((bio = BIO_new_mem_buf(pem, (int)len)) == NULL)
		return -1;
	key = PEM_read_bio_PrivateKey(bio, NULL, NULL, NULL);
	BIO_free(bio);
	if (key == NULL)
		return -1;
	rc = SSL_CTX_use_PrivateKey(ctx, key) == 1 &&
	    SSL_CTX_check_private_key(ctx) == 1 ? 0 : -1;
	EVP_PKEY_free(key);
	return rc;
}
#endif

/* The hash a TLS 1.3 CertificateVerify uses with this key. */
static const char *
probe_digest(EVP_PKEY *pub)
{
	char	 group[64];

	if (EVP_PKEY_is_a(pub, "RSA") || EVP_PKEY_get_group_name(pub, group,
	    sizeof(group), NULL) != 1)
		return "SHA256";
	if (strcmp(group, "secp384r1") == 0)
		return "SHA384";
	if (strcmp(group, "secp521r1") == 0)
		return "SHA512";
	return "SHA256";
}

/*
 * Proves the pair before it serves: authd signs a TLS 1.3
 * CertificateVerify over a random transcript hash with the key of this
 * certificate, and the signature verifies under the certificate.  A
 * certificate whose key authd does not hold (or a key that does not
 * match it) is refused here, not at the first handshake.
 */
static int
probe(EVP_PKEY *key, X509 *cert)
{
	static const char	 context[] = TLS13_SERVER_CONTEXT;
	uint8_t			 tbs[64 + sizeof(context) + 32];
	uint8_t			 sig[TLSSIGN_SIG_MAX];
	EVP_PKEY		*pub = X509_get0_pubkey(cert);
	EVP_MD_CTX		*md;
	EVP_PKEY_CTX		*pctx;
	const char		*mdname;
	size_t			 siglen = sizeof(sig);
	int			 ok, rsa;

	if (pub == NULL || (md = EVP_MD_CTX_new()) == NULL)
		return -1;
	memset(tbs, ' ', 64);
	memcpy(tbs + 64, context, sizeof(context));
	if (RAND_bytes(tbs + 64 + sizeof(context), 32) != 1) {
		EVP_MD_CTX_free(md);
		return -1;
	}
	rsa = EVP_PKEY_is_a(pub, "RSA");
	mdname = probe_digest(pub);
	ok = EVP_DigestSignInit_ex(md, &pctx, mdname, NULL, NULL, key,
	    NULL) == 1 &&
	    (!rsa || (EVP_PKEY_CTX_set_rsa_padding(pctx,
	    RSA_PKCS1_PSS_PADDING) == 1 && EVP_PKEY_CTX_set_rsa_pss_saltlen(
	    pctx, RSA_PSS_SALTLEN_DIGEST) == 1)) &&
	    EVP_DigestSign(md, sig, &siglen, tbs, sizeof(tbs)) == 1 &&
	    EVP_MD_CTX_reset(md) == 1 &&
	    EVP_DigestVerifyInit_ex(md, &pctx, mdname, NULL, NULL, pub,
	    NULL) == 1 &&
	    (!rsa || (EVP_PKEY_CTX_set_rsa_padding(pctx,
	    RSA_PKCS1_PSS_PADDING) == 1 && EVP_PKEY_CTX_set_rsa_pss_saltlen(
	    pctx, RSA_PSS_SALTLEN_DIGEST) == 1)) &&
	    EVP_DigestVerify(md, sig, siglen, tbs, sizeof(tbs)) == 1;
	EVP_MD_CTX_free(md);
	return ok ? 0 : -1;
}

static int
use_remote_key(SSL_CTX *ctx)
{
	X509		*cert = SSL_CTX_get0_certificate(ctx);
	EVP_PKEY	*key;
	int		 rc;

	if (cert == NULL || (key = tlskey_remote(cert)) == NULL) {
		log_warnx("tls: the certificate's key is neither RSA nor EC");
		return -1;
	}
	rc = SSL_CTX_use_PrivateKey(ctx, key) == 1 &&
	    SSL_CTX_check_private_key(ctx) == 1 ? 0 : -1;
	signlink_patient(1);
	if (rc == 0 && (rc = probe(key, cert)) == -1)
		log_warnx("tls: authd holds no matching private key for the "
		    "certificate");
	signlink_patient(0);
	EVP_PKEY_free(key);
	return rc;
}

static SSL_CTX *
ctx_new(const char *cert, size_t certlen)
{
	SSL_CTX	*ctx;

	if ((ctx = SSL_CTX_new(TLS_server_method())) == NULL)
		return NULL;
	SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION);
	/* No session tickets: their keys would be a secret in frontd. */
	/* and no plaintext left in a record buffer once it is read */
	SSL_CTX_set_options(ctx, SSL_OP_NO_TICKET | SSL_OP_NO_RENEGOTIATION |
	    SSL_OP_CIPHER_SERVER_PREFERENCE | SSL_OP_NO_COMPRESSION |
	    SSL_OP_CLEANSE_PLAINTEXT);
	SSL_CTX_set_session_cache_mode(ctx, SSL_SESS_CACHE_SERVER);
	SSL_CTX_sess_set_cache_size(ctx, 1024);
	SSL_CTX_set_session_id_context(ctx, (const unsigned char *)"moat", 4);
	SSL_CTX_set_mode(ctx, SSL_MODE_RELEASE_BUFFERS);
	/*
	 * No read-ahead, although it would save a read per record:
	 * bufferevent_openssl waits for the socket to become readable and
	 * would not see a request that OpenSSL already holds in its buffer
	 * (it hangs the first request after a handshake).
	 */
	if (SSL_CTX_set_cipher_list(ctx, "ECDHE+AESGCM:ECDHE+CHACHA20") != 1 ||
	    SSL_CTX_set1_sigalgs_list(ctx, TLSSIGN_SIGALGS) != 1 ||
	    SSL_CTX_set1_groups_list(ctx, TLSSIGN_GROUPS) != 1)
		goto fail;
	SSL_CTX_set_alpn_select_cb(ctx, select_alpn, NULL);
	if (load_chain(ctx, cert, certlen) == -1) {
		log_warnx("tls: cannot use the certificate");
		goto fail;
	}
	return ctx;
 fail:
	ERR_clear_error();
	SSL_CTX_free(ctx);
	return NULL;
}

SSL_CTX *
tls_ctx_new(const char *cert, size_t certlen)
{
	SSL_CTX	*ctx;

	if ((ctx = ctx_new(cert, certlen)) == NULL)
		return NULL;
	if (use_remote_key(ctx) == -1) {
		ERR_clear_error();
		SSL_CTX_free(ctx);
		return NULL;
	}
	return ctx;
}

#ifdef MOAT_BENCH_KEY_IN_FRONTD
SSL_CTX *
tls_ctx_new_inprocess(const char *cert, size_t certlen, const char *key,
    size_t keylen)
{
	SSL_CTX	*ctx;

	if ((ctx = ctx_new(cert, certlen)) == NULL)
		return NULL;
	if (load_key(ctx, key, keylen) == -1) {
		log_warnx("tls: cannot use the private key, or it does not "
		    "match the certificate");
		ERR_clear_error();
		SSL_CTX_free(ctx);
		return NULL;
	}
	log_warnx("tls: the private key is in frontd: this is the "
	    "benchmark's build, never to be deployed");
	return ctx;
}
#endif
