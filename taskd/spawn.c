/*
 * Running a program for the runner: an argument vector, never a shell;
 * its output bounded; a process that dies with its operation.  Options:
 * a log file instead of a pipe (a container inherits the runtime's
 * output, and a pipe it held would never end), a network namespace to
 * run in (a host's, by the pid of its first process), and up to two
 * descriptors handed over as 3 and 4 (keys, which never go on a command
 * line), and nobody's ids without a capability (a program that reads
 * a stranger's answers).
 */
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include <sys/wait.h>

#include <errno.h>
#include <grp.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "driver.h"
#include "util.h"

/*
 * This process as nobody (65534, group nogroup, no other group), with
 * no capability, not even in its bounding set, and no new privileges:
 * what a program that parses a stranger's answers runs as.
 */
static int
unprivileged(void)
{
	const gid_t	 nogroup = SPAWN_NOBODY;
	pid_t		 parent = getppid();
	int		 cap;

	for (cap = 0; prctl(PR_CAPBSET_READ, cap, 0, 0, 0) >= 0; cap++)
		if (prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) == -1)
			return -1;
	if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) == -1 ||
	    setgroups(1, &nogroup) == -1 ||
	    setresgid(SPAWN_NOBODY, SPAWN_NOBODY, SPAWN_NOBODY) == -1 ||
	    setresuid(SPAWN_NOBODY, SPAWN_NOBODY, SPAWN_NOBODY) == -1 ||
	    prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) == -1)
		return -1;
	/* a change of ids clears the parent-death signal: again, and the
	 * parent may have died meanwhile */
	if (prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0) == -1 ||
	    getppid() != parent)
		return -1;
	return setuid(0) == -1 && geteuid() == SPAWN_NOBODY ? 0 : -1;
}

static void
child(const char *const argv[], const struct spawn_opts *o, int out)
{
	char	 path[64];
	int	 i, fd, moved[SPAWN_FDS_MAX];

	/* nor a program its operation: a half-done step is found and
	 * done again by the next attempt */
	if (prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0) == -1)
		_exit(127);
	if (o != NULL && o->netns_pid > 0) {
		snprintf(path, sizeof(path), "/proc/%ld/ns/net",
		    (long)o->netns_pid);
		if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1 ||
		    setns(fd, CLONE_NEWNET) == -1)
			_exit(126);
		close(fd);
	}
	/* moved out of the way first, so that none lands on another */
	for (i = 0; o != NULL && i < o->nfds; i++)
		if ((moved[i] = fcntl(o->fds[i], F_DUPFD_CLOEXEC, 16)) == -1)
			_exit(126);
	for (i = 0; o != NULL && i < o->nfds; i++)
		if (dup2(moved[i], 3 + i) == -1)
			_exit(126);
	dup2(out, STDOUT_FILENO);
	dup2(out, STDERR_FILENO);
	if (o != NULL && o->unprivileged && unprivileged() == -1)
		_exit(126);
	execv(argv[0], (char *const *)argv);
	_exit(127);
}

/* The child of argv writing to fds[1]; the parent keeps fds[0]. */
static pid_t
fork_child(const char *const argv[], const struct spawn_opts *o, int fds[2])
{
	pid_t	 pid;

	if ((pid = fork()) == -1) {
		close(fds[0]);
		close(fds[1]);
		return -1;
	}
	if (pid == 0)
		child(argv, o, fds[1]);
	close(fds[1]);
	return pid;
}

/* Milliseconds left before deadline (0 for none: -1, wait forever). */
static int
left(uint64_t deadline)
{
	uint64_t	 now;

	if (deadline == 0)
		return -1;
	now = monotonic_ms();
	return now >= deadline ? 0 : (int)(deadline - now);
}

/* waitpid, killing the child once the deadline has passed. */
static int
reap(pid_t pid, uint64_t deadline, int *status)
{
	pid_t	 r;

	for (;;) {
		r = waitpid(pid, status, deadline != 0 ? WNOHANG : 0);
		if (r == pid)
			return 0;
		if (r == -1 && errno != EINTR)
			return -1;
		if (r == 0 && left(deadline) == 0) {
			(void)kill(pid, SIGKILL);
			deadline = 0;
		} else if (r == 0)
			usleep(5000);
	}
}

