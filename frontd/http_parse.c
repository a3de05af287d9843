/*
 * A strict HTTP/1.1 request parser (RFC 9112) for bytes from the network.
 *
 * Strict on purpose: every byte of the head is checked against the
 * grammar as it arrives, and anything a lenient peer (a proxy in front
 * of us, or evhttp) might read differently is refused: bare CR or LF,
 * obs-fold, control bytes, signs or prefixes in numbers, Content-Length
 * next to Transfer-Encoding.  Two parsers that disagree on where a
 * request ends are how requests get smuggled.
 *
 * Nothing here allocates, recurses, logs or does I/O; each call is
 * linear in its input.
 */

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "http_chars.h"
#include "http_parse.h"
#include "util.h"

/* What the scanners return besides -1: they can run out of bytes. */
#define SCAN_MORE	0
#define SCAN_DONE	1

#define CL_MAX_DIGITS	18	/* fits int64_t without overflow checks */







/* RFC 3986 unreserved and sub-delims. */
static int
is_uri_plain(unsigned char c)
{
	if (is_alnum(c))
		return 1;
	switch (c) {
	case '-': case '.': case '_': case '~':
	case '!': case '$': case '&': case '\'': case '(': case ')':
	case '*': case '+': case ',': case ';': case '=':
		return 1;
	}
	return 0;
}

/* A byte of an origin-form target other than '%' (path and query). */
static int
is_target_char(unsigned char c)
{
	return is_uri_plain(c) || c == ':' || c == '@' || c == '/' ||
	    c == '?';
}




static int
is_token(const char *s, size_t len)
{
	size_t i;

	if (len == 0)
		return 0;
	for (i = 0; i < len; i++)
		if (!is_tchar((unsigned char)s[i]))
			return 0;
	return 1;
}

/* At a CR: it must be followed by LF. */
static int
scan_crlf(const char *buf, size_t len, size_t *pos, struct http_error *err)
{
	size_t i = *pos;

	if (i + 1 >= len)
		return SCAN_MORE;
	if (buf[i + 1] != LF)
		return fail(err, 400, "bare CR");
	*pos = i + 2;
	return SCAN_DONE;
}

static int
scan_method(const char *buf, size_t len, size_t *pos, struct http_error *err)
{
	size_t i;

	for (i = 0; i < len && buf[i] != ' '; i++)
		if (!is_tchar((unsigned char)buf[i]))
			return fail(err, 400, "malformed method");
	if (i == len)
		return SCAN_MORE;
	if (i == 0)
		return fail(err, 400, "malformed request line");
	*pos = i;
	return SCAN_DONE;
}

/*
 * Origin-form only: absolute-form and authority-form are for proxies,
 * and '*' has no use here.  The length limit is checked before the
 * target is complete so that a long one is refused early with 414.
 */
static int
scan_target(const char *buf, size_t len, size_t *pos,
    struct http_request *req, struct http_error *err)
{
	size_t start = *pos, i = *pos;
	unsigned char c;

	if (i < len && buf[i] != '/')
		return fail(err, 400, "request-target not in origin-form");
	/* what was read so far, for an error in the path's dialect */
	req->path = buf + start;
	for (; i < len && buf[i] != ' '; i++) {
		req->pathlen = i - start;
		if (i - start >= HTTP_MAX_TARGET)
			return fail(err, 414, "request-target too long");
		c = (unsigned char)buf[i];
		if (c == '%') {
			if (i + 2 >= len)
				return SCAN_MORE;
			if (hex_value(buf[i + 1]) == -1 ||
			    hex_value(buf[i + 2]) == -1)
				return fail(err, 400,
				    "malformed percent-encoding");
			i += 2;
			continue;
		}
		if (!is_target_char(c))
			return fail(err, 400, "invalid byte in request-target");
		if (c == '?' && req->query == NULL)
			req->query = buf + i + 1;
	}
	if (i - start > HTTP_MAX_TARGET)
		return fail(err, 414, "request-target too long");
	if (i == len)
		return SCAN_MORE;
	req->target = buf + start;
	req->targetlen = i - start;
	req->path = req->target;
	req->pathlen = req->targetlen;
	if (req->query != NULL) {
		req->pathlen = (size_t)(req->query - 1 - req->target);
		req->querylen = req->targetlen - req->pathlen - 1;
	}
	*pos = i;
	return SCAN_DONE;
}

/*
 * "HTTP/" DIGIT "." DIGIT CRLF, checked byte by byte as it arrives.
 * Well-formed versions other than 1.0 and 1.1 get 505, anything else 400.
 */
