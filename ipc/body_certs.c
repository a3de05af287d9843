/* The field tables of the CA and certificate messages (body_certs.h). */
#include "body_certs.h"

static const struct ipc_field ca_rec_fields[] = {
	IPC_FIELD(ca_rec, oid, IPC_FT_U64),
	IPC_FIELD(ca_rec, id, IPC_FT_STR),
	IPC_FIELD(ca_rec, user_oid, IPC_FT_U64),
	IPC_FIELD(ca_rec, name, IPC_FT_STR),
	IPC_FIELD(ca_rec, key_type, IPC_FT_STR),
	IPC_FIELD(ca_rec, serial, IPC_FT_STR),
	IPC_FIELD(ca_rec, not_before, IPC_FT_I64),
	IPC_FIELD(ca_rec, not_after, IPC_FT_I64),
	IPC_FIELD(ca_rec, created_at, IPC_FT_I64),
};
const struct ipc_body body_ca_rec = IPC_BODY(ca_rec, ca_rec_fields);

static const struct ipc_field cert_rec_fields[] = {
	IPC_FIELD(cert_rec, oid, IPC_FT_U64),
	IPC_FIELD(cert_rec, id, IPC_FT_STR),
	IPC_FIELD(cert_rec, user_oid, IPC_FT_U64),
	IPC_FIELD(cert_rec, ca_oid, IPC_FT_U64),
	IPC_FIELD(cert_rec, acme_account_oid, IPC_FT_U64),
	IPC_FIELD(cert_rec, dns_provider_oid, IPC_FT_U64),
	IPC_FIELD(cert_rec, auto_renew, IPC_FT_BOOL),
	IPC_FIELD(cert_rec, status, IPC_FT_STR),
	IPC_FIELD(cert_rec, domain, IPC_FT_STR),
	IPC_FIELD(cert_rec, sans, IPC_FT_STR),
	IPC_FIELD(cert_rec, key_type, IPC_FT_STR),
	IPC_FIELD(cert_rec, serial, IPC_FT_STR),
	IPC_FIELD(cert_rec, issuer, IPC_FT_STR),
	IPC_FIELD(cert_rec, not_before, IPC_FT_I64),
	IPC_FIELD(cert_rec, not_after, IPC_FT_I64),
	IPC_FIELD(cert_rec, created_at, IPC_FT_I64),
};
const struct ipc_body body_cert_rec = IPC_BODY(cert_rec, cert_rec_fields);

static const struct ipc_field auth_ca_create_fields[] = {
	IPC_FIELD_AUX(ipc_auth_ca_create, grant, IPC_FT_BIN, grant_len),
	IPC_FIELD(ipc_auth_ca_create, user, IPC_FT_STR),
	IPC_FIELD(ipc_auth_ca_create, name, IPC_FT_STR),
	IPC_FIELD(ipc_auth_ca_create, key_type, IPC_FT_STR),
	IPC_FIELD(ipc_auth_ca_create, key_bits, IPC_FT_U32),
	IPC_FIELD(ipc_auth_ca_create, validity_days, IPC_FT_U32),
};
const struct ipc_body body_auth_ca_create =
    IPC_BODY(ipc_auth_ca_create, auth_ca_create_fields);

static const struct ipc_field store_ca_create_fields[] = {
	IPC_FIELD_AUX(ipc_store_ca_create, grant, IPC_FT_BIN, grant_len),
	IPC_FIELD(ipc_store_ca_create, user, IPC_FT_STR),
	IPC_FIELD_REC(ipc_store_ca_create, ca, body_ca_rec),
	IPC_FIELD(ipc_store_ca_create, cert_pem, IPC_FT_STR),
	IPC_FIELD_AUX(ipc_store_ca_create, sealed, IPC_FT_BIN, sealed_len),
};
const struct ipc_body body_store_ca_create =
    IPC_BODY(ipc_store_ca_create, store_ca_create_fields);

static const struct ipc_field ca_res_fields[] = {
	IPC_FIELD(ipc_ca_res, head, IPC_FT_HEAD),
	IPC_FIELD_REC(ipc_ca_res, ca, body_ca_rec),
	IPC_FIELD(ipc_ca_res, cert_pem, IPC_FT_STR),
};
const struct ipc_body body_ca_res = IPC_BODY(ipc_ca_res, ca_res_fields);

static const struct ipc_field op_cert_fields[] = {
	IPC_FIELD_AUX(ipc_op_cert, grant, IPC_FT_BIN, grant_len),
	IPC_FIELD(ipc_op_cert, access, IPC_FT_U32),
	IPC_FIELD(ipc_op_cert, op, IPC_FT_U32),
	IPC_FIELD(ipc_op_cert, user, IPC_FT_STR),
	IPC_FIELD(ipc_op_cert, ref, IPC_FT_STR),
	IPC_FIELD(ipc_op_cert, dialect, IPC_FT_U32),
};
const struct ipc_body body_op_cert = IPC_BODY(ipc_op_cert, op_cert_fields);

static const struct ipc_field cert_page_fields[] = {
	IPC_FIELD_AUX(ipc_cert_page, grant, IPC_FT_BIN, grant_len),
	IPC_FIELD(ipc_cert_page, access, IPC_FT_U32),
	IPC_FIELD(ipc_cert_page, user, IPC_FT_STR),
	IPC_FIELD(ipc_cert_page, limit, IPC_FT_U32),
	IPC_FIELD(ipc_cert_page, offset, IPC_FT_U32),
	IPC_FIELD(ipc_cert_page, by_cursor, IPC_FT_BOOL),
	IPC_FIELD(ipc_cert_page, cursor, IPC_FT_STR),
};
const struct ipc_body body_cert_page =
    IPC_BODY(ipc_cert_page, cert_page_fields);

