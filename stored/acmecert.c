/*
 * ACME certificates (issue 11): a certificate through an ACME account is
 * a row in status pending and a task (cert.issue) queued in the same
 * transaction; a renewal keeps its new key beside the old one
 * (renew_key_sealed) and queues cert.renew; POST .../issues queues
 * cert.issue again with the key the row has.  A user may ask for
 * ISSUES_PER_HOUR of them an hour (429 with the seconds to wait),
 * counted from the tasks they asked for, which outlive a certificate's
 * deletion.  The account and the DNS provider a request names must be
 * the certificate owner's: another user's is 404, as a missing one.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "body_certs.h"
#include "hostrec.h"
#include "log.h"
#include "stored.h"
#include "util.h"

/* 0 when user may ask for one more; else 429 with the seconds to wait */
static int
issue_limit(const char *requested_by, uint32_t *retry)
{
	static const char sql[] = "SELECT count(*), coalesce(min(created_at),"
	    " 0) FROM tasks WHERE kind IN ('cert.issue', 'cert.renew') AND "
	    "requested_by = ? AND created_at > ?";
	sqlite3_stmt	*st = db_stmt(sql);
	int64_t		 now = db_now(), n = 0, first = 0;

	sqlite3_bind_text(st, 1, requested_by, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, now - 3600);
	if (sqlite3_step(st) == SQLITE_ROW) {
		n = sqlite3_column_int64(st, 0);
		first = sqlite3_column_int64(st, 1);
	}
	sqlite3_reset(st);
	if (n < ISSUES_PER_HOUR)
		return 0;
	*retry = first + 3600 - now > 0 ? (uint32_t)(first + 3600 - now) : 1;
	return 429;
}

static int
queue(uint32_t action, uint64_t cert_oid, const char *requested_by)
{
	static const char sql[] = "INSERT INTO tasks (id, kind, action, "
	    "status, requested_by, run_after, created_at, updated_at, "
	    "cert_oid) VALUES (?1, ?2, ?3, 'pending', ?4, ?5, ?5, ?5, ?6)";
	sqlite3_stmt	*st = db_stmt(sql);
	char		 task_id[37];
	int		 rc;

	uuid_v4(task_id);
	sqlite3_bind_text(st, 1, task_id, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, host_lifecycle(action)->kind, -1,
	    SQLITE_STATIC);
	sqlite3_bind_int(st, 3, action);
	sqlite3_bind_text(st, 4, requested_by, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 5, db_now());
	sqlite3_bind_int64(st, 6, cert_oid);
	rc = sqlite3_step(st);
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? 0 : -1;
}

/* One account of user: its oid, or 0 (another user's is none). */
static uint64_t
account_of_user(uint64_t user, const char *ref)
{
	static const char sql[] = "SELECT oid FROM acme_accounts WHERE "
	    "user_oid = ?1 AND (id = ?2 OR CAST(oid AS TEXT) = ?2)";
	sqlite3_stmt	*st = db_stmt(sql);
	uint64_t	 oid = 0;

	sqlite3_bind_int64(st, 1, user);
	sqlite3_bind_text(st, 2, ref, -1, SQLITE_STATIC);
	if (sqlite3_step(st) == SQLITE_ROW)
		oid = sqlite3_column_int64(st, 0);
	sqlite3_reset(st);
	return oid;
}

static int
insert_pending(uint64_t user, const struct ipc_store_cert_create *b,
    uint64_t acct, uint64_t prov, uint64_t *oid)
{
	static const char sql[] = "INSERT INTO certificates (id, user_oid, "
	    "status, domain, sans, key_type, serial, issuer, key_sealed, "
	    "acme_account_oid, dns_provider_oid, auto_renew, created_at) "
	    "VALUES (?, ?, 'pending', ?, ?, ?, '', '', ?, ?, ?, ?, ?)";
	sqlite3_stmt	*st = db_stmt(sql);

	sqlite3_bind_text(st, 1, b->cert.id, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, user);
	sqlite3_bind_text(st, 3, b->cert.domain, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, b->cert.sans, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 5, b->cert.key_type, -1, SQLITE_STATIC);
	sqlite3_bind_blob(st, 6, b->sealed, (int)b->sealed_len,
	    SQLITE_STATIC);
	sqlite3_bind_int64(st, 7, acct);
	if (prov != 0)
		sqlite3_bind_int64(st, 8, prov);
	else
		sqlite3_bind_null(st, 8);
	sqlite3_bind_int(st, 9, b->auto_renew ? 1 : 0);
	sqlite3_bind_int64(st, 10, db_now());
	return db_insert(st, oid);
}

