/*
 * The names a suite gives the system, and the machine-wide claims that
 * keep two suites on one machine apart.
 *
 * Every name outside the state directory carries the suite's id, three
 * characters kept in $state/suite: containers moat-<suite>-<short id>
 * (and with them the runtime's state in /run/crun), cgroups
 * moat-<suite>/<short id> and moat-<suite>/warmN (the warm process's
 * spare set), tunnels mw<suite><short id> (an interface name has 15
 * characters at most: 2 + 3 + 10).  A suite removes, sweeps and
 * signals only what carries its own id.
 *
 * The id is claimed in /run/moat-claims/suites/<id>, a symbolic link to
 * the state directory that holds it, made under a lock that every suite
 * on the machine takes (/run/moat-claims/lock); a claim whose state
 * directory no longer names that id is stale and may be taken.
 * /run/moat-claims/uids holds the hosts' blocks of user ids the same
 * way (idmap.c).  /run is emptied at boot, when no container runs any
 * more: each suite then claims its id again as it starts.
 *
 * A state directory from before suite ids (hosts, but no $state/suite)
 * keeps the unscoped names of that time (moat-<short id>, moat/...,
 * mw<short id>; its spare sets are moat/warmN, which the runners of
 * that time neither use nor sweep) while any of its containers exists,
 * so that hosts that run through an upgrade stay managed; at the first
 * start where none does (after a reboot, or once every host was
 * stopped), it gets an id.
 */
#include <sys/file.h>
#include <sys/random.h>
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

#define CLAIMS_LOCK	CLAIMS_DIR "/lock"
#define SUITE_ALPHABET	"abcdefghijklmnopqrstuvwxyz0123456789"
#define CGROUP_ROOT	"/sys/fs/cgroup"

char	 driver_suite[DRIVER_SUITE_LEN + 1];

void
name_container(const struct driver_host *h, char *out, size_t len)
{
	if (driver_suite[0] == '\0')
		snprintf(out, len, "moat-%s", h->short_id);
	else
		snprintf(out, len, "moat-%s-%s", driver_suite, h->short_id);
}

static void
cgroup_top(char *out, size_t len)
{
	if (driver_suite[0] == '\0')
		strlcpy(out, "moat", len);
	else
		snprintf(out, len, "moat-%s", driver_suite);
}

/* The suite's cgroup under controller, or leaf in it if not NULL. */
void
name_cgroup(const char *controller, const char *leaf, char *out, size_t len)
{
	char	 top[32];

	cgroup_top(top, sizeof(top));
	if (leaf == NULL)
		snprintf(out, len, CGROUP_ROOT "/%s/%s", controller, top);
	else
		snprintf(out, len, CGROUP_ROOT "/%s/%s/%s", controller, top,
		    leaf);
}

/* The host's cgroup as a runtime names it: in every hierarchy. */
void
name_cgroups_path(const struct driver_host *h, char *out, size_t len)
{
	char	 top[32];

	cgroup_top(top, sizeof(top));
	snprintf(out, len, "/%s/%s", top, h->short_id);
}

void
name_interface(const struct driver_host *h, char *out, size_t len)
{
	snprintf(out, len, "mw%s%s", driver_suite, h->short_id);
}

int
suite_id_ok(const char *s)
{
	return strlen(s) == DRIVER_SUITE_LEN &&
	    strspn(s, SUITE_ALPHABET) == DRIVER_SUITE_LEN;
}

/* ---- claims ---------------------------------------------------------- */

/* The lock every suite on the machine takes to claim; -1 if none. */
int
claims_lock(void)
{
	int	 fd;

	if (mkdir(CLAIMS_DIR, 0700) == -1 && errno != EEXIST)
		return -1;
	if ((fd = open(CLAIMS_LOCK, O_RDWR | O_CREAT | O_CLOEXEC, 0600)) == -1)
		return -1;
	while (flock(fd, LOCK_EX) == -1)
		if (errno != EINTR) {
			close(fd);
			return -1;
		}
	return fd;
}

void
claims_unlock(int fd)
{
	if (fd != -1)
		close(fd);	/* and the lock with it */
}

static void
claim_path(const char *kind, const char *name, char *path, size_t len)
{
	snprintf(path, len, CLAIMS_DIR "/%s/%s", kind, name);
}

/* What holds kind/name: 1 with its target, 0 if nothing does. */
int
claim_owner(const char *kind, const char *name, char *target, size_t len)
{
	char	 path[PATH_MAX];
	ssize_t	 n;

	claim_path(kind, name, path, sizeof(path));
	if ((n = readlink(path, target, len - 1)) == -1)
		return 0;
	target[n] = '\0';
	return 1;
}

/* kind/name now names target; under the lock. */
int
claim_take(const char *kind, const char *name, const char *target)
{
	char	 path[PATH_MAX];

	snprintf(path, sizeof(path), CLAIMS_DIR "/%s", kind);
	if (mkdir(path, 0700) == -1 && errno != EEXIST)
		return -1;
	claim_path(kind, name, path, sizeof(path));
	if (unlink(path) == -1 && errno != ENOENT)
		return -1;
	return symlink(target, path);
}

