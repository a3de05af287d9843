/*
 * A user's devices (issue 11): registered through authd (which minted
 * the token whose public id and HMAC are kept here), read, listed,
 * deleted (its token stops at once: a device's grant lives only while
 * its row does), and given certificates.  Each change a device should
 * act on is a signal it polls (devsignal.c).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "body_certs.h"
#include "body_devices.h"
#include "log.h"
#include "stored.h"

#define DEVICES_PER_USER_MAX	1000
#define FORBIDDEN		"API key lacks required permission"

static const char devices_of_user[] =
    "SELECT count(*) FROM devices WHERE user_oid = ?";

static int
device_load(uint64_t user, const char *ref, struct device_rec *d)
{
	return device_find(ref, d) == -1 || d->user_oid != user ? -1 : 0;
}

static int
insert_device(const struct principal *p, uint64_t user,
    const struct ipc_device_store *b, uint64_t *oid)
{
	static const char sql[] = "INSERT INTO devices (id, user_oid, name, "
	    "description, device_type, dev_pk, public_id, digest, "
	    "created_at, apikey_oid) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
	sqlite3_stmt	*st = db_stmt(sql);

	sqlite3_bind_text(st, 1, b->device.id, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, user);
	sqlite3_bind_text(st, 3, b->device.name, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, b->device.description, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 5, b->device.device_type, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 6, b->device.dev_pk, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 7, b->public_id, -1, SQLITE_STATIC);
	sqlite3_bind_blob(st, 8, b->digest, (int)b->digest_len,
	    SQLITE_STATIC);
	sqlite3_bind_int64(st, 9, db_now());
	/* a key that registers a device speaks for it on the update poll */
	if (p->kind == GRANT_APIKEY)
		sqlite3_bind_int64(st, 10, p->cred_oid);
	else
		sqlite3_bind_null(st, 10);
	return db_insert(st, oid);
}

/* IPC_STORE_DEVICE_CREATE, from authd: a device and its token's record */
int
devices_store_create(struct ipc_chan *chan, struct ipc_msg *m)
{
	struct ipc_device_store	 b;
	struct ipc_req		 req = ipc_req_of(chan, m);
	struct principal	 p;
	struct device_rec	 d;
	char			 oidtext[24];
	uint64_t		 user = 0, oid;
	int			 status;

	if (ipc_msg_get(m, &b) == -1)
		return -1;
	status = certpage_owner(b.grant, b.grant_len, IPC_ACCESS_ANY, b.user,
	    SCOPE_DEVICES_WRITE, &p, &user);
	if (status == 0 && db_count(devices_of_user, user) >=
	    DEVICES_PER_USER_MAX)
		status = 409;
	if (status == 0 && b.sess.family[0] != '\0' &&
	    !devsess_valid(&b.sess)) {
		explicit_bzero(&b, sizeof(b));
		return ipc_violation(m, "a session record authd never makes");
	}
	if (status != 0)
		devices_reply(&req, status, status == 409 ? "too many devices" :
		    certpage_message(status), NULL);
	else if (db_begin() == -1 || insert_device(&p, user, &b, &oid) == -1 ||
	    (b.sess.family[0] != '\0' && devsess_insert(oid, &b.sess) == -1) ||
	    (snprintf(oidtext, sizeof(oidtext), "%llu",
	    (unsigned long long)oid), device_load(user, oidtext, &d)) == -1 ||
	    db_event("device.create", "info", p.user_id, "device registered",
	    p.username, NULL, DIALECT_APIV1) == -1 || db_commit() == -1) {
		db_rollback();
		devices_reply(&req, 500, "database error", NULL);
	} else
		devices_reply(&req, 201, "created", &d);
	explicit_bzero(&b, sizeof(b));
	return 0;
}

/* IPC_OP_DEVICE: one device (get, delete) */
int
devices_op(struct ipc_chan *chan, struct ipc_msg *m)
{
	static const char del[] = "DELETE FROM devices WHERE oid = ?";
	struct ipc_op_cert	 b;
	struct ipc_req		 req = ipc_req_of(chan, m);
	struct principal	 p;
	struct device_rec	 d;
	uint64_t		 user = 0;
	int			 status;

	if (ipc_msg_get(m, &b) == -1)
		return -1;
	if (!access_known(b.access) || (b.op != DEVICE_OP_GET &&
	    b.op != DEVICE_OP_DELETE))
		return ipc_violation(m, "no such access or operation");
	status = certpage_owner_obj(b.grant, b.grant_len, b.access, b.user,
	    b.op == DEVICE_OP_DELETE ? SCOPE_DEVICES_WRITE :
	    SCOPE_DEVICES_READ, &p, &user);
	if (status == 0 && device_load(user, b.ref, &d) == -1)
		status = 404;
	if (status == 0)
		status = authz_object(&p, b.op == DEVICE_OP_DELETE ?
		    SCOPE_DEVICES_WRITE : SCOPE_DEVICES_READ, d.id);
	if (status == 0 && b.op == DEVICE_OP_DELETE && (db_begin() == -1 ||
	    db_write(del, d.oid, 0) == -1 || db_event("device.delete", "info",
	    p.user_id, "device deleted", p.username, NULL,
	    b.dialect < DIALECT_MAX ? (int)b.dialect : -1) == -1 ||
	    db_commit() == -1)) {
		db_rollback();
		status = 500;
	}
	if (status != 0)
		devices_reply(&req, status, certpage_message(status), NULL);
	else
		devices_reply(&req, b.op == DEVICE_OP_DELETE ? 204 : 200, "ok",
		    &d);
	/* its held polls ask again, and hear that its token is gone */
	if (status == 0 && b.op == DEVICE_OP_DELETE)
		devsignal_wake(d.oid);
	return 0;
}

