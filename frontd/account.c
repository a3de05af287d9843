/*
 * The account v2 dialect (account-v2.txt, NOTES.md): the account, its
 * data, its signing key pairs and its S3 credential pair.  Requests are signed with a key pair, or carry a
 * control-plane bearer token (so that the first pair can be made).
 * Answers are {"success":true,...}; errors {"success":false,"error"}.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "account.h"
#include "api.h"
#include "body_keys.h"
#include "frontd.h"
#include "log.h"

#define FILES_KEY_PATH	"/v2/account/files-new-secret-key"

static void
key_made(struct ipc_chan *chan, struct ipc_msg *m, void *arg)
{
	struct api_req			*r = arg;
	struct ipc_account_key_res	 res;

	(void)chan;
	if (api_res(r, m, "authentication unavailable", &res) == -1)
		;
	else if (strcmp(r->route->pattern, FILES_KEY_PATH) == 0)
		api_json(r, res.head.status, json_pack("{s:b,s:{s:{s:s,s:s}}}",
		    "success", 1, "e24files", "s3", "api_id", res.public_id,
		    "secret_key", res.secret));
	else
		api_json(r, res.head.status, json_pack("{s:b,s:{s:s,s:s}}",
		    "success", 1, "api", "api_key", res.public_id,
		    "secret_key", res.secret));
	explicit_bzero(&res, sizeof(res));
}

static void
key_op(struct api_req *r, int op, const char *api_key)
{
	struct ipc_account_key	 q;

	memset(&q, 0, sizeof(q));
	memcpy(q.grant, r->grant, sizeof(r->grant));
	q.grant_len = sizeof(r->grant);
	q.op = op;
	strlcpy(q.api_key, api_key, sizeof(q.api_key));
	if (api_ask(r, frontd_env->chans[PROC_AUTHD], IPC_AUTH_ACCOUNT_KEY, &q,
	    key_made) == -1)
		api_error(r, 503, "authentication unavailable");
}

void
account_key_create(struct api_req *r)
{
	key_op(r, ACCOUNT_KEY_CREATE, "");
}

/* {"api_key": "..."}: the key pair of the caller to act on */
static json_t *
api_key_body(struct api_req *r, const char **api_key)
{
	json_t	*body;

	if ((body = api_body(r)) == NULL)
		return NULL;
	if (api_only_fields(r, body, r->route->fields) == -1 ||
	    string_field(r, body, "api_key", FIELD_ACCOUNT_KEY_MAX, api_key) == -1) {
		json_decref(body);
		return NULL;
	}
	return body;
}

void
account_key_rotate(struct api_req *r)
{
	const char	*api_key;
	json_t		*body;

	if ((body = api_key_body(r, &api_key)) == NULL)
		return;
	key_op(r, ACCOUNT_KEY_ROTATE, api_key);
	json_decref(body);
}

/* {"api_key": "..."}: a new S3 pair, named by one of the caller's keys */
void
account_files_key(struct api_req *r)
{
	const char	*api_key;
	json_t		*body;

	if ((body = api_key_body(r, &api_key)) == NULL)
		return;
	key_op(r, ACCOUNT_FILES_KEY, api_key);
	json_decref(body);
}

/* An op.res: {"success":true}, or the error in the dialect's shape. */
static void
succeeded(struct ipc_chan *chan, struct ipc_msg *m, void *arg)
{
	struct api_req		*r = arg;
	struct ipc_status_res	 res;

	(void)chan;
	if (api_res(r, m, "storage unavailable", &res) == 0)
		api_json(r, 200, json_pack("{s:b}", "success", 1));
}

/* The details alone, straight to stored. */
static int
account_data_ask(struct api_req *r, const struct ipc_account_data_pw *in)
{
	struct ipc_account_data	 q;

	memset(&q, 0, sizeof(q));
	memcpy(q.grant, in->grant, in->grant_len);
	q.grant_len = in->grant_len;
	q.profile = in->profile;
	return api_ask(r, frontd_env->chans[PROC_STORED], IPC_OP_ACCOUNT_DATA,
	    &q, succeeded);
}

/*
 * POST /v2/account/data {"first_name", "last_name", "phone", "password"},
 * and beyond account-v2.txt "email" and "notification" {"email",
 * "phone"}, in the shape GET /v2/account shows them, and "old_password",
 * which a new password set with a bearer token needs (authd says).
 */
