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
#include "body_keys.h"
#include "frontd.h"
#include "log.h"

/*
 * The user an ssh-keys route acts on: the admin routes name one in
 * their first path parameter, the others act on the caller.  stored
 * holds each to its route's access.
 */
static const char *
route_user(struct api_req *r)
{
	return r->route->access == IPC_ACCESS_ADMIN ? r->params[0] : "";
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
	struct api_req		*r = arg;
	struct ipc_sshkey_res	*res;

	(void)chan;
	if ((res = calloc(1, sizeof(*res))) == NULL)
		fatalx("%s: out of memory", __func__);
	if (api_res(r, m, "service unavailable", res) == -1)
		;
	else if (r->route->method == HTTP_METHOD_DELETE) {
		if (r->dialect == DIALECT_ACCOUNT)
			api_json(r, 200, json_pack("{s:b}", "success", 1));
		else
			api_empty(r, 204);
	} else if (r->dialect == DIALECT_ACCOUNT)
		api_json(r, res->head.status, json_pack("{s:b,s:o}", "success",
		    1, "sshkeys", render_account(&res->key)));
	else
		api_json(r, res->head.status, render_v1(&res->key));
	/* a made key's private half */
	explicit_bzero(res, sizeof(*res));
	free(res);
}

static void
sshkey_add(struct api_req *r, const char *ref, uint32_t method,
    const char *name, const char *line)
{
	struct ipc_sshkey_add	*q;

	if ((q = calloc(1, sizeof(*q))) == NULL)
		fatalx("%s: out of memory", __func__);
	memcpy(q->grant, r->grant, sizeof(r->grant));
	q->grant_len = sizeof(r->grant);
	q->access = r->route->access;
	strlcpy(q->user, ref, sizeof(q->user));
	q->method = method;
	q->dialect = r->dialect;
	strlcpy(q->name, name, sizeof(q->name));
	strlcpy(q->line, line, sizeof(q->line));
	if (api_ask(r, frontd_env->chans[PROC_AUTHD], IPC_AUTH_SSHKEY_ADD, q,
	    sshkey_answered) == -1)
		api_error(r, 503, "service unavailable");
	free(q);
}

/* POST .../ssh-keys {"public_key", "name"?} */
void
v1_sshkeys_add(struct api_req *r)
{
	const char	*line, *name;
	json_t		*body;

	if ((body = api_body(r)) == NULL)
		return;
	if (api_only_fields(r, body, r->route->fields) == 0 &&
	    string_field(r, body, "public_key", FIELD_SSHKEY_LINE_MAX,
	    &line) == 0 && optional_string_field(r, body, "name",
	    FIELD_SSHKEY_NAME_MAX, "", &name) == 0)
		sshkey_add(r, route_user(r), SSHKEY_UPLOAD, name, line);
	json_decref(body);
}

/* POST .../ssh-keys/generate, with no body or {"name"} */
void
v1_sshkeys_generate(struct api_req *r)
{
	const char	*name = "";
	json_t		*body = NULL;

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
	sshkey_add(r, route_user(r), SSHKEY_GENERATE, name, "");
	json_decref(body);
}

static json_t *
sshkey_row(struct api_req *r, const void *item)
{
	(void)r;
	return render_v1(item);
}

static void
sshkeys_listed(struct ipc_chan *chan, struct ipc_msg *m, void *arg)
{
	struct api_req	*r = arg;
	uint64_t	 total;
	json_t		*list;

	(void)chan;
	if ((list = api_items(r, m, sshkey_row, &total)) != NULL)
		api_json(r, 200, json_pack("{s:o,s:I}", "ssh_keys", list,
		    "total", (json_int_t)total));
}

void
v1_sshkeys_list(struct api_req *r)
{
	struct ipc_key_page	 q;

	memset(&q, 0, sizeof(q));
	if (api_paging(r, SSHKEYS_PER_USER_MAX, SSHKEYS_PER_USER_MAX, &q.limit,
	    &q.offset) == -1) {
		api_error(r, 400, "limit must be 1 to 100, offset a number");
		return;
	}
	memcpy(q.grant, r->grant, sizeof(r->grant));
	q.grant_len = sizeof(r->grant);
	q.access = r->route->access;
	strlcpy(q.user, route_user(r), sizeof(q.user));
	if (api_ask(r, frontd_env->chans[PROC_STORED], IPC_OP_SSHKEY_LIST, &q,
	    sshkeys_listed) == -1)
		api_error(r, 503, "storage unavailable");
}

static void
sshkey_delete(struct api_req *r, const char *ref, const char *keyref)
{
	struct ipc_key_ref	 q;

	memset(&q, 0, sizeof(q));
	memcpy(q.grant, r->grant, sizeof(r->grant));
	q.grant_len = sizeof(r->grant);
	q.access = r->route->access;
	strlcpy(q.user, ref, sizeof(q.user));
	strlcpy(q.key, keyref, sizeof(q.key));
	q.dialect = r->dialect;
	if (api_ask(r, frontd_env->chans[PROC_STORED], IPC_OP_SSHKEY_DELETE, &q,
	    sshkey_answered) == -1)
		api_error(r, 503, "storage unavailable");
}

/* DELETE /v1/admin/users/{id}/ssh-keys/{key}, /v1/user/ssh-keys/{key} */
void
v1_sshkey_delete(struct api_req *r)
{
	sshkey_delete(r, route_user(r), r->params[r->nparams - 1]);
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
	    FIELD_SSHKEY_NAME_MAX, "", &name) == -1 || string_field(r, body,
	    "method", 16, &method) == -1)
		goto done;
	if (strcmp(method, "generate") == 0)
		sshkey_add(r, "", SSHKEY_GENERATE, name, "");
	else if (strcmp(method, "upload") != 0)
		api_error(r, 400, "\"method\" must be \"upload\" or "
		    "\"generate\"");
	else if (string_field(r, body, "content", FIELD_SSHKEY_LINE_MAX,
	    &content) == 0)
		sshkey_add(r, "", SSHKEY_UPLOAD, name, content);
 done:
	json_decref(body);
}

/* DELETE /v2/account/{id}/sshkey */
void
account_sshkey_delete(struct api_req *r)
{
	sshkey_delete(r, "", r->params[0]);
}
