/*
 * A private CA's cryptography (pki.h).  Keys are made with EVP and never
 * leave this process but sealed (certs.c) or in an authorized export.
 */
#include <arpa/inet.h>

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/x509v3.h>

#include "pki.h"

/* clocks of the machines that check a new certificate may be behind */
#define PKI_BACKDATE	300

const char *
pki_keyspec(const char *type, uint32_t bits, struct pki_keyspec *ks)
{
	static const struct {
		const char	*name;
		int		 rsa, bits;
	} fixed[] = {
		{ "ecdsa-p256", 0, 256 }, { "ecdsa-p384", 0, 384 },
		{ "p-256", 0, 256 }, { "p-384", 0, 384 },
		{ "prime256v1", 0, 256 }, { "secp384r1", 0, 384 },
		{ "rsa-2048", 1, 2048 }, { "rsa-3072", 1, 3072 },
		{ "rsa-4096", 1, 4096 }, { "rsa2048", 1, 2048 },
		{ "rsa3072", 1, 3072 }, { "rsa4096", 1, 4096 },
	};
	size_t	 i;

	memset(ks, 0, sizeof(*ks));
	if (*type == '\0' || strcasecmp(type, "ecdsa") == 0 ||
	    strcasecmp(type, "ec") == 0) {
		ks->bits = bits == 0 ? 256 : (int)bits;
		if (ks->bits != 256 && ks->bits != 384)
			return "an ecdsa key has 256 or 384 bits";
	} else if (strcasecmp(type, "rsa") == 0) {
		ks->rsa = 1;
		ks->bits = bits == 0 ? 2048 : (int)bits;
		if (ks->bits != 2048 && ks->bits != 3072 && ks->bits != 4096)
			return "an rsa key has 2048, 3072 or 4096 bits";
	} else {
		for (i = 0; i < sizeof(fixed) / sizeof(fixed[0]); i++)
			if (strcasecmp(type, fixed[i].name) == 0)
				break;
		if (i == sizeof(fixed) / sizeof(fixed[0]))
			return "key_type must be ecdsa or rsa";
		if (bits != 0 && bits != (uint32_t)fixed[i].bits)
			return "key_bits does not match key_type";
		ks->rsa = fixed[i].rsa;
		ks->bits = fixed[i].bits;
	}
	snprintf(ks->name, sizeof(ks->name), ks->rsa ? "rsa-%d" :
	    "ecdsa-p%d", ks->bits);
	return NULL;
}

EVP_PKEY *
pki_keygen(const struct pki_keyspec *ks)
{
	if (ks->rsa)
		return EVP_PKEY_Q_keygen(NULL, NULL, "RSA", (size_t)ks->bits);
	return EVP_PKEY_Q_keygen(NULL, NULL, "EC", ks->bits == 384 ?
	    "P-384" : "P-256");
}

/* A memory BIO's contents into out, NUL ended, and the BIO cleared. */
static int
bio_take(BIO *b, char *out, size_t outlen)
{
	char	*p;
	long	 n;
	int	 rc = -1;

	n = BIO_get_mem_data(b, &p);
	if (n > 0 && (size_t)n < outlen) {
		memcpy(out, p, (size_t)n);
		out[n] = '\0';
		rc = 0;
	}
	if (n > 0)
		OPENSSL_cleanse(p, (size_t)n);
	BIO_free(b);
	return rc;
}

int
pki_key_pem(EVP_PKEY *key, char *out, size_t outlen)
{
	BIO	*b;

	if ((b = BIO_new(BIO_s_secmem())) == NULL &&
	    (b = BIO_new(BIO_s_mem())) == NULL)
		return -1;
	if (PEM_write_bio_PrivateKey(b, key, NULL, NULL, 0, NULL,
	    NULL) != 1) {
		BIO_free(b);
		return -1;
	}
	return bio_take(b, out, outlen);
}

