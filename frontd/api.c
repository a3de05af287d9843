/*
 * The request pipeline every dialect shares: find the route, read the
 * query, check the credential with authd, call the handler; and answer
 * errors in the dialect's own shape.
 */
#include <sys/types.h>
#include <sys/socket.h>

#include <netinet/in.h>
#include <arpa/inet.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>

#include "api.h"
#include "cred.h"
#include "egressrec.h"
#include "frontd.h"
#include "grantcache.h"
#include "json_limits.h"
#include "log.h"
#include "util.h"

#define BEARER_MAX	2048

/* ---- answers ------------------------------------------------------------ */

static void
send_json(struct api_req *r, int status, const char *headers, json_t *j)
{
	char	*s;

	if ((s = json_dumps(j, JSON_COMPACT)) == NULL)
		fatalx("%s: out of memory", __func__);
	response_json_headers(r->c, status, headers, s, strlen(s));
	/* an answer may show a secret once */
	explicit_bzero(s, strlen(s));
	free(s);
	json_decref(j);
}

void
api_json(struct api_req *r, int status, json_t *j)
{
	api_json_headers(r, status, "", j);
}

void
api_json_headers(struct api_req *r, int status, const char *headers,
    json_t *j)
{
	/* jansson refuses what is not UTF-8 as it refuses what it cannot
	 * allocate: an answer that could not be made is a fault of ours,
	 * and never stops frontd */
	if (j == NULL) {
		log_warnx("an answer to %s could not be made",
		    r->route != NULL ? r->route->pattern : "a request");
		j = response_error_body(r->dialect, 500, "internal error");
		if (j == NULL)
			fatalx("%s: out of memory", __func__);
		status = 500;
		headers = "";
	}
	send_json(r, status, headers, j);
}

void
api_empty(struct api_req *r, int status)
{
	response_json(r->c, status, "", 0);
}

void
api_error_retry(struct api_req *r, int status, uint32_t retry,
    const char *message)
{
	char	 headers[64] = "";
	json_t	*j = response_error_body(r->dialect, status, message);

	if (j == NULL)
		fatalx("%s: out of memory", __func__);
	/* stored refused the grant: its session or key has ended */
	if (status == 401 && r->cache_keyed)
		grantcache_forget(r->grant_key);
	if (retry > 0)
		snprintf(headers, sizeof(headers), "Retry-After: %u\r\n", retry);
	send_json(r, status, headers, j);
}

void
api_error(struct api_req *r, int status, const char *message)
{
	api_error_retry(r, status, 0, message);
}

/* ---- the request ---------------------------------------------------- */

static int
hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Percent-decodes into dst; refuses bad escapes, NUL and overlong. */
static int
url_decode(const char *s, size_t len, char *dst, size_t dstlen)
{
	size_t	 i, o = 0;
	int	 hi, lo, ch;

	for (i = 0; i < len; i++) {
		ch = (unsigned char)s[i];
		if (ch == '+')
			ch = ' ';
		else if (ch == '%') {
			if (i + 2 >= len)
				return -1;
			if ((hi = hexval(s[i + 1])) == -1 ||
			    (lo = hexval(s[i + 2])) == -1)
				return -1;
			ch = hi << 4 | lo;
			i += 2;
		}
		if (ch == 0 || o + 1 >= dstlen)
			return -1;
		dst[o++] = ch;
	}
	dst[o] = '\0';
	return 0;
}

static int
parse_query(struct api_req *r)
{
	const char	*q = r->c->req.query, *amp, *eq;
	size_t		 left = r->c->req.querylen, part;

	while (q != NULL && left > 0) {
		amp = memchr(q, '&', left);
		part = amp != NULL ? (size_t)(amp - q) : left;
		if (part > 0) {
			struct api_query *qp;

			if (r->nquery == API_QUERY_MAX)
				return -1;
			qp = &r->query[r->nquery++];
			eq = memchr(q, '=', part);
			if (url_decode(q, eq != NULL ? (size_t)(eq - q) : part,
			    qp->name, sizeof(qp->name)) == -1 ||
			    url_decode(eq != NULL ? eq + 1 : q, eq != NULL ?
			    part - (eq - q) - 1 : 0, qp->value,
			    sizeof(qp->value)) == -1)
				return -1;
		}
		if (amp == NULL)
			break;
		left -= part + 1;
		q = amp + 1;
	}
	return 0;
}

