#ifndef MOAT_STORED_H
#define MOAT_STORED_H

#include <stdint.h>

#include <sqlite3.h>

#include "acmedirs.h"
#include "daemon.h"
#include "dialect.h"
#include "dispatch.h"
#include "egresscheck.h"
#include "fields.h"
#include "grant.h"
#include "hostlife.h"
#include "hostrec.h"
#include "ipc.h"
#include "proc.h"
#include "ratelimit.h"
#include "body_users.h"

/*
 * A user's state as every login sees it (over the users row "u"): a
 * suspended user (the command API's suspend, of the user or of their
 * site) is no more usable than a disabled one.
 */
#define U_STATUS	"CASE WHEN u.suspended != 0 THEN 'suspended' " \
			    "ELSE u.status END"

/* A list answer stops adding rows at this size, below the 120 KiB a
 * message may have; the client pages on from what it got. */
#define LIST_PAGE_BYTES		(100 * 1024)
#define KEYS_PER_USER_MAX	100	/* ak_ keys of one user */

struct stored_session {
	uint32_t	 lifetime;
	uint32_t	 idle;
};

struct stored_config {
	struct daemon_config	 common;
	struct stored_session	 session[DIALECT_MAX];
	uint32_t		 login_lifetime;
	uint32_t		 api_requests;	/* per user a minute */
	struct egress_allow	 egress_allow;	/* endpoints allowed after all */
};

struct stored {
	struct event_base	*base;
	struct ipc_chan		*chans[PROC_MAX];
	struct ipc_dispatcher	 dispatcher;
	struct stored_config	 pending;
	struct stored_config	 conf;
	struct acme_dirs	 acme_pending;
	struct acme_dirs	 acme;	/* what an account may name */
	uint8_t			 grant_key[GRANT_KEY_LEN];
	int			 have_grant_key;
	struct ratelimit	*api;
	struct ratelimit	*polls;		/* a device's update polls */
	int			 serving;
};

/* Who asks, as the grant says and the database confirms. */
struct principal {
	uint64_t	 user_oid;
	char		 user_id[37];
	char		 username[USERNAME_MAX + 1];
	int		 role;		/* ROLE_ADMIN or ROLE_USER */
	uint32_t	 scopes;
	int		 kind;		/* enum grant_kind */
	uint64_t	 cred_oid;
	int64_t		 cred_expires;	/* an API key's expiry; 0: none */
	uint32_t	 restricted;	/* a key's scopes on named objects */
};

extern struct stored *stored_env;

/*
 * challengedb.c: pending http-01 challenges.  challenge_store(): 0, 1
 * when the token is another owner's, -1 on a database error;
 * challenge_lookup() and challenge_remove(): 200, 404 or 500.
 */
void	 challenge_sweep(void);
int	 challenge_store(const char *token, const char *key_authz,
	    const char *owner, int64_t expires);
int	 challenge_lookup(const char *token, char *key_authz, size_t len);
int	 challenge_remove(const char *token, const char *owner);
/* challenges.c: their messages */
int	 challenges_get(struct ipc_chan *, struct ipc_msg *);
int	 challenges_put(struct ipc_chan *, struct ipc_msg *);
int	 challenges_del(struct ipc_chan *, struct ipc_msg *);
#ifdef MOAT_TEST
void	 challenges_test_seed(void);
#endif

/* digest.c: test builds log a digest of the database on SIGUSR1 */
void	 digest_init(void);

/* config.c */
int	 config_common(struct ipc_chan *, struct ipc_msg *);
int	 config_identity(struct ipc_chan *, struct ipc_msg *);
int	 config_egress(struct ipc_chan *, struct ipc_msg *);
int	 config_acme(struct ipc_chan *, struct ipc_msg *);

/* cce.c: the command API (cce.h has the rest) */
int	 cce_config_schema(struct ipc_chan *, struct ipc_msg *);
int	 cce_command(struct ipc_chan *, struct ipc_msg *);
/* ccedb.c: the User object of a user just made, in its transaction */
int	 cce_user_object(uint64_t user_oid);
int	 config_done(struct ipc_chan *, struct ipc_msg *);
int	 config_proc_start(struct ipc_chan *, struct ipc_msg *);

