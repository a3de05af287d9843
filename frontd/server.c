/*
 * Connections: accept, TLS through bufferevent_openssl, reading a request
 * under the configured limits and deadlines, handing it to the routes,
 * keep-alive and pipelining in order.
 */
#include <sys/types.h>
#include <sys/socket.h>

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <arpa/inet.h>

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include <event2/buffer.h>
#include <event2/bufferevent_ssl.h>
#include <openssl/err.h>

#include "conn.h"
#include "frontd.h"
#include "log.h"

static void	 conn_read(struct bufferevent *, void *);
static void	 conn_write(struct bufferevent *, void *);
static void	 conn_event(struct bufferevent *, short, void *);
static void	 conn_process(struct conn *);

#define HANDSHAKE_SECONDS	5

static int	 accept_paused;
static uint64_t	 next_conn_id;
static struct server_hooks hooks;

static void
conn_set_timer(struct conn *c, uint32_t seconds)
{
	struct timeval	 tv = { seconds, 0 };

	evtimer_add(c->timer, &tv);
}

/* A request's head and body carry credentials and secrets: cleared
 * once it is answered, and the head freed, as an idle connection needs
 * none. */
static void
conn_clear_request(struct conn *c)
{
	if (c->head != NULL) {
		explicit_bzero(c->head, c->head_len);
		free(c->head);
		c->head = NULL;
		c->head_len = 0;
	}
	free(c->req);		/* pointers into the head, and lengths */
	c->req = NULL;
	if (c->body != NULL)
		explicit_bzero(c->body, c->body_len);
}

static void
conn_free(struct conn *c)
{
	struct frontd	*f = frontd_env;

	if (c->ipc_chan != NULL && c->ipc_reqid != 0)
		ipc_cancel(c->ipc_chan, c->ipc_reqid);
	hooks.release(c);
	if (c->bev != NULL)
		bufferevent_free(c->bev);
	if (c->timer != NULL)
		event_free(c->timer);
	conn_clear_request(c);
	free(c->body);
	peers_release((struct sockaddr *)&c->peer_addr);
	free(c);
	f->connections--;
	if (accept_paused && f->connections < f->http.max_connections)
		server_resume_accept();
}

static void
conn_timeout(evutil_socket_t fd, short ev, void *arg)
{
	struct conn	*c = arg;

	(void)fd;
	(void)ev;
	log_debug("conn %llu from %s: %s timeout", (unsigned long long)c->id,
	    c->peer, c->state == CONN_HEAD && !c->head_started ? "idle" :
	    "request");
	conn_free(c);
}

static void
peer_text(const struct sockaddr *sa, char *dst, size_t len)
{
	const void	*addr;

	if (sa->sa_family == AF_INET)
		addr = &((const struct sockaddr_in *)sa)->sin_addr;
	else if (sa->sa_family == AF_INET6)
		addr = &((const struct sockaddr_in6 *)sa)->sin6_addr;
	else {
		strlcpy(dst, "unknown", len);
		return;
	}
	if (inet_ntop(sa->sa_family, addr, dst, len) == NULL)
		strlcpy(dst, "unknown", len);
}

static void
conn_accept(struct evconnlistener *evl, evutil_socket_t fd,
    struct sockaddr *sa, int salen, void *arg)
{
	struct frontd		*f = frontd_env;
	struct frontd_listener	*l = arg;
	struct conn		*c;
	SSL			*ssl = NULL;
	int			 on = 1;
	size_t			 high;

