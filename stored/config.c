/* stored's half of the configuration push (see moatd/confpush.c). */
#include "daemon.h"
#include "log.h"
#include "stored.h"

static int
get_identity(struct stored_config *c, struct ipc_msg *m)
{
	uint32_t	 failures, invalid;
	int		 d;

	for (d = 0; d < DIALECT_MAX; d++) {
		ipc_get_u32(m, &c->session[d].lifetime);
		ipc_get_u32(m, &c->session[d].idle);
	}
	ipc_get_u32(m, &c->login_lifetime);
	ipc_get_u32(m, &failures);	/* authd counts those */
	ipc_get_u32(m, &invalid);
	ipc_get_u32(m, &c->api_requests);
	if (ipc_end(m) == -1)
		return -1;
	if (c->api_requests == 0)
		return ipc_violation(m, "api request limit out of range");
	return 0;
}

static void
apply(void)
{
	struct stored	*s = stored_env;

	s->conf = s->pending;
	log_setverbose(s->conf.common.verbose);
	ratelimit_set_limit(s->api, s->conf.api_requests);
}

int
config_common(struct ipc_chan *chan, struct ipc_msg *m)
{
	(void)chan;
	return daemon_get_common(m, &stored_env->pending.common);
}

int
config_identity(struct ipc_chan *chan, struct ipc_msg *m)
{
	(void)chan;
	return get_identity(&stored_env->pending, m);
}

int
config_egress(struct ipc_chan *chan, struct ipc_msg *m)
{
	(void)chan;
	return daemon_get_egress(m, &stored_env->pending.egress_allow);
}

int
config_done(struct ipc_chan *chan, struct ipc_msg *m)
{
	return daemon_config_done(chan, m, apply);
}

int
config_proc_start(struct ipc_chan *chan, struct ipc_msg *m)
{
	(void)chan;
	return daemon_proc_start(m, &stored_env->serving);
}
