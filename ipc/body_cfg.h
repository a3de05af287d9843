/*
 * The configuration push, moatd to its children (moatd/confpush.c, each
 * child's config.c), the start of the suite and the first admin.  Each
 * setting travels in the message of its kind; secrets and descriptors
 * go only where the catalogue routes them.
 */
#ifndef MOAT_IPC_BODY_CFG_H
#define MOAT_IPC_BODY_CFG_H

#include <limits.h>
#include <stdint.h>

#include "body.h"

/* the API dialects (common/dialect.h's DIALECT_MAX), in their order */
#define CFG_DIALECTS		4
/* the trusted proxies cfg.proxies may name (moatd's CONF_MAX_PROXIES) */
#define CFG_PROXIES_MAX		16
#define CFG_LISTEN_NAME_MAX	80	/* an address:port, with its NUL */
#define CFG_PROXY_ADDR_MAX	64	/* an address's text, with its NUL */
#define CFG_TASK_TEXT_MAX	256	/* a path or URL, with its NUL */
#define CFG_RUNTIME_KIND_MAX	8	/* crun or runc, with its NUL */
#define CFG_PASSWORD_MAX	128	/* the first admin's, with its NUL */
/* acme directories (moatd's conffile.h: CONF_MAX_ACME_DIRS and sizes) */
#define CFG_ACME_DIRS_MAX	16
#define CFG_ACME_NAME_MAX	64	/* with its NUL */
#define CFG_ACME_URL_MAX	512	/* with its NUL */
#define CFG_ACME_EAB_MAX	256	/* a kid or a key's text, with NUL */

/* cfg.common: what every child gets alike */
struct ipc_cfg_common {
	uint32_t	 verbose;
	uint32_t	 ipc_timeout_ms;
};

/* cfg.http: frontd's limits */
struct ipc_cfg_http {
	uint32_t	 max_connections;
	uint32_t	 max_per_address;
	uint32_t	 max_header_bytes;
	uint32_t	 max_headers;
	uint32_t	 max_body;
	uint32_t	 header_timeout;
	uint32_t	 request_timeout;
	uint32_t	 idle_timeout;
	/* the SSH gateway's listener (listen ssh), ssh_port 0 when none:
	 * what frontd tells clients to connect to */
	char		 ssh_addr[CFG_LISTEN_NAME_MAX];
	uint32_t	 ssh_port;
};

/* cfg.listen: a listening socket, handed over once; acme: plain HTTP
 * that answers http-01 challenges only */
struct ipc_cfg_listen {
	char		 name[CFG_LISTEN_NAME_MAX];
	int		 fd;
	int		 acme;
};

/* cfg.acme: how many acme directories moatd.conf names, then each */
struct ipc_cfg_acme {
	uint32_t	 count;
};

struct ipc_cfg_acme_dir {
	char		 name[CFG_ACME_NAME_MAX];
	char		 url[CFG_ACME_URL_MAX];
	int		 eab;		/* the CA wants External Account
					   Binding: authd has its key */
	int		 ca;		/* trust only its ca-file's roots,
					   which cfg.acme.ca brings */
};

/* cfg.acme.ca: a directory's ca-file, opened by moatd, for taskd */
struct ipc_cfg_acme_ca {
	char		 name[CFG_ACME_NAME_MAX];
	char		 path[PATH_MAX];
	int		 fd;
};

/* cfg.acme.eab: the count, then each directory's EAB key id and HMAC
 * key (base64url), for authd only */
struct ipc_cfg_acme_eab {
	char		 name[CFG_ACME_NAME_MAX];
	char		 kid[CFG_ACME_EAB_MAX];
	char		 hmac[CFG_ACME_EAB_MAX];
};

/* cfg.tls.cert, cfg.tls.key: a PEM file moatd opened, and its path */
struct ipc_cfg_file {
	char		 path[PATH_MAX];
	int		 fd;
};

/* cfg.auth: argon2's parameters */
struct ipc_cfg_auth {
	uint32_t	 memory_kib;
	uint32_t	 time;
	uint32_t	 parallelism;
};

/* cfg.master_key: the file moatd opened, read once */
struct ipc_cfg_master_key {
	int		 fd;
};

/* cfg.task: taskd's workers and runtime */
struct ipc_cfg_task {
	uint32_t	 workers;
	char		 runtime[CFG_TASK_TEXT_MAX];
	char		 image[CFG_TASK_TEXT_MAX];
	char		 runtime_kind[CFG_RUNTIME_KIND_MAX];
	char		 check_url[CFG_TASK_TEXT_MAX];
	uint32_t	 uid_first;
	uint32_t	 uid_blocks;
};

/* a dialect's session lifetimes, seconds */
struct ipc_cfg_session {
	uint32_t	 lifetime;
	uint32_t	 idle;
};

/* cfg.identity: sessions by dialect, and the abuse limits */
struct ipc_cfg_identity {
	struct ipc_cfg_session session[CFG_DIALECTS];
	uint32_t	 login_lifetime;
	uint32_t	 auth_failures;
	uint32_t	 invalid_tokens;
	uint32_t	 api_requests;
};

/* cfg.proxies: one element per peer X-Forwarded-For is believed from */
struct ipc_cfg_proxy {
	char		 addr[CFG_PROXY_ADDR_MAX];
};

/* cfg.done: the push of this generation is whole */
struct ipc_cfg_done {
	uint64_t	 generation;
};

/* cfg.ack: the child has put that generation in force */
struct ipc_cfg_ack {
	struct ipc_head	 head;
	uint64_t	 generation;
};

/* admin.bootstrap.res: whether authd made the first admin, and its
 * password if so, to be shown once */
struct ipc_admin_bootstrap_res {
	struct ipc_head	 head;
	int		 created;
	char		 password[CFG_PASSWORD_MAX];
};

extern const struct ipc_body body_cfg_common;
extern const struct ipc_body body_cfg_http;
extern const struct ipc_body body_cfg_listen;
extern const struct ipc_body body_cfg_file;
extern const struct ipc_body body_cfg_acme;
extern const struct ipc_body body_cfg_acme_dir;
extern const struct ipc_body body_cfg_acme_ca;
extern const struct ipc_body body_cfg_acme_eab;
extern const struct ipc_body body_cfg_auth;
extern const struct ipc_body body_cfg_master_key;
extern const struct ipc_body body_cfg_task;
extern const struct ipc_body body_cfg_identity;
extern const struct ipc_body body_cfg_proxy;
extern const struct ipc_body body_cfg_done;
extern const struct ipc_body body_cfg_ack;
extern const struct ipc_body body_admin_bootstrap_res;

#endif
