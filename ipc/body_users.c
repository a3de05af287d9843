/* The field tables of users and their messages (userrec.h, body_users.h). */
#include "body_users.h"
#include "ipc.h"

static const struct ipc_field user_rec_fields[] = {
	IPC_FIELD(user_rec, oid, IPC_FT_U64),
	IPC_FIELD(user_rec, id, IPC_FT_STR),
	IPC_FIELD(user_rec, username, IPC_FT_STR),
	IPC_FIELD(user_rec, role, IPC_FT_STR),
	IPC_FIELD(user_rec, status, IPC_FT_STR),
	IPC_FIELD(user_rec, expires_at, IPC_FT_I64),
	IPC_FIELD(user_rec, created_at, IPC_FT_I64),
	IPC_FIELD(user_rec, updated_at, IPC_FT_I64),
	IPC_FIELD(user_rec, email, IPC_FT_STR),
	IPC_FIELD(user_rec, first_name, IPC_FT_STR),
	IPC_FIELD(user_rec, last_name, IPC_FT_STR),
	IPC_FIELD(user_rec, phone, IPC_FT_STR),
	IPC_FIELD(user_rec, notification_email, IPC_FT_STR),
	IPC_FIELD(user_rec, notification_phone, IPC_FT_STR),
};
const struct ipc_body body_user_rec = IPC_BODY(user_rec, user_rec_fields);

static const struct ipc_field profile_fields[] = {
	IPC_FIELD(profile, mask, IPC_FT_U32),
	IPC_FIELD(profile, first_name, IPC_FT_STR),
	IPC_FIELD(profile, last_name, IPC_FT_STR),
	IPC_FIELD(profile, phone, IPC_FT_STR),
	IPC_FIELD(profile, email, IPC_FT_STR),
	IPC_FIELD(profile, notify_email, IPC_FT_STR),
	IPC_FIELD(profile, notify_phone, IPC_FT_STR),
};
const struct ipc_body body_profile = IPC_BODY(profile, profile_fields);

static const struct ipc_field session_rec_fields[] = {
	IPC_FIELD(session_rec, id, IPC_FT_STR),
	IPC_FIELD(session_rec, user_id, IPC_FT_STR),
	IPC_FIELD(session_rec, username, IPC_FT_STR),
	IPC_FIELD(session_rec, dialect, IPC_FT_U32),
	IPC_FIELD(session_rec, source_ip, IPC_FT_STR),
	IPC_FIELD(session_rec, created_at, IPC_FT_I64),
	IPC_FIELD(session_rec, last_used_at, IPC_FT_I64),
	IPC_FIELD(session_rec, expires_at, IPC_FT_I64),
};
const struct ipc_body body_session_rec =
    IPC_BODY(session_rec, session_rec_fields);

static const struct ipc_field group_rec_fields[] = {
	IPC_FIELD(group_rec, id, IPC_FT_STR),
	IPC_FIELD(group_rec, name, IPC_FT_STR),
	IPC_FIELD(group_rec, members, IPC_FT_U64),
	IPC_FIELD(group_rec, created_at, IPC_FT_I64),
};
const struct ipc_body body_group_rec = IPC_BODY(group_rec, group_rec_fields);

static const struct ipc_field user_ref_fields[] = {
	IPC_FIELD_AUX(ipc_user_ref, grant, IPC_FT_BIN, grant_len),
	IPC_FIELD(ipc_user_ref, access, IPC_FT_U32),
	IPC_FIELD(ipc_user_ref, ref, IPC_FT_STR),
};
const struct ipc_body body_user_ref = IPC_BODY(ipc_user_ref, user_ref_fields);

