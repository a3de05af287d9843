/*
 * The device messages' typed bodies (ipc/body_devices.c): each read
 * whole by the process it goes to, at its longest; a token only on the
 * routes a registration's answer takes; the device's own reads and the
 * assignment from frontd to stored alone.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "body_certs.h"
#include "body_core.h"
#include "body_devices.h"
#include "ipc.h"
#include "wire.h"
#include "log.h"
#include "test.h"

/* an agent's session record, every field at its longest */
static void
fill_session(struct devsess_rec *s)
{
	memset(s->family, 'f', DEVSESS_FAMILY_MAX);
	memset(s->access_id, 'a', DEVICE_PUBLIC_ID_MAX);
	memset(s->access_digest, 0x11, DEVICE_DIGEST_LEN);
	s->access_digest_len = DEVICE_DIGEST_LEN;
	s->access_expires = INT64_MAX;
	memset(s->refresh_id, 'r', DEVICE_PUBLIC_ID_MAX);
	memset(s->refresh_digest, 0x22, DEVICE_DIGEST_LEN);
	s->refresh_digest_len = DEVICE_DIGEST_LEN;
	s->refresh_expires = INT64_MAX - 1;
}

static void
check_session(const struct devsess_rec *out, const struct devsess_rec *in)
{
	CHECK_STR(out->family, in->family);
	CHECK_STR(out->access_id, in->access_id);
	CHECK_STR(out->refresh_id, in->refresh_id);
	CHECK_INT(out->access_digest_len, DEVICE_DIGEST_LEN);
	CHECK_INT(out->refresh_digest_len, DEVICE_DIGEST_LEN);
	CHECK(memcmp(out->access_digest, in->access_digest,
	    DEVICE_DIGEST_LEN) == 0);
	CHECK(memcmp(out->refresh_digest, in->refresh_digest,
	    DEVICE_DIGEST_LEN) == 0);
	CHECK(out->access_expires == INT64_MAX);
	CHECK(out->refresh_expires == INT64_MAX - 1);
}

/* authd to stored: a device and its token's record, fields at their
 * longest; frontd may not send it */
static void
test_device_store(void)
{
	struct ipc_device_store	 in, out;
	struct ipc_msg		 w, r;

	memset(&in, 0, sizeof(in));
	memset(in.grant, 0xab, GRANT_LEN);
	in.grant_len = GRANT_LEN;
	strlcpy(in.user, "42", sizeof(in.user));
	strlcpy(in.device.id, "0f0e0d0c-0b0a-4908-8706-050403020100",
	    sizeof(in.device.id));
	memset(in.device.name, 'n', DEVICE_NAME_MAX);
	memset(in.device.description, 'd', DEVICE_DESC_MAX);
	memset(in.device.device_type, 't', DEVICE_TYPE_MAX);
	memset(in.device.dev_pk, 'A', DEVICE_PK_MAX);
	memset(in.public_id, 'p', 12);
	memset(in.digest, 0x5a, DEVICE_DIGEST_LEN);
	in.digest_len = DEVICE_DIGEST_LEN;
	fill_session(&in.sess);
	ipc_msg_init(&w, IPC_STORE_DEVICE_CREATE, 5);
	CHECK_INT(ipc_msg_put(&w, &in), 1);
	CHECK_INT(test_ipc_pass(&w, PROC_AUTHD, PROC_STORED, &r), 0);
	CHECK_INT(ipc_msg_get(&r, &out), 0);
	CHECK(memcmp(out.grant, in.grant, GRANT_LEN) == 0);
	CHECK_STR(out.user, "42");
	CHECK_STR(out.device.id, in.device.id);
	CHECK_INT(strlen(out.device.name), DEVICE_NAME_MAX);
	CHECK_INT(strlen(out.device.description), DEVICE_DESC_MAX);
	CHECK_INT(strlen(out.device.device_type), DEVICE_TYPE_MAX);
	CHECK_INT(strlen(out.device.dev_pk), DEVICE_PK_MAX);
	CHECK_STR(out.public_id, in.public_id);
	CHECK_INT(out.digest_len, DEVICE_DIGEST_LEN);
	CHECK(memcmp(out.digest, in.digest, DEVICE_DIGEST_LEN) == 0);
	check_session(&out.sess, &in.sess);
	ipc_msg_clear(&r);
	ipc_msg_init(&w, IPC_STORE_DEVICE_CREATE, 5);
	ipc_msg_put(&w, &in);
	CHECK_INT(test_ipc_pass(&w, PROC_FRONTD, PROC_STORED, &r), -1);
}

