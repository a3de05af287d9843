#ifndef MOAT_AUTHD_H
#define MOAT_AUTHD_H

#include <stdint.h>

#include <openssl/types.h>

#include "body_auth.h"
#include "body_cce.h"
#include "cidr.h"
#include "crypto.h"
#include "daemon.h"
#include "dialect.h"
#include "dispatch.h"
#include "fields.h"
#include "grant.h"
#include "hasher.h"
#include "ipc.h"
#include "proc.h"
#include "ratelimit.h"
#include "replay.h"
#include "tokens.h"

#define MASTER_KEY_LEN	32

#define NAME_MAX_LEN	FIELD_NAME_MAX	/* a user name or an e-mail address */
#define PASSWORD_IN_MAX	FIELD_PASSWORD_MAX
/* a v1 session's public id, a JWT's jti: 72 random bits */
#define SESSION_JTI_LEN	12

struct authd_session {
	uint32_t	 lifetime;
	uint32_t	 idle;
};

/* the command API's password property names (cfg.cce.passwords) */
#define CCE_PASSWORDS_MAX	64

struct authd_config {
	struct daemon_config	 common;
	struct hasher_params	 argon2;
	struct authd_session	 session[DIALECT_MAX];
	uint32_t		 login_lifetime;
	uint32_t		 auth_failures;		/* per address a minute */
	uint32_t		 invalid_tokens;	/* per address a minute */
	char			 cce_passwords[CCE_PASSWORDS_MAX]
				    [CCE_KEY_MAX + 1];
	uint32_t		 cce_npasswords;
};

struct authd {
	struct event_base	*base;
	struct ipc_chan		*chans[PROC_MAX];
	struct ipc_chan		*signchan;	/* frontd's handshakes */
	struct ipc_dispatcher	 dispatcher;
	struct authd_config	 pending;
	struct authd_config	 conf;
	unsigned char		 master_key[MASTER_KEY_LEN];
	int			 have_master_key;
	/* subkeys of the master key, and the grant key of this run */
	uint8_t			 jwt_key[CRYPTO_KEY_LEN];
	uint8_t			 token_key[CRYPTO_KEY_LEN];
	uint8_t			 seal_key[CRYPTO_KEY_LEN];
	uint8_t			 grant_key[GRANT_KEY_LEN];
	int			 keys_ready;
	/* abuse limits: failures per address (and IPv6 site), per
	 * account, the addresses an account logged in from; bad tokens */
	struct ratelimit	*failures;
	struct ratelimit	*failures_site;
	struct ratelimit	*accounts;
	struct ratelimit	*known;
	struct ratelimit	*invalid;
	struct ratelimit	*invalid_site;
	struct ratelimit	*rsa_keys;	/* RSA key pairs made, a user */
	struct replay_cache	*replays;	/* account v2 signatures seen */
	int			 serving;
};

extern struct authd *authd_env;

/* acmeeab.c: the acme directories' EAB keys (cfg.acme.eab); a name's
 * key id and base64url HMAC key, valid until the next cfg.done, or -1 */
int	 config_acme_eab(struct ipc_chan *, struct ipc_msg *);
void	 acme_eab_apply(void);
int	 acme_eab_get_key(const char *name, const char **kid,
	    const char **hmac);

/* config.c */
int	 config_common(struct ipc_chan *, struct ipc_msg *);
int	 config_auth(struct ipc_chan *, struct ipc_msg *);
int	 config_identity(struct ipc_chan *, struct ipc_msg *);
int	 config_master_key(struct ipc_chan *, struct ipc_msg *);
int	 config_tls_cert(struct ipc_chan *, struct ipc_msg *);
int	 config_tls_key(struct ipc_chan *, struct ipc_msg *);
int	 config_done(struct ipc_chan *, struct ipc_msg *);
int	 config_proc_start(struct ipc_chan *, struct ipc_msg *);

/* bootstrap.c */
int	 bootstrap_admin(struct ipc_chan *, struct ipc_msg *);

/* limits.c */
#define ACCOUNT_WINDOW	900		/* failures per account are counted so */
#define KNOWN_WINDOW	(30 * 86400)	/* an address that logged in is known */

/* an attempt counted against its address before it runs */
struct attempt {
	uint8_t		 key[RATELIMIT_ADDR_KEY_MAX];
	size_t		 keylen;
	uint8_t		 site[RATELIMIT_SITE_KEY_MAX];	/* IPv6 /48 */
	size_t		 sitelen;			/* 0: none */
	int64_t		 when;
	int		 held;		/* counted, outcome not known yet */
};
/* 1 with the attempt counted, or 0 if the address is over its limit */
int	 attempt_begin(struct attempt *, const char *peer, uint32_t *retry);
/* a failure: it stays counted */
void	 attempt_failed(struct attempt *);
/* no failure (a success, or no check made): taken back */
void	 attempt_forgive(struct attempt *);
/* invalid tokens, keys and signatures per address */
void	 peer_invalid(const char *peer);
int	 peer_invalid_ok(const char *peer, uint32_t *retry);

