/*
 * The runner: taskd's one unsandboxed helper (driver.h says why it
 * exists).  It reads fixed-size requests from taskd, checks every field
 * again, and runs each in a child of its own so that a slow stop does
 * not hold up a create; each child answers on the shared socket, one
 * datagram, and exits.  It dies with taskd.
 */
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>

#include <linux/capability.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "driver.h"
#include "log.h"
#include "sandbox.h"

#define CONTROLLERS	"/sys/fs/cgroup/unified/cgroup.controllers"

static const struct driver	*driver = &crun_driver;

static int
field_ok(const char *s, size_t max, const char *alphabet)
{
	size_t	 len = strnlen(s, max + 1);

	return len >= 1 && len <= max && strspn(s, alphabet) == len;
}

/* Every op names a host by its short id; those that make a container
 * need the rest of its description too. */
int
driver_host_ok(const struct driver_host *h, int whole)
{
	if (!host_short_id_ok(h->short_id))
		return 0;
	return !whole || (field_ok(h->hostname, HOST_NAME_MAX_LEN, "abcdefghijklmnopqrstuvwxyz"
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-") &&
	    field_ok(h->timezone, HOST_TZ_MAX, "abcdefghijklmnopqrstuvwxyz"
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789/_+-") &&
	    h->timezone[0] != '/' && h->memory_limit_mb >= 16 &&
	    h->cpu_milli >= 10 && h->pids_limit >= 8);
}

/*
 * crun refuses the hybrid cgroup layout of these machines unless the
 * unified hierarchy looks empty: in a mount namespace of our own, an
 * empty file covers its controllers (ENVIRONMENT.md).
 */
static void
private_mounts(const char *state)
{
	char	 empty[PATH_MAX];
	int	 fd;

	if (unshare(CLONE_NEWNS) == -1 ||
	    mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) == -1) {
		log_warn("runner: private mount namespace");
		return;
	}
	if (access(CONTROLLERS, F_OK) == -1)
		return;
	snprintf(empty, sizeof(empty), "%s/empty", state);
	if ((fd = open(empty, O_WRONLY | O_CREAT | O_CLOEXEC, 0644)) != -1)
		close(fd);
	if (mount(empty, CONTROLLERS, NULL, MS_BIND, NULL) == -1)
		log_warn("runner: cover %s", CONTROLLERS);
}

/*
 * The host's tunnel, as the request says, in the network of its first
 * process; a host that is not running gets its tunnel when it starts.
 */
static int
tunnel(const struct driver_paths *p, const struct driver_req *req,
    struct driver_res *res)
{
	struct driver_res	 st;
	int			 rc;

	/* a container just made or started has no tunnel unless given
	 * one: nothing to ask the runtime (each question costs an exec) */
	if (req->op != DRV_EGRESS && req->egress.present == 0)
		return 0;
	if (req->op != DRV_EGRESS) {
		memset(&st, 0, sizeof(st));
		if (driver->state(p, &req->host, &st) == -1) {
			*res = st;
			return -1;
		}
	} else
		st = *res;
	if (req->egress.present == -1) {
		driver_fail(res, "egress_invalid", "the egress ip's settings "
		    "make no tunnel: see its config_error");
		return -1;
	}
	if (strcmp(st.state, "running") != 0 || st.pid <= 0) {
		if (req->op != DRV_EGRESS) {
			strlcpy(res->code, "not_running", sizeof(res->code));
			strlcpy(res->message, "the host stopped as it started",
			    sizeof(res->message));
			return -1;
		}
		return 0;
	}
	rc = net_apply(p, &req->host, st.pid, &req->egress, res);
	res->seq = req->seq;
	return rc;
}

static void
perform(const struct driver_paths *p, const struct driver_req *req,
    struct driver_res *res)
{
	int	 rc = -1;

	memset(res, 0, sizeof(*res));
	res->seq = req->seq;
	res->ok = 1;
	if (!driver_host_ok(&req->host, req->op == DRV_ENSURE_RUNNING ||
	    req->op == DRV_REBUILD)) {
		strlcpy(res->code, "bad_request", sizeof(res->code));
		strlcpy(res->message, "malformed host", sizeof(res->message));
		res->ok = 0;
		return;
	}
	/* a tunnel outlives no container it served */
	if (req->op == DRV_STOP || req->op == DRV_REBUILD ||
	    req->op == DRV_DELETE)
		net_remove(&req->host);
	switch (req->op) {
	case DRV_ENSURE_RUNNING:
		rc = driver->ensure_running(p, &req->host, res);
		break;
	case DRV_STOP:
		rc = driver->stop(p, &req->host, res);
		break;
	case DRV_REBUILD:
		rc = driver->rebuild(p, &req->host, res);
		break;
	case DRV_DELETE:
		rc = driver->remove(p, &req->host, res);
		break;
	case DRV_STATE:
		if ((rc = driver->state(p, &req->host, res)) == 0)
			res->tunnel = net_present(&req->host);
		break;
	case DRV_EGRESS:
		rc = driver->state(p, &req->host, res);
		break;
	case DRV_EGRESS_TEST:
		rc = net_test(p, &req->host, &req->egress, res);
		break;
	default:
		strlcpy(res->code, "bad_request", sizeof(res->code));
	}
	if (rc == 0 && driver_op_brings_tunnel(req->op))
		rc = tunnel(p, req, res);
	if (rc == -1)
		res->ok = 0;
}

/* The child waiting in a spare set of cgroups for the next create. */
static struct {
	pid_t	 pid;
	int	 fd;		/* its request pipe; -1 once used */
} warm = { -1, -1 };

static void	 warm_start(int, const struct driver_paths *);

/* the helper that starts SSH sessions (gwexec.c), and its socket */
static pid_t	 sessions_pid = -1;
static int	 sessions_fd = -1;

static void
session_pass(int answer_fd, const struct driver_req *req)
{
	struct driver_res	 res;

	if (send(sessions_fd, req, sizeof(*req), 0) == (ssize_t)sizeof(*req))
		return;
	memset(&res, 0, sizeof(res));
	res.seq = req->seq;
	strlcpy(res.code, "session_failed", sizeof(res.code));
	strlcpy(res.message, "the sessions' helper is busy",
	    sizeof(res.message));
	(void)send(answer_fd, &res, sizeof(res), 0);
}

/*
 * A used warm child is replaced once it is done, not while its create
 * runs: moving into a cgroup holds a lock that fork waits for, and the
 * create forks crun.
 */
static void
reap(int *running, int answer_fd, const struct driver_paths *p)
{
	pid_t	 pid;

	while ((pid = waitpid(-1, NULL, WNOHANG)) > 0) {
		if (pid == sessions_pid)
			fatalx("runner: the sessions' helper died");
		if (pid == warm.pid && warm.fd != -1) {
			close(warm.fd);	/* it died unused */
			warm.fd = -1;
			continue;
		}
		(*running)--;
		if (pid == warm.pid) {
			warm.pid = -1;
			warm_start(answer_fd, p);
		}
	}
}

/*
 * A request is larger than PIPE_BUF (an SSH session's command makes it
 * so): the warm child's pipe may deliver it in parts.
 */
static int
read_whole(int fd, void *buf, size_t len)
{
	size_t	 got = 0;
	ssize_t	 n;

	while (got < len) {
		n = read(fd, (char *)buf + got, len - got);
		if (n == -1 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		got += n;
	}
	return 0;
}

static void
warm_start(int answer_fd, const struct driver_paths *p)
{
	static int		 seq;
	struct driver_req	 req;
	struct driver_res	 res;
	char			 name[DRIVER_SPARE_MAX];
	int			 pv[2];
	pid_t			 pid;

	snprintf(name, sizeof(name), "warm%d", seq++ % DRIVER_SPARES_SWEPT);
	if (pipe2(pv, O_CLOEXEC) == -1)
		return;
	if ((pid = fork()) == -1) {
		close(pv[0]);
		close(pv[1]);
		return;
	}
	if (pid == 0) {
		close(pv[1]);
		if (prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0) == -1)
			_exit(1);
		/* without a spare set, the create joins its cgroups itself */
		if (driver_spare_enter(name) == -1)
			driver_spare[0] = '\0';
		if (read_whole(pv[0], &req, sizeof(req)) == -1)
			_exit(0);
		perform(p, &req, &res);
		(void)send(answer_fd, &res, sizeof(res), 0);
		_exit(0);
	}
	close(pv[0]);
	warm.pid = pid;
	warm.fd = pv[1];
}

/* A create or rebuild goes to the warm child, which is replaced. */
static int
warm_take(const struct driver_req *req)
{
	if ((req->op != DRV_ENSURE_RUNNING && req->op != DRV_REBUILD) ||
	    warm.fd == -1)
		return -1;
	if (write(warm.fd, req, sizeof(*req)) != (ssize_t)sizeof(*req))
		return -1;
	close(warm.fd);
	warm.fd = -1;
	return 0;
}

/* moat-console, beside the program the runner is (taskd). */
static void
console_program(char *path, size_t len)
{
	char	 exe[PATH_MAX], *slash;
	ssize_t	 n;

	path[0] = '\0';
	if ((n = readlink("/proc/self/exe", exe, sizeof(exe) - 1)) == -1)
		return;
	exe[n] = '\0';
	if ((slash = strrchr(exe, '/')) == NULL)
		return;
	*slash = '\0';
	if (snprintf(path, len, "%s/moat-console", exe) >= (int)len)
		path[0] = '\0';
}

/*
 * Whether the hosts' roots, ids of no one on the machine, can walk down
 * to their image: crun makes the root file system from inside the
 * host's user namespace.  Said once, at start, rather than as every
 * host's failure.
 */
static void
image_reachable(const char *image)
{
	char		 path[PATH_MAX], *slash;
	struct stat	 st;

	strlcpy(path, image, sizeof(path));
	for (slash = path; slash != NULL; slash = strchr(slash + 1, '/')) {
		*slash = '\0';
		if (stat(path[0] == '\0' ? "/" : path, &st) == 0 &&
		    (st.st_mode & S_IXOTH) == 0) {
			log_warnx("runner: hosts cannot reach their image %s: "
			    "%s is not searchable by others", image, path);
			return;
		}
		*slash = '/';
	}
}

/* The first datagram from taskd: its paths, from the configuration. */
static void
receive_paths(int fd, struct driver_paths *p)
{
	char	 image[PATH_MAX];

	if (recv(fd, p, sizeof(*p), 0) != (ssize_t)sizeof(*p))
		_exit(0);
	p->state[sizeof(p->state) - 1] = '\0';
	p->image[sizeof(p->image) - 1] = '\0';
	p->runtime[sizeof(p->runtime) - 1] = '\0';
	if (p->state[0] != '/' || p->image[0] != '/' || p->runtime[0] != '/')
		fatalx("runner: paths must be absolute");
	if (!driver_uid_range_ok(p->uid_first, p->uid_blocks))
		fatalx("runner: no range of user ids");
	console_program(p->console, sizeof(p->console));
	snprintf(image, sizeof(image), "%s/image", p->state);
	if (strcmp(image, p->image) == 0 && image_prepare(p->image) == -1)
		log_warnx("runner: no default image in %s", p->image);
	if (image_unpack(p->state, p->image, sizeof(p->image)) == -1)
		log_warnx("runner: the image %s cannot be used", p->image);
	else
		image_reachable(p->image);
}

static void
child_ended(int sig)
{
	(void)sig;
}

static __attribute__((noreturn)) void
runner_main(int fd, int max_jobs)
{
	struct driver_paths	 paths, *p = &paths;
	struct driver_req	 req;
	struct driver_res	 res;
	struct pollfd		 pfd = { fd, POLLIN, 0 };
	struct sigaction	 sa;
	ssize_t			 n;
	int			 running = 0;

	setproctitle("%s", "taskd runner");
	if (prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0) == -1 ||
	    getppid() == 1)
		_exit(0);
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = child_ended;	/* ends the poll below at once */
	if (sigaction(SIGCHLD, &sa, NULL) == -1)
		_exit(1);
	receive_paths(fd, p);
	suite_init(p->state);
	/* the blocks the hosts' files carry, before any is handed out */
	idmap_reclaim(p->state);
	private_mounts(p->state);
	/* crun exec joins the namespaces of a process of another user
	 * namespace's root, which takes CAP_SYS_PTRACE: the SSH sessions'
	 * helper keeps it (gwexec.c).  runc (1.1) needs it for its
	 * containers too; crun does not, and a runner for crun lets it go */
	if ((sessions_fd = gwexec_helper_start(fd, p, &sessions_pid)) == -1)
		fatal("runner: the sessions' helper");
	if (!p->runc)
		sandbox_drop_cap(CAP_SYS_PTRACE);
	driver_spare_sweep();
	warm_start(fd, p);
	for (;;) {
		reap(&running, fd, p);
		if (running >= max_jobs || poll(&pfd, 1, 200) < 1)
			continue;
		if ((n = recv(fd, &req, sizeof(req), 0)) == 0)
			_exit(0);	/* taskd is gone */
		if (n != (ssize_t)sizeof(req)) {
			if (n == -1 && errno == EINTR)
				continue;
			log_warnx("runner: a malformed request");
			_exit(1);
		}
		req.host.short_id[sizeof(req.host.short_id) - 1] = '\0';
		req.host.hostname[sizeof(req.host.hostname) - 1] = '\0';
		req.host.timezone[sizeof(req.host.timezone) - 1] = '\0';
		/* settings that make no tunnel fail the tunnel's step,
		 * after the container's */
		if (!net_egress_ok(&req.egress))
			req.egress.present = -1;
		if (req.op == DRV_EXEC) {
			session_pass(fd, &req);
			continue;
		}
		if (warm_take(&req) == 0) {
			explicit_bzero(&req, sizeof(req));
			running++;
			continue;
		}
		switch (fork()) {
		case -1:
			memset(&res, 0, sizeof(res));
			res.seq = req.seq;
			strlcpy(res.code, "fork_failed", sizeof(res.code));
			(void)send(fd, &res, sizeof(res), 0);
			break;
		case 0:
			/* an operation does not outlive its runner */
			if (prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0) == -1)
				_exit(1);
			perform(p, &req, &res);
			(void)send(fd, &res, sizeof(res), 0);
			_exit(0);
		default:
			running++;
		}
		/* the keys live on in the child that uses them, not here */
		explicit_bzero(&req, sizeof(req));
	}
}

int
runner_start(int max_jobs)
{
	int	 sv[2];

	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) == -1)
		return -1;
	switch (fork()) {
	case -1:
		close(sv[0]);
		close(sv[1]);
		return -1;
	case 0:
		/* none of taskd's links: only the socket to taskd */
		if (dup2(sv[1], 3) == -1 || fcntl(3, F_SETFD, FD_CLOEXEC) == -1 ||
		    close_range(4, ~0U, 0) == -1)
			_exit(1);
		runner_main(3, max_jobs);
	}
	close(sv[1]);
	return sv[0];
}
