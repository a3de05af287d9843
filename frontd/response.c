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

void
response_json_headers(struct conn *c, int status, const char *headers,
    const char *body, size_t len)
{
	struct evbuffer	*out = bufferevent_get_output(c->bev);
	int		 head = c->req.method == HTTP_METHOD_HEAD;

	if (!c->req.keep_alive)
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
		    "Content-Type: application/json\r\n"
		    "Content-Length: %zu\r\n"
		    "Cache-Control: no-store\r\n"
		    "X-Content-Type-Options: nosniff\r\n"
		    "%s%s\r\n", status, http_status_text(status),
		    http_date(), len, headers,
		    c->close_after ? "Connection: close\r\n" : "");
	if (!head && len > 0 && status != 204 && status != 304)
		evbuffer_add(out, body, len);
	c->state = CONN_WRITING;
}

void
response_json(struct conn *c, int status, const char *body, size_t len)
{
	response_json_headers(c, status, "", body, len);
}

/* {"error":"..."}: the control plane's shape, used before any dialect. */
void
response_error(struct conn *c, int status, const char *message)
{
	json_t	*o;
	char	*s;

	o = json_pack("{s:s}", "error", message);
	s = o != NULL ? json_dumps(o, JSON_COMPACT) : NULL;
	if (s == NULL)
		fatalx("%s: out of memory", __func__);
	response_json(c, status, s, strlen(s));
	free(s);
	json_decref(o);
}
