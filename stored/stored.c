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

/* The grant key comes once, from authd, and from nobody else. */
static int
grant_key(struct ipc_msg *m)
{
	struct stored	*s = stored_env;
	size_t		 len;

	ipc_get_bin(m, s->grant_key, sizeof(s->grant_key), &len);
	if (ipc_end(m) == -1 || len != sizeof(s->grant_key) ||
	    s->have_grant_key)
		return ipc_violation(m, "grant key of the wrong size, or twice");
	s->have_grant_key = 1;
	return 0;
}

static int
from_authd(struct ipc_chan *chan, struct ipc_msg *m)
{
	switch (m->type) {
	case IPC_GRANT_KEY:
		return grant_key(m);
	case IPC_USER_BOOTSTRAP:
		return users_bootstrap(chan, m);
	case IPC_CRED_GET:
		return sessions_cred_get(chan, m);
	case IPC_SESSION_CREATE:
		return sessions_create(chan, m);
	case IPC_AUTH_EVENT:
		return sessions_auth_event(m);
	case IPC_STORE_USER_CREATE:
		return users_store_create(chan, m);
	case IPC_STORE_SET_PASSWORD:
		return users_store_password(chan, m);
	case IPC_TOKEN_GET:
		return tokens_get(chan, m);
	case IPC_STORE_APIKEY_CREATE:
		return apikeys_store_create(chan, m);
	case IPC_STORE_CLIENT_ADD:
		return clients_store_add(chan, m);
	case IPC_STORE_ACCOUNT_KEY:
		return account_store_key(chan, m);
	case IPC_ACCOUNT_KEY_GET:
		return account_key_get(chan, m);
	case IPC_STORE_SSHKEY_ADD:
		return sshkeys_store_add(chan, m);
	case IPC_STORE_ACCOUNT_DATA:
		return account_data(chan, m);
	case IPC_STORE_HOST_PASSWORD:
		return hosts_store_password(chan, m);
	case IPC_STORE_EGRESS:
		return egress_store(chan, m);
	default:
		return -1;
	}
}

static int
from_frontd(struct ipc_chan *chan, struct ipc_msg *m)
{
	switch (m->type) {
	case IPC_HEALTH_CHECK:
		return health_check(chan, m);
	case IPC_PING:
		return health_ping(chan, m);
	case IPC_OP_LOGOUT:
		return sessions_logout(chan, m);
	case IPC_OP_EVENTS:
		return events_list(chan, m);
	case IPC_OP_APIKEY_LIST:
	case IPC_OP_APIKEY_GET:
	case IPC_OP_APIKEY_DELETE:
		return apikeys_op(chan, m);
	case IPC_OP_ACCOUNT_KEY_DELETE:
		return account_key_delete(chan, m);
	case IPC_OP_ACCOUNT:
		return account_get(chan, m);
	case IPC_OP_SSHKEY_LIST:
	case IPC_OP_SSHKEY_DELETE:
		return sshkeys_op(chan, m);
	case IPC_OP_ACCOUNT_DATA:
		return account_data(chan, m);
	case IPC_OP_HOST_CREATE:
	case IPC_OP_HOST_LIST:
	case IPC_OP_HOST_GET:
	case IPC_OP_HOST_ACTION:
		return hosts_op(chan, m);
	case IPC_OP_TASK_LIST:
		return tasks_list(chan, m);
	case IPC_OP_STATS:
		return hosts_stats(chan, m);
	case IPC_OP_GROUP:
		return groups_op(chan, m);
	case IPC_OP_GROUP_LIST:
		return groups_list(chan, m);
	case IPC_OP_SESSION_LIST:
		return sessionops_list(chan, m);
	case IPC_OP_SESSION_END:
		return sessionops_end(chan, m);
	case IPC_OP_EGRESS:
		return egress_op(chan, m);
	case IPC_OP_EGRESS_LIST:
		return egress_list(chan, m);
	case IPC_OP_BINDING:
		return bindings_op(chan, m);
	case IPC_OP_BINDING_LIST:
		return bindings_list(chan, m);
	case IPC_OP_EGRESS_TEST:
		return egress_test(chan, m);
	default:
		return users_op(chan, m);
	}
}

static int
from_taskd(struct ipc_chan *chan, struct ipc_msg *m)
{
	switch (m->type) {
	case IPC_TASK_CLAIM:
		return tasks_claim(chan, m);
	case IPC_TASK_PROGRESS:
		return tasks_progress(m);
	case IPC_TASK_DONE:
		return tasks_done(chan, m);
	case IPC_HOST_STATES_GET:
		return hosts_states(chan, m);
	case IPC_HOST_OBSERVED:
		return hosts_observed(m);
	default:
		return -1;
	}
}

static int
dispatch(struct ipc_chan *chan, struct ipc_msg *m, void *arg)
{
	(void)arg;
	switch (chan->peer) {
	case PROC_MOATD:
		if (m->type == IPC_CLIENT_LIST)
			return clients_list(chan, m);
		if (m->type == IPC_CLIENT_DEL)
			return clients_del(chan, m);
		if (m->type == IPC_AUTHKEYS)
			return sshkeys_authorized(chan, m);
		if (m->type == IPC_TASK_NOOP)
			return tasks_noop(chan, m);
		if (m->type == IPC_SESSIONS_END)
			return sessionops_end_operator(chan, m);
		return config_dispatch(chan, m);
	case PROC_FRONTD:
		return from_frontd(chan, m);
	case PROC_AUTHD:
		return from_authd(chan, m);
	case PROC_TASKD:
		return from_taskd(chan, m);
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
	s.api = ratelimit_new(100, 60, 65536);
	sessions_sweep_init();
	digest_init();

	daemon_link_peers(s.base, PROC_STORED, s.chans, dispatch, &s);
	event_base_dispatch(s.base);
	db_close();
	return 0;
}
