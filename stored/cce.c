/*
 * The command API's object model (issue 12): the schema moatd read, and
 * the commands frontd (reads) and authd (writes) pass on.  Being built:
 * until it is, every command is answered 501.
 */
#include <stdlib.h>
#include <unistd.h>

#include "body_cce.h"
#include "body_cfg.h"
#include "ipc.h"
#include "log.h"
#include "stored.h"

int
cce_config_schema(struct ipc_chan *chan, struct ipc_msg *m)
{
	struct ipc_cfg_file	 b;

	(void)chan;
	if (ipc_msg_get(m, &b) == -1)
		return -1;
	close(b.fd);
	return 0;
}

int
cce_command(struct ipc_chan *chan, struct ipc_msg *m)
{
	struct ipc_req	 q = ipc_req_of(chan, m);

	return ipc_answer_status(&q, 501, "the command API is being built");
}
