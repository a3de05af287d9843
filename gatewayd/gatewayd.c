/*
 * gatewayd: the SSH gateway's parent (gatewayd.h).  It holds the
 * listening socket and the host key moatd handed over, accepts, and
 * forks a child per connection (conn.c) that keeps none of its links;
 * it passes what a child asks on to authd (a login) or taskd (a
 * session), checked whole, and hands the child the session's socket.
 * It opens no file: Landlock allows none, and seccomp kills anything
 * but messages, accepting, forking and a terminal's window size.
 */
#include <sys/types.h>
#include <sys/resource.h>
#include <sys/socket.h>

#include <netinet/in.h>
#include <arpa/inet.h>

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "body_cfg.h"
#include "daemon.h"
#include "dispatch.h"
#include "gatewayd.h"
#include "hostlife.h"
#include "log.h"
#include "sandbox.h"

struct conn {
	TAILQ_ENTRY(conn)	 entry;
	uint64_t		 id;
	pid_t			 pid;
	int			 sock;		/* to the child */
	struct event		*ev;
	char			 peer[AUTH_PEER_LEN];
	char			 short_id[HOST_SHORT_ID_LEN + 1];
	char			 ticket[GW_TICKET_LEN + 1];
	int			 authed;
	int			 permitted;	/* taskd holds a permit */
	int			 pending_fd;	/* gw.session.fd, awaited */
	uint32_t		 pending_open;
};

static struct {
	struct event_base	*base;
	struct ipc_chan		*chans[PROC_MAX];
	struct ipc_dispatcher	 dispatcher;
	struct daemon_config	 pending, conf;
	ssh_bind		 bind;
	int			 have_key;
	int			 listen_fd;
	struct event		*listen_ev;
	int			 serving;
	uint64_t		 next_id;
	uint32_t		 next_open;
	int			 nconns;
	TAILQ_HEAD(, conn)	 conns;
} gw = { .listen_fd = -1 };

static void	 conn_readable(evutil_socket_t, short, void *);

static void
conn_free(struct conn *c)
{
	struct ipc_gw_conn_closed	 b;
	struct ipc_msg			 m;

	if (c->permitted) {
		b.conn_id = c->id;
		ipc_msg_init(&m, IPC_GW_CONN_CLOSED, 0);
		ipc_msg_put(&m, &b);
		(void)ipc_send(gw.chans[PROC_TASKD], &m);
	}
	TAILQ_REMOVE(&gw.conns, c, entry);
	gw.nconns--;
	if (c->ev != NULL)
		event_free(c->ev);
	close(c->sock);
	if (c->pending_fd != -1)
		close(c->pending_fd);
	if (c->pid > 0)
		kill(c->pid, SIGKILL);
	explicit_bzero(c, sizeof(*c));
	free(c);
}

static struct conn *
conn_by_id(uint64_t id)
{
	struct conn	*c;

	TAILQ_FOREACH(c, &gw.conns, entry)
		if (c->id == id)
			return c;
	return NULL;
}

static void
down(struct conn *c, uint32_t type, uint32_t chan_id, int ok,
    const char *message, int fd)
{
	struct gw_down	 d;

	memset(&d, 0, sizeof(d));
	d.type = type;
	d.chan_id = chan_id;
	d.ok = ok;
	strlcpy(d.message, message, sizeof(d.message));
	(void)gwmsg_send(c->sock, &d, sizeof(d), fd);
}

/* ---- logins, through authd ---------------------------------------- */

static void
auth_answered(struct ipc_chan *chan, struct ipc_msg *m, void *arg)
{
	uint64_t		 id = (uintptr_t)arg;
	struct ipc_gw_auth_res	 r;
	struct conn		*c;
	int			 ok;

	(void)chan;
	memset(&r, 0, sizeof(r));
	ok = m != NULL && ipc_msg_get(m, &r) == 0 &&
	    ipc_status_ok(r.head.status);
	if ((c = conn_by_id(id)) == NULL) {
		explicit_bzero(&r, sizeof(r));
		return;
	}
	if (ok && r.ticket[0] != '\0') {
		strlcpy(c->ticket, r.ticket, sizeof(c->ticket));
		c->authed = c->permitted = 1;
	}
	down(c, GWDOWN_AUTH, 0, ok, m == NULL ? "try again later" :
	    r.head.message, -1);
	explicit_bzero(&r, sizeof(r));
}

