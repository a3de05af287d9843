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
#include "grouprec.h"
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
	struct api_req	*r = arg;
	struct group_rec g;
	struct ipc_head	 h;

	(void)chan;
	if (api_head(r, m, "storage unavailable", &h) == -1)
		return;
	ipc_get_group(m, &g);
	if (api_end(r, m) == -1)
		return;
	if (h.status == 204)
		api_empty(r, 204);
	else
		api_json(r, h.status, render_group(&g));
}

static void
group_op(struct api_req *r, enum group_op op, const char *group,
    const char *user)
{
	struct ipc_msg	 m;

	ipc_msg_init(&m, IPC_OP_GROUP, 0);
	ipc_put_bin(&m, r->grant, sizeof(r->grant));
	ipc_put_u64(&m, op);
	ipc_put_str(&m, group);
	ipc_put_str(&m, user);
	if (api_request(r, frontd_env->chans[PROC_STORED], &m,
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
group_row(struct api_req *r, struct ipc_msg *m)
{
	struct group_rec g;

	(void)r;
	ipc_get_group(m, &g);
	return render_group(&g);
}

static void
groups_listed(struct ipc_chan *chan, struct ipc_msg *m, void *arg)
{
	(void)chan;
	api_list_answer(arg, m, group_row, "groups");
}

/* GET /v1/admin/groups, GET /v1/admin/users/{id}/groups */
void
v1_groups_list(struct api_req *r)
{
	struct ipc_msg	 m;
	uint32_t	 limit, offset;

	if (api_paging(r, GROUPS_PER_USER_MAX, GROUPS_PER_USER_MAX, &limit,
	    &offset) == -1) {
		api_error(r, 400, "limit must be 1 to 100, offset a number");
		return;
	}
	ipc_msg_init(&m, IPC_OP_GROUP_LIST, 0);
	ipc_put_bin(&m, r->grant, sizeof(r->grant));
	ipc_put_str(&m, r->nparams > 0 ? r->params[0] : "");
	ipc_put_u64(&m, limit);
	ipc_put_u64(&m, offset);
	if (api_request(r, frontd_env->chans[PROC_STORED], &m,
	    groups_listed) == -1)
		api_error(r, 503, "storage unavailable");
}
