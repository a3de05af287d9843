/* taskd's half of the configuration push (see moatd/config.c). */
#include "daemon.h"
#include "log.h"
#include "taskd.h"

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

static void
apply(void)
{
	struct taskd	*t = taskd_env;

	t->conf = t->pending;
	log_setverbose(t->conf.common.verbose);
}

int
config_dispatch(struct ipc_chan *chan, struct ipc_msg *m)
{
	struct taskd	*t = taskd_env;

	switch (m->type) {
	case IPC_CFG_COMMON:
		return daemon_get_common(m, &t->pending.common);
	case IPC_CFG_TASK:
		return get_task(&t->pending, m);
	case IPC_CFG_DONE:
		return daemon_config_done(chan, m, apply);
	case IPC_PROC_START:
		return daemon_proc_start(m, &t->serving);
	default:
		return -1;
	}
}
