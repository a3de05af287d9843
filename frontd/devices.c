/*
 * Devices (certificates apiv1, issue 11): registration (authd mints the
 * token, shown once), reads, deletion, the certificates given to a
 * device, and a device's own reads with its token.  frontd checks each
 * request's shape; authd and stored decide the rest.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api.h"
#include "body_certs.h"
#include "body_devices.h"
#include "frontd.h"
#include "log.h"
#include "util.h"

static struct ipc_chan *
stored(void)
{
	return frontd_env->chans[PROC_STORED];
}

json_t *
apiv1_device_json(const struct device_rec *d)
{
	json_t	*j;

	j = json_pack("{s:I,s:s,s:I,s:s,s:s,s:s,s:o,s:I,s:o}", "id",
	    (json_int_t)d->oid, "uuid", d->id, "user_id",
	    (json_int_t)d->user_oid, "name", d->name, "description",
	    d->description, "device_type", d->device_type, "dev_pk",
	    d->dev_pk[0] != '\0' ? json_string(d->dev_pk) : json_null(),
	    "certificates", (json_int_t)d->certs, "created_at",
	    render_time(d->created_at));
	if (j == NULL)
		fatalx("%s: out of memory", __func__);
	return j;
}

static void
device_answer(struct ipc_chan *chan, struct ipc_msg *m, void *arg)
{
	struct api_req		*r = arg;
	struct ipc_device_res	 res;
	json_t			*j;

	(void)chan;
	if (api_res(r, m, "storage unavailable", &res) == 0) {
		if (res.head.status == 204)
			api_empty(r, 204);
		else {
			j = apiv1_device_json(&res.device);
			/* the token, this once (at registration) */
			if (res.token[0] != '\0')
				json_object_set_new(j, "token",
				    json_string(res.token));
			api_json(r, res.head.status, json_pack("{s:o}",
			    "data", j));
		}
	}
	explicit_bzero(&res, sizeof(res));
}

/*
 * What the original agent sends about itself on registration besides
 * the document's fields (its fingerprint as device_public_id, platform,
 * model, app_version, ip, user_agent): strings of bounded length,
 * checked and not kept, since no document reads them back (the ip is
 * the agent's word, not the peer's, and moat records the peer itself).
 */
static int
agent_fields(struct api_req *r, json_t *body)
{
	static const struct {
		const char	*name;
		size_t		 max;
	} extra[] = {
		{ "device_public_id", 64 }, { "platform", 64 },
		{ "model", 128 }, { "app_version", 64 }, { "ip", 64 },
		{ "user_agent", 256 },
	};
	const char	*v;
	char		 why[64];
	size_t		 i;

	for (i = 0; i < sizeof(extra) / sizeof(extra[0]); i++) {
		if (optional_string_field(r, body, extra[i].name,
		    extra[i].max, "", &v) == -1)
			return -1;
		if (!text_is_line(v)) {
			snprintf(why, sizeof(why), "\"%s\" must be one line "
			    "of text", extra[i].name);
			api_error(r, 400, why);
			return -1;
		}
	}
	return 0;
}

/*
 * A device's body into q with the caller's grant: dev_pk is required of
 * an agent's registration and optional otherwise.  0, or -1 with the
 * error answered.
 */
int
apiv1_device_body(struct api_req *r, json_t *body, int pk_required,
    struct ipc_device_create *q)
{
	const char	*name, *desc, *type, *pk;

	if (api_only_fields(r, body, r->route->fields) == -1 ||
	    agent_fields(r, body) == -1 ||
	    string_field(r, body, "name", DEVICE_NAME_MAX, &name) == -1 ||
	    optional_string_field(r, body, "description", DEVICE_DESC_MAX,
	    "", &desc) == -1 || optional_string_field(r, body, "device_type",
	    DEVICE_TYPE_MAX, "", &type) == -1 || (pk_required ?
	    string_field(r, body, "dev_pk", DEVICE_PK_MAX, &pk) :
	    optional_string_field(r, body, "dev_pk", DEVICE_PK_MAX, "",
	    &pk)) == -1)
		return -1;
	api_grant(r, q->grant, &q->grant_len);
	strlcpy(q->name, name, sizeof(q->name));
	strlcpy(q->description, desc, sizeof(q->description));
	strlcpy(q->device_type, type, sizeof(q->device_type));
	strlcpy(q->dev_pk, pk, sizeof(q->dev_pk));
	return 0;
}

