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
 * /run is emptied at boot: a runner claims again, as it starts and
 * before it hands out any block, the block every bundle of its suite
 * records, so that a new host never gets a block whose ids a stopped
 * host's files still carry.  A host keeps its block from one start to
 * the next; it gets another only when its own is out of the configured
 * range or taken (by another suite's host, claimed first).  The home
 * then follows: every file in it is given the same id in the new block
 * (a file of an id outside the old block goes to the new root).  The
 * old block is the one the bundle recorded, never what the home says
 * (its owners are the host's to change); it is kept in "uid.from"
 * until the shift is done, so that an interrupted shift is done again,
 * from there.  A home from before user namespaces (no "uid" file) is
 * owned by the machine's root and shifts the same way, from block 0;
 * so does a new host's empty home.  The walk is tree.c's.
 */
#include <sys/stat.h>
#include <sys/types.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
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

/* The first id of a block in text, or 0 if it names none. */
static uint32_t
block_of(const char *text)
{
	char		*end;
	unsigned long	 id;

	errno = 0;
	id = strtoul(text, &end, 10);
	if (text[0] == '\0' || *end != '\0' || errno != 0 ||
	    id < IDMAP_BLOCK || id % IDMAP_BLOCK != 0 || id >= IDMAP_END)
		return 0;
	return (uint32_t)id;
}

/* The block the bundle records, or 0 if none. */
static uint32_t
recorded(const char *bundle)
{
	char	 path[PATH_MAX], text[16];

	if (snprintf(path, sizeof(path), "%s/uid", bundle) >=
	    (int)sizeof(path))
		return 0;
	read_line(path, text, sizeof(text));
	return block_of(text);
}

/*
 * The blocks the home may still be in, as uid.from keeps them while a
 * shift is not done (0 is the machine's root's); how many, 0 if none.
 */
static int
pending(const char *bundle, struct tree_ids *ids)
{
	char	 path[PATH_MAX], text[TREE_SOURCES * 12], *word, *last;

	ids->nfrom = 0;
	if (snprintf(path, sizeof(path), "%s/uid.from", bundle) >=
	    (int)sizeof(path))
		return 0;
	read_line(path, text, sizeof(text));
	for (word = strtok_r(text, " ", &last); word != NULL &&
	    ids->nfrom < TREE_SOURCES; word = strtok_r(NULL, " ", &last))
		if (strcmp(word, "0") == 0 || block_of(word) != 0)
			ids->from[ids->nfrom++] = block_of(word);
	return ids->nfrom;
}

/* The file name of bundle written whole or not at all. */
static int
bundle_put(const char *bundle, const char *name, const char *text)
{
	char	 path[PATH_MAX], tmp[PATH_MAX];

	if (snprintf(path, sizeof(path), "%s/%s", bundle, name) >=
	    (int)sizeof(path) || snprintf(tmp, sizeof(tmp), "%s/%s.tmp",
	    bundle, name) >= (int)sizeof(tmp))
		return -1;
	return write_file(tmp, text) == 0 && rename(tmp, path) == 0 ? 0 : -1;
}

/*
 * The block had (0: the machine's root's) added to those the home may
 * be in, before the bundle records another: the oldest go past
 * TREE_SOURCES (their files then go to the new root).
 */
static int
keep_source(const char *bundle, uint32_t had)
{
	struct tree_ids	 ids;
	char		 text[TREE_SOURCES * 12] = "", word[12];
	int		 i, n;

	n = pending(bundle, &ids);
	for (i = 0; i < n; i++)
		if (ids.from[i] == had)
			return 0;
	if (n == TREE_SOURCES) {
		memmove(ids.from, ids.from + 1, (n - 1) * sizeof(ids.from[0]));
		n--;
	}
	ids.from[n++] = had;
	for (i = 0; i < n; i++) {
		snprintf(word, sizeof(word), "%s%u", i == 0 ? "" : " ",
		    ids.from[i]);
		strlcat(text, word, sizeof(text));
	}
	strlcat(text, "\n", sizeof(text));
	return bundle_put(bundle, "uid.from", text);
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
	char	 text[16];

	snprintf(text, sizeof(text), "%u\n", first);
	return bundle_put(bundle, "uid", text);
}

/*
 * The host's block, claimed and recorded in its bundle: the one it had
 * if it may keep it, else the first free one; in ids, with the blocks
 * its home may still be in (none if it is in this one).  0, or -1 with
 * res failed.
 */
int
idmap_claim(const struct driver_paths *p, const char *bundle_path,
    struct tree_ids *ids, struct driver_res *res)
{
	char		 bundle[PATH_MAX], name[16];
	uint32_t	 had, chosen = 0, i;
	int		 lock, rc = -1;

	memset(ids, 0, sizeof(*ids));
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
		/* where the home is, before the bundle says where it goes */
		if (claim_take("uids", name, bundle) == -1 ||
		    (chosen != had && (keep_source(bundle, had) == -1 ||
		    record(bundle, chosen) == -1)))
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
	if (rc == 0) {
		ids->to = chosen;
		(void)pending(bundle, ids);
	}
	return rc;
}

/*
 * At the runner's start, before any block is handed out: the block of
 * every bundle of this suite claimed again (/run was emptied at boot),
 * unless another suite's host holds it now.
 */
void
idmap_reclaim(const char *state)
{
	char		 path[PATH_MAX], bundle[PATH_MAX], name[16];
	struct dirent	*d;
	DIR		*dir;
	uint32_t	 had;
	int		 lock;

	if (snprintf(path, sizeof(path), "%s/hosts", state) >=
	    (int)sizeof(path) || (dir = opendir(path)) == NULL)
		return;
	if ((lock = claims_lock()) == -1) {
		log_warn("runner: cannot lock %s", CLAIMS_DIR);
		closedir(dir);
		return;
	}
	while ((d = readdir(dir)) != NULL) {
		if (!host_short_id_ok(d->d_name) ||
		    snprintf(path, sizeof(path), "%s/hosts/%s", state,
		    d->d_name) >= (int)sizeof(path) ||
		    realpath(path, bundle) == NULL ||
		    (had = recorded(bundle)) == 0)
			continue;
		snprintf(name, sizeof(name), "%u", had);
		if (!block_free(had, bundle))
			log_warnx("runner: the user ids from %u of host %s are "
			    "another's now: it gets others as it starts", had,
			    d->d_name);
		else if (claim_take("uids", name, bundle) == -1)
			log_warn("runner: cannot claim the user ids from %u",
			    had);
	}
	claims_unlock(lock);
	closedir(dir);
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

/*
 * The home owned by the block ids->to, from the blocks the claim found
 * it may still be in; the shift's record goes once it is done.
 */
int
idmap_home(const char *bundle, const char *home, const struct tree_ids *ids)
{
	char	 path[PATH_MAX];

	if (ids->nfrom == 0)
		return 0;
	log_info("runner: home %s to the user ids from %u", home, ids->to);
	if (tree_shift(home, ids) == -1) {
		log_warn("runner: home %s", home);
		return -1;
	}
	if (snprintf(path, sizeof(path), "%s/uid.from", bundle) >=
	    (int)sizeof(path) || (unlink(path) == -1 && errno != ENOENT))
		return -1;
	return 0;
}
