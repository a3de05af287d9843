/*
 * The crun driver.  Each host is an OCI bundle under the state
 * directory (hosts/<short id>/config.json, bundle.c), its container
 * named moat-<suite>-<short id> (suite.c), its home a directory under
 * volumes/ owned by the host's block of user ids (idmap.c), its console
 * kept by moat-console.  crun cannot manage the hybrid cgroups of these
 * machines, so it runs with --cgroup-manager=disabled and the limits
 * are applied here, through cgroup v1, to the process that runs crun:
 * the host's first instruction already runs inside them.  Every
 * operation is idempotent: it looks at what exists before it acts, so a
 * task run again after a crash converges.
 */
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "driver.h"
#include "log.h"

#define RUN_OUTPUT_MAX	4096
#define STOP_WAIT_MS	5000
#define CGROUP_EMPTY_MS	2000
/* where each runtime keeps its containers' state, run as root */
#define CRUN_STATE_ROOT	"/run/crun"
#define RUNC_STATE_ROOT	"/run/runc"

static const char *const cgroup_controllers[] = { "memory", "pids", "cpu" };

static int
run(const char *const argv[], char *out, size_t outlen)
{
	return spawn_run(argv, NULL, out, outlen);
}

static int
runtime_present(const struct driver_paths *p, struct driver_res *res)
{
	if (access(p->runtime, X_OK) == 0)
		return 0;
	driver_fail(res, "runtime_missing", "the container runtime %s is not "
	    "installed", p->runtime);
	return -1;
}

/* "running", "created", "stopped", "paused", or "missing"; its pid. */
static const char *
container_state(const struct driver_paths *p, const struct driver_host *h,
    long *pid)
{
	static const char *const known[] = { "running", "created", "stopped",
	    "paused" };
	char		 name[32], out[RUN_OUTPUT_MAX], *at;
	char		 dir[sizeof(CRUN_STATE_ROOT) + 32];
	const char	*argv[] = { p->runtime, "state", name, NULL };
	size_t		 i;

	name_container(h, name, sizeof(name));
	*pid = 0;
	/* running crun costs milliseconds; a missing state directory
	 * answers the common case (a new host) without it */
	snprintf(dir, sizeof(dir), "%s/%s", p->runc ? RUNC_STATE_ROOT :
	    CRUN_STATE_ROOT, name);
	if (access(dir, F_OK) == -1 && errno == ENOENT)
		return "missing";
	if (run(argv, out, sizeof(out)) != 0)
		return "missing";
	if ((at = strstr(out, "\"pid\":")) != NULL)
		*pid = strtol(at + 6, NULL, 10);
	if ((at = strstr(out, "\"status\":")) == NULL)
		return "missing";
	for (i = 0; i < sizeof(known) / sizeof(known[0]); i++)
		if (strstr(at, known[i]) != NULL &&
		    strstr(at, known[i]) < strchr(at, ','))
			return known[i];
	return "missing";
}

static void
sleep_ms(long ms)
{
	struct timespec	 ts = { ms / 1000, (ms % 1000) * 1000000L };

	while (nanosleep(&ts, &ts) == -1 && errno == EINTR)
		;
}

static int
make_dir(const char *path, mode_t mode)
{
	return mkdir(path, mode) == 0 || errno == EEXIST ? 0 : -1;
}

static int
cgroup_set(const char *controller, const char *leaf, const char *file,
    const char *value)
{
	char	 path[PATH_MAX];
	size_t	 len;

	name_cgroup(controller, NULL, path, sizeof(path));
	if (make_dir(path, 0755) == -1)
		return -1;
	name_cgroup(controller, leaf, path, sizeof(path));
	if (make_dir(path, 0755) == -1)
		return -1;
	len = strlen(path);
	snprintf(path + len, sizeof(path) - len, "/%s", file);
	return write_file(path, value);
}

/*
 * A cgroup removed: the last process of a container just killed may
 * still be on its way out (and the console keeper after it), which
 * rmdir answers with EBUSY for a moment.
 */
