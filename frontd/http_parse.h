/*
 * A strict HTTP/1.1 request parser (RFC 9112) for bytes from the network.
 * It never allocates: it parses in place and points into the caller's
 * buffer, so the buffer must outlive the struct http_request.
 */
#ifndef MOAT_HTTP_PARSE_H
#define MOAT_HTTP_PARSE_H

#include <stddef.h>
#include <stdint.h>

#define HTTP_MAX_HEADERS	128	/* hard cap; the config may go lower */
#define HTTP_MAX_TARGET		4096
#define HTTP_CHUNK_LINE_MAX	256	/* chunk-size line with extensions */
#define HTTP_MAX_TRAILER	4096	/* whole trailer section */

enum http_method {
	HTTP_METHOD_GET = 1,
	HTTP_METHOD_HEAD,
	HTTP_METHOD_POST,
	HTTP_METHOD_PUT,
	HTTP_METHOD_PATCH,
	HTTP_METHOD_DELETE,
	HTTP_METHOD_OPTIONS,
};

struct http_limits {
	size_t		 max_header_bytes;	/* whole head incl. CRLFCRLF */
	size_t		 max_headers;		/* <= HTTP_MAX_HEADERS */
	size_t		 max_body;
};

struct http_header {
	const char	*name;		/* not NUL-terminated */
	size_t		 namelen;
	const char	*value;		/* OWS trimmed, not NUL-terminated */
	size_t		 valuelen;
};

struct http_request {
	enum http_method method;
	const char	*target;	/* request-target, origin-form only */
	size_t		 targetlen;
	const char	*path;		/* target up to '?' */
	size_t		 pathlen;
	const char	*query;		/* after '?', or NULL */
	size_t		 querylen;
	int		 version_minor;	/* HTTP/1.0 or HTTP/1.1 */
	size_t		 nheaders;
	int		 keep_alive;	/* after this request */
	int		 chunked;	/* Transfer-Encoding: chunked */
	int64_t		 content_length;	/* -1 when absent */
	const char	*host;		/* Host value or NULL */
	size_t		 hostlen;
	size_t		 head_len;	/* bytes of the head incl. CRLFCRLF */
	/* last, so that http_request_dup() can keep only those in use */
	struct http_header headers[HTTP_MAX_HEADERS];
};

struct http_error {
	int		 status;	/* 400, 413, 414, 431, 501, 505 */
	const char	*reason;	/* constant, safe to log and send */
};

/*
 * Parses the request head at the start of buf.  Returns 1 when a complete
 * head was parsed (req->head_len tells how many bytes it took), 0 when
 * more bytes are needed (and none of the limits was passed yet), -1 on a
 * malformed or over-limit request with err filled in.
 */
int	 http_parse_head(const char *buf, size_t len,
	    const struct http_limits *lim, struct http_request *req,
	    struct http_error *err);

/*
 * A copy of a parsed request in the memory its nheaders fields take,
 * not the HTTP_MAX_HEADERS of the type (4 KiB): what a connection keeps
 * while its request is served, and a long poll may wait 30 seconds with
 * thousands of others.  Only headers[0..nheaders) may be used, and it
 * is never copied by assignment.  NULL when out of memory; free() it.
 */
struct http_request *http_request_dup(const struct http_request *);

/*
 * Case-insensitive header lookup.  The parser keeps every line of a
 * repeated field, in order: http_header_get() returns the first match,
 * http_header_prev() the last one before `before` (NULL: the last of
 * all), so that a field can be read from its end, or NULL.
 */
const struct http_header *http_header_get(const struct http_request *,
	    const char *name);
const struct http_header *http_header_prev(const struct http_request *,
	    const char *name, const struct http_header *before);

/*
 * Incremental decoder of a chunked body.  Feed it bytes; it appends the
 * decoded data to out (at most outcap bytes in total, which is the body
 * limit: exceeding it is an error with status 413).  Pass the same out
 * and outcap on every call; out_len is the decoded length so far.
 * Chunk extensions are checked and ignored, trailer fields are checked
 * and discarded.
 */
struct http_chunked {
	int		 state;
	uint64_t	 chunk_left;
	size_t		 out_len;
	size_t		 trailer_bytes;
	size_t		 line_len;
};

void	 http_chunked_init(struct http_chunked *);
/*
 * Consumes bytes from in; *consumed says how many.  Returns 1 when the
 * last chunk and the trailer section are complete (*consumed stops right
 * after the final CRLF, so what follows is the next request), 0 when more
 * input is needed (all of in was consumed), -1 on error with err filled
 * in.  After 1 it keeps returning 1 and consumes nothing; after -1 it
 * keeps failing.
 */
int	 http_chunked_feed(struct http_chunked *, const char *in, size_t inlen,
	    size_t *consumed, char *out, size_t outcap,
	    struct http_error *err);

const char	*http_method_name(enum http_method);
const char	*http_status_text(int status);

#endif