	(void)evl;
	if (f->connections >= f->http.max_connections) {
		close(fd);
		server_pause_accept();
		return;
	}
	if ((size_t)salen > sizeof(struct sockaddr_storage) ||
	    peers_acquire(sa, f->http.max_per_address) == -1) {
		close(fd);	/* one client may not take every slot */
		return;
	}
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &on, sizeof(on));
	if ((c = calloc(1, sizeof(*c))) == NULL ||
	    (!l->acme && (ssl = SSL_new(f->ssl_ctx)) == NULL)) {
		log_warnx("conn: out of memory");
		peers_release(sa);
		free(c);
		close(fd);
		return;
	}
	memcpy(&c->peer_addr, sa, salen);
	f->connections++;
	c->id = ++next_conn_id;
	c->lim = f->http;
	peer_text(sa, c->peer, sizeof(c->peer));
	c->acme = l->acme;
	if (c->acme)
		c->bev = bufferevent_socket_new(f->base, fd,
		    BEV_OPT_CLOSE_ON_FREE);
	else
		c->bev = bufferevent_openssl_socket_new(f->base, fd, ssl,
		    BUFFEREVENT_SSL_ACCEPTING, BEV_OPT_CLOSE_ON_FREE);
	c->timer = evtimer_new(f->base, conn_timeout, c);
	if (c->bev == NULL || c->timer == NULL) {
		if (c->bev == NULL) {
			SSL_free(ssl);
			close(fd);
		}
		conn_free(c);
		return;
	}
	if (!c->acme)
		bufferevent_openssl_set_allow_dirty_shutdown(c->bev, 1);
	bufferevent_setcb(c->bev, conn_read, conn_write, conn_event, c);
	/* Reading stops once a whole request could be buffered. */
	high = c->lim.max_header_bytes + c->lim.max_body + 4096;
	bufferevent_setwatermark(c->bev, EV_READ, 0, high);
	bufferevent_enable(c->bev, EV_READ | EV_WRITE);
	c->state = CONN_HEAD;
	/* a handshake gets less time than a request head */
	if (c->acme)
		conn_set_timer(c, c->lim.header_timeout);
	else
		conn_set_timer(c, c->lim.header_timeout < HANDSHAKE_SECONDS ?
		    c->lim.header_timeout : HANDSHAKE_SECONDS);
}

/* A malformed request: answer 4xx/5xx and close, reading nothing more. */
static void
conn_reject(struct conn *c, int status, const char *reason)
{
	char	 safe[128];

	log_debug("conn %llu from %s: %d %s", (unsigned long long)c->id,
	    c->peer, status, log_sanitize(safe, sizeof(safe), reason,
	    strlen(reason)));
	c->close_after = 1;
	c->linger = 1;
	c->req->keep_alive = 0;
	if (c->req->method == 0)
		c->req->method = HTTP_METHOD_GET;
	response_error(c, status, reason);
}

static const char *
header_value(const struct conn *c, const char *name, size_t *len)
{
	const struct http_header	*h = http_header_get(c->req, name);

	if (h == NULL)
		return NULL;
	*len = h->valuelen;
	return h->value;
}

/* curl and others wait for 100 Continue before sending a large body. */
static int
conn_expect(struct conn *c)
{
	const char	*v;
	size_t		 len;

	if ((v = header_value(c, "Expect", &len)) == NULL)
		return 0;
	if (len != 12 || strncasecmp(v, "100-continue", 12) != 0) {
		conn_reject(c, 417, "unsupported expectation");
		return -1;
	}
	evbuffer_add_printf(bufferevent_get_output(c->bev),
	    "HTTP/1.1 100 Continue\r\n\r\n");
	return 0;
}

/* The request being served, owned by the connection: a copy of all of
 * it (len), or of its fields alone (0). */
static void
conn_keep_request(struct conn *c, const struct http_request *req,
    size_t len)
{
	free(c->req);
	if (len != 0) {
		if ((c->req = malloc(len)) != NULL)
			memcpy(c->req, req, len);
	} else
		c->req = http_request_dup(req);
	if (c->req == NULL)
		fatal("%s", __func__);
}

