/*
 * Starting the children with their links on known descriptors, and
 * stopping them: on request, or because one died (fail closed).
 */
#include <sys/types.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "daemon.h"
#include "log.h"
#include "moatd.h"
#include "util.h"

/* ms that children get to exit after their link closes */
#define STOP_GRACE_MS	800

static int	 links[PROC_MAX][PROC_MAX];	/* [self][peer] = fd */
static int	 signlink[2] = { -1, -1 };	/* frontd's end, authd's */
static int	 dispatch_child(struct ipc_chan *, struct ipc_msg *, void *);
static void	 child_chan_closed(struct ipc_chan *, const char *, void *);

int
child_started(const struct moatd *m, int id)
{
	return m->children[id].pid != 0;
}

/* Without "listen ssh" there is no gateway, nor a link to it. */
static int
wanted(const struct moatd *m, int id)
{
	return id != PROC_GATEWAYD || gateway_wanted(m->conf);
}

static void
make_links(struct moatd *m)
{
	int	 a, b, sv[2];

	for (a = 0; a < PROC_MAX; a++)
		for (b = 0; b < PROC_MAX; b++)
			links[a][b] = -1;
	for (a = 0; a <= PROC_LAST_CHILD; a++) {
		for (b = a + 1; b <= PROC_LAST_CHILD; b++) {
			if (!proc_linked(a, b) || !wanted(m, a) ||
			    !wanted(m, b))
				continue;
			if (ipc_socketpair(sv) == -1)
				fatal("socketpair %s-%s", proc_name(a),
				    proc_name(b));
			links[a][b] = sv[0];
			links[b][a] = sv[1];
		}
	}
	if (ipc_socketpair(signlink) == -1)
		fatal("socketpair for the signing link");
}

/* The descriptor a child finds on slot p: its link to peer p, or for
 * p == PROC_MAX the signing link (PROC_FD_TLSSIGN). */
static int
link_source(enum proc_id id, int p, int tomoatd)
{
	if (p == PROC_MAX)
		return id == PROC_FRONTD ? signlink[0] :
		    id == PROC_AUTHD ? signlink[1] : -1;
	return p == PROC_MOATD ? tomoatd : links[id][p];
}

static const char *
child_root(const struct moat_config *conf, enum proc_id id)
{
	switch (id) {
	case PROC_STORED:
		return conf->db_dir;
	case PROC_TASKD:
		return setup_task_dir(conf);
	default:
		return conf->empty_dir;
	}
}

/*
 * The environment a child gets: nothing from ours, except in test builds
 * the settings of the sanitizers and of the test hooks.
 */
static char **
child_environment(void)
{
	static char	*envp[16];
	size_t		 n = 0;
#ifdef MOAT_TEST
	static const char *const pass[] = { "ASAN_OPTIONS", "UBSAN_OPTIONS",
	    "LSAN_OPTIONS", "MOAT_TEST_NOSANDBOX", "MOAT_TEST_ACME_CHALLENGES",
	    "MOAT_TEST_HTTP01_PRESENT", "MOAT_TEST_HTTP01_CLEANUP",
	    "MOAT_TEST_ACME_PAUSE", "MOAT_TEST_ACME_FORBIDDEN", NULL };
	size_t		 i;
	char		*v;

	for (i = 0; pass[i] != NULL && n < 15; i++) {
		if ((v = getenv(pass[i])) == NULL)
			continue;
		if (asprintf(&envp[n], "%s=%s", pass[i], v) == -1)
			fatal("asprintf");
		n++;
	}
#endif
	envp[n] = NULL;
	return envp;
}

/*
 * A child's standard descriptors: /dev/null, and in the foreground a
 * datagram socket to moatd for stderr, which moatd copies to its own.
 * So a child holds no file of ours, not even a log file.
 */
static void
place_stdio(int logsock)
{
	int	 null;

	if ((null = open("/dev/null", O_RDWR)) == -1)
		_exit(126);
	if (dup2(null, STDIN_FILENO) == -1 || dup2(null, STDOUT_FILENO) == -1 ||
	    dup2(logsock != -1 ? logsock : null, STDERR_FILENO) == -1)
		_exit(126);
	if (null > STDERR_FILENO)
		close(null);
}

static void
relay_log(evutil_socket_t fd, short ev, void *arg)
{
	char	 buf[8192];
	ssize_t	 n;

	(void)ev;
	(void)arg;
	while ((n = recv(fd, buf, sizeof(buf), MSG_DONTWAIT)) > 0) {
		if (write(STDERR_FILENO, buf, n) == -1)
			break;
	}
}

static void
start_log_relay(struct moatd *m, struct child *c, int *childend)
{
	int	 sv[2];

	*childend = -1;
	c->logfd = -1;
	if (!m->foreground)
		return;
	if (socketpair(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0, sv) == -1)
		fatal("socketpair for the log of %s", proc_name(c->id));
	c->logfd = sv[0];
	*childend = sv[1];
	c->logev = event_new(m->base, sv[0], EV_READ | EV_PERSIST, relay_log,
	    c);
	if (c->logev == NULL || event_add(c->logev, NULL) == -1)
		fatalx("event for the log of %s", proc_name(c->id));
}

