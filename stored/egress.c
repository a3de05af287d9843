/*
 * Egress IPs (control plane v1): the addresses a host's traffic leaves
 * by, through a WireGuard tunnel (or, in the settings only so far, a
 * proxy).  Admins alone reach them.  The secrets arrive sealed by authd,
 * each with the reference it was sealed to, and stay sealed here.  An
 * egress IP serves one host at a time, through a binding (bindings.c);
 * a change that a running host would feel queues a host.egress task,
 * which brings its tunnel in line.  stored checks every setting,
 * whoever sent it.  An egress IP's test is in egresstest.c.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "body_egress.h"
#include "egresscheck.h"
#include "hostrec.h"
#include "log.h"
#include "stored.h"
#include "util.h"

static const char egress_columns[] = "e.oid, e.id, e.label, e.ip_address, "
    "e.tunnel_type, e.provider, e.wg_endpoint, e.wg_public_key, "
    "e.wg_allowed_ips, e.wg_dns_server, e.wg_peer_address, "
    "e.proxy_config, e.wg_client_public_key, e.created_at, e.updated_at, "
    "coalesce(h.id, ''), coalesce(b.id, ''), "
    "(SELECT coalesce(sum(1 << s.kind), 0) FROM egress_secrets s WHERE "
    "s.egress_oid = e.oid), (SELECT coalesce(sum(1 << s.kind), 0) FROM "
    "egress_secrets s WHERE s.egress_oid = e.oid AND NOT s.valid)";
static const char egress_from[] = "egress_ips e LEFT JOIN bindings b ON "
    "b.egress_oid = e.oid LEFT JOIN hosts h ON h.oid = b.host_oid";

/* Why a tunnel cannot be made of e yet, or "" when it can. */
static void
config_check(struct egress_rec *e, uint32_t invalid)
{
	const char	*why = NULL;

	if (strcmp(e->tunnel_type, "proxy") == 0)
		why = "proxy tunnels are kept but not yet brought up for hosts";
	else if (e->wg_endpoint[0] == '\0')
		why = "wg_endpoint is not set";
	else if (egress_endpoint_refused(e->wg_endpoint,
	    &stored_env->conf.egress_allow) != NULL)
		why = "wg_endpoint is an address moatd.conf does not allow "
		    "(egress allow endpoint)";
	else if (!egress_wg_key_ok(e->wg_public_key))
		why = "wg_public_key is not a WireGuard key (32 bytes in "
		    "base64)";
	else if (e->wg_peer_address[0] == '\0')
		why = "wg_peer_address is not set";
	else if (!(e->secrets_set & (1U << EGS_WG_PRIVATE_KEY)))
		why = "there is no private key";
	else if (invalid & (1U << EGS_WG_PRESHARED_KEY))
		why = "wg_preshared_key is not a WireGuard key (32 bytes in "
		    "base64)";
	strlcpy(e->config_error, why != NULL ? why : "",
	    sizeof(e->config_error));
}

static void
row_to_egress(sqlite3_stmt *st, struct egress_rec *e)
{
	int	 s;

	memset(e, 0, sizeof(*e));
	e->oid = sqlite3_column_int64(st, 0);
	db_text_col(st, 1, e->id, sizeof(e->id));
	for (s = 0; s < EG_SETTINGS; s++)
		db_text_col(st, 2 + s, egress_setting(e, s),
		    egress_settings[s].max + 1);
	db_text_col(st, 12, e->wg_client_public_key,
	    sizeof(e->wg_client_public_key));
	e->created_at = sqlite3_column_int64(st, 13);
	e->updated_at = sqlite3_column_int64(st, 14);
	db_text_col(st, 15, e->host_id, sizeof(e->host_id));
	db_text_col(st, 16, e->binding_id, sizeof(e->binding_id));
	e->secrets_set = sqlite3_column_int(st, 17);
	config_check(e, sqlite3_column_int(st, 18));
}

/* The egress IP ref (UUID or oid) names; -1 if none (stored.h). */
int
egress_load(const char *ref, struct egress_rec *e)
{
	static char	 sql[1024];
	sqlite3_stmt	*st;
	int		 rc;

	if (sql[0] == '\0')
		snprintf(sql, sizeof(sql), "SELECT %s FROM %s WHERE e.id = ?1 "
		    "OR CAST(e.oid AS TEXT) = ?1", egress_columns, egress_from);
	st = db_stmt(sql);
	sqlite3_bind_text(st, 1, ref, -1, SQLITE_STATIC);
	if ((rc = sqlite3_step(st)) == SQLITE_ROW)
		row_to_egress(st, e);
	sqlite3_reset(st);
	return rc == SQLITE_ROW ? 0 : -1;
}

