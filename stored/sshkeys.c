/*
 * SSH keys: a user's own, or any user's for an admin.  authd has parsed
 * and checked every key before it arrives here; stored keeps the type,
 * the canonical base64, the comment and the fingerprint, and renders
 * authorized_keys lines for sshd only from fields that cannot break a
 * line.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "sshkeyrec.h"
#include "stored.h"
#include "util.h"

#define SSHKEYS_PAGE	100

static const char sshkey_columns[] = "k.oid, k.id, k.user_oid, u.id, "
    "k.name, k.type, k.blob64, k.comment, k.fingerprint, k.bits, "
    "k.created_at";
static const char sshkeys_of_user[] =
    "SELECT count(*) FROM ssh_keys WHERE user_oid = ?";
static const char sshkey_delete[] = "DELETE FROM ssh_keys WHERE oid = ?";

static void
row_to_sshkey(sqlite3_stmt *st, struct sshkey_rec *k)
{
	memset(k, 0, sizeof(*k));
	k->oid = sqlite3_column_int64(st, 0);
	strlcpy(k->id, (const char *)sqlite3_column_text(st, 1),
	    sizeof(k->id));
	k->user_oid = sqlite3_column_int64(st, 2);
	strlcpy(k->user_id, (const char *)sqlite3_column_text(st, 3),
	    sizeof(k->user_id));
	strlcpy(k->name, (const char *)sqlite3_column_text(st, 4),
	    sizeof(k->name));
	strlcpy(k->type, (const char *)sqlite3_column_text(st, 5),
	    sizeof(k->type));
	strlcpy(k->blob64, (const char *)sqlite3_column_text(st, 6),
	    sizeof(k->blob64));
	strlcpy(k->comment, (const char *)sqlite3_column_text(st, 7),
	    sizeof(k->comment));
	strlcpy(k->fingerprint, (const char *)sqlite3_column_text(st, 8),
	    sizeof(k->fingerprint));
	k->bits = sqlite3_column_int(st, 9);
	k->created_at = sqlite3_column_int64(st, 10);
}

/* The key ref (oid or UUID) among the keys of user; -1 if none. */
static int
sshkey_load(uint64_t user, const char *ref, struct sshkey_rec *k)
{
	static char	 sql[512];
	sqlite3_stmt	*st;
	int		 rc;

	if (sql[0] == '\0')
		snprintf(sql, sizeof(sql), "SELECT %s FROM ssh_keys k JOIN "
		    "users u ON u.oid = k.user_oid WHERE k.user_oid = ?1 AND "
		    "(k.id = ?2 OR CAST(k.oid AS TEXT) = ?2)", sshkey_columns);
	st = db_stmt(sql);
	sqlite3_bind_int64(st, 1, user);
	sqlite3_bind_text(st, 2, ref, -1, SQLITE_STATIC);
	if ((rc = sqlite3_step(st)) == SQLITE_ROW)
		row_to_sshkey(st, k);
	sqlite3_reset(st);
	return rc == SQLITE_ROW ? 0 : -1;
}

static void
reply_sshkey(struct ipc_chan *chan, const struct ipc_msg *req, int status,
    const char *message, const struct sshkey_rec *k)
{
	struct ipc_msg	 m;

	ipc_msg_init(&m, IPC_SSHKEY_RES, 0);
	sshkey_res_put(&m, status, message, k);
	ipc_reply(chan, req, &m);
}

static const char *
message_for(int status)
{
	switch (status) {
	case 400: return "bad request";
	case 404: return "ssh key not found";
	default: return status_message(status);
	}
}

/*
 * The user the request acts on: ref names one (an admin route, or a
 * user naming themself), or "" for the caller.  A 404 here is the
 * user's, and says so in why.
 */
static int
sshkey_owner(const struct principal *p, const char *ref, int admin_only,
    uint64_t *user, const char **why)
{
	int	 status;

	if (*ref == '\0' && !admin_only) {
		*user = p->user_oid;
		return 0;
	}
	if ((status = authz_user(p, ref, admin_only, user)) == 404)
		*why = "user not found";
	return status;
}

static int
fingerprint_taken(uint64_t user, const char *fingerprint)
{
	static const char sql[] = "SELECT 1 FROM ssh_keys WHERE user_oid = ? "
	    "AND fingerprint = ?";
	sqlite3_stmt	*st = db_stmt(sql);
	int		 rc;

	sqlite3_bind_int64(st, 1, user);
	sqlite3_bind_text(st, 2, fingerprint, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	sqlite3_reset(st);
	return rc == SQLITE_ROW;
}

static int
insert_sshkey(uint64_t user, const struct sshkey_rec *k, uint64_t *oid)
{
	static const char sql[] = "INSERT INTO ssh_keys (id, user_oid, name, "
	    "type, blob64, comment, fingerprint, bits, created_at) VALUES "
	    "(?, ?, ?, ?, ?, ?, ?, ?, ?)";
	sqlite3_stmt	*st = db_stmt(sql);
	char		 id[37];

	uuid_v4(id);
	sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, user);
	sqlite3_bind_text(st, 3, k->name, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, k->type, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 5, k->blob64, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 6, k->comment, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 7, k->fingerprint, -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 8, k->bits);
	sqlite3_bind_int64(st, 9, db_now());
	return db_insert(st, oid);
}

