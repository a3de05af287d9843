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
	struct api_req	*r = arg;
	struct ipc_head	 h;

	(void)chan;
	if (api_op_res(r, m, &h) == -1)
		return;
	/* the grants kept for the token, here and in the account API */
	grantcache_forget_credential(r->grant);
	api_json(r, 200, json_pack("{s:s}", "message", h.message));
}

void
v1_logout(struct api_req *r)
{
	struct ipc_msg	 m;

	ipc_msg_init(&m, IPC_OP_LOGOUT, 0);
	ipc_put_bin(&m, r->grant, sizeof(r->grant));
	if (api_request(r, stored(), &m, logged_out) == -1)
		api_error(r, 503, "storage unavailable");
}

/* ---- one user ------------------------------------------------------- */

enum user_shape {
	SHAPE_BARE,		/* the user object itself */
	SHAPE_WRAPPED,		/* {"user":{...},"hosts":[]} */
};

/* The hosts that follow a user in GET /v1/admin/users/{id}. */
static json_t *
user_hosts(struct api_req *r, struct ipc_msg *m)
{
	struct host_rec	 h;
	uint64_t	 n, i;
	json_t		*list;

	if ((list = json_array()) == NULL)
		fatalx("%s: out of memory", __func__);
	ipc_get_u64(m, &n);
	for (i = 0; i < n && m->error == NULL; i++) {
		ipc_body_get(m, &body_host_rec, &h);
		if (m->error == NULL)
			json_array_append_new(list, render_host(&h, r->state));
	}
	return list;
}