static int
cgroup_remove(const char *path)
{
	int	 waited;

	for (waited = 0; rmdir(path) == -1; waited += 10) {
		if (errno == ENOENT)
			return 0;
		if (errno != EBUSY || waited >= CGROUP_EMPTY_MS)
			return -1;
		sleep_ms(10);
	}
	return 0;
}

char	 driver_spare[DRIVER_SPARE_MAX];

/* Renames the spare set to the host's; an old set of the host's goes
 * first (it is empty once its container is gone). */
static int
adopt_spare(const char *short_id)
{
	char	 from[PATH_MAX], to[PATH_MAX];
	size_t	 i;

	for (i = 0; i < sizeof(cgroup_controllers) /
	    sizeof(cgroup_controllers[0]); i++) {
		name_cgroup(cgroup_controllers[i], driver_spare, from,
		    sizeof(from));
		name_cgroup(cgroup_controllers[i], short_id, to, sizeof(to));
		if (cgroup_remove(to) == -1 || rename(from, to) == -1)
			return -1;
	}
	driver_spare[0] = '\0';
	return 0;
}

/*
 * Makes the spare set name and puts this process in it: the slow part
 * of a host's limits (moving a process into a cgroup v1 waits for an
 * RCU grace period, about 10 ms), done before a request needs it.
 */
int
driver_spare_enter(const char *name)
{
	char	 procs[32];
	size_t	 i;

	snprintf(procs, sizeof(procs), "%ld", (long)getpid());
	for (i = 0; i < sizeof(cgroup_controllers) /
	    sizeof(cgroup_controllers[0]); i++)
		if (cgroup_set(cgroup_controllers[i], name, "cgroup.procs",
		    procs) == -1)
			return -1;
	strlcpy(driver_spare, name, sizeof(driver_spare));
	return 0;
}

/*
 * Removes spare sets that a runner before us left behind: warmN, and
 * under the unscoped names the spareN of the moat before suite ids
 * (whose runners, here or in another suite, sweep only those: the new
 * name keeps the two apart).  A set that holds a process stays.
 */
void
driver_spare_sweep(void)
{
	static const char *const kinds[] = { "warm", "spare" };
	char	 path[PATH_MAX], spare[DRIVER_SPARE_MAX];
	size_t	 i, k;
	int	 n;

	for (i = 0; i < sizeof(cgroup_controllers) /
	    sizeof(cgroup_controllers[0]); i++)
		for (k = 0; k < (driver_suite[0] == '\0' ? 2 : 1); k++)
			for (n = 0; n < DRIVER_SPARES_SWEPT; n++) {
				snprintf(spare, sizeof(spare), "%s%d",
				    kinds[k], n);
				name_cgroup(cgroup_controllers[i], spare, path,
				    sizeof(path));
				(void)rmdir(path);
			}
}

/*
 * The limits, with this process in them: the runner's child for this
 * operation joins the host's cgroups before it runs crun, so that crun
 * and the host's first process start inside them.  One "crun run"
 * instead of "create", limits and "start" costs one exec of crun, not
 * two (each takes milliseconds; make bench).
 */
static int
apply_limits(const struct driver_host *h)
{
	char	 value[32], procs[32];
	size_t	 i;
	int	 adopted = 0;

	/* a spare set this process is already in becomes the host's */
	if (driver_spare[0] != '\0') {
		if (adopt_spare(h->short_id) == -1)
			return -1;
		adopted = 1;
	}
	snprintf(procs, sizeof(procs), "%ld", (long)getpid());
	snprintf(value, sizeof(value), "%llu",
	    (unsigned long long)h->memory_limit_mb * 1024 * 1024);
	if (cgroup_set("memory", h->short_id, "memory.limit_in_bytes",
	    value) == -1)
		return -1;
	snprintf(value, sizeof(value), "%u", h->pids_limit);
	if (cgroup_set("pids", h->short_id, "pids.max", value) == -1)
		return -1;
	/* cpu_milli thousandths of a cpu: a quota per 100 ms period */
	snprintf(value, sizeof(value), "%u", h->cpu_milli * 100);
	if (cgroup_set("cpu", h->short_id, "cpu.cfs_period_us",
	    "100000") == -1 || cgroup_set("cpu", h->short_id,
	    "cpu.cfs_quota_us", value) == -1)
		return -1;
	if (adopted)
		return 0;	/* in them already: no second move */
	for (i = 0; i < sizeof(cgroup_controllers) /
	    sizeof(cgroup_controllers[0]); i++)
		if (cgroup_set(cgroup_controllers[i], h->short_id,
		    "cgroup.procs", procs) == -1)
			return -1;
	return 0;
}

