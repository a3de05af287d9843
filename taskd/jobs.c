/*
 * taskd's side of the task queue: claim what stored has, hand each job
 * to the runner, report its progress and outcome with the lease's
 * fence, claim again.  A timer claims as well, for back-offs and leases
 * that ran out; another asks the runtime about every host that no task
 * owns and tells stored where the two disagree (the reconciler).
 */
#include <sys/socket.h>
#include <sys/types.h>

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "body_egress.h"
#include "driver.h"
#include "log.h"
#include "taskd.h"

#define POLL_SECONDS		2
#define RECONCILE_SECONDS	3
#define PROBES_MAX		64

struct inflight {
	TAILQ_ENTRY(inflight)	 entry;
	uint32_t		 seq;
	int			 probe;		/* the reconciler's question */
	int			 check;		/* an egress IP's test */
	struct task_job		 job;		/* a task's, or the test's */
	uint64_t		 host_oid;	/* a probe's */
	char			 expected[16];
	int			 bound;		/* a probe's: has a tunnel */
	struct ipc_req		 req;		/* the test's request */
	char			 declared_ip[EGRESS_ADDR_MAX + 1];
};

static TAILQ_HEAD(, inflight) inflight = TAILQ_HEAD_INITIALIZER(inflight);
static int		 runner_fd = -1;
static struct event	*runner_ev, *poll_ev, *reconcile_ev;
static uint32_t		 next_seq = 1;
static int		 tasks_running, probes_running;
static int		 claiming, reconciling, first_claim = 1;
static uint64_t		 claim_asked;	/* the room the last claim offered */

static void	 claim(void);

static struct ipc_chan *
stored(void)
{
	return taskd_env->chans[PROC_STORED];
}

static void
reported(struct ipc_chan *chan, struct ipc_msg *m, void *arg)
{
	struct ipc_status_res	 res;

	(void)chan;
	(void)arg;
	if (m != NULL && (ipc_msg_get(m, &res) == -1 ||
	    !ipc_status_ok(res.head.status)))
		log_warnx("task report refused: %s", res.head.message);
	claim();
}

static void
report(const struct task_job *j, uint32_t outcome, const char *code,
    const char *message, const char *host_status)
{
	struct ipc_task_done	 d;
	struct ipc_msg		 m;

	memset(&d, 0, sizeof(d));
	d.task_oid = j->task_oid;
	d.fence = j->fence;
	d.outcome = outcome;
	strlcpy(d.code, code, sizeof(d.code));
	strlcpy(d.message, message, sizeof(d.message));
	strlcpy(d.host_status, host_status, sizeof(d.host_status));
	ipc_msg_init(&m, IPC_TASK_DONE, 0);
	ipc_msg_put(&m, &d);
	tasks_running--;
	if (ipc_request(stored(), &m, taskd_env->conf.common.ipc_timeout_ms,
	    reported, NULL) == -1)
		log_warnx("cannot report task %llu",
		    (unsigned long long)j->task_oid);
}

static void
progress(const struct task_job *j, uint32_t percent, const char *message)
{
	struct ipc_task_progress p;
	struct ipc_msg		 m;

	memset(&p, 0, sizeof(p));
	p.task_oid = j->task_oid;
	p.fence = j->fence;
	p.percent = percent;
	strlcpy(p.message, message, sizeof(p.message));
	ipc_msg_init(&m, IPC_TASK_PROGRESS, 0);
	ipc_msg_put(&m, &p);
	(void)ipc_send(stored(), &m);
}

static void
host_to_driver(const struct host_rec *h, struct driver_host *d)
{
	memset(d, 0, sizeof(*d));
	strlcpy(d->short_id, h->short_id, sizeof(d->short_id));
	strlcpy(d->hostname, h->hostname, sizeof(d->hostname));
	strlcpy(d->timezone, h->timezone, sizeof(d->timezone));
	d->memory_limit_mb = h->memory_limit_mb;
	d->cpu_milli = h->cpu_milli;
	d->pids_limit = h->pids_limit;
}

