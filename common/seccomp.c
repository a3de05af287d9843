/*
 * The seccomp allowlist, built from named groups.  The default action
 * kills the whole process; a short list of harmless probes that libc
 * makes on its own (opening locale files, reconnecting syslog) fails with
 * EACCES instead.  Arguments are narrowed where it matters: no executable
 * memory, fstat only on descriptors.
 */
#include <sys/types.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/socket.h>

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <seccomp.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "log.h"
#include "sandbox.h"

#define ALLOW(name)	allow(ctx, SCMP_SYS(name), #name)
#define DENY(name)	deny(ctx, SCMP_SYS(name), #name)

static void
allow(scmp_filter_ctx ctx, int nr, const char *name)
{
	if (nr < 0)
		return;		/* not a system call on this architecture */
	if (seccomp_rule_add(ctx, SCMP_ACT_ALLOW, nr, 0) < 0)
		fatalx("seccomp: cannot allow %s", name);
}

static void
deny(scmp_filter_ctx ctx, int nr, const char *name)
{
	if (nr < 0)
		return;
	if (seccomp_rule_add(ctx, SCMP_ACT_ERRNO(EACCES), nr, 0) < 0)
		fatalx("seccomp: cannot deny %s", name);
}

static void
allow_if(scmp_filter_ctx ctx, int nr, const char *name, unsigned int n,
    const struct scmp_arg_cmp *cmp)
{
	if (seccomp_rule_add_array(ctx, SCMP_ACT_ALLOW, nr, n, cmp) < 0)
		fatalx("seccomp: cannot allow %s conditionally", name);
}

static struct scmp_arg_cmp
arg_cmp(unsigned int arg, enum scmp_compare op, scmp_datum_t a,
    scmp_datum_t b)
{
	struct scmp_arg_cmp	 c;

	memset(&c, 0, sizeof(c));
	c.arg = arg;
	c.op = op;
	c.datum_a = a;
	c.datum_b = b;
	return c;
}

static void
group_stdio(scmp_filter_ctx ctx)
{
	struct scmp_arg_cmp	 noexec, emptypath, self, selfpid;

	noexec = arg_cmp(2, SCMP_CMP_MASKED_EQ, PROT_EXEC, 0);
	emptypath = arg_cmp(3, SCMP_CMP_MASKED_EQ, AT_EMPTY_PATH,
	    AT_EMPTY_PATH);
	self = arg_cmp(0, SCMP_CMP_EQ, (scmp_datum_t)getpid(), 0);
	selfpid = arg_cmp(0, SCMP_CMP_EQ, 0, 0);

	ALLOW(read); ALLOW(readv); ALLOW(write); ALLOW(writev);
	ALLOW(close); ALLOW(exit); ALLOW(exit_group); ALLOW(restart_syscall);
	ALLOW(brk); ALLOW(munmap); ALLOW(mremap); ALLOW(madvise);
	allow_if(ctx, SCMP_SYS(mmap), "mmap", 1, &noexec);
	allow_if(ctx, SCMP_SYS(mprotect), "mprotect", 1, &noexec);
	allow_if(ctx, SCMP_SYS(newfstatat), "newfstatat", 1, &emptypath);
	ALLOW(fstat); ALLOW(lseek); ALLOW(fcntl); ALLOW(dup);
	ALLOW(rt_sigreturn); ALLOW(rt_sigprocmask); ALLOW(rt_sigaction);
	ALLOW(sigaltstack);
	ALLOW(clock_gettime); ALLOW(clock_getres); ALLOW(gettimeofday);
	ALLOW(time); ALLOW(nanosleep); ALLOW(clock_nanosleep);
	ALLOW(getpid); ALLOW(gettid); ALLOW(getppid);
	ALLOW(getuid); ALLOW(geteuid); ALLOW(getgid); ALLOW(getegid);
	ALLOW(futex); ALLOW(getrandom); ALLOW(sched_yield);
	ALLOW(getrusage);
	/* glibc's qsort() of more than 1 KiB asks for the machine's memory
	 * (sysconf(_SC_PHYS_PAGES)) first: stored's FINDX sorts thousands */
	ALLOW(sysinfo);
	/* its own limits only: pid 0 */
	allow_if(ctx, SCMP_SYS(prlimit64), "prlimit64", 1, &selfpid);
	/* abort() and raise() signal the process itself only */
	allow_if(ctx, SCMP_SYS(tgkill), "tgkill", 1, &self);
}

