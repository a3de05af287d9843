/*
 * The CA and certificate messages' typed bodies (ipc/body_certs.c):
 * each read whole as its struct by the process it goes to, a sealed key
 * of the largest size, a page with its cursor, and every route the
 * catalogue does not name refused.  A private key in clear travels in
 * one message alone, from authd to frontd.
 */
#include <stdlib.h>
#include <string.h>

#include "body_certs.h"
#include "body_core.h"
#include "ipc.h"
#include "wire.h"
#include "log.h"
#include "test.h"

static void *
zalloc(size_t n)
{
	void	*p;

	if ((p = calloc(1, n)) == NULL)
		fatal("calloc");
	return p;
}

/* authd to stored: a CA made, with the largest seal. */
static void
test_store_ca_create(void)
{
	struct ipc_store_ca_create	*in = zalloc(sizeof(*in));
	struct ipc_store_ca_create	*out = zalloc(sizeof(*out));
	struct ipc_msg			 w, r;

	memset(in->grant, 0xcd, GRANT_LEN);
	in->grant_len = GRANT_LEN;
	strlcpy(in->user, "7", sizeof(in->user));
	in->ca.oid = 3;
	strlcpy(in->ca.id, "0f0e0d0c-0b0a-4908-8706-050403020100",
	    sizeof(in->ca.id));
	strlcpy(in->ca.name, "Internal CA", sizeof(in->ca.name));
	strlcpy(in->ca.key_type, "rsa-4096", sizeof(in->ca.key_type));
	memset(in->ca.serial, 'F', CERT_SERIAL_MAX);
	in->ca.not_before = 1700000000;
	in->ca.not_after = -1;
	memset(in->cert_pem, 'M', CERT_PEM_MAX);
	memset(in->sealed, 0x01, CERT_SEALED_MAX);
	in->sealed_len = CERT_SEALED_MAX;
	ipc_msg_init(&w, IPC_STORE_CA_CREATE, 11);
	CHECK_INT(ipc_msg_put(&w, in), 1);
	CHECK_INT(test_ipc_pass(&w, PROC_AUTHD, PROC_STORED, &r), 0);
	CHECK_INT(ipc_msg_get(&r, out), 0);
	CHECK(memcmp(out->grant, in->grant, GRANT_LEN) == 0);
	CHECK_STR(out->user, "7");
	CHECK_INT(out->ca.oid, 3);
	CHECK_STR(out->ca.id, in->ca.id);
	CHECK_STR(out->ca.name, "Internal CA");
	CHECK_STR(out->ca.key_type, "rsa-4096");
	CHECK_INT(strlen(out->ca.serial), CERT_SERIAL_MAX);
	CHECK_INT(out->ca.not_before, 1700000000);
	CHECK_INT(out->ca.not_after, -1);
	CHECK_INT(strlen(out->cert_pem), CERT_PEM_MAX);
	CHECK_INT(out->sealed_len, CERT_SEALED_MAX);
	CHECK(memcmp(out->sealed, in->sealed, CERT_SEALED_MAX) == 0);
	ipc_msg_clear(&r);
	/* only authd hands stored a CA, and frontd never */
	ipc_msg_init(&w, IPC_STORE_CA_CREATE, 11);
	ipc_msg_put(&w, in);
	CHECK_INT(test_ipc_pass(&w, PROC_FRONTD, PROC_STORED, &r), -1);
	free(in);
	free(out);
}

/* frontd to authd: an issue's names, at their longest; one more is cut
 * nowhere but refused. */
static void
test_auth_cert_issue(void)
{
	struct ipc_auth_cert_issue	*in = zalloc(sizeof(*in));
	struct ipc_auth_cert_issue	*out = zalloc(sizeof(*out));
	struct ipc_msg			 w, r;

	in->grant_len = GRANT_LEN;
	strlcpy(in->user, "me", sizeof(in->user));
	strlcpy(in->ca, "12", sizeof(in->ca));
	memset(in->names, 'a', CERT_SANS_MAX);
	strlcpy(in->key_type, "ecdsa", sizeof(in->key_type));
	in->key_bits = 384;
	in->validity_days = 90;
	ipc_msg_init(&w, IPC_AUTH_CERT_ISSUE, 2);
	CHECK_INT(ipc_msg_put(&w, in), 1);
	CHECK_INT(test_ipc_pass(&w, PROC_FRONTD, PROC_AUTHD, &r), 0);
	CHECK_INT(ipc_msg_get(&r, out), 0);
	CHECK_STR(out->ca, "12");
	CHECK_INT(strlen(out->names), CERT_SANS_MAX);
	CHECK_STR(out->key_type, "ecdsa");
	CHECK_INT(out->key_bits, 384);
	CHECK_INT(out->validity_days, 90);
	ipc_msg_clear(&r);
	/* frontd has no business sending it to stored */
	ipc_msg_init(&w, IPC_AUTH_CERT_ISSUE, 2);
	ipc_msg_put(&w, in);
	CHECK_INT(test_ipc_pass(&w, PROC_FRONTD, PROC_STORED, &r), -1);
	free(in);
	free(out);
}

