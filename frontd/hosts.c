/*
 * Hosts, tasks and the dashboard of control plane v1 (NOTES.md has the
 * shapes).  stored decides who may do what: an admin on every host, a
 * user reads their own and may rebuild it.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api.h"
#include "body_keys.h"
#include "frontd.h"
#include "hostlife.h"
#include "hostrec.h"
#include "log.h"

#define HOSTS_PAGE	200
#define TASKS_PAGE	200

static struct ipc_chan *
stored(void)
{
	return frontd_env->chans[PROC_STORED];
}


static void
grant_of(struct api_req *r, uint8_t *grant, size_t *len)
{
	memcpy(grant, r->grant, sizeof(r->grant));
	*len = sizeof(r->grant);
}

static void
host_answered(struct ipc_chan *chan, struct ipc_msg *m, void *arg)
{
	struct api_req		*r = arg;
	struct ipc_host_res	 res;
	json_t			*body, *host;

	(void)chan;
	if (api_res(r, m, "storage unavailable", &res) == -1)
		return;
	host = render_host(&res.host, r->state);
	/* how a customer reaches it, on the route's own VNC path */
	if (host != NULL)
		json_object_set_new(host, "connection_info",
		    render_connection(&res.host, r->state,
		    r->route->access == IPC_ACCESS_ADMIN));
	body = json_pack("{s:o}", "host", host);
	if (res.task_id[0] != '\0')
		json_object_set_new(body, "task_id", json_string(res.task_id));
	api_json(r, res.head.status, body);
}

static void
host_request(struct api_req *r, enum ipc_type type, const void *body)
{
	api_keep_host_header(r);
	if (api_ask(r, stored(), type, body, host_answered) == -1)
		api_error(r, 503, "storage unavailable");
}

/* An optional non-negative integer member, def when absent. */
static int
uint_field(struct api_req *r, json_t *body, const char *name, uint32_t def,
    uint32_t *out)
{
	json_t	*v = json_object_get(body, name);
	char	 msg[96];

	*out = def;
	if (v == NULL || json_is_null(v))
		return 0;
	if (!json_is_integer(v) || json_integer_value(v) < 0 ||
	    json_integer_value(v) > UINT32_MAX) {
		snprintf(msg, sizeof(msg), "\"%s\" must be a non-negative "
		    "integer", name);
		api_error(r, 400, msg);
		return -1;
	}
	*out = json_integer_value(v);
	return 0;
}

/* cpu_limit in cpus (1.5), kept as thousandths */
static int
cpu_field(struct api_req *r, json_t *body, uint32_t *milli)
{
	json_t	*v = json_object_get(body, "cpu_limit");
	double	 d;

	*milli = 1000;
	if (v == NULL || json_is_null(v))
		return 0;
	d = json_number_value(v);
	if (!json_is_number(v) || !isfinite(d) || d < 0.01 || d > 1024) {
		api_error(r, 400, "\"cpu_limit\" must be a number of cpus "
		    "from 0.01 to 1024");
		return -1;
	}
	*milli = (uint32_t)(d * 1000 + 0.5);
	return 0;
}

/* POST /v1/admin/hosts */
void
v1_hosts_create(struct api_req *r)
{
	const char	*user, *egress, *hostname, *tz;
	struct ipc_host_create c;
	json_t		*body;

	if ((body = api_body(r)) == NULL)
		return;
	if (api_only_fields(r, body, r->route->fields) == -1 ||
	    string_field(r, body, "user_id", FIELD_REF_MAX, &user) == -1 ||
	    optional_string_field(r, body, "egress_ip_id", 36, "",
	    &egress) == -1 ||
	    uint_field(r, body, "memory_limit_mb", 512,
	    &c.memory_limit_mb) == -1 ||
	    cpu_field(r, body, &c.cpu_milli) == -1 ||
	    uint_field(r, body, "pids_limit", 256, &c.pids_limit) == -1 ||
	    optional_string_field(r, body, "hostname", HOST_NAME_MAX_LEN, "",
	    &hostname) == -1 ||
	    optional_string_field(r, body, "timezone", HOST_TZ_MAX, "UTC",
	    &tz) == -1) {
		json_decref(body);
		return;
	}
	grant_of(r, c.grant, &c.grant_len);
	strlcpy(c.user, user, sizeof(c.user));
	strlcpy(c.hostname, hostname, sizeof(c.hostname));
	strlcpy(c.timezone, tz, sizeof(c.timezone));
	strlcpy(c.egress_ip_id, egress, sizeof(c.egress_ip_id));
	json_decref(body);
	host_request(r, IPC_OP_HOST_CREATE, &c);
}

