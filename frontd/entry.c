/*
 * Entry short links (issue 13): GET /entry/{shortId}, the script that a
 * host's access_command pipes into bash, and POST
 * /v1/entry/{shortId}/auth, which checks the host's entry password in
 * authd and points the script at the SSH gateway.  frontd never sees
 * the sealed password: it asks stored only whether a short id names a
 * host, and authd whether the password is right.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api.h"
#include "body_entry.h"
#include "frontd.h"
#include "log.h"

/* A short id as hosts get them: [a-z0-9]{10}; anything else names none. */
int
entry_short_id_ok(const char *s)
{
	size_t	 n = strlen(s);

	return n == HOST_SHORT_ID_LEN && strspn(s,
	    "abcdefghijklmnopqrstuvwxyz0123456789") == n;
}

/*
 * The API's base URL as the client used it: frontd speaks HTTPS only,
 * and the Host was kept by api_keep_host_header (only what a name, an
 * address and a port are made of).  -1 with 400 answered if none.
 */
int
entry_base_url(struct api_req *r, char *out, size_t len)
{
	const char	*host = r->state;

	if (host == NULL || host[0] == '\0') {
		api_error(r, 400, "the request has no usable Host");
		return -1;
	}
	snprintf(out, len, "https://%s", host);
	return 0;
}

/* The script, rendered for this client. */
void
entry_send_script(struct api_req *r, const char *tmpl, const char *short_id)
{
	char	 base[FIELD_HOST_MAX + 16], *s;
	size_t	 len;

	if (entry_base_url(r, base, sizeof(base)) == -1)
		return;
	s = script_render(tmpl, base, short_id, &len);
	response_typed(r->c, 200, "text/x-shellscript; charset=utf-8",
	    "Cache-Control: no-store\r\n", s, len);
	free(s);
}

static void
entry_probed(struct ipc_chan *chan, struct ipc_msg *m, void *arg)
{
	struct api_req		*r = arg;
	struct ipc_status_res	 res;

	(void)chan;
	if (api_res(r, m, "storage unavailable", &res) == -1)
		return;
	entry_send_script(r, script_entry, r->params[0]);
}

/* GET /entry/{shortId}: no authentication, as the original's */
void
entry_script(struct api_req *r)
{
	struct ipc_entry_get	 q;

	if (!entry_short_id_ok(r->params[0])) {
		api_error(r, 404, "no host assigned");
		return;
	}
	api_keep_host_header(r);
	memset(&q, 0, sizeof(q));
	strlcpy(q.short_id, r->params[0], sizeof(q.short_id));
	if (api_ask(r, frontd_env->chans[PROC_STORED], IPC_OP_ENTRY, &q,
	    entry_probed) == -1)
		api_error(r, 503, "storage unavailable");
}

static void
entry_checked(struct ipc_chan *chan, struct ipc_msg *m, void *arg)
{
	struct api_req		*r = arg;
	struct ipc_entry_res	 res;
	char			 host[FIELD_HOST_MAX + 1], msg[96];
	uint32_t		 port;

	(void)chan;
	if (api_res(r, m, "authentication unavailable", &res) == -1) {
		explicit_bzero(&res, sizeof(res));
		return;
	}
	port = render_ssh_endpoint(r->state, host, sizeof(host));
	if (res.ready && port != 0)
		api_json(r, 200, json_pack("{s:s,s:s,s:s,s:I,s:s}", "ssh_user",
		    r->params[0], "ssh_pass", res.password, "ssh_host", host,
		    "ssh_port", (json_int_t)port, "status", "ready"));
	else {
		if (!res.ready)
			snprintf(msg, sizeof(msg), "the host is not running "
			    "(%s)", res.host_status);
		else
			strlcpy(msg, "no SSH gateway is configured",
			    sizeof(msg));
		api_json(r, 200, json_pack("{s:s,s:s}", "status", "not_ready",
		    "message", msg));
	}
	explicit_bzero(&res, sizeof(res));
}

/* POST /v1/entry/{shortId}/auth {"password"} */
void
entry_auth(struct api_req *r)
{
	struct ipc_auth_entry	 q;
	json_t			*body, *pw;

	if (!entry_short_id_ok(r->params[0])) {
		api_error(r, 404, "no host assigned");
		return;
	}
	if ((body = api_body(r)) == NULL)
		return;
	/* as a login, the other members are ignored */
	pw = json_object_get(body, "password");
	if (!json_is_string(pw) || json_string_length(pw) == 0) {
		api_error(r, 400, "password is required");
		json_decref(body);
		return;
	}
	if (json_string_length(pw) > FIELD_PASSWORD_MAX ||
	    strlen(json_string_value(pw)) != json_string_length(pw)) {
		api_error(r, 400, "password is too long or holds a NUL");
		json_decref(body);
		return;
	}
	api_keep_host_header(r);
	memset(&q, 0, sizeof(q));
	strlcpy(q.peer, api_peer(r), sizeof(q.peer));
	strlcpy(q.short_id, r->params[0], sizeof(q.short_id));
	strlcpy(q.password, json_string_value(pw), sizeof(q.password));
	json_decref(body);
	if (api_ask_slow(r, frontd_env->chans[PROC_AUTHD], IPC_AUTH_ENTRY,
	    &q, API_WAIT_PASSWORD, entry_checked) == -1)
		api_error(r, 503, "authentication unavailable");
	explicit_bzero(&q, sizeof(q));
}
