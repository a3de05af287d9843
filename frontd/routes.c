/*
 * The routes: which handler a method and path go to.  Each dialect adds
 * its table here; unknown paths are 404 and known paths with another
 * method 405, both in JSON.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api.h"
#include "conn.h"
#include "frontd.h"
#include "log.h"

static void	 healthz(struct api_req *);

#define GET	HTTP_METHOD_GET
#define HEAD	HTTP_METHOD_HEAD
#define POST	HTTP_METHOD_POST
#define PUT	HTTP_METHOD_PUT
#define PATCH	HTTP_METHOD_PATCH
#define DELETE	HTTP_METHOD_DELETE
#define V1	DIALECT_V1
#define APIV1	DIALECT_APIV1
#define CCE	DIALECT_CCE
#define ACCOUNT	DIALECT_ACCOUNT
/* whose objects a route reaches (stored enforces it) */
#define ANY	IPC_ACCESS_ANY
#define ADMIN	IPC_ACCESS_ADMIN
#define OWN	IPC_ACCESS_OWN

/*
 * What each route takes: the members of its JSON body and the names of
 * its query.  Handlers refuse anything else (no mass assignment), and
 * the hostile-input campaign sends hostile values in each (frontd -R).
 * A login reads its fields and ignores others, as the references' own
 * clients send more.
 */
static const char *const f_login[] = { "username", "password", NULL };
static const char *const f_password[] = { "password", NULL };
static const char *const f_user_create[] = { "username", "password", "role",
    "expires_at", "first_name", "last_name", "phone", "email",
    "notification", NULL };
static const char *const f_user_patch[] = { "status", "first_name",
    "last_name", "phone", "email", "notification", NULL };
static const char *const f_expiry[] = { "expires_at", NULL };
static const char *const f_sshkey_add[] = { "public_key", "name", NULL };
static const char *const f_name[] = { "name", NULL };
static const char *const f_host_create[] = { "user_id", "egress_ip_id",
    "memory_limit_mb", "cpu_limit", "pids_limit", "hostname", "timezone",
    NULL };
static const char *const f_binding[] = { "host_id", "egress_ip_id", NULL };
static const char *const f_change_password[] = { "old_password",
    "new_password", NULL };
static const char *const f_cce[] = { "cmd", "sessionid", "token", "secret",
    "user", "username", "password", NULL };
static const char *const f_api_key[] = { "api_key", NULL };
static const char *const f_account_data[] = { "first_name", "last_name",
    "phone", "password", "old_password", "email", "notification", NULL };
static const char *const f_account_sshkey[] = { "name", "method", "content",
    NULL };
static const char *const f_apiv1_login[] = { "email", "username",
    "password", NULL };
static const char *const f_apikey_create[] = { "name", "scopes",
    "permissions", "expires_in_seconds", NULL };

static const char *const f_ca_create[] = { "name", "key_type", "key_bits",
    "validity_days", NULL };
/* the document's body and the original server's (domain_name, acct_id,
 * action); auto_renew and dns_provider_id belong to ACME issuance */
static const char *const f_cert_create[] = { "domain", "domain_name", "sans",
    "ca_id", "acme_account_id", "acct_id", "dns_provider_id", "key_type",
    "key_bits", "validity_days", "auto_renew", "action", NULL };

/* with what the original agent also sends (apiv1_device_body()) */
static const char *const f_device_create[] = { "name", "description",
    "device_type", "dev_pk", "device_public_id", "platform", "model",
    "app_version", "ip", "user_agent", NULL };
static const char *const f_cert_id[] = { "cert_id", NULL };
static const char *const f_device_id[] = { "device_id", NULL };
static const char *const f_refresh[] = { "refresh_token", NULL };
static const char *const q_page[] = { "limit", "offset", NULL };
static const char *const q_cursor[] = { "limit", "offset", "cursor", NULL };
static const char *const f_dnsprov[] = { "type", "provider", "name",
    "server", "port", "zone", "key_name", "algorithm", "secret",
    "api_token", "zone_id", NULL };
static const char *const f_acmeacct[] = { "email", "directory",
    "directory_url", "key_type", "key_bits", NULL };
static const char *const q_events[] = { "limit", "offset", "type",
    "user_id", "host_id", "since", "until", NULL };
