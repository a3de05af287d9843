/*
 * An order (RFC 8555 section 7.4), from its creation (or from its URL,
 * when a worker killed mid-order is resumed, so that no second order is
 * made) to the certificate: the authorizations, finalize with the CSR,
 * the order polled until valid, and the chain downloaded and split into
 * the leaf and the rest.  The order URL goes to the caller as soon as
 * the order exists.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include "acme_int.h"

#define CHAIN_CERTS_MAX	10

/* A DNS name, or a wildcard: "*." only as its first label. */
static int
valid_name(const char *n)
{
	size_t	len;

	if (n == NULL)
		return 0;
	if (strncmp(n, "*.", 2) == 0)
		n += 2;
	len = strlen(n);
	return len > 0 && len <= 253 && n[0] != '.' && n[len - 1] != '.' &&
	    strstr(n, "..") == NULL &&
	    strspn(n, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
	    "0123456789-.") == len;
}

static int
check_req(struct acme *a, const struct acme_order_req *q)
{
	size_t	i;

	if (q->nnames == 0 || q->nnames > ACME_NAMES_MAX) {
		acme_seterr(a, "an order names 1 to %d identifiers",
		    ACME_NAMES_MAX);
		return -1;
	}
	for (i = 0; i < q->nnames; i++)
		if (!valid_name(q->names[i])) {
			acme_seterr(a, "not a DNS name to order");
			return -1;
		}
	if (q->challenge == NULL || (strcmp(q->challenge, "http-01") != 0 &&
	    strcmp(q->challenge, "dns-01") != 0)) {
		acme_seterr(a, "the challenge type is http-01 or dns-01");
		return -1;
	}
	if (q->csr == NULL || q->csrlen == 0 || q->solver == NULL) {
		acme_seterr(a, "no CSR or no solver");
		return -1;
	}
	return 0;
}

static int
new_order(struct acme *a, const struct acme_order_req *q, char *url,
    size_t urllen)
{
	struct acme_resp	 r;
	const char		*nurl;
	json_t			*ids, *o;
	char			*payload;
	size_t			 i;

	if ((nurl = acme_dir_url(a, "newOrder")) == NULL)
		return -1;
	if ((ids = json_array()) == NULL)
		return -1;
	for (i = 0; i < q->nnames; i++)
		json_array_append_new(ids, json_pack("{s:s, s:s}", "type",
		    "dns", "value", q->names[i]));
	o = json_pack("{s:o}", "identifiers", ids);
	payload = o != NULL ? json_dumps(o, JSON_COMPACT) : NULL;
	json_decref(o);
	if (payload == NULL) {
		acme_seterr(a, "out of memory");
		return -1;
	}
	if (acme_post_json(a, nurl, payload, &o, &r) == -1) {
		free(payload);
		return -1;
	}
	free(payload);
	json_decref(o);
	if (!acme_https_url(r.location) ||
	    strlcpy(url, r.location, urllen) >= urllen) {
		acme_seterr(a, "newOrder gave no order URL");
		return -1;
	}
	if (q->order_created != NULL &&
	    q->order_created(q->arg, url) == -1) {
		acme_seterr(a, "the order could not be recorded");
		return -1;
	}
	return 0;
}

static int
authorize_all(struct acme *a, const json_t *order,
    const struct acme_order_req *q)
{
	const json_t	*authzs = json_object_get(order, "authorizations");
	const json_t	*u;
	size_t		 i;

	if (!json_is_array(authzs) || json_array_size(authzs) == 0 ||
	    json_array_size(authzs) > ACME_NAMES_MAX) {
		acme_seterr(a, "an order without authorizations");
		return -1;
	}
	json_array_foreach(authzs, i, u)
		if (acme_authorize(a, json_string_value(u), q) == -1)
			return -1;
	return 0;
}

static int
finalize(struct acme *a, const json_t *order,
    const struct acme_order_req *q)
{
	const char	*url = json_string_value(json_object_get(order,
			    "finalize"));
	char		*csr, *payload = NULL;
	json_t		*o;
	int		 rv;

	if (!acme_https_url(url)) {
		acme_seterr(a, "an order without a finalize URL");
		return -1;
	}
	if ((csr = acme_b64url(q->csr, q->csrlen)) == NULL ||
	    asprintf(&payload, "{\"csr\":\"%s\"}", csr) == -1) {
		free(csr);
		acme_seterr(a, "out of memory");
		return -1;
	}
	free(csr);
	rv = acme_post_json(a, url, payload, &o, NULL);
	free(payload);
	json_decref(o);
	return rv;
}

