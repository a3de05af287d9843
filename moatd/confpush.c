/*
 * Pushing the configuration to the children: a sender (send_*) for each
 * kind of setting, each the pair of a reader (get_*) in the child's own
 * config.c.  Each child gets only its part: secrets go to authd only.
 * A push ends with cfg.done; the suite starts when every child has
 * acknowledged the first, and a reload pushes again.
 */
#include <sys/types.h>
#include <sys/socket.h>

#include <netinet/in.h>
#include <arpa/inet.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "body_egress.h"
#include "log.h"
#include "moatd.h"

static void	 config_done_cb(struct ipc_chan *, struct ipc_msg *, void *);

static void
send_common(struct moatd *m, struct child *c)
{
	struct ipc_msg	 msg;
	int		 verbose = m->verbose > m->conf->log_verbose ?
			    m->verbose : m->conf->log_verbose;

	ipc_msg_init(&msg, IPC_CFG_COMMON, 0);
	ipc_put_u64(&msg, verbose);
	ipc_put_u64(&msg, m->conf->ipc_timeout_ms);
	ipc_send(c->chan, &msg);
}

static void
send_http(struct moatd *m, struct child *c)
{
	const struct conf_http	*h = &m->conf->http;
	struct ipc_msg		 msg;

	ipc_msg_init(&msg, IPC_CFG_HTTP, 0);
	ipc_put_u64(&msg, h->max_connections);
	ipc_put_u64(&msg, h->max_per_address);
	ipc_put_u64(&msg, h->max_header_bytes);
	ipc_put_u64(&msg, h->max_headers);
	ipc_put_u64(&msg, h->max_body);
	ipc_put_u64(&msg, h->header_timeout);
	ipc_put_u64(&msg, h->request_timeout);
	ipc_put_u64(&msg, h->idle_timeout);
	ipc_send(c->chan, &msg);
}

/* Listening sockets are handed over once, at start. */
static void
send_listeners(struct moatd *m, struct child *c)
{
	struct conf_listen	*l;
	struct ipc_msg		 msg;

	TAILQ_FOREACH(l, &m->conf->listeners, entry) {
		if (l->fd == -1)
			continue;
		ipc_msg_init(&msg, IPC_CFG_LISTEN, 0);
		ipc_put_str(&msg, l->name);
		ipc_put_fd(&msg, l->fd);
		l->fd = -1;
		ipc_send(c->chan, &msg);
	}
}

static void
send_file(struct child *c, enum ipc_type type, const char *path)
{
	struct ipc_msg	 msg;
	int		 fd;

	/* symbolic links are fine here: certbot's live/ is made of them */
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1) {
		log_warn("open %s", path);
		return;		/* frontd keeps what it has, or stops */
	}
	ipc_msg_init(&msg, type, 0);
	ipc_put_str(&msg, path);
	ipc_put_fd(&msg, fd);
	ipc_send(c->chan, &msg);
}

/*
 * The TLS key goes to authd only, with its certificate so that authd can
 * check the pair; frontd gets the certificate and has authd sign its
 * handshakes (DESIGN.md, "TLS key in authd").  Only the benchmark's
 * build, made to measure what that costs, gives frontd the key as well.
 */
static void
send_tls(struct moatd *m, struct child *c)
{
	send_file(c, IPC_CFG_TLS_CERT, m->conf->tls_cert);
#ifdef MOAT_BENCH_KEY_IN_FRONTD
	send_file(c, IPC_CFG_TLS_KEY, m->conf->tls_key);
#else
	if (c->id == PROC_AUTHD)
		send_file(c, IPC_CFG_TLS_KEY, m->conf->tls_key);
#endif
}

static void
send_auth(struct moatd *m, struct child *c, int first)
{
	const struct conf_auth	*a = &m->conf->auth;
	struct ipc_msg		 msg;

	ipc_msg_init(&msg, IPC_CFG_AUTH, 0);
	ipc_put_u64(&msg, a->argon2_memory_kib);
	ipc_put_u64(&msg, a->argon2_time);
	ipc_put_u64(&msg, a->argon2_parallelism);
	ipc_send(c->chan, &msg);
	if (!first)
		return;
	ipc_msg_init(&msg, IPC_CFG_MASTER_KEY, 0);
	ipc_put_fd(&msg, setup_open_master_key(m->conf));
	ipc_send(c->chan, &msg);
}