static const char *const q_tasks[] = { "state", "status", "host_id", "kind",
    "limit", "offset", NULL };
static const char *const q_sessions[] = { "limit", "offset", "user_id",
    NULL };

/* Every route of every dialect; admin routes deny by default in stored. */
static const struct route routes[] = {
	{ V1, GET, "/healthz", AUTH_NONE, ANY, healthz, NULL, NULL },
	{ V1, HEAD, "/healthz", AUTH_NONE, ANY, healthz, NULL, NULL },
	{ V1, POST, "/v1/auth/login", AUTH_NONE, ANY, v1_login, f_login, NULL },
	{ V1, POST, "/v1/admin/login", AUTH_NONE, ADMIN, v1_login, f_login,
	    NULL },
	{ V1, POST, "/v1/auth/logout", AUTH_BEARER, ANY, v1_logout, NULL,
	    NULL },
	{ V1, GET, "/v1/admin/users", AUTH_BEARER, ADMIN, v1_users_list, NULL,
	    q_page },
	{ V1, POST, "/v1/admin/users", AUTH_BEARER, ADMIN, v1_users_create,
	    f_user_create, NULL },
	{ V1, GET, "/v1/admin/users/{}", AUTH_BEARER, ADMIN, v1_user_get, NULL,
	    NULL },
	{ V1, PATCH, "/v1/admin/users/{}", AUTH_BEARER, ADMIN, v1_user_patch,
	    f_user_patch, NULL },
	{ V1, DELETE, "/v1/admin/users/{}", AUTH_BEARER, ADMIN, v1_user_delete,
	    NULL, NULL },
	{ V1, POST, "/v1/admin/users/{}/rotate-password", AUTH_BEARER, ADMIN,
	    v1_user_rotate, NULL, NULL },
	{ V1, PUT, "/v1/admin/users/{}/expiry", AUTH_BEARER, ADMIN,
	    v1_user_expiry, f_expiry, NULL },
	{ V1, GET, "/v1/admin/events", AUTH_BEARER, ADMIN, v1_events, NULL,
	    q_events },
	{ V1, GET, "/v1/admin/users/{}/ssh-keys", AUTH_BEARER, ADMIN,
	    v1_sshkeys_list, NULL, q_page },
	{ V1, POST, "/v1/admin/users/{}/ssh-keys", AUTH_BEARER, ADMIN,
	    v1_sshkeys_add, f_sshkey_add, NULL },
	{ V1, POST, "/v1/admin/users/{}/ssh-keys/generate", AUTH_BEARER, ADMIN,
	    v1_sshkeys_generate, f_name, NULL },
	{ V1, DELETE, "/v1/admin/users/{}/ssh-keys/{}", AUTH_BEARER, ADMIN,
	    v1_sshkey_delete, NULL, NULL },
	{ V1, POST, "/v1/admin/hosts", AUTH_BEARER, ADMIN, v1_hosts_create,
	    f_host_create, NULL },
	{ V1, GET, "/v1/admin/hosts", AUTH_BEARER, ADMIN, v1_hosts_list, NULL,
	    q_page },
	{ V1, GET, "/v1/admin/sessions", AUTH_BEARER, ADMIN, v1_sessions_list,
	    NULL, q_sessions },
	{ V1, DELETE, "/v1/admin/sessions/{}", AUTH_BEARER, ADMIN,
	    v1_session_end, NULL, NULL },
	{ V1, GET, "/v1/admin/users/{}/sessions", AUTH_BEARER, ADMIN,
	    v1_sessions_list, NULL, q_page },
	{ V1, DELETE, "/v1/admin/users/{}/sessions", AUTH_BEARER, ADMIN,
	    v1_sessions_end, NULL, NULL },
	{ V1, GET, "/v1/admin/groups", AUTH_BEARER, ADMIN, v1_groups_list, NULL,
	    q_page },
	{ V1, POST, "/v1/admin/groups", AUTH_BEARER, ADMIN, v1_groups_create,
	    f_name, NULL },
	{ V1, GET, "/v1/admin/groups/{}", AUTH_BEARER, ADMIN, v1_group_get,
	    NULL, NULL },
	{ V1, DELETE, "/v1/admin/groups/{}", AUTH_BEARER, ADMIN,
	    v1_group_delete, NULL, NULL },
	{ V1, GET, "/v1/admin/users/{}/groups", AUTH_BEARER, ADMIN,
	    v1_groups_list, NULL, q_page },
	{ V1, PUT, "/v1/admin/users/{}/groups/{}", AUTH_BEARER, ADMIN,
	    v1_group_join, NULL, NULL },
	{ V1, DELETE, "/v1/admin/users/{}/groups/{}", AUTH_BEARER, ADMIN,
	    v1_group_leave, NULL, NULL },
	{ V1, GET, "/v1/admin/hosts/{}", AUTH_BEARER, ADMIN, v1_host_get, NULL,
	    NULL },
	{ V1, DELETE, "/v1/admin/hosts/{}", AUTH_BEARER, ADMIN, v1_host_delete,
	    NULL, NULL },
	{ V1, POST, "/v1/admin/hosts/{}/start", AUTH_BEARER, ADMIN,
	    v1_host_start, NULL, NULL },
	{ V1, POST, "/v1/admin/hosts/{}/stop", AUTH_BEARER, ADMIN, v1_host_stop,
	    NULL, NULL },
	{ V1, POST, "/v1/admin/hosts/{}/rebuild", AUTH_BEARER, ADMIN,
	    v1_host_rebuild, NULL, NULL },
	{ V1, POST, "/v1/admin/hosts/{}/rotate-ssh-password", AUTH_BEARER,
	    ADMIN, v1_host_rotate_password, NULL, NULL },
	{ V1, GET, "/v1/admin/egress-ips", AUTH_BEARER, ADMIN, v1_egress_list,
	    NULL, q_page },
	{ V1, POST, "/v1/admin/egress-ips", AUTH_BEARER, ADMIN,
	    v1_egress_create, egress_fields, NULL },
	{ V1, GET, "/v1/admin/egress-ips/{}", AUTH_BEARER, ADMIN, v1_egress_get,
	    NULL, NULL },
	{ V1, PUT, "/v1/admin/egress-ips/{}", AUTH_BEARER, ADMIN,
	    v1_egress_update, egress_fields, NULL },
	{ V1, PATCH, "/v1/admin/egress-ips/{}", AUTH_BEARER, ADMIN,
	    v1_egress_update, egress_fields, NULL },
	{ V1, DELETE, "/v1/admin/egress-ips/{}", AUTH_BEARER, ADMIN,
	    v1_egress_delete, NULL, NULL },
	{ V1, POST, "/v1/admin/egress-ips/{}/test", AUTH_BEARER, ADMIN,
	    v1_egress_test, NULL, NULL },
	{ V1, GET, "/v1/admin/bindings", AUTH_BEARER, ADMIN, v1_bindings_list,
	    NULL, q_page },
	{ V1, POST, "/v1/admin/bindings", AUTH_BEARER, ADMIN,
	    v1_bindings_create, f_binding, NULL },
	{ V1, DELETE, "/v1/admin/bindings/{}", AUTH_BEARER, ADMIN,
	    v1_binding_delete, NULL, NULL },
	{ V1, GET, "/v1/admin/tasks", AUTH_BEARER, ADMIN, v1_tasks_list, NULL,
	    q_tasks },
	{ V1, GET, "/v1/admin/dashboard/stats", AUTH_BEARER, ADMIN,
	    v1_dashboard_stats, NULL, NULL },
	{ V1, GET, "/v1/user/hosts", AUTH_BEARER, OWN, v1_hosts_list, NULL,
	    q_page },
	{ V1, GET, "/v1/user/hosts/{}", AUTH_BEARER, OWN, v1_host_get, NULL,
	    NULL },
	{ V1, POST, "/v1/user/hosts/{}/rebuild", AUTH_BEARER, OWN,
	    v1_host_rebuild, NULL, NULL },
	{ V1, GET, "/v1/user/ssh-keys", AUTH_BEARER, OWN, v1_sshkeys_list, NULL,
	    q_page },
	{ V1, POST, "/v1/user/ssh-keys", AUTH_BEARER, OWN, v1_sshkeys_add,
	    f_sshkey_add, NULL },
	{ V1, POST, "/v1/user/ssh-keys/generate", AUTH_BEARER, OWN,
	    v1_sshkeys_generate, f_name, NULL },
	{ V1, DELETE, "/v1/user/ssh-keys/{}", AUTH_BEARER, OWN,
	    v1_sshkey_delete, NULL, NULL },
	{ V1, GET, "/v1/user/me", AUTH_BEARER, OWN, v1_me, NULL, NULL },
	{ V1, POST, "/v1/user/change-password", AUTH_BEARER, OWN,
	    v1_change_password, f_change_password, NULL },
	/* the customer's way in (issue 13): the password is the proof */
	{ V1, GET, "/entry/{}", AUTH_NONE, ANY, entry_script, NULL, NULL },
	{ V1, POST, "/v1/entry/{}/auth", AUTH_NONE, ANY, entry_auth,
	    f_password, NULL },
	{ V1, GET, "/v1/bootstrap/script", AUTH_NONE, ANY, bootstrap_script,
	    NULL, NULL },
	{ V1, POST, "/v1/bootstrap/sessions", AUTH_NONE, ANY,
	    bootstrap_session, f_login, NULL },
	/* the task id is the key; a signed-in reader must be its user */
	{ V1, GET, "/v1/bootstrap/tasks/{}", AUTH_OPTIONAL, ANY,
	    bootstrap_task, NULL, NULL },
	{ V1, GET, "/v1/bootstrap/tasks/{}/handoff", AUTH_OPTIONAL, ANY,
	    bootstrap_handoff, NULL, NULL },

	{ CCE, POST, "/v2/cce", AUTH_NONE, ANY, cce_dispatch, f_cce, NULL },

	{ ACCOUNT, GET, "/v2/account", AUTH_SIGNED, ANY, account_show, NULL,
	    NULL },
	{ ACCOUNT, PUT, "/v2/account/api", AUTH_SIGNED, ANY, account_key_create,
	    NULL, NULL },
	{ ACCOUNT, POST, "/v2/account/api-new-secret-key", AUTH_SIGNED, ANY,
	    account_key_rotate, f_api_key, NULL },
	{ ACCOUNT, DELETE, "/v2/account/api", AUTH_SIGNED, ANY,
	    account_key_delete, f_api_key, NULL },
	{ ACCOUNT, POST, "/v2/account/data", AUTH_SIGNED, ANY, account_data,
	    f_account_data, NULL },
	{ ACCOUNT, POST, "/v2/account/files-new-secret-key", AUTH_SIGNED, ANY,
	    account_files_key, f_api_key, NULL },
	{ ACCOUNT, PUT, "/v2/account/sshkey", AUTH_SIGNED, ANY,
	    account_sshkey_add, f_account_sshkey, NULL },
	{ ACCOUNT, DELETE, "/v2/account/{}/sshkey", AUTH_SIGNED, ANY,
	    account_sshkey_delete, NULL, NULL },

	{ APIV1, POST, "/auth/general", AUTH_NONE, ANY, apiv1_login,
	    f_apiv1_login, NULL },
	{ APIV1, POST, "/auth/logout", AUTH_ANY, ANY, apiv1_logout, NULL,
	    NULL },
	/* an agent's session: its refresh token is its credential */
	{ APIV1, POST, "/auth/refresh", AUTH_NONE, ANY, apiv1_refresh,
	    f_refresh, NULL },
	/* an agent registers with its X25519 key, for itself (user "") */
	{ APIV1, POST, "/apiv1/me/devices", AUTH_ANY, ANY,
	    apiv1_device_register, f_device_create, NULL },
	{ APIV1, POST, "/apiv1/device/registration", AUTH_ANY, ANY,
	    apiv1_device_register, f_device_create, NULL },
	{ APIV1, GET, "/apiv1/users/{}/apikeys", AUTH_ANY, ANY, apiv1_keys_list,
	    NULL, q_page },
	{ APIV1, POST, "/apiv1/users/{}/apikeys", AUTH_ANY, ANY,
	    apiv1_keys_create, f_apikey_create, NULL },
	{ APIV1, GET, "/apiv1/users/{}/apikeys/{}", AUTH_ANY, ANY,
	    apiv1_key_get, NULL, NULL },
	{ APIV1, DELETE, "/apiv1/users/{}/apikeys/{}", AUTH_ANY, ANY,
	    apiv1_key_delete, NULL, NULL },
	{ APIV1, GET, "/apiv1/users/{}/cas", AUTH_ANY, ANY, apiv1_cas_list,
	    NULL, q_cursor },
	{ APIV1, POST, "/apiv1/users/{}/cas", AUTH_ANY, ANY, apiv1_cas_create,
	    f_ca_create, NULL },
	{ APIV1, GET, "/apiv1/users/{}/cas/{}", AUTH_ANY, ANY, apiv1_ca_get,
	    NULL, NULL },
	{ APIV1, DELETE, "/apiv1/users/{}/cas/{}", AUTH_ANY, ANY,
	    apiv1_ca_delete, NULL, NULL },
	{ APIV1, GET, "/apiv1/users/{}/cas/{}/bundle", AUTH_ANY, ANY,
	    apiv1_ca_bundle, NULL, NULL },
	{ APIV1, GET, "/apiv1/users/{}/certificates", AUTH_ANY, ANY,
	    apiv1_certs_list, NULL, q_cursor },
	{ APIV1, POST, "/apiv1/users/{}/certificates", AUTH_ANY, ANY,
	    apiv1_certs_create, f_cert_create, NULL },
	{ APIV1, GET, "/apiv1/users/{}/certificates/{}", AUTH_ANY, ANY,
	    apiv1_cert_get, NULL, NULL },
	{ APIV1, DELETE, "/apiv1/users/{}/certificates/{}", AUTH_ANY, ANY,
	    apiv1_cert_delete, NULL, NULL },
	{ APIV1, GET, "/apiv1/users/{}/certificates/{}/export", AUTH_ANY, ANY,
	    apiv1_cert_export, NULL, NULL },
	{ APIV1, POST, "/apiv1/users/{}/certificates/{}/renew", AUTH_ANY, ANY,
	    apiv1_cert_renew, NULL, NULL },
	{ APIV1, POST, "/apiv1/users/{}/certificates/{}/issues", AUTH_ANY,
	    ANY, apiv1_cert_issues, NULL, NULL },
	{ APIV1, GET, "/apiv1/users/{}/dns-providers", AUTH_ANY, ANY,
	    apiv1_dnsprov_list, NULL, q_page },
	{ APIV1, POST, "/apiv1/users/{}/dns-providers", AUTH_ANY, ANY,
	    apiv1_dnsprov_create, f_dnsprov, NULL },
	{ APIV1, GET, "/apiv1/users/{}/dns-providers/{}", AUTH_ANY, ANY,
	    apiv1_dnsprov_get, NULL, NULL },
	{ APIV1, DELETE, "/apiv1/users/{}/dns-providers/{}", AUTH_ANY, ANY,
	    apiv1_dnsprov_delete, NULL, NULL },
	{ APIV1, GET, "/apiv1/dns/providers/catalog", AUTH_ANY, ANY,
	    apiv1_dnsprov_catalog, NULL, NULL },
	{ APIV1, GET, "/apiv1/permissions/catalog", AUTH_ANY, ANY,
	    apiv1_permissions_catalog, NULL, NULL },
	{ APIV1, GET, "/apiv1/users/{}/acme-accounts", AUTH_ANY, ANY,
	    apiv1_acmeacct_list, NULL, q_page },
	{ APIV1, POST, "/apiv1/users/{}/acme-accounts", AUTH_ANY, ANY,
	    apiv1_acmeacct_create, f_acmeacct, NULL },
	{ APIV1, GET, "/apiv1/users/{}/acme-accounts/{}", AUTH_ANY, ANY,
	    apiv1_acmeacct_get, NULL, NULL },
	{ APIV1, GET, "/apiv1/users/{}/devices", AUTH_ANY, ANY,
	    apiv1_devices_list, NULL, q_cursor },
	{ APIV1, POST, "/apiv1/users/{}/devices", AUTH_ANY, ANY,
	    apiv1_devices_create, f_device_create, NULL },
	{ APIV1, GET, "/apiv1/users/{}/devices/{}", AUTH_ANY, ANY,
	    apiv1_device_get, NULL, NULL },
	{ APIV1, DELETE, "/apiv1/users/{}/devices/{}", AUTH_ANY, ANY,
	    apiv1_device_delete, NULL, NULL },
	{ APIV1, POST, "/apiv1/users/{}/devices/{}/certificates", AUTH_ANY,
	    ANY, apiv1_device_cert_add, f_cert_id, NULL },
	{ APIV1, DELETE, "/apiv1/users/{}/devices/{}/certificates/{}",
	    AUTH_ANY, ANY, apiv1_device_cert_remove, NULL, NULL },
	{ APIV1, POST, "/apiv1/users/{}/certificates/{}/assign", AUTH_ANY, ANY,
	    apiv1_cert_assign, f_device_id, NULL },
	/* a device's own reads, with its token alone */
	{ APIV1, GET, "/apiv1/devices/self/certificates/{}", AUTH_BEARER, ANY,
	    apiv1_self_cert, NULL, NULL },
	{ APIV1, GET, "/apiv1/devices/self/certificates/{}/deploy-materials",
	    AUTH_BEARER, ANY, apiv1_self_deploy, NULL, NULL },
	{ APIV1, GET, "/apiv1/devices/self/updates", AUTH_BEARER, ANY,
	    apiv1_self_updates, NULL, NULL },
	{ APIV1, GET, "/apiv1/devices/self/cas/{}/bundle", AUTH_BEARER, ANY,
	    apiv1_self_bundle, NULL, NULL },
};