/*
 * This process out of a host's cgroups and into moat's own, above them:
 * what it starts now (a tunnel's wireguard-go) serves the host but is
 * not the host's to pay for, nor to be killed by at its memory limit.
 */
void
driver_cgroups_leave(void)
{
	char	 path[PATH_MAX], procs[32];
	size_t	 i;

	snprintf(procs, sizeof(procs), "%ld", (long)getpid());
	for (i = 0; i < sizeof(cgroup_controllers) /
	    sizeof(cgroup_controllers[0]); i++) {
		name_cgroup(cgroup_controllers[i], "cgroup.procs", path,
		    sizeof(path));
		if (access(path, W_OK) == 0 && write_file(path, procs) == -1)
			log_warn("%s", path);
	}
}

/*
 * An SSH session's process joins the host's cgroups (crun exec with the
 * cgroup manager disabled joins none): what the customer runs counts
 * against the host's memory and pids.  A controller the host has no
 * leaf in (limits failed, or runc's layout) is skipped.
 */
int
driver_cgroups_join(const struct driver_host *h)
{
	char	 path[PATH_MAX], procs[32];
	size_t	 i, len;
	int	 joined = 0;

	snprintf(procs, sizeof(procs), "%ld", (long)getpid());
	for (i = 0; i < sizeof(cgroup_controllers) /
	    sizeof(cgroup_controllers[0]); i++) {
		name_cgroup(cgroup_controllers[i], h->short_id, path,
		    sizeof(path));
		len = strlen(path);
		snprintf(path + len, sizeof(path) - len, "/cgroup.procs");
		if (access(path, W_OK) == -1)
			continue;
		if (write_file(path, procs) == -1)
			return -1;
		joined++;
	}
	return joined;
}

int
driver_running(const struct driver_paths *p, const struct driver_host *h)
{
	long	 pid;

	return strcmp(container_state(p, h, &pid), "running") == 0;
}

static void
remove_limits(const struct driver_host *h)
{
	char	 path[PATH_MAX];
	size_t	 i;

	for (i = 0; i < sizeof(cgroup_controllers) /
	    sizeof(cgroup_controllers[0]); i++) {
		name_cgroup(cgroup_controllers[i], h->short_id, path,
		    sizeof(path));
		if (cgroup_remove(path) == -1)
			log_warn("rmdir %s", path);
	}
}

static void
host_paths(const struct driver_paths *p, const struct driver_host *h,
    char *bundle, char *home)
{
	snprintf(bundle, PATH_MAX, "%s/hosts/%s", p->state, h->short_id);
	snprintf(home, PATH_MAX, "%s/volumes/%s", p->state, h->short_id);
}

static int
prepare_dirs(const struct driver_paths *p, const char *bundle,
    const char *home)
{
	char	 path[PATH_MAX];

	snprintf(path, sizeof(path), "%s/hosts", p->state);
	if (make_dir(path, 0700) == -1)
		return -1;
	snprintf(path, sizeof(path), "%s/volumes", p->state);
	if (make_dir(path, 0700) == -1)
		return -1;
	return make_dir(bundle, 0700) == 0 && make_dir(home, 0755) == 0 ?
	    0 : -1;
}

