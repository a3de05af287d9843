/*
 * What taskd's ACME worker is given and gives back (body_acmejob.h):
 * stored answers only for a task taskd holds the lease of (the fence),
 * so a worker that lost its lease reads and writes nothing.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "body_acmejob.h"
#include "log.h"
#include "stored.h"

/* The task's certificate and action while taskd leases it; 0 if not. */
static uint64_t
leased_cert(uint64_t task, uint64_t fence, uint32_t *action)
{
	static const char sql[] = "SELECT coalesce(cert_oid, 0), action FROM "
	    "tasks WHERE oid = ? AND fence = ? AND status = 'running'";
	sqlite3_stmt	*st = db_stmt(sql);
	uint64_t	 cert = 0;

	sqlite3_bind_int64(st, 1, task);
	sqlite3_bind_int64(st, 2, fence);
	if (sqlite3_step(st) == SQLITE_ROW) {
		cert = sqlite3_column_int64(st, 0);
		*action = sqlite3_column_int(st, 1);
	}
	sqlite3_reset(st);
	return cert;
}

static int
blob_col(sqlite3_stmt *st, int col, uint8_t *dst, size_t cap, size_t *len)
{
	int	 n = sqlite3_column_bytes(st, col);

	if (n <= 0 || (size_t)n > cap)
		return -1;
	memcpy(dst, sqlite3_column_blob(st, col), (size_t)n);
	*len = (size_t)n;
	return 0;
}

/*
 * The certificate, its account and the order: 0, or -1; 1 for a
 * renewal whose new key is not made yet (an auto-renewal: stored makes
 * no key), with the certificate's oid, id and key type alone.
 */
static int
job_load(uint64_t task, uint64_t cert, int renew, struct ipc_acmejob_res *r)
{
	static const char sql[] = "SELECT c.oid, c.id, c.sans, CASE WHEN ?3 "
	    "THEN c.renew_key_sealed ELSE c.key_sealed END, a.oid, a.id, "
	    "a.email, a.directory, a.account_url, a.key_sealed, "
	    "coalesce(c.dns_provider_oid, 0), (SELECT order_url FROM tasks "
	    "WHERE oid = ?2), c.key_type FROM certificates c JOIN "
	    "acme_accounts a ON a.oid = c.acme_account_oid WHERE c.oid = ?1";
	sqlite3_stmt	*st = db_stmt(sql);
	uint64_t	 prov = 0;
	int		 rc = -1, row;

	sqlite3_bind_int64(st, 1, cert);
	sqlite3_bind_int64(st, 2, task);
	sqlite3_bind_int(st, 3, renew);
	row = sqlite3_step(st) == SQLITE_ROW;
	if (row && renew && sqlite3_column_type(st, 3) == SQLITE_NULL) {
		r->cert_oid = sqlite3_column_int64(st, 0);
		db_text_col(st, 1, r->cert_id, sizeof(r->cert_id));
		db_text_col(st, 12, r->key_type, sizeof(r->key_type));
		sqlite3_reset(st);
		return 1;
	}
	if (row && blob_col(st, 3, r->cert_sealed, sizeof(r->cert_sealed),
	    &r->cert_sealed_len) == 0 && blob_col(st, 9, r->acct_sealed,
	    sizeof(r->acct_sealed), &r->acct_sealed_len) == 0) {
		r->cert_oid = sqlite3_column_int64(st, 0);
		db_text_col(st, 1, r->cert_id, sizeof(r->cert_id));
		db_text_col(st, 2, r->names, sizeof(r->names));
		r->acct_oid = sqlite3_column_int64(st, 4);
		db_text_col(st, 5, r->acct_id, sizeof(r->acct_id));
		db_text_col(st, 6, r->email, sizeof(r->email));
		db_text_col(st, 7, r->directory, sizeof(r->directory));
		db_text_col(st, 8, r->account_url, sizeof(r->account_url));
		prov = sqlite3_column_int64(st, 10);
		db_text_col(st, 11, r->order_url, sizeof(r->order_url));
		rc = 0;
	}
	sqlite3_reset(st);
	if (rc == 0 && prov != 0 && dnsprov_for_job(prov, &r->prov,
	    r->prov_sealed, sizeof(r->prov_sealed), &r->prov_sealed_len) == -1)
		rc = -1;
	return rc;
}