static int
scan_version(const char *buf, size_t len, size_t *pos,
    struct http_request *req, struct http_error *err)
{
	static const char pattern[] = "HTTP/9.9";
	size_t i, k;
	unsigned char c;
	int r;

	for (k = 0, i = *pos; k < sizeof(pattern) - 1 && i < len; k++, i++) {
		c = (unsigned char)buf[i];
		if (pattern[k] == '9' ? !is_digit(c) : c != pattern[k])
			return fail(err, 400, "malformed HTTP version");
	}
	if (k < sizeof(pattern) - 1 || i == len)
		return SCAN_MORE;
	if (buf[i] != CR)
		return fail(err, 400, buf[i] == LF ? "bare LF" :
		    "malformed HTTP version");
	if ((r = scan_crlf(buf, len, &i, err)) != SCAN_DONE)
		return r;
	if (buf[*pos + 5] != '1' || buf[*pos + 7] > '1')
		return fail(err, 505, "HTTP version not supported");
	req->version_minor = buf[*pos + 7] - '0';
	*pos = i;
	return SCAN_DONE;
}

static enum http_method
method_lookup(const char *s, size_t len)
{
	enum http_method m;
	const char *name;

	for (m = HTTP_METHOD_GET; m <= HTTP_METHOD_OPTIONS; m++) {
		name = http_method_name(m);
		/* Case matters: methods are case-sensitive. */
		if (strlen(name) == len && memcmp(name, s, len) == 0)
			return m;
	}
	return 0;
}

/*
 * The method is looked up only once the line is complete, so that a
 * request in a protocol we do not speak gets 505 rather than 501.
 */
static int
scan_request_line(const char *buf, size_t len, size_t *pos,
    struct http_request *req, struct http_error *err)
{
	size_t mlen, i = 0;
	int r;

	if ((r = scan_method(buf, len, &i, err)) != SCAN_DONE)
		return r;
	mlen = i++;
	if ((r = scan_target(buf, len, &i, req, err)) != SCAN_DONE)
		return r;
	i++;
	if ((r = scan_version(buf, len, &i, req, err)) != SCAN_DONE)
		return r;
	if ((req->method = method_lookup(buf, mlen)) == 0)
		return fail(err, 501, "method not implemented");
	*pos = i;
	return SCAN_DONE;
}

/*
 * field-name ":" OWS field-value OWS CRLF.  A line that starts with
 * whitespace is obs-fold, and whitespace before the colon is what
 * smuggling attempts use to hide a field from one parser but not another.
 */
static int
scan_field_line(const char *buf, size_t len, size_t *pos,
    struct http_header *h, struct http_error *err)
{
	size_t start = *pos, i = *pos, vstart, vend;
	unsigned char c;
	int r;

	for (; i < len && buf[i] != ':'; i++) {
		c = (unsigned char)buf[i];
		if (is_tchar(c))
			continue;
		if (is_ows(c))
			return fail(err, 400, i == start ?
			    "obsolete line folding" :
			    "whitespace before colon");
		return fail(err, 400, c == LF ? "bare LF" :
		    "malformed field name");
	}
	if (i == len)
		return SCAN_MORE;
	if (i == start)
		return fail(err, 400, "empty field name");
	h->name = buf + start;
	h->namelen = i - start;
	for (i++; i < len && is_ows(buf[i]); i++)
		;
	for (vstart = vend = i; i < len && buf[i] != CR; i++) {
		c = (unsigned char)buf[i];
		if (!is_field_char(c))
			return fail(err, 400, c == LF ? "bare LF" :
			    "invalid byte in field value");
		if (!is_ows(c))
			vend = i + 1;
	}
	if (i == len)
		return SCAN_MORE;
	if ((r = scan_crlf(buf, len, &i, err)) != SCAN_DONE)
		return r;
	h->value = buf + vstart;
	h->valuelen = vend - vstart;
	*pos = i;
	return SCAN_DONE;
}

/*
 * Splits a comma-separated list (RFC 9110 5.6.1) one element at a time,
 * OWS trimmed; elements may be empty.  Returns 0 when there are no more.
 */
static int
list_next(const char *s, size_t len, size_t *pos, const char **elem,
    size_t *elemlen)
{
	size_t i = *pos, end;

	if (i > len)
		return 0;
	while (i < len && is_ows(s[i]))
		i++;
	*elem = s + i;
	for (end = i; i < len && s[i] != ','; i++)
		if (!is_ows(s[i]))
			end = i + 1;
	*elemlen = end - (size_t)(*elem - s);
	*pos = i + 1;
	return 1;
}

static int
parse_content_length(const struct http_header *h,
    const struct http_limits *lim, struct http_request *req,
    struct http_error *err)
{
	int64_t v = 0;
	size_t i;

