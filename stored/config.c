/* stored's half of the configuration push (see moatd/config.c). */
#include "daemon.h"
#include "log.h"
#include "stored.h"

static void
apply(void)
{
	struct stored	*s = stored_env;

	s->conf = s->pending;
	log_setverbose(s->conf.common.verbose);
}

int
config_dispatch(struct ipc_chan *chan, struct ipc_msg *m)
{
	struct stored	*s = stored_env;

	switch (m->type) {
	case IPC_CFG_COMMON:
		return daemon_get_common(m, &s->pending.common);
	case IPC_CFG_DONE:
		return daemon_config_done(chan, m, apply);
	case IPC_PROC_START:
		return daemon_proc_start(m, &s->serving);
	default:
		return -1;
	}
}