/* IPC_ACME_JOB_GET, from taskd. */
int
acmejob_get(struct ipc_chan *chan, struct ipc_msg *m)
{
	struct ipc_acmejob_get	 q;
	struct ipc_acmejob_res	*r;
	struct ipc_req		 req = ipc_req_of(chan, m);
	uint64_t		 cert;
	uint32_t		 action = 0;
	int			 rc = -1;

	if (ipc_msg_get(m, &q) == -1)
		return -1;
	if ((r = calloc(1, sizeof(*r))) == NULL)
		fatal("%s", __func__);
	if ((cert = leased_cert(q.task_oid, q.fence, &action)) == 0)
		head_set(&r->head, 409, "no such task leased, or its "
		    "certificate is gone");
	else if ((rc = job_load(q.task_oid, cert, action == CERT_RENEW,
	    r)) == -1) {
		memset(r, 0, sizeof(*r));
		head_set(&r->head, 404, "the certificate, its key or its "
		    "account is gone");
	} else if (rc == 1)
		head_set(&r->head, 202, "the renewal's new key is not made");
	else
		head_set(&r->head, 200, "ok");
	ipc_answer(&req, r, NULL);
	explicit_bzero(r, sizeof(*r));
	free(r);
	return 0;
}

/* IPC_ACME_JOB_NOTE, from taskd: an order's or an account's URL. */
int
acmejob_note(struct ipc_chan *chan, struct ipc_msg *m)
{
	static const char order[] = "UPDATE tasks SET order_url = ? WHERE "
	    "oid = ?";
	static const char acct[] = "UPDATE acme_accounts SET account_url = ?, "
	    "status = 'valid' WHERE oid = (SELECT acme_account_oid FROM "
	    "certificates WHERE oid = ?)";
	struct ipc_acmejob_note	 n;
	struct ipc_req		 req = ipc_req_of(chan, m);
	sqlite3_stmt		*st;
	uint64_t		 cert;
	uint32_t		 action;
	int			 rc;

	if (ipc_msg_get(m, &n) == -1)
		return -1;
	if (n.what != ACMEJOB_NOTE_ORDER && n.what != ACMEJOB_NOTE_ACCOUNT)
		return ipc_violation(m, "no such note");
	if (strncmp(n.url, "https://", 8) != 0) {
		ipc_answer_status(&req, 400, "not an https URL");
		return 0;
	}
	if ((cert = leased_cert(n.task_oid, n.fence, &action)) == 0) {
		ipc_answer_status(&req, 409, "the lease was lost");
		return 0;
	}
	if (db_begin() == -1) {
		ipc_answer_status(&req, 500, "database error");
		return 0;
	}
	st = db_stmt(n.what == ACMEJOB_NOTE_ORDER ? order : acct);
	sqlite3_bind_text(st, 1, n.url, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, n.what == ACMEJOB_NOTE_ORDER ? n.task_oid :
	    cert);
	rc = sqlite3_step(st);
	sqlite3_reset(st);
	if (rc != SQLITE_DONE || db_commit() == -1) {
		db_rollback();
		ipc_answer_status(&req, 500, "database error");
	} else
		ipc_answer_status(&req, 200, "ok");
	return 0;
}

/*
 * Every device holding cert hears cert.updated, then install.updated:
 * the material it deploys under that id (certificate and key) is new.
 */
static int
signal_devices(uint64_t cert)
{
	static const char sql[] =
	    "SELECT device_oid FROM device_certs WHERE cert_oid = ?1 AND "
	    "device_oid > ?2 ORDER BY device_oid LIMIT 64";

	return devsignal_each(sql, cert, "cert.updated", cert) == -1 ||
	    devsignal_each(sql, cert, "install.updated", cert) == -1 ? -1 : 0;
}

