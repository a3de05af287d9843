/* The two common answers of stored: a status, or a user record. */
#include <string.h>

#include "stored.h"

void
reply_op(struct ipc_chan *chan, const struct ipc_msg *req, int status,
    const char *message)
{
	struct ipc_msg	 m;

	ipc_msg_init(&m, IPC_OP_RES, 0);
	ipc_put_u64(&m, status);
	ipc_put_str(&m, message);
	ipc_reply(chan, req, &m);
}

void
reply_user(struct ipc_chan *chan, const struct ipc_msg *req, int status,
    const char *message, const struct user_rec *u)
{
	struct ipc_msg	 m;

	ipc_msg_init(&m, IPC_USER_RES, 0);
	user_res_put(&m, status, message, u);
	ipc_reply(chan, req, &m);
}