static const struct ipc_field cert_list_res_fields[] = {
	IPC_FIELD(ipc_cert_list_res, head, IPC_FT_HEAD),
	IPC_FIELD(ipc_cert_list_res, total, IPC_FT_U64),
	IPC_FIELD(ipc_cert_list_res, count, IPC_FT_U64),
	IPC_FIELD(ipc_cert_list_res, has_more, IPC_FT_BOOL),
	IPC_FIELD(ipc_cert_list_res, cursor, IPC_FT_STR),
};
const struct ipc_body body_cert_list_res =
    IPC_BODY(ipc_cert_list_res, cert_list_res_fields);

static const struct ipc_field auth_cert_issue_fields[] = {
	IPC_FIELD_AUX(ipc_auth_cert_issue, grant, IPC_FT_BIN, grant_len),
	IPC_FIELD(ipc_auth_cert_issue, user, IPC_FT_STR),
	IPC_FIELD(ipc_auth_cert_issue, ca, IPC_FT_STR),
	IPC_FIELD(ipc_auth_cert_issue, acme_account, IPC_FT_STR),
	IPC_FIELD(ipc_auth_cert_issue, dns_provider, IPC_FT_STR),
	IPC_FIELD(ipc_auth_cert_issue, renew, IPC_FT_STR),
	IPC_FIELD(ipc_auth_cert_issue, auto_renew, IPC_FT_BOOL),
	IPC_FIELD(ipc_auth_cert_issue, names, IPC_FT_STR),
	IPC_FIELD(ipc_auth_cert_issue, key_type, IPC_FT_STR),
	IPC_FIELD(ipc_auth_cert_issue, key_bits, IPC_FT_U32),
	IPC_FIELD(ipc_auth_cert_issue, validity_days, IPC_FT_U32),
};
const struct ipc_body body_auth_cert_issue =
    IPC_BODY(ipc_auth_cert_issue, auth_cert_issue_fields);

static const struct ipc_field store_cert_create_fields[] = {
	IPC_FIELD_AUX(ipc_store_cert_create, grant, IPC_FT_BIN, grant_len),
	IPC_FIELD(ipc_store_cert_create, user, IPC_FT_STR),
	IPC_FIELD(ipc_store_cert_create, acme_account, IPC_FT_STR),
	IPC_FIELD(ipc_store_cert_create, dns_provider, IPC_FT_STR),
	IPC_FIELD(ipc_store_cert_create, renew_oid, IPC_FT_U64),
	IPC_FIELD(ipc_store_cert_create, auto_renew, IPC_FT_BOOL),
	IPC_FIELD_REC(ipc_store_cert_create, cert, body_cert_rec),
	IPC_FIELD(ipc_store_cert_create, cert_pem, IPC_FT_STR),
	IPC_FIELD(ipc_store_cert_create, chain_pem, IPC_FT_STR),
	IPC_FIELD_AUX(ipc_store_cert_create, sealed, IPC_FT_BIN, sealed_len),
};
const struct ipc_body body_store_cert_create =
    IPC_BODY(ipc_store_cert_create, store_cert_create_fields);

static const struct ipc_field cert_res_fields[] = {
	IPC_FIELD(ipc_cert_res, head, IPC_FT_HEAD),
	IPC_FIELD_REC(ipc_cert_res, cert, body_cert_rec),
};
const struct ipc_body body_cert_res = IPC_BODY(ipc_cert_res, cert_res_fields);

static const struct ipc_field certkey_get_fields[] = {
	IPC_FIELD_AUX(ipc_certkey_get, grant, IPC_FT_BIN, grant_len),
	IPC_FIELD(ipc_certkey_get, access, IPC_FT_U32),
	IPC_FIELD(ipc_certkey_get, op, IPC_FT_U32),
	IPC_FIELD(ipc_certkey_get, user, IPC_FT_STR),
	IPC_FIELD(ipc_certkey_get, ref, IPC_FT_STR),
	IPC_FIELD(ipc_certkey_get, dialect, IPC_FT_U32),
};
const struct ipc_body body_certkey_get =
    IPC_BODY(ipc_certkey_get, certkey_get_fields);

static const struct ipc_field certkey_res_fields[] = {
	IPC_FIELD(ipc_certkey_res, head, IPC_FT_HEAD),
	IPC_FIELD(ipc_certkey_res, oid, IPC_FT_U64),
	IPC_FIELD(ipc_certkey_res, id, IPC_FT_STR),
	IPC_FIELD(ipc_certkey_res, name, IPC_FT_STR),
	IPC_FIELD(ipc_certkey_res, not_after, IPC_FT_I64),
	IPC_FIELD(ipc_certkey_res, cert_pem, IPC_FT_STR),
	IPC_FIELD(ipc_certkey_res, chain_pem, IPC_FT_STR),
	IPC_FIELD_AUX(ipc_certkey_res, sealed, IPC_FT_BIN, sealed_len),
};
const struct ipc_body body_certkey_res =
    IPC_BODY(ipc_certkey_res, certkey_res_fields);

static const struct ipc_field cert_export_res_fields[] = {
	IPC_FIELD(ipc_cert_export_res, head, IPC_FT_HEAD),
	IPC_FIELD(ipc_cert_export_res, cert_pem, IPC_FT_STR),
	IPC_FIELD(ipc_cert_export_res, chain_pem, IPC_FT_STR),
	IPC_FIELD(ipc_cert_export_res, privkey, IPC_FT_STR),
};
const struct ipc_body body_cert_export_res =
    IPC_BODY(ipc_cert_export_res, cert_export_res_fields);
