/*
 * Writing answers: the status line, a fixed set of headers, and a JSON
 * body.  Every answer carries its length; none is cached by a client.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <event2/buffer.h>
#include <jansson.h>

#include "conn.h"
#include "frontd.h"
#include "log.h"
#include "util.h"

/* The Date header changes once a second; format it once a second. */
static const char *
http_date(void)
{
	static char	 buf[64];
	static time_t	 last;
	time_t		 now = time(NULL);
	struct tm	 tm;

	if (now != last) {
		gmtime_r(&now, &tm);
		strftime(buf, sizeof(buf), "%a, %d %b %Y %H:%M:%S GMT", &tm);
		last = now;
	}
	return buf;
}

/* An answer of any content type (a CA's bundle is PEM). */
void
response_typed(struct conn *c, int status, const char *type,
    const char *headers, const char *body, size_t len)
{
	struct evbuffer	*out = bufferevent_get_output(c->bev);
	int		 head = c->req->method == HTTP_METHOD_HEAD;

	if (!c->req->keep_alive)
		c->close_after = 1;
	/* 204 and 304 carry neither a body nor its length */
	if (status == 204 || status == 304)
		evbuffer_add_printf(out, "HTTP/1.1 %d %s\r\n"
		    "Date: %s\r\n"
		    "Cache-Control: no-store\r\n"
		    "%s%s\r\n", status, http_status_text(status),
		    http_date(), headers,
		    c->close_after ? "Connection: close\r\n" : "");
	else
		evbuffer_add_printf(out, "HTTP/1.1 %d %s\r\n"
		    "Date: %s\r\n"
		    "Content-Type: %s\r\n"
		    "Content-Length: %zu\r\n"
		    "Cache-Control: no-store\r\n"
		    "X-Content-Type-Options: nosniff\r\n"
		    "%s%s\r\n", status, http_status_text(status),
		    http_date(), type, len, headers,
		    c->close_after ? "Connection: close\r\n" : "");
	if (!head && len > 0 && status != 204 && status != 304)
		evbuffer_add(out, body, len);
	c->state = CONN_WRITING;
}

void
response_json_headers(struct conn *c, int status, const char *headers,
    const char *body, size_t len)
{
	response_typed(c, status, "application/json", headers, body, len);
}

void
response_text(struct conn *c, int status, const char *headers,
    const char *body, size_t len)
{
	response_typed(c, status, "text/plain", headers, body, len);
}

void
response_json(struct conn *c, int status, const char *body, size_t len)
{
	response_json_headers(c, status, "", body, len);
}

/* Which dialect a path speaks, by its first segments. */
enum dialect
response_dialect(const char *path, size_t len)
{
	if (len >= 6 && strncmp(path, "/apiv1", 6) == 0)
		return DIALECT_APIV1;
	if (len >= 5 && strncmp(path, "/auth", 5) == 0)
		return DIALECT_APIV1;
	if (len >= 7 && strncmp(path, "/v2/cce", 7) == 0)
		return DIALECT_CCE;
	if (len >= 11 && strncmp(path, "/v2/account", 11) == 0)
		return DIALECT_ACCOUNT;
	return DIALECT_V1;
}

/*
 * certctrl-apiv1.txt's codes: 4001 not found, 4003 forbidden, 4009
 * conflict, 5000 internal, 5001 database, 5002 an external service (a
 * CA, DNS); 401 as it is.  stored, the one owner of the database, says
 * "database error" of each 500 of its own.
 */
static int
apiv1_code(int status, const char *message)
{
	if (status == 500 && strcmp(message, "database error") == 0)
		return 5001;
	switch (status) {
	case 401: return 401;
	case 403: return 4003;
	case 404: return 4001;
	case 409: return 4009;
	case 429: return 4029;
	case 500: return 5000;
	case 502: return 5002;
	case 503: return 5000;
	default: return status < 500 ? 4000 : 5000;
	}
}

json_t *
response_error_body(enum dialect d, int status, const char *message)
{
	char	 text[512];

	/* jansson takes UTF-8 only: whatever else a message holds (a name
	 * cut short somewhere) is shown as '?', never a failed answer */
	strlcpy(text, message, sizeof(text));
	utf8_repair(text);
	message = text;
	switch (d) {
	case DIALECT_APIV1:
		return json_pack("{s:{s:i,s:s}}", "error", "code",
		    apiv1_code(status, message), "what", message);
	case DIALECT_CCE:
		return json_pack("{s:i,s:s,s:{s:[{s:i,s:s}]}}", "status",
		    status, "message", message, "data", "errors", "code",
		    status, "message", message);
	case DIALECT_ACCOUNT:
		return json_pack("{s:b,s:s}", "success", 0, "error", message);
	default:
		return json_pack("{s:s}", "error", message);
	}
}

/*
 * An error before any route was found (a malformed request): in the
 * shape of the dialect its path speaks, as far as the path was read.
 */
void
response_error(struct conn *c, int status, const char *message)
{
	json_t	*o;
	char	*s;

	if (c->acme) {
		char	 line[160];
		int	 n;

		n = snprintf(line, sizeof(line), "%d %s\n", status,
		    message);
		if (n < 0 || (size_t)n >= sizeof(line))
			n = snprintf(line, sizeof(line), "%d\n", status);
		response_text(c, status, status == 405 ?
		    "Allow: GET, HEAD\r\n" : "", line, n);
		return;
	}
	o = response_error_body(c->req->path != NULL ? response_dialect(
	    c->req->path, c->req->pathlen) : DIALECT_V1, status, message);
	s = o != NULL ? json_dumps(o, JSON_COMPACT) : NULL;
	if (s == NULL)
		fatalx("%s: out of memory", __func__);
	response_json(c, status, s, strlen(s));
	free(s);
	json_decref(o);
}
