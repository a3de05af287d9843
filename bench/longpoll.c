/*
 * Holds many TLS connections at once, cheaply, for the long-poll figure
 * (bench/run.sh) and its test: one thread, epoll, non-blocking OpenSSL
 * with SSL_MODE_RELEASE_BUFFERS, a small fixed buffer a connection.
 *
 * Each connection makes its TLS handshake, sends GET PATH (with the
 * Authorization: Bearer of a line of TOKENS, round robin, when given),
 * and reads the answer.  A long poll (the default) sends its request
 * again as each answer comes, with the answer's ETag in If-None-Match,
 * as the agent does; with -i it stays idle on its kept-alive connection
 * after the first answer (what nginx is measured with).
 *
 *	longpoll [-i] [-p PARALLEL] HOST PORT CONNS SECONDS PATH [TOKENS]
 *
 * Prints "ready OPEN FAILED" once every connection has sent its first
 * request (or failed), holds them for SECONDS, then prints what it saw
 * and exits 0 if every connection stayed up and every answer was 2xx.
 */
#include <sys/types.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <arpa/inet.h>

#include <err.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <openssl/err.h>
#include <openssl/ssl.h>

#define BUF_LEN		2048	/* an answer of the poll fits */
#define TOKEN_MAX	128

enum lp_state { LP_CONNECTING, LP_HANDSHAKE, LP_SENDING, LP_READING,
    LP_IDLE, LP_DEAD };

struct lp_conn {
	int		 fd;
	SSL		*ssl;
	enum lp_state	 state;
	const char	*token;
	unsigned long long etag;
	int		 have_etag;
	size_t		 len, off;	/* of buf: to send, or read so far */
	char		 buf[BUF_LEN];
};

static struct sockaddr_in	 addr;
static SSL_CTX			*ctx;
static const char		*host, *path;
static char			**tokens;
static size_t			 ntokens;
static int			 idle_mode, ep;
static struct lp_conn		*conns;
static long			 nconns, started, pending, opened, failed;
static long			 answers, ok2xx, not2xx, renewals;
static long			 closed_by_peer;
static volatile sig_atomic_t	 stop;

static void
on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

static void
tokens_read(const char *file)
{
	FILE	*f;
	char	 line[TOKEN_MAX + 2];
	size_t	 n;

	if ((f = fopen(file, "r")) == NULL)
		err(1, "%s", file);
	while (fgets(line, sizeof(line), f) != NULL) {
		n = strcspn(line, "\r\n");
		if (n == 0)
			continue;
		line[n] = '\0';
		tokens = reallocarray(tokens, ntokens + 1, sizeof(*tokens));
		if (tokens == NULL || (tokens[ntokens] = strdup(line)) == NULL)
			err(1, "tokens");
		ntokens++;
	}
	fclose(f);
	if (ntokens == 0)
		errx(1, "%s: no tokens", file);
}

static void
watch(struct lp_conn *c, uint32_t events, int op)
{
	struct epoll_event	 ev;

	memset(&ev, 0, sizeof(ev));
	ev.events = events;
	ev.data.ptr = c;
	if (epoll_ctl(ep, op, c->fd, &ev) == -1)
		err(1, "epoll_ctl");
}

static void
conn_dead(struct lp_conn *c, int peer_closed)
{
	if (c->state == LP_DEAD)
		return;
	if (c->state <= LP_HANDSHAKE) {
		failed++;
		pending--;
	} else if (peer_closed)
		closed_by_peer++;
	c->state = LP_DEAD;
	if (c->ssl != NULL)
		SSL_free(c->ssl);
	c->ssl = NULL;
	close(c->fd);
}

static void
request_make(struct lp_conn *c)
{
	char	 auth[TOKEN_MAX + 32] = "", inm[64] = "";
	int	 n;

	if (c->token != NULL)
		snprintf(auth, sizeof(auth), "Authorization: Bearer %s\r\n",
		    c->token);
	if (c->have_etag)
		snprintf(inm, sizeof(inm), "If-None-Match: \"%llu\"\r\n",
		    c->etag);
	n = snprintf(c->buf, sizeof(c->buf), "GET %s HTTP/1.1\r\n"
	    "Host: %s\r\n%s%s\r\n", path, host, auth, inm);
	if (n < 0 || (size_t)n >= sizeof(c->buf))
		errx(1, "request too long");
	c->len = (size_t)n;
	c->off = 0;
	c->state = LP_SENDING;
}