static void
group_event(scmp_filter_ctx ctx)
{
	ALLOW(epoll_create1); ALLOW(epoll_ctl); ALLOW(epoll_wait);
	ALLOW(epoll_pwait); ALLOW(epoll_pwait2); ALLOW(poll); ALLOW(ppoll);
	ALLOW(eventfd2); ALLOW(socketpair);
}

static void
group_ipc(scmp_filter_ctx ctx)
{
	ALLOW(sendmsg); ALLOW(recvmsg); ALLOW(sendto); ALLOW(recvfrom);
	ALLOW(sendmmsg); ALLOW(shutdown);
}

static void
group_inet(scmp_filter_ctx ctx)
{
	struct scmp_arg_cmp	 fionread;

	ALLOW(accept); ALLOW(accept4); ALLOW(setsockopt); ALLOW(getsockopt);
	ALLOW(getsockname); ALLOW(getpeername); ALLOW(shutdown);
	/*
	 * libevent's plain socket buffers (frontd's acme listener, which
	 * has no TLS) ask how many bytes wait before each read: ioctl
	 * FIONREAD only, which reads a count and changes nothing.
	 */
	fionread = arg_cmp(1, SCMP_CMP_EQ, FIONREAD, 0);
	allow_if(ctx, SCMP_SYS(ioctl), "ioctl", 1, &fionread);
}

static void
group_rpath(scmp_filter_ctx ctx)
{
	ALLOW(openat); ALLOW(newfstatat); ALLOW(statx); ALLOW(faccessat);
	ALLOW(faccessat2); ALLOW(access); ALLOW(readlink); ALLOW(readlinkat);
	ALLOW(getdents64); ALLOW(pread64); ALLOW(getcwd); ALLOW(stat);
	ALLOW(lstat);
}

static void
group_wpath(scmp_filter_ctx ctx)
{
	ALLOW(pwrite64); ALLOW(pwritev); ALLOW(ftruncate); ALLOW(fsync);
	ALLOW(fdatasync); ALLOW(fallocate); ALLOW(unlink); ALLOW(unlinkat);
	ALLOW(rename); ALLOW(renameat); ALLOW(renameat2); ALLOW(mkdir);
	ALLOW(mkdirat); ALLOW(fchmod); ALLOW(fchown); ALLOW(fchmodat);
	ALLOW(fchownat); ALLOW(flock); ALLOW(utimensat); ALLOW(umask);
}

static void
group_proc(scmp_filter_ctx ctx)
{
	ALLOW(clone); ALLOW(clone3); ALLOW(fork); ALLOW(vfork); ALLOW(execve);
	ALLOW(wait4); ALLOW(waitid); ALLOW(kill); ALLOW(tgkill);
	ALLOW(setpgid); ALLOW(setsid); ALLOW(dup2); ALLOW(dup3);
	ALLOW(chdir); ALLOW(setrlimit); ALLOW(prctl); ALLOW(set_robust_list);
	ALLOW(pipe2); ALLOW(pipe);
	ALLOW(rseq); ALLOW(close_range);
}

/*
 * Threads but no processes: clone only with CLONE_THREAD.  clone3 passes
 * its flags in memory that seccomp cannot see, so it answers ENOSYS and
 * glibc falls back to clone.
 */
static void
group_threads(scmp_filter_ctx ctx)
{
	struct scmp_arg_cmp	 thread;

	thread = arg_cmp(0, SCMP_CMP_MASKED_EQ, CLONE_THREAD, CLONE_THREAD);
	allow_if(ctx, SCMP_SYS(clone), "clone", 1, &thread);
	if (seccomp_rule_add(ctx, SCMP_ACT_ERRNO(ENOSYS), SCMP_SYS(clone3),
	    0) < 0)
		fatalx("seccomp: clone3");
	ALLOW(set_robust_list); ALLOW(rseq);
}

