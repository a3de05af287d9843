/*
 * GET /healthz, stored's part: the database answers a real query, and
 * taskd answers a ping.  Checks that arrive while a ping is in flight
 * wait for that ping instead of sending their own, so a flood of health
 * checks costs taskd one message at a time.
 */
#include <sys/queue.h>

#include <stdlib.h>

#include "log.h"
#include "stored.h"

#define HEALTH_MAX_WAITERS	8192
#define AGENT_TIMEOUT_MS	2000

struct waiter {
	TAILQ_ENTRY(waiter)	 entry;
	struct ipc_chan		*chan;
	uint32_t		 reqid;
	int			 db_ok;
};
TAILQ_HEAD(waiters, waiter);

static struct waiters	 waiting = TAILQ_HEAD_INITIALIZER(waiting);
static size_t		 nwaiting;
static int		 ping_in_flight;

static int
database_ok(void)
{
	int	 v = schema_version();

	return v > 0;
}

static void
answer(struct ipc_chan *chan, uint32_t reqid, int db_ok, int agent_ok)
{
	struct ipc_msg	 req, reply;

	req.type = IPC_HEALTH_CHECK;
	req.reqid = reqid;
	ipc_msg_init(&reply, IPC_HEALTH_RESULT, 0);
	ipc_put_head(&reply, 200, "ok");
	ipc_put_bool(&reply, db_ok);
	ipc_put_bool(&reply, agent_ok);
	ipc_reply(chan, &req, &reply);
}

static void
agent_answered(struct ipc_chan *chan, struct ipc_msg *m, void *arg)
{
	struct waiter	*w;
	struct ipc_head	 h;
	int		 ok = 0;

	(void)chan;
	(void)arg;
	if (m != NULL) {
		ok = ipc_get_head(m, &h) == 1 && ipc_end(m) == 0;
		if (!ok)
			log_warnx("taskd's agent.pong: %s", h.message);
	} else
		log_warnx("taskd did not answer a ping");
	ping_in_flight = 0;
	while ((w = TAILQ_FIRST(&waiting)) != NULL) {
		TAILQ_REMOVE(&waiting, w, entry);
		answer(w->chan, w->reqid, w->db_ok, ok);
		free(w);
	}
	nwaiting = 0;
}

int
health_check(struct ipc_chan *chan, struct ipc_msg *m)
{
	struct stored	*s = stored_env;
	struct waiter	*w;
	struct ipc_msg	 ping;
	int		 db_ok;

	if (ipc_end(m) == -1)
		return -1;
	db_ok = database_ok();
	if (nwaiting >= HEALTH_MAX_WAITERS) {
		answer(chan, m->reqid, db_ok, 0);
		return 0;
	}
	if ((w = calloc(1, sizeof(*w))) == NULL)
		fatal("%s", __func__);
	w->chan = chan;
	w->reqid = m->reqid;
	w->db_ok = db_ok;
	TAILQ_INSERT_TAIL(&waiting, w, entry);
	nwaiting++;
	if (ping_in_flight)
		return 0;
	ping_in_flight = 1;
	ipc_msg_init(&ping, IPC_AGENT_PING, 0);
	if (ipc_request(s->chans[PROC_TASKD], &ping, AGENT_TIMEOUT_MS,
	    agent_answered, NULL) == -1)
		agent_answered(NULL, NULL, NULL);
	return 0;
}

/* The no-op round trip of the IPC benchmark: echo the payload. */
int
health_ping(struct ipc_chan *chan, struct ipc_msg *m)
{
	struct ipc_msg	 pong;
	char		 payload[4096];
	size_t		 len;

	ipc_get_bin(m, payload, sizeof(payload), &len);
	if (ipc_end(m) == -1)
		return -1;
	ipc_msg_init(&pong, IPC_PONG, 0);
	ipc_put_head(&pong, 200, "ok");
	ipc_put_bin(&pong, payload, len);
	ipc_reply(chan, m, &pong);
	return 0;
}