/* kind/name let go, if target holds it; under the lock. */
void
claim_drop(const char *kind, const char *name, const char *target)
{
	char	 path[PATH_MAX], owner[PATH_MAX];

	if (claim_owner(kind, name, owner, sizeof(owner)) &&
	    strcmp(owner, target) == 0) {
		claim_path(kind, name, path, sizeof(path));
		(void)unlink(path);
	}
}

/* The first line of path, at most len - 1 bytes; "" if none. */
void
read_line(const char *path, char *out, size_t len)
{
	ssize_t	 n;
	int	 fd;

	out[0] = '\0';
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1)
		return;
	n = read(fd, out, len - 1);
	close(fd);
	if (n <= 0)
		return;
	out[n] = '\0';
	out[strcspn(out, "\n")] = '\0';
}

/* Whether the state directory dir still names its suite id. */
static int
suite_holds(const char *dir, const char *id)
{
	char	 path[PATH_MAX], held[16];

	if (snprintf(path, sizeof(path), "%s/suite", dir) >=
	    (int)sizeof(path))
		return 0;
	read_line(path, held, sizeof(held));
	return strcmp(held, id) == 0;
}

/* ---- the suite's id --------------------------------------------------- */

/* Whether a container of the old, unscoped names exists for a host of
 * this state directory. */
static int
legacy_running(const char *state)
{
	char		 path[PATH_MAX];
	struct dirent	*d;
	DIR		*dir;
	int		 found = 0;

	if (snprintf(path, sizeof(path), "%s/hosts", state) >=
	    (int)sizeof(path) || (dir = opendir(path)) == NULL)
		return 0;
	while (!found && (d = readdir(dir)) != NULL) {
		if (!host_short_id_ok(d->d_name))
			continue;
		snprintf(path, sizeof(path), "/run/crun/moat-%s", d->d_name);
		found = access(path, F_OK) == 0;
		snprintf(path, sizeof(path), "/run/runc/moat-%s", d->d_name);
		found = found || access(path, F_OK) == 0;
	}
	closedir(dir);
	return found;
}

/* Claims of suites whose state directory names another id, or is gone:
 * ids are drawn at random, so nobody would take them again. */
static void
suites_sweep(void)
{
	char		 owner[PATH_MAX], path[PATH_MAX];
	struct dirent	*d;
	DIR		*dir;

	if ((dir = opendir(CLAIMS_DIR "/suites")) == NULL)
		return;
	while ((d = readdir(dir)) != NULL)
		if (suite_id_ok(d->d_name) && claim_owner("suites", d->d_name,
		    owner, sizeof(owner)) && !suite_holds(owner, d->d_name)) {
			claim_path("suites", d->d_name, path, sizeof(path));
			(void)unlink(path);
		}
	closedir(dir);
}

/* A new id that no live suite holds, claimed; 0 or -1. */
static int
suite_new(const char *state, char *id)
{
	unsigned char	 r[DRIVER_SUITE_LEN];
	char		 owner[PATH_MAX];
	int		 tries, i;

	for (tries = 0; tries < 1000; tries++) {
		if (getrandom(r, sizeof(r), 0) != (ssize_t)sizeof(r))
			return -1;
		for (i = 0; i < DRIVER_SUITE_LEN; i++)
			id[i] = SUITE_ALPHABET[r[i] % 36];
		id[DRIVER_SUITE_LEN] = '\0';
		if (claim_owner("suites", id, owner, sizeof(owner)) &&
		    suite_holds(owner, id))
			continue;
		return claim_take("suites", id, state);
	}
	return -1;
}

/*
 * The suite's id: the one its state directory names, claimed again,
 * or a new one; "" (the unscoped names) for a state directory from
 * before suite ids whose containers still run.
 */
void
suite_init(const char *statedir)
{
	char	 state[PATH_MAX], path[PATH_MAX], id[16], owner[PATH_MAX];
	int	 lock, fresh = 0;

	if (realpath(statedir, state) == NULL)
		fatal("runner: %s", statedir);
	if (snprintf(path, sizeof(path), "%s/suite", state) >=
	    (int)sizeof(path))
		fatalx("runner: state directory path too long");
	read_line(path, id, sizeof(id));
	if (id[0] == '\0' && legacy_running(state)) {
		log_info("runner: hosts of an older moat run under unscoped "
		    "names; the suite gets its id once none does");
		driver_suite[0] = '\0';
		return;
	}
	if ((lock = claims_lock()) == -1)
		fatal("runner: cannot lock %s", CLAIMS_LOCK);
	suites_sweep();
	if (suite_id_ok(id) && claim_owner("suites", id, owner,
	    sizeof(owner)) && strcmp(owner, state) != 0 &&
	    suite_holds(owner, id)) {
		log_warnx("runner: suite id %s is %s's too: a new one", id,
		    owner);
		id[0] = '\0';
	}
	if (!suite_id_ok(id)) {
		if (suite_new(state, id) == -1)
			fatal("runner: no suite id");
		fresh = 1;
	} else if (claim_take("suites", id, state) == -1)
		fatal("runner: cannot claim suite id %s", id);
	if (fresh) {
		snprintf(owner, sizeof(owner), "%s\n", id);
		if (write_file(path, owner) == -1)
			fatal("runner: %s", path);
	}
	claims_unlock(lock);
	strlcpy(driver_suite, id, sizeof(driver_suite));
	log_debug("runner: suite id %s", driver_suite);
}
