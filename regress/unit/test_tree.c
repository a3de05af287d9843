/*
 * Unit tests of taskd/tree.c, as root: a host's home shifted to
 * another block of ids and a host's trees removed never reach outside
 * the tree, even when a directory of it is swapped for a link to
 * elsewhere in the middle of the walk (as a process of the host could
 * do), nor into another mount; a tree deeper than the walk holds
 * descriptors for is still removed.
 *
 * The swap comes at a chosen moment: this program's fchownat, unlinkat
 * and remove (which the code under test links to, in place of libc's)
 * make it as the walk first touches a file of the swapped directory,
 * then do what was asked.
 */
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/types.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "driver.h"
#include "test.h"

#define OLD	(2147483648U + 5 * IDMAP_BLOCK)
#define NEW	(2147483648U + 9 * IDMAP_BLOCK)

/* The swap: dir renamed to moved, a link to outside in its place. */
static struct {
	int	 armed;
	ino_t	 trigger[2];
	char	 dir[PATH_MAX], moved[PATH_MAX], outside[PATH_MAX];
} swap;

static void
maybe_swap(int rc, const struct stat *st)
{
	if (rc == -1 || !swap.armed || (st->st_ino != swap.trigger[0] &&
	    st->st_ino != swap.trigger[1]))
		return;
	swap.armed = 0;
	if (rename(swap.dir, swap.moved) == -1 ||
	    symlink(swap.outside, swap.dir) == -1)
		fprintf(stderr, "cannot swap %s\n", swap.dir);
}

int
fchownat(int dir, const char *path, uid_t uid, gid_t gid, int flags)
{
	struct stat	 st;

	maybe_swap(fstatat(dir, path, &st, flags & (AT_EMPTY_PATH |
	    AT_SYMLINK_NOFOLLOW)), &st);
	return (int)syscall(SYS_fchownat, dir, path, uid, gid, flags);
}

int
unlinkat(int dir, const char *path, int flags)
{
	struct stat	 st;

	maybe_swap(fstatat(dir, path, &st, AT_SYMLINK_NOFOLLOW), &st);
	return (int)syscall(SYS_unlinkat, dir, path, flags);
}

int
remove(const char *path)
{
	struct stat	 st;

	maybe_swap(lstat(path, &st), &st);
	if (syscall(SYS_unlinkat, AT_FDCWD, path, 0) == 0)
		return 0;
	return errno == EISDIR ? (int)syscall(SYS_unlinkat, AT_FDCWD, path,
	    AT_REMOVEDIR) : -1;
}

static char	 base[] = "/tmp/moat-test-tree-XXXXXX";

static void
path_of(char *out, const char *rel)
{
	snprintf(out, PATH_MAX, "%s/%s", base, rel);
}

static void
make(const char *rel, uint32_t owner)
{
	char	 path[PATH_MAX];
	int	 fd;

	path_of(path, rel);
	if (rel[strlen(rel) - 1] == '/')
		CHECK(mkdir(path, 0755) == 0);
	else {
		CHECK((fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0644)) !=
		    -1);
		CHECK(write(fd, "marker\n", 7) == 7);
		close(fd);
	}
	CHECK(lchown(path, owner, owner) == 0);
}

static uint32_t
owner(const char *rel)
{
	char		 path[PATH_MAX];
	struct stat	 st;

	path_of(path, rel);
	if (lstat(path, &st) == -1)
		return 0xffffffffU;
	CHECK(st.st_uid == st.st_gid);
	return st.st_uid;
}

static int
exists(const char *rel)
{
	char	 path[PATH_MAX];

	path_of(path, rel);
	return access(path, F_OK) == 0;
}

/* The swap of top/a for a link to outside, armed on its files. */
static void
arm(void)
{
	char		 path[PATH_MAX];
	struct stat	 st;

	path_of(swap.dir, "top/a");
	path_of(swap.moved, "top/a.moved");
	path_of(swap.outside, "outside");
	path_of(path, "top/a/f1");
	CHECK(lstat(path, &st) == 0);
	swap.trigger[0] = st.st_ino;
	path_of(path, "top/a/f2");
	CHECK(lstat(path, &st) == 0);
	swap.trigger[1] = st.st_ino;
	swap.armed = 1;
}

/* top/a/{f1,f2}, top/a/b/g, top/link -> ../outside; outside/{f1,f2} */
static void
make_tree(void)
{
	char	 path[PATH_MAX], target[PATH_MAX];

	make("top/", 0);
	make("top/a/", OLD);
	make("top/a/f1", OLD + 5);
	make("top/a/f2", OLD + 5);
	make("top/a/b/", OLD + 33);
	make("top/a/b/g", 1000);
	make("top/h", OLD);
	make("outside/", OLD + 7);
	make("outside/f1", OLD + 7);
	make("outside/f2", OLD + 7);
	path_of(path, "top/link");
	path_of(target, "outside/f1");
	CHECK(symlink(target, path) == 0);
}

static void
clean(void)
{
	char	 cmd[PATH_MAX + 16];

	snprintf(cmd, sizeof(cmd), "rm -rf %s/*", base);
	CHECK(system(cmd) == 0);
}

