/*
 * frontd: the network process.  It terminates TLS, parses HTTP strictly,
 * and turns requests into messages to authd and stored.  It holds no
 * secret at rest, opens no file, and runs chrooted in an empty directory
 * as its own user under a seccomp filter that allows little more than
 * reading and writing the descriptors it was handed.
 */
#include <sys/types.h>

#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "daemon.h"
#include "frontd.h"
#include "grantcache.h"
#include "log.h"
#include "sandbox.h"

struct frontd	*frontd_env;

static const struct sandbox_policy frontd_policy = {
	.name = "frontd",
	.groups = SB_STDIO | SB_EVENT | SB_IPC | SB_INET,
	.paths = NULL,
	.npaths = 0,		/* an empty Landlock ruleset: no files */
	.deny_tcp = 1,		/* it accepts; it never binds or connects */
	.no_fork = 1,
	.no_files = 1,
#ifndef MOAT_SANITIZE
	.max_as = 1024ULL * 1024 * 1024,
#endif
};

static int
dispatch(struct ipc_chan *chan, struct ipc_msg *m, void *arg)
{
	(void)arg;
	if (chan->peer == PROC_MOATD)
		return config_dispatch(chan, m);
	/* authd and stored only answer our requests */
	return -1;
}

int
main(int argc, char *argv[])
{
	struct daemon_opts	 opts;
	struct frontd		 f;

	daemon_child_init(argc, argv, PROC_FRONTD, &opts);
	memset(&f, 0, sizeof(f));
	frontd_env = &f;
	tls_init();
	grantcache_init();
	/* jansson would seed its hash from /dev/urandom on first use */
	json_object_seed(0);
	daemon_test_hooks();

	sandbox_drop_privileges(opts.user, opts.root);
	daemon_bind_to_parent();
	sandbox_enter(&frontd_policy);
	f.base = daemon_event_base();

	daemon_link_peers(f.base, PROC_FRONTD, f.chans, dispatch, &f);
	event_base_dispatch(f.base);
	return 0;
}
