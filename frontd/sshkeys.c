/*
 * SSH keys in two dialects: control plane v1 (an admin on any user's
 * keys, a user on their own) and account v2 (the caller's own).  Keys
 * go to authd, which parses or makes them; lists and deletes go to
 * stored.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api.h"
#include "frontd.h"
#include "log.h"
#include "sshkeyrec.h"

/*
 * The user an ssh-keys route acts on: the admin routes name one in
 * their first path parameter, the user routes act on the caller.
 */
static const char *
route_user(struct api_req *r, int *admin_only)
{
	*admin_only = r->route->access == IPC_ACCESS_ADMIN;
	return *admin_only ? r->params[0] : "";
}

static json_t *
render_v1(const struct sshkey_rec *k)
{
	char	 line[SSHKEY_TYPE_MAX + SSHKEY_BLOB64_MAX + SSHKEY_COMMENT_MAX +
		    3];
	json_t	*j;

	snprintf(line, sizeof(line), "%s %s%s%s", k->type, k->blob64,
	    k->comment[0] != '\0' ? " " : "", k->comment);
	j = json_pack("{s:s,s:I,s:s,s:s,s:s,s:s,s:s,s:s,s:I,s:o}",
	    "id", k->id, "oid", (json_int_t)k->oid, "user_id", k->user_id,
	    "name", k->name, "type", k->type, "fingerprint", k->fingerprint,
	    "public_key", line, "comment", k->comment,
	    "bits", (json_int_t)k->bits, "created_at",
	    render_time(k->created_at));
	if (j == NULL)
		fatalx("%s: out of memory", __func__);
	if (k->private_key[0] != '\0')
		json_object_set_new(j, "private_key",
		    json_string(k->private_key));
	return j;
}

static json_t *
render_account(const struct sshkey_rec *k)
{
	json_t	*j;

	j = json_pack("{s:I,s:s,s:s}", "id", (json_int_t)k->oid, "name",
	    k->name, "fingerprint", k->fingerprint);
	if (j == NULL)
		fatalx("%s: out of memory", __func__);
	if (k->private_key[0] != '\0')
		json_object_set_new(j, "private_key",
		    json_string(k->private_key));
	return j;
}

static void
sshkey_answered(struct ipc_chan *chan, struct ipc_msg *m, void *arg)
{
	struct api_req	*r = arg;
	struct sshkey_rec k;
	char		 message[256];
	int		 status;

	(void)chan;
	if (api_arrived(r, m, "service unavailable") == -1)
		return;
	if (sshkey_res_get(m, &status, message, sizeof(message), &k) == -1)
		api_error(r, 500, "internal error");
	else if (status >= 300)
		api_error(r, status, message);
	else if (r->route->method == HTTP_METHOD_DELETE) {
		if (r->dialect == DIALECT_ACCOUNT)
			api_json(r, 200, json_pack("{s:b}", "success", 1));
		else
			api_empty(r, 204);
	} else if (r->dialect == DIALECT_ACCOUNT)
		api_json(r, status, json_pack("{s:b,s:o}", "success", 1,
		    "sshkeys", render_account(&k)));
	else
		api_json(r, status, render_v1(&k));
	explicit_bzero(&k, sizeof(k));
}

static void
sshkey_add(struct api_req *r, const char *ref, int admin_only,
    uint32_t method, const char *name, const char *line)
{
	struct ipc_msg	 m;

	ipc_msg_init(&m, IPC_AUTH_SSHKEY_ADD, 0);
	ipc_put_bin(&m, r->grant, sizeof(r->grant));
	ipc_put_str(&m, ref);
	ipc_put_bool(&m, admin_only);
	ipc_put_u64(&m, method);
	ipc_put_u64(&m, r->dialect);
	ipc_put_str(&m, name);
	ipc_put_str(&m, line);
	if (api_request(r, frontd_env->chans[PROC_AUTHD], &m,
	    sshkey_answered) == -1)
		api_error(r, 503, "service unavailable");
}

/* POST .../ssh-keys {"public_key", "name"?} */
void
v1_sshkeys_add(struct api_req *r)
{
	const char	*ref, *line, *name;
	json_t		*body;
	int		 admin_only;

	ref = route_user(r, &admin_only);
	if ((body = api_body(r)) == NULL)
		return;
	if (api_only_fields(r, body, r->route->fields) == 0 &&
	    string_field(r, body, "public_key", FIELD_SSHKEY_LINE_MAX,
	    &line) == 0 && optional_string_field(r, body, "name",
	    FIELD_SSHKEY_NAME_MAX, "", &name) == 0)
		sshkey_add(r, ref, admin_only, SSHKEY_UPLOAD, name, line);
	json_decref(body);
}