static int
conn_read_head(struct conn *c, struct evbuffer *in)
{
	static struct http_request	 scratch;
	struct http_limits	 lim;
	struct http_error	 err;
	size_t			 len = evbuffer_get_length(in), n;
	const char		*p;
	int			 rc;

	if (len == 0)
		return 0;
	if (!c->head_started) {
		c->head_started = 1;
		conn_set_timer(c, c->lim.header_timeout);
	}
	lim.max_header_bytes = c->lim.max_header_bytes;
	lim.max_headers = c->lim.max_headers;
	lim.max_body = c->lim.max_body;
	n = len < lim.max_header_bytes + 1 ? len : lim.max_header_bytes + 1;
	if ((p = (const char *)evbuffer_pullup(in, n)) == NULL)
		fatalx("evbuffer_pullup");
	rc = http_parse_head(p, n, &lim, &scratch, &err);
	if (rc == 0)
		return 0;
	if (rc == -1) {
		/* what the parser saw, for the answer's dialect and method */
		conn_keep_request(c, &scratch, sizeof(scratch));
		conn_reject(c, err.status, err.reason);
		return -1;
	}
	/* Keep the head where the parsed pointers stay valid, in its own
	 * size rather than the limit's, and the parsed request in the
	 * size of its fields: a long poll keeps both while it waits, and
	 * thousands may wait. */
	n = scratch.head_len;
	if ((c->head = malloc(n)) == NULL)
		fatal("%s", __func__);
	c->head_len = n;
	memcpy(c->head, p, n);
	evbuffer_drain(in, n);
	if (http_parse_head(c->head, n, &lim, &scratch, &err) != 1)
		fatalx("request head parsed differently twice");
	conn_keep_request(c, &scratch, 0);
	c->body_len = 0;
	if (c->acme) {
		int		 status;
		const char	*why;

		/* one request a connection, and none with a body */
		c->req->keep_alive = 0;
		if (hooks.acme_refuses(c, &status, &why) == -1) {
			conn_reject(c, status, why);
			return -1;
		}
	}
	if (c->req->chunked || c->req->content_length > 0) {
		if (conn_expect(c) == -1)
			return -1;
		http_chunked_init(&c->chunked);
		c->state = CONN_BODY;
		conn_set_timer(c, c->lim.request_timeout);
	} else
		c->state = CONN_HANDLING;
	return 1;
}

static void
body_alloc(struct conn *c)
{
	if (c->body != NULL)
		return;
	c->body_cap = c->req->chunked ? c->lim.max_body :
	    (size_t)c->req->content_length;
	if ((c->body = malloc(c->body_cap + 1)) == NULL)
		fatal("%s", __func__);
}

static int
conn_read_body(struct conn *c, struct evbuffer *in)
{
	struct http_error	 err;
	struct evbuffer_iovec	 v;
	size_t			 used;
	int			 rc;

	body_alloc(c);
	if (!c->req->chunked) {
		size_t	 want = (size_t)c->req->content_length;

		if (evbuffer_get_length(in) < want)
			return 0;
		evbuffer_remove(in, c->body, want);
		c->body_len = want;
		c->body[want] = '\0';
		c->state = CONN_HANDLING;
		return 1;
	}
	while (evbuffer_peek(in, -1, NULL, &v, 1) >= 1 && v.iov_len > 0) {
		rc = http_chunked_feed(&c->chunked, v.iov_base, v.iov_len,
		    &used, c->body, c->body_cap, &err);
		evbuffer_drain(in, used);
		if (rc == -1) {
			conn_reject(c, err.status, err.reason);
			return -1;
		}
		if (rc == 1) {
			c->body_len = c->chunked.out_len;
			c->body[c->body_len] = '\0';
			c->state = CONN_HANDLING;
			return 1;
		}
	}
	return 0;
}

/*
 * Reads as far as the buffered bytes allow.  One request is handled at a
 * time; the next waits in the buffer until this one is answered.
 */
static void
conn_process(struct conn *c)
{
	struct evbuffer	*in = bufferevent_get_input(c->bev);

	/* While a request is handled or answered, what the client sends
	 * next waits in the buffer, bounded by the read watermark. */
	if (c->state != CONN_HEAD && c->state != CONN_BODY)
		return;
	if (c->state == CONN_HEAD && conn_read_head(c, in) <= 0)
		return;
	if (c->state == CONN_BODY && conn_read_body(c, in) <= 0)
		return;
	/* dispatched once, on the way into CONN_HANDLING */
	conn_set_timer(c, c->lim.request_timeout);
	frontd_env->requests++;
	if (c->acme)
		hooks.acme(c);
	else
		hooks.serve(c);
}

static void
conn_read(struct bufferevent *bev, void *arg)
{
	struct conn	*c = arg;
	struct evbuffer	*in = bufferevent_get_input(bev);

	/* after an answer to a bad request, input is only discarded */
	if (c->linger) {
		evbuffer_drain(in, evbuffer_get_length(in));
		return;
	}
	conn_process(c);
}

#define LINGER_SECONDS	1

