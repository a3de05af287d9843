/*
 * Landlock, asked for by raw system call: Debian 12's headers stop at ABI
 * 2 while the kernels we run on may offer more, so the constants we need
 * are defined here and the ABI is asked of the kernel at run time.
 */
#include <sys/types.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <string.h>
#include <unistd.h>

#include "log.h"
#include "sandbox.h"

#ifndef SYS_landlock_create_ruleset
#define SYS_landlock_create_ruleset	444
#define SYS_landlock_add_rule		445
#define SYS_landlock_restrict_self	446
#endif

#define LL_CREATE_RULESET_VERSION	(1U << 0)
#define LL_RULE_PATH_BENEATH		1

#define LL_FS_EXECUTE		(1ULL << 0)
#define LL_FS_WRITE_FILE	(1ULL << 1)
#define LL_FS_READ_FILE		(1ULL << 2)
#define LL_FS_READ_DIR		(1ULL << 3)
#define LL_FS_REMOVE_DIR	(1ULL << 4)
#define LL_FS_REMOVE_FILE	(1ULL << 5)
#define LL_FS_MAKE_CHAR		(1ULL << 6)
#define LL_FS_MAKE_DIR		(1ULL << 7)
#define LL_FS_MAKE_REG		(1ULL << 8)
#define LL_FS_MAKE_SOCK		(1ULL << 9)
#define LL_FS_MAKE_FIFO		(1ULL << 10)
#define LL_FS_MAKE_BLOCK	(1ULL << 11)
#define LL_FS_MAKE_SYM		(1ULL << 12)
#define LL_FS_REFER		(1ULL << 13)	/* ABI 2 */
#define LL_FS_TRUNCATE		(1ULL << 14)	/* ABI 3 */
#define LL_FS_IOCTL_DEV		(1ULL << 15)	/* ABI 5 */
#define LL_NET_BIND_TCP		(1ULL << 0)	/* ABI 4 */
#define LL_NET_CONNECT_TCP	(1ULL << 1)	/* ABI 4 */
#define LL_SCOPE_ABSTRACT_UNIX	(1ULL << 0)	/* ABI 6 */
#define LL_SCOPE_SIGNAL		(1ULL << 1)	/* ABI 6 */

/* Only files, not directories, take these rights in a rule. */
#define LL_FS_FILE_RIGHTS	(LL_FS_EXECUTE | LL_FS_WRITE_FILE | \
	LL_FS_READ_FILE | LL_FS_TRUNCATE | LL_FS_IOCTL_DEV)

struct ll_ruleset_attr {
	uint64_t	 handled_access_fs;
	uint64_t	 handled_access_net;
	uint64_t	 scoped;
};

struct ll_path_beneath_attr {
	uint64_t	 allowed_access;
	int32_t		 parent_fd;
} __attribute__((packed));

int
sandbox_landlock_abi(void)
{
	long	 abi;

	abi = syscall(SYS_landlock_create_ruleset, NULL, 0,
	    LL_CREATE_RULESET_VERSION);
	return abi < 0 ? 0 : (int)abi;
}

static uint64_t
handled_fs(int abi)
{
	uint64_t	 fs = (LL_FS_MAKE_SYM << 1) - 1;

	if (abi >= 2)
		fs |= LL_FS_REFER;
	if (abi >= 3)
		fs |= LL_FS_TRUNCATE;
	if (abi >= 5)
		fs |= LL_FS_IOCTL_DEV;
	return fs;
}

static uint64_t
rights_for(unsigned int access, uint64_t handled)
{
	uint64_t	 r = 0;

	if (access & SB_FS_READ)
		r |= LL_FS_READ_FILE | LL_FS_READ_DIR;
	if (access & SB_FS_WRITE)
		r |= LL_FS_WRITE_FILE | LL_FS_TRUNCATE | LL_FS_REMOVE_FILE |
		    LL_FS_REMOVE_DIR | LL_FS_MAKE_REG | LL_FS_MAKE_DIR |
		    LL_FS_MAKE_SOCK | LL_FS_MAKE_FIFO | LL_FS_MAKE_SYM |
		    LL_FS_REFER;
	if (access & SB_FS_EXEC)
		r |= LL_FS_EXECUTE | LL_FS_READ_FILE | LL_FS_READ_DIR;
	return r & handled;
}

static void
add_path_rule(int ruleset, const struct sandbox_path *sp, uint64_t handled)
{
	struct ll_path_beneath_attr	 pb;
	struct stat			 st;
	int				 fd;

	if ((fd = open(sp->path, O_PATH | O_CLOEXEC)) == -1) {
		/* a system directory this distribution does not have */
		if (errno == ENOENT && (sp->access & SB_FS_WRITE) == 0) {
			log_debug("landlock: no %s", sp->path);
			return;
		}
		fatal("landlock: %s", sp->path);
	}
	if (fstat(fd, &st) == -1)
		fatal("landlock: fstat %s", sp->path);
	memset(&pb, 0, sizeof(pb));
	pb.allowed_access = rights_for(sp->access, handled);
	if (!S_ISDIR(st.st_mode))
		pb.allowed_access &= LL_FS_FILE_RIGHTS;
	pb.parent_fd = fd;
	if (syscall(SYS_landlock_add_rule, ruleset, LL_RULE_PATH_BENEATH,
	    &pb, 0) == -1)
		fatal("landlock_add_rule %s", sp->path);
	close(fd);
}

void
sandbox_landlock(const struct sandbox_policy *p)
{
	static int		 warned;
	struct ll_ruleset_attr	 attr;
	size_t			 i;
	int			 abi, ruleset;

	if ((abi = sandbox_landlock_abi()) == 0) {
		if (!warned++)
			log_warnx("kernel without Landlock: file access is "
			    "confined by chroot and seccomp only");
		return;
	}
	memset(&attr, 0, sizeof(attr));
	attr.handled_access_fs = handled_fs(abi);
	if (abi >= 4 && p->deny_tcp)
		attr.handled_access_net = LL_NET_BIND_TCP | LL_NET_CONNECT_TCP;
	if (abi >= 6)
		attr.scoped = LL_SCOPE_ABSTRACT_UNIX |
		    ((p->groups & (SB_PROC | SB_SUPERVISE)) ? 0 :
		    LL_SCOPE_SIGNAL);
	ruleset = syscall(SYS_landlock_create_ruleset, &attr, sizeof(attr), 0);
	if (ruleset == -1)
		fatal("landlock_create_ruleset (ABI %d)", abi);
	for (i = 0; i < p->npaths; i++)
		add_path_rule(ruleset, &p->paths[i], attr.handled_access_fs);
	if (syscall(SYS_landlock_restrict_self, ruleset, 0) == -1)
		fatal("landlock_restrict_self");
	close(ruleset);
	log_debug("landlock ABI %d: %zu path rule(s)%s", abi, p->npaths,
	    attr.handled_access_net ? ", no TCP bind or connect" : "");
}