static int
runner_send(struct inflight *f, uint32_t op, const struct driver_host *h,
    const struct driver_egress *e)
{
	struct driver_req	 req;
	ssize_t			 n;

	memset(&req, 0, sizeof(req));
	req.seq = f->seq = next_seq++;
	req.op = op;
	req.host = *h;
	if (e != NULL)
		req.egress = *e;
	n = send(runner_fd, &req, sizeof(req), 0);
	explicit_bzero(&req, sizeof(req));
	if (n != (ssize_t)sizeof(req))
		return -1;
	TAILQ_INSERT_TAIL(&inflight, f, entry);
	return 0;
}

/* The answer to stored's egress.check: status, message, the checks. */
static void
check_answer(const struct inflight *f, uint32_t status, const char *message,
    const struct egress_test *t)
{
	struct ipc_egress_check_res res;

	memset(&res, 0, sizeof(res));
	res.head.status = t != NULL ? status : 502;
	strlcpy(res.head.message, message, sizeof(res.head.message));
	if (t != NULL)
		res.test = *t;
	ipc_answer(&f->req, &res, NULL);
}

/* What cannot go on: its task reported, or its test answered. */
static void
abandon(struct inflight *f, uint32_t outcome, const char *code,
    const char *message)
{
	if (f->check)
		check_answer(f, 502, message, NULL);
	else
		report(&f->job, outcome, code, message, "");
	free(f);
}

/* The job to the runner, with its tunnel's keys if it has one. */
static void
dispatch_job(struct inflight *f, const struct driver_egress *e)
{
	struct driver_host	 h;

	host_to_driver(&f->job.host, &h);
	if (runner_send(f, f->check ? DRV_EGRESS_TEST :
	    host_lifecycle(f->job.action)->op, &h, e) == -1) {
		abandon(f, TASK_RETRY, "runner_unavailable",
		    "the runner does not answer");
		return;
	}
	if (!f->check)
		progress(&f->job, 10, host_lifecycle(f->job.action)->kind);
}

/* authd opened the seals of the job's tunnel (or would not). */
static void
unsealed(struct ipc_chan *chan, struct ipc_msg *m, void *arg)
{
	struct inflight		*f = arg;
	const struct egress_job	*j = &f->job.egress;
	struct ipc_egress_unseal_res res;
	struct driver_egress	 e;

	(void)chan;
	if (m == NULL) {
		abandon(f, TASK_RETRY, "authd_unavailable",
		    "authd did not open the tunnel's keys");
		claim();
		return;
	}
	memset(&e, 0, sizeof(e));
	if (ipc_msg_get(m, &res) == -1) {
		res.head.status = 500;
		strlcpy(res.head.message, "authd's answer cannot be read",
		    sizeof(res.head.message));
	}
	if (res.head.status != 200) {
		abandon(f, TASK_FAILED, "egress_sealed", res.head.message);
		claim();
	} else {
		e.present = 1;
		strlcpy(e.private_key, res.key[EGS_WG_PRIVATE_KEY],
		    sizeof(e.private_key));
		strlcpy(e.preshared_key, res.key[EGS_WG_PRESHARED_KEY],
		    sizeof(e.preshared_key));
		strlcpy(e.endpoint, j->endpoint, sizeof(e.endpoint));
		strlcpy(e.peer_public_key, j->peer_public_key,
		    sizeof(e.peer_public_key));
		strlcpy(e.allowed_ips, j->allowed_ips, sizeof(e.allowed_ips));
		strlcpy(e.address, j->address, sizeof(e.address));
		strlcpy(e.dns_server, j->dns_server, sizeof(e.dns_server));
		e.allow = taskd_env->conf.egress_allow;
		if (f->check) {
			strlcpy(e.check_url, taskd_env->conf.check_url,
			    sizeof(e.check_url));
			strlcpy(e.declared_ip, f->declared_ip,
			    sizeof(e.declared_ip));
		}
		dispatch_job(f, &e);
	}
	explicit_bzero(&res, sizeof(res));
	explicit_bzero(&e, sizeof(e));
}

