/*
 * GET /healthz, stored's part: the database answers a real query, and
 * taskd answers a ping.  Checks that arrive while a ping is in flight
 * wait for that ping instead of sending their own, so a flood of health
 * checks costs taskd one message at a time.
 */
#include <sys/queue.h>

#include <stdlib.h>
#include <string.h>

#include "body_users.h"
#include "log.h"
#include "stored.h"

#define HEALTH_MAX_WAITERS	8192
#define AGENT_TIMEOUT_MS	2000

struct waiter {
	TAILQ_ENTRY(waiter)	 entry;
	struct ipc_req		 req;
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
answer(const struct ipc_req *req, int db_ok, int agent_ok)
{
	struct ipc_health_res	 res;

	memset(&res, 0, sizeof(res));
	head_set(&res.head, 200, "ok");
	res.db_ok = db_ok;
	res.agent_ok = agent_ok;
	ipc_answer(req, &res, NULL);
}

static void
agent_answered(struct ipc_chan *chan, struct ipc_msg *m, void *arg)
{
	struct waiter		*w;
	struct ipc_status_res	 pong;
	int			 ok = 0;

	(void)chan;
	(void)arg;
	if (m != NULL) {
		ok = ipc_msg_get(m, &pong) == 0 &&
		    ipc_status_ok(pong.head.status);
		if (!ok)
			log_warnx("taskd's agent.pong: %s", pong.head.message);
	} else
		log_warnx("taskd did not answer a ping");
	ping_in_flight = 0;
	while ((w = TAILQ_FIRST(&waiting)) != NULL) {
		TAILQ_REMOVE(&waiting, w, entry);
		answer(&w->req, w->db_ok, ok);
		free(w);
	}
	nwaiting = 0;
}

int
health_check(struct ipc_chan *chan, struct ipc_msg *m)
{
	struct stored	*s = stored_env;
	struct ipc_req	 req = ipc_req_of(chan, m);
	struct waiter	*w;
	struct ipc_msg	 ping;
	int		 db_ok;

	if (ipc_msg_get(m, NULL) == -1)
		return -1;
	db_ok = database_ok();
	if (nwaiting >= HEALTH_MAX_WAITERS) {
		answer(&req, db_ok, 0);
		return 0;
	}
	if ((w = calloc(1, sizeof(*w))) == NULL)
		fatal("%s", __func__);
	w->req = req;
	w->db_ok = db_ok;
	TAILQ_INSERT_TAIL(&waiting, w, entry);
	nwaiting++;
	if (ping_in_flight)
		return 0;
	ping_in_flight = 1;
	ipc_msg_init(&ping, IPC_AGENT_PING, 0);
	ipc_msg_put(&ping, NULL);
	if (ipc_request(s->chans[PROC_TASKD], &ping, AGENT_TIMEOUT_MS,
	    agent_answered, NULL) == -1)
		agent_answered(NULL, NULL, NULL);
	return 0;
}

/* The no-op round trip of the IPC benchmark: echo the payload. */
int
health_ping(struct ipc_chan *chan, struct ipc_msg *m)
{
	struct ipc_req	 req = ipc_req_of(chan, m);
	struct ipc_ping	 ping;
	struct ipc_pong	 pong;

	if (ipc_msg_get(m, &ping) == -1)
		return -1;
	memset(&pong, 0, sizeof(pong));
	head_set(&pong.head, 200, "ok");
	memcpy(pong.payload, ping.payload, ping.payload_len);
	pong.payload_len = ping.payload_len;
	ipc_answer(&req, &pong, NULL);
	return 0;
}