/* Printable ASCII, 1 (0 if may_be_empty) to max bytes. */
static int
printable_ok(const char *s, size_t max, int may_be_empty)
{
	size_t	 i, len = strlen(s);

	if (len > max || (len == 0 && !may_be_empty))
		return 0;
	for (i = 0; i < len; i++)
		if ((unsigned char)s[i] < 0x20 || (unsigned char)s[i] > 0x7e)
			return 0;
	return 1;
}

/*
 * An endpoint an admin gives reaches from our own network: not loopback,
 * link-local, the metadata address or unspecified, unless moatd.conf
 * allows it (see egressrec.h).  A name passes; taskd checks what it
 * resolves to.
 */
static const char *
endpoint_refusal(const char *field, const char *why)
{
	static char	 text[160];

	snprintf(text, sizeof(text), "%s must not be %s unless moatd.conf "
	    "allows it (egress allow endpoint)", field, why);
	return text;
}

/* A sing-box outbound we know: its type, a server and its port. */
static const char *
proxy_config_invalid(const char *text)
{
	static const char *const types[] = { "shadowsocks", "vmess", "socks",
	    "trojan", "http", NULL };
	json_error_t	 err;
	json_t		*j, *v;
	const char	*type, *why = NULL, *refused;
	json_int_t	 port;
	int		 i;

	if ((j = json_loads(text, JSON_REJECT_DUPLICATES, &err)) == NULL ||
	    !json_is_object(j)) {
		json_decref(j);
		return "proxy_config must be a JSON object";
	}
	type = json_string_value(json_object_get(j, "type"));
	for (i = 0; type != NULL && types[i] != NULL; i++)
		if (strcmp(type, types[i]) == 0)
			break;
	v = json_object_get(j, "server_port");
	port = json_is_integer(v) ? json_integer_value(v) : 0;
	if (type == NULL || types[i] == NULL)
		why = "proxy_config.type must be shadowsocks, vmess, socks, "
		    "trojan or http";
	else if (!json_is_string(json_object_get(j, "server")) ||
	    !egress_host_ok(json_string_value(json_object_get(j, "server"))))
		why = "proxy_config.server must be a host name or an address";
	else if (port < 1 || port > 65535)
		why = "proxy_config.server_port must be 1 to 65535";
	else if ((refused = egress_host_refused(json_string_value(
	    json_object_get(j, "server")), &stored_env->conf.egress_allow)) !=
	    NULL)
		why = endpoint_refusal("proxy_config.server", refused);
	json_decref(j);
	return why;
}

/* Every setting of e, as it would be stored. */
static const char *
settings_invalid(const struct egress_rec *e)
{
	const char	*why;

	if (!printable_ok(e->label, EGRESS_LABEL_MAX, 0))
		return "label must be 1 to 64 printable characters";
	if (!egress_ip_ok(e->ip_address))
		return "ip_address must be an IPv4 or IPv6 address";
	if (strcmp(e->tunnel_type, "wireguard") != 0 &&
	    strcmp(e->tunnel_type, "proxy") != 0)
		return "tunnel_type must be wireguard or proxy";
	if (!printable_ok(e->provider, EGRESS_PROVIDER_MAX, 1))
		return "provider must be up to 64 printable characters";
	if (e->wg_endpoint[0] != '\0' && !egress_endpoint_ok(e->wg_endpoint))
		return "wg_endpoint must be host:port";
	if (e->wg_endpoint[0] != '\0' && (why = egress_endpoint_refused(
	    e->wg_endpoint, &stored_env->conf.egress_allow)) != NULL)
		return endpoint_refusal("wg_endpoint", why);
	if (e->wg_public_key[0] != '\0' &&
	    !egress_key_text_ok(e->wg_public_key))
		return "wg_public_key must be base64";
	if (e->wg_allowed_ips[0] != '\0' &&
	    !egress_cidr_list_ok(e->wg_allowed_ips))
		return "wg_allowed_ips must be address ranges such as "
		    "0.0.0.0/0, separated by commas";
	if (e->wg_dns_server[0] != '\0' && !egress_ip_ok(e->wg_dns_server))
		return "wg_dns_server must be an IPv4 or IPv6 address";
	if (e->wg_peer_address[0] != '\0' &&
	    !egress_cidr_ok(e->wg_peer_address) &&
	    !egress_ip_ok(e->wg_peer_address))
		return "wg_peer_address must be an address, such as "
		    "10.0.0.2/32";
	if (e->proxy_config[0] != '\0')
		return proxy_config_invalid(e->proxy_config);
	return NULL;
}