/* A request about the host the path names. */
static void
host_ref(struct api_req *r, enum ipc_type type, uint32_t action)
{
	struct ipc_host_ref	 q;

	memset(&q, 0, sizeof(q));
	grant_of(r, q.grant, &q.grant_len);
	q.access = r->route->access;
	q.action = action;
	if (api_copy(r, q.ref, sizeof(q.ref), r->params[0]) == -1)
		return;
	host_request(r, type, &q);
}

void
v1_host_get(struct api_req *r)
{
	host_ref(r, IPC_OP_HOST_GET, 0);
}

static void
host_action(struct api_req *r, uint32_t action)
{
	host_ref(r, IPC_OP_HOST_ACTION, action);
}

void
v1_host_start(struct api_req *r)
{
	host_action(r, HOST_START);
}

void
v1_host_stop(struct api_req *r)
{
	host_action(r, HOST_STOP);
}

void
v1_host_rebuild(struct api_req *r)
{
	host_action(r, HOST_REBUILD);
}

void
v1_host_delete(struct api_req *r)
{
	host_action(r, HOST_DELETE);
}

static json_t *
host_row(struct api_req *r, const void *item)
{
	return render_host(item, r->state);
}

static void
hosts_listed(struct ipc_chan *chan, struct ipc_msg *m, void *arg)
{
	struct api_req	*r = arg;
	uint64_t	 total;
	json_t		*list;

	(void)chan;
	list = api_items(r, m, host_row, &total);
	if (list != NULL)
		api_json(r, 200, json_pack("{s:o}", "hosts", list));
}

void
v1_hosts_list(struct api_req *r)
{
	struct ipc_page_req	 q;

	memset(&q, 0, sizeof(q));
	if (api_paging(r, HOSTS_PAGE, HOSTS_PAGE, &q.limit, &q.offset) == -1) {
		api_error(r, 400, "limit must be 1 to 200, offset a number");
		return;
	}
	grant_of(r, q.grant, &q.grant_len);
	q.access = r->route->access;
	api_keep_host_header(r);
	if (api_ask(r, stored(), IPC_OP_HOST_LIST, &q, hosts_listed) == -1)
		api_error(r, 503, "storage unavailable");
}

/* ---- tasks ------------------------------------------------------------ */

static json_t *
task_row(struct api_req *r, const void *item)
{
	const struct task_rec	 *tp = item;
	struct task_rec		 t = *tp;
	json_t			*j;

	(void)r;
	j = json_pack("{s:s,s:s?,s:s,s:s,s:s?,s:s?,s:s?,s:I,s:s,s:I,s:o,s:o}",
	    "task_id", t.id, "host_id", t.host_id[0] != '\0' ? t.host_id :
	    NULL, "kind", t.kind, "status", t.status, "requested_by",
	    t.requested_by[0] != '\0' ? t.requested_by : NULL, "error_code",
	    t.error_code[0] != '\0' ? t.error_code : NULL, "error_message",
	    t.error_message[0] != '\0' ? t.error_message : NULL,
	    "progress_percent", (json_int_t)t.progress_percent,
	    "progress_message", t.progress_message, "attempts",
	    (json_int_t)t.attempts, "created_at", render_time(t.created_at),
	    "updated_at", render_time(t.updated_at));
	if (j == NULL)
		fatalx("%s: out of memory", __func__);
	return j;
}

static void
tasks_listed(struct ipc_chan *chan, struct ipc_msg *m, void *arg)
{
	struct api_req	*r = arg;
	uint64_t	 total;
	json_t		*list;
	uint32_t	 limit, offset;

	(void)chan;
	if ((list = api_items(r, m, task_row, &total)) == NULL)
		return;
	(void)api_paging(r, 50, TASKS_PAGE, &limit, &offset);
	api_json(r, 200, json_pack("{s:o,s:I,s:I,s:I}", "tasks", list, "total",
	    (json_int_t)total, "limit", (json_int_t)limit, "offset",
	    (json_int_t)offset));
}

static int
filter(struct api_req *r, const char *name, const char *const *allowed,
    const char **out)
{
	const char	*v = api_query_get(r, name);
	char		 msg[96];
	int		 i;

	*out = v != NULL ? v : "";
	if (v == NULL || allowed == NULL)
		return strlen(*out) <= FIELD_FILTER_MAX ? 0 : -1;
	for (i = 0; allowed[i] != NULL; i++)
		if (strcmp(v, allowed[i]) == 0)
			return 0;
	snprintf(msg, sizeof(msg), "unknown %s", name);
	api_error(r, 400, msg);
	return -1;
}