static void
ask_auth(struct conn *c, const struct gw_up *u)
{
	struct ipc_gw_auth	 b;
	struct ipc_msg		 m;

	if (c->authed) {
		down(c, GWDOWN_AUTH, 0, 0, "invalid credentials", -1);
		return;
	}
	memset(&b, 0, sizeof(b));
	b.conn_id = c->id;
	/* a name that is no short id is judged too ("": no host), so
	 * that it is counted and recorded as any failure */
	if (host_short_id_ok(u->user))
		strlcpy(b.short_id, u->user, sizeof(b.short_id));
	strlcpy(c->short_id, b.short_id, sizeof(c->short_id));
	b.method = u->method;
	b.probe = u->probe;
	strlcpy(b.peer, c->peer, sizeof(b.peer));
	strlcpy(b.key_type, u->key_type, sizeof(b.key_type));
	strlcpy(b.secret, u->secret, sizeof(b.secret));
	ipc_msg_init(&m, IPC_GW_AUTH, 0);
	ipc_msg_put(&m, &b);
	explicit_bzero(&b, sizeof(b));
	if (ipc_request(gw.chans[PROC_AUTHD], &m, GW_ANSWER_TIMEOUT * 1000,
	    auth_answered, (void *)(uintptr_t)c->id) == -1)
		down(c, GWDOWN_AUTH, 0, 0, "try again later", -1);
}

/* ---- sessions, through taskd ---------------------------------------- */

static struct conn *
conn_by_open(uint32_t open_id)
{
	struct conn	*c;

	TAILQ_FOREACH(c, &gw.conns, entry)
		if (c->pending_open == open_id)
			return c;
	return NULL;
}

static int
session_fd(struct ipc_chan *chan, struct ipc_msg *m)
{
	struct ipc_gw_session_fd b;
	struct conn		*c;

	(void)chan;
	if (ipc_msg_get(m, &b) == -1) {
		if (b.fd != -1)
			close(b.fd);
		return -1;
	}
	if ((c = conn_by_open(b.open_id)) == NULL || c->pending_fd != -1) {
		close(b.fd);
		return 0;
	}
	c->pending_fd = b.fd;
	return 0;
}

static void
open_answered(struct ipc_chan *chan, struct ipc_msg *m, void *arg)
{
	struct ipc_gw_session_res r;
	struct conn		*c;
	uint32_t		 open_id = (uintptr_t)arg;
	uint32_t		 chan_id;
	int			 ok;

	(void)chan;
	if ((c = conn_by_open(open_id)) == NULL)
		return;
	memset(&r, 0, sizeof(r));
	ok = m != NULL && ipc_msg_get(m, &r) == 0 &&
	    ipc_status_ok(r.head.status) && c->pending_fd != -1;
	chan_id = c->pending_open >> 24;
	c->pending_open = 0;
	down(c, GWDOWN_OPEN, chan_id, ok, m == NULL ? "no answer" :
	    r.head.message, ok ? c->pending_fd : -1);
	if (c->pending_fd != -1)
		close(c->pending_fd);
	c->pending_fd = -1;
}

static void
ask_open(struct conn *c, const struct gw_up *u)
{
	struct ipc_gw_session_open	 b;
	struct ipc_msg			 m;

	if (!c->authed || c->pending_open != 0) {
		down(c, GWDOWN_OPEN, u->chan_id, 0, "not now", -1);
		return;
	}
	memset(&b, 0, sizeof(b));
	strlcpy(b.ticket, c->ticket, sizeof(b.ticket));
	b.conn_id = c->id;
	/* the channel in the top byte: an answer finds both */
	b.open_id = (u->chan_id << 24) | (++gw.next_open & 0xffffff);
	b.kind = u->kind;
	b.tty = u->tty;
	b.cols = u->cols;
	b.rows = u->rows;
	strlcpy(b.term, u->term, sizeof(b.term));
	strlcpy(b.command, u->command, sizeof(b.command));
	c->pending_open = b.open_id;
	ipc_msg_init(&m, IPC_GW_SESSION_OPEN, 0);
	ipc_msg_put(&m, &b);
	explicit_bzero(&b.ticket, sizeof(b.ticket));
	if (ipc_request(gw.chans[PROC_TASKD], &m, GW_ANSWER_TIMEOUT * 1000,
	    open_answered, (void *)(uintptr_t)c->pending_open) == -1) {
		c->pending_open = 0;
		down(c, GWDOWN_OPEN, u->chan_id, 0, "no session", -1);
	}
}

/* ---- the connections' children -------------------------------------- */

