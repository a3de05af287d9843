/*
 * The certificates apiv1 dialect (certctrl-apiv1.txt, certctrl-apikeys.txt,
 * NOTES.md): a session cookie from /auth/general, and ak_ API keys with
 * scopes.  Answers are {"data": ...}; errors {"error":{"code","what"}}.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api.h"
#include "body_keys.h"
#include "body_auth.h"
#include "frontd.h"
#include "grantcache.h"
#include "log.h"
#include "scopes.h"
#include "util.h"

#define KEYS_MAX_PERMISSIONS	32
#define TEN_YEARS		(10LL * 366 * 86400)

static struct ipc_chan *
stored(void)
{
	return frontd_env->chans[PROC_STORED];
}

/* ---- the session cookie ------------------------------------------------ */

static void
cookie_set(struct api_req *r, struct ipc_login_res *l)
{
	char	 headers[3072], csrf[33];

	random_string(csrf, 32, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnop"
	    "qrstuvwxyz0123456789");
	/* HttpOnly: no script reads the session; the CSRF token is for
	 * scripts of our own origin to send back in X-CSRF-Token */
	snprintf(headers, sizeof(headers),
	    "Set-Cookie: " COOKIE_SESSION "=%s; Path=/; Max-Age=%llu; "
	    "HttpOnly; Secure; SameSite=Strict\r\n"
	    "Set-Cookie: " COOKIE_CSRF "=%s; Path=/; Max-Age=%llu; Secure; "
	    "SameSite=Strict\r\n", l->token,
	    (unsigned long long)l->expires_in, csrf,
	    (unsigned long long)l->expires_in);
	api_json_headers(r, 200, headers, json_pack("{s:{s:I,s:s,s:s,s:s,"
	    "s:I,s:s}}", "data", "user_id", (json_int_t)l->user_oid, "uuid",
	    l->user_id, "username", l->username, "role", l->role,
	    "expires_in", (json_int_t)l->expires_in, "csrf_token", csrf));
	explicit_bzero(headers, sizeof(headers));
}

static void
logged_in(struct ipc_chan *chan, struct ipc_msg *m, void *arg)
{
	struct api_req		*r = arg;
	struct ipc_login_res	 l;

	(void)chan;
	login_res_get(r, m, &l);
	if (l.head.status == 200)
		cookie_set(r, &l);
	else
		api_error_retry(r, l.head.status, l.head.retry,
		    l.head.status == 401 ? "invalid credentials" :
		    l.head.message);
	explicit_bzero(&l, sizeof(l));
}

/* POST /auth/general {"email" or "username", "password"} */
void
apiv1_login(struct api_req *r)
{
	const char	*user, *pass;
	json_t		*body;

	/* as a v1 login: members beyond these change nothing */
	if ((body = api_body(r)) == NULL)
		return;
	if (string_field(r, body, json_object_get(body, "email") != NULL ?
	    "email" : "username", 254, &user) == 0 &&
	    string_field(r, body, "password", FIELD_PASSWORD_MAX, &pass) == 0 &&
	    api_login(r, user, pass, logged_in) == -1)
		api_error(r, 503, "authentication unavailable");
	json_decref(body);
}

static void
logged_out(struct ipc_chan *chan, struct ipc_msg *m, void *arg)
{
	struct api_req		*r = arg;
	struct ipc_status_res	 res;

	(void)chan;
	if (api_res(r, m, "storage unavailable", &res) == -1)
		return;
	/* the grants kept for the cookie, and for it as a bearer */
	grantcache_forget_credential(r->grant);
	api_json_headers(r, 200,
	    "Set-Cookie: " COOKIE_SESSION "=; Path=/; Max-Age=0; HttpOnly; "
	    "Secure; SameSite=Strict\r\n"
	    "Set-Cookie: " COOKIE_CSRF "=; Path=/; Max-Age=0; Secure; "
	    "SameSite=Strict\r\n", json_pack("{s:{s:s}}", "data", "message",
	    "logged out"));
}

void
apiv1_logout(struct api_req *r)
{
	struct ipc_grant_req	 q;

	api_grant(r, q.grant, &q.grant_len);
	if (api_ask(r, stored(), IPC_OP_LOGOUT, &q, logged_out) == -1)
		api_error(r, 503, "storage unavailable");
}

/* ---- API keys --------------------------------------------------------- */

static void
key_answer(struct ipc_chan *chan, struct ipc_msg *m, void *arg)
{
	struct api_req		*r = arg;
	struct ipc_apikey_res	 res;

	(void)chan;
	if (api_res(r, m, "storage unavailable", &res) == -1)
		return;
	if (res.head.status == 204)
		api_empty(r, 204);
	else
		api_json(r, res.head.status, json_pack("{s:o}", "data",
		    render_key(&res.key)));
	explicit_bzero(&res, sizeof(res));
}

