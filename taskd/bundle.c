/*
 * A host's OCI configuration (config.json in its bundle): what crun or
 * runc makes of the image, the home and the host's limits.
 *
 * The host runs as root in a user namespace of its own, mapped to its
 * block of 65536 ids of the machine (idmap.c): root inside is nobody
 * outside, files it writes in its home are the block's, and what the
 * kernel grants "root" (a setuid binary, a capability check against the
 * initial namespace) is not its to use.  Its other namespaces (pid,
 * network, ipc, uts, mount) belong to that user namespace.
 *
 * The seccomp profile is the deny-list of the usual container profile
 * (Docker's default.json, which Podman and containers-common share, as
 * it stands for a container without CAP_SYS_ADMIN, CAP_SYS_PTRACE,
 * CAP_SYS_NICE, CAP_SYS_TIME, CAP_SYS_MODULE or CAP_SYS_BOOT): the
 * calls that reach kernel state a user namespace does not isolate
 * (keyrings, BPF, perf, modules, kexec, the clock, swap, reboot,
 * accounting, quotas, file handles), new namespaces and mounts (the
 * way into the kernel's namespaced attack surface, above all a nested
 * user namespace with every capability in it), userfaultfd and
 * io_uring (the source of many exploits), and the other process's
 * memory and descriptors.  Those fail with EPERM, as in that profile;
 * clone3 fails with ENOSYS, since seccomp cannot see its flags, so
 * that libc falls back to clone, whose namespace flags are refused.
 * Everything else is allowed: Docker's profile is an allowlist of the
 * remaining calls, which refuses a system call newer than the list
 * (with EPERM, which programs then take for a real refusal); a
 * deny-list keeps new, harmless calls working and is short enough to
 * read in one place.  ptrace and process_vm_readv/writev are allowed
 * on kernels from 4.8, where a tracer can no longer step around the
 * filter, as Docker does.
 *
 * Two calls Docker's profile allows only with some arguments are
 * refused with others: socket for AF_VSOCK (the hypervisor's sockets,
 * no namespace's), and personality for any value but PER_LINUX (0),
 * PER_LINUX32 (8), UNAME26 (0x20000), the last two together (0x20008)
 * and the query (0xffffffff): the other execution domains are old,
 * little-tested code, and flags such as ADDR_NO_RANDOMIZE undo the
 * host's own defences.  A rule may compare an argument only once (a
 * runtime splits a rule that compares one twice into rules that each
 * refuse, which would refuse everything), so what is refused is a
 * union of single comparisons; see personality_rules.  The kernel
 * reads both arguments as 32-bit: socket's is compared masked, and
 * personality's values above 32 bits are refused outright.
 */
#include <sys/socket.h>
#include <sys/types.h>
#include <sys/utsname.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sched.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "driver.h"
#include "log.h"

static const char *const denied[] = {
	/* kernel state no namespace isolates */
	"add_key", "keyctl", "request_key", "bpf", "perf_event_open",
	"lookup_dcookie", "fanotify_init", "syslog", "acct", "quotactl",
	"quotactl_fd", "nfsservctl", "sysfs", "_sysctl", "ustat", "uselib",
	/* modules, kexec, the machine itself */
	"init_module", "finit_module", "delete_module", "create_module",
	"query_module", "get_kernel_syms", "kexec_load", "kexec_file_load",
	"reboot", "swapon", "swapoff", "ioperm", "iopl", "vm86", "vm86old",
	"vhangup",
	/* the clock */
	"clock_adjtime", "clock_settime", "settimeofday", "stime",
	/* memory placement across the machine's nodes */
	"mbind", "set_mempolicy", "get_mempolicy", "migrate_pages",
	"move_pages",
	/* namespaces, mounts and the root */
	"unshare", "setns", "mount", "umount", "umount2", "pivot_root",
	"chroot", "fsopen", "fsconfig", "fsmount", "fspick", "move_mount",
	"open_tree", "mount_setattr",
	/* files by handle, past the mount namespace */
	"name_to_handle_at", "open_by_handle_at",
	/* large attack surfaces */
	"userfaultfd", "io_uring_setup", "io_uring_enter",
	"io_uring_register",
	/* another process's descriptors and memory */
	"kcmp", "pidfd_getfd", "process_madvise",
};