static const char *
auth_name(enum api_auth a)
{
	switch (a) {
	case AUTH_NONE: return "none";
	case AUTH_BEARER: return "bearer";
	case AUTH_ANY: return "any";
	case AUTH_SIGNED: return "signed";
	case AUTH_OPTIONAL: return "optional";
	}
	return "?";
}

static json_t *
names(const char *const *list)
{
	json_t	*a = json_array();

	for (; list != NULL && *list != NULL; list++)
		json_array_append_new(a, json_string(*list));
	return a;
}

/*
 * frontd -R: the route table, one JSON object a line, for the tests that
 * walk every route (regress/e2e/test_hostile.py) and for documentation.
 */
static const char *
access_name(enum ipc_access a)
{
	switch (a) {
	case IPC_ACCESS_ADMIN: return "admin";
	case IPC_ACCESS_OWN: return "own";
	default: return "any";
	}
}

void
routes_print(FILE *out)
{
	size_t	 i;
	json_t	*j;
	char	*s;

	for (i = 0; i < sizeof(routes) / sizeof(routes[0]); i++) {
		j = json_pack("{s:s,s:s,s:s,s:s,s:s,s:o,s:o}", "dialect",
		    dialect_name(routes[i].dialect), "method",
		    http_method_name(routes[i].method), "path",
		    routes[i].pattern, "auth", auth_name(routes[i].auth),
		    "access", access_name(routes[i].access),
		    "fields", names(routes[i].fields), "query",
		    names(routes[i].query));
		if (j == NULL || (s = json_dumps(j, JSON_COMPACT)) == NULL)
			fatalx("%s: out of memory", __func__);
		fprintf(out, "%s\n", s);
		free(s);
		json_decref(j);
	}
}

