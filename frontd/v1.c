/*
 * The control plane v1 dialect (control-plane-v1.txt, NOTES.md):
 * login, users, the user's own account, the audit trail.  Each handler
 * reads and checks its input, asks authd or stored, and renders.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api.h"
#include "body_auth.h"
#include "frontd.h"
#include "grantcache.h"
#include "hostrec.h"
#include "log.h"
#include "timefmt.h"

#define LIST_PAGE	200

static struct ipc_chan *
stored(void)
{
	return frontd_env->chans[PROC_STORED];
}

static struct ipc_chan *
authd(void)
{
	return frontd_env->chans[PROC_AUTHD];
}

/* ---- login and logout ------------------------------------------------- */

static void
logged_in(struct ipc_chan *chan, struct ipc_msg *m, void *arg)
{
	struct api_req		*r = arg;
	struct ipc_login_res	 l;

	(void)chan;
	login_res_get(r, m, &l);
	if (l.head.status == 200)
		api_json(r, 200, json_pack("{s:s,s:s,s:s,s:I,s:s,s:I}",
		    "username", l.username, "token", l.token, "role", l.role,
		    "expires_in", (json_int_t)l.expires_in, "user_id",
		    l.user_id, "oid", (json_int_t)l.user_oid));
	else
		api_error_retry(r, l.head.status, l.head.retry,
		    l.head.message);
	explicit_bzero(&l, sizeof(l));
}

