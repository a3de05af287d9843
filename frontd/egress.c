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
#include "body_egress.h"
#include "egresscheck.h"
#include "frontd.h"
#include "log.h"

#define EGRESS_LIST_PAGE	200

/* The members of a proxy_config that are secrets, sealed apart. */
static const char *const proxy_secrets[] = { "password", "uuid" };

static void
put_grant(const struct api_req *r, uint8_t *grant, size_t *len)
{
	memcpy(grant, r->grant, sizeof(r->grant));
	*len = sizeof(r->grant);
}

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

/*
 * A typed answer read whole into body, whose head is h: 0 when it
 * succeeded, or -1 with the error (503 for no answer) given.
 */
static int
answer_read(struct api_req *r, struct ipc_msg *m, void *body,
    struct ipc_head *h, const char *unavailable)
{
	if (api_arrived(r, m, unavailable) == -1)
		return -1;
	if (ipc_msg_get(m, body) == -1) {
		/* a fault of ours, not of the request */
		api_error(r, 500, "internal error");
		return -1;
	}
	if (ipc_status_ok(h->status))
		return 0;
	if (h->retry != 0)
		api_error_retry(r, h->status, h->retry, h->message);
	else
		api_error(r, h->status, h->message);
	return -1;
}

/*
 * An answer of one record, rendered as j, and the task it queued: 204
 * without a body, or the record with its task_id.
 */
static void
record_answer(struct api_req *r, uint32_t status, json_t *j,
    const char *task_id)
{
	if (status == 204) {
		json_decref(j);
		api_empty(r, 204);
		return;
	}
	if (task_id[0] != '\0')
		json_object_set_new(j, "task_id", json_string(task_id));
	api_json(r, status, j);
}

