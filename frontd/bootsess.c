/*
 * Bootstrap sessions (issue 13; NOTES.md has the shapes): a script that
 * asks for a user's name and password, a session that starts their
 * host if it is stopped, its task to poll, and the handoff to the SSH
 * gateway.  Errors are {"error_code","message"}; the scripts parse
 * answers with grep, so answers are compact JSON with numeric ports.
 * A task id is the session's only key: random, kept by stored as a
 * digest, expiring (stored/entry.c).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api.h"
#include "body_entry.h"
#include "frontd.h"
#include "log.h"

#define BOOT_USER_MAX	254

static void
boot_error(struct api_req *r, int status, uint32_t retry, const char *code,
    const char *message)
{
	char	 headers[64] = "";

	if (retry > 0)
		snprintf(headers, sizeof(headers), "Retry-After: %u\r\n",
		    retry);
	/* NOTES.md's shape, and the v1 dialect's "error" besides */
	api_json_headers(r, status, headers, json_pack("{s:s,s:s,s:s}",
	    "error_code", code, "message", message, "error", message));
}

/* The code of an error authd or stored answered, by its status. */
static const char *
boot_code(uint32_t status, const char *message)
{
	switch (status) {
	case 400: return "invalid_request";
	case 401: return "auth_invalid";
	case 403: return strstr(message, "expired") != NULL ?
	    "account_expired" : "account_disabled";
	case 404: return "host_not_found";
	case 429: return "rate_limited";
	case 503: return "unavailable";
	default: return "internal_error";
	}
}

/* GET /v1/bootstrap/script */
void
bootstrap_script(struct api_req *r)
{
	api_keep_host_header(r);
	entry_send_script(r, script_bootstrap, "");
}

static const char *
stage_text(const char *stage)
{
	if (strcmp(stage, "host_starting") == 0)
		return "starting your host";
	if (strcmp(stage, "runtime_validating") == 0)
		return "waiting for the SSH gateway";
	if (strcmp(stage, "ssh_ready") == 0)
		return "your host is ready";
	return "signed in";
}

static void
status_url(struct api_req *r, const char *id, char *out, size_t len)
{
	char	 base[FIELD_HOST_MAX + 16];

	snprintf(base, sizeof(base), "https://%s", (const char *)r->state);
	snprintf(out, len, "%s/v1/bootstrap/tasks/%s", base, id);
}

static void
session_made(struct ipc_chan *chan, struct ipc_msg *m, void *arg)
{
	struct api_req			*r = arg;
	struct ipc_bootstrap_res	 res;
	char				 url[FIELD_HOST_MAX + 128];

	(void)chan;
	if (api_arrived(r, m, "authentication unavailable") == -1)
		return;
	if (ipc_msg_get(m, &res) == -1) {
		api_bad_answer(r);
		return;
	}
	if (!ipc_status_ok(res.head.status)) {
		boot_error(r, res.head.status, res.head.retry,
		    boot_code(res.head.status, res.head.message),
		    res.head.status == 401 ? "invalid credentials" :
		    res.head.message);
		return;
	}
	status_url(r, res.task_id, url, sizeof(url));
	api_json(r, 201, json_pack("{s:s,s:s,s:s,s:s}", "task_id", res.task_id,
	    "status_url", url, "stage_code", res.stage, "stage_text",
	    stage_text(res.stage)));
	explicit_bzero(&res, sizeof(res));
}

/* POST /v1/bootstrap/sessions {"username","password"} */
void
bootstrap_session(struct api_req *r)
{
	struct ipc_auth_login	 q;
	json_t			*body, *u, *p;

	if ((body = api_body(r)) == NULL)
		return;
	u = json_object_get(body, "username");
	p = json_object_get(body, "password");
	if (!json_is_string(u) || !json_is_string(p) ||
	    json_string_length(u) == 0 || json_string_length(p) == 0) {
		boot_error(r, 400, 0, "invalid_request",
		    "username and password are required");
		json_decref(body);
		return;
	}
	if (json_string_length(u) > BOOT_USER_MAX ||
	    json_string_length(p) > FIELD_PASSWORD_MAX ||
	    strlen(json_string_value(u)) != json_string_length(u) ||
	    strlen(json_string_value(p)) != json_string_length(p)) {
		boot_error(r, 400, 0, "invalid_request",
		    "username or password too long");
		json_decref(body);
		return;
	}
	api_keep_host_header(r);
	if (((char *)r->state)[0] == '\0') {
		json_decref(body);
		boot_error(r, 400, 0, "invalid_request",
		    "the request has no usable Host");
		return;
	}
	memset(&q, 0, sizeof(q));
	q.dialect = DIALECT_V1;
	strlcpy(q.peer, api_peer(r), sizeof(q.peer));
	strlcpy(q.name, json_string_value(u), sizeof(q.name));
	strlcpy(q.password, json_string_value(p), sizeof(q.password));
	json_decref(body);
	if (api_ask_slow(r, frontd_env->chans[PROC_AUTHD], IPC_AUTH_BOOTSTRAP,
	    &q, API_WAIT_PASSWORD, session_made) == -1)
		boot_error(r, 503, 0, "unavailable",
		    "authentication unavailable");
	explicit_bzero(&q, sizeof(q));
}

/* ---- a session's task and its handoff --------------------------------- */

struct boot_view {
	const char	*task_status;
	const char	*stage;
	const char	*error_code;	/* NULL: none */
	const char	*error_message;
	int		 retryable;
};

