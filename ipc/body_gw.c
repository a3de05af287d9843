/* The SSH gateway's bodies (body_gw.h). */
#include <stddef.h>

#include "body_gw.h"

static const struct ipc_field gw_auth_fields[] = {
	IPC_FIELD(ipc_gw_auth, conn_id, IPC_FT_U64),
	IPC_FIELD(ipc_gw_auth, short_id, IPC_FT_STR),
	IPC_FIELD(ipc_gw_auth, method, IPC_FT_U32),
	IPC_FIELD(ipc_gw_auth, probe, IPC_FT_BOOL),
	IPC_FIELD(ipc_gw_auth, peer, IPC_FT_STR),
	IPC_FIELD(ipc_gw_auth, key_type, IPC_FT_STR),
	IPC_FIELD(ipc_gw_auth, secret, IPC_FT_STR),
};
const struct ipc_body body_gw_auth = IPC_BODY(ipc_gw_auth, gw_auth_fields);

static const struct ipc_field gw_auth_res_fields[] = {
	IPC_FIELD(ipc_gw_auth_res, head, IPC_FT_HEAD),
	IPC_FIELD(ipc_gw_auth_res, ticket, IPC_FT_STR),
};
const struct ipc_body body_gw_auth_res =
    IPC_BODY(ipc_gw_auth_res, gw_auth_res_fields);

static const struct ipc_field gw_host_get_fields[] = {
	IPC_FIELD(ipc_gw_host_get, short_id, IPC_FT_STR),
};
const struct ipc_body body_gw_host_get =
    IPC_BODY(ipc_gw_host_get, gw_host_get_fields);

static const struct ipc_field gw_host_res_fields[] = {
	IPC_FIELD(ipc_gw_host_res, head, IPC_FT_HEAD),
	IPC_FIELD(ipc_gw_host_res, host_oid, IPC_FT_U64),
	IPC_FIELD(ipc_gw_host_res, user_oid, IPC_FT_U64),
	IPC_FIELD(ipc_gw_host_res, host_status, IPC_FT_STR),
	IPC_FIELD(ipc_gw_host_res, user_status, IPC_FT_STR),
	IPC_FIELD(ipc_gw_host_res, user_expired, IPC_FT_BOOL),
	IPC_FIELD(ipc_gw_host_res, ref, IPC_FT_STR),
	IPC_FIELD_AUX(ipc_gw_host_res, sealed, IPC_FT_BIN, sealed_len),
};
const struct ipc_body body_gw_host_res =
    IPC_BODY(ipc_gw_host_res, gw_host_res_fields);

static const struct ipc_field gw_permit_fields[] = {
	IPC_FIELD(ipc_gw_permit, ticket, IPC_FT_STR),
	IPC_FIELD(ipc_gw_permit, short_id, IPC_FT_STR),
	IPC_FIELD(ipc_gw_permit, conn_id, IPC_FT_U64),
	IPC_FIELD(ipc_gw_permit, ttl, IPC_FT_U32),
};
const struct ipc_body body_gw_permit =
    IPC_BODY(ipc_gw_permit, gw_permit_fields);

static const struct ipc_field gw_session_open_fields[] = {
	IPC_FIELD(ipc_gw_session_open, ticket, IPC_FT_STR),
	IPC_FIELD(ipc_gw_session_open, conn_id, IPC_FT_U64),
	IPC_FIELD(ipc_gw_session_open, open_id, IPC_FT_U32),
	IPC_FIELD(ipc_gw_session_open, kind, IPC_FT_U32),
	IPC_FIELD(ipc_gw_session_open, tty, IPC_FT_BOOL),
	IPC_FIELD(ipc_gw_session_open, cols, IPC_FT_U32),
	IPC_FIELD(ipc_gw_session_open, rows, IPC_FT_U32),
	IPC_FIELD(ipc_gw_session_open, term, IPC_FT_STR),
	IPC_FIELD(ipc_gw_session_open, command, IPC_FT_STR),
};
const struct ipc_body body_gw_session_open =
    IPC_BODY(ipc_gw_session_open, gw_session_open_fields);

static const struct ipc_field gw_session_res_fields[] = {
	IPC_FIELD(ipc_gw_session_res, head, IPC_FT_HEAD),
	IPC_FIELD(ipc_gw_session_res, open_id, IPC_FT_U32),
};
const struct ipc_body body_gw_session_res =
    IPC_BODY(ipc_gw_session_res, gw_session_res_fields);

static const struct ipc_field gw_session_fd_fields[] = {
	IPC_FIELD(ipc_gw_session_fd, open_id, IPC_FT_U32),
	IPC_FIELD(ipc_gw_session_fd, fd, IPC_FT_FD),
};
const struct ipc_body body_gw_session_fd =
    IPC_BODY(ipc_gw_session_fd, gw_session_fd_fields);

static const struct ipc_field gw_conn_closed_fields[] = {
	IPC_FIELD(ipc_gw_conn_closed, conn_id, IPC_FT_U64),
};
const struct ipc_body body_gw_conn_closed =
    IPC_BODY(ipc_gw_conn_closed, gw_conn_closed_fields);