	if (h->valuelen == 0 || h->valuelen > CL_MAX_DIGITS)
		return fail(err, 400, "malformed Content-Length");
	for (i = 0; i < h->valuelen; i++) {
		if (!is_digit(h->value[i]))
			return fail(err, 400, "malformed Content-Length");
		v = v * 10 + (h->value[i] - '0');
	}
	if ((uint64_t)v > lim->max_body)
		return fail(err, 413, "request body too large");
	req->content_length = v;
	return 0;
}

/*
 * Only a lone "chunked" is supported.  A list that puts chunked anywhere
 * but last leaves the length of the body unknown (RFC 9112 6.3), a list
 * with other codings asks for something we do not implement.
 */
static int
parse_transfer_encoding(const struct http_header *h,
    struct http_request *req, struct http_error *err)
{
	const char *e;
	size_t elen, pos = 0;
	int chunked = 0, last_chunked = 0;

	if (span_is(h->value, h->valuelen, "chunked")) {
		req->chunked = 1;
		return 0;
	}
	while (list_next(h->value, h->valuelen, &pos, &e, &elen)) {
		if (!is_token(e, elen))
			return fail(err, 400, "malformed Transfer-Encoding");
		last_chunked = span_is(e, elen, "chunked");
		chunked += last_chunked;
	}
	if (chunked > 1 || (chunked == 1 && !last_chunked))
		return fail(err, 400, "chunked must be the final coding");
	return fail(err, 501, "transfer coding not implemented");
}

static int
parse_connection(const struct http_header *h, int *close, int *keep,
    struct http_error *err)
{
	const char *e;
	size_t elen, pos = 0;

	while (list_next(h->value, h->valuelen, &pos, &e, &elen)) {
		if (elen == 0)
			continue;
		if (!is_token(e, elen))
			return fail(err, 400, "malformed Connection");
		if (span_is(e, elen, "close"))
			*close = 1;
		else if (span_is(e, elen, "keep-alive"))
			*keep = 1;
	}
	return 0;
}

/*
 * uri-host [":" port], loosely: the characters a reg-name, an IP literal
 * and a port can hold.  Enough to keep '/', '@', quotes and the like out
 * of anything that routes or logs by Host.
 */
static int
check_host(const struct http_header *h, struct http_error *err)
{
	unsigned char c;
	size_t i;

	if (h->valuelen == 0)
		return fail(err, 400, "empty Host");
	for (i = 0; i < h->valuelen; i++) {
		c = (unsigned char)h->value[i];
		if (!is_uri_plain(c) && c != '%' && c != ':' && c != '[' &&
		    c != ']')
			return fail(err, 400, "malformed Host");
	}
	return 0;
}

/* Message framing: exactly one way to find the end of the body. */
static int
check_framing(struct http_request *req, const struct http_header *cl,
    size_t ncl, const struct http_header *te, size_t nte,
    const struct http_limits *lim, struct http_error *err)
{
	if (nte > 0 && ncl > 0)
		return fail(err, 400,
		    "Content-Length with Transfer-Encoding");
	if (ncl > 1)
		return fail(err, 400, "multiple Content-Length fields");
	if (nte > 1)
		return fail(err, 400, "multiple Transfer-Encoding fields");
	if (nte == 1 && req->version_minor == 0)
		return fail(err, 400, "Transfer-Encoding in HTTP/1.0");
	if (ncl == 1)
		return parse_content_length(cl, lim, req, err);
	if (nte == 1)
		return parse_transfer_encoding(te, req, err);
	return 0;
}

/* The fields this parser interprets itself, once the head is complete. */
static int
check_fields(struct http_request *req, const struct http_limits *lim,
    struct http_error *err)
{
	const struct http_header *h, *cl = NULL, *te = NULL, *host = NULL;
	size_t i, ncl = 0, nte = 0, nhost = 0;
	int close = 0, keep = 0;

	for (i = 0; i < req->nheaders; i++) {
		h = &req->headers[i];
		if (span_is(h->name, h->namelen, "Host")) {
			host = h;
			nhost++;
		} else if (span_is(h->name, h->namelen, "Content-Length")) {
			cl = h;
			ncl++;
		} else if (span_is(h->name, h->namelen,
		    "Transfer-Encoding")) {
			te = h;
			nte++;
		} else if (span_is(h->name, h->namelen, "Connection") &&
		    parse_connection(h, &close, &keep, err) == -1)
			return -1;
	}
	if (check_framing(req, cl, ncl, te, nte, lim, err) == -1)
		return -1;
	if (nhost > 1)
		return fail(err, 400, "multiple Host fields");
	if (nhost == 0 && req->version_minor == 1)
		return fail(err, 400, "missing Host");
	if (host != NULL) {
		if (check_host(host, err) == -1)
			return -1;
		req->host = host->value;
		req->hostlen = host->valuelen;
	}
	req->keep_alive = req->version_minor == 1 ? !close : keep && !close;
	return 1;
}

