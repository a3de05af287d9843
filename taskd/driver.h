/*
 * The container driver: what taskd asks of a runtime, and the process
 * that does it.  taskd itself is sandboxed and cannot run a runtime (a
 * seccomp filter is inherited across exec, and crun needs mount, clone
 * into namespaces and pivot_root); so before its sandbox taskd forks
 * the runner, which keeps root with taskd's trimmed capabilities, lives
 * in a private mount namespace, and takes only the fixed operations
 * below on fields it checks again.  A runtime is a struct driver: crun
 * now, another without touching the task code.
 */
#ifndef MOAT_DRIVER_H
#define MOAT_DRIVER_H

#include <stdint.h>

#include <sys/types.h>

#include "egresscheck.h"
#include "hostlife.h"
#include "hostrec.h"

struct driver_host {
	char		 short_id[HOST_SHORT_ID_LEN + 1];
	char		 hostname[HOST_NAME_MAX_LEN + 1];
	char		 timezone[HOST_TZ_MAX + 1];
	uint32_t	 memory_limit_mb;
	uint32_t	 cpu_milli;
	uint32_t	 pids_limit;
};

/*
 * A host's WireGuard tunnel (net.c): our keys in clear, as authd opened
 * them for this one request; the runner clears them once used.
 */
struct driver_egress {
	int32_t		 present;
	char		 endpoint[EGRESS_ENDPOINT_MAX + 1];
	char		 peer_public_key[EGRESS_KEY_MAX + 1];
	char		 private_key[EGRESS_SECRET_MAX + 1];
	char		 preshared_key[EGRESS_SECRET_MAX + 1];
	char		 allowed_ips[EGRESS_ALLOWED_MAX + 1];
	char		 address[EGRESS_CIDR_MAX + 1];
	char		 dns_server[EGRESS_ADDR_MAX + 1];
	/* DRV_EGRESS_TEST: what to fetch, and the exit address declared */
	char		 check_url[256];
	char		 declared_ip[EGRESS_ADDR_MAX + 1];
	/* where moatd.conf lets the endpoint be after all */
	struct egress_allow allow;
};

/*
 * DRV_EXEC: an SSH session in the running host (gwexec.c), for the
 * gateway; kind is enum gw_kind, command the client's (exec).
 */
#define DRIVER_TERM_MAX		63
#define DRIVER_COMMAND_MAX	4095
struct driver_exec {
	uint32_t	 kind;
	int32_t		 tty;
	uint32_t	 cols;
	uint32_t	 rows;
	char		 term[DRIVER_TERM_MAX + 1];
	char		 command[DRIVER_COMMAND_MAX + 1];
};
/* the seqs of sessions, apart from the task queue's */
#define DRIVER_SEQ_SESSION	0x80000000U

/* One datagram each way between taskd and the runner. */
struct driver_req {
	uint32_t		 seq;
	uint32_t		 op;		/* enum driver_op */
	struct driver_host	 host;
	struct driver_egress	 egress;	/* create, start, rebuild */
	struct driver_exec	 exec;		/* DRV_EXEC */
};

struct driver_res {
	uint32_t	 seq;
	int32_t		 ok;
	char		 state[16];	/* DRV_STATE: running, stopped, missing */
	int32_t		 pid;		/* DRV_STATE: the host's first process */
	int32_t		 tunnel;	/* DRV_STATE: a wireguard-go serves it */
	char		 code[32];	/* an error's code */
	char		 message[256];
	struct egress_test test;	/* DRV_EGRESS_TEST */
};

/* Where the runner keeps its files: set before it starts. */
struct driver_paths {
	char		 state[256];	/* taskd's state directory */
	char		 image[256];	/* the root file system of every host */
	char		 runtime[256];	/* the runtime's program */
	int		 runc;		/* 0: crun's flags and state */
	uint32_t	 uid_first;	/* hosts' blocks of user ids */
	uint32_t	 uid_blocks;
	char		 console[256];	/* the runner's: moat-console */
};