/*
 * IPC_OP_DEVICE_LIST: a page of a user's devices, by offset or after a
 * cursor stored signed (as certificates are paged, certpage.c)
 */
int
devices_list(struct ipc_chan *chan, struct ipc_msg *m)
{
	static char		 sql[512];
	struct ipc_cert_page	 pg;
	struct ipc_req		 req = ipc_req_of(chan, m);
	struct ipc_cert_list_res res;
	struct ipc_msg		 items;
	struct principal	 p;
	struct device_rec	 d;
	sqlite3_stmt		*st;
	uint64_t		 user = 0, after = 0, last = 0;
	int			 status;

	if (ipc_msg_get(m, &pg) == -1)
		return -1;
	if (!access_known(pg.access))
		return ipc_violation(m, "no such access");
	status = certpage_owner(pg.grant, pg.grant_len, pg.access, pg.user,
	    SCOPE_DEVICES_READ, &p, &user);
	if (status == 0 && pg.by_cursor &&
	    certpage_after("devices", user, pg.cursor, &after) == -1)
		status = 400;
	if (sql[0] == '\0')
		snprintf(sql, sizeof(sql), "SELECT %s FROM devices d WHERE "
		    "d.user_oid = ? AND d.oid > ? ORDER BY d.oid LIMIT ? "
		    "OFFSET ?", devrow_columns);
	memset(&res, 0, sizeof(res));
	ipc_msg_init(&items, IPC_DEVICE_LIST_RES, 0);
	if (status == 0) {
		if (pg.limit == 0 || pg.limit > 100)
			pg.limit = 100;
		res.total = db_count(devices_of_user, user);
		st = db_stmt(sql);
		sqlite3_bind_int64(st, 1, user);
		sqlite3_bind_int64(st, 2, after);
		sqlite3_bind_int(st, 3, pg.limit + 1);
		sqlite3_bind_int64(st, 4, pg.by_cursor ? 0 : pg.offset);
		while (sqlite3_step(st) == SQLITE_ROW) {
			/* a full page, or one more row than it holds */
			if (res.count == pg.limit ||
			    items.sbuf.size >= LIST_PAGE_BYTES) {
				res.has_more = 1;
				break;
			}
			devrow_read(st, &d);
			ipc_msg_put_item(&items, &d);
			last = d.oid;
			res.count++;
		}
		sqlite3_reset(st);
	}
	if (res.has_more)
		certpage_cursor("devices", user, last, res.cursor);
	head_set(&res.head, status == 0 ? 200 : status, status == 0 ? "ok" :
	    status == 400 ? "cursor is not valid" : certpage_message(status));
	ipc_answer(&req, &res, &items);
	return 0;
}

/* ---- assignment --------------------------------------------------------- */

/*
 * The pair a request names, both the user's: 0, 404 (no such device or
 * certificate) or 403 (another user's, as certctrl-apikeys.txt says).
 */
static int
assign_pair(uint64_t user, const struct ipc_device_assign *b,
    struct device_rec *d, struct cert_rec *c)
{
	if (device_find(b->device, d) == -1 || certs_find(b->cert, c) == -1)
		return 404;
	return d->user_oid != user || c->user_oid != user ? 403 : 0;
}

static const char ca_held[] = "SELECT count(*) FROM device_certs x JOIN "
    "certificates t ON t.oid = x.cert_oid WHERE x.device_oid = ? AND "
    "t.ca_oid = ?";

static int64_t
db_count2(const char *sql, uint64_t a, uint64_t b)
{
	sqlite3_stmt	*st = db_stmt(sql);
	int64_t		 n = -1;

	sqlite3_bind_int64(st, 1, a);
	sqlite3_bind_int64(st, 2, b);
	if (sqlite3_step(st) == SQLITE_ROW)
		n = sqlite3_column_int64(st, 0);
	sqlite3_reset(st);
	return n;
}

