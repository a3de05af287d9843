/*
 * The key and secret messages' typed bodies (ipc/body_keys.c): each
 * written by one process and read by another as its struct, with what
 * is nil, a nested record, a list after its head, a secret that goes
 * only with a 2xx, and a value longer than its field refused, not cut.
 */
#include <stdlib.h>
#include <string.h>

#include "body_keys.h"
#include "ipc.h"
#include "wire.h"
#include "log.h"
#include "test.h"

/* frontd to authd to stored: the route's access travels with the key. */
static void
test_sshkey_add(void)
{
	struct ipc_sshkey_add	*in, *out;
	struct ipc_msg		 w, r;

	in = calloc(1, sizeof(*in));
	out = calloc(1, sizeof(*out));
	if (in == NULL || out == NULL)
		fatal("calloc");
	memset(in->grant, 0xab, GRANT_LEN);
	in->grant_len = GRANT_LEN;
	in->access = IPC_ACCESS_ADMIN;
	strlcpy(in->user, "42", sizeof(in->user));
	in->method = SSHKEY_UPLOAD;
	in->dialect = 3;
	strlcpy(in->name, "work", sizeof(in->name));
	memset(in->line, 'a', FIELD_SSHKEY_LINE_MAX);
	ipc_msg_init(&w, IPC_AUTH_SSHKEY_ADD, 5);
	CHECK_INT(ipc_msg_put(&w, in), 1);
	CHECK_INT(test_ipc_pass(&w, PROC_FRONTD, PROC_AUTHD, &r), 0);
	CHECK_INT(ipc_msg_get(&r, out), 0);
	CHECK_INT(out->grant_len, GRANT_LEN);
	CHECK(memcmp(out->grant, in->grant, GRANT_LEN) == 0);
	CHECK_INT(out->access, IPC_ACCESS_ADMIN);
	CHECK_STR(out->user, "42");
	CHECK_INT(out->method, SSHKEY_UPLOAD);
	CHECK_INT(out->dialect, 3);
	CHECK_STR(out->name, "work");
	CHECK_INT(strlen(out->line), FIELD_SSHKEY_LINE_MAX);
	ipc_msg_clear(&r);

	/* a name longer than a key's is refused, not cut */
	memset(in->name, 'x', sizeof(in->name));
	ipc_msg_init(&w, IPC_AUTH_SSHKEY_ADD, 5);
	ipc_msg_put(&w, in);
	CHECK_INT(test_ipc_pass(&w, PROC_FRONTD, PROC_AUTHD, &r), 0);
	CHECK_INT(ipc_msg_get(&r, out), -1);
	CHECK(r.refused != NULL && r.error == NULL);
	ipc_msg_clear(&r);
	free(in);
	free(out);
}

/* authd to frontd: a made key's private half, on 201 alone. */
static void
test_sshkey_res(void)
{
	struct ipc_sshkey_res	*in, *out;
	struct ipc_msg		 w, r;

	in = calloc(1, sizeof(*in));
	out = calloc(1, sizeof(*out));
	if (in == NULL || out == NULL)
		fatal("calloc");
	in->head.status = 201;
	strlcpy(in->head.message, "created", sizeof(in->head.message));
	in->key.oid = 7;
	strlcpy(in->key.type, "ssh-ed25519", sizeof(in->key.type));
	strlcpy(in->key.private_key, "-----BEGIN", sizeof(in->key.private_key));
	ipc_msg_init(&w, IPC_SSHKEY_RES, 5);
	CHECK_INT(ipc_msg_put(&w, in), 1);
	CHECK_INT(test_ipc_pass(&w, PROC_AUTHD, PROC_FRONTD, &r), 0);
	CHECK_INT(ipc_msg_get(&r, out), 0);
	CHECK_INT(out->head.status, 201);
	CHECK_INT(out->key.oid, 7);
	CHECK_STR(out->key.type, "ssh-ed25519");
	CHECK_STR(out->key.private_key, "-----BEGIN");
	ipc_msg_clear(&r);

	/* an error is its head alone: nothing of the key follows */
	in->head.status = 409;
	ipc_msg_init(&w, IPC_SSHKEY_RES, 5);
	CHECK_INT(ipc_msg_put(&w, in), 0);
	CHECK_INT(test_ipc_pass(&w, PROC_AUTHD, PROC_FRONTD, &r), 0);
	CHECK_INT(ipc_msg_get(&r, out), 0);
	CHECK_INT(out->head.status, 409);
	CHECK_STR(out->key.private_key, "");
	ipc_msg_clear(&r);
	free(in);
	free(out);
}

