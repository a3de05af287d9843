/*
 * A user's ACME accounts (issue 11): their own, or any for an admin;
 * through an API key only with certs.read to read and certs.write to
 * make, as the rest of the certificate service.  Another user's
 * account is refused as another user's API key is.  The account's key
 * is kept as authd sealed it (bound to the account's id) and never
 * leaves in an answer; the directory is one of moatd.conf's, checked
 * here again whoever named it.
 */
#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "acmedirs.h"
#include "body_acmeacct.h"
#include "body_keys.h"
#include "log.h"
#include "stored.h"
#include "util.h"

static_assert(ACCT_DIR_MAX + 1 == CFG_ACME_NAME_MAX, "directory size");
static_assert(ACCT_URL_MAX + 1 == CFG_ACME_URL_MAX, "url size");

#define ACCTS_PAGE		100
#define ACCTS_PER_USER_MAX	20

static const char acct_columns[] = "oid, id, user_oid, email, directory, "
    "key_type, status, account_url, created_at";
static const char accts_of_user[] =
    "SELECT count(*) FROM acme_accounts WHERE user_oid = ?";

static void
row_to_acct(sqlite3_stmt *st, struct acmeacct_rec *a)
{
	const struct acme_dir	*d;

	memset(a, 0, sizeof(*a));
	a->oid = sqlite3_column_int64(st, 0);
	db_text_col(st, 1, a->id, sizeof(a->id));
	a->user_oid = sqlite3_column_int64(st, 2);
	db_text_col(st, 3, a->email, sizeof(a->email));
	db_text_col(st, 4, a->directory, sizeof(a->directory));
	db_text_col(st, 5, a->key_type, sizeof(a->key_type));
	db_text_col(st, 6, a->status, sizeof(a->status));
	db_text_col(st, 7, a->account_url, sizeof(a->account_url));
	a->created_at = sqlite3_column_int64(st, 8);
	/* a directory since removed from moatd.conf shows no URL */
	if ((d = acme_dir_by_name(&stored_env->acme, a->directory)) != NULL)
		strlcpy(a->directory_url, d->url, sizeof(a->directory_url));
}

/* The account ref (number or UUID) among those of user; -1 if none. */
static int
acct_load(uint64_t user, const char *ref, struct acmeacct_rec *a)
{
	static char	 sql[512];
	sqlite3_stmt	*st;
	int		 rc;

	if (sql[0] == '\0')
		snprintf(sql, sizeof(sql), "SELECT %s FROM acme_accounts WHERE "
		    "user_oid = ?1 AND (id = ?2 OR CAST(oid AS TEXT) = ?2)",
		    acct_columns);
	st = db_stmt(sql);
	sqlite3_bind_int64(st, 1, user);
	sqlite3_bind_text(st, 2, ref, -1, SQLITE_STATIC);
	if ((rc = sqlite3_step(st)) == SQLITE_ROW)
		row_to_acct(st, a);
	sqlite3_reset(st);
	return rc == SQLITE_ROW ? 0 : -1;
}

static void
reply_acct(const struct ipc_req *req, int status, const char *message,
    const struct acmeacct_rec *a)
{
	struct ipc_acmeacct_res	 res;

	memset(&res, 0, sizeof(res));
	head_set(&res.head, status, message);
	if (a != NULL)
		res.acct = *a;
	ipc_answer(req, &res, NULL);
}

static const char *
message_for(int status)
{
	switch (status) {
	case 403: return "api key lacks required permission";
	case 404: return "Resource not found";
	case 409: return "a user has at most 20 acme accounts";
	default: return status_message(status);
	}
}

/* An e-mail address as an ACME contact takes it: NULL, or why not. */
const char *
acmeacct_email_invalid(const char *s)
{
	const char	*at = strchr(s, '@');
	size_t		 i;

	if (at == NULL || at == s || at[1] == '\0' || strchr(at + 1, '@') ||
	    strlen(s) > ACCT_EMAIL_MAX)
		return "email must be an address (local@domain)";
	for (i = 0; s[i] != '\0'; i++)
		if ((unsigned char)s[i] <= ' ' || (unsigned char)s[i] >= 0x7f ||
		    strchr("<>()[]\\,;:\"%?/#", s[i]) != NULL)
			return "email must be an address (local@domain)";
	return NULL;
}

/* The account as it will be kept: NULL, or why it is refused (400). */
static const char *
acct_invalid(const struct ipc_acmeacct_store *b)
{
	const struct acmeacct_rec *a = &b->acct;
	const char		*why;

	if ((why = acmeacct_email_invalid(a->email)) != NULL)
		return why;
	if (acme_dir_by_name(&stored_env->acme, a->directory) == NULL)
		return "directory must be one of the configured acme "
		    "directories";
	if (a->key_type[0] == '\0' || b->sealed_len == 0 || a->id[0] == '\0')
		return "no sealed key";
	return NULL;
}

static int
insert_acct(uint64_t user, const struct ipc_acmeacct_store *b,
    uint64_t *oid)
{
	static const char sql[] = "INSERT INTO acme_accounts (id, user_oid, "
	    "email, directory, key_type, key_sealed, status, created_at) "
	    "VALUES (?, ?, ?, ?, ?, ?, 'pending', ?)";
	const struct acmeacct_rec *a = &b->acct;
	sqlite3_stmt	*st = db_stmt(sql);

	sqlite3_bind_text(st, 1, a->id, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, user);
	sqlite3_bind_text(st, 3, a->email, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, a->directory, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 5, a->key_type, -1, SQLITE_STATIC);
	sqlite3_bind_blob(st, 6, b->sealed, b->sealed_len, SQLITE_STATIC);
	sqlite3_bind_int64(st, 7, db_now());
	return db_insert(st, oid);
}

