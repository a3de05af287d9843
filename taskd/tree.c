/*
 * Walks over a host's trees as root: its home when its ids move to
 * another block (idmap.c), its bundle and home when it is deleted
 * (crun.c).  The host writes in these trees and could be running while
 * they are walked (stored leases one task of a host at a time, so it
 * should not), so no path through them is ever resolved: each entry is
 * opened by its name relative to the descriptor of the directory that
 * holds it, never through a symbolic link (O_NOFOLLOW, and openat2's
 * RESOLVE_NO_SYMLINKS where the kernel has it) nor onto another mount,
 * and changed through that descriptor.  A directory swapped for a link
 * to elsewhere while the walk runs then fails to open, or the walk
 * stays in the directory it had opened: nothing outside the tree is
 * touched.  A path is resolved only for the top, whose parents are the
 * runner's.
 */
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/types.h>

#include <linux/openat2.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "driver.h"

/*
 * Each level of a walk holds a descriptor.  A shift fails below this
 * depth (the host's own doing, which no path would reach either: 256
 * names of one character are over PATH_MAX); a removal moves what is
 * deeper up to the top and removes it from there.
 */
#define TREE_DEPTH_MAX	256

struct walk {
	const struct tree_ids	*ids;		/* a shift's, NULL to remove */
	dev_t			 dev;		/* the tree's file system */
	int			 top;		/* the top's descriptor */
	unsigned int		 moved;		/* subtrees moved up */
	unsigned long		 changes;	/* entries removed or moved */
};

static int	 openat2_missing;

/*
 * The entry name of the directory dir, itself (O_PATH: a link is the
 * link), neither through a link nor onto another mount; its stat in st.
 */
static int
entry_open(const struct walk *w, int dir, const char *name, struct stat *st)
{
	struct open_how	 how;
	int		 fd = -1;

	if (!openat2_missing) {
		memset(&how, 0, sizeof(how));
		how.flags = O_PATH | O_NOFOLLOW | O_CLOEXEC;
		how.resolve = RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS |
		    RESOLVE_NO_MAGICLINKS | RESOLVE_NO_XDEV;
		fd = (int)syscall(SYS_openat2, dir, name, &how, sizeof(how));
		if (fd == -1 && errno == ENOSYS)
			openat2_missing = 1;	/* before Linux 5.6 */
	}
	if (openat2_missing)
		fd = openat(dir, name, O_PATH | O_NOFOLLOW | O_CLOEXEC);
	if (fd == -1)
		return -1;
	/* a mount of another file system; openat2 also refuses binds */
	if (fstat(fd, st) == -1 || st->st_dev != w->dev) {
		close(fd);
		errno = EXDEV;
		return -1;
	}
	return fd;
}

