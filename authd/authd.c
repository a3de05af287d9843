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

#include <sodium.h>

#include "authd.h"
#include "daemon.h"
#include "dispatch.h"
#include "keygen.h"
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
sign_request(struct ipc_chan *chan, struct ipc_msg *m)
{
	if (chan != authd_env->signchan)
		return ipc_violation(m, "tls.sign off the signing link");
	return tlskey_sign_request(chan, m);
}

/* Once the keys are derived (the first cfg.done): what clients set off. */
#define LIVE	IPC_H_CONFIGURED

static const struct ipc_handler handlers[] = {
	{ IPC_CFG_COMMON, config_common, 0 },
	{ IPC_CFG_AUTH, config_auth, 0 },
	{ IPC_CFG_IDENTITY, config_identity, 0 },
	{ IPC_CFG_MASTER_KEY, config_master_key, 0 },
	{ IPC_CFG_TLS_CERT, config_tls_cert, 0 },
	{ IPC_CFG_TLS_KEY, config_tls_key, 0 },
	{ IPC_CFG_ACME_EAB, config_acme_eab, 0 },
	{ IPC_CFG_CCE_PASSWORDS, cce_config_passwords, 0 },
	{ IPC_CFG_DONE, config_done, IPC_H_CONFIGURES },
	{ IPC_PROC_START, config_proc_start, IPC_H_ONCE },
	{ IPC_ADMIN_BOOTSTRAP, bootstrap_admin, 0 },
	{ IPC_CLIENT_ADD, clients_add, LIVE },
	{ IPC_AUTH_CCE, cce_relay, LIVE },

	{ IPC_AUTH_LOGIN, login_request, LIVE },
	{ IPC_AUTH_VERIFY, verify_request, LIVE },
	{ IPC_AUTH_USER_CREATE, users_create, LIVE },
	{ IPC_AUTH_ROTATE_PW, users_rotate_password, LIVE },
	{ IPC_AUTH_CHANGE_PW, users_change_password, LIVE },
	{ IPC_AUTH_APIKEY_CREATE, apikeys_create, LIVE },
	{ IPC_AUTH_CLIENT_LOGIN, clients_login, LIVE },
	{ IPC_AUTH_ACCOUNT_KEY, account_key, LIVE },
	{ IPC_AUTH_SIGNED, account_signed, LIVE },
	{ IPC_AUTH_SSHKEY_ADD, sshkeys_add, LIVE },
	{ IPC_AUTH_ACCOUNT_DATA, users_account_data, LIVE },
	{ IPC_AUTH_HOST_PASSWORD, users_host_password, LIVE },
	{ IPC_AUTH_ENTRY, entry_request, LIVE },
	{ IPC_AUTH_BOOTSTRAP, login_bootstrap_request, LIVE },
	{ IPC_AUTH_EGRESS, egress_change, LIVE },
	{ IPC_AUTH_CA_CREATE, certs_ca_create, LIVE },
	{ IPC_AUTH_CERT_ISSUE, certs_issue, LIVE },
	{ IPC_AUTH_CERT_EXPORT, certs_export, LIVE },
	{ IPC_AUTH_DNSPROV_CREATE, dnsprov_create, LIVE },
	{ IPC_AUTH_ACMEACCT_CREATE, acmeacct_create, LIVE },
	{ IPC_AUTH_DEVICE_CREATE, devices_create, LIVE },
	{ IPC_AUTH_DEVICE_REGISTER, devsess_register, LIVE },
	{ IPC_AUTH_DEVICE_REFRESH, devsess_refresh, LIVE },
	{ IPC_AUTH_DEPLOY, deploy_request, LIVE },
	{ IPC_GW_AUTH, gateway_auth, LIVE },
	/* on the signing link alone (sign_link_dispatch) */
	{ IPC_TLS_SIGN, sign_request, LIVE },

	{ IPC_EGRESS_UNSEAL, egress_unseal, LIVE },
	{ IPC_DNSPROV_UNSEAL, dnsprov_unseal, LIVE },
	{ IPC_ACME_SIGN, acmejob_sign, LIVE },
	{ IPC_ACME_CSR, acmejob_csr, LIVE },
	{ IPC_ACME_EAB, acmejob_eab, LIVE },
	{ IPC_ACME_RENEWKEY, acmejob_renewkey, LIVE },
};

/* Exported for the unit test that checks every process's table. */
const struct ipc_dispatch_table dispatch_table = {
	PROC_AUTHD, handlers, sizeof(handlers) / sizeof(handlers[0])
};

/*
 * The signing link carries tls.sign and nothing else, and tls.sign
 * travels on nothing else (sign_request): a handshake's signature never
 * waits behind a login's hash.
 */
static int
sign_link_dispatch(struct ipc_chan *chan, struct ipc_msg *m, void *arg)
{
	if (m->type != IPC_TLS_SIGN)
		return ipc_violation(m, "only tls.sign travels on the signing "
		    "link");
	return ipc_dispatch(chan, m, arg);
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
	/* libsodium (deploy.c), before the sandbox: it may open urandom */
	if (sodium_init() < 0)
		fatalx("cannot initialize libsodium");
	a.failures = ratelimit_new(10, 60, 65536);
	a.failures_site = ratelimit_new(10 * RATELIMIT_SITE_FACTOR, 60, 65536);
	a.accounts = ratelimit_new(UINT32_MAX, ACCOUNT_WINDOW, 65536);
	a.known = ratelimit_new(UINT32_MAX, KNOWN_WINDOW, 65536);
	a.invalid = ratelimit_new(100, 60, 65536);
	a.invalid_site = ratelimit_new(100 * RATELIMIT_SITE_FACTOR, 60, 65536);
	a.rsa_keys = ratelimit_new(CERTS_RSA_KEYS, 60, 65536);
	a.replays = replay_new(SIG_V2_WINDOW, REPLAY_PER_USER, REPLAY_TOTAL);

	sandbox_drop_privileges(opts.user, opts.root);
	daemon_bind_to_parent();
	sandbox_enter(&authd_policy);
	a.base = daemon_event_base();
	hasher_init(a.base, hasher_workers());
	keygen_init(a.base);

	ipc_dispatcher_init(&a.dispatcher, &dispatch_table);
	daemon_link_peers(a.base, PROC_AUTHD, a.chans, ipc_dispatch,
	    &a.dispatcher);
	a.signchan = ipc_chan_new(a.base, PROC_FD_TLSSIGN, PROC_AUTHD,
	    PROC_FRONTD, sign_link_dispatch, daemon_peer_closed,
	    &a.dispatcher);
	event_base_dispatch(a.base);
	return 0;
}
