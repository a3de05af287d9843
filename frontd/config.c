/*
 * frontd's half of the configuration push: the reading side of
 * moatd/confpush.c.  Values land in a pending copy and take effect together
 * at cfg.done, so a reload never leaves half a configuration in force.
 */
#include <sys/types.h>
#include <sys/socket.h>

#include <netinet/in.h>
#include <arpa/inet.h>

#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "daemon.h"
#include "frontd.h"
#include "log.h"
#include "util.h"

static int
get_http(struct frontd_config *c, struct ipc_msg *m)
{
	struct ipc_cfg_http	*h = &c->http;

	if (ipc_msg_get(m, h) == -1)
		return -1;
	/* moatd checked these; a wild value means a confused peer */
	if (h->max_headers == 0 || h->max_headers > HTTP_MAX_HEADERS ||
	    h->max_header_bytes < 1024 || h->max_header_bytes > 65536 ||
	    h->max_body == 0 || h->max_body > 16 * 1024 * 1024 ||
	    h->max_connections == 0 || h->max_per_address == 0 ||
	    h->header_timeout == 0 ||
	    h->request_timeout == 0 || h->idle_timeout == 0)
		return ipc_violation(m, "http limits out of range");
	return 0;
}

static int
get_proxies(struct frontd_config *c, struct ipc_msg *m)
{
	struct ipc_cfg_proxy	 p;
	uint32_t		 n = 0;
	int			 rc;

	if (ipc_msg_get(m, NULL) == -1)
		return -1;
	memset(c->proxies, 0, sizeof(c->proxies));
	while ((rc = ipc_msg_get_item(m, &p)) == 1) {
		struct sockaddr_storage	*ss;

		if (n == CFG_PROXIES_MAX)
			return ipc_violation(m, "too many proxies");
		ss = &c->proxies[n];
		if (inet_pton(AF_INET, p.addr,
		    &((struct sockaddr_in *)ss)->sin_addr) == 1)
			ss->ss_family = AF_INET;
		else if (inet_pton(AF_INET6, p.addr,
		    &((struct sockaddr_in6 *)ss)->sin6_addr) == 1)
			ss->ss_family = AF_INET6;
		else
			return ipc_violation(m, "proxy is not an address");
		n++;
	}
	c->nproxies = n;
	return rc;
}

static int
get_listen(struct ipc_msg *m)
{
	struct ipc_cfg_listen	 b;

	/* the descriptor field is read even after a field that failed */
	if (ipc_msg_get(m, &b) == -1) {
		if (b.fd != -1)
			close(b.fd);
		return -1;
	}
	server_add_listener(b.name, b.fd, b.acme);
	return 0;
}

/* descriptors besides the clients': listeners, IPC, libevent's own */
#define NOFILE_RESERVE	64

/*
 * max connections is the cap on clients (moatd.conf); the descriptor
 * limit, raised to its hard value at start (frontd.c), should not be a
 * second, hidden one.  Where it is, say so: over it accept() fails.
 */
static void
nofile_check(const struct frontd *f)
{
	if (f->nofile != 0 &&
	    (uint64_t)f->http.max_connections + NOFILE_RESERVE > f->nofile)
		log_warnx("max connections %u: only %llu descriptors "
		    "(RLIMIT_NOFILE); connections past them are refused",
		    f->http.max_connections, (unsigned long long)f->nofile);
}

static void
apply(void)
{
	struct frontd		*f = frontd_env;
	struct frontd_config	*c = &f->pending;
	SSL_CTX			*ctx = NULL;

#ifdef MOAT_BENCH_KEY_IN_FRONTD
	if (c->cert_pem != NULL && c->key_pem != NULL)
		ctx = tls_ctx_new_inprocess(c->cert_pem, c->cert_len,
		    c->key_pem, c->key_len);
	daemon_pem_clear(&c->key_pem, &c->key_len);
#else
	if (c->cert_pem != NULL)
		ctx = tls_ctx_new(c->cert_pem, c->cert_len);
#endif
	daemon_pem_clear(&c->cert_pem, &c->cert_len);
	if (ctx != NULL) {
		/* connections in flight hold their own reference */
		SSL_CTX_free(f->ssl_ctx);
		f->ssl_ctx = ctx;
	} else if (f->ssl_ctx == NULL)
		fatalx("no usable TLS certificate (and key in authd)");
	else
		log_warnx("tls: keeping the certificate in use");
	f->http = c->http;
	nofile_check(f);
	f->ipc_timeout_ms = c->common.ipc_timeout_ms;
	memcpy(f->proxies, c->proxies, sizeof(f->proxies));
	f->nproxies = c->nproxies;
	acme_dirs_move(&f->acme, &c->acme);
	log_setverbose(c->common.verbose);
}

int
config_common(struct ipc_chan *chan, struct ipc_msg *m)
{
	(void)chan;
	return daemon_get_common(m, &frontd_env->pending.common);
}

int
config_http(struct ipc_chan *chan, struct ipc_msg *m)
{
	(void)chan;
	return get_http(&frontd_env->pending, m);
}

int
config_proxies(struct ipc_chan *chan, struct ipc_msg *m)
{
	(void)chan;
	return get_proxies(&frontd_env->pending, m);
}

int
config_acme(struct ipc_chan *chan, struct ipc_msg *m)
{
	(void)chan;
	return acme_dirs_get(m, &frontd_env->pending.acme);
}

int
config_listen(struct ipc_chan *chan, struct ipc_msg *m)
{
	(void)chan;
	if (frontd_env->serving)
		return ipc_violation(m, "listener after start");
	return get_listen(m);
}

int
config_tls_cert(struct ipc_chan *chan, struct ipc_msg *m)
{
	struct frontd_config	*c = &frontd_env->pending;

	(void)chan;
	return daemon_get_pem(m, &c->cert_pem, &c->cert_len);
}

#ifdef MOAT_BENCH_KEY_IN_FRONTD
int
config_tls_key(struct ipc_chan *chan, struct ipc_msg *m)
{
	struct frontd_config	*c = &frontd_env->pending;

	(void)chan;
	return daemon_get_pem(m, &c->key_pem, &c->key_len);
}
#endif

int
config_done(struct ipc_chan *chan, struct ipc_msg *m)
{
	return daemon_config_done(chan, m, apply);
}

int
config_proc_start(struct ipc_chan *chan, struct ipc_msg *m)
{
	(void)chan;
	if (daemon_proc_start(m, &frontd_env->serving) == -1)
		return -1;
	server_start();
	return 0;
}