static void
egress_answered(struct ipc_chan *chan, struct ipc_msg *m, void *arg)
{
	struct api_req		*r = arg;
	struct ipc_egress_res	 res;

	(void)chan;
	if (answer_read(r, m, &res, &res.head, "storage unavailable") == 0)
		record_answer(r, res.head.status, render_egress(&res.egress),
		    res.task_id);
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

/* Each setting and secret: NULL when absent, else its text. */
static void
change_send(struct api_req *r, uint32_t op, const char *setting[],
    const char *secret[])
{
	struct ipc_auth_egress	*b;
	struct ipc_msg		 m;
	int			 s;

	if ((b = calloc(1, sizeof(*b))) == NULL)
		fatal("%s", __func__);
	put_grant(r, b->grant, &b->grant_len);
	b->op = op;
	if (op != EGRESS_CREATE)
		strlcpy(b->ref, r->params[0], sizeof(b->ref));
	for (s = 0; s < EG_SETTINGS; s++) {
		b->given.absent[s] = setting[s] == NULL;
		if (setting[s] != NULL)
			strlcpy(egress_setting(&b->given.set, s), setting[s],
			    egress_settings[s].max + 1);
	}
	for (s = 0; s < EGS_SECRETS; s++) {
		b->secret_absent[s] = secret[s] == NULL;
		if (secret[s] != NULL)
			strlcpy(b->secret[s], secret[s], sizeof(b->secret[s]));
	}
	ipc_msg_init(&m, IPC_AUTH_EGRESS, 0);
	ipc_msg_put(&m, b);
	explicit_bzero(b, sizeof(*b));
	free(b);
	if (api_request(r, frontd_env->chans[PROC_AUTHD], &m,
	    egress_answered) == -1)
		api_error(r, 503, "authentication unavailable");
}

static void
egress_change(struct api_req *r, uint32_t op)
{
	const char	*setting[EG_SETTINGS], *secret[EGS_SECRETS];
	char		*proxy = NULL;
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
	change_send(r, op, setting, secret);
	json_decref(body);
	free(proxy);
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
	struct ipc_op_egress	 b;
	struct ipc_msg		 m;

	memset(&b, 0, sizeof(b));
	put_grant(r, b.grant, &b.grant_len);
	b.op = op;
	strlcpy(b.ref, r->params[0], sizeof(b.ref));
	ipc_msg_init(&m, IPC_OP_EGRESS, 0);
	ipc_msg_put(&m, &b);
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
	struct ipc_egress_test_res res;

	(void)chan;
	if (answer_read(r, m, &res, &res.head, "the test did not finish") ==
	    -1)
		return;
	if (!egress_test_ok(&res.test)) {
		ipc_violation(m, "an egress check's result out of range");
		api_error(r, 500, "internal error");
		return;
	}
	api_json(r, 200, render_test(res.id, &res.test));
}

/* POST /v1/admin/egress-ips/{id}/test: the three checks of its tunnel */
void
v1_egress_test(struct api_req *r)
{
	struct ipc_op_egress_test b;
	struct ipc_msg		 m;

	memset(&b, 0, sizeof(b));
	put_grant(r, b.grant, &b.grant_len);
	strlcpy(b.ref, r->params[0], sizeof(b.ref));
	ipc_msg_init(&m, IPC_OP_EGRESS_TEST, 0);
	ipc_msg_put(&m, &b);
	/* stored waits for taskd's test a little less than this */
	if (api_request_slow(r, frontd_env->chans[PROC_STORED], &m,
	    (EGRESS_TEST_SECONDS + 5) * 1000, egress_tested) == -1)
		api_error(r, 503, "storage unavailable");
}

/*
 * A page of a list as {"<name>": [...], "total": N}, each record read
 * into item and rendered, or the error.
 */
static void
list_answer(struct api_req *r, struct ipc_msg *m, void *item,
    json_t *(*render)(const void *), const char *name)
{
	struct ipc_egress_page_res res;
	json_t			*list;
	int			 rc;

	if (answer_read(r, m, &res, &res.head, "storage unavailable") == -1)
		return;
	if ((list = json_array()) == NULL)
		fatalx("%s: out of memory", __func__);
	while ((rc = ipc_msg_get_item(m, item)) == 1)
		json_array_append_new(list, render(item));
	if (rc == -1) {
		json_decref(list);
		api_error(r, 500, "internal error");
		return;
	}
	api_json(r, 200, json_pack("{s:o,s:I}", name, list, "total",
	    (json_int_t)res.total));
}

static json_t *
egress_item(const void *e)
{
	return render_egress(e);
}

static void
egress_listed(struct ipc_chan *chan, struct ipc_msg *m, void *arg)
{
	struct egress_rec	 e;

	(void)chan;
	list_answer(arg, m, &e, egress_item, "egress_ips");
}

/* A list of an admin's: limit and offset, then the request. */
static void
list_request(struct api_req *r, enum ipc_type type, ipc_reply_cb cb)
{
	struct ipc_egress_page	 b;
	struct ipc_msg		 m;

	memset(&b, 0, sizeof(b));
	if (api_paging(r, EGRESS_LIST_PAGE, EGRESS_LIST_PAGE, &b.limit,
	    &b.offset) == -1) {
		api_error(r, 400, "limit must be 1 to 200, offset a number");
		return;
	}
	put_grant(r, b.grant, &b.grant_len);
	ipc_msg_init(&m, type, 0);
	ipc_msg_put(&m, &b);
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

static void
binding_answered(struct ipc_chan *chan, struct ipc_msg *m, void *arg)
{
	struct api_req		*r = arg;
	struct ipc_binding_res	 res;

	(void)chan;
	if (answer_read(r, m, &res, &res.head, "storage unavailable") == 0)
		record_answer(r, res.head.status,
		    render_binding(&res.binding), res.task_id);
}

/* ref names the host to create, the binding to delete. */
static void
binding_op(struct api_req *r, uint32_t op, const char *ref,
    const char *egress_ref)
{
	struct ipc_op_binding	 b;
	struct ipc_msg		 m;

	memset(&b, 0, sizeof(b));
	put_grant(r, b.grant, &b.grant_len);
	b.op = op;
	strlcpy(b.ref, ref, sizeof(b.ref));
	strlcpy(b.egress_ref, egress_ref, sizeof(b.egress_ref));
	ipc_msg_init(&m, IPC_OP_BINDING, 0);
	ipc_msg_put(&m, &b);
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

static json_t *
binding_item(const void *b)
{
	return render_binding(b);
}

static void
bindings_listed(struct ipc_chan *chan, struct ipc_msg *m, void *arg)
{
	struct binding_rec	 b;

	(void)chan;
	list_answer(arg, m, &b, binding_item, "bindings");
}

void
v1_bindings_list(struct api_req *r)
{
	list_request(r, IPC_OP_BINDING_LIST, bindings_listed);
}
