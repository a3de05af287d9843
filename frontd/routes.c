/*
 * The routes: which handler a method and path go to.  Each dialect adds
 * its table here; unknown paths are 404 and known paths with another
 * method 405, both in JSON.
 */
#include <stdio.h>
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

/* Every route of every dialect; admin routes deny by default in stored. */
static const struct route routes[] = {
	{ V1, GET, "/healthz", AUTH_NONE, healthz },
	{ V1, HEAD, "/healthz", AUTH_NONE, healthz },
	{ V1, POST, "/v1/auth/login", AUTH_NONE, v1_login },
	{ V1, POST, "/v1/admin/login", AUTH_NONE, v1_login },
	{ V1, POST, "/v1/auth/logout", AUTH_BEARER, v1_logout },
	{ V1, GET, "/v1/admin/users", AUTH_BEARER, v1_users_list },
	{ V1, POST, "/v1/admin/users", AUTH_BEARER, v1_users_create },
	{ V1, GET, "/v1/admin/users/{}", AUTH_BEARER, v1_user_get },
	{ V1, PATCH, "/v1/admin/users/{}", AUTH_BEARER, v1_user_patch },
	{ V1, DELETE, "/v1/admin/users/{}", AUTH_BEARER, v1_user_delete },
	{ V1, POST, "/v1/admin/users/{}/rotate-password", AUTH_BEARER,
	    v1_user_rotate },
	{ V1, PUT, "/v1/admin/users/{}/expiry", AUTH_BEARER, v1_user_expiry },
	{ V1, GET, "/v1/admin/events", AUTH_BEARER, v1_events },
	{ V1, GET, "/v1/admin/users/{}/ssh-keys", AUTH_BEARER,
	    v1_sshkeys_list },
	{ V1, POST, "/v1/admin/users/{}/ssh-keys", AUTH_BEARER,
	    v1_sshkeys_add },
	{ V1, POST, "/v1/admin/users/{}/ssh-keys/generate", AUTH_BEARER,
	    v1_sshkeys_generate },
	{ V1, DELETE, "/v1/admin/users/{}/ssh-keys/{}", AUTH_BEARER,
	    v1_sshkey_delete },
	{ V1, POST, "/v1/admin/hosts", AUTH_BEARER, v1_hosts_create },
	{ V1, GET, "/v1/admin/hosts", AUTH_BEARER, v1_hosts_list },
	{ V1, GET, "/v1/admin/sessions", AUTH_BEARER, v1_sessions_list },
	{ V1, DELETE, "/v1/admin/sessions/{}", AUTH_BEARER, v1_session_end },
	{ V1, GET, "/v1/admin/users/{}/sessions", AUTH_BEARER,
	    v1_sessions_list },
	{ V1, DELETE, "/v1/admin/users/{}/sessions", AUTH_BEARER,
	    v1_sessions_end },
	{ V1, GET, "/v1/admin/groups", AUTH_BEARER, v1_groups_list },
	{ V1, POST, "/v1/admin/groups", AUTH_BEARER, v1_groups_create },
	{ V1, GET, "/v1/admin/groups/{}", AUTH_BEARER, v1_group_get },
	{ V1, DELETE, "/v1/admin/groups/{}", AUTH_BEARER, v1_group_delete },
	{ V1, GET, "/v1/admin/users/{}/groups", AUTH_BEARER, v1_groups_list },
	{ V1, PUT, "/v1/admin/users/{}/groups/{}", AUTH_BEARER,
	    v1_group_join },
	{ V1, DELETE, "/v1/admin/users/{}/groups/{}", AUTH_BEARER,
	    v1_group_leave },
	{ V1, GET, "/v1/admin/hosts/{}", AUTH_BEARER, v1_host_get },
	{ V1, DELETE, "/v1/admin/hosts/{}", AUTH_BEARER, v1_host_delete },
	{ V1, POST, "/v1/admin/hosts/{}/start", AUTH_BEARER, v1_host_start },
	{ V1, POST, "/v1/admin/hosts/{}/stop", AUTH_BEARER, v1_host_stop },
	{ V1, POST, "/v1/admin/hosts/{}/rebuild", AUTH_BEARER,
	    v1_host_rebuild },
	{ V1, POST, "/v1/admin/hosts/{}/rotate-ssh-password", AUTH_BEARER,
	    v1_host_rotate_password },
	{ V1, GET, "/v1/admin/egress-ips", AUTH_BEARER, v1_egress_list },
	{ V1, POST, "/v1/admin/egress-ips", AUTH_BEARER, v1_egress_create },
	{ V1, GET, "/v1/admin/egress-ips/{}", AUTH_BEARER, v1_egress_get },
	{ V1, PUT, "/v1/admin/egress-ips/{}", AUTH_BEARER, v1_egress_update },
	{ V1, PATCH, "/v1/admin/egress-ips/{}", AUTH_BEARER,
	    v1_egress_update },
	{ V1, DELETE, "/v1/admin/egress-ips/{}", AUTH_BEARER,
	    v1_egress_delete },
	{ V1, POST, "/v1/admin/egress-ips/{}/test", AUTH_BEARER,
	    v1_egress_test },
	{ V1, GET, "/v1/admin/bindings", AUTH_BEARER, v1_bindings_list },
	{ V1, POST, "/v1/admin/bindings", AUTH_BEARER, v1_bindings_create },
	{ V1, DELETE, "/v1/admin/bindings/{}", AUTH_BEARER, v1_binding_delete },
	{ V1, GET, "/v1/admin/tasks", AUTH_BEARER, v1_tasks_list },
	{ V1, GET, "/v1/admin/dashboard/stats", AUTH_BEARER,
	    v1_dashboard_stats },
	{ V1, GET, "/v1/user/hosts", AUTH_BEARER, v1_hosts_list },
	{ V1, GET, "/v1/user/hosts/{}", AUTH_BEARER, v1_host_get },
	{ V1, POST, "/v1/user/hosts/{}/rebuild", AUTH_BEARER, v1_host_rebuild },
	{ V1, GET, "/v1/user/ssh-keys", AUTH_BEARER, v1_sshkeys_list },
	{ V1, POST, "/v1/user/ssh-keys", AUTH_BEARER, v1_sshkeys_add },
	{ V1, POST, "/v1/user/ssh-keys/generate", AUTH_BEARER,
	    v1_sshkeys_generate },
	{ V1, DELETE, "/v1/user/ssh-keys/{}", AUTH_BEARER, v1_sshkey_delete },
	{ V1, GET, "/v1/user/me", AUTH_BEARER, v1_me },
	{ V1, POST, "/v1/user/change-password", AUTH_BEARER,
	    v1_change_password },

	{ CCE, POST, "/v2/cce", AUTH_NONE, cce_dispatch },

	{ ACCOUNT, GET, "/v2/account", AUTH_SIGNED, account_show },
	{ ACCOUNT, PUT, "/v2/account/api", AUTH_SIGNED, account_key_create },
	{ ACCOUNT, POST, "/v2/account/api-new-secret-key", AUTH_SIGNED,
	    account_key_rotate },
	{ ACCOUNT, DELETE, "/v2/account/api", AUTH_SIGNED, account_key_delete },
	{ ACCOUNT, POST, "/v2/account/data", AUTH_SIGNED, account_data },
	{ ACCOUNT, POST, "/v2/account/files-new-secret-key", AUTH_SIGNED,
	    account_files_key },
	{ ACCOUNT, PUT, "/v2/account/sshkey", AUTH_SIGNED, account_sshkey_add },
	{ ACCOUNT, DELETE, "/v2/account/{}/sshkey", AUTH_SIGNED,
	    account_sshkey_delete },

	{ APIV1, POST, "/auth/general", AUTH_NONE, apiv1_login },
	{ APIV1, POST, "/auth/logout", AUTH_ANY, apiv1_logout },
	{ APIV1, GET, "/apiv1/users/{}/apikeys", AUTH_ANY, apiv1_keys_list },
	{ APIV1, POST, "/apiv1/users/{}/apikeys", AUTH_ANY,
	    apiv1_keys_create },
	{ APIV1, GET, "/apiv1/users/{}/apikeys/{}", AUTH_ANY, apiv1_key_get },
	{ APIV1, DELETE, "/apiv1/users/{}/apikeys/{}", AUTH_ANY,
	    apiv1_key_delete },
};

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
	struct api_req	*r = arg;
	struct conn	*c = r->c;
	int		 db_ok = 0, agent_ok = 0;

	(void)chan;
	conn_ipc_done(c);
	if (m != NULL) {
		ipc_get_bool(m, &db_ok);
		ipc_get_bool(m, &agent_ok);
		if (ipc_end(m) == -1)
			fatalx("stored sent a malformed health.result");
	}
	healthz_answer(c, db_ok, agent_ok);
}

/* frontd has no link to taskd: stored checks the database and taskd. */
static void
healthz(struct api_req *r)
{
	struct ipc_msg	 m;

	ipc_msg_init(&m, IPC_HEALTH_CHECK, 0);
	if (api_request(r, frontd_env->chans[PROC_STORED], &m,
	    healthz_result) == -1)
		healthz_answer(r->c, 0, 0);
}