static void
conn_readable(evutil_socket_t fd, short ev, void *arg)
{
	struct conn	*c = arg;
	struct gw_up	*u;
	const char	*why;
	ssize_t		 n;
	int		 fds[2], nfds, i;

	(void)ev;
	if ((u = malloc(sizeof(*u))) == NULL)
		fatal("malloc");
	n = gwmsg_recv(fd, u, sizeof(*u), fds, &nfds);
	for (i = 0; i < nfds; i++)
		close(fds[i]);		/* a child passes none */
	if (n == -1 && (errno == EAGAIN || errno == EINTR)) {
		free(u);
		return;
	}
	if (n <= 0 || gwmsg_up_check(u, n, &why) == -1) {
		if (n > 0)
			log_warnx("connection %llu: %s: cut",
			    (unsigned long long)c->id, why);
		else if (n == 0)
			c->pid = 0;	/* it ended: its pid may be another's */
		explicit_bzero(u, sizeof(*u));
		free(u);
		conn_free(c);
		return;
	}
	if (u->type == GWUP_AUTH)
		ask_auth(c, u);
	else
		ask_open(c, u);
	explicit_bzero(u, sizeof(*u));
	free(u);
}

static void
peer_text(const struct sockaddr_storage *ss, char *dst, size_t len)
{
	const struct sockaddr_in	*in4 = (const void *)ss;
	const struct sockaddr_in6	*in6 = (const void *)ss;

	dst[0] = '\0';
	if (ss->ss_family == AF_INET)
		inet_ntop(AF_INET, &in4->sin_addr, dst, len);
	else if (ss->ss_family == AF_INET6)
		inet_ntop(AF_INET6, &in6->sin6_addr, dst, len);
}

static int
per_address(const char *peer)
{
	struct conn	*c;
	int		 n = 0;

	TAILQ_FOREACH(c, &gw.conns, entry)
		if (strcmp(c->peer, peer) == 0)
			n++;
	return n;
}

/* In the child: none of the parent's links, listener or other children. */
static void
child_close_parent(struct conn *self)
{
	struct conn	*c;
	int		 p;

	for (p = 0; p < PROC_MAX; p++)
		if (gw.chans[p] != NULL)
			close(gw.chans[p]->fd);
	close(gw.listen_fd);
	TAILQ_FOREACH(c, &gw.conns, entry)
		if (c != self)
			close(c->sock);
}

static void
accepted(evutil_socket_t lfd, short ev, void *arg)
{
	struct sockaddr_storage	 ss;
	socklen_t		 sslen = sizeof(ss);
	struct conn		*c;
	int			 fd, sv[2];

	(void)ev;
	(void)arg;
	if ((fd = accept4(lfd, (struct sockaddr *)&ss, &sslen,
	    SOCK_CLOEXEC)) == -1)
		return;
	if ((c = calloc(1, sizeof(*c))) == NULL)
		fatal("calloc");
	peer_text(&ss, c->peer, sizeof(c->peer));
	if (gw.nconns >= GW_MAX_CONNECTIONS ||
	    per_address(c->peer) >= GW_MAX_PER_ADDRESS ||
	    socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) == -1) {
		log_info("ssh: %s refused: too many connections", c->peer);
		free(c);
		close(fd);
		return;
	}
	c->id = ++gw.next_id;
	c->sock = sv[0];
	c->pending_fd = -1;
	TAILQ_INSERT_TAIL(&gw.conns, c, entry);
	gw.nconns++;
	if ((c->pid = fork()) == 0) {
		child_close_parent(c);
		close(sv[0]);
		sandbox_seal_child();
		conn_main(gw.bind, fd, sv[1]);
	}
	close(sv[1]);
	close(fd);
	c->ev = event_new(gw.base, c->sock, EV_READ | EV_PERSIST,
	    conn_readable, c);
	if (c->pid == -1 || c->ev == NULL || event_add(c->ev, NULL) == -1)
		conn_free(c);	/* kills the child, if there is one */
}

/* ---- configuration ---------------------------------------------------- */

static int
cfg_common(struct ipc_chan *chan, struct ipc_msg *m)
{
	(void)chan;
	return daemon_get_common(m, &gw.pending);
}

static int
cfg_listen(struct ipc_chan *chan, struct ipc_msg *m)
{
	struct ipc_cfg_listen	 b;

	(void)chan;
	if (ipc_msg_get(m, &b) == -1) {
		if (b.fd != -1)
			close(b.fd);
		return -1;
	}
	if (gw.listen_fd != -1) {
		close(b.fd);
		return ipc_violation(m, "a second listener");
	}
	gw.listen_fd = b.fd;
	return 0;
}