/* GET /v1/admin/tasks?state=&host_id=&kind=&limit=&offset= (status is
 * state too, as tasks name it in their answers) */
void
v1_tasks_list(struct api_req *r)
{
	static const char *const states[] = { "pending", "running",
	    "succeeded", "failed", "canceled", NULL };
	static const char *const kinds[] = { "host.create", "host.start",
	    "host.stop", "host.rebuild", "host.delete", "host.egress", "noop",
	    "cert.issue", "cert.renew", NULL };
	const char		*state, *host, *kind;
	struct ipc_task_list	 q;

	memset(&q, 0, sizeof(q));
	if (api_query_known(r, r->route->query) == -1)
		return;
	if (api_paging(r, 50, TASKS_PAGE, &q.limit, &q.offset) == -1) {
		api_error(r, 400, "limit must be 1 to 200, offset a number");
		return;
	}
	if (filter(r, api_query_get(r, "state") == NULL ? "status" : "state",
	    states, &state) == -1 ||
	    filter(r, "kind", kinds, &kind) == -1)
		return;
	if (filter(r, "host_id", NULL, &host) == -1) {
		api_error(r, 400, "host_id too long");
		return;
	}
	grant_of(r, q.grant, &q.grant_len);
	strlcpy(q.state, state, sizeof(q.state));
	strlcpy(q.host, host, sizeof(q.host));
	strlcpy(q.kind, kind, sizeof(q.kind));
	if (api_ask(r, stored(), IPC_OP_TASK_LIST, &q, tasks_listed) == -1)
		api_error(r, 503, "storage unavailable");
}

/* ---- the dashboard ---------------------------------------------------- */

static json_t *
counters(const uint64_t *n, const char *const *names)
{
	json_t		*j = json_object();
	int		 i;

	if (j == NULL)
		fatalx("%s: out of memory", __func__);
	for (i = 0; names[i] != NULL; i++)
		json_object_set_new(j, names[i], json_integer(n[i]));
	return j;
}

static void
stats_read(struct ipc_chan *chan, struct ipc_msg *m, void *arg)
{
	static const char *const host_states[] = { "pending", "running",
	    "stopped", "failed", "deleted", NULL };
	static const char *const task_states[] = { "pending", "running",
	    "succeeded", "failed", "canceled", NULL };
	struct api_req		*r = arg;
	struct ipc_stats_res	 res;
	json_t			*hosts, *tasks;

	(void)chan;
	if (api_res(r, m, "storage unavailable", &res) == -1)
		return;
	hosts = counters(res.hosts, host_states);
	tasks = counters(res.tasks, task_states);
	api_json(r, 200, json_pack("{s:I,s:O,s:I,s:o,s:o}", "active_users",
	    (json_int_t)res.active_users, "running_hosts",
	    json_object_get(hosts, "running"), "available_ips",
	    (json_int_t)res.available_ips, "hosts_by_state", hosts,
	    "tasks_by_state", tasks));
}

void
v1_dashboard_stats(struct api_req *r)
{
	struct ipc_grant_req	 q;

	grant_of(r, q.grant, &q.grant_len);
	if (api_ask(r, stored(), IPC_OP_STATS, &q, stats_read) == -1)
		api_error(r, 503, "storage unavailable");
}

/* authd's answer: the host's new SSH password, shown this once */
static void
host_password_made(struct ipc_chan *chan, struct ipc_msg *m, void *arg)
{
	struct api_req		*r = arg;
	struct ipc_secret_res	 res;

	(void)chan;
	if (api_res(r, m, "authentication unavailable", &res) == 0)
		api_json(r, 200, json_pack("{s:s,s:s,s:s}", "id", r->params[0],
		    "ssh_password", res.secret, "password", res.secret));
	explicit_bzero(&res, sizeof(res));
}

/* POST /v1/admin/hosts/{id}/rotate-ssh-password: shown once */
void
v1_host_rotate_password(struct api_req *r)
{
	struct ipc_host_password	 q;

	memset(&q, 0, sizeof(q));
	grant_of(r, q.grant, &q.grant_len);
	strlcpy(q.ref, r->params[0], sizeof(q.ref));
	if (api_ask(r, frontd_env->chans[PROC_AUTHD], IPC_AUTH_HOST_PASSWORD,
	    &q, host_password_made) == -1)
		api_error(r, 503, "authentication unavailable");
}