static void
user_answer(struct api_req *r, struct ipc_msg *m, enum user_shape shape)
{
	struct user_rec	 u;
	char		 message[256];
	int		 status;

	json_t		*hosts = NULL;

	if (api_arrived(r, m, "storage unavailable") == -1)
		return;
	user_res_read(m, &status, message, sizeof(message), &u);
	if (shape == SHAPE_WRAPPED && status == 200)
		hosts = user_hosts(r, m);
	if (ipc_end(m) == -1) {
		json_decref(hosts);
		api_error(r, 500, "internal error");
	} else if (status == 204)
		api_empty(r, 204);
	else if (status >= 300)
		api_error(r, status, message);
	else if (shape == SHAPE_WRAPPED)
		api_json(r, status, json_pack("{s:o,s:o}", "user",
		    render_user(&u), "hosts", hosts));
	else
		api_json(r, status, render_user(&u));
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

static void
user_op(struct api_req *r, enum ipc_type type, ipc_reply_cb cb)
{
	struct ipc_msg	 m;

	ipc_msg_init(&m, type, 0);
	ipc_put_bin(&m, r->grant, sizeof(r->grant));
	if (type != IPC_OP_ME)
		ipc_put_str(&m, r->params[0]);
	if (api_request(r, stored(), &m, cb) == -1)
		api_error(r, 503, "storage unavailable");
}

void
v1_user_get(struct api_req *r)
{
	api_keep_host_header(r);
	user_op(r, IPC_OP_USER_GET, user_wrapped);
}

void
v1_me(struct api_req *r)
{
	user_op(r, IPC_OP_ME, user_bare);
}

void
v1_user_delete(struct api_req *r)
{
	user_op(r, IPC_OP_USER_DELETE, user_bare);
}

/*
 * PATCH /v1/admin/users/{id} {"status"}, and beyond the reference the
 * details a user sets in POST /v2/account/data: an admin fills in the
 * email and notification contacts of the customers they host.
 */
void
v1_user_patch(struct api_req *r)
{
	struct profile	 p;
	struct ipc_msg	 m;
	const char	*status;
	json_t		*body;

	if ((body = api_body(r)) == NULL)
		return;
	if (api_only_fields(r, body, r->route->fields) == -1 ||
	    optional_string_field(r, body, "status", 16, "", &status) == -1 ||
	    profile_from_body(r, body, &p) == -1)
		goto done;
	if (status[0] == '\0' && p.mask == 0)
		api_error(r, 400, "nothing to change");
	else if (status[0] != '\0' && strcmp(status, "active") != 0 &&
	    strcmp(status, "disabled") != 0)
		api_error(r, 400, "status must be active or disabled");
	else {
		ipc_msg_init(&m, IPC_OP_USER_PATCH, 0);
		ipc_put_bin(&m, r->grant, sizeof(r->grant));
		ipc_put_str(&m, r->params[0]);
		ipc_put_str(&m, status);
		ipc_put_profile(&m, &p);
		if (api_request(r, stored(), &m, user_bare) == -1)
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
	struct ipc_msg	 m;
	json_t		*body;
	int64_t		 t = 0;
	int		 never;

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
	if (expiry_field(r, json_object_get(body, "expires_at"), &t,
	    &never) == -1) {
		json_decref(body);
		return;
	}
	json_decref(body);
	ipc_msg_init(&m, IPC_OP_USER_EXPIRY, 0);
	ipc_put_bin(&m, r->grant, sizeof(r->grant));
	ipc_put_str(&m, r->params[0]);
	if (never)
		ipc_put_nil(&m);
	else
		ipc_put_i64(&m, t);
	if (api_request(r, stored(), &m, user_bare) == -1)
		api_error(r, 503, "storage unavailable");
}

/* ---- create and list ------------------------------------------------ */

void
v1_users_create(struct api_req *r)
{
	struct profile	 p;
	struct ipc_msg	 m;
	const char	*user, *pass, *role = "user";
	json_t		*body;
	size_t		 len;
	int64_t		 t = 0;
	int		 never;

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
	ipc_msg_init(&m, IPC_AUTH_USER_CREATE, 0);
	ipc_put_bin(&m, r->grant, sizeof(r->grant));
	ipc_put_str(&m, user);
	ipc_put_str(&m, pass);
	ipc_put_str(&m, role);
	if (never)
		ipc_put_nil(&m);
	else
		ipc_put_i64(&m, t);
	ipc_put_profile(&m, &p);
	if (api_request(r, authd(), &m, user_bare) == -1)
		api_error(r, 503, "authentication unavailable");
 done:
	json_decref(body);
}

static json_t *
user_row(struct api_req *r, struct ipc_msg *m)
{
	struct user_rec	 u;

	ipc_get_user(m, &u);
	return render_user(&u);
}

static void
users_listed(struct ipc_chan *chan, struct ipc_msg *m, void *arg)
{
	(void)chan;
	api_list_answer(arg, m, user_row, "users");
}

void
v1_users_list(struct api_req *r)
{
	struct ipc_msg	 m;
	uint32_t	 limit, offset;

	if (api_paging(r, LIST_PAGE, LIST_PAGE, &limit, &offset) == -1) {
		api_error(r, 400, "limit must be 1 to 200, offset a number");
		return;
	}
	ipc_msg_init(&m, IPC_OP_USER_LIST, 0);
	ipc_put_bin(&m, r->grant, sizeof(r->grant));
	ipc_put_u64(&m, limit);
	ipc_put_u64(&m, offset);
	if (api_request(r, stored(), &m, users_listed) == -1)
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
	else if (res.password[0] != '\0' &&
	    strstr(r->route->pattern, "/rotate-ssh-password") != NULL)
		api_json(r, 200, json_pack("{s:s,s:s,s:s}", "id", r->params[0],
		    "ssh_password", res.password, "password", res.password));
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
event_row(struct api_req *r, struct ipc_msg *m)
{
	char		 f[8][FIELD_EVENT_TEXT_MAX + 1];
	int64_t		 created;
	json_t		*meta;
	int		 k;

	for (k = 0; k < 8; k++)
		ipc_get_str(m, f[k], sizeof(f[k]));
	ipc_get_i64(m, &created);
	if ((meta = json_loads(f[7], 0, NULL)) == NULL)
		meta = json_object();
	return json_pack("{s:s,s:s?,s:s?,s:s?,s:s,s:s,s:s,s:o,s:o}", "id", f[0],
	    "task_id", f[1][0] ? f[1] : NULL,
	    "host_id", f[2][0] ? f[2] : NULL,
	    "user_id", f[3][0] ? f[3] : NULL, "level", f[4],
	    "type", f[5], "message", f[6], "metadata", meta,
	    "created_at", render_time(created));
}

static void
events_listed(struct ipc_chan *chan, struct ipc_msg *m, void *arg)
{
	struct api_req	*r = arg;
	uint32_t	 limit, offset;
	uint64_t	 total;
	json_t		*list;

	(void)chan;
	if ((list = api_list_res(r, m, event_row, &total)) == NULL)
		return;
	api_paging(r, 50, 200, &limit, &offset);
	api_json(r, 200, json_pack("{s:o,s:I,s:i,s:i}", "events", list,
	    "total", (json_int_t)total, "limit", limit, "offset", offset));
}

static int
time_filter(struct api_req *r, const char *name, struct ipc_msg *m)
{
	const char	*v = api_query_get(r, name);
	int64_t		 t;

	if (v == NULL) {
		ipc_put_nil(m);
		return 0;
	}
	if (rfc3339_parse(v, strlen(v), &t) == -1)
		return -1;
	ipc_put_i64(m, t);
	return 0;
}

void
v1_events(struct api_req *r)
{
	static const char *const filters[] = { "type", "user_id", "host_id",
	    NULL };
	struct ipc_msg	 m;
	uint32_t	 limit, offset;
	const char	*v;
	int		 k;

	if (api_query_known(r, r->route->query) == -1)
		return;
	if (api_paging(r, 50, 200, &limit, &offset) == -1) {
		api_error(r, 400, "limit must be 1 to 200, offset a number");
		return;
	}
	for (k = 0; filters[k] != NULL; k++)
		if ((v = api_query_get(r, filters[k])) != NULL &&
		    strlen(v) > FIELD_FILTER_MAX) {
			api_error(r, 400, "type, user_id and host_id have at "
			    "most 64 characters");
			return;
		}
	ipc_msg_init(&m, IPC_OP_EVENTS, 0);
	ipc_put_bin(&m, r->grant, sizeof(r->grant));
	ipc_put_u64(&m, limit);
	ipc_put_u64(&m, offset);
	ipc_put_str(&m, (v = api_query_get(r, "type")) ? v : "");
	ipc_put_str(&m, (v = api_query_get(r, "user_id")) ? v : "");
	ipc_put_str(&m, (v = api_query_get(r, "host_id")) ? v : "");
	if (time_filter(r, "since", &m) == -1 ||
	    time_filter(r, "until", &m) == -1) {
		ipc_msg_clear(&m);
		api_error(r, 400, "since and until must be RFC 3339 times");
		return;
	}
	if (api_request(r, stored(), &m, events_listed) == -1)
		api_error(r, 503, "storage unavailable");
}