static const struct ipc_field user_patch_fields[] = {
	IPC_FIELD_AUX(ipc_user_patch, grant, IPC_FT_BIN, grant_len),
	IPC_FIELD(ipc_user_patch, access, IPC_FT_U32),
	IPC_FIELD(ipc_user_patch, ref, IPC_FT_STR),
	IPC_FIELD(ipc_user_patch, status, IPC_FT_STR),
	IPC_FIELD_REC(ipc_user_patch, profile, body_profile),
};
const struct ipc_body body_user_patch =
    IPC_BODY(ipc_user_patch, user_patch_fields);

static const struct ipc_field user_expiry_fields[] = {
	IPC_FIELD_AUX(ipc_user_expiry, grant, IPC_FT_BIN, grant_len),
	IPC_FIELD(ipc_user_expiry, access, IPC_FT_U32),
	IPC_FIELD(ipc_user_expiry, ref, IPC_FT_STR),
	IPC_FIELD_AUX(ipc_user_expiry, expires_at, IPC_FT_OPTI64, never),
};
const struct ipc_body body_user_expiry =
    IPC_BODY(ipc_user_expiry, user_expiry_fields);

static const struct ipc_field user_res_fields[] = {
	IPC_FIELD(ipc_user_res, head, IPC_FT_HEAD),
	IPC_FIELD_REC(ipc_user_res, user, body_user_rec),
	IPC_FIELD(ipc_user_res, nhosts, IPC_FT_U32),
	IPC_FIELD_REC(ipc_user_res, hosts[0], body_host_rec),
	IPC_FIELD_REC(ipc_user_res, hosts[1], body_host_rec),
	IPC_FIELD_REC(ipc_user_res, hosts[2], body_host_rec),
	IPC_FIELD_REC(ipc_user_res, hosts[3], body_host_rec),
};
const struct ipc_body body_user_res = IPC_BODY(ipc_user_res, user_res_fields);

static const struct ipc_field events_req_fields[] = {
	IPC_FIELD_AUX(ipc_events_req, grant, IPC_FT_BIN, grant_len),
	IPC_FIELD(ipc_events_req, limit, IPC_FT_U32),
	IPC_FIELD(ipc_events_req, offset, IPC_FT_U32),
	IPC_FIELD(ipc_events_req, type, IPC_FT_STR),
	IPC_FIELD(ipc_events_req, user_id, IPC_FT_STR),
	IPC_FIELD(ipc_events_req, host_id, IPC_FT_STR),
	IPC_FIELD_AUX(ipc_events_req, since, IPC_FT_OPTI64, no_since),
	IPC_FIELD_AUX(ipc_events_req, until, IPC_FT_OPTI64, no_until),
};
const struct ipc_body body_events_req =
    IPC_BODY(ipc_events_req, events_req_fields);

static const struct ipc_field event_rec_fields[] = {
	IPC_FIELD(event_rec, id, IPC_FT_STR),
	IPC_FIELD(event_rec, task_id, IPC_FT_STR),
	IPC_FIELD(event_rec, host_id, IPC_FT_STR),
	IPC_FIELD(event_rec, user_id, IPC_FT_STR),
	IPC_FIELD(event_rec, level, IPC_FT_STR),
	IPC_FIELD(event_rec, type, IPC_FT_STR),
	IPC_FIELD(event_rec, message, IPC_FT_STR),
	IPC_FIELD(event_rec, metadata, IPC_FT_STR),
	IPC_FIELD(event_rec, created_at, IPC_FT_I64),
};
const struct ipc_body body_event_rec = IPC_BODY(event_rec, event_rec_fields);

static const struct ipc_field group_req_fields[] = {
	IPC_FIELD_AUX(ipc_group_req, grant, IPC_FT_BIN, grant_len),
	IPC_FIELD(ipc_group_req, op, IPC_FT_U32),
	IPC_FIELD(ipc_group_req, ref, IPC_FT_STR),
	IPC_FIELD(ipc_group_req, user, IPC_FT_STR),
};
const struct ipc_body body_group_req =
    IPC_BODY(ipc_group_req, group_req_fields);