/* denied too where a tracer could still step around the filter */
static const char *const denied_before_4_8[] = {
	"ptrace", "process_vm_readv", "process_vm_writev",
};

static const unsigned long namespace_flags[] = {
	CLONE_NEWNS, CLONE_NEWCGROUP, CLONE_NEWUTS, CLONE_NEWIPC,
	CLONE_NEWUSER, CLONE_NEWPID, CLONE_NEWNET,
};

static int
kernel_before(int major, int minor)
{
	struct utsname	 u;
	int		 ma, mi;

	if (uname(&u) == -1 || sscanf(u.release, "%d.%d", &ma, &mi) != 2)
		return 1;	/* unknown: the stricter profile */
	return ma < major || (ma == major && mi < minor);
}

static void
append(char *buf, size_t len, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void
append(char *buf, size_t len, const char *fmt, ...)
{
	va_list	 ap;
	size_t	 used = strlen(buf);

	va_start(ap, fmt);
	if (used < len)
		vsnprintf(buf + used, len - used, fmt, ap);
	va_end(ap);
}

static void
append_names(char *buf, size_t len, const char *const *names, size_t n)
{
	size_t	 i;

	for (i = 0; i < n; i++)
		append(buf, len, "%s\"%s\"", i == 0 ? "" : ",", names[i]);
}

static void
refuse_masked(char *buf, size_t len, const char *name, uint64_t mask,
    uint64_t value)
{
	append(buf, len, ",{\"names\":[\"%s\"],\"action\":"
	    "\"SCMP_ACT_ERRNO\",\"errnoRet\":%d,\"args\":[{\"index\":0,"
	    "\"value\":%llu,\"valueTwo\":%llu,\"op\":"
	    "\"SCMP_CMP_MASKED_EQ\"}]}", name, EPERM,
	    (unsigned long long)mask, (unsigned long long)value);
}

/*
 * personality refused for every value but 0, 0x8, 0x20000, 0x20008 and
 * 0xffffffff, as rules of one comparison each.  The allowed values
 * but the last are those with no bit outside 0x20008 set; so a value
 * is refused if it is above 32 bits, or has a bit b outside 0x20008
 * set and some bit clear.  Going round the 30 bits outside 0x20008 in
 * order, a value with one of them set and another clear has a set bit
 * followed by a clear one: a rule (b set, next clear) for each b.  A
 * value with all 30 set and bit 3 or 17 clear has bit 0 set with bit
 * 3 or 17 clear: two rules more.  None of them holds for an allowed
 * value.
 */
static void
personality_rules(char *buf, size_t len)
{
	const uint32_t	 allowed_bits = 0x20008;
	uint32_t	 bit, next;

	append(buf, len, ",{\"names\":[\"personality\"],\"action\":"
	    "\"SCMP_ACT_ERRNO\",\"errnoRet\":%d,\"args\":[{\"index\":0,"
	    "\"value\":%llu,\"op\":\"SCMP_CMP_GT\"}]}", EPERM,
	    0xffffffffULL);
	for (bit = 0; bit < 32; bit++) {
		if (allowed_bits & (1U << bit))
			continue;
		for (next = (bit + 1) % 32; allowed_bits & (1U << next);
		    next = (next + 1) % 32)
			;
		refuse_masked(buf, len, "personality",
		    (1ULL << bit) | (1ULL << next), 1ULL << bit);
	}
	refuse_masked(buf, len, "personality", 0x1 | 0x8, 0x1);
	refuse_masked(buf, len, "personality", 0x1 | 0x20000, 0x1);
}

/* The profile above, made once: "seccomp":{...} */
static const char *
seccomp_profile(void)
{
	static char	 profile[16384];
	size_t		 i;

	if (profile[0] != '\0')
		return profile;
	append(profile, sizeof(profile), "\"seccomp\":{\"defaultAction\":"
	    "\"SCMP_ACT_ALLOW\",\"syscalls\":[{\"names\":[");
	append_names(profile, sizeof(profile), denied,
	    sizeof(denied) / sizeof(denied[0]));
	if (kernel_before(4, 8)) {
		append(profile, sizeof(profile), ",");
		append_names(profile, sizeof(profile), denied_before_4_8,
		    sizeof(denied_before_4_8) / sizeof(denied_before_4_8[0]));
	}
	append(profile, sizeof(profile), "],\"action\":\"SCMP_ACT_ERRNO\","
	    "\"errnoRet\":%d},{\"names\":[\"clone3\"],\"action\":"
	    "\"SCMP_ACT_ERRNO\",\"errnoRet\":%d}", EPERM, ENOSYS);
	/* one rule per flag: a rule's conditions all hold together */
	for (i = 0; i < sizeof(namespace_flags) / sizeof(namespace_flags[0]);
	    i++)
		append(profile, sizeof(profile), ",{\"names\":[\"clone\"],"
		    "\"action\":\"SCMP_ACT_ERRNO\",\"errnoRet\":%d,\"args\":"
		    "[{\"index\":0,\"value\":%lu,\"valueTwo\":%lu,\"op\":"
		    "\"SCMP_CMP_MASKED_EQ\"}]}", EPERM, namespace_flags[i],
		    namespace_flags[i]);
	refuse_masked(profile, sizeof(profile), "socket", 0xffffffff,
	    AF_VSOCK);
	personality_rules(profile, sizeof(profile));
	append(profile, sizeof(profile), "]}");
	if (strlen(profile) + 1 >= sizeof(profile))
		fatalx("runner: the seccomp profile does not fit");
	return profile;
}

/*
 * The host's /etc/resolv.conf is a file of its bundle, which the tunnel
 * fills with its DNS server: mounted where the image has one to cover.
 */
static int
resolv_mount(const struct driver_paths *p, const struct driver_host *h,
    char *json, size_t len)
{
	char	 path[PATH_MAX], source[PATH_MAX];
	int	 fd;

	json[0] = '\0';
	snprintf(path, sizeof(path), "%s/etc/resolv.conf", p->image);
	if (access(path, F_OK) == -1)
		return 0;
	/* empty until a tunnel names its DNS server */
	driver_bundle_file(p, h, "resolv.conf", source, sizeof(source));
	if ((fd = open(source, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC,
	    0644)) == -1)
		return -1;
	close(fd);
	snprintf(json, len, ",{\"destination\":\"/etc/resolv.conf\","
	    "\"type\":\"bind\",\"source\":\"%s\",\"options\":"
	    "[\"bind\",\"ro\",\"nosuid\",\"nodev\",\"noexec\"]}", source);
	return 0;
}

/* The OCI configuration: read-only image, home and /tmp writable, its
 * own namespaces (user and network included), no new privileges, three
 * capabilities inside, the seccomp profile. */
int
bundle_write(const struct driver_paths *p, const struct driver_host *h,
    const char *bundle, const char *home, uint32_t uid_first)
{
	static const char caps[] = "[\"CAP_AUDIT_WRITE\",\"CAP_KILL\","
	    "\"CAP_NET_BIND_SERVICE\"]";
	char	 path[PATH_MAX], tmp[PATH_MAX], *json;
	char	 cgpath[40], cgroups[64] = "";
	char	 resolv[PATH_MAX + 128], idmap[96];
	int	 n, rc;

	if (resolv_mount(p, h, resolv, sizeof(resolv)) == -1)
		return -1;

	/* runc would make cgroups of its own, outside the host's limits */
	if (p->runc) {
		name_cgroups_path(h, cgpath, sizeof(cgpath));
		snprintf(cgroups, sizeof(cgroups), "\"cgroupsPath\":"
		    "\"%s\",", cgpath);
	}
	snprintf(idmap, sizeof(idmap), "[{\"containerID\":0,\"hostID\":%u,"
	    "\"size\":%u}]", uid_first, IDMAP_BLOCK);

	n = asprintf(&json, "{\"ociVersion\":\"1.0.0\",\"process\":{"
	    "\"terminal\":false,\"user\":{\"uid\":0,\"gid\":0},"
	    "\"args\":[\"/bin/sh\",\"-c\",\"trap 'exit 0' TERM; while :; do "
	    "sleep 3600 & wait $!; done\"],\"env\":[\"PATH=/usr/sbin:"
	    "/usr/bin:/sbin:/bin\",\"HOME=/home\",\"TZ=%s\"],\"cwd\":\"/home\","
	    "\"noNewPrivileges\":true,\"capabilities\":{\"bounding\":%s,"
	    "\"effective\":%s,\"permitted\":%s},\"rlimits\":[{\"type\":"
	    "\"RLIMIT_NOFILE\",\"hard\":1024,\"soft\":1024}]},"
	    "\"root\":{\"path\":\"%s\",\"readonly\":true},\"hostname\":\"%s\","
	    "\"mounts\":[{\"destination\":\"/proc\",\"type\":\"proc\","
	    "\"source\":\"proc\"},{\"destination\":\"/dev\",\"type\":\"tmpfs\","
	    "\"source\":\"tmpfs\",\"options\":[\"nosuid\",\"strictatime\","
	    "\"mode=755\",\"size=65536k\"]},{\"destination\":\"/dev/pts\","
	    "\"type\":\"devpts\",\"source\":\"devpts\",\"options\":[\"nosuid\","
	    "\"noexec\",\"newinstance\",\"ptmxmode=0666\",\"mode=0620\"]},"
	    "{\"destination\":\"/dev/shm\",\"type\":\"tmpfs\",\"source\":"
	    "\"shm\",\"options\":[\"nosuid\",\"noexec\",\"nodev\","
	    "\"mode=1777\",\"size=65536k\"]},{\"destination\":\"/sys\","
	    "\"type\":\"sysfs\",\"source\":\"sysfs\",\"options\":[\"nosuid\","
	    "\"noexec\",\"nodev\",\"ro\"]},{\"destination\":\"/home\","
	    "\"type\":\"bind\",\"source\":\"%s\",\"options\":[\"rbind\","
	    "\"rw\",\"nosuid\",\"nodev\"]},{\"destination\":\"/tmp\",\"type\":"
	    "\"tmpfs\",\"source\":\"tmpfs\",\"options\":[\"nosuid\",\"nodev\","
	    "\"mode=1777\",\"size=65536k\"]}%s],\"linux\":{%s"
	    "\"uidMappings\":%s,\"gidMappings\":%s,\"namespaces\":["
	    "{\"type\":\"user\"},{\"type\":\"pid\"},{\"type\":\"network\"},"
	    "{\"type\":\"ipc\"},{\"type\":\"uts\"},{\"type\":\"mount\"}],%s,"
	    "\"maskedPaths\":[\"/proc/acpi\",\"/proc/asound\",\"/proc/kcore\","
	    "\"/proc/keys\",\"/proc/latency_stats\",\"/proc/timer_list\","
	    "\"/proc/timer_stats\",\"/proc/sched_debug\",\"/proc/scsi\","
	    "\"/sys/firmware\",\"/sys/devices/virtual/powercap\"],\"readonlyPaths\":[\"/proc/bus\",\"/proc/fs\","
	    "\"/proc/irq\",\"/proc/sys\",\"/proc/sysrq-trigger\"]}}\n",
	    h->timezone, caps, caps, caps, p->image, h->hostname, home, resolv,
	    cgroups, idmap, idmap, seccomp_profile());
	if (n == -1)
		return -1;
	rc = -1;
	if (snprintf(path, sizeof(path), "%s/config.json", bundle) <
	    (int)sizeof(path) && snprintf(tmp, sizeof(tmp),
	    "%s/config.json.tmp", bundle) < (int)sizeof(tmp) &&
	    write_file(tmp, json) == 0 && rename(tmp, path) == 0)
		rc = 0;
	free(json);
	return rc;
}