static int
unseal_request(struct inflight *f)
{
	const struct egress_job	*j = &f->job.egress;
	struct ipc_egress_unseal b;
	struct ipc_msg		 m;
	int			 i;

	memset(&b, 0, sizeof(b));
	strlcpy(b.id, j->id, sizeof(b.id));
	b.oid = j->oid;
	for (i = 0; i < 2; i++) {
		memcpy(b.sealed[i], j->sealed[i], j->sealedlen[i]);
		b.sealed_len[i] = j->sealedlen[i];
		strlcpy(b.ref[i], j->ref[i], sizeof(b.ref[i]));
	}
	ipc_msg_init(&m, IPC_EGRESS_UNSEAL, 0);
	ipc_msg_put(&m, &b);
	return ipc_request(taskd_env->chans[PROC_AUTHD], &m,
	    taskd_env->conf.common.ipc_timeout_ms, unsealed, f);
}

/* The ACME tasks' runner (acmejob.c sets it; jobs.c knows no more of it) */
static void	(*acme_start)(const struct task_job *);

void
jobs_set_acme(void (*start)(const struct task_job *))
{
	acme_start = start;
}

static void
start_job(const struct task_job *j)
{
	const struct host_lifecycle *life = host_lifecycle(j->action);
	struct inflight		*f;

	tasks_running++;
	if (life == NULL) {
		report(j, TASK_FAILED, "unknown_task", "no such task kind",
		    "");
		return;
	}
	if (life->op == DRV_NONE) {
		report(j, TASK_SUCCEEDED, "", "", "");
		return;
	}
	if (life->op == DRV_ACME) {
		if (acme_start == NULL)
			report(j, TASK_RETRY, "acme_unavailable", "no ACME "
			    "worker", "");
		else
			acme_start(j);
		return;
	}
	if ((f = calloc(1, sizeof(*f))) == NULL)
		fatal("%s", __func__);
	f->job = *j;
	/* a tunnel comes up with the host, and its keys from authd */
	if (life->tunnel_follows && j->egress.present) {
		if (unseal_request(f) == -1) {
			report(j, TASK_RETRY, "authd_unavailable",
			    "authd does not answer", "");
			free(f);
		}
		return;
	}
	dispatch_job(f, NULL);
}

static void
claimed(struct ipc_chan *chan, struct ipc_msg *m, void *arg)
{
	struct ipc_list_res	 res;
	struct task_job		 j;
	const char		*why;
	uint64_t		 n = 0;
	int			 rc;

	(void)chan;
	(void)arg;
	claiming = 0;
	if (m == NULL || ipc_msg_get(m, &res) == -1 ||
	    !ipc_status_ok(res.head.status))
		return;
	while ((rc = ipc_msg_get_item(m, &j)) != 0 && m->error == NULL) {
		n++;
		/* a job taskd cannot take fails, and the others go on */
		if (rc == -1 && (why = ipc_take_refusal(m)) != NULL) {
			log_warnx("task %llu refused: %s",
			    (unsigned long long)j.task_oid, why);
			tasks_running++;
			report(&j, TASK_FAILED, "job_refused", why, "");
		} else if (rc == 1)
			start_job(&j);
	}
	if (m->error != NULL)
		return;	/* the channel judges it */
	/* fewer than asked: the queue is empty until stored wakes us (a
	 * claim now would cost a transaction while the jobs start) */
	if (n > 0 && n == claim_asked)
		claim();
}

static void
claim(void)
{
	struct ipc_task_claim	 c;
	struct ipc_msg		 m;
	int			 room = (int)taskd_env->conf.workers -
			    tasks_running;

	if (!taskd_env->serving || claiming || room <= 0)
		return;
	c.max = room;
	c.restart = first_claim;
	ipc_msg_init(&m, IPC_TASK_CLAIM, 0);
	ipc_msg_put(&m, &c);
	if (ipc_request(stored(), &m, taskd_env->conf.common.ipc_timeout_ms,
	    claimed, NULL) == 0) {
		claiming = 1;
		first_claim = 0;
		claim_asked = room;
	}
}

/* ---- the reconciler ------------------------------------------------- */

static void
observed(uint64_t host_oid, const char *status)
{
	struct ipc_host_observed o;
	struct ipc_msg		 m;

	memset(&o, 0, sizeof(o));
	o.host_oid = host_oid;
	strlcpy(o.status, status, sizeof(o.status));
	ipc_msg_init(&m, IPC_HOST_OBSERVED, 0);
	ipc_msg_put(&m, &o);
	(void)ipc_send(stored(), &m);
}

