#ifndef MOAT_STORED_H
#define MOAT_STORED_H

#include <stdint.h>

#include <sqlite3.h>

#include "daemon.h"
#include "dialect.h"
#include "dispatch.h"
#include "egressrec.h"
#include "fields.h"
#include "grant.h"
#include "hostlife.h"
#include "hostrec.h"
#include "ipc.h"
#include "proc.h"
#include "ratelimit.h"
#include "userrec.h"

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
	uint8_t			 grant_key[GRANT_KEY_LEN];
	int			 have_grant_key;
	struct ratelimit	*api;
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
};

extern struct stored *stored_env;

/* digest.c: test builds log a digest of the database on SIGUSR1 */
void	 digest_init(void);

/* config.c */
int	 config_common(struct ipc_chan *, struct ipc_msg *);
int	 config_identity(struct ipc_chan *, struct ipc_msg *);
int	 config_egress(struct ipc_chan *, struct ipc_msg *);
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

/* authz.c: every operation starts here */
int	 authz_grant(struct ipc_msg *, struct principal *, uint32_t *retry);
int	 authz_check(const uint8_t *grant, size_t len, struct principal *,
	    uint32_t *retry);
int	 authz_admin_on(const struct principal *, int status, const char *ref,
	    uint64_t *user);
int	 authz_user(const struct principal *, const char *ref, int admin_only,
	    uint64_t *oid);
int	 user_ref(const char *ref, uint64_t *oid);

/* users.c */
int	 users_bootstrap(struct ipc_chan *, struct ipc_msg *);
int	 user_load(uint64_t oid, struct user_rec *);
void	 row_to_user(sqlite3_stmt *, struct user_rec *);
extern const char user_columns[];
int	 users_op(struct ipc_chan *, struct ipc_msg *);
int	 users_store_create(struct ipc_chan *, struct ipc_msg *);
int	 users_store_password(struct ipc_chan *, struct ipc_msg *);
int	 user_set_hash(uint64_t oid, const char *hash);

/* sessions.c */
int	 sessions_cred_get(struct ipc_chan *, struct ipc_msg *);
int	 sessions_create(struct ipc_chan *, struct ipc_msg *);
int	 sessions_auth_event(struct ipc_chan *, struct ipc_msg *);
int	 sessions_logout(struct ipc_chan *, struct ipc_msg *);
int	 sessions_alive(const struct grant *, struct principal *);
int	 sessions_end_user(uint64_t user_oid, uint64_t keep);
void	 sessions_sweep_init(void);

/* tokens.c */
int	 tokens_get(struct ipc_chan *, struct ipc_msg *);

/* apikeys.c */
int	 apikeys_store_create(struct ipc_chan *, struct ipc_msg *);
int	 apikeys_op(struct ipc_chan *, struct ipc_msg *);
/* 0 if p may act with scope (sessions have every scope), else 403 */
int	 authz_scope(const struct principal *, uint32_t scope);

/* account.c */
int	 account_store_key(struct ipc_chan *, struct ipc_msg *);
int	 account_key_get(struct ipc_chan *, struct ipc_msg *);
int	 account_key_delete(struct ipc_chan *, struct ipc_msg *);
int	 account_get(struct ipc_chan *, struct ipc_msg *);
int	 account_data(struct ipc_chan *, struct ipc_msg *);

/* groups.c */
int	 groups_op(struct ipc_chan *, struct ipc_msg *);
int	 groups_list(struct ipc_chan *, struct ipc_msg *);
void	 groups_put_brief(struct ipc_msg *, uint64_t user);

/* sessionops.c */
int	 sessionops_list(struct ipc_chan *, struct ipc_msg *);
int	 sessionops_end(struct ipc_chan *, struct ipc_msg *);
int	 sessionops_end_operator(struct ipc_chan *, struct ipc_msg *);

/* profile.c */
const char *profile_invalid(struct profile *);
int	 profile_write(uint64_t user, const struct profile *);

/* sshkeys.c */
int	 sshkeys_store_add(struct ipc_chan *, struct ipc_msg *);
int	 sshkeys_op(struct ipc_chan *, struct ipc_msg *);
int	 sshkeys_authorized(struct ipc_chan *, struct ipc_msg *);
/* count, then oid, name and fingerprint of each of user's keys */
void	 sshkeys_put_brief(struct ipc_msg *, uint64_t user);

/* hosts.c */
struct host_rec;
int	 hosts_create(struct ipc_chan *, struct ipc_msg *);
int	 hosts_get(struct ipc_chan *, struct ipc_msg *);
int	 hosts_action(struct ipc_chan *, struct ipc_msg *);
int	 hosts_list(struct ipc_chan *, struct ipc_msg *);
int	 hosts_load_ref(const struct principal *, const char *ref,
	    struct host_rec *);
int	 hosts_load_oid(uint64_t oid, struct host_rec *);
int	 hosts_set_status(uint64_t oid, const char *status);
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
int	 bindings_attach(const struct host_rec *, const char *ref,
	    struct binding_rec *, const char **why);
int	 bindings_detach_host(uint64_t host_oid);
int	 bindings_op(struct ipc_chan *, struct ipc_msg *);
int	 bindings_list(struct ipc_chan *, struct ipc_msg *);
int	 egress_job_load(uint64_t host_oid, struct egress_job *);
int	 egress_test(struct ipc_chan *, struct ipc_msg *);
int	 egress_host_usable(uint64_t host_oid);

/* tasks.c */
int	 tasks_enqueue(uint32_t action, uint64_t host_oid,
	    const char *requested_by, char task_id[37]);
int	 tasks_enqueue_short(uint32_t action, uint64_t host_oid,
	    const char *short_id, const char *requested_by, char task_id[37]);
int	 hosts_teardown_user(uint64_t user_oid, const char *requested_by);
void	 hosts_put_of_user(struct ipc_msg *, uint64_t user_oid);
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

/* events.c */
int	 events_list(struct ipc_chan *, struct ipc_msg *);

/* reply.c */
void	 reply_op(struct ipc_chan *, const struct ipc_msg *req, int status,
	    const char *message);
void	 reply_user(struct ipc_chan *, const struct ipc_msg *req,
	    int status, const char *message, const struct user_rec *);
const char *status_message(int status);
/*
 * An admin's page of a list: grant, limit, offset in the request; the
 * rows of sql (?1 limit, at most ADMIN_PAGE; ?2 offset), each put by
 * row, and the count of count_sql in the answer of type.
 */
#define ADMIN_PAGE	200
typedef void	(*list_row_fn)(sqlite3_stmt *, struct ipc_msg *);
int	 admin_page(struct ipc_chan *, struct ipc_msg *, enum ipc_type type,
	    const char *sql, const char *count_sql, list_row_fn row);
void	 list_head(struct ipc_list_res *, int status);
void	 reply_list(struct ipc_chan *, const struct ipc_msg *req,
	    enum ipc_type, int status, const char *message, uint64_t total,
	    uint64_t n, struct ipc_msg *body);

#endif
