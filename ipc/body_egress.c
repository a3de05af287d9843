/* The field tables of the egress messages (body_egress.h). */
#include "body_egress.h"

/* Tables below write each secret's, setting's and check's field. */
_Static_assert(EG_SETTINGS == 10, "a setting without its field");
_Static_assert(EGS_SECRETS == 4, "a secret without its field");
_Static_assert(EGC_CHECKS == 3, "a check without its field");

static const struct ipc_field egress_rec_fields[] = {
	IPC_FIELD(egress_rec, oid, IPC_FT_U64),
	IPC_FIELD(egress_rec, id, IPC_FT_STR),
	IPC_FIELD(egress_rec, label, IPC_FT_STR),
	IPC_FIELD(egress_rec, ip_address, IPC_FT_STR),
	IPC_FIELD(egress_rec, tunnel_type, IPC_FT_STR),
	IPC_FIELD(egress_rec, provider, IPC_FT_STR),
	IPC_FIELD(egress_rec, wg_endpoint, IPC_FT_STR),
	IPC_FIELD(egress_rec, wg_public_key, IPC_FT_STR),
	IPC_FIELD(egress_rec, wg_allowed_ips, IPC_FT_STR),
	IPC_FIELD(egress_rec, wg_dns_server, IPC_FT_STR),
	IPC_FIELD(egress_rec, wg_peer_address, IPC_FT_STR),
	IPC_FIELD(egress_rec, proxy_config, IPC_FT_STR),
	IPC_FIELD(egress_rec, wg_client_public_key, IPC_FT_STR),
	IPC_FIELD(egress_rec, secrets_set, IPC_FT_U32),
	IPC_FIELD(egress_rec, host_id, IPC_FT_STR),
	IPC_FIELD(egress_rec, binding_id, IPC_FT_STR),
	IPC_FIELD(egress_rec, config_error, IPC_FT_STR),
	IPC_FIELD(egress_rec, created_at, IPC_FT_I64),
	IPC_FIELD(egress_rec, updated_at, IPC_FT_I64),
};
const struct ipc_body body_egress_rec =
    IPC_BODY(egress_rec, egress_rec_fields);

static const struct ipc_field egress_given_fields[] = {
	IPC_FIELD_AUX(egress_given, set.label, IPC_FT_OPTSTR,
	    absent[EG_LABEL]),
	IPC_FIELD_AUX(egress_given, set.ip_address, IPC_FT_OPTSTR,
	    absent[EG_IP_ADDRESS]),
	IPC_FIELD_AUX(egress_given, set.tunnel_type, IPC_FT_OPTSTR,
	    absent[EG_TUNNEL_TYPE]),
	IPC_FIELD_AUX(egress_given, set.provider, IPC_FT_OPTSTR,
	    absent[EG_PROVIDER]),
	IPC_FIELD_AUX(egress_given, set.wg_endpoint, IPC_FT_OPTSTR,
	    absent[EG_WG_ENDPOINT]),
	IPC_FIELD_AUX(egress_given, set.wg_public_key, IPC_FT_OPTSTR,
	    absent[EG_WG_PUBLIC_KEY]),
	IPC_FIELD_AUX(egress_given, set.wg_allowed_ips, IPC_FT_OPTSTR,
	    absent[EG_WG_ALLOWED_IPS]),
	IPC_FIELD_AUX(egress_given, set.wg_dns_server, IPC_FT_OPTSTR,
	    absent[EG_WG_DNS_SERVER]),
	IPC_FIELD_AUX(egress_given, set.wg_peer_address, IPC_FT_OPTSTR,
	    absent[EG_WG_PEER_ADDRESS]),
	IPC_FIELD_AUX(egress_given, set.proxy_config, IPC_FT_OPTSTR,
	    absent[EG_PROXY_CONFIG]),
};
const struct ipc_body body_egress_given =
    IPC_BODY(egress_given, egress_given_fields);

