/*
 * The bodies of the messages about logins and credentials: a password
 * login and a command-API client's, a credential's check and the grant
 * it gives, the passwords authd sets and shows, what authd asks stored
 * of users, sessions and tokens, the first admin, the grant key, and
 * frontd's TLS handshake signatures (field tables in body_auth.c).
 */
#ifndef MOAT_BODY_AUTH_H
#define MOAT_BODY_AUTH_H

#include <stddef.h>
#include <stdint.h>

#include "body.h"
#include "body_core.h"
#include "fields.h"
#include "tlssign.h"

#define AUTH_PEER_LEN	(FIELD_PEER_MAX + 1)
#define AUTH_ROLE_LEN	16	/* "admin" or "user" */
#define AUTH_UUID_LEN	37
/* a password authd made, shown once (a rotation's, a host's) */
#define SHOWN_PASSWORD_MAX 63
/* what stored keeps of a token's secret: its HMAC-SHA256 */
#define TOKEN_DIGEST_LEN 32
#define TOKEN_PUBLIC_ID_MAX 15

/* auth.login: a password login in a dialect */
struct ipc_auth_login {
	uint32_t	 dialect;	/* enum dialect */
	char		 peer[AUTH_PEER_LEN];
	char		 name[FIELD_LOGIN_NAME_MAX + 1];
	char		 password[FIELD_PASSWORD_MAX + 1];
};

/* auth.client.login: a command-API LOGIN, with the client's secret;
 * without a name, the client's own user logs in */
struct ipc_auth_client_login {
	char		 peer[AUTH_PEER_LEN];
	char		 secret[FIELD_CLIENT_SECRET_MAX + 1];
	char		 name[FIELD_LOGIN_NAME_MAX + 1];
	char		 password[FIELD_PASSWORD_MAX + 1];
};

/* auth.login.res: the token of the session a login opened */
struct ipc_login_res {
	struct ipc_head	 head;
	char		 token[FIELD_CRED_MAX + 1];
	uint64_t	 expires_in;	/* seconds */
	char		 user_id[AUTH_UUID_LEN];
	uint64_t	 user_oid;
	char		 username[FIELD_NAME_MAX + 1];
	char		 role[AUTH_ROLE_LEN];
};

/* auth.verify: a credential as frontd found it, to be checked */
struct ipc_auth_verify {
	uint32_t	 dialect;	/* enum dialect */
	char		 peer[AUTH_PEER_LEN];
	uint32_t	 kind;		/* enum cred_kind (cred.h) */
	char		 cred[FIELD_CRED_MAX + 1];
	/* a remote command's client secret, or "" */
	char		 secret[FIELD_CLIENT_SECRET_MAX + 1];
	/* an authentication path (an agent's registration): a refused
	 * credential counts on the address's auth-failure limit, as a
	 * failed login does, not the invalid-token one */
	int		 strict;
};

/* auth.verify.res: the grant a good credential gives, for stored */
struct ipc_verify_res {
	struct ipc_head	 head;
	uint8_t		 grant[GRANT_LEN];
	size_t		 grant_len;
};

/* auth.rotate_password: an admin has a user's password made anew */
struct ipc_auth_rotate_pw {
	uint8_t		 grant[GRANT_LEN];
	size_t		 grant_len;
	char		 ref[FIELD_REF_MAX + 1];	/* the user */
};

/* auth.change_password: the grant's user, with the old password */
struct ipc_auth_change_pw {
	uint8_t		 grant[GRANT_LEN];
	size_t		 grant_len;
	char		 old_password[FIELD_PASSWORD_MAX + 1];
	char		 new_password[FIELD_PASSWORD_MAX + 1];
	char		 peer[AUTH_PEER_LEN];
};

/* auth.password.res: a password authd made, or "" for none to show */
struct ipc_password_res {
	struct ipc_head	 head;
	char		 password[SHOWN_PASSWORD_MAX + 1];
};

/* What stored says about a user, for a password check (cred.res). */
struct cred {
	int		 found;
	uint64_t	 oid;
	char		 id[AUTH_UUID_LEN];
	char		 username[FIELD_NAME_MAX + 1];
	char		 role[AUTH_ROLE_LEN];
	char		 status[16];
	int64_t		 expires_at;	/* 0: never */
	char		 hash[FIELD_HASH_MAX + 1];
};

/* cred.get: a user by name (or e-mail address) or by row, or the
 * grant's principal */
struct ipc_cred_get {
	uint8_t		 grant[GRANT_LEN];
	size_t		 grant_len;	/* 0: none */
	char		 name[FIELD_NAME_MAX + 1];
	uint64_t	 by_oid;	/* 0: by name */
};

struct ipc_cred_res {
	struct ipc_head	 head;
	struct cred	 cred;
};