static int
write_settings(const struct egress_rec *e, int create)
{
	static const char insert_sql[] = "INSERT INTO egress_ips (label, "
	    "ip_address, tunnel_type, provider, wg_endpoint, wg_public_key, "
	    "wg_allowed_ips, wg_dns_server, wg_peer_address, proxy_config, "
	    "wg_client_public_key, id, created_at, updated_at) VALUES (?, ?, "
	    "?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?14, ?14)";
	static const char update_sql[] = "UPDATE egress_ips SET label = ?, "
	    "ip_address = ?, tunnel_type = ?, provider = ?, wg_endpoint = ?, "
	    "wg_public_key = ?, wg_allowed_ips = ?, wg_dns_server = ?, "
	    "wg_peer_address = ?, proxy_config = ?, wg_client_public_key = ?, "
	    "updated_at = ?14 WHERE id = ?12";
	sqlite3_stmt	*st = db_stmt(create ? insert_sql : update_sql);
	int		 s, rc;

	for (s = 0; s < EG_SETTINGS; s++)
		sqlite3_bind_text(st, s + 1, egress_setting_const(e, s), -1,
		    SQLITE_STATIC);
	sqlite3_bind_text(st, 11, e->wg_client_public_key, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 12, e->id, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 14, db_now());
	rc = sqlite3_step(st);
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? 0 : -1;
}

static int
write_secrets(uint64_t oid, const struct egress_seal seal[EGS_SECRETS])
{
	static const char set_sql[] = "INSERT INTO egress_secrets (egress_oid, "
	    "kind, ref, sealed, valid) VALUES (?, ?, ?, ?, ?) ON CONFLICT DO "
	    "UPDATE SET ref = excluded.ref, sealed = excluded.sealed, "
	    "valid = excluded.valid";
	static const char clear_sql[] = "DELETE FROM egress_secrets WHERE "
	    "egress_oid = ? AND kind = ?";
	sqlite3_stmt	*st;
	int		 s, rc;

	for (s = 0; s < EGS_SECRETS; s++) {
		if (seal[s].action == 0)
			continue;
		st = db_stmt(seal[s].action == 2 ? set_sql : clear_sql);
		sqlite3_bind_int64(st, 1, oid);
		sqlite3_bind_int(st, 2, s);
		if (seal[s].action == 2) {
			sqlite3_bind_text(st, 3, seal[s].ref, -1,
			    SQLITE_STATIC);
			sqlite3_bind_blob(st, 4, seal[s].sealed,
			    seal[s].sealed_len, SQLITE_STATIC);
			sqlite3_bind_int(st, 5, seal[s].valid);
		}
		rc = sqlite3_step(st);
		sqlite3_reset(st);
		if (rc != SQLITE_DONE)
			return -1;
	}
	return 0;
}

/*
 * A running host (0 for none) feels a change to its egress IP or its
 * binding: queue the task that brings its tunnel in line.  0 with no
 * task, 1 with one, -1 on error.
 */
int
egress_host_task(uint64_t host_oid, const struct principal *p,
    char task_id[37])
{
	struct host_rec	 h;

	if (host_oid == 0 || hosts_load_oid(host_oid, &h) == -1 ||
	    strcmp(h.status, "running") != 0)
		return 0;
	return tasks_enqueue(HOST_EGRESS, host_oid, p->user_id, task_id) ==
	    0 ? 1 : -1;
}

static uint64_t
bound_host(uint64_t egress_oid)
{
	static const char sql[] = "SELECT host_oid FROM bindings WHERE "
	    "egress_oid = ?";
	sqlite3_stmt	*st = db_stmt(sql);
	uint64_t	 oid = 0;

	sqlite3_bind_int64(st, 1, egress_oid);
	if (sqlite3_step(st) == SQLITE_ROW)
		oid = sqlite3_column_int64(st, 0);
	sqlite3_reset(st);
	return oid;
}

static int
egress_event(const char *type, const struct egress_rec *e,
    const struct principal *p, const char *task_id)
{
	struct event_refs	 refs = { NULL, e->host_id, task_id };
	char			 message[128];

	snprintf(message, sizeof(message), "egress ip %s (%s)", e->label,
	    e->ip_address);
	return db_event_refs(type, "info", &refs, message, p->username, NULL,
	    DIALECT_V1);
}

