/*
 * The typed bodies of logins and credentials (ipc/body_auth.c): each
 * read as it was written, an error head with its retry-after and nothing
 * after it, the limits a receiver holds a field to (content it refuses,
 * never a violation), and the two layouts other code still writes item
 * by item: a host's SSH password in auth.password.res (authd's mint.c)
 * and tls.sign as the signing link's tests build it.
 */
#include <stdlib.h>
#include <string.h>

#include "body_auth.h"
#include "ipc.h"
#include "wire.h"
#include "test.h"

static void
head(struct ipc_head *h, uint32_t status, uint32_t retry, const char *message)
{
	h->status = status;
	h->retry = retry;
	strlcpy(h->message, message, sizeof(h->message));
}

static void
test_login(void)
{
	struct ipc_auth_login	 b, got;
	struct ipc_msg		 w, r;

	memset(&b, 0, sizeof(b));
	b.dialect = 2;
	strlcpy(b.peer, "2001:db8::1", sizeof(b.peer));
	memset(b.name, 'n', FIELD_LOGIN_NAME_MAX);	/* the longest */
	strlcpy(b.password, "pass word", sizeof(b.password));
	ipc_msg_init(&w, IPC_AUTH_LOGIN, 1);
	CHECK_INT(ipc_msg_put(&w, &b), 1);
	CHECK_INT(test_ipc_pass(&w, PROC_FRONTD, PROC_AUTHD, &r), 0);
	CHECK_INT(ipc_msg_get(&r, &got), 0);
	CHECK_INT(got.dialect, 2);
	CHECK_STR(got.peer, "2001:db8::1");
	CHECK_INT(strlen(got.name), FIELD_LOGIN_NAME_MAX);
	CHECK_STR(got.password, "pass word");
	ipc_msg_clear(&r);
	explicit_bzero(&got, sizeof(got));
}

/* A name past what authd reads is content it refuses, with 400. */
static void
test_login_name_too_long(void)
{
	struct ipc_auth_login	 got;
	struct ipc_msg		 w, r;
	char			 name[FIELD_LOGIN_NAME_MAX + 2];

	memset(name, 'n', sizeof(name) - 1);
	name[sizeof(name) - 1] = '\0';
	ipc_msg_init(&w, IPC_AUTH_LOGIN, 1);
	ipc_put_u64(&w, 1);
	ipc_put_str(&w, "127.0.0.1");
	ipc_put_str(&w, name);
	ipc_put_str(&w, "password");
	CHECK_INT(test_ipc_pass(&w, PROC_FRONTD, PROC_AUTHD, &r), 0);
	CHECK_INT(ipc_msg_get(&r, &got), -1);
	CHECK(r.error == NULL);
	CHECK_STR(r.refused, "string too long");
	CHECK_INT(r.refused_status, 400);
	ipc_msg_clear(&r);
}

static void
test_login_res(void)
{
	struct ipc_login_res	 res, got;
	struct ipc_msg		 w, r;

	memset(&res, 0, sizeof(res));
	head(&res.head, 200, 0, "ok");
	strlcpy(res.token, "eyJ.a.b", sizeof(res.token));
	res.expires_in = 3600;
	strlcpy(res.user_id, "11111111-2222-3333-4444-555555555555",
	    sizeof(res.user_id));
	res.user_oid = 9;
	strlcpy(res.username, "alice", sizeof(res.username));
	strlcpy(res.role, "admin", sizeof(res.role));
	ipc_msg_init(&w, IPC_AUTH_LOGIN_RES, 1);
	CHECK_INT(ipc_msg_put(&w, &res), 1);
	CHECK_INT(test_ipc_pass(&w, PROC_AUTHD, PROC_FRONTD, &r), 0);
	CHECK_INT(ipc_msg_get(&r, &got), 0);
	CHECK_INT(got.head.status, 200);
	CHECK_STR(got.token, "eyJ.a.b");
	CHECK(got.expires_in == 3600);
	CHECK_STR(got.user_id, "11111111-2222-3333-4444-555555555555");
	CHECK(got.user_oid == 9);
	CHECK_STR(got.username, "alice");
	CHECK_STR(got.role, "admin");
	ipc_msg_clear(&r);

	/* a refusal is its head and retry-after alone */
	head(&res.head, 429, 7, "too many failed logins");
	ipc_msg_init(&w, IPC_AUTH_LOGIN_RES, 1);
	CHECK_INT(ipc_msg_put(&w, &res), 0);
	CHECK_INT(test_ipc_pass(&w, PROC_AUTHD, PROC_FRONTD, &r), 0);
	CHECK_INT(ipc_msg_get(&r, &got), 0);
	CHECK_INT(got.head.status, 429);
	CHECK_INT(got.head.retry, 7);
	CHECK_STR(got.head.message, "too many failed logins");
	CHECK_STR(got.token, "");
	CHECK_STR(got.username, "");
	ipc_msg_clear(&r);
}

