/*
 * TLS for frontd.  The server's private key is loaded here and only here:
 * when authd takes over the private-key operations (DESIGN.md, Secrets),
 * this file is what changes.
 */
#include <string.h>

#include <openssl/err.h>
#include <openssl/pem.h>
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

SSL_CTX *
tls_ctx_new(const char *cert, size_t certlen, const char *key, size_t keylen)
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
	if (SSL_CTX_set_cipher_list(ctx, "ECDHE+AESGCM:ECDHE+CHACHA20") != 1)
		goto fail;
	SSL_CTX_set_alpn_select_cb(ctx, select_alpn, NULL);
	if (load_chain(ctx, cert, certlen) == -1) {
		log_warnx("tls: cannot use the certificate");
		goto fail;
	}
	if (load_key(ctx, key, keylen) == -1) {
		log_warnx("tls: cannot use the private key, or it does not "
		    "match the certificate");
		goto fail;
	}
	return ctx;
 fail:
	ERR_clear_error();
	SSL_CTX_free(ctx);
	return NULL;
}
