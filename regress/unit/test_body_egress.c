/*
 * The egress messages' typed bodies (ipc/body_egress.c): each written
 * by one process and read by another as its struct, with what is nil,
 * a nested record, a list after its head, and moatd's allowed ranges.
 */
#include <string.h>

#include "body_egress.h"
#include "daemon.h"
#include "egresscheck.h"
#include "ipc.h"
#include "wire.h"
#include "log.h"
#include "test.h"

/* authd to stored: settings absent or given, secrets kept or sealed. */
static void
test_store_egress(void)
{
	struct ipc_store_egress	*in, *out;
	struct ipc_msg		 w, r;
	int			 s;

	in = calloc(1, sizeof(*in));
	out = calloc(1, sizeof(*out));
	if (in == NULL || out == NULL)
		fatal("calloc");
	memset(in->grant, 0xab, GRANT_LEN);
	in->grant_len = GRANT_LEN;
	in->op = EGRESS_UPDATE;
	strlcpy(in->ref, "42", sizeof(in->ref));
	for (s = 0; s < EG_SETTINGS; s++)
		in->given.absent[s] = 1;
	in->given.absent[EG_LABEL] = 0;
	strlcpy(in->given.set.label, "exit one", sizeof(in->given.set.label));
	in->given.absent[EG_PROXY_CONFIG] = 0;	/* "": cleared */
	strlcpy(in->client_public_key, "pub", sizeof(in->client_public_key));
	in->seal[EGS_WG_PRESHARED_KEY].action = 2;
	memset(in->seal[EGS_WG_PRESHARED_KEY].sealed, 7, EGRESS_SEALED_MAX);
	in->seal[EGS_WG_PRESHARED_KEY].sealed_len = EGRESS_SEALED_MAX;
	strlcpy(in->seal[EGS_WG_PRESHARED_KEY].ref, "42",
	    sizeof(in->seal[0].ref));
	in->seal[EGS_WG_PRESHARED_KEY].valid = 1;
	in->seal[EGS_PROXY_UUID].action = 1;

	ipc_msg_init(&w, IPC_STORE_EGRESS, 3);
	CHECK_INT(ipc_msg_put(&w, in), 1);
	CHECK_INT(test_ipc_pass(&w, PROC_AUTHD, PROC_STORED, &r), 0);
	CHECK_INT(ipc_msg_get(&r, out), 0);
	CHECK_INT(out->grant_len, GRANT_LEN);
	CHECK(memcmp(out->grant, in->grant, GRANT_LEN) == 0);
	CHECK_INT(out->op, EGRESS_UPDATE);
	CHECK_STR(out->ref, "42");
	CHECK_INT(out->given.absent[EG_LABEL], 0);
	CHECK_STR(out->given.set.label, "exit one");
	CHECK_INT(out->given.absent[EG_IP_ADDRESS], 1);
	CHECK_INT(out->given.absent[EG_PROXY_CONFIG], 0);
	CHECK_STR(out->given.set.proxy_config, "");
	CHECK_STR(out->client_public_key, "pub");
	CHECK_INT(out->seal[EGS_WG_PRIVATE_KEY].action, 0);
	CHECK_INT(out->seal[EGS_WG_PRESHARED_KEY].action, 2);
	CHECK_INT(out->seal[EGS_WG_PRESHARED_KEY].sealed_len,
	    EGRESS_SEALED_MAX);
	CHECK(memcmp(out->seal[EGS_WG_PRESHARED_KEY].sealed,
	    in->seal[EGS_WG_PRESHARED_KEY].sealed, EGRESS_SEALED_MAX) == 0);
	CHECK_STR(out->seal[EGS_WG_PRESHARED_KEY].ref, "42");
	CHECK_INT(out->seal[EGS_WG_PRESHARED_KEY].valid, 1);
	CHECK_INT(out->seal[EGS_PROXY_UUID].action, 1);
	ipc_msg_clear(&r);

	/* a label longer than the record keeps is refused, not cut */
	memset(in->given.set.label, 'x', sizeof(in->given.set.label));
	ipc_msg_init(&w, IPC_STORE_EGRESS, 3);
	ipc_msg_put(&w, in);
	CHECK_INT(test_ipc_pass(&w, PROC_AUTHD, PROC_STORED, &r), 0);
	CHECK_INT(ipc_msg_get(&r, out), -1);
	CHECK(r.refused != NULL && r.error == NULL);
	ipc_msg_clear(&r);
	free(in);
	free(out);
}

