/* The field tables of logins, credentials and their messages (body_auth.h) */
#include "body_auth.h"
#include "ipc.h"

static const struct ipc_field auth_login_fields[] = {
	IPC_FIELD(ipc_auth_login, dialect, IPC_FT_U32),
	IPC_FIELD(ipc_auth_login, peer, IPC_FT_STR),
	IPC_FIELD(ipc_auth_login, name, IPC_FT_STR),
	IPC_FIELD(ipc_auth_login, password, IPC_FT_STR),
};
const struct ipc_body body_auth_login =
    IPC_BODY(ipc_auth_login, auth_login_fields);

static const struct ipc_field auth_client_login_fields[] = {
	IPC_FIELD(ipc_auth_client_login, peer, IPC_FT_STR),
	IPC_FIELD(ipc_auth_client_login, secret, IPC_FT_STR),
	IPC_FIELD(ipc_auth_client_login, name, IPC_FT_STR),
	IPC_FIELD(ipc_auth_client_login, password, IPC_FT_STR),
};
const struct ipc_body body_auth_client_login =
    IPC_BODY(ipc_auth_client_login, auth_client_login_fields);

static const struct ipc_field login_res_fields[] = {
	IPC_FIELD(ipc_login_res, head, IPC_FT_HEAD),
	IPC_FIELD(ipc_login_res, token, IPC_FT_STR),
	IPC_FIELD(ipc_login_res, expires_in, IPC_FT_U64),
	IPC_FIELD(ipc_login_res, user_id, IPC_FT_STR),
	IPC_FIELD(ipc_login_res, user_oid, IPC_FT_U64),
	IPC_FIELD(ipc_login_res, username, IPC_FT_STR),
	IPC_FIELD(ipc_login_res, role, IPC_FT_STR),
};
const struct ipc_body body_login_res =
    IPC_BODY(ipc_login_res, login_res_fields);

static const struct ipc_field auth_verify_fields[] = {
	IPC_FIELD(ipc_auth_verify, dialect, IPC_FT_U32),
	IPC_FIELD(ipc_auth_verify, peer, IPC_FT_STR),
	IPC_FIELD(ipc_auth_verify, kind, IPC_FT_U32),
	IPC_FIELD(ipc_auth_verify, cred, IPC_FT_STR),
	IPC_FIELD(ipc_auth_verify, secret, IPC_FT_STR),
	IPC_FIELD(ipc_auth_verify, strict, IPC_FT_BOOL),
};
const struct ipc_body body_auth_verify =
    IPC_BODY(ipc_auth_verify, auth_verify_fields);

static const struct ipc_field verify_res_fields[] = {
	IPC_FIELD(ipc_verify_res, head, IPC_FT_HEAD),
	IPC_FIELD_AUX(ipc_verify_res, grant, IPC_FT_BIN, grant_len),
};
const struct ipc_body body_verify_res =
    IPC_BODY(ipc_verify_res, verify_res_fields);

static const struct ipc_field auth_rotate_pw_fields[] = {
	IPC_FIELD_AUX(ipc_auth_rotate_pw, grant, IPC_FT_BIN, grant_len),
	IPC_FIELD(ipc_auth_rotate_pw, ref, IPC_FT_STR),
};
const struct ipc_body body_auth_rotate_pw =
    IPC_BODY(ipc_auth_rotate_pw, auth_rotate_pw_fields);

static const struct ipc_field auth_change_pw_fields[] = {
	IPC_FIELD_AUX(ipc_auth_change_pw, grant, IPC_FT_BIN, grant_len),
	IPC_FIELD(ipc_auth_change_pw, old_password, IPC_FT_STR),
	IPC_FIELD(ipc_auth_change_pw, new_password, IPC_FT_STR),
	IPC_FIELD(ipc_auth_change_pw, peer, IPC_FT_STR),
};
const struct ipc_body body_auth_change_pw =
    IPC_BODY(ipc_auth_change_pw, auth_change_pw_fields);