/*
 * The home in the host's block: its files follow the blocks its bundle
 * recorded (idmap.c); a top directory still the machine root's (made
 * here for a host whose bundle kept its block) becomes the host root's.
 * The host cannot make it so: its ids are its block's.
 */
static int
home_owned(const char *bundle, const char *home, const struct tree_ids *ids)
{
	struct stat	 st;

	if (idmap_home(bundle, home, ids) == -1 || lstat(home, &st) == -1)
		return -1;
	if (st.st_uid != 0 && st.st_gid != 0)
		return 0;
	return lchown(home, ids->to, ids->to);
}

/*
 * The console keeper (moat-console) of a container just started: it
 * takes the pipe the container writes its output to, and first what
 * was read of it already.  It outlives this operation and the runner,
 * as the container does, in a session of its own; it stays in the
 * host's cgroups, which pay for it, where the host's memory limit
 * never picks it.
 */
static void
console_keep(const struct driver_paths *p, const char *bundle,
    const char *seen, int console)
{
	const char	*argv[] = { "moat-console", bundle, NULL };
	size_t		 len = strlen(seen);
	int		 first[2], null;
	pid_t		 pid;

	if (pipe2(first, O_CLOEXEC) == -1) {
		close(console);
		return;
	}
	/* at most RUN_OUTPUT_MAX bytes: the pipe takes them at once */
	if (write(first[1], seen, len) != (ssize_t)len)
		log_warn("runner: console of %s", bundle);
	close(first[1]);
	if ((pid = fork()) == 0) {
		/* never the host's memory limit's pick, where the runner
		 * holds CAP_SYS_RESOURCE to say so */
		(void)write_file("/proc/self/oom_score_adj", "-1000");
		if (setsid() == -1 ||
		    (null = open("/dev/null", O_RDWR | O_CLOEXEC)) == -1 ||
		    dup2(console, STDIN_FILENO) == -1 ||
		    dup2(null, STDOUT_FILENO) == -1 ||
		    (first[0] == 3 ? fcntl(3, F_SETFD, 0) :
		    dup2(first[0], 3)) == -1 || close_range(4, ~0U, 0) == -1)
			_exit(127);
		execv(p->console, (char *const *)argv);
		_exit(127);
	}
	if (pid == -1)
		log_warn("runner: no console keeper for %s", bundle);
	close(first[0]);
	close(console);
}

static int
runtime_do(const struct driver_paths *p, const char *verb,
    const char *extra, const struct driver_host *h, struct driver_res *res)
{
	char		 name[32], bundle[PATH_MAX], out[RUN_OUTPUT_MAX];
	const char	*argv[9];
	int		 i = 0, status, console = -1;
	int		 create = strcmp(verb, "run") == 0;

	name_container(h, name, sizeof(name));
	snprintf(bundle, sizeof(bundle), "%s/hosts/%s", p->state, h->short_id);
	argv[i++] = p->runtime;
	/* crun refuses hybrid cgroups: the limits are ours (ENVIRONMENT.md);
	 * runc manages v1 itself, in the cgroups the bundle names */
	if (!p->runc)
		argv[i++] = "--cgroup-manager=disabled";
	argv[i++] = verb;
	if (create) {
		argv[i++] = "-d";
		argv[i++] = "--bundle";
		argv[i++] = bundle;
	}
	if (extra != NULL)
		argv[i++] = extra;
	argv[i++] = name;
	argv[i] = NULL;
	/* the host's console: what its processes write, kept apart */
	if (create) {
		status = spawn_console(argv, out, sizeof(out), &console);
		if (console != -1)
			console_keep(p, bundle, out, console);
	} else
		status = spawn_run(argv, NULL, out, sizeof(out));
	if (status == 0)
		return 0;
	driver_fail(res, "runtime_failed", "%s %s: %s", verb, name, out[0] != '\0' ?
	    out : "failed");
	return -1;
}