static void
group_supervise(scmp_filter_ctx ctx)
{
	ALLOW(kill); ALLOW(wait4); ALLOW(waitid); ALLOW(unlink);
}

/*
 * gatewayd's: a child per connection, forked and never exec'd, with no
 * new namespace (a fork's clone flags are SIGCHLD and the tid words);
 * killing a child whose connection the parent ends; and the one ioctl
 * a session needs, a terminal's window size (TIOCSWINSZ).
 */
static void
group_fork(scmp_filter_ctx ctx)
{
	struct scmp_arg_cmp	 plain, winsz, filter;

	plain = arg_cmp(0, SCMP_CMP_MASKED_EQ, CLONE_THREAD | CLONE_VM |
	    CLONE_NEWNS | CLONE_NEWUSER | CLONE_NEWPID | CLONE_NEWNET |
	    CLONE_NEWIPC | CLONE_NEWUTS | CLONE_NEWCGROUP, 0);
	allow_if(ctx, SCMP_SYS(clone), "clone", 1, &plain);
	if (seccomp_rule_add(ctx, SCMP_ACT_ERRNO(ENOSYS), SCMP_SYS(clone3),
	    0) < 0)
		fatalx("seccomp: clone3");
	ALLOW(set_robust_list); ALLOW(rseq); ALLOW(kill);
	winsz = arg_cmp(1, SCMP_CMP_EQ, TIOCSWINSZ, 0);
	allow_if(ctx, SCMP_SYS(ioctl), "ioctl", 1, &winsz);
	/* a child stacks a filter of its own (sandbox_seal_child); a
	 * filter only ever takes away */
	filter = arg_cmp(0, SCMP_CMP_EQ, SECCOMP_SET_MODE_FILTER, 0);
	allow_if(ctx, SCMP_SYS(seccomp), "seccomp", 1, &filter);
}

static void
group_connect(scmp_filter_ctx ctx)
{
	ALLOW(socket); ALLOW(connect); ALLOW(bind); ALLOW(setsockopt);
	ALLOW(getsockopt); ALLOW(getsockname); ALLOW(getpeername);
}

static void
group_unixserver(scmp_filter_ctx ctx)
{
	ALLOW(accept4); ALLOW(getsockopt); ALLOW(setsockopt);
}

static void
group_sysadmin(scmp_filter_ctx ctx)
{
	ALLOW(mount); ALLOW(umount2); ALLOW(unshare); ALLOW(setns);
	ALLOW(ioctl); ALLOW(socket);
}

/*
 * The sanitizers' runtimes make calls of their own after main starts;
 * test builds allow exactly those.
 */
static void
group_sanitizer(scmp_filter_ctx ctx)
{
#ifdef MOAT_SANITIZE
	ALLOW(prctl); ALLOW(sched_getaffinity); ALLOW(readlink);
	ALLOW(readlinkat); ALLOW(getrlimit); ALLOW(mincore);
#else
	(void)ctx;
#endif
}

/* Probes that libc makes by itself fail softly where not allowed. */
static void
soft_denials(scmp_filter_ctx ctx, unsigned int groups)
{
	if ((groups & (SB_RPATH | SB_WPATH)) == 0) {
		DENY(openat); DENY(open); DENY(newfstatat); DENY(stat);
		DENY(access); DENY(faccessat); DENY(readlink);
	}
	if ((groups & (SB_CONNECT | SB_SYSADMIN)) == 0) {
		DENY(socket);
	}
	if ((groups & SB_CONNECT) == 0)
		DENY(connect);
	/* libevent falls back from a pipe to a socketpair */
	if ((groups & SB_PROC) == 0) {
		DENY(pipe2); DENY(pipe);
	}
	DENY(uname);
}

static void
trap_handler(int sig, siginfo_t *info, void *ctx)
{
	char	 msg[96];
	int	 n;

	(void)sig;
	(void)ctx;
	n = snprintf(msg, sizeof(msg), "sandbox: forbidden system call %d\n",
	    info->si_syscall);
	if (write(STDERR_FILENO, msg, n) == -1)
		n = 0;
	_exit(159);
}

