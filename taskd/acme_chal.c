/*
 * One authorization (RFC 8555 sections 7.5 and 8): its challenge of the
 * type asked is presented through the solver (the key authorization for
 * http-01, its SHA-256 in base64url for dns-01), answered, and the
 * authorization polled until the CA decides; the solver cleans up
 * whatever the outcome.  An authorization already valid (reused by the
 * CA, or done before a crash) is left alone.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/sha.h>

#include "acme_int.h"

#define TOKEN_MAX	256
#define KEYAUTH_MAX	(TOKEN_MAX + 64)

static const json_t *
find_challenge(const json_t *authz, const char *type)
{
	const json_t	*c;
	size_t		 i;

	json_array_foreach(json_object_get(authz, "challenges"), i, c) {
		const char *t = json_string_value(json_object_get(c, "type"));

		if (t != NULL && strcmp(t, type) == 0)
			return c;
	}
	return NULL;
}

/* RFC 8555 section 8.1: a token is base64url, and long enough. */
static int
token_ok(const char *t)
{
	size_t	n;

	if (t == NULL || (n = strlen(t)) < 16 || n > TOKEN_MAX)
		return 0;
	return strspn(t, B64URL_ALPHABET) == n;
}

static int
challenge_value(struct acme *a, const char *type, const char *token,
    char *out, size_t outlen)
{
	char	 thumb[64], ka[KEYAUTH_MAX], *d;
	uint8_t	 md[SHA256_DIGEST_LENGTH];

	if (acme_thumbprint(a->signer->jwk, thumb, sizeof(thumb)) == -1) {
		acme_seterr(a, "the account key's JWK has no thumbprint");
		return -1;
	}
	snprintf(ka, sizeof(ka), "%s.%s", token, thumb);
	if (strcmp(type, "dns-01") != 0)
		return strlcpy(out, ka, outlen) < outlen ? 0 : -1;
	SHA256((const unsigned char *)ka, strlen(ka), md);
	if ((d = acme_b64url(md, sizeof(md))) == NULL)
		return -1;
	strlcpy(out, d, outlen);
	free(d);
	return 0;
}

/* The reason an authorization failed: its challenge's problem. */
static void
authz_error(struct acme *a, const char *ident, const json_t *authz,
    const char *type)
{
	const json_t	*c = find_challenge(authz, type);
	const json_t	*e = json_object_get(c, "error");
	char		*s = NULL, text[ACME_ERR_MAX - 128];

	if (e != NULL)
		s = json_dumps(e, JSON_COMPACT);
	if (s != NULL && acme_problem_text(s, strlen(s), text,
	    sizeof(text)) == 0)
		acme_seterr(a, "%s: %s failed: %s", ident, type, text);
	else
		acme_seterr(a, "%s: the authorization is invalid", ident);
	free(s);
}

static int
respond(struct acme *a, const json_t *chal, const char *url)
{
	const char	*cst = json_string_value(json_object_get(chal,
			    "status"));
	json_t		*o;

	/* "processing": answered before a crash; answering again is moot */
	if (cst == NULL || strcmp(cst, "pending") != 0)
		return 0;
	if (acme_post_json(a, url, "{}", &o, NULL) == -1)
		return -1;
	json_decref(o);
	return 0;
}

static int
solve(struct acme *a, const char *authz_url, const json_t *authz,
    const char *ident, const struct acme_order_req *q)
{
	static const char *const done[] = { "valid", NULL };
	const json_t	*chal;
	const char	*token, *url, *st;
	char		 value[KEYAUTH_MAX];
	json_t		*fin = NULL;
	int		 rv = -1;

	if ((chal = find_challenge(authz, q->challenge)) == NULL) {
		acme_seterr(a, "%s: the CA offers no %s challenge", ident,
		    q->challenge);
		return -1;
	}
	token = json_string_value(json_object_get(chal, "token"));
	url = json_string_value(json_object_get(chal, "url"));
	if (!token_ok(token) || !acme_https_url(url)) {
		acme_seterr(a, "%s: a challenge without a token or URL",
		    ident);
		return -1;
	}
	if (challenge_value(a, q->challenge, token, value,
	    sizeof(value)) == -1)
		return -1;
	if (q->solver->present(q->solver->arg, q->challenge, ident, token,
	    value) == -1) {
		acme_seterr(a, "%s: could not present the %s challenge",
		    ident, q->challenge);
		return -1;
	}
	if (respond(a, chal, url) == 0 &&
	    acme_poll(a, authz_url, done, &fin) == 0) {
		st = json_string_value(json_object_get(fin, "status"));
		if (strcmp(st, "valid") == 0)
			rv = 0;
		else
			authz_error(a, ident, fin, q->challenge);
	}
	json_decref(fin);
	q->solver->cleanup(q->solver->arg, q->challenge, ident, token, value);
	explicit_bzero(value, sizeof(value));
	return rv;
}

int
acme_authorize(struct acme *a, const char *authz_url,
    const struct acme_order_req *q)
{
	json_t		*authz;
	const char	*st, *ident, *itype;
	int		 rv = -1;

	if (acme_fetch(a, authz_url, &authz) == -1)
		return -1;
	st = json_string_value(json_object_get(authz, "status"));
	ident = json_string_value(json_object_get(json_object_get(authz,
	    "identifier"), "value"));
	itype = json_string_value(json_object_get(json_object_get(authz,
	    "identifier"), "type"));
	if (st == NULL || ident == NULL || itype == NULL ||
	    strcmp(itype, "dns") != 0) {
		acme_seterr(a, "%s: not a dns authorization", authz_url);
	} else if (strcmp(st, "valid") == 0)
		rv = 0;
	else if (strcmp(st, "pending") == 0)
		rv = solve(a, authz_url, authz, ident, q);
	else if (strcmp(st, "invalid") == 0)
		authz_error(a, ident, authz, q->challenge);
	else
		acme_seterr(a, "%s: the authorization is %s", ident, st);
	json_decref(authz);
	return rv;
}
