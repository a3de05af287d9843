/* The shared bodies' field tables (body_core.h). */
#include "body_core.h"
#include "ipc.h"

static const struct ipc_field no_fields[1];
const struct ipc_body ipc_body_none = { "none", 0, no_fields, 0 };

static const struct ipc_field hello_fields[] = {
	IPC_FIELD(ipc_hello, version, IPC_FT_U64),
	IPC_FIELD(ipc_hello, id, IPC_FT_U64),
};
const struct ipc_body body_hello = IPC_BODY(ipc_hello, hello_fields);

static const struct ipc_field status_res_fields[] = {
	IPC_FIELD(ipc_status_res, head, IPC_FT_HEAD),
};
const struct ipc_body body_status_res =
    IPC_BODY(ipc_status_res, status_res_fields);

static const struct ipc_field list_res_fields[] = {
	IPC_FIELD(ipc_list_res, head, IPC_FT_HEAD),
	IPC_FIELD(ipc_list_res, total, IPC_FT_U64),
	IPC_FIELD(ipc_list_res, count, IPC_FT_U64),
};
const struct ipc_body body_list_res = IPC_BODY(ipc_list_res, list_res_fields);

static const struct ipc_field grant_req_fields[] = {
	IPC_FIELD_AUX(ipc_grant_req, grant, IPC_FT_BIN, grant_len),
};
const struct ipc_body body_grant_req =
    IPC_BODY(ipc_grant_req, grant_req_fields);

static const struct ipc_field page_req_fields[] = {
	IPC_FIELD_AUX(ipc_page_req, grant, IPC_FT_BIN, grant_len),
	IPC_FIELD(ipc_page_req, access, IPC_FT_U32),
	IPC_FIELD(ipc_page_req, limit, IPC_FT_U32),
	IPC_FIELD(ipc_page_req, offset, IPC_FT_U32),
};
const struct ipc_body body_page_req = IPC_BODY(ipc_page_req, page_req_fields);
