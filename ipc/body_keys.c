/* The field tables of the key and secret messages (body_keys.h). */
#include "body_keys.h"
#include "ipc.h"

/* ---- API keys ---------------------------------------------------------- */

static const struct ipc_field apikey_create_fields[] = {
	IPC_FIELD_AUX(ipc_apikey_create, grant, IPC_FT_BIN, grant_len),
	IPC_FIELD(ipc_apikey_create, user, IPC_FT_STR),
	IPC_FIELD(ipc_apikey_create, name, IPC_FT_STR),
	IPC_FIELD(ipc_apikey_create, scopes, IPC_FT_U32),
	IPC_FIELD(ipc_apikey_create, permissions, IPC_FT_STR),
	IPC_FIELD_AUX(ipc_apikey_create, expires_in, IPC_FT_OPTI64, never),
};
const struct ipc_body body_apikey_create =
    IPC_BODY(ipc_apikey_create, apikey_create_fields);

static const struct ipc_field apikey_store_fields[] = {
	IPC_FIELD_AUX(ipc_apikey_store, grant, IPC_FT_BIN, grant_len),
	IPC_FIELD(ipc_apikey_store, user, IPC_FT_STR),
	IPC_FIELD(ipc_apikey_store, public_id, IPC_FT_STR),
	IPC_FIELD_AUX(ipc_apikey_store, digest, IPC_FT_BIN, digest_len),
	IPC_FIELD(ipc_apikey_store, name, IPC_FT_STR),
	IPC_FIELD(ipc_apikey_store, scopes, IPC_FT_U32),
	IPC_FIELD(ipc_apikey_store, permissions, IPC_FT_STR),
	IPC_FIELD_AUX(ipc_apikey_store, expires_at, IPC_FT_OPTI64, never),
};
const struct ipc_body body_apikey_store =
    IPC_BODY(ipc_apikey_store, apikey_store_fields);

static const struct ipc_field key_page_fields[] = {
	IPC_FIELD_AUX(ipc_key_page, grant, IPC_FT_BIN, grant_len),
	IPC_FIELD(ipc_key_page, access, IPC_FT_U32),
	IPC_FIELD(ipc_key_page, user, IPC_FT_STR),
	IPC_FIELD(ipc_key_page, limit, IPC_FT_U32),
	IPC_FIELD(ipc_key_page, offset, IPC_FT_U32),
};
const struct ipc_body body_key_page = IPC_BODY(ipc_key_page, key_page_fields);

static const struct ipc_field key_ref_fields[] = {
	IPC_FIELD_AUX(ipc_key_ref, grant, IPC_FT_BIN, grant_len),
	IPC_FIELD(ipc_key_ref, access, IPC_FT_U32),
	IPC_FIELD(ipc_key_ref, user, IPC_FT_STR),
	IPC_FIELD(ipc_key_ref, key, IPC_FT_STR),
	IPC_FIELD(ipc_key_ref, dialect, IPC_FT_U32),
};
const struct ipc_body body_key_ref = IPC_BODY(ipc_key_ref, key_ref_fields);

static const struct ipc_field apikey_res_fields[] = {
	IPC_FIELD(ipc_apikey_res, head, IPC_FT_HEAD),
	IPC_FIELD_REC(ipc_apikey_res, key, body_key_rec),
};
const struct ipc_body body_apikey_res =
    IPC_BODY(ipc_apikey_res, apikey_res_fields);

/* ---- SSH keys ---------------------------------------------------------- */

static const struct ipc_field sshkey_add_fields[] = {
	IPC_FIELD_AUX(ipc_sshkey_add, grant, IPC_FT_BIN, grant_len),
	IPC_FIELD(ipc_sshkey_add, access, IPC_FT_U32),
	IPC_FIELD(ipc_sshkey_add, user, IPC_FT_STR),
	IPC_FIELD(ipc_sshkey_add, method, IPC_FT_U32),
	IPC_FIELD(ipc_sshkey_add, dialect, IPC_FT_U32),
	IPC_FIELD(ipc_sshkey_add, name, IPC_FT_STR),
	IPC_FIELD(ipc_sshkey_add, line, IPC_FT_STR),
};
const struct ipc_body body_sshkey_add =
    IPC_BODY(ipc_sshkey_add, sshkey_add_fields);

