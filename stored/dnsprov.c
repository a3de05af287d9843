/*
 * A user's DNS providers (ACME dns-01): their own, or any for an admin;
 * through an API key only with certs.read to read and certs.write to
 * change, as the rest of the certificate service.  Another user's
 * provider is refused as another user's API key is.  The secret is
 * kept as authd sealed it and never leaves in an answer.
 */
#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "body_dns.h"
#include "body_keys.h"
#include "dnsprov.h"
#include "egresscheck.h"
#include "log.h"
#include "stored.h"
#include "util.h"

/* ipc/ may not include common/: the sizes are held equal here */
static_assert(DNSREC_NAME_MAX == DNSPROV_NAME_MAX, "name size");
static_assert(DNSREC_TYPE_MAX == DNSPROV_TYPE_MAX, "type size");
static_assert(DNSREC_SERVER_MAX == DNSPROV_SERVER_MAX, "server size");
static_assert(DNSREC_DNSNAME_MAX == DNSNAME_MAX, "name size");
static_assert(DNSREC_ALG_MAX == DNSPROV_ALG_MAX, "algorithm size");
static_assert(DNSREC_ZONEID_MAX == DNSPROV_ZONEID_MAX, "zone_id size");
static_assert(DNSREC_SECRET_MAX == DNSPROV_SECRET_MAX, "secret size");

#define PROVS_PAGE	100

static const char prov_columns[] = "oid, id, user_oid, name, type, server, "
    "port, zone, key_name, algorithm, zone_id, created_at";
static const char provs_of_user[] =
    "SELECT count(*) FROM dns_providers WHERE user_oid = ?";
static const char prov_delete[] = "DELETE FROM dns_providers WHERE oid = ?";

static void
row_to_prov(sqlite3_stmt *st, struct dnsprov_rec *d)
{
	memset(d, 0, sizeof(*d));
	d->oid = sqlite3_column_int64(st, 0);
	db_text_col(st, 1, d->id, sizeof(d->id));
	d->user_oid = sqlite3_column_int64(st, 2);
	db_text_col(st, 3, d->name, sizeof(d->name));
	db_text_col(st, 4, d->type, sizeof(d->type));
	db_text_col(st, 5, d->server, sizeof(d->server));
	d->port = sqlite3_column_int(st, 6);
	db_text_col(st, 7, d->zone, sizeof(d->zone));
	db_text_col(st, 8, d->key_name, sizeof(d->key_name));
	db_text_col(st, 9, d->algorithm, sizeof(d->algorithm));
	db_text_col(st, 10, d->zone_id, sizeof(d->zone_id));
	d->secret_set = 1;
	d->created_at = sqlite3_column_int64(st, 11);
}

/* The provider ref (number or UUID) among those of user; -1 if none. */
static int
prov_load(uint64_t user, const char *ref, struct dnsprov_rec *d)
{
	static char	 sql[512];
	sqlite3_stmt	*st;
	int		 rc;

	if (sql[0] == '\0')
		snprintf(sql, sizeof(sql), "SELECT %s FROM dns_providers WHERE "
		    "user_oid = ?1 AND (id = ?2 OR CAST(oid AS TEXT) = ?2)",
		    prov_columns);
	st = db_stmt(sql);
	sqlite3_bind_int64(st, 1, user);
	sqlite3_bind_text(st, 2, ref, -1, SQLITE_STATIC);
	if ((rc = sqlite3_step(st)) == SQLITE_ROW)
		row_to_prov(st, d);
	sqlite3_reset(st);
	return rc == SQLITE_ROW ? 0 : -1;
}

static void
reply_prov(const struct ipc_req *req, int status, const char *message,
    const struct dnsprov_rec *d)
{
	struct ipc_dnsprov_res	 res;

	memset(&res, 0, sizeof(res));
	head_set(&res.head, status, message);
	if (d != NULL)
		res.prov = *d;
	ipc_answer(req, &res, NULL);
}

static const char *
message_for(int status)
{
	switch (status) {
	case 403: return "api key lacks required permission";
	case 404: return "Resource not found";
	case 409: return "a user has at most 50 dns providers";
	default: return status_message(status);
	}
}

/*
 * The settings as stored keeps them: checked again whoever sent them,
 * names lowercased without their final dot.  NULL, or why not.
 */
