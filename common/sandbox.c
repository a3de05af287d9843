/*
 * The mechanisms behind sandbox.h.  Groups of system calls live here;
 * each process names the groups it needs in its own file.
 */
#include <sys/types.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <linux/capability.h>
#include <pwd.h>
#include <seccomp.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "log.h"
#include "sandbox.h"

static unsigned int	 sandbox_groups;

int
sandbox_disabled_for_tests(void)
{
#ifdef MOAT_TEST
	/* Only test builds: LeakSanitizer cannot stop the world inside. */
	const char	*s = getenv("MOAT_TEST_NOSANDBOX");

	return s != NULL && strcmp(s, "1") == 0;
#else
	return 0;
#endif
}

static void
verify_dropped(uid_t uid, gid_t gid)
{
	uid_t	 ruid, euid, suid;
	gid_t	 rgid, egid, sgid;

	if (getresuid(&ruid, &euid, &suid) == -1 ||
	    getresgid(&rgid, &egid, &sgid) == -1)
		fatal("getresuid");
	if (ruid != uid || euid != uid || suid != uid ||
	    rgid != gid || egid != gid || sgid != gid)
		fatalx("ids not dropped");
	/* As OpenSSH's permanently_set_uid: prove root cannot come back. */
	if (uid != 0 && (setuid(0) != -1 || seteuid(0) != -1))
		fatalx("could regain root after dropping privileges");
	if (gid != 0 && (setgid(0) != -1 || setegid(0) != -1))
		fatalx("could regain group 0 after dropping privileges");
}

int
sandbox_drop_privileges(const char *user, const char *chroot_dir)
{
	struct passwd	*pw;
	uid_t		 uid;
	gid_t		 gid;

	/* the leak-check test run keeps its processes as they started */
	if (geteuid() != 0 || sandbox_disabled_for_tests())
		return 0;
	if ((pw = getpwnam(user)) == NULL)
		fatalx("unknown user %s", user);
	uid = pw->pw_uid;
	gid = pw->pw_gid;
	if (chroot_dir != NULL) {
		if (chroot(chroot_dir) == -1)
			fatal("chroot %s", chroot_dir);
		if (chdir("/") == -1)
			fatal("chdir /");
	}
	if (setgroups(1, &gid) == -1 || setresgid(gid, gid, gid) == -1 ||
	    setresuid(uid, uid, uid) == -1)
		fatal("cannot drop privileges to %s", user);
	verify_dropped(uid, gid);
	return 0;
}

int
sandbox_keep_caps(uint64_t mask)
{
	struct __user_cap_header_struct	 hdr;
	struct __user_cap_data_struct	 data[2];
	int				 cap;

	if (geteuid() != 0 || sandbox_disabled_for_tests())
		return 0;
	for (cap = 0; cap < 64; cap++) {
		if (mask & (1ULL << cap))
			continue;
		if (prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) == -1) {
			if (errno == EINVAL)
				break;	/* past the kernel's last cap */
			fatal("PR_CAPBSET_DROP %d", cap);
		}
	}
	if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) == -1)
		log_warn("PR_CAP_AMBIENT_CLEAR_ALL");
	memset(&hdr, 0, sizeof(hdr));
	memset(data, 0, sizeof(data));
	hdr.version = _LINUX_CAPABILITY_VERSION_3;
	/* A container or a unit file may have taken some already. */
	if (syscall(SYS_capget, &hdr, data) == -1)
		fatal("capget");
	mask &= (uint64_t)data[0].permitted |
	    ((uint64_t)data[1].permitted << 32);
	memset(data, 0, sizeof(data));
	data[0].effective = data[0].permitted = (uint32_t)mask;
	data[1].effective = data[1].permitted = (uint32_t)(mask >> 32);
	if (syscall(SYS_capset, &hdr, data) == -1)
		fatal("capset");
	return 0;
}

int
sandbox_drop_cap(int cap)
{
	struct __user_cap_header_struct	 hdr;
	struct __user_cap_data_struct	 data[2];
	uint64_t			 kept;

	if (geteuid() != 0 || sandbox_disabled_for_tests())
		return 0;
	memset(&hdr, 0, sizeof(hdr));
	memset(data, 0, sizeof(data));
	hdr.version = _LINUX_CAPABILITY_VERSION_3;
	if (syscall(SYS_capget, &hdr, data) == -1)
		fatal("capget");
	kept = (uint64_t)data[0].permitted |
	    ((uint64_t)data[1].permitted << 32);
	return sandbox_keep_caps(kept & ~(1ULL << cap));
}

static void
set_limit(int resource, rlim_t value, const char *name)
{
	struct rlimit	 rl;

	rl.rlim_cur = rl.rlim_max = value;
	if (setrlimit(resource, &rl) == -1)
		fatal("setrlimit %s", name);
}

static void
sandbox_limits(const struct sandbox_policy *p)
{
	if (p->no_fork)
		set_limit(RLIMIT_NPROC, 0, "RLIMIT_NPROC");
	if (p->no_files)
		set_limit(RLIMIT_FSIZE, 0, "RLIMIT_FSIZE");
	if (p->max_as != 0)
		set_limit(RLIMIT_AS, p->max_as, "RLIMIT_AS");
	set_limit(RLIMIT_CORE, 0, "RLIMIT_CORE");
}

void
sandbox_enter(const struct sandbox_policy *p)
{
	if (sandbox_disabled_for_tests()) {
		log_warnx("sandbox disabled for a leak-check test run");
		return;
	}
	sandbox_limits(p);
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) == -1)
		fatal("PR_SET_NO_NEW_PRIVS");
	sandbox_landlock(p);
	sandbox_groups = p->groups;
	sandbox_seccomp(p);
}

void
sandbox_test_forbidden(void)
{
#ifdef MOAT_TEST
	char	*argv[] = { "/bin/sh", "-c", "exit 0", NULL };
	char	*envp[] = { NULL };

	/* A shell is what an attacker wants first; a process that may
	 * exec tries to trace its parent instead.  The log names the call,
	 * so that a test knows which one killed it. */
	if ((sandbox_groups & SB_PROC) == 0) {
		log_warnx("test hook: making a forbidden system call (execve)");
		execve(argv[0], argv, envp);
	} else {
		log_warnx("test hook: making a forbidden system call (ptrace)");
		syscall(SYS_ptrace, 16 /* PTRACE_ATTACH */, getppid(), 0, 0);
	}
	log_warnx("test hook: the forbidden call returned");
#endif
}
