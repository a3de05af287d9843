/*
 * A user's DNS providers for ACME dns-01 (certificates apiv1, issue 11):
 * POST, GET (list, one) and DELETE under /apiv1/users/:user_id/
 * dns-providers, and the catalog of the types at
 * /apiv1/dns/providers/catalog.  The secret (a TSIG secret, a hosted
 * provider's API token) goes to authd, which seals it; no answer ever
 * shows it again, only "***" where it was.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api.h"
#include "body_dns.h"
#include "body_keys.h"
#include "dnsprov.h"
#include "frontd.h"
#include "log.h"
#include "util.h"

#define DNS_PORT	53

json_t *
render_dnsprov(const struct dnsprov_rec *d)
{
	json_t	*j;

	j = json_pack("{s:I,s:s,s:I,s:s,s:s,s:s,s:o}", "id",
	    (json_int_t)d->oid, "uuid", d->id, "user_id",
	    (json_int_t)d->user_oid, "name", d->name, "type", d->type,
	    "provider", d->type, "created_at", render_time(d->created_at));
	if (j == NULL)
		fatalx("%s: out of memory", __func__);
	if (strcmp(d->type, "rfc2136") == 0) {
		json_object_set_new(j, "server", json_string(d->server));
		json_object_set_new(j, "port", json_integer(d->port));
		json_object_set_new(j, "zone", json_string(d->zone));
		json_object_set_new(j, "key_name", json_string(d->key_name));
		json_object_set_new(j, "algorithm",
		    json_string(d->algorithm));
		json_object_set_new(j, "secret", json_string("***"));
	} else {
		json_object_set_new(j, "zone_id", json_string(d->zone_id));
		json_object_set_new(j, "api_token", json_string("***"));
	}
	return j;
}

static struct ipc_chan *
stored(void)
{
	return frontd_env->chans[PROC_STORED];
}

static void
prov_answer(struct ipc_chan *chan, struct ipc_msg *m, void *arg)
{
	struct api_req		*r = arg;
	struct ipc_dnsprov_res	 res;

	(void)chan;
	if (api_res(r, m, "storage unavailable", &res) == -1)
		return;
	if (res.head.status == 204)
		api_empty(r, 204);
	else
		api_json(r, res.head.status, json_pack("{s:o}", "data",
		    render_dnsprov(&res.prov)));
}

/* A text member into dst, "" when absent: 0, or -1 answered (400). */
static int
text_member(struct api_req *r, json_t *body, const char *name, char *dst,
    size_t dstlen)
{
	const char	*s;

	if (optional_string_field(r, body, name, dstlen - 1, "", &s) == -1)
		return -1;
	return api_copy(r, dst, dstlen, s);
}

/* "type" or, as the original's hosted shape says, "provider" */
static int
type_member(struct api_req *r, json_t *body, char *dst, size_t dstlen)
{
	json_t	*t = json_object_get(body, "type");
	json_t	*p = json_object_get(body, "provider");

	if (t != NULL && p != NULL && (!json_is_string(t) ||
	    !json_is_string(p) || strcmp(json_string_value(t),
	    json_string_value(p)) != 0)) {
		api_error(r, 400, "type and provider differ");
		return -1;
	}
	if (t == NULL && p == NULL) {
		api_error(r, 400, "type must be rfc2136 or cloudflare");
		return -1;
	}
	return text_member(r, body, t != NULL ? "type" : "provider", dst,
	    dstlen);
}

/* The provider a client sent, shaped as authd and stored read it. */
static int
read_provider(struct api_req *r, json_t *body, struct ipc_dnsprov_create *q)
{
	struct dnsprov_rec	*d = &q->prov;
	json_t			*port;
	const char		*why;
	struct dnsprov_fields	 f;

	if (type_member(r, body, d->type, sizeof(d->type)) == -1 ||
	    text_member(r, body, "name", d->name, sizeof(d->name)) == -1 ||
	    text_member(r, body, "server", d->server,
	    sizeof(d->server)) == -1 ||
	    text_member(r, body, "zone", d->zone, sizeof(d->zone)) == -1 ||
	    text_member(r, body, "key_name", d->key_name,
	    sizeof(d->key_name)) == -1 ||
	    text_member(r, body, "algorithm", d->algorithm,
	    sizeof(d->algorithm)) == -1 ||
	    text_member(r, body, "zone_id", d->zone_id,
	    sizeof(d->zone_id)) == -1 ||
	    text_member(r, body, strcmp(d->type, "cloudflare") == 0 ?
	    "api_token" : "secret", q->secret, sizeof(q->secret)) == -1)
		return -1;
	if (json_object_get(body, strcmp(d->type, "cloudflare") == 0 ?
	    "secret" : "api_token") != NULL) {
		api_error(r, 400, "an rfc2136 provider takes a secret, a "
		    "cloudflare one an api_token");
		return -1;
	}
	port = json_object_get(body, "port");
	if (port != NULL && (!json_is_integer(port) ||
	    json_integer_value(port) < 1 || json_integer_value(port) > 65535)) {
		api_error(r, 400, "port must be 1 to 65535");
		return -1;
	}
	if (strcmp(d->type, "rfc2136") == 0)
		d->port = port != NULL ? json_integer_value(port) : DNS_PORT;
	else if (port != NULL) {
		api_error(r, 400, "a cloudflare provider takes no port");
		return -1;
	}
	if (strcmp(d->type, "rfc2136") == 0 && d->algorithm[0] == '\0')
		strlcpy(d->algorithm, "hmac-sha256", sizeof(d->algorithm));
	f = (struct dnsprov_fields){ d->type, d->name, d->server, d->port,
	    d->zone, d->key_name, d->algorithm, d->zone_id };
	if ((why = dnsprov_check(&f)) != NULL ||
	    (why = dnsprov_secret_check(d->type, q->secret)) != NULL) {
		api_error(r, 400, why);
		return -1;
	}
	/* a label only: a long zone may be cut in it */
	if (d->name[0] == '\0')
		strlcpy(d->name, d->zone[0] != '\0' ? d->zone : d->type,
		    sizeof(d->name));
	return 0;
}

