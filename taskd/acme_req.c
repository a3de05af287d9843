/*
 * The ACME engine's signed requests: every POST carries a fresh nonce
 * (the last answer's Replay-Nonce, else one from newNonce), and one the
 * CA refuses as badNonce is sent again with the nonce that refusal
 * brought, a bounded number of times (RFC 8555 section 6.5).  Polling
 * of an object honours Retry-After, within bounds.
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "acme_int.h"

#define BADNONCE	"urn:ietf:params:acme:error:badNonce"

static int
is_bad_nonce(const struct acme_resp *r)
{
	json_t	*p;
	int	 bad;

	if (r->status != 400 || r->body == NULL)
		return 0;
	p = json_loadb(r->body, r->len, 0, NULL);
	bad = json_is_string(json_object_get(p, "type")) &&
	    strcmp(json_string_value(json_object_get(p, "type")),
	    BADNONCE) == 0;
	json_decref(p);
	return bad;
}

/*
 * payload NULL is a POST-as-GET.  Returns 0 with the answer in r
 * (whatever its status), -1 when there was none.
 */
int
acme_post(struct acme *a, const char *url, const char *payload,
    int with_jwk, const char *accept, struct acme_resp *r)
{
	char	*jws;
	int	 i;

	if (a->signer == NULL || (!with_jwk && a->kid[0] == '\0')) {
		acme_seterr(a, "no account to sign with");
		return -1;
	}
	for (i = 0; i < ACME_BADNONCE_TRIES; i++) {
		if (a->nonce[0] == '\0' && acme_new_nonce(a) == -1)
			return -1;
		jws = acme_jws(a, a->signer, url, payload, with_jwk, 1);
		a->nonce[0] = '\0';	/* a nonce is used once */
		if (jws == NULL)
			return -1;
		if (acme_http(a, "POST", url, jws, accept, r) == -1) {
			free(jws);
			return -1;
		}
		free(jws);
		if (!is_bad_nonce(r))
			return 0;
		a->bad_nonces++;
		acme_resp_free(r);
	}
	acme_seterr(a, "%s: the CA refused %d nonces in a row", url,
	    ACME_BADNONCE_TRIES);
	return -1;
}

/*
 * A POST whose answer must be a 2xx JSON object.  r keeps the headers
 * (Location, Retry-After) when given.
 */
int
acme_post_json(struct acme *a, const char *url, const char *payload,
    json_t **out, struct acme_resp *hdrs)
{
	struct acme_resp	 r;

	*out = NULL;
	if (acme_post(a, url, payload, 0, NULL, &r) == -1)
		return -1;
	if (r.status < 200 || r.status > 299) {
		acme_resp_error(a, url, &r);
		acme_resp_free(&r);
		return -1;
	}
	*out = acme_resp_json(a, &r);
	acme_resp_free(&r);
	if (hdrs != NULL)
		*hdrs = r;
	return *out == NULL ? -1 : 0;
}

int
acme_fetch(struct acme *a, const char *url, json_t **out)
{
	*out = NULL;
	if (!acme_https_url(url)) {
		acme_seterr(a, "refusing a URL that is not https");
		return -1;
	}
	return acme_post_json(a, url, NULL, out, NULL);
}

static int
status_in(const char *st, const char *const *set)
{
	for (; *set != NULL; set++)
		if (strcmp(st, *set) == 0)
			return 1;
	return 0;
}

/*
 * Fetches url until its status is one of done (or "invalid"), waiting
 * as the CA's Retry-After asks, at most the poll limit in all.
 */
int
acme_poll(struct acme *a, const char *url, const char *const *done,
    json_t **out)
{
	struct acme_resp	 r;
	const char		*st;
	time_t			 end = time(NULL) + a->poll_limit;
	json_t			*o;

	for (;;) {
		if (acme_post_json(a, url, NULL, &o, &r) == -1)
			return -1;
		st = json_string_value(json_object_get(o, "status"));
		if (st == NULL) {
			json_decref(o);
			acme_seterr(a, "%s: an object without status", url);
			return -1;
		}
		if (strcmp(st, "invalid") == 0 || status_in(st, done)) {
			*out = o;
			return 0;
		}
		if (time(NULL) >= end) {
			acme_seterr(a, "%s: still %s after %ld s", url, st,
			    a->poll_limit);
			json_decref(o);
			return -1;
		}
		json_decref(o);
		acme_sleep_retry(&r);
	}
}