/* POST .../ssh-keys/generate, with no body or {"name"} */
void
v1_sshkeys_generate(struct api_req *r)
{
	const char	*ref, *name = "";
	json_t		*body = NULL;
	int		 admin_only;

	ref = route_user(r, &admin_only);
	if (r->c->body_len > 0) {
		if ((body = api_body(r)) == NULL)
			return;
		if (api_only_fields(r, body, r->route->fields) == -1 ||
		    optional_string_field(r, body, "name",
	    FIELD_SSHKEY_NAME_MAX, "", &name) == -1) {
			json_decref(body);
			return;
		}
	}
	sshkey_add(r, ref, admin_only, SSHKEY_GENERATE, name, "");
	json_decref(body);
}

static json_t *
sshkey_row(struct api_req *r, struct ipc_msg *m)
{
	struct sshkey_rec k;

	memset(&k, 0, sizeof(k));
	ipc_get_sshkey(m, &k);
	return render_v1(&k);
}

static void
sshkeys_listed(struct ipc_chan *chan, struct ipc_msg *m, void *arg)
{
	(void)chan;
	api_list_answer(arg, m, sshkey_row, "ssh_keys");
}

void
v1_sshkeys_list(struct api_req *r)
{
	struct ipc_msg	 m;
	const char	*ref;
	uint32_t	 limit, offset;
	int		 admin_only;

	ref = route_user(r, &admin_only);
	if (api_paging(r, SSHKEYS_PER_USER_MAX, SSHKEYS_PER_USER_MAX, &limit,
	    &offset) == -1) {
		api_error(r, 400, "limit must be 1 to 100, offset a number");
		return;
	}
	ipc_msg_init(&m, IPC_OP_SSHKEY_LIST, 0);
	ipc_put_bin(&m, r->grant, sizeof(r->grant));
	ipc_put_str(&m, ref);
	ipc_put_bool(&m, admin_only);
	ipc_put_u64(&m, limit);
	ipc_put_u64(&m, offset);
	if (api_request(r, frontd_env->chans[PROC_STORED], &m,
	    sshkeys_listed) == -1)
		api_error(r, 503, "storage unavailable");
}

static void
sshkey_delete(struct api_req *r, const char *ref, int admin_only,
    const char *keyref)
{
	struct ipc_msg	 m;

	ipc_msg_init(&m, IPC_OP_SSHKEY_DELETE, 0);
	ipc_put_bin(&m, r->grant, sizeof(r->grant));
	ipc_put_str(&m, ref);
	ipc_put_bool(&m, admin_only);
	ipc_put_str(&m, keyref);
	ipc_put_u64(&m, r->dialect);
	if (api_request(r, frontd_env->chans[PROC_STORED], &m,
	    sshkey_answered) == -1)
		api_error(r, 503, "storage unavailable");
}

/* DELETE /v1/admin/users/{id}/ssh-keys/{key}, /v1/user/ssh-keys/{key} */
void
v1_sshkey_delete(struct api_req *r)
{
	const char	*ref;
	int		 admin_only;

	ref = route_user(r, &admin_only);
	sshkey_delete(r, ref, admin_only, r->params[r->nparams - 1]);
}

/* PUT /v2/account/sshkey {"name", "method", "content"} */
void
account_sshkey_add(struct api_req *r)
{
	const char	*name, *method, *content = "";
	json_t		*body;

	if ((body = api_body(r)) == NULL)
		return;
	if (api_only_fields(r, body, r->route->fields) == -1 ||
	    optional_string_field(r, body, "name",
	    FIELD_SSHKEY_NAME_MAX, "", &name) == -1 || string_field(r, body, "method", 16,
	    &method) == -1)
		goto done;
	if (strcmp(method, "generate") == 0)
		sshkey_add(r, "", 0, SSHKEY_GENERATE, name, "");
	else if (strcmp(method, "upload") != 0)
		api_error(r, 400, "\"method\" must be \"upload\" or "
		    "\"generate\"");
	else if (string_field(r, body, "content", FIELD_SSHKEY_LINE_MAX,
	    &content) == 0)
		sshkey_add(r, "", 0, SSHKEY_UPLOAD, name, content);
 done:
	json_decref(body);
}

/* DELETE /v2/account/{id}/sshkey */
void
account_sshkey_delete(struct api_req *r)
{
	sshkey_delete(r, "", 0, r->params[0]);
}
