/*
 * The SSH gateway's permits and sessions (DESIGN.md, "The SSH
 * gateway").  authd, having checked a login, gives taskd a permit: a
 * random ticket, the host's short id and the gateway's connection id,
 * to be first used within its ttl.  gatewayd presents the ticket with
 * each session it opens; taskd opens sessions only on the host a live
 * permit names, for the connection it names.  A permit once used stays
 * for its connection (a client may open several channels) until
 * gatewayd says the connection closed; one never used expires.  So a
 * compromised gatewayd reaches only the hosts whose owners are logged
 * in through it at that moment, never another.
 */
#include <sys/socket.h>
#include <sys/types.h>

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <openssl/crypto.h>

#include "body_gw.h"
#include "driver.h"
#include "hostlife.h"
#include "log.h"
#include "taskd.h"

#define PERMITS_MAX		4096
#define PERMIT_TTL_MAX		60
#define SESSIONS_PER_CONN	10

struct permit {
	char		 ticket[GW_TICKET_LEN + 1];
	char		 short_id[HOST_SHORT_ID_LEN + 1];
	uint64_t	 conn_id;
	time_t		 expires;	/* 0: in use by its connection */
	uint32_t	 sessions;	/* opened so far */
};

struct opening {
	TAILQ_ENTRY(opening)	 entry;
	uint32_t		 seq;
	uint32_t		 open_id;
	struct ipc_req		 req;
};

static struct permit	 permits[PERMITS_MAX];
static TAILQ_HEAD(, opening) openings = TAILQ_HEAD_INITIALIZER(openings);
static uint32_t		 next_seq;

static void
permit_clear(struct permit *p)
{
	explicit_bzero(p, sizeof(*p));
}

/* A free slot, after the expired ones are swept. */
static struct permit *
permit_slot(void)
{
	struct permit	*free_slot = NULL;
	time_t		 now = time(NULL);
	size_t		 i;

	for (i = 0; i < PERMITS_MAX; i++) {
		if (permits[i].ticket[0] != '\0' && permits[i].expires != 0 &&
		    permits[i].expires <= now)
			permit_clear(&permits[i]);
		if (permits[i].ticket[0] == '\0' && free_slot == NULL)
			free_slot = &permits[i];
	}
	return free_slot;
}

static struct permit *
permit_find(const char *ticket, uint64_t conn_id)
{
	time_t	 now = time(NULL);
	size_t	 i;

	if (strlen(ticket) != GW_TICKET_LEN)
		return NULL;
	for (i = 0; i < PERMITS_MAX; i++) {
		struct permit	*p = &permits[i];

		if (p->ticket[0] == '\0' || p->conn_id != conn_id ||
		    CRYPTO_memcmp(p->ticket, ticket, GW_TICKET_LEN) != 0)
			continue;
		if (p->expires != 0 && p->expires <= now) {
			permit_clear(p);
			return NULL;
		}
		return p;
	}
	return NULL;
}

int
gateway_permit(struct ipc_chan *chan, struct ipc_msg *m)
{
	struct ipc_gw_permit	 b;
	struct ipc_req		 req = ipc_req_of(chan, m);
	struct permit		*p;

	if (ipc_msg_get(m, &b) == -1)
		return -1;
	if (strlen(b.ticket) != GW_TICKET_LEN ||
	    !host_short_id_ok(b.short_id) || b.ttl == 0 ||
	    b.ttl > PERMIT_TTL_MAX) {
		explicit_bzero(&b, sizeof(b));
		return ipc_refuse(m, 400, "malformed permit");
	}
	if ((p = permit_slot()) == NULL) {
		explicit_bzero(&b, sizeof(b));
		ipc_answer_status(&req, 503, "too many sessions");
		return 0;
	}
	strlcpy(p->ticket, b.ticket, sizeof(p->ticket));
	strlcpy(p->short_id, b.short_id, sizeof(p->short_id));
	p->conn_id = b.conn_id;
	p->expires = time(NULL) + b.ttl;
	p->sessions = 0;
	explicit_bzero(&b, sizeof(b));
	ipc_answer_status(&req, 200, "ok");
	return 0;
}

