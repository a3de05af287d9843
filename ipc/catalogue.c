/*
 * The message catalogue: every type, its size limit, who may send it to
 * whom, and its kind.  A receiver refuses anything not written here.
 */
#include <stddef.h>

#include "body_cfg.h"
#include "body_certs.h"
#include "body_devices.h"
#include "body_auth.h"
#include "body_core.h"
#include "body_ctl.h"
#include "body_keys.h"
#include "body_users.h"
#include "hostrec.h"
#include "body_egress.h"
#include "body_challenge.h"
#include "body_acmeacct.h"
#include "body_acmejob.h"
#include "body_dns.h"
#include "body_cce.h"
#include "body_entry.h"
#include "body_gw.h"
#include "ipc.h"

#define R(a, b)		IPC_ROUTE(PROC_##a, PROC_##b)
#define SMALL		256
#define KIB		1024

/* hello travels on every link, both ways */
#define ALL_LINKS (R(MOATD, FRONTD) | R(MOATD, AUTHD) | R(MOATD, STORED) | \
	R(MOATD, TASKD) | R(MOATD, MOATCTL) | R(FRONTD, MOATD) | \
	R(AUTHD, MOATD) | R(STORED, MOATD) | R(TASKD, MOATD) | \
	R(MOATCTL, MOATD) | R(FRONTD, AUTHD) | R(AUTHD, FRONTD) | \
	R(FRONTD, STORED) | R(STORED, FRONTD) | R(AUTHD, STORED) | \
	R(STORED, AUTHD) | R(AUTHD, TASKD) | R(TASKD, AUTHD) | \
	R(STORED, TASKD) | R(TASKD, STORED) | R(MOATD, GATEWAYD) | \
	R(GATEWAYD, MOATD) | R(GATEWAYD, AUTHD) | R(AUTHD, GATEWAYD) | \
	R(GATEWAYD, TASKD) | R(TASKD, GATEWAYD))
#define TO_CHILDREN (R(MOATD, FRONTD) | R(MOATD, AUTHD) | R(MOATD, STORED) | \
	R(MOATD, TASKD) | R(MOATD, GATEWAYD))
#define FROM_CHILDREN (R(FRONTD, MOATD) | R(AUTHD, MOATD) | \
	R(STORED, MOATD) | R(TASKD, MOATD) | R(GATEWAYD, MOATD))

#define FA R(FRONTD, AUTHD)
#define AF R(AUTHD, FRONTD)
#define AS R(AUTHD, STORED)
#define SA R(STORED, AUTHD)
#define FS R(FRONTD, STORED)
#define SF R(STORED, FRONTD)
#define TS R(TASKD, STORED)
#define ST R(STORED, TASKD)
#define REQ IPC_F_REQUEST
#define REP IPC_F_REPLY
#ifdef MOAT_BENCH_KEY_IN_FRONTD
#define TLS_KEY_ROUTES	(R(MOATD, AUTHD) | R(MOATD, FRONTD))
/*
 * Marks every program of the benchmark's build with the key in frontd
 * (all link this file): make install refuses a program that carries it
 * (Makefile, KEY_IN_FRONTD_MARK), whatever the make variables say.
 */
static const char key_in_frontd_mark[] __attribute__((used)) =
    "MOAT_KEY_IN_FRONTD_BENCHMARK_BUILD_NEVER_INSTALL";
#else
#define TLS_KEY_ROUTES	R(MOATD, AUTHD)
#endif
/* a user record, a page of them, a page of events */
#define USER_MAX	(4 * KIB)
#define LIST_MAX	(120 * KIB)
/* a command with its args, an answer with its JSON: CCE_ARGS_BYTES and
 * the chunks stored makes fit under it */
#define CCE_MSG_MAX	(124 * KIB)