EVP_PKEY *
pki_key_read(const char *pem)
{
	BIO		*b;
	EVP_PKEY	*k;

	if ((b = BIO_new_mem_buf(pem, -1)) == NULL)
		return NULL;
	k = PEM_read_bio_PrivateKey(b, NULL, NULL, NULL);
	BIO_free(b);
	return k;
}

void
pki_key_name(EVP_PKEY *key, char name[16])
{
	if (EVP_PKEY_is_a(key, "RSA"))
		snprintf(name, 16, "rsa-%d", EVP_PKEY_get_bits(key));
	else
		snprintf(name, 16, "ecdsa-p%d", EVP_PKEY_get_bits(key));
}

/* A DNS label: letters, digits, hyphens inside, 1 to 63 of them. */
static int
label_ok(const char *s, size_t len)
{
	size_t	 i;

	if (len == 0 || len > 63 || s[0] == '-' || s[len - 1] == '-')
		return 0;
	for (i = 0; i < len; i++)
		if (!isalnum((unsigned char)s[i]) && s[i] != '-')
			return 0;
	return 1;
}

static int
ip_name(const char *s)
{
	unsigned char	 a[16];

	return inet_pton(AF_INET, s, a) == 1 || inet_pton(AF_INET6, s, a) == 1;
}

/* A DNS name; a wildcard only as the whole leftmost of 3+ labels. */
static int
dns_name_ok(const char *s)
{
	const char	*dot;
	size_t		 len = strlen(s);
	int		 labels = 0, wild = 0;

	if (len == 0 || len > PKI_NAME_MAX || s[len - 1] == '.')
		return 0;
	if (strncmp(s, "*.", 2) == 0) {
		wild = 1;
		s += 2;
	}
	for (;;) {
		dot = strchr(s, '.');
		if (!label_ok(s, dot != NULL ? (size_t)(dot - s) : strlen(s)))
			return 0;
		labels++;
		if (dot == NULL)
			break;
		s = dot + 1;
	}
	return !wild || labels >= 2;
}

static const char *
name_check(const char *name)
{
	if (ip_name(name) || dns_name_ok(name))
		return NULL;
	return "each name must be a host name (a wildcard only as its "
	    "leftmost label) or an IP address";
}

const char *
pki_names_check(const char *joined, char *out, size_t outlen, int *n)
{
	char		 name[PKI_NAME_MAX + 2], *p;
	const char	*s = joined, *end, *why, *q;
	size_t		 len, used = 0;

	*n = 0;
	if (outlen == 0)
		return "no room";
	out[0] = '\0';
	while (*s != '\0') {
		end = strchr(s, ',');
		len = end != NULL ? (size_t)(end - s) : strlen(s);
		if (len == 0 || len > PKI_NAME_MAX)
			return "a name is empty or longer than 253 bytes";
		memcpy(name, s, len);
		name[len] = '\0';
		for (p = name; *p != '\0'; p++)
			*p = (char)tolower((unsigned char)*p);
		if ((why = name_check(name)) != NULL)
			return why;
		/* a repeat adds nothing: keep the first */
		for (q = out; (q = strstr(q, name)) != NULL; q += len)
			if ((q == out || q[-1] == ',') &&
			    (q[len] == ',' || q[len] == '\0'))
				break;
		if (q == NULL) {
			if (++*n > PKI_NAMES_MAX)
				return "at most 100 names";
			if (used + len + 2 > outlen)
				return "the names are too long";
			if (used > 0)
				out[used++] = ',';
			memcpy(out + used, name, len + 1);
			used += len;
		}
		if (end == NULL)
			break;
		s = end + 1;
		if (*s == '\0')
			return "a name is empty or longer than 253 bytes";
	}
	return *n == 0 ? "a certificate needs a name" : NULL;
}

/* A random positive serial of 128 bits. */
static int
set_serial(X509 *x)
{
	unsigned char	 r[16];
	BIGNUM		*bn;
	int		 ok;

	if (RAND_bytes(r, sizeof(r)) != 1)
		return 0;
	r[0] = (r[0] & 0x7f) | 0x40;
	if ((bn = BN_bin2bn(r, sizeof(r), NULL)) == NULL)
		return 0;
	ok = BN_to_ASN1_INTEGER(bn, X509_get_serialNumber(x)) != NULL;
	BN_free(bn);
	return ok;
}

