/*
 * The bodies of the messages about keys and secrets a client holds: API
 * keys, SSH keys and sshd's authorized keys, account v2 key pairs, the
 * account and its data, signed requests, command-API clients, a host's
 * SSH password (field tables in body_keys.c).  A secret is made in
 * authd and shown once, in the answer to the request that asked for it.
 */
#ifndef MOAT_BODY_KEYS_H
#define MOAT_BODY_KEYS_H

#include <stddef.h>
#include <stdint.h>

#include "body.h"
#include "body_core.h"
#include "fields.h"
#include "keyrec.h"
#include "sshkeyrec.h"
#include "userrec.h"

#define KEY_SEALED_MAX		256	/* a secret as authd sealed it */
#define KEY_DIGEST_LEN		32	/* the HMAC of a token's secret */
#define KEY_PUBLIC_ID_MAX	15	/* a token's public id */
#define ACCOUNT_KEY_MAX		31	/* an api_key or S3 id as stored */
#define ACCOUNT_SECRET_MAX	63	/* its secret_key */
#define SECRET_MAX		127	/* a client secret, a host password */
#define CLIENT_NAME_FIELD_MAX	71	/* a client's name as stored reads it */
#define CLIENT_USER_FIELD_MAX	254	/* the user a client acts as */
#define CLIENT_ALLOW_FIELD_MAX	1023	/* its addresses (cidr.h) */
#define AUTHKEY_LINE_MAX	(SSHKEY_TYPE_MAX + SSHKEY_BLOB64_MAX + \
	SSHKEY_COMMENT_MAX + 2)
#define SIGNED_TARGET_MAX	4199	/* a request target and more */
#define SIGNED_BODY_MAX		(72 * 1024)

/* ---- API keys ---------------------------------------------------------- */

/* auth.apikey.create: a key for the user named, expiring or not */
struct ipc_apikey_create {
	uint8_t		 grant[GRANT_LEN];
	size_t		 grant_len;
	char		 user[FIELD_REF_MAX + 1];
	char		 name[KEYNAME_MAX + 1];
	uint32_t	 scopes;
	char		 permissions[PERMISSIONS_MAX + 1];
	int64_t		 expires_in;	/* seconds */
	int		 never;
};

/* store.apikey.create: authd's record of the key it minted */
struct ipc_apikey_store {
	uint8_t		 grant[GRANT_LEN];
	size_t		 grant_len;
	char		 user[FIELD_REF_MAX + 1];
	char		 public_id[KEY_PUBLIC_ID_MAX + 1];
	uint8_t		 digest[KEY_DIGEST_LEN];
	size_t		 digest_len;
	char		 name[KEYNAME_MAX + 1];
	uint32_t	 scopes;
	char		 permissions[PERMISSIONS_MAX + 1];
	int64_t		 expires_at;
	int		 never;
};

/*
 * op.apikey.list, op.sshkey.list: a page of the keys of a user.  access
 * says whose: an admin route names any user; an own route the caller;
 * a route for any principal the user named ("" the caller), whom the
 * caller's role lets it reach.
 */
struct ipc_key_page {
	uint8_t		 grant[GRANT_LEN];
	size_t		 grant_len;
	uint32_t	 access;	/* enum ipc_access */
	char		 user[FIELD_REF_MAX + 1];
	uint32_t	 limit;
	uint32_t	 offset;
};

/* op.apikey.get, op.apikey.delete, op.sshkey.delete: one key of them */
struct ipc_key_ref {
	uint8_t		 grant[GRANT_LEN];
	size_t		 grant_len;
	uint32_t	 access;	/* enum ipc_access */
	char		 user[FIELD_REF_MAX + 1];
	char		 key[FIELD_REF_MAX + 1];
	uint32_t	 dialect;	/* the route's, for the audit trail */
};

/* apikey.res: a key, and its token when it was just made */
struct ipc_apikey_res {
	struct ipc_head	 head;
	struct key_rec	 key;
};

/* ---- SSH keys ---------------------------------------------------------- */

/* auth.sshkey.add: a key pasted (line) or to be made */
struct ipc_sshkey_add {
	uint8_t		 grant[GRANT_LEN];
	size_t		 grant_len;
	uint32_t	 access;	/* enum ipc_access, as ipc_key_page */
	char		 user[FIELD_REF_MAX + 1];
	uint32_t	 method;	/* enum sshkey_method */
	uint32_t	 dialect;
	char		 name[FIELD_SSHKEY_NAME_MAX + 1];
	char		 line[FIELD_SSHKEY_LINE_MAX + 1];
};