/* A page of egress IPs: the head, then each record; an error alone. */
static void
test_egress_list(void)
{
	struct ipc_egress_page_res res;
	struct egress_rec	 e, got;
	struct ipc_msg		 w, r, items;
	int			 i;

	memset(&res, 0, sizeof(res));
	res.head.status = 200;
	strlcpy(res.head.message, "ok", sizeof(res.head.message));
	res.total = 5;
	res.count = 2;
	memset(&e, 0, sizeof(e));
	ipc_msg_init(&items, IPC_EGRESS_LIST_RES, 0);
	for (i = 0; i < 2; i++) {
		e.oid = i + 1;
		strlcpy(e.label, i == 0 ? "one" : "two", sizeof(e.label));
		e.secrets_set = 1U << EGS_WG_PRIVATE_KEY;
		e.created_at = -1;
		ipc_msg_put_item(&items, &e);
	}
	ipc_msg_init(&w, IPC_EGRESS_LIST_RES, 9);
	CHECK_INT(ipc_msg_put(&w, &res), 1);
	ipc_append(&w, &items);
	ipc_msg_clear(&items);
	CHECK_INT(test_ipc_pass(&w, PROC_STORED, PROC_FRONTD, &r), 0);
	memset(&res, 0, sizeof(res));
	CHECK_INT(ipc_msg_get(&r, &res), 0);
	CHECK_INT(res.head.status, 200);
	CHECK_INT(res.total, 5);
	CHECK_INT(ipc_msg_get_item(&r, &got), 1);
	CHECK_INT(got.oid, 1);
	CHECK_STR(got.label, "one");
	CHECK_INT(got.secrets_set, 1U << EGS_WG_PRIVATE_KEY);
	CHECK_INT(got.created_at, -1);
	CHECK_INT(ipc_msg_get_item(&r, &got), 1);
	CHECK_STR(got.label, "two");
	CHECK_INT(ipc_msg_get_item(&r, &got), 0);
	ipc_msg_clear(&r);

	/* an error head: nothing follows it, and no record is read */
	res.head.status = 403;
	strlcpy(res.head.message, "admin role required",
	    sizeof(res.head.message));
	ipc_msg_init(&w, IPC_BINDING_LIST_RES, 9);
	CHECK_INT(ipc_msg_put(&w, &res), 0);
	CHECK_INT(test_ipc_pass(&w, PROC_STORED, PROC_FRONTD, &r), 0);
	memset(&res, 0, sizeof(res));
	CHECK_INT(ipc_msg_get(&r, &res), 0);
	CHECK_INT(res.head.status, 403);
	CHECK_STR(res.head.message, "admin role required");
	CHECK_INT(ipc_msg_get_item(&r, &got), 0);
	ipc_msg_clear(&r);
}

static void
job_fill(struct egress_job *j)
{
	memset(j, 0, sizeof(*j));
	j->present = 1;
	j->oid = 12;
	strlcpy(j->id, "3f1c0b5e-9d2a-4c4e-8a61-0d3b7f2e9c11", sizeof(j->id));
	strlcpy(j->endpoint, "[2001:db8::1]:51820", sizeof(j->endpoint));
	strlcpy(j->peer_public_key, "peer", sizeof(j->peer_public_key));
	strlcpy(j->allowed_ips, "0.0.0.0/0, ::/0", sizeof(j->allowed_ips));
	strlcpy(j->address, "10.0.0.2/32", sizeof(j->address));
	memset(j->sealed[0], 1, 100);
	j->sealedlen[0] = 100;
	strlcpy(j->ref[0], j->id, sizeof(j->ref[0]));
}

