/*
 * A user's certificates (issue 11): issued by a private CA (authd signs
 * and seals; see authd/certs.c), listed by offset or by a signed cursor
 * (certpage.c), exported only through authd and with an event.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "body_certs.h"
#include "log.h"
#include "stored.h"

#define CERTS_PER_USER_MAX	10000

static const char certs_of_user[] =
    "SELECT count(*) FROM certificates WHERE user_oid = ?";

static void
reply_cert(const struct ipc_req *req, int status, const char *message,
    const struct cert_rec *c)
{
	struct ipc_cert_res	*res;

	if ((res = calloc(1, sizeof(*res))) == NULL)
		fatal("%s", __func__);
	head_set(&res->head, status, message);
	if (c != NULL)
		res->cert = *c;
	ipc_answer(req, res, NULL);
	free(res);
}

static int
insert_cert(uint64_t user, const struct ipc_store_cert_create *b,
    uint64_t *oid)
{
	static const char sql[] = "INSERT INTO certificates (id, user_oid, "
	    "ca_oid, status, domain, sans, key_type, serial, issuer, "
	    "cert_pem, chain_pem, key_sealed, not_before, not_after, "
	    "created_at) VALUES (?, ?, (SELECT oid FROM cas WHERE oid = ? "
	    "AND user_oid = ?), ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
	sqlite3_stmt	*st = db_stmt(sql);

	sqlite3_bind_text(st, 1, b->cert.id, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, user);
	sqlite3_bind_int64(st, 3, b->cert.ca_oid);
	sqlite3_bind_int64(st, 4, user);
	sqlite3_bind_text(st, 5, b->cert.status, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 6, b->cert.domain, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 7, b->cert.sans, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 8, b->cert.key_type, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 9, b->cert.serial, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 10, b->cert.issuer, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 11, b->cert_pem, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 12, b->chain_pem, -1, SQLITE_STATIC);
	sqlite3_bind_blob(st, 13, b->sealed, (int)b->sealed_len,
	    SQLITE_STATIC);
	sqlite3_bind_int64(st, 14, b->cert.not_before);
	sqlite3_bind_int64(st, 15, b->cert.not_after);
	sqlite3_bind_int64(st, 16, db_now());
	return db_insert(st, oid);
}

/* IPC_STORE_CERT_CREATE, from authd: a certificate it issued. */
int
certs_store_create(struct ipc_chan *chan, struct ipc_msg *m)
{
	struct ipc_store_cert_create *b;
	struct ipc_req		 req = ipc_req_of(chan, m);
	struct principal	 p;
	struct cert_rec		 c;
	char			 oidtext[24];
	uint64_t		 user = 0, oid;
	int			 status;

	if ((b = calloc(1, sizeof(*b))) == NULL)
		fatal("%s", __func__);
	if (ipc_msg_get(m, b) == -1) {
		free(b);
		return -1;
	}
	status = certpage_owner(b->grant, b->grant_len, IPC_ACCESS_ANY,
	    b->user, SCOPE_CERTS_WRITE, &p, &user);
	if (status == 0 && b->renew_oid == 0 &&
	    db_count(certs_of_user, user) >= CERTS_PER_USER_MAX)
		status = 409;
	if (status == 0 && (b->acme_account[0] != '\0' || b->renew_oid != 0))
		acmecert_create(&req, b, &p, user);
	else if (status != 0)
		reply_cert(&req, status, status == 409 ? "too many "
		    "certificates" : certpage_message(status), NULL);
	else if (db_begin() == -1 || insert_cert(user, b, &oid) == -1 ||
	    (snprintf(oidtext, sizeof(oidtext), "%llu",
	    (unsigned long long)oid), certs_load(user, oidtext, &c)) == -1 ||
	    db_event("certificate.issue", "info", p.user_id,
	    "certificate issued by a private CA", p.username, NULL,
	    DIALECT_APIV1) == -1 || db_commit() == -1) {
		db_rollback();
		reply_cert(&req, 500, "database error", NULL);
	} else
		reply_cert(&req, 201, "created", &c);
	explicit_bzero(b, sizeof(*b));
	free(b);
	return 0;
}

