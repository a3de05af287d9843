#include <sys/types.h>
#include <sys/prctl.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <unistd.h>

#include "body_cfg.h"
#include "body_egress.h"
#include "daemon.h"
#include "egresscheck.h"
#include "ipc.h"
#include "log.h"
#include "sandbox.h"
#include "util.h"

extern char	**environ;

static pid_t	 daemon_parent;

static __attribute__((noreturn)) void
usage(const char *name)
{
	fprintf(stderr, "usage: %s [-dv] [-r dir] [-u user]\n"
	    "%s is started by moatd, not by hand\n", name, name);
	exit(1);
}

/* whether moatd started the SSH gateway, with a link to us */
static int	 gateway_linked;

void
daemon_child_init(int argc, char *argv[], enum proc_id self,
    struct daemon_opts *o)
{
	const char	*name = proc_name(self);
	int		 ch, p;

	setproctitle_init(argc, argv, environ);
	memset(o, 0, sizeof(*o));
	o->user = proc_default_user(self);
	while ((ch = getopt(argc, argv, "dr:u:v")) != -1) {
		switch (ch) {
		case 'd':
			o->foreground = 1;
			break;
		case 'r':
			o->root = optarg;
			break;
		case 'u':
			o->user = optarg;
			break;
		case 'v':
			o->verbose++;
			break;
		default:
			usage(name);
		}
	}
	if (optind != argc)
		usage(name);
	/* the SSH gateway runs only with "listen ssh": its link is there
	 * or not now, before anything of ours can take its number */
	gateway_linked = self != PROC_GATEWAYD &&
	    proc_linked(self, PROC_GATEWAYD) &&
	    fcntl(proc_link_fd(PROC_GATEWAYD), F_GETFD) != -1;
	for (p = 0; p < PROC_MAX; p++) {
		if (p == (int)self || p == PROC_MOATCTL ||
		    p == PROC_GATEWAYD || !proc_linked(self, p))
			continue;
		if (fcntl(proc_link_fd(p), F_GETFD) == -1) {
			fprintf(stderr, "%s: no link to %s on fd %d: start the "
			    "suite with moatd\n", name, proc_name(p),
			    proc_link_fd(p));
			exit(1);
		}
	}
	if ((self == PROC_FRONTD || self == PROC_AUTHD) &&
	    fcntl(PROC_FD_TLSSIGN, F_GETFD) == -1) {
		fprintf(stderr, "%s: no signing link on fd %d: start the suite "
		    "with moatd\n", name, PROC_FD_TLSSIGN);
		exit(1);
	}
	log_procinit(name);
	log_init(o->foreground, LOG_DAEMON);
	log_setverbose(o->verbose);
	/* moatd alone decides when the suite stops. */
	signal(SIGINT, SIG_IGN);
	signal(SIGTERM, SIG_IGN);
	signal(SIGHUP, SIG_IGN);
	signal(SIGPIPE, SIG_IGN);
	o->was_root = geteuid() == 0;
	daemon_parent = getppid();
	setproctitle("-moat: %s", name);
}

static void
libevent_log(int severity, const char *msg)
{
	/* the refused pipe is expected: see daemon_event_base() */
	if (severity >= EVENT_LOG_WARN &&
	    strstr(msg, "evutil_make_internal_pipe_") == NULL)
		log_warnx("libevent: %s", msg);
	else
		log_debug("libevent: %s", msg);
}

/*
 * Made inside the sandbox, where pipes are refused: libevent then falls
 * back to a socketpair for its internal wake-up channel, and the process
 * holds sockets only.
 */
int
daemon_get_common(struct ipc_msg *m, struct daemon_config *c)
{
	struct ipc_cfg_common	 b;

	if (ipc_msg_get(m, &b) == -1)
		return -1;
	if (b.ipc_timeout_ms < 100 || b.ipc_timeout_ms > 60000)
		return ipc_violation(m, "ipc timeout out of range");
	c->verbose = b.verbose;
	c->ipc_timeout_ms = b.ipc_timeout_ms;
	return 0;
}

int
daemon_config_done(struct ipc_chan *chan, struct ipc_msg *m,
    void (*apply)(void))
{
	struct ipc_req		 req = ipc_req_of(chan, m);
	struct ipc_cfg_done	 done;
	struct ipc_cfg_ack	 ack;

	if (ipc_msg_get(m, &done) == -1)
		return -1;
	apply();
	memset(&ack, 0, sizeof(ack));
	ack.head.status = 200;
	strlcpy(ack.head.message, "ok", sizeof(ack.head.message));
	ack.generation = done.generation;
	ipc_answer(&req, &ack, NULL);
	return 0;
}

int
daemon_proc_start(struct ipc_msg *m, int *serving)
{
	if (ipc_msg_get(m, NULL) == -1)
		return -1;
	if (*serving)
		return ipc_violation(m, "started twice");
	*serving = 1;
	return 0;
}