struct driver {
	const char	*name;
	int		(*ensure_running)(const struct driver_paths *,
			    const struct driver_host *, struct driver_res *);
	int		(*stop)(const struct driver_paths *,
			    const struct driver_host *, struct driver_res *);
	int		(*rebuild)(const struct driver_paths *,
			    const struct driver_host *, struct driver_res *);
	int		(*remove)(const struct driver_paths *,
			    const struct driver_host *, struct driver_res *);
	int		(*state)(const struct driver_paths *,
			    const struct driver_host *, struct driver_res *);
};

extern const struct driver crun_driver;

/*
 * The warm process: the runner keeps one child waiting in a spare set
 * of cgroups, which the next create renames to its host's; see
 * crun.c.  driver_spare names the set this process is in ("" if none).
 */
#define DRIVER_SPARE_MAX	16
#define DRIVER_SPARES_SWEPT	64
extern char	 driver_spare[DRIVER_SPARE_MAX];
int	 driver_spare_enter(const char *name);
void	 driver_spare_sweep(void);

/*
 * suite.c: the names this suite gives the system, each with its id
 * (driver_suite; "" for the unscoped names of a state directory from
 * before suite ids), and the machine-wide claims in CLAIMS_DIR that
 * keep suites apart.
 */
#define DRIVER_SUITE_LEN	3
#define CLAIMS_DIR		"/run/moat-claims"
extern char	 driver_suite[DRIVER_SUITE_LEN + 1];
void	 suite_init(const char *state);
int	 suite_id_ok(const char *);
void	 name_container(const struct driver_host *, char *, size_t);
void	 name_cgroup(const char *controller, const char *leaf, char *,
	    size_t);
void	 name_cgroups_path(const struct driver_host *, char *, size_t);
void	 name_interface(const struct driver_host *, char *, size_t);
int	 claims_lock(void);
void	 claims_unlock(int);
int	 claim_owner(const char *kind, const char *name, char *target,
	    size_t);
int	 claim_take(const char *kind, const char *name, const char *target);
void	 claim_drop(const char *kind, const char *name, const char *target);
void	 read_line(const char *path, char *out, size_t len);

/* runner.c: forks the runner, which then waits for its paths (one
 * struct driver_paths) on the socket returned, or -1. */
int	 runner_start(int max_jobs);
int	 driver_host_ok(const struct driver_host *, int whole);

/* driver.c: path holds text alone, afterwards (mode 0644 if new) */
int	 write_file(const char *path, const char *text);
/* driver.c: s made one line of printable ASCII, in place */
void	 driver_line(char *s);
/* driver.c: res failed with code and a message made one printable line */
void	 driver_fail(struct driver_res *, const char *code, const char *fmt,
	    ...) __attribute__((format(printf, 3, 4)));
/* crun.c: this process into moat's cgroups, out of any host's */
void	 driver_cgroups_leave(void);
/* crun.c: this process into the host's cgroups (an SSH session's) */
int	 driver_cgroups_join(const struct driver_host *);
/* crun.c: whether the host's container runs */
int	 driver_running(const struct driver_paths *, const struct driver_host *);

/*
 * gwexec.c: an SSH session (DRV_EXEC), in a child of the runner that
 * lives as long as it: the answer carries the session's control socket
 * (common/gwctl.h), over which the terminal or the standard streams and
 * at last the exit status go to gatewayd.  Never returns.
 */
__attribute__((noreturn)) void gwexec_run(const struct driver_paths *,
	    const struct driver_req *, int answer_fd);
/* gwexec.c: the helper that forks those children, forked by the runner
 * before it gives up CAP_SYS_PTRACE; its request socket, or -1 */
int	 gwexec_helper_start(int answer_fd, const struct driver_paths *,
	    pid_t *pid);
