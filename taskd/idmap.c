/*
 * Each host's block of user ids: root in the host's user namespace is
 * the block's first id outside, and the host's ids 0-65535 its 65536.
 * Blocks come from the range the configuration gives ("task uid-range",
 * by default the upper half of the id space, above every range that
 * Debian, systemd and the usual container tools hand out) and never
 * hold a user of the machine (ids below 65536 are refused).
 *
 * A block is a host's alone on the whole machine, whichever suite it
 * belongs to: it is claimed in /run/moat-claims/uids/<first id>, a
 * symbolic link to the bundle that holds it, under the lock every
 * suite takes (suite.c), and recorded in the bundle (its "uid" file).
 * A claim whose bundle is gone, or records another block, is stale.
 * A host keeps its block from one start to the next; it gets another
 * only when its own is out of the configured range or taken (/run is
 * emptied at boot, and a new host may have taken it first).  The home
 * then follows: every file in it is given the same id in the new block
 * (a file of an id outside the old block goes to the new root), the
 * top directory last, so that an interrupted shift is done again.  A
 * home from before user namespaces is owned by the machine's root and
 * shifts the same way, from block 0.
 */
#include <sys/stat.h>
#include <sys/types.h>

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "driver.h"
#include "log.h"

#define IDMAP_END	4294901760U	/* the last block holds -1 and -2 */

int
driver_uid_range_ok(uint32_t first, uint32_t blocks)
{
	return first >= IDMAP_BLOCK && first % IDMAP_BLOCK == 0 &&
	    first < IDMAP_END && blocks >= 1 &&
	    blocks <= (IDMAP_END - first) / IDMAP_BLOCK;
}

/* The block the bundle records, or 0 if none. */
static uint32_t
recorded(const char *bundle)
{
	char		 path[PATH_MAX], text[16], *end;
	unsigned long	 id;

	if (snprintf(path, sizeof(path), "%s/uid", bundle) >=
	    (int)sizeof(path))
		return 0;
	read_line(path, text, sizeof(text));
	errno = 0;
	id = strtoul(text, &end, 10);
	if (text[0] == '\0' || *end != '\0' || errno != 0 ||
	    id < IDMAP_BLOCK || id % IDMAP_BLOCK != 0 || id >= IDMAP_END)
		return 0;
	return (uint32_t)id;
}

static int
in_range(const struct driver_paths *p, uint32_t first)
{
	return first >= p->uid_first &&
	    (first - p->uid_first) / IDMAP_BLOCK < p->uid_blocks;
}

/* Whether the block may be bundle's: nobody's, a stale claim, or its. */
static int
block_free(uint32_t first, const char *bundle)
{
	char	 name[16], owner[PATH_MAX], path[PATH_MAX], held[16];

	snprintf(name, sizeof(name), "%u", first);
	if (!claim_owner("uids", name, owner, sizeof(owner)) ||
	    strcmp(owner, bundle) == 0)
		return 1;
	if (snprintf(path, sizeof(path), "%s/uid", owner) >=
	    (int)sizeof(path))
		return 0;
	read_line(path, held, sizeof(held));
	return strcmp(held, name) != 0;
}

static int
record(const char *bundle, uint32_t first)
{
	char	 path[PATH_MAX], tmp[PATH_MAX], text[16];

	if (snprintf(path, sizeof(path), "%s/uid", bundle) >=
	    (int)sizeof(path) || snprintf(tmp, sizeof(tmp), "%s/uid.tmp",
	    bundle) >= (int)sizeof(tmp))
		return -1;
	snprintf(text, sizeof(text), "%u\n", first);
	return write_file(tmp, text) == 0 && rename(tmp, path) == 0 ? 0 : -1;
}

/*
 * The host's block, claimed and recorded in its bundle: the one it had
 * if it may keep it, else the first free one.  0, or -1 with res failed.
 */
int
idmap_claim(const struct driver_paths *p, const char *bundle_path,
    uint32_t *first, struct driver_res *res)
{
	char		 bundle[PATH_MAX], name[16];
	uint32_t	 had, chosen = 0, i;
	int		 lock, rc = -1;

	if (realpath(bundle_path, bundle) == NULL) {
		driver_fail(res, "bundle_failed", "no bundle %s", bundle_path);
		return -1;
	}
	had = recorded(bundle);
	if ((lock = claims_lock()) == -1) {
		driver_fail(res, "uid_claim_failed", "cannot lock %s",
		    CLAIMS_DIR);
		return -1;
	}
	if (had != 0 && in_range(p, had) && block_free(had, bundle))
		chosen = had;
	for (i = 0; chosen == 0 && i < p->uid_blocks; i++)
		if (block_free(p->uid_first + i * IDMAP_BLOCK, bundle))
			chosen = p->uid_first + i * IDMAP_BLOCK;
	if (chosen == 0)
		driver_fail(res, "uid_range_full", "every block of user ids "
		    "from %u is taken", p->uid_first);
	else {
		snprintf(name, sizeof(name), "%u", chosen);
		if (claim_take("uids", name, bundle) == -1 ||
		    (chosen != had && record(bundle, chosen) == -1))
			driver_fail(res, "uid_claim_failed", "cannot claim the "
			    "user ids from %u", chosen);
		else
			rc = 0;
	}
	if (rc == 0 && had != 0 && had != chosen) {
		snprintf(name, sizeof(name), "%u", had);
		claim_drop("uids", name, bundle);
	}
	claims_unlock(lock);
	*first = chosen;
	return rc;
}

/* The host's block let go, as it is deleted. */
void
idmap_release(const char *bundle_path)
{
	char		 bundle[PATH_MAX], name[16];
	uint32_t	 had;
	int		 lock;

	if (realpath(bundle_path, bundle) == NULL ||
	    (had = recorded(bundle)) == 0)
		return;
	if ((lock = claims_lock()) == -1)
		return;		/* stale once the bundle is gone */
	snprintf(name, sizeof(name), "%u", had);
	claim_drop("uids", name, bundle);
	claims_unlock(lock);
}

/* nftw has no argument for its callback: the shift under way */
static struct {
	uid_t	 from_uid, to;
	gid_t	 from_gid;
} shift;

static uint32_t
shifted(uint32_t id, uint32_t from)
{
	if (id - shift.to < IDMAP_BLOCK)
		return id;		/* there already */
	if (id - from < IDMAP_BLOCK)
		return shift.to + (id - from);
	return shift.to;
}

static int
shift_entry(const char *path, const struct stat *st, int flag,
    struct FTW *ftw)
{
	(void)flag;
	(void)ftw;
	/* never through a link: the host made them */
	return fchownat(AT_FDCWD, path, shifted(st->st_uid, shift.from_uid),
	    shifted(st->st_gid, shift.from_gid), AT_SYMLINK_NOFOLLOW);
}

/* The home owned by the block from first, as said above. */
int
idmap_home(const char *home, uint32_t first)
{
	struct stat	 st;

	if (lstat(home, &st) == -1 || !S_ISDIR(st.st_mode))
		return -1;
	if (st.st_uid == first && st.st_gid == first)
		return 0;
	shift.from_uid = st.st_uid;
	shift.from_gid = st.st_gid;
	shift.to = first;
	log_info("runner: home %s to the user ids from %u", home, first);
	return nftw(home, shift_entry, 32, FTW_PHYS | FTW_DEPTH |
	    FTW_MOUNT) == 0 ? 0 : -1;
}