static const struct ipc_field egress_seal_fields[] = {
	IPC_FIELD(egress_seal, action, IPC_FT_U32),
	IPC_FIELD_AUX(egress_seal, sealed, IPC_FT_BIN, sealed_len),
	IPC_FIELD(egress_seal, ref, IPC_FT_STR),
	IPC_FIELD(egress_seal, valid, IPC_FT_BOOL),
};
const struct ipc_body body_egress_seal =
    IPC_BODY(egress_seal, egress_seal_fields);

static const struct ipc_field binding_rec_fields[] = {
	IPC_FIELD(binding_rec, oid, IPC_FT_U64),
	IPC_FIELD(binding_rec, id, IPC_FT_STR),
	IPC_FIELD(binding_rec, host_id, IPC_FT_STR),
	IPC_FIELD(binding_rec, egress_ip_id, IPC_FT_STR),
	IPC_FIELD(binding_rec, created_at, IPC_FT_I64),
};
const struct ipc_body body_binding_rec =
    IPC_BODY(binding_rec, binding_rec_fields);

static const struct ipc_field egress_job_fields[] = {
	IPC_FIELD(egress_job, present, IPC_FT_BOOL),
	IPC_FIELD(egress_job, oid, IPC_FT_U64),
	IPC_FIELD(egress_job, id, IPC_FT_STR),
	IPC_FIELD(egress_job, endpoint, IPC_FT_STR),
	IPC_FIELD(egress_job, peer_public_key, IPC_FT_STR),
	IPC_FIELD(egress_job, allowed_ips, IPC_FT_STR),
	IPC_FIELD(egress_job, dns_server, IPC_FT_STR),
	IPC_FIELD(egress_job, address, IPC_FT_STR),
	IPC_FIELD_AUX(egress_job, sealed[0], IPC_FT_BIN, sealedlen[0]),
	IPC_FIELD(egress_job, ref[0], IPC_FT_STR),
	IPC_FIELD_AUX(egress_job, sealed[1], IPC_FT_BIN, sealedlen[1]),
	IPC_FIELD(egress_job, ref[1], IPC_FT_STR),
};
const struct ipc_body body_egress_job =
    IPC_BODY(egress_job, egress_job_fields);

static const struct ipc_field egress_test_fields[] = {
	IPC_FIELD(egress_test, result[EGC_CONNECTIVITY], IPC_FT_I64),
	IPC_FIELD(egress_test, detail[EGC_CONNECTIVITY], IPC_FT_STR),
	IPC_FIELD(egress_test, result[EGC_EXIT_IP], IPC_FT_I64),
	IPC_FIELD(egress_test, detail[EGC_EXIT_IP], IPC_FT_STR),
	IPC_FIELD(egress_test, result[EGC_DNS], IPC_FT_I64),
	IPC_FIELD(egress_test, detail[EGC_DNS], IPC_FT_STR),
	IPC_FIELD(egress_test, exit_ip, IPC_FT_STR),
	IPC_FIELD(egress_test, ms, IPC_FT_U64),
};
const struct ipc_body body_egress_test =
    IPC_BODY(egress_test, egress_test_fields);

/* ---- an admin's egress IPs --------------------------------------------- */

static const struct ipc_field op_egress_fields[] = {
	IPC_FIELD_AUX(ipc_op_egress, grant, IPC_FT_BIN, grant_len),
	IPC_FIELD(ipc_op_egress, op, IPC_FT_U32),
	IPC_FIELD(ipc_op_egress, ref, IPC_FT_STR),
};
const struct ipc_body body_op_egress =
    IPC_BODY(ipc_op_egress, op_egress_fields);