void
routes_dispatch(struct conn *c)
{
	api_dispatch(c, routes, sizeof(routes) / sizeof(routes[0]));
}

static void
healthz_answer(struct conn *c, int db_ok, int agent_ok)
{
	char	 body[128];
	int	 n, ok = db_ok && agent_ok;

	n = snprintf(body, sizeof(body), "{\"status\":\"%s\",\"checks\":"
	    "{\"database\":\"%s\",\"agent\":\"%s\"}}", ok ? "ok" : "degraded",
	    db_ok ? "ok" : "fail", agent_ok ? "ok" : "fail");
	response_json(c, ok ? 200 : 503, body, n);
}

static void
healthz_result(struct ipc_chan *chan, struct ipc_msg *m, void *arg)
{
	struct api_req		*r = arg;
	struct conn		*c = r->c;
	struct ipc_health_res	 res;

	(void)chan;
	conn_ipc_done(c);
	if (m == NULL || ipc_msg_get(m, &res) == -1 ||
	    !ipc_status_ok(res.head.status))
		res.db_ok = res.agent_ok = 0;
	healthz_answer(c, res.db_ok, res.agent_ok);
}

/* frontd has no link to taskd: stored checks the database and taskd. */
static void
healthz(struct api_req *r)
{
	struct ipc_msg	 m;

	ipc_msg_init(&m, IPC_HEALTH_CHECK, 0);
	ipc_msg_put(&m, NULL);
	if (api_request(r, frontd_env->chans[PROC_STORED], &m,
	    healthz_result) == -1)
		healthz_answer(r->c, 0, 0);
}
