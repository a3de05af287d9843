/*
 * A user's ACME accounts (certificates apiv1, issue 11): POST and GET
 * (list, one) under /apiv1/users/:user_id/acme-accounts.  An account
 * names one of moatd.conf's acme directories, by its name ("directory")
 * or by its URL ("directory_url", equal byte for byte to a configured
 * one): no request points taskd at another server.  Its key is made and
 * sealed in authd; no answer shows it.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "acmedirs.h"
#include "api.h"
#include "body_acmeacct.h"
#include "body_keys.h"
#include "frontd.h"
#include "log.h"
#include "util.h"

/* an RSA-4096 key pair takes authd seconds, more under sanitizers */
#define KEYGEN_WAIT_MS	30000

json_t *
render_acmeacct(const struct acmeacct_rec *a)
{
	json_t	*j;

	j = json_pack("{s:I,s:s,s:I,s:s,s:s,s:s,s:s,s:s,s:o,s:o}", "id",
	    (json_int_t)a->oid, "uuid", a->id, "user_id",
	    (json_int_t)a->user_oid, "email", a->email, "directory",
	    a->directory, "directory_url", a->directory_url, "key_type",
	    a->key_type, "status", a->status, "account_url",
	    a->account_url[0] != '\0' ? json_string(a->account_url) :
	    json_null(), "created_at", render_time(a->created_at));
	if (j == NULL)
		fatalx("%s: out of memory", __func__);
	return j;
}

static void
acct_answer(struct ipc_chan *chan, struct ipc_msg *m, void *arg)
{
	struct api_req		*r = arg;
	struct ipc_acmeacct_res	 res;

	(void)chan;
	if (api_res(r, m, "storage unavailable", &res) == -1)
		return;
	api_json(r, res.head.status, json_pack("{s:o}", "data",
	    render_acmeacct(&res.acct)));
}

/* The configured directory the body names: its name, or -1 answered. */
static int
directory_member(struct api_req *r, json_t *body, char *dst, size_t dstlen)
{
	const struct acme_dir	*byname = NULL, *byurl = NULL;
	const char		*name, *url;

	if (optional_string_field(r, body, "directory", ACCT_DIR_MAX, "",
	    &name) == -1 || optional_string_field(r, body, "directory_url",
	    ACCT_URL_MAX, "", &url) == -1)
		return -1;
	if (*name != '\0' && (byname = acme_dir_by_name(&frontd_env->acme,
	    name)) == NULL) {
		api_error(r, 400, "directory is not a configured acme "
		    "directory");
		return -1;
	}
	if (*url != '\0' && (byurl = acme_dir_by_url(&frontd_env->acme,
	    url)) == NULL) {
		api_error(r, 400, "directory_url is not a configured acme "
		    "directory's");
		return -1;
	}
	if (byname == NULL && byurl == NULL) {
		api_error(r, 400, "directory or directory_url is required");
		return -1;
	}
	if (byname != NULL && byurl != NULL && byname != byurl) {
		api_error(r, 400, "directory and directory_url differ");
		return -1;
	}
	strlcpy(dst, byname != NULL ? byname->name : byurl->name, dstlen);
	return 0;
}

static int
read_account(struct api_req *r, json_t *body, struct ipc_acmeacct_create *q)
{
	json_t		*bits = json_object_get(body, "key_bits");
	const char	*email, *type;

	if (string_field(r, body, "email", ACCT_EMAIL_MAX, &email) == -1 ||
	    directory_member(r, body, q->acct.directory,
	    sizeof(q->acct.directory)) == -1 ||
	    optional_string_field(r, body, "key_type", CERT_KEYTYPE_MAX,
	    "ecdsa", &type) == -1)
		return -1;
	if (bits != NULL && (!json_is_integer(bits) ||
	    json_integer_value(bits) < 1 ||
	    json_integer_value(bits) > 16384)) {
		api_error(r, 400, "key_bits must be a number from 1 to 16384");
		return -1;
	}
	q->key_bits = bits != NULL ? (uint32_t)json_integer_value(bits) : 0;
	strlcpy(q->acct.email, email, sizeof(q->acct.email));
	strlcpy(q->acct.key_type, type, sizeof(q->acct.key_type));
	return 0;
}

void
apiv1_acmeacct_create(struct api_req *r)
{
	struct ipc_acmeacct_create q;
	json_t			*body;

	if ((body = api_body(r)) == NULL)
		return;
	memset(&q, 0, sizeof(q));
	if (api_only_fields(r, body, r->route->fields) == -1 ||
	    read_account(r, body, &q) == -1 ||
	    api_copy(r, q.user, sizeof(q.user), r->params[0]) == -1) {
		json_decref(body);
		return;
	}
	json_decref(body);
	api_grant(r, q.grant, &q.grant_len);
	q.access = r->route->access;
	q.dialect = r->dialect;
	if (api_ask_slow(r, frontd_env->chans[PROC_AUTHD],
	    IPC_AUTH_ACMEACCT_CREATE, &q, KEYGEN_WAIT_MS, acct_answer) == -1)
		api_error(r, 503, "authentication unavailable");
}

static json_t *
acct_row(struct api_req *r, const void *item)
{
	(void)r;
	return render_acmeacct(item);
}

static void
accts_listed(struct ipc_chan *chan, struct ipc_msg *m, void *arg)
{
	(void)chan;
	api_offset_page(arg, m, acct_row);
}

void
apiv1_acmeacct_list(struct api_req *r)
{
	struct ipc_key_page	 q;

	memset(&q, 0, sizeof(q));
	if (api_paging(r, 20, 100, &q.limit, &q.offset) == -1) {
		api_error(r, 400, "limit must be 1 to 100, offset a number");
		return;
	}
	api_keep_offset(r, q.offset);
	api_grant(r, q.grant, &q.grant_len);
	q.access = r->route->access;
	if (api_copy(r, q.user, sizeof(q.user), r->params[0]) == -1)
		return;
	if (api_ask(r, frontd_env->chans[PROC_STORED], IPC_OP_ACMEACCT_LIST,
	    &q, accts_listed) == -1)
		api_error(r, 503, "storage unavailable");
}

void
apiv1_acmeacct_get(struct api_req *r)
{
	struct ipc_key_ref	 q;

	memset(&q, 0, sizeof(q));
	api_grant(r, q.grant, &q.grant_len);
	q.access = r->route->access;
	q.dialect = r->dialect;
	if (api_copy(r, q.user, sizeof(q.user), r->params[0]) == -1 ||
	    api_copy(r, q.key, sizeof(q.key), r->params[1]) == -1)
		return;
	if (api_ask(r, frontd_env->chans[PROC_STORED], IPC_OP_ACMEACCT_GET,
	    &q, acct_answer) == -1)
		api_error(r, 503, "storage unavailable");
}