/* db.c: the one SQLite connection; statements prepared once */
void	 db_open(const char *path);
void	 db_close(void);
sqlite3_stmt *db_stmt(const char *sql);
int	 db_begin(void);
int	 db_begin_lazy(void);	/* the task queue's: see db.c */
int	 db_commit(void);
void	 db_rollback(void);
int	 db_exec(const char *sql);
int64_t	 db_now(void);
/* The one number a count(*) answers, of at most one integer parameter. */
int64_t	 db_count(const char *sql, uint64_t param);
/* Runs a statement of up to two integer parameters: its changes, or -1. */
int	 db_write(const char *sql, uint64_t a, uint64_t b);
/* Runs an INSERT the caller has bound: 0 with the new row's oid, or -1. */
int	 db_insert(sqlite3_stmt *, uint64_t *oid);
/* A text column, "" for NULL, cut to fit. */
void	 db_text_col(sqlite3_stmt *, int col, char *dst, size_t len);
/* The same whole, or -1 if it does not fit: what a check compares. */
int	 db_text_whole(sqlite3_stmt *, int col, char *dst, size_t len);
/*
 * One row of the audit trail, in the caller's transaction.  actor and
 * peer go into its metadata; nothing secret ever does.
 */
int	 db_event(const char *type, const char *level, const char *user_id,
	    const char *message, const char *actor, const char *peer,
	    int dialect);
/* The same, naming a host and a task besides the user. */
struct event_refs {
	const char	*user_id;
	const char	*host_id;
	const char	*task_id;
};
int	 db_event_refs(const char *type, const char *level,
	    const struct event_refs *, const char *message, const char *actor,
	    const char *peer, int dialect);

/* schema.c */
int	 schema_migrate(void);
int	 schema_version(void);

/* health.c */
int	 health_check(struct ipc_chan *, struct ipc_msg *);
int	 health_ping(struct ipc_chan *, struct ipc_msg *);

/* userrow.c: a user's row */
extern const char user_columns[];
void	 row_to_user(sqlite3_stmt *, struct user_rec *);
int	 user_load(uint64_t oid, struct user_rec *);
int	 user_ref(const char *ref, uint64_t *oid);

/* credentials.c: whether the credential behind a grant still lives */
int	 credentials_alive(const struct grant *, struct principal *);
int	 credentials_device(const struct grant *, struct principal *);

/* authz.c: every operation starts here */
int	 authz_check(const uint8_t *grant, size_t len, struct principal *,
	    uint32_t *retry);
int	 authz_admin_on(const struct principal *, int status, const char *ref,
	    uint64_t *user);
int	 authz_user(const struct principal *, const char *ref, int admin_only,
	    uint64_t *oid);
int	 authz_access_known(uint32_t access);
int	 authz_device(const uint8_t *grant, size_t len, struct principal *,
	    uint32_t *retry);
int	 authz_poller(const uint8_t *grant, size_t len, struct principal *);
int	 authz_user_reached(const struct principal *, uint32_t access,
	    const char *ref, uint64_t *oid);

/* userpass.c: users as authd makes them, with a password hash */
int	 users_bootstrap(struct ipc_chan *, struct ipc_msg *);
int	 users_store_create(struct ipc_chan *, struct ipc_msg *);
int	 users_store_password(struct ipc_chan *, struct ipc_msg *);
int	 user_set_hash(uint64_t oid, const char *hash);

/* userops.c: the control plane's operations on users */
int	 users_list(struct ipc_chan *, struct ipc_msg *);
int	 users_get(struct ipc_chan *, struct ipc_msg *);
int	 users_me(struct ipc_chan *, struct ipc_msg *);
int	 users_patch(struct ipc_chan *, struct ipc_msg *);
int	 users_expiry(struct ipc_chan *, struct ipc_msg *);
int	 users_delete(struct ipc_chan *, struct ipc_msg *);