static void
conn_start(struct lp_conn *c, long i)
{
	int	 on = 1;

	if ((c->fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0)) == -1)
		err(1, "socket");
	setsockopt(c->fd, IPPROTO_TCP, TCP_NODELAY, &on, sizeof(on));
	c->token = ntokens > 0 ? tokens[i % ntokens] : NULL;
	c->state = LP_CONNECTING;
	pending++;
	if (connect(c->fd, (struct sockaddr *)&addr, sizeof(addr)) == -1 &&
	    errno != EINPROGRESS) {
		warn("connect");
		c->state = LP_HANDSHAKE;	/* counted as failed */
		conn_dead(c, 0);
		return;
	}
	watch(c, EPOLLOUT, EPOLL_CTL_ADD);
}

static int
ssl_wants(struct lp_conn *c, int rc)
{
	switch (SSL_get_error(c->ssl, rc)) {
	case SSL_ERROR_WANT_READ:
		watch(c, EPOLLIN, EPOLL_CTL_MOD);
		return 0;
	case SSL_ERROR_WANT_WRITE:
		watch(c, EPOLLOUT, EPOLL_CTL_MOD);
		return 0;
	case SSL_ERROR_ZERO_RETURN:
		conn_dead(c, 1);
		return -1;
	default:
		if (getenv("LONGPOLL_DEBUG") != NULL)
			ERR_print_errors_fp(stderr);
		ERR_clear_error();
		conn_dead(c, c->state > LP_HANDSHAKE);
		return -1;
	}
}

/* an answer whole in buf: its status, the ETag kept; 0 if not yet */
static int
answer_parse(struct lp_conn *c, size_t *used)
{
	const char	*end, *v;
	size_t		 head, body = 0;
	int		 status;

	c->buf[c->off] = '\0';
	if ((end = strstr(c->buf, "\r\n\r\n")) == NULL)
		return 0;
	head = (size_t)(end - c->buf) + 4;
	if (sscanf(c->buf, "HTTP/1.1 %d", &status) != 1)
		return -1;
	if ((v = strcasestr(c->buf, "\r\nContent-Length:")) != NULL &&
	    v < end)
		body = strtoul(v + 17, NULL, 10);
	if (head + body > c->off)
		return 0;
	if ((v = strcasestr(c->buf, "\r\nETag: \"")) != NULL && v < end) {
		c->etag = strtoull(v + 9, NULL, 10);
		c->have_etag = 1;
	}
	*used = head + body;
	return status;
}

static void
conn_read(struct lp_conn *c)
{
	size_t	 used;
	int	 rc, status;

	for (;;) {
		if (c->off >= sizeof(c->buf) - 1) {
			warnx("an answer larger than %d bytes", BUF_LEN);
			conn_dead(c, 0);
			return;
		}
		rc = SSL_read(c->ssl, c->buf + c->off,
		    (int)(sizeof(c->buf) - 1 - c->off));
		if (rc <= 0) {
			ssl_wants(c, rc);
			return;
		}
		if (c->state == LP_IDLE) {	/* nothing is expected */
			c->off = 0;
			continue;
		}
		c->off += (size_t)rc;
		if ((status = answer_parse(c, &used)) == 0)
			continue;
		answers++;
		if (status >= 200 && status < 300)
			ok2xx++;
		else
			not2xx++;
		if (status == -1 || used != c->off) {
			conn_dead(c, 0);	/* pipelined nothing */
			return;
		}
		c->off = 0;
		if (idle_mode) {
			c->state = LP_IDLE;
			continue;
		}
		renewals++;
		request_make(c);
		watch(c, EPOLLOUT, EPOLL_CTL_MOD);
		return;
	}
}

static void
conn_send(struct lp_conn *c)
{
	int	 rc;

	while (c->off < c->len) {
		rc = SSL_write(c->ssl, c->buf + c->off,
		    (int)(c->len - c->off));
		if (rc <= 0) {
			ssl_wants(c, rc);
			return;
		}
		c->off += (size_t)rc;
	}
	c->off = 0;
	c->state = LP_READING;
	watch(c, EPOLLIN, EPOLL_CTL_MOD);
}

static void
conn_handshake(struct lp_conn *c)
{
	int	 rc;

	if ((rc = SSL_do_handshake(c->ssl)) != 1) {
		ssl_wants(c, rc);
		return;
	}
	pending--;
	opened++;
	request_make(c);
	conn_send(c);
}

