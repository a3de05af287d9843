/*
 * What every dialect's handlers share: the request being served (its
 * route, path parameters, query, JSON body and grant), answers in the
 * dialect's own shape, and the one IPC request a handler may have in
 * flight for its connection.
 */
#ifndef MOAT_API_H
#define MOAT_API_H

#include <jansson.h>

#include "conn.h"
#include "body_core.h"
#include "dialect.h"
#include "fields.h"
#include "grant.h"
#include "keyrec.h"
#include "body_users.h"

#define API_MAX_PARAMS	4
#define API_PARAM_MAX	FIELD_REF_MAX
#define API_QUERY_MAX	16

/*
 * The certificates API's cookies.  __Host-: a browser keeps them only
 * if they are Secure, Path=/ and name no Domain, set over HTTPS, so no
 * other host (a sibling subdomain) can plant or shadow them.
 */
#define COOKIE_SESSION	"__Host-moat_session"
#define COOKIE_CSRF	"__Host-moat_csrf"

enum api_auth {
	AUTH_NONE = 0,		/* anyone (login, health) */
	AUTH_BEARER,		/* a token from a login, or a key */
	AUTH_ANY,		/* also Basic (an ak_ key) and the cookie */
	AUTH_SIGNED,		/* an account v2 signature, or a bearer */
	AUTH_OPTIONAL,		/* anyone, or a bearer if one is sent */
};

struct api_req;
typedef void	(*api_handler)(struct api_req *);

struct route {
	enum dialect		 dialect;
	enum http_method	 method;
	const char		*pattern;	/* "{}" is one path segment */
	enum api_auth		 auth;
	enum ipc_access		 access;	/* whose objects it reaches */
	api_handler		 handler;
	const char *const	*fields;	/* body members it takes */
	const char *const	*query;		/* query names it takes */
};

struct api_query {
	char		 name[32];
	char		 value[256];
};

struct api_req {
	struct conn		*c;
	const struct route	*route;
	enum dialect		 dialect;
	char			 params[API_MAX_PARAMS][API_PARAM_MAX + 1];
	int			 nparams;
	struct api_query	*query;		/* as many as it has, up to
						   API_QUERY_MAX: a held long
						   poll keeps them */
	int			 nquery;
	uint8_t			 grant[GRANT_LEN];
	uint8_t			 grant_key[32];	/* in the grant cache */
	int			 cache_keyed;	/* grant_key is set */
	int			 cache_grant;	/* keep authd's answer */
	void			*state;		/* a handler's, freed with it */
	void			(*cleanup)(struct api_req *);	/* before */
	size_t			 statelen;
	char			 peer[64];	/* the client, see api_peer */
	int			 peer_unnamed;	/* a trusted proxy named none */
};

/* routes.c */
void	 routes_dispatch(struct conn *);
void	 routes_print(FILE *);

/* api.c: the pipeline, and what it read of the request */
void	 api_dispatch(struct conn *, const struct route *, size_t nroutes);
/* The request of a connection goes with its answer. */
void	 api_req_free(struct conn *);
/* The Host the client used, kept in r->state for render_host. */
void	 api_keep_host_header(struct api_req *);
const char *api_query_get(struct api_req *, const char *name);
/* -1, with 400 answered, if the query names what known does not list. */
int	 api_query_known(struct api_req *, const char *const *known);
/* A number from the query, def if absent; -1 if not one in min..max. */
int	 api_query_number(struct api_req *, const char *name, uint32_t def,
	    uint32_t min, uint32_t max, uint32_t *out);
/* limit (def, 1..max) and offset from the query; -1 if malformed. */
int	 api_paging(struct api_req *, uint32_t def, uint32_t max,
	    uint32_t *limit, uint32_t *offset);

/* api_answer.c */
void	 api_error(struct api_req *, int status, const char *message);
void	 api_error_retry(struct api_req *, int status, uint32_t retry,
	    const char *message);
void	 api_json(struct api_req *, int status, json_t *);	/* steals */
void	 api_json_headers(struct api_req *, int status, const char *headers,
	    json_t *);
void	 api_empty(struct api_req *, int status);