void
apiv1_devices_create(struct api_req *r)
{
	struct ipc_device_create q;
	json_t			*body;

	if ((body = api_body(r)) == NULL)
		return;
	memset(&q, 0, sizeof(q));
	if (apiv1_device_body(r, body, 0, &q) == 0) {
		strlcpy(q.user, r->params[0], sizeof(q.user));
		if (api_ask(r, frontd_env->chans[PROC_AUTHD],
		    IPC_AUTH_DEVICE_CREATE, &q, device_answer) == -1)
			api_error(r, 503, "authentication unavailable");
	}
	json_decref(body);
}

static void
devices_listed(struct ipc_chan *chan, struct ipc_msg *m, void *arg)
{
	struct api_req			*r = arg;
	struct ipc_cert_list_res	 res;
	struct device_rec		 d;
	json_t				*list;
	int				 rc;

	(void)chan;
	if (api_res(r, m, "storage unavailable", &res) == -1)
		return;
	if ((list = json_array()) == NULL)
		fatalx("%s: out of memory", __func__);
	while ((rc = ipc_msg_get_item(m, &d)) == 1)
		json_array_append_new(list, apiv1_device_json(&d));
	if (rc == -1) {
		json_decref(list);
		api_bad_answer(r);
		return;
	}
	api_json(r, 200, json_pack("{s:o,s:{s:o,s:b,s:I}}", "data", list,
	    "pagination", "cursor", res.has_more ? json_string(res.cursor) :
	    json_null(), "has_more", res.has_more, "total",
	    (json_int_t)res.total));
}

void
apiv1_devices_list(struct api_req *r)
{
	struct ipc_cert_page	 q;
	const char		*cursor;

	memset(&q, 0, sizeof(q));
	if (api_query_known(r, r->route->query) == -1)
		return;
	if (api_paging(r, 20, 100, &q.limit, &q.offset) == -1) {
		api_error(r, 400, "limit must be 1 to 100, offset a number");
		return;
	}
	/* ?cursor= as certctrl-apiv1.txt pages every list; offset wins */
	q.by_cursor = api_query_get(r, "offset") == NULL;
	if (q.by_cursor && (cursor = api_query_get(r, "cursor")) != NULL &&
	    api_copy(r, q.cursor, sizeof(q.cursor), cursor) == -1)
		return;
	api_grant(r, q.grant, &q.grant_len);
	q.access = r->route->access;
	strlcpy(q.user, r->params[0], sizeof(q.user));
	if (api_ask(r, stored(), IPC_OP_DEVICE_LIST, &q, devices_listed) == -1)
		api_error(r, 503, "storage unavailable");
}

static void
one(struct api_req *r, enum ipc_type type, uint32_t op, const char *user,
    const char *ref, ipc_reply_cb cb)
{
	struct ipc_op_cert	 q;

	memset(&q, 0, sizeof(q));
	api_grant(r, q.grant, &q.grant_len);
	q.access = r->route->access;
	q.op = op;
	strlcpy(q.user, user, sizeof(q.user));
	strlcpy(q.ref, ref, sizeof(q.ref));
	q.dialect = r->dialect;
	if (api_ask(r, type == IPC_AUTH_DEPLOY ?
	    frontd_env->chans[PROC_AUTHD] : stored(), type, &q, cb) == -1)
		api_error(r, 503, "service unavailable");
}

void
apiv1_device_get(struct api_req *r)
{
	one(r, IPC_OP_DEVICE, DEVICE_OP_GET, r->params[0], r->params[1],
	    device_answer);
}

void
apiv1_device_delete(struct api_req *r)
{
	one(r, IPC_OP_DEVICE, DEVICE_OP_DELETE, r->params[0], r->params[1],
	    device_answer);
}

/* ---- assignment --------------------------------------------------------- */

static void
assigned(struct ipc_chan *chan, struct ipc_msg *m, void *arg)
{
	struct api_req			*r = arg;
	struct ipc_device_assign_res	 res;

	(void)chan;
	if (api_res(r, m, "storage unavailable", &res) == 0)
		api_json(r, 200, json_pack("{s:{s:I,s:I,s:o}}", "data",
		    "device_id", (json_int_t)res.device_oid, "cert_id",
		    (json_int_t)res.cert_oid, "assigned_at",
		    render_time(res.assigned_at)));
}

/* An id member, a number or a string: 0, or -1 with 400 answered. */
static int
id_field(struct api_req *r, json_t *body, const char *name, char *out,
    size_t outlen)
{
	json_t	*v = json_object_get(body, name);
	char	 why[64];

	if (v != NULL && json_is_integer(v) && json_integer_value(v) > 0) {
		snprintf(out, outlen, "%lld", (long long)json_integer_value(v));
		return 0;
	}
	if (v != NULL && json_is_string(v) && json_string_length(v) > 0)
		return api_copy(r, out, outlen, json_string_value(v));
	snprintf(why, sizeof(why), "%s must be an id", name);
	api_error(r, 400, why);
	return -1;
}

