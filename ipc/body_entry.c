/* The field tables of the entry and bootstrap messages (body_entry.h). */
#include "body_entry.h"
#include "ipc.h"

static const struct ipc_field auth_entry_fields[] = {
	IPC_FIELD(ipc_auth_entry, peer, IPC_FT_STR),
	IPC_FIELD(ipc_auth_entry, short_id, IPC_FT_STR),
	IPC_FIELD(ipc_auth_entry, password, IPC_FT_STR),
};
const struct ipc_body body_auth_entry =
    IPC_BODY(ipc_auth_entry, auth_entry_fields);

static const struct ipc_field entry_res_fields[] = {
	IPC_FIELD(ipc_entry_res, head, IPC_FT_HEAD),
	IPC_FIELD(ipc_entry_res, ready, IPC_FT_BOOL),
	IPC_FIELD(ipc_entry_res, host_status, IPC_FT_STR),
	IPC_FIELD(ipc_entry_res, password, IPC_FT_STR),
};
const struct ipc_body body_entry_res =
    IPC_BODY(ipc_entry_res, entry_res_fields);

static const struct ipc_field entry_get_fields[] = {
	IPC_FIELD(ipc_entry_get, short_id, IPC_FT_STR),
};
const struct ipc_body body_entry_get =
    IPC_BODY(ipc_entry_get, entry_get_fields);

static const struct ipc_field entry_rec_fields[] = {
	IPC_FIELD(ipc_entry_rec, head, IPC_FT_HEAD),
	IPC_FIELD(ipc_entry_rec, host_oid, IPC_FT_U64),
	IPC_FIELD(ipc_entry_rec, host_status, IPC_FT_STR),
	IPC_FIELD(ipc_entry_rec, ref, IPC_FT_STR),
	IPC_FIELD_AUX(ipc_entry_rec, sealed, IPC_FT_BIN, sealed_len),
	IPC_FIELD(ipc_entry_rec, user_oid, IPC_FT_U64),
	IPC_FIELD(ipc_entry_rec, user_status, IPC_FT_STR),
	IPC_FIELD(ipc_entry_rec, user_expires_at, IPC_FT_I64),
};
const struct ipc_body body_entry_rec =
    IPC_BODY(ipc_entry_rec, entry_rec_fields);

static const struct ipc_field store_bootstrap_fields[] = {
	IPC_FIELD(ipc_store_bootstrap, user_oid, IPC_FT_U64),
	IPC_FIELD(ipc_store_bootstrap, peer, IPC_FT_STR),
};
const struct ipc_body body_store_bootstrap =
    IPC_BODY(ipc_store_bootstrap, store_bootstrap_fields);

static const struct ipc_field bootstrap_res_fields[] = {
	IPC_FIELD(ipc_bootstrap_res, head, IPC_FT_HEAD),
	IPC_FIELD(ipc_bootstrap_res, task_id, IPC_FT_STR),
	IPC_FIELD(ipc_bootstrap_res, stage, IPC_FT_STR),
};
const struct ipc_body body_bootstrap_res =
    IPC_BODY(ipc_bootstrap_res, bootstrap_res_fields);

static const struct ipc_field bootstrap_get_fields[] = {
	IPC_FIELD_AUX(ipc_bootstrap_get, grant, IPC_FT_BIN, grant_len),
	IPC_FIELD(ipc_bootstrap_get, task_id, IPC_FT_STR),
};
const struct ipc_body body_bootstrap_get =
    IPC_BODY(ipc_bootstrap_get, bootstrap_get_fields);

static const struct ipc_field bootstrap_task_res_fields[] = {
	IPC_FIELD(ipc_bootstrap_task_res, head, IPC_FT_HEAD),
	IPC_FIELD(ipc_bootstrap_task_res, short_id, IPC_FT_STR),
	IPC_FIELD(ipc_bootstrap_task_res, host_status, IPC_FT_STR),
	IPC_FIELD(ipc_bootstrap_task_res, task_status, IPC_FT_STR),
	IPC_FIELD(ipc_bootstrap_task_res, error_code, IPC_FT_STR),
	IPC_FIELD(ipc_bootstrap_task_res, error_message, IPC_FT_STR),
	IPC_FIELD(ipc_bootstrap_task_res, expires_at, IPC_FT_I64),
};
const struct ipc_body body_bootstrap_task_res =
    IPC_BODY(ipc_bootstrap_task_res, bootstrap_task_res_fields);
