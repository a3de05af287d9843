/* The field table of an SSH key record (sshkeyrec.h). */
#include "ipc.h"
#include "sshkeyrec.h"

static const struct ipc_field sshkey_rec_fields[] = {
	IPC_FIELD(sshkey_rec, oid, IPC_FT_U64),
	IPC_FIELD(sshkey_rec, id, IPC_FT_STR),
	IPC_FIELD(sshkey_rec, user_oid, IPC_FT_U64),
	IPC_FIELD(sshkey_rec, user_id, IPC_FT_STR),
	IPC_FIELD(sshkey_rec, name, IPC_FT_STR),
	IPC_FIELD(sshkey_rec, type, IPC_FT_STR),
	IPC_FIELD(sshkey_rec, blob64, IPC_FT_STR),
	IPC_FIELD(sshkey_rec, comment, IPC_FT_STR),
	IPC_FIELD(sshkey_rec, fingerprint, IPC_FT_STR),
	IPC_FIELD(sshkey_rec, bits, IPC_FT_U32),
	IPC_FIELD(sshkey_rec, created_at, IPC_FT_I64),
	IPC_FIELD(sshkey_rec, private_key, IPC_FT_STR),
};
const struct ipc_body body_sshkey_rec =
    IPC_BODY(sshkey_rec, sshkey_rec_fields);