/* The user whose accounts a request reaches, with scope: 0 or status. */
static int
accts_of(const uint8_t *grant, size_t grant_len, uint32_t access,
    const char *ref, uint32_t scope, struct principal *p, uint64_t *user)
{
	uint32_t	 retry;
	int		 status;

	status = authz_check(grant, grant_len, p, &retry);
	if (status == 0)
		status = authz_keys_of(p, access, ref, user);
	if (status == 0)
		status = authz_scope(p, scope);
	return status;
}

static int
acct_keep(uint64_t user, const struct principal *p,
    const struct ipc_acmeacct_store *b, struct acmeacct_rec *a)
{
	char		 oidtext[24];
	uint64_t	 oid;

	if (db_begin() == -1 || insert_acct(user, b, &oid) == -1)
		goto fail;
	snprintf(oidtext, sizeof(oidtext), "%llu", (unsigned long long)oid);
	if (acct_load(user, oidtext, a) == -1 ||
	    db_event("acmeaccount.create", "info", p->user_id,
	    "acme account created", p->username, NULL,
	    b->dialect < DIALECT_MAX ? (int)b->dialect : -1) == -1 ||
	    db_commit() == -1)
		goto fail;
	return 0;
 fail:
	db_rollback();
	return -1;
}

/* IPC_STORE_ACMEACCT_CREATE, from authd: the key already sealed */
int
acmeacct_store_create(struct ipc_chan *chan, struct ipc_msg *m)
{
	struct ipc_acmeacct_store *b;
	struct ipc_req		 req = ipc_req_of(chan, m);
	struct principal	 p;
	struct acmeacct_rec	 a;
	const char		*why = NULL;
	uint64_t		 user = 0;
	int			 status;

	if ((b = calloc(1, sizeof(*b))) == NULL)
		fatal("%s", __func__);
	if (ipc_msg_get(m, b) == -1) {
		free(b);
		return -1;
	}
	if (!access_known(b->access)) {
		free(b);
		return ipc_violation(m, "no such access");
	}
	status = accts_of(b->grant, b->grant_len, b->access, b->user,
	    SCOPE_CERTS_WRITE, &p, &user);
	if (status == 0 && (why = acct_invalid(b)) != NULL)
		status = 400;
	if (status == 0 && db_count(accts_of_user, user) >=
	    ACCTS_PER_USER_MAX)
		status = 409;
	if (status != 0)
		reply_acct(&req, status, why != NULL ? why :
		    message_for(status), NULL);
	else if (acct_keep(user, &p, b, &a) == -1)
		reply_acct(&req, 500, "database error", NULL);
	else
		reply_acct(&req, 201, "created", &a);
	explicit_bzero(b, sizeof(*b));
	free(b);
	return 0;
}

/* IPC_OP_ACMEACCT_LIST */
int
acmeacct_list(struct ipc_chan *chan, struct ipc_msg *m)
{
	static char		 sql[512];
	struct ipc_key_page	 pg;
	struct ipc_req		 req = ipc_req_of(chan, m);
	struct ipc_list_res	 res;
	struct ipc_msg		 items;
	struct principal	 p;
	struct acmeacct_rec	 a;
	sqlite3_stmt		*st;
	uint64_t		 user = 0;
	int			 status;

	if (ipc_msg_get(m, &pg) == -1)
		return -1;
	if (!access_known(pg.access))
		return ipc_violation(m, "no such access");
	status = accts_of(pg.grant, pg.grant_len, pg.access, pg.user,
	    SCOPE_CERTS_READ, &p, &user);
	if (sql[0] == '\0')
		snprintf(sql, sizeof(sql), "SELECT %s FROM acme_accounts WHERE "
		    "user_oid = ? ORDER BY oid LIMIT ? OFFSET ?", acct_columns);
	memset(&res, 0, sizeof(res));
	ipc_msg_init(&items, IPC_ACMEACCT_LIST_RES, 0);
	if (status == 0) {
		res.total = db_count(accts_of_user, user);
		st = db_stmt(sql);
		sqlite3_bind_int64(st, 1, user);
		sqlite3_bind_int(st, 2, pg.limit == 0 || pg.limit > ACCTS_PAGE ?
		    ACCTS_PAGE : pg.limit);
		sqlite3_bind_int64(st, 3, pg.offset);
		while (items.sbuf.size < LIST_PAGE_BYTES &&
		    sqlite3_step(st) == SQLITE_ROW) {
			row_to_acct(st, &a);
			ipc_msg_put_item(&items, &a);
			res.count++;
		}
		sqlite3_reset(st);
	}
	head_set(&res.head, status == 0 ? 200 : status, status == 0 ? "ok" :
	    message_for(status));
	ipc_answer(&req, &res, &items);
	return 0;
}

/* IPC_OP_ACMEACCT_GET */
int
acmeacct_get(struct ipc_chan *chan, struct ipc_msg *m)
{
	struct ipc_key_ref	 b;
	struct ipc_req		 req = ipc_req_of(chan, m);
	struct principal	 p;
	struct acmeacct_rec	 a;
	uint64_t		 user = 0;
	int			 status;

	if (ipc_msg_get(m, &b) == -1)
		return -1;
	if (!access_known(b.access))
		return ipc_violation(m, "no such access");
	status = accts_of(b.grant, b.grant_len, b.access, b.user,
	    SCOPE_CERTS_READ, &p, &user);
	if (status == 0 && acct_load(user, b.key, &a) == -1)
		status = 404;
	if (status != 0)
		reply_acct(&req, status, message_for(status), NULL);
	else
		reply_acct(&req, 200, "ok", &a);
	return 0;
}
