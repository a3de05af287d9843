/*
 * The DNS provider messages' typed bodies (ipc/body_dns.c): written by
 * one process and read by another as its struct, the nested provider
 * whole, a page of them after its head, and a field longer than the
 * receiver keeps refused rather than cut.
 */
#include <stdlib.h>
#include <string.h>

#include "body_dns.h"
#include "body_keys.h"
#include "ipc.h"
#include "log.h"
#include "wire.h"
#include "test.h"

static void
fill(struct dnsprov_rec *d)
{
	memset(d, 0, sizeof(*d));
	d->oid = 7;
	strlcpy(d->id, "0b1c2d3e-0000-4000-8000-000000000007", sizeof(d->id));
	d->user_oid = 3;
	strlcpy(d->name, "lab", sizeof(d->name));
	strlcpy(d->type, "rfc2136", sizeof(d->type));
	strlcpy(d->server, "[2001:db8::53]", sizeof(d->server));
	d->port = 5353;
	strlcpy(d->zone, "example.test", sizeof(d->zone));
	strlcpy(d->key_name, "moat-key", sizeof(d->key_name));
	strlcpy(d->algorithm, "hmac-sha512", sizeof(d->algorithm));
	d->secret_set = 1;
	d->created_at = 1700000000;
}

static void
same(const struct dnsprov_rec *a, const struct dnsprov_rec *b)
{
	CHECK_INT(a->oid, b->oid);
	CHECK_STR(a->id, b->id);
	CHECK_INT(a->user_oid, b->user_oid);
	CHECK_STR(a->name, b->name);
	CHECK_STR(a->type, b->type);
	CHECK_STR(a->server, b->server);
	CHECK_INT(a->port, b->port);
	CHECK_STR(a->zone, b->zone);
	CHECK_STR(a->key_name, b->key_name);
	CHECK_STR(a->algorithm, b->algorithm);
	CHECK_STR(a->zone_id, b->zone_id);
	CHECK_INT(a->secret_set, b->secret_set);
	CHECK_INT(a->created_at, b->created_at);
}

static void
test_create_and_store(void)
{
	struct ipc_dnsprov_create *c = calloc(1, sizeof(*c)),
				  *cr = calloc(1, sizeof(*cr));
	struct ipc_dnsprov_store  *s = calloc(1, sizeof(*s)),
				  *sr = calloc(1, sizeof(*sr));
	struct ipc_msg		   w, r;

	if (c == NULL || cr == NULL || s == NULL || sr == NULL)
		fatal("calloc");
	memset(c->grant, 0xab, GRANT_LEN);
	c->grant_len = GRANT_LEN;
	c->access = IPC_ACCESS_ANY;
	strlcpy(c->user, "3", sizeof(c->user));
	c->dialect = 2;
	fill(&c->prov);
	strlcpy(c->secret, "c2VjcmV0", sizeof(c->secret));
	ipc_msg_init(&w, IPC_AUTH_DNSPROV_CREATE, 4);
	CHECK_INT(ipc_msg_put(&w, c), 1);
	CHECK_INT(test_ipc_pass(&w, PROC_FRONTD, PROC_AUTHD, &r), 0);
	CHECK_INT(ipc_msg_get(&r, cr), 0);
	CHECK(memcmp(cr->grant, c->grant, GRANT_LEN) == 0);
	CHECK_INT(cr->access, IPC_ACCESS_ANY);
	CHECK_STR(cr->user, "3");
	CHECK_STR(cr->secret, "c2VjcmV0");
	same(&cr->prov, &c->prov);
	ipc_msg_clear(&r);

	/* only frontd sends it, only to authd */
	ipc_msg_init(&w, IPC_AUTH_DNSPROV_CREATE, 4);
	ipc_msg_put(&w, c);
	CHECK(test_ipc_pass(&w, PROC_FRONTD, PROC_STORED, &r) == -1 ||
	    r.error != NULL);
	ipc_msg_clear(&r);

	/* a zone longer than the record keeps is refused, not cut */
	memset(c->prov.zone, 'z', sizeof(c->prov.zone));
	ipc_msg_init(&w, IPC_AUTH_DNSPROV_CREATE, 4);
	ipc_msg_put(&w, c);
	CHECK_INT(test_ipc_pass(&w, PROC_FRONTD, PROC_AUTHD, &r), 0);
	CHECK_INT(ipc_msg_get(&r, cr), -1);
	CHECK(r.refused != NULL && r.error == NULL);
	ipc_msg_clear(&r);

	memcpy(s->grant, c->grant, GRANT_LEN);
	s->grant_len = GRANT_LEN;
	s->access = IPC_ACCESS_ANY;
	fill(&s->prov);
	memset(s->sealed, 9, DNSREC_SEALED_MAX);
	s->sealed_len = DNSREC_SEALED_MAX;
	ipc_msg_init(&w, IPC_STORE_DNSPROV_CREATE, 5);
	CHECK_INT(ipc_msg_put(&w, s), 1);
	CHECK_INT(test_ipc_pass(&w, PROC_AUTHD, PROC_STORED, &r), 0);
	CHECK_INT(ipc_msg_get(&r, sr), 0);
	CHECK_INT(sr->sealed_len, DNSREC_SEALED_MAX);
	CHECK(memcmp(sr->sealed, s->sealed, DNSREC_SEALED_MAX) == 0);
	same(&sr->prov, &s->prov);
	ipc_msg_clear(&r);
	free(c);
	free(cr);
	free(s);
	free(sr);
}