/* frontd to authd: a registration, to authd alone */
static void
test_device_create(void)
{
	struct ipc_device_create in, out;
	struct ipc_msg		 w, r;

	memset(&in, 0, sizeof(in));
	memset(in.grant, 0x11, GRANT_LEN);
	in.grant_len = GRANT_LEN;
	strlcpy(in.user, "7", sizeof(in.user));
	strlcpy(in.name, "web-server-01", sizeof(in.name));
	strlcpy(in.device_type, "nginx", sizeof(in.device_type));
	ipc_msg_init(&w, IPC_AUTH_DEVICE_CREATE, 6);
	CHECK_INT(ipc_msg_put(&w, &in), 1);
	CHECK_INT(test_ipc_pass(&w, PROC_FRONTD, PROC_AUTHD, &r), 0);
	CHECK_INT(ipc_msg_get(&r, &out), 0);
	CHECK_STR(out.name, "web-server-01");
	CHECK_STR(out.device_type, "nginx");
	CHECK_STR(out.description, "");
	CHECK_STR(out.dev_pk, "");
	ipc_msg_clear(&r);
	/* frontd goes to authd, which mints; never to stored directly */
	ipc_msg_init(&w, IPC_AUTH_DEVICE_CREATE, 6);
	ipc_msg_put(&w, &in);
	CHECK_INT(test_ipc_pass(&w, PROC_FRONTD, PROC_STORED, &r), -1);
}

/* the answer: a token on stored's way to authd and authd's to frontd */
static void
test_device_res(void)
{
	struct ipc_device_res	 in, out;
	struct ipc_msg		 w, r;

	memset(&in, 0, sizeof(in));
	in.head.status = 201;
	strlcpy(in.head.message, "created", sizeof(in.head.message));
	in.device.oid = 9;
	in.device.certs = 3;
	in.device.created_at = 1700000000;
	strlcpy(in.device.name, "edge", sizeof(in.device.name));
	memset(in.token, 'T', KEYTOKEN_MAX);
	ipc_msg_init(&w, IPC_DEVICE_RES, 8);
	CHECK_INT(ipc_msg_put(&w, &in), 1);
	CHECK_INT(test_ipc_pass(&w, PROC_AUTHD, PROC_FRONTD, &r), 0);
	CHECK_INT(ipc_msg_get(&r, &out), 0);
	CHECK_INT(out.head.status, 201);
	CHECK_INT(out.device.oid, 9);
	CHECK_INT(out.device.certs, 3);
	CHECK_INT(out.device.created_at, 1700000000);
	CHECK_STR(out.device.name, "edge");
	CHECK_INT(strlen(out.token), KEYTOKEN_MAX);
	ipc_msg_clear(&r);
	ipc_msg_init(&w, IPC_DEVICE_RES, 8);
	ipc_msg_put(&w, &in);
	CHECK_INT(test_ipc_pass(&w, PROC_FRONTD, PROC_AUTHD, &r), -1);
}