static void
send_identity(struct moatd *m, struct child *c)
{
	const struct moat_config	*conf = m->conf;
	struct ipc_msg			 msg;
	int				 d;

	ipc_msg_init(&msg, IPC_CFG_IDENTITY, 0);
	for (d = 0; d < DIALECT_MAX; d++) {
		ipc_put_u64(&msg, conf->session[d].lifetime);
		ipc_put_u64(&msg, conf->session[d].idle);
	}
	ipc_put_u64(&msg, conf->limits.login_lifetime);
	ipc_put_u64(&msg, conf->limits.auth_failures);
	ipc_put_u64(&msg, conf->limits.invalid_tokens);
	ipc_put_u64(&msg, conf->limits.api_requests);
	ipc_send(c->chan, &msg);
}

/* frontd believes X-Forwarded-For from these peers only */
static void
send_proxies(struct moatd *m, struct child *c)
{
	const struct conf_limits	*l = &m->conf->limits;
	struct ipc_msg			 msg;
	char				 addr[INET6_ADDRSTRLEN];
	uint32_t			 i;

	ipc_msg_init(&msg, IPC_CFG_PROXIES, 0);
	ipc_put_u64(&msg, l->nproxies);
	for (i = 0; i < l->nproxies; i++) {
		const struct sockaddr_storage *ss = &l->proxies[i];
		const void *a = ss->ss_family == AF_INET ?
		    (const void *)&((const struct sockaddr_in *)ss)->sin_addr :
		    (const void *)&((const struct sockaddr_in6 *)ss)->sin6_addr;

		if (inet_ntop(ss->ss_family, a, addr, sizeof(addr)) == NULL)
			fatal("inet_ntop");
		ipc_put_str(&msg, addr);
	}
	ipc_send(c->chan, &msg);
}

static void
send_egress(struct moatd *m, struct child *c)
{
	const struct conf_egress	*e = &m->conf->egress;
	struct ipc_cfg_egress		 b = { e->nallow };
	struct ipc_cfg_egress_range	 range;
	struct ipc_msg			 msg;
	uint32_t			 i;

	ipc_msg_init(&msg, IPC_CFG_EGRESS, 0);
	ipc_msg_put(&msg, &b);
	for (i = 0; i < e->nallow; i++) {
		strlcpy(range.range, e->allow[i], sizeof(range.range));
		ipc_msg_put_item(&msg, &range);
	}
	ipc_send(c->chan, &msg);
}

static void
send_task(struct moatd *m, struct child *c)
{
	struct ipc_msg	 msg;

	ipc_msg_init(&msg, IPC_CFG_TASK, 0);
	ipc_put_u64(&msg, m->conf->task.workers);
	ipc_put_str(&msg, m->conf->task.runtime);
	ipc_put_str(&msg, m->conf->task.image);
	ipc_put_str(&msg, m->conf->task.runtime_kind);
	ipc_put_str(&msg, m->conf->task.check_url);
	ipc_put_u64(&msg, m->conf->task.uid_first);
	ipc_put_u64(&msg, m->conf->task.uid_blocks);
	ipc_send(c->chan, &msg);
}

static void
push_child(struct moatd *m, struct child *c, int first)
{
	struct ipc_msg	 msg;

	send_common(m, c);
	switch (c->id) {
	case PROC_FRONTD:
		send_http(m, c);
		send_proxies(m, c);
		if (first)
			send_listeners(m, c);
		send_tls(m, c);
		break;
	case PROC_AUTHD:
		send_auth(m, c, first);
		send_identity(m, c);
		send_tls(m, c);
		break;
	case PROC_STORED:
		send_identity(m, c);
		send_egress(m, c);
		break;
	case PROC_TASKD:
		send_task(m, c);
		send_egress(m, c);
		break;
	default:
		fatalx("%s: not a child", __func__);
	}
	ipc_msg_init(&msg, IPC_CFG_DONE, 0);
	ipc_put_u64(&msg, m->generation);
	/* a failure closes the link, and that stops the suite */
	if (ipc_request(c->chan, &msg, 10000, config_done_cb, c) == -1)
		log_warnx("cannot configure %s", proc_name(c->id));
}

