/*
 * taskd: the one process that changes the system (containers and
 * WireGuard).  The changes themselves are the runner's (runner.c), forked
 * with the capabilities those jobs need; taskd then keeps none, no file
 * access (an empty Landlock ruleset), and a seccomp filter without fork
 * or exec: it only talks to its peers and to the runner.
 */
#include <sys/types.h>

#include <linux/capability.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "daemon.h"
#include "dispatch.h"
#include "log.h"
#include "sandbox.h"
#include "driver.h"
#include "acmew.h"
#include "taskd.h"

struct taskd	*taskd_env;

#define RUNNER_JOBS	16	/* runtime operations at once */

#define CAP(x)	(1ULL << (x))

/* The runner's: what running containers and network interfaces takes;
 * no module loading, raw I/O, clock, or reading past file permissions.
 * CAP_SYS_PTRACE stays with a runner that runs runc only (runner.c).
 * taskd itself drops them all once the runner runs. */
static const uint64_t taskd_caps = CAP(CAP_CHOWN) | CAP(CAP_DAC_OVERRIDE) |
    CAP(CAP_FOWNER) | CAP(CAP_FSETID) | CAP(CAP_KILL) | CAP(CAP_SETGID) |
    CAP(CAP_SETUID) | CAP(CAP_SETPCAP) | CAP(CAP_NET_BIND_SERVICE) |
    CAP(CAP_NET_ADMIN) | CAP(CAP_NET_RAW) | CAP(CAP_SYS_CHROOT) |
    CAP(CAP_SYS_ADMIN) | CAP(CAP_SYS_RESOURCE) | CAP(CAP_MKNOD) |
    CAP(CAP_AUDIT_WRITE) | CAP(CAP_SETFCAP) | CAP(CAP_SYS_PTRACE);

static int
agent_ping(struct ipc_chan *chan, struct ipc_msg *m)
{
	struct ipc_req	 req = ipc_req_of(chan, m);

	if (ipc_msg_get(m, NULL) == -1)
		return -1;
	ipc_answer_status(&req, 200, "ok");
	return 0;
}

static int
task_wake(struct ipc_chan *chan, struct ipc_msg *m)
{
	(void)chan;
	if (ipc_msg_get(m, NULL) == -1)
		return -1;
	jobs_wake();
	return 0;
}

static const struct ipc_handler handlers[] = {
	{ IPC_CFG_COMMON, config_common, 0 },
	{ IPC_CFG_TASK, config_task, 0 },
	{ IPC_CFG_EGRESS, config_egress, 0 },
	{ IPC_CFG_ACME, config_acme, 0 },
	{ IPC_CFG_ACME_CA, config_acme_ca, 0 },
	{ IPC_CFG_DONE, config_done, IPC_H_CONFIGURES },
	{ IPC_PROC_START, config_proc_start, IPC_H_ONCE },
	{ IPC_AGENT_PING, agent_ping, 0 },
	{ IPC_TASK_WAKE, task_wake, 0 },
	{ IPC_EGRESS_CHECK, jobs_egress_check, 0 },
	{ IPC_GW_PERMIT, gateway_permit, 0 },
	{ IPC_GW_SESSION_OPEN, gateway_session_open, 0 },
	{ IPC_GW_CONN_CLOSED, gateway_conn_closed, 0 },
};

/* Exported for the unit test that checks every process's table. */
const struct ipc_dispatch_table dispatch_table = {
	PROC_TASKD, handlers, sizeof(handlers) / sizeof(handlers[0])
};
static struct ipc_dispatcher	 dispatcher;

int
main(int argc, char *argv[])
{
	struct daemon_opts	 opts;
	struct taskd		 t;
	struct sandbox_policy	 policy;
	int			 spawner;

	daemon_child_init(argc, argv, PROC_TASKD, &opts);
	if (opts.root == NULL)
		fatalx("no state directory (-r)");
	memset(&t, 0, sizeof(t));
	taskd_env = &t;
	daemon_test_hooks();
	if (chdir(opts.root) == -1)
		fatal("chdir %s", opts.root);

	sandbox_drop_privileges(opts.user, NULL);
	daemon_bind_to_parent();
	sandbox_keep_caps(taskd_caps);
	if (strlcpy(t.state_dir, opts.root, sizeof(t.state_dir)) >=
	    sizeof(t.state_dir))
		fatalx("state directory path too long");
	/* before the sandbox: the runner runs what the sandbox forbids */
	if ((t.runner = runner_start(RUNNER_JOBS)) == -1)
		fatal("runner");
	/* ACME workers talk to CAs: they come from a spawner forked now,
	 * which becomes nobody and holds no capability (acmeworker.c) */
	if ((spawner = acmew_spawner_start()) == -1)
		fatal("acme spawner");
	acmejob_init(spawner);
	/* what is left is messages: no capability, file, process or
	 * network of its own (Landlock with no path allows no file) */
	sandbox_keep_caps(0);
	memset(&policy, 0, sizeof(policy));
	policy.name = "taskd";
	policy.groups = SB_STDIO | SB_EVENT | SB_IPC;
	policy.deny_tcp = 1;
	sandbox_enter(&policy);
	t.base = daemon_event_base();
	jobs_init(t.base, t.runner);

	ipc_dispatcher_init(&dispatcher, &dispatch_table);
	daemon_link_peers(t.base, PROC_TASKD, t.chans, ipc_dispatch,
	    &dispatcher);
	event_base_dispatch(t.base);
	return 0;
}