static int
add_ext(X509 *x, X509 *issuer, int nid, const char *value)
{
	X509V3_CTX	 ctx;
	X509_EXTENSION	*ext;
	int		 ok;

	X509V3_set_ctx(&ctx, issuer, x, NULL, NULL, 0);
	if ((ext = X509V3_EXT_conf_nid(NULL, &ctx, nid, value)) == NULL)
		return 0;
	ok = X509_add_ext(x, ext, -1) == 1;
	X509_EXTENSION_free(ext);
	return ok;
}

static const EVP_MD *
digest_for(EVP_PKEY *signer)
{
	return EVP_PKEY_is_a(signer, "EC") && EVP_PKEY_get_bits(signer) > 256 ?
	    EVP_sha384() : EVP_sha256();
}

/* The skeleton both kinds share: version, serial, key, validity. */
static X509 *
cert_new(EVP_PKEY *key, int64_t not_after)
{
	X509	*x;
	time_t	 now = time(NULL);

	if ((x = X509_new()) == NULL)
		return NULL;
	if (X509_set_version(x, 2) != 1 || !set_serial(x) ||
	    X509_set_pubkey(x, key) != 1 ||
	    X509_time_adj_ex(X509_getm_notBefore(x), 0, -PKI_BACKDATE,
	    &now) == NULL ||
	    ASN1_TIME_set(X509_getm_notAfter(x), (time_t)not_after) == NULL) {
		X509_free(x);
		return NULL;
	}
	return x;
}

static int
set_cn(X509 *x, const char *cn)
{
	X509_NAME	*n = X509_get_subject_name(x);

	/* a CN holds at most 64 characters (X.520 ub-common-name) */
	if (strlen(cn) > 64)
		return 1;
	return X509_NAME_add_entry_by_txt(n, "CN", MBSTRING_UTF8,
	    (const unsigned char *)cn, -1, -1, 0) == 1;
}

X509 *
pki_ca_make(EVP_PKEY *key, const char *name, uint32_t days)
{
	X509	*x;
	int	 ok;

	if (days == 0 || days > PKI_CA_DAYS_MAX)
		return NULL;
	if ((x = cert_new(key, (int64_t)time(NULL) +
	    (int64_t)days * 86400)) == NULL)
		return NULL;
	ok = X509_NAME_add_entry_by_txt(X509_get_subject_name(x), "CN",
	    MBSTRING_UTF8, (const unsigned char *)name, -1, -1, 0) == 1 &&
	    X509_set_issuer_name(x, X509_get_subject_name(x)) == 1 &&
	    add_ext(x, x, NID_basic_constraints, "critical,CA:TRUE") &&
	    add_ext(x, x, NID_key_usage, "critical,keyCertSign,cRLSign") &&
	    add_ext(x, x, NID_subject_key_identifier, "hash") &&
	    add_ext(x, x, NID_authority_key_identifier, "keyid:always") &&
	    X509_sign(x, key, digest_for(key)) > 0;
	if (!ok) {
		X509_free(x);
		return NULL;
	}
	return x;
}

/* "DNS:a,IP:1.2.3.4,..." for the subjectAltName of checked names. */
static char *
san_value(const char *names)
{
	const char	*s = names, *end;
	char		*v, name[PKI_NAME_MAX + 1];
	size_t		 cap = strlen(names) * 2 + 16, used = 0, len;

	if ((v = malloc(cap)) == NULL)
		return NULL;
	v[0] = '\0';
	while (*s != '\0') {
		end = strchr(s, ',');
		len = end != NULL ? (size_t)(end - s) : strlen(s);
		if (len > PKI_NAME_MAX)
			break;
		memcpy(name, s, len);
		name[len] = '\0';
		used += (size_t)snprintf(v + used, cap - used, "%s%s:%s",
		    used > 0 ? "," : "", ip_name(name) ? "IP" : "DNS", name);
		if (end == NULL)
			break;
		s = end + 1;
	}
	return v;
}