static const struct ipc_field sshkey_store_fields[] = {
	IPC_FIELD_AUX(ipc_sshkey_store, grant, IPC_FT_BIN, grant_len),
	IPC_FIELD(ipc_sshkey_store, access, IPC_FT_U32),
	IPC_FIELD(ipc_sshkey_store, user, IPC_FT_STR),
	IPC_FIELD(ipc_sshkey_store, method, IPC_FT_U32),
	IPC_FIELD(ipc_sshkey_store, dialect, IPC_FT_U32),
	IPC_FIELD(ipc_sshkey_store, name, IPC_FT_STR),
	IPC_FIELD(ipc_sshkey_store, type, IPC_FT_STR),
	IPC_FIELD(ipc_sshkey_store, blob64, IPC_FT_STR),
	IPC_FIELD(ipc_sshkey_store, comment, IPC_FT_STR),
	IPC_FIELD(ipc_sshkey_store, fingerprint, IPC_FT_STR),
	IPC_FIELD(ipc_sshkey_store, bits, IPC_FT_U32),
};
const struct ipc_body body_sshkey_store =
    IPC_BODY(ipc_sshkey_store, sshkey_store_fields);

static const struct ipc_field sshkey_res_fields[] = {
	IPC_FIELD(ipc_sshkey_res, head, IPC_FT_HEAD),
	IPC_FIELD_REC(ipc_sshkey_res, key, body_sshkey_rec),
};
const struct ipc_body body_sshkey_res =
    IPC_BODY(ipc_sshkey_res, sshkey_res_fields);

static const struct ipc_field authkeys_fields[] = {
	IPC_FIELD(ipc_authkeys, login, IPC_FT_STR),
};
const struct ipc_body body_authkeys = IPC_BODY(ipc_authkeys, authkeys_fields);

static const struct ipc_field authkey_line_fields[] = {
	IPC_FIELD(authkey_line, line, IPC_FT_STR),
};
const struct ipc_body body_authkey_line =
    IPC_BODY(authkey_line, authkey_line_fields);

/* ---- account v2 ---------------------------------------------------------- */

static const struct ipc_field account_key_fields[] = {
	IPC_FIELD_AUX(ipc_account_key, grant, IPC_FT_BIN, grant_len),
	IPC_FIELD(ipc_account_key, op, IPC_FT_U32),
	IPC_FIELD(ipc_account_key, api_key, IPC_FT_STR),
};
const struct ipc_body body_account_key =
    IPC_BODY(ipc_account_key, account_key_fields);

static const struct ipc_field account_key_res_fields[] = {
	IPC_FIELD(ipc_account_key_res, head, IPC_FT_HEAD),
	IPC_FIELD(ipc_account_key_res, public_id, IPC_FT_STR),
	IPC_FIELD(ipc_account_key_res, secret, IPC_FT_STR),
};
const struct ipc_body body_account_key_res =
    IPC_BODY(ipc_account_key_res, account_key_res_fields);

static const struct ipc_field account_key_store_fields[] = {
	IPC_FIELD_AUX(ipc_account_key_store, grant, IPC_FT_BIN, grant_len),
	IPC_FIELD(ipc_account_key_store, op, IPC_FT_U32),
	IPC_FIELD(ipc_account_key_store, api_key, IPC_FT_STR),
	IPC_FIELD_AUX(ipc_account_key_store, sealed, IPC_FT_BIN, sealed_len),
	IPC_FIELD(ipc_account_key_store, api_id, IPC_FT_STR),
};
const struct ipc_body body_account_key_store =
    IPC_BODY(ipc_account_key_store, account_key_store_fields);

