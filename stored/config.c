/* stored's half of the configuration push (see moatd/confpush.c). */
#include "body_cfg.h"
#include "daemon.h"
#include "log.h"
#include "stored.h"

static int
get_identity(struct stored_config *c, struct ipc_msg *m)
{
	struct ipc_cfg_identity	 b;
	int			 d;

	/* failures and invalid tokens are authd's to count */
	if (ipc_msg_get(m, &b) == -1)
		return -1;
	if (b.api_requests == 0)
		return ipc_violation(m, "api request limit out of range");
	for (d = 0; d < DIALECT_MAX; d++) {
		c->session[d].lifetime = b.session[d].lifetime;
		c->session[d].idle = b.session[d].idle;
	}
	c->login_lifetime = b.login_lifetime;
	c->api_requests = b.api_requests;
	return 0;
}

static void
apply(void)
{
	struct stored	*s = stored_env;

	s->conf = s->pending;
	acme_dirs_move(&s->acme, &s->acme_pending);
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
config_acme(struct ipc_chan *chan, struct ipc_msg *m)
{
	(void)chan;
	return acme_dirs_get(m, &stored_env->acme_pending);
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