/* sessions.c */
int	 sessions_cred_get(struct ipc_chan *, struct ipc_msg *);
int	 sessions_create(struct ipc_chan *, struct ipc_msg *);
int	 sessions_auth_event(struct ipc_chan *, struct ipc_msg *);
int	 sessions_logout(struct ipc_chan *, struct ipc_msg *);
int	 sessions_end_user(uint64_t user_oid, uint64_t keep);
void	 sessions_sweep_init(void);

/* tokens.c */
int	 tokens_get(struct ipc_chan *, struct ipc_msg *);

/* apikeys.c */
int	 apikeys_store_create(struct ipc_chan *, struct ipc_msg *);
int	 apikeys_list(struct ipc_chan *, struct ipc_msg *);
int	 apikeys_get(struct ipc_chan *, struct ipc_msg *);
int	 apikeys_delete(struct ipc_chan *, struct ipc_msg *);
/* The command API's DESTROY of a key it checked the caller may reach:
 * what the routes' DELETE does, with its event; 0, or -1. */
int	 apikeys_destroy(uint64_t key_oid, const struct principal *);
/* dnsprov.c: a user's DNS providers */
int	 dnsprov_store_create(struct ipc_chan *, struct ipc_msg *);
int	 dnsprov_list(struct ipc_chan *, struct ipc_msg *);
int	 dnsprov_get(struct ipc_chan *, struct ipc_msg *);
int	 dnsprov_delete(struct ipc_chan *, struct ipc_msg *);
uint64_t dnsprov_of_user(uint64_t user, const char *ref);
struct dnsprov_rec;
int	 dnsprov_for_job(uint64_t oid, struct dnsprov_rec *, uint8_t *sealed,
	    size_t cap, size_t *len);
/* acmeacct.c: a user's ACME accounts */
const char *acmeacct_email_invalid(const char *);
int	 acmeacct_store_create(struct ipc_chan *, struct ipc_msg *);
int	 acmeacct_list(struct ipc_chan *, struct ipc_msg *);
int	 acmeacct_get(struct ipc_chan *, struct ipc_msg *);
/* 0 if p may act with scope (sessions have every scope), else 403 */
int	 authz_scope(const struct principal *, uint32_t scope);
/* The user whose keys a request with access reaches: 0, 403 or 404. */
int	 authz_keys_of(const struct principal *, uint32_t access,
	    const char *ref, uint64_t *user);
int	 access_known(uint32_t access);

/* account.c */
int	 account_store_key(struct ipc_chan *, struct ipc_msg *);
int	 account_key_get(struct ipc_chan *, struct ipc_msg *);
int	 account_key_delete(struct ipc_chan *, struct ipc_msg *);
int	 account_get(struct ipc_chan *, struct ipc_msg *);
int	 account_data(struct ipc_chan *, struct ipc_msg *);
int	 account_data_store(struct ipc_chan *, struct ipc_msg *);

/* groups.c */
int	 groups_op(struct ipc_chan *, struct ipc_msg *);
int	 groups_list(struct ipc_chan *, struct ipc_msg *);
/* each of user's groups, an item of account.res */
void	 groups_put_brief(struct ipc_msg *items, uint64_t user);

/* sessionops.c */
int	 sessionops_list(struct ipc_chan *, struct ipc_msg *);
int	 sessionops_end(struct ipc_chan *, struct ipc_msg *);
int	 sessionops_end_operator(struct ipc_chan *, struct ipc_msg *);

/* profile.c */
const char *profile_invalid(struct profile *);
int	 profile_write(uint64_t user, const struct profile *);

/* sshkeys.c */
int	 sshkeys_store_add(struct ipc_chan *, struct ipc_msg *);
int	 sshkeys_list(struct ipc_chan *, struct ipc_msg *);
int	 sshkeys_delete(struct ipc_chan *, struct ipc_msg *);
/* As apikeys_destroy, for user's key: 0, 1 if none, -1. */
int	 sshkeys_destroy(uint64_t user, uint64_t key_oid,
	    const struct principal *);
int	 sshkeys_authorized(struct ipc_chan *, struct ipc_msg *);
/* each of user's keys, an item of account.res */
void	 sshkeys_put_brief(struct ipc_msg *items, uint64_t user);