int	 gwexec_req_ok(const struct driver_exec *);
/* driver.c: a file of the host's bundle, such as its resolv.conf */
void	 driver_bundle_file(const struct driver_paths *,
	    const struct driver_host *, const char *name, char *path,
	    size_t pathlen);

/* spawn.c: runs argv with these options; its exit status or -1, its
 * output (bounded) in out */
#define SPAWN_FDS_MAX	2
struct spawn_opts {
	const char	*logpath;	/* output to this file, not a pipe */
	pid_t		 netns_pid;	/* run in this process's network */
	int		 fds[SPAWN_FDS_MAX];	/* become 3 and 4 */
	int		 nfds;
	int		 timeout_ms;	/* killed after it; 0 for none */
	int		 unprivileged;	/* as nobody, without capabilities */
};
#define SPAWN_NOBODY	65534	/* nobody and nogroup */
int	 spawn_run(const char *const argv[], const struct spawn_opts *,
	    char *out, size_t outlen);
/* spawn.c: runs argv, its output on a pipe that may outlive it (what a
 * container started in the background inherits); what came before it
 * exited in out, the pipe's reading end in *console */
int	 spawn_console(const char *const argv[], char *out, size_t outlen,
	    int *console);

/* tree.c: a host's tree walked by descriptors, never through a link
 * nor onto another mount: its ids shifted to the block to (each id of a
 * block from[i] to the same one in it, any other to its root), or the
 * tree removed */
#define IDMAP_BLOCK	65536U
#define TREE_SOURCES	4
struct tree_ids {
	uint32_t	 from[TREE_SOURCES];	/* 0: the machine's root's */
	int		 nfrom;
	uint32_t	 to;
};
int	 tree_shift(const char *top, const struct tree_ids *);
int	 tree_remove(const char *top);

/* idmap.c: each host's block of user ids, claimed machine-wide and
 * recorded in its bundle; its home owned by it */
int	 driver_uid_range_ok(uint32_t first, uint32_t blocks);
int	 idmap_claim(const struct driver_paths *, const char *bundle,
	    struct tree_ids *, struct driver_res *);
void	 idmap_reclaim(const char *state);
void	 idmap_release(const char *bundle);
int	 idmap_home(const char *bundle, const char *home,
	    const struct tree_ids *);

/* bundle.c: the host's config.json, its ids mapped from first */
int	 bundle_write(const struct driver_paths *, const struct driver_host *,
	    const char *bundle, const char *home, uint32_t first);

/* net.c: a host's tunnel, brought up in the network of its first
 * process, or taken down; the egress's fields checked again */
int	 net_egress_ok(struct driver_egress *);
/* The host and port of an http or https URL as the configuration took it. */
int	 net_url_host(const char *url, char *host, size_t hostlen, int *port);
int	 net_apply(const struct driver_paths *, const struct driver_host *,
	    pid_t pid, const struct driver_egress *, struct driver_res *);
void	 net_remove(const struct driver_host *);
int	 net_present(const struct driver_host *);
int	 net_test(const struct driver_paths *, const struct driver_host *,
	    const struct driver_egress *, struct driver_res *);

/*
 * endpoint.c: the endpoint as wg gets it, in out: an address, resolved
 * here if it was a name, and checked against what moatd.conf allows.
 * -1 if refused, -2 if the name does not resolve (now), with why.
 */
struct addrinfo;
int	 endpoint_resolve(const char *endpoint, const struct egress_allow *,
	    char *out, size_t outlen, char *why, size_t whylen);
/* The check of what name resolved to (res); the first address in out. */
int	 endpoint_pick(const char *name, const struct addrinfo *res,
	    const char *port, const struct egress_allow *, char *out,
	    size_t outlen, char *why, size_t whylen);

/* image.c: the default image from busybox, made once; a tarball image
 * unpacked once, its directory then in image */
int	 image_prepare(const char *dir);
int	 image_unpack(const char *state, char *image, size_t imagelen);

#endif