static void
test_verify(void)
{
	struct ipc_auth_verify	 b, got;
	struct ipc_verify_res	 res, gres;
	struct ipc_msg		 w, r;

	memset(&b, 0, sizeof(b));
	b.dialect = 3;
	strlcpy(b.peer, "192.0.2.1", sizeof(b.peer));
	b.kind = 4;
	memset(b.cred, 'c', FIELD_CRED_MAX);
	strlcpy(b.secret, "cs_secret", sizeof(b.secret));
	ipc_msg_init(&w, IPC_AUTH_VERIFY, 1);
	ipc_msg_put(&w, &b);
	CHECK_INT(test_ipc_pass(&w, PROC_FRONTD, PROC_AUTHD, &r), 0);
	CHECK_INT(ipc_msg_get(&r, &got), 0);
	CHECK_INT(got.dialect, 3);
	CHECK_INT(got.kind, 4);
	CHECK_INT(strlen(got.cred), FIELD_CRED_MAX);
	CHECK_STR(got.secret, "cs_secret");
	ipc_msg_clear(&r);

	memset(&res, 0, sizeof(res));
	head(&res.head, 200, 0, "ok");
	memset(res.grant, 0xa5, sizeof(res.grant));
	res.grant_len = sizeof(res.grant);
	ipc_msg_init(&w, IPC_AUTH_VERIFY_RES, 1);
	ipc_msg_put(&w, &res);
	CHECK_INT(test_ipc_pass(&w, PROC_AUTHD, PROC_FRONTD, &r), 0);
	CHECK_INT(ipc_msg_get(&r, &gres), 0);
	CHECK_INT(gres.grant_len, GRANT_LEN);
	CHECK(memcmp(gres.grant, res.grant, GRANT_LEN) == 0);
	ipc_msg_clear(&r);

	head(&res.head, 429, 3, "too many requests");
	ipc_msg_init(&w, IPC_AUTH_VERIFY_RES, 1);
	CHECK_INT(ipc_msg_put(&w, &res), 0);
	CHECK_INT(test_ipc_pass(&w, PROC_AUTHD, PROC_FRONTD, &r), 0);
	CHECK_INT(ipc_msg_get(&r, &gres), 0);
	CHECK_INT(gres.head.retry, 3);
	CHECK_INT(gres.grant_len, 0);
	ipc_msg_clear(&r);
}

/* A host's SSH password, as mint.c writes it: head, then the secret. */
static void
test_password_res_as_minted(void)
{
	struct ipc_password_res	 got;
	struct ipc_msg		 w, r;

	ipc_msg_init(&w, IPC_AUTH_PASSWORD_RES, 1);
	ipc_put_head(&w, 200, "ok");
	ipc_put_str(&w, "abcdefghijklmnopqrst");
	CHECK_INT(test_ipc_pass(&w, PROC_AUTHD, PROC_FRONTD, &r), 0);
	CHECK_INT(ipc_msg_get(&r, &got), 0);
	CHECK_INT(got.head.status, 200);
	CHECK_STR(got.password, "abcdefghijklmnopqrst");
	ipc_msg_clear(&r);

	ipc_msg_init(&w, IPC_AUTH_PASSWORD_RES, 1);
	ipc_put_head(&w, 404, "host not found");
	CHECK_INT(test_ipc_pass(&w, PROC_AUTHD, PROC_FRONTD, &r), 0);
	CHECK_INT(ipc_msg_get(&r, &got), 0);
	CHECK_INT(got.head.status, 404);
	CHECK_STR(got.password, "");
	ipc_msg_clear(&r);
}