void
v1_login(struct api_req *r)
{
	const char	*user, *pass;
	json_t		*body;

	/* a login reads its two members and ignores the rest (a form's
	 * "remember", say), as the public implementation does: nothing
	 * else in the body could change anything */
	if ((body = api_body(r)) == NULL)
		return;
	if (string_field(r, body, "username", 254, &user) == 0 &&
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
	/* the grants kept for the token, here and in the account API */
	grantcache_forget_credential(r->grant);
	api_json(r, 200, json_pack("{s:s}", "message", res.head.message));
}

void
v1_logout(struct api_req *r)
{
	struct ipc_grant_req	 q;

	api_grant(r, q.grant, &q.grant_len);
	if (api_ask(r, stored(), IPC_OP_LOGOUT, &q, logged_out) == -1)
		api_error(r, 503, "storage unavailable");
}

/* ---- one user ------------------------------------------------------- */

enum user_shape {
	SHAPE_BARE,		/* the user object itself */
	SHAPE_WRAPPED,		/* {"user":{...},"hosts":[]} */
};

/* The hosts that follow a user in GET /v1/admin/users/{id}. */
static json_t *
user_hosts(struct api_req *r, const struct ipc_user_res *res)
{
	uint32_t	 i;
	json_t		*list;

	if ((list = json_array()) == NULL)
		fatalx("%s: out of memory", __func__);
	for (i = 0; i < res->nhosts; i++)
		json_array_append_new(list, render_host(&res->hosts[i],
		    r->state));
	return list;
}

static void
user_answer(struct api_req *r, struct ipc_msg *m, enum user_shape shape)
{
	struct ipc_user_res	 res;

	if (api_res(r, m, "storage unavailable", &res) == -1)
		return;
	if (res.nhosts > USER_HOSTS_MAX)
		api_bad_answer(r);
	else if (res.head.status == 204)
		api_empty(r, 204);
	else if (shape == SHAPE_WRAPPED)
		api_json(r, res.head.status, json_pack("{s:o,s:o}", "user",
		    render_user(&res.user), "hosts", user_hosts(r, &res)));
	else
		api_json(r, res.head.status, render_user(&res.user));
}

static void
user_bare(struct ipc_chan *chan, struct ipc_msg *m, void *arg)
{
	(void)chan;
	user_answer(arg, m, SHAPE_BARE);
}

static void
user_wrapped(struct ipc_chan *chan, struct ipc_msg *m, void *arg)
{
	(void)chan;
	user_answer(arg, m, SHAPE_WRAPPED);
}

/* A request about the user the path names, as its route reaches them. */
static void
user_ref(struct api_req *r, enum ipc_type type, ipc_reply_cb cb)
{
	struct ipc_user_ref	 q;

	memset(&q, 0, sizeof(q));
	api_grant(r, q.grant, &q.grant_len);
	q.access = r->route->access;
	if (api_copy(r, q.ref, sizeof(q.ref), r->params[0]) == -1)
		return;
	if (api_ask(r, stored(), type, &q, cb) == -1)
		api_error(r, 503, "storage unavailable");
}

void
v1_user_get(struct api_req *r)
{
	api_keep_host_header(r);
	user_ref(r, IPC_OP_USER_GET, user_wrapped);
}

void
v1_me(struct api_req *r)
{
	struct ipc_grant_req	 q;

	api_grant(r, q.grant, &q.grant_len);
	if (api_ask(r, stored(), IPC_OP_ME, &q, user_bare) == -1)
		api_error(r, 503, "storage unavailable");
}

void
v1_user_delete(struct api_req *r)
{
	user_ref(r, IPC_OP_USER_DELETE, user_bare);
}

/*
 * PATCH /v1/admin/users/{id} {"status"}, and beyond the reference the
 * details a user sets in POST /v2/account/data: an admin fills in the
 * email and notification contacts of the customers they host.
 */
void
v1_user_patch(struct api_req *r)
{
	struct ipc_user_patch	 q;
	const char		*status;
	json_t			*body;

	if ((body = api_body(r)) == NULL)
		return;
	memset(&q, 0, sizeof(q));
	if (api_only_fields(r, body, r->route->fields) == -1 ||
	    optional_string_field(r, body, "status", 16, "", &status) == -1 ||
	    profile_from_body(r, body, &q.profile) == -1)
		goto done;
	if (status[0] == '\0' && q.profile.mask == 0)
		api_error(r, 400, "nothing to change");
	else if (status[0] != '\0' && strcmp(status, "active") != 0 &&
	    strcmp(status, "disabled") != 0)
		api_error(r, 400, "status must be active or disabled");
	else if (api_copy(r, q.ref, sizeof(q.ref), r->params[0]) == 0) {
		api_grant(r, q.grant, &q.grant_len);
		q.access = r->route->access;
		strlcpy(q.status, status, sizeof(q.status));
		if (api_ask(r, stored(), IPC_OP_USER_PATCH, &q,
		    user_bare) == -1)
			api_error(r, 503, "storage unavailable");
	}
 done:
	json_decref(body);
}

/* expires_at: an RFC 3339 time, or null for never.  -1: answered 400. */
static int
expiry_field(struct api_req *r, json_t *v, int64_t *t, int *never)
{
	*never = 0;
	if (v == NULL || json_is_null(v)) {
		*never = 1;
		return 0;
	}
	if (!json_is_string(v) || rfc3339_parse(json_string_value(v),
	    json_string_length(v), t) == -1) {
		api_error(r, 400, "expires_at must be an RFC 3339 time or "
		    "null");
		return -1;
	}
	return 0;
}

void
v1_user_expiry(struct api_req *r)
{
	struct ipc_user_expiry	 q;
	json_t			*body;

	if ((body = api_body(r)) == NULL)
		return;
	if (api_only_fields(r, body, r->route->fields) == -1) {
		json_decref(body);
		return;
	}
	if (json_object_get(body, "expires_at") == NULL) {
		json_decref(body);
		api_error(r, 400, "\"expires_at\" is required");
		return;
	}
	memset(&q, 0, sizeof(q));
	if (expiry_field(r, json_object_get(body, "expires_at"),
	    &q.expires_at, &q.never) == -1) {
		json_decref(body);
		return;
	}
	json_decref(body);
	if (api_copy(r, q.ref, sizeof(q.ref), r->params[0]) == -1)
		return;
	api_grant(r, q.grant, &q.grant_len);
	q.access = r->route->access;
	if (api_ask(r, stored(), IPC_OP_USER_EXPIRY, &q, user_bare) == -1)
		api_error(r, 503, "storage unavailable");
}

/* ---- create and list ------------------------------------------------ */

void
v1_users_create(struct api_req *r)
{
	struct ipc_user_create c;
	struct profile	 p;
	const char	*user, *pass, *role = "user";
	json_t		*body;
	size_t		 len;
	int64_t		 t = 0;
	int		 never, rc;

	if ((body = api_body(r)) == NULL)
		return;
	if (api_only_fields(r, body, r->route->fields) == -1 ||
	    string_field(r, body, "username", 254, &user) == -1 ||
	    string_field(r, body, "password", FIELD_PASSWORD_MAX, &pass) == -1 ||
	    (json_object_get(body, "role") != NULL &&
	    string_field(r, body, "role", 16, &role) == -1) ||
	    expiry_field(r, json_object_get(body, "expires_at"), &t,
	    &never) == -1 || profile_from_body(r, body, &p) == -1)
		goto done;
	len = strlen(user);
	if (len < 3 || len > USERNAME_MAX) {
		api_error(r, 400, "username must be 3 to 50 characters");
		goto done;
	}
	if (strlen(pass) < 8) {
		api_error(r, 400, "password must be at least 8 characters");
		goto done;
	}
	if (strcmp(role, "admin") != 0 && strcmp(role, "user") != 0) {
		api_error(r, 400, "role must be admin or user");
		goto done;
	}
	memset(&c, 0, sizeof(c));
	api_grant(r, c.grant, &c.grant_len);
	strlcpy(c.username, user, sizeof(c.username));
	strlcpy(c.password, pass, sizeof(c.password));
	strlcpy(c.role, role, sizeof(c.role));
	c.expires_at = t;
	c.no_expiry = never;
	c.profile = p;
	/* a password goes to authd on its own, never inside a profile */
	c.profile.mask &= ~PROFILE_PASSWORD;
	rc = api_ask(r, authd(), IPC_AUTH_USER_CREATE, &c, user_bare);
	explicit_bzero(&c, sizeof(c));
	if (rc == -1)
		api_error(r, 503, "authentication unavailable");
 done:
	json_decref(body);
}

static json_t *
user_row(struct api_req *r, const void *item)
{
	(void)r;
	return render_user(item);
}

static void
users_listed(struct ipc_chan *chan, struct ipc_msg *m, void *arg)
{
	(void)chan;
	api_items_answer(arg, m, user_row, "users");
}

void
v1_users_list(struct api_req *r)
{
	struct ipc_page_req	 q;

	memset(&q, 0, sizeof(q));
	if (api_paging(r, LIST_PAGE, LIST_PAGE, &q.limit, &q.offset) == -1) {
		api_error(r, 400, "limit must be 1 to 200, offset a number");
		return;
	}
	api_grant(r, q.grant, &q.grant_len);
	q.access = r->route->access;
	if (api_ask(r, stored(), IPC_OP_USER_LIST, &q, users_listed) == -1)
		api_error(r, 503, "storage unavailable");
}

/* ---- passwords ---------------------------------------------------------- */

/* authd's answer about a password; one it made is shown, once. */
void
v1_password_done(struct ipc_chan *chan, struct ipc_msg *m, void *arg)
{
	struct api_req		*r = arg;
	struct ipc_password_res	 res;

	(void)chan;
	if (api_res(r, m, "authentication unavailable", &res) == -1)
		;
	else if (res.password[0] != '\0')
		api_json(r, 200, json_pack("{s:s,s:s}", "id", r->params[0],
		    "password", res.password));
	else
		api_json(r, 200, json_pack("{s:s}", "message",
		    "password changed"));
	explicit_bzero(&res, sizeof(res));
}

void
v1_user_rotate(struct api_req *r)
{
	struct ipc_auth_rotate_pw	 b;

	memset(&b, 0, sizeof(b));
	memcpy(b.grant, r->grant, sizeof(r->grant));
	b.grant_len = sizeof(r->grant);
	if (api_copy(r, b.ref, sizeof(b.ref), r->params[0]) == 0 &&
	    api_ask(r, authd(), IPC_AUTH_ROTATE_PW, &b,
	    v1_password_done) == -1)
		api_error(r, 503, "authentication unavailable");
}

void
v1_change_password(struct api_req *r)
{
	struct ipc_auth_change_pw	 b;
	const char			*old, *new;
	json_t				*body;
	int				 rc;

	if ((body = api_body(r)) == NULL)
		return;
	if (api_only_fields(r, body, r->route->fields) == -1 ||
	    string_field(r, body, "old_password", FIELD_PASSWORD_MAX, &old) == -1 ||
	    string_field(r, body, "new_password", FIELD_PASSWORD_MAX, &new) == -1) {
		json_decref(body);
		return;
	}
	/* string_field took no more than these hold */
	memset(&b, 0, sizeof(b));
	memcpy(b.grant, r->grant, sizeof(r->grant));
	b.grant_len = sizeof(r->grant);
	strlcpy(b.old_password, old, sizeof(b.old_password));
	strlcpy(b.new_password, new, sizeof(b.new_password));
	strlcpy(b.peer, api_peer(r), sizeof(b.peer));
	json_decref(body);
	rc = api_ask_slow(r, authd(), IPC_AUTH_CHANGE_PW, &b,
	    API_WAIT_PASSWORD, v1_password_done);
	explicit_bzero(&b, sizeof(b));
	if (rc == -1)
		api_error(r, 503, "authentication unavailable");
}

/* ---- events ----------------------------------------------------------- */

static json_t *
event_row(struct api_req *r, const void *item)
{
	const struct event_rec *e = item;
	json_t		*meta;

	(void)r;
	if ((meta = json_loads(e->metadata, 0, NULL)) == NULL)
		meta = json_object();
	return json_pack("{s:s,s:s?,s:s?,s:s?,s:s,s:s,s:s,s:o,s:o}", "id",
	    e->id, "task_id", e->task_id[0] ? e->task_id : NULL,
	    "host_id", e->host_id[0] ? e->host_id : NULL,
	    "user_id", e->user_id[0] ? e->user_id : NULL, "level", e->level,
	    "type", e->type, "message", e->message, "metadata", meta,
	    "created_at", render_time(e->created_at));
}

static void
events_listed(struct ipc_chan *chan, struct ipc_msg *m, void *arg)
{
	struct api_req	*r = arg;
	uint32_t	 limit, offset;
	uint64_t	 total;
	json_t		*list;

	(void)chan;
	if ((list = api_items(r, m, event_row, &total)) == NULL)
		return;
	api_paging(r, 50, 200, &limit, &offset);
	api_json(r, 200, json_pack("{s:o,s:I,s:i,s:i}", "events", list,
	    "total", (json_int_t)total, "limit", limit, "offset", offset));
}

/* A time of the query, if it names one; -1 if it is not RFC 3339. */
static int
time_filter(struct api_req *r, const char *name, int64_t *t, int *none)
{
	const char	*v = api_query_get(r, name);

	*t = 0;
	*none = v == NULL;
	if (v == NULL)
		return 0;
	return rfc3339_parse(v, strlen(v), t);
}

void
v1_events(struct api_req *r)
{
	static const char *const filters[] = { "type", "user_id", "host_id",
	    NULL };
	struct ipc_events_req q;
	char		*dst[3];
	const char	*v;
	int		 k;

	if (api_query_known(r, r->route->query) == -1)
		return;
	memset(&q, 0, sizeof(q));
	if (api_paging(r, 50, 200, &q.limit, &q.offset) == -1) {
		api_error(r, 400, "limit must be 1 to 200, offset a number");
		return;
	}
	dst[0] = q.type;
	dst[1] = q.user_id;
	dst[2] = q.host_id;
	for (k = 0; filters[k] != NULL; k++)
		if ((v = api_query_get(r, filters[k])) != NULL &&
		    strlcpy(dst[k], v, FIELD_FILTER_MAX + 1) >
		    FIELD_FILTER_MAX) {
			api_error(r, 400, "type, user_id and host_id have at "
			    "most 64 characters");
			return;
		}
	if (time_filter(r, "since", &q.since, &q.no_since) == -1 ||
	    time_filter(r, "until", &q.until, &q.no_until) == -1) {
		api_error(r, 400, "since and until must be RFC 3339 times");
		return;
	}
	api_grant(r, q.grant, &q.grant_len);
	if (api_ask(r, stored(), IPC_OP_EVENTS, &q, events_listed) == -1)
		api_error(r, 503, "storage unavailable");
}