static const struct ipc_field account_key_get_fields[] = {
	IPC_FIELD(ipc_account_key_get, api_key, IPC_FT_STR),
};
const struct ipc_body body_account_key_get =
    IPC_BODY(ipc_account_key_get, account_key_get_fields);

static const struct ipc_field account_key_get_res_fields[] = {
	IPC_FIELD(ipc_account_key_get_res, head, IPC_FT_HEAD),
	IPC_FIELD(ipc_account_key_get_res, found, IPC_FT_BOOL),
	IPC_FIELD(ipc_account_key_get_res, oid, IPC_FT_U64),
	IPC_FIELD(ipc_account_key_get_res, user, IPC_FT_U64),
	IPC_FIELD_AUX(ipc_account_key_get_res, sealed, IPC_FT_BIN, sealed_len),
	IPC_FIELD(ipc_account_key_get_res, role, IPC_FT_STR),
};
const struct ipc_body body_account_key_get_res =
    IPC_BODY(ipc_account_key_get_res, account_key_get_res_fields);

static const struct ipc_field account_key_delete_fields[] = {
	IPC_FIELD_AUX(ipc_account_key_delete, grant, IPC_FT_BIN, grant_len),
	IPC_FIELD(ipc_account_key_delete, api_key, IPC_FT_STR),
};
const struct ipc_body body_account_key_delete =
    IPC_BODY(ipc_account_key_delete, account_key_delete_fields);

static const struct ipc_field account_res_fields[] = {
	IPC_FIELD(ipc_account_res, head, IPC_FT_HEAD),
	IPC_FIELD_REC(ipc_account_res, user, body_user_rec),
	IPC_FIELD(ipc_account_res, files_id, IPC_FT_STR),
};
const struct ipc_body body_account_res =
    IPC_BODY(ipc_account_res, account_res_fields);

static const struct ipc_field account_item_fields[] = {
	IPC_FIELD(account_item, kind, IPC_FT_U32),
	IPC_FIELD(account_item, oid, IPC_FT_U64),
	IPC_FIELD(account_item, id, IPC_FT_STR),
	IPC_FIELD(account_item, name, IPC_FT_STR),
	IPC_FIELD(account_item, fingerprint, IPC_FT_STR),
};
const struct ipc_body body_account_item =
    IPC_BODY(account_item, account_item_fields);

static const struct ipc_field account_data_fields[] = {
	IPC_FIELD_AUX(ipc_account_data, grant, IPC_FT_BIN, grant_len),
	IPC_FIELD_REC(ipc_account_data, profile, body_profile),
};
const struct ipc_body body_account_data =
    IPC_BODY(ipc_account_data, account_data_fields);

static const struct ipc_field account_data_pw_fields[] = {
	IPC_FIELD_AUX(ipc_account_data_pw, grant, IPC_FT_BIN, grant_len),
	IPC_FIELD_REC(ipc_account_data_pw, profile, body_profile),
	IPC_FIELD(ipc_account_data_pw, password, IPC_FT_STR),
	IPC_FIELD_AUX(ipc_account_data_pw, old_password, IPC_FT_OPTSTR,
	    no_old),
	IPC_FIELD(ipc_account_data_pw, peer, IPC_FT_STR),
};
const struct ipc_body body_account_data_pw =
    IPC_BODY(ipc_account_data_pw, account_data_pw_fields);

static const struct ipc_field account_data_store_fields[] = {
	IPC_FIELD_AUX(ipc_account_data_store, grant, IPC_FT_BIN, grant_len),
	IPC_FIELD_REC(ipc_account_data_store, profile, body_profile),
	IPC_FIELD(ipc_account_data_store, hash, IPC_FT_STR),
};
const struct ipc_body body_account_data_store =
    IPC_BODY(ipc_account_data_store, account_data_store_fields);