static int
crun_ensure_running(const struct driver_paths *p, const struct driver_host *h,
    struct driver_res *res)
{
	char		 bundle[PATH_MAX], home[PATH_MAX];
	struct tree_ids	 ids;
	const char	*state;
	long		 pid;

	if (runtime_present(p, res) == -1)
		return -1;
	if (access(p->console, X_OK) == -1) {
		driver_fail(res, "console_missing", "moat-console, which keeps "
		    "a host's console, is not installed beside taskd");
		return -1;
	}
	state = container_state(p, h, &pid);
	if (strcmp(state, "running") == 0)
		return 0;
	/* a container from an interrupted attempt goes first */
	if (strcmp(state, "missing") != 0 &&
	    runtime_do(p, "delete", "-f", h, res) == -1)
		return -1;
	host_paths(p, h, bundle, home);
	if (prepare_dirs(p, bundle, home) == -1) {
		driver_fail(res, "bundle_failed", "cannot prepare the bundle "
		    "of %s", h->short_id);
		return -1;
	}
	if (idmap_claim(p, bundle, &ids, res) == -1)
		return -1;
	if (home_owned(bundle, home, &ids) == -1) {
		driver_fail(res, "home_failed", "cannot give the home of %s to "
		    "its user ids", h->short_id);
		return -1;
	}
	if (bundle_write(p, h, bundle, home, ids.to) == -1) {
		driver_fail(res, "bundle_failed", "cannot prepare the bundle "
		    "of %s", h->short_id);
		return -1;
	}
	if (apply_limits(h) == -1) {
		driver_fail(res, "limits_failed", "cannot apply the limits of %s",
		    h->short_id);
		return -1;
	}
	return runtime_do(p, "run", NULL, h, res);
}

static int
crun_stop(const struct driver_paths *p, const struct driver_host *h,
    struct driver_res *res)
{
	const char	*state;
	long		 pid, waited;

	if (runtime_present(p, res) == -1)
		return -1;
	state = container_state(p, h, &pid);
	if (strcmp(state, "missing") == 0) {
		remove_limits(h);
		return 0;
	}
	if (strcmp(state, "running") == 0 || strcmp(state, "paused") == 0) {
		(void)runtime_do(p, "kill", NULL, h, res);	/* TERM */
		for (waited = 0; waited < STOP_WAIT_MS; waited += 50) {
			if (strcmp(container_state(p, h, &pid), "running") != 0)
				break;
			sleep_ms(50);
		}
	}
	if (runtime_do(p, "delete", "-f", h, res) == -1)
		return -1;
	remove_limits(h);
	return 0;
}

static int
crun_rebuild(const struct driver_paths *p, const struct driver_host *h,
    struct driver_res *res)
{
	if (crun_stop(p, h, res) == -1)
		return -1;
	return crun_ensure_running(p, h, res);
}

static int
crun_remove(const struct driver_paths *p, const struct driver_host *h,
    struct driver_res *res)
{
	char	 bundle[PATH_MAX], home[PATH_MAX];

	if (crun_stop(p, h, res) == -1)
		return -1;
	host_paths(p, h, bundle, home);
	idmap_release(bundle);
	if (tree_remove(bundle) == -1 || tree_remove(home) == -1) {
		driver_fail(res, "remove_failed", "cannot remove the files of %s",
		    h->short_id);
		return -1;
	}
	return 0;
}

static int
crun_state(const struct driver_paths *p, const struct driver_host *h,
    struct driver_res *res)
{
	const char	*state;
	long		 pid;

	if (runtime_present(p, res) == -1)
		return -1;
	state = container_state(p, h, &pid);
	res->pid = pid;
	strlcpy(res->state, strcmp(state, "running") == 0 ? "running" :
	    strcmp(state, "missing") == 0 ? "missing" : "stopped",
	    sizeof(res->state));
	return 0;
}

const struct driver crun_driver = {
	.name = "crun",
	.ensure_running = crun_ensure_running,
	.stop = crun_stop,
	.rebuild = crun_rebuild,
	.remove = crun_remove,
	.state = crun_state,
};