static const struct ipc_field password_res_fields[] = {
	IPC_FIELD(ipc_password_res, head, IPC_FT_HEAD),
	IPC_FIELD(ipc_password_res, password, IPC_FT_STR),
};
const struct ipc_body body_password_res =
    IPC_BODY(ipc_password_res, password_res_fields);

static const struct ipc_field cred_fields[] = {
	IPC_FIELD(cred, found, IPC_FT_BOOL),
	IPC_FIELD(cred, oid, IPC_FT_U64),
	IPC_FIELD(cred, id, IPC_FT_STR),
	IPC_FIELD(cred, username, IPC_FT_STR),
	IPC_FIELD(cred, role, IPC_FT_STR),
	IPC_FIELD(cred, status, IPC_FT_STR),
	IPC_FIELD(cred, expires_at, IPC_FT_I64),
	IPC_FIELD(cred, hash, IPC_FT_STR),
};
static const struct ipc_body body_cred = IPC_BODY(cred, cred_fields);

static const struct ipc_field cred_get_fields[] = {
	IPC_FIELD_AUX(ipc_cred_get, grant, IPC_FT_BIN, grant_len),
	IPC_FIELD(ipc_cred_get, name, IPC_FT_STR),
	IPC_FIELD(ipc_cred_get, by_oid, IPC_FT_U64),
};
const struct ipc_body body_cred_get = IPC_BODY(ipc_cred_get, cred_get_fields);

static const struct ipc_field cred_res_fields[] = {
	IPC_FIELD(ipc_cred_res, head, IPC_FT_HEAD),
	IPC_FIELD_REC(ipc_cred_res, cred, body_cred),
};
const struct ipc_body body_cred_res = IPC_BODY(ipc_cred_res, cred_res_fields);

static const struct ipc_field session_create_fields[] = {
	IPC_FIELD(ipc_session_create, user_oid, IPC_FT_U64),
	IPC_FIELD(ipc_session_create, dialect, IPC_FT_U32),
	IPC_FIELD(ipc_session_create, peer, IPC_FT_STR),
	IPC_FIELD(ipc_session_create, public_id, IPC_FT_STR),
	IPC_FIELD_AUX(ipc_session_create, digest, IPC_FT_BIN, digest_len),
	IPC_FIELD(ipc_session_create, lifetime, IPC_FT_U32),
	IPC_FIELD(ipc_session_create, idle, IPC_FT_U32),
	IPC_FIELD(ipc_session_create, client_oid, IPC_FT_U64),
	IPC_FIELD(ipc_session_create, kind, IPC_FT_STR),
};
const struct ipc_body body_session_create =
    IPC_BODY(ipc_session_create, session_create_fields);

static const struct ipc_field session_res_fields[] = {
	IPC_FIELD(ipc_session_res, head, IPC_FT_HEAD),
	IPC_FIELD(ipc_session_res, session_oid, IPC_FT_U64),
	IPC_FIELD(ipc_session_res, expires_at, IPC_FT_I64),
};
const struct ipc_body body_session_res =
    IPC_BODY(ipc_session_res, session_res_fields);

static const struct ipc_field auth_event_fields[] = {
	IPC_FIELD(ipc_auth_event, type, IPC_FT_STR),
	IPC_FIELD(ipc_auth_event, user_oid, IPC_FT_U64),
	IPC_FIELD(ipc_auth_event, name, IPC_FT_STR),
	IPC_FIELD(ipc_auth_event, peer, IPC_FT_STR),
	IPC_FIELD(ipc_auth_event, dialect, IPC_FT_U32),
	IPC_FIELD(ipc_auth_event, message, IPC_FT_STR),
};
const struct ipc_body body_auth_event =
    IPC_BODY(ipc_auth_event, auth_event_fields);

