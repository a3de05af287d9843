/*
 * authd: the keeper of secrets.  It verifies credentials, hashes
 * passwords, and holds the master key; no other process sees a password
 * hash or key material.  It has no files and no network: chrooted in an
 * empty directory, it only talks over its links.
 */
#include <sys/types.h>

#include <stdlib.h>
#include <string.h>

#include "authd.h"
#include "daemon.h"
#include "log.h"
#include "sandbox.h"

struct authd	*authd_env;

static const struct sandbox_policy authd_policy = {
	.name = "authd",
	/* libargon2 hashes with threads when parallelism > 1 */
	.groups = SB_STDIO | SB_EVENT | SB_IPC | SB_THREADS,
	.npaths = 0,
	.deny_tcp = 1,
	.no_files = 1,
#ifndef MOAT_SANITIZE
	.max_as = 2048ULL * 1024 * 1024,
#endif
};

static int
dispatch(struct ipc_chan *chan, struct ipc_msg *m, void *arg)
{
	(void)arg;
	switch (chan->peer) {
	case PROC_MOATD:
		if (m->type == IPC_ADMIN_BOOTSTRAP)
			return bootstrap_admin(chan, m);
		return config_dispatch(chan, m);
	default:
		return -1;
	}
}

static void
authd_shutdown(void)
{
	if (authd_env != NULL)
		explicit_bzero(authd_env->master_key,
		    sizeof(authd_env->master_key));
}

int
main(int argc, char *argv[])
{
	struct daemon_opts	 opts;
	struct authd		 a;

	daemon_child_init(argc, argv, PROC_AUTHD, &opts);
	memset(&a, 0, sizeof(a));
	authd_env = &a;
	atexit(authd_shutdown);
	daemon_test_hooks();

	sandbox_drop_privileges(opts.user, opts.root);
	daemon_bind_to_parent();
	sandbox_enter(&authd_policy);
	a.base = daemon_event_base();

	daemon_link_peers(a.base, PROC_AUTHD, a.chans, dispatch, &a);
	event_base_dispatch(a.base);
	return 0;
}
