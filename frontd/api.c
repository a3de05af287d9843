/*
 * The request pipeline every dialect shares: find the route, read the
 * query and the client's address, have the credential checked, call the
 * handler.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api.h"
#include "log.h"
#include "util.h"

/* ---- the request ---------------------------------------------------- */

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
			if ((hi = hex_value((unsigned char)s[i + 1])) == -1 ||
			    (lo = hex_value((unsigned char)s[i + 2])) == -1)
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

/* One more (zeroed) query slot; the old array, which may hold a token
 * passed in a query, cleared as it goes. */
static void
query_grow(struct api_req *r)
{
	struct api_query	*q;
	size_t			 have = r->nquery * sizeof(*q);

	if ((q = calloc(r->nquery + 1, sizeof(*q))) == NULL)
		fatal("%s", __func__);
	if (r->query != NULL) {
		memcpy(q, r->query, have);
		explicit_bzero(r->query, have);
		free(r->query);
	}
	r->query = q;
}

static int
parse_query(struct api_req *r)
{
	const char	*q = r->c->req->query, *amp, *eq;
	size_t		 left = r->c->req->querylen, part;

	while (q != NULL && left > 0) {
		amp = memchr(q, '&', left);
		part = amp != NULL ? (size_t)(amp - q) : left;
		if (part > 0) {
			struct api_query *qp;

			if (r->nquery == API_QUERY_MAX)
				return -1;
			query_grow(r);
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

/* ---- query numbers -------------------------------------------------- */

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

/*
 * The Host header the client sent, kept with the request in r->state:
 * a host's access command names it (render_host), and the request's own
 * bytes may be gone by the time stored answers.
 */
void
api_keep_host_header(struct api_req *r)
{
	size_t	 i, len = r->c->req->host != NULL ? r->c->req->hostlen : 0;

	/* it goes into a command line a customer pastes into a shell:
	 * only what a host name, an address and a port are made of */
	if (len > FIELD_HOST_MAX)
		len = 0;
	for (i = 0; i < len; i++)
		if (strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
		    "0123456789.-:[]", r->c->req->host[i]) == NULL ||
		    r->c->req->host[i] == '\0')
			len = 0;
	if ((r->state = calloc(1, len + 1)) == NULL)
		fatal("%s", __func__);
	if (len > 0)
		memcpy(r->state, r->c->req->host, len);
	r->statelen = len + 1;
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
		if (!match(routes[i].pattern, r->c->req->path,
		    r->c->req->pathlen, r))
			continue;
		if (strlen(headers) > strlen("Allow: "))
			strlcat(headers, ", ", sizeof(headers));
		strlcat(headers, http_method_name(routes[i].method),
		    sizeof(headers));
	}
	len = strlcat(headers, "\r\n", sizeof(headers));
	if (len >= sizeof(headers))
		headers[0] = '\0';
	api_json_headers(r, 405, headers, j);
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
	r->dialect = response_dialect(c->req->path, c->req->pathlen);
	for (i = 0; i < n; i++) {
		if (!match(routes[i].pattern, c->req->path, c->req->pathlen, r))
			continue;
		known = 1;
		if (routes[i].method == c->req->method)
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
	if (api_peer_resolve(r) == -1) {
		api_error(r, 400, "X-Forwarded-For: the last address is "
		    "malformed");
		return;
	}
	if (parse_query(r) == -1) {
		api_error(r, 400, "malformed query string");
		return;
	}
	if (r->route->auth == AUTH_NONE || (r->route->auth == AUTH_OPTIONAL &&
	    http_header_get(r->c->req, "Authorization") == NULL))
		r->route->handler(r);
	else
		api_authenticate(r);
}

void
api_req_free(struct conn *c)
{
	if (c->api == NULL)
		return;
	if (c->api->cleanup != NULL)
		c->api->cleanup(c->api);
	if (c->api->state != NULL) {
		explicit_bzero(c->api->state, c->api->statelen);
		free(c->api->state);
	}
	if (c->api->query != NULL) {
		explicit_bzero(c->api->query,
		    c->api->nquery * sizeof(*c->api->query));
		free(c->api->query);
	}
	explicit_bzero(c->api, sizeof(*c->api));
	free(c->api);
	c->api = NULL;
}
