/*
 * A user's private CAs (issue 11): the rows, with the certificate as
 * PEM and the key as authd sealed it.  The seal goes back to authd
 * alone (certs.c, certkey.get), and only to sign with.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "body_certs.h"
#include "log.h"
#include "stored.h"

#define CAS_PER_USER_MAX	100

static const char ca_columns[] = "oid, id, user_oid, name, key_type, "
    "serial, not_before, not_after, created_at";
static const char cas_of_user[] =
    "SELECT count(*) FROM cas WHERE user_oid = ?";

static void
row_to_ca(sqlite3_stmt *st, struct ca_rec *c)
{
	memset(c, 0, sizeof(*c));
	c->oid = sqlite3_column_int64(st, 0);
	db_text_col(st, 1, c->id, sizeof(c->id));
	c->user_oid = sqlite3_column_int64(st, 2);
	db_text_col(st, 3, c->name, sizeof(c->name));
	db_text_col(st, 4, c->key_type, sizeof(c->key_type));
	db_text_col(st, 5, c->serial, sizeof(c->serial));
	c->not_before = sqlite3_column_int64(st, 6);
	c->not_after = sqlite3_column_int64(st, 7);
	c->created_at = sqlite3_column_int64(st, 8);
}

/* The CA ref (oid or id) of user, with its PEM if pem; -1 if none. */
int
cas_load(uint64_t user, const char *ref, struct ca_rec *c, char *pem,
    size_t pemlen)
{
	static char	 sql[512];
	sqlite3_stmt	*st;
	int		 rc;

	if (sql[0] == '\0')
		snprintf(sql, sizeof(sql), "SELECT %s, cert_pem FROM cas "
		    "WHERE user_oid = ?1 AND (id = ?2 OR CAST(oid AS TEXT) = "
		    "?2)", ca_columns);
	st = db_stmt(sql);
	sqlite3_bind_int64(st, 1, user);
	sqlite3_bind_text(st, 2, ref, -1, SQLITE_STATIC);
	if ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		row_to_ca(st, c);
		if (pem != NULL)
			db_text_col(st, 9, pem, pemlen);
	}
	sqlite3_reset(st);
	return rc == SQLITE_ROW ? 0 : -1;
}

/* The CA ref that issued a certificate given to device, with its PEM. */
int
cas_of_device(uint64_t device, const char *ref, struct ca_rec *c, char *pem,
    size_t pemlen)
{
	static char	 sql[512];
	sqlite3_stmt	*st;
	int		 rc;

	if (sql[0] == '\0')
		snprintf(sql, sizeof(sql), "SELECT %s, cert_pem FROM cas "
		    "WHERE (id = ?2 OR CAST(oid AS TEXT) = ?2) AND EXISTS "
		    "(SELECT 1 FROM device_certs x JOIN certificates t ON "
		    "t.oid = x.cert_oid WHERE x.device_oid = ?1 AND t.ca_oid = "
		    "cas.oid)", ca_columns);
	st = db_stmt(sql);
	sqlite3_bind_int64(st, 1, device);
	sqlite3_bind_text(st, 2, ref, -1, SQLITE_STATIC);
	if ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		row_to_ca(st, c);
		db_text_col(st, 9, pem, pemlen);
	}
	sqlite3_reset(st);
	return rc == SQLITE_ROW ? 0 : -1;
}

/* Its seal, for authd to sign with: -1 if none. */
int
cas_sealed(uint64_t oid, uint8_t *sealed, size_t cap, size_t *len)
{
	static const char sql[] = "SELECT key_sealed FROM cas WHERE oid = ?";
	sqlite3_stmt	*st = db_stmt(sql);
	int		 rc = -1, n;

	sqlite3_bind_int64(st, 1, oid);
	if (sqlite3_step(st) == SQLITE_ROW &&
	    (n = sqlite3_column_bytes(st, 0)) > 0 && (size_t)n <= cap) {
		memcpy(sealed, sqlite3_column_blob(st, 0), (size_t)n);
		*len = (size_t)n;
		rc = 0;
	}
	sqlite3_reset(st);
	return rc;
}