void
sandbox_seal_child(void)
{
	scmp_filter_ctx		 ctx;
	struct scmp_arg_cmp	 other;
	int			 rc = 0;

	if (sandbox_disabled_for_tests())
		return;
	if ((ctx = seccomp_init(SCMP_ACT_ALLOW)) == NULL)
		fatalx("seccomp_init");
	/* no_new_privs is set already, and prctl is not allowed */
	rc |= seccomp_attr_set(ctx, SCMP_FLTATR_CTL_NNP, 0);
	other = arg_cmp(0, SCMP_CMP_NE, (scmp_datum_t)getpid(), 0);
	rc |= seccomp_rule_add_array(ctx, SCMP_ACT_KILL_PROCESS,
	    SCMP_SYS(kill), 1, &other);
	rc |= seccomp_rule_add_array(ctx, SCMP_ACT_KILL_PROCESS,
	    SCMP_SYS(tgkill), 1, &other);
	rc |= seccomp_rule_add(ctx, SCMP_ACT_KILL_PROCESS, SCMP_SYS(tkill), 0);
	rc |= seccomp_rule_add(ctx, SCMP_ACT_KILL_PROCESS, SCMP_SYS(clone), 0);
	rc |= seccomp_rule_add(ctx, SCMP_ACT_KILL_PROCESS, SCMP_SYS(fork), 0);
	rc |= seccomp_rule_add(ctx, SCMP_ACT_KILL_PROCESS, SCMP_SYS(vfork), 0);
	rc |= seccomp_rule_add(ctx, SCMP_ACT_KILL_PROCESS, SCMP_SYS(accept4),
	    0);
	rc |= seccomp_rule_add(ctx, SCMP_ACT_KILL_PROCESS, SCMP_SYS(accept), 0);
	if (rc != 0 || seccomp_load(ctx) != 0)
		fatalx("the child's seccomp filter");
	seccomp_release(ctx);
}

void
sandbox_seccomp(const struct sandbox_policy *p)
{
	scmp_filter_ctx		 ctx;
	uint32_t		 action = SCMP_ACT_KILL_PROCESS;
	int			 rc;

#ifdef MOAT_SANDBOX_TRAP
	struct sigaction	 sa;

	/* debugging aid: name the offending call instead of dying mute */
	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = trap_handler;
	sa.sa_flags = SA_SIGINFO;
	sigaction(SIGSYS, &sa, NULL);
	action = SCMP_ACT_TRAP;
#else
	(void)trap_handler;
#endif
	if ((ctx = seccomp_init(action)) == NULL)
		fatalx("seccomp_init");
	/* a binary tree, not a chain: every system call pays the filter */
	if (seccomp_attr_set(ctx, SCMP_FLTATR_CTL_OPTIMIZE, 2) < 0)
		log_debug("seccomp: no binary tree optimization");
	group_stdio(ctx);
	group_sanitizer(ctx);
	if (p->groups & SB_EVENT)
		group_event(ctx);
	if (p->groups & SB_IPC)
		group_ipc(ctx);
	if (p->groups & SB_INET)
		group_inet(ctx);
	if (p->groups & SB_RPATH)
		group_rpath(ctx);
	if (p->groups & SB_WPATH) {
		group_rpath(ctx);
		group_wpath(ctx);
	}
	if (p->groups & SB_PROC)
		group_proc(ctx);
	if ((p->groups & SB_THREADS) && !(p->groups & SB_PROC))
		group_threads(ctx);
	if (p->groups & SB_SUPERVISE)
		group_supervise(ctx);
	if ((p->groups & SB_FORK) && !(p->groups & SB_PROC))
		group_fork(ctx);
	if (p->groups & SB_CONNECT)
		group_connect(ctx);
	if (p->groups & SB_UNIXSERVER)
		group_unixserver(ctx);
	if (p->groups & SB_SYSADMIN)
		group_sysadmin(ctx);
	soft_denials(ctx, p->groups);
	if ((rc = seccomp_load(ctx)) < 0) {
		errno = -rc;
		if (rc == -EINVAL || rc == -ENOSYS)
			log_warn("seccomp not available; running without it");
		else
			fatal("seccomp_load");
	}
	seccomp_release(ctx);
	log_debug("seccomp filter in place for %s", p->name);
}