/* In the child after fork: each link onto PROC_FD_BASE + peer, and the
 * signing link after them. */
static void
place_links(enum proc_id id, int tomoatd)
{
	int	 high[PROC_MAX + 1], p;

	for (p = 0; p <= PROC_MAX; p++) {
		int	 src = link_source(id, p, tomoatd);

		high[p] = -1;
		if (src == -1)
			continue;
		if ((high[p] = fcntl(src, F_DUPFD_CLOEXEC, 64)) == -1)
			_exit(126);
	}
	for (p = 0; p <= PROC_MAX; p++) {
		if (high[p] == -1) {
			/* an unused slot holds nothing either */
			close(PROC_FD_BASE + p);
			continue;
		}
		/* dup2 clears close-on-exec on the target */
		if (dup2(high[p], PROC_FD_BASE + p) == -1)
			_exit(126);
	}
	/* Nothing else crosses exec, even what lacks close-on-exec. */
	if (close_range(PROC_FD_TLSSIGN + 1, ~0U, 0) == -1)
		_exit(126);
}

static void
child_argv(struct moatd *m, struct child *c, char **argv)
{
	static char	 verbose[8];
	int		 n = 0, i;

	argv[n++] = (char *)proc_name(c->id);
	if (m->foreground)
		argv[n++] = "-d";
	if (m->verbose > 0 || m->conf->log_verbose) {
		strlcpy(verbose, "-", sizeof(verbose));
		for (i = 0; i < m->verbose && i < 3; i++)
			strlcat(verbose, "v", sizeof(verbose));
		if (i == 0)
			strlcat(verbose, "v", sizeof(verbose));
		argv[n++] = verbose;
	}
	argv[n++] = "-r";
	argv[n++] = (char *)child_root(m->conf, c->id);
	argv[n++] = "-u";
	argv[n++] = c->user;
	argv[n] = NULL;
}

static void
spawn(struct moatd *m, struct child *c, const char *path)
{
	char		*argv[10];
	int		 sv[2], logsock;
	pid_t		 pid;
	struct passwd	*pw;

	if (ipc_socketpair(sv) == -1)
		fatal("socketpair moatd-%s", proc_name(c->id));
	strlcpy(c->user, m->conf->user[c->id], sizeof(c->user));
	if (geteuid() == 0) {
		if ((pw = getpwnam(c->user)) == NULL)
			fatalx("user %s for %s does not exist (make run and the "
			    "packages create it)", c->user, proc_name(c->id));
		c->uid = pw->pw_uid;
	} else {
		c->uid = geteuid();
		if ((pw = getpwuid(c->uid)) != NULL)
			strlcpy(c->user, pw->pw_name, sizeof(c->user));
	}
	child_argv(m, c, argv);
	start_log_relay(m, c, &logsock);
	switch ((pid = fork())) {
	case -1:
		fatal("fork");
	case 0:
		place_stdio(logsock);
		place_links(c->id, sv[1]);
		execve(path, argv, child_environment());
		fprintf(stderr, "moatd: exec %s: %s\n", path, strerror(errno));
		_exit(127);
	}
	close(sv[1]);
	if (logsock != -1)
		close(logsock);
	c->pid = pid;
	c->started = time(NULL);
	c->chan = ipc_chan_new(m->base, sv[0], PROC_MOATD, c->id,
	    dispatch_child, child_chan_closed, c);
	log_debug("started %s, pid %d, as %s", proc_name(c->id), (int)pid,
	    c->user);
}

void
children_start(struct moatd *m)
{
	char	 path[PATH_MAX];
	int	 id, p;

	make_links(m);
	for (id = PROC_FIRST_CHILD; id <= PROC_LAST_CHILD; id++) {
		m->children[id].parent = m;
		m->children[id].id = id;
		m->children[id].logfd = -1;
		if (!wanted(m, id))
			continue;
		program_path(proc_name(id), path, sizeof(path));
		spawn(m, &m->children[id], path);
	}
	/* moatd keeps none of the links between children. */
	for (id = 0; id < PROC_MAX; id++)
		for (p = 0; p < PROC_MAX; p++)
			if (links[id][p] != -1) {
				close(links[id][p]);
				links[id][p] = -1;
			}
	for (p = 0; p < 2; p++) {
		close(signlink[p]);
		signlink[p] = -1;
	}
}

static void
describe_status(int status, char *dst, size_t len)
{
	if (WIFSIGNALED(status))
		snprintf(dst, len, "was killed by signal %d (%s)",
		    WTERMSIG(status), strsignal(WTERMSIG(status)));
	else if (WIFEXITED(status))
		snprintf(dst, len, "exited with status %d",
		    WEXITSTATUS(status));
	else
		snprintf(dst, len, "ended with wait status %#x", status);
}