/* frontd to stored: an assignment, and its answer */
static void
test_assign(void)
{
	struct ipc_device_assign	 in, out;
	struct ipc_device_assign_res	 rin, rout;
	struct ipc_msg			 w, r;

	memset(&in, 0, sizeof(in));
	memset(in.grant, 0x22, GRANT_LEN);
	in.grant_len = GRANT_LEN;
	in.access = IPC_ACCESS_ANY;
	in.op = DEVICE_UNASSIGN;
	strlcpy(in.user, "me", sizeof(in.user));
	memset(in.device, 'd', FIELD_REF_MAX);
	memset(in.cert, 'c', FIELD_REF_MAX);
	in.dialect = 3;
	ipc_msg_init(&w, IPC_OP_DEVICE_ASSIGN, 9);
	CHECK_INT(ipc_msg_put(&w, &in), 1);
	CHECK_INT(test_ipc_pass(&w, PROC_FRONTD, PROC_STORED, &r), 0);
	CHECK_INT(ipc_msg_get(&r, &out), 0);
	CHECK_INT(out.op, DEVICE_UNASSIGN);
	CHECK_INT(out.access, IPC_ACCESS_ANY);
	CHECK_INT(strlen(out.device), FIELD_REF_MAX);
	CHECK_INT(strlen(out.cert), FIELD_REF_MAX);
	CHECK_INT(out.dialect, 3);
	ipc_msg_clear(&r);
	ipc_msg_init(&w, IPC_OP_DEVICE_ASSIGN, 9);
	ipc_msg_put(&w, &in);
	CHECK_INT(test_ipc_pass(&w, PROC_AUTHD, PROC_STORED, &r), -1);
	memset(&rin, 0, sizeof(rin));
	rin.head.status = 200;
	rin.device_oid = 4;
	rin.cert_oid = 5;
	rin.assigned_at = 1700000001;
	ipc_msg_init(&w, IPC_DEVICE_ASSIGN_RES, 9);
	CHECK_INT(ipc_msg_put(&w, &rin), 1);
	CHECK_INT(test_ipc_pass(&w, PROC_STORED, PROC_FRONTD, &r), 0);
	CHECK_INT(ipc_msg_get(&r, &rout), 0);
	CHECK_INT(rout.device_oid, 4);
	CHECK_INT(rout.cert_oid, 5);
	CHECK_INT(rout.assigned_at, 1700000001);
	ipc_msg_clear(&r);
}

/* each request's reply type, and the device's reads from frontd alone */
static void
test_replies(void)
{
	static const struct { int req, res; } pairs[] = {
		{ IPC_AUTH_DEVICE_CREATE, IPC_DEVICE_RES },
		{ IPC_STORE_DEVICE_CREATE, IPC_DEVICE_RES },
		{ IPC_OP_DEVICE, IPC_DEVICE_RES },
		{ IPC_OP_DEVICE_LIST, IPC_DEVICE_LIST_RES },
		{ IPC_OP_DEVICE_ASSIGN, IPC_DEVICE_ASSIGN_RES },
		{ IPC_OP_SELF_CERT, IPC_CERT_RES },
		{ IPC_OP_SELF_BUNDLE, IPC_CA_RES },
		{ IPC_AUTH_DEPLOY, IPC_DEPLOY_RES },
		{ IPC_DEVKEY_GET, IPC_DEVKEY_RES },
		{ IPC_OP_SELF_UPDATES, IPC_UPDATES_RES },
	};
	size_t	 i;

	for (i = 0; i < sizeof(pairs) / sizeof(pairs[0]); i++) {
		CHECK(ipc_msgdef(pairs[i].req) != NULL);
		CHECK_INT(ipc_msgdef(pairs[i].req)->reply, pairs[i].res);
	}
	CHECK(ipc_msgdef(IPC_OP_SELF_CERT)->routes ==
	    IPC_ROUTE(PROC_FRONTD, PROC_STORED));
	CHECK(ipc_msgdef(IPC_OP_SELF_BUNDLE)->routes ==
	    IPC_ROUTE(PROC_FRONTD, PROC_STORED));
	/* the seal of a device's key goes to authd alone, and what authd
	 * makes of it to frontd alone */
	CHECK(ipc_msgdef(IPC_DEVKEY_RES)->routes ==
	    IPC_ROUTE(PROC_STORED, PROC_AUTHD));
	CHECK(ipc_msgdef(IPC_DEPLOY_RES)->routes ==
	    IPC_ROUTE(PROC_AUTHD, PROC_FRONTD));
}