/*
 * frontd is configured once authd has acknowledged: a new certificate
 * then never reaches frontd before authd holds its key, and frontd can
 * check the pair by having authd sign (frontd/tls.c).
 */
void
config_push(struct moatd *m, int first)
{
	int	 id;

	m->generation++;
	for (id = PROC_FIRST_CHILD; id <= PROC_LAST_CHILD; id++)
		if (id != PROC_FRONTD)
			push_child(m, &m->children[id], first);
}

static int
readable(const char *path)
{
	int	 fd;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1)
		return 0;
	close(fd);
	return 1;
}

/*
 * A reload parses into a new configuration first; a bad one is refused
 * and the running one stays (unlike httpd, which purges first).
 */
int
config_reload(struct moatd *m, char *msg, size_t msglen)
{
	struct moat_config	*conf;

	if (!m->started || m->stopping || config_pending(m)) {
		snprintf(msg, msglen, "reload refused: the suite is not "
		    "running, or a reload is still in progress");
		return -1;
	}
	if ((conf = conf_load(m->conffile)) == NULL) {
		snprintf(msg, msglen, "reload refused: %s has errors; the "
		    "running configuration stays", m->conffile);
		return -1;
	}
	if (!readable(conf->tls_cert) || !readable(conf->tls_key)) {
		snprintf(msg, msglen, "reload refused: cannot read the TLS "
		    "certificate or key; the running configuration stays");
		conf_clear(conf);
		free(conf);
		return -1;
	}
	if (strcmp(conf->var_dir, m->conf->var_dir) != 0 ||
	    strcmp(conf->db_dir, m->conf->db_dir) != 0)
		log_warnx("reload: state directories change only on restart");
	/* Listening sockets were handed over at start and stay. */
	TAILQ_CONCAT(&conf->listeners, &m->conf->listeners, entry);
	conf_clear(m->conf);
	free(m->conf);
	m->conf = conf;
	log_setverbose(m->verbose > conf->log_verbose ? m->verbose :
	    conf->log_verbose);
	config_push(m, 0);
	snprintf(msg, msglen, "reloading %s", m->conffile);
	return 0;
}

static void
start_suite(struct moatd *m)
{
	struct conf_listen	*l;
	struct ipc_msg		 msg;
	int			 id;

	for (id = PROC_FIRST_CHILD; id <= PROC_LAST_CHILD; id++) {
		ipc_msg_init(&msg, IPC_PROC_START, 0);
		ipc_send(m->children[id].chan, &msg);
	}
	m->started = 1;
	TAILQ_FOREACH(l, &m->conf->listeners, entry)
		log_info("ready: https://%s/", l->name);
	notify_systemd("READY=1");
	bootstrap_admin(m);
}

/* a push not yet acknowledged by every child */
int
config_pending(struct moatd *m)
{
	int	 id;

	for (id = PROC_FIRST_CHILD; id <= PROC_LAST_CHILD; id++)
		if (m->children[id].acked != m->generation)
			return 1;
	return 0;
}

void
config_acked(struct moatd *m, struct child *c, uint64_t generation)
{
	c->acked = generation;
	if (config_pending(m))
		return;
	if (!m->started)
		start_suite(m);
	else {
		log_info("configuration reloaded");
		notify_systemd("READY=1");
	}
}

static void
config_done_cb(struct ipc_chan *chan, struct ipc_msg *msg, void *arg)
{
	struct child	*c = arg;
	struct moatd	*m = c->parent;
	char		 why[128];
	struct ipc_head	 h;
	uint64_t	 generation = 0;

	if (m->stopping)
		return;
	if (msg == NULL) {
		snprintf(why, sizeof(why), "%s did not take its configuration",
		    proc_name(c->id));
		children_stop(m, 1, why);
		return;
	}
	if (ipc_get_head(msg, &h) == 1)
		ipc_get_u64(msg, &generation);
	if (!ipc_status_ok(h.status) || ipc_end(msg) == -1 ||
	    generation > (uint64_t)m->generation) {
		snprintf(why, sizeof(why), "%s: bad cfg.ack", proc_name(c->id));
		children_stop(m, 1, why);
		return;
	}
	(void)chan;
	if (c->id == PROC_AUTHD && generation == m->generation)
		push_child(m, &m->children[PROC_FRONTD], !m->started);
	config_acked(m, c, generation);
}