/* hosts.c (the routes), hostrows.c, reconcile.c, stats.c */
struct host_rec;
int	 hosts_create(struct ipc_chan *, struct ipc_msg *);
int	 hosts_get(struct ipc_chan *, struct ipc_msg *);
int	 hosts_action(struct ipc_chan *, struct ipc_msg *);
int	 hosts_list(struct ipc_chan *, struct ipc_msg *);
int	 hosts_load_ref(const struct principal *, const char *ref,
	    struct host_rec *);
int	 hosts_load_oid(uint64_t oid, struct host_rec *);
int	 hosts_set_status(uint64_t oid, const char *status);
int	 hosts_new_row(struct host_rec *, const char **why);
int	 hosts_new_task(const struct principal *, const struct host_rec *,
	    char task_id[37]);
/* hostrows.c: a host record's columns, as "h" joined with users "u" */
extern const char host_columns[];
void	 row_to_host(sqlite3_stmt *, struct host_rec *);
int	 host_event(const char *type, const struct host_rec *,
	    const char *task_id, const struct principal *, const char *);
int	 hosts_states(struct ipc_chan *, struct ipc_msg *);
int	 hosts_observed(struct ipc_chan *, struct ipc_msg *);
int	 hosts_stats(struct ipc_chan *, struct ipc_msg *);
int	 hosts_store_password(struct ipc_chan *, struct ipc_msg *);

/* egress.c */
struct binding_rec;
struct egress_job;
int	 egress_store(struct ipc_chan *, struct ipc_msg *);
int	 egress_op(struct ipc_chan *, struct ipc_msg *);
int	 egress_list(struct ipc_chan *, struct ipc_msg *);
uint64_t egress_available(void);
/* The egress IP ref (UUID or oid) names, with its config_error; -1 if
 * none. */
int	 egress_load(const char *ref, struct egress_rec *);
/* A host.egress task for the host if it runs: 0 none, 1 queued, -1. */
int	 egress_host_task(uint64_t host_oid, const struct principal *,
	    char task_id[37]);
/*
 * An admin's page of egress IPs or bindings: the request's grant,
 * limit and offset; the rows of sql (?1 limit, ?2 offset), each put by row
 * as an item of the answer of type, and the count of count_sql.
 */
int	 egress_page(struct ipc_chan *, struct ipc_msg *, enum ipc_type type,
	    const char *sql, const char *count_sql,
	    void (*row)(sqlite3_stmt *, struct ipc_msg *items));

/* bindings.c */
int	 bindings_attach(const struct host_rec *, const char *ref,
	    struct binding_rec *, const char **why);
int	 bindings_detach_host(uint64_t host_oid);
int	 bindings_op(struct ipc_chan *, struct ipc_msg *);
int	 bindings_list(struct ipc_chan *, struct ipc_msg *);
int	 egress_job_fill(uint64_t egress_oid, struct egress_job *);
int	 egress_job_load(uint64_t host_oid, struct egress_job *);
int	 egress_host_usable(uint64_t host_oid);

/* egresstest.c */
int	 egress_test(struct ipc_chan *, struct ipc_msg *);

/* queue.c (the rows changes queue), tasks.c (what taskd claims) */
int	 tasks_enqueue(uint32_t action, uint64_t host_oid,
	    const char *requested_by, char task_id[37]);
int	 tasks_enqueue_short(uint32_t action, uint64_t host_oid,
	    const char *short_id, const char *requested_by, char task_id[37]);
int	 hosts_teardown_user(uint64_t user_oid, const char *requested_by);
/* entry.c: entry links and bootstrap sessions (issue 13) */
int	 entry_get(struct ipc_chan *, struct ipc_msg *);
int	 entry_probe(struct ipc_chan *, struct ipc_msg *);
int	 bootstrap_store(struct ipc_chan *, struct ipc_msg *);
int	 bootstrap_get(struct ipc_chan *, struct ipc_msg *);
uint32_t hosts_of_user(uint64_t user_oid, struct host_rec *, uint32_t max);
void	 tasks_wake(void);
int	 tasks_host_busy(uint64_t host_oid);
int	 tasks_detach_user(uint64_t user_oid);
int	 tasks_claim(struct ipc_chan *, struct ipc_msg *);
int	 tasks_progress(struct ipc_chan *, struct ipc_msg *);
int	 tasks_done(struct ipc_chan *, struct ipc_msg *);
int	 tasks_list(struct ipc_chan *, struct ipc_msg *);
void	 tasks_counts(uint64_t[STATS_TASK_STATES]);
int	 tasks_noop(struct ipc_chan *, struct ipc_msg *);