/* The directory that the O_PATH descriptor ent names, for reading. */
static int
dir_open(int ent)
{
	int	 fd;

	fd = openat(ent, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	close(ent);
	return fd;
}

static int
dots(const char *name)
{
	return strcmp(name, ".") == 0 || strcmp(name, "..") == 0;
}

/* ---- a shift of ids -------------------------------------------------- */

static uint32_t
shifted(const struct tree_ids *ids, uint32_t id)
{
	int	 i;

	if (id - ids->to < IDMAP_BLOCK)
		return id;		/* there already */
	for (i = 0; i < ids->nfrom; i++)
		if (id - ids->from[i] < IDMAP_BLOCK)
			return ids->to + (id - ids->from[i]);
	return ids->to;
}

/* The entry fd (a link is the link) to its ids in the new block. */
static int
shift_one(const struct walk *w, int fd, const struct stat *st)
{
	uid_t	 uid = shifted(w->ids, st->st_uid);
	gid_t	 gid = shifted(w->ids, st->st_gid);

	if (uid == st->st_uid && gid == st->st_gid)
		return 0;
	return fchownat(fd, "", uid, gid, AT_EMPTY_PATH | AT_SYMLINK_NOFOLLOW);
}

/* The directory fd (for reading; taken): what it holds, then itself,
 * so that a shift interrupted is done again from its top. */
static int
shift_dir(const struct walk *w, int fd, int depth)
{
	struct dirent	*e;
	struct stat	 st;
	DIR		*d;
	int		 ent, rc = 0;

	if (depth > TREE_DEPTH_MAX) {
		close(fd);
		errno = ELOOP;
		return -1;
	}
	if ((d = fdopendir(fd)) == NULL) {
		close(fd);
		return -1;
	}
	while (rc == 0 && (errno = 0, e = readdir(d)) != NULL) {
		if (dots(e->d_name))
			continue;
		if ((ent = entry_open(w, dirfd(d), e->d_name, &st)) == -1) {
			/* gone meanwhile, or another file system's */
			if (errno != ENOENT && errno != EXDEV)
				rc = -1;
			continue;
		}
		if (S_ISDIR(st.st_mode))
			rc = (fd = dir_open(ent)) == -1 ? -1 :
			    shift_dir(w, fd, depth + 1);
		else {
			rc = shift_one(w, ent, &st);
			close(ent);
		}
	}
	if (e == NULL && errno != 0)
		rc = -1;
	if (rc == 0)
		rc = fstat(dirfd(d), &st) == -1 ? -1 :
		    shift_one(w, dirfd(d), &st);
	closedir(d);
	return rc;
}

/* The tree top given to the ids of the block ids->to, as idmap.c says. */
int
tree_shift(const char *top, const struct tree_ids *ids)
{
	struct walk	 w;
	struct stat	 st;
	int		 fd;

	memset(&w, 0, sizeof(w));
	w.ids = ids;
	if ((fd = open(top, O_RDONLY | O_DIRECTORY | O_NOFOLLOW |
	    O_CLOEXEC)) == -1 || fstat(fd, &st) == -1) {
		if (fd != -1)
			close(fd);
		return -1;
	}
	w.dev = st.st_dev;
	w.top = -1;
	return shift_dir(&w, fd, 0);
}

/* ---- a removal ------------------------------------------------------- */

static int	 empty_dir(struct walk *, int, int);

/* A directory too deep to descend into, moved up to the top, whose
 * pass removes it; a name of the host's own there stays. */
static int
move_up(struct walk *w, int dir, const char *name)
{
	char	 up[32];
	int	 tries;

	for (tries = 0; tries < 1000; tries++) {
		snprintf(up, sizeof(up), ".moat-deep-%u", w->moved++);
		if (renameat2(dir, name, w->top, up, RENAME_NOREPLACE) == 0)
			return 0;
		if (errno != EEXIST)
			return -1;
	}
	return -1;
}

/* The entry name of the directory dir removed, whatever it is. */
static void
remove_entry(struct walk *w, int dir, const char *name, int depth)
{
	struct stat	 st;
	int		 ent, fd, rc;

	if ((ent = entry_open(w, dir, name, &st)) == -1)
		return;
	if (!S_ISDIR(st.st_mode)) {
		close(ent);
		rc = unlinkat(dir, name, 0);
	} else if (depth >= TREE_DEPTH_MAX) {
		close(ent);
		rc = move_up(w, dir, name);
	} else {
		rc = (fd = dir_open(ent)) == -1 ? -1 :
		    empty_dir(w, fd, depth + 1);
		/* a link put in its place meanwhile is no directory: this
		 * fails, and the next pass removes the link */
		if (rc == 0)
			rc = unlinkat(dir, name, AT_REMOVEDIR);
	}
	if (rc == 0)
		w->changes++;
}

/*
 * The directory fd (for reading; taken) emptied: pass after pass, while
 * a pass finds entries and changes something (an entry removed as it is
 * read may be read again, or one added not at all).
 */
static int
empty_dir(struct walk *w, int fd, int depth)
{
	struct dirent	*e;
	DIR		*d;
	unsigned long	 before;
	int		 found;

	if ((d = fdopendir(fd)) == NULL) {
		close(fd);
		return -1;
	}
	do {
		rewinddir(d);
		before = w->changes;
		found = 0;
		while ((e = readdir(d)) != NULL)
			if (!dots(e->d_name)) {
				found = 1;
				remove_entry(w, dirfd(d), e->d_name, depth);
			}
	} while (found && w->changes != before);
	closedir(d);
	return found ? -1 : 0;	/* what is left will not go */
}

/* The tree top and everything in it; 0 if there was none. */
int
tree_remove(const char *top)
{
	struct walk	 w;
	struct stat	 st;
	int		 fd, rc;

	memset(&w, 0, sizeof(w));
	if ((fd = open(top, O_RDONLY | O_DIRECTORY | O_NOFOLLOW |
	    O_CLOEXEC)) == -1)
		return errno == ENOENT ? 0 : -1;
	if (fstat(fd, &st) == -1 || (w.top = fcntl(fd, F_DUPFD_CLOEXEC,
	    0)) == -1) {
		close(fd);
		return -1;
	}
	w.dev = st.st_dev;
	rc = empty_dir(&w, fd, 0);
	close(w.top);
	if (rc == -1)
		return -1;
	return rmdir(top) == 0 || errno == ENOENT ? 0 : -1;
}
