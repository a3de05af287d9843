/*
 * User groups in control plane v1, beyond the reference: account-v2.txt
 * shows a user's groups, and an admin keeps them here.
 *   GET, POST /v1/admin/groups; GET, DELETE /v1/admin/groups/{id};
 *   GET /v1/admin/users/{id}/groups;
 *   PUT, DELETE /v1/admin/users/{id}/groups/{groupID}.
 * stored checks the role and every id.
 */
#include <string.h>

#include "api.h"
#include "frontd.h"
#include "log.h"

static json_t *
render_group(const struct group_rec *g)
{
	json_t	*j;

	j = json_pack("{s:s,s:s,s:I,s:o}", "id", g->id, "name", g->name,
	    "members", (json_int_t)g->members, "created_at",
	    render_time(g->created_at));
	if (j == NULL)
		fatalx("%s: out of memory", __func__);
	return j;
}

static void
group_answered(struct ipc_chan *chan, struct ipc_msg *m, void *arg)
{
	struct api_req		*r = arg;
	struct ipc_group_res	 res;

	(void)chan;
	if (api_res(r, m, "storage unavailable", &res) == -1)
		return;
	if (res.head.status == 204)
		api_empty(r, 204);
	else
		api_json(r, res.head.status, render_group(&res.group));
}

static void
group_op(struct api_req *r, enum group_op op, const char *group,
    const char *user)
{
	struct ipc_group_req	 q;

	memset(&q, 0, sizeof(q));
	api_grant(r, q.grant, &q.grant_len);
	q.op = op;
	if (api_copy(r, q.ref, sizeof(q.ref), group) == -1 ||
	    api_copy(r, q.user, sizeof(q.user), user) == -1)
		return;
	if (api_ask(r, frontd_env->chans[PROC_STORED], IPC_OP_GROUP, &q,
	    group_answered) == -1)
		api_error(r, 503, "storage unavailable");
}

/* POST /v1/admin/groups {"name"} */
void
v1_groups_create(struct api_req *r)
{
	const char	*name;
	json_t		*body;

	if ((body = api_body(r)) == NULL)
		return;
	if (api_only_fields(r, body, r->route->fields) == 0 &&
	    string_field(r, body, "name", GROUP_NAME_MAX, &name) == 0)
		group_op(r, GROUP_CREATE, name, "");
	json_decref(body);
}

void
v1_group_get(struct api_req *r)
{
	group_op(r, GROUP_GET, r->params[0], "");
}

void
v1_group_delete(struct api_req *r)
{
	group_op(r, GROUP_DELETE, r->params[0], "");
}

/* PUT /v1/admin/users/{id}/groups/{groupID}: answers the group */
void
v1_group_join(struct api_req *r)
{
	group_op(r, GROUP_JOIN, r->params[1], r->params[0]);
}

/* DELETE /v1/admin/users/{id}/groups/{groupID} */
void
v1_group_leave(struct api_req *r)
{
	group_op(r, GROUP_LEAVE, r->params[1], r->params[0]);
}

static json_t *
group_row(struct api_req *r, const void *item)
{
	(void)r;
	return render_group(item);
}

static void
groups_listed(struct ipc_chan *chan, struct ipc_msg *m, void *arg)
{
	(void)chan;
	api_items_answer(arg, m, group_row, "groups");
}

/* GET /v1/admin/groups, GET /v1/admin/users/{id}/groups */
void
v1_groups_list(struct api_req *r)
{
	struct ipc_user_page	 q;

	memset(&q, 0, sizeof(q));
	if (api_paging(r, GROUPS_PER_USER_MAX, GROUPS_PER_USER_MAX, &q.limit,
	    &q.offset) == -1) {
		api_error(r, 400, "limit must be 1 to 100, offset a number");
		return;
	}
	api_grant(r, q.grant, &q.grant_len);
	if (api_copy(r, q.user, sizeof(q.user), r->nparams > 0 ?
	    r->params[0] : "") == -1)
		return;
	if (api_ask(r, frontd_env->chans[PROC_STORED], IPC_OP_GROUP_LIST, &q,
	    groups_listed) == -1)
		api_error(r, 503, "storage unavailable");
}