/* store.sshkey.add: the key as authd parsed or made it */
struct ipc_sshkey_store {
	uint8_t		 grant[GRANT_LEN];
	size_t		 grant_len;
	uint32_t	 access;
	char		 user[FIELD_REF_MAX + 1];
	uint32_t	 method;
	uint32_t	 dialect;
	char		 name[FIELD_SSHKEY_NAME_MAX + 1];
	char		 type[SSHKEY_TYPE_MAX + 1];
	char		 blob64[SSHKEY_BLOB64_MAX + 1];
	char		 comment[SSHKEY_COMMENT_MAX + 1];
	char		 fingerprint[SSHKEY_FP_MAX + 1];
	uint32_t	 bits;
};

/* sshkey.res: a key, and a made key's private half when it was made */
struct ipc_sshkey_res {
	struct ipc_head	 head;
	struct sshkey_rec key;
};

/* authkeys: sshd asks for the keys of a user by login name */
struct ipc_authkeys {
	char		 login[FIELD_LOGIN_NAME_MAX + 1];
};

/* an element of authkeys.res: one authorized_keys line */
struct authkey_line {
	char		 line[AUTHKEY_LINE_MAX + 1];
};

/* ---- account v2 ---------------------------------------------------------- */

/* auth.account_key: op is enum account_key_op (common/account.h) */
struct ipc_account_key {
	uint8_t		 grant[GRANT_LEN];
	size_t		 grant_len;
	uint32_t	 op;
	char		 api_key[FIELD_ACCOUNT_KEY_MAX + 1];
};

/* account_key.res: the public half and the secret, shown once */
struct ipc_account_key_res {
	struct ipc_head	 head;
	char		 public_id[ACCOUNT_KEY_MAX + 1];
	char		 secret[ACCOUNT_SECRET_MAX + 1];
};

/* store.account_key: the secret sealed, bound to its public half */
struct ipc_account_key_store {
	uint8_t		 grant[GRANT_LEN];
	size_t		 grant_len;
	uint32_t	 op;
	char		 api_key[ACCOUNT_KEY_MAX + 1];
	uint8_t		 sealed[KEY_SEALED_MAX];
	size_t		 sealed_len;
	char		 api_id[ACCOUNT_KEY_MAX + 1];	/* an S3 pair's */
};

/* account_key.get: authd asks for the seal of an api_key to check */
struct ipc_account_key_get {
	char		 api_key[ACCOUNT_KEY_MAX + 1];
};

struct ipc_account_key_get_res {
	struct ipc_head	 head;
	int		 found;
	uint64_t	 oid;
	uint64_t	 user;
	uint8_t		 sealed[KEY_SEALED_MAX];
	size_t		 sealed_len;
	char		 role[16];
};

/* op.account_key.delete */
struct ipc_account_key_delete {
	uint8_t		 grant[GRANT_LEN];
	size_t		 grant_len;
	char		 api_key[ACCOUNT_KEY_MAX + 1];
};

/*
 * account.res: the user and their S3 id; then, as its list, their
 * api_keys, SSH keys and groups, each item saying which it is.
 */
struct ipc_account_res {
	struct ipc_head	 head;
	struct user_rec	 user;
	char		 files_id[ACCOUNT_KEY_MAX + 1];	/* "" for none */
};

enum account_item_kind {
	ACCOUNT_ITEM_API_KEY = 1,	/* id: the api_key */
	ACCOUNT_ITEM_SSHKEY,		/* oid, name, fingerprint */
	ACCOUNT_ITEM_GROUP,		/* id, name */
};

struct account_item {
	uint32_t	 kind;		/* enum account_item_kind */
	uint64_t	 oid;
	char		 id[37];
	char		 name[FIELD_SSHKEY_NAME_MAX + 1];
	char		 fingerprint[SSHKEY_FP_MAX + 1];
};

/* op.account_data: the caller's own details */
struct ipc_account_data {
	uint8_t		 grant[GRANT_LEN];
	size_t		 grant_len;
	struct profile	 profile;
};

/* auth.account_data: the same with a new password, and the old one */
struct ipc_account_data_pw {
	uint8_t		 grant[GRANT_LEN];
	size_t		 grant_len;
	struct profile	 profile;
	char		 password[FIELD_PASSWORD_MAX + 1];
	char		 old_password[FIELD_PASSWORD_MAX + 1];
	int		 no_old;
	char		 peer[64];
};