static int
assign_write(const struct ipc_device_assign *b, const struct principal *p,
    const struct device_rec *d, const struct cert_rec *c, int64_t *at)
{
	static const char ins[] = "INSERT INTO device_certs (device_oid, "
	    "cert_oid, assigned_at) SELECT ?1, ?2, ?3 WHERE NOT EXISTS "
	    "(SELECT 1 FROM device_certs WHERE device_oid = ?1 AND "
	    "cert_oid = ?2)";
	static const char del[] =
	    "DELETE FROM device_certs WHERE device_oid = ? AND cert_oid = ?";
	sqlite3_stmt	*st;
	int		 changed;

	*at = db_now();
	if (b->op == DEVICE_ASSIGN) {
		st = db_stmt(ins);
		sqlite3_bind_int64(st, 1, d->oid);
		sqlite3_bind_int64(st, 2, c->oid);
		sqlite3_bind_int64(st, 3, *at);
		changed = sqlite3_step(st) == SQLITE_DONE ?
		    sqlite3_changes(sqlite3_db_handle(st)) : -1;
		sqlite3_reset(st);
	} else if ((changed = db_write(del, d->oid, c->oid)) == 0)
		return 404;
	if (changed == -1)
		return 500;
	/* the first certificate of a private CA the device holds: its CA */
	if (changed > 0 && b->op == DEVICE_ASSIGN && c->ca_oid != 0 &&
	    db_count2(ca_held, d->oid, c->ca_oid) == 1 &&
	    devsignal_add(d->oid, "ca.assigned", c->ca_oid) == -1)
		return 500;
	if (changed > 0 && (devsignal_add(d->oid, b->op == DEVICE_ASSIGN ?
	    "cert.updated" : "cert.unassigned", c->oid) == -1 ||
	    db_event(b->op == DEVICE_ASSIGN ? "device.assign" :
	    "device.unassign", "info", p->user_id, b->op == DEVICE_ASSIGN ?
	    "certificate assigned to a device" : "certificate taken from a "
	    "device", p->username, NULL, b->dialect < DIALECT_MAX ?
	    (int)b->dialect : -1) == -1))
		return 500;
	return 0;
}

/*
 * Giving a certificate to a device hands its key to whoever holds the
 * device's key, which a key with devices.write can register: so it is
 * an export, and needs what an export needs (certs.write, on that
 * certificate).  Taking it back needs only to read it.  A scope the
 * key lacks altogether refuses as one restricted to other objects.
 */
static int
assign_cert_right(const struct principal *p, uint32_t op, const char *id)
{
	uint32_t	 scope = op == DEVICE_ASSIGN ? SCOPE_CERTS_WRITE :
			    SCOPE_CERTS_READ;

	if (p->kind == GRANT_APIKEY && (p->scopes & scope) != scope)
		return 403;
	return authz_object(p, scope, id);
}

/* IPC_OP_DEVICE_ASSIGN: a certificate to a device, or from it */
int
devices_assign(struct ipc_chan *chan, struct ipc_msg *m)
{
	struct ipc_device_assign	 b;
	struct ipc_device_assign_res	 res;
	struct ipc_req			 req = ipc_req_of(chan, m);
	struct principal		 p;
	struct device_rec		 d;
	struct cert_rec			*c;
	uint64_t			 user = 0;
	int				 status;

	if (ipc_msg_get(m, &b) == -1)
		return -1;
	if (!access_known(b.access) || (b.op != DEVICE_ASSIGN &&
	    b.op != DEVICE_UNASSIGN))
		return ipc_violation(m, "no such access or operation");
	if ((c = calloc(1, sizeof(*c))) == NULL)
		fatal("%s", __func__);
	memset(&res, 0, sizeof(res));
	status = certpage_owner_obj(b.grant, b.grant_len, b.access, b.user,
	    SCOPE_DEVICES_WRITE, &p, &user);
	if (status == 0)
		status = assign_pair(user, &b, &d, c);
	/* a key limited to some devices (or certificates) gives those */
	if (status == 0)
		status = authz_object(&p, SCOPE_DEVICES_WRITE, d.id);
	if (status == 0)
		status = assign_cert_right(&p, b.op, c->id);
	if (status == 0) {
		if (db_begin() == -1)
			status = 500;
		else if ((status = assign_write(&b, &p, &d, c,
		    &res.assigned_at)) != 0 || db_commit() == -1) {
			db_rollback();
			if (status == 0)
				status = 500;
		}
	}
	if (status == 0) {
		res.device_oid = d.oid;
		res.cert_oid = c->oid;
	}
	head_set(&res.head, status == 0 ? 200 : status, status == 0 ? "ok" :
	    status == 403 ? FORBIDDEN : status == 404 ? "Resource not found" :
	    certpage_message(status));
	ipc_answer(&req, &res, NULL);
	free(c);
	return 0;
}
