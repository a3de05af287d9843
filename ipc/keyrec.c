/* The field table of an API key record (keyrec.h). */
#include "ipc.h"
#include "keyrec.h"

static const struct ipc_field key_rec_fields[] = {
	IPC_FIELD(key_rec, oid, IPC_FT_U64),
	IPC_FIELD(key_rec, id, IPC_FT_STR),
	IPC_FIELD(key_rec, public_id, IPC_FT_STR),
	IPC_FIELD(key_rec, user_oid, IPC_FT_U64),
	IPC_FIELD(key_rec, name, IPC_FT_STR),
	IPC_FIELD(key_rec, scopes, IPC_FT_U32),
	IPC_FIELD(key_rec, permissions, IPC_FT_STR),
	IPC_FIELD(key_rec, expires_at, IPC_FT_I64),
	IPC_FIELD(key_rec, created_at, IPC_FT_I64),
	IPC_FIELD(key_rec, last_used_at, IPC_FT_I64),
	IPC_FIELD(key_rec, token, IPC_FT_STR),
};
const struct ipc_body body_key_rec = IPC_BODY(key_rec, key_rec_fields);
