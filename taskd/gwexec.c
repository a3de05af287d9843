/*
 * An SSH session in a running host, for the gateway (DESIGN.md, "The
 * SSH gateway"): in a child of the runner, in the runner's private
 * mount namespace as "crun run" is, joined to the host's cgroups, it
 * runs "crun exec" with either a terminal (--tty --console-socket: crun
 * hands back the master) or a socket as stdin and stdout and a pipe as
 * stderr.  Its answer to taskd carries the session's control socket
 * (common/gwctl.h); the streams and then the exit status go over it to
 * gatewayd, which taskd handed it to.  When gatewayd closes its end
 * (the client went away), crun exec is killed, and the host's
 * processes of the session see their terminal or streams close.
 */
#include <sys/ioctl.h>
#include <sys/poll.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <sys/un.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "body_gw.h"
#include "driver.h"
#include "gwctl.h"
#include "log.h"

#define CONSOLE_WAIT_MS	10000
#define SFTP_SERVER	"/usr/lib/openssh/sftp-server"

int
gwexec_req_ok(const struct driver_exec *x)
{
	size_t	 tl = strnlen(x->term, sizeof(x->term));
	size_t	 cl = strnlen(x->command, sizeof(x->command));

	if (tl == sizeof(x->term) || cl == sizeof(x->command))
		return 0;
	if (strspn(x->term, "abcdefghijklmnopqrstuvwxyz"
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.+") != tl)
		return 0;
	if (x->cols > 10000 || x->rows > 10000)
		return 0;
	switch (x->kind) {
	case GW_KIND_SHELL:
	case GW_KIND_SFTP:
		return 1;
	case GW_KIND_EXEC:
		return cl > 0;
	default:
		return 0;
	}
}

static void
send_fds(int sock, const void *buf, size_t len, const int *fds, int nfds)
{
	union {
		struct cmsghdr	 hdr;
		char		 buf[CMSG_SPACE(sizeof(int) * 2)];
	} cm;
	struct msghdr	 msg;
	struct iovec	 iov;
	struct cmsghdr	*c;

	memset(&msg, 0, sizeof(msg));
	iov.iov_base = (void *)buf;
	iov.iov_len = len;
	msg.msg_iov = &iov;
	msg.msg_iovlen = 1;
	if (nfds > 0) {
		memset(&cm, 0, sizeof(cm));
		msg.msg_control = cm.buf;
		msg.msg_controllen = CMSG_SPACE(sizeof(int) * nfds);
		c = CMSG_FIRSTHDR(&msg);
		c->cmsg_level = SOL_SOCKET;
		c->cmsg_type = SCM_RIGHTS;
		c->cmsg_len = CMSG_LEN(sizeof(int) * nfds);
		memcpy(CMSG_DATA(c), fds, sizeof(int) * nfds);
	}
	(void)sendmsg(sock, &msg, MSG_NOSIGNAL);
}

static __attribute__((noreturn)) void
fail(int answer_fd, const struct driver_req *req, const char *code,
    const char *message)
{
	struct driver_res	 res;

	memset(&res, 0, sizeof(res));
	res.seq = req->seq;
	strlcpy(res.code, code, sizeof(res.code));
	strlcpy(res.message, message, sizeof(res.message));
	(void)send(answer_fd, &res, sizeof(res), MSG_NOSIGNAL);
	_exit(0);
}

/* crun exec's arguments for this session, in argv[24] */
static void
exec_argv(const struct driver_paths *p, const struct driver_req *req,
    const char *console, char *name, char *term, const char **argv)
{
	const struct driver_exec *x = &req->exec;
	int	 i = 0;

	name_container(&req->host, name, 32);
	argv[i++] = p->runtime;
	if (!p->runc)
		argv[i++] = "--cgroup-manager=disabled";
	argv[i++] = "exec";
	if (console != NULL) {
		argv[i++] = "--tty";
		argv[i++] = "--console-socket";
		argv[i++] = console;
		snprintf(term, DRIVER_TERM_MAX + 6, "TERM=%s",
		    x->term[0] != '\0' ? x->term : "xterm");
		argv[i++] = "--env";
		argv[i++] = term;
	}
	argv[i++] = "--cwd";
	argv[i++] = "/home";
	argv[i++] = name;
	switch (x->kind) {
	case GW_KIND_SFTP:
		argv[i++] = SFTP_SERVER;
		break;
	case GW_KIND_EXEC:
		argv[i++] = "/bin/sh";
		argv[i++] = "-c";
		argv[i++] = x->command;
		break;
	default:
		argv[i++] = "/bin/sh";
		argv[i++] = "-l";
	}
	argv[i] = NULL;
}

static pid_t
start(const char *const argv[], int in, int out, int err)
{
	pid_t	 pid;
	int	 null;

	if ((pid = fork()) != 0)
		return pid;
	if ((null = open("/dev/null", O_RDWR)) == -1)
		_exit(127);
	if (dup2(in != -1 ? in : null, 0) == -1 ||
	    dup2(out != -1 ? out : null, 1) == -1 ||
	    dup2(err != -1 ? err : null, 2) == -1 ||
	    close_range(3, ~0U, 0) == -1)
		_exit(127);
	execv(argv[0], (char *const *)argv);
	_exit(127);
}

/* The listening socket crun connects to with the terminal's master. */
static int
console_listen(const struct driver_paths *p, char *path, size_t len)
{
	struct sockaddr_un	 sun;
	int			 s;

	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	if (snprintf(path, len, "%s/gw-%ld.sock", p->state,
	    (long)getpid()) >= (int)sizeof(sun.sun_path))
		return -1;
	strlcpy(sun.sun_path, path, sizeof(sun.sun_path));
	(void)unlink(path);
	if ((s = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)) == -1)
		return -1;
	if (bind(s, (struct sockaddr *)&sun, sizeof(sun)) == -1 ||
	    listen(s, 1) == -1) {
		close(s);
		return -1;
	}
	return s;
}

/* The master crun sends, or -1 if it does not within the wait. */
static int
console_receive(int s)
{
	union {
		struct cmsghdr	 hdr;
		char		 buf[CMSG_SPACE(sizeof(int))];
	} cm;
	struct pollfd	 pfd = { s, POLLIN, 0 };
	struct msghdr	 msg;
	struct iovec	 iov;
	struct cmsghdr	*c;
	char		 name[256];
	int		 conn, fd = -1;

	if (poll(&pfd, 1, CONSOLE_WAIT_MS) != 1 ||
	    (conn = accept4(s, NULL, NULL, SOCK_CLOEXEC)) == -1)
		return -1;
	memset(&msg, 0, sizeof(msg));
	iov.iov_base = name;
	iov.iov_len = sizeof(name);
	msg.msg_iov = &iov;
	msg.msg_iovlen = 1;
	msg.msg_control = cm.buf;
	msg.msg_controllen = sizeof(cm.buf);
	if (recvmsg(conn, &msg, MSG_CMSG_CLOEXEC) > 0 &&
	    (c = CMSG_FIRSTHDR(&msg)) != NULL && c->cmsg_type == SCM_RIGHTS &&
	    c->cmsg_len == CMSG_LEN(sizeof(int)))
		memcpy(&fd, CMSG_DATA(c), sizeof(int));
	close(conn);
	return fd;
}

static void
set_size(int master, const struct driver_exec *x)
{
	struct winsize	 ws;

	if (x->cols == 0 || x->rows == 0)
		return;
	memset(&ws, 0, sizeof(ws));
	ws.ws_col = x->cols;
	ws.ws_row = x->rows;
	(void)ioctl(master, TIOCSWINSZ, &ws);
}

/* Waits for crun exec; kills it if gatewayd closes the session. */
static int
wait_session(pid_t pid, int ctl)
{
	struct pollfd	 pfd = { ctl, POLLIN, 0 };
	char		 b;
	int		 status;

	for (;;) {
		if (waitpid(pid, &status, WNOHANG) == pid)
			break;
		pfd.revents = 0;
		if (poll(&pfd, 1, 100) == 1 &&
		    recv(ctl, &b, 1, MSG_DONTWAIT) <= 0 && errno != EAGAIN) {
			kill(pid, SIGKILL);
			(void)waitpid(pid, &status, 0);
			return -1;
		}
	}
	if (WIFEXITED(status))
		return WEXITSTATUS(status);
	if (WIFSIGNALED(status))
		return 128 + WTERMSIG(status);
	return 255;
}

void
gwexec_run(const struct driver_paths *p, const struct driver_req *req,
    int answer_fd)
{
	const struct driver_exec *x = &req->exec;
	struct driver_res	 res;
	struct gwctl_msg	 cm;
	const char		*argv[24];
	char			 name[32], term[DRIVER_TERM_MAX + 6];
	char			 path[PATH_MAX];
	int			 ctl[2], io[2], err[2], fds[2], cs = -1, status;
	pid_t			 pid;

	setproctitle("taskd session %s", req->host.short_id);
	signal(SIGCHLD, SIG_DFL);
	if (!driver_host_ok(&req->host, 0) || !gwexec_req_ok(x))
		fail(answer_fd, req, "bad_request", "malformed session");
	if (!driver_running(p, &req->host))
		fail(answer_fd, req, "not_running", "host is not running");
	if (driver_cgroups_join(&req->host) == -1)
		fail(answer_fd, req, "limits_failed", "cannot join the host's "
		    "cgroups");
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, ctl) == -1)
		fail(answer_fd, req, "session_failed", "socketpair");
	if (x->tty) {
		if ((cs = console_listen(p, path, sizeof(path))) == -1)
			fail(answer_fd, req, "session_failed",
			    "console socket");
		exec_argv(p, req, path, name, term, argv);
		pid = start(argv, -1, -1, -1);
		fds[0] = pid == -1 ? -1 : console_receive(cs);
		close(cs);
		(void)unlink(path);
		if (fds[0] == -1) {
			if (pid > 0)
				kill(pid, SIGKILL);
			fail(answer_fd, req, "session_failed", "no terminal");
		}
		set_size(fds[0], x);
	} else {
		if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0,
		    io) == -1 || pipe2(err, O_CLOEXEC) == -1)
			fail(answer_fd, req, "session_failed", "streams");
		exec_argv(p, req, NULL, name, term, argv);
		pid = start(argv, io[1], io[1], err[1]);
		close(io[1]);
		close(err[1]);
		fds[0] = io[0];
		fds[1] = err[0];
	}
	if (pid == -1)
		fail(answer_fd, req, "session_failed", "fork");
	memset(&res, 0, sizeof(res));
	res.seq = req->seq;
	res.ok = 1;
	send_fds(answer_fd, &res, sizeof(res), &ctl[1], 1);
	close(ctl[1]);
	memset(&cm, 0, sizeof(cm));
	cm.type = GWCTL_FDS;
	send_fds(ctl[0], &cm, sizeof(cm), fds, x->tty ? 1 : 2);
	close(fds[0]);
	if (!x->tty)
		close(fds[1]);
	if ((status = wait_session(pid, ctl[0])) >= 0) {
		cm.type = GWCTL_EXIT;
		cm.status = status;
		(void)send(ctl[0], &cm, sizeof(cm), MSG_NOSIGNAL);
	}
	_exit(0);
}