/* stored to frontd: a page of API keys, each a whole record. */
static void
test_apikey_list(void)
{
	struct ipc_list_res	 res;
	struct key_rec		*k, *got;
	struct ipc_msg		 w, r, items;
	int			 i, rc;

	k = calloc(1, sizeof(*k));
	got = calloc(1, sizeof(*got));
	if (k == NULL || got == NULL)
		fatal("calloc");
	memset(&res, 0, sizeof(res));
	res.head.status = 200;
	res.total = 9;
	res.count = 2;
	ipc_msg_init(&items, IPC_APIKEY_LIST_RES, 0);
	for (i = 0; i < 2; i++) {
		k->oid = 10 + i;
		strlcpy(k->public_id, "abcdefabcdef", sizeof(k->public_id));
		k->scopes = 0x41;
		memset(k->permissions, '[', PERMISSIONS_MAX);
		k->expires_at = i == 0 ? 0 : 1700000000;
		ipc_msg_put_item(&items, k);
	}
	ipc_msg_init(&w, IPC_APIKEY_LIST_RES, 6);
	CHECK_INT(ipc_msg_put(&w, &res), 1);
	ipc_append(&w, &items);
	ipc_msg_clear(&items);
	CHECK_INT(test_ipc_pass(&w, PROC_STORED, PROC_FRONTD, &r), 0);
	CHECK_INT(ipc_msg_get(&r, &res), 0);
	CHECK_INT(res.total, 9);
	for (i = 0; (rc = ipc_msg_get_item(&r, got)) == 1; i++) {
		CHECK_INT(got->oid, 10 + i);
		CHECK_STR(got->public_id, "abcdefabcdef");
		CHECK_INT(got->scopes, 0x41);
		CHECK_INT(strlen(got->permissions), PERMISSIONS_MAX);
		CHECK_INT(got->expires_at, i == 0 ? 0 : 1700000000);
	}
	CHECK_INT(rc, 0);
	CHECK_INT(i, 2);
	ipc_msg_clear(&r);
	free(k);
	free(got);
}

/* frontd to authd: an expiry in seconds, or never (nil). */
static void
test_apikey_create(void)
{
	struct ipc_apikey_create *in, *out;
	struct ipc_msg		 w, r;
	int			 never;

	in = calloc(1, sizeof(*in));
	out = calloc(1, sizeof(*out));
	if (in == NULL || out == NULL)
		fatal("calloc");
	for (never = 0; never <= 1; never++) {
		in->never = never;
		in->expires_in = never ? 0 : 3600;
		in->scopes = 3;
		strlcpy(in->permissions, "[]", sizeof(in->permissions));
		ipc_msg_init(&w, IPC_AUTH_APIKEY_CREATE, 2);
		CHECK_INT(ipc_msg_put(&w, in), 1);
		CHECK_INT(test_ipc_pass(&w, PROC_FRONTD, PROC_AUTHD, &r), 0);
		CHECK_INT(ipc_msg_get(&r, out), 0);
		CHECK_INT(out->never, never);
		CHECK_INT(out->expires_in, never ? 0 : 3600);
		CHECK_INT(out->scopes, 3);
		CHECK_STR(out->permissions, "[]");
		ipc_msg_clear(&r);
	}
	free(in);
	free(out);
}