static void
check_job(const struct egress_job *a, const struct egress_job *b)
{
	CHECK_INT(b->present, a->present);
	CHECK_INT(b->oid, a->oid);
	CHECK_STR(b->id, a->id);
	CHECK_STR(b->endpoint, a->endpoint);
	CHECK_STR(b->peer_public_key, a->peer_public_key);
	CHECK_STR(b->allowed_ips, a->allowed_ips);
	CHECK_STR(b->dns_server, a->dns_server);
	CHECK_STR(b->address, a->address);
	CHECK_INT(b->sealedlen[0], a->sealedlen[0]);
	CHECK(memcmp(b->sealed[0], a->sealed[0], a->sealedlen[0]) == 0);
	CHECK_STR(b->ref[0], a->ref[0]);
	CHECK_INT(b->sealedlen[1], 0);
	CHECK_STR(b->ref[1], "");
}

/*
 * stored to taskd: the test's tunnel as a nested record, which the job
 * a task carries writes item by item the same way (ipc/egressrec.c).
 */
static void
test_egress_check(void)
{
	struct ipc_egress_check	 in, out;
	struct ipc_msg		 w, r;

	memset(&in, 0, sizeof(in));
	job_fill(&in.job);
	strlcpy(in.declared_ip, "203.0.113.7", sizeof(in.declared_ip));
	ipc_msg_init(&w, IPC_EGRESS_CHECK, 4);
	ipc_msg_put(&w, &in);
	CHECK_INT(test_ipc_pass(&w, PROC_STORED, PROC_TASKD, &r), 0);
	CHECK_INT(ipc_msg_get(&r, &out), 0);
	check_job(&in.job, &out.job);
	CHECK_STR(out.declared_ip, "203.0.113.7");
	ipc_msg_clear(&r);

	/* a host without a tunnel: all of it still travels, empty */
	memset(&in.job, 0, sizeof(in.job));
	ipc_msg_init(&w, IPC_EGRESS_CHECK, 4);
	ipc_msg_put(&w, &in);
	CHECK_INT(test_ipc_pass(&w, PROC_STORED, PROC_TASKD, &r), 0);
	CHECK_INT(ipc_msg_get(&r, &out), 0);
	CHECK_INT(out.job.present, 0);
	ipc_msg_clear(&r);
}

/* taskd's answer: a check's result outside -1..1 is no result. */
static void
test_egress_check_res(void)
{
	struct ipc_egress_check_res in, out;
	struct ipc_msg		 w, r;

	memset(&in, 0, sizeof(in));
	in.head.status = 200;
	in.test.result[EGC_CONNECTIVITY] = 1;
	in.test.result[EGC_EXIT_IP] = 0;
	in.test.result[EGC_DNS] = -1;
	strlcpy(in.test.detail[EGC_EXIT_IP], "198.51.100.1",
	    sizeof(in.test.detail[0]));
	in.test.ms = 1234;
	ipc_msg_init(&w, IPC_EGRESS_CHECK_RES, 4);
	CHECK_INT(ipc_msg_put(&w, &in), 1);
	CHECK_INT(test_ipc_pass(&w, PROC_TASKD, PROC_STORED, &r), 0);
	CHECK_INT(ipc_msg_get(&r, &out), 0);
	CHECK_INT(out.test.result[EGC_CONNECTIVITY], 1);
	CHECK_INT(out.test.result[EGC_EXIT_IP], 0);
	CHECK_INT(out.test.result[EGC_DNS], -1);
	CHECK_STR(out.test.detail[EGC_EXIT_IP], "198.51.100.1");
	CHECK_INT(out.test.ms, 1234);
	CHECK(egress_test_ok(&out.test));
	out.test.result[EGC_DNS] = 2;
	CHECK(!egress_test_ok(&out.test));
	ipc_msg_clear(&r);
}

/* cfg.egress as stored and taskd read it. */
static int
cfg_egress(const char *const *ranges, uint32_t n, uint32_t count,
    struct egress_allow *allow, struct ipc_msg *r)
{
	struct ipc_cfg_egress	 b = { count };
	struct ipc_cfg_egress_range one;
	struct ipc_msg		 w;
	uint32_t		 i;
	int			 rc;

