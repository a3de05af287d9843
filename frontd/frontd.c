/*
 * frontd: the network process.  It terminates TLS, parses HTTP strictly,
 * and turns requests into messages to authd and stored.  It holds no
 * secret at rest, opens no file, and runs chrooted in an empty directory
 * as its own user under a seccomp filter that allows little more than
 * reading and writing the descriptors it was handed.
 */
#include <sys/types.h>
#include <sys/resource.h>

#include <malloc.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "api.h"
#include "daemon.h"
#include "dispatch.h"
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

static struct ipc_dispatcher	 dispatcher;
static const struct server_hooks hooks = {
	routes_dispatch, api_req_free, acme_serve, acme_head_refused
};

/* Only moatd tells frontd anything; authd and stored only answer. */
static const struct ipc_handler handlers[] = {
	{ IPC_CFG_COMMON, config_common, 0 },
	{ IPC_CFG_HTTP, config_http, 0 },
	{ IPC_CFG_PROXIES, config_proxies, 0 },
	{ IPC_CFG_LISTEN, config_listen, 0 },
	{ IPC_CFG_ACME, config_acme, 0 },
	{ IPC_CFG_TLS_CERT, config_tls_cert, 0 },
#ifdef MOAT_BENCH_KEY_IN_FRONTD
	{ IPC_CFG_TLS_KEY, config_tls_key, 0 },
#endif
	{ IPC_CFG_DONE, config_done, IPC_H_CONFIGURES },
	{ IPC_PROC_START, config_proc_start, IPC_H_ONCE },
	{ IPC_DEVICE_SIGNALED, devpoll_signaled, IPC_H_CONFIGURED },
};

/* Exported for the unit test that checks every process's table. */
const struct ipc_dispatch_table dispatch_table = {
	PROC_FRONTD, handlers, sizeof(handlers) / sizeof(handlers[0])
};

/*
 * Memory that held a request or an answer is cleared when it is freed,
 * so that a secret passing through (a password being set, a key shown
 * once) is not left behind in the heap once its request is over: what
 * libevent's buffers and jansson's values held, as OpenSSL's cleared
 * records (SSL_OP_CLEANSE_PLAINTEXT) and the IPC layer's buffers are.
 */
static void
clear_free(void *p)
{
	if (p == NULL)
		return;
	explicit_bzero(p, malloc_usable_size(p));
	free(p);
}

/*
 * One descriptor a client: the soft limit (1024 where systemd starts
 * us) would refuse clients long before max connections, the configured
 * cap, does.  Raised to the hard limit before the sandbox, which allows
 * no setrlimit; config.c warns if max connections outgrows it.
 */
static uint64_t
nofile_raise(void)
{
	struct rlimit	 rl;

	if (getrlimit(RLIMIT_NOFILE, &rl) == -1)
		fatal("getrlimit");
	if (rl.rlim_cur < rl.rlim_max) {
		rl.rlim_cur = rl.rlim_max;
		if (setrlimit(RLIMIT_NOFILE, &rl) == -1)
			fatal("setrlimit RLIMIT_NOFILE");
	}
	return rl.rlim_cur == RLIM_INFINITY ? UINT64_MAX : rl.rlim_cur;
}

static void *
clear_realloc(void *p, size_t n)
{
	size_t	 have;
	void	*q;

	if (p == NULL)
		return malloc(n);
	have = malloc_usable_size(p);
	if (n <= have)
		return p;
	if ((q = malloc(n)) == NULL)
		return NULL;
	memcpy(q, p, have);
	clear_free(p);
	return q;
}

int
main(int argc, char *argv[])
{
	struct daemon_opts	 opts;
	struct frontd		 f;

	egress_fields_init();
	/* the route table, for tests and documentation; moatd never asks */
	if (argc == 2 && strcmp(argv[1], "-R") == 0) {
		routes_print(stdout);
		return 0;
	}
	/* before anything of theirs is allocated */
	event_set_mem_functions(malloc, clear_realloc, clear_free);
	json_set_alloc_funcs(malloc, clear_free);
	daemon_child_init(argc, argv, PROC_FRONTD, &opts);
	memset(&f, 0, sizeof(f));
	frontd_env = &f;
	f.nofile = nofile_raise();
	tls_init();
	grantcache_init();
	server_init(&hooks);
	/* jansson would seed its hash from /dev/urandom on first use */
	json_object_seed(0);
	daemon_test_hooks();

	sandbox_drop_privileges(opts.user, opts.root);
	daemon_bind_to_parent();
	sandbox_enter(&frontd_policy);
	f.base = daemon_event_base();

	ipc_dispatcher_init(&dispatcher, &dispatch_table);
	daemon_link_peers(f.base, PROC_FRONTD, f.chans, ipc_dispatch,
	    &dispatcher);
	signlink_init();
	event_base_dispatch(f.base);
	return 0;
}
