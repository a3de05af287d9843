/*
 * Credentials: finding one in a request (a bearer token, Basic, the
 * session cookie, an account v2 signature), refusing a cross-site
 * request that carries one a browser sent by itself, and having authd
 * check it; and logins, which ask authd to check a password.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>

#include "api.h"
#include "body_keys.h"
#include "body_auth.h"
#include "cred.h"
#include "frontd.h"
#include "grantcache.h"
#include "log.h"

#define BEARER_MAX	FIELD_CRED_MAX

/* ---- logins ------------------------------------------------------------- */

int
api_login(struct api_req *r, const char *user, const char *password,
    ipc_reply_cb cb)
{
	struct ipc_auth_login	 b;
	int			 rc;

	memset(&b, 0, sizeof(b));
	b.dialect = r->dialect;
	strlcpy(b.peer, api_peer(r), sizeof(b.peer));
	strlcpy(b.name, user, sizeof(b.name));
	strlcpy(b.password, password, sizeof(b.password));
	rc = api_ask_slow(r, frontd_env->chans[PROC_AUTHD], IPC_AUTH_LOGIN,
	    &b, API_WAIT_PASSWORD, cb);
	explicit_bzero(&b, sizeof(b));
	return rc;
}

void
login_res_get(struct api_req *r, struct ipc_msg *m, struct ipc_login_res *l)
{
	conn_ipc_done(r->c);
	if (m != NULL && ipc_msg_get(m, l) == 0)
		return;
	explicit_bzero(l, sizeof(*l));
	l->head.status = m == NULL ? 503 : 500;
	strlcpy(l->head.message, m == NULL ? "authentication unavailable" :
	    "internal error", sizeof(l->head.message));
}

int
verify_res_get(struct ipc_msg *m, uint32_t *status, uint32_t *retry,
    uint8_t grant[GRANT_LEN])
{
	struct ipc_verify_res	 res;
	int			 rc = 0;

	if (ipc_msg_get(m, &res) == -1 || (ipc_status_ok(res.head.status) &&
	    res.grant_len != GRANT_LEN))
		rc = -1;
	else if (ipc_status_ok(res.head.status))
		memcpy(grant, res.grant, GRANT_LEN);
	*status = rc == -1 ? 500 : res.head.status;
	*retry = res.head.retry;
	explicit_bzero(&res, sizeof(res));
	return rc;
}

/* ---- authentication ------------------------------------------------- */

static void
verified(struct ipc_chan *chan, struct ipc_msg *m, void *arg)
{
	struct api_req	*r = arg;
	uint32_t	 status, retry;

	(void)chan;
	if (api_arrived(r, m, "authentication unavailable") == -1)
		return;
	if (verify_res_get(m, &status, &retry, r->grant) == -1) {
		api_bad_answer(r);
		return;
	}
	if (status == 200 && r->cache_grant)
		grantcache_put(r->grant_key, r->grant);
	if (status == 200)
		r->route->handler(r);
	else if (status == 429)
		api_error_retry(r, 429, retry, "too many requests");
	else
		api_error(r, 401, "invalid or expired token");
}

static int
bearer(struct api_req *r, char *token, size_t len)
{
	const struct http_header	*h;

	h = http_header_get(r->c->req, "Authorization");
	if (h == NULL || h->valuelen < 8 || h->valuelen - 7 >= len ||
	    strncasecmp(h->value, "Bearer ", 7) != 0)
		return -1;
	memcpy(token, h->value + 7, h->valuelen - 7);
	token[h->valuelen - 7] = '\0';
	return 0;
}

/* Basic auth: any user name; the password is the credential (an ak_). */
static int
basic(struct api_req *r, char *password, size_t len)
{
	const struct http_header	*h;
	unsigned char			 dec[BEARER_MAX];
	const unsigned char		*colon;
	size_t				 n, pad = 0;
	int				 d;

	h = http_header_get(r->c->req, "Authorization");
	if (h == NULL || h->valuelen < 7 || strncasecmp(h->value, "Basic ", 6))
		return -1;
	n = h->valuelen - 6;
	if (n == 0 || n % 4 != 0 || n / 4 * 3 > sizeof(dec))
		return -1;
	if ((d = EVP_DecodeBlock(dec, (const unsigned char *)h->value + 6,
	    n)) < 0)
		return -1;
	if (h->value[h->valuelen - 1] == '=')
		pad = h->value[h->valuelen - 2] == '=' ? 2 : 1;
	d -= pad;
	if ((colon = memchr(dec, ':', d)) == NULL ||
	    (size_t)(d - (colon - dec) - 1) >= len ||
	    memchr(dec, '\0', d) != NULL) {
		explicit_bzero(dec, sizeof(dec));
		return -1;
	}
	n = d - (colon - dec) - 1;
	memcpy(password, colon + 1, n);
	password[n] = '\0';
	explicit_bzero(dec, sizeof(dec));
	return 0;
}

