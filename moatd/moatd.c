/*
 * moatd: the parent.  It parses the configuration, prepares the state
 * directory and the listening sockets, starts the four children with
 * their links, pushes each its part of the configuration, and then only
 * supervises: when any child dies, the whole suite stops (fail closed).
 */
#include <sys/types.h>
#include <sys/stat.h>

#include <err.h>
#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <unistd.h>

#include "daemon.h"
#include "log.h"
#include "moatd.h"
#include "sandbox.h"

extern char	**environ;

static __attribute__((noreturn)) void
usage(void)
{
	fprintf(stderr, "usage: moatd [-dnv] [-D macro=value] [-f file]\n");
	exit(1);
}

static void
on_signal(evutil_socket_t sig, short ev, void *arg)
{
	struct moatd	*m = arg;
	char		 msg[256];

	(void)ev;
	switch (sig) {
	case SIGINT:
	case SIGTERM:
		log_info("%s: stopping", strsignal(sig));
		children_stop(m, 0, NULL);
		break;
	case SIGHUP:
		if (config_reload(m, msg, sizeof(msg)) == 0)
			log_info("%s", msg);
		else
			log_warnx("%s", msg);
		break;
	case SIGCHLD:
		children_reap(m);
		break;
	}
}

static void
add_signal(struct moatd *m, int sig)
{
	struct event	*ev;

	if ((ev = evsignal_new(m->base, sig, on_signal, m)) == NULL ||
	    evsignal_add(ev, NULL) == -1)
		fatalx("signal %d", sig);
}

static void
check_only(const char *file, int verbose)
{
	struct moat_config	*conf;

	if ((conf = conf_load(file)) == NULL)
		exit(1);
	if (verbose)
		conf_dump(stdout, conf);
	fprintf(stderr, "configuration OK\n");
	conf_clear(conf);
	free(conf);
	exit(0);
}

int
main(int argc, char *argv[])
{
	struct moatd	 m;
	const char	*file = CONF_DEFAULT_FILE;
	int		 ch, checkonly = 0;

	/* SIGHUP before the event loop must not kill us (systemctl
	 * reload right after start) */
	signal(SIGHUP, SIG_IGN);
	/* nothing inherited goes on to the children */
	closefrom(STDERR_FILENO + 1);
	memset(&m, 0, sizeof(m));
	m.control_fd = -1;
	setproctitle_init(argc, argv, environ);
	log_init(1, LOG_DAEMON);
	log_procinit("moatd");
	while ((ch = getopt(argc, argv, "D:df:nv")) != -1) {
		switch (ch) {
		case 'D':
			if (conf_define_macro(optarg) == -1)
				errx(1, "-D %s: expected name=value", optarg);
			break;
		case 'd':
			m.foreground = 1;
			break;
		case 'f':
			file = optarg;
			break;
		case 'n':
			checkonly = 1;
			break;
		case 'v':
			m.verbose++;
			break;
		default:
			usage();
		}
	}
	if (optind != argc)
		usage();
	log_setverbose(m.verbose);
	if (checkonly)
		check_only(file, m.verbose);
	/* daemon() moves to /: a relative -f would break reloads */
	if ((m.conffile = realpath(file, NULL)) == NULL)
		fatal("%s", file);
	if ((m.conf = conf_load(file)) == NULL)
		exit(1);
	if (m.conf->log_verbose > m.verbose)
		log_setverbose(m.conf->log_verbose);

	if (geteuid() != 0)
		log_warnx("WARNING: not running as root: the children keep "
		    "your user and get no chroot; seccomp and Landlock still "
		    "apply");
	setup_state(m.conf);
	setup_listeners(m.conf);
	if (!m.foreground && daemon(0, 0) == -1)
		fatal("daemon");
	log_init(m.foreground, LOG_DAEMON);
	m.started_at = time(NULL);

	m.base = event_base_new();
	if (m.base == NULL)
		fatalx("event_base_new");
	signal(SIGPIPE, SIG_IGN);
	add_signal(&m, SIGINT);
	add_signal(&m, SIGTERM);
	add_signal(&m, SIGHUP);
	add_signal(&m, SIGCHLD);

	control_init(&m);
	notify_init();
	children_start(&m);
	daemon_test_hooks();
	moatd_sandbox(m.conf);
	config_push(&m, 1);
	setproctitle("-moat: moatd (parent)");

	event_base_dispatch(m.base);
	/* children.c ends the loop once every child has exited */
	if (!m.stopping)
		fatalx("event loop ended");
	control_cleanup(&m);
	log_info("stopped%s", m.exit_code ? " after a failure" : "");
	exit(m.exit_code);
}
