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

#include "body_keys.h"
#include "log.h"
#include "sshkeycheck.h"
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
reply_sshkey(const struct ipc_req *req, int status, const char *message,
    const struct sshkey_rec *k)
{
	struct ipc_sshkey_res	 res;

	memset(&res, 0, sizeof(res));
	head_set(&res.head, status, message);
	if (k != NULL)
		res.key = *k;
	ipc_answer(req, &res, NULL);
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
 * The user whose keys the request reaches (authz_keys_of).  A 404 here
 * is the user's, and says so in why.
 */
static int
sshkey_owner(const struct principal *p, uint32_t access, const char *ref,
    uint64_t *user, const char **why)
{
	int	 status;

	if ((status = authz_keys_of(p, access, ref, user)) == 404)
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

/* The key authd parsed or made, as a record to keep. */
static void
sshkey_in(struct sshkey_rec *k, const struct ipc_sshkey_store *b)
{
	memset(k, 0, sizeof(*k));
	memcpy(k->name, b->name, sizeof(k->name));
	memcpy(k->type, b->type, sizeof(k->type));
	memcpy(k->blob64, b->blob64, sizeof(k->blob64));
	memcpy(k->comment, b->comment, sizeof(k->comment));
	memcpy(k->fingerprint, b->fingerprint, sizeof(k->fingerprint));
	k->bits = b->bits;
}

/* From authd: a key it parsed (or made) for the user the request names. */
int
sshkeys_store_add(struct ipc_chan *chan, struct ipc_msg *m)
{
	struct ipc_sshkey_store	 b;
	struct ipc_req		 req = ipc_req_of(chan, m);
	struct principal	 p;
	struct sshkey_rec	 k, in;
	char			 oidtext[24];
	const char		*why = NULL;
	uint64_t		 user = 0, oid;
	uint32_t		 retry;
	int			 status;

	if (ipc_msg_get(m, &b) == -1)
		return -1;
	if (!access_known(b.access))
		return ipc_violation(m, "no such access");
	sshkey_in(&in, &b);
	/* authd parsed it, but a key that would not be one line of an
	 * authorized_keys file is kept by no one */
	if (!sshkey_rec_line_safe(&in))
		return ipc_refuse(m, 400, "an ssh key's comment or name "
		    "holds a control character");
	status = authz_check(b.grant, b.grant_len, &p, &retry);
	if (status == 0)
		status = sshkey_owner(&p, b.access, b.user, &user, &why);
	if (status == 0 && fingerprint_taken(user, in.fingerprint)) {
		reply_sshkey(&req, 409, "this ssh key is already added", NULL);
		return 0;
	}
	if (status == 0 &&
	    db_count(sshkeys_of_user, user) >= SSHKEYS_PER_USER_MAX) {
		reply_sshkey(&req, 409, "a user has at most 100 ssh keys", NULL);
		return 0;
	}
	if (status != 0) {
		reply_sshkey(&req, status, why != NULL ? why :
		    message_for(status), NULL);
		return 0;
	}
	if (db_begin() == -1 || insert_sshkey(user, &in, &oid) == -1 ||
	    (snprintf(oidtext, sizeof(oidtext), "%llu",
	    (unsigned long long)oid), sshkey_load(user, oidtext, &k)) == -1 ||
	    sshkey_event(b.method == SSHKEY_GENERATE ? "sshkey.generate" :
	    "sshkey.create", &k, &p, b.dialect) == -1 || db_commit() == -1) {
		db_rollback();
		reply_sshkey(&req, 500, "database error", NULL);
		return 0;
	}
	reply_sshkey(&req, 201, "created", &k);
	return 0;
}

/* From frontd: a page of the keys of the user the request reaches. */
int
sshkeys_list(struct ipc_chan *chan, struct ipc_msg *m)
{
	static char		 sql[512];
	struct ipc_key_page	 pg;
	struct ipc_req		 req = ipc_req_of(chan, m);
	struct ipc_list_res	 res;
	struct ipc_msg		 items;
	struct principal	 p;
	struct sshkey_rec	 k;
	sqlite3_stmt		*st;
	const char		*why = NULL;
	uint64_t		 user = 0;
	uint32_t		 retry;
	int			 status;

	if (ipc_msg_get(m, &pg) == -1)
		return -1;
	if (!access_known(pg.access))
		return ipc_violation(m, "no such access");
	status = authz_check(pg.grant, pg.grant_len, &p, &retry);
	if (status == 0)
		status = sshkey_owner(&p, pg.access, pg.user, &user, &why);
	if (sql[0] == '\0')
		snprintf(sql, sizeof(sql), "SELECT %s FROM ssh_keys k JOIN "
		    "users u ON u.oid = k.user_oid WHERE k.user_oid = ? "
		    "ORDER BY k.oid LIMIT ? OFFSET ?", sshkey_columns);
	memset(&res, 0, sizeof(res));
	ipc_msg_init(&items, IPC_SSHKEY_LIST_RES, 0);
	if (status == 0) {
		res.total = db_count(sshkeys_of_user, user);
		st = db_stmt(sql);
		sqlite3_bind_int64(st, 1, user);
		sqlite3_bind_int(st, 2, pg.limit == 0 ||
		    pg.limit > SSHKEYS_PAGE ? SSHKEYS_PAGE : pg.limit);
		sqlite3_bind_int64(st, 3, pg.offset);
		while (items.sbuf.size < LIST_PAGE_BYTES &&
		    sqlite3_step(st) == SQLITE_ROW) {
			row_to_sshkey(st, &k);
			ipc_msg_put_item(&items, &k);
			res.count++;
		}
		sqlite3_reset(st);
	}
	head_set(&res.head, status == 0 ? 200 : status, status == 0 ? "ok" :
	    why != NULL ? why : message_for(status));
	ipc_answer(&req, &res, &items);
	return 0;
}

/* A key and its event, in the caller's transaction; -1 on error. */
static int
sshkey_drop(const struct sshkey_rec *k, const struct principal *p,
    uint32_t dialect)
{
	return db_write(sshkey_delete, k->oid, 0) == -1 ||
	    sshkey_event("sshkey.delete", k, p, dialect) == -1 ? -1 : 0;
}

int
sshkeys_destroy(uint64_t user, uint64_t key_oid, const struct principal *p)
{
	struct sshkey_rec	 k;
	char			 ref[24];

	snprintf(ref, sizeof(ref), "%llu", (unsigned long long)key_oid);
	if (sshkey_load(user, ref, &k) == -1)
		return 1;
	return sshkey_drop(&k, p, DIALECT_CCE);
}

/* From frontd: one key of the user the request reaches goes. */
int
sshkeys_delete(struct ipc_chan *chan, struct ipc_msg *m)
{
	struct ipc_key_ref	 b;
	struct ipc_req		 req = ipc_req_of(chan, m);
	struct principal	 p;
	struct sshkey_rec	 k;
	const char		*why = NULL;
	uint64_t		 user = 0;
	uint32_t		 retry;
	int			 status;

	if (ipc_msg_get(m, &b) == -1)
		return -1;
	if (!access_known(b.access))
		return ipc_violation(m, "no such access");
	status = authz_check(b.grant, b.grant_len, &p, &retry);
	if (status == 0)
		status = sshkey_owner(&p, b.access, b.user, &user, &why);
	if (status == 0 && sshkey_load(user, b.key, &k) == -1)
		status = 404;
	if (status == 0 && (db_begin() == -1 ||
	    sshkey_drop(&k, &p, b.dialect) == -1 || db_commit() == -1)) {
		db_rollback();
		status = 500;
	}
	if (status != 0)
		reply_sshkey(&req, status, why != NULL ? why :
		    message_for(status), NULL);
	else
		reply_sshkey(&req, 200, "deleted", &k);
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
	static char		 sql[512];
	struct ipc_authkeys	 b;
	struct ipc_req		 req = ipc_req_of(chan, m);
	struct ipc_list_res	 res;
	struct ipc_msg		 items;
	struct authkey_line	 line;
	struct sshkey_rec	 k;
	sqlite3_stmt		*st;

	if (ipc_msg_get(m, &b) == -1)
		return -1;
	if (sql[0] == '\0')
		snprintf(sql, sizeof(sql), "SELECT %s FROM ssh_keys k JOIN "
		    "users u ON u.oid = k.user_oid WHERE u.username = ? AND "
		    "u.status = 'active' AND (u.expires_at IS NULL OR "
		    "u.expires_at > ?) ORDER BY k.oid", sshkey_columns);
	memset(&res, 0, sizeof(res));
	ipc_msg_init(&items, IPC_AUTHKEYS_RES, 0);
	st = db_stmt(sql);
	sqlite3_bind_text(st, 1, b.login, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, db_now());
	while (items.sbuf.size < LIST_PAGE_BYTES &&
	    sqlite3_step(st) == SQLITE_ROW) {
		row_to_sshkey(st, &k);
		if (!sshkey_rec_line_safe(&k)) {
			log_warnx("ssh key %s is not a safe line; skipped",
			    k.id);
			continue;
		}
		snprintf(line.line, sizeof(line.line), "%s %s%s%s", k.type,
		    k.blob64, k.comment[0] != '\0' ? " " : "", k.comment);
		ipc_msg_put_item(&items, &line);
		res.count++;
	}
	sqlite3_reset(st);
	res.total = res.count;
	head_set(&res.head, 200, "ok");
	ipc_answer(&req, &res, &items);
	return 0;
}

/* For the account v2 record: id, name and fingerprint of each key. */
void
sshkeys_put_brief(struct ipc_msg *items, uint64_t user)
{
	static const char sql[] = "SELECT oid, name, fingerprint FROM "
	    "ssh_keys WHERE user_oid = ? ORDER BY oid LIMIT ?";
	struct account_item	 it;
	sqlite3_stmt		*st = db_stmt(sql);

	sqlite3_bind_int64(st, 1, user);
	sqlite3_bind_int(st, 2, SSHKEYS_PER_USER_MAX);
	while (sqlite3_step(st) == SQLITE_ROW) {
		memset(&it, 0, sizeof(it));
		it.kind = ACCOUNT_ITEM_SSHKEY;
		it.oid = sqlite3_column_int64(st, 0);
		strlcpy(it.name, (const char *)sqlite3_column_text(st, 1),
		    sizeof(it.name));
		strlcpy(it.fingerprint, (const char *)sqlite3_column_text(st,
		    2), sizeof(it.fingerprint));
		ipc_msg_put_item(items, &it);
	}
	sqlite3_reset(st);
}