X509 *
pki_cert_make(EVP_PKEY *key, const char *names, X509 *ca, EVP_PKEY *cakey,
    uint32_t days)
{
	X509		*x;
	char		*san, first[PKI_NAME_MAX + 1];
	int64_t		 end, ca_end;
	struct tm	 tm;
	size_t		 n;
	int		 ok;

	if (days == 0 || days > PKI_CERT_DAYS_MAX ||
	    ASN1_TIME_to_tm(X509_get0_notAfter(ca), &tm) != 1)
		return NULL;
	ca_end = (int64_t)timegm(&tm);
	end = (int64_t)time(NULL) + (int64_t)days * 86400;
	if (end > ca_end)
		end = ca_end;
	if ((x = cert_new(key, end)) == NULL)
		return NULL;
	n = strcspn(names, ",");
	snprintf(first, sizeof(first), "%.*s", (int)n, names);
	if ((san = san_value(names)) == NULL) {
		X509_free(x);
		return NULL;
	}
	ok = set_cn(x, first) &&
	    X509_set_issuer_name(x, X509_get_subject_name(ca)) == 1 &&
	    add_ext(x, ca, NID_basic_constraints, "critical,CA:FALSE") &&
	    add_ext(x, ca, NID_key_usage, EVP_PKEY_is_a(key,
	    "RSA") ? "critical,digitalSignature,keyEncipherment" :
	    "critical,digitalSignature") &&
	    add_ext(x, ca, NID_ext_key_usage, "serverAuth") &&
	    add_ext(x, ca, NID_subject_key_identifier, "hash") &&
	    add_ext(x, ca, NID_authority_key_identifier, "keyid:always") &&
	    add_ext(x, ca, NID_subject_alt_name, san) &&
	    X509_sign(x, cakey, digest_for(cakey)) > 0;
	free(san);
	if (!ok) {
		X509_free(x);
		return NULL;
	}
	return x;
}

int
pki_cert_pem(X509 *x, char *out, size_t outlen)
{
	BIO	*b;

	if ((b = BIO_new(BIO_s_mem())) == NULL)
		return -1;
	if (PEM_write_bio_X509(b, x) != 1) {
		BIO_free(b);
		return -1;
	}
	return bio_take(b, out, outlen);
}

X509 *
pki_cert_read(const char *pem)
{
	BIO	*b;
	X509	*x;

	if ((b = BIO_new_mem_buf(pem, -1)) == NULL)
		return NULL;
	x = PEM_read_bio_X509(b, NULL, NULL, NULL);
	BIO_free(b);
	return x;
}

static int64_t
asn1_time(const ASN1_TIME *t)
{
	struct tm	 tm;

	if (ASN1_TIME_to_tm(t, &tm) != 1)
		return 0;
	return (int64_t)timegm(&tm);
}

void
pki_cert_info(X509 *x, char *serial, size_t seriallen, int64_t *not_before,
    int64_t *not_after, char *cn, size_t cnlen)
{
	BIGNUM	*bn;
	char	*hex = NULL;

	serial[0] = '\0';
	if ((bn = ASN1_INTEGER_to_BN(X509_get0_serialNumber(x),
	    NULL)) != NULL && (hex = BN_bn2hex(bn)) != NULL)
		snprintf(serial, seriallen, "%s", hex);
	OPENSSL_free(hex);
	BN_free(bn);
	*not_before = asn1_time(X509_get0_notBefore(x));
	*not_after = asn1_time(X509_get0_notAfter(x));
	cn[0] = '\0';
	if (X509_NAME_get_text_by_NID(X509_get_subject_name(x),
	    NID_commonName, cn, (int)cnlen) < 0)
		cn[0] = '\0';
}