int
gateway_conn_closed(struct ipc_chan *chan, struct ipc_msg *m)
{
	struct ipc_gw_conn_closed b;
	size_t			 i;

	(void)chan;
	if (ipc_msg_get(m, &b) == -1)
		return -1;
	for (i = 0; i < PERMITS_MAX; i++)
		if (permits[i].ticket[0] != '\0' &&
		    permits[i].conn_id == b.conn_id)
			permit_clear(&permits[i]);
	return 0;
}

static void
answer(const struct ipc_req *req, uint32_t status, const char *message,
    uint32_t open_id)
{
	struct ipc_gw_session_res	 r;

	if (!ipc_status_ok(status)) {
		ipc_answer_status(req, status, message);
		return;
	}
	memset(&r, 0, sizeof(r));
	r.head.status = status;
	strlcpy(r.head.message, message, sizeof(r.head.message));
	r.open_id = open_id;
	ipc_answer(req, &r, NULL);
}

int
gateway_session_open(struct ipc_chan *chan, struct ipc_msg *m)
{
	struct ipc_gw_session_open b;
	struct ipc_req		 req = ipc_req_of(chan, m);
	struct driver_req	 dr;
	struct permit		*p;
	struct opening		*o;
	ssize_t			 n;

	if (ipc_msg_get(m, &b) == -1)
		return -1;
	if ((p = permit_find(b.ticket, b.conn_id)) == NULL) {
		explicit_bzero(&b.ticket, sizeof(b.ticket));
		ipc_answer_status(&req, 403, "no permit for this session");
		return 0;
	}
	explicit_bzero(&b.ticket, sizeof(b.ticket));
	if (p->sessions >= SESSIONS_PER_CONN) {
		ipc_answer_status(&req, 429, "too many sessions");
		return 0;
	}
	memset(&dr, 0, sizeof(dr));
	dr.op = DRV_EXEC;
	strlcpy(dr.host.short_id, p->short_id, sizeof(dr.host.short_id));
	dr.exec.kind = b.kind;
	dr.exec.tty = b.tty;
	dr.exec.cols = b.cols;
	dr.exec.rows = b.rows;
	strlcpy(dr.exec.term, b.term, sizeof(dr.exec.term));
	strlcpy(dr.exec.command, b.command, sizeof(dr.exec.command));
	if (!gwexec_req_ok(&dr.exec)) {
		ipc_answer_status(&req, 400, "malformed session");
		return 0;
	}
	if ((o = calloc(1, sizeof(*o))) == NULL) {
		ipc_answer_status(&req, 503, "out of memory");
		return 0;
	}
	dr.seq = o->seq = DRIVER_SEQ_SESSION | (next_seq++ & 0x7fffffff);
	o->open_id = b.open_id;
	o->req = req;
	n = send(taskd_env->runner, &dr, sizeof(dr), 0);
	if (n != (ssize_t)sizeof(dr)) {
		free(o);
		ipc_answer_status(&req, 503, "cannot start a session");
		return 0;
	}
	/* the permit is the connection's from now on */
	p->expires = 0;
	p->sessions++;
	TAILQ_INSERT_TAIL(&openings, o, entry);
	return 0;
}

/* The runner's answer to a session (jobs.c passes it on), fd its
 * control socket or -1. */
void
gateway_runner_answer(const struct driver_res *res, int fd)
{
	struct ipc_gw_session_fd	 s;
	struct ipc_msg			 m;
	struct opening			*o;

	TAILQ_FOREACH(o, &openings, entry)
		if (o->seq == res->seq)
			break;
	if (o == NULL) {
		log_warnx("runner: a session nobody opened");
		if (fd != -1)
			close(fd);
		return;
	}
	TAILQ_REMOVE(&openings, o, entry);
	if (!res->ok || fd == -1) {
		if (fd != -1)
			close(fd);
		answer(&o->req, strcmp(res->code, "not_running") == 0 ? 409 :
		    502, res->message[0] != '\0' ? res->message :
		    "the session did not start", 0);
		free(o);
		return;
	}
	/* the descriptor first: the answer finds it there */
	s.open_id = o->open_id;
	s.fd = fd;
	ipc_msg_init(&m, IPC_GW_SESSION_FD, 0);
	ipc_msg_put(&m, &s);
	(void)ipc_send(o->req.chan, &m);
	answer(&o->req, 200, "ok", o->open_id);
	free(o);
}