static json_t *
key_row(struct api_req *r, const void *item)
{
	(void)r;
	return render_key(item);
}

static void
keys_listed(struct ipc_chan *chan, struct ipc_msg *m, void *arg)
{
	struct api_req	*r = arg;
	uint64_t	 total;
	json_t		*list;

	(void)chan;
	if ((list = api_items(r, m, key_row, &total)) != NULL)
		api_json(r, 200, json_pack("{s:o,s:{s:I}}", "data", list,
		    "pagination", "total", (json_int_t)total));
}

void
apiv1_keys_list(struct api_req *r)
{
	struct ipc_key_page	 q;

	memset(&q, 0, sizeof(q));
	if (api_paging(r, 20, 100, &q.limit, &q.offset) == -1) {
		api_error(r, 400, "limit must be 1 to 100, offset a number");
		return;
	}
	memcpy(q.grant, r->grant, sizeof(r->grant));
	q.grant_len = sizeof(r->grant);
	q.access = r->route->access;
	strlcpy(q.user, r->params[0], sizeof(q.user));
	if (api_ask(r, stored(), IPC_OP_APIKEY_LIST, &q, keys_listed) == -1)
		api_error(r, 503, "storage unavailable");
}

static void
key_op(struct api_req *r, enum ipc_type type)
{
	struct ipc_key_ref	 q;

	memset(&q, 0, sizeof(q));
	memcpy(q.grant, r->grant, sizeof(r->grant));
	q.grant_len = sizeof(r->grant);
	q.access = r->route->access;
	strlcpy(q.user, r->params[0], sizeof(q.user));
	strlcpy(q.key, r->params[1], sizeof(q.key));
	q.dialect = r->dialect;
	if (api_ask(r, stored(), type, &q, key_answer) == -1)
		api_error(r, 503, "storage unavailable");
}

void
apiv1_key_get(struct api_req *r)
{
	key_op(r, IPC_OP_APIKEY_GET);
}

void
apiv1_key_delete(struct api_req *r)
{
	key_op(r, IPC_OP_APIKEY_DELETE);
}

/* "scopes": ["certs.read", ...] */
static int
read_scopes(json_t *v, uint32_t *scopes)
{
	json_t		*s;
	size_t		 i;
	uint32_t	 bit;

	if (!json_is_array(v) || json_array_size(v) > 16)
		return -1;
	json_array_foreach(v, i, s) {
		if (!json_is_string(s) ||
		    scope_by_name(json_string_value(s), &bit) == -1)
			return -1;
		*scopes |= bit;
	}
	return 0;
}

/*
 * "permissions": [{"obtype","obid","actions":["read","write"]}].  One
 * without obid (or with "*") gives its actions on every object (as scope
 * names do);
 * one with obid on that object alone, which stored checks and keeps
 * (*limited: the scopes only such entries give).
 */
static int
read_permissions(json_t *v, uint32_t *scopes, uint32_t *limited)
{
	json_t		*p, *a, *obid;
	size_t		 i, j;
	uint32_t	 bit;
	char		 name[64];

	if (!json_is_array(v) || json_array_size(v) > KEYS_MAX_PERMISSIONS)
		return -1;
	json_array_foreach(v, i, p) {
		if (!json_is_object(p) || json_object_size(p) > 3 ||
		    (json_object_size(p) == 3 &&
		    json_object_get(p, "obid") == NULL) ||
		    !json_is_string(json_object_get(p, "obtype")) ||
		    json_string_length(json_object_get(p, "obtype")) > 32 ||
		    !json_is_array(json_object_get(p, "actions")) ||
		    json_array_size(json_object_get(p, "actions")) == 0 ||
		    json_array_size(json_object_get(p, "actions")) > 2)
			return -1;
		obid = json_object_get(p, "obid");
		/* "*" (or null) names every object */
		if (obid != NULL && (json_is_null(obid) ||
		    (json_is_string(obid) &&
		    strcmp(json_string_value(obid), "*") == 0)))
			obid = NULL;
		if (obid != NULL && !json_is_string(obid) &&
		    !json_is_integer(obid))
			return -1;
		if (obid != NULL && json_is_string(obid) &&
		    json_string_length(obid) > 64)
			return -1;
		json_array_foreach(json_object_get(p, "actions"), j, a) {
			if (!json_is_string(a))
				return -1;
			snprintf(name, sizeof(name), "%s.%s",
			    json_string_value(json_object_get(p, "obtype")),
			    json_string_value(a));
			if (scope_by_name(name, &bit) == -1)
				return -1;
			/* keys are named by no obid: their own scope */
			if (obid != NULL && (bit & (SCOPE_APIKEYS_READ |
			    SCOPE_APIKEYS_WRITE)))
				return -1;
			if (obid != NULL)
				*limited |= bit;
			else
				*scopes |= bit;
		}
	}
	return 0;
}

