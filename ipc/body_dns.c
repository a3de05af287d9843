/* The field tables of the DNS provider messages (body_dns.h). */
#include "body_dns.h"
#include "ipc.h"

static const struct ipc_field dnsprov_rec_fields[] = {
	IPC_FIELD(dnsprov_rec, oid, IPC_FT_U64),
	IPC_FIELD(dnsprov_rec, id, IPC_FT_STR),
	IPC_FIELD(dnsprov_rec, user_oid, IPC_FT_U64),
	IPC_FIELD(dnsprov_rec, name, IPC_FT_STR),
	IPC_FIELD(dnsprov_rec, type, IPC_FT_STR),
	IPC_FIELD(dnsprov_rec, server, IPC_FT_STR),
	IPC_FIELD(dnsprov_rec, port, IPC_FT_U32),
	IPC_FIELD(dnsprov_rec, zone, IPC_FT_STR),
	IPC_FIELD(dnsprov_rec, key_name, IPC_FT_STR),
	IPC_FIELD(dnsprov_rec, algorithm, IPC_FT_STR),
	IPC_FIELD(dnsprov_rec, zone_id, IPC_FT_STR),
	IPC_FIELD(dnsprov_rec, secret_set, IPC_FT_BOOL),
	IPC_FIELD(dnsprov_rec, created_at, IPC_FT_I64),
};
const struct ipc_body body_dnsprov_rec =
    IPC_BODY(dnsprov_rec, dnsprov_rec_fields);

static const struct ipc_field dnsprov_create_fields[] = {
	IPC_FIELD_AUX(ipc_dnsprov_create, grant, IPC_FT_BIN, grant_len),
	IPC_FIELD(ipc_dnsprov_create, access, IPC_FT_U32),
	IPC_FIELD(ipc_dnsprov_create, user, IPC_FT_STR),
	IPC_FIELD(ipc_dnsprov_create, dialect, IPC_FT_U32),
	IPC_FIELD_REC(ipc_dnsprov_create, prov, body_dnsprov_rec),
	IPC_FIELD(ipc_dnsprov_create, secret, IPC_FT_STR),
};
const struct ipc_body body_dnsprov_create =
    IPC_BODY(ipc_dnsprov_create, dnsprov_create_fields);

static const struct ipc_field dnsprov_store_fields[] = {
	IPC_FIELD_AUX(ipc_dnsprov_store, grant, IPC_FT_BIN, grant_len),
	IPC_FIELD(ipc_dnsprov_store, access, IPC_FT_U32),
	IPC_FIELD(ipc_dnsprov_store, user, IPC_FT_STR),
	IPC_FIELD(ipc_dnsprov_store, dialect, IPC_FT_U32),
	IPC_FIELD_REC(ipc_dnsprov_store, prov, body_dnsprov_rec),
	IPC_FIELD_AUX(ipc_dnsprov_store, sealed, IPC_FT_BIN, sealed_len),
};
const struct ipc_body body_dnsprov_store =
    IPC_BODY(ipc_dnsprov_store, dnsprov_store_fields);

static const struct ipc_field dnsprov_res_fields[] = {
	IPC_FIELD(ipc_dnsprov_res, head, IPC_FT_HEAD),
	IPC_FIELD_REC(ipc_dnsprov_res, prov, body_dnsprov_rec),
};
const struct ipc_body body_dnsprov_res =
    IPC_BODY(ipc_dnsprov_res, dnsprov_res_fields);

static const struct ipc_field dnsprov_unseal_fields[] = {
	IPC_FIELD(ipc_dnsprov_unseal, id, IPC_FT_STR),
	IPC_FIELD_AUX(ipc_dnsprov_unseal, sealed, IPC_FT_BIN, sealed_len),
};
const struct ipc_body body_dnsprov_unseal =
    IPC_BODY(ipc_dnsprov_unseal, dnsprov_unseal_fields);

static const struct ipc_field dnsprov_unseal_res_fields[] = {
	IPC_FIELD(ipc_dnsprov_unseal_res, head, IPC_FT_HEAD),
	IPC_FIELD(ipc_dnsprov_unseal_res, secret, IPC_FT_STR),
};
const struct ipc_body body_dnsprov_unseal_res =
    IPC_BODY(ipc_dnsprov_unseal_res, dnsprov_unseal_res_fields);