/*
 * Closing while the client still sends makes the kernel reset the
 * connection, and the client may lose our answer: read and discard for a
 * moment first, as nginx's lingering close does.
 */
static void
conn_linger(struct conn *c)
{
	struct evbuffer	*in = bufferevent_get_input(c->bev);

	evbuffer_drain(in, evbuffer_get_length(in));
	c->state = CONN_LINGER;
	bufferevent_setwatermark(c->bev, EV_READ, 0, 0);
	bufferevent_enable(c->bev, EV_READ);
	conn_set_timer(c, LINGER_SECONDS);
}

/* The answer is out: close, or start on the next request. */
static void
conn_write(struct bufferevent *bev, void *arg)
{
	struct conn	*c = arg;

	(void)bev;
	if (c->state != CONN_WRITING)
		return;
	if (c->close_after && c->linger) {
		conn_linger(c);
		return;
	}
	if (c->close_after) {
		conn_free(c);
		return;
	}
	hooks.release(c);
	conn_clear_request(c);
	free(c->body);
	c->body = NULL;
	c->body_len = 0;
	c->state = CONN_HEAD;
	c->head_started = 0;
	conn_set_timer(c, c->lim.idle_timeout);
	conn_process(c);
}

static void
conn_event(struct bufferevent *bev, short what, void *arg)
{
	struct conn	*c = arg;
	unsigned long	 e;

	(void)bev;
	if (what & BEV_EVENT_CONNECTED) {
		/* the TLS handshake is done: now the head may come */
		conn_set_timer(c, c->lim.header_timeout);
		return;
	}
	if (what & BEV_EVENT_ERROR) {
		while ((e = bufferevent_get_openssl_error(c->bev)) != 0)
			log_debug("conn %llu from %s: tls: %s",
			    (unsigned long long)c->id, c->peer,
			    ERR_reason_error_string(e));
	}
	conn_free(c);
}

void
conn_ipc_started(struct conn *c, struct ipc_chan *chan, uint32_t reqid)
{
	c->ipc_chan = chan;
	c->ipc_reqid = reqid;
}

void
conn_hold(struct conn *c, uint32_t seconds)
{
	conn_set_timer(c, seconds + c->lim.request_timeout);
}

void
conn_ipc_done(struct conn *c)
{
	c->ipc_chan = NULL;
	c->ipc_reqid = 0;
}

void
server_init(const struct server_hooks *h)
{
	hooks = *h;
}

void
server_add_listener(const char *name, int fd, int acme)
{
	struct frontd		*f = frontd_env;
	struct frontd_listener	*l;
	const char		*colon;

	if (f->nlisteners >= FRONTD_MAX_LISTEN)
		fatalx("too many listeners");
	l = &f->listeners[f->nlisteners++];
	strlcpy(l->name, name, sizeof(l->name));
	l->fd = fd;
	l->acme = acme;
	/* the acme listener redirects to the first HTTPS listener's port;
	 * moatd names each "address:port" */
	if (!acme && f->https_port == 0 &&
	    (colon = strrchr(name, ':')) != NULL)
		f->https_port = strtonum(colon + 1, 1, 65535, NULL);
}

void
server_start(void)
{
	struct frontd	*f = frontd_env;
	int		 i;

	for (i = 0; i < f->nlisteners; i++) {
		struct frontd_listener	*l = &f->listeners[i];

		l->evl = evconnlistener_new(f->base, conn_accept, l,
		    LEV_OPT_CLOSE_ON_FREE | LEV_OPT_CLOSE_ON_EXEC, 0, l->fd);
		if (l->evl == NULL)
			fatalx("cannot accept on %s", l->name);
		log_debug("accepting on %s", l->name);
	}
}

void
server_pause_accept(void)
{
	struct frontd	*f = frontd_env;
	int		 i;

	if (accept_paused)
		return;
	accept_paused = 1;
	log_warnx("%u connections: not accepting more for now",
	    f->connections);
	for (i = 0; i < f->nlisteners; i++)
		evconnlistener_disable(f->listeners[i].evl);
}

void
server_resume_accept(void)
{
	struct frontd	*f = frontd_env;
	int		 i;

	accept_paused = 0;
	for (i = 0; i < f->nlisteners; i++)
		evconnlistener_enable(f->listeners[i].evl);
}
