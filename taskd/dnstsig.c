/*
 * TSIG signatures (RFC 8945) with OpenSSL's HMAC.  What is signed is the
 * message without its TSIG record, followed by the TSIG variables
 * (section 4.3.3); an answer's digest also begins with the request's MAC
 * (4.3.1), which ties the answer to the request we sent.
 */
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <stdlib.h>
#include <string.h>

#include "dnsprov.h"
#include "dnstsig.h"

/* in the order of dnsprov_algs */
static const EVP_MD *
alg_md(int i)
{
	switch (i) {
	case 0:
		return (EVP_sha256());
	case 1:
		return (EVP_sha384());
	case 2:
		return (EVP_sha512());
	case 3:
		return (EVP_sha224());
	default:
		return (EVP_sha1());
	}
}

static int
b64_val(int c)
{
	if (c >= 'A' && c <= 'Z')
		return (c - 'A');
	if (c >= 'a' && c <= 'z')
		return (c - 'a' + 26);
	if (c >= '0' && c <= '9')
		return (c - '0' + 52);
	if (c == '+')
		return (62);
	if (c == '/')
		return (63);
	return (-1);
}

int
dns_b64_decode(const char *in, uint8_t *out, size_t outsz, size_t *outlen)
{
	size_t	 n = strlen(in), i, o = 0;

	if (n == 0 || n % 4 != 0)
		return (-1);
	for (i = 0; i < n; i += 4) {
		int	 v[4], j, pad = 0;

		for (j = 0; j < 4; j++) {
			if (in[i + j] == '=' && i + 4 == n && j >= 2) {
				v[j] = 0;
				pad++;
				continue;
			}
			if (pad > 0 || (v[j] = b64_val(in[i + j])) == -1)
				return (-1);
		}
		if (o + 3 - pad > outsz)
			return (-1);
		out[o++] = (v[0] << 2) | (v[1] >> 4);
		if (pad < 2)
			out[o++] = ((v[1] & 0xf) << 4) | (v[2] >> 2);
		if (pad < 1)
			out[o++] = ((v[2] & 0x3) << 6) | v[3];
	}
	*outlen = o;
	return (0);
}

int
dns_key_init(struct dns_key *k, const char *name, const char *alg,
    const char *secret, const char **why)
{
	int	 i;

	memset(k, 0, sizeof(*k));
	if (alg == NULL || *alg == '\0')
		alg = dnsprov_algs[0];
	for (i = 0; dnsprov_algs[i] != NULL; i++)
		if (strcasecmp(alg, dnsprov_algs[i]) == 0)
			break;
	if (dnsprov_algs[i] == NULL) {
		*why = "unknown TSIG algorithm (hmac-sha256, hmac-sha384, "
		    "hmac-sha512, hmac-sha224 or hmac-sha1)";
		return (-1);
	}
	k->md = i;
	strlcpy(k->alg, dnsprov_algs[i], sizeof(k->alg));
	if (dns_name_check(name, k->name, sizeof(k->name), why) == -1) {
		*why = "bad TSIG key name";
		return (-1);
	}
	if (dns_b64_decode(secret, k->secret, sizeof(k->secret),
	    &k->secretlen) == -1 || k->secretlen == 0) {
		dns_key_clear(k);
		*why = "TSIG secret is not base64 of at most 128 bytes";
		return (-1);
	}
	return (0);
}

void
dns_key_clear(struct dns_key *k)
{
	explicit_bzero(k, sizeof(*k));
}

/* The TSIG variables of RFC 8945 4.3.3, after the signed message. */
static void
put_variables(struct dns_buf *d, const struct dns_key *k, uint64_t when,
    uint16_t fudge, uint16_t error, const uint8_t *other, uint16_t olen)
{
	dns_put_name(d, k->name);
	dns_put16(d, DNS_C_ANY);
	dns_put32(d, 0);
	dns_put_name(d, k->alg);
	dns_put16(d, (when >> 32) & 0xffff);
	dns_put32(d, when & 0xffffffff);
	dns_put16(d, fudge);
	dns_put16(d, error);
	dns_put16(d, olen);
	dns_putbytes(d, other, olen);
}

static int
mac_of(const struct dns_key *k, const uint8_t *data, size_t len,
    uint8_t *mac, size_t *maclen)
{
	unsigned int	 ml = 0;

	if (HMAC(alg_md(k->md), k->secret, k->secretlen, data, len, mac,
	    &ml) == NULL)
		return (-1);
	*maclen = ml;
	return (0);
}