static const struct ipc_field auth_signed_fields[] = {
	IPC_FIELD(ipc_auth_signed, peer, IPC_FT_STR),
	IPC_FIELD(ipc_auth_signed, api_key, IPC_FT_STR),
	IPC_FIELD(ipc_auth_signed, signature, IPC_FT_STR),
	IPC_FIELD(ipc_auth_signed, xdate, IPC_FT_STR),
	IPC_FIELD(ipc_auth_signed, method, IPC_FT_STR),
	IPC_FIELD(ipc_auth_signed, host, IPC_FT_STR),
	IPC_FIELD(ipc_auth_signed, target, IPC_FT_STR),
	IPC_FIELD_AUX(ipc_auth_signed, body, IPC_FT_BIN, body_len),
};
const struct ipc_body body_auth_signed =
    IPC_BODY(ipc_auth_signed, auth_signed_fields);

/* ---- command-API clients ------------------------------------------------- */

static const struct ipc_field client_add_fields[] = {
	IPC_FIELD(ipc_client_add, name, IPC_FT_STR),
	IPC_FIELD(ipc_client_add, user, IPC_FT_STR),
	IPC_FIELD(ipc_client_add, allow, IPC_FT_STR),
};
const struct ipc_body body_client_add =
    IPC_BODY(ipc_client_add, client_add_fields);

static const struct ipc_field client_store_fields[] = {
	IPC_FIELD(ipc_client_store, name, IPC_FT_STR),
	IPC_FIELD(ipc_client_store, user, IPC_FT_STR),
	IPC_FIELD(ipc_client_store, public_id, IPC_FT_STR),
	IPC_FIELD_AUX(ipc_client_store, digest, IPC_FT_BIN, digest_len),
	IPC_FIELD(ipc_client_store, allow, IPC_FT_STR),
};
const struct ipc_body body_client_store =
    IPC_BODY(ipc_client_store, client_store_fields);

static const struct ipc_field client_rec_fields[] = {
	IPC_FIELD(client_rec, name, IPC_FT_STR),
	IPC_FIELD(client_rec, user, IPC_FT_STR),
	IPC_FIELD(client_rec, allow, IPC_FT_STR),
	IPC_FIELD(client_rec, created_at, IPC_FT_I64),
};
const struct ipc_body body_client_rec =
    IPC_BODY(client_rec, client_rec_fields);

static const struct ipc_field client_del_fields[] = {
	IPC_FIELD(ipc_client_del, name, IPC_FT_STR),
};
const struct ipc_body body_client_del =
    IPC_BODY(ipc_client_del, client_del_fields);

static const struct ipc_field secret_res_fields[] = {
	IPC_FIELD(ipc_secret_res, head, IPC_FT_HEAD),
	IPC_FIELD(ipc_secret_res, secret, IPC_FT_STR),
};
const struct ipc_body body_secret_res =
    IPC_BODY(ipc_secret_res, secret_res_fields);

/* ---- a host's SSH password ------------------------------------------------ */

static const struct ipc_field host_password_fields[] = {
	IPC_FIELD_AUX(ipc_host_password, grant, IPC_FT_BIN, grant_len),
	IPC_FIELD(ipc_host_password, ref, IPC_FT_STR),
};
const struct ipc_body body_host_password =
    IPC_BODY(ipc_host_password, host_password_fields);

static const struct ipc_field host_password_store_fields[] = {
	IPC_FIELD_AUX(ipc_host_password_store, grant, IPC_FT_BIN, grant_len),
	IPC_FIELD(ipc_host_password_store, ref, IPC_FT_STR),
	IPC_FIELD_AUX(ipc_host_password_store, sealed, IPC_FT_BIN,
	    sealed_len),
};
const struct ipc_body body_host_password_store =
    IPC_BODY(ipc_host_password_store, host_password_store_fields);