static int
keep_result(uint64_t cert, int renew, const struct ipc_acmejob_result *r)
{
	static const char sql[] = "UPDATE certificates SET status = 'issued', "
	    "cert_pem = ?1, chain_pem = ?2, serial = ?3, issuer = ?4, "
	    "not_before = ?5, not_after = ?6, key_sealed = CASE WHEN ?7 THEN "
	    "renew_key_sealed ELSE key_sealed END, renew_key_sealed = CASE "
	    "WHEN ?7 THEN NULL ELSE renew_key_sealed END, "
	    "renew_at = CASE WHEN ?9 > 0 AND ?9 < ?6 THEN CASE WHEN ?9 < ?5 "
	    "THEN ?5 ELSE ?9 END ELSE ?5 + (?6 - ?5) * 2 / 3 END, "
	    "renew_failures = 0 "
	    "WHERE oid = ?8 AND (?7 = 0 OR renew_key_sealed IS NOT NULL)";
	sqlite3_stmt	*st = db_stmt(sql);
	int		 rc;

	sqlite3_bind_text(st, 1, r->cert_pem, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, r->chain_pem, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, r->serial, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, r->issuer, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 5, r->not_before);
	sqlite3_bind_int64(st, 6, r->not_after);
	sqlite3_bind_int(st, 7, renew);
	sqlite3_bind_int64(st, 8, cert);
	sqlite3_bind_int64(st, 9, r->renew_at);
	rc = sqlite3_step(st);
	sqlite3_reset(st);
	return rc == SQLITE_DONE && sqlite3_changes(sqlite3_db_handle(st)) ==
	    1 ? 0 : -1;
}

/* IPC_ACME_JOB_RESULT, from taskd: the certificate, kept and signaled. */
int
acmejob_result(struct ipc_chan *chan, struct ipc_msg *m)
{
	struct ipc_acmejob_result *r;
	struct ipc_req		 req = ipc_req_of(chan, m);
	uint64_t		 cert;
	uint32_t		 action = 0;
	int			 status = 200;

	if ((r = calloc(1, sizeof(*r))) == NULL)
		fatal("%s", __func__);
	if (ipc_msg_get(m, r) == -1) {
		free(r);
		return -1;
	}
	if (strncmp(r->cert_pem, "-----BEGIN CERTIFICATE-----", 27) != 0)
		status = 400;
	else if ((cert = leased_cert(r->task_oid, r->fence, &action)) == 0)
		status = 409;
	else if (db_begin() == -1 || keep_result(cert, action == CERT_RENEW,
	    r) == -1 || signal_devices(cert) == -1 || db_commit() == -1) {
		db_rollback();
		status = 500;
	}
	ipc_answer_status(&req, status, status == 200 ? "ok" : status == 400 ?
	    "not a certificate" : status == 409 ? "the lease was lost" :
	    "database error");
	free(r);
	return 0;
}

/*
 * IPC_STORE_RENEWKEY, from authd: the new key authd made for the
 * renewal taskd leases (acme.renewkey), kept as the certificate's
 * renew_key_sealed until its new certificate is stored (the old key
 * serves until then); for that lease, that renewal and that
 * certificate alone, and never over a key already kept.
 */
int
acmejob_renewkey(struct ipc_chan *chan, struct ipc_msg *m)
{
	static const char sql[] = "UPDATE certificates SET renew_key_sealed "
	    "= ?1 WHERE oid = ?2 AND id = ?3 AND renew_key_sealed IS NULL";
	struct ipc_store_renewkey *b;
	struct ipc_req		 req = ipc_req_of(chan, m);
	sqlite3_stmt		*st;
	uint64_t		 cert;
	uint32_t		 action = 0;
	int			 status = 200;

	if ((b = calloc(1, sizeof(*b))) == NULL)
		fatal("%s", __func__);
	if (ipc_msg_get(m, b) == -1) {
		free(b);
		return -1;
	}
	if ((cert = leased_cert(b->task_oid, b->fence, &action)) == 0 ||
	    action != CERT_RENEW)
		status = 409;
	else if (b->sealed_len == 0)
		status = 400;
	else {
		st = db_stmt(sql);
		sqlite3_bind_blob(st, 1, b->sealed, (int)b->sealed_len,
		    SQLITE_STATIC);
		sqlite3_bind_int64(st, 2, cert);
		sqlite3_bind_text(st, 3, b->cert_id, -1, SQLITE_STATIC);
		if (sqlite3_step(st) != SQLITE_DONE)
			status = 500;
		sqlite3_reset(st);
	}
	ipc_answer_status(&req, status, status == 200 ? "ok" : status == 409 ?
	    "no such renewal leased" : status == 400 ? "no key" :
	    "database error");
	explicit_bzero(b, sizeof(*b));
	free(b);
	return 0;
}