static const struct ipc_field store_set_password_fields[] = {
	IPC_FIELD_AUX(ipc_store_set_password, grant, IPC_FT_BIN, grant_len),
	IPC_FIELD(ipc_store_set_password, ref, IPC_FT_STR),
	IPC_FIELD(ipc_store_set_password, hash, IPC_FT_STR),
	IPC_FIELD(ipc_store_set_password, keep_session, IPC_FT_U64),
};
const struct ipc_body body_store_set_password =
    IPC_BODY(ipc_store_set_password, store_set_password_fields);

static const struct ipc_field token_get_fields[] = {
	IPC_FIELD(ipc_token_get, table, IPC_FT_U32),
	IPC_FIELD(ipc_token_get, public_id, IPC_FT_STR),
};
const struct ipc_body body_token_get =
    IPC_BODY(ipc_token_get, token_get_fields);

static const struct ipc_field token_res_fields[] = {
	IPC_FIELD(ipc_token_res, head, IPC_FT_HEAD),
	IPC_FIELD(ipc_token_res, found, IPC_FT_BOOL),
	IPC_FIELD(ipc_token_res, oid, IPC_FT_U64),
	IPC_FIELD(ipc_token_res, user, IPC_FT_U64),
	IPC_FIELD_AUX(ipc_token_res, digest, IPC_FT_BIN, digest_len),
	IPC_FIELD(ipc_token_res, scopes, IPC_FT_U32),
	IPC_FIELD(ipc_token_res, expires, IPC_FT_I64),
	IPC_FIELD(ipc_token_res, bound, IPC_FT_STR),
	IPC_FIELD(ipc_token_res, dialect, IPC_FT_U32),
	IPC_FIELD(ipc_token_res, role, IPC_FT_STR),
	IPC_FIELD(ipc_token_res, client, IPC_FT_U64),
	IPC_FIELD(ipc_token_res, kind, IPC_FT_STR),
};
const struct ipc_body body_token_res =
    IPC_BODY(ipc_token_res, token_res_fields);

static const struct ipc_field grant_key_fields[] = {
	IPC_FIELD_AUX(ipc_grant_key, key, IPC_FT_BIN, key_len),
};
const struct ipc_body body_grant_key =
    IPC_BODY(ipc_grant_key, grant_key_fields);

static const struct ipc_field user_bootstrap_fields[] = {
	IPC_FIELD(ipc_user_bootstrap, name, IPC_FT_STR),
	IPC_FIELD(ipc_user_bootstrap, hash, IPC_FT_STR),
	IPC_FIELD(ipc_user_bootstrap, role, IPC_FT_STR),
};
const struct ipc_body body_user_bootstrap =
    IPC_BODY(ipc_user_bootstrap, user_bootstrap_fields);

static const struct ipc_field user_bootstrap_res_fields[] = {
	IPC_FIELD(ipc_user_bootstrap_res, head, IPC_FT_HEAD),
	IPC_FIELD(ipc_user_bootstrap_res, created, IPC_FT_BOOL),
};
const struct ipc_body body_user_bootstrap_res =
    IPC_BODY(ipc_user_bootstrap_res, user_bootstrap_res_fields);

static const struct ipc_field tls_sign_fields[] = {
	IPC_FIELD_AUX(ipc_tls_sign, key_id, IPC_FT_BIN, key_id_len),
	IPC_FIELD(ipc_tls_sign, scheme, IPC_FT_U32),
	IPC_FIELD_AUX(ipc_tls_sign, tbs, IPC_FT_BIN, tbs_len),
};
const struct ipc_body body_tls_sign = IPC_BODY(ipc_tls_sign, tls_sign_fields);

static const struct ipc_field tls_sign_res_fields[] = {
	IPC_FIELD(ipc_tls_sign_res, head, IPC_FT_HEAD),
	IPC_FIELD_AUX(ipc_tls_sign_res, sig, IPC_FT_BIN, sig_len),
};
const struct ipc_body body_tls_sign_res =
    IPC_BODY(ipc_tls_sign_res, tls_sign_res_fields);