/* The growing delay of an account, by its row and by its name, and the
 * schedule its attempts run on, one after another. */
struct account_keys {
	uint8_t		 oid[9];
	uint8_t		 name[17];
	uint8_t		 lane[9];	/* the schedule of known addresses */
	uint8_t		 known_key[1 + 8 + RATELIMIT_ADDR_KEY_MAX];
	size_t		 known_len;
	int		 has_oid;
	int		 known;		/* the address logged in before */
	int		 held;		/* this attempt is counted */
	int64_t		 when;
};
void	 account_keys(struct account_keys *, const char *name, uint64_t oid,
	    const char *peer);
void	 account_keys_host(struct account_keys *, const char *name,
	    uint64_t host_oid, const char *peer);
uint32_t account_failures(const struct account_keys *);
/*
 * 1: the attempt is counted and may run in *wait seconds (its place on
 * the schedule); 0: it would wait past LOGIN_DELAY_MAX, nothing is
 * counted, *retry says when one would not.
 */
int	 account_begin(struct account_keys *, uint32_t *wait,
	    uint32_t *retry);
/* counted now, with no place on the schedule (it runs no hash) */
void	 account_hit(struct account_keys *);
/* a failure, or an attempt shed for a full hasher: it stays counted */
void	 account_failed(struct account_keys *);
/* no password was checked: taken back */
void	 account_forgive(struct account_keys *);
/* the password was right: the counts start again, the address known */
void	 account_succeeded(struct account_keys *);

/* login.c */
int	 login_request(struct ipc_chan *, struct ipc_msg *);
int	 usable(const struct cred *, const char **why);
void	 login_for_client(const struct ipc_req *, const char *peer,
	    const char *name, const char *password, uint64_t client_oid,
	    uint64_t client_user);
void	 login_refuse(const struct ipc_req *, int status, uint32_t retry,
	    const char *message);
int	 login_bootstrap_request(struct ipc_chan *, struct ipc_msg *);

/* entry.c: entry links' passwords, bootstrap sessions (issue 13) */
int	 entry_request(struct ipc_chan *, struct ipc_msg *);
/* 1 if password is the host's entry password (sealed, bound to ref) */
int	 host_password_matches(const char *ref, const uint8_t *sealed,
	    size_t sealed_len, const char *password);
void	 bootstrap_refuse(const struct ipc_req *, int status, uint32_t retry,
	    const char *message);
void	 bootstrap_open(const struct ipc_req *, uint64_t user_oid,
	    const char *peer);

/* clients.c: command-API clients and their secrets */
int	 clients_login(struct ipc_chan *, struct ipc_msg *);
int	 clients_add(struct ipc_chan *, struct ipc_msg *);
/* status: 200 (ok), 403 (refused) or 429 (the address is over its
 * limit; retry says for how long) */
typedef void	(*client_checked_cb)(int status, uint32_t retry,
	    uint64_t client_oid, uint64_t user_oid, void *arg);
void	 clients_check(const char *peer, const char *secret,
	    client_checked_cb, void *arg);

/* answers.c: what more than one file asks stored, and its answers */
/* Asks for what stored keeps of an opaque token (enum token_table). */
int	 token_ask(uint32_t table, const char *public_id, ipc_reply_cb,
	    void *arg);
/* Reads token.res; an error, or one that cannot be read, finds none. */
void	 token_res_get(struct ipc_msg *, struct ipc_token_res *);
/* Found, and its digest is that of secret (in constant time). */
int	 token_res_matches(const struct ipc_token_res *,
	    const uint8_t secret[TOKEN_SECRET_LEN]);
/* Asks for a user's credentials: the grant's principal (grantlen > 0),
 * by_oid, or by name. */
int	 cred_ask(const uint8_t *grant, size_t grantlen, const char *name,
	    uint64_t by_oid, ipc_reply_cb, void *arg);
/* Reads cred.res: -1 if it is malformed (the channel then judges it);
 * an error, or one refused, finds nobody. */
int	 cred_read(struct ipc_msg *, struct cred *);
/*
 * Asks stored to keep a new hash: for the grant's principal (or, without
 * a grant, for authd's own reasons), ending the user's sessions but
 * keep_session (0: all of them, UINT64_MAX: none).  cb gets NULL if it
 * could not be asked.
 */