/* a poll and its page of signals; stored's word to frontd, one way */
static void
test_updates(void)
{
	struct ipc_updates_req	 q, qo;
	struct ipc_updates_res	 res, ro;
	struct ipc_device_signaled sig, so;
	struct signal_rec	 s, got;
	struct ipc_msg		 w, r, items;
	int			 i, rc;

	memset(&q, 0, sizeof(q));
	q.grant_len = GRANT_LEN;
	q.cursor = UINT64_MAX;
	q.limit = 100;
	q.again = 1;
	q.fresh = 1;
	ipc_msg_init(&w, IPC_OP_SELF_UPDATES, 3);
	CHECK_INT(ipc_msg_put(&w, &q), 1);
	CHECK_INT(test_ipc_pass(&w, PROC_FRONTD, PROC_STORED, &r), 0);
	CHECK_INT(ipc_msg_get(&r, &qo), 0);
	CHECK(qo.cursor == UINT64_MAX);
	CHECK_INT(qo.limit, 100);
	CHECK_INT(qo.again, 1);
	CHECK_INT(qo.fresh, 1);
	ipc_msg_clear(&r);
	/* a full page of the longest signals fits updates.res */
	memset(&res, 0, sizeof(res));
	res.head.status = 200;
	res.device_oid = 12;
	res.cursor = 4000;
	res.count = 100;
	ipc_msg_init(&items, IPC_UPDATES_RES, 0);
	memset(&s, 0, sizeof(s));
	memset(s.type, 't', SIGNAL_TYPE_MAX);
	memset(s.ref, '9', SIGNAL_REF_MAX);
	for (i = 0; i < 100; i++) {
		s.ts_ms = 1700000000000LL + i;
		ipc_msg_put_item(&items, &s);
	}
	ipc_msg_init(&w, IPC_UPDATES_RES, 3);
	CHECK_INT(ipc_msg_put(&w, &res), 1);
	ipc_append(&w, &items);
	ipc_msg_clear(&items);
	CHECK_INT(test_ipc_pass(&w, PROC_STORED, PROC_FRONTD, &r), 0);
	CHECK_INT(ipc_msg_get(&r, &ro), 0);
	CHECK_INT(ro.device_oid, 12);
	CHECK_INT(ro.cursor, 4000);
	for (i = 0; (rc = ipc_msg_get_item(&r, &got)) == 1; i++) {
		CHECK(got.ts_ms == 1700000000000LL + i);
		CHECK_INT(strlen(got.type), SIGNAL_TYPE_MAX);
		CHECK_INT(strlen(got.ref), SIGNAL_REF_MAX);
	}
	CHECK_INT(rc, 0);
	CHECK_INT(i, 100);
	ipc_msg_clear(&r);
	sig.device_oid = 77;
	ipc_msg_init(&w, IPC_DEVICE_SIGNALED, 0);
	CHECK_INT(ipc_msg_put(&w, &sig), 1);
	CHECK_INT(test_ipc_pass(&w, PROC_STORED, PROC_FRONTD, &r), 0);
	CHECK_INT(ipc_msg_get(&r, &so), 0);
	CHECK_INT(so.device_oid, 77);
	ipc_msg_clear(&r);
	CHECK_INT(ipc_msgdef(IPC_DEVICE_SIGNALED)->reply, 0);
	ipc_msg_init(&w, IPC_DEVICE_SIGNALED, 0);
	ipc_msg_put(&w, &sig);
	CHECK_INT(test_ipc_pass(&w, PROC_FRONTD, PROC_STORED, &r), -1);
}

/*
 * An agent's registration and refresh go from frontd to authd alone,
 * the turn of a refresh token from authd to stored alone, and the
 * session's tokens come back to frontd alone; each at its longest.
 */