int
daemon_get_egress(struct ipc_msg *m, struct egress_allow *allow)
{
	struct ipc_cfg_egress		 b;
	struct ipc_cfg_egress_range	 range;
	int				 rc;

	memset(allow, 0, sizeof(*allow));
	if (ipc_msg_get(m, &b) == -1)
		return -1;
	if (b.count > EGRESS_ALLOW_MAX)
		return ipc_violation(m, "too many egress allowances");
	while ((rc = ipc_msg_get_item(m, &range)) == 1)
		if (egress_allow_add(allow, range.range) == -1)
			return ipc_violation(m, "an egress allowance is no "
			    "range, or one too many");
	if (rc == -1)
		return -1;
	if (allow->n != b.count)
		return ipc_violation(m, "egress allowances miscounted");
	return 0;
}

void
daemon_pem_clear(char **pem, size_t *len)
{
	if (*pem != NULL) {
		explicit_bzero(*pem, *len);
		free(*pem);
	}
	*pem = NULL;
	*len = 0;
}

/*
 * A PEM file that moatd opened for us: its path (for the log) and the
 * descriptor.  A file that cannot be read is logged and leaves *pem NULL,
 * so that the caller keeps what it has.
 */
int
daemon_get_pem(struct ipc_msg *m, char **pem, size_t *len)
{
	struct ipc_cfg_file	 b;
	ssize_t			 n;

	/* the descriptor field is read even after a field that failed */
	if (ipc_msg_get(m, &b) == -1) {
		if (b.fd != -1)
			close(b.fd);
		return -1;
	}
	daemon_pem_clear(pem, len);
	if ((*pem = malloc(DAEMON_PEM_MAX + 1)) == NULL)
		fatal("%s", __func__);
	n = read_all_fd(b.fd, *pem, DAEMON_PEM_MAX);
	close(b.fd);
	if (n <= 0) {
		log_warnx("tls: %s is empty, unreadable or over %d bytes",
		    b.path, DAEMON_PEM_MAX);
		*len = DAEMON_PEM_MAX;
		daemon_pem_clear(pem, len);
		return 0;
	}
	(*pem)[n] = '\0';
	*len = n;
	return 0;
}

struct event_base *
daemon_event_base(void)
{
	struct event_config	*cfg;
	struct event_base	*base;

	event_set_log_callback(libevent_log);
	/* Single-threaded processes: no locks in the event loop. */
	if ((cfg = event_config_new()) == NULL)
		fatalx("event_config_new");
	event_config_set_flag(cfg, EVENT_BASE_FLAG_NOLOCK);
	if ((base = event_base_new_with_config(cfg)) == NULL)
		fatalx("event_base_new");
	event_config_free(cfg);
	return base;
}

void
daemon_bind_to_parent(void)
{
	/* PDEATHSIG is cleared by a credential change: set it after. */
	if (prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0) == -1)
		fatal("PR_SET_PDEATHSIG");
	if (getppid() != daemon_parent)
		fatalx("moatd is gone");
}

void
daemon_peer_closed(struct ipc_chan *chan, const char *why, void *arg)
{
	(void)arg;
	if (why == NULL && chan->peer == PROC_MOATD) {
		log_debug("moatd closed its channel: exiting");
		exit(0);
	}
	if (why != NULL)
		fatalx("failing closed after a violation by %s",
		    proc_name(chan->peer));
	/* moatd tells why the suite stops; this is only its echo */
	log_debug("lost %s: exiting", proc_name(chan->peer));
	exit(DAEMON_EXIT_PEER_LOST);
}

void
daemon_link_peers(struct event_base *base, enum proc_id self,
    struct ipc_chan *chans[PROC_MAX], ipc_dispatch_cb dispatch, void *arg)
{
	int	 p;

	for (p = 0; p < PROC_MAX; p++) {
		chans[p] = NULL;
		if (p == (int)self || !proc_linked(self, p) ||
		    p == PROC_MOATCTL)
			continue;
		/* no gateway configured: moatd left its slot empty */
		if (p == PROC_GATEWAYD && !gateway_linked)
			continue;
		chans[p] = ipc_chan_new(base, proc_link_fd(p), self, p,
		    dispatch, daemon_peer_closed, arg);
	}
}

#ifdef MOAT_TEST
static void
test_forbidden(int sig)
{
	(void)sig;
	sandbox_test_forbidden();
}
#endif

/*
 * A plain handler rather than a libevent signal event: that would need a
 * notification pipe, and the tests check that frontd holds only sockets.
 */
void
daemon_test_hooks(void)
{
#ifdef MOAT_TEST
	struct sigaction	 sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = test_forbidden;
	if (sigaction(SIGUSR2, &sa, NULL) == -1)
		fatal("test hook");
#endif
}
