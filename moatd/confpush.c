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

#include "body_cce.h"
#include "body_cfg.h"
#include "body_egress.h"
#include "log.h"
#include "moatd.h"

_Static_assert(CFG_DIALECTS == DIALECT_MAX, "cfg.identity: the dialects");
_Static_assert(CFG_PROXIES_MAX == CONF_MAX_PROXIES, "cfg.proxies: the peers");
_Static_assert(CFG_ACME_DIRS_MAX == CONF_MAX_ACME_DIRS &&
    CFG_ACME_NAME_MAX == CONF_ACME_NAME_MAX &&
    CFG_ACME_URL_MAX == CONF_ACME_URL_MAX &&
    CFG_ACME_EAB_MAX == CONF_ACME_EAB_MAX, "cfg.acme: the directories");

static void	 config_done_cb(struct ipc_chan *, struct ipc_msg *, void *);

static void
send_common(struct moatd *m, struct child *c)
{
	struct ipc_cfg_common	 b;
	struct ipc_msg		 msg;

	b.verbose = m->verbose > m->conf->log_verbose ? m->verbose :
	    m->conf->log_verbose;
	b.ipc_timeout_ms = m->conf->ipc_timeout_ms;
	ipc_msg_init(&msg, IPC_CFG_COMMON, 0);
	ipc_msg_put(&msg, &b);
	ipc_send(c->chan, &msg);
}

/* The first listen ssh statement's address and port: what clients are
 * told to connect to.  0 when there is none. */
static uint32_t
ssh_endpoint(const struct moat_config *conf, char *addr, size_t len)
{
	const struct conf_listen	*l;
	const struct sockaddr_in	*sin;
	const struct sockaddr_in6	*sin6;

	TAILQ_FOREACH(l, &conf->listeners, entry) {
		if (!l->ssh)
			continue;
		if (l->ss.ss_family == AF_INET) {
			sin = (const struct sockaddr_in *)&l->ss;
			inet_ntop(AF_INET, &sin->sin_addr, addr, len);
			return ntohs(sin->sin_port);
		}
		sin6 = (const struct sockaddr_in6 *)&l->ss;
		inet_ntop(AF_INET6, &sin6->sin6_addr, addr, len);
		return ntohs(sin6->sin6_port);
	}
	addr[0] = '\0';
	return 0;
}

static void
send_http(struct moatd *m, struct child *c)
{
	const struct conf_http	*h = &m->conf->http;
	struct ipc_cfg_http	 b;
	struct ipc_msg		 msg;

	b.max_connections = h->max_connections;
	b.max_per_address = h->max_per_address;
	b.max_header_bytes = h->max_header_bytes;
	b.max_headers = h->max_headers;
	b.max_body = h->max_body;
	b.header_timeout = h->header_timeout;
	b.request_timeout = h->request_timeout;
	b.idle_timeout = h->idle_timeout;
	b.ssh_port = ssh_endpoint(m->conf, b.ssh_addr, sizeof(b.ssh_addr));
	ipc_msg_init(&msg, IPC_CFG_HTTP, 0);
	ipc_msg_put(&msg, &b);
	ipc_send(c->chan, &msg);
}

/* Listening sockets are handed over once, at start: the SSH gateway's
 * to gatewayd, the others to frontd. */
static void
send_listeners(struct moatd *m, struct child *c)
{
	struct conf_listen	*l;
	struct ipc_cfg_listen	 b;
	struct ipc_msg		 msg;

	TAILQ_FOREACH(l, &m->conf->listeners, entry) {
		if (l->fd == -1 || l->ssh != (c->id == PROC_GATEWAYD))
			continue;
		strlcpy(b.name, l->name, sizeof(b.name));	/* as large */
		b.fd = l->fd;
		b.acme = l->acme;
		l->fd = -1;
		ipc_msg_init(&msg, IPC_CFG_LISTEN, 0);
		ipc_msg_put(&msg, &b);
		ipc_send(c->chan, &msg);
	}
}