static const struct ipc_field auth_egress_fields[] = {
	IPC_FIELD_AUX(ipc_auth_egress, grant, IPC_FT_BIN, grant_len),
	IPC_FIELD(ipc_auth_egress, op, IPC_FT_U32),
	IPC_FIELD(ipc_auth_egress, ref, IPC_FT_STR),
	IPC_FIELD_REC(ipc_auth_egress, given, body_egress_given),
	IPC_FIELD_AUX(ipc_auth_egress, secret[EGS_WG_PRIVATE_KEY],
	    IPC_FT_OPTSTR, secret_absent[EGS_WG_PRIVATE_KEY]),
	IPC_FIELD_AUX(ipc_auth_egress, secret[EGS_WG_PRESHARED_KEY],
	    IPC_FT_OPTSTR, secret_absent[EGS_WG_PRESHARED_KEY]),
	IPC_FIELD_AUX(ipc_auth_egress, secret[EGS_PROXY_PASSWORD],
	    IPC_FT_OPTSTR, secret_absent[EGS_PROXY_PASSWORD]),
	IPC_FIELD_AUX(ipc_auth_egress, secret[EGS_PROXY_UUID],
	    IPC_FT_OPTSTR, secret_absent[EGS_PROXY_UUID]),
};
const struct ipc_body body_auth_egress =
    IPC_BODY(ipc_auth_egress, auth_egress_fields);

static const struct ipc_field store_egress_fields[] = {
	IPC_FIELD_AUX(ipc_store_egress, grant, IPC_FT_BIN, grant_len),
	IPC_FIELD(ipc_store_egress, op, IPC_FT_U32),
	IPC_FIELD(ipc_store_egress, ref, IPC_FT_STR),
	IPC_FIELD_REC(ipc_store_egress, given, body_egress_given),
	IPC_FIELD(ipc_store_egress, client_public_key, IPC_FT_STR),
	IPC_FIELD_REC(ipc_store_egress, seal[EGS_WG_PRIVATE_KEY],
	    body_egress_seal),
	IPC_FIELD_REC(ipc_store_egress, seal[EGS_WG_PRESHARED_KEY],
	    body_egress_seal),
	IPC_FIELD_REC(ipc_store_egress, seal[EGS_PROXY_PASSWORD],
	    body_egress_seal),
	IPC_FIELD_REC(ipc_store_egress, seal[EGS_PROXY_UUID],
	    body_egress_seal),
};
const struct ipc_body body_store_egress =
    IPC_BODY(ipc_store_egress, store_egress_fields);

static const struct ipc_field egress_res_fields[] = {
	IPC_FIELD(ipc_egress_res, head, IPC_FT_HEAD),
	IPC_FIELD_REC(ipc_egress_res, egress, body_egress_rec),
	IPC_FIELD(ipc_egress_res, task_id, IPC_FT_STR),
};
const struct ipc_body body_egress_res =
    IPC_BODY(ipc_egress_res, egress_res_fields);

static const struct ipc_field egress_page_fields[] = {
	IPC_FIELD_AUX(ipc_egress_page, grant, IPC_FT_BIN, grant_len),
	IPC_FIELD(ipc_egress_page, limit, IPC_FT_U32),
	IPC_FIELD(ipc_egress_page, offset, IPC_FT_U32),
};
const struct ipc_body body_egress_page =
    IPC_BODY(ipc_egress_page, egress_page_fields);

static const struct ipc_field egress_page_res_fields[] = {
	IPC_FIELD(ipc_egress_page_res, head, IPC_FT_HEAD),
	IPC_FIELD(ipc_egress_page_res, total, IPC_FT_U64),
	IPC_FIELD(ipc_egress_page_res, count, IPC_FT_U64),
};
const struct ipc_body body_egress_page_res =
    IPC_BODY(ipc_egress_page_res, egress_page_res_fields);

/* ---- bindings ---------------------------------------------------------- */

static const struct ipc_field op_binding_fields[] = {
	IPC_FIELD_AUX(ipc_op_binding, grant, IPC_FT_BIN, grant_len),
	IPC_FIELD(ipc_op_binding, op, IPC_FT_U32),
	IPC_FIELD(ipc_op_binding, ref, IPC_FT_STR),
	IPC_FIELD(ipc_op_binding, egress_ref, IPC_FT_STR),
};
const struct ipc_body body_op_binding =
    IPC_BODY(ipc_op_binding, op_binding_fields);