/* Out of bytes: wait for more unless the head can no longer fit. */
static int
head_incomplete(int r, size_t len, const struct http_limits *lim,
    struct http_error *err)
{
	if (r == SCAN_MORE && len >= lim->max_header_bytes)
		return fail(err, 431, "request header section too large");
	return r;
}

int
http_parse_head(const char *buf, size_t len, const struct http_limits *lim,
    struct http_request *req, struct http_error *err)
{
	size_t window, maxh, pos = 0;
	int r;

	memset(req, 0, sizeof(*req));
	req->content_length = -1;
	err->status = 0;
	err->reason = NULL;
	/* Never look past the limit: what lies beyond cannot be a head. */
	window = len < lim->max_header_bytes ? len : lim->max_header_bytes;
	maxh = lim->max_headers < HTTP_MAX_HEADERS ? lim->max_headers :
	    HTTP_MAX_HEADERS;

	r = scan_request_line(buf, window, &pos, req, err);
	if (r != SCAN_DONE)
		return head_incomplete(r, len, lim, err);
	for (;;) {
		if (pos == window)
			return head_incomplete(SCAN_MORE, len, lim, err);
		if (buf[pos] == CR)
			break;
		if (req->nheaders == maxh)
			return fail(err, 431, "too many header fields");
		r = scan_field_line(buf, window, &pos,
		    &req->headers[req->nheaders], err);
		if (r != SCAN_DONE)
			return head_incomplete(r, len, lim, err);
		req->nheaders++;
	}
	if ((r = scan_crlf(buf, window, &pos, err)) != SCAN_DONE)
		return head_incomplete(r, len, lim, err);
	req->head_len = pos;
	return check_fields(req, lim, err);
}

const struct http_header *
http_header_get(const struct http_request *req, const char *name)
{
	size_t i;

	for (i = 0; i < req->nheaders; i++)
		if (span_is(req->headers[i].name, req->headers[i].namelen,
		    name))
			return &req->headers[i];
	return NULL;
}

const struct http_header *
http_header_prev(const struct http_request *req, const char *name,
    const struct http_header *before)
{
	size_t i = req->nheaders;

	if (before != NULL)
		i = before - req->headers;
	while (i-- > 0)
		if (span_is(req->headers[i].name, req->headers[i].namelen,
		    name))
			return &req->headers[i];
	return NULL;
}

const char *
http_method_name(enum http_method m)
{
	switch (m) {
	case HTTP_METHOD_GET:
		return "GET";
	case HTTP_METHOD_HEAD:
		return "HEAD";
	case HTTP_METHOD_POST:
		return "POST";
	case HTTP_METHOD_PUT:
		return "PUT";
	case HTTP_METHOD_PATCH:
		return "PATCH";
	case HTTP_METHOD_DELETE:
		return "DELETE";
	case HTTP_METHOD_OPTIONS:
		return "OPTIONS";
	}
	return "UNKNOWN";
}

const char *
http_status_text(int status)
{
	switch (status) {
	case 200: return "OK";
	case 201: return "Created";
	case 202: return "Accepted";
	case 204: return "No Content";
	case 301: return "Moved Permanently";
	case 304: return "Not Modified";
	case 400: return "Bad Request";
	case 401: return "Unauthorized";
	case 403: return "Forbidden";
	case 404: return "Not Found";
	case 405: return "Method Not Allowed";
	case 408: return "Request Timeout";
	case 409: return "Conflict";
	case 413: return "Content Too Large";
	case 414: return "URI Too Long";
	case 415: return "Unsupported Media Type";
	case 422: return "Unprocessable Content";
	case 429: return "Too Many Requests";
	case 431: return "Request Header Fields Too Large";
	case 500: return "Internal Server Error";
	case 501: return "Not Implemented";
	case 502: return "Bad Gateway";
	case 503: return "Service Unavailable";
	case 504: return "Gateway Timeout";
	case 505: return "HTTP Version Not Supported";
	}
	return "Unknown";
}

struct http_request *
http_request_dup(const struct http_request *req)
{
	struct http_request	*copy;
	size_t			 len;

	len = offsetof(struct http_request, headers) +
	    req->nheaders * sizeof(req->headers[0]);
	if ((copy = malloc(len)) == NULL)
		return NULL;
	memcpy(copy, req, len);
	return copy;
}
