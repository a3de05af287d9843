/*
 * The acme listener (listen acme on ... in moatd.conf): plain HTTP on
 * which a CA fetches http-01 challenges (RFC 8555, section 8.3).  It
 * answers GET and HEAD of /.well-known/acme-challenge/TOKEN with the
 * key authorization stored holds for that token, redirects every other
 * path to the same path on HTTPS, and refuses every other method.  Its
 * requests go through the same parser and limits as the HTTPS side
 * (server.c), one request a connection, none with a body.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "body_challenge.h"
#include "body_core.h"
#include "conn.h"
#include "frontd.h"
#include "log.h"

#define CHALLENGE_PREFIX	"/.well-known/acme-challenge/"
#define HOST_MAX		253	/* a DNS name's text */

static int
is_get(const struct conn *c)
{
	return c->req->method == HTTP_METHOD_GET ||
	    c->req->method == HTTP_METHOD_HEAD;
}

int
acme_head_refused(struct conn *c, int *status, const char **why)
{
	if (!is_get(c)) {
		*status = 405;
		*why = "only GET and HEAD";
		return -1;
	}
	if (c->req->chunked || c->req->content_length > 0) {
		*status = 400;
		*why = "a body on a GET";
		return -1;
	}
	return 0;
}

static void
answer(struct conn *c, int status, const char *headers, const char *text)
{
	char	 line[ACME_KEYAUTHZ_MAX + 2];
	int	 n;

	n = snprintf(line, sizeof(line), "%s\n", text);
	if (n < 0 || (size_t)n >= sizeof(line))
		fatalx("%s: answer too long", __func__);
	response_text(c, status, headers, line, n);
}

static void
challenge_answered(struct ipc_chan *chan, struct ipc_msg *m, void *arg)
{
	struct conn			*c = arg;
	struct ipc_acme_challenge_res	 res;
	char				 token[ACME_TOKEN_MAX + 1];
	size_t				 plen = strlen(CHALLENGE_PREFIX);

	(void)chan;
	conn_ipc_done(c);
	if (m == NULL) {
		answer(c, 503, "Retry-After: 5\r\n", "storage unavailable");
		return;
	}
	if (ipc_msg_get(m, &res) == -1) {
		answer(c, 500, "", "internal error");
		return;
	}
	if (res.head.status == 404) {
		answer(c, 404, "", "no such challenge");
		return;
	}
	/* the path, still in the connection's head, names the token: an
	 * answer that is not that token's is a fault of ours, never sent */
	memcpy(token, c->req->path + plen, c->req->pathlen - plen);
	token[c->req->pathlen - plen] = '\0';
	if (!ipc_status_ok(res.head.status) ||
	    !acme_keyauthz_ok(token, res.key_authz)) {
		answer(c, 500, "", "internal error");
		return;
	}
	/* exactly the key authorization, as RFC 8555 section 8.3 says */
	response_text(c, 200, "", res.key_authz, strlen(res.key_authz));
}

static void
challenge(struct conn *c, const char *token, size_t len)
{
	struct frontd			*f = frontd_env;
	struct ipc_chan			*chan = f->chans[PROC_STORED];
	struct ipc_acme_challenge_get	 b;
	struct ipc_msg			 m;

	if (!acme_token_ok(token, len)) {
		answer(c, 400, "", "malformed token");
		return;
	}
	memset(&b, 0, sizeof(b));
	memcpy(b.token, token, len);	/* acme_token_ok: it fits */
	ipc_msg_init(&m, IPC_ACME_CHALLENGE_GET, 0);
	ipc_msg_put(&m, &b);
	if (ipc_request(chan, &m, f->ipc_timeout_ms, challenge_answered,
	    c) == -1) {
		answer(c, 503, "Retry-After: 5\r\n", "storage unavailable");
		return;
	}
	conn_ipc_started(c, chan, chan->next_reqid);
}

/*
 * The Host header's host, without its port: a DNS name (letters,
 * digits, '-', '.') or a bracketed IPv6 literal.  Whatever else would
 * make the redirect go somewhere it should not, or break its header.
 */
static int
redirect_host(const struct conn *c, char *host, size_t hostlen)
{
	const char	*h = c->req->host, *end;
	size_t		 len = c->req->hostlen, i;

	if (h == NULL || len == 0)
		return -1;
	if (h[0] == '[') {
		if ((end = memchr(h, ']', len)) == NULL)
			return -1;
		len = end - h + 1;
		for (i = 1; i + 1 < len; i++)
			if (strchr("0123456789abcdefABCDEF:.", h[i]) == NULL)
				return -1;
		if (len < 4)
			return -1;
	} else {
		if ((end = memchr(h, ':', len)) != NULL)
			len = end - h;
		for (i = 0; i < len; i++)
			if (strchr("abcdefghijklmnopqrstuvwxyz"
			    "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-.", h[i]) ==
			    NULL)
				return -1;
		if (len == 0 || len > HOST_MAX || h[0] == '.' || h[0] == '-')
			return -1;
	}
	if (len >= hostlen)
		return -1;
	memcpy(host, h, len);
	host[len] = '\0';
	return 0;
}

static void
redirect(struct conn *c)
{
	uint16_t	 port = frontd_env->https_port;
	char		 host[HOST_MAX + 1], portstr[8] = "";
	char		*headers;

	if (redirect_host(c, host, sizeof(host)) == -1) {
		answer(c, 400, "", "missing or malformed Host");
		return;
	}
	if (port != 443 && port != 0)
		snprintf(portstr, sizeof(portstr), ":%u", port);
	/* the target passed the parser: origin-form, no CR, LF or space */
	if (asprintf(&headers, "Location: https://%s%s%.*s\r\n", host,
	    portstr, (int)c->req->targetlen, c->req->target) == -1)
		fatal("%s", __func__);
	answer(c, 301, headers, "moved to https");
	free(headers);
}

void
acme_serve(struct conn *c)
{
	const char	*path = c->req->path;
	size_t		 len = c->req->pathlen, plen = strlen(CHALLENGE_PREFIX);

	c->req->keep_alive = 0;
	if (!is_get(c)) {
		answer(c, 405, "Allow: GET, HEAD\r\n", "only GET and HEAD");
		return;
	}
	if (len >= plen && memcmp(path, CHALLENGE_PREFIX, plen) == 0) {
		challenge(c, path + plen, len - plen);
		return;
	}
	redirect(c);
}