/* PEM certificates: the first is the leaf, the rest the chain. */
int
acme_split_chain(const char *pem, size_t len, struct acme_cert *c)
{
	BIO	*in, *leaf = NULL, *chain = NULL, *dst;
	X509	*x;
	char	*p;
	long	 n;
	int	 count = 0, rv = -1;

	if (len > ACME_BODY_MAX || len > INT32_MAX ||
	    (in = BIO_new_mem_buf(pem, (int)len)) == NULL)
		return -1;
	leaf = BIO_new(BIO_s_mem());
	chain = BIO_new(BIO_s_mem());
	if (leaf == NULL || chain == NULL)
		goto out;
	while ((x = PEM_read_bio_X509(in, NULL, NULL, NULL)) != NULL) {
		dst = count == 0 ? leaf : chain;
		if (++count > CHAIN_CERTS_MAX || !PEM_write_bio_X509(dst, x)) {
			X509_free(x);
			goto out;
		}
		X509_free(x);
	}
	if (count == 0)
		goto out;
	n = BIO_get_mem_data(leaf, &p);
	c->leaf = strndup(p, (size_t)n);
	n = BIO_get_mem_data(chain, &p);
	c->chain = n > 0 ? strndup(p, (size_t)n) : strdup("");
	if (c->leaf != NULL && c->chain != NULL)
		rv = 0;
out:
	ERR_clear_error();
	BIO_free(in);
	BIO_free(leaf);
	BIO_free(chain);
	return rv;
}

static int
download(struct acme *a, const json_t *order, struct acme_cert *c)
{
	struct acme_resp	 r;
	const char		*url = json_string_value(json_object_get(order,
				    "certificate"));
	int			 rv = -1;

	if (!acme_https_url(url)) {
		acme_seterr(a, "a valid order without a certificate URL");
		return -1;
	}
	if (acme_post(a, url, NULL, 0, "application/pem-certificate-chain",
	    &r) == -1)
		return -1;
	if (r.status != 200)
		acme_resp_error(a, "certificate", &r);
	else if (acme_split_chain(r.body, r.len, c) == -1)
		acme_seterr(a, "the certificate is not a PEM chain");
	else
		rv = 0;
	acme_resp_free(&r);
	return rv;
}

static void
order_error(struct acme *a, const json_t *order)
{
	char	*s = json_dumps(json_object_get(order, "error"),
		    JSON_COMPACT);
	char	 text[ACME_ERR_MAX - 64];

	if (s != NULL && acme_problem_text(s, strlen(s), text,
	    sizeof(text)) == 0)
		acme_seterr(a, "the order is invalid: %s", text);
	else
		acme_seterr(a, "the order is invalid");
	free(s);
}

/*
 * A resumed order must be the one asked for: the same names, in any
 * order (its CSR would not match another's).
 */
static int
same_names(struct acme *a, const json_t *order,
    const struct acme_order_req *q)
{
	const json_t	*ids = json_object_get(order, "identifiers");
	const json_t	*id;
	const char	*v;
	size_t		 i, j;

	if (!json_is_array(ids) || json_array_size(ids) != q->nnames)
		goto differ;
	json_array_foreach(ids, i, id) {
		v = json_string_value(json_object_get(id, "value"));
		for (j = 0; v != NULL && j < q->nnames; j++)
			if (strcasecmp(v, q->names[j]) == 0)
				break;
		if (v == NULL || j == q->nnames)
			goto differ;
	}
	return 0;
differ:
	acme_seterr(a, "the order to resume is for other names");
	return -1;
}

/* Drives the order at url from whatever state it is in. */
static int
run_order(struct acme *a, const char *url, const struct acme_order_req *q,
    struct acme_cert *c)
{
	static const char *const ready[] = { "ready", "valid", NULL };
	static const char *const valid[] = { "valid", NULL };
	const char *const *want;
	json_t		*o;
	const char	*st;
	int		 rv = -1, step;

	if (acme_fetch(a, url, &o) == -1)
		return -1;
	if (same_names(a, o, q) == -1) {
		json_decref(o);
		return -1;
	}
	for (step = 0; step < 4; step++) {
		st = json_string_value(json_object_get(o, "status"));
		if (st == NULL || strcmp(st, "invalid") == 0) {
			order_error(a, o);
			break;
		}
		if (strcmp(st, "valid") == 0) {
			rv = download(a, o, c);
			break;
		}
		if (strcmp(st, "pending") == 0 &&
		    authorize_all(a, o, q) == -1)
			break;
		if (strcmp(st, "ready") == 0 && finalize(a, o, q) == -1)
			break;
		want = strcmp(st, "pending") == 0 ? ready : valid;
		json_decref(o);
		if (acme_poll(a, url, want, &o) == -1)
			return -1;
	}
	if (step == 4)
		acme_seterr(a, "the order does not progress");
	json_decref(o);
	return rv;
}

int
acme_issue(struct acme *a, const struct acme_order_req *q,
    struct acme_cert *c)
{
	char	url[ACME_URL_MAX];

	memset(c, 0, sizeof(*c));
	if (check_req(a, q) == -1)
		return -1;
	if (a->signer == NULL || a->kid[0] == '\0') {
		acme_seterr(a, "no account");
		return -1;
	}
	if (q->resume_url != NULL) {
		if (!acme_https_url(q->resume_url) ||
		    strlcpy(url, q->resume_url, sizeof(url)) >= sizeof(url)) {
			acme_seterr(a, "the order to resume is not https");
			return -1;
		}
	} else if (new_order(a, q, url, sizeof(url)) == -1)
		return -1;
	if (run_order(a, url, q, c) == -1 ||
	    (c->order_url = strdup(url)) == NULL) {
		acme_cert_free(c);
		return -1;
	}
	return 0;
}

void
acme_cert_free(struct acme_cert *c)
{
	free(c->leaf);
	free(c->chain);
	free(c->order_url);
	memset(c, 0, sizeof(*c));
}