static void
test_shift(void)
{
	struct tree_ids	 ids = { { OLD, 0 }, 1, NEW };
	char		 top[PATH_MAX];

	make_tree();
	path_of(top, "top");
	CHECK_INT(tree_shift(top, &ids), 0);
	CHECK_INT(owner("top"), NEW);		/* the machine's root's */
	CHECK_INT(owner("top/a"), NEW);
	CHECK_INT(owner("top/a/f1"), NEW + 5);
	CHECK_INT(owner("top/a/b"), NEW + 33);
	CHECK_INT(owner("top/a/b/g"), NEW);	/* outside the block */
	CHECK_INT(owner("top/link"), NEW);	/* the link itself */
	CHECK_INT(owner("outside/f1"), OLD + 7);
	/* done again: each id where it is, or from a second source */
	ids.from[1] = OLD + IDMAP_BLOCK;
	ids.nfrom = 2;
	make("top/c", OLD + IDMAP_BLOCK + 2);
	CHECK_INT(tree_shift(top, &ids), 0);
	CHECK_INT(owner("top/a/f1"), NEW + 5);
	CHECK_INT(owner("top/c"), NEW + 2);
	clean();
}

static void
test_shift_with_a_swap(void)
{
	struct tree_ids	 ids = { { OLD, 0 }, 1, NEW };
	char		 top[PATH_MAX];

	make_tree();
	arm();
	path_of(top, "top");
	CHECK_INT(tree_shift(top, &ids), 0);
	CHECK(!swap.armed);
	/* the walk stayed in the directory it had opened */
	CHECK_INT(owner("outside"), OLD + 7);
	CHECK_INT(owner("outside/f1"), OLD + 7);
	CHECK_INT(owner("outside/f2"), OLD + 7);
	CHECK_INT(owner("top/a.moved/f1"), NEW + 5);
	CHECK_INT(owner("top/a.moved/f2"), NEW + 5);
	clean();
}

static void
test_remove_with_a_swap(void)
{
	char	 top[PATH_MAX];

	make_tree();
	arm();
	path_of(top, "top");
	CHECK_INT(tree_remove(top), 0);
	CHECK(!swap.armed);
	CHECK(!exists("top"));
	CHECK(exists("outside/f1"));
	CHECK(exists("outside/f2"));
	CHECK_INT(tree_remove(top), 0);		/* none: nothing to do */
	clean();
}

/* A chain of depth directories under top/deep; its innermost path. */
static void
make_chain(int depth)
{
	char	 path[PATH_MAX];
	int	 i, fd, next;

	path_of(path, "top/deep");
	CHECK(mkdir(path, 0755) == 0);
	CHECK((fd = open(path, O_RDONLY | O_DIRECTORY)) != -1);
	for (i = 0; i < depth; i++) {
		CHECK(mkdirat(fd, "d", 0755) == 0);
		CHECK((next = openat(fd, "d", O_RDONLY | O_DIRECTORY)) != -1);
		close(fd);
		fd = next;
	}
	CHECK((next = openat(fd, "file", O_WRONLY | O_CREAT, 0644)) != -1);
	close(next);
	close(fd);
}

static void
test_deep_trees(void)
{
	struct tree_ids	 ids = { { OLD, 0 }, 1, NEW };
	char		 top[PATH_MAX];

	make("top/", 0);
	make("top/.moat-deep-0/", OLD);		/* the host's own name */
	make_chain(1000);
	path_of(top, "top");
	/* deeper than the walk goes: the shift fails, and says so */
	CHECK_INT(tree_shift(top, &ids), -1);
	/* a removal moves what is deeper up, and removes it all */
	CHECK_INT(tree_remove(top), 0);
	CHECK(!exists("top"));
	clean();
}

/* Another file system mounted in the tree is neither shifted nor
 * emptied (a private mount namespace of this test's own). */
static void
test_mounts_are_not_crossed(void)
{
	struct tree_ids	 ids = { { OLD, 0 }, 1, NEW };
	char		 top[PATH_MAX], mnt[PATH_MAX];

	CHECK(unshare(CLONE_NEWNS) == 0);
	CHECK(mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) == 0);
	make("top/", OLD);
	make("top/m/", OLD);
	path_of(mnt, "top/m");
	CHECK(mount("tmpfs", mnt, "tmpfs", 0, "size=64k") == 0);
	make("top/m/inside", OLD + 1);
	path_of(top, "top");
	CHECK_INT(tree_shift(top, &ids), 0);
	CHECK_INT(owner("top"), NEW);
	CHECK_INT(owner("top/m/inside"), OLD + 1);
	CHECK_INT(tree_remove(top), -1);
	CHECK(exists("top/m/inside"));
	CHECK(umount(mnt) == 0);
	CHECK_INT(tree_remove(top), 0);
	CHECK(!exists("top"));
}

int
main(void)
{
	if (geteuid() != 0) {
		fprintf(stderr, "test_tree changes owners: run it as root\n");
		return 1;
	}
	if (mkdtemp(base) == NULL) {
		perror("mkdtemp");
		return 1;
	}
	RUN(test_shift);
	RUN(test_shift_with_a_swap);
	RUN(test_remove_with_a_swap);
	RUN(test_deep_trees);
	RUN(test_mounts_are_not_crossed);
	rmdir(base);
	return test_report("tree");
}
