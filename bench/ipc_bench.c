/*
 * IPC round trip: a no-op request from "frontd" to the real stored
 * binary and back, against a raw SOCK_SEQPACKET ping-pong of a datagram
 * of the same size between two processes.
 *
 *	ipc_bench STORED_BINARY DBDIR [ROUNDS]
 *
 * The harness plays moatd (hello, configuration, start) and frontd (the
 * pings, through the same ipc library frontd uses, on libevent); the
 * stored it talks to is the real one, sandboxed as in production.
 */
#include <sys/types.h>
#include <sys/socket.h>
#include <sys/wait.h>

#include <err.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "body_cfg.h"
#include "body_users.h"
#include "ipc.h"
#include "log.h"

#define PAYLOAD	64

static struct event_base *base;
static struct ipc_chan	*to_moatd_side, *to_frontd_side;
static long		 rounds, done_rounds;
static double		 t_start, t_end;
static int		 configured;
static size_t		 datagram_len;

static double
now(void)
{
	struct timespec	 ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static int
ignore(struct ipc_chan *c, struct ipc_msg *m, void *a)
{
	(void)c;
	(void)m;
	(void)a;
	return -1;
}

static void
closed(struct ipc_chan *c, const char *why, void *a)
{
	(void)c;
	(void)a;
	errx(1, "stored closed a link%s%s", why ? ": " : "", why ? why : "");
}

static void	 send_ping(void);

static void
pong(struct ipc_chan *c, struct ipc_msg *m, void *a)
{
	struct ipc_pong	 res;

	(void)c;
	(void)a;
	if (m == NULL)
		errx(1, "ping timed out");
	if (ipc_msg_get(m, &res) == -1 || !ipc_status_ok(res.head.status) ||
	    res.payload_len != PAYLOAD)
		errx(1, "bad pong");
	if (++done_rounds == 1000)
		t_start = now();		/* after warm-up */
	if (done_rounds == rounds + 1000) {
		t_end = now();
		event_base_loopbreak(base);
		return;
	}
	send_ping();
}

static void
send_ping(void)
{
	struct ipc_msg	 m;
	struct ipc_ping	 ping;
	const void	*buf;

	memset(ping.payload, 'p', PAYLOAD);
	ping.payload_len = PAYLOAD;
	ipc_msg_init(&m, IPC_PING, 0);
	ipc_msg_put(&m, &ping);
	if (datagram_len == 0) {
		m.reqid = 1;
		ipc_msg_finish(&m, &buf, &datagram_len);
		m.reqid = 0;
	}
	if (ipc_request(to_frontd_side, &m, 5000, pong, NULL) == -1)
		errx(1, "ipc_request");
}

static void
acked(struct ipc_chan *c, struct ipc_msg *m, void *a)
{
	struct ipc_msg	 start;

	(void)a;
	if (m == NULL)
		errx(1, "stored did not take its configuration");
	configured = 1;
	ipc_msg_init(&start, IPC_PROC_START, 0);
	ipc_msg_put(&start, NULL);
	ipc_send(c, &start);
	send_ping();
}

static pid_t
start_stored(const char *path, const char *dbdir, int fds[PROC_MAX])
{
	int	 sv[PROC_MAX][2], p;
	pid_t	 pid;

	for (p = 0; p < PROC_MAX; p++) {
		fds[p] = -1;
		if (p == PROC_STORED || !proc_linked(PROC_STORED, p) ||
		    p == PROC_MOATCTL)
			continue;
		if (ipc_socketpair(sv[p]) == -1)
			err(1, "socketpair");
		fds[p] = sv[p][0];
	}
	if ((pid = fork()) == 0) {
		char	*argv[] = { "stored", "-d", "-r", (char *)dbdir, NULL };
		char	*envp[] = { NULL };

		for (p = 0; p < PROC_MAX; p++) {
			if (fds[p] == -1)
				continue;
			dup2(sv[p][1], proc_link_fd(p));
		}
		execve(path, argv, envp);
		err(127, "exec %s", path);
	}
	for (p = 0; p < PROC_MAX; p++)
		if (fds[p] != -1)
			close(sv[p][1]);
	return pid;
}

static double
moat_rtt(const char *stored, const char *dbdir)
{
	struct ipc_cfg_common	 common = { 0, 5000 };
	struct ipc_cfg_done	 done = { 1 };
	struct ipc_msg		 m;
	int			 fds[PROC_MAX], p;
	pid_t			 pid;

	base = event_base_new();
	pid = start_stored(stored, dbdir, fds);
	for (p = 0; p < PROC_MAX; p++) {
		struct ipc_chan	*c;

		if (fds[p] == -1)
			continue;
		c = ipc_chan_new(base, fds[p], p, PROC_STORED, ignore, closed,
		    NULL);
		if (p == PROC_MOATD)
			to_moatd_side = c;
		if (p == PROC_FRONTD)
			to_frontd_side = c;
	}
	ipc_msg_init(&m, IPC_CFG_COMMON, 0);
	ipc_msg_put(&m, &common);
	ipc_send(to_moatd_side, &m);
	ipc_msg_init(&m, IPC_CFG_DONE, 0);
	ipc_msg_put(&m, &done);
	ipc_request(to_moatd_side, &m, 10000, acked, NULL);
	event_base_dispatch(base);
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
	return (t_end - t_start) / rounds;
}

static double
raw_rtt(size_t len)
{
	char	 buf[4096];
	int	 sv[2];
	long	 i;
	pid_t	 pid;
	double	 t0 = 0;

	if (socketpair(AF_UNIX, SOCK_SEQPACKET, 0, sv) == -1)
		err(1, "socketpair");
	if ((pid = fork()) == 0) {
		ssize_t	 n;

		close(sv[0]);
		while ((n = read(sv[1], buf, sizeof(buf))) > 0)
			if (write(sv[1], buf, n) != n)
				_exit(1);
		_exit(0);
	}
	close(sv[1]);
	memset(buf, 'r', sizeof(buf));
	for (i = 0; i < rounds + 1000; i++) {
		if (i == 1000)
			t0 = now();
		if (write(sv[0], buf, len) != (ssize_t)len ||
		    read(sv[0], buf, sizeof(buf)) != (ssize_t)len)
			err(1, "raw ping-pong");
	}
	t0 = (now() - t0) / rounds;
	close(sv[0]);
	waitpid(pid, NULL, 0);
	return t0;
}

int
main(int argc, char *argv[])
{
	double	 moat, raw;

	if (argc < 3)
		errx(2, "usage: ipc_bench STORED DBDIR [ROUNDS]");
	rounds = argc > 3 ? atol(argv[3]) : 50000;
	log_procinit("ipc_bench");
	signal(SIGPIPE, SIG_IGN);
	moat = moat_rtt(argv[1], argv[2]);
	raw = raw_rtt(datagram_len);
	printf("ipc_moat_rtt_us %.2f\n", moat * 1e6);
	printf("ipc_raw_rtt_us %.2f\n", raw * 1e6);
	printf("ipc_datagram_bytes %zu\n", datagram_len);
	printf("figure ipc_rtt_vs_socketpair %.2f <= 1.5\n", moat / raw);
	return 0;
}
