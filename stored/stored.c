/*
 * stored: the sole owner of the database.  It runs chrooted in the
 * database directory as its own user; every object a request names is
 * authorized here, inside the query.
 */
#include <sys/types.h>

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "daemon.h"
#include "log.h"
#include "sandbox.h"
#include "stored.h"

#define DB_FILE	"moat.db"

struct stored	*stored_env;

static int
dispatch(struct ipc_chan *chan, struct ipc_msg *m, void *arg)
{
	(void)arg;
	switch (chan->peer) {
	case PROC_MOATD:
		return config_dispatch(chan, m);
	case PROC_FRONTD:
		if (m->type == IPC_HEALTH_CHECK)
			return health_check(chan, m);
		if (m->type == IPC_PING)
			return health_ping(chan, m);
		return -1;
	case PROC_AUTHD:
		if (m->type == IPC_USER_BOOTSTRAP)
			return users_bootstrap(chan, m);
		return -1;
	default:
		return -1;
	}
}

int
main(int argc, char *argv[])
{
	struct daemon_opts	 opts;
	struct stored		 s;
	struct sandbox_path	 dbdir;
	struct sandbox_policy	 policy;
	char			 path[PATH_MAX];
	int			 chrooted;

	daemon_child_init(argc, argv, PROC_STORED, &opts);
	if (opts.root == NULL)
		fatalx("no database directory (-r)");
	memset(&s, 0, sizeof(s));
	stored_env = &s;
	daemon_test_hooks();

	chrooted = opts.was_root && !sandbox_disabled_for_tests();
	sandbox_drop_privileges(opts.user, opts.root);
	daemon_bind_to_parent();
	/* The database opens before the filter, as its own user. */
	snprintf(path, sizeof(path), "%s/%s", chrooted ? "" : opts.root,
	    DB_FILE);
	db_open(path);
	if (schema_migrate() == -1)
		fatalx("database migration failed");

	dbdir.path = chrooted ? "/" : opts.root;
	dbdir.access = SB_FS_READ | SB_FS_WRITE;
	memset(&policy, 0, sizeof(policy));
	policy.name = "stored";
	policy.groups = SB_STDIO | SB_EVENT | SB_IPC | SB_WPATH;
	policy.paths = &dbdir;
	policy.npaths = 1;
	policy.deny_tcp = 1;
	policy.no_fork = 1;
	sandbox_enter(&policy);
	s.base = daemon_event_base();

	daemon_link_peers(s.base, PROC_STORED, s.chans, dispatch, &s);
	event_base_dispatch(s.base);
	db_close();
	return 0;
}