int
api_query_known(struct api_req *r, const char *const *known)
{
	char	 msg[96], name[40];
	int	 i, k, ok;

	for (i = 0; i < r->nquery; i++) {
		for (ok = 0, k = 0; known[k] != NULL; k++)
			ok |= strcmp(r->query[i].name, known[k]) == 0;
		if (!ok) {
			text_quotable(name, sizeof(name), r->query[i].name, 32);
			snprintf(msg, sizeof(msg), "unknown filter \"%s\"", name);
			api_error(r, 400, msg);
			return -1;
		}
	}
	return 0;
}

const char *
api_query_get(struct api_req *r, const char *name)
{
	int	 i;

	for (i = 0; i < r->nquery; i++)
		if (strcmp(r->query[i].name, name) == 0)
			return r->query[i].value;
	return NULL;
}

/* A path parameter is an id: a UUID, a number, a key id or a name. */
static int
param_char(int c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.' ||
	    c == '@';
}

static int
match(const char *pattern, const char *path, size_t pathlen,
    struct api_req *r)
{
	const char	*p = pattern, *s = path, *end = path + pathlen;
	size_t		 n;

	r->nparams = 0;
	while (*p != '\0' && s < end) {
		if (p[0] == '{' && p[1] == '}') {
			for (n = 0; s + n < end && s[n] != '/'; n++)
				if (!param_char((unsigned char)s[n]))
					return 0;
			if (n == 0 || n > API_PARAM_MAX ||
			    r->nparams == API_MAX_PARAMS)
				return 0;
			memcpy(r->params[r->nparams], s, n);
			r->params[r->nparams++][n] = '\0';
			s += n;
			p += 2;
		} else if (*p++ != *s++)
			return 0;
	}
	return *p == '\0' && s == end;
}

/* ---- the caller's address ------------------------------------------- */

static int
trusted_addr(int family, const void *addr)
{
	struct frontd	*f = frontd_env;
	uint32_t	 i;

	for (i = 0; i < f->nproxies; i++) {
		const struct sockaddr_storage *p = &f->proxies[i];

		if (p->ss_family != family)
			continue;
		if (family == AF_INET && memcmp(
		    &((const struct sockaddr_in *)p)->sin_addr, addr, 4) == 0)
			return 1;
		if (family == AF_INET6 && memcmp(
		    &((const struct sockaddr_in6 *)p)->sin6_addr, addr,
		    16) == 0)
			return 1;
	}
	return 0;
}

static int
trusted_proxy(const struct sockaddr_storage *ss)
{
	if (ss->ss_family == AF_INET)
		return trusted_addr(AF_INET,
		    &((const struct sockaddr_in *)ss)->sin_addr);
	if (ss->ss_family == AF_INET6)
		return trusted_addr(AF_INET6,
		    &((const struct sockaddr_in6 *)ss)->sin6_addr);
	return 0;
}

/*
 * One element of X-Forwarded-For, an address alone (no port, no
 * brackets), in canonical text in out; its family, or -1.
 */
static int
forwarded_addr(const char *s, size_t len, uint8_t addr[16], char *out,
    size_t outlen)
{
	char	 text[INET6_ADDRSTRLEN];
	int	 family;

	while (len > 0 && (*s == ' ' || *s == '\t')) {
		s++;
		len--;
	}
	while (len > 0 && (s[len - 1] == ' ' || s[len - 1] == '\t'))
		len--;
	if (len == 0 || len >= sizeof(text))
		return -1;
	memcpy(text, s, len);
	text[len] = '\0';
	if (inet_pton(AF_INET, text, addr) == 1)
		family = AF_INET;
	else if (inet_pton(AF_INET6, text, addr) == 1)
		family = AF_INET6;
	else
		return -1;
	if (inet_ntop(family, addr, out, outlen) == NULL)
		return -1;
	return family;
}