static const struct ipc_msgdef catalogue[IPC_TYPE_MAX] = {
	[IPC_HELLO] = { IPC_HELLO, "hello", SMALL, ALL_LINKS, IPC_F_STRICT,
	    0, &body_hello, NULL },
	[IPC_CFG_COMMON] = { IPC_CFG_COMMON, "cfg.common", SMALL,
	    TO_CHILDREN, IPC_F_STRICT, 0, &body_cfg_common, NULL },
	[IPC_CFG_HTTP] = { IPC_CFG_HTTP, "cfg.http", SMALL,
	    R(MOATD, FRONTD), IPC_F_STRICT, 0, &body_cfg_http, NULL },
	[IPC_CFG_LISTEN] = { IPC_CFG_LISTEN, "cfg.listen", SMALL,
	    R(MOATD, FRONTD) | R(MOATD, GATEWAYD), IPC_F_FD | IPC_F_STRICT, 0, &body_cfg_listen,
	    NULL },
	/* the TLS key goes to authd only (but in the benchmark's build that
	 * measures what this costs) */
	[IPC_CFG_TLS_CERT] = { IPC_CFG_TLS_CERT, "cfg.tls.cert", 5 * KIB,
	    R(MOATD, FRONTD) | R(MOATD, AUTHD), IPC_F_FD | IPC_F_STRICT, 0,
	    &body_cfg_file, NULL },
	[IPC_CFG_TLS_KEY] = { IPC_CFG_TLS_KEY, "cfg.tls.key", 5 * KIB,
	    TLS_KEY_ROUTES, IPC_F_FD | IPC_F_STRICT, 0, &body_cfg_file, NULL },
	[IPC_CFG_AUTH] = { IPC_CFG_AUTH, "cfg.auth", SMALL,
	    R(MOATD, AUTHD), IPC_F_STRICT, 0, &body_cfg_auth, NULL },
	[IPC_CFG_MASTER_KEY] = { IPC_CFG_MASTER_KEY, "cfg.master_key", SMALL,
	    R(MOATD, AUTHD), IPC_F_FD | IPC_F_STRICT, 0, &body_cfg_master_key,
	    NULL },
	[IPC_CFG_TASK] = { IPC_CFG_TASK, "cfg.task", 1 * KIB,
	    R(MOATD, TASKD), IPC_F_STRICT, 0, &body_cfg_task, NULL },
	[IPC_CFG_DONE] = { IPC_CFG_DONE, "cfg.done", SMALL, TO_CHILDREN,
	    IPC_F_REQUEST | IPC_F_STRICT, IPC_CFG_ACK, &body_cfg_done, NULL },
	[IPC_CFG_ACK] = { IPC_CFG_ACK, "cfg.ack", SMALL,
	    FROM_CHILDREN, IPC_F_REPLY, 0, &body_cfg_ack, NULL },
	[IPC_PROC_START] = { IPC_PROC_START, "proc.start", SMALL,
	    TO_CHILDREN, IPC_F_STRICT, 0, &ipc_body_none, NULL },
	[IPC_ADMIN_BOOTSTRAP] = { IPC_ADMIN_BOOTSTRAP, "admin.bootstrap", SMALL,
	    R(MOATD, AUTHD), IPC_F_REQUEST, IPC_ADMIN_BOOTSTRAP_RES,
	    &ipc_body_none, NULL },
	[IPC_ADMIN_BOOTSTRAP_RES] = { IPC_ADMIN_BOOTSTRAP_RES,
	    "admin.bootstrap.res", SMALL, R(AUTHD, MOATD), IPC_F_REPLY, 0,
	    &body_admin_bootstrap_res, NULL },
	[IPC_USER_BOOTSTRAP] = { IPC_USER_BOOTSTRAP, "user.bootstrap",
	    1 * KIB, R(AUTHD, STORED), IPC_F_REQUEST, IPC_USER_BOOTSTRAP_RES,
	    &body_user_bootstrap, NULL },
	[IPC_USER_BOOTSTRAP_RES] = { IPC_USER_BOOTSTRAP_RES,
	    "user.bootstrap.res", SMALL, R(STORED, AUTHD), IPC_F_REPLY, 0,
	    &body_user_bootstrap_res, NULL },
	[IPC_HEALTH_CHECK] = { IPC_HEALTH_CHECK, "health.check", SMALL,
	    R(FRONTD, STORED), IPC_F_REQUEST, IPC_HEALTH_RESULT,
	    &ipc_body_none, NULL },
	[IPC_HEALTH_RESULT] = { IPC_HEALTH_RESULT, "health.result", SMALL,
	    R(STORED, FRONTD), IPC_F_REPLY, 0, &body_health_res, NULL },
	[IPC_AGENT_PING] = { IPC_AGENT_PING, "agent.ping", SMALL,
	    R(STORED, TASKD), IPC_F_REQUEST, IPC_AGENT_PONG, &ipc_body_none, NULL },
	[IPC_AGENT_PONG] = { IPC_AGENT_PONG, "agent.pong", SMALL,
	    R(TASKD, STORED), IPC_F_REPLY, 0, &body_status_res, NULL },
	[IPC_PING] = { IPC_PING, "ping", 4 * KIB,
	    R(FRONTD, STORED), IPC_F_REQUEST, IPC_PONG, &body_ping, NULL },
	[IPC_PONG] = { IPC_PONG, "pong", 4 * KIB,
	    R(STORED, FRONTD), IPC_F_REPLY, 0, &body_pong, NULL },
	[IPC_CTL_STATUS] = { IPC_CTL_STATUS, "ctl.status", SMALL,
	    R(MOATCTL, MOATD), IPC_F_REQUEST, IPC_CTL_STATUS_RES,
	    &ipc_body_none, NULL },
	[IPC_CTL_STATUS_RES] = { IPC_CTL_STATUS_RES, "ctl.status.res", 4 * KIB,
	    R(MOATD, MOATCTL), IPC_F_REPLY, 0, &body_status_res,
	    &body_ctl_proc },
	[IPC_CTL_RELOAD] = { IPC_CTL_RELOAD, "ctl.reload", SMALL,
	    R(MOATCTL, MOATD), IPC_F_REQUEST, IPC_CTL_RESULT, &ipc_body_none,
	    NULL },
	[IPC_CTL_RESULT] = { IPC_CTL_RESULT, "ctl.result", 4 * KIB,
	    R(MOATD, MOATCTL), IPC_F_REPLY, 0, &body_status_res, NULL },

	/* identity: configuration; the grant key goes from authd to stored
	 * only, never through frontd or moatd */
	[IPC_CFG_IDENTITY] = { IPC_CFG_IDENTITY, "cfg.identity", SMALL,
	    R(MOATD, AUTHD) | R(MOATD, STORED), IPC_F_STRICT, 0,
	    &body_cfg_identity, NULL },
	[IPC_CFG_PROXIES] = { IPC_CFG_PROXIES, "cfg.proxies", 2 * KIB,
	    R(MOATD, FRONTD), IPC_F_STRICT, 0, &ipc_body_none,
	    &body_cfg_proxy },
	[IPC_GRANT_KEY] = { IPC_GRANT_KEY, "grant.key", SMALL, AS,
	    IPC_F_STRICT, 0, &body_grant_key, NULL },

	/* identity: frontd asks authd; passwords travel only this way.  A
	 * login holds a name of up to 1023 bytes and a password of 1024. */
	[IPC_AUTH_LOGIN] = { IPC_AUTH_LOGIN, "auth.login", 3 * KIB, FA, REQ,
	    IPC_AUTH_LOGIN_RES, &body_auth_login, NULL },
	[IPC_AUTH_LOGIN_RES] = { IPC_AUTH_LOGIN_RES, "auth.login.res",
	    1 * KIB, AF, REP, 0, &body_login_res, NULL },
	[IPC_AUTH_VERIFY] = { IPC_AUTH_VERIFY, "auth.verify", 5 * KIB, FA,
	    REQ, IPC_AUTH_VERIFY_RES, &body_auth_verify, NULL },
	[IPC_AUTH_VERIFY_RES] = { IPC_AUTH_VERIFY_RES, "auth.verify.res",
	    SMALL, AF, REP, 0, &body_verify_res, NULL },
	[IPC_AUTH_USER_CREATE] = { IPC_AUTH_USER_CREATE, "auth.user.create",
	    4 * KIB, FA, REQ, IPC_USER_RES, &body_user_create, NULL },
	[IPC_AUTH_ROTATE_PW] = { IPC_AUTH_ROTATE_PW, "auth.rotate_password",
	    SMALL, FA, REQ, IPC_AUTH_PASSWORD_RES, &body_auth_rotate_pw, NULL },
	[IPC_AUTH_CHANGE_PW] = { IPC_AUTH_CHANGE_PW, "auth.change_password",
	    3 * KIB, FA, REQ, IPC_AUTH_PASSWORD_RES, &body_auth_change_pw,
	    NULL },
	[IPC_AUTH_PASSWORD_RES] = { IPC_AUTH_PASSWORD_RES,
	    "auth.password.res", SMALL, AF, REP, 0, &body_password_res, NULL },

	/* identity: authd asks stored; hashes travel only this way */
	[IPC_CRED_GET] = { IPC_CRED_GET, "cred.get", 1 * KIB, AS, REQ,
	    IPC_CRED_RES, &body_cred_get, NULL },
	[IPC_CRED_RES] = { IPC_CRED_RES, "cred.res", 1 * KIB, SA, REP, 0,
	    &body_cred_res, NULL },
	[IPC_SESSION_CREATE] = { IPC_SESSION_CREATE, "session.create",
	    1 * KIB, AS, REQ, IPC_SESSION_RES, &body_session_create, NULL },
	[IPC_SESSION_RES] = { IPC_SESSION_RES, "session.res", SMALL, SA, REP,
	    0, &body_session_res, NULL },
	[IPC_AUTH_EVENT] = { IPC_AUTH_EVENT, "auth.event", 1 * KIB, AS, 0,
	    0, &body_auth_event, NULL },
	[IPC_STORE_USER_CREATE] = { IPC_STORE_USER_CREATE,
	    "store.user.create", 3 * KIB, AS, REQ, IPC_USER_RES,
	    &body_store_user_create, NULL },
	[IPC_STORE_SET_PASSWORD] = { IPC_STORE_SET_PASSWORD,
	    "store.set_password", 1 * KIB, AS, REQ, IPC_OP_RES,
	    &body_store_set_password, NULL },

	/* identity: frontd asks stored, always with a grant */
	[IPC_OP_USER_LIST] = { IPC_OP_USER_LIST, "op.user.list", SMALL, FS,
	    REQ, IPC_USER_LIST_RES, &body_page_req, NULL },
	[IPC_USER_LIST_RES] = { IPC_USER_LIST_RES, "user.list.res", LIST_MAX,
	    SF, REP, 0, &body_list_res, &body_user_rec },
	[IPC_OP_USER_GET] = { IPC_OP_USER_GET, "op.user.get", SMALL, FS, REQ,
	    IPC_USER_RES, &body_user_ref, NULL },
	[IPC_OP_USER_PATCH] = { IPC_OP_USER_PATCH, "op.user.patch", 2 * KIB,
	    FS, REQ, IPC_USER_RES, &body_user_patch, NULL },
	[IPC_OP_USER_EXPIRY] = { IPC_OP_USER_EXPIRY, "op.user.expiry", SMALL,
	    FS, REQ, IPC_USER_RES, &body_user_expiry, NULL },
	[IPC_OP_USER_DELETE] = { IPC_OP_USER_DELETE, "op.user.delete", SMALL,
	    FS, REQ, IPC_USER_RES, &body_user_ref, NULL },
	[IPC_OP_ME] = { IPC_OP_ME, "op.me", SMALL, FS, REQ, IPC_USER_RES,
	    &body_grant_req, NULL },
	[IPC_OP_LOGOUT] = { IPC_OP_LOGOUT, "op.logout", SMALL, FS, REQ,
	    IPC_OP_RES, &body_grant_req, NULL },
	[IPC_OP_EVENTS] = { IPC_OP_EVENTS, "op.events", 1 * KIB, FS, REQ,
	    IPC_EVENTS_RES, &body_events_req, NULL },
	[IPC_EVENTS_RES] = { IPC_EVENTS_RES, "events.res", LIST_MAX, SF, REP,
	    0, &body_list_res, &body_event_rec },
	[IPC_USER_RES] = { IPC_USER_RES, "user.res", USER_MAX, SF | SA | AF,
	    REP, 0, &body_user_res, NULL },
	[IPC_OP_RES] = { IPC_OP_RES, "op.res", 1 * KIB,
	    SF | SA | AF | ST | R(STORED, MOATD), REP, 0, &body_status_res, NULL },

	/* opaque tokens: authd fetches the digest by the public id */
	[IPC_TOKEN_GET] = { IPC_TOKEN_GET, "token.get", SMALL, AS, REQ,
	    IPC_TOKEN_RES, &body_token_get, NULL },
	[IPC_TOKEN_RES] = { IPC_TOKEN_RES, "token.res", 2 * KIB, SA, REP, 0,
	    &body_token_res, NULL },

	/* certificates apiv1: API keys; the plaintext is minted in authd */
	[IPC_AUTH_APIKEY_CREATE] = { IPC_AUTH_APIKEY_CREATE,
	    "auth.apikey.create", 8 * KIB, FA, REQ, IPC_APIKEY_RES,
	    &body_apikey_create, NULL },
	[IPC_STORE_APIKEY_CREATE] = { IPC_STORE_APIKEY_CREATE,
	    "store.apikey.create", 8 * KIB, AS, REQ, IPC_APIKEY_RES,
	    &body_apikey_store, NULL },
	[IPC_OP_APIKEY_LIST] = { IPC_OP_APIKEY_LIST, "op.apikey.list", SMALL,
	    FS, REQ, IPC_APIKEY_LIST_RES, &body_key_page, NULL },
	[IPC_OP_APIKEY_GET] = { IPC_OP_APIKEY_GET, "op.apikey.get", SMALL, FS,
	    REQ, IPC_APIKEY_RES, &body_key_ref, NULL },
	[IPC_OP_APIKEY_DELETE] = { IPC_OP_APIKEY_DELETE, "op.apikey.delete",
	    SMALL, FS, REQ, IPC_APIKEY_RES, &body_key_ref, NULL },
	[IPC_APIKEY_RES] = { IPC_APIKEY_RES, "apikey.res", 8 * KIB,
	    SF | SA | AF, REP, 0, &body_apikey_res, NULL },
	[IPC_APIKEY_LIST_RES] = { IPC_APIKEY_LIST_RES, "apikey.list.res",
	    LIST_MAX, SF, REP, 0, &body_list_res, &body_key_rec },

	/* command API: LOGIN, remote only, with a client secret */
	[IPC_AUTH_CLIENT_LOGIN] = { IPC_AUTH_CLIENT_LOGIN, "auth.client.login",
	    3 * KIB, FA, REQ, IPC_AUTH_LOGIN_RES, &body_auth_client_login,
	    NULL },
	/* clients are made by the operator: moatctl, moatd, authd, stored */
	[IPC_CTL_CLIENT_ADD] = { IPC_CTL_CLIENT_ADD, "ctl.client.add", 2 * KIB,
	    R(MOATCTL, MOATD), REQ, IPC_CLIENT_ADD_RES, &body_client_add,
	    NULL },
	[IPC_CTL_CLIENT_LIST] = { IPC_CTL_CLIENT_LIST, "ctl.client.list", SMALL,
	    R(MOATCTL, MOATD), REQ, IPC_CLIENT_LIST_RES, &ipc_body_none, NULL },
	[IPC_CTL_CLIENT_DEL] = { IPC_CTL_CLIENT_DEL, "ctl.client.del", SMALL,
	    R(MOATCTL, MOATD), REQ, IPC_CTL_RESULT, &body_client_del,
	    NULL },
	[IPC_CLIENT_ADD] = { IPC_CLIENT_ADD, "client.add", 2 * KIB,
	    R(MOATD, AUTHD), REQ, IPC_CLIENT_ADD_RES, &body_client_add, NULL },
	[IPC_CLIENT_ADD_RES] = { IPC_CLIENT_ADD_RES, "client.add.res", SMALL,
	    R(AUTHD, MOATD) | R(MOATD, MOATCTL), REP, 0,
	    &body_secret_res, NULL },
	[IPC_STORE_CLIENT_ADD] = { IPC_STORE_CLIENT_ADD, "store.client.add",
	    2 * KIB, AS, REQ, IPC_OP_RES, &body_client_store, NULL },
	[IPC_CLIENT_LIST] = { IPC_CLIENT_LIST, "client.list", SMALL,
	    R(MOATD, STORED), REQ, IPC_CLIENT_LIST_RES, &ipc_body_none, NULL },
	[IPC_CLIENT_LIST_RES] = { IPC_CLIENT_LIST_RES, "client.list.res",
	    LIST_MAX, R(STORED, MOATD) | R(MOATD, MOATCTL), REP, 0,
	    &body_list_res, &body_client_rec },
	[IPC_CLIENT_DEL] = { IPC_CLIENT_DEL, "client.del", SMALL,
	    R(MOATD, STORED), REQ, IPC_OP_RES, &body_client_del, NULL },

	/* account v2: the secret is sealed in authd, shown once */
	[IPC_AUTH_ACCOUNT_KEY] = { IPC_AUTH_ACCOUNT_KEY, "auth.account_key",
	    SMALL, FA, REQ, IPC_ACCOUNT_KEY_RES, &body_account_key, NULL },
	[IPC_ACCOUNT_KEY_RES] = { IPC_ACCOUNT_KEY_RES, "account_key.res",
	    SMALL, AF, REP, 0, &body_account_key_res, NULL },
	[IPC_STORE_ACCOUNT_KEY] = { IPC_STORE_ACCOUNT_KEY,
	    "store.account_key", 1 * KIB, AS, REQ, IPC_OP_RES,
	    &body_account_key_store, NULL },
	[IPC_ACCOUNT_KEY_GET] = { IPC_ACCOUNT_KEY_GET, "account_key.get",
	    SMALL, AS, REQ, IPC_ACCOUNT_KEY_GET_RES,
	    &body_account_key_get, NULL },
	[IPC_ACCOUNT_KEY_GET_RES] = { IPC_ACCOUNT_KEY_GET_RES,
	    "account_key.get.res", SMALL, SA, REP, 0,
	    &body_account_key_get_res, NULL },
	/* a signed request: the body is signed, so it travels whole */
	[IPC_AUTH_SIGNED] = { IPC_AUTH_SIGNED, "auth.signed", 72 * KIB, FA,
	    REQ, IPC_AUTH_VERIFY_RES, &body_auth_signed, NULL },
	[IPC_OP_ACCOUNT_KEY_DELETE] = { IPC_OP_ACCOUNT_KEY_DELETE,
	    "op.account_key.delete", SMALL, FS, REQ, IPC_OP_RES,
	    &body_account_key_delete, NULL },
	[IPC_OP_ACCOUNT] = { IPC_OP_ACCOUNT, "op.account", SMALL, FS, REQ,
	    IPC_ACCOUNT_RES, &body_grant_req, NULL },
	[IPC_ACCOUNT_RES] = { IPC_ACCOUNT_RES, "account.res", 48 * KIB, SF,
	    REP, 0, &body_account_res, &body_account_item },

	/* SSH keys: authd parses or makes them, stored keeps them; a
	 * private key travels back once, authd to frontd */
	[IPC_AUTH_SSHKEY_ADD] = { IPC_AUTH_SSHKEY_ADD, "auth.sshkey.add",
	    10 * KIB, FA, REQ, IPC_SSHKEY_RES, &body_sshkey_add, NULL },
	[IPC_STORE_SSHKEY_ADD] = { IPC_STORE_SSHKEY_ADD, "store.sshkey.add",
	    6 * KIB, AS, REQ, IPC_SSHKEY_RES, &body_sshkey_store, NULL },
	[IPC_OP_SSHKEY_LIST] = { IPC_OP_SSHKEY_LIST, "op.sshkey.list", SMALL,
	    FS, REQ, IPC_SSHKEY_LIST_RES, &body_key_page, NULL },
	[IPC_OP_SSHKEY_DELETE] = { IPC_OP_SSHKEY_DELETE, "op.sshkey.delete",
	    SMALL, FS, REQ, IPC_SSHKEY_RES, &body_key_ref, NULL },
	[IPC_SSHKEY_RES] = { IPC_SSHKEY_RES, "sshkey.res", 8 * KIB,
	    SF | SA | AF, REP, 0, &body_sshkey_res, NULL },
	[IPC_SSHKEY_LIST_RES] = { IPC_SSHKEY_LIST_RES, "sshkey.list.res",
	    LIST_MAX, SF, REP, 0, &body_list_res, &body_sshkey_rec },
	/* sshd's AuthorizedKeysCommand: moatctl, moatd, stored */
	[IPC_CTL_AUTHKEYS] = { IPC_CTL_AUTHKEYS, "ctl.authkeys", 2 * KIB,
	    R(MOATCTL, MOATD), REQ, IPC_AUTHKEYS_RES, &body_authkeys, NULL },
	[IPC_AUTHKEYS] = { IPC_AUTHKEYS, "authkeys", 2 * KIB,
	    R(MOATD, STORED), REQ, IPC_AUTHKEYS_RES, &body_authkeys, NULL },
	[IPC_AUTHKEYS_RES] = { IPC_AUTHKEYS_RES, "authkeys.res", LIST_MAX,
	    R(STORED, MOATD) | R(MOATD, MOATCTL), REP, 0,
	    &body_list_res, &body_authkey_line },

	/* account v2 data: a new password goes through authd, which
	 * hashes it; names and phone alone go straight to stored */
	[IPC_AUTH_ACCOUNT_DATA] = { IPC_AUTH_ACCOUNT_DATA,
	    "auth.account_data", 4 * KIB, FA, REQ, IPC_OP_RES,
	    &body_account_data_pw, NULL },
	[IPC_OP_ACCOUNT_DATA] = { IPC_OP_ACCOUNT_DATA, "op.account_data",
	    2 * KIB, FS, REQ, IPC_OP_RES, &body_account_data, NULL },
	[IPC_STORE_ACCOUNT_DATA] = { IPC_STORE_ACCOUNT_DATA,
	    "store.account_data", 2 * KIB, AS, REQ, IPC_OP_RES,
	    &body_account_data_store, NULL },

	/* hosts, tasks and the dashboard, from frontd */
	[IPC_OP_HOST_CREATE] = { IPC_OP_HOST_CREATE, "op.host.create",
	    1 * KIB, FS, REQ, IPC_HOST_RES, &body_host_create, NULL },
	[IPC_OP_HOST_LIST] = { IPC_OP_HOST_LIST, "op.host.list", SMALL, FS,
	    REQ, IPC_HOST_LIST_RES, &body_page_req, NULL },
	[IPC_OP_HOST_GET] = { IPC_OP_HOST_GET, "op.host.get", SMALL, FS, REQ,
	    IPC_HOST_RES, &body_host_ref, NULL },
	[IPC_OP_HOST_ACTION] = { IPC_OP_HOST_ACTION, "op.host.action", SMALL,
	    FS, REQ, IPC_HOST_RES, &body_host_ref, NULL },
	[IPC_HOST_RES] = { IPC_HOST_RES, "host.res", 2 * KIB, SF, REP, 0, &body_host_res, NULL },
	[IPC_HOST_LIST_RES] = { IPC_HOST_LIST_RES, "host.list.res", LIST_MAX,
	    SF, REP, 0, &body_list_res, &body_host_rec },
	[IPC_OP_TASK_LIST] = { IPC_OP_TASK_LIST, "op.task.list", 1 * KIB, FS,
	    REQ, IPC_TASK_LIST_RES, &body_task_list, NULL },
	[IPC_TASK_LIST_RES] = { IPC_TASK_LIST_RES, "task.list.res", LIST_MAX,
	    SF, REP, 0, &body_list_res, &body_task_rec },
	[IPC_OP_STATS] = { IPC_OP_STATS, "op.stats", SMALL, FS, REQ,
	    IPC_STATS_RES, &body_grant_req, NULL },
	[IPC_STATS_RES] = { IPC_STATS_RES, "stats.res", SMALL, SF, REP, 0, &body_stats_res, NULL },

	/* the task queue: taskd claims and reports, stored wakes it */
	[IPC_TASK_CLAIM] = { IPC_TASK_CLAIM, "task.claim", SMALL, TS, REQ,
	    IPC_TASK_JOBS, &body_task_claim, NULL },
	[IPC_TASK_JOBS] = { IPC_TASK_JOBS, "task.jobs", LIST_MAX, ST, REP, 0, &body_list_res, &body_task_job },
	[IPC_TASK_PROGRESS] = { IPC_TASK_PROGRESS, "task.progress", 1 * KIB,
	    TS, 0, 0, &body_task_progress, NULL },
	[IPC_TASK_DONE] = { IPC_TASK_DONE, "task.done", 1 * KIB, TS, REQ,
	    IPC_OP_RES, &body_task_done, NULL },
	[IPC_TASK_WAKE] = { IPC_TASK_WAKE, "task.wake", SMALL, ST, 0, 0, &ipc_body_none, NULL },
	[IPC_HOST_STATES_GET] = { IPC_HOST_STATES_GET, "host.states.get",
	    SMALL, TS, REQ, IPC_HOST_STATES, &ipc_body_none, NULL },
	[IPC_HOST_STATES] = { IPC_HOST_STATES, "host.states", LIST_MAX, ST,
	    REP, 0, &body_list_res, &body_host_state_rec },
	[IPC_HOST_OBSERVED] = { IPC_HOST_OBSERVED, "host.observed", SMALL,
	    TS, 0, 0, &body_host_observed, NULL },
	/* moatctl task noop N: tasks that do nothing, to measure the queue */
	[IPC_CTL_TASK_NOOP] = { IPC_CTL_TASK_NOOP, "ctl.task.noop", SMALL,
	    R(MOATCTL, MOATD), REQ, IPC_CTL_RESULT, &body_task_noop, NULL },
	[IPC_TASK_NOOP] = { IPC_TASK_NOOP, "task.noop", SMALL,
	    R(MOATD, STORED), REQ, IPC_OP_RES, &body_task_noop, NULL },
	/* a host's SSH password: made and sealed in authd, shown once */
	[IPC_AUTH_HOST_PASSWORD] = { IPC_AUTH_HOST_PASSWORD,
	    "auth.host_password", SMALL, FA, REQ, IPC_HOST_PASSWORD_RES,
	    &body_host_password, NULL },
	[IPC_STORE_HOST_PASSWORD] = { IPC_STORE_HOST_PASSWORD,
	    "store.host_password", 1 * KIB, AS, REQ, IPC_OP_RES,
	    &body_host_password_store, NULL },
	[IPC_HOST_PASSWORD_RES] = { IPC_HOST_PASSWORD_RES,
	    "host_password.res", SMALL, AF, REP, 0, &body_secret_res, NULL },

	/* user groups: admins keep them through frontd */
	[IPC_OP_GROUP] = { IPC_OP_GROUP, "op.group", SMALL, FS, REQ,
	    IPC_GROUP_RES, &body_group_req, NULL },
	[IPC_OP_GROUP_LIST] = { IPC_OP_GROUP_LIST, "op.group.list", SMALL, FS,
	    REQ, IPC_GROUP_LIST_RES, &body_user_page, NULL },
	[IPC_GROUP_RES] = { IPC_GROUP_RES, "group.res", SMALL, SF, REP, 0,
	    &body_group_res, NULL },
	[IPC_GROUP_LIST_RES] = { IPC_GROUP_LIST_RES, "group.list.res",
	    LIST_MAX, SF, REP, 0, &body_list_res, &body_group_rec },

	/* an admin lists and ends login sessions */
	[IPC_OP_SESSION_LIST] = { IPC_OP_SESSION_LIST, "op.session.list",
	    SMALL, FS, REQ, IPC_SESSION_LIST_RES, &body_user_page, NULL },
	[IPC_SESSION_LIST_RES] = { IPC_SESSION_LIST_RES, "session.list.res",
	    LIST_MAX, SF, REP, 0, &body_list_res, &body_session_rec },
	[IPC_OP_SESSION_END] = { IPC_OP_SESSION_END, "op.session.end", SMALL,
	    FS, REQ, IPC_OP_RES, &body_session_end, NULL },
	/* the operator ends every session of a user: moatctl, moatd */
	[IPC_CTL_SESSIONS_END] = { IPC_CTL_SESSIONS_END, "ctl.sessions.end",
	    SMALL, R(MOATCTL, MOATD), REQ, IPC_CTL_RESULT, &body_sessions_end,
	    NULL },
	[IPC_SESSIONS_END] = { IPC_SESSIONS_END, "sessions.end", SMALL,
	    R(MOATD, STORED), REQ, IPC_OP_RES, &body_sessions_end, NULL },

	/* egress IPs and bindings: an admin's, through frontd; what holds a
	 * secret goes through authd, which seals it */
	[IPC_AUTH_EGRESS] = { IPC_AUTH_EGRESS, "auth.egress", 4 * KIB, FA,
	    REQ, IPC_EGRESS_RES, &body_auth_egress, NULL },
	[IPC_STORE_EGRESS] = { IPC_STORE_EGRESS, "store.egress", 4 * KIB, AS,
	    REQ, IPC_EGRESS_RES, &body_store_egress, NULL },
	[IPC_EGRESS_RES] = { IPC_EGRESS_RES, "egress.res", 4 * KIB,
	    SF | SA | AF, REP, 0, &body_egress_res, NULL },
	[IPC_OP_EGRESS] = { IPC_OP_EGRESS, "op.egress", SMALL, FS, REQ,
	    IPC_EGRESS_RES, &body_op_egress, NULL },
	[IPC_OP_EGRESS_LIST] = { IPC_OP_EGRESS_LIST, "op.egress.list", SMALL,
	    FS, REQ, IPC_EGRESS_LIST_RES, &body_egress_page, NULL },
	[IPC_EGRESS_LIST_RES] = { IPC_EGRESS_LIST_RES, "egress.list.res",
	    LIST_MAX, SF, REP, 0, &body_egress_page_res,
	    &body_egress_rec },
	[IPC_OP_BINDING] = { IPC_OP_BINDING, "op.binding", SMALL, FS, REQ,
	    IPC_BINDING_RES, &body_op_binding, NULL },
	[IPC_OP_BINDING_LIST] = { IPC_OP_BINDING_LIST, "op.binding.list",
	    SMALL, FS, REQ, IPC_BINDING_LIST_RES, &body_egress_page, NULL },
	[IPC_BINDING_RES] = { IPC_BINDING_RES, "binding.res", SMALL, SF, REP,
	    0, &body_binding_res, NULL },
	[IPC_BINDING_LIST_RES] = { IPC_BINDING_LIST_RES, "binding.list.res",
	    LIST_MAX, SF, REP, 0, &body_egress_page_res,
	    &body_binding_rec },
	/* taskd has authd open the seals of a tunnel it brings up */
	[IPC_EGRESS_UNSEAL] = { IPC_EGRESS_UNSEAL, "egress.unseal", 1 * KIB,
	    R(TASKD, AUTHD), REQ, IPC_EGRESS_UNSEAL_RES, &body_egress_unseal,
	    NULL },
	[IPC_EGRESS_UNSEAL_RES] = { IPC_EGRESS_UNSEAL_RES,
	    "egress.unseal.res", SMALL, R(AUTHD, TASKD), REP, 0,
	    &body_egress_unseal_res, NULL },
	/* an egress IP's test: frontd asks stored, stored has taskd run it */
	[IPC_OP_EGRESS_TEST] = { IPC_OP_EGRESS_TEST, "op.egress.test", SMALL,
	    FS, REQ, IPC_EGRESS_TEST_RES, &body_op_egress_test, NULL },
	[IPC_EGRESS_TEST_RES] = { IPC_EGRESS_TEST_RES, "egress.test.res",
	    1 * KIB, SF, REP, 0, &body_egress_test_res, NULL },
	[IPC_EGRESS_CHECK] = { IPC_EGRESS_CHECK, "egress.check", 2 * KIB, ST,
	    REQ, IPC_EGRESS_CHECK_RES, &body_egress_check, NULL },
	[IPC_EGRESS_CHECK_RES] = { IPC_EGRESS_CHECK_RES, "egress.check.res",
	    1 * KIB, TS, REP, 0, &body_egress_check_res, NULL },
	/* stored checks endpoints as they are given, taskd as it resolves */
	[IPC_CFG_EGRESS] = { IPC_CFG_EGRESS, "cfg.egress", 2 * KIB,
	    R(MOATD, STORED) | R(MOATD, TASKD), IPC_F_STRICT, 0,
	    &body_cfg_egress, &body_cfg_egress_range },
	/* a handshake signature: key id, scheme, the content to sign (at
	 * most TLSSIGN_TBS_MAX bytes are signed; authd refuses the rest) */
	[IPC_TLS_SIGN] = { IPC_TLS_SIGN, "tls.sign", 1 * KIB, FA, REQ,
	    IPC_TLS_SIGN_RES, &body_tls_sign, NULL },
	[IPC_TLS_SIGN_RES] = { IPC_TLS_SIGN_RES, "tls.sign.res", 1 * KIB, AF,
	    REP, 0, &body_tls_sign_res, NULL },

	/* acme directories: names and URLs to whoever checks or uses them;
	 * a ca-file to taskd, which opens none; the EAB keys to authd only */
	[IPC_CFG_ACME] = { IPC_CFG_ACME, "cfg.acme", 12 * KIB,
	    R(MOATD, FRONTD) | R(MOATD, STORED) | R(MOATD, TASKD),
	    IPC_F_STRICT, 0, &body_cfg_acme, &body_cfg_acme_dir },
	[IPC_CFG_ACME_CA] = { IPC_CFG_ACME_CA, "cfg.acme.ca", 5 * KIB,
	    R(MOATD, TASKD), IPC_F_FD | IPC_F_STRICT, 0, &body_cfg_acme_ca,
	    NULL },
	[IPC_CFG_ACME_EAB] = { IPC_CFG_ACME_EAB, "cfg.acme.eab", 12 * KIB,
	    R(MOATD, AUTHD), IPC_F_STRICT, 0, &body_cfg_acme,
	    &body_cfg_acme_eab },
	/* http-01: frontd's acme listener reads a pending challenge; taskd
	 * puts one when its ACME order presents it, and removes it */
	[IPC_ACME_CHALLENGE_GET] = { IPC_ACME_CHALLENGE_GET,
	    "acme.challenge.get", 1 * KIB, FS, REQ, IPC_ACME_CHALLENGE_RES,
	    &body_acme_challenge_get, NULL },
	[IPC_ACME_CHALLENGE_RES] = { IPC_ACME_CHALLENGE_RES,
	    "acme.challenge.res", 1 * KIB, SF, REP, 0,
	    &body_acme_challenge_res, NULL },
	[IPC_ACME_CHALLENGE_PUT] = { IPC_ACME_CHALLENGE_PUT,
	    "acme.challenge.put", 1 * KIB, TS, REQ, IPC_OP_RES,
	    &body_acme_challenge_put, NULL },
	[IPC_ACME_CHALLENGE_DEL] = { IPC_ACME_CHALLENGE_DEL,
	    "acme.challenge.del", 1 * KIB, TS, REQ, IPC_OP_RES,
	    &body_acme_challenge_del, NULL },
	/* private CAs and their certificates: keys are made, sealed and
	 * opened in authd; stored keeps the rows and the seals */
	[IPC_AUTH_CA_CREATE] = { IPC_AUTH_CA_CREATE, "auth.ca.create", 1 * KIB,
	    FA, REQ, IPC_CA_RES, &body_auth_ca_create, NULL },
	[IPC_STORE_CA_CREATE] = { IPC_STORE_CA_CREATE, "store.ca.create",
	    14 * KIB, AS, REQ, IPC_CA_RES, &body_store_ca_create, NULL },
	[IPC_CA_RES] = { IPC_CA_RES, "ca.res", 10 * KIB, SF | SA | AF, REP, 0,
	    &body_ca_res, NULL },
	[IPC_OP_CA] = { IPC_OP_CA, "op.ca", SMALL, FS, REQ, IPC_CA_RES,
	    &body_op_cert, NULL },
	[IPC_OP_CA_LIST] = { IPC_OP_CA_LIST, "op.ca.list", SMALL, FS, REQ,
	    IPC_CA_LIST_RES, &body_cert_page, NULL },
	[IPC_CA_LIST_RES] = { IPC_CA_LIST_RES, "ca.list.res", LIST_MAX, SF,
	    REP, 0, &body_cert_list_res, &body_ca_rec },
	[IPC_AUTH_CERT_ISSUE] = { IPC_AUTH_CERT_ISSUE, "auth.cert.issue",
	    6 * KIB, FA, REQ, IPC_CERT_RES, &body_auth_cert_issue, NULL },
	[IPC_STORE_CERT_CREATE] = { IPC_STORE_CERT_CREATE,
	    "store.cert.create", 32 * KIB, AS, REQ, IPC_CERT_RES,
	    &body_store_cert_create, NULL },
	[IPC_CERT_RES] = { IPC_CERT_RES, "cert.res", 6 * KIB, SF | SA | AF,
	    REP, 0, &body_cert_res, NULL },
	[IPC_OP_CERT] = { IPC_OP_CERT, "op.cert", SMALL, FS, REQ, IPC_CERT_RES,
	    &body_op_cert, NULL },
	[IPC_OP_CERT_LIST] = { IPC_OP_CERT_LIST, "op.cert.list", SMALL, FS,
	    REQ, IPC_CERT_LIST_RES, &body_cert_page, NULL },
	[IPC_CERT_LIST_RES] = { IPC_CERT_LIST_RES, "cert.list.res", LIST_MAX,
	    SF, REP, 0, &body_cert_list_res, &body_cert_rec },
	/* an export: frontd asks authd, authd has stored check and hand over
	 * the seal, opens it, and answers the key (in base64) to frontd */
	[IPC_AUTH_CERT_EXPORT] = { IPC_AUTH_CERT_EXPORT, "auth.cert.export",
	    SMALL, FA, REQ, IPC_CERT_EXPORT_RES, &body_certkey_get, NULL },
	[IPC_CERTKEY_GET] = { IPC_CERTKEY_GET, "certkey.get", SMALL, AS, REQ,
	    IPC_CERTKEY_RES, &body_certkey_get, NULL },
	[IPC_CERTKEY_RES] = { IPC_CERTKEY_RES, "certkey.res", 24 * KIB, SA,
	    REP, 0, &body_certkey_res, NULL },
	[IPC_CERT_EXPORT_RES] = { IPC_CERT_EXPORT_RES, "cert.export.res",
	    24 * KIB, AF, REP, 0, &body_cert_export_res, NULL },
	/* a user's DNS providers: the create through authd, which seals
	 * the secret; the reads and the delete straight to stored */
	[IPC_AUTH_DNSPROV_CREATE] = { IPC_AUTH_DNSPROV_CREATE,
	    "auth.dnsprov.create", 2 * KIB, FA, REQ, IPC_DNSPROV_RES,
	    &body_dnsprov_create, NULL },
	[IPC_STORE_DNSPROV_CREATE] = { IPC_STORE_DNSPROV_CREATE,
	    "store.dnsprov.create", 2 * KIB, AS, REQ, IPC_DNSPROV_RES,
	    &body_dnsprov_store, NULL },
	[IPC_OP_DNSPROV_LIST] = { IPC_OP_DNSPROV_LIST, "op.dnsprov.list",
	    SMALL, FS, REQ, IPC_DNSPROV_LIST_RES, &body_key_page, NULL },
	[IPC_OP_DNSPROV_GET] = { IPC_OP_DNSPROV_GET, "op.dnsprov.get", SMALL,
	    FS, REQ, IPC_DNSPROV_RES, &body_key_ref, NULL },
	[IPC_OP_DNSPROV_DELETE] = { IPC_OP_DNSPROV_DELETE,
	    "op.dnsprov.delete", SMALL, FS, REQ, IPC_DNSPROV_RES,
	    &body_key_ref, NULL },
	[IPC_DNSPROV_RES] = { IPC_DNSPROV_RES, "dnsprov.res", 2 * KIB,
	    SF | SA | AF, REP, 0, &body_dnsprov_res, NULL },
	[IPC_DNSPROV_LIST_RES] = { IPC_DNSPROV_LIST_RES, "dnsprov.list.res",
	    LIST_MAX, SF, REP, 0, &body_list_res, &body_dnsprov_rec },
	/* taskd has authd open the secret of the provider its job names */
	[IPC_DNSPROV_UNSEAL] = { IPC_DNSPROV_UNSEAL, "dnsprov.unseal",
	    1 * KIB, R(TASKD, AUTHD), REQ, IPC_DNSPROV_UNSEAL_RES,
	    &body_dnsprov_unseal, NULL },
	[IPC_DNSPROV_UNSEAL_RES] = { IPC_DNSPROV_UNSEAL_RES,
	    "dnsprov.unseal.res", 1 * KIB, R(AUTHD, TASKD), REP, 0,
	    &body_dnsprov_unseal_res, NULL },
	/* a user's ACME accounts: the create through authd, which makes
	 * and seals the key; the reads straight to stored */
	[IPC_AUTH_ACMEACCT_CREATE] = { IPC_AUTH_ACMEACCT_CREATE,
	    "auth.acmeacct.create", 3 * KIB, FA, REQ, IPC_ACMEACCT_RES,
	    &body_acmeacct_create, NULL },
	[IPC_STORE_ACMEACCT_CREATE] = { IPC_STORE_ACMEACCT_CREATE,
	    "store.acmeacct.create", 6 * KIB, AS, REQ, IPC_ACMEACCT_RES,
	    &body_acmeacct_store, NULL },
	[IPC_OP_ACMEACCT_LIST] = { IPC_OP_ACMEACCT_LIST, "op.acmeacct.list",
	    SMALL, FS, REQ, IPC_ACMEACCT_LIST_RES, &body_key_page, NULL },
	[IPC_OP_ACMEACCT_GET] = { IPC_OP_ACMEACCT_GET, "op.acmeacct.get",
	    SMALL, FS, REQ, IPC_ACMEACCT_RES, &body_key_ref, NULL },
	[IPC_ACMEACCT_RES] = { IPC_ACMEACCT_RES, "acmeacct.res", 3 * KIB,
	    SF | SA | AF, REP, 0, &body_acmeacct_res, NULL },
	[IPC_ACMEACCT_LIST_RES] = { IPC_ACMEACCT_LIST_RES,
	    "acmeacct.list.res", LIST_MAX, SF, REP, 0, &body_list_res,
	    &body_acmeacct_rec },
	/* taskd has authd use the keys its job names: never holds one */
	[IPC_ACME_SIGN] = { IPC_ACME_SIGN, "acme.sign", 40 * KIB,
	    R(TASKD, AUTHD), REQ, IPC_ACME_SIGN_RES, &body_acme_sign, NULL },
	[IPC_ACME_SIGN_RES] = { IPC_ACME_SIGN_RES, "acme.sign.res", 2 * KIB,
	    R(AUTHD, TASKD), REP, 0, &body_acme_sign_res, NULL },
	[IPC_ACME_CSR] = { IPC_ACME_CSR, "acme.csr", 8 * KIB,
	    R(TASKD, AUTHD), REQ, IPC_ACME_CSR_RES, &body_acme_csr, NULL },
	[IPC_ACME_CSR_RES] = { IPC_ACME_CSR_RES, "acme.csr.res", 17 * KIB,
	    R(AUTHD, TASKD), REP, 0, &body_acme_csr_res, NULL },
	[IPC_ACME_EAB] = { IPC_ACME_EAB, "acme.eab", 3 * KIB,
	    R(TASKD, AUTHD), REQ, IPC_ACME_EAB_RES, &body_acme_eab, NULL },
	[IPC_ACME_EAB_RES] = { IPC_ACME_EAB_RES, "acme.eab.res", 1 * KIB,
	    R(AUTHD, TASKD), REP, 0, &body_acme_eab_res, NULL },
	/* devices: registered through authd, which mints the token */
	[IPC_AUTH_DEVICE_CREATE] = { IPC_AUTH_DEVICE_CREATE,
	    "auth.device.create", 1 * KIB, FA, REQ, IPC_DEVICE_RES,
	    &body_device_create, NULL },
	[IPC_STORE_DEVICE_CREATE] = { IPC_STORE_DEVICE_CREATE,
	    "store.device.create", 2 * KIB, AS, REQ, IPC_DEVICE_RES,
	    &body_device_store, NULL },
	[IPC_DEVICE_RES] = { IPC_DEVICE_RES, "device.res", 1 * KIB,
	    SF | SA | AF, REP, 0, &body_device_res, NULL },
	[IPC_OP_DEVICE] = { IPC_OP_DEVICE, "op.device", SMALL, FS, REQ,
	    IPC_DEVICE_RES, &body_op_cert, NULL },
	[IPC_OP_DEVICE_LIST] = { IPC_OP_DEVICE_LIST, "op.device.list", SMALL,
	    FS, REQ, IPC_DEVICE_LIST_RES, &body_cert_page, NULL },
	[IPC_DEVICE_LIST_RES] = { IPC_DEVICE_LIST_RES, "device.list.res",
	    LIST_MAX, SF, REP, 0, &body_cert_list_res, &body_device_rec },
	[IPC_OP_DEVICE_ASSIGN] = { IPC_OP_DEVICE_ASSIGN, "op.device.assign",
	    SMALL, FS, REQ, IPC_DEVICE_ASSIGN_RES, &body_device_assign, NULL },
	[IPC_DEVICE_ASSIGN_RES] = { IPC_DEVICE_ASSIGN_RES,
	    "device.assign.res", SMALL, SF, REP, 0, &body_device_assign_res,
	    NULL },
	/* a device's own reads, with its token's grant */
	[IPC_OP_SELF_CERT] = { IPC_OP_SELF_CERT, "op.self.cert", SMALL, FS,
	    REQ, IPC_CERT_RES, &body_op_cert, NULL },
	[IPC_OP_SELF_BUNDLE] = { IPC_OP_SELF_BUNDLE, "op.self.bundle", SMALL,
	    FS, REQ, IPC_CA_RES, &body_op_cert, NULL },
	/* a device's deploy materials: authd has stored check the device
	 * and hand over the seal, and wraps the key to the device's key */
	[IPC_AUTH_DEPLOY] = { IPC_AUTH_DEPLOY, "auth.deploy", SMALL, FA, REQ,
	    IPC_DEPLOY_RES, &body_op_cert, NULL },
	[IPC_DEVKEY_GET] = { IPC_DEVKEY_GET, "devkey.get", SMALL, AS, REQ,
	    IPC_DEVKEY_RES, &body_op_cert, NULL },
	[IPC_DEVKEY_RES] = { IPC_DEVKEY_RES, "devkey.res", 24 * KIB, SA, REP, 0,
	    &body_devkey_res, NULL },
	[IPC_DEPLOY_RES] = { IPC_DEPLOY_RES, "deploy.res", 24 * KIB, AF, REP, 0,
	    &body_deploy_res, NULL },
	/* a device's poll of its signals, and stored's word that a device
	 * has a new one, which wakes its waiting poll in frontd */
	[IPC_OP_SELF_UPDATES] = { IPC_OP_SELF_UPDATES, "op.self.updates",
	    SMALL, FS, REQ, IPC_UPDATES_RES, &body_updates_req, NULL },
	[IPC_UPDATES_RES] = { IPC_UPDATES_RES, "updates.res", 16 * KIB, SF,
	    REP, 0, &body_updates_res, &body_signal_rec },
	[IPC_DEVICE_SIGNALED] = { IPC_DEVICE_SIGNALED, "device.signaled",
	    SMALL, SF, 0, 0, &body_device_signaled, NULL },
	/* an ACME issuance task: what the job needs, the URLs to keep as
	 * soon as they exist (to resume), the certificate issued */
	[IPC_ACME_JOB_GET] = { IPC_ACME_JOB_GET, "acme.job.get", SMALL, TS,
	    REQ, IPC_ACME_JOB_RES, &body_acmejob_get, NULL },
	[IPC_ACME_JOB_RES] = { IPC_ACME_JOB_RES, "acme.job.res", 16 * KIB, ST,
	    REP, 0, &body_acmejob_res, NULL },
	[IPC_ACME_JOB_NOTE] = { IPC_ACME_JOB_NOTE, "acme.job.note", 1 * KIB,
	    TS, REQ, IPC_OP_RES, &body_acmejob_note, NULL },
	[IPC_ACME_JOB_RESULT] = { IPC_ACME_JOB_RESULT, "acme.job.result",
	    24 * KIB, TS, REQ, IPC_OP_RES, &body_acmejob_result, NULL },
	/* an agent's registration and its session's refresh: authd mints
	 * the tokens, stored keeps their HMACs and turns a refresh token
	 * over once (a second use ends its family) */
	[IPC_AUTH_DEVICE_REGISTER] = { IPC_AUTH_DEVICE_REGISTER,
	    "auth.device.register", 1 * KIB, FA, REQ, IPC_DEVSESS_RES,
	    &body_device_create, NULL },
	[IPC_AUTH_DEVICE_REFRESH] = { IPC_AUTH_DEVICE_REFRESH,
	    "auth.device.refresh", 1 * KIB, FA, REQ, IPC_DEVSESS_RES,
	    &body_devsess_refresh, NULL },
	[IPC_STORE_DEVSESS_ROTATE] = { IPC_STORE_DEVSESS_ROTATE,
	    "store.devsess.rotate", 1 * KIB, AS, REQ, IPC_DEVICE_RES,
	    &body_devsess_rotate, NULL },
	[IPC_DEVSESS_RES] = { IPC_DEVSESS_RES, "devsess.res", 2 * KIB, AF, REP,
	    0, &body_devsess_res, NULL },
	/* an auto-renewal's new key: taskd asks authd for the renewal it
	 * leases, authd makes and seals it, stored keeps it for that lease
	 * alone */
	[IPC_ACME_RENEWKEY] = { IPC_ACME_RENEWKEY, "acme.renewkey", SMALL,
	    R(TASKD, AUTHD), REQ, IPC_ACME_RENEWKEY_RES, &body_acme_renewkey,
	    NULL },
	[IPC_ACME_RENEWKEY_RES] = { IPC_ACME_RENEWKEY_RES,
	    "acme.renewkey.res", SMALL, R(AUTHD, TASKD), REP, 0,
	    &body_status_res, NULL },
	[IPC_STORE_RENEWKEY] = { IPC_STORE_RENEWKEY, "store.renewkey",
	    4 * KIB, AS, REQ, IPC_OP_RES, &body_store_renewkey, NULL },
	/* the schema file, opened by moatd, read by stored; authd learns
	 * only which properties hold passwords */
	[IPC_CFG_CCE_SCHEMA] = { IPC_CFG_CCE_SCHEMA, "cfg.cce.schema",
	    5 * KIB, R(MOATD, STORED), IPC_F_FD | IPC_F_STRICT, 0,
	    &body_cfg_file, NULL },
	[IPC_CFG_CCE_PASSWORDS] = { IPC_CFG_CCE_PASSWORDS,
	    "cfg.cce.passwords", 16 * KIB, R(MOATD, AUTHD), IPC_F_STRICT, 0,
	    &body_cfg_cce_passwords, &body_cfg_cce_password },
	/* reads from frontd; writes through authd, which hashes passwords */
	[IPC_OP_CCE] = { IPC_OP_CCE, "op.cce", CCE_MSG_MAX, FS, REQ,
	    IPC_CCE_RES, &body_cce_req, &body_cce_arg },
	[IPC_AUTH_CCE] = { IPC_AUTH_CCE, "auth.cce", CCE_MSG_MAX, FA, REQ,
	    IPC_CCE_RES, &body_cce_req, &body_cce_arg },
	[IPC_STORE_CCE] = { IPC_STORE_CCE, "store.cce", CCE_MSG_MAX, AS, REQ,
	    IPC_CCE_RES, &body_cce_req, &body_cce_arg },
	[IPC_CCE_RES] = { IPC_CCE_RES, "cce.res", CCE_MSG_MAX, SF | SA | AF,
	    REP, 0, &body_cce_res, &body_cce_chunk },

	/* an entry link's password: frontd asks authd, which reads the
	 * host's seal from stored; frontd itself only asks whether a short
	 * id names a host (for the script) and never sees the seal */
	[IPC_AUTH_ENTRY] = { IPC_AUTH_ENTRY, "auth.entry", 2 * KIB, FA, REQ,
	    IPC_ENTRY_RES, &body_auth_entry, NULL },
	[IPC_ENTRY_RES] = { IPC_ENTRY_RES, "entry.res", 2 * KIB, AF, REP, 0,
	    &body_entry_res, NULL },
	[IPC_ENTRY_GET] = { IPC_ENTRY_GET, "entry.get", SMALL, AS, REQ,
	    IPC_ENTRY_REC, &body_entry_get, NULL },
	[IPC_ENTRY_REC] = { IPC_ENTRY_REC, "entry.rec", 1 * KIB, SA, REP, 0,
	    &body_entry_rec, NULL },
	[IPC_OP_ENTRY] = { IPC_OP_ENTRY, "op.entry", SMALL, FS, REQ,
	    IPC_OP_RES, &body_entry_get, NULL },
	/* a bootstrap session: the password as a login's, then stored */
	[IPC_AUTH_BOOTSTRAP] = { IPC_AUTH_BOOTSTRAP, "auth.bootstrap",
	    3 * KIB, FA, REQ, IPC_BOOTSTRAP_RES, &body_auth_login, NULL },
	[IPC_STORE_BOOTSTRAP] = { IPC_STORE_BOOTSTRAP, "store.bootstrap",
	    SMALL, AS, REQ, IPC_BOOTSTRAP_RES, &body_store_bootstrap, NULL },
	[IPC_BOOTSTRAP_RES] = { IPC_BOOTSTRAP_RES, "bootstrap.res", 1 * KIB,
	    SA | AF, REP, 0, &body_bootstrap_res, NULL },
	[IPC_OP_BOOTSTRAP_GET] = { IPC_OP_BOOTSTRAP_GET, "op.bootstrap.get",
	    SMALL, FS, REQ, IPC_BOOTSTRAP_TASK_RES, &body_bootstrap_get,
	    NULL },
	[IPC_BOOTSTRAP_TASK_RES] = { IPC_BOOTSTRAP_TASK_RES,
	    "bootstrap.task.res", 1 * KIB, SF, REP, 0,
	    &body_bootstrap_task_res, NULL },
	/* the SSH gateway (DESIGN.md, "The SSH gateway"): its host key,
	 * read from the descriptor moatd opened */
	[IPC_CFG_SSH_HOSTKEY] = { IPC_CFG_SSH_HOSTKEY, "cfg.ssh_hostkey",
	    5 * KIB, R(MOATD, GATEWAYD), IPC_F_FD | IPC_F_STRICT, 0,
	    &body_cfg_file, NULL },
	/* a login, judged by authd on what stored knows of the host */
	[IPC_GW_AUTH] = { IPC_GW_AUTH, "gw.auth", 4 * KIB,
	    R(GATEWAYD, AUTHD), REQ, IPC_GW_AUTH_RES, &body_gw_auth, NULL },
	[IPC_GW_AUTH_RES] = { IPC_GW_AUTH_RES, "gw.auth.res", 1 * KIB,
	    R(AUTHD, GATEWAYD), REP, 0, &body_gw_auth_res, NULL },
	[IPC_GW_HOST_GET] = { IPC_GW_HOST_GET, "gw.host.get", SMALL, AS, REQ,
	    IPC_GW_HOST_RES, &body_gw_host_get, NULL },
	[IPC_GW_HOST_RES] = { IPC_GW_HOST_RES, "gw.host.res", LIST_MAX, SA,
	    REP, 0, &body_gw_host_res, &body_authkey_line },
	/* authd -> taskd directly: gatewayd cannot make one */
	[IPC_GW_PERMIT] = { IPC_GW_PERMIT, "gw.permit", SMALL,
	    R(AUTHD, TASKD), REQ, IPC_GW_PERMIT_RES, &body_gw_permit, NULL },
	[IPC_GW_PERMIT_RES] = { IPC_GW_PERMIT_RES, "gw.permit.res", SMALL,
	    R(TASKD, AUTHD), REP, 0, &body_status_res, NULL },
	[IPC_GW_SESSION_OPEN] = { IPC_GW_SESSION_OPEN, "gw.session.open",
	    5 * KIB, R(GATEWAYD, TASKD), REQ, IPC_GW_SESSION_RES,
	    &body_gw_session_open, NULL },
	[IPC_GW_SESSION_RES] = { IPC_GW_SESSION_RES, "gw.session.res", 1 * KIB,
	    R(TASKD, GATEWAYD), REP, 0, &body_gw_session_res, NULL },
	[IPC_GW_SESSION_FD] = { IPC_GW_SESSION_FD, "gw.session.fd", SMALL,
	    R(TASKD, GATEWAYD), IPC_F_FD, 0, &body_gw_session_fd, NULL },
	[IPC_GW_CONN_CLOSED] = { IPC_GW_CONN_CLOSED, "gw.conn.closed", SMALL,
	    R(GATEWAYD, TASKD), 0, 0, &body_gw_conn_closed, NULL },
};

const struct ipc_msgdef *
ipc_msgdef(unsigned int type)
{
	if (type == 0 || type >= IPC_TYPE_MAX || catalogue[type].name == NULL)
		return NULL;
	return &catalogue[type];
}

const char *
ipc_type_name(unsigned int type)
{
	const struct ipc_msgdef	*def = ipc_msgdef(type);

	return def == NULL ? "unknown" : def->name;
}