/* api_body.c */
/* The JSON object in the body, or NULL with a 400 already answered. */
json_t	*api_body(struct api_req *);
/* Refuses (400) members of body that are not in the NULL-ended list. */
int	 api_only_fields(struct api_req *, json_t *body,
	    const char *const *allowed);
/* A string member of at most max bytes: 0, or -1 with a 400 answered. */
int	 string_field(struct api_req *, json_t *body, const char *name,
	    size_t max, const char **out);
/* The same, or def if it is absent or null. */
int	 optional_string_field(struct api_req *, json_t *body,
	    const char *name, size_t max, const char *def, const char **out);

/* api_peer.c */
/* Once per request: -1 if a trusted proxy named no address. */
int	 api_peer_resolve(struct api_req *);
/*
 * The client's address: the TCP peer's, or behind a trusted proxy the
 * one that proxy appended to X-Forwarded-For.
 */
const char *api_peer(struct api_req *);

/* api_ipc.c */
/* Sends m for this request; cb gets the answer or NULL on timeout. */
int	 api_request(struct api_req *, struct ipc_chan *, struct ipc_msg *,
	    ipc_reply_cb cb);
/*
 * The same for an answer that may take extra_ms longer than the usual
 * timeout: the caller knows what it asks.
 */
int	 api_request_slow(struct api_req *, struct ipc_chan *,
	    struct ipc_msg *, int extra_ms, ipc_reply_cb cb);
/* a password check waits its turn on its account's schedule (authd) */
#define API_WAIT_PASSWORD	(LOGIN_DELAY_MAX * 1000)
/* A reply came (0), or its wait ended: -1 with 503 answered. */
int	 api_arrived(struct api_req *, struct ipc_msg *, const char *unavailable);
/* An answer that could not be read: 500, a fault of ours. */
void	 api_bad_answer(struct api_req *);
/*
 * An answer's typed body (every reply's struct opens with its head): 0
 * when it succeeded, or -1 with the error, a fault of ours or 503 for no
 * answer, already given.
 */
int	 api_res(struct api_req *, struct ipc_msg *, const char *unavailable,
	    void *body);
/*
 * A page of a list: its elements, each rendered by row.  The array, or
 * NULL with the error answered.
 */
typedef json_t	*(*api_item_fn)(struct api_req *, const void *item);
json_t	*api_items(struct api_req *, struct ipc_msg *, api_item_fn,
	    uint64_t *total);
/* The same, answered as {"<name>": [...], "total": N}. */
void	 api_items_answer(struct api_req *, struct ipc_msg *, api_item_fn,
	    const char *name);
/*
 * A certctrl page by offset: api_keep_offset() when asking, then
 * api_offset_page() answers {"data": [...], "pagination": {"has_more",
 * "total"}}, as certctrl-apiv1.txt's clients page on has_more.
 */
void	 api_keep_offset(struct api_req *, uint32_t offset);
void	 api_offset_page(struct api_req *, struct ipc_msg *, api_item_fn);
/* The request's grant, into a body's grant field. */
void	 api_grant(struct api_req *, uint8_t grant[GRANT_LEN],
	    size_t *len);
int	 api_copy(struct api_req *, char *dst, size_t dstlen, const char *src);
int	 api_ask(struct api_req *, struct ipc_chan *, enum ipc_type,
	    const void *body, ipc_reply_cb);
int	 api_ask_slow(struct api_req *, struct ipc_chan *, enum ipc_type,
	    const void *body, int extra_ms, ipc_reply_cb);

/* api_auth.c */
/* Has the credential checked, then calls the route's handler. */
void	 api_authenticate(struct api_req *);
/* A cookie's value, or NULL. */
const char *api_cookie(struct api_req *, const char *name, char *out,
	    size_t outlen);

/*
 * Asks authd to log user in; cb reads the answer with login_res_get.
 * Each caller's reader bounds user and password to what auth.login holds.
 */
int	 api_login(struct api_req *, const char *user, const char *password,
	    ipc_reply_cb cb);
/*
 * Reads a login's answer from authd: NULL m (a timeout) gives status
 * 503, one that cannot be read 500.  Clear it after use.
 */
struct ipc_login_res;
void	 login_res_get(struct api_req *, struct ipc_msg *,
	    struct ipc_login_res *);