/* POST .../issues: 204, or why not (409: not an ACME certificate). */
static void
issue_again(const struct ipc_req *req, const struct principal *p,
    uint64_t user, struct cert_rec *c)
{
	struct ipc_cert_res	*res;
	uint32_t		 retry = 0;
	int			 status;

	status = acmecert_issue_again(p, user, c, &retry);
	if ((res = calloc(1, sizeof(*res))) == NULL)
		fatal("%s", __func__);
	head_set(&res->head, status == 0 ? 204 : status, status == 0 ? "ok" :
	    status == 409 ? "not an ACME certificate" : status == 429 ?
	    "too many certificate requests; try again later" :
	    certpage_message(status));
	res->head.retry = retry;
	ipc_answer(req, res, NULL);
	free(res);
}

/* IPC_OP_CERT: one certificate (get, delete, issue again). */
int
certs_op(struct ipc_chan *chan, struct ipc_msg *m)
{
	static const char del[] = "DELETE FROM certificates WHERE oid = ?";
	struct ipc_op_cert	 b;
	struct ipc_req		 req = ipc_req_of(chan, m);
	struct principal	 p;
	struct cert_rec		*c;
	uint64_t		 user = 0;
	int			 status;

	if (ipc_msg_get(m, &b) == -1)
		return -1;
	if (!access_known(b.access) || (b.op != CERT_OP_GET &&
	    b.op != CERT_OP_DELETE && b.op != CERT_OP_ISSUE))
		return ipc_violation(m, "no such access or operation");
	if ((c = calloc(1, sizeof(*c))) == NULL)
		fatal("%s", __func__);
	status = certpage_owner_obj(b.grant, b.grant_len, b.access, b.user,
	    b.op != CERT_OP_GET ? SCOPE_CERTS_WRITE : SCOPE_CERTS_READ, &p,
	    &user);
	if (status == 0 && certs_load(user, b.ref, c) == -1)
		status = 404;
	if (status == 0)
		status = authz_object(&p, b.op != CERT_OP_GET ?
		    SCOPE_CERTS_WRITE : SCOPE_CERTS_READ, c->id);
	if (status == 0 && b.op == CERT_OP_ISSUE) {
		issue_again(&req, &p, user, c);
		free(c);
		return 0;
	}
	if (status == 0 && b.op == CERT_OP_DELETE && (db_begin() == -1 ||
	    devsignal_cert_gone(c->oid) == -1 ||
	    db_write(del, c->oid, 0) == -1 || db_event("certificate.delete",
	    "info", p.user_id, "certificate deleted", p.username, NULL,
	    b.dialect < DIALECT_MAX ? (int)b.dialect : -1) == -1 ||
	    db_commit() == -1)) {
		db_rollback();
		status = 500;
	}
	if (status != 0)
		reply_cert(&req, status, certpage_message(status), NULL);
	else
		reply_cert(&req, b.op == CERT_OP_DELETE ? 204 : 200, "ok", c);
	free(c);
	return 0;
}