/* clients.c */
int	 clients_store_add(struct ipc_chan *, struct ipc_msg *);
int	 clients_list(struct ipc_chan *, struct ipc_msg *);
int	 clients_del(struct ipc_chan *, struct ipc_msg *);

/* certpage.c: what CAs and certificates share */
struct ca_rec;
void	 certpage_cursor(const char *kind, uint64_t user, uint64_t oid,
	    char *out);
/* The oid a cursor names (0 for ""): 0, or -1 if it is not ours. */
int	 certpage_after(const char *kind, uint64_t user, const char *cursor,
	    uint64_t *oid);
int	 certpage_owner(const uint8_t *grant, size_t len, uint32_t access,
	    const char *ref, uint32_t scope, struct principal *,
	    uint64_t *user);
const char *certpage_message(int status);

/* certs.c: a certificate by ref of anyone, or given to a device */
struct cert_rec;
int	 certs_find(const char *ref, struct cert_rec *);
struct ipc_certkey_res;
int	 cert_secret(uint64_t oid, struct ipc_certkey_res *);
int	 certs_of_device(uint64_t device, const char *ref, struct cert_rec *);

/* devices.c, devself.c: a user's devices, and a device's own reads */
int	 devices_store_create(struct ipc_chan *, struct ipc_msg *);
int	 devices_op(struct ipc_chan *, struct ipc_msg *);
struct device_rec;
void	 devices_reply(const struct ipc_req *, int, const char *,
	    const struct device_rec *);
int	 devices_list(struct ipc_chan *, struct ipc_msg *);
int	 devices_assign(struct ipc_chan *, struct ipc_msg *);
/* keyperms.c: an API key's permissions on single objects */
#define KEYPERMS_MAX	32
struct keyperms {
	uint32_t	 limited;	/* the scopes given by obid alone */
	size_t		 count;
	struct {
		char		 id[37];
		uint32_t	 scopes;
	} objects[KEYPERMS_MAX];
};
int	 keyperms_read(const char *json, uint64_t user, struct keyperms *,
	    const char **why);
int	 keyperms_keep(uint64_t key, const struct keyperms *,
	    uint32_t restricted);
int	 authz_object(const struct principal *, uint32_t scope,
	    const char *id);
int	 keyperms_device(const struct principal *, uint64_t *device);
int	 certpage_owner_obj(const uint8_t *grant, size_t len,
	    uint32_t access, const char *ref, uint32_t scope,
	    struct principal *p, uint64_t *user);
struct device_rec;
/* devrows.c */
extern const char devrow_columns[];
void	 devrow_read(sqlite3_stmt *, struct device_rec *);
int	 device_find(const char *ref, struct device_rec *);
int	 device_by_oid(uint64_t oid, struct device_rec *);
/* devsess.c: an agent's access and refresh tokens */
struct devsess_rec;
int	 devsess_valid(const struct devsess_rec *);
int	 devsess_insert(uint64_t device, const struct devsess_rec *);
int	 devsess_rotate(struct ipc_chan *, struct ipc_msg *);
int	 devself_cert(struct ipc_chan *, struct ipc_msg *);
int	 devself_bundle(struct ipc_chan *, struct ipc_msg *);
int	 devself_key(struct ipc_chan *, struct ipc_msg *);
/*
 * devsignal.c: what a device polls for.  devsignal_add() records a
 * signal (ts_ms unique per type for the device); devsignal_cert_gone()
 * tells each device holding a certificate about to go.  -1 on a
 * database error, inside the caller's transaction.
 */
