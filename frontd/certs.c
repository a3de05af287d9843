/*
 * Certificates apiv1 (issue 11): a user's private CAs and the
 * certificates they issue.  frontd checks each request's shape; authd
 * makes, seals and opens the keys; stored keeps the rows and decides
 * whose they are.  frontd sees a private key only in an export's
 * answer, which it clears once sent (DESIGN.md, "Secrets passing
 * through frontd").
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api.h"
#include "body_certs.h"
#include "frontd.h"
#include "log.h"
#include "util.h"

/* a key pair of RSA-4096 takes authd seconds, more under sanitizers */
#define KEYGEN_WAIT_MS	30000

static struct ipc_chan *
authd(void)
{
	return frontd_env->chans[PROC_AUTHD];
}

static struct ipc_chan *
stored(void)
{
	return frontd_env->chans[PROC_STORED];
}

static json_t *
render_ca(const struct ca_rec *c)
{
	json_t	*j;

	j = json_pack("{s:I,s:s,s:I,s:s,s:s,s:s,s:o,s:o,s:o}", "id",
	    (json_int_t)c->oid, "uuid", c->id, "user_id",
	    (json_int_t)c->user_oid, "name", c->name, "key_type", c->key_type,
	    "serial", c->serial, "not_before", render_time(c->not_before),
	    "not_after", render_time(c->not_after), "created_at",
	    render_time(c->created_at));
	if (j == NULL)
		fatalx("%s: out of memory", __func__);
	return j;
}

json_t *
render_cert(const struct cert_rec *c)
{
	json_t		*j, *sans;
	const char	*s = c->sans, *end;
	size_t		 len;

	if ((sans = json_array()) == NULL)
		fatalx("%s: out of memory", __func__);
	while (*s != '\0') {
		end = strchr(s, ',');
		len = end != NULL ? (size_t)(end - s) : strlen(s);
		json_array_append_new(sans, json_stringn(s, len));
		if (end == NULL)
			break;
		s = end + 1;
	}
	j = json_pack("{s:I,s:s,s:I,s:o,s:s,s:s,s:o,s:s,s:s,s:s,s:s,s:o,"
	    "s:o,s:o}", "id", (json_int_t)c->oid, "uuid", c->id, "user_id",
	    (json_int_t)c->user_oid, "ca_id", c->ca_oid != 0 ?
	    json_integer((json_int_t)c->ca_oid) : json_null(), "status",
	    c->status, "domain", c->domain, "sans", sans, "serial", c->serial,
	    "key_type", c->key_type, "issuer", c->issuer, "source",
	    c->acme_account_oid != 0 ? "acme" : "ca",
	    "not_before", c->not_before != 0 ? render_time(c->not_before) :
	    json_null(), "not_after", c->not_after != 0 ?
	    render_time(c->not_after) : json_null(), "created_at",
	    render_time(c->created_at));
	if (j == NULL)
		fatalx("%s: out of memory", __func__);
	if (c->acme_account_oid != 0 && (json_object_set_new(j,
	    "acme_account_id", json_integer((json_int_t)c->acme_account_oid))
	    == -1 || json_object_set_new(j, "dns_provider_id",
	    c->dns_provider_oid != 0 ? json_integer((json_int_t)
	    c->dns_provider_oid) : json_null()) == -1 ||
	    json_object_set_new(j, "auto_renew", json_boolean(c->auto_renew))
	    == -1))
		fatalx("%s: out of memory", __func__);
	return j;
}

/* ---- lists ------------------------------------------------------------- */

/*
 * A page: {"data": [...], "pagination": {"cursor", "has_more", "total"}},
 * the cursor null on the last page.
 */