/* Where the session is, from its host's and its task's states. */
static void
boot_view(const struct ipc_bootstrap_task_res *t, uint32_t port,
    struct boot_view *v)
{
	memset(v, 0, sizeof(*v));
	if (strcmp(t->host_status, "deleted") == 0) {
		v->task_status = "failed";
		v->stage = "auth_passed";
		v->error_code = "host_not_found";
		v->error_message = "the host was deleted";
		return;
	}
	if (strcmp(t->task_status, "pending") == 0 ||
	    strcmp(t->task_status, "running") == 0) {
		v->task_status = t->task_status;
		v->stage = "host_starting";
		return;
	}
	if (strcmp(t->task_status, "failed") == 0 ||
	    strcmp(t->task_status, "canceled") == 0 ||
	    strcmp(t->host_status, "running") != 0) {
		v->task_status = "failed";
		v->stage = "host_starting";
		v->error_code = "start_failed";
		v->error_message = t->error_message[0] != '\0' ?
		    t->error_message : "the host did not start";
		v->retryable = 1;
		return;
	}
	if (port == 0) {
		/* the host runs; no gateway is configured to reach it */
		v->task_status = "running";
		v->stage = "runtime_validating";
		return;
	}
	v->task_status = "succeeded";
	v->stage = "ssh_ready";
}

static int
boot_task_read(struct api_req *r, struct ipc_msg *m,
    struct ipc_bootstrap_task_res *t)
{
	if (api_arrived(r, m, "storage unavailable") == -1)
		return -1;
	if (ipc_msg_get(m, t) == -1) {
		api_bad_answer(r);
		return -1;
	}
	if (!ipc_status_ok(t->head.status)) {
		boot_error(r, t->head.status, 0, t->head.status == 404 ?
		    "task_not_found" : "internal_error", t->head.message);
		return -1;
	}
	return 0;
}

static void
task_read(struct ipc_chan *chan, struct ipc_msg *m, void *arg)
{
	struct api_req			*r = arg;
	struct ipc_bootstrap_task_res	 t;
	struct boot_view		 v;
	char				 host[FIELD_HOST_MAX + 1];
	json_t				*j;

	(void)chan;
	if (boot_task_read(r, m, &t) == -1)
		return;
	boot_view(&t, render_ssh_endpoint(r->state, host, sizeof(host)), &v);
	j = json_pack("{s:s,s:s,s:s,s:s}", "task_id", r->params[0],
	    "task_status", v.task_status, "stage_code", v.stage, "stage_text",
	    stage_text(v.stage));
	if (j != NULL && v.error_code != NULL) {
		json_object_set_new(j, "error_code",
		    json_string(v.error_code));
		json_object_set_new(j, "error_message",
		    json_string(v.error_message));
		json_object_set_new(j, "retryable",
		    json_boolean(v.retryable));
	}
	api_json(r, 200, j);
}

static void
not_ready(struct api_req *r, const char *code, const char *message)
{
	api_json(r, 503, json_pack("{s:b,s:s,s:s,s:s}", "ready", 0,
	    "error_code", code, "message", message, "error", message));
}

static void
handoff_read(struct ipc_chan *chan, struct ipc_msg *m, void *arg)
{
	struct api_req			*r = arg;
	struct ipc_bootstrap_task_res	 t;
	struct boot_view		 v;
	char				 host[FIELD_HOST_MAX + 1];
	uint32_t			 port;

	(void)chan;
	if (boot_task_read(r, m, &t) == -1)
		return;
	port = render_ssh_endpoint(r->state, host, sizeof(host));
	boot_view(&t, port, &v);
	if (v.error_code != NULL) {
		not_ready(r, v.error_code, v.error_message);
		return;
	}
	if (strcmp(v.task_status, "succeeded") != 0) {
		not_ready(r, "ssh_not_ready", port == 0 ?
		    "no SSH gateway is configured" :
		    "the host is still starting");
		return;
	}
	api_json(r, 200, json_pack("{s:b,s:s,s:I,s:s,s:[s,s]}", "ready", 1,
	    "host", host, "port", (json_int_t)port, "user", t.short_id,
	    "ssh_options", "StrictHostKeyChecking=accept-new",
	    "ServerAliveInterval=30"));
}

static void
boot_ask(struct api_req *r, ipc_reply_cb cb)
{
	struct ipc_bootstrap_get	 q;

	if (strlen(r->params[0]) != BOOT_ID_LEN) {
		boot_error(r, 404, 0, "task_not_found", "task not found");
		return;
	}
	api_keep_host_header(r);
	memset(&q, 0, sizeof(q));
	/* authenticated (AUTH_OPTIONAL) when a credential came */
	if (http_header_get(r->c->req, "Authorization") != NULL)
		api_grant(r, q.grant, &q.grant_len);
	strlcpy(q.task_id, r->params[0], sizeof(q.task_id));
	if (api_ask(r, frontd_env->chans[PROC_STORED], IPC_OP_BOOTSTRAP_GET,
	    &q, cb) == -1)
		boot_error(r, 503, 0, "unavailable", "storage unavailable");
}

/* GET /v1/bootstrap/tasks/{id} */
void
bootstrap_task(struct api_req *r)
{
	boot_ask(r, task_read);
}

/* GET /v1/bootstrap/tasks/{id}/handoff */
void
bootstrap_handoff(struct api_req *r)
{
	boot_ask(r, handoff_read);
}