/*
 * The sessions' helper: forked by the runner while it still holds
 * CAP_SYS_PTRACE, which crun exec needs to join a host's namespaces
 * (their processes belong to another user namespace's root) and which
 * the runner's own jobs then go without.  It takes DRV_EXEC alone and
 * forks a child per session, at most GWEXEC_SESSIONS at once.
 */
#define GWEXEC_SESSIONS	256

static __attribute__((noreturn)) void
helper_main(int sock, int answer_fd, const struct driver_paths *p)
{
	struct driver_req	 req;
	struct driver_res	 res;
	struct pollfd		 pfd = { sock, POLLIN, 0 };
	ssize_t			 n;
	int			 running = 0;
	pid_t			 pid;

	setproctitle("taskd runner sessions");
	for (;;) {
		while ((pid = waitpid(-1, NULL, WNOHANG)) > 0)
			running--;
		if (poll(&pfd, 1, 200) < 1)
			continue;
		if ((n = recv(sock, &req, sizeof(req), 0)) == 0)
			_exit(0);	/* the runner is gone */
		if (n != (ssize_t)sizeof(req)) {
			if (n == -1 && errno == EINTR)
				continue;
			_exit(1);
		}
		memset(&res, 0, sizeof(res));
		res.seq = req.seq;
		if (req.op != DRV_EXEC || running >= GWEXEC_SESSIONS) {
			strlcpy(res.code, "too_many_sessions",
			    sizeof(res.code));
			strlcpy(res.message, "too many sessions",
			    sizeof(res.message));
			(void)send(answer_fd, &res, sizeof(res), 0);
			continue;
		}
		switch (fork()) {
		case -1:
			strlcpy(res.code, "fork_failed", sizeof(res.code));
			(void)send(answer_fd, &res, sizeof(res), 0);
			break;
		case 0:
			close(sock);
			if (prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0) == -1)
				_exit(1);
			gwexec_run(p, &req, answer_fd);
		default:
			running++;
		}
	}
}

int
gwexec_helper_start(int answer_fd, const struct driver_paths *p, pid_t *pid)
{
	int	 sv[2];

	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) == -1)
		return -1;
	switch ((*pid = fork())) {
	case -1:
		close(sv[0]);
		close(sv[1]);
		return -1;
	case 0:
		close(sv[0]);
		if (prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0) == -1)
			_exit(1);
		helper_main(sv[1], answer_fd, p);
	}
	close(sv[1]);
	return sv[0];
}
