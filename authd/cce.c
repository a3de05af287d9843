/*
 * The command API's writes (issue 12): authd hashes every value of a
 * password property before it passes a command on to stored.  Being
 * built: until it is, every command is answered 501.
 */
#include <stdlib.h>

#include "authd.h"
#include "body_cce.h"
#include "ipc.h"
#include "log.h"

int
cce_config_passwords(struct ipc_chan *chan, struct ipc_msg *m)
{
	(void)chan;
	(void)m;
	return 0;
}

int
cce_relay(struct ipc_chan *chan, struct ipc_msg *m)
{
	struct ipc_req	 q = ipc_req_of(chan, m);

	return ipc_answer_status(&q, 501, "the command API is being built");
}