int
spawn_run(const char *const argv[], const struct spawn_opts *o, char *out,
    size_t outlen)
{
	const char	*logpath = o != NULL ? o->logpath : NULL;
	struct pollfd	 pfd;
	uint64_t	 deadline = 0;
	int		 fds[2], status, killed = 0, ready;
	pid_t		 pid;
	size_t		 have = 0;
	ssize_t		 n;
	char		 sink[512];

	if (o != NULL && o->timeout_ms > 0)
		deadline = monotonic_ms() + o->timeout_ms;

	out[0] = '\0';
	if (logpath != NULL) {
		if ((fds[1] = open(logpath, O_WRONLY | O_CREAT | O_TRUNC |
		    O_CLOEXEC, 0600)) == -1)
			return -1;
		if ((fds[0] = open(logpath, O_RDONLY | O_CLOEXEC)) == -1) {
			close(fds[1]);
			return -1;
		}
	} else if (pipe2(fds, O_CLOEXEC) == -1)
		return -1;
	if ((pid = fork_child(argv, o, fds)) == -1)
		return -1;
	if (logpath != NULL && reap(pid, deadline, &status) == -1) {
		close(fds[0]);
		return -1;
	}
	pfd.fd = fds[0];
	pfd.events = POLLIN;
	for (;;) {
		/* a program past its time is killed, and what it left
		 * holding the pipe gets a second more */
		if (logpath == NULL && (ready = poll(&pfd, 1, killed ? 1000 :
		    left(deadline))) <= 0) {
			if (ready == -1 && errno == EINTR)
				continue;
			if (ready == -1 || killed)
				break;
			(void)kill(pid, SIGKILL);
			killed = 1;
			continue;
		}
		if (have + 1 < outlen)
			n = read(fds[0], out + have, outlen - have - 1);
		else
			n = read(fds[0], sink, sizeof(sink));
		if (n == -1 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		if (have + 1 < outlen)
			have += n;
	}
	out[have] = '\0';
	close(fds[0]);
	if (logpath == NULL && reap(pid, killed ? 0 : deadline, &status) == -1)
		return -1;
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

/*
 * For a runtime that starts a container in the background: the
 * container inherits the runtime's output, so that goes to a pipe that
 * lives on with the container, and this returns when the runtime exits,
 * not at end-of-file.  What came on the pipe until then (the runtime's
 * own messages, the container's first words) is in out, at most
 * outlen - 1 bytes; more waits in the pipe, whose reading end is left
 * in *console for the console keeper.
 */
int
spawn_console(const char *const argv[], char *out, size_t outlen,
    int *console)
{
	struct pollfd	 pfd[2];
	size_t		 have = 0;
	ssize_t		 n = -1;
	pid_t		 pid;
	int		 fds[2], status, flags, exited = 0;

	out[0] = '\0';
	*console = -1;
	if (pipe2(fds, O_CLOEXEC) == -1)
		return -1;
	if ((pid = fork_child(argv, NULL, fds)) == -1)
		return -1;
	/* the runtime's end, readable when it exits, beside the pipe */
	pfd[0].fd = (int)syscall(SYS_pidfd_open, pid, 0);
	pfd[0].events = POLLIN;
	pfd[1].fd = fds[0];
	pfd[1].events = POLLIN;
	flags = fcntl(fds[0], F_GETFL);
	(void)fcntl(fds[0], F_SETFL, flags | O_NONBLOCK);
	while (!exited) {
		if (poll(pfd, have + 1 < outlen ? 2 : 1,
		    pfd[0].fd == -1 ? 10 : -1) == -1 && errno != EINTR)
			break;
		exited = waitpid(pid, &status, WNOHANG) == pid;
		/* what is there now; after the exit, all it wrote */
		while (have + 1 < outlen && (n = read(fds[0], out + have,
		    outlen - have - 1)) > 0)
			have += n;
		if (have + 1 < outlen && n == 0)
			pfd[1].fd = -1;	/* nobody writes any more */
	}
	out[have] = '\0';
	if (pfd[0].fd != -1)
		close(pfd[0].fd);
	(void)fcntl(fds[0], F_SETFL, flags);
	if (!exited && reap(pid, 0, &status) == -1) {
		close(fds[0]);
		return -1;
	}
	*console = fds[0];
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}
