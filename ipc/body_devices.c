/* The field tables of the device messages (body_devices.h). */
#include "body_devices.h"

static const struct ipc_field device_rec_fields[] = {
	IPC_FIELD(device_rec, oid, IPC_FT_U64),
	IPC_FIELD(device_rec, id, IPC_FT_STR),
	IPC_FIELD(device_rec, user_oid, IPC_FT_U64),
	IPC_FIELD(device_rec, name, IPC_FT_STR),
	IPC_FIELD(device_rec, description, IPC_FT_STR),
	IPC_FIELD(device_rec, device_type, IPC_FT_STR),
	IPC_FIELD(device_rec, dev_pk, IPC_FT_STR),
	IPC_FIELD(device_rec, certs, IPC_FT_U64),
	IPC_FIELD(device_rec, created_at, IPC_FT_I64),
};
const struct ipc_body body_device_rec =
    IPC_BODY(device_rec, device_rec_fields);

static const struct ipc_field device_create_fields[] = {
	IPC_FIELD_AUX(ipc_device_create, grant, IPC_FT_BIN, grant_len),
	IPC_FIELD(ipc_device_create, user, IPC_FT_STR),
	IPC_FIELD(ipc_device_create, name, IPC_FT_STR),
	IPC_FIELD(ipc_device_create, description, IPC_FT_STR),
	IPC_FIELD(ipc_device_create, device_type, IPC_FT_STR),
	IPC_FIELD(ipc_device_create, dev_pk, IPC_FT_STR),
};
const struct ipc_body body_device_create =
    IPC_BODY(ipc_device_create, device_create_fields);

static const struct ipc_field devsess_rec_fields[] = {
	IPC_FIELD(devsess_rec, family, IPC_FT_STR),
	IPC_FIELD(devsess_rec, access_id, IPC_FT_STR),
	IPC_FIELD_AUX(devsess_rec, access_digest, IPC_FT_BIN,
	    access_digest_len),
	IPC_FIELD(devsess_rec, access_expires, IPC_FT_I64),
	IPC_FIELD(devsess_rec, refresh_id, IPC_FT_STR),
	IPC_FIELD_AUX(devsess_rec, refresh_digest, IPC_FT_BIN,
	    refresh_digest_len),
	IPC_FIELD(devsess_rec, refresh_expires, IPC_FT_I64),
};
const struct ipc_body body_devsess_rec =
    IPC_BODY(devsess_rec, devsess_rec_fields);

static const struct ipc_field devsess_refresh_fields[] = {
	IPC_FIELD(ipc_devsess_refresh, peer, IPC_FT_STR),
	IPC_FIELD(ipc_devsess_refresh, token, IPC_FT_STR),
};
const struct ipc_body body_devsess_refresh =
    IPC_BODY(ipc_devsess_refresh, devsess_refresh_fields);

static const struct ipc_field devsess_rotate_fields[] = {
	IPC_FIELD(ipc_devsess_rotate, old_oid, IPC_FT_U64),
	IPC_FIELD_REC(ipc_devsess_rotate, sess, body_devsess_rec),
};
const struct ipc_body body_devsess_rotate =
    IPC_BODY(ipc_devsess_rotate, devsess_rotate_fields);

static const struct ipc_field devsess_res_fields[] = {
	IPC_FIELD(ipc_devsess_res, head, IPC_FT_HEAD),
	IPC_FIELD_REC(ipc_devsess_res, device, body_device_rec),
	IPC_FIELD(ipc_devsess_res, access_token, IPC_FT_STR),
	IPC_FIELD(ipc_devsess_res, refresh_token, IPC_FT_STR),
	IPC_FIELD(ipc_devsess_res, expires_in, IPC_FT_I64),
};
const struct ipc_body body_devsess_res =
    IPC_BODY(ipc_devsess_res, devsess_res_fields);

static const struct ipc_field device_store_fields[] = {
	IPC_FIELD_AUX(ipc_device_store, grant, IPC_FT_BIN, grant_len),
	IPC_FIELD(ipc_device_store, user, IPC_FT_STR),
	IPC_FIELD_REC(ipc_device_store, device, body_device_rec),
	IPC_FIELD(ipc_device_store, public_id, IPC_FT_STR),
	IPC_FIELD_AUX(ipc_device_store, digest, IPC_FT_BIN, digest_len),
	IPC_FIELD_REC(ipc_device_store, sess, body_devsess_rec),
};
const struct ipc_body body_device_store =
    IPC_BODY(ipc_device_store, device_store_fields);

static const struct ipc_field device_res_fields[] = {
	IPC_FIELD(ipc_device_res, head, IPC_FT_HEAD),
	IPC_FIELD_REC(ipc_device_res, device, body_device_rec),
	IPC_FIELD(ipc_device_res, token, IPC_FT_STR),
};
const struct ipc_body body_device_res =
    IPC_BODY(ipc_device_res, device_res_fields);