/* The egress IP e, and the task a change queued (NULL for none). */
static void
reply_egress(const struct ipc_req *req, int status, const char *message,
    const struct egress_rec *e, const char *task_id)
{
	struct ipc_egress_res	*res;

	if ((res = calloc(1, sizeof(*res))) == NULL)
		fatal("%s", __func__);
	res->head.status = status;
	strlcpy(res->head.message, message, sizeof(res->head.message));
	res->egress = *e;
	strlcpy(res->task_id, task_id != NULL ? task_id : "",
	    sizeof(res->task_id));
	ipc_answer(req, res, NULL);
	free(res);
}

/* Whether an update names anything to change. */
static int
change_given(const struct ipc_store_egress *c)
{
	int	 s;

	for (s = 0; s < EG_SETTINGS; s++)
		if (!c->given.absent[s])
			return 1;
	for (s = 0; s < EGS_SECRETS; s++)
		if (c->seal[s].action != 0)
			return 1;
	return 0;
}

/* Applies a create or an update; the status, why, and the record. */
static int
change_apply(const struct ipc_store_egress *c, const struct principal *p,
    struct egress_rec *e, char task_id[37], const char **why)
{
	int	 s, create = c->op == EGRESS_CREATE, queued = 0;

	if (create) {
		memset(e, 0, sizeof(*e));
		/* authd named it, so that its seals are bound to it */
		if (strlen(c->ref) != 36)
			return 500;
		strlcpy(e->id, c->ref, sizeof(e->id));
		strlcpy(e->tunnel_type, "wireguard", sizeof(e->tunnel_type));
		strlcpy(e->provider, "manual", sizeof(e->provider));
		if (c->given.absent[EG_LABEL] ||
		    c->given.absent[EG_IP_ADDRESS]) {
			*why = "label and ip_address are required";
			return 400;
		}
	} else if (egress_load(c->ref, e) == -1)
		return 404;
	for (s = 0; s < EG_SETTINGS; s++)
		if (!c->given.absent[s])
			strlcpy(egress_setting(e, s),
			    egress_setting_const(&c->given.set, s),
			    egress_settings[s].max + 1);
	if (c->client_public_key[0] != '\0')
		strlcpy(e->wg_client_public_key, c->client_public_key,
		    sizeof(e->wg_client_public_key));
	if ((*why = settings_invalid(e)) != NULL)
		return 400;
	if (!create && !change_given(c)) {
		*why = "nothing to change";
		return 400;
	}
	if (create && db_count("SELECT count(*) FROM egress_ips", 0) >= EGRESS_MAX) {
		*why = "too many egress ips";
		return 409;
	}
	if (write_settings(e, create) == -1 ||
	    egress_load(e->id, e) == -1 || write_secrets(e->oid, c->seal) == -1)
		return 500;
	if (!create && (queued = egress_host_task(bound_host(e->oid), p,
	    task_id)) == -1)
		return 500;
	if (egress_load(e->id, e) == -1 || egress_event(create ?
	    "admin.egress.create" : "admin.egress.update", e, p,
	    queued ? task_id : NULL) == -1)
		return 500;
	if (!queued)
		task_id[0] = '\0';
	return create ? 201 : 200;
}

/* IPC_STORE_EGRESS, from authd: a create or an update, secrets sealed. */
int
egress_store(struct ipc_chan *chan, struct ipc_msg *m)
{
	struct ipc_req		 req = ipc_req_of(chan, m);
	struct ipc_store_egress	*c;
	struct principal	 p;
	struct egress_rec	 e;
	char			 task_id[37] = "";
	const char		*why = NULL;
	uint32_t		 retry;
	int			 status;

	if ((c = calloc(1, sizeof(*c))) == NULL)
		fatal("%s", __func__);
	if (ipc_msg_get(m, c) == -1 || (c->op != EGRESS_CREATE &&
	    c->op != EGRESS_UPDATE)) {
		free(c);
		return ipc_violation(m, "unknown egress operation");
	}
	memset(&e, 0, sizeof(e));
	status = authz_check(c->grant, c->grant_len, &p, &retry);
	if (status == 0 && p.role != ROLE_ADMIN)
		status = 403;
	if (status == 0) {
		if (db_begin() == -1)
			status = 500;
		else if ((status = change_apply(c, &p, &e, task_id,
		    &why)) >= 300 || db_commit() == -1) {
			db_rollback();
			if (status < 300)
				status = 500;
		} else if (task_id[0] != '\0')
			tasks_wake();
	}
	explicit_bzero(c, sizeof(*c));
	free(c);
	reply_egress(&req, status, why != NULL ? why : status == 404 ?
	    "egress ip not found" : status_message(status), &e, task_id);
	return 0;
}

