/* The field tables of the operator's requests (body_ctl.h). */
#include "body_ctl.h"
#include "ipc.h"

static const struct ipc_field ctl_proc_fields[] = {
	IPC_FIELD(ipc_ctl_proc, name, IPC_FT_STR),
	IPC_FIELD(ipc_ctl_proc, pid, IPC_FT_U64),
	IPC_FIELD(ipc_ctl_proc, user, IPC_FT_STR),
	IPC_FIELD(ipc_ctl_proc, uid, IPC_FT_U64),
	IPC_FIELD(ipc_ctl_proc, started, IPC_FT_U64),
};
const struct ipc_body body_ctl_proc = IPC_BODY(ipc_ctl_proc, ctl_proc_fields);