static void
send_file(struct child *c, enum ipc_type type, const char *path)
{
	struct ipc_cfg_file	 b;
	struct ipc_msg		 msg;

	strlcpy(b.path, path, sizeof(b.path));	/* conffile.h's PATH_MAX */
	/* symbolic links are fine here: certbot's live/ is made of them */
	if ((b.fd = open(path, O_RDONLY | O_CLOEXEC)) == -1) {
		log_warn("open %s", path);
		return;		/* frontd keeps what it has, or stops */
	}
	ipc_msg_init(&msg, type, 0);
	ipc_msg_put(&msg, &b);
	ipc_send(c->chan, &msg);
}

/* gatewayd: its listener once, the host key with every push (it keeps
 * the first) */
static void
send_gateway(struct moatd *m, struct child *c, int first)
{
	if (first)
		send_listeners(m, c);
	send_file(c, IPC_CFG_SSH_HOSTKEY, ssh_hostkey_path(m->conf));
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
	const struct conf_auth		*a = &m->conf->auth;
	struct ipc_cfg_auth		 b;
	struct ipc_cfg_master_key	 key;
	struct ipc_msg			 msg;

	b.memory_kib = a->argon2_memory_kib;
	b.time = a->argon2_time;
	b.parallelism = a->argon2_parallelism;
	ipc_msg_init(&msg, IPC_CFG_AUTH, 0);
	ipc_msg_put(&msg, &b);
	ipc_send(c->chan, &msg);
	if (!first)
		return;
	key.fd = setup_open_master_key(m->conf);
	ipc_msg_init(&msg, IPC_CFG_MASTER_KEY, 0);
	ipc_msg_put(&msg, &key);
	ipc_send(c->chan, &msg);
}

static void
send_identity(struct moatd *m, struct child *c)
{
	const struct moat_config	*conf = m->conf;
	struct ipc_cfg_identity		 b;
	struct ipc_msg			 msg;
	int				 d;

	for (d = 0; d < DIALECT_MAX; d++) {
		b.session[d].lifetime = conf->session[d].lifetime;
		b.session[d].idle = conf->session[d].idle;
	}
	b.login_lifetime = conf->limits.login_lifetime;
	b.auth_failures = conf->limits.auth_failures;
	b.invalid_tokens = conf->limits.invalid_tokens;
	b.api_requests = conf->limits.api_requests;
	ipc_msg_init(&msg, IPC_CFG_IDENTITY, 0);
	ipc_msg_put(&msg, &b);
	ipc_send(c->chan, &msg);
}