static void
conn_ready(struct lp_conn *c, uint32_t events)
{
	int	 e = 0;
	socklen_t elen = sizeof(e);

	switch (c->state) {
	case LP_CONNECTING:
		if (getsockopt(c->fd, SOL_SOCKET, SO_ERROR, &e, &elen) == -1 ||
		    e != 0) {
			conn_dead(c, 0);
			return;
		}
		if ((c->ssl = SSL_new(ctx)) == NULL)
			errx(1, "SSL_new");
		SSL_set_fd(c->ssl, c->fd);
		SSL_set_connect_state(c->ssl);
		SSL_set_tlsext_host_name(c->ssl, host);
		c->state = LP_HANDSHAKE;
		conn_handshake(c);
		break;
	case LP_HANDSHAKE:
		conn_handshake(c);
		break;
	case LP_SENDING:
		conn_send(c);
		break;
	case LP_READING:
	case LP_IDLE:
		conn_read(c);
		break;
	case LP_DEAD:
		break;
	}
	(void)events;
}

static double
now(void)
{
	struct timespec	 ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void
nofile_raise(long want)
{
	struct rlimit	 rl;

	if (getrlimit(RLIMIT_NOFILE, &rl) == -1)
		err(1, "getrlimit");
	if (rl.rlim_cur >= (rlim_t)want)
		return;
	rl.rlim_cur = rl.rlim_max < (rlim_t)want ? rl.rlim_max : (rlim_t)want;
	if (setrlimit(RLIMIT_NOFILE, &rl) == -1)
		err(1, "setrlimit");
}

static void
usage(void)
{
	fprintf(stderr, "usage: longpoll [-i] [-p parallel] host port conns "
	    "seconds path [tokens]\n");
	exit(2);
}

int
main(int argc, char *argv[])
{
	struct epoll_event	 evs[256];
	long			 parallel = 64, seconds;
	double			 until = 0;
	int			 ch, i, n, ready = 0;

	while ((ch = getopt(argc, argv, "ip:")) != -1) {
		switch (ch) {
		case 'i':
			idle_mode = 1;
			break;
		case 'p':
			parallel = strtol(optarg, NULL, 10);
			break;
		default:
			usage();
		}
	}
	argc -= optind;
	argv += optind;
	if (argc < 5 || argc > 6 || parallel < 1)
		usage();
	host = argv[0];
	memset(&addr, 0, sizeof(addr));
	addr.sin_family = AF_INET;
	addr.sin_port = htons((uint16_t)strtoul(argv[1], NULL, 10));
	if (inet_pton(AF_INET, host, &addr.sin_addr) != 1)
		errx(1, "%s: not an IPv4 address", host);
	nconns = strtol(argv[2], NULL, 10);
	seconds = strtol(argv[3], NULL, 10);
	path = argv[4];
	if (nconns < 1 || seconds < 0)
		usage();
	if (argc == 6)
		tokens_read(argv[5]);
	nofile_raise(nconns + 64);
	signal(SIGPIPE, SIG_IGN);
	signal(SIGTERM, on_signal);
	signal(SIGINT, on_signal);
	if ((conns = calloc(nconns, sizeof(*conns))) == NULL)
		err(1, "calloc");
	if ((ctx = SSL_CTX_new(TLS_client_method())) == NULL)
		errx(1, "SSL_CTX_new");
	SSL_CTX_set_verify(ctx, SSL_VERIFY_NONE, NULL);
	SSL_CTX_set_mode(ctx, SSL_MODE_RELEASE_BUFFERS);
	SSL_CTX_set_session_cache_mode(ctx, SSL_SESS_CACHE_OFF);
	if ((ep = epoll_create1(EPOLL_CLOEXEC)) == -1)
		err(1, "epoll_create1");
	while (!stop) {
		while (started < nconns && pending < parallel) {
			conn_start(&conns[started], started);
			started++;
		}
		if (!ready && started == nconns && pending == 0) {
			ready = 1;
			printf("ready %ld %ld\n", opened, failed);
			fflush(stdout);
			until = now() + seconds;
		}
		if (ready && now() >= until)
			break;
		if ((n = epoll_wait(ep, evs, 256, 200)) == -1) {
			if (errno == EINTR)
				continue;
			err(1, "epoll_wait");
		}
		for (i = 0; i < n; i++)
			conn_ready(evs[i].data.ptr, evs[i].events);
	}
	printf("connections %ld opened %ld failed %ld closed_by_server %ld "
	    "answers %ld 2xx %ld other %ld renewals %ld\n", nconns, opened,
	    failed, closed_by_peer, answers, ok2xx, not2xx, renewals);
	return failed == 0 && closed_by_peer == 0 && not2xx == 0 ? 0 : 1;
}
