/*
 * ACME Renewal Information (RFC 9773): when the directory offers
 * renewalInfo, the CA's suggested renewal window for a certificate,
 * asked by a plain GET of renewalInfo/<certID>, where certID is the
 * base64url of the certificate's Authority Key Identifier, a dot, and
 * the base64url of its serial number's DER content octets.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "acme_int.h"

#define SERIAL_MAX	64

/* The serial's DER INTEGER without its tag and length. */
static int
serial_octets(const X509 *x, uint8_t *out, size_t *outlen)
{
	const ASN1_INTEGER	*s = X509_get0_serialNumber(x);
	unsigned char		 der[SERIAL_MAX + 8], *p = der;
	int			 n;
	size_t			 hdr;

	if ((n = i2d_ASN1_INTEGER(s, NULL)) <= 2 ||
	    n > (int)sizeof(der))
		return -1;
	if (i2d_ASN1_INTEGER(s, &p) != n)
		return -1;
	if (der[1] < 0x80)
		hdr = 2;
	else if (der[1] == 0x81)
		hdr = 3;
	else
		return -1;
	if ((size_t)n <= hdr || (size_t)n - hdr > SERIAL_MAX)
		return -1;
	*outlen = (size_t)n - hdr;
	memcpy(out, der + hdr, *outlen);
	return 0;
}

static char *
cert_id(struct acme *a, const char *pem)
{
	BIO			*b;
	X509			*x;
	const ASN1_OCTET_STRING	*aki;
	uint8_t			 ser[SERIAL_MAX];
	size_t			 serlen;
	char			*k = NULL, *s = NULL, *id = NULL;

	if (strlen(pem) > ACME_BODY_MAX ||
	    (b = BIO_new_mem_buf(pem, (int)strlen(pem))) == NULL)
		return NULL;
	x = PEM_read_bio_X509(b, NULL, NULL, NULL);
	BIO_free(b);
	ERR_clear_error();
	if (x == NULL) {
		acme_seterr(a, "not a PEM certificate");
		return NULL;
	}
	aki = X509_get0_authority_key_id(x);
	if (aki == NULL || serial_octets(x, ser, &serlen) == -1) {
		acme_seterr(a, "a certificate without an authority key "
		    "identifier or serial");
		X509_free(x);
		return NULL;
	}
	k = acme_b64url(ASN1_STRING_get0_data(aki),
	    (size_t)ASN1_STRING_length(aki));
	s = acme_b64url(ser, serlen);
	if (k == NULL || s == NULL || asprintf(&id, "%s.%s", k, s) == -1)
		id = NULL;
	free(k);
	free(s);
	X509_free(x);
	return id;
}

static int
parse_window(struct acme *a, const struct acme_resp *r,
    struct acme_window *w)
{
	json_t		*j, *sw;
	const char	*ex;
	int		 rv = -1;

	if ((j = acme_resp_json(a, r)) == NULL)
		return -1;
	sw = json_object_get(j, "suggestedWindow");
	if (acme_parse_time(json_string_value(json_object_get(sw, "start")),
	    &w->start) == -1 ||
	    acme_parse_time(json_string_value(json_object_get(sw, "end")),
	    &w->end) == -1 || w->end < w->start)
		acme_seterr(a, "renewalInfo without a suggested window");
	else
		rv = 0;
	ex = json_string_value(json_object_get(j, "explanationURL"));
	if (ex != NULL && acme_https_url(ex))
		strlcpy(w->explanation, ex, sizeof(w->explanation));
	json_decref(j);
	return rv;
}

int
acme_renewal_info(struct acme *a, const char *cert_pem,
    struct acme_window *w)
{
	struct acme_resp	 r;
	const char		*base;
	char			*id, *url = NULL;
	int			 rv = -1;

	memset(w, 0, sizeof(*w));
	if ((base = acme_dir_url(a, "renewalInfo")) == NULL)
		return -1;
	if ((id = cert_id(a, cert_pem)) == NULL)
		return -1;
	if (asprintf(&url, "%s%s%s", base,
	    base[strlen(base) - 1] == '/' ? "" : "/", id) == -1)
		url = NULL;
	free(id);
	if (url == NULL) {
		acme_seterr(a, "out of memory");
		return -1;
	}
	if (acme_http(a, "GET", url, NULL, NULL, &r) == 0) {
		if (r.status != 200)
			acme_resp_error(a, "renewalInfo", &r);
		else if ((rv = parse_window(a, &r, w)) == 0)
			w->retry_after = r.retry_after;
		acme_resp_free(&r);
	}
	free(url);
	return rv;
}

time_t
acme_renew_time(time_t nb, time_t na, const struct acme_window *w,
    uint32_t rnd)
{
	time_t	 span;

	if (w == NULL || w->start <= 0 || w->end <= w->start ||
	    w->end > na)
		return nb + (na - nb) * 2 / 3;
	span = w->end - w->start;
	return w->start + (time_t)(rnd % (uint64_t)span);
}
