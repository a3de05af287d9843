/*
 * Entering a process's sandbox: privilege drop, resource limits, no new
 * privileges, Landlock, then a seccomp allowlist whose default kills.
 * Each process states its policy in one place (gmid's sandbox.c shape);
 * the allowlist is built from named groups in the spirit of pledge(2).
 */
#ifndef MOAT_SANDBOX_H
#define MOAT_SANDBOX_H

#include <stddef.h>
#include <stdint.h>

/* seccomp groups */
#define SB_STDIO	0x0001	/* memory, time, signals, read/write on fds */
#define SB_EVENT	0x0002	/* epoll and friends for libevent */
#define SB_IPC		0x0004	/* sendmsg/recvmsg on the links, fd passing */
#define SB_INET		0x0008	/* accept and talk on handed sockets */
#define SB_RPATH	0x0010	/* open files for reading */
#define SB_WPATH	0x0020	/* create, write, sync, lock, remove files */
#define SB_PROC		0x0040	/* fork, exec, wait, signal others */
#define SB_CONNECT	0x0080	/* new outbound sockets */
#define SB_UNIXSERVER	0x0100	/* accept on a unix socket, peer creds */
#define SB_SYSADMIN	0x0200	/* namespaces, mounts, netlink: taskd jobs */
#define SB_THREADS	0x0400	/* threads, never new processes */
#define SB_SUPERVISE	0x0800	/* signal and reap children, start none */
#define SB_FORK		0x1000	/* fork without exec or namespaces; a pty's size */

/* Landlock rights on a path */
#define SB_FS_READ	0x1
#define SB_FS_WRITE	0x2
#define SB_FS_EXEC	0x4

struct sandbox_path {
	const char	*path;
	unsigned int	 access;
};

struct sandbox_policy {
	const char		*name;
	unsigned int		 groups;
	/* Landlock: only these paths; none at all when npaths is 0 */
	const struct sandbox_path *paths;
	size_t			 npaths;
	int			 deny_tcp;	/* no TCP bind/connect */
	int			 no_fork;	/* RLIMIT_NPROC 0 */
	int			 no_files;	/* RLIMIT_FSIZE 0 */
	uint64_t		 max_as;	/* RLIMIT_AS, 0 for none */
};

/*
 * As root: chroot to dir (unless NULL) and become user for good.  Without
 * root this does nothing and returns 0; callers have already warned.
 */
int	 sandbox_drop_privileges(const char *user, const char *chroot_dir);
/* Keeps only the capabilities in mask (CAP_* bit numbers), for taskd. */
int	 sandbox_keep_caps(uint64_t mask);
/* Gives up one capability (a CAP_* number) for good. */
int	 sandbox_drop_cap(int cap);
/* Limits, no_new_privs, Landlock and seccomp: fatal on failure. */
void	 sandbox_enter(const struct sandbox_policy *);
/* The Landlock ABI of the running kernel, 0 if absent. */
int	 sandbox_landlock_abi(void);
/*
 * In test builds, a call that every policy forbids, to prove that the
 * filter kills.  Never returns when the filter is in place.
 */
void	 sandbox_test_forbidden(void);
int	 sandbox_disabled_for_tests(void);

/* the two halves of sandbox_enter, in landlock.c and seccomp.c */
void	 sandbox_landlock(const struct sandbox_policy *);
void	 sandbox_seccomp(const struct sandbox_policy *);
/*
 * A second filter, stacked on the process's own, for a forked child
 * that serves one client: it may signal only itself, and make no
 * process and accept no connection, so that a child taken over cannot
 * reach its parent or its siblings.
 */
void	 sandbox_seal_child(void);

#endif
