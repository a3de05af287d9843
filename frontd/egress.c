/*
 * Egress IPs and bindings of control plane v1 (control-plane-v1.txt,
 * NOTES.md): admins only, which stored decides.
 *   GET, POST /v1/admin/egress-ips; GET, PUT, PATCH, DELETE
 *   /v1/admin/egress-ips/{id}; POST /v1/admin/egress-ips/{id}/test;
 *   GET, POST /v1/admin/bindings; DELETE /v1/admin/bindings/{id}.
 * A create or update goes through authd, which seals the secrets in it
 * (our WireGuard private key, the preshared key, a proxy's password);
 * no answer ever carries one back.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api.h"
#include "egressrec.h"
#include "frontd.h"
#include "log.h"

#define EGRESS_LIST_PAGE	200

/* The members of a proxy_config that are secrets, sealed apart. */
static const char *const proxy_secrets[] = { "password", "uuid" };

static json_t *
text_or_null(const char *s)
{
	return s[0] != '\0' ? json_string(s) : json_null();
}

static json_t *
render_egress(const struct egress_rec *e)
{
	json_t	*j, *proxy = NULL;
	int	 s;

	if (e->proxy_config[0] != '\0')
		proxy = json_loads(e->proxy_config, 0, NULL);
	j = json_pack("{s:s,s:I,s:s,s:o,s:o,s:s?,s:s?,s:b,s:o,s:b,s:b,s:o,"
	    "s:o}", "id", e->id, "oid", (json_int_t)e->oid, "status",
	    e->binding_id[0] != '\0' ? "bound" : "available",
	    "wg_client_public_key", text_or_null(e->wg_client_public_key),
	    "proxy_config", proxy != NULL ? proxy : json_null(), "host_id",
	    e->host_id[0] != '\0' ? e->host_id : NULL, "binding_id",
	    e->binding_id[0] != '\0' ? e->binding_id : NULL,
	    "wg_preshared_key_set",
	    (e->secrets_set & (1U << EGS_WG_PRESHARED_KEY)) != 0,
	    "config_error", text_or_null(e->config_error), "configured",
	    e->config_error[0] == '\0', "proxy_password_set",
	    (e->secrets_set & (1U << EGS_PROXY_PASSWORD |
	    1U << EGS_PROXY_UUID)) != 0, "created_at",
	    render_time(e->created_at), "updated_at",
	    render_time(e->updated_at));
	if (j == NULL)
		fatalx("%s: out of memory", __func__);
	for (s = 0; s < EG_PROXY_CONFIG; s++)
		json_object_set_new(j, egress_settings[s].name,
		    s == EG_LABEL || s == EG_IP_ADDRESS || s == EG_TUNNEL_TYPE ?
		    json_string(egress_setting_const(e, s)) :
		    text_or_null(egress_setting_const(e, s)));
	return j;
}

static json_t *
egress_row(struct api_req *r, struct ipc_msg *m)
{
	struct egress_rec e;

	(void)r;
	ipc_get_egress(m, &e);
	return render_egress(&e);
}

/*
 * An answer of one record, which row reads and renders, and the task
 * it queued: 204 without a body, or the record with its task_id.
 */
static void
record_answered(struct api_req *r, struct ipc_msg *m, api_row_fn row)
{
	struct ipc_head	 h;
	char		 task_id[37];
	json_t		*j;

	if (api_head(r, m, "storage unavailable", &h) == -1)
		return;
	j = row(r, m);
	ipc_get_str(m, task_id, sizeof(task_id));
	if (api_end(r, m) == -1) {
		json_decref(j);
		return;
	}
	if (h.status == 204) {
		json_decref(j);
		api_empty(r, 204);
		return;
	}
	if (task_id[0] != '\0')
		json_object_set_new(j, "task_id", json_string(task_id));
	api_json(r, h.status, j);
}

static void
egress_answered(struct ipc_chan *chan, struct ipc_msg *m, void *arg)
{
	(void)chan;
	record_answered(arg, m, egress_row);
}