/* An auth.verify.res: -1 (status 500) if it cannot be read. */
int	 verify_res_get(struct ipc_msg *, uint32_t *status, uint32_t *retry,
	    uint8_t grant[GRANT_LEN]);

/* profile.c: fills p from body; -1 with a 400 answered */
int	 profile_from_body(struct api_req *, json_t *body,
	    struct profile *p);

/* render.c */
struct host_rec;
json_t	*render_user(const struct user_rec *);
json_t	*render_key(const struct key_rec *);
json_t	*render_time(int64_t t);
/* host: the Host the client used, for the access command, or NULL. */
json_t	*render_host(const struct host_rec *, const char *host);
/*
 * The SSH gateway as a client reaches it: its port (0: no listen ssh),
 * and in out the address it listens on, or, for a wildcard, the name
 * in the client's Host (without its port).
 */
uint32_t render_ssh_endpoint(const char *host, char *out, size_t len);
/* connection_info: ssh_command, ssh_port, curl_command, vnc_url */
json_t	*render_connection(const struct host_rec *, const char *host,
	    int admin);

/* entry.c, bootsess.c, scripts.c: the customer's way in (issue 13) */
extern const char script_entry[];
extern const char script_bootstrap[];
char	*script_render(const char *tmpl, const char *base,
	    const char *short_id, size_t *len);
int	 entry_short_id_ok(const char *);
int	 entry_base_url(struct api_req *, char *out, size_t len);
void	 entry_send_script(struct api_req *, const char *tmpl,
	    const char *short_id);
void	 entry_script(struct api_req *);
void	 entry_auth(struct api_req *);
void	 bootstrap_script(struct api_req *);
void	 bootstrap_session(struct api_req *);
void	 bootstrap_task(struct api_req *);
void	 bootstrap_handoff(struct api_req *);

/* v1.c */
void	 v1_login(struct api_req *);
void	 v1_logout(struct api_req *);
void	 v1_users_list(struct api_req *);
void	 v1_users_create(struct api_req *);
void	 v1_user_get(struct api_req *);
void	 v1_user_patch(struct api_req *);
void	 v1_user_delete(struct api_req *);
void	 v1_user_rotate(struct api_req *);
void	 v1_user_expiry(struct api_req *);
void	 v1_me(struct api_req *);
void	 v1_change_password(struct api_req *);
void	 v1_password_done(struct ipc_chan *, struct ipc_msg *, void *);
void	 v1_events(struct api_req *);

/* account.c */
void	 account_show(struct api_req *);
void	 account_key_create(struct api_req *);
void	 account_key_rotate(struct api_req *);
void	 account_key_delete(struct api_req *);
void	 account_files_key(struct api_req *);
void	 account_data(struct api_req *);

/* sshkeys.c */
void	 v1_sshkeys_list(struct api_req *);
void	 v1_sshkeys_add(struct api_req *);
void	 v1_sshkeys_generate(struct api_req *);
void	 v1_sshkey_delete(struct api_req *);
void	 account_sshkey_add(struct api_req *);
void	 account_sshkey_delete(struct api_req *);

/* sessions.c */
void	 v1_sessions_list(struct api_req *);
void	 v1_session_end(struct api_req *);
void	 v1_sessions_end(struct api_req *);

/* groups.c */
void	 v1_groups_list(struct api_req *);
void	 v1_groups_create(struct api_req *);
void	 v1_group_get(struct api_req *);
void	 v1_group_delete(struct api_req *);
void	 v1_group_join(struct api_req *);
void	 v1_group_leave(struct api_req *);

/* hosts.c */
void	 v1_hosts_create(struct api_req *);
void	 v1_hosts_list(struct api_req *);
void	 v1_host_get(struct api_req *);
void	 v1_host_start(struct api_req *);
void	 v1_host_stop(struct api_req *);
void	 v1_host_rebuild(struct api_req *);
void	 v1_host_delete(struct api_req *);
void	 v1_host_rotate_password(struct api_req *);
void	 v1_tasks_list(struct api_req *);
void	 v1_dashboard_stats(struct api_req *);

