/*
 * The account v2 dialect (account-v2.txt, NOTES.md): the account, its
 * data, its signing key pairs and its S3 credential pair.  Requests are signed with a key pair, or carry a
 * control-plane bearer token (so that the first pair can be made).
 * Answers are {"success":true,...}; errors {"success":false,"error"}.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api.h"
#include "frontd.h"
#include "account.h"
#include "grouprec.h"
#include "log.h"

#define FILES_KEY_PATH	"/v2/account/files-new-secret-key"

static void
key_made(struct ipc_chan *chan, struct ipc_msg *m, void *arg)
{
	struct api_req	*r = arg;
	struct ipc_head	 h;
	char		 api_key[32], secret[64];

	(void)chan;
	if (api_head(r, m, "authentication unavailable", &h) == -1)
		return;
	ipc_get_str(m, api_key, sizeof(api_key));
	ipc_get_str(m, secret, sizeof(secret));
	if (api_end(r, m) == -1)
		;
	else if (strcmp(r->route->pattern, FILES_KEY_PATH) == 0)
		api_json(r, h.status, json_pack("{s:b,s:{s:{s:s,s:s}}}",
		    "success", 1, "e24files", "s3", "api_id", api_key,
		    "secret_key", secret));
	else
		api_json(r, h.status, json_pack("{s:b,s:{s:s,s:s}}", "success",
		    1, "api", "api_key", api_key, "secret_key", secret));
	explicit_bzero(secret, sizeof(secret));
}

static void
key_op(struct api_req *r, int op, const char *api_key)
{
	struct ipc_msg	 m;

	ipc_msg_init(&m, IPC_AUTH_ACCOUNT_KEY, 0);
	ipc_put_bin(&m, r->grant, sizeof(r->grant));
	ipc_put_u64(&m, op);
	ipc_put_str(&m, api_key);
	if (api_request(r, frontd_env->chans[PROC_AUTHD], &m, key_made) == -1)
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
	struct api_req	*r = arg;
	struct ipc_head	 h;

	(void)chan;
	if (api_op_res(r, m, &h) == 0)
		api_json(r, 200, json_pack("{s:b}", "success", 1));
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
	struct profile	 p;
	const char	*password, *old;
	struct ipc_msg	 m;
	json_t		*body;
	int		 rc;

	if ((body = api_body(r)) == NULL)
		return;
	if (api_only_fields(r, body, r->route->fields) == -1 ||
	    profile_from_body(r, body, &p) == -1 ||
	    optional_string_field(r, body, "password", FIELD_PASSWORD_MAX, NULL,
	    &password) == -1 ||
	    optional_string_field(r, body, "old_password", FIELD_PASSWORD_MAX,
	    NULL, &old) == -1) {
		json_decref(body);
		return;
	}
	if (p.mask == 0 && password == NULL) {
		api_error(r, 400, "nothing to change");
		json_decref(body);
		return;
	}
	if (old != NULL && password == NULL) {
		api_error(r, 400, "\"old_password\" goes with \"password\"");
		json_decref(body);
		return;
	}
	/* a new password goes to authd, which hashes it; the rest to
	 * stored, which alone writes it */
	ipc_msg_init(&m, password != NULL ? IPC_AUTH_ACCOUNT_DATA :
	    IPC_OP_ACCOUNT_DATA, 0);
	ipc_put_bin(&m, r->grant, sizeof(r->grant));
	ipc_put_profile(&m, &p);
	if (password != NULL) {
		ipc_put_str(&m, password);
		if (old != NULL)
			ipc_put_str(&m, old);
		else
			ipc_put_nil(&m);
		ipc_put_str(&m, api_peer(r));
	}
	rc = api_request_slow(r, frontd_env->chans[password != NULL ?
	    PROC_AUTHD : PROC_STORED], &m, password != NULL ?
	    API_WAIT_PASSWORD : 0, succeeded);
	json_decref(body);
	if (rc == -1)
		api_error(r, 503, "service unavailable");
}

void
account_key_delete(struct api_req *r)
{
	struct ipc_msg	 m;
	const char	*api_key;
	json_t		*body;

	if ((body = api_key_body(r, &api_key)) == NULL)
		return;
	ipc_msg_init(&m, IPC_OP_ACCOUNT_KEY_DELETE, 0);
	ipc_put_bin(&m, r->grant, sizeof(r->grant));
	ipc_put_str(&m, api_key);
	json_decref(body);
	if (api_request(r, frontd_env->chans[PROC_STORED], &m,
	    succeeded) == -1)
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

/* id, name and fingerprint of each key, as account-v2.txt lists them */
static json_t *
sshkeys_brief(struct ipc_msg *m)
{
	char		 name[FIELD_SSHKEY_NAME_MAX + 1], fp[SSHKEY_FP_MAX + 1];
	uint64_t	 n, i, oid;
	json_t		*list;

	if ((list = json_array()) == NULL)
		fatalx("%s: out of memory", __func__);
	ipc_get_u64(m, &n);
	for (i = 0; i < n && m->error == NULL; i++) {
		ipc_get_u64(m, &oid);
		ipc_get_str(m, name, sizeof(name));
		ipc_get_str(m, fp, sizeof(fp));
		json_array_append_new(list, json_pack("{s:I,s:s,s:s}", "id",
		    (json_int_t)oid, "name", name, "fingerprint", fp));
	}
	return list;
}

/* id and name of each group, as account-v2.txt lists them */
static json_t *
groups_brief(struct ipc_msg *m)
{
	char		 id[37], name[GROUP_NAME_MAX + 1];
	uint64_t	 n, i;
	json_t		*list;

	if ((list = json_array()) == NULL)
		fatalx("%s: out of memory", __func__);
	ipc_get_u64(m, &n);
	for (i = 0; i < n && m->error == NULL; i++) {
		ipc_get_str(m, id, sizeof(id));
		ipc_get_str(m, name, sizeof(name));
		json_array_append_new(list, json_pack("{s:s,s:s}", "id", id,
		    "name", name));
	}
	return list;
}

static void
account_read(struct ipc_chan *chan, struct ipc_msg *m, void *arg)
{
	struct api_req	*r = arg;
	struct user_rec	 u;
	struct ipc_head	 h;
	char		 key[32], files_id[32];
	uint64_t	 n, i;
	json_t		*api, *sshkeys, *groups;

	(void)chan;
	if (api_head(r, m, "storage unavailable", &h) == -1)
		return;
	ipc_get_user(m, &u);
	ipc_get_u64(m, &n);
	if ((api = json_array()) == NULL)
		fatalx("%s: out of memory", __func__);
	for (i = 0; i < n && m->error == NULL; i++) {
		ipc_get_str(m, key, sizeof(key));
		json_array_append_new(api, json_pack("{s:s,s:n}", "api_key", key,
		    "secret_key"));
	}
	sshkeys = sshkeys_brief(m);
	ipc_get_str(m, files_id, sizeof(files_id));
	groups = groups_brief(m);
	if (api_end(r, m) == -1) {
		json_decref(api);
		json_decref(sshkeys);
		json_decref(groups);
		return;
	}
	api_json(r, 200, json_pack("{s:b,s:o}", "success", 1, "account",
	    render_account(&u, api, sshkeys, files_id, groups)));
}

void
account_show(struct api_req *r)
{
	struct ipc_msg	 m;

	ipc_msg_init(&m, IPC_OP_ACCOUNT, 0);
	ipc_put_bin(&m, r->grant, sizeof(r->grant));
	if (api_request(r, frontd_env->chans[PROC_STORED], &m,
	    account_read) == -1)
		api_error(r, 503, "storage unavailable");
}