int
dns_tsig_sign(struct dns_buf *d, const struct dns_key *k, time_t now,
    uint8_t *mac, size_t *maclen)
{
	struct dns_buf	*v;
	uint16_t	 id, ar;
	size_t		 rdstart;
	int		 rv = -1;

	if (d->err || d->len < DNS_HDR || (v = malloc(sizeof(*v))) == NULL)
		return (-1);
	v->len = v->err = 0;
	dns_putbytes(v, d->b, d->len);
	put_variables(v, k, (uint64_t)now, DNS_FUDGE, 0, NULL, 0);
	if (v->err || mac_of(k, v->b, v->len, mac, maclen) == -1)
		goto done;

	id = (d->b[0] << 8) | d->b[1];
	dns_put_name(d, k->name);
	dns_put16(d, DNS_T_TSIG);
	dns_put16(d, DNS_C_ANY);
	dns_put32(d, 0);
	rdstart = d->len;
	dns_put16(d, 0);		/* rdlength, set below */
	dns_put_name(d, k->alg);
	dns_put16(d, ((uint64_t)now >> 32) & 0xffff);
	dns_put32(d, (uint64_t)now & 0xffffffff);
	dns_put16(d, DNS_FUDGE);
	dns_put16(d, *maclen);
	dns_putbytes(d, mac, *maclen);
	dns_put16(d, id);
	dns_put16(d, 0);		/* error */
	dns_put16(d, 0);		/* other len */
	if (d->err)
		goto done;
	d->b[rdstart] = (d->len - rdstart - 2) >> 8;
	d->b[rdstart + 1] = (d->len - rdstart - 2) & 0xff;
	ar = ((d->b[10] << 8) | d->b[11]) + 1;
	d->b[10] = ar >> 8;
	d->b[11] = ar & 0xff;
	rv = 0;
 done:
	explicit_bzero(v, sizeof(*v));
	free(v);
	return (rv);
}

static int
answer_mac(const uint8_t *p, const struct dns_reply *r,
    const struct dns_key *k, const uint8_t *reqmac, size_t reqmaclen,
    uint8_t *mac, size_t *maclen)
{
	struct dns_buf	*v;
	uint16_t	 ar = r->arcount - 1;
	int		 rv = -1;

	if ((v = malloc(sizeof(*v))) == NULL)
		return (-1);
	v->len = v->err = 0;
	dns_put16(v, reqmaclen);
	dns_putbytes(v, reqmac, reqmaclen);
	/* the answer as it was before its TSIG: original id, ARCOUNT - 1 */
	dns_put16(v, r->tsig.orig_id);
	dns_putbytes(v, p + 2, 8);
	dns_put16(v, ar);
	dns_putbytes(v, p + DNS_HDR, r->tsig_rr.rr_off - DNS_HDR);
	put_variables(v, k, r->tsig.time_signed, r->tsig.fudge,
	    r->tsig.error, p + r->tsig.other_off, r->tsig.other_len);
	if (!v->err)
		rv = mac_of(k, v->b, v->len, mac, maclen);
	explicit_bzero(v, sizeof(*v));
	free(v);
	return (rv);
}

enum dns_tsig_result
dns_tsig_verify(const uint8_t *p, size_t len, const struct dns_reply *r,
    const struct dns_key *k, const uint8_t *reqmac, size_t reqmaclen,
    time_t now, const char **why)
{
	uint8_t		 mac[EVP_MAX_MD_SIZE];
	size_t		 maclen;
	int		 same;
	int64_t		 skew;

	if (!r->has_tsig) {
		*why = "the server's answer is not signed";
		return (DNS_TSIG_UNSIGNED);
	}
	if (strcasecmp(r->tsig_rr.name, k->name) != 0 ||
	    strcasecmp(r->tsig.alg, k->alg) != 0) {
		*why = "the answer is signed with another key or algorithm";
		return (DNS_TSIG_BAD);
	}
	/* BADSIG and BADKEY answers carry no MAC (RFC 8945 5.3.2) */
	if (r->tsig.error != 0 && r->tsig.mac_len == 0) {
		*why = dns_rcode_text(r->tsig.error);
		return (DNS_TSIG_SERVER_ERROR);
	}
	if (answer_mac(p, r, k, reqmac, reqmaclen, mac, &maclen) == -1) {
		*why = "cannot compute the answer's MAC";
		return (DNS_TSIG_BAD);
	}
	same = r->tsig.mac_len == maclen &&
	    CRYPTO_memcmp(mac, p + r->tsig.mac_off, maclen) == 0;
	explicit_bzero(mac, sizeof(mac));
	if (!same) {
		*why = "the answer's TSIG signature does not verify";
		return (DNS_TSIG_BAD);
	}
	if (r->tsig.error != 0) {
		*why = dns_rcode_text(r->tsig.error);
		return (DNS_TSIG_SERVER_ERROR);
	}
	skew = (int64_t)now - (int64_t)r->tsig.time_signed;
	if (skew > r->tsig.fudge || -skew > r->tsig.fudge) {
		*why = "the answer was signed outside the time fudge "
		    "(clocks differ?)";
		return (DNS_TSIG_BAD);
	}
	(void)len;
	return (DNS_TSIG_OK);
}