/*
 * A renewal's new key, kept until its certificate comes: one renewal
 * at a time, since the task stores the key the row holds when it ends
 * and a second key would pair with the first one's certificate.
 */
static int
keep_renew_key(uint64_t user, const struct ipc_store_cert_create *b)
{
	static const char sql[] = "UPDATE certificates SET renew_key_sealed ="
	    " ? WHERE oid = ? AND user_oid = ? AND acme_account_oid IS NOT "
	    "NULL AND id = ? AND renew_key_sealed IS NULL";
	sqlite3_stmt	*st = db_stmt(sql);
	int		 rc;

	sqlite3_bind_blob(st, 1, b->sealed, (int)b->sealed_len,
	    SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, b->renew_oid);
	sqlite3_bind_int64(st, 3, user);
	sqlite3_bind_text(st, 4, b->cert.id, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	sqlite3_reset(st);
	return rc == SQLITE_DONE && sqlite3_changes(sqlite3_db_handle(st)) ==
	    1 ? 0 : -1;
}

static void
answer(const struct ipc_req *req, int status, uint32_t retry,
    const char *message, const struct cert_rec *c)
{
	struct ipc_cert_res	*res;

	if ((res = calloc(1, sizeof(*res))) == NULL)
		fatal("%s", __func__);
	head_set(&res->head, status, message);
	res->head.retry = retry;
	if (c != NULL)
		res->cert = *c;
	ipc_answer(req, res, NULL);
	free(res);
}

/* The row (new or renewed), its task and event: 0, 409 (a renewal
 * runs) or -1. */
static int
record(uint64_t user, const struct ipc_store_cert_create *b,
    const struct principal *p, uint64_t acct, uint64_t prov,
    struct cert_rec *c)
{
	char		 oidtext[24];
	uint64_t	 oid = b->renew_oid;

	if (b->renew_oid != 0 && keep_renew_key(user, b) == -1)
		return 409;
	if (b->renew_oid == 0 && insert_pending(user, b, acct, prov,
	    &oid) == -1)
		return -1;
	snprintf(oidtext, sizeof(oidtext), "%llu", (unsigned long long)oid);
	if (queue(b->renew_oid != 0 ? CERT_RENEW : CERT_ISSUE, oid,
	    p->user_id) == -1 || certs_load(user, oidtext, c) == -1)
		return -1;
	return db_event(b->renew_oid != 0 ? "certificate.renew" :
	    "certificate.request", "info", p->user_id, b->renew_oid != 0 ?
	    "certificate renewal queued" : "certificate issuance queued",
	    p->username, NULL, DIALECT_APIV1);
}

/*
 * From certs_store_create: an ACME certificate (or a renewal's key),
 * whose owner (user) the grant may reach with certs.write.
 */
int
acmecert_create(const struct ipc_req *req,
    const struct ipc_store_cert_create *b, const struct principal *p,
    uint64_t user)
{
	struct cert_rec	*c;
	uint64_t	 acct = 0, prov = 0;
	uint32_t	 retry = 0;
	int		 status = 0;

	if ((c = calloc(1, sizeof(*c))) == NULL)
		fatal("%s", __func__);
	if (b->renew_oid == 0 && (acct = account_of_user(user,
	    b->acme_account)) == 0) {
		answer(req, 404, 0, "ACME account not found", NULL);
		goto done;
	}
	if (b->renew_oid == 0 && b->dns_provider[0] != '\0' &&
	    (prov = dnsprov_of_user(user, b->dns_provider)) == 0) {
		answer(req, 404, 0, "DNS provider not found", NULL);
		goto done;
	}
	if (db_begin() == -1)
		status = 500;
	else if ((status = issue_limit(p->user_id, &retry)) == 0 &&
	    (status = record(user, b, p, acct, prov, c)) == -1)
		status = 500;
	if (status != 0 || db_commit() == -1) {
		db_rollback();
		answer(req, status == 429 || status == 409 ? status : 500,
		    retry, status == 429 ? "too many certificate requests; "
		    "try again later" : status == 409 ? "a renewal of this "
		    "certificate is already in progress" : "database error",
		    NULL);
	} else {
		tasks_wake();
		answer(req, 202, 0, "queued", c);
	}
done:
	free(c);
	return 0;
}

/* POST .../issues: the certificate c again, with its key: 0 or status */
int
acmecert_issue_again(const struct principal *p, uint64_t user,
    struct cert_rec *c, uint32_t *retry)
{
	char	 oidtext[24];
	int	 status;

	(void)user;
	if (c->acme_account_oid == 0)
		return 409;
	if (db_begin() == -1)
		return 500;
	snprintf(oidtext, sizeof(oidtext), "%llu",
	    (unsigned long long)c->oid);
	if ((status = issue_limit(p->user_id, retry)) == 0 &&
	    (queue(CERT_ISSUE, c->oid, p->user_id) == -1 ||
	    db_event("certificate.request", "info", p->user_id,
	    "certificate issuance queued again", p->username, NULL,
	    DIALECT_APIV1) == -1))
		status = 500;
	if (status != 0 || db_commit() == -1) {
		db_rollback();
		return status != 0 ? status : 500;
	}
	tasks_wake();
	return 0;
}

/* A certificate a renewal may name: an ACME one of user.  0 or -1. */
int
acmecert_renewable(uint64_t user, const char *ref, struct cert_rec *c)
{
	return certs_load(user, ref, c) == 0 && c->acme_account_oid != 0 ?
	    0 : -1;
}

/* A task of a certificate failed for good: so did the certificate,
 * unless it holds one issued before (a failed renewal keeps it). */
int
acmecert_failed(uint64_t task_oid, const char *message)
{
	static const char sql[] = "UPDATE certificates SET status = CASE "
	    "WHEN cert_pem IS NULL THEN 'failed' ELSE status END, "
	    "renew_key_sealed = NULL, renew_at = CASE WHEN renew_at IS NULL "
	    "THEN NULL ELSE ?2 + CASE renew_failures WHEN 0 THEN 3600 WHEN 1 "
	    "THEN 7200 WHEN 2 THEN 14400 WHEN 3 THEN 28800 WHEN 4 THEN 57600 "
	    "ELSE 86400 END END, renew_failures = renew_failures + 1 WHERE "
	    "oid = (SELECT cert_oid FROM tasks WHERE oid = ?1)";

	(void)message;
	return db_write(sql, task_oid, (uint64_t)db_now()) == -1 ? -1 : 0;
}

/*
 * Auto-renew: an issued ACME certificate with auto_renew gets a
 * cert.renew (its new key asked of authd by the task: acmejob.c and
 * taskd's acme.renewkey) once renew_at, two
 * thirds of its lifetime, has come (acmejob.c sets it with the
 * certificate), unless a task of it is pending or running.  A failure
 * puts renew_at off by an hour, doubling with each failure in a row, a
 * day at most (acmecert_failed).  At most RENEW_BATCH a claim, through
 * an index on renew_at; these tasks are asked by "auto-renew" and count
 * against nobody's limit.
 */
#define RENEW_BATCH		16

int
acmecert_queue_due(int64_t now)
{
	static const char sql[] = "SELECT c.oid FROM certificates c WHERE "
	    "c.auto_renew = 1 AND c.renew_at <= ?1 AND c.status = 'issued' "
	    "AND NOT EXISTS (SELECT 1 FROM tasks t WHERE t.cert_oid = c.oid "
	    "AND t.status IN ('pending', 'running')) ORDER BY c.renew_at "
	    "LIMIT ?2";
	sqlite3_stmt	*st = db_stmt(sql);
	uint64_t	 due[RENEW_BATCH];
	int		 k = 0, i;

	sqlite3_bind_int64(st, 1, now);
	sqlite3_bind_int(st, 2, RENEW_BATCH);
	while (k < RENEW_BATCH && sqlite3_step(st) == SQLITE_ROW)
		due[k++] = sqlite3_column_int64(st, 0);
	sqlite3_reset(st);
	for (i = 0; i < k; i++)
		if (queue(CERT_RENEW, due[i], "auto-renew") == -1)
			return -1;
	if (k > 0)
		log_info("auto-renew: %d certificate(s) queued", k);
	return 0;
}
