/*
 * Bindings (control plane v1): which host an egress IP serves, one
 * each way at a time, made and removed by admins; a running host feels
 * the change through a host.egress task.  And the tunnel a bound host's
 * job carries to taskd, its secrets still sealed.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "body_egress.h"
#include "egresscheck.h"
#include "hostrec.h"
#include "log.h"
#include "stored.h"
#include "util.h"

static const char binding_columns[] = "b.oid, b.id, h.id, e.id, "
    "b.created_at";
static const char binding_from[] = "bindings b JOIN hosts h ON "
    "h.oid = b.host_oid JOIN egress_ips e ON e.oid = b.egress_oid";

static void
row_to_binding(sqlite3_stmt *st, struct binding_rec *b, uint64_t *host_oid)
{
	memset(b, 0, sizeof(*b));
	b->oid = sqlite3_column_int64(st, 0);
	db_text_col(st, 1, b->id, sizeof(b->id));
	db_text_col(st, 2, b->host_id, sizeof(b->host_id));
	db_text_col(st, 3, b->egress_ip_id, sizeof(b->egress_ip_id));
	b->created_at = sqlite3_column_int64(st, 4);
	*host_oid = sqlite3_column_int64(st, 5);
}

static int
binding_load(const char *ref, struct binding_rec *b, uint64_t *host_oid)
{
	static char	 sql[512];
	sqlite3_stmt	*st;
	int		 rc;

	if (sql[0] == '\0')
		snprintf(sql, sizeof(sql), "SELECT %s, b.host_oid FROM %s "
		    "WHERE b.id = ?1 OR CAST(b.oid AS TEXT) = ?1",
		    binding_columns, binding_from);
	st = db_stmt(sql);
	sqlite3_bind_text(st, 1, ref, -1, SQLITE_STATIC);
	if ((rc = sqlite3_step(st)) == SQLITE_ROW)
		row_to_binding(st, b, host_oid);
	sqlite3_reset(st);
	return rc == SQLITE_ROW ? 0 : -1;
}

/*
 * Gives the host the egress IP ref names, in the caller's transaction.
 * 0, or an HTTP status with why.
 */
int
bindings_attach(const struct host_rec *h, const char *ref,
    struct binding_rec *b, const char **why)
{
	static const char sql[] = "INSERT INTO bindings (id, host_oid, "
	    "egress_oid, created_at) VALUES (?, ?, ?, ?)";
	struct egress_rec e;
	sqlite3_stmt	*st;
	uint64_t	 host_oid;
	int		 rc;

	if (egress_load(ref, &e) == -1) {
		*why = "egress ip not found";
		return 404;
	}
	/* one whose config_error says it cannot make a tunnel may still be
	 * bound: its host's task then fails with egress_invalid, and the
	 * host runs without a way out until the egress IP is mended */
	if (e.binding_id[0] != '\0') {
		*why = strcmp(e.host_id, h->id) == 0 ? "the egress ip is "
		    "bound to this host already" : "the egress ip is bound to "
		    "another host";
		return 409;
	}
	memset(b, 0, sizeof(*b));
	uuid_v4(b->id);
	st = db_stmt(sql);
	sqlite3_bind_text(st, 1, b->id, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, h->oid);
	sqlite3_bind_int64(st, 3, e.oid);
	sqlite3_bind_int64(st, 4, db_now());
	rc = sqlite3_step(st);
	sqlite3_reset(st);
	if ((rc & 0xff) == SQLITE_CONSTRAINT) {
		*why = "the host already has an egress ip";
		return 409;
	}
	if (rc != SQLITE_DONE || binding_load(b->id, b, &host_oid) == -1)
		return 500;
	return 0;
}

/* A host that is deleted lets its egress IP go. */
int
bindings_detach_host(uint64_t host_oid)
{
	return db_write("DELETE FROM bindings WHERE host_oid = ?", host_oid,
	    0) == -1 ? -1 : 0;
}

static int
binding_event(const char *type, const struct binding_rec *b,
    const struct host_rec *h, const struct principal *p, const char *task_id)
{
	struct event_refs	 refs = { h->user_id, h->id, task_id };
	char			 message[128];

	snprintf(message, sizeof(message), "egress ip %s for host %s",
	    b->egress_ip_id, h->short_id);
	return db_event_refs(type, "info", &refs, message, p->username, NULL,
	    DIALECT_V1);
}