/* A setting as JSON has it: absent (NULL), null ("") or a string. */
static int
setting_text(struct api_req *r, json_t *body, const char *name, size_t max,
    const char **out)
{
	json_t	*v = json_object_get(body, name);
	char	 msg[128];

	*out = NULL;
	if (v == NULL)
		return 0;
	if (json_is_null(v)) {
		*out = "";
		return 0;
	}
	if (!json_is_string(v) || json_string_length(v) > max ||
	    strlen(json_string_value(v)) != json_string_length(v)) {
		snprintf(msg, sizeof(msg), "\"%s\" must be a string of at most "
		    "%zu characters", name, max);
		api_error(r, 400, msg);
		return -1;
	}
	*out = json_string_value(v);
	return 0;
}

/*
 * proxy_config: a JSON object, or null.  Its secrets come out to be
 * sealed on their own; the rest travels as compact JSON.  A config given
 * replaces the old one, its secrets too: one it lacks is cleared.
 */
static int
proxy_config(struct api_req *r, json_t *body, char **text,
    const char *secret[2])
{
	json_t	*v = json_object_get(body, "proxy_config"), *copy, *s;
	size_t	 i;

	*text = NULL;
	secret[0] = secret[1] = NULL;
	if (v == NULL)
		return 0;
	if (json_is_null(v)) {
		*text = strdup("");
		secret[0] = secret[1] = "";
		return *text == NULL ? -1 : 0;
	}
	if (!json_is_object(v)) {
		api_error(r, 400, "\"proxy_config\" must be an object");
		return -1;
	}
	if ((copy = json_deep_copy(v)) == NULL)
		fatalx("%s: out of memory", __func__);
	for (i = 0; i < 2; i++) {
		s = json_object_get(v, proxy_secrets[i]);
		secret[i] = "";
		if (s != NULL && (!json_is_string(s) ||
		    json_string_length(s) > EGRESS_SECRET_MAX ||
		    strlen(json_string_value(s)) != json_string_length(s))) {
			json_decref(copy);
			api_error(r, 400, "proxy_config: password and uuid must "
			    "be strings of at most 128 characters");
			return -1;
		}
		if (s != NULL)
			secret[i] = json_string_value(s);
		json_object_del(copy, proxy_secrets[i]);
	}
	*text = json_dumps(copy, JSON_COMPACT | JSON_SORT_KEYS);
	json_decref(copy);
	if (*text == NULL || strlen(*text) > EGRESS_PROXY_MAX) {
		free(*text);
		*text = NULL;
		api_error(r, 400, "\"proxy_config\" is too large");
		return -1;
	}
	return 0;
}

/* POST (create) or PUT/PATCH (update): the settings and the secrets. */
/* The members an egress IP's create and update take (routes.c). */
const char	*egress_fields[EG_SETTINGS + 3];

void
egress_fields_init(void)
{
	int	 s;

	for (s = 0; s < EG_SETTINGS; s++)
		egress_fields[s] = egress_settings[s].name;
	egress_fields[s++] = egress_secret_names[EGS_WG_PRIVATE_KEY];
	egress_fields[s] = egress_secret_names[EGS_WG_PRESHARED_KEY];
}

