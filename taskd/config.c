/* taskd's half of the configuration push (see moatd/config.c). */
#include "log.h"
#include "taskd.h"

static int
get_common(struct taskd_config *c, struct ipc_msg *m)
{
	ipc_get_u32(m, &c->verbose);
	ipc_get_u32(m, &c->ipc_timeout_ms);
	return ipc_end(m);
}

static int
get_task(struct taskd_config *c, struct ipc_msg *m)
{
	ipc_get_u32(m, &c->workers);
	if (ipc_end(m) == -1)
		return -1;
	if (c->workers == 0 || c->workers > 64) {
		m->error = "workers out of range";
		return -1;
	}
	return 0;
}

static int
apply(struct taskd *t, struct ipc_chan *chan, struct ipc_msg *m)
{
	struct ipc_msg	 ack;
	uint64_t	 generation;

	ipc_get_u64(m, &generation);
	if (ipc_end(m) == -1)
		return -1;
	t->conf = t->pending;
	log_setverbose(t->conf.verbose);
	ipc_msg_init(&ack, IPC_CFG_ACK, 0);
	ipc_put_u64(&ack, generation);
	ipc_reply(chan, m, &ack);
	return 0;
}

int
config_dispatch(struct ipc_chan *chan, struct ipc_msg *m)
{
	struct taskd	*t = taskd_env;

	switch (m->type) {
	case IPC_CFG_COMMON:
		return get_common(&t->pending, m);
	case IPC_CFG_TASK:
		return get_task(&t->pending, m);
	case IPC_CFG_DONE:
		return apply(t, chan, m);
	case IPC_PROC_START:
		if (ipc_end(m) == -1 || t->serving)
			return -1;
		t->serving = 1;
		return 0;
	default:
		return -1;
	}
}
