/*
 * The typed bodies of the messages about users (ipc/body_users.c): a
 * user with their hosts, a refusal that is its head alone, a page of a
 * list and its items, nil where a request says "none", and the limits a
 * receiver holds each field to.
 */
#include <stdlib.h>
#include <string.h>

#include "body_users.h"
#include "ipc.h"
#include "wire.h"
#include "test.h"

static void
a_user(struct user_rec *u)
{
	memset(u, 0, sizeof(*u));
	u->oid = 7;
	strlcpy(u->id, "11111111-2222-3333-4444-555555555555", sizeof(u->id));
	strlcpy(u->username, "alice", sizeof(u->username));
	strlcpy(u->role, "user", sizeof(u->role));
	strlcpy(u->status, "active", sizeof(u->status));
	u->expires_at = 1700000000;
	strlcpy(u->email, "alice@example.com", sizeof(u->email));
	strlcpy(u->notification_phone, "+48 123",
	    sizeof(u->notification_phone));
}

static void
test_user_with_hosts(void)
{
	struct ipc_user_res	 res, got;
	struct ipc_msg		 w, r;

	memset(&res, 0, sizeof(res));
	res.head.status = 200;
	strlcpy(res.head.message, "ok", sizeof(res.head.message));
	a_user(&res.user);
	res.nhosts = 1;
	res.hosts[0].oid = 3;
	strlcpy(res.hosts[0].short_id, "abcdefghij",
	    sizeof(res.hosts[0].short_id));
	strlcpy(res.hosts[0].hostname, "web", sizeof(res.hosts[0].hostname));
	ipc_msg_init(&w, IPC_USER_RES, 1);
	CHECK_INT(ipc_msg_put(&w, &res), 1);
	CHECK_INT(test_ipc_pass(&w, PROC_STORED, PROC_FRONTD, &r), 0);
	CHECK_INT(ipc_msg_get(&r, &got), 0);
	CHECK_INT(got.head.status, 200);
	CHECK_STR(got.user.username, "alice");
	CHECK_STR(got.user.email, "alice@example.com");
	CHECK_STR(got.user.notification_phone, "+48 123");
	CHECK(got.user.expires_at == 1700000000);
	CHECK_INT(got.nhosts, 1);
	CHECK(got.hosts[0].oid == 3);
	CHECK_STR(got.hosts[0].short_id, "abcdefghij");
	CHECK_STR(got.hosts[0].hostname, "web");
	CHECK_STR(got.hosts[1].short_id, "");
	ipc_msg_clear(&r);
}

/* An error is its head alone: nothing of the user follows it. */
static void
test_user_refused(void)
{
	struct ipc_user_res	 res, got;
	struct ipc_msg		 w, r;
	uint32_t		 status;
	char			 message[64];

	memset(&res, 0, sizeof(res));
	res.head.status = 404;
	strlcpy(res.head.message, "user not found", sizeof(res.head.message));
	a_user(&res.user);
	ipc_msg_init(&w, IPC_USER_RES, 1);
	CHECK_INT(ipc_msg_put(&w, &res), 0);
	CHECK_INT(test_ipc_pass(&w, PROC_STORED, PROC_FRONTD, &r), 0);
	ipc_get_u32(&r, &status);
	ipc_get_str(&r, message, sizeof(message));
	CHECK_INT(status, 404);
	CHECK_STR(message, "user not found");
	CHECK_INT(ipc_end(&r), 0);
	ipc_msg_clear(&r);

	ipc_msg_init(&w, IPC_USER_RES, 1);
	ipc_msg_put(&w, &res);
	CHECK_INT(test_ipc_pass(&w, PROC_AUTHD, PROC_FRONTD, &r), 0);
	CHECK_INT(ipc_msg_get(&r, &got), 0);
	CHECK_INT(got.head.status, 404);
	CHECK_STR(got.user.username, "");
	ipc_msg_clear(&r);
}

/* A page of users: the list's head, then one user_rec per item. */
static void
test_user_list(void)
{
	struct ipc_list_res	 res, got;
	struct user_rec		 u, item;
	struct ipc_msg		 w, items, r;
	int			 n = 0, rc;

	memset(&res, 0, sizeof(res));
	res.head.status = 200;
	res.total = 5;
	res.count = 2;
	ipc_msg_init(&items, IPC_USER_LIST_RES, 0);
	a_user(&u);
	ipc_msg_put_item(&items, &u);
	strlcpy(u.username, "bob", sizeof(u.username));
	ipc_msg_put_item(&items, &u);
	ipc_msg_init(&w, IPC_USER_LIST_RES, 1);
	if (ipc_msg_put(&w, &res))
		ipc_append(&w, &items);
	ipc_msg_clear(&items);
	CHECK_INT(test_ipc_pass(&w, PROC_STORED, PROC_FRONTD, &r), 0);
	CHECK_INT(ipc_msg_get(&r, &got), 0);
	CHECK(got.total == 5);
	while ((rc = ipc_msg_get_item(&r, &item)) == 1)
		n++;
	CHECK_INT(rc, 0);
	CHECK_INT(n, 2);
	CHECK_STR(item.username, "bob");
	ipc_msg_clear(&r);
}