static void
test_answers(void)
{
	struct ipc_dnsprov_res	 res, got;
	struct ipc_list_res	 head, ghead;
	struct dnsprov_rec	 d, g;
	struct ipc_msg		 w, r, items;
	int			 i;

	memset(&res, 0, sizeof(res));
	res.head.status = 201;
	strlcpy(res.head.message, "created", sizeof(res.head.message));
	fill(&res.prov);
	ipc_msg_init(&w, IPC_DNSPROV_RES, 6);
	CHECK_INT(ipc_msg_put(&w, &res), 1);
	CHECK_INT(test_ipc_pass(&w, PROC_STORED, PROC_AUTHD, &r), 0);
	CHECK_INT(ipc_msg_get(&r, &got), 0);
	CHECK_INT(got.head.status, 201);
	same(&got.prov, &res.prov);
	ipc_msg_clear(&r);

	/* a page: the head, then three providers */
	memset(&head, 0, sizeof(head));
	head.head.status = 200;
	head.total = 3;
	head.count = 3;
	ipc_msg_init(&items, IPC_DNSPROV_LIST_RES, 0);
	for (i = 0; i < 3; i++) {
		fill(&d);
		d.oid = 10 + i;
		ipc_msg_put_item(&items, &d);
	}
	ipc_msg_init(&w, IPC_DNSPROV_LIST_RES, 8);
	CHECK_INT(ipc_msg_put(&w, &head), 1);
	ipc_append(&w, &items);
	ipc_msg_clear(&items);
	CHECK_INT(test_ipc_pass(&w, PROC_STORED, PROC_FRONTD, &r), 0);
	CHECK_INT(ipc_msg_get(&r, &ghead), 0);
	CHECK_INT(ghead.count, 3);
	for (i = 0; i < 3; i++) {
		CHECK_INT(ipc_msg_get_item(&r, &g), 1);
		CHECK_INT(g.oid, 10 + i);
		CHECK_STR(g.server, "[2001:db8::53]");
	}
	CHECK_INT(ipc_msg_get_item(&r, &g), 0);
	ipc_msg_clear(&r);
}

int
main(void)
{
	log_procinit("test_body_dns");
	RUN(test_create_and_store);
	RUN(test_answers);
	return (test_report("body_dns"));
}