/* BINDING_CREATE: a is the host, b the egress IP. */
static int
binding_create(const struct principal *p, const char *a, const char *b,
    struct binding_rec *rec, char task_id[37], const char **why)
{
	struct host_rec	 h;
	int		 status, queued;

	if (hosts_load_ref(p, a, &h) == -1) {
		*why = "host not found";
		return 404;
	}
	if (tasks_host_busy(h.oid)) {
		*why = "the host has a task in progress";
		return 409;
	}
	if ((status = bindings_attach(&h, b, rec, why)) != 0)
		return status;
	if ((queued = egress_host_task(h.oid, p, task_id)) == -1 ||
	    binding_event("admin.binding.create", rec, &h, p, queued ?
	    task_id : NULL) == -1)
		return 500;
	if (!queued)
		task_id[0] = '\0';
	return 201;
}

static int
binding_delete(const struct principal *p, const char *ref,
    struct binding_rec *rec, char task_id[37], const char **why)
{
	struct host_rec	 h;
	uint64_t	 host_oid;
	int		 queued;

	if (binding_load(ref, rec, &host_oid) == -1 ||
	    hosts_load_oid(host_oid, &h) == -1) {
		*why = "binding not found";
		return 404;
	}
	if (tasks_host_busy(host_oid)) {
		*why = "the host has a task in progress";
		return 409;
	}
	if (bindings_detach_host(host_oid) == -1 ||
	    (queued = egress_host_task(host_oid, p, task_id)) == -1 ||
	    binding_event("admin.binding.delete", rec, &h, p, queued ?
	    task_id : NULL) == -1)
		return 500;
	if (!queued)
		task_id[0] = '\0';
	return 204;
}

static void
reply_binding(const struct ipc_req *req, int status, const char *message,
    const struct binding_rec *b, const char *task_id)
{
	struct ipc_binding_res	 res;

	memset(&res, 0, sizeof(res));
	res.head.status = status;
	strlcpy(res.head.message, message, sizeof(res.head.message));
	res.binding = *b;
	strlcpy(res.task_id, task_id, sizeof(res.task_id));
	ipc_answer(req, &res, NULL);
}

/* IPC_OP_BINDING: grant, op, a host or binding ref, an egress ref. */
int
bindings_op(struct ipc_chan *chan, struct ipc_msg *m)
{
	struct ipc_req	 req = ipc_req_of(chan, m);
	struct ipc_op_binding in;
	struct principal p;
	struct binding_rec b;
	char		 task_id[37] = "";
	const char	*why = NULL;
	uint32_t	 retry;
	int		 status;

	if (ipc_msg_get(m, &in) == -1)
		return -1;
	if (in.op != BINDING_CREATE && in.op != BINDING_DELETE)
		return ipc_violation(m, "unknown binding operation");
	status = authz_check(in.grant, in.grant_len, &p, &retry);
	memset(&b, 0, sizeof(b));
	if (status == 0 && p.role != ROLE_ADMIN)
		status = 403;
	if (status == 0) {
		if (db_begin() == -1)
			status = 500;
		else if ((status = in.op == BINDING_CREATE ?
		    binding_create(&p, in.ref, in.egress_ref, &b, task_id,
		    &why) : binding_delete(&p, in.ref, &b, task_id,
		    &why)) >= 300 || db_commit() == -1) {
			db_rollback();
			if (status < 300)
				status = 500;
		} else if (task_id[0] != '\0')
			tasks_wake();
	}
	reply_binding(&req, status, why != NULL && status >= 300 ? why :
	    status_message(status), &b, task_id);
	return 0;
}

static void
binding_row(sqlite3_stmt *st, struct ipc_msg *items)
{
	struct binding_rec b;
	uint64_t	 host_oid;

	row_to_binding(st, &b, &host_oid);
	ipc_msg_put_item(items, &b);
}