static void
test_sessions(void)
{
	struct ipc_device_create	 reg;
	struct ipc_devsess_refresh	 rq, rqo;
	struct ipc_devsess_rotate	 rot, roto;
	struct ipc_devsess_res		 res, reso;
	struct ipc_msg			 w, r;

	memset(&reg, 0, sizeof(reg));
	memset(reg.grant, 0xab, GRANT_LEN);
	reg.grant_len = GRANT_LEN;
	memset(reg.name, 'n', DEVICE_NAME_MAX);
	memset(reg.description, 'd', DEVICE_DESC_MAX);
	memset(reg.device_type, 't', DEVICE_TYPE_MAX);
	memset(reg.dev_pk, 'A', DEVICE_PK_MAX);
	ipc_msg_init(&w, IPC_AUTH_DEVICE_REGISTER, 3);
	CHECK_INT(ipc_msg_put(&w, &reg), 1);
	CHECK_INT(test_ipc_pass(&w, PROC_FRONTD, PROC_AUTHD, &r), 0);
	ipc_msg_clear(&r);
	ipc_msg_init(&w, IPC_AUTH_DEVICE_REGISTER, 3);
	ipc_msg_put(&w, &reg);
	CHECK_INT(test_ipc_pass(&w, PROC_FRONTD, PROC_STORED, &r), -1);
	CHECK_INT(ipc_msgdef(IPC_AUTH_DEVICE_REGISTER)->reply,
	    IPC_DEVSESS_RES);

	memset(&rq, 0, sizeof(rq));
	memset(rq.peer, '1', FIELD_PEER_MAX);
	memset(rq.token, 'T', KEYTOKEN_MAX);
	ipc_msg_init(&w, IPC_AUTH_DEVICE_REFRESH, 4);
	CHECK_INT(ipc_msg_put(&w, &rq), 1);
	CHECK_INT(test_ipc_pass(&w, PROC_FRONTD, PROC_AUTHD, &r), 0);
	CHECK_INT(ipc_msg_get(&r, &rqo), 0);
	CHECK_STR(rqo.peer, rq.peer);
	CHECK_STR(rqo.token, rq.token);
	ipc_msg_clear(&r);
	ipc_msg_init(&w, IPC_AUTH_DEVICE_REFRESH, 4);
	ipc_msg_put(&w, &rq);
	CHECK_INT(test_ipc_pass(&w, PROC_FRONTD, PROC_STORED, &r), -1);

	memset(&rot, 0, sizeof(rot));
	rot.old_oid = UINT64_MAX;
	fill_session(&rot.sess);
	ipc_msg_init(&w, IPC_STORE_DEVSESS_ROTATE, 5);
	CHECK_INT(ipc_msg_put(&w, &rot), 1);
	CHECK_INT(test_ipc_pass(&w, PROC_AUTHD, PROC_STORED, &r), 0);
	CHECK_INT(ipc_msg_get(&r, &roto), 0);
	CHECK(roto.old_oid == UINT64_MAX);
	check_session(&roto.sess, &rot.sess);
	ipc_msg_clear(&r);
	ipc_msg_init(&w, IPC_STORE_DEVSESS_ROTATE, 5);
	ipc_msg_put(&w, &rot);
	CHECK_INT(test_ipc_pass(&w, PROC_FRONTD, PROC_STORED, &r), -1);
	CHECK_INT(ipc_msgdef(IPC_STORE_DEVSESS_ROTATE)->reply,
	    IPC_DEVICE_RES);

	memset(&res, 0, sizeof(res));
	res.head.status = 201;
	strlcpy(res.head.message, "created", sizeof(res.head.message));
	res.device.oid = 12;
	memset(res.device.name, 'n', DEVICE_NAME_MAX);
	memset(res.device.description, 'd', DEVICE_DESC_MAX);
	memset(res.device.device_type, 't', DEVICE_TYPE_MAX);
	memset(res.device.dev_pk, 'A', DEVICE_PK_MAX);
	memset(res.device.id, 'i', 36);
	memset(res.access_token, 'a', KEYTOKEN_MAX);
	memset(res.refresh_token, 'r', KEYTOKEN_MAX);
	res.expires_in = 3600;
	ipc_msg_init(&w, IPC_DEVSESS_RES, 6);
	CHECK_INT(ipc_msg_put(&w, &res), 1);
	CHECK_INT(test_ipc_pass(&w, PROC_AUTHD, PROC_FRONTD, &r), 0);
	CHECK_INT(ipc_msg_get(&r, &reso), 0);
	CHECK_INT(reso.head.status, 201);
	CHECK_INT(reso.device.oid, 12);
	CHECK_INT(strlen(reso.device.description), DEVICE_DESC_MAX);
	CHECK_STR(reso.access_token, res.access_token);
	CHECK_STR(reso.refresh_token, res.refresh_token);
	CHECK_INT(reso.expires_in, 3600);
	ipc_msg_clear(&r);
	ipc_msg_init(&w, IPC_DEVSESS_RES, 6);
	ipc_msg_put(&w, &res);
	CHECK_INT(test_ipc_pass(&w, PROC_STORED, PROC_FRONTD, &r), -1);
}

int
main(void)
{
	RUN(test_device_store);
	RUN(test_device_create);
	RUN(test_device_res);
	RUN(test_assign);
	RUN(test_replies);
	RUN(test_updates);
	RUN(test_sessions);
	return test_report("body_devices");
}
