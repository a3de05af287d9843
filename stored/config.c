/* stored's half of the configuration push (see moatd/config.c). */
#include "log.h"
#include "stored.h"

static int
get_common(struct stored_config *c, struct ipc_msg *m)
{
	ipc_get_u32(m, &c->verbose);
	ipc_get_u32(m, &c->ipc_timeout_ms);
	return ipc_end(m);
}

static int
apply(struct stored *s, struct ipc_chan *chan, struct ipc_msg *m)
{
	struct ipc_msg	 ack;
	uint64_t	 generation;

	ipc_get_u64(m, &generation);
	if (ipc_end(m) == -1)
		return -1;
	s->conf = s->pending;
	log_setverbose(s->conf.verbose);
	ipc_msg_init(&ack, IPC_CFG_ACK, 0);
	ipc_put_u64(&ack, generation);
	ipc_reply(chan, m, &ack);
	return 0;
}

int
config_dispatch(struct ipc_chan *chan, struct ipc_msg *m)
{
	struct stored	*s = stored_env;

	switch (m->type) {
	case IPC_CFG_COMMON:
		return get_common(&s->pending, m);
	case IPC_CFG_DONE:
		return apply(s, chan, m);
	case IPC_PROC_START:
		if (ipc_end(m) == -1 || s->serving)
			return -1;
		s->serving = 1;
		return 0;
	default:
		return -1;
	}
}