static void
egress_change(struct api_req *r, uint32_t kind)
{
	const char	*setting[EG_SETTINGS], *secret[EGS_SECRETS];
	char		*proxy = NULL;
	struct ipc_msg	 m;
	json_t		*body;
	int		 s, bad = 0;

	if ((body = api_body(r)) == NULL)
		return;
	if (api_only_fields(r, body, r->route->fields) == -1)
		bad = 1;
	for (s = 0; !bad && s < EG_PROXY_CONFIG; s++)
		bad = setting_text(r, body, egress_settings[s].name,
		    egress_settings[s].max, &setting[s]) == -1;
	for (s = 0; !bad && s <= EGS_WG_PRESHARED_KEY; s++)
		bad = setting_text(r, body, egress_secret_names[s],
		    EGRESS_SECRET_MAX, &secret[s]) == -1;
	if (!bad)
		bad = proxy_config(r, body, &proxy,
		    &secret[EGS_PROXY_PASSWORD]) == -1;
	if (bad) {
		json_decref(body);
		return;
	}
	setting[EG_PROXY_CONFIG] = proxy;
	ipc_msg_init(&m, IPC_AUTH_EGRESS, 0);
	ipc_put_bin(&m, r->grant, sizeof(r->grant));
	ipc_put_u64(&m, kind);
	ipc_put_str(&m, kind == EGRESS_CREATE ? "" : r->params[0]);
	for (s = 0; s < EG_SETTINGS; s++)
		if (setting[s] == NULL)
			ipc_put_nil(&m);
		else
			ipc_put_str(&m, setting[s]);
	for (s = 0; s < EGS_SECRETS; s++)
		if (secret[s] == NULL)
			ipc_put_nil(&m);
		else
			ipc_put_str(&m, secret[s]);
	json_decref(body);
	free(proxy);
	if (api_request(r, frontd_env->chans[PROC_AUTHD], &m,
	    egress_answered) == -1)
		api_error(r, 503, "authentication unavailable");
}

void
v1_egress_create(struct api_req *r)
{
	egress_change(r, EGRESS_CREATE);
}

void
v1_egress_update(struct api_req *r)
{
	egress_change(r, EGRESS_UPDATE);
}

static void
egress_op(struct api_req *r, uint32_t op)
{
	struct ipc_msg	 m;

	ipc_msg_init(&m, IPC_OP_EGRESS, 0);
	ipc_put_bin(&m, r->grant, sizeof(r->grant));
	ipc_put_u64(&m, op);
	ipc_put_str(&m, r->params[0]);
	if (api_request(r, frontd_env->chans[PROC_STORED], &m,
	    egress_answered) == -1)
		api_error(r, 503, "storage unavailable");
}

void
v1_egress_get(struct api_req *r)
{
	egress_op(r, EGRESS_GET);
}

void
v1_egress_delete(struct api_req *r)
{
	egress_op(r, EGRESS_DELETE);
}

static json_t *
render_test(const char *id, const struct egress_test *t)
{
	json_t	*checks, *one;
	int	 c, ok = 1;

	if ((checks = json_object()) == NULL)
		fatalx("%s: out of memory", __func__);
	for (c = 0; c < EGC_CHECKS; c++) {
		/* a check not made is null, and fails nothing */
		one = json_pack("{s:o,s:s}", "ok", t->result[c] < 0 ?
		    json_null() : json_boolean(t->result[c] == 1), "detail",
		    t->detail[c]);
		if (one == NULL)
			fatalx("%s: out of memory", __func__);
		json_object_set_new(checks, egress_check_names[c], one);
		if (t->result[c] == 0)
			ok = 0;
	}
	one = json_pack("{s:s,s:b,s:o,s:o,s:I}", "egress_ip_id", id, "ok", ok,
	    "checks", checks, "exit_ip", text_or_null(t->exit_ip),
	    "duration_ms", (json_int_t)t->ms);
	if (one == NULL)
		fatalx("%s: out of memory", __func__);
	return one;
}

static void
egress_tested(struct ipc_chan *chan, struct ipc_msg *m, void *arg)
{
	struct api_req		*r = arg;
	struct egress_test	 t;
	struct ipc_head		 h;
	char			 id[37];

	(void)chan;
	if (api_head(r, m, "the test did not finish", &h) == -1)
		return;
	ipc_get_str(m, id, sizeof(id));
	ipc_get_egress_test(m, &t);
	if (api_end(r, m) == -1)
		return;
	api_json(r, 200, render_test(id, &t));
}