static const struct ipc_field group_res_fields[] = {
	IPC_FIELD(ipc_group_res, head, IPC_FT_HEAD),
	IPC_FIELD_REC(ipc_group_res, group, body_group_rec),
};
const struct ipc_body body_group_res =
    IPC_BODY(ipc_group_res, group_res_fields);

static const struct ipc_field user_page_fields[] = {
	IPC_FIELD_AUX(ipc_user_page, grant, IPC_FT_BIN, grant_len),
	IPC_FIELD(ipc_user_page, user, IPC_FT_STR),
	IPC_FIELD(ipc_user_page, limit, IPC_FT_U32),
	IPC_FIELD(ipc_user_page, offset, IPC_FT_U32),
};
const struct ipc_body body_user_page =
    IPC_BODY(ipc_user_page, user_page_fields);

static const struct ipc_field session_end_fields[] = {
	IPC_FIELD_AUX(ipc_session_end, grant, IPC_FT_BIN, grant_len),
	IPC_FIELD(ipc_session_end, user, IPC_FT_STR),
	IPC_FIELD(ipc_session_end, id, IPC_FT_STR),
};
const struct ipc_body body_session_end =
    IPC_BODY(ipc_session_end, session_end_fields);

static const struct ipc_field sessions_end_fields[] = {
	IPC_FIELD(ipc_sessions_end, login, IPC_FT_STR),
};
const struct ipc_body body_sessions_end =
    IPC_BODY(ipc_sessions_end, sessions_end_fields);

static const struct ipc_field health_res_fields[] = {
	IPC_FIELD(ipc_health_res, head, IPC_FT_HEAD),
	IPC_FIELD(ipc_health_res, db_ok, IPC_FT_BOOL),
	IPC_FIELD(ipc_health_res, agent_ok, IPC_FT_BOOL),
};
const struct ipc_body body_health_res =
    IPC_BODY(ipc_health_res, health_res_fields);

static const struct ipc_field ping_fields[] = {
	IPC_FIELD_AUX(ipc_ping, payload, IPC_FT_BIN, payload_len),
};
const struct ipc_body body_ping = IPC_BODY(ipc_ping, ping_fields);

static const struct ipc_field pong_fields[] = {
	IPC_FIELD(ipc_pong, head, IPC_FT_HEAD),
	IPC_FIELD_AUX(ipc_pong, payload, IPC_FT_BIN, payload_len),
};
const struct ipc_body body_pong = IPC_BODY(ipc_pong, pong_fields);

static const struct ipc_field user_create_fields[] = {
	IPC_FIELD_AUX(ipc_user_create, grant, IPC_FT_BIN, grant_len),
	IPC_FIELD(ipc_user_create, username, IPC_FT_STR),
	IPC_FIELD(ipc_user_create, password, IPC_FT_STR),
	IPC_FIELD(ipc_user_create, role, IPC_FT_STR),
	IPC_FIELD_AUX(ipc_user_create, expires_at, IPC_FT_OPTI64, no_expiry),
	IPC_FIELD_REC(ipc_user_create, profile, body_profile),
};
const struct ipc_body body_user_create =
    IPC_BODY(ipc_user_create, user_create_fields);

static const struct ipc_field store_user_create_fields[] = {
	IPC_FIELD_AUX(ipc_store_user_create, grant, IPC_FT_BIN, grant_len),
	IPC_FIELD(ipc_store_user_create, username, IPC_FT_STR),
	IPC_FIELD(ipc_store_user_create, hash, IPC_FT_STR),
	IPC_FIELD(ipc_store_user_create, role, IPC_FT_STR),
	IPC_FIELD_AUX(ipc_store_user_create, expires_at, IPC_FT_OPTI64,
	    no_expiry),
	IPC_FIELD_REC(ipc_store_user_create, profile, body_profile),
};
const struct ipc_body body_store_user_create =
    IPC_BODY(ipc_store_user_create, store_user_create_fields);
