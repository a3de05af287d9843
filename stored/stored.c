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

#include "body_auth.h"
#include "daemon.h"
#include "dispatch.h"
#include "log.h"
#include "sandbox.h"
#include "stored.h"

#define DB_FILE	"moat.db"

struct stored	*stored_env;

/* The grant key comes once, from authd, and from nobody else. */
static int
grant_key(struct ipc_chan *chan, struct ipc_msg *m)
{
	struct stored		*s = stored_env;
	struct ipc_grant_key	 b;
	int			 ok;

	(void)chan;
	ok = ipc_msg_get(m, &b) == 0 && b.key_len == sizeof(s->grant_key) &&
	    !s->have_grant_key;
	if (ok) {
		memcpy(s->grant_key, b.key, sizeof(s->grant_key));
		s->have_grant_key = 1;
	}
	explicit_bzero(&b, sizeof(b));
	return ok ? 0 : ipc_violation(m, "grant key of the wrong size, or "
	    "twice");
}

/* After the configuration: everything a client's request sets off. */
#define LIVE	IPC_H_CONFIGURED
#define OP	(IPC_H_CONFIGURED | IPC_H_GRANT)

static const struct ipc_handler handlers[] = {
	{ IPC_CFG_COMMON, config_common, 0 },
	{ IPC_CFG_IDENTITY, config_identity, 0 },
	{ IPC_CFG_EGRESS, config_egress, 0 },
	{ IPC_CFG_ACME, config_acme, 0 },
	{ IPC_CFG_CCE_SCHEMA, cce_config_schema, 0 },
	{ IPC_CFG_DONE, config_done, IPC_H_CONFIGURES },
	{ IPC_PROC_START, config_proc_start, IPC_H_ONCE },
	{ IPC_CLIENT_LIST, clients_list, LIVE },
	{ IPC_CLIENT_DEL, clients_del, LIVE },
	{ IPC_AUTHKEYS, sshkeys_authorized, LIVE },
	{ IPC_GW_HOST_GET, gateway_host_get, LIVE },
	{ IPC_TASK_NOOP, tasks_noop, LIVE },
	{ IPC_SESSIONS_END, sessionops_end_operator, LIVE },

	{ IPC_GRANT_KEY, grant_key, IPC_H_ONCE },
	{ IPC_USER_BOOTSTRAP, users_bootstrap, 0 },
	{ IPC_CRED_GET, sessions_cred_get, LIVE },
	{ IPC_SESSION_CREATE, sessions_create, LIVE },
	{ IPC_AUTH_EVENT, sessions_auth_event, LIVE },
	{ IPC_STORE_USER_CREATE, users_store_create, LIVE },
	{ IPC_STORE_SET_PASSWORD, users_store_password, LIVE },
	{ IPC_TOKEN_GET, tokens_get, LIVE },
	{ IPC_STORE_APIKEY_CREATE, apikeys_store_create, LIVE },
	{ IPC_STORE_CLIENT_ADD, clients_store_add, LIVE },
	{ IPC_STORE_ACCOUNT_KEY, account_store_key, LIVE },
	{ IPC_ACCOUNT_KEY_GET, account_key_get, LIVE },
	{ IPC_STORE_SSHKEY_ADD, sshkeys_store_add, LIVE },
	{ IPC_STORE_ACCOUNT_DATA, account_data_store, LIVE },
	{ IPC_STORE_HOST_PASSWORD, hosts_store_password, LIVE },
	{ IPC_ENTRY_GET, entry_get, LIVE },
	{ IPC_OP_ENTRY, entry_probe, LIVE },
	{ IPC_STORE_BOOTSTRAP, bootstrap_store, LIVE },
	{ IPC_OP_BOOTSTRAP_GET, bootstrap_get, LIVE },
	{ IPC_STORE_EGRESS, egress_store, LIVE },
	{ IPC_STORE_CA_CREATE, cas_store_create, LIVE },
	{ IPC_STORE_CERT_CREATE, certs_store_create, LIVE },
	{ IPC_CERTKEY_GET, certs_key_get, LIVE },
	{ IPC_DEVKEY_GET, devself_key, LIVE },
	{ IPC_STORE_DNSPROV_CREATE, dnsprov_store_create, LIVE },
	{ IPC_STORE_ACMEACCT_CREATE, acmeacct_store_create, LIVE },
	{ IPC_STORE_DEVICE_CREATE, devices_store_create, LIVE },
	{ IPC_STORE_DEVSESS_ROTATE, devsess_rotate, LIVE },
	{ IPC_STORE_CCE, cce_command, LIVE },

	{ IPC_HEALTH_CHECK, health_check, LIVE },
	{ IPC_PING, health_ping, LIVE },
	{ IPC_ACME_CHALLENGE_GET, challenges_get, LIVE },
	{ IPC_ACME_CHALLENGE_PUT, challenges_put, LIVE },
	{ IPC_ACME_CHALLENGE_DEL, challenges_del, LIVE },
	{ IPC_OP_LOGOUT, sessions_logout, OP },
	{ IPC_OP_EVENTS, events_list, OP },
	{ IPC_OP_APIKEY_LIST, apikeys_list, OP },
	{ IPC_OP_APIKEY_GET, apikeys_get, OP },
	{ IPC_OP_APIKEY_DELETE, apikeys_delete, OP },
	{ IPC_OP_DNSPROV_LIST, dnsprov_list, OP },
	{ IPC_OP_DNSPROV_GET, dnsprov_get, OP },
	{ IPC_OP_DNSPROV_DELETE, dnsprov_delete, OP },
	{ IPC_OP_ACMEACCT_LIST, acmeacct_list, OP },
	{ IPC_OP_ACMEACCT_GET, acmeacct_get, OP },
	{ IPC_OP_ACCOUNT_KEY_DELETE, account_key_delete, OP },
	{ IPC_OP_ACCOUNT, account_get, OP },
	{ IPC_OP_SSHKEY_LIST, sshkeys_list, OP },
	{ IPC_OP_SSHKEY_DELETE, sshkeys_delete, OP },
	{ IPC_OP_ACCOUNT_DATA, account_data, OP },
	{ IPC_OP_HOST_CREATE, hosts_create, OP },
	{ IPC_OP_HOST_LIST, hosts_list, OP },
	{ IPC_OP_HOST_GET, hosts_get, OP },
	{ IPC_OP_HOST_ACTION, hosts_action, OP },
	{ IPC_OP_TASK_LIST, tasks_list, OP },
	{ IPC_OP_STATS, hosts_stats, OP },
	{ IPC_OP_GROUP, groups_op, OP },
	{ IPC_OP_GROUP_LIST, groups_list, OP },
	{ IPC_OP_SESSION_LIST, sessionops_list, OP },
	{ IPC_OP_SESSION_END, sessionops_end, OP },
	{ IPC_OP_EGRESS, egress_op, OP },
	{ IPC_OP_EGRESS_LIST, egress_list, OP },
	{ IPC_OP_BINDING, bindings_op, OP },
	{ IPC_OP_BINDING_LIST, bindings_list, OP },
	{ IPC_OP_EGRESS_TEST, egress_test, OP },
	{ IPC_OP_USER_LIST, users_list, OP },
	{ IPC_OP_USER_GET, users_get, OP },
	{ IPC_OP_USER_PATCH, users_patch, OP },
	{ IPC_OP_USER_EXPIRY, users_expiry, OP },
	{ IPC_OP_USER_DELETE, users_delete, OP },
	{ IPC_OP_ME, users_me, OP },
	{ IPC_OP_CA, cas_op, OP },
	{ IPC_OP_CA_LIST, cas_list, OP },
	{ IPC_OP_CERT, certs_op, OP },
	{ IPC_OP_CERT_LIST, certs_list, OP },
	{ IPC_OP_DEVICE, devices_op, OP },
	{ IPC_OP_DEVICE_LIST, devices_list, OP },
	{ IPC_OP_DEVICE_ASSIGN, devices_assign, OP },
	{ IPC_OP_SELF_CERT, devself_cert, OP },
	{ IPC_OP_SELF_BUNDLE, devself_bundle, OP },
	{ IPC_OP_SELF_UPDATES, devself_updates, OP },
	{ IPC_OP_CCE, cce_command, OP },

	{ IPC_TASK_CLAIM, tasks_claim, LIVE },
	{ IPC_TASK_PROGRESS, tasks_progress, LIVE },
	{ IPC_TASK_DONE, tasks_done, LIVE },
	{ IPC_ACME_JOB_GET, acmejob_get, LIVE },
	{ IPC_ACME_JOB_NOTE, acmejob_note, LIVE },
	{ IPC_ACME_JOB_RESULT, acmejob_result, LIVE },
	{ IPC_STORE_RENEWKEY, acmejob_renewkey, LIVE },
	{ IPC_HOST_STATES_GET, hosts_states, LIVE },
	{ IPC_HOST_OBSERVED, hosts_observed, LIVE },
};

/* Exported for the unit test that checks every process's table. */
const struct ipc_dispatch_table dispatch_table = {
	PROC_STORED, handlers, sizeof(handlers) / sizeof(handlers[0])
};

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
#ifdef MOAT_TEST
	challenges_test_seed();
#endif

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
	s.polls = ratelimit_new(POLLS_PER_MINUTE, 60, 65536);
	sessions_sweep_init();
	digest_init();

	ipc_dispatcher_init(&s.dispatcher, &dispatch_table);
	daemon_link_peers(s.base, PROC_STORED, s.chans, ipc_dispatch,
	    &s.dispatcher);
	event_base_dispatch(s.base);
	db_close();
	return 0;
}