int	 devsignal_add(uint64_t device, const char *type, uint64_t ref);
int	 devsignal_cert_gone(uint64_t cert);
/* a signal to each device a paging query names (devsignal.c) */
int	 devsignal_each(const char *sql, uint64_t key, const char *type,
	    uint64_t ref);
/* state.resync_required to each device holding a certificate of ca */
int	 devsignal_ca_gone(uint64_t ca);
/* tells frontd, whose polls for the device wait */
void	 devsignal_wake(uint64_t device);
/* the same for every device of a user (deleted, disabled) */
void	 devsignal_wake_user(uint64_t user);
int	 devself_updates(struct ipc_chan *, struct ipc_msg *);
/* a device may poll for updates so often a minute, then 429 */
#define POLLS_PER_MINUTE	60

/* cas.c: a user's private CAs */
int	 cas_load(uint64_t user, const char *ref, struct ca_rec *,
	    char *pem, size_t pemlen);
int	 cas_of_device(uint64_t device, const char *ref, struct ca_rec *,
	    char *pem, size_t pemlen);
int	 cas_sealed(uint64_t oid, uint8_t *sealed, size_t cap, size_t *len);
int	 cas_store_create(struct ipc_chan *, struct ipc_msg *);
int	 cas_op(struct ipc_chan *, struct ipc_msg *);
int	 cas_list(struct ipc_chan *, struct ipc_msg *);

/* certs.c: a user's certificates */
int	 certs_store_create(struct ipc_chan *, struct ipc_msg *);
int	 certs_op(struct ipc_chan *, struct ipc_msg *);
int	 certs_list(struct ipc_chan *, struct ipc_msg *);
int	 certs_key_get(struct ipc_chan *, struct ipc_msg *);
/* certrows.c */
extern const char certrow_columns[];
void	 certrow_read(sqlite3_stmt *, struct cert_rec *);
int	 certs_load(uint64_t user, const char *ref, struct cert_rec *);

/*
 * acmecert.c: ACME certificates queued as tasks (a new one, a renewal
 * with a new key, an issue again), within the issuance limit; and the
 * job's messages with taskd.  acmecert_failed() marks a certificate
 * whose task failed for good, in finish_task's transaction.
 */
#define ISSUES_PER_HOUR		5
struct ipc_store_cert_create;
int	 acmecert_create(const struct ipc_req *,
	    const struct ipc_store_cert_create *, const struct principal *,
	    uint64_t user);
int	 acmecert_issue_again(const struct principal *, uint64_t user,
	    struct cert_rec *, uint32_t *retry);
int	 acmecert_renewable(uint64_t user, const char *ref,
	    struct cert_rec *);
int	 acmecert_failed(uint64_t task_oid, const char *message);
int	 acmecert_queue_due(int64_t now);
int	 acmejob_get(struct ipc_chan *, struct ipc_msg *);
int	 acmejob_note(struct ipc_chan *, struct ipc_msg *);
int	 acmejob_result(struct ipc_chan *, struct ipc_msg *);
int	 acmejob_renewkey(struct ipc_chan *, struct ipc_msg *);

/* events.c */
int	 events_list(struct ipc_chan *, struct ipc_msg *);

/* reply.c */
int	 answer_user(const struct ipc_req *, int status, const char *message,
	    const struct user_rec *);
const char *status_message(int status);
void	 head_set(struct ipc_head *, int status, const char *message);
/* gateway.c: a host as the SSH gateway's logins need it (gw.host.get) */
int	 gateway_host_get(struct ipc_chan *, struct ipc_msg *);
int	 answer_head(const struct ipc_req *, int status, const char *message);
/* the longest page of an admin's list */
#define ADMIN_PAGE	200
void	 list_head(struct ipc_list_res *, int status);
typedef void	(*user_page_fn)(uint64_t user, uint32_t limit, uint32_t offset,
		    struct ipc_msg *items, struct ipc_list_res *);
int	 admin_user_page(struct ipc_chan *, struct ipc_msg *,
	    enum ipc_type type, user_page_fn page, const char *(*refusal)(int));

#endif