void
apiv1_dnsprov_create(struct api_req *r)
{
	struct ipc_dnsprov_create *q;
	json_t			*body;

	if ((body = api_body(r)) == NULL)
		return;
	if ((q = calloc(1, sizeof(*q))) == NULL)
		fatalx("%s: out of memory", __func__);
	if (api_only_fields(r, body, r->route->fields) == -1 ||
	    read_provider(r, body, q) == -1)
		goto done;
	api_grant(r, q->grant, &q->grant_len);
	q->access = r->route->access;
	q->dialect = r->dialect;
	if (api_copy(r, q->user, sizeof(q->user), r->params[0]) == -1)
		goto done;
	if (api_ask(r, frontd_env->chans[PROC_AUTHD], IPC_AUTH_DNSPROV_CREATE,
	    q, prov_answer) == -1)
		api_error(r, 503, "authentication unavailable");
 done:
	explicit_bzero(q, sizeof(*q));
	free(q);
	/* the secret's copy in the parsed body goes with it */
	json_decref(body);
}

static json_t *
prov_row(struct api_req *r, const void *item)
{
	(void)r;
	return render_dnsprov(item);
}

static void
provs_listed(struct ipc_chan *chan, struct ipc_msg *m, void *arg)
{
	(void)chan;
	api_offset_page(arg, m, prov_row);
}

void
apiv1_dnsprov_list(struct api_req *r)
{
	struct ipc_key_page	 q;

	memset(&q, 0, sizeof(q));
	if (api_paging(r, 20, 100, &q.limit, &q.offset) == -1) {
		api_error(r, 400, "limit must be 1 to 100, offset a number");
		return;
	}
	api_keep_offset(r, q.offset);
	api_grant(r, q.grant, &q.grant_len);
	q.access = r->route->access;
	if (api_copy(r, q.user, sizeof(q.user), r->params[0]) == -1)
		return;
	if (api_ask(r, stored(), IPC_OP_DNSPROV_LIST, &q, provs_listed) == -1)
		api_error(r, 503, "storage unavailable");
}

static void
prov_op(struct api_req *r, enum ipc_type type)
{
	struct ipc_key_ref	 q;

	memset(&q, 0, sizeof(q));
	api_grant(r, q.grant, &q.grant_len);
	q.access = r->route->access;
	q.dialect = r->dialect;
	if (api_copy(r, q.user, sizeof(q.user), r->params[0]) == -1 ||
	    api_copy(r, q.key, sizeof(q.key), r->params[1]) == -1)
		return;
	if (api_ask(r, stored(), type, &q, prov_answer) == -1)
		api_error(r, 503, "storage unavailable");
}

void
apiv1_dnsprov_get(struct api_req *r)
{
	prov_op(r, IPC_OP_DNSPROV_GET);
}

void
apiv1_dnsprov_delete(struct api_req *r)
{
	prov_op(r, IPC_OP_DNSPROV_DELETE);
}

static json_t *
names(const char *const *list)
{
	json_t	*a = json_array();

	for (; a != NULL && *list != NULL; list++)
		json_array_append_new(a, json_string(*list));
	return a;
}

/* GET /apiv1/dns/providers/catalog: the types and their fields */
void
apiv1_dnsprov_catalog(struct api_req *r)
{
	const struct dnsprov_type *t;
	json_t		*list = json_array(), *one;

	if (list == NULL)
		fatalx("%s: out of memory", __func__);
	for (t = dnsprov_types; t->type != NULL; t++) {
		one = json_pack("{s:s,s:s,s:o,s:o,s:[s]}", "type",
		    t->type, "name", t->title, "required",
		    names(t->required), "optional", names(t->optional),
		    "secret_fields", t->secret);
		if (one == NULL)
			fatalx("%s: out of memory", __func__);
		if (strcmp(t->type, "rfc2136") == 0) {
			json_object_set_new(one, "defaults", json_pack(
			    "{s:i,s:s}", "port", DNS_PORT, "algorithm",
			    dnsprov_algs[0]));
			json_object_set_new(one, "algorithms",
			    names(dnsprov_algs));
		}
		json_array_append_new(list, one);
	}
	api_json(r, 200, json_pack("{s:o}", "data", list));
}