static void
assign(struct api_req *r, uint32_t op, const char *device, const char *cert,
    const char *field)
{
	struct ipc_device_assign q;
	json_t			*body = NULL;
	char			*dst;

	memset(&q, 0, sizeof(q));
	if (device != NULL)
		strlcpy(q.device, device, sizeof(q.device));
	if (cert != NULL)
		strlcpy(q.cert, cert, sizeof(q.cert));
	if (field != NULL) {
		dst = device == NULL ? q.device : q.cert;
		if ((body = api_body(r)) == NULL)
			return;
		if (api_only_fields(r, body, r->route->fields) == -1 ||
		    id_field(r, body, field, dst, sizeof(q.device)) == -1) {
			json_decref(body);
			return;
		}
		json_decref(body);
	}
	api_grant(r, q.grant, &q.grant_len);
	q.access = r->route->access;
	q.op = op;
	q.dialect = r->dialect;
	strlcpy(q.user, r->params[0], sizeof(q.user));
	if (api_ask(r, stored(), IPC_OP_DEVICE_ASSIGN, &q, assigned) == -1)
		api_error(r, 503, "storage unavailable");
}

/* POST /apiv1/users/:user_id/devices/:device_id/certificates {cert_id} */
void
apiv1_device_cert_add(struct api_req *r)
{
	assign(r, DEVICE_ASSIGN, r->params[1], NULL, "cert_id");
}

/* DELETE /apiv1/users/:user_id/devices/:device_id/certificates/:cert_id */
void
apiv1_device_cert_remove(struct api_req *r)
{
	assign(r, DEVICE_UNASSIGN, r->params[1], r->params[2], NULL);
}

/* POST /apiv1/users/:user_id/certificates/:cert_id/assign {device_id} */
void
apiv1_cert_assign(struct api_req *r)
{
	assign(r, DEVICE_ASSIGN, NULL, r->params[1], "device_id");
}

/* ---- a device's own reads ----------------------------------------------- */

static void
self_cert_answer(struct ipc_chan *chan, struct ipc_msg *m, void *arg)
{
	struct api_req		*r = arg;
	struct ipc_cert_res	*res;

	(void)chan;
	if ((res = calloc(1, sizeof(*res))) == NULL)
		fatalx("%s: out of memory", __func__);
	if (api_res(r, m, "storage unavailable", res) == 0)
		api_json(r, 200, json_pack("{s:o}", "data",
		    render_cert(&res->cert)));
	free(res);
}

static void
self_bundle_answer(struct ipc_chan *chan, struct ipc_msg *m, void *arg)
{
	struct api_req		*r = arg;
	struct ipc_ca_res	*res;

	(void)chan;
	if ((res = calloc(1, sizeof(*res))) == NULL)
		fatalx("%s: out of memory", __func__);
	if (api_res(r, m, "storage unavailable", res) == 0)
		response_typed(r->c, 200, "application/x-pem-file", "",
		    res->cert_pem, strlen(res->cert_pem));
	free(res);
}

void
apiv1_self_cert(struct api_req *r)
{
	one(r, IPC_OP_SELF_CERT, CERT_OP_GET, "", r->params[0],
	    self_cert_answer);
}

void
apiv1_self_bundle(struct api_req *r)
{
	one(r, IPC_OP_SELF_BUNDLE, CERT_OP_BUNDLE, "", r->params[0],
	    self_bundle_answer);
}

/* The envelope authd made: nothing here can open it. */
static void
deploy_answer(struct ipc_chan *chan, struct ipc_msg *m, void *arg)
{
	struct api_req		*r = arg;
	struct ipc_deploy_res	*res;

	(void)chan;
	if ((res = calloc(1, sizeof(*res))) == NULL)
		fatalx("%s: out of memory", __func__);
	if (api_res(r, m, "authentication unavailable", res) == 0)
		api_json(r, 200, json_pack("{s:{s:I,s:s,s:s,s:s,s:s,s:s,s:s}}",
		    "data", "cert_id", (json_int_t)res->cert_oid, "cert",
		    res->cert_pem, "chain", res->chain_pem, "enc_scheme",
		    "aes256gcm", "enc_data_key", res->enc_data_key, "nonce",
		    res->nonce, "enc_privkey", res->enc_privkey));
	free(res);
}

void
apiv1_self_deploy(struct api_req *r)
{
	one(r, IPC_AUTH_DEPLOY, CERT_OP_GET, "", r->params[0],
	    deploy_answer);
}