void	 store_password(const uint8_t *grant, size_t grantlen,
	    const char *ref, const char *hash, uint64_t keep_session,
	    ipc_reply_cb, void *arg);
/* stored's op.res; a timeout (NULL) reads as 503, "try again". */
void	 op_res_get(struct ipc_msg *, uint32_t *status, char *message,
	    size_t messagelen);

/* verify.c */
int	 verify_request(struct ipc_chan *, struct ipc_msg *);
void	 verify_answer(const struct ipc_req *, int status,
	    uint32_t retry_after, const uint8_t *grant);
void	 grant_mint(uint64_t user_oid, int role, uint32_t scopes, int kind,
	    uint64_t cred_oid, uint8_t out[GRANT_LEN]);
int	 grant_check(const uint8_t *grant, size_t len, struct grant *g);
int	 role_by_name(const char *);

/*
 * mint.c: a secret made here for a client, kept in a record by stored,
 * and shown once in the answer to the request that asked for it.
 */
#define MINT_PUBLIC_MAX	31	/* an account v2 api_key or S3 id */
#define MINT_SECRET_MAX	1023	/* the longest: an SSH private key */
struct mint;
/*
 * Reads stored's answer res and answers the request with it, the secret
 * put in where stored kept the record; -1 if res is malformed (nothing
 * is answered: the mint answers 500).
 */
typedef int	(*mint_answer_cb)(struct ipc_msg *res, const struct mint *);
struct mint {
	struct ipc_req	 req;		/* the request to answer */
	mint_answer_cb	 answer;
	char		 public_id[MINT_PUBLIC_MAX + 1]; /* shown with it */
	char		 secret[MINT_SECRET_MAX + 1];
};
/* For the request req, read to its end. */
struct mint	*mint_new(struct ipc_chan *, const struct ipc_msg *req);
/* An opaque token as the secret: its public id and digest for stored. */
int	 mint_token(struct mint *, const char *prefix,
	    char idtext[TOKEN_ID_TEXT_LEN + 1], uint8_t digest[CRYPTO_MAC_LEN]);
/* Asks stored to keep the record, a body of type; answer answers once
 * it has. */
void	 mint_store(struct mint *, enum ipc_type, const void *record,
	    mint_answer_cb);
/* Answers with a refusal instead, and clears what was made. */
void	 mint_refuse(struct mint *, int status, const char *message);
/* stored's op.res, then on success the secret, or the public half and
 * the secret */
int	 mint_answer_secret(struct ipc_msg *, const struct mint *);
int	 mint_answer_pair(struct ipc_msg *, const struct mint *);

/* account.c */
int	 account_key(struct ipc_chan *, struct ipc_msg *);
int	 account_signed(struct ipc_chan *, struct ipc_msg *);

/* apikeys.c */
int	 apikeys_create(struct ipc_chan *, struct ipc_msg *);

/* devices.c: a device and its token (issue 11) */
int	 devices_create(struct ipc_chan *, struct ipc_msg *);
int	 device_pk_valid(const char *);
struct ipc_device_create;
struct ipc_device_store;
int	 device_refusal(const struct ipc_device_create *, int, const char **);
void	 device_record(const struct ipc_device_create *,
	    struct ipc_device_store *);
/* devsess.c: an agent's registration and its session's refresh */
int	 devsess_register(struct ipc_chan *, struct ipc_msg *);
int	 devsess_refresh(struct ipc_chan *, struct ipc_msg *);
/* deploy.c: a device's deploy materials, wrapped to its key */
int	 deploy_request(struct ipc_chan *, struct ipc_msg *);

/* gateway.c: the SSH gateway's logins (gw.auth) */
int	 gateway_auth(struct ipc_chan *, struct ipc_msg *);

/* atrest.c: seals secret, bound to class and "what:id"; out holds
 * SEALED_MAX bytes */
#define SEALED_MAX	256
int	 seal_bound(const char *class, const char *what, const char *id,
	    const char *secret, uint8_t *out, size_t *outlen);
int	 seal_bound_into(const char *class, const char *what, const char *id,
	    const char *secret, uint8_t *out, size_t outcap, size_t *outlen);
/* The inverse: secret holds secretlen bytes with the NUL; -1 if the
 * seal does not open under that binding. */
int	 unseal_bound(const char *class, const char *what, const char *id,
	    const uint8_t *sealed, size_t len, char *secret, size_t secretlen);

/*
 * certs.c: private CAs and their certificates (issue 11).  An RSA key
 * pair stops authd for up to a second or more (RSA-4096): a user may
 * have CERTS_RSA_KEYS made a minute; ECDSA costs a millisecond.
 */