/*
 * The client's address, once per request.  From a proxy the
 * configuration trusts, X-Forwarded-For names it; its lines are one
 * list in order (RFC 9110, 5.3), and each element was written by the
 * hop after it: the last element of the last line by the proxy we talk
 * to.  So the list is read from its end, back over every further
 * trusted proxy, and the first element that is not one is the client.
 * A proxy that appends (HAProxy's option forwardfor, nginx's
 * $proxy_add_x_forwarded_for) leaves what the client sent in front,
 * where it is never read.  An element a trusted proxy wrote that is no
 * address fails the request (-1) rather than let an earlier one, which
 * the client may have written, stand in for it.
 */
static int
resolve_peer(struct api_req *r)
{
	const struct http_header	*h = NULL;
	const char			*end, *comma;
	uint8_t				 addr[16];
	int				 family;

	strlcpy(r->peer, r->c->peer, sizeof(r->peer));
	if (!trusted_proxy(&r->c->peer_addr))
		return 0;
	r->peer_unnamed = 1;
	while ((h = http_header_prev(&r->c->req, "X-Forwarded-For", h)) !=
	    NULL) {
		end = h->value + h->valuelen;
		for (;;) {
			comma = end;
			while (comma > h->value && comma[-1] != ',')
				comma--;
			if ((family = forwarded_addr(comma, end - comma, addr,
			    r->peer, sizeof(r->peer))) == -1)
				return -1;
			r->peer_unnamed = 0;
			if (!trusted_addr(family, addr))
				return 0;
			if (comma == h->value)
				break;
			end = comma - 1;
		}
	}
	/* every element a trusted proxy: the first of them is the client.
	 * With no header at all, the proxy named nobody: the client is
	 * unknown, and none of ours to trust (a proxy on this machine that
	 * names nobody must not make everyone local) */
	return 0;
}

const char *
api_peer(struct api_req *r)
{
	return r->peer;
}

/* ---- IPC for handlers ------------------------------------------------- */

int
api_request(struct api_req *r, struct ipc_chan *chan, struct ipc_msg *m,
    ipc_reply_cb cb)
{
	int	 timeout = frontd_env->ipc_timeout_ms;

	/* a password check waits its turn on its account's schedule */
	if (m->type == IPC_AUTH_LOGIN || m->type == IPC_AUTH_CLIENT_LOGIN ||
	    m->type == IPC_AUTH_CHANGE_PW || m->type == IPC_AUTH_ACCOUNT_DATA)
		timeout += LOGIN_DELAY_MAX * 1000;
	/* stored waits for taskd's test a little less than this */
	if (m->type == IPC_OP_EGRESS_TEST)
		timeout += (EGRESS_TEST_SECONDS + 5) * 1000;
	if (ipc_request(chan, m, timeout, cb, r) == -1)
		return -1;
	conn_ipc_started(r->c, chan, chan->next_reqid);
	return 0;
}

/* ---- logins ------------------------------------------------------------- */

int
api_login(struct api_req *r, const char *user, const char *password,
    ipc_reply_cb cb)
{
	struct ipc_msg	 m;

	ipc_msg_init(&m, IPC_AUTH_LOGIN, 0);
	ipc_put_u64(&m, r->dialect);
	ipc_put_str(&m, api_peer(r));
	ipc_put_str(&m, user);
	ipc_put_str(&m, password);
	return api_request(r, frontd_env->chans[PROC_AUTHD], &m, cb);
}

void
login_res_get(struct api_req *r, struct ipc_msg *m, struct login_res *l)
{
	struct ipc_head	 h;
	int		 rc;

	memset(l, 0, sizeof(*l));
	conn_ipc_done(r->c);
	if (m == NULL) {
		l->status = 503;
		strlcpy(l->message, "authentication unavailable",
		    sizeof(l->message));
		return;
	}
	if ((rc = ipc_get_head(m, &h)) == 1) {
		ipc_get_str(m, l->token, sizeof(l->token));
		ipc_get_u64(m, &l->expires_in);
		ipc_get_str(m, l->user_id, sizeof(l->user_id));
		ipc_get_u64(m, &l->user_oid);
		ipc_get_str(m, l->username, sizeof(l->username));
		ipc_get_str(m, l->role, sizeof(l->role));
		rc = ipc_end(m);
	}
	if (rc == -1) {
		explicit_bzero(l, sizeof(*l));
		l->status = 500;
		strlcpy(l->message, "internal error", sizeof(l->message));
		return;
	}
	l->status = h.status;
	l->retry = h.retry;
	strlcpy(l->message, h.message, sizeof(l->message));
}