static void
test_cred(void)
{
	struct ipc_cred_get	 q, gq;
	struct ipc_cred_res	 res, got;
	struct ipc_msg		 w, r;

	/* by name, with no grant */
	memset(&q, 0, sizeof(q));
	strlcpy(q.name, "bob@example.com", sizeof(q.name));
	ipc_msg_init(&w, IPC_CRED_GET, 1);
	ipc_msg_put(&w, &q);
	CHECK_INT(test_ipc_pass(&w, PROC_AUTHD, PROC_STORED, &r), 0);
	CHECK_INT(ipc_msg_get(&r, &gq), 0);
	CHECK_INT(gq.grant_len, 0);
	CHECK_STR(gq.name, "bob@example.com");
	CHECK(gq.by_oid == 0);
	ipc_msg_clear(&r);

	memset(&res, 0, sizeof(res));
	head(&res.head, 200, 0, "ok");
	res.cred.found = 1;
	res.cred.oid = 5;
	strlcpy(res.cred.username, "bob", sizeof(res.cred.username));
	strlcpy(res.cred.status, "active", sizeof(res.cred.status));
	res.cred.expires_at = -1;
	memset(res.cred.hash, 'h', FIELD_HASH_MAX);	/* the longest */
	ipc_msg_init(&w, IPC_CRED_RES, 1);
	ipc_msg_put(&w, &res);
	CHECK_INT(test_ipc_pass(&w, PROC_STORED, PROC_AUTHD, &r), 0);
	CHECK_INT(ipc_msg_get(&r, &got), 0);
	CHECK_INT(got.cred.found, 1);
	CHECK(got.cred.oid == 5);
	CHECK_STR(got.cred.username, "bob");
	CHECK_STR(got.cred.status, "active");
	CHECK(got.cred.expires_at == -1);
	CHECK_INT(strlen(got.cred.hash), FIELD_HASH_MAX);
	ipc_msg_clear(&r);
	explicit_bzero(&got, sizeof(got));
}

static void
test_session_and_token(void)
{
	struct ipc_session_create	 s, gs;
	struct ipc_token_res		 t, gt;
	struct ipc_msg			 w, r;

	memset(&s, 0, sizeof(s));
	s.user_oid = 4;
	s.dialect = 1;
	strlcpy(s.peer, "::1", sizeof(s.peer));
	strlcpy(s.public_id, "abcdefghijkl", sizeof(s.public_id));
	s.lifetime = 86400;
	s.idle = 3600;
	strlcpy(s.kind, "jwt", sizeof(s.kind));	/* no digest */
	ipc_msg_init(&w, IPC_SESSION_CREATE, 1);
	ipc_msg_put(&w, &s);
	CHECK_INT(test_ipc_pass(&w, PROC_AUTHD, PROC_STORED, &r), 0);
	CHECK_INT(ipc_msg_get(&r, &gs), 0);
	CHECK_INT(gs.digest_len, 0);
	CHECK_STR(gs.public_id, "abcdefghijkl");
	CHECK_STR(gs.kind, "jwt");
	CHECK_INT(gs.idle, 3600);
	ipc_msg_clear(&r);

	memset(&t, 0, sizeof(t));
	head(&t.head, 200, 0, "ok");
	t.found = 1;
	t.oid = 8;
	t.user = 2;
	memset(t.digest, 0x11, sizeof(t.digest));
	t.digest_len = sizeof(t.digest);
	t.scopes = 0x5;
	memset(t.bound, '1', FIELD_CIDR_LIST_MAX);
	strlcpy(t.role, "user", sizeof(t.role));
	t.client = 3;
	strlcpy(t.kind, "cs_", sizeof(t.kind));
	ipc_msg_init(&w, IPC_TOKEN_RES, 1);
	ipc_msg_put(&w, &t);
	CHECK_INT(test_ipc_pass(&w, PROC_STORED, PROC_AUTHD, &r), 0);
	CHECK_INT(ipc_msg_get(&r, &gt), 0);
	CHECK_INT(gt.found, 1);
	CHECK_INT(gt.digest_len, TOKEN_DIGEST_LEN);
	CHECK_INT(gt.scopes, 0x5);
	CHECK_INT(strlen(gt.bound), FIELD_CIDR_LIST_MAX);
	CHECK(gt.client == 3);
	CHECK_STR(gt.kind, "cs_");
	ipc_msg_clear(&r);

	/* a kind longer than any prefix is refused, not cut */
	ipc_msg_init(&w, IPC_SESSION_CREATE, 1);
	ipc_put_u64(&w, 4);
	ipc_put_u64(&w, 1);
	ipc_put_str(&w, "::1");
	ipc_put_str(&w, "abcdefghijkl");
	ipc_put_bin(&w, "", 0);
	ipc_put_u64(&w, 1);
	ipc_put_u64(&w, 1);
	ipc_put_u64(&w, 0);
	ipc_put_str(&w, "jwtx");
	CHECK_INT(test_ipc_pass(&w, PROC_AUTHD, PROC_STORED, &r), 0);
	CHECK_INT(ipc_msg_get(&r, &gs), -1);
	CHECK(r.error == NULL && r.refused != NULL);
	ipc_msg_clear(&r);
}

