/*
 * An agent's registration and its session (certificates apiv1, issue
 * 11): POST /apiv1/me/devices and POST /apiv1/device/registration (a
 * session or an API key that may write devices, and the agent's X25519
 * key), answering the device and its first access and refresh tokens;
 * POST /auth/refresh, a refresh token for a new pair.  authd mints and
 * checks the tokens; frontd checks the shape and passes them on.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api.h"
#include "body_devices.h"
#include "frontd.h"
#include "log.h"
#include "util.h"

static json_t *
render_session(const struct ipc_devsess_res *res)
{
	json_t	*j;

	j = json_pack("{s:s,s:s,s:s,s:I}", "access_token", res->access_token,
	    "refresh_token", res->refresh_token, "token_type", "Bearer",
	    "expires_in", (json_int_t)res->expires_in);
	if (j == NULL)
		fatalx("%s: out of memory", __func__);
	return j;
}

static void
registered(struct ipc_chan *chan, struct ipc_msg *m, void *arg)
{
	struct api_req		*r = arg;
	struct ipc_devsess_res	 res;

	(void)chan;
	if (api_res(r, m, "authentication unavailable", &res) == 0)
		api_json(r, 201, json_pack("{s:{s:o,s:o}}", "data", "device",
		    apiv1_device_json(&res.device), "session",
		    render_session(&res)));
	explicit_bzero(&res, sizeof(res));
}

/* POST /apiv1/me/devices, POST /apiv1/device/registration */
void
apiv1_device_register(struct api_req *r)
{
	struct ipc_device_create q;
	json_t			*body;

	if ((body = api_body(r)) == NULL)
		return;
	memset(&q, 0, sizeof(q));
	/* the caller's own: an empty user, stored reaches the grant's */
	if (apiv1_device_body(r, body, 1, &q) == 0) {
		if (api_ask(r, frontd_env->chans[PROC_AUTHD],
		    IPC_AUTH_DEVICE_REGISTER, &q, registered) == -1)
			api_error(r, 503, "authentication unavailable");
	}
	json_decref(body);
}

static void
refreshed(struct ipc_chan *chan, struct ipc_msg *m, void *arg)
{
	struct api_req		*r = arg;
	struct ipc_devsess_res	 res;
	json_t			*j;

	(void)chan;
	if (api_res(r, m, "authentication unavailable", &res) == 0) {
		j = render_session(&res);
		json_object_set_new(j, "device_id",
		    json_integer((json_int_t)res.device.oid));
		api_json(r, 200, json_pack("{s:o}", "data", j));
	}
	explicit_bzero(&res, sizeof(res));
}

/* POST /auth/refresh {"refresh_token"} */
void
apiv1_refresh(struct api_req *r)
{
	struct ipc_devsess_refresh q;
	json_t			*body, *v;

	if ((body = api_body(r)) == NULL)
		return;
	memset(&q, 0, sizeof(q));
	v = json_object_get(body, "refresh_token");
	if (api_only_fields(r, body, r->route->fields) == -1)
		;
	else if (v == NULL || !json_is_string(v))
		api_error(r, 400, "\"refresh_token\" must be a string");
	else if (json_string_length(v) >= sizeof(q.token))
		/* no token we mint is so long */
		api_error(r, 401, "invalid or expired token");
	else {
		strlcpy(q.peer, api_peer(r), sizeof(q.peer));
		strlcpy(q.token, json_string_value(v), sizeof(q.token));
		if (api_ask(r, frontd_env->chans[PROC_AUTHD],
		    IPC_AUTH_DEVICE_REFRESH, &q, refreshed) == -1)
			api_error(r, 503, "authentication unavailable");
	}
	explicit_bzero(&q, sizeof(q));
	json_decref(body);
}