static int
cfg_hostkey(struct ipc_chan *chan, struct ipc_msg *m)
{
	ssh_key	 key = NULL;
	char	*pem = NULL;
	size_t	 len = 0;

	(void)chan;
	if (daemon_get_pem(m, &pem, &len) == -1)
		return -1;
	if (gw.have_key) {	/* a reload: the key of the start stays */
		daemon_pem_clear(&pem, &len);
		return 0;
	}
	if (pem == NULL || ssh_pki_import_privkey_base64(pem, NULL, NULL,
	    NULL, &key) != SSH_OK || ssh_bind_options_set(gw.bind,
	    SSH_BIND_OPTIONS_IMPORT_KEY, key) != SSH_OK)
		fatalx("the SSH host key cannot be used");
	daemon_pem_clear(&pem, &len);
	gw.have_key = 1;
	return 0;
}

static void
apply(void)
{
	gw.conf = gw.pending;
	log_setverbose(gw.conf.verbose);
}

static int
cfg_done(struct ipc_chan *chan, struct ipc_msg *m)
{
	return daemon_config_done(chan, m, apply);
}

static int
proc_start(struct ipc_chan *chan, struct ipc_msg *m)
{
	(void)chan;
	if (daemon_proc_start(m, &gw.serving) == -1)
		return -1;
	if (gw.listen_fd == -1 || !gw.have_key)
		fatalx("no listener or no host key");
	if (fcntl(gw.listen_fd, F_SETFL, O_NONBLOCK) == -1)
		fatal("fcntl");
	gw.listen_ev = event_new(gw.base, gw.listen_fd, EV_READ | EV_PERSIST,
	    accepted, NULL);
	if (gw.listen_ev == NULL || event_add(gw.listen_ev, NULL) == -1)
		fatalx("event for the listener");
	return 0;
}

static const struct ipc_handler handlers[] = {
	{ IPC_CFG_COMMON, cfg_common, 0 },
	{ IPC_CFG_LISTEN, cfg_listen, 0 },
	{ IPC_CFG_SSH_HOSTKEY, cfg_hostkey, 0 },
	{ IPC_CFG_DONE, cfg_done, IPC_H_CONFIGURES },
	{ IPC_PROC_START, proc_start, IPC_H_ONCE },
	{ IPC_GW_SESSION_FD, session_fd, 0 },
};

/* Exported for the unit test that checks every process's table. */
const struct ipc_dispatch_table dispatch_table = {
	PROC_GATEWAYD, handlers, sizeof(handlers) / sizeof(handlers[0])
};

int
main(int argc, char *argv[])
{
	struct daemon_opts	 opts;
	struct sandbox_policy	 policy;
	struct rlimit		 nproc;
	int			 off = 0;

	daemon_child_init(argc, argv, PROC_GATEWAYD, &opts);
	TAILQ_INIT(&gw.conns);
	daemon_test_hooks();
	/* libssh and OpenSSL read what they need now, before the sandbox */
	if (ssh_init() != SSH_OK || (gw.bind = ssh_bind_new()) == NULL ||
	    ssh_bind_options_set(gw.bind, SSH_BIND_OPTIONS_PROCESS_CONFIG,
	    &off) != SSH_OK)
		fatalx("cannot initialize libssh");
	/* children are reaped by the kernel; each one's socket says when
	 * its connection ended */
	signal(SIGCHLD, SIG_IGN);
	signal(SIGPIPE, SIG_IGN);
	sandbox_drop_privileges(opts.user, opts.root);
	/* a connection's child that runs code of an attacker's forks no
	 * further than the connections gatewayd serves (its user runs
	 * nothing else; twice the cap leaves room for a second suite) */
	nproc.rlim_cur = nproc.rlim_max = 2 * GW_MAX_CONNECTIONS + 16;
	if (setrlimit(RLIMIT_NPROC, &nproc) == -1)
		fatal("setrlimit RLIMIT_NPROC");
	daemon_bind_to_parent();
	memset(&policy, 0, sizeof(policy));
	policy.name = "gatewayd";
	policy.groups = SB_STDIO | SB_EVENT | SB_IPC | SB_INET | SB_FORK;
	policy.deny_tcp = 1;
	policy.no_files = 1;
	sandbox_enter(&policy);
	gw.base = daemon_event_base();
	ipc_dispatcher_init(&gw.dispatcher, &dispatch_table);
	daemon_link_peers(gw.base, PROC_GATEWAYD, gw.chans, ipc_dispatch,
	    &gw.dispatcher);
	event_base_dispatch(gw.base);
	return 0;
}