const char *
api_cookie(struct api_req *r, const char *name, char *out, size_t outlen)
{
	const struct http_header	*h;
	const char			*p, *end, *semi;
	size_t				 nlen = strlen(name), vlen;
	int				 i;

	for (i = 0; i < (int)r->c->req->nheaders; i++) {
		h = &r->c->req->headers[i];
		if (h->namelen != 6 || strncasecmp(h->name, "Cookie", 6) != 0)
			continue;
		p = h->value;
		end = h->value + h->valuelen;
		while (p < end) {
			while (p < end && (*p == ' ' || *p == ';'))
				p++;
			semi = memchr(p, ';', end - p);
			if (semi == NULL)
				semi = end;
			if ((size_t)(semi - p) > nlen + 1 &&
			    strncmp(p, name, nlen) == 0 && p[nlen] == '=') {
				vlen = semi - p - nlen - 1;
				if (vlen >= outlen)
					return NULL;
				memcpy(out, p + nlen + 1, vlen);
				out[vlen] = '\0';
				return out;
			}
			p = semi;
		}
	}
	return NULL;
}

/*
 * Whether a browser could have sent this request from another site
 * without asking first: a POST whose Content-Type is absent or one of
 * the three a form can send (a CORS-safelisted type, Fetch standard).
 * Anything else needs a CORS preflight, which frontd never grants.
 */
static int
form_like(struct api_req *r)
{
	static const char *const safelisted[] = {
	    "application/x-www-form-urlencoded", "multipart/form-data",
	    "text/plain", NULL };
	const struct http_header	*ct;
	size_t				 n;
	int				 i;

	if (r->c->req->method != HTTP_METHOD_POST)
		return 0;
	if ((ct = http_header_get(r->c->req, "Content-Type")) == NULL)
		return 1;
	for (n = 0; n < ct->valuelen && ct->value[n] != ';'; n++)
		;
	while (n > 0 && (ct->value[n - 1] == ' ' || ct->value[n - 1] == '\t'))
		n--;
	if (n == 0)
		return 1;
	for (i = 0; safelisted[i] != NULL; i++)
		if (n == strlen(safelisted[i]) &&
		    strncasecmp(ct->value, safelisted[i], n) == 0)
			return 1;
	return 0;
}

/*
 * A cookie rides along with any request a browser makes, also one that
 * another site starts, and so does a Basic password the browser was
 * once given: a state change with either must come from our own origin
 * (Origin, else Referer), or carry the double-submit token.  One that
 * names neither origin is also taken if no page could have sent it
 * unasked (a browser names the origin of every other state change): so
 * curl -b with JSON (certctrl-apiv1.txt's own examples), curl -u and git,
 * which send none, still work.  Cookies and Basic pass the same check.
 */
static int
csrf_ok(struct api_req *r)
{
	const struct http_header	*origin, *referer;
	char				 want[300], cookie[64];
	const struct http_header	*token;

	if (r->c->req->method == HTTP_METHOD_GET ||
	    r->c->req->method == HTTP_METHOD_HEAD ||
	    r->c->req->method == HTTP_METHOD_OPTIONS)
		return 1;
	if (r->c->req->host == NULL || r->c->req->hostlen > 255)
		return 0;
	snprintf(want, sizeof(want), "https://%.*s", (int)r->c->req->hostlen,
	    r->c->req->host);
	origin = http_header_get(r->c->req, "Origin");
	if (origin != NULL)
		return origin->valuelen == strlen(want) &&
		    strncasecmp(origin->value, want, origin->valuelen) == 0;
	referer = http_header_get(r->c->req, "Referer");
	if (referer != NULL)
		return referer->valuelen > strlen(want) &&
		    strncasecmp(referer->value, want, strlen(want)) == 0 &&
		    referer->value[strlen(want)] == '/';
	/* a token that was sent is checked, whatever else could pass */
	if ((token = http_header_get(r->c->req, "X-CSRF-Token")) == NULL)
		return !form_like(r);
	if (api_cookie(r, COOKIE_CSRF, cookie, sizeof(cookie)) == NULL ||
	    token->valuelen != strlen(cookie) || token->valuelen < 16)
		return 0;
	return CRYPTO_memcmp(token->value, cookie, token->valuelen) == 0;
}