/* stored to frontd: a page of certificates, its cursor and has_more. */
static void
test_cert_list(void)
{
	struct ipc_cert_list_res res;
	struct cert_rec		*c = zalloc(sizeof(*c));
	struct cert_rec		*got = zalloc(sizeof(*got));
	struct ipc_msg		 w, r, items;
	int			 i, rc;

	memset(&res, 0, sizeof(res));
	res.head.status = 200;
	res.total = 30;
	res.count = 3;
	res.has_more = 1;
	memset(res.cursor, 'c', CERT_CURSOR_MAX);
	ipc_msg_init(&items, IPC_CERT_LIST_RES, 0);
	for (i = 0; i < 3; i++) {
		c->oid = 100 + i;
		c->ca_oid = i == 1 ? 0 : 5;
		strlcpy(c->status, "issued", sizeof(c->status));
		memset(c->sans, 'n', CERT_SANS_MAX);
		strlcpy(c->key_type, "ecdsa-p256", sizeof(c->key_type));
		ipc_msg_put_item(&items, c);
	}
	ipc_msg_init(&w, IPC_CERT_LIST_RES, 4);
	CHECK_INT(ipc_msg_put(&w, &res), 1);
	ipc_append(&w, &items);
	ipc_msg_clear(&items);
	CHECK_INT(test_ipc_pass(&w, PROC_STORED, PROC_FRONTD, &r), 0);
	memset(&res, 0, sizeof(res));
	CHECK_INT(ipc_msg_get(&r, &res), 0);
	CHECK_INT(res.total, 30);
	CHECK_INT(res.has_more, 1);
	CHECK_INT(strlen(res.cursor), CERT_CURSOR_MAX);
	for (i = 0; (rc = ipc_msg_get_item(&r, got)) == 1; i++) {
		CHECK_INT(got->oid, 100 + i);
		CHECK_INT(got->ca_oid, i == 1 ? 0 : 5);
		CHECK_STR(got->status, "issued");
		CHECK_INT(strlen(got->sans), CERT_SANS_MAX);
	}
	CHECK_INT(rc, 0);
	CHECK_INT(i, 3);
	ipc_msg_clear(&r);
	free(c);
	free(got);
}

/* A page request: a cursor longer than stored signs is refused. */
static void
test_cert_page(void)
{
	struct ipc_cert_page	 in, out;
	struct ipc_msg		 w, r;

	memset(&in, 0, sizeof(in));
	in.grant_len = GRANT_LEN;
	in.access = IPC_ACCESS_ANY;
	strlcpy(in.user, "5", sizeof(in.user));
	in.limit = 3;
	in.by_cursor = 1;
	strlcpy(in.cursor, "00000000000000aa", sizeof(in.cursor));
	ipc_msg_init(&w, IPC_OP_CERT_LIST, 8);
	CHECK_INT(ipc_msg_put(&w, &in), 1);
	CHECK_INT(test_ipc_pass(&w, PROC_FRONTD, PROC_STORED, &r), 0);
	CHECK_INT(ipc_msg_get(&r, &out), 0);
	CHECK_INT(out.by_cursor, 1);
	CHECK_INT(out.limit, 3);
	CHECK_STR(out.cursor, "00000000000000aa");
	ipc_msg_clear(&r);
	memset(in.cursor, 'x', sizeof(in.cursor));
	ipc_msg_init(&w, IPC_OP_CA_LIST, 8);
	ipc_msg_put(&w, &in);
	CHECK_INT(test_ipc_pass(&w, PROC_FRONTD, PROC_STORED, &r), 0);
	CHECK_INT(ipc_msg_get(&r, &out), -1);
	CHECK(r.refused != NULL && r.error == NULL);
	ipc_msg_clear(&r);
}

/*
 * The seal of a key goes from stored to authd alone; the key in clear
 * from authd to frontd alone, only on 2xx.
 */
