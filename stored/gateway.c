/*
 * What authd needs to judge an SSH gateway login (authd/gateway.c): the
 * host by its short id, its owner's state, the host's sealed entry
 * password and the owner's public keys.  Only authd asks (the route),
 * and it answers gatewayd nothing of this but yes or no.
 */
#include <string.h>

#include "body_gw.h"
#include "log.h"
#include "stored.h"

static void
column_text(sqlite3_stmt *st, int col, char *dst, size_t len)
{
	const unsigned char	*t = sqlite3_column_text(st, col);

	strlcpy(dst, t != NULL ? (const char *)t : "", len);
}

/* the host's row and its owner's; 0, or -1 if there is none */
static int
host_row(const char *short_id, struct ipc_gw_host_res *r)
{
	static const char sql[] = "SELECT h.oid, h.user_oid, h.status, "
	    U_STATUS ", u.expires_at, h.ssh_password_sealed, "
	    "h.ssh_password_ref FROM hosts h JOIN users u ON "
	    "u.oid = h.user_oid WHERE h.short_id = ? AND "
	    "h.status != 'deleted'";
	sqlite3_stmt	*st = db_stmt(sql);
	const void	*blob;
	int		 len, rc = -1;

	sqlite3_bind_text(st, 1, short_id, -1, SQLITE_STATIC);
	if (sqlite3_step(st) == SQLITE_ROW) {
		r->host_oid = sqlite3_column_int64(st, 0);
		r->user_oid = sqlite3_column_int64(st, 1);
		column_text(st, 2, r->host_status, sizeof(r->host_status));
		column_text(st, 3, r->user_status, sizeof(r->user_status));
		r->user_expired = sqlite3_column_type(st, 4) != SQLITE_NULL &&
		    sqlite3_column_int64(st, 4) <= db_now();
		blob = sqlite3_column_blob(st, 5);
		len = sqlite3_column_bytes(st, 5);
		if (blob != NULL && len > 0 &&
		    (size_t)len <= sizeof(r->sealed)) {
			memcpy(r->sealed, blob, len);
			r->sealed_len = len;
		}
		column_text(st, 6, r->ref, sizeof(r->ref));
		rc = 0;
	}
	sqlite3_reset(st);
	return rc;
}

int
gateway_host_get(struct ipc_chan *chan, struct ipc_msg *m)
{
	static const char keys[] = "SELECT type, blob64 FROM ssh_keys "
	    "WHERE user_oid = ? ORDER BY oid";
	struct ipc_gw_host_get	 q;
	struct ipc_gw_host_res	 r;
	struct ipc_req		 req = ipc_req_of(chan, m);
	struct ipc_msg		 items;
	struct authkey_line	 line;
	sqlite3_stmt		*st;
	char			 type[SSHKEY_TYPE_MAX + 1];
	char			 blob[SSHKEY_BLOB64_MAX + 1];

	if (ipc_msg_get(m, &q) == -1)
		return -1;
	memset(&r, 0, sizeof(r));
	if (host_row(q.short_id, &r) == -1) {
		ipc_answer_status(&req, 404, "host not found");
		return 0;
	}
	ipc_msg_init(&items, IPC_GW_HOST_RES, 0);
	st = db_stmt(keys);
	sqlite3_bind_int64(st, 1, r.user_oid);
	while (items.sbuf.size < LIST_PAGE_BYTES &&
	    sqlite3_step(st) == SQLITE_ROW) {
		column_text(st, 0, type, sizeof(type));
		column_text(st, 1, blob, sizeof(blob));
		snprintf(line.line, sizeof(line.line), "%s %s", type, blob);
		ipc_msg_put_item(&items, &line);
	}
	sqlite3_reset(st);
	head_set(&r.head, 200, "ok");
	ipc_answer(&req, &r, &items);
	explicit_bzero(&r, sizeof(r));
	return 0;
}