/* session.create: what a login made, kept; never the token itself */
struct ipc_session_create {
	uint64_t	 user_oid;
	uint32_t	 dialect;	/* enum dialect */
	char		 peer[AUTH_PEER_LEN];
	char		 public_id[TOKEN_PUBLIC_ID_MAX + 1];
	uint8_t		 digest[TOKEN_DIGEST_LEN];	/* none for a JWT */
	size_t		 digest_len;
	uint32_t	 lifetime;	/* seconds */
	uint32_t	 idle;		/* seconds */
	uint64_t	 client_oid;	/* a command-API LOGIN's, or 0 */
	char		 kind[FIELD_TOKEN_KIND_MAX + 1];	/* taken as */
};

struct ipc_session_res {
	struct ipc_head	 head;
	uint64_t	 session_oid;
	int64_t		 expires_at;
};

/* auth.event: how a login went, for the audit trail */
#define AUTH_EVENT_TYPE_MAX	31	/* "auth.success", "auth.failed" */
#define AUTH_EVENT_MESSAGE_MAX	127
struct ipc_auth_event {
	char		 type[AUTH_EVENT_TYPE_MAX + 1];
	uint64_t	 user_oid;	/* 0: nobody was found */
	char		 name[FIELD_NAME_MAX + 1];	/* as given */
	char		 peer[AUTH_PEER_LEN];
	uint32_t	 dialect;	/* enum dialect */
	char		 message[AUTH_EVENT_MESSAGE_MAX + 1];
};

/* store.set_password: a new hash for a user (op.res answers it) */
struct ipc_store_set_password {
	uint8_t		 grant[GRANT_LEN];
	size_t		 grant_len;	/* 0: authd's own rehash */
	/* the user, or "" for the grant's own */
	char		 ref[FIELD_REF_MAX + 1];
	char		 hash[FIELD_HASH_MAX + 1];
	/* the one session that stays (0: none, UINT64_MAX: all stay) */
	uint64_t	 keep_session;
};

/* token.get: an opaque token's record by its public id */
struct ipc_token_get {
	uint32_t	 table;		/* enum token_table (tokens.h) */
	char		 public_id[TOKEN_PUBLIC_ID_MAX + 1];
};

/* token.res: what stored keeps of it; authd compares the secret */
struct ipc_token_res {
	struct ipc_head	 head;
	int		 found;
	uint64_t	 oid;
	uint64_t	 user;
	uint8_t		 digest[TOKEN_DIGEST_LEN];
	size_t		 digest_len;	/* 0 for a JWT's session */
	uint32_t	 scopes;
	int64_t		 expires;	/* 0: never */
	/* the address a token is bound to, or a client's networks */
	char		 bound[FIELD_CIDR_LIST_MAX + 1];
	uint32_t	 dialect;
	char		 role[AUTH_ROLE_LEN];
	uint64_t	 client;
	char		 kind[FIELD_TOKEN_KIND_MAX + 1];	/* minted as */
};

/* grant.key: the key of this run's grants, authd to stored, once */
struct ipc_grant_key {
	uint8_t		 key[FIELD_GRANT_KEY_LEN];
	size_t		 key_len;
};

/* user.bootstrap: the first admin, made only if no user exists */
struct ipc_user_bootstrap {
	char		 name[64];
	char		 hash[FIELD_HASH_MAX + 1];
	char		 role[AUTH_ROLE_LEN];
};

struct ipc_user_bootstrap_res {
	struct ipc_head	 head;
	int		 created;
};

/* tls.sign: a handshake's content to sign with the key id names */
struct ipc_tls_sign {
	/* the SHA-256 of the key (TLSSIGN_KEYID_LEN), or what finds none */
	uint8_t		 key_id[TLSSIGN_KEYID_LEN * 2];
	size_t		 key_id_len;
	uint32_t	 scheme;	/* a TLS SignatureScheme */
	uint8_t		 tbs[TLSSIGN_TBS_IN_MAX];
	size_t		 tbs_len;
};

struct ipc_tls_sign_res {
	struct ipc_head	 head;
	uint8_t		 sig[TLSSIGN_SIG_MAX];
	size_t		 sig_len;
};

extern const struct ipc_body body_auth_login;
extern const struct ipc_body body_auth_client_login;
extern const struct ipc_body body_login_res;
extern const struct ipc_body body_auth_verify;
extern const struct ipc_body body_verify_res;
extern const struct ipc_body body_auth_rotate_pw;
extern const struct ipc_body body_auth_change_pw;
extern const struct ipc_body body_password_res;
extern const struct ipc_body body_cred_get;
extern const struct ipc_body body_cred_res;
extern const struct ipc_body body_session_create;
extern const struct ipc_body body_session_res;
extern const struct ipc_body body_auth_event;
extern const struct ipc_body body_store_set_password;
extern const struct ipc_body body_token_get;
extern const struct ipc_body body_token_res;
extern const struct ipc_body body_grant_key;
extern const struct ipc_body body_user_bootstrap;
extern const struct ipc_body body_user_bootstrap_res;
extern const struct ipc_body body_tls_sign;
extern const struct ipc_body body_tls_sign_res;

#endif
