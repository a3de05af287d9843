/* The field tables of the configuration push (body_cfg.h). */
#include "body_cfg.h"
#include "ipc.h"

static const struct ipc_field cfg_common_fields[] = {
	IPC_FIELD(ipc_cfg_common, verbose, IPC_FT_U32),
	IPC_FIELD(ipc_cfg_common, ipc_timeout_ms, IPC_FT_U32),
};
const struct ipc_body body_cfg_common =
    IPC_BODY(ipc_cfg_common, cfg_common_fields);

static const struct ipc_field cfg_http_fields[] = {
	IPC_FIELD(ipc_cfg_http, max_connections, IPC_FT_U32),
	IPC_FIELD(ipc_cfg_http, max_per_address, IPC_FT_U32),
	IPC_FIELD(ipc_cfg_http, max_header_bytes, IPC_FT_U32),
	IPC_FIELD(ipc_cfg_http, max_headers, IPC_FT_U32),
	IPC_FIELD(ipc_cfg_http, max_body, IPC_FT_U32),
	IPC_FIELD(ipc_cfg_http, header_timeout, IPC_FT_U32),
	IPC_FIELD(ipc_cfg_http, request_timeout, IPC_FT_U32),
	IPC_FIELD(ipc_cfg_http, idle_timeout, IPC_FT_U32),
	IPC_FIELD(ipc_cfg_http, ssh_addr, IPC_FT_STR),
	IPC_FIELD(ipc_cfg_http, ssh_port, IPC_FT_U32),
};
const struct ipc_body body_cfg_http = IPC_BODY(ipc_cfg_http, cfg_http_fields);

static const struct ipc_field cfg_listen_fields[] = {
	IPC_FIELD(ipc_cfg_listen, name, IPC_FT_STR),
	IPC_FIELD(ipc_cfg_listen, fd, IPC_FT_FD),
	IPC_FIELD(ipc_cfg_listen, acme, IPC_FT_BOOL),
};
const struct ipc_body body_cfg_listen =
    IPC_BODY(ipc_cfg_listen, cfg_listen_fields);

static const struct ipc_field cfg_acme_fields[] = {
	IPC_FIELD(ipc_cfg_acme, count, IPC_FT_U32),
};
const struct ipc_body body_cfg_acme = IPC_BODY(ipc_cfg_acme, cfg_acme_fields);

static const struct ipc_field cfg_acme_dir_fields[] = {
	IPC_FIELD(ipc_cfg_acme_dir, name, IPC_FT_STR),
	IPC_FIELD(ipc_cfg_acme_dir, url, IPC_FT_STR),
	IPC_FIELD(ipc_cfg_acme_dir, eab, IPC_FT_BOOL),
	IPC_FIELD(ipc_cfg_acme_dir, ca, IPC_FT_BOOL),
};
const struct ipc_body body_cfg_acme_dir =
    IPC_BODY(ipc_cfg_acme_dir, cfg_acme_dir_fields);

static const struct ipc_field cfg_acme_ca_fields[] = {
	IPC_FIELD(ipc_cfg_acme_ca, name, IPC_FT_STR),
	IPC_FIELD(ipc_cfg_acme_ca, path, IPC_FT_STR),
	IPC_FIELD(ipc_cfg_acme_ca, fd, IPC_FT_FD),
};
const struct ipc_body body_cfg_acme_ca =
    IPC_BODY(ipc_cfg_acme_ca, cfg_acme_ca_fields);

static const struct ipc_field cfg_acme_eab_fields[] = {
	IPC_FIELD(ipc_cfg_acme_eab, name, IPC_FT_STR),
	IPC_FIELD(ipc_cfg_acme_eab, kid, IPC_FT_STR),
	IPC_FIELD(ipc_cfg_acme_eab, hmac, IPC_FT_STR),
};
const struct ipc_body body_cfg_acme_eab =
    IPC_BODY(ipc_cfg_acme_eab, cfg_acme_eab_fields);

static const struct ipc_field cfg_file_fields[] = {
	IPC_FIELD(ipc_cfg_file, path, IPC_FT_STR),
	IPC_FIELD(ipc_cfg_file, fd, IPC_FT_FD),
};
const struct ipc_body body_cfg_file = IPC_BODY(ipc_cfg_file, cfg_file_fields);