int
verify_res_get(struct ipc_msg *m, uint32_t *status, uint32_t *retry,
    uint8_t grant[GRANT_LEN])
{
	struct ipc_head	 h;
	size_t		 len = 0;
	int		 rc;

	if ((rc = ipc_get_head(m, &h)) == 1) {
		ipc_get_bin(m, grant, GRANT_LEN, &len);
		if (ipc_end(m) == -1 || len != GRANT_LEN)
			rc = -1;
	}
	*status = rc == -1 ? 500 : h.status;
	*retry = h.retry;
	return rc == -1 ? -1 : 0;
}

/* ---- the body ----------------------------------------------------------- */

static int
json_space(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/* A comma just before the object's closing brace: its offset. */
static int
trailing_comma(const char *body, size_t len, size_t *at)
{
	while (len > 0 && json_space(body[len - 1]))
		len--;
	if (len == 0 || body[--len] != '}')
		return 0;
	while (len > 0 && json_space(body[len - 1]))
		len--;
	if (len == 0 || body[len - 1] != ',')
		return 0;
	*at = len - 1;
	return 1;
}

json_t *
api_body(struct api_req *r)
{
	char	 err[160], *copy = NULL;
	size_t	 comma, len = r->c->body_len;
	json_t	*j;

	if (len == 0) {
		api_error(r, 400, "a JSON object is required");
		return NULL;
	}
	/* account-v2.txt's own examples end their objects with a comma
	 * ({"api_key":"...",}): that one comma is taken as a space */
	if (r->dialect == DIALECT_ACCOUNT &&
	    trailing_comma(r->c->body, len, &comma)) {
		if ((copy = malloc(len)) == NULL)
			fatal("%s", __func__);
		memcpy(copy, r->c->body, len);
		copy[comma] = ' ';
	}
	j = json_parse_bounded_object(copy != NULL ? copy : r->c->body, len,
	    NULL, err, sizeof(err));
	if (copy != NULL)
		explicit_bzero(copy, len);
	free(copy);
	if (j == NULL)
		api_error(r, 400, err);
	return j;
}

int
api_only_fields(struct api_req *r, json_t *body, const char *const *allowed)
{
	const char	*key;
	json_t		*v;
	char		 msg[96], name[48];
	int		 i, known;

	json_object_foreach(body, key, v) {
		known = 0;
		for (i = 0; allowed[i] != NULL; i++)
			if (strcmp(key, allowed[i]) == 0)
				known = 1;
		if (!known) {
			text_quotable(name, sizeof(name), key, 40);
			snprintf(msg, sizeof(msg), "unknown field \"%s\"", name);
			api_error(r, 400, msg);
			return -1;
		}
	}
	return 0;
}

/* ---- answers from the other processes --------------------------------- */

int
api_arrived(struct api_req *r, struct ipc_msg *m, const char *unavailable)
{
	conn_ipc_done(r->c);
	if (m != NULL)
		return 0;
	api_error(r, 503, unavailable);
	return -1;
}

/*
 * An answer we cannot read is a failed one: a malformed answer closes its
 * channel (the suite fails closed) once the callback returns; one whose
 * content frontd refuses is logged by the channel.  Either way the
 * client hears of a fault of ours, not of its request.
 */
static void
api_bad_answer(struct api_req *r)
{
	api_error(r, 500, "internal error");
}

int
api_head(struct api_req *r, struct ipc_msg *m, const char *unavailable,
    struct ipc_head *h)
{
	int		 rc;

	if (api_arrived(r, m, unavailable) == -1)
		return -1;
	if ((rc = ipc_get_head(m, h)) == 1)
		return 0;
	if (rc == -1)
		api_bad_answer(r);
	else if (h->retry != 0)
		api_error_retry(r, h->status, h->retry, h->message);
	else
		api_error(r, h->status, h->message);
	return -1;
}

int
api_end(struct api_req *r, struct ipc_msg *m)
{
	if (ipc_end(m) == 0)
		return 0;
	api_bad_answer(r);
	return -1;
}

int
api_op_res(struct api_req *r, struct ipc_msg *m, struct ipc_head *h)
{
	if (api_head(r, m, "storage unavailable", h) == -1)
		return -1;
	return api_end(r, m);
}

/* ---- query numbers and list answers ---------------------------------- */

int
api_query_number(struct api_req *r, const char *name, uint32_t def,
    uint32_t min, uint32_t max, uint32_t *out)
{
	const char	*v = api_query_get(r, name);
	char		*end;
	unsigned long	 n;

	*out = def;
	if (v == NULL)
		return 0;
	n = strtoul(v, &end, 10);
	if (*v < '0' || *v > '9' || *end != '\0' || n < min || n > max)
		return -1;
	*out = n;
	return 0;
}

int
api_paging(struct api_req *r, uint32_t def, uint32_t max, uint32_t *limit,
    uint32_t *offset)
{
	if (api_query_number(r, "limit", def, 1, max, limit) == -1 ||
	    api_query_number(r, "offset", 0, 0, 1000000000, offset) == -1)
		return -1;
	return 0;
}

json_t *
api_list_res(struct api_req *r, struct ipc_msg *m, api_row_fn row,
    uint64_t *total)
{
	struct ipc_head	 h;
	uint64_t	 n, i;
	json_t		*list;

	if (api_head(r, m, "storage unavailable", &h) == -1)
		return NULL;
	ipc_get_u64(m, total);
	ipc_get_u64(m, &n);
	if ((list = json_array()) == NULL)
		fatalx("%s: out of memory", __func__);
	for (i = 0; i < n && m->error == NULL && m->refused == NULL; i++)
		json_array_append_new(list, row(r, m));
	if (api_end(r, m) == -1) {
		json_decref(list);
		return NULL;
	}
	return list;
}

/* A page of a list as {"<name>": [...], "total": N}, or the error. */
void
api_list_answer(struct api_req *r, struct ipc_msg *m, api_row_fn row,
    const char *name)
{
	uint64_t	 total;
	json_t		*list;

	if ((list = api_list_res(r, m, row, &total)) != NULL)
		api_json(r, 200, json_pack("{s:o,s:I}", name, list, "total",
		    (json_int_t)total));
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

	h = http_header_get(&r->c->req, "Authorization");
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

	h = http_header_get(&r->c->req, "Authorization");
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

	for (i = 0; i < (int)r->c->req.nheaders; i++) {
		h = &r->c->req.headers[i];
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

	if (r->c->req.method != HTTP_METHOD_POST)
		return 0;
	if ((ct = http_header_get(&r->c->req, "Content-Type")) == NULL)
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

	if (r->c->req.method == HTTP_METHOD_GET ||
	    r->c->req.method == HTTP_METHOD_HEAD ||
	    r->c->req.method == HTTP_METHOD_OPTIONS)
		return 1;
	if (r->c->req.host == NULL || r->c->req.hostlen > 255)
		return 0;
	snprintf(want, sizeof(want), "https://%.*s", (int)r->c->req.hostlen,
	    r->c->req.host);
	origin = http_header_get(&r->c->req, "Origin");
	if (origin != NULL)
		return origin->valuelen == strlen(want) &&
		    strncasecmp(origin->value, want, origin->valuelen) == 0;
	referer = http_header_get(&r->c->req, "Referer");
	if (referer != NULL)
		return referer->valuelen > strlen(want) &&
		    strncasecmp(referer->value, want, strlen(want)) == 0 &&
		    referer->value[strlen(want)] == '/';
	/* a token that was sent is checked, whatever else could pass */
	if ((token = http_header_get(&r->c->req, "X-CSRF-Token")) == NULL)
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
	const struct http_request	*q = &r->c->req;
	struct ipc_msg			 m;
	const char			*colon;
	size_t				 klen;

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
	ipc_msg_init(&m, IPC_AUTH_SIGNED, 0);
	ipc_put_str(&m, api_peer(r));
	ipc_put_strn(&m, auth->value, klen);
	ipc_put_strn(&m, colon + 1, auth->valuelen - klen - 1);
	ipc_put_strn(&m, date->value, date->valuelen);
	ipc_put_str(&m, http_method_name(q->method));
	ipc_put_strn(&m, q->host != NULL ? q->host : "", q->host != NULL ?
	    q->hostlen : 0);
	ipc_put_strn(&m, q->target, q->targetlen);
	ipc_put_bin(&m, r->c->body != NULL ? r->c->body : "", r->c->body_len);
	if (api_request(r, frontd_env->chans[PROC_AUTHD], &m, verified) == -1)
		api_error(r, 503, "authentication unavailable");
	return 0;
}

static void
authenticate(struct api_req *r)
{
	struct ipc_msg	 m;
	char		 token[BEARER_MAX + 1];
	int		 kind;

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
	ipc_msg_init(&m, IPC_AUTH_VERIFY, 0);
	ipc_put_u64(&m, r->dialect);
	ipc_put_str(&m, api_peer(r));
	ipc_put_u64(&m, kind);
	ipc_put_str(&m, token);
	ipc_put_str(&m, "");	/* no client secret */
	explicit_bzero(token, sizeof(token));
	if (api_request(r, frontd_env->chans[PROC_AUTHD], &m, verified) == -1)
		api_error(r, 503, "authentication unavailable");
}

/* 405, with the methods the path has (RFC 9110: Allow is a must). */
static void
not_allowed(struct api_req *r, const struct route *routes, size_t n)
{
	char	 headers[128];
	size_t	 i, len;
	json_t	*j = response_error_body(r->dialect, 405, "method not allowed");

	if (j == NULL)
		fatalx("%s: out of memory", __func__);
	strlcpy(headers, "Allow: ", sizeof(headers));
	for (i = 0; i < n; i++) {
		if (!match(routes[i].pattern, r->c->req.path, r->c->req.pathlen,
		    r))
			continue;
		if (strlen(headers) > strlen("Allow: "))
			strlcat(headers, ", ", sizeof(headers));
		strlcat(headers, http_method_name(routes[i].method),
		    sizeof(headers));
	}
	len = strlcat(headers, "\r\n", sizeof(headers));
	if (len >= sizeof(headers))
		headers[0] = '\0';
	send_json(r, 405, headers, j);
}

void
api_dispatch(struct conn *c, const struct route *routes, size_t n)
{
	struct api_req	*r;
	size_t		 i;
	int		 known = 0;

	if ((r = calloc(1, sizeof(*r))) == NULL)
		fatal("%s", __func__);
	c->api = r;
	r->c = c;
	r->dialect = response_dialect(c->req.path, c->req.pathlen);
	for (i = 0; i < n; i++) {
		if (!match(routes[i].pattern, c->req.path, c->req.pathlen, r))
			continue;
		known = 1;
		if (routes[i].method == c->req.method)
			break;
	}
	if (i == n && known) {
		not_allowed(r, routes, n);
		return;
	}
	if (i == n) {
		api_error(r, 404, "not found");
		return;
	}
	r->route = &routes[i];
	r->dialect = routes[i].dialect;
	if (resolve_peer(r) == -1) {
		api_error(r, 400, "X-Forwarded-For: the last address is "
		    "malformed");
		return;
	}
	if (parse_query(r) == -1) {
		api_error(r, 400, "malformed query string");
		return;
	}
	if (r->route->auth == AUTH_NONE)
		r->route->handler(r);
	else
		authenticate(r);
}

void
api_req_free(struct conn *c)
{
	if (c->api == NULL)
		return;
	if (c->api->state != NULL) {
		explicit_bzero(c->api->state, c->api->statelen);
		free(c->api->state);
	}
	explicit_bzero(c->api, sizeof(*c->api));
	free(c->api);
	c->api = NULL;
}