static void
reply_ca(const struct ipc_req *req, int status, const char *message,
    const struct ca_rec *c, const char *pem)
{
	struct ipc_ca_res	*res;

	if ((res = calloc(1, sizeof(*res))) == NULL)
		fatal("%s", __func__);
	head_set(&res->head, status, message);
	if (c != NULL)
		res->ca = *c;
	if (pem != NULL)
		strlcpy(res->cert_pem, pem, sizeof(res->cert_pem));
	ipc_answer(req, res, NULL);
	free(res);
}

static int
insert_ca(uint64_t user, const struct ipc_store_ca_create *b, uint64_t *oid)
{
	static const char sql[] = "INSERT INTO cas (id, user_oid, name, "
	    "key_type, serial, cert_pem, key_sealed, not_before, not_after, "
	    "created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
	sqlite3_stmt	*st = db_stmt(sql);

	sqlite3_bind_text(st, 1, b->ca.id, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, user);
	sqlite3_bind_text(st, 3, b->ca.name, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, b->ca.key_type, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 5, b->ca.serial, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 6, b->cert_pem, -1, SQLITE_STATIC);
	sqlite3_bind_blob(st, 7, b->sealed, (int)b->sealed_len, SQLITE_STATIC);
	sqlite3_bind_int64(st, 8, b->ca.not_before);
	sqlite3_bind_int64(st, 9, b->ca.not_after);
	sqlite3_bind_int64(st, 10, db_now());
	return db_insert(st, oid);
}

/* IPC_STORE_CA_CREATE, from authd: a CA it made, its key sealed. */
int
cas_store_create(struct ipc_chan *chan, struct ipc_msg *m)
{
	struct ipc_store_ca_create *b;
	struct ipc_req		 req = ipc_req_of(chan, m);
	struct principal	 p;
	struct ca_rec		 c;
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
	    b->user, SCOPE_CAS_WRITE, &p, &user);
	if (status == 0 && db_count(cas_of_user, user) >= CAS_PER_USER_MAX)
		status = 409;
	if (status != 0)
		reply_ca(&req, status, status == 409 ? "a user has at most 100 "
		    "CAs" : certpage_message(status), NULL, NULL);
	else if (db_begin() == -1 || insert_ca(user, b, &oid) == -1 ||
	    (snprintf(oidtext, sizeof(oidtext), "%llu",
	    (unsigned long long)oid), cas_load(user, oidtext, &c, NULL,
	    0)) == -1 || db_event("ca.create", "info", p.user_id,
	    "private CA created", p.username, NULL, DIALECT_APIV1) == -1 ||
	    db_commit() == -1) {
		db_rollback();
		reply_ca(&req, 500, "database error", NULL, NULL);
	} else
		reply_ca(&req, 201, "created", &c, b->cert_pem);
	explicit_bzero(b, sizeof(*b));
	free(b);
	return 0;
}

