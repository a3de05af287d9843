/* The field tables of the command API's messages (body_cce.h). */
#include "body_cce.h"
#include "ipc.h"

static const struct ipc_field cce_req_fields[] = {
	IPC_FIELD_AUX(ipc_cce_req, grant, IPC_FT_BIN, grant_len),
	IPC_FIELD(ipc_cce_req, verb, IPC_FT_U32),
	IPC_FIELD(ipc_cce_req, class, IPC_FT_STR),
	IPC_FIELD(ipc_cce_req, oid, IPC_FT_U64),
	IPC_FIELD(ipc_cce_req, ns, IPC_FT_STR),
	IPC_FIELD(ipc_cce_req, sorttype, IPC_FT_STR),
	IPC_FIELD(ipc_cce_req, sortprop, IPC_FT_STR),
	IPC_FIELD(ipc_cce_req, reason, IPC_FT_STR),
	IPC_FIELD_AUX(ipc_cce_req, oids, IPC_FT_BIN, oids_len),
	IPC_FIELD(ipc_cce_req, command, IPC_FT_STR),
	IPC_FIELD(ipc_cce_req, nargs, IPC_FT_U32),
};
const struct ipc_body body_cce_req = IPC_BODY(ipc_cce_req, cce_req_fields);

static const struct ipc_field cce_arg_fields[] = {
	IPC_FIELD(ipc_cce_arg, key, IPC_FT_STR),
	IPC_FIELD(ipc_cce_arg, value, IPC_FT_STR),
	IPC_FIELD(ipc_cce_arg, op, IPC_FT_U32),
};
const struct ipc_body body_cce_arg = IPC_BODY(ipc_cce_arg, cce_arg_fields);

static const struct ipc_field cce_res_fields[] = {
	IPC_FIELD(ipc_cce_res, head, IPC_FT_HEAD),
	IPC_FIELD(ipc_cce_res, code, IPC_FT_U32),
	IPC_FIELD(ipc_cce_res, message, IPC_FT_STR),
	IPC_FIELD(ipc_cce_res, nchunks, IPC_FT_U32),
};
const struct ipc_body body_cce_res = IPC_BODY(ipc_cce_res, cce_res_fields);

static const struct ipc_field cce_chunk_fields[] = {
	IPC_FIELD(ipc_cce_chunk, text, IPC_FT_STR),
};
const struct ipc_body body_cce_chunk =
    IPC_BODY(ipc_cce_chunk, cce_chunk_fields);

static const struct ipc_field cfg_cce_passwords_fields[] = {
	IPC_FIELD(ipc_cfg_cce_passwords, count, IPC_FT_U32),
};
const struct ipc_body body_cfg_cce_passwords =
    IPC_BODY(ipc_cfg_cce_passwords, cfg_cce_passwords_fields);

static const struct ipc_field cfg_cce_password_fields[] = {
	IPC_FIELD(ipc_cfg_cce_password, name, IPC_FT_STR),
};
const struct ipc_body body_cfg_cce_password =
    IPC_BODY(ipc_cfg_cce_password, cfg_cce_password_fields);