static const char *
prov_normalize(struct dnsprov_rec *d)
{
	struct dnsprov_fields	 f = { d->type, d->name, d->server,
	    d->port, d->zone, d->key_name, d->algorithm, d->zone_id };
	const char		*why;

	if ((why = dnsprov_check(&f)) != NULL)
		return why;
	if (d->zone[0] != '\0' && (dnsname_check(d->zone, d->zone,
	    sizeof(d->zone), &why) == -1 || dnsname_check(d->key_name,
	    d->key_name, sizeof(d->key_name), &why) == -1))
		return why;
	if (strcmp(d->type, "rfc2136") == 0 && d->algorithm[0] == '\0')
		strlcpy(d->algorithm, "hmac-sha256", sizeof(d->algorithm));
	return NULL;
}

/*
 * taskd will send DNS updates to the server a user names: not to
 * loopback, link-local, the metadata address or an unspecified one
 * (a service of this machine or of its cloud) unless moatd.conf allows
 * it (egress allow endpoint), as for an egress endpoint.  NULL, or why.
 */
static const char *
prov_server_refused(const struct dnsprov_rec *d)
{
	char	 addr[DNSPROV_SERVER_MAX + 1];
	size_t	 len;

	if (strcmp(d->type, "rfc2136") != 0)
		return NULL;
	len = strlcpy(addr, d->server[0] == '[' ? d->server + 1 : d->server,
	    sizeof(addr));
	if (len > 0 && addr[len - 1] == ']')
		addr[len - 1] = '\0';
	if (egress_addr_refused_private(addr,
	    &stored_env->conf.egress_allow) == NULL)
		return NULL;
	return "server is an address moatd.conf does not allow (egress "
	    "allow endpoint)";
}

static int
insert_prov(uint64_t user, const struct ipc_dnsprov_store *b,
    uint64_t *oid)
{
	static const char sql[] = "INSERT INTO dns_providers (id, user_oid, "
	    "name, type, server, port, zone, key_name, algorithm, zone_id, "
	    "secret_sealed, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, "
	    "?, ?, ?)";
	const struct dnsprov_rec *d = &b->prov;
	sqlite3_stmt	*st = db_stmt(sql);

	sqlite3_bind_text(st, 1, d->id, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, user);
	sqlite3_bind_text(st, 3, d->name, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, d->type, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 5, d->server, -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 6, d->port);
	sqlite3_bind_text(st, 7, d->zone, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 8, d->key_name, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 9, d->algorithm, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 10, d->zone_id, -1, SQLITE_STATIC);
	sqlite3_bind_blob(st, 11, b->sealed, b->sealed_len, SQLITE_STATIC);
	sqlite3_bind_int64(st, 12, db_now());
	return db_insert(st, oid);
}