static const struct ipc_field binding_res_fields[] = {
	IPC_FIELD(ipc_binding_res, head, IPC_FT_HEAD),
	IPC_FIELD_REC(ipc_binding_res, binding, body_binding_rec),
	IPC_FIELD(ipc_binding_res, task_id, IPC_FT_STR),
};
const struct ipc_body body_binding_res =
    IPC_BODY(ipc_binding_res, binding_res_fields);

/* ---- a tunnel's keys, and the test ------------------------------------- */

static const struct ipc_field egress_unseal_fields[] = {
	IPC_FIELD(ipc_egress_unseal, id, IPC_FT_STR),
	IPC_FIELD(ipc_egress_unseal, oid, IPC_FT_U64),
	IPC_FIELD_AUX(ipc_egress_unseal, sealed[0], IPC_FT_BIN, sealed_len[0]),
	IPC_FIELD(ipc_egress_unseal, ref[0], IPC_FT_STR),
	IPC_FIELD_AUX(ipc_egress_unseal, sealed[1], IPC_FT_BIN, sealed_len[1]),
	IPC_FIELD(ipc_egress_unseal, ref[1], IPC_FT_STR),
};
const struct ipc_body body_egress_unseal =
    IPC_BODY(ipc_egress_unseal, egress_unseal_fields);

static const struct ipc_field egress_unseal_res_fields[] = {
	IPC_FIELD(ipc_egress_unseal_res, head, IPC_FT_HEAD),
	IPC_FIELD(ipc_egress_unseal_res, key[0], IPC_FT_STR),
	IPC_FIELD(ipc_egress_unseal_res, key[1], IPC_FT_STR),
};
const struct ipc_body body_egress_unseal_res =
    IPC_BODY(ipc_egress_unseal_res, egress_unseal_res_fields);

static const struct ipc_field op_egress_test_fields[] = {
	IPC_FIELD_AUX(ipc_op_egress_test, grant, IPC_FT_BIN, grant_len),
	IPC_FIELD(ipc_op_egress_test, ref, IPC_FT_STR),
};
const struct ipc_body body_op_egress_test =
    IPC_BODY(ipc_op_egress_test, op_egress_test_fields);

static const struct ipc_field egress_test_res_fields[] = {
	IPC_FIELD(ipc_egress_test_res, head, IPC_FT_HEAD),
	IPC_FIELD(ipc_egress_test_res, id, IPC_FT_STR),
	IPC_FIELD_REC(ipc_egress_test_res, test, body_egress_test),
};
const struct ipc_body body_egress_test_res =
    IPC_BODY(ipc_egress_test_res, egress_test_res_fields);

static const struct ipc_field egress_check_fields[] = {
	IPC_FIELD_REC(ipc_egress_check, job, body_egress_job),
	IPC_FIELD(ipc_egress_check, declared_ip, IPC_FT_STR),
};
const struct ipc_body body_egress_check =
    IPC_BODY(ipc_egress_check, egress_check_fields);

static const struct ipc_field egress_check_res_fields[] = {
	IPC_FIELD(ipc_egress_check_res, head, IPC_FT_HEAD),
	IPC_FIELD_REC(ipc_egress_check_res, test, body_egress_test),
};
const struct ipc_body body_egress_check_res =
    IPC_BODY(ipc_egress_check_res, egress_check_res_fields);

/* ---- configuration ----------------------------------------------------- */

static const struct ipc_field cfg_egress_fields[] = {
	IPC_FIELD(ipc_cfg_egress, count, IPC_FT_U32),
};
const struct ipc_body body_cfg_egress =
    IPC_BODY(ipc_cfg_egress, cfg_egress_fields);

static const struct ipc_field cfg_egress_range_fields[] = {
	IPC_FIELD(ipc_cfg_egress_range, range, IPC_FT_STR),
};
const struct ipc_body body_cfg_egress_range =
    IPC_BODY(ipc_cfg_egress_range, cfg_egress_range_fields);