/* egress.c */
void	 v1_egress_list(struct api_req *);
void	 v1_egress_create(struct api_req *);
void	 v1_egress_get(struct api_req *);
void	 v1_egress_update(struct api_req *);
/* the members of an egress IP's body, filled once at start */
extern const char *egress_fields[];
void	 egress_fields_init(void);
void	 v1_egress_delete(struct api_req *);
void	 v1_egress_test(struct api_req *);
void	 v1_bindings_list(struct api_req *);
void	 v1_bindings_create(struct api_req *);
void	 v1_binding_delete(struct api_req *);

/* cce.c */
void	 cce_dispatch(struct api_req *);
/* The envelope {"status","message","data"}: data (stolen) may be NULL;
 * cce_fail's data is {"errors":[{code, why}]}. */
void	 cce_answer(struct api_req *, int code, const char *message,
	    json_t *data);
void	 cce_fail(struct api_req *, int code, const char *message,
	    const char *why);
/* cceres.c: the answer of op.cce or auth.cce, rendered */
void	 cce_answered(struct ipc_chan *, struct ipc_msg *, void *);

/* apiv1.c */
void	 apiv1_login(struct api_req *);
void	 apiv1_logout(struct api_req *);
void	 apiv1_keys_list(struct api_req *);
void	 apiv1_keys_create(struct api_req *);
void	 apiv1_key_get(struct api_req *);
void	 apiv1_key_delete(struct api_req *);
/* dnsprov.c: a user's DNS providers (ACME dns-01) */
struct dnsprov_rec;
json_t	*render_dnsprov(const struct dnsprov_rec *);
void	 apiv1_dnsprov_create(struct api_req *);
void	 apiv1_dnsprov_list(struct api_req *);
void	 apiv1_dnsprov_get(struct api_req *);
void	 apiv1_dnsprov_delete(struct api_req *);
void	 apiv1_dnsprov_catalog(struct api_req *);
/* acmeacct.c: a user's ACME accounts */
struct acmeacct_rec;
json_t	*render_acmeacct(const struct acmeacct_rec *);
void	 apiv1_acmeacct_create(struct api_req *);
void	 apiv1_acmeacct_list(struct api_req *);
void	 apiv1_acmeacct_get(struct api_req *);

/* certs.c: private CAs and their certificates */
void	 apiv1_cas_list(struct api_req *);
void	 apiv1_cas_create(struct api_req *);
void	 apiv1_ca_get(struct api_req *);
void	 apiv1_ca_delete(struct api_req *);
void	 apiv1_ca_bundle(struct api_req *);
void	 apiv1_certs_list(struct api_req *);
void	 apiv1_certs_create(struct api_req *);
void	 apiv1_cert_get(struct api_req *);
void	 apiv1_cert_delete(struct api_req *);
void	 apiv1_cert_export(struct api_req *);
void	 apiv1_cert_renew(struct api_req *);
void	 apiv1_cert_issues(struct api_req *);
struct cert_rec;
json_t	*render_cert(const struct cert_rec *);

/* devices.c: devices, their certificates, their own reads */
void	 apiv1_devices_create(struct api_req *);
struct device_rec;
json_t	*apiv1_device_json(const struct device_rec *);
struct ipc_device_create;
int	 apiv1_device_body(struct api_req *, json_t *, int,
	    struct ipc_device_create *);
/* devreg.c: an agent's registration and its session */
void	 apiv1_device_register(struct api_req *);
void	 apiv1_refresh(struct api_req *);
void	 apiv1_permissions_catalog(struct api_req *);
void	 apiv1_devices_list(struct api_req *);
void	 apiv1_device_get(struct api_req *);
void	 apiv1_device_delete(struct api_req *);
void	 apiv1_device_cert_add(struct api_req *);
void	 apiv1_device_cert_remove(struct api_req *);
void	 apiv1_cert_assign(struct api_req *);
void	 apiv1_self_cert(struct api_req *);
void	 apiv1_self_bundle(struct api_req *);
void	 apiv1_self_deploy(struct api_req *);
/* devpoll.c: a device's update poll, held until a signal or its wait */
void	 apiv1_self_updates(struct api_req *);
int	 devpoll_signaled(struct ipc_chan *, struct ipc_msg *);

#endif
