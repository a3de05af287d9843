/*
 * The SSH gateway's logins (DESIGN.md, "The SSH gateway"): gatewayd,
 * which holds no secret, sends what a client offered; authd asks stored
 * for the host, its owner and the owner's credentials, checks in
 * constant time, records the outcome, and on success gives taskd a
 * permit (straight, authd -> taskd) whose ticket gatewayd then presents
 * to open sessions.  The credential is judged before the account's
 * state, so that only someone who knows it learns that the host is
 * stopped or the account disabled.
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <openssl/crypto.h>

#include "authd.h"
#include "body_gw.h"
#include "hostlife.h"
#include "log.h"
#include "util.h"

#define GW_PERMIT_TTL		30	/* seconds to open a first session */
#define GW_HOST_FAILURES	20	/* per host and window, any address */
#define GW_HOST_WINDOW		300

struct gw_login {
	struct ipc_req		 req;
	struct ipc_gw_auth	 b;
	struct attempt		 attempt;
	uint64_t		 user_oid;
	char			 ticket[GW_TICKET_LEN + 1];
};

static struct ratelimit	*host_failures;

static const char *
method_name(uint32_t method)
{
	return method == GW_METHOD_PASSWORD ? "password" : "publickey";
}

static void
login_free(struct gw_login *l)
{
	explicit_bzero(l, sizeof(*l));
	free(l);
}

static void
gw_event(struct gw_login *l, const char *type, const char *why)
{
	struct ipc_auth_event	 e;
	struct ipc_msg		 m;

	memset(&e, 0, sizeof(e));
	strlcpy(e.type, type, sizeof(e.type));
	e.user_oid = l->user_oid;
	strlcpy(e.name, l->b.short_id, sizeof(e.name));
	strlcpy(e.peer, l->b.peer, sizeof(e.peer));
	e.dialect = DIALECT_MAX;	/* none: not an HTTP API's */
	snprintf(e.message, sizeof(e.message), "ssh %s%s%s",
	    method_name(l->b.method), why != NULL ? ": " : "",
	    why != NULL ? why : "");
	ipc_msg_init(&m, IPC_AUTH_EVENT, 0);
	ipc_msg_put(&m, &e);
	ipc_send(authd_env->chans[PROC_STORED], &m);
}

/* A refusal: counted against the address and the host, recorded. */
static void
refuse(struct gw_login *l, uint32_t status, const char *why, int count)
{
	uint32_t	 retry;

	if (count) {
		attempt_failed(&l->attempt);
		/* a key the client's agent offers in vain is no attack on
		 * the host: only real attempts lock it */
		if (l->b.short_id[0] != '\0' && !l->b.probe)
			(void)ratelimit_hit(host_failures, l->b.short_id,
			    strlen(l->b.short_id), time(NULL), &retry);
	} else
		attempt_forgive(&l->attempt);
	if (!l->b.probe)
		gw_event(l, "ssh.login_failed", why);
	ipc_answer_status(&l->req, status, why);
	login_free(l);
}


/* One of the owner's keys, "type blob64 [comment]", is the one offered. */
static int
key_matches(const struct gw_login *l, const char *line)
{
	size_t	 tl = strlen(l->b.key_type), bl = strlen(l->b.secret);

	if (strncmp(line, l->b.key_type, tl) != 0 || line[tl] != ' ')
		return 0;
	line += tl + 1;
	if (strncmp(line, l->b.secret, bl) != 0)
		return 0;
	return line[bl] == '\0' || line[bl] == ' ';
}

/* A 2xx answer carries its whole body: a ticket, or "" for a probe. */
static void
answer_ok(struct gw_login *l, const char *message, const char *ticket)
{
	struct ipc_gw_auth_res	 res;

	memset(&res, 0, sizeof(res));
	res.head.status = 200;
	strlcpy(res.head.message, message, sizeof(res.head.message));
	strlcpy(res.ticket, ticket, sizeof(res.ticket));
	ipc_answer(&l->req, &res, NULL);
	explicit_bzero(&res, sizeof(res));
	login_free(l);
}

static void
permitted(struct ipc_chan *chan, struct ipc_msg *m, void *arg)
{
	struct gw_login		*l = arg;
	struct ipc_status_res	 r;

	(void)chan;
	if (m == NULL || ipc_msg_get(m, &r) == -1 ||
	    !ipc_status_ok(r.head.status)) {
		attempt_forgive(&l->attempt);
		ipc_answer_status(&l->req, 503, "no session can be opened now");
		login_free(l);
		return;
	}
	attempt_forgive(&l->attempt);
	gw_event(l, "ssh.login", NULL);
	answer_ok(l, "ok", l->ticket);
}

