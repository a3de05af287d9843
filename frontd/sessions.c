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
session_row(struct api_req *r, const void *item)
{
	const struct session_rec *s = item;
	json_t		*j;

	(void)r;
	j = json_pack("{s:s,s:s,s:s,s:s,s:s,s:o,s:o,s:o}", "id", s->id,
	    "user_id", s->user_id, "username", s->username, "dialect",
	    dialect_name(s->dialect) != NULL ? dialect_name(s->dialect) : "",
	    "source_ip", s->source_ip, "created_at", render_time(s->created_at),
	    "last_used_at", render_time(s->last_used_at), "expires_at",
	    render_time(s->expires_at));
	if (j == NULL)
		fatalx("%s: out of memory", __func__);
	return j;
}

static void
sessions_listed(struct ipc_chan *chan, struct ipc_msg *m, void *arg)
{
	(void)chan;
	api_items_answer(arg, m, session_row, "sessions");
}

void
v1_sessions_list(struct api_req *r)
{
	struct ipc_user_page q;
	const char	*user;

	memset(&q, 0, sizeof(q));
	if (api_paging(r, 50, SESSIONS_PAGE_MAX, &q.limit, &q.offset) == -1) {
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
	api_grant(r, q.grant, &q.grant_len);
	strlcpy(q.user, user, sizeof(q.user));
	if (api_ask(r, frontd_env->chans[PROC_STORED], IPC_OP_SESSION_LIST, &q,
	    sessions_listed) == -1)
		api_error(r, 503, "storage unavailable");
}

static void
ended(struct ipc_chan *chan, struct ipc_msg *m, void *arg)
{
	struct api_req		*r = arg;
	struct ipc_status_res	 res;

	(void)chan;
	if (api_res(r, m, "storage unavailable", &res) == 0)
		api_empty(r, 204);
}

static void
end(struct api_req *r, const char *user, const char *session)
{
	struct ipc_session_end q;

	memset(&q, 0, sizeof(q));
	api_grant(r, q.grant, &q.grant_len);
	if (api_copy(r, q.user, sizeof(q.user), user) == -1 ||
	    api_copy(r, q.id, sizeof(q.id), session) == -1)
		return;
	if (api_ask(r, frontd_env->chans[PROC_STORED], IPC_OP_SESSION_END, &q,
	    ended) == -1)
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