/* IPC_OP_CERT_LIST: a page of a user's certificates. */
int
certs_list(struct ipc_chan *chan, struct ipc_msg *m)
{
	static char		 sql[640];
	struct ipc_cert_page	 pg;
	struct ipc_req		 req = ipc_req_of(chan, m);
	struct ipc_cert_list_res res;
	struct ipc_msg		 items;
	struct principal	 p;
	struct cert_rec		*c;
	sqlite3_stmt		*st;
	uint64_t		 user = 0, after = 0, last = 0;
	int			 status, more = 0;

	if (ipc_msg_get(m, &pg) == -1)
		return -1;
	if (!access_known(pg.access))
		return ipc_violation(m, "no such access");
	status = certpage_owner(pg.grant, pg.grant_len, pg.access, pg.user,
	    SCOPE_CERTS_READ, &p, &user);
	if (status == 0 && pg.by_cursor &&
	    certpage_after("certs", user, pg.cursor, &after) == -1)
		status = 400;
	if (sql[0] == '\0')
		snprintf(sql, sizeof(sql), "SELECT %s FROM certificates c "
		    "WHERE c.user_oid = ? AND c.oid > ? ORDER BY c.oid "
		    "LIMIT ? OFFSET ?", certrow_columns);
	if ((c = calloc(1, sizeof(*c))) == NULL)
		fatal("%s", __func__);
	memset(&res, 0, sizeof(res));
	ipc_msg_init(&items, IPC_CERT_LIST_RES, 0);
	if (status == 0) {
		if (pg.limit == 0 || pg.limit > 100)
			pg.limit = 100;
		res.total = db_count(certs_of_user, user);
		st = db_stmt(sql);
		sqlite3_bind_int64(st, 1, user);
		sqlite3_bind_int64(st, 2, after);
		sqlite3_bind_int(st, 3, pg.limit + 1);
		sqlite3_bind_int64(st, 4, pg.by_cursor ? 0 : pg.offset);
		while (sqlite3_step(st) == SQLITE_ROW) {
			/* a full page, or one more row than it holds */
			if (res.count == pg.limit ||
			    items.sbuf.size >= LIST_PAGE_BYTES) {
				more = 1;
				break;
			}
			certrow_read(st, c);
			ipc_msg_put_item(&items, c);
			last = c->oid;
			res.count++;
		}
		sqlite3_reset(st);
	}
	res.has_more = more;
	if (more)
		certpage_cursor("certs", user, last, res.cursor);
	head_set(&res.head, status == 0 ? 200 : status, status == 0 ? "ok" :
	    status == 400 ? "cursor is not valid" : certpage_message(status));
	ipc_answer(&req, &res, &items);
	free(c);
	return 0;
}

/* The certificate's PEMs and seal into k: -1 if none. */
int
cert_secret(uint64_t oid, struct ipc_certkey_res *k)
{
	static const char sql[] = "SELECT cert_pem, chain_pem, key_sealed "
	    "FROM certificates WHERE oid = ?";
	sqlite3_stmt	*st = db_stmt(sql);
	int		 rc = -1, n;

	sqlite3_bind_int64(st, 1, oid);
	if (sqlite3_step(st) == SQLITE_ROW &&
	    (n = sqlite3_column_bytes(st, 2)) > 0 &&
	    (size_t)n <= sizeof(k->sealed)) {
		db_text_col(st, 0, k->cert_pem, sizeof(k->cert_pem));
		db_text_col(st, 1, k->chain_pem, sizeof(k->chain_pem));
		memcpy(k->sealed, sqlite3_column_blob(st, 2), (size_t)n);
		k->sealed_len = (size_t)n;
		rc = 0;
	}
	sqlite3_reset(st);
	return rc;
}

/* A certificate's key for its export, recorded: 0 or a status. */
static int
export_key(const struct ipc_certkey_get *b, struct ipc_certkey_res *k)
{
	struct principal	 p;
	struct cert_rec		*c;
	uint64_t		 user = 0;
	int			 status;

	if ((c = calloc(1, sizeof(*c))) == NULL)
		fatal("%s", __func__);
	status = certpage_owner_obj(b->grant, b->grant_len, b->access,
	    b->user, SCOPE_CERTS_WRITE, &p, &user);
	if (status == 0 && (certs_load(user, b->ref, c) == -1 ||
	    cert_secret(c->oid, k) == -1))
		status = 404;
	if (status == 0)
		status = authz_object(&p, SCOPE_CERTS_WRITE, c->id);
	/* an ACME certificate not issued yet (or that failed) has a key
	 * but nothing to go with it */
	if (status == 0 && strcmp(c->status, "issued") != 0)
		status = 409;
	if (status == 0 && (db_begin() == -1 ||
	    db_event("certificate.export", "info", p.user_id,
	    "certificate and its private key exported", p.username, NULL,
	    b->dialect < DIALECT_MAX ? (int)b->dialect : -1) == -1 ||
	    db_commit() == -1)) {
		db_rollback();
		status = 500;
	}
	if (status == 0) {
		k->oid = c->oid;
		strlcpy(k->id, c->id, sizeof(k->id));
		k->not_after = c->not_after;
	}
	free(c);
	return status;
}