static void
give_permit(struct gw_login *l)
{
	static const char hex[] = "0123456789abcdef";
	struct ipc_gw_permit	 p;
	struct ipc_msg		 m;

	random_string(l->ticket, GW_TICKET_LEN, hex);
	memset(&p, 0, sizeof(p));
	strlcpy(p.ticket, l->ticket, sizeof(p.ticket));
	strlcpy(p.short_id, l->b.short_id, sizeof(p.short_id));
	p.conn_id = l->b.conn_id;
	p.ttl = GW_PERMIT_TTL;
	ipc_msg_init(&m, IPC_GW_PERMIT, 0);
	ipc_msg_put(&m, &p);
	explicit_bzero(&p, sizeof(p));
	if (ipc_request(authd_env->chans[PROC_TASKD], &m,
	    authd_env->conf.common.ipc_timeout_ms, permitted, l) == -1) {
		attempt_forgive(&l->attempt);
		ipc_answer_status(&l->req, 503, "no session can be opened now");
		login_free(l);
	}
}

static void
host_known(struct ipc_chan *chan, struct ipc_msg *m, void *arg)
{
	struct gw_login		*l = arg;
	struct ipc_gw_host_res	 h;
	struct authkey_line	 line;
	int			 ok = 0, rc;

	(void)chan;
	if (m == NULL || ipc_msg_get(m, &h) == -1) {
		attempt_forgive(&l->attempt);
		ipc_answer_status(&l->req, 503, "try again later");
		login_free(l);
		return;
	}
	if (!ipc_status_ok(h.head.status)) {
		/* no such host: as a wrong password, so names do not leak */
		refuse(l, 401, "invalid credentials", 1);
		return;
	}
	l->user_oid = h.user_oid;
	if (l->b.method == GW_METHOD_PASSWORD)
		ok = host_password_matches(h.ref, h.sealed, h.sealed_len,
		    l->b.secret);
	else
		while ((rc = ipc_msg_get_item(m, &line)) == 1)
			if (!ok && key_matches(l, line.line))
				ok = 1;
	explicit_bzero(&h.sealed, sizeof(h.sealed));
	if (!ok) {
		refuse(l, 401, "invalid credentials", 1);
		return;
	}
	/* a probe proves nothing: it learns only that the key is on record
	 * (public keys are public), never the account's or host's state */
	if (l->b.probe) {
		attempt_forgive(&l->attempt);
		answer_ok(l, "the key would do", "");
		return;
	}
	if (strcmp(h.user_status, "active") != 0) {
		refuse(l, 403, strcmp(h.user_status, "suspended") == 0 ?
		    "account suspended" : "account disabled", 0);
		return;
	}
	if (h.user_expired) {
		refuse(l, 403, "account expired", 0);
		return;
	}
	if (strcmp(h.host_status, "running") != 0) {
		refuse(l, 409, "host is not running", 0);
		return;
	}
	give_permit(l);
}

int
gateway_auth(struct ipc_chan *chan, struct ipc_msg *m)
{
	struct gw_login		*l;
	struct ipc_gw_host_get	 q;
	struct ipc_msg		 out;
	uint32_t		 retry;

	if (host_failures == NULL &&
	    (host_failures = ratelimit_new(GW_HOST_FAILURES, GW_HOST_WINDOW,
	    65536)) == NULL)
		fatalx("gateway: no memory for limits");
	if ((l = calloc(1, sizeof(*l))) == NULL)
		fatal("calloc");
	l->req = ipc_req_of(chan, m);
	if (ipc_msg_get(m, &l->b) == -1) {
		login_free(l);
		return -1;
	}
	if ((l->b.method != GW_METHOD_PASSWORD &&
	    l->b.method != GW_METHOD_PUBLICKEY) ||
	    (l->b.method == GW_METHOD_PASSWORD &&
	    strlen(l->b.secret) > GW_PASSWORD_MAX) ||
	    (l->b.probe && l->b.method != GW_METHOD_PUBLICKEY) ||
	    (l->b.short_id[0] != '\0' && !host_short_id_ok(l->b.short_id))) {
		ipc_answer_status(&l->req, 400, "malformed login");
		login_free(l);
		return 0;
	}
	if (!attempt_begin(&l->attempt, l->b.peer, &retry) ||
	    (l->b.short_id[0] != '\0' && !ratelimit_check(host_failures,
	    l->b.short_id, strlen(l->b.short_id), time(NULL), &retry))) {
		attempt_forgive(&l->attempt);
		if (!l->b.probe)
			gw_event(l, "ssh.login_failed", "too many attempts");
		ipc_answer_status(&l->req, 429, "too many attempts");
		login_free(l);
		return 0;
	}
	/* a name that is no host's: a failure like a wrong password */
	if (l->b.short_id[0] == '\0') {
		refuse(l, 401, "invalid credentials", 1);
		return 0;
	}
	memset(&q, 0, sizeof(q));
	strlcpy(q.short_id, l->b.short_id, sizeof(q.short_id));
	ipc_msg_init(&out, IPC_GW_HOST_GET, 0);
	ipc_msg_put(&out, &q);
	if (ipc_request(authd_env->chans[PROC_STORED], &out,
	    authd_env->conf.common.ipc_timeout_ms, host_known, l) == -1) {
		attempt_forgive(&l->attempt);
		ipc_answer_status(&l->req, 503, "try again later");
		login_free(l);
	}
	return 0;
}