/*
 * Account v2: "Authorization: API_KEY:SIGNATURE" over the method, Host,
 * X-Date, the target and the body, checked in authd.
 */
static int
signed_request(struct api_req *r)
{
	const struct http_header	*auth, *date;
	const struct http_request	*q = r->c->req;
	struct ipc_auth_signed		*b;
	const char			*colon;
	size_t				 klen;
	int				 rc;

	auth = http_header_get(q, "Authorization");
	date = http_header_get(q, "X-Date");
	if (auth == NULL || date == NULL || auth->valuelen > 128 ||
	    date->valuelen > 39 ||
	    (colon = memchr(auth->value, ':', auth->valuelen)) == NULL)
		return -1;
	klen = colon - auth->value;
	if (klen == 0 || klen > FIELD_ACCOUNT_KEY_MAX ||
	    auth->valuelen - klen - 1 > 63 || q->hostlen > FIELD_HOST_MAX)
		return -1;
	if ((b = calloc(1, sizeof(*b))) == NULL)
		fatalx("%s: out of memory", __func__);
	strlcpy(b->peer, api_peer(r), sizeof(b->peer));
	memcpy(b->api_key, auth->value, klen);
	memcpy(b->signature, colon + 1, auth->valuelen - klen - 1);
	memcpy(b->xdate, date->value, date->valuelen);
	strlcpy(b->method, http_method_name(q->method), sizeof(b->method));
	if (q->host != NULL)
		memcpy(b->host, q->host, q->hostlen);
	/* a body larger than auth.signed carries is not sent, as ever */
	if (q->targetlen < sizeof(b->target) &&
	    r->c->body_len <= sizeof(b->body)) {
		memcpy(b->target, q->target, q->targetlen);
		if (r->c->body_len > 0)
			memcpy(b->body, r->c->body, r->c->body_len);
		b->body_len = r->c->body_len;
		rc = api_ask(r, frontd_env->chans[PROC_AUTHD], IPC_AUTH_SIGNED,
		    b, verified);
	} else
		rc = -1;
	if (rc == -1)
		api_error(r, 503, "authentication unavailable");
	/* the body may hold a new password */
	explicit_bzero(b, sizeof(*b));
	free(b);
	return 0;
}

void
api_authenticate(struct api_req *r)
{
	struct ipc_auth_verify	 b;
	char			 token[BEARER_MAX + 1];
	int			 kind, rc;

	if (r->route->auth == AUTH_SIGNED &&
	    bearer(r, token, sizeof(token)) == -1) {
		if (signed_request(r) == -1)
			api_error(r, 401, "missing or malformed signature");
		return;
	}
	if (bearer(r, token, sizeof(token)) == 0)
		kind = CRED_BEARER;
	else if (r->route->auth == AUTH_ANY && basic(r, token,
	    sizeof(token)) == 0)
		kind = CRED_BASIC;
	else if (r->route->auth == AUTH_ANY && api_cookie(r, COOKIE_SESSION,
	    token, sizeof(token)) != NULL)
		kind = CRED_COOKIE;
	else {
		api_error(r, 401, "missing or malformed credentials");
		return;
	}
	/* what a browser sends by itself; a bearer header it never does */
	if (kind != CRED_BEARER && !csrf_ok(r)) {
		explicit_bzero(token, sizeof(token));
		api_error(r, 403, "cross-site request refused");
		return;
	}
	if (kind != CRED_BASIC) {
		grantcache_key(r->dialect, kind, api_peer(r), token,
		    r->grant_key);
		if (grantcache_get(r->grant_key, r->grant) == 0) {
			explicit_bzero(token, sizeof(token));
			r->cache_keyed = 1;
			r->route->handler(r);
			return;
		}
		r->cache_grant = r->cache_keyed = 1;
	}
	memset(&b, 0, sizeof(b));
	b.dialect = r->dialect;
	strlcpy(b.peer, api_peer(r), sizeof(b.peer));
	b.kind = kind;
	/* an agent's registration is an authentication path */
	b.strict = r->route->handler == apiv1_device_register;
	strlcpy(b.cred, token, sizeof(b.cred));	/* BEARER_MAX fits */
	explicit_bzero(token, sizeof(token));
	rc = api_ask(r, frontd_env->chans[PROC_AUTHD], IPC_AUTH_VERIFY, &b,
	    verified);
	explicit_bzero(&b, sizeof(b));
	if (rc == -1)
		api_error(r, 503, "authentication unavailable");
}