static int
all_exited(struct moatd *m)
{
	int	 id;

	for (id = PROC_FIRST_CHILD; id <= PROC_LAST_CHILD; id++)
		if (m->children[id].pid != 0 && !m->children[id].exited)
			return 0;
	return 1;
}

/* Every child has exited: the event loop ends, and main() with it. */
static void
finish(struct moatd *m)
{
	int	 id;

	/* the last words of the children */
	for (id = PROC_FIRST_CHILD; id <= PROC_LAST_CHILD; id++)
		if (child_started(m, id) && m->children[id].logfd != -1)
			relay_log(m->children[id].logfd, 0, NULL);
	if (event_base_loopbreak(m->base) == -1)
		fatalx("event_base_loopbreak");
}

/* an exit that only echoes the death of another child */
static int
is_echo(int status)
{
	return WIFEXITED(status) && WEXITSTATUS(status) == DAEMON_EXIT_PEER_LOST;
}

void
children_reap(struct moatd *m)
{
	char	 how[128];
	pid_t	 pid;
	int	 status, id;

	while ((pid = waitpid(-1, &status, WNOHANG)) > 0) {
		for (id = PROC_FIRST_CHILD; id <= PROC_LAST_CHILD; id++) {
			struct child	*c = &m->children[id];

			if (c->pid != pid)
				continue;
			c->exited = 1;
			describe_status(status, how, sizeof(how));
			if (is_echo(status) || (m->stopping && m->cause_known)) {
				log_debug("%s (pid %d) %s", proc_name(id),
				    (int)pid, how);
				if (!m->stopping)
					children_stop(m, 1, NULL);
				continue;
			}
			if (m->stopping && status == 0)
				continue;	/* it did as told */
			m->cause_known = 1;
			log_warnx("%s (pid %d) %s: stopping the suite",
			    proc_name(id), (int)pid, how);
			children_stop(m, 1, NULL);
		}
	}
	if (m->stopping && all_exited(m))
		finish(m);
}

static void
stop_deadline(evutil_socket_t fd, short ev, void *arg)
{
	struct moatd	*m = arg;
	int		 id, status;

	(void)fd;
	(void)ev;
	for (id = PROC_FIRST_CHILD; id <= PROC_LAST_CHILD; id++) {
		struct child	*c = &m->children[id];

		if (c->pid == 0 || c->exited)
			continue;
		log_warnx("%s (pid %d) did not exit: killing it",
		    proc_name(id), (int)c->pid);
		kill(c->pid, SIGKILL);
		if (waitpid(c->pid, &status, 0) == c->pid)
			c->exited = 1;
	}
	finish(m);
}

void
children_stop(struct moatd *m, int exit_code, const char *why)
{
	struct timeval	 tv = { 0, STOP_GRACE_MS * 1000 };
	int		 id;

	if (why != NULL) {
		log_warnx("%s", why);
		m->cause_known = 1;
	}
	if (m->stopping) {
		if (exit_code > m->exit_code)
			m->exit_code = exit_code;
		return;
	}
	m->stopping = 1;
	m->exit_code = exit_code;
	/* A child sees its link to moatd end and exits by itself. */
	for (id = PROC_FIRST_CHILD; id <= PROC_LAST_CHILD; id++) {
		struct child	*c = &m->children[id];

		if (c->chan != NULL && c->chan->fd != -1)
			shutdown(c->chan->fd, SHUT_RDWR);
	}
	if (all_exited(m)) {
		finish(m);
		return;
	}
	if (event_base_once(m->base, -1, EV_TIMEOUT, stop_deadline, m,
	    &tv) == -1)
		fatalx("event_base_once");
}

static void
link_lost(evutil_socket_t fd, short ev, void *arg)
{
	struct child	*c = arg;
	struct moatd	*m = c->parent;
	char		 msg[256];

	(void)fd;
	(void)ev;
	if (m->stopping)
		return;
	snprintf(msg, sizeof(msg), "%s closed its link: stopping the suite",
	    proc_name(c->id));
	children_stop(m, 1, msg);
}

static void
child_chan_closed(struct ipc_chan *chan, const char *why, void *arg)
{
	struct child	*c = arg;
	struct moatd	*m = c->parent;
	struct timeval	 tv = { 0, 200 * 1000 };
	char		 msg[256];

	(void)chan;
	if (m->stopping)
		return;
	if (why != NULL) {
		snprintf(msg, sizeof(msg), "%s violated the protocol: "
		    "stopping the suite", proc_name(c->id));
		children_stop(m, 1, msg);
		return;
	}
	/* A dying child closes its link just before it can be reaped: give
	 * SIGCHLD a moment to tell how it died. */
	if (event_base_once(m->base, -1, EV_TIMEOUT, link_lost, c,
	    &tv) == -1)
		children_stop(m, 1, "lost a child");
}

static int
dispatch_child(struct ipc_chan *chan, struct ipc_msg *m, void *arg)
{
	(void)chan;
	(void)arg;
	/* Children only answer moatd's requests; replies go elsewhere. */
	log_warnx("unexpected %s from %s", ipc_type_name(m->type),
	    proc_name(m->from));
	return -1;
}
