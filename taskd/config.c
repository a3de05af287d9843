/* taskd's half of the configuration push (see moatd/confpush.c). */
#include <sys/socket.h>

#include <stdio.h>
#include <string.h>

#include "body_cfg.h"
#include "daemon.h"
#include "driver.h"
#include "log.h"
#include "taskd.h"

static int
get_task(struct taskd_config *c, struct ipc_msg *m)
{
	struct ipc_cfg_task	 b;

	if (ipc_msg_get(m, &b) == -1)
		return -1;
	if (!driver_uid_range_ok(b.uid_first, b.uid_blocks))
		return ipc_violation(m, "uid range out of bounds");
	if (strcmp(b.runtime_kind, "crun") != 0 &&
	    strcmp(b.runtime_kind, "runc") != 0)
		return ipc_violation(m, "unknown runtime");
	if (b.workers == 0 || b.workers > 64)
		return ipc_violation(m, "workers out of range");
	/* as large: taskd.h's buffers are cfg.task's */
	c->workers = b.workers;
	strlcpy(c->runtime, b.runtime, sizeof(c->runtime));
	strlcpy(c->image, b.image, sizeof(c->image));
	strlcpy(c->runtime_kind, b.runtime_kind, sizeof(c->runtime_kind));
	strlcpy(c->check_url, b.check_url, sizeof(c->check_url));
	c->uid_first = b.uid_first;
	c->uid_blocks = b.uid_blocks;
	return 0;
}

/*
 * The runner learns its paths once, from the first configuration:
 * where the runtime is and the image must stay as they started (a
 * reload that changes them says so and takes effect at restart).
 */
static void
apply(void)
{
	struct taskd		*t = taskd_env;
	struct driver_paths	 p;
	static int		 told;

	t->conf = t->pending;
	acme_dirs_move(&t->acme, &t->acme_pending);
	log_setverbose(t->conf.common.verbose);
	if (told++)
		return;
	memset(&p, 0, sizeof(p));
	strlcpy(p.state, t->state_dir, sizeof(p.state));
	strlcpy(p.runtime, t->conf.runtime, sizeof(p.runtime));
	p.runc = strcmp(t->conf.runtime_kind, "runc") == 0;
	p.uid_first = t->conf.uid_first;
	p.uid_blocks = t->conf.uid_blocks;
	if (t->conf.image[0] != '\0')
		strlcpy(p.image, t->conf.image, sizeof(p.image));
	else if (snprintf(p.image, sizeof(p.image), "%s/image",
	    t->state_dir) >= (int)sizeof(p.image))
		fatalx("state directory path too long");
	if (send(t->runner, &p, sizeof(p), 0) != (ssize_t)sizeof(p))
		fatal("runner");
}

int
config_common(struct ipc_chan *chan, struct ipc_msg *m)
{
	(void)chan;
	return daemon_get_common(m, &taskd_env->pending.common);
}

int
config_task(struct ipc_chan *chan, struct ipc_msg *m)
{
	(void)chan;
	return get_task(&taskd_env->pending, m);
}

int
config_egress(struct ipc_chan *chan, struct ipc_msg *m)
{
	(void)chan;
	return daemon_get_egress(m, &taskd_env->pending.egress_allow);
}

int
config_acme(struct ipc_chan *chan, struct ipc_msg *m)
{
	(void)chan;
	return acme_dirs_get(m, &taskd_env->acme_pending);
}

int
config_acme_ca(struct ipc_chan *chan, struct ipc_msg *m)
{
	(void)chan;
	return acme_dirs_get_ca(m, &taskd_env->acme_pending);
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
	if (daemon_proc_start(m, &taskd_env->serving) == -1)
		return -1;
#ifdef MOAT_TEST
	http01_test_hook();
#endif
	jobs_wake();
	return 0;
}