static const struct ipc_field cfg_auth_fields[] = {
	IPC_FIELD(ipc_cfg_auth, memory_kib, IPC_FT_U32),
	IPC_FIELD(ipc_cfg_auth, time, IPC_FT_U32),
	IPC_FIELD(ipc_cfg_auth, parallelism, IPC_FT_U32),
};
const struct ipc_body body_cfg_auth = IPC_BODY(ipc_cfg_auth, cfg_auth_fields);

static const struct ipc_field cfg_master_key_fields[] = {
	IPC_FIELD(ipc_cfg_master_key, fd, IPC_FT_FD),
};
const struct ipc_body body_cfg_master_key =
    IPC_BODY(ipc_cfg_master_key, cfg_master_key_fields);

static const struct ipc_field cfg_task_fields[] = {
	IPC_FIELD(ipc_cfg_task, workers, IPC_FT_U32),
	IPC_FIELD(ipc_cfg_task, runtime, IPC_FT_STR),
	IPC_FIELD(ipc_cfg_task, image, IPC_FT_STR),
	IPC_FIELD(ipc_cfg_task, runtime_kind, IPC_FT_STR),
	IPC_FIELD(ipc_cfg_task, check_url, IPC_FT_STR),
	IPC_FIELD(ipc_cfg_task, uid_first, IPC_FT_U32),
	IPC_FIELD(ipc_cfg_task, uid_blocks, IPC_FT_U32),
};
const struct ipc_body body_cfg_task = IPC_BODY(ipc_cfg_task, cfg_task_fields);

static const struct ipc_field cfg_session_fields[] = {
	IPC_FIELD(ipc_cfg_session, lifetime, IPC_FT_U32),
	IPC_FIELD(ipc_cfg_session, idle, IPC_FT_U32),
};
static const struct ipc_body cfg_session_body =
    IPC_BODY(ipc_cfg_session, cfg_session_fields);

/* one record per dialect, in common/dialect.h's order */
static const struct ipc_field cfg_identity_fields[] = {
	IPC_FIELD_REC(ipc_cfg_identity, session[0], cfg_session_body),
	IPC_FIELD_REC(ipc_cfg_identity, session[1], cfg_session_body),
	IPC_FIELD_REC(ipc_cfg_identity, session[2], cfg_session_body),
	IPC_FIELD_REC(ipc_cfg_identity, session[3], cfg_session_body),
	IPC_FIELD(ipc_cfg_identity, login_lifetime, IPC_FT_U32),
	IPC_FIELD(ipc_cfg_identity, auth_failures, IPC_FT_U32),
	IPC_FIELD(ipc_cfg_identity, invalid_tokens, IPC_FT_U32),
	IPC_FIELD(ipc_cfg_identity, api_requests, IPC_FT_U32),
};
_Static_assert(CFG_DIALECTS == 4, "a session record per dialect");
const struct ipc_body body_cfg_identity =
    IPC_BODY(ipc_cfg_identity, cfg_identity_fields);

static const struct ipc_field cfg_proxy_fields[] = {
	IPC_FIELD(ipc_cfg_proxy, addr, IPC_FT_STR),
};
const struct ipc_body body_cfg_proxy =
    IPC_BODY(ipc_cfg_proxy, cfg_proxy_fields);

static const struct ipc_field cfg_done_fields[] = {
	IPC_FIELD(ipc_cfg_done, generation, IPC_FT_U64),
};
const struct ipc_body body_cfg_done = IPC_BODY(ipc_cfg_done, cfg_done_fields);

static const struct ipc_field cfg_ack_fields[] = {
	IPC_FIELD(ipc_cfg_ack, head, IPC_FT_HEAD),
	IPC_FIELD(ipc_cfg_ack, generation, IPC_FT_U64),
};
const struct ipc_body body_cfg_ack = IPC_BODY(ipc_cfg_ack, cfg_ack_fields);

static const struct ipc_field admin_bootstrap_res_fields[] = {
	IPC_FIELD(ipc_admin_bootstrap_res, head, IPC_FT_HEAD),
	IPC_FIELD(ipc_admin_bootstrap_res, created, IPC_FT_BOOL),
	IPC_FIELD(ipc_admin_bootstrap_res, password, IPC_FT_STR),
};
const struct ipc_body body_admin_bootstrap_res =
    IPC_BODY(ipc_admin_bootstrap_res, admin_bootstrap_res_fields);
