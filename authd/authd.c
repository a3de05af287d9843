/*
 * authd: the keeper of secrets.  It verifies credentials, hashes
 * passwords, and holds the master key; no other process sees a password
 * hash or key material.  It has no files and no network: chrooted in an
 * empty directory, it only talks over its links.
 */
#include <sys/types.h>

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "authd.h"
#include "daemon.h"
#include "log.h"
#include "sandbox.h"
#include "sshkey.h"

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
	struct authd	*a = arg;

	switch (chan->peer) {
	case PROC_MOATD:
		if (m->type == IPC_ADMIN_BOOTSTRAP)
			return bootstrap_admin(chan, m);
		if (m->type == IPC_CLIENT_ADD)
			return a->keys_ready ? clients_add(chan, m) : -1;
		return config_dispatch(chan, m);
	case PROC_FRONTD:
		if (!a->keys_ready)
			return -1;	/* frontd asks only once we serve */
		switch (m->type) {
		case IPC_AUTH_LOGIN:
			return login_request(chan, m);
		case IPC_AUTH_VERIFY:
			return verify_request(chan, m);
		case IPC_AUTH_USER_CREATE:
			return users_create(chan, m);
		case IPC_AUTH_ROTATE_PW:
			return users_rotate_password(chan, m);
		case IPC_AUTH_CHANGE_PW:
			return users_change_password(chan, m);
		case IPC_AUTH_APIKEY_CREATE:
			return apikeys_create(chan, m);
		case IPC_AUTH_CLIENT_LOGIN:
			return clients_login(chan, m);
		case IPC_AUTH_ACCOUNT_KEY:
			return account_key(chan, m);
		case IPC_AUTH_SIGNED:
			return account_signed(chan, m);
		case IPC_AUTH_SSHKEY_ADD:
			return sshkeys_add(chan, m);
		case IPC_AUTH_ACCOUNT_DATA:
			return users_account_data(chan, m);
		case IPC_AUTH_HOST_PASSWORD:
			return users_host_password(chan, m);
		case IPC_AUTH_EGRESS:
			return egress_change(chan, m);
		default:
			return -1;
		}
	case PROC_TASKD:
		if (!a->keys_ready || m->type != IPC_EGRESS_UNSEAL)
			return -1;
		return egress_unseal(chan, m);
	default:
		return -1;
	}
}

/* one argon2 worker per core, counted before the sandbox hides /sys */
static int	 ncpu = 1;

static int
hasher_workers(void)
{
	return ncpu;
}

static void
authd_shutdown(void)
{
	if (authd_env != NULL)
		explicit_bzero(authd_env->master_key,
		    sizeof(authd_env->master_key));
	tlskey_clear();
}

int
main(int argc, char *argv[])
{
	struct daemon_opts	 opts;
	struct authd		 a;

	daemon_child_init(argc, argv, PROC_AUTHD, &opts);
	if ((ncpu = sysconf(_SC_NPROCESSORS_ONLN)) < 1)
		ncpu = 1;
	if (ncpu > 8)
		ncpu = 8;
	memset(&a, 0, sizeof(a));
	authd_env = &a;
	atexit(authd_shutdown);
	daemon_test_hooks();

	if (crypto_init() != CRYPTO_OK)
		fatalx("cannot initialize OpenSSL");
	if (sshkey_init() == -1)
		fatalx("cannot initialize libssh");
	a.failures = ratelimit_new(10, 60, 65536);
	a.failures_site = ratelimit_new(10 * RATELIMIT_SITE_FACTOR, 60, 65536);
	a.accounts = ratelimit_new(UINT32_MAX, ACCOUNT_WINDOW, 65536);
	a.known = ratelimit_new(UINT32_MAX, KNOWN_WINDOW, 65536);
	a.invalid = ratelimit_new(100, 60, 65536);
	a.invalid_site = ratelimit_new(100 * RATELIMIT_SITE_FACTOR, 60, 65536);
	a.replays = replay_new(SIG_V2_WINDOW, REPLAY_PER_USER, REPLAY_TOTAL);

	sandbox_drop_privileges(opts.user, opts.root);
	daemon_bind_to_parent();
	sandbox_enter(&authd_policy);
	a.base = daemon_event_base();
	hasher_init(a.base, hasher_workers());

	daemon_link_peers(a.base, PROC_AUTHD, a.chans, dispatch, &a);
	a.signchan = ipc_chan_new(a.base, PROC_FD_TLSSIGN, PROC_AUTHD,
	    PROC_FRONTD, tlskey_dispatch, daemon_peer_closed, &a);
	event_base_dispatch(a.base);
	return 0;
}