/* stored to frontd: the account, then its keys, SSH keys and groups. */
static void
test_account_res(void)
{
	struct ipc_account_res	*res, *got;
	struct account_item	 it;
	struct ipc_msg		 w, r, items;
	int			 kinds[4] = { 0 }, rc;

	res = calloc(1, sizeof(*res));
	got = calloc(1, sizeof(*got));
	if (res == NULL || got == NULL)
		fatal("calloc");
	res->head.status = 200;
	strlcpy(res->user.username, "alice", sizeof(res->user.username));
	strlcpy(res->user.email, "a@example.com", sizeof(res->user.email));
	strlcpy(res->files_id, "FILESID", sizeof(res->files_id));
	ipc_msg_init(&items, IPC_ACCOUNT_RES, 0);
	memset(&it, 0, sizeof(it));
	it.kind = ACCOUNT_ITEM_API_KEY;
	strlcpy(it.id, "APIKEY", sizeof(it.id));
	ipc_msg_put_item(&items, &it);
	it.kind = ACCOUNT_ITEM_SSHKEY;
	it.oid = 5;
	strlcpy(it.name, "laptop", sizeof(it.name));
	strlcpy(it.fingerprint, "SHA256:x", sizeof(it.fingerprint));
	ipc_msg_put_item(&items, &it);
	it.kind = ACCOUNT_ITEM_GROUP;
	ipc_msg_put_item(&items, &it);
	ipc_msg_init(&w, IPC_ACCOUNT_RES, 8);
	CHECK_INT(ipc_msg_put(&w, res), 1);
	ipc_append(&w, &items);
	ipc_msg_clear(&items);
	CHECK_INT(test_ipc_pass(&w, PROC_STORED, PROC_FRONTD, &r), 0);
	CHECK_INT(ipc_msg_get(&r, got), 0);
	CHECK_STR(got->user.username, "alice");
	CHECK_STR(got->user.email, "a@example.com");
	CHECK_STR(got->files_id, "FILESID");
	while ((rc = ipc_msg_get_item(&r, &it)) == 1) {
		CHECK(it.kind >= ACCOUNT_ITEM_API_KEY &&
		    it.kind <= ACCOUNT_ITEM_GROUP);
		if (it.kind <= ACCOUNT_ITEM_GROUP)
			kinds[it.kind]++;
		if (it.kind == ACCOUNT_ITEM_API_KEY)
			CHECK_STR(it.id, "APIKEY");
		if (it.kind == ACCOUNT_ITEM_SSHKEY) {
			CHECK_INT(it.oid, 5);
			CHECK_STR(it.fingerprint, "SHA256:x");
		}
	}
	CHECK_INT(rc, 0);
	CHECK(kinds[1] == 1 && kinds[2] == 1 && kinds[3] == 1);
	ipc_msg_clear(&r);
	free(res);
	free(got);
}

/* frontd to authd: a signed request whole, its largest body too. */
static void
test_auth_signed(void)
{
	struct ipc_auth_signed	*in, *out;
	struct ipc_msg		 w, r;

	in = calloc(1, sizeof(*in));
	out = calloc(1, sizeof(*out));
	if (in == NULL || out == NULL)
		fatal("calloc");
	strlcpy(in->api_key, "ABCDEFGHIJKLMNOPQRST", sizeof(in->api_key));
	strlcpy(in->method, "POST", sizeof(in->method));
	strlcpy(in->target, "/v2/account/data", sizeof(in->target));
	memset(in->body, 'b', 64 * 1024);
	in->body_len = 64 * 1024;
	ipc_msg_init(&w, IPC_AUTH_SIGNED, 4);
	CHECK_INT(ipc_msg_put(&w, in), 1);
	CHECK_INT(test_ipc_pass(&w, PROC_FRONTD, PROC_AUTHD, &r), 0);
	CHECK_INT(ipc_msg_get(&r, out), 0);
	CHECK_STR(out->api_key, "ABCDEFGHIJKLMNOPQRST");
	CHECK_STR(out->target, "/v2/account/data");
	CHECK_INT(out->body_len, 64 * 1024);
	CHECK(memcmp(out->body, in->body, 64 * 1024) == 0);
	ipc_msg_clear(&r);
	free(in);
	free(out);
}

/* authd to frontd: a host's password has an answer of its own. */
static void
test_host_password(void)
{
	const struct ipc_msgdef	*def = ipc_msgdef(IPC_AUTH_HOST_PASSWORD);
	struct ipc_secret_res	 in, out;
	struct ipc_msg		 w, r;

	CHECK(def != NULL && def->reply == IPC_HOST_PASSWORD_RES);
	memset(&in, 0, sizeof(in));
	in.head.status = 200;
	strlcpy(in.secret, "Abcdefghijkmnopqrstu", sizeof(in.secret));
	ipc_msg_init(&w, IPC_HOST_PASSWORD_RES, 9);
	CHECK_INT(ipc_msg_put(&w, &in), 1);
	CHECK_INT(test_ipc_pass(&w, PROC_AUTHD, PROC_FRONTD, &r), 0);
	CHECK_INT(ipc_msg_get(&r, &out), 0);
	CHECK_STR(out.secret, "Abcdefghijkmnopqrstu");
	ipc_msg_clear(&r);
	/* and only authd sends it, to frontd */
	ipc_msg_init(&w, IPC_HOST_PASSWORD_RES, 9);
	ipc_msg_put(&w, &in);
	CHECK_INT(test_ipc_pass(&w, PROC_STORED, PROC_FRONTD, &r), -1);
}

int
main(void)
{
	RUN(test_sshkey_add);
	RUN(test_sshkey_res);
	RUN(test_apikey_list);
	RUN(test_apikey_create);
	RUN(test_account_res);
	RUN(test_auth_signed);
	RUN(test_host_password);
	return test_report("body_keys");
}