/* tls.sign as the signing link's tests write it, and its answer. */
static void
test_tls_sign(void)
{
	struct ipc_tls_sign	 got;
	struct ipc_tls_sign_res	 res, gres;
	struct ipc_msg		 w, r;
	uint8_t			 id[TLSSIGN_KEYID_LEN * 2 + 1], tbs[100];

	memset(id, 0x42, sizeof(id));
	memset(tbs, 0x20, sizeof(tbs));
	ipc_msg_init(&w, IPC_TLS_SIGN, 1);
	ipc_put_bin(&w, id, TLSSIGN_KEYID_LEN);
	ipc_put_u64(&w, 0x0403);
	ipc_put_bin(&w, tbs, sizeof(tbs));
	CHECK_INT(test_ipc_pass(&w, PROC_FRONTD, PROC_AUTHD, &r), 0);
	CHECK_INT(ipc_msg_get(&r, &got), 0);
	CHECK_INT(got.key_id_len, TLSSIGN_KEYID_LEN);
	CHECK_INT(got.scheme, 0x0403);
	CHECK_INT(got.tbs_len, sizeof(tbs));
	CHECK(memcmp(got.tbs, tbs, sizeof(tbs)) == 0);
	ipc_msg_clear(&r);

	/* a key id longer than any is refused: an error answer */
	ipc_msg_init(&w, IPC_TLS_SIGN, 1);
	ipc_put_bin(&w, id, sizeof(id));
	ipc_put_u64(&w, 0x0403);
	ipc_put_bin(&w, tbs, sizeof(tbs));
	CHECK_INT(test_ipc_pass(&w, PROC_FRONTD, PROC_AUTHD, &r), 0);
	CHECK_INT(ipc_msg_get(&r, &got), -1);
	CHECK(r.error == NULL);
	CHECK_STR(r.refused, "binary too long");
	ipc_msg_clear(&r);

	memset(&res, 0, sizeof(res));
	head(&res.head, 200, 0, "");
	memset(res.sig, 0x33, 72);
	res.sig_len = 72;
	ipc_msg_init(&w, IPC_TLS_SIGN_RES, 1);
	ipc_msg_put(&w, &res);
	CHECK_INT(test_ipc_pass(&w, PROC_AUTHD, PROC_FRONTD, &r), 0);
	CHECK_INT(ipc_msg_get(&r, &gres), 0);
	CHECK_INT(gres.sig_len, 72);
	CHECK(memcmp(gres.sig, res.sig, 72) == 0);
	ipc_msg_clear(&r);
}

/* The grant key is its full length, or what no honest authd sends. */
static void
test_grant_key(void)
{
	struct ipc_grant_key	 k, got;
	struct ipc_msg		 w, r;
	uint8_t			 longer[FIELD_GRANT_KEY_LEN + 1];

	memset(&k, 0, sizeof(k));
	memset(k.key, 0x77, sizeof(k.key));
	k.key_len = sizeof(k.key);
	ipc_msg_init(&w, IPC_GRANT_KEY, 0);
	ipc_msg_put(&w, &k);
	CHECK_INT(test_ipc_pass(&w, PROC_AUTHD, PROC_STORED, &r), 0);
	CHECK_INT(ipc_msg_get(&r, &got), 0);
	CHECK_INT(got.key_len, FIELD_GRANT_KEY_LEN);
	CHECK(memcmp(got.key, k.key, FIELD_GRANT_KEY_LEN) == 0);
	ipc_msg_clear(&r);

	memset(longer, 0x77, sizeof(longer));
	ipc_msg_init(&w, IPC_GRANT_KEY, 0);
	ipc_put_bin(&w, longer, sizeof(longer));
	CHECK_INT(test_ipc_pass(&w, PROC_AUTHD, PROC_STORED, &r), 0);
	CHECK_INT(ipc_msg_get(&r, &got), -1);
	ipc_msg_clear(&r);
}

int
main(void)
{
	RUN(test_login);
	RUN(test_login_name_too_long);
	RUN(test_login_res);
	RUN(test_verify);
	RUN(test_password_res_as_minted);
	RUN(test_cred);
	RUN(test_session_and_token);
	RUN(test_tls_sign);
	RUN(test_grant_key);
	return test_report("body_auth");
}