static int
sshkey_event(const char *type, const struct sshkey_rec *k,
    const struct principal *p, uint32_t dialect)
{
	char	 message[128];

	snprintf(message, sizeof(message), "ssh key %s", k->fingerprint);
	return db_event(type, "info", k->user_id, message, p->username, NULL,
	    dialect < DIALECT_MAX ? (int)dialect : -1);
}

/* From authd: a key it parsed (or made) for the user ref names. */
int
sshkeys_store_add(struct ipc_chan *chan, struct ipc_msg *m)
{
	struct principal p;
	struct sshkey_rec k, in;
	char		 ref[FIELD_REF_MAX + 1], oidtext[24];
	const char	*why = NULL;
	uint64_t	 user = 0, oid;
	uint32_t	 retry, method, dialect;
	int		 status, admin_only;

	memset(&in, 0, sizeof(in));
	status = authz_grant(m, &p, &retry);
	ipc_get_str(m, ref, sizeof(ref));
	ipc_get_bool(m, &admin_only);
	ipc_get_u32(m, &method);
	ipc_get_u32(m, &dialect);
	ipc_get_str(m, in.name, sizeof(in.name));
	ipc_get_str(m, in.type, sizeof(in.type));
	ipc_get_str(m, in.blob64, sizeof(in.blob64));
	ipc_get_str(m, in.comment, sizeof(in.comment));
	ipc_get_str(m, in.fingerprint, sizeof(in.fingerprint));
	ipc_get_u32(m, &in.bits);
	if (ipc_end(m) == -1)
		return -1;
	/* authd parsed it, but a key that would not be one line of an
	 * authorized_keys file is kept by no one */
	if (!sshkey_rec_line_safe(&in))
		return ipc_refuse(m, 400, "an ssh key's comment or name "
		    "holds a control character");
	if (status == 0)
		status = sshkey_owner(&p, ref, admin_only, &user, &why);
	if (status == 0 && fingerprint_taken(user, in.fingerprint)) {
		reply_sshkey(chan, m, 409, "this ssh key is already added",
		    NULL);
		return 0;
	}
	if (status == 0 &&
	    db_count(sshkeys_of_user, user) >= SSHKEYS_PER_USER_MAX) {
		reply_sshkey(chan, m, 409, "a user has at most 100 ssh keys",
		    NULL);
		return 0;
	}
	if (status != 0) {
		reply_sshkey(chan, m, status, why != NULL ? why :
		    message_for(status), NULL);
		return 0;
	}
	if (db_begin() == -1 || insert_sshkey(user, &in, &oid) == -1 ||
	    (snprintf(oidtext, sizeof(oidtext), "%llu",
	    (unsigned long long)oid), sshkey_load(user, oidtext, &k)) == -1 ||
	    sshkey_event(method == SSHKEY_GENERATE ? "sshkey.generate" :
	    "sshkey.create", &k, &p, dialect) == -1 || db_commit() == -1) {
		db_rollback();
		reply_sshkey(chan, m, 500, "database error", NULL);
		return 0;
	}
	reply_sshkey(chan, m, 201, "created", &k);
	return 0;
}

static void
list_sshkeys(struct ipc_chan *chan, const struct ipc_msg *req, int status,
    const char *why, uint64_t user, uint32_t limit, uint32_t offset)
{
	static char	 sql[512];
	struct ipc_msg	 body;
	struct sshkey_rec k;
	sqlite3_stmt	*st;
	uint64_t	 total = 0, n = 0;

	if (sql[0] == '\0')
		snprintf(sql, sizeof(sql), "SELECT %s FROM ssh_keys k JOIN "
		    "users u ON u.oid = k.user_oid WHERE k.user_oid = ? "
		    "ORDER BY k.oid LIMIT ? OFFSET ?", sshkey_columns);
	ipc_msg_init(&body, IPC_SSHKEY_LIST_RES, 0);
	if (status == 0) {
		total = db_count(sshkeys_of_user, user);
		st = db_stmt(sql);
		sqlite3_bind_int64(st, 1, user);
		sqlite3_bind_int(st, 2, limit);
		sqlite3_bind_int64(st, 3, offset);
		while (body.sbuf.size < LIST_PAGE_BYTES &&
		    sqlite3_step(st) == SQLITE_ROW) {
			row_to_sshkey(st, &k);
			ipc_put_sshkey(&body, &k);
			n++;
		}
		sqlite3_reset(st);
	}
	reply_list(chan, req, IPC_SSHKEY_LIST_RES, status == 0 ? 200 : status,
	    status == 0 ? "ok" : why != NULL ? why : message_for(status), total,
	    n, &body);
}