/* POST /v1/admin/egress-ips/{id}/test: the three checks of its tunnel */
void
v1_egress_test(struct api_req *r)
{
	struct ipc_msg	 m;

	ipc_msg_init(&m, IPC_OP_EGRESS_TEST, 0);
	ipc_put_bin(&m, r->grant, sizeof(r->grant));
	ipc_put_str(&m, r->params[0]);
	/* stored waits for taskd's test a little less than this */
	if (api_request_slow(r, frontd_env->chans[PROC_STORED], &m,
	    (EGRESS_TEST_SECONDS + 5) * 1000, egress_tested) == -1)
		api_error(r, 503, "storage unavailable");
}

static void
egress_listed(struct ipc_chan *chan, struct ipc_msg *m, void *arg)
{
	(void)chan;
	api_list_answer(arg, m, egress_row, "egress_ips");
}

/* A list of an admin's: limit and offset, then the request. */
static void
list_request(struct api_req *r, enum ipc_type type, ipc_reply_cb cb)
{
	struct ipc_msg	 m;
	uint32_t	 limit, offset;

	if (api_paging(r, EGRESS_LIST_PAGE, EGRESS_LIST_PAGE, &limit,
	    &offset) == -1) {
		api_error(r, 400, "limit must be 1 to 200, offset a number");
		return;
	}
	ipc_msg_init(&m, type, 0);
	ipc_put_bin(&m, r->grant, sizeof(r->grant));
	ipc_put_u64(&m, limit);
	ipc_put_u64(&m, offset);
	if (api_request(r, frontd_env->chans[PROC_STORED], &m, cb) == -1)
		api_error(r, 503, "storage unavailable");
}

void
v1_egress_list(struct api_req *r)
{
	list_request(r, IPC_OP_EGRESS_LIST, egress_listed);
}

/* ---- bindings ------------------------------------------------------- */

static json_t *
render_binding(const struct binding_rec *b)
{
	json_t	*j;

	j = json_pack("{s:s,s:I,s:s,s:s,s:o}", "id", b->id, "oid",
	    (json_int_t)b->oid, "host_id", b->host_id, "egress_ip_id",
	    b->egress_ip_id, "created_at", render_time(b->created_at));
	if (j == NULL)
		fatalx("%s: out of memory", __func__);
	return j;
}

static json_t *
binding_row(struct api_req *r, struct ipc_msg *m)
{
	struct binding_rec b;

	(void)r;
	ipc_get_binding(m, &b);
	return render_binding(&b);
}

static void
binding_answered(struct ipc_chan *chan, struct ipc_msg *m, void *arg)
{
	(void)chan;
	record_answered(arg, m, binding_row);
}

static void
binding_op(struct api_req *r, uint32_t op, const char *a, const char *b)
{
	struct ipc_msg	 m;

	ipc_msg_init(&m, IPC_OP_BINDING, 0);
	ipc_put_bin(&m, r->grant, sizeof(r->grant));
	ipc_put_u64(&m, op);
	ipc_put_str(&m, a);
	ipc_put_str(&m, b);
	if (api_request(r, frontd_env->chans[PROC_STORED], &m,
	    binding_answered) == -1)
		api_error(r, 503, "storage unavailable");
}

/* POST /v1/admin/bindings {"host_id", "egress_ip_id"} */
void
v1_bindings_create(struct api_req *r)
{
	const char	*host, *egress;
	json_t		*body;

	if ((body = api_body(r)) == NULL)
		return;
	if (api_only_fields(r, body, r->route->fields) == 0 &&
	    string_field(r, body, "host_id", FIELD_REF_MAX, &host) == 0 &&
	    string_field(r, body, "egress_ip_id", FIELD_REF_MAX, &egress) == 0)
		binding_op(r, BINDING_CREATE, host, egress);
	json_decref(body);
}

void
v1_binding_delete(struct api_req *r)
{
	binding_op(r, BINDING_DELETE, r->params[0], "");
}

static void
bindings_listed(struct ipc_chan *chan, struct ipc_msg *m, void *arg)
{
	(void)chan;
	api_list_answer(arg, m, binding_row, "bindings");
}

void
v1_bindings_list(struct api_req *r)
{
	list_request(r, IPC_OP_BINDING_LIST, bindings_listed);
}