/* A CA's key to sign with, and its certificate: 0 or a status. */
static int
ca_key(const struct ipc_certkey_get *b, struct ipc_certkey_res *k)
{
	struct principal	 p;
	struct ca_rec		 c;
	uint64_t		 user = 0;
	int			 status;

	status = certpage_owner(b->grant, b->grant_len, b->access, b->user,
	    SCOPE_CERTS_WRITE, &p, &user);
	if (status == 0 && (cas_load(user, b->ref, &c, k->cert_pem,
	    sizeof(k->cert_pem)) == -1 || cas_sealed(c.oid, k->sealed,
	    sizeof(k->sealed), &k->sealed_len) == -1))
		status = 404;
	/* certs.write issues (certctrl-apikeys.txt); but a key given some
	 * CAs by name signs with those alone */
	if (status == 0)
		status = authz_object(&p, SCOPE_CAS_READ, c.id);
	if (status == 0)
		status = authz_object(&p, SCOPE_CAS_WRITE, c.id);
	if (status == 0 && c.not_after <= db_now())
		status = 409;
	if (status == 0) {
		k->oid = c.oid;
		strlcpy(k->id, c.id, sizeof(k->id));
		strlcpy(k->name, c.name, sizeof(k->name));
		k->not_after = c.not_after;
	}
	return status;
}

/* A renewal's certificate: its id and key type (in name), no seal. */
static int
renew_of(const struct ipc_certkey_get *b, struct ipc_certkey_res *k)
{
	struct principal	 p;
	struct cert_rec		*c;
	uint64_t		 user = 0;
	int			 status;

	if ((c = calloc(1, sizeof(*c))) == NULL)
		fatal("%s", __func__);
	status = certpage_owner(b->grant, b->grant_len, b->access, b->user,
	    SCOPE_CERTS_WRITE, &p, &user);
	if (status == 0 && certs_load(user, b->ref, c) == -1)
		status = 404;
	else if (status == 0 && c->acme_account_oid == 0)
		status = 409;
	if (status == 0) {
		k->oid = c->oid;
		strlcpy(k->id, c->id, sizeof(k->id));
		strlcpy(k->name, c->key_type, sizeof(k->name));
	}
	free(c);
	return status;
}

/*
 * IPC_CERTKEY_GET, from authd: the seal of a key it may open for the
 * client whose grant this is.  No key is ever in clear here.
 */
int
certs_key_get(struct ipc_chan *chan, struct ipc_msg *m)
{
	struct ipc_certkey_get	 b;
	struct ipc_req		 req = ipc_req_of(chan, m);
	struct ipc_certkey_res	*k;
	int			 status;

	if (ipc_msg_get(m, &b) == -1)
		return -1;
	if (!access_known(b.access) || (b.op != CERTKEY_CA_SIGN &&
	    b.op != CERTKEY_EXPORT && b.op != CERTKEY_RENEW))
		return ipc_violation(m, "no such access or key");
	if ((k = calloc(1, sizeof(*k))) == NULL)
		fatal("%s", __func__);
	status = b.op == CERTKEY_EXPORT ? export_key(&b, k) :
	    b.op == CERTKEY_RENEW ? renew_of(&b, k) : ca_key(&b, k);
	if (status != 0) {
		explicit_bzero(k, sizeof(*k));
		head_set(&k->head, status, status == 409 ? (b.op ==
		    CERTKEY_RENEW ? "only a certificate issued through ACME "
		    "renews" : b.op == CERTKEY_EXPORT ? "the certificate is "
		    "not issued" : "the CA has expired") : status == 404 &&
		    b.op == CERTKEY_CA_SIGN ? "CA not found" :
		    certpage_message(status));
	} else
		head_set(&k->head, 200, "ok");
	ipc_answer(&req, k, NULL);
	explicit_bzero(k, sizeof(*k));
	free(k);
	return 0;
}