/* From frontd: list or delete. */
int
sshkeys_op(struct ipc_chan *chan, struct ipc_msg *m)
{
	struct principal p;
	struct sshkey_rec k;
	char		 ref[FIELD_REF_MAX + 1], keyref[FIELD_REF_MAX + 1] = "";
	uint64_t	 user = 0;
	uint32_t	 retry, limit = 0, offset = 0, dialect = DIALECT_MAX;
	const char	*why = NULL;
	int		 status, admin_only;

	status = authz_grant(m, &p, &retry);
	ipc_get_str(m, ref, sizeof(ref));
	ipc_get_bool(m, &admin_only);
	if (m->type == IPC_OP_SSHKEY_LIST) {
		ipc_get_u32(m, &limit);
		ipc_get_u32(m, &offset);
	} else {
		ipc_get_str(m, keyref, sizeof(keyref));
		ipc_get_u32(m, &dialect);
	}
	if (ipc_end(m) == -1)
		return -1;
	if (status == 0)
		status = sshkey_owner(&p, ref, admin_only, &user, &why);
	if (m->type == IPC_OP_SSHKEY_LIST) {
		list_sshkeys(chan, m, status, why, user, limit == 0 ||
		    limit > SSHKEYS_PAGE ? SSHKEYS_PAGE : limit, offset);
		return 0;
	}
	if (status == 0 && sshkey_load(user, keyref, &k) == -1)
		status = 404;
	if (status == 0 && (db_begin() == -1 ||
	    db_write(sshkey_delete, k.oid, 0) == -1 ||
	    sshkey_event("sshkey.delete", &k, &p, dialect) == -1 ||
	    db_commit() == -1)) {
		db_rollback();
		status = 500;
	}
	if (status != 0)
		reply_sshkey(chan, m, status, why != NULL ? why :
		    message_for(status), NULL);
	else
		reply_sshkey(chan, m, 200, "deleted", &k);
	return 0;
}

/*
 * For sshd, through moatd: the keys of an active, unexpired user as
 * authorized_keys lines.  A name that is no user, or a user who may not
 * log in, has none.
 */
int
sshkeys_authorized(struct ipc_chan *chan, struct ipc_msg *m)
{
	static char	 sql[512];
	struct ipc_msg	 reply, body;
	struct sshkey_rec k;
	sqlite3_stmt	*st;
	char		 name[FIELD_LOGIN_NAME_MAX + 1];
	char		 line[SSHKEY_TYPE_MAX + SSHKEY_BLOB64_MAX +
			    SSHKEY_COMMENT_MAX + 3];
	uint64_t	 n = 0;

	ipc_get_str(m, name, sizeof(name));
	if (ipc_end(m) == -1)
		return -1;
	if (sql[0] == '\0')
		snprintf(sql, sizeof(sql), "SELECT %s FROM ssh_keys k JOIN "
		    "users u ON u.oid = k.user_oid WHERE u.username = ? AND "
		    "u.status = 'active' AND (u.expires_at IS NULL OR "
		    "u.expires_at > ?) ORDER BY k.oid", sshkey_columns);
	ipc_msg_init(&body, IPC_AUTHKEYS_RES, 0);
	st = db_stmt(sql);
	sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, db_now());
	while (body.sbuf.size < LIST_PAGE_BYTES &&
	    sqlite3_step(st) == SQLITE_ROW) {
		row_to_sshkey(st, &k);
		if (!sshkey_rec_line_safe(&k)) {
			log_warnx("ssh key %s is not a safe line; skipped",
			    k.id);
			continue;
		}
		snprintf(line, sizeof(line), "%s %s%s%s", k.type, k.blob64,
		    k.comment[0] != '\0' ? " " : "", k.comment);
		ipc_put_str(&body, line);
		n++;
	}
	sqlite3_reset(st);
	ipc_msg_init(&reply, IPC_AUTHKEYS_RES, 0);
	ipc_put_head(&reply, 200, "ok");
	ipc_put_u64(&reply, n);
	ipc_append(&reply, &body);
	ipc_msg_clear(&body);
	ipc_reply(chan, m, &reply);
	return 0;
}

/* For the account v2 record: id, name and fingerprint of each key. */
void
sshkeys_put_brief(struct ipc_msg *out, uint64_t user)
{
	static const char sql[] = "SELECT oid, name, fingerprint FROM "
	    "ssh_keys WHERE user_oid = ? ORDER BY oid LIMIT ?";
	struct ipc_msg	 body;
	sqlite3_stmt	*st = db_stmt(sql);
	uint64_t	 n = 0;

	ipc_msg_init(&body, IPC_ACCOUNT_RES, 0);
	sqlite3_bind_int64(st, 1, user);
	sqlite3_bind_int(st, 2, SSHKEYS_PER_USER_MAX);
	while (sqlite3_step(st) == SQLITE_ROW) {
		ipc_put_u64(&body, sqlite3_column_int64(st, 0));
		ipc_put_str(&body, (const char *)sqlite3_column_text(st, 1));
		ipc_put_str(&body, (const char *)sqlite3_column_text(st, 2));
		n++;
	}
	sqlite3_reset(st);
	ipc_put_u64(out, n);
	ipc_append(out, &body);
	ipc_msg_clear(&body);
}