static int
egress_delete(const struct egress_rec *e, const struct principal *p,
    const char **why)
{
	if (e->binding_id[0] != '\0') {
		*why = "the egress ip is bound to a host: remove the binding "
		    "first";
		return 409;
	}
	if (db_begin() == -1)
		return 500;
	if (db_write("DELETE FROM egress_ips WHERE oid = ?", e->oid, 0) != 1 ||
	    egress_event("admin.egress.delete", e, p, NULL) == -1 ||
	    db_commit() == -1) {
		db_rollback();
		return 500;
	}
	return 204;
}

/* IPC_OP_EGRESS: grant, op (get or delete), the egress ref. */
int
egress_op(struct ipc_chan *chan, struct ipc_msg *m)
{
	struct ipc_req	 req = ipc_req_of(chan, m);
	struct ipc_op_egress b;
	struct principal p;
	struct egress_rec e;
	const char	*why = NULL;
	uint32_t	 retry;
	int		 status;

	if (ipc_msg_get(m, &b) == -1)
		return -1;
	if (b.op != EGRESS_GET && b.op != EGRESS_DELETE)
		return ipc_violation(m, "unknown egress operation");
	status = authz_check(b.grant, b.grant_len, &p, &retry);
	memset(&e, 0, sizeof(e));
	if (status == 0 && p.role != ROLE_ADMIN)
		status = 403;
	if (status == 0 && egress_load(b.ref, &e) == -1)
		status = 404;
	if (status == 0)
		status = b.op == EGRESS_GET ? 200 :
		    egress_delete(&e, &p, &why);
	reply_egress(&req, status, why != NULL ? why : status == 404 ?
	    "egress ip not found" : status_message(status), &e, NULL);
	return 0;
}

/* An admin's page of egress IPs or bindings (stored.h). */
int
egress_page(struct ipc_chan *chan, struct ipc_msg *m, enum ipc_type type,
    const char *sql, const char *count_sql,
    void (*row)(sqlite3_stmt *, struct ipc_msg *items))
{
	struct ipc_req		 req = ipc_req_of(chan, m);
	struct ipc_egress_page	 b;
	struct ipc_egress_page_res res;
	struct ipc_msg		 items;
	struct principal	 p;
	sqlite3_stmt		*st;
	uint32_t		 retry;
	int			 status;

	if (ipc_msg_get(m, &b) == -1)
		return -1;
	status = authz_check(b.grant, b.grant_len, &p, &retry);
	if (status == 0 && p.role != ROLE_ADMIN)
		status = 403;
	memset(&res, 0, sizeof(res));
	ipc_msg_init(&items, type, 0);
	if (status == 0) {
		st = db_stmt(sql);
		sqlite3_bind_int(st, 1, b.limit == 0 || b.limit > ADMIN_PAGE ?
		    ADMIN_PAGE : b.limit);
		sqlite3_bind_int64(st, 2, b.offset);
		while (items.sbuf.size < LIST_PAGE_BYTES &&
		    sqlite3_step(st) == SQLITE_ROW) {
			row(st, &items);
			res.count++;
		}
		sqlite3_reset(st);
		res.total = db_count(count_sql, 0);
	}
	res.head.status = status == 0 ? 200 : status;
	strlcpy(res.head.message, status_message(status),
	    sizeof(res.head.message));
	ipc_answer(&req, &res, &items);
	return 0;
}

static void
egress_row(sqlite3_stmt *st, struct ipc_msg *items)
{
	struct egress_rec e;

	row_to_egress(st, &e);
	ipc_msg_put_item(items, &e);
}

/* IPC_OP_EGRESS_LIST: grant, limit, offset. */
int
egress_list(struct ipc_chan *chan, struct ipc_msg *m)
{
	static char	 sql[1024];

	if (sql[0] == '\0')
		snprintf(sql, sizeof(sql), "SELECT %s FROM %s ORDER BY e.oid "
		    "LIMIT ?1 OFFSET ?2", egress_columns, egress_from);
	return egress_page(chan, m, IPC_EGRESS_LIST_RES, sql,
	    "SELECT count(*) FROM egress_ips", egress_row);
}

/* How many egress IPs no host holds: the dashboard's available_ips. */
uint64_t
egress_available(void)
{
	return db_count("SELECT count(*) FROM egress_ips e WHERE NOT EXISTS "
	    "(SELECT 1 FROM bindings b WHERE b.egress_oid = e.oid)", 0);
}