static void
probe_answered(struct inflight *f, const struct driver_res *res)
{
	int	 running = strcmp(res->state, "running") == 0;

	probes_running--;
	if (!res->ok)
		return;		/* no runtime: nothing to say */
	if (strcmp(f->expected, "running") == 0 && !running)
		observed(f->host_oid, "stopped");
	else if (strcmp(f->expected, "stopped") == 0 && running)
		observed(f->host_oid, "running");
	else if (running && f->bound && !res->tunnel)
		observed(f->host_oid, "tunnel_down");
	else if (running && !f->bound && res->tunnel)
		observed(f->host_oid, "tunnel_stray");
}

static void
states_known(struct ipc_chan *chan, struct ipc_msg *m, void *arg)
{
	struct ipc_list_res	 res;
	struct host_state_rec	 st;
	struct driver_host	 h;
	struct inflight		*f;
	int			 rc;

	(void)chan;
	(void)arg;
	reconciling = 0;
	if (m == NULL || ipc_msg_get(m, &res) == -1 ||
	    !ipc_status_ok(res.head.status))
		return;
	while ((rc = ipc_msg_get_item(m, &st)) != 0 && m->error == NULL) {
		if (rc == -1) {
			(void)ipc_take_refusal(m);
			continue;
		}
		if (st.busy || probes_running >= PROBES_MAX ||
		    (strcmp(st.status, "running") != 0 &&
		    strcmp(st.status, "stopped") != 0))
			continue;
		if ((f = calloc(1, sizeof(*f))) == NULL)
			fatal("%s", __func__);
		f->probe = 1;
		f->host_oid = st.oid;
		f->bound = st.bound;
		strlcpy(f->expected, st.status, sizeof(f->expected));
		memset(&h, 0, sizeof(h));
		strlcpy(h.short_id, st.short_id, sizeof(h.short_id));
		if (runner_send(f, DRV_STATE, &h, NULL) == -1)
			free(f);
		else
			probes_running++;
	}
}

static void
reconcile(evutil_socket_t fd, short ev, void *arg)
{
	struct ipc_msg	 m;

	(void)fd;
	(void)ev;
	(void)arg;
	if (!taskd_env->serving || reconciling || probes_running > 0)
		return;
	ipc_msg_init(&m, IPC_HOST_STATES_GET, 0);
	ipc_msg_put(&m, NULL);
	if (ipc_request(stored(), &m, taskd_env->conf.common.ipc_timeout_ms,
	    states_known, NULL) == 0)
		reconciling = 1;
}

/* ---- the runner's answers -------------------------------------------- */

/* One answer, and the descriptor a session's carries (else -1). */
static ssize_t
runner_recv(int fd, struct driver_res *res, int *passed)
{
	union {
		struct cmsghdr	 hdr;
		char		 buf[CMSG_SPACE(sizeof(int))];
	} cm;
	struct msghdr	 msg;
	struct iovec	 iov;
	struct cmsghdr	*c;
	ssize_t		 n;

	*passed = -1;
	memset(&msg, 0, sizeof(msg));
	iov.iov_base = res;
	iov.iov_len = sizeof(*res);
	msg.msg_iov = &iov;
	msg.msg_iovlen = 1;
	msg.msg_control = cm.buf;
	msg.msg_controllen = sizeof(cm.buf);
	n = recvmsg(fd, &msg, MSG_DONTWAIT | MSG_CMSG_CLOEXEC);
	if (n > 0 && (c = CMSG_FIRSTHDR(&msg)) != NULL &&
	    c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_RIGHTS &&
	    c->cmsg_len == CMSG_LEN(sizeof(int)))
		memcpy(passed, CMSG_DATA(c), sizeof(int));
	return n;
}