/* The "permissions" of a new key as stored keeps them: 0, or -1 answered. */
static int
key_permissions(struct api_req *r, json_t *body, char *out, size_t outlen)
{
	char	*perms;
	int	 rc = 0;

	if (json_object_get(body, "permissions") == NULL)
		perms = strdup("[]");
	else
		perms = json_dumps(json_object_get(body, "permissions"),
		    JSON_COMPACT);
	if (perms == NULL)
		fatalx("%s: out of memory", __func__);
	if (strlcpy(out, perms, outlen) >= outlen) {
		api_error(r, 400, "permissions too long");
		rc = -1;
	}
	free(perms);
	return rc;
}

void
apiv1_keys_create(struct api_req *r)
{
	struct ipc_apikey_create *q;
	json_t			*body, *v;
	const char		*name = "";
	uint32_t		 limited = 0;

	if ((body = api_body(r)) == NULL)
		return;
	if ((q = calloc(1, sizeof(*q))) == NULL)
		fatalx("%s: out of memory", __func__);
	if (api_only_fields(r, body, r->route->fields) == -1)
		goto done;
	if (json_object_get(body, "name") != NULL &&
	    string_field(r, body, "name", KEYNAME_MAX, &name) == -1)
		goto done;
	if ((v = json_object_get(body, "scopes")) != NULL &&
	    read_scopes(v, &q->scopes) == -1) {
		api_error(r, 400, "scopes must be a list of known scope names");
		goto done;
	}
	if ((v = json_object_get(body, "permissions")) != NULL &&
	    read_permissions(v, &q->scopes, &limited) == -1) {
		api_error(r, 400, "permissions must be a list of {obtype, obid, "
		    "actions}");
		goto done;
	}
	if (q->scopes == 0 && limited == 0) {
		api_error(r, 400, "a key needs at least one scope");
		goto done;
	}
	v = json_object_get(body, "expires_in_seconds");
	if (v != NULL && !json_is_null(v) && (!json_is_integer(v) ||
	    json_integer_value(v) <= 0 || json_integer_value(v) > TEN_YEARS)) {
		api_error(r, 400, "expires_in_seconds must be a positive "
		    "number of seconds");
		goto done;
	}
	if (key_permissions(r, body, q->permissions,
	    sizeof(q->permissions)) == -1)
		goto done;
	memcpy(q->grant, r->grant, sizeof(r->grant));
	q->grant_len = sizeof(r->grant);
	strlcpy(q->user, r->params[0], sizeof(q->user));
	strlcpy(q->name, name, sizeof(q->name));
	if (v != NULL && !json_is_null(v))
		q->expires_in = json_integer_value(v);
	else
		q->never = 1;
	if (api_ask(r, frontd_env->chans[PROC_AUTHD], IPC_AUTH_APIKEY_CREATE, q,
	    key_answer) == -1)
		api_error(r, 503, "authentication unavailable");
 done:
	free(q);
	json_decref(body);
}

/* ---- the permissions an API key may carry ------------------------------ */

static const struct {
	const char	*obtype;
	const char	*description;
	int		 by_object;	/* an obid may limit it */
} obtypes[] = {
	{ "certs", "certificates; with no obid, also DNS providers and ACME "
	    "accounts", 1 },
	{ "cas", "private certificate authorities", 1 },
	{ "devices", "devices and the certificates given to them", 1 },
	{ "apikeys", "API keys", 0 },
};

/* GET /apiv1/permissions/catalog: what "permissions" may name */
void
apiv1_permissions_catalog(struct api_req *r)
{
	json_t	*list, *one;
	char	 rd[32], wr[32];
	size_t	 i;

	if ((list = json_array()) == NULL)
		fatalx("%s: out of memory", __func__);
	for (i = 0; i < sizeof(obtypes) / sizeof(obtypes[0]); i++) {
		snprintf(rd, sizeof(rd), "%s.read", obtypes[i].obtype);
		snprintf(wr, sizeof(wr), "%s.write", obtypes[i].obtype);
		one = json_pack("{s:s,s:s,s:[s,s],s:[s,s],s:b}", "obtype",
		    obtypes[i].obtype, "description", obtypes[i].description,
		    "actions", "read", "write", "scopes", rd, wr, "obid",
		    obtypes[i].by_object);
		if (one == NULL)
			fatalx("%s: out of memory", __func__);
		json_array_append_new(list, one);
	}
	api_json(r, 200, json_pack("{s:o}", "data", list));
}
