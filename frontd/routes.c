/*
 * The routes: which handler a method and path go to.  Each dialect adds
 * its table here; unknown paths are 404 and known paths with another
 * method 405, both in JSON.
 */
#include <stdio.h>
#include <string.h>

#include "conn.h"
#include "frontd.h"
#include "log.h"

struct route {
	enum http_method	 method;
	const char		*path;
	void			(*handler)(struct conn *);
};

static void	 healthz(struct conn *);

static const struct route routes[] = {
	{ HTTP_METHOD_GET, "/healthz", healthz },
	{ HTTP_METHOD_HEAD, "/healthz", healthz },
};

static int
path_is(const struct conn *c, const char *path)
{
	size_t	 len = strlen(path);

	return c->req.pathlen == len && memcmp(c->req.path, path, len) == 0;
}

void
routes_dispatch(struct conn *c)
{
	size_t	 i;
	int	 known = 0;

	for (i = 0; i < sizeof(routes) / sizeof(routes[0]); i++) {
		if (!path_is(c, routes[i].path))
			continue;
		known = 1;
		if (routes[i].method == c->req.method) {
			routes[i].handler(c);
			return;
		}
	}
	if (known)
		response_error(c, 405, "method not allowed");
	else
		response_error(c, 404, "not found");
}

static void
healthz_answer(struct conn *c, int db_ok, int agent_ok)
{
	char	 body[128];
	int	 n, ok = db_ok && agent_ok;

	n = snprintf(body, sizeof(body), "{\"status\":\"%s\",\"checks\":"
	    "{\"database\":\"%s\",\"agent\":\"%s\"}}", ok ? "ok" : "degraded",
	    db_ok ? "ok" : "fail", agent_ok ? "ok" : "fail");
	response_json(c, ok ? 200 : 503, body, n);
}

static void
healthz_result(struct ipc_chan *chan, struct ipc_msg *m, void *arg)
{
	struct conn	*c = arg;
	int		 db_ok = 0, agent_ok = 0;

	(void)chan;
	conn_ipc_done(c);
	if (m != NULL) {
		ipc_get_bool(m, &db_ok);
		ipc_get_bool(m, &agent_ok);
		if (ipc_end(m) == -1)
			fatalx("stored sent a malformed health.result");
	}
	healthz_answer(c, db_ok, agent_ok);
}

/* frontd has no link to taskd: stored checks the database and taskd. */
static void
healthz(struct conn *c)
{
	struct frontd	*f = frontd_env;
	struct ipc_chan	*chan = f->chans[PROC_STORED];
	struct ipc_msg	 m;

	ipc_msg_init(&m, IPC_HEALTH_CHECK, 0);
	if (ipc_request(chan, &m, f->ipc_timeout_ms, healthz_result, c) == -1) {
		healthz_answer(c, 0, 0);
		return;
	}
	conn_ipc_started(c, chan, chan->next_reqid);
}