static const struct ipc_field device_assign_fields[] = {
	IPC_FIELD_AUX(ipc_device_assign, grant, IPC_FT_BIN, grant_len),
	IPC_FIELD(ipc_device_assign, access, IPC_FT_U32),
	IPC_FIELD(ipc_device_assign, op, IPC_FT_U32),
	IPC_FIELD(ipc_device_assign, user, IPC_FT_STR),
	IPC_FIELD(ipc_device_assign, device, IPC_FT_STR),
	IPC_FIELD(ipc_device_assign, cert, IPC_FT_STR),
	IPC_FIELD(ipc_device_assign, dialect, IPC_FT_U32),
};
const struct ipc_body body_device_assign =
    IPC_BODY(ipc_device_assign, device_assign_fields);

static const struct ipc_field device_assign_res_fields[] = {
	IPC_FIELD(ipc_device_assign_res, head, IPC_FT_HEAD),
	IPC_FIELD(ipc_device_assign_res, device_oid, IPC_FT_U64),
	IPC_FIELD(ipc_device_assign_res, cert_oid, IPC_FT_U64),
	IPC_FIELD(ipc_device_assign_res, assigned_at, IPC_FT_I64),
};
const struct ipc_body body_device_assign_res =
    IPC_BODY(ipc_device_assign_res, device_assign_res_fields);

static const struct ipc_field devkey_res_fields[] = {
	IPC_FIELD(ipc_devkey_res, head, IPC_FT_HEAD),
	IPC_FIELD(ipc_devkey_res, oid, IPC_FT_U64),
	IPC_FIELD(ipc_devkey_res, id, IPC_FT_STR),
	IPC_FIELD(ipc_devkey_res, cert_pem, IPC_FT_STR),
	IPC_FIELD(ipc_devkey_res, chain_pem, IPC_FT_STR),
	IPC_FIELD_AUX(ipc_devkey_res, sealed, IPC_FT_BIN, sealed_len),
	IPC_FIELD(ipc_devkey_res, dev_pk, IPC_FT_STR),
};
const struct ipc_body body_devkey_res =
    IPC_BODY(ipc_devkey_res, devkey_res_fields);

static const struct ipc_field deploy_res_fields[] = {
	IPC_FIELD(ipc_deploy_res, head, IPC_FT_HEAD),
	IPC_FIELD(ipc_deploy_res, cert_oid, IPC_FT_U64),
	IPC_FIELD(ipc_deploy_res, cert_pem, IPC_FT_STR),
	IPC_FIELD(ipc_deploy_res, chain_pem, IPC_FT_STR),
	IPC_FIELD(ipc_deploy_res, enc_data_key, IPC_FT_STR),
	IPC_FIELD(ipc_deploy_res, nonce, IPC_FT_STR),
	IPC_FIELD(ipc_deploy_res, enc_privkey, IPC_FT_STR),
};
const struct ipc_body body_deploy_res =
    IPC_BODY(ipc_deploy_res, deploy_res_fields);

static const struct ipc_field updates_req_fields[] = {
	IPC_FIELD_AUX(ipc_updates_req, grant, IPC_FT_BIN, grant_len),
	IPC_FIELD(ipc_updates_req, cursor, IPC_FT_U64),
	IPC_FIELD(ipc_updates_req, limit, IPC_FT_U32),
	IPC_FIELD(ipc_updates_req, again, IPC_FT_BOOL),
	IPC_FIELD(ipc_updates_req, fresh, IPC_FT_BOOL),
};
const struct ipc_body body_updates_req =
    IPC_BODY(ipc_updates_req, updates_req_fields);

static const struct ipc_field updates_res_fields[] = {
	IPC_FIELD(ipc_updates_res, head, IPC_FT_HEAD),
	IPC_FIELD(ipc_updates_res, device_oid, IPC_FT_U64),
	IPC_FIELD(ipc_updates_res, cursor, IPC_FT_U64),
	IPC_FIELD(ipc_updates_res, count, IPC_FT_U64),
};
const struct ipc_body body_updates_res =
    IPC_BODY(ipc_updates_res, updates_res_fields);

static const struct ipc_field signal_rec_fields[] = {
	IPC_FIELD(signal_rec, type, IPC_FT_STR),
	IPC_FIELD(signal_rec, ts_ms, IPC_FT_I64),
	IPC_FIELD(signal_rec, ref, IPC_FT_STR),
};
const struct ipc_body body_signal_rec =
    IPC_BODY(signal_rec, signal_rec_fields);

static const struct ipc_field device_signaled_fields[] = {
	IPC_FIELD(ipc_device_signaled, device_oid, IPC_FT_U64),
};
const struct ipc_body body_device_signaled =
    IPC_BODY(ipc_device_signaled, device_signaled_fields);
