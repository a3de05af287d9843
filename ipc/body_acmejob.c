/* The messages of an ACME issuance task (body_acmejob.h). */
#include "body_acmejob.h"

static const struct ipc_field acmejob_get_fields[] = {
	IPC_FIELD(ipc_acmejob_get, task_oid, IPC_FT_U64),
	IPC_FIELD(ipc_acmejob_get, fence, IPC_FT_U64),
};
const struct ipc_body body_acmejob_get =
    IPC_BODY(ipc_acmejob_get, acmejob_get_fields);

static const struct ipc_field acmejob_res_fields[] = {
	IPC_FIELD(ipc_acmejob_res, head, IPC_FT_HEAD),
	IPC_FIELD(ipc_acmejob_res, key_type, IPC_FT_STR),
	IPC_FIELD(ipc_acmejob_res, cert_oid, IPC_FT_U64),
	IPC_FIELD(ipc_acmejob_res, cert_id, IPC_FT_STR),
	IPC_FIELD(ipc_acmejob_res, names, IPC_FT_STR),
	IPC_FIELD_AUX(ipc_acmejob_res, cert_sealed, IPC_FT_BIN,
	    cert_sealed_len),
	IPC_FIELD(ipc_acmejob_res, acct_oid, IPC_FT_U64),
	IPC_FIELD(ipc_acmejob_res, acct_id, IPC_FT_STR),
	IPC_FIELD(ipc_acmejob_res, email, IPC_FT_STR),
	IPC_FIELD(ipc_acmejob_res, directory, IPC_FT_STR),
	IPC_FIELD(ipc_acmejob_res, account_url, IPC_FT_STR),
	IPC_FIELD_AUX(ipc_acmejob_res, acct_sealed, IPC_FT_BIN,
	    acct_sealed_len),
	IPC_FIELD(ipc_acmejob_res, order_url, IPC_FT_STR),
	IPC_FIELD_REC(ipc_acmejob_res, prov, body_dnsprov_rec),
	IPC_FIELD_AUX(ipc_acmejob_res, prov_sealed, IPC_FT_BIN,
	    prov_sealed_len),
};
const struct ipc_body body_acmejob_res =
    IPC_BODY(ipc_acmejob_res, acmejob_res_fields);

static const struct ipc_field acmejob_note_fields[] = {
	IPC_FIELD(ipc_acmejob_note, task_oid, IPC_FT_U64),
	IPC_FIELD(ipc_acmejob_note, fence, IPC_FT_U64),
	IPC_FIELD(ipc_acmejob_note, what, IPC_FT_U32),
	IPC_FIELD(ipc_acmejob_note, url, IPC_FT_STR),
};
const struct ipc_body body_acmejob_note =
    IPC_BODY(ipc_acmejob_note, acmejob_note_fields);

static const struct ipc_field acmejob_result_fields[] = {
	IPC_FIELD(ipc_acmejob_result, task_oid, IPC_FT_U64),
	IPC_FIELD(ipc_acmejob_result, fence, IPC_FT_U64),
	IPC_FIELD(ipc_acmejob_result, cert_pem, IPC_FT_STR),
	IPC_FIELD(ipc_acmejob_result, chain_pem, IPC_FT_STR),
	IPC_FIELD(ipc_acmejob_result, serial, IPC_FT_STR),
	IPC_FIELD(ipc_acmejob_result, issuer, IPC_FT_STR),
	IPC_FIELD(ipc_acmejob_result, not_before, IPC_FT_I64),
	IPC_FIELD(ipc_acmejob_result, not_after, IPC_FT_I64),
	IPC_FIELD(ipc_acmejob_result, renew_at, IPC_FT_I64),
};
const struct ipc_body body_acmejob_result =
    IPC_BODY(ipc_acmejob_result, acmejob_result_fields);

static const struct ipc_field acme_renewkey_fields[] = {
	IPC_FIELD(ipc_acme_renewkey, task_oid, IPC_FT_U64),
	IPC_FIELD(ipc_acme_renewkey, fence, IPC_FT_U64),
	IPC_FIELD(ipc_acme_renewkey, cert_id, IPC_FT_STR),
	IPC_FIELD(ipc_acme_renewkey, key_type, IPC_FT_STR),
};
const struct ipc_body body_acme_renewkey =
    IPC_BODY(ipc_acme_renewkey, acme_renewkey_fields);

static const struct ipc_field store_renewkey_fields[] = {
	IPC_FIELD(ipc_store_renewkey, task_oid, IPC_FT_U64),
	IPC_FIELD(ipc_store_renewkey, fence, IPC_FT_U64),
	IPC_FIELD(ipc_store_renewkey, cert_id, IPC_FT_STR),
	IPC_FIELD_AUX(ipc_store_renewkey, sealed, IPC_FT_BIN, sealed_len),
};
const struct ipc_body body_store_renewkey =
    IPC_BODY(ipc_store_renewkey, store_renewkey_fields);