#define CERTS_RSA_KEYS	10
int	 certs_ca_create(struct ipc_chan *, struct ipc_msg *);
int	 certs_issue(struct ipc_chan *, struct ipc_msg *);
int	 certs_export(struct ipc_chan *, struct ipc_msg *);
int	 grant_scoped(const uint8_t *grant, size_t len, uint32_t scope,
	    struct grant *, const char **why);

/* egress.c */
int	 egress_change(struct ipc_chan *, struct ipc_msg *);
/* dnsprov.c */
int	 dnsprov_create(struct ipc_chan *, struct ipc_msg *);
/* dnsunseal.c */
struct ipc_dnsprov_unseal;
int	 dnsprov_open(const struct ipc_dnsprov_unseal *, char *, size_t,
	    const char **);
int	 dnsprov_unseal(struct ipc_chan *, struct ipc_msg *);

/* cce.c */
int	 cce_config_passwords(struct ipc_chan *, struct ipc_msg *);
int	 cce_relay(struct ipc_chan *, struct ipc_msg *);
int	 egress_unseal(struct ipc_chan *, struct ipc_msg *);

/* acmeacct.c: a user's ACME accounts, their keys made and sealed here */
#define ACMEACCT_SEAL_CLASS	"acme_account"
#define CERT_SEAL_CLASS		"pki"	/* certs.c's, "cert:<id>" */
struct pki_keyspec;
struct ipc_acmeacct_store;
int	 acmeacct_key_make(EVP_PKEY *, const struct pki_keyspec *,
	    struct ipc_acmeacct_store *);
int	 acmeacct_create(struct ipc_chan *, struct ipc_msg *);
/* acmesign.c: what taskd's ACME job has authd do with a sealed key */
struct ipc_acme_sign;
struct ipc_acme_sign_res;
struct ipc_acme_csr;
struct ipc_acme_csr_res;
struct ipc_acme_eab;
struct ipc_acme_eab_res;
void	 acme_sign_do(const struct ipc_acme_sign *,
	    struct ipc_acme_sign_res *);
void	 acme_csr_do(const struct ipc_acme_csr *, struct ipc_acme_csr_res *);
void	 acme_eab_do(const struct ipc_acme_eab *, struct ipc_acme_eab_res *);
int	 acmejob_sign(struct ipc_chan *, struct ipc_msg *);
int	 acmejob_csr(struct ipc_chan *, struct ipc_msg *);
int	 acmejob_eab(struct ipc_chan *, struct ipc_msg *);
int	 acmejob_renewkey(struct ipc_chan *, struct ipc_msg *);
int	 key_seal(EVP_PKEY *, const char *class, const char *what,
	    const char *id, uint8_t *sealed, size_t cap, size_t *sealed_len);

/* tlskey.c: the TLS server key, and frontd's handshake signatures */
/* panelnames.c: the names of the suite's own certificate */
void	 panelnames_set(const char *pem, size_t len);
int	 panelnames_cover(const char *name);

int	 tlskey_install(const char *certpem, size_t certlen,
	    const char *keypem, size_t keylen, const char **why);
int	 tlskey_ready(void);
void	 tlskey_clear(void);
/* The previous key signs for TLSKEY_GRACE_MS after a switch, for the
 * handshakes in flight; then it is freed.  Frees it if its time is up,
 * else returns the milliseconds left (0: no previous key). */
#define TLSKEY_GRACE_MS		(60 * 1000)
uint64_t tlskey_expire(void);
/* monotonic milliseconds; the tests set their own clock (NULL: reset) */
void	 tlskey_set_clock(uint64_t (*)(void));
/* keytype EVP_PKEY_RSA or EVP_PKEY_EC, curve a NID: 0 if tbs is a
 * handshake signature that scheme code may sign with such a key */
int	 tlskey_check(int keytype, int curve, uint32_t code,
	    const uint8_t *tbs, size_t len, const char **why);
/* An HTTP-like status: 200 with the signature, else why */
int	 tlskey_sign(const uint8_t *id, size_t idlen, uint32_t code,
	    const uint8_t *tbs, size_t len, uint8_t *sig, size_t *siglen,
	    const char **why);
int	 tlskey_sign_request(struct ipc_chan *, struct ipc_msg *);

/* sshkeys.c */
int	 sshkeys_add(struct ipc_chan *, struct ipc_msg *);

/* users.c: operations that involve a password */
int	 users_create(struct ipc_chan *, struct ipc_msg *);
int	 users_rotate_password(struct ipc_chan *, struct ipc_msg *);
int	 users_change_password(struct ipc_chan *, struct ipc_msg *);
int	 users_account_data(struct ipc_chan *, struct ipc_msg *);
int	 users_host_password(struct ipc_chan *, struct ipc_msg *);
int	 password_acceptable(const char *, const char **why);

#endif