/* frontd believes X-Forwarded-For from these peers only */
static void
send_proxies(struct moatd *m, struct child *c)
{
	const struct conf_limits	*l = &m->conf->limits;
	struct ipc_cfg_proxy		 p;
	struct ipc_msg			 msg;
	uint32_t			 i;

	ipc_msg_init(&msg, IPC_CFG_PROXIES, 0);
	ipc_msg_put(&msg, NULL);
	for (i = 0; i < l->nproxies; i++) {
		const struct sockaddr_storage *ss = &l->proxies[i];
		const void *a = ss->ss_family == AF_INET ?
		    (const void *)&((const struct sockaddr_in *)ss)->sin_addr :
		    (const void *)&((const struct sockaddr_in6 *)ss)->sin6_addr;

		if (inet_ntop(ss->ss_family, a, p.addr, sizeof(p.addr)) == NULL)
			fatal("inet_ntop");
		ipc_msg_put_item(&msg, &p);
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
	const struct conf_task	*t = &m->conf->task;
	struct ipc_cfg_task	 b;
	struct ipc_msg		 msg;

	b.workers = t->workers;
	strlcpy(b.runtime, t->runtime, sizeof(b.runtime));
	strlcpy(b.image, t->image, sizeof(b.image));
	strlcpy(b.runtime_kind, t->runtime_kind, sizeof(b.runtime_kind));
	strlcpy(b.check_url, t->check_url, sizeof(b.check_url));
	b.uid_first = t->uid_first;
	b.uid_blocks = t->uid_blocks;
	ipc_msg_init(&msg, IPC_CFG_TASK, 0);
	ipc_msg_put(&msg, &b);
	ipc_send(c->chan, &msg);
}

/* acme directories: their names and URLs, to frontd, stored and taskd */
static void
send_acme(struct moatd *m, struct child *c)
{
	const struct moat_config	*conf = m->conf;
	struct ipc_cfg_acme		 b = { conf->nacme };
	struct ipc_cfg_acme_dir		 d;
	struct ipc_msg			 msg;
	uint32_t			 i;

	ipc_msg_init(&msg, IPC_CFG_ACME, 0);
	ipc_msg_put(&msg, &b);
	for (i = 0; i < conf->nacme; i++) {
		memset(&d, 0, sizeof(d));
		strlcpy(d.name, conf->acme[i].name, sizeof(d.name));
		strlcpy(d.url, conf->acme[i].url, sizeof(d.url));
		d.eab = conf->acme[i].eab_kid[0] != '\0';
		d.ca = conf->acme[i].ca_file[0] != '\0';
		ipc_msg_put_item(&msg, &d);
	}
	ipc_send(c->chan, &msg);
}

/*
 * Each ca-file, opened here and read by taskd (which opens no file),
 * after cfg.acme: at start and on every reload, so a renewed CA
 * certificate is taken up.  One that cannot be opened now is logged;
 * taskd then has no roots for that directory and uses it for nothing
 * (never falling back to the system's) until a reload brings them.
 */
static void
send_acme_ca(struct moatd *m, struct child *c)
{
	const struct moat_config	*conf = m->conf;
	struct ipc_cfg_acme_ca		 b;
	struct ipc_msg			 msg;
	uint32_t			 i;

	for (i = 0; i < conf->nacme; i++) {
		const struct conf_acme_dir *d = &conf->acme[i];

		if (d->ca_file[0] == '\0')
			continue;
		memset(&b, 0, sizeof(b));
		strlcpy(b.name, d->name, sizeof(b.name));
		strlcpy(b.path, d->ca_file, sizeof(b.path));
		if ((b.fd = open(d->ca_file, O_RDONLY | O_NONBLOCK |
		    O_CLOEXEC)) == -1) {
			log_warn("acme directory %s: open %s", d->name,
			    d->ca_file);
			continue;
		}
		ipc_msg_init(&msg, IPC_CFG_ACME_CA, 0);
		ipc_msg_put(&msg, &b);
		ipc_send(c->chan, &msg);
	}
}

/* The EAB keys are key material: authd alone gets them, and signs. */
static void
send_acme_eab(struct moatd *m, struct child *c)
{
	const struct moat_config	*conf = m->conf;
	struct ipc_cfg_acme		 b = { 0 };
	struct ipc_cfg_acme_eab		 e;
	struct ipc_msg			 msg;
	uint32_t			 i;

	for (i = 0; i < conf->nacme; i++)
		b.count += conf->acme[i].eab_kid[0] != '\0';
	ipc_msg_init(&msg, IPC_CFG_ACME_EAB, 0);
	ipc_msg_put(&msg, &b);
	for (i = 0; i < conf->nacme; i++) {
		if (conf->acme[i].eab_kid[0] == '\0')
			continue;
		strlcpy(e.name, conf->acme[i].name, sizeof(e.name));
		strlcpy(e.kid, conf->acme[i].eab_kid, sizeof(e.kid));
		strlcpy(e.hmac, conf->acme[i].eab_hmac, sizeof(e.hmac));
		ipc_msg_put_item(&msg, &e);
		explicit_bzero(&e, sizeof(e));
	}
	ipc_send(c->chan, &msg);
}

/* The file to stored, opened now: it may have changed since the check,
 * and stored reads it again whole (and refuses it whole). */
static void
send_cce_schema(const struct moat_config *conf, struct ipc_chan *chan)
{
	struct ipc_cfg_file	 b;
	struct ipc_msg		 msg;

	if (conf->cce_schema_absent) {
		log_warnx("cce schema \"%s\": absent; the command API "
		    "knows no class", conf->cce_schema);
		return;
	}
	memset(&b, 0, sizeof(b));
	strlcpy(b.path, conf->cce_schema, sizeof(b.path));
	if ((b.fd = open(b.path, O_RDONLY | O_NONBLOCK | O_CLOEXEC)) == -1) {
		log_warn("cce schema: open %s", b.path);
		return;		/* stored keeps what it has */
	}
	ipc_msg_init(&msg, IPC_CFG_CCE_SCHEMA, 0);
	ipc_msg_put(&msg, &b);
	ipc_send(chan, &msg);
}

/* The password properties' names to authd, on every push: a reload may
 * add one, and an empty list is a list too. */
static void
send_cce_passwords(const struct moat_config *conf,
    struct ipc_chan *chan)
{
	struct ipc_cfg_cce_passwords	 b;
	struct ipc_cfg_cce_password	 p;
	struct ipc_msg			 msg;
	uint32_t			 i;

	b.count = conf->cce_npasswords;
	ipc_msg_init(&msg, IPC_CFG_CCE_PASSWORDS, 0);
	ipc_msg_put(&msg, &b);
	for (i = 0; i < conf->cce_npasswords; i++) {
		memset(&p, 0, sizeof(p));
		strlcpy(p.name, conf->cce_passwords[i], sizeof(p.name));
		ipc_msg_put_item(&msg, &p);
	}
	ipc_send(chan, &msg);
}

static void
push_child(struct moatd *m, struct child *c, int first)
{
	struct ipc_cfg_done	 done;
	struct ipc_msg		 msg;

	send_common(m, c);
	switch (c->id) {
	case PROC_FRONTD:
		send_http(m, c);
		send_proxies(m, c);
		if (first)
			send_listeners(m, c);
		send_tls(m, c);
		send_acme(m, c);
		break;
	case PROC_AUTHD:
		send_auth(m, c, first);
		send_identity(m, c);
		send_tls(m, c);
		send_acme_eab(m, c);
		send_cce_passwords(m->conf, c->chan);
		break;
	case PROC_STORED:
		send_identity(m, c);
		send_egress(m, c);
		send_acme(m, c);
		send_cce_schema(m->conf, c->chan);
		break;
	case PROC_GATEWAYD:
		send_gateway(m, c, first);
		break;
	case PROC_TASKD:
		send_task(m, c);
		send_egress(m, c);
		send_acme(m, c);
		send_acme_ca(m, c);
		break;
	default:
		fatalx("%s: not a child", __func__);
	}
	done.generation = m->generation;
	ipc_msg_init(&msg, IPC_CFG_DONE, 0);
	ipc_msg_put(&msg, &done);
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
		if (id != PROC_FRONTD && child_started(m, id))
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
		if (!child_started(m, id))
			continue;
		ipc_msg_init(&msg, IPC_PROC_START, 0);
		ipc_msg_put(&msg, NULL);
		ipc_send(m->children[id].chan, &msg);
	}
	m->started = 1;
	TAILQ_FOREACH(l, &m->conf->listeners, entry)
		log_info("ready: %s://%s/", l->ssh ? "ssh" : l->acme ? "http" :
		    "https",
		    l->name);
	notify_systemd("READY=1");
	bootstrap_admin(m);
}

/* a push not yet acknowledged by every child */
int
config_pending(struct moatd *m)
{
	int	 id;

	for (id = PROC_FIRST_CHILD; id <= PROC_LAST_CHILD; id++)
		if (child_started(m, id) &&
		    m->children[id].acked != m->generation)
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
	struct child		*c = arg;
	struct moatd		*m = c->parent;
	struct ipc_cfg_ack	 ack;
	char			 why[128];

	if (m->stopping)
		return;
	if (msg == NULL) {
		snprintf(why, sizeof(why), "%s did not take its configuration",
		    proc_name(c->id));
		children_stop(m, 1, why);
		return;
	}
	if (ipc_msg_get(msg, &ack) == -1 || !ipc_status_ok(ack.head.status) ||
	    ack.generation > (uint64_t)m->generation) {
		snprintf(why, sizeof(why), "%s: bad cfg.ack", proc_name(c->id));
		children_stop(m, 1, why);
		return;
	}
	(void)chan;
	if (c->id == PROC_AUTHD && ack.generation == m->generation)
		push_child(m, &m->children[PROC_FRONTD], !m->started);
	config_acked(m, c, ack.generation);
}
