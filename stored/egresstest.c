/*
 * An egress IP's test (POST /v1/admin/egress-ips/{id}/test): taskd
 * brings its tunnel up on its own, makes the three checks through it
 * and takes it down; stored answers the admin with what taskd saw and
 * keeps an event of it.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "body_egress.h"
#include "egresscheck.h"
#include "log.h"
#include "stored.h"
#include "util.h"

/* Egress IPs under test: one test at a time each, a few at once. */
#define EGRESS_TESTS_MAX	8
#define EGRESS_TEST_WAIT_MS	((EGRESS_TEST_SECONDS + 3) * 1000)

struct egress_tester {
	struct ipc_req		 req;		/* frontd's */
	int			 slot;
	struct egress_rec	 e;
	char			 actor[USERNAME_MAX + 1];
};

static uint64_t	 under_test[EGRESS_TESTS_MAX];

static void
reply_test(const struct ipc_req *req, int status, const char *message,
    const struct egress_rec *e, const struct egress_test *t)
{
	struct ipc_egress_test_res res;

	memset(&res, 0, sizeof(res));
	res.head.status = status;
	strlcpy(res.head.message, message, sizeof(res.head.message));
	if (status == 200) {
		strlcpy(res.id, e->id, sizeof(res.id));
		res.test = *t;
	}
	ipc_answer(req, &res, NULL);
}

static void
test_event(const struct egress_tester *x, const struct egress_test *t)
{
	static const char *const word[] = { "skipped", "failed", "passed" };
	struct event_refs	 refs = { NULL, x->e.host_id, NULL };
	char			 message[256];

	snprintf(message, sizeof(message), "egress ip %s tested: "
	    "connectivity %s, exit ip %s, dns %s", x->e.label,
	    word[t->result[EGC_CONNECTIVITY] + 1],
	    word[t->result[EGC_EXIT_IP] + 1], word[t->result[EGC_DNS] + 1]);
	if (db_begin() == -1 || db_event_refs("admin.egress.test", "info",
	    &refs, message, x->actor, NULL, DIALECT_V1) == -1 ||
	    db_commit() == -1)
		db_rollback();
}

/* taskd's answer, read whole into res; its head says what became of it */
static void
check_read(struct ipc_msg *m, struct ipc_egress_check_res *res)
{
	struct ipc_head	*h = &res->head;

	if (m == NULL) {
		memset(res, 0, sizeof(*res));
		h->status = 504;
		strlcpy(h->message, "the test did not finish in time",
		    sizeof(h->message));
	} else if (ipc_msg_get(m, res) == -1 || (ipc_status_ok(h->status) &&
	    !egress_test_ok(&res->test))) {
		if (m->error == NULL && m->refused == NULL)
			ipc_violation(m, "an egress check's result out of "
			    "range");
		memset(res, 0, sizeof(*res));
		h->status = 502;
		strlcpy(h->message, "the test's answer cannot be read",
		    sizeof(h->message));
	}
}

static void
tested(struct ipc_chan *chan, struct ipc_msg *m, void *arg)
{
	struct egress_tester	*x = arg;
	struct ipc_egress_check_res res;

	(void)chan;
	check_read(m, &res);
	if (res.head.status == 200)
		test_event(x, &res.test);
	reply_test(&x->req, res.head.status == 200 ? 200 : 502,
	    res.head.message, &x->e, &res.test);
	under_test[x->slot] = 0;
	free(x);
}

/* An egress IP that makes no tunnel fails its test at once. */
static void
untestable(struct egress_tester *x, const struct ipc_req *req)
{
	struct egress_test	 t;

	memset(&t, 0, sizeof(t));
	t.result[EGC_CONNECTIVITY] = 0;
	strlcpy(t.detail[EGC_CONNECTIVITY], "no tunnel can be made: ",
	    sizeof(t.detail[0]));
	strlcat(t.detail[EGC_CONNECTIVITY], x->e.config_error,
	    sizeof(t.detail[0]));
	t.result[EGC_EXIT_IP] = t.result[EGC_DNS] = -1;
	strlcpy(t.detail[EGC_EXIT_IP], "no tunnel", sizeof(t.detail[0]));
	strlcpy(t.detail[EGC_DNS], "no tunnel", sizeof(t.detail[0]));
	test_event(x, &t);
	reply_test(req, 200, "ok", &x->e, &t);
	free(x);
}

/* A place among the tests for oid: its index, or a status with why. */
static int
test_slot(uint64_t oid, const char **why)
{
	int	 i, free_slot = -1;

	for (i = 0; i < EGRESS_TESTS_MAX; i++) {
		if (under_test[i] == oid) {
			*why = "a test of this egress ip is running";
			return -409;
		}
		if (under_test[i] == 0 && free_slot == -1)
			free_slot = i;
	}
	if (free_slot == -1) {
		*why = "too many egress ip tests at once";
		return -429;
	}
	return free_slot;
}

/* IPC_OP_EGRESS_TEST: grant, the egress ref; taskd runs the checks. */
int
egress_test(struct ipc_chan *chan, struct ipc_msg *m)
{
	struct egress_tester	*x;
	struct ipc_op_egress_test b;
	struct ipc_egress_check	 check;
	struct principal	 p;
	struct ipc_msg		 req;
	const char		*why = NULL;
	uint32_t		 retry;
	int			 status, slot = -1;

	if (ipc_msg_get(m, &b) == -1)
		return -1;
	status = authz_check(b.grant, b.grant_len, &p, &retry);
	if ((x = calloc(1, sizeof(*x))) == NULL)
		fatal("%s", __func__);
	x->req = ipc_req_of(chan, m);
	if (status == 0 && p.role != ROLE_ADMIN)
		status = 403;
	if (status == 0 && egress_load(b.ref, &x->e) == -1)
		status = 404;
	if (status == 0 && x->e.config_error[0] != '\0') {
		untestable(x, &x->req);
		return 0;
	}
	if (status == 0 && (slot = test_slot(x->e.oid, &why)) < 0)
		status = -slot;
	memset(&check, 0, sizeof(check));
	if (status == 0 && egress_job_fill(x->e.oid, &check.job) == -1)
		status = 500;
	if (status != 0) {
		reply_test(&x->req, status, why != NULL ? why :
		    status == 404 ? "egress ip not found" :
		    status_message(status), NULL, NULL);
		free(x);
		return 0;
	}
	x->slot = slot;
	strlcpy(x->actor, p.username, sizeof(x->actor));
	under_test[slot] = x->e.oid;
	strlcpy(check.declared_ip, x->e.ip_address, sizeof(check.declared_ip));
	ipc_msg_init(&req, IPC_EGRESS_CHECK, 0);
	ipc_msg_put(&req, &check);
	if (ipc_request(stored_env->chans[PROC_TASKD], &req,
	    EGRESS_TEST_WAIT_MS, tested, x) == -1) {
		reply_test(&x->req, 503, "taskd is not there", NULL, NULL);
		under_test[slot] = 0;
		free(x);
	}
	return 0;
}