static void
test_keys_routes(void)
{
	struct ipc_certkey_res		*k = zalloc(sizeof(*k));
	struct ipc_certkey_res		*kout = zalloc(sizeof(*kout));
	struct ipc_cert_export_res	*e = zalloc(sizeof(*e));
	struct ipc_cert_export_res	*eout = zalloc(sizeof(*eout));
	struct ipc_msg			 w, r;

	k->head.status = 200;
	strlcpy(k->id, "id", sizeof(k->id));
	memset(k->sealed, 0xee, CERT_SEALED_MAX);
	k->sealed_len = CERT_SEALED_MAX;
	memset(k->cert_pem, 'C', CERT_PEM_MAX);
	memset(k->chain_pem, 'D', CERT_PEM_MAX);
	ipc_msg_init(&w, IPC_CERTKEY_RES, 3);
	CHECK_INT(ipc_msg_put(&w, k), 1);
	CHECK_INT(test_ipc_pass(&w, PROC_STORED, PROC_AUTHD, &r), 0);
	CHECK_INT(ipc_msg_get(&r, kout), 0);
	CHECK_INT(kout->sealed_len, CERT_SEALED_MAX);
	CHECK_INT(strlen(kout->chain_pem), CERT_PEM_MAX);
	ipc_msg_clear(&r);
	ipc_msg_init(&w, IPC_CERTKEY_RES, 3);
	ipc_msg_put(&w, k);
	CHECK_INT(test_ipc_pass(&w, PROC_STORED, PROC_FRONTD, &r), -1);

	e->head.status = 200;
	memset(e->privkey, 'Q', CERT_PRIVKEY64_MAX);
	memset(e->cert_pem, 'C', CERT_PEM_MAX);
	memset(e->chain_pem, 'D', CERT_PEM_MAX);
	ipc_msg_init(&w, IPC_CERT_EXPORT_RES, 3);
	CHECK_INT(ipc_msg_put(&w, e), 1);
	CHECK_INT(test_ipc_pass(&w, PROC_AUTHD, PROC_FRONTD, &r), 0);
	CHECK_INT(ipc_msg_get(&r, eout), 0);
	CHECK_INT(strlen(eout->privkey), CERT_PRIVKEY64_MAX);
	ipc_msg_clear(&r);
	/* an error carries its head alone: the key does not go */
	e->head.status = 403;
	ipc_msg_init(&w, IPC_CERT_EXPORT_RES, 3);
	CHECK_INT(ipc_msg_put(&w, e), 0);
	CHECK(memmem(w.sbuf.data, w.sbuf.size, "QQQQ", 4) == NULL);
	CHECK_INT(test_ipc_pass(&w, PROC_AUTHD, PROC_FRONTD, &r), 0);
	memset(eout, 0, sizeof(*eout));
	CHECK_INT(ipc_msg_get(&r, eout), 0);
	CHECK_INT(eout->head.status, 403);
	CHECK_STR(eout->privkey, "");
	ipc_msg_clear(&r);
	/* stored never sends a key in clear, nor taskd gets one */
	e->head.status = 200;
	ipc_msg_init(&w, IPC_CERT_EXPORT_RES, 3);
	ipc_msg_put(&w, e);
	CHECK_INT(test_ipc_pass(&w, PROC_STORED, PROC_FRONTD, &r), -1);
	ipc_msg_init(&w, IPC_CERT_EXPORT_RES, 3);
	ipc_msg_put(&w, e);
	CHECK_INT(test_ipc_pass(&w, PROC_AUTHD, PROC_TASKD, &r), -1);
	free(k);
	free(kout);
	free(e);
	free(eout);
}

/* Every reply type is the one its request's row names. */
static void
test_replies(void)
{
	static const struct {
		enum ipc_type	 req, res;
	} pairs[] = {
		{ IPC_AUTH_CA_CREATE, IPC_CA_RES },
		{ IPC_STORE_CA_CREATE, IPC_CA_RES },
		{ IPC_OP_CA, IPC_CA_RES },
		{ IPC_OP_CA_LIST, IPC_CA_LIST_RES },
		{ IPC_AUTH_CERT_ISSUE, IPC_CERT_RES },
		{ IPC_STORE_CERT_CREATE, IPC_CERT_RES },
		{ IPC_OP_CERT, IPC_CERT_RES },
		{ IPC_OP_CERT_LIST, IPC_CERT_LIST_RES },
		{ IPC_AUTH_CERT_EXPORT, IPC_CERT_EXPORT_RES },
		{ IPC_CERTKEY_GET, IPC_CERTKEY_RES },
	};
	size_t	 i;

	for (i = 0; i < sizeof(pairs) / sizeof(pairs[0]); i++) {
		CHECK(ipc_msgdef(pairs[i].req) != NULL);
		CHECK_INT(ipc_msgdef(pairs[i].req)->reply, pairs[i].res);
	}
}

int
main(void)
{
	RUN(test_store_ca_create);
	RUN(test_auth_cert_issue);
	RUN(test_cert_list);
	RUN(test_cert_page);
	RUN(test_keys_routes);
	RUN(test_replies);
	return test_report("body_certs");
}