/* store.account_data: the same with the new password's hash */
struct ipc_account_data_store {
	uint8_t		 grant[GRANT_LEN];
	size_t		 grant_len;
	struct profile	 profile;
	char		 hash[256];
};

/*
 * auth.signed: a request signed with an account key pair, whole; authd
 * answers as it answers auth.verify.
 */
struct ipc_auth_signed {
	char		 peer[64];
	char		 api_key[FIELD_ACCOUNT_KEY_MAX + 1];
	char		 signature[64];
	char		 xdate[40];
	char		 method[16];
	char		 host[FIELD_HOST_MAX + 1];
	char		 target[SIGNED_TARGET_MAX + 1];
	uint8_t		 body[SIGNED_BODY_MAX];
	size_t		 body_len;
};

/* ---- command-API clients, by the operator --------------------------------- */

/* client.add */
struct ipc_client_add {
	char		 name[CLIENT_NAME_FIELD_MAX + 1];
	char		 user[CLIENT_USER_FIELD_MAX + 1];	/* "" for admin */
	char		 allow[CLIENT_ALLOW_FIELD_MAX + 1];
};

/* store.client.add: authd's record of the secret it minted */
struct ipc_client_store {
	char		 name[CLIENT_NAME_FIELD_MAX + 1];
	char		 user[CLIENT_USER_FIELD_MAX + 1];
	char		 public_id[KEY_PUBLIC_ID_MAX + 1];
	uint8_t		 digest[KEY_DIGEST_LEN];
	size_t		 digest_len;
	char		 allow[CLIENT_ALLOW_FIELD_MAX + 1];
};

/* an element of client.list.res */
struct client_rec {
	char		 name[CLIENT_NAME_FIELD_MAX + 1];
	char		 user[CLIENT_USER_FIELD_MAX + 1];
	char		 allow[CLIENT_ALLOW_FIELD_MAX + 1];
	int64_t		 created_at;
};

/* client.del */
struct ipc_client_del {
	char		 name[CLIENT_NAME_FIELD_MAX + 1];
};

/* client.add.res, host_password.res: a secret made, shown once */
struct ipc_secret_res {
	struct ipc_head	 head;
	char		 secret[SECRET_MAX + 1];
};

/* ---- a host's SSH password (an admin's) ----------------------------------- */

/* auth.host_password */
struct ipc_host_password {
	uint8_t		 grant[GRANT_LEN];
	size_t		 grant_len;
	char		 ref[FIELD_REF_MAX + 1];
};

/* store.host_password: the password sealed, bound to the host */
struct ipc_host_password_store {
	uint8_t		 grant[GRANT_LEN];
	size_t		 grant_len;
	char		 ref[FIELD_REF_MAX + 1];
	uint8_t		 sealed[KEY_SEALED_MAX];
	size_t		 sealed_len;
};

extern const struct ipc_body body_apikey_create;
extern const struct ipc_body body_apikey_store;
extern const struct ipc_body body_key_page;
extern const struct ipc_body body_key_ref;
extern const struct ipc_body body_apikey_res;
extern const struct ipc_body body_sshkey_add;
extern const struct ipc_body body_sshkey_store;
extern const struct ipc_body body_sshkey_res;
extern const struct ipc_body body_authkeys;
extern const struct ipc_body body_authkey_line;
extern const struct ipc_body body_account_key;
extern const struct ipc_body body_account_key_res;
extern const struct ipc_body body_account_key_store;
extern const struct ipc_body body_account_key_get;
extern const struct ipc_body body_account_key_get_res;
extern const struct ipc_body body_account_key_delete;
extern const struct ipc_body body_account_res;
extern const struct ipc_body body_account_item;
extern const struct ipc_body body_account_data;
extern const struct ipc_body body_account_data_pw;
extern const struct ipc_body body_account_data_store;
extern const struct ipc_body body_auth_signed;
extern const struct ipc_body body_client_add;
extern const struct ipc_body body_client_store;
extern const struct ipc_body body_client_rec;
extern const struct ipc_body body_client_del;
extern const struct ipc_body body_secret_res;
extern const struct ipc_body body_host_password;
extern const struct ipc_body body_host_password_store;
/* userrec.h's, until the users' tables are in ipc/ (body_userrec.c) */
extern const struct ipc_body body_user_rec;
extern const struct ipc_body body_profile;

#endif