	ipc_msg_init(&w, IPC_CFG_EGRESS, 0);
	ipc_msg_put(&w, &b);
	for (i = 0; i < n; i++) {
		strlcpy(one.range, ranges[i], sizeof(one.range));
		ipc_msg_put_item(&w, &one);
	}
	if (test_ipc_pass(&w, PROC_MOATD, PROC_STORED, r) == -1)
		return -2;
	rc = daemon_get_egress(r, allow);
	return rc;
}

static void
test_cfg_egress(void)
{
	static const char *const ok[] = { "127.0.0.0/8", "fe80::/10" };
	static const char *const bad[] = { "127.0.0.0/8", "no range" };
	const char		*many[EGRESS_ALLOW_MAX + 1];
	struct egress_allow	 allow;
	struct ipc_msg		 r;
	int			 i;

	CHECK_INT(cfg_egress(ok, 2, 2, &allow, &r), 0);
	CHECK_INT(allow.n, 2);
	CHECK(egress_addr_refused("127.0.0.1", &allow) == NULL);
	CHECK(egress_addr_refused("fe80::1", &allow) == NULL);
	CHECK(egress_addr_refused("169.254.169.254", &allow) != NULL);
	/* a user's DNS server: not in the private ranges either */
	CHECK(egress_addr_refused("10.1.2.3", &allow) == NULL);
	CHECK_STR(egress_addr_refused_private("10.1.2.3", &allow),
	    "a private address");
	CHECK(egress_addr_refused_private("172.16.0.1", &allow) != NULL);
	CHECK(egress_addr_refused_private("172.31.255.255", &allow) != NULL);
	CHECK(egress_addr_refused_private("172.32.0.1", &allow) == NULL);
	CHECK(egress_addr_refused_private("192.168.1.1", &allow) != NULL);
	CHECK(egress_addr_refused_private("100.64.0.1", &allow) != NULL);
	CHECK(egress_addr_refused_private("100.128.0.1", &allow) == NULL);
	CHECK(egress_addr_refused_private("::ffff:10.0.0.5", &allow) != NULL);
	CHECK(egress_addr_refused_private("fd12::1", &allow) != NULL);
	CHECK(egress_addr_refused_private("fc00::1", &allow) != NULL);
	CHECK(egress_addr_refused_private("2001:db8::1", &allow) == NULL);
	CHECK(egress_addr_refused_private("192.0.2.53", &allow) == NULL);
	/* loopback as moatd.conf allows it, and still the metadata */
	CHECK(egress_addr_refused_private("127.0.0.1", &allow) == NULL);
	CHECK(egress_addr_refused_private("169.254.169.254", &allow) != NULL);
	ipc_msg_clear(&r);

	CHECK_INT(cfg_egress(ok, 0, 0, &allow, &r), 0);
	CHECK_INT(allow.n, 0);
	ipc_msg_clear(&r);

	/* from moatd, anything wrong in it is a violation */
	CHECK_INT(cfg_egress(bad, 2, 2, &allow, &r), -1);
	CHECK(r.error != NULL);
	ipc_msg_clear(&r);
	CHECK_INT(cfg_egress(ok, 2, 3, &allow, &r), -1);
	CHECK(r.error != NULL);
	ipc_msg_clear(&r);
	for (i = 0; i <= EGRESS_ALLOW_MAX; i++)
		many[i] = "10.0.0.0/8";
	CHECK_INT(cfg_egress(many, EGRESS_ALLOW_MAX + 1, EGRESS_ALLOW_MAX + 1,
	    &allow, &r), -1);
	CHECK(r.error != NULL);
	ipc_msg_clear(&r);
	CHECK_INT(cfg_egress(many, EGRESS_ALLOW_MAX + 1, EGRESS_ALLOW_MAX,
	    &allow, &r), -1);
	CHECK(r.error != NULL);
	ipc_msg_clear(&r);
}

int
main(void)
{
	log_procinit("test_body_egress");
	RUN(test_store_egress);
	RUN(test_egress_list);
	RUN(test_egress_check);
	RUN(test_egress_check_res);
	RUN(test_cfg_egress);
	return test_report("test_body_egress");
}
