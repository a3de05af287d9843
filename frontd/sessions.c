/*
 * Login sessions for an admin, beyond the reference (SECURITY.md: an
 * admin can end any session):
 *   GET /v1/admin/sessions[?user_id=], GET /v1/admin/users/{id}/sessions,
 *   DELETE /v1/admin/sessions/{sessionID},
 *   DELETE /v1/admin/users/{id}/sessions (every one of the user's).
 * stored checks the role and every id.
 */
#include <string.h>

#include "api.h"
#include "frontd.h"
#include "log.h"

#define SESSIONS_PAGE_MAX	200

static json_t *
session_row(struct api_req *r, struct ipc_msg *m)
{
	struct session_rec s;
	json_t		*j;

	(void)r;
	ipc_get_session(m, &s);
	j = json_pack("{s:s,s:s,s:s,s:s,s:s,s:o,s:o,s:o}", "id", s.id,
	    "user_id", s.user_id, "username", s.username, "dialect",
	    dialect_name(s.dialect) != NULL ? dialect_name(s.dialect) : "",
	    "source_ip", s.source_ip, "created_at", render_time(s.created_at),
	    "last_used_at", render_time(s.last_used_at), "expires_at",
	    render_time(s.expires_at));
	if (j == NULL)
		fatalx("%s: out of memory", __func__);
	return j;
}

static void
sessions_listed(struct ipc_chan *chan, struct ipc_msg *m, void *arg)
{
	(void)chan;
	api_list_answer(arg, m, session_row, "sessions");
}

void
v1_sessions_list(struct api_req *r)
{
	struct ipc_msg	 m;
	const char	*user;
	uint32_t	 limit, offset;

	if (api_paging(r, 50, SESSIONS_PAGE_MAX, &limit, &offset) == -1) {
		api_error(r, 400, "limit must be 1 to 200, offset a number");
		return;
	}
	if (r->nparams > 0)
		user = r->params[0];
	else if ((user = api_query_get(r, "user_id")) == NULL)
		user = "";
	if (strlen(user) > FIELD_REF_MAX) {
		api_error(r, 400, "user_id is too long");
		return;
	}
	ipc_msg_init(&m, IPC_OP_SESSION_LIST, 0);
	ipc_put_bin(&m, r->grant, sizeof(r->grant));
	ipc_put_str(&m, user);
	ipc_put_u64(&m, limit);
	ipc_put_u64(&m, offset);
	if (api_request(r, frontd_env->chans[PROC_STORED], &m,
	    sessions_listed) == -1)
		api_error(r, 503, "storage unavailable");
}

static void
ended(struct ipc_chan *chan, struct ipc_msg *m, void *arg)
{
	struct api_req	*r = arg;
	struct ipc_head	 h;

	(void)chan;
	if (api_op_res(r, m, &h) == 0)
		api_empty(r, 204);
}

static void
end(struct api_req *r, const char *user, const char *session)
{
	struct ipc_msg	 m;

	ipc_msg_init(&m, IPC_OP_SESSION_END, 0);
	ipc_put_bin(&m, r->grant, sizeof(r->grant));
	ipc_put_str(&m, user);
	ipc_put_str(&m, session);
	if (api_request(r, frontd_env->chans[PROC_STORED], &m, ended) == -1)
		api_error(r, 503, "storage unavailable");
}

/* DELETE /v1/admin/sessions/{sessionID} */
void
v1_session_end(struct api_req *r)
{
	end(r, "", r->params[0]);
}

/* DELETE /v1/admin/users/{id}/sessions */
void
v1_sessions_end(struct api_req *r)
{
	end(r, r->params[0], "");
}