static void
page_answer(struct api_req *r, struct ipc_msg *m, int cas)
{
	struct ipc_cert_list_res res;
	json_t			*list;
	void			*item;
	int			 rc;

	if (api_res(r, m, "storage unavailable", &res) == -1)
		return;
	if ((list = json_array()) == NULL || (item = calloc(1, cas ?
	    sizeof(struct ca_rec) : sizeof(struct cert_rec))) == NULL)
		fatalx("%s: out of memory", __func__);
	while ((rc = ipc_msg_get_item(m, item)) == 1)
		json_array_append_new(list, cas ? render_ca(item) :
		    render_cert(item));
	free(item);
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

static void
cas_listed(struct ipc_chan *chan, struct ipc_msg *m, void *arg)
{
	(void)chan;
	page_answer(arg, m, 1);
}

static void
certs_listed(struct ipc_chan *chan, struct ipc_msg *m, void *arg)
{
	(void)chan;
	page_answer(arg, m, 0);
}

/* ?limit (1-100), and ?offset or ?cursor (offset wins): 0, or -1 answered */
static int
page_query(struct api_req *r, struct ipc_cert_page *q)
{
	const char	*cursor = api_query_get(r, "cursor");

	memset(q, 0, sizeof(*q));
	if (api_query_known(r, r->route->query) == -1)
		return -1;
	if (api_paging(r, 20, 100, &q->limit, &q->offset) == -1) {
		api_error(r, 400, "limit must be 1 to 100, offset a number");
		return -1;
	}
	q->by_cursor = api_query_get(r, "offset") == NULL;
	if (q->by_cursor && cursor != NULL && api_copy(r, q->cursor,
	    sizeof(q->cursor), cursor) == -1)
		return -1;
	api_grant(r, q->grant, &q->grant_len);
	q->access = r->route->access;
	strlcpy(q->user, r->params[0], sizeof(q->user));
	return 0;
}

void
apiv1_cas_list(struct api_req *r)
{
	struct ipc_cert_page	 q;

	if (page_query(r, &q) == 0 &&
	    api_ask(r, stored(), IPC_OP_CA_LIST, &q, cas_listed) == -1)
		api_error(r, 503, "storage unavailable");
}

void
apiv1_certs_list(struct api_req *r)
{
	struct ipc_cert_page	 q;

	if (page_query(r, &q) == 0 &&
	    api_ask(r, stored(), IPC_OP_CERT_LIST, &q, certs_listed) == -1)
		api_error(r, 503, "storage unavailable");
}

/* ---- one CA, one certificate ------------------------------------------ */

static void
ca_answer(struct ipc_chan *chan, struct ipc_msg *m, void *arg)
{
	struct api_req		*r = arg;
	struct ipc_ca_res	*res;

	(void)chan;
	if ((res = calloc(1, sizeof(*res))) == NULL)
		fatalx("%s: out of memory", __func__);
	if (api_res(r, m, "storage unavailable", res) == 0) {
		if (res->head.status == 204)
			api_empty(r, 204);
		else
			api_json(r, res->head.status, json_pack("{s:o}",
			    "data", render_ca(&res->ca)));
	}
	free(res);
}

/* The bundle: the CA's certificate as PEM, for devices to trust. */
static void
bundle_answer(struct ipc_chan *chan, struct ipc_msg *m, void *arg)
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

static void
cert_answer(struct ipc_chan *chan, struct ipc_msg *m, void *arg)
{
	struct api_req		*r = arg;
	struct ipc_cert_res	*res;

	(void)chan;
	if ((res = calloc(1, sizeof(*res))) == NULL)
		fatalx("%s: out of memory", __func__);
	if (api_res(r, m, "storage unavailable", res) == 0) {
		if (res->head.status == 204)
			api_empty(r, 204);
		else
			api_json(r, res->head.status, json_pack("{s:o}",
			    "data", render_cert(&res->cert)));
	}
	free(res);
}

static void
one(struct api_req *r, enum ipc_type type, uint32_t op, ipc_reply_cb cb)
{
	struct ipc_op_cert	 q;

	memset(&q, 0, sizeof(q));
	api_grant(r, q.grant, &q.grant_len);
	q.access = r->route->access;
	q.op = op;
	strlcpy(q.user, r->params[0], sizeof(q.user));
	strlcpy(q.ref, r->params[1], sizeof(q.ref));
	q.dialect = r->dialect;
	if (api_ask(r, stored(), type, &q, cb) == -1)
		api_error(r, 503, "storage unavailable");
}

void
apiv1_ca_get(struct api_req *r)
{
	one(r, IPC_OP_CA, CERT_OP_GET, ca_answer);
}

void
apiv1_ca_delete(struct api_req *r)
{
	one(r, IPC_OP_CA, CERT_OP_DELETE, ca_answer);
}

void
apiv1_ca_bundle(struct api_req *r)
{
	one(r, IPC_OP_CA, CERT_OP_BUNDLE, bundle_answer);
}

void
apiv1_cert_get(struct api_req *r)
{
	one(r, IPC_OP_CERT, CERT_OP_GET, cert_answer);
}

void
apiv1_cert_delete(struct api_req *r)
{
	one(r, IPC_OP_CERT, CERT_OP_DELETE, cert_answer);
}

/* ---- the export: the one answer with a private key in it -------------- */

static void
exported(struct ipc_chan *chan, struct ipc_msg *m, void *arg)
{
	struct api_req			*r = arg;
	struct ipc_cert_export_res	*res;

	(void)chan;
	if ((res = calloc(1, sizeof(*res))) == NULL)
		fatalx("%s: out of memory", __func__);
	if (api_res(r, m, "authentication unavailable", res) == 0)
		api_json(r, 200, json_pack("{s:{s:s,s:s,s:s}}", "data",
		    "cert", res->cert_pem, "chain", res->chain_pem,
		    "privkey", res->privkey));
	explicit_bzero(res, sizeof(*res));
	free(res);
}

void
apiv1_cert_export(struct api_req *r)
{
	struct ipc_certkey_get	 q;

	memset(&q, 0, sizeof(q));
	api_grant(r, q.grant, &q.grant_len);
	q.access = r->route->access;
	q.op = CERTKEY_EXPORT;
	strlcpy(q.user, r->params[0], sizeof(q.user));
	strlcpy(q.ref, r->params[1], sizeof(q.ref));
	q.dialect = r->dialect;
	if (api_ask(r, authd(), IPC_AUTH_CERT_EXPORT, &q, exported) == -1)
		api_error(r, 503, "authentication unavailable");
}

/* ---- making a CA, issuing a certificate ------------------------------- */

/* An optional integer member in lo..hi (0 when absent): 0, or -1. */
static int
int_field(struct api_req *r, json_t *body, const char *name, uint32_t lo,
    uint32_t hi, uint32_t *out)
{
	json_t	*v = json_object_get(body, name);
	char	 why[96];

	*out = 0;
	if (v == NULL || json_is_null(v))
		return 0;
	if (json_is_integer(v) && json_integer_value(v) >= lo &&
	    json_integer_value(v) <= hi) {
		*out = (uint32_t)json_integer_value(v);
		return 0;
	}
	snprintf(why, sizeof(why), "%s must be a number from %u to %u", name,
	    lo, hi);
	api_error(r, 400, why);
	return -1;
}

/* key_type and key_bits, whose meaning authd checks. */
static int
key_fields(struct api_req *r, json_t *body, char *type, size_t typelen,
    uint32_t *bits)
{
	const char	*t;

	if (optional_string_field(r, body, "key_type", typelen - 1, "",
	    &t) == -1 || int_field(r, body, "key_bits", 1, 16384, bits) == -1)
		return -1;
	strlcpy(type, t, typelen);
	return 0;
}

void
apiv1_cas_create(struct api_req *r)
{
	struct ipc_auth_ca_create q;
	json_t			*body;
	const char		*name;

	if ((body = api_body(r)) == NULL)
		return;
	memset(&q, 0, sizeof(q));
	if (api_only_fields(r, body, r->route->fields) == 0 &&
	    string_field(r, body, "name", CERT_NAME_MAX, &name) == 0 &&
	    key_fields(r, body, q.key_type, sizeof(q.key_type),
	    &q.key_bits) == 0 && int_field(r, body, "validity_days", 1, 7320,
	    &q.validity_days) == 0) {
		api_grant(r, q.grant, &q.grant_len);
		strlcpy(q.user, r->params[0], sizeof(q.user));
		strlcpy(q.name, name, sizeof(q.name));
		if (api_ask_slow(r, authd(), IPC_AUTH_CA_CREATE, &q,
		    KEYGEN_WAIT_MS, ca_answer) == -1)
			api_error(r, 503, "authentication unavailable");
	}
	json_decref(body);
}

/* A name of the list, appended to out: 0, or -1 answered. */
static int
name_add(struct api_req *r, json_t *v, char *out, size_t outlen)
{
	const char	*s;
	size_t		 used = strlen(out);

	if (!json_is_string(v) || json_string_length(v) == 0 ||
	    json_string_length(v) > CERT_NAME_MAX ||
	    strchr((s = json_string_value(v)), ',') != NULL) {
		api_error(r, 400, "each name must be a host name or an IP "
		    "address of at most 253 bytes");
		return -1;
	}
	if (used + strlen(s) + 2 > outlen) {
		api_error(r, 400, "the names are too long");
		return -1;
	}
	snprintf(out + used, outlen - used, "%s%s", used > 0 ? "," : "", s);
	return 0;
}

/* domain (or domain_name) first, then sans: joined, checked by authd. */
static int
names_field(struct api_req *r, json_t *body, char *out, size_t outlen)
{
	json_t	*domain, *sans, *v;
	size_t	 i;

	out[0] = '\0';
	if ((domain = json_object_get(body, "domain")) == NULL)
		domain = json_object_get(body, "domain_name");
	sans = json_object_get(body, "sans");
	if (sans != NULL && !json_is_null(sans) && (!json_is_array(sans) ||
	    json_array_size(sans) > CERT_NAMES_MAX)) {
		api_error(r, 400, "sans must be a list of at most 100 names");
		return -1;
	}
	if (domain != NULL && !json_is_null(domain) &&
	    name_add(r, domain, out, outlen) == -1)
		return -1;
	json_array_foreach(sans, i, v)
		if (name_add(r, v, out, outlen) == -1)
			return -1;
	if (out[0] == '\0') {
		api_error(r, 400, "a certificate needs a domain");
		return -1;
	}
	return 0;
}

/* An id member as a number or a string into out: 0, 1 absent, -1. */
static int
ref_field(struct api_req *r, json_t *body, const char *name, char *out,
    size_t outlen)
{
	json_t	*v = json_object_get(body, name);
	char	 why[64];

	if (v == NULL || json_is_null(v))
		return 1;
	if (json_is_integer(v) && json_integer_value(v) > 0) {
		snprintf(out, outlen, "%lld", (long long)json_integer_value(v));
		return 0;
	}
	if (json_is_string(v) && json_string_length(v) > 0)
		return api_copy(r, out, outlen, json_string_value(v));
	snprintf(why, sizeof(why), "%s must be an id", name);
	api_error(r, 400, why);
	return -1;
}

/* acme_account_id (or acct_id) and dns_provider_id: 0 or -1. */
static int
acme_fields(struct api_req *r, json_t *body, struct ipc_auth_cert_issue *q)
{
	int	 rc;

	if (json_object_get(body, "acme_account_id") != NULL &&
	    json_object_get(body, "acct_id") != NULL) {
		api_error(r, 400, "name acme_account_id or acct_id, not both");
		return -1;
	}
	if ((rc = ref_field(r, body, "acme_account_id", q->acme_account,
	    sizeof(q->acme_account))) == 1)
		rc = ref_field(r, body, "acct_id", q->acme_account,
		    sizeof(q->acme_account));
	if (rc != 0)
		return -1;
	return ref_field(r, body, "dns_provider_id", q->dns_provider,
	    sizeof(q->dns_provider)) == -1 ? -1 : 0;
}

/* ca_id as a number or a string, or the ACME account. */
static int
issuer_field(struct api_req *r, json_t *body, struct ipc_auth_cert_issue *q)
{
	json_t	*v = json_object_get(body, "ca_id"), *action;
	char	*ca = q->ca;
	size_t	 calen = sizeof(q->ca);
	int	 acme;

	action = json_object_get(body, "action");
	if (action != NULL && (!json_is_string(action) ||
	    strcmp(json_string_value(action), "create") != 0)) {
		api_error(r, 400, "action must be \"create\"");
		return -1;
	}
	acme = json_object_get(body, "acme_account_id") != NULL ||
	    json_object_get(body, "acct_id") != NULL;
	if (v == NULL && acme)
		return acme_fields(r, body, q);	/* a task: 202 */
	if (json_object_get(body, "dns_provider_id") != NULL) {
		api_error(r, 400, "dns_provider_id goes with an ACME account");
		return -1;
	}
	if (v == NULL || acme) {
		api_error(r, 400, "name either ca_id or acme_account_id");
		return -1;
	}
	if (json_is_integer(v) && json_integer_value(v) > 0)
		snprintf(ca, calen, "%lld", (long long)json_integer_value(v));
	else if (!json_is_string(v) || json_string_length(v) == 0 ||
	    api_copy(r, ca, calen, json_string_value(v)) == -1) {
		if (!json_is_string(v) || json_string_length(v) == 0)
			api_error(r, 400, "ca_id must be a CA's id");
		return -1;
	}
	return 0;
}

static int
issue_fields(struct api_req *r, json_t *body, struct ipc_auth_cert_issue *q)
{
	json_t	*v;

	if ((v = json_object_get(body, "auto_renew")) != NULL &&
	    !json_is_boolean(v)) {
		api_error(r, 400, "auto_renew must be true or false");
		return -1;
	}
	if (json_object_get(body, "domain") != NULL &&
	    json_object_get(body, "domain_name") != NULL) {
		api_error(r, 400, "name domain or domain_name, not both");
		return -1;
	}
	q->auto_renew = json_is_true(v);
	return issuer_field(r, body, q) == -1 ||
	    names_field(r, body, q->names, sizeof(q->names)) == -1 ||
	    key_fields(r, body, q->key_type, sizeof(q->key_type),
	    &q->key_bits) == -1 || int_field(r, body, "validity_days", 1,
	    825, &q->validity_days) == -1 ? -1 : 0;
}

void
apiv1_certs_create(struct api_req *r)
{
	struct ipc_auth_cert_issue *q;
	json_t			*body;

	if ((body = api_body(r)) == NULL)
		return;
	if ((q = calloc(1, sizeof(*q))) == NULL)
		fatalx("%s: out of memory", __func__);
	if (api_only_fields(r, body, r->route->fields) == 0 &&
	    issue_fields(r, body, q) == 0) {
		api_grant(r, q->grant, &q->grant_len);
		strlcpy(q->user, r->params[0], sizeof(q->user));
		if (api_ask_slow(r, authd(), IPC_AUTH_CERT_ISSUE, q,
		    KEYGEN_WAIT_MS, cert_answer) == -1)
			api_error(r, 503, "authentication unavailable");
	}
	free(q);
	json_decref(body);
}

/*
 * POST .../certificates/:id/renew: a renewal with a new key, made by
 * authd (202 with the certificate, which keeps its status until the new
 * one is issued).
 */
void
apiv1_cert_renew(struct api_req *r)
{
	struct ipc_auth_cert_issue *q;

	if ((q = calloc(1, sizeof(*q))) == NULL)
		fatalx("%s: out of memory", __func__);
	api_grant(r, q->grant, &q->grant_len);
	strlcpy(q->user, r->params[0], sizeof(q->user));
	strlcpy(q->renew, r->params[1], sizeof(q->renew));
	if (api_ask_slow(r, authd(), IPC_AUTH_CERT_ISSUE, q, KEYGEN_WAIT_MS,
	    cert_answer) == -1)
		api_error(r, 503, "authentication unavailable");
	free(q);
}

/* POST .../certificates/:id/issues: issue again, 204 as the original. */
void
apiv1_cert_issues(struct api_req *r)
{
	one(r, IPC_OP_CERT, CERT_OP_ISSUE, cert_answer);
}