/* IPC_OP_CA: one CA (get, bundle, delete). */
int
cas_op(struct ipc_chan *chan, struct ipc_msg *m)
{
	static const char del[] = "DELETE FROM cas WHERE oid = ?";
	struct ipc_op_cert	 b;
	struct ipc_req		 req = ipc_req_of(chan, m);
	struct principal	 p;
	struct ca_rec		 c;
	char			*pem;
	uint64_t		 user = 0;
	int			 status;

	if (ipc_msg_get(m, &b) == -1)
		return -1;
	if (!access_known(b.access) || (b.op != CERT_OP_GET &&
	    b.op != CERT_OP_DELETE && b.op != CERT_OP_BUNDLE))
		return ipc_violation(m, "no such access or operation");
	if ((pem = calloc(1, CERT_PEM_MAX + 1)) == NULL)
		fatal("%s", __func__);
	status = certpage_owner_obj(b.grant, b.grant_len, b.access, b.user,
	    b.op == CERT_OP_DELETE ? SCOPE_CAS_WRITE : SCOPE_CAS_READ, &p,
	    &user);
	if (status == 0 && cas_load(user, b.ref, &c, pem,
	    CERT_PEM_MAX + 1) == -1)
		status = 404;
	if (status == 0)
		status = authz_object(&p, b.op == CERT_OP_DELETE ?
		    SCOPE_CAS_WRITE : SCOPE_CAS_READ, c.id);
	if (status == 0 && b.op == CERT_OP_DELETE && (db_begin() == -1 ||
	    devsignal_ca_gone(c.oid) == -1 || db_write(del, c.oid, 0) == -1 || db_event("ca.delete", "info",
	    p.user_id, "private CA deleted", p.username, NULL,
	    b.dialect < DIALECT_MAX ? (int)b.dialect : -1) == -1 ||
	    db_commit() == -1)) {
		db_rollback();
		status = 500;
	}
	if (status != 0)
		reply_ca(&req, status, certpage_message(status), NULL, NULL);
	else
		reply_ca(&req, b.op == CERT_OP_DELETE ? 204 : 200, "ok", &c,
		    b.op == CERT_OP_BUNDLE ? pem : NULL);
	free(pem);
	return 0;
}

/* IPC_OP_CA_LIST: a page of a user's CAs, by offset or cursor. */
int
cas_list(struct ipc_chan *chan, struct ipc_msg *m)
{
	static char		 sql[512];
	struct ipc_cert_page	 pg;
	struct ipc_req		 req = ipc_req_of(chan, m);
	struct ipc_cert_list_res res;
	struct ipc_msg		 items;
	struct principal	 p;
	struct ca_rec		 c;
	sqlite3_stmt		*st;
	uint64_t		 user = 0, after = 0, last = 0;
	int			 status, more = 0;

	if (ipc_msg_get(m, &pg) == -1)
		return -1;
	if (!access_known(pg.access))
		return ipc_violation(m, "no such access");
	status = certpage_owner(pg.grant, pg.grant_len, pg.access, pg.user,
	    SCOPE_CAS_READ, &p, &user);
	if (status == 0 && pg.by_cursor &&
	    certpage_after("cas", user, pg.cursor, &after) == -1)
		status = 400;
	if (sql[0] == '\0')
		snprintf(sql, sizeof(sql), "SELECT %s FROM cas WHERE "
		    "user_oid = ? AND oid > ? ORDER BY oid LIMIT ? OFFSET ?",
		    ca_columns);
	memset(&res, 0, sizeof(res));
	ipc_msg_init(&items, IPC_CA_LIST_RES, 0);
	if (status == 0) {
		if (pg.limit == 0 || pg.limit > 100)
			pg.limit = 100;
		res.total = db_count(cas_of_user, user);
		st = db_stmt(sql);
		sqlite3_bind_int64(st, 1, user);
		sqlite3_bind_int64(st, 2, after);
		sqlite3_bind_int(st, 3, pg.limit + 1);
		sqlite3_bind_int64(st, 4, pg.by_cursor ? 0 : pg.offset);
		while (sqlite3_step(st) == SQLITE_ROW) {
			if (res.count == pg.limit) {
				more = 1;
				break;
			}
			row_to_ca(st, &c);
			ipc_msg_put_item(&items, &c);
			last = c.oid;
			res.count++;
		}
		sqlite3_reset(st);
	}
	res.has_more = more;
	if (more)
		certpage_cursor("cas", user, last, res.cursor);
	head_set(&res.head, status == 0 ? 200 : status, status == 0 ? "ok" :
	    status == 400 ? "cursor is not valid" : certpage_message(status));
	ipc_answer(&req, &res, &items);
	return 0;
}