/* IPC_OP_BINDING_LIST: grant, limit, offset. */
int
bindings_list(struct ipc_chan *chan, struct ipc_msg *m)
{
	static char	 sql[512];

	if (sql[0] == '\0')
		snprintf(sql, sizeof(sql), "SELECT %s, b.host_oid FROM %s "
		    "ORDER BY b.oid LIMIT ?1 OFFSET ?2", binding_columns,
		    binding_from);
	return egress_page(chan, m, IPC_BINDING_LIST_RES, sql,
	    "SELECT count(*) FROM bindings", binding_row);
}

/* ---- what a host's job carries of its tunnel ------------------------- */

static void
job_secret(struct egress_job *j, int kind)
{
	static const char sql[] = "SELECT ref, sealed FROM egress_secrets "
	    "WHERE egress_oid = ? AND kind = ?";
	sqlite3_stmt	*st = db_stmt(sql);
	size_t		 len;

	sqlite3_bind_int64(st, 1, j->oid);
	sqlite3_bind_int(st, 2, kind);
	if (sqlite3_step(st) == SQLITE_ROW) {
		db_text_col(st, 0, j->ref[kind], sizeof(j->ref[kind]));
		len = sqlite3_column_bytes(st, 1);
		if (len <= sizeof(j->sealed[kind])) {
			memcpy(j->sealed[kind], sqlite3_column_blob(st, 1),
			    len);
			j->sealedlen[kind] = len;
		}
	}
	sqlite3_reset(st);
}

/* The tunnel of the egress IP oid names, as taskd brings it up. */
int
egress_job_fill(uint64_t oid, struct egress_job *j)
{
	/* a proxy's makes no tunnel: without an endpoint, the runner
	 * fails its step with egress_invalid */
	static const char sql[] = "SELECT e.oid, e.id, CASE e.tunnel_type "
	    "WHEN 'wireguard' THEN e.wg_endpoint ELSE '' END, "
	    "e.wg_public_key, e.wg_allowed_ips, e.wg_dns_server, "
	    "e.wg_peer_address FROM egress_ips e WHERE e.oid = ?";
	sqlite3_stmt	*st = db_stmt(sql);

	memset(j, 0, sizeof(*j));
	sqlite3_bind_int64(st, 1, oid);
	if (sqlite3_step(st) == SQLITE_ROW) {
		j->present = 1;
		j->oid = sqlite3_column_int64(st, 0);
		db_text_col(st, 1, j->id, sizeof(j->id));
		db_text_col(st, 2, j->endpoint, sizeof(j->endpoint));
		db_text_col(st, 3, j->peer_public_key,
		    sizeof(j->peer_public_key));
		db_text_col(st, 4, j->allowed_ips, sizeof(j->allowed_ips));
		db_text_col(st, 5, j->dns_server, sizeof(j->dns_server));
		db_text_col(st, 6, j->address, sizeof(j->address));
	}
	sqlite3_reset(st);
	if (!j->present)
		return -1;
	job_secret(j, EGS_WG_PRIVATE_KEY);
	job_secret(j, EGS_WG_PRESHARED_KEY);
	return 0;
}

/* Whether the egress IP bound to the host can make a tunnel. */
int
egress_host_usable(uint64_t host_oid)
{
	struct egress_rec	 e;
	char			 ref[24];
	int64_t			 oid;

	oid = db_count("SELECT egress_oid FROM bindings WHERE host_oid = ?",
	    host_oid);
	snprintf(ref, sizeof(ref), "%lld", (long long)oid);
	return oid != 0 && egress_load(ref, &e) == 0 &&
	    e.config_error[0] == '\0';
}

/* The tunnel of the host, for a job that brings it up: none if unbound. */
int
egress_job_load(uint64_t host_oid, struct egress_job *j)
{
	static const char sql[] = "SELECT egress_oid FROM bindings WHERE "
	    "host_oid = ?";
	sqlite3_stmt	*st = db_stmt(sql);
	uint64_t	 oid = 0;

	memset(j, 0, sizeof(*j));
	sqlite3_bind_int64(st, 1, host_oid);
	if (sqlite3_step(st) == SQLITE_ROW)
		oid = sqlite3_column_int64(st, 0);
	sqlite3_reset(st);
	return oid == 0 ? 0 : egress_job_fill(oid, j);
}