/* "never" travels as nil, and comes back as never. */
static void
test_expiry_never(void)
{
	struct ipc_user_expiry	 q, got;
	struct ipc_msg		 w, r;

	memset(&q, 0, sizeof(q));
	q.grant_len = 3;
	q.access = IPC_ACCESS_ADMIN;
	strlcpy(q.ref, "42", sizeof(q.ref));
	q.expires_at = 99;
	q.never = 1;
	ipc_msg_init(&w, IPC_OP_USER_EXPIRY, 1);
	ipc_msg_put(&w, &q);
	CHECK_INT(test_ipc_pass(&w, PROC_FRONTD, PROC_STORED, &r), 0);
	CHECK_INT(ipc_msg_get(&r, &got), 0);
	CHECK_INT(got.never, 1);
	CHECK(got.expires_at == 0);
	CHECK_INT(got.access, IPC_ACCESS_ADMIN);
	CHECK_STR(got.ref, "42");
	ipc_msg_clear(&r);
}

/*
 * A field longer than its receiver keeps is refused, not cut: a
 * reference of 65 bytes, an event's text of 2048.
 */
static void
test_limits(void)
{
	struct ipc_msg		 w, r;
	struct ipc_list_res	 res;
	struct event_rec	*e;
	char			 ref[FIELD_REF_MAX + 2];
	uint8_t			 grant[GRANT_LEN];

	memset(ref, 'a', sizeof(ref) - 1);
	ref[sizeof(ref) - 1] = '\0';
	memset(grant, 0, sizeof(grant));
	ipc_msg_init(&w, IPC_OP_USER_GET, 1);
	ipc_put_bin(&w, grant, sizeof(grant));
	ipc_put_u64(&w, IPC_ACCESS_ADMIN);
	ipc_put_str(&w, ref);
	CHECK_INT(test_ipc_pass(&w, PROC_FRONTD, PROC_STORED, &r), 0);
	{
		struct ipc_user_ref	 got;

		CHECK_INT(ipc_msg_get(&r, &got), -1);
		CHECK(r.refused != NULL);
		CHECK(r.error == NULL);
	}
	ipc_msg_clear(&r);

	if ((e = calloc(1, sizeof(*e))) == NULL)
		abort();
	memset(&res, 0, sizeof(res));
	res.head.status = 200;
	res.count = res.total = 1;
	ipc_msg_init(&w, IPC_EVENTS_RES, 1);
	ipc_msg_put(&w, &res);
	memset(e->metadata, 'm', sizeof(e->metadata) - 1);
	ipc_msg_put_item(&w, e);
	CHECK_INT(test_ipc_pass(&w, PROC_STORED, PROC_FRONTD, &r), 0);
	CHECK_INT(ipc_msg_get(&r, &res), 0);
	CHECK_INT(ipc_msg_get_item(&r, e), 1);
	CHECK_INT((int)strlen(e->metadata), FIELD_EVENT_TEXT_MAX);
	ipc_msg_clear(&r);

	ipc_msg_init(&w, IPC_EVENTS_RES, 1);
	ipc_put_head(&w, 200, "ok");
	ipc_put_u64(&w, 1);
	ipc_put_u64(&w, 1);
	{
		static char	 long_text[FIELD_EVENT_TEXT_MAX + 2];
		int		 k;

		memset(long_text, 'x', sizeof(long_text) - 1);
		for (k = 0; k < 8; k++)
			ipc_put_str(&w, k == 7 ? long_text : "");
		ipc_put_i64(&w, 0);
	}
	CHECK_INT(test_ipc_pass(&w, PROC_STORED, PROC_FRONTD, &r), 0);
	CHECK_INT(ipc_msg_get(&r, &res), 0);
	CHECK_INT(ipc_msg_get_item(&r, e), -1);
	CHECK(r.refused != NULL);
	ipc_msg_clear(&r);
	free(e);
}

/* The benchmark's round trip: the payload comes back as it went. */
static void
test_ping(void)
{
	struct ipc_ping	 q, got;
	struct ipc_msg	 w, r;

	memset(q.payload, 'p', sizeof(q.payload));
	q.payload_len = 64;
	ipc_msg_init(&w, IPC_PING, 1);
	ipc_msg_put(&w, &q);
	CHECK_INT(test_ipc_pass(&w, PROC_FRONTD, PROC_STORED, &r), 0);
	CHECK_INT(ipc_msg_get(&r, &got), 0);
	CHECK_INT(got.payload_len, 64);
	CHECK(memcmp(got.payload, q.payload, 64) == 0);
	ipc_msg_clear(&r);
}

int
main(void)
{
	RUN(test_user_with_hosts);
	RUN(test_user_refused);
	RUN(test_user_list);
	RUN(test_expiry_never);
	RUN(test_limits);
	RUN(test_ping);
	return test_report("body_users");
}
