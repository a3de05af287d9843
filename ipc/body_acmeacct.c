/* The field tables of the ACME account messages (body_acmeacct.h). */
#include "body_acmeacct.h"
#include "ipc.h"

static const struct ipc_field acmeacct_rec_fields[] = {
	IPC_FIELD(acmeacct_rec, oid, IPC_FT_U64),
	IPC_FIELD(acmeacct_rec, id, IPC_FT_STR),
	IPC_FIELD(acmeacct_rec, user_oid, IPC_FT_U64),
	IPC_FIELD(acmeacct_rec, email, IPC_FT_STR),
	IPC_FIELD(acmeacct_rec, directory, IPC_FT_STR),
	IPC_FIELD(acmeacct_rec, directory_url, IPC_FT_STR),
	IPC_FIELD(acmeacct_rec, key_type, IPC_FT_STR),
	IPC_FIELD(acmeacct_rec, status, IPC_FT_STR),
	IPC_FIELD(acmeacct_rec, account_url, IPC_FT_STR),
	IPC_FIELD(acmeacct_rec, created_at, IPC_FT_I64),
};
const struct ipc_body body_acmeacct_rec =
    IPC_BODY(acmeacct_rec, acmeacct_rec_fields);

static const struct ipc_field acmeacct_create_fields[] = {
	IPC_FIELD_AUX(ipc_acmeacct_create, grant, IPC_FT_BIN, grant_len),
	IPC_FIELD(ipc_acmeacct_create, access, IPC_FT_U32),
	IPC_FIELD(ipc_acmeacct_create, user, IPC_FT_STR),
	IPC_FIELD(ipc_acmeacct_create, dialect, IPC_FT_U32),
	IPC_FIELD_REC(ipc_acmeacct_create, acct, body_acmeacct_rec),
	IPC_FIELD(ipc_acmeacct_create, key_bits, IPC_FT_U32),
};
const struct ipc_body body_acmeacct_create =
    IPC_BODY(ipc_acmeacct_create, acmeacct_create_fields);

static const struct ipc_field acmeacct_store_fields[] = {
	IPC_FIELD_AUX(ipc_acmeacct_store, grant, IPC_FT_BIN, grant_len),
	IPC_FIELD(ipc_acmeacct_store, access, IPC_FT_U32),
	IPC_FIELD(ipc_acmeacct_store, user, IPC_FT_STR),
	IPC_FIELD(ipc_acmeacct_store, dialect, IPC_FT_U32),
	IPC_FIELD_REC(ipc_acmeacct_store, acct, body_acmeacct_rec),
	IPC_FIELD_AUX(ipc_acmeacct_store, sealed, IPC_FT_BIN, sealed_len),
};
const struct ipc_body body_acmeacct_store =
    IPC_BODY(ipc_acmeacct_store, acmeacct_store_fields);

static const struct ipc_field acmeacct_res_fields[] = {
	IPC_FIELD(ipc_acmeacct_res, head, IPC_FT_HEAD),
	IPC_FIELD_REC(ipc_acmeacct_res, acct, body_acmeacct_rec),
};
const struct ipc_body body_acmeacct_res =
    IPC_BODY(ipc_acmeacct_res, acmeacct_res_fields);

static const struct ipc_field acme_sign_fields[] = {
	IPC_FIELD(ipc_acme_sign, id, IPC_FT_STR),
	IPC_FIELD_AUX(ipc_acme_sign, sealed, IPC_FT_BIN, sealed_len),
	IPC_FIELD_AUX(ipc_acme_sign, input, IPC_FT_BIN, input_len),
};
const struct ipc_body body_acme_sign =
    IPC_BODY(ipc_acme_sign, acme_sign_fields);

static const struct ipc_field acme_sign_res_fields[] = {
	IPC_FIELD(ipc_acme_sign_res, head, IPC_FT_HEAD),
	IPC_FIELD(ipc_acme_sign_res, alg, IPC_FT_STR),
	IPC_FIELD(ipc_acme_sign_res, jwk, IPC_FT_STR),
	IPC_FIELD_AUX(ipc_acme_sign_res, sig, IPC_FT_BIN, sig_len),
};
const struct ipc_body body_acme_sign_res =
    IPC_BODY(ipc_acme_sign_res, acme_sign_res_fields);

static const struct ipc_field acme_csr_fields[] = {
	IPC_FIELD(ipc_acme_csr, id, IPC_FT_STR),
	IPC_FIELD_AUX(ipc_acme_csr, sealed, IPC_FT_BIN, sealed_len),
	IPC_FIELD(ipc_acme_csr, names, IPC_FT_STR),
};
const struct ipc_body body_acme_csr =
    IPC_BODY(ipc_acme_csr, acme_csr_fields);

static const struct ipc_field acme_csr_res_fields[] = {
	IPC_FIELD(ipc_acme_csr_res, head, IPC_FT_HEAD),
	IPC_FIELD_AUX(ipc_acme_csr_res, der, IPC_FT_BIN, der_len),
};
const struct ipc_body body_acme_csr_res =
    IPC_BODY(ipc_acme_csr_res, acme_csr_res_fields);

static const struct ipc_field acme_eab_fields[] = {
	IPC_FIELD(ipc_acme_eab, directory, IPC_FT_STR),
	IPC_FIELD(ipc_acme_eab, input, IPC_FT_STR),
};
const struct ipc_body body_acme_eab =
    IPC_BODY(ipc_acme_eab, acme_eab_fields);

static const struct ipc_field acme_eab_res_fields[] = {
	IPC_FIELD(ipc_acme_eab_res, head, IPC_FT_HEAD),
	IPC_FIELD(ipc_acme_eab_res, kid, IPC_FT_STR),
	IPC_FIELD_AUX(ipc_acme_eab_res, mac, IPC_FT_BIN, mac_len),
};
const struct ipc_body body_acme_eab_res =
    IPC_BODY(ipc_acme_eab_res, acme_eab_res_fields);