void
account_data(struct api_req *r)
{
	struct ipc_account_data_pw *q;
	const char	*password, *old;
	json_t		*body;
	int		 rc;

	if ((body = api_body(r)) == NULL)
		return;
	if ((q = calloc(1, sizeof(*q))) == NULL)
		fatalx("%s: out of memory", __func__);
	if (api_only_fields(r, body, r->route->fields) == -1 ||
	    profile_from_body(r, body, &q->profile) == -1 ||
	    optional_string_field(r, body, "password", FIELD_PASSWORD_MAX, NULL,
	    &password) == -1 ||
	    optional_string_field(r, body, "old_password", FIELD_PASSWORD_MAX,
	    NULL, &old) == -1)
		goto done;
	if (q->profile.mask == 0 && password == NULL) {
		api_error(r, 400, "nothing to change");
		goto done;
	}
	if (old != NULL && password == NULL) {
		api_error(r, 400, "\"old_password\" goes with \"password\"");
		goto done;
	}
	memcpy(q->grant, r->grant, sizeof(r->grant));
	q->grant_len = sizeof(r->grant);
	/* a new password goes to authd, which hashes it; the rest to
	 * stored, which alone writes it */
	if (password != NULL) {
		strlcpy(q->password, password, sizeof(q->password));
		q->no_old = old == NULL;
		strlcpy(q->old_password, old != NULL ? old : "",
		    sizeof(q->old_password));
		strlcpy(q->peer, api_peer(r), sizeof(q->peer));
		rc = api_ask_slow(r, frontd_env->chans[PROC_AUTHD],
		    IPC_AUTH_ACCOUNT_DATA, q, API_WAIT_PASSWORD, succeeded);
	} else
		rc = account_data_ask(r, q);
	if (rc == -1)
		api_error(r, 503, "service unavailable");
 done:
	explicit_bzero(q, sizeof(*q));
	free(q);
	json_decref(body);
}

void
account_key_delete(struct api_req *r)
{
	struct ipc_account_key_delete	 q;
	const char			*api_key;
	json_t				*body;

	if ((body = api_key_body(r, &api_key)) == NULL)
		return;
	memset(&q, 0, sizeof(q));
	memcpy(q.grant, r->grant, sizeof(r->grant));
	q.grant_len = sizeof(r->grant);
	strlcpy(q.api_key, api_key, sizeof(q.api_key));
	json_decref(body);
	if (api_ask(r, frontd_env->chans[PROC_STORED],
	    IPC_OP_ACCOUNT_KEY_DELETE, &q, succeeded) == -1)
		api_error(r, 503, "storage unavailable");
}

static json_t *
render_account(const struct user_rec *u, json_t *api, json_t *sshkeys,
    const char *files_id, json_t *groups)
{
	char	 name[2 * PROFILE_MAX + 2];

	if (u->first_name[0] != '\0' || u->last_name[0] != '\0')
		snprintf(name, sizeof(name), "%s%s%s", u->first_name,
		    u->first_name[0] && u->last_name[0] ? " " : "",
		    u->last_name);
	else
		strlcpy(name, u->username, sizeof(name));
	/* secrets are shown once, when made: never in a later read */
	return json_pack("{s:s,s:s,s:s,s:s,s:{s:s,s:s},s:{s:{s:s,s:n}},s:o,"
	    "s:o,s:o}", "id", u->id, "name", name, "email", u->email,
	    "phone", u->phone, "notification", "email", u->notification_email,
	    "phone", u->notification_phone, "e24files", "s3", "api_id",
	    files_id, "secret_key", "api", api, "sshkeys", sshkeys, "groups",
	    groups);
}

/*
 * An item of the account's list into its array: an api_key, an SSH key
 * (id, name and fingerprint) or a group (id and name), as
 * account-v2.txt lists them.  -1 for a kind stored does not send.
 */
static int
account_item(const struct account_item *it, json_t *api, json_t *sshkeys,
    json_t *groups)
{
	json_t	*list, *j;

	switch (it->kind) {
	case ACCOUNT_ITEM_API_KEY:
		list = api;
		j = json_pack("{s:s,s:n}", "api_key", it->id, "secret_key");
		break;
	case ACCOUNT_ITEM_SSHKEY:
		list = sshkeys;
		j = json_pack("{s:I,s:s,s:s}", "id", (json_int_t)it->oid,
		    "name", it->name, "fingerprint", it->fingerprint);
		break;
	case ACCOUNT_ITEM_GROUP:
		list = groups;
		j = json_pack("{s:s,s:s}", "id", it->id, "name", it->name);
		break;
	default:
		return -1;
	}
	if (j == NULL || json_array_append_new(list, j) == -1)
		fatalx("%s: out of memory", __func__);
	return 0;
}

static void
account_read(struct ipc_chan *chan, struct ipc_msg *m, void *arg)
{
	struct api_req		*r = arg;
	struct ipc_account_res	 res;
	struct account_item	 it;
	json_t			*api, *sshkeys, *groups;
	int			 rc;

	(void)chan;
	if (api_res(r, m, "storage unavailable", &res) == -1)
		return;
	if ((api = json_array()) == NULL || (sshkeys = json_array()) == NULL ||
	    (groups = json_array()) == NULL)
		fatalx("%s: out of memory", __func__);
	while ((rc = ipc_msg_get_item(m, &it)) == 1)
		if (account_item(&it, api, sshkeys, groups) == -1) {
			rc = ipc_violation(m, "an account item of no kind");
			break;
		}
	if (rc == -1) {
		json_decref(api);
		json_decref(sshkeys);
		json_decref(groups);
		api_bad_answer(r);
		return;
	}
	api_json(r, 200, json_pack("{s:b,s:o}", "success", 1, "account",
	    render_account(&res.user, api, sshkeys, res.files_id, groups)));
}

void
account_show(struct api_req *r)
{
	struct ipc_grant_req	 q;

	memcpy(q.grant, r->grant, sizeof(r->grant));
	q.grant_len = sizeof(r->grant);
	if (api_ask(r, frontd_env->chans[PROC_STORED], IPC_OP_ACCOUNT, &q,
	    account_read) == -1)
		api_error(r, 503, "storage unavailable");
}