static void
runner_readable(evutil_socket_t fd, short ev, void *arg)
{
	struct driver_res	 res;
	struct inflight		*f;
	ssize_t			 n;
	int			 passed;

	(void)ev;
	(void)arg;
	n = runner_recv(fd, &res, &passed);
	if (n == -1 && (errno == EAGAIN || errno == EINTR))
		return;
	if (n != (ssize_t)sizeof(res))
		fatalx("the runner is gone");
	res.code[sizeof(res.code) - 1] = '\0';
	res.message[sizeof(res.message) - 1] = '\0';
	res.state[sizeof(res.state) - 1] = '\0';
	if (res.seq & DRIVER_SEQ_SESSION) {
		gateway_runner_answer(&res, passed);
		return;
	}
	if (passed != -1)
		close(passed);
	TAILQ_FOREACH(f, &inflight, entry)
		if (f->seq == res.seq)
			break;
	if (f == NULL) {
		log_warnx("runner: an answer to nothing asked");
		return;
	}
	TAILQ_REMOVE(&inflight, f, entry);
	if (f->check) {
		check_answer(f, res.ok ? 200 : 502, res.ok ? "ok" :
		    res.message, &res.test);
		free(f);
		return;
	}
	if (f->probe)
		probe_answered(f, &res);
	else if (res.ok)
		report(&f->job, TASK_SUCCEEDED, "", "",
		    host_lifecycle(f->job.action)->status_after);
	else if (strcmp(res.code, "runtime_missing") == 0)
		/* no retry brings a runtime that is not installed */
		report(&f->job, TASK_FAILED, res.code, res.message,
		    f->job.action == HOST_DELETE ? "" : "failed");
	else if (strcmp(res.code, "egress_invalid") == 0 ||
	    strcmp(res.code, "wireguard_missing") == 0)
		/* nor keys that are no keys, or a missing wireguard-go: the
		 * host runs, without a way out, until its egress is mended */
		report(&f->job, TASK_FAILED, res.code, res.message,
		    f->job.action == HOST_EGRESS ? "" : "running");
	else
		report(&f->job, TASK_RETRY, res.code, res.message, "");
	free(f);
	claim();
}

static void
poll_tick(evutil_socket_t fd, short ev, void *arg)
{
	(void)fd;
	(void)ev;
	(void)arg;
	claim();
}

void
jobs_init(struct event_base *base, int fd)
{
	struct timeval	 poll_tv = { POLL_SECONDS, 0 };
	struct timeval	 reconcile_tv = { RECONCILE_SECONDS, 0 };

	runner_fd = fd;
	runner_ev = event_new(base, fd, EV_READ | EV_PERSIST, runner_readable,
	    NULL);
	poll_ev = event_new(base, -1, EV_PERSIST, poll_tick, NULL);
	reconcile_ev = event_new(base, -1, EV_PERSIST, reconcile, NULL);
	if (runner_ev == NULL || poll_ev == NULL || reconcile_ev == NULL ||
	    event_add(runner_ev, NULL) == -1 ||
	    event_add(poll_ev, &poll_tv) == -1 ||
	    event_add(reconcile_ev, &reconcile_tv) == -1)
		fatalx("jobs: events");
}

/*
 * IPC_EGRESS_CHECK, from stored: an egress IP's tunnel and the address
 * it should leave by.  The runner makes the tunnel in a namespace of
 * its own under a name of the egress IP's ("t" and its oid), checks,
 * and takes it down; the keys come from authd, as for a host.
 */
int
jobs_egress_check(struct ipc_chan *chan, struct ipc_msg *m)
{
	struct inflight		*f;
	struct ipc_egress_check	 b;

	if (ipc_msg_get(m, &b) == -1 || !b.job.present)
		return ipc_violation(m, "an egress check without its egress");
	if ((f = calloc(1, sizeof(*f))) == NULL)
		fatal("%s", __func__);
	f->check = 1;
	f->req = ipc_req_of(chan, m);
	f->job.egress = b.job;
	strlcpy(f->declared_ip, b.declared_ip, sizeof(f->declared_ip));
	if (f->job.egress.oid >= 1000000000ULL) {
		free(f);
		return ipc_refuse(m, 400, "an egress ip number too large");
	}
	snprintf(f->job.host.short_id, sizeof(f->job.host.short_id),
	    "t%09llu", (unsigned long long)f->job.egress.oid);
	if (unseal_request(f) == -1)
		abandon(f, TASK_RETRY, "authd_unavailable",
		    "authd does not answer");
	return 0;
}

void
jobs_wake(void)
{
	claim();
}

/* An ACME task's outcome (acmejob.c), then the next claim. */
void
jobs_report(const struct task_job *j, uint32_t outcome, const char *code,
    const char *message)
{
	report(j, outcome, code, message, "");
}

void
jobs_progress(const struct task_job *j, uint32_t percent, const char *what)
{
	progress(j, percent, what);
}