/* The user whose providers a request reaches, with scope: 0 or status. */
static int
provs_of(const uint8_t *grant, size_t grant_len, uint32_t access,
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

/* IPC_STORE_DNSPROV_CREATE, from authd: the secret already sealed */
int
dnsprov_store_create(struct ipc_chan *chan, struct ipc_msg *m)
{
	struct ipc_dnsprov_store *b;
	struct ipc_req		 req = ipc_req_of(chan, m);
	struct principal	 p;
	struct dnsprov_rec	 d;
	const char		*why = NULL;
	char			 oidtext[24];
	uint64_t		 user = 0, oid;
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
	status = provs_of(b->grant, b->grant_len, b->access, b->user,
	    SCOPE_CERTS_WRITE, &p, &user);
	if (status == 0 && ((why = prov_normalize(&b->prov)) != NULL ||
	    (why = prov_server_refused(&b->prov)) != NULL))
		status = 400;
	if (status == 0 && (b->sealed_len == 0 || b->prov.id[0] == '\0'))
		status = 400, why = "no sealed secret";
	if (status == 0 && db_count(provs_of_user, user) >=
	    DNSPROV_PER_USER_MAX)
		status = 409;
	if (status != 0) {
		reply_prov(&req, status, why != NULL ? why :
		    message_for(status), NULL);
		free(b);
		return 0;
	}
	if (db_begin() == -1 || insert_prov(user, b, &oid) == -1 ||
	    (snprintf(oidtext, sizeof(oidtext), "%llu",
	    (unsigned long long)oid), prov_load(user, oidtext, &d)) == -1 ||
	    db_event("dnsprovider.create", "info", p.user_id,
	    "dns provider created", p.username, NULL, DIALECT_APIV1) == -1 ||
	    db_commit() == -1) {
		db_rollback();
		reply_prov(&req, 500, "database error", NULL);
	} else
		reply_prov(&req, 201, "created", &d);
	free(b);
	return 0;
}

int
dnsprov_list(struct ipc_chan *chan, struct ipc_msg *m)
{
	static char		 sql[512];
	struct ipc_key_page	 pg;
	struct ipc_req		 req = ipc_req_of(chan, m);
	struct ipc_list_res	 res;
	struct ipc_msg		 items;
	struct principal	 p;
	struct dnsprov_rec	 d;
	sqlite3_stmt		*st;
	uint64_t		 user = 0;
	int			 status;

	if (ipc_msg_get(m, &pg) == -1)
		return -1;
	if (!access_known(pg.access))
		return ipc_violation(m, "no such access");
	status = provs_of(pg.grant, pg.grant_len, pg.access, pg.user,
	    SCOPE_CERTS_READ, &p, &user);
	if (sql[0] == '\0')
		snprintf(sql, sizeof(sql), "SELECT %s FROM dns_providers WHERE "
		    "user_oid = ? ORDER BY oid LIMIT ? OFFSET ?", prov_columns);
	memset(&res, 0, sizeof(res));
	ipc_msg_init(&items, IPC_DNSPROV_LIST_RES, 0);
	if (status == 0) {
		res.total = db_count(provs_of_user, user);
		st = db_stmt(sql);
		sqlite3_bind_int64(st, 1, user);
		sqlite3_bind_int(st, 2, pg.limit == 0 || pg.limit > PROVS_PAGE ?
		    PROVS_PAGE : pg.limit);
		sqlite3_bind_int64(st, 3, pg.offset);
		while (items.sbuf.size < LIST_PAGE_BYTES &&
		    sqlite3_step(st) == SQLITE_ROW) {
			row_to_prov(st, &d);
			ipc_msg_put_item(&items, &d);
			res.count++;
		}
		sqlite3_reset(st);
	}
	head_set(&res.head, status == 0 ? 200 : status, status == 0 ? "ok" :
	    message_for(status));
	ipc_answer(&req, &res, &items);
	return 0;
}

/* IPC_OP_DNSPROV_GET and IPC_OP_DNSPROV_DELETE */
static int
prov_op(struct ipc_chan *chan, struct ipc_msg *m, int delete)
{
	struct ipc_key_ref	 b;
	struct ipc_req		 req = ipc_req_of(chan, m);
	struct principal	 p;
	struct dnsprov_rec	 d;
	uint64_t		 user = 0;
	int			 status;

	if (ipc_msg_get(m, &b) == -1)
		return -1;
	if (!access_known(b.access))
		return ipc_violation(m, "no such access");
	status = provs_of(b.grant, b.grant_len, b.access, b.user,
	    delete ? SCOPE_CERTS_WRITE : SCOPE_CERTS_READ, &p, &user);
	if (status == 0 && prov_load(user, b.key, &d) == -1)
		status = 404;
	if (status == 0 && delete && (db_begin() == -1 ||
	    db_write(prov_delete, d.oid, 0) == -1 ||
	    db_event("dnsprovider.delete", "info", p.user_id,
	    "dns provider deleted", p.username, NULL,
	    b.dialect < DIALECT_MAX ? (int)b.dialect : -1) == -1 ||
	    db_commit() == -1)) {
		db_rollback();
		status = 500;
	}
	if (status != 0)
		reply_prov(&req, status, message_for(status), NULL);
	else
		reply_prov(&req, delete ? 204 : 200, "ok", &d);
	return 0;
}

int
dnsprov_get(struct ipc_chan *chan, struct ipc_msg *m)
{
	return prov_op(chan, m, 0);
}

int
dnsprov_delete(struct ipc_chan *chan, struct ipc_msg *m)
{
	return prov_op(chan, m, 1);
}

/* The provider ref of user, for a certificate that names it: its oid,
 * or 0 if none (another user's is none). */
uint64_t
dnsprov_of_user(uint64_t user, const char *ref)
{
	struct dnsprov_rec	 d;

	return prov_load(user, ref, &d) == 0 ? d.oid : 0;
}

/* An ACME job's provider, with its seal for authd: 0, or -1 if none. */
int
dnsprov_for_job(uint64_t oid, struct dnsprov_rec *d, uint8_t *sealed,
    size_t cap, size_t *len)
{
	static char	 sql[512];
	sqlite3_stmt	*st;
	int		 rc = -1, n;

	if (sql[0] == '\0')
		snprintf(sql, sizeof(sql), "SELECT %s, secret_sealed FROM "
		    "dns_providers WHERE oid = ?", prov_columns);
	st = db_stmt(sql);
	sqlite3_bind_int64(st, 1, oid);
	if (sqlite3_step(st) == SQLITE_ROW && (n = sqlite3_column_bytes(st,
	    12)) > 0 && (size_t)n <= cap) {
		row_to_prov(st, d);
		memcpy(sealed, sqlite3_column_blob(st, 12), (size_t)n);
		*len = (size_t)n;
		rc = 0;
	}
	sqlite3_reset(st);
	return rc;
}
