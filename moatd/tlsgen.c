/*
 * moat-tlsgen CERT KEY: a self-signed certificate for the first start, so
 * that `make run` serves HTTPS at once: a P-256 key and a certificate for
 * 127.0.0.1, ::1 and localhost.  Operators replace it with `tls
 * certificate` and `tls key`.  moat-tlsgen -s PATH: the
 * SSH gateway's host key.
 *
 * It is a program of its own, run once by moatd, so that moatd itself
 * links no OpenSSL: every library a long-running process maps costs
 * resident memory for as long as it runs.
 */
#include <sys/types.h>
#include <sys/stat.h>

#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <libssh/libssh.h>

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "log.h"

#define CERT_DAYS	825

static int
add_ext(X509 *cert, int nid, const char *value)
{
	X509V3_CTX	 ctx;
	X509_EXTENSION	*ext;
	int		 rc;

	X509V3_set_ctx_nodb(&ctx);
	X509V3_set_ctx(&ctx, cert, cert, NULL, NULL, 0);
	if ((ext = X509V3_EXT_conf_nid(NULL, &ctx, nid, value)) == NULL)
		return -1;
	rc = X509_add_ext(cert, ext, -1);
	X509_EXTENSION_free(ext);
	return rc == 1 ? 0 : -1;
}

static X509 *
make_cert(EVP_PKEY *key)
{
	X509		*cert;
	X509_NAME	*name;
	ASN1_INTEGER	*serial;
	BIGNUM		*bn;

	if ((cert = X509_new()) == NULL)
		return NULL;
	X509_set_version(cert, 2);
	bn = BN_new();
	serial = NULL;
	if (bn == NULL || !BN_rand(bn, 127, BN_RAND_TOP_ANY,
	    BN_RAND_BOTTOM_ANY) ||
	    (serial = BN_to_ASN1_INTEGER(bn, NULL)) == NULL ||
	    !X509_set_serialNumber(cert, serial))
		goto fail;
	X509_gmtime_adj(X509_getm_notBefore(cert), -3600);
	X509_gmtime_adj(X509_getm_notAfter(cert), 86400L * CERT_DAYS);
	name = X509_get_subject_name(cert);
	X509_NAME_add_entry_by_txt(name, "O", MBSTRING_ASC,
	    (const unsigned char *)"moat", -1, -1, 0);
	X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
	    (const unsigned char *)"localhost", -1, -1, 0);
	X509_set_issuer_name(cert, name);
	if (!X509_set_pubkey(cert, key) ||
	    add_ext(cert, NID_subject_alt_name,
	    "IP:127.0.0.1,IP:::1,DNS:localhost") == -1 ||
	    add_ext(cert, NID_basic_constraints, "critical,CA:FALSE") == -1 ||
	    add_ext(cert, NID_ext_key_usage, "serverAuth") == -1 ||
	    !X509_sign(cert, key, EVP_sha256()))
		goto fail;
	ASN1_INTEGER_free(serial);
	BN_free(bn);
	return cert;
 fail:
	ASN1_INTEGER_free(serial);
	BN_free(bn);
	X509_free(cert);
	return NULL;
}

static int
write_pem(const char *path, mode_t mode, EVP_PKEY *key, X509 *cert)
{
	FILE	*fp;
	int	 fd, ok;

	unlink(path);
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
	    mode);
	if (fd == -1 || (fp = fdopen(fd, "w")) == NULL) {
		log_warn("create %s", path);
		if (fd != -1)
			close(fd);
		return -1;
	}
	if (key != NULL)
		ok = PEM_write_PrivateKey(fp, key, NULL, NULL, 0, NULL, NULL);
	else
		ok = PEM_write_X509(fp, cert);
	if (fflush(fp) != 0 || fsync(fileno(fp)) == -1)
		ok = 0;
	fclose(fp);
	if (!ok)
		log_warnx("write %s failed", path);
	return ok ? 0 : -1;
}

static int
tlsgen_selfsigned(const char *certpath, const char *keypath)
{
	EVP_PKEY	*key;
	X509		*cert = NULL;
	int		 rc = -1;

	if ((key = EVP_EC_gen("P-256")) == NULL) {
		log_warnx("EC key generation failed");
		return -1;
	}
	if ((cert = make_cert(key)) == NULL) {
		log_warnx("certificate generation failed");
		goto done;
	}
	if (write_pem(keypath, 0600, key, NULL) == 0 &&
	    write_pem(certpath, 0644, NULL, cert) == 0)
		rc = 0;
 done:
	X509_free(cert);
	EVP_PKEY_free(key);
	return rc;
}

/*
 * -s: the SSH gateway's host key, ed25519 in OpenSSH's format, made
 * here so that moatd links no cryptography (moatd/sshhostkey.c).
 */
static int
sshgen(const char *path)
{
	ssh_key	 key = NULL;
	char	*b64 = NULL;
	size_t	 len;
	int	 fd, ok;

	if (ssh_pki_generate(SSH_KEYTYPE_ED25519, 0, &key) != SSH_OK ||
	    ssh_pki_export_privkey_base64(key, NULL, NULL, NULL,
	    &b64) != SSH_OK) {
		log_warnx("SSH key generation failed");
		return -1;
	}
	ssh_key_free(key);
	len = strlen(b64);
	if ((fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW |
	    O_CLOEXEC, 0600)) == -1) {
		log_warn("%s", path);
		ssh_string_free_char(b64);
		return -1;
	}
	ok = write(fd, b64, len) == (ssize_t)len && fsync(fd) == 0;
	explicit_bzero(b64, len);
	ssh_string_free_char(b64);
	if (close(fd) == -1 || !ok) {
		log_warnx("write %s failed", path);
		unlink(path);
		return -1;
	}
	return 0;
}

int
main(int argc, char *argv[])
{
	log_procinit("moat-tlsgen");
	log_init(1, 0);
	umask(077);
	if (argc == 3 && strcmp(argv[1], "-s") == 0)
		return sshgen(argv[2]) == 0 ? 0 : 1;
	if (argc != 3) {
		fprintf(stderr, "usage: moat-tlsgen certificate key\n"
		    "       moat-tlsgen -s ssh-host-key\n");
		return 2;
	}
	return tlsgen_selfsigned(argv[1], argv[2]) == 0 ? 0 : 1;
}
