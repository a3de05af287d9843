/*
 * A certificate's row read, by whichever way a request names it: a
 * user's, anyone's (the caller decides whose), or a device's.  Below
 * certs.c and acmecert.c, which both read rows.
 */
#include <stdio.h>
#include <string.h>

#include "body_certs.h"
#include "stored.h"

const char certrow_columns[] = "c.oid, c.id, c.user_oid, "
    "coalesce(c.ca_oid, 0), c.status, c.domain, c.sans, c.key_type, "
    "c.serial, c.issuer, coalesce(c.not_before, 0), "
    "coalesce(c.not_after, 0), c.created_at, "
    "coalesce(c.acme_account_oid, 0), coalesce(c.dns_provider_oid, 0), "
    "c.auto_renew";

void
certrow_read(sqlite3_stmt *st, struct cert_rec *c)
{
	memset(c, 0, sizeof(*c));
	c->oid = sqlite3_column_int64(st, 0);
	db_text_col(st, 1, c->id, sizeof(c->id));
	c->user_oid = sqlite3_column_int64(st, 2);
	c->ca_oid = sqlite3_column_int64(st, 3);
	db_text_col(st, 4, c->status, sizeof(c->status));
	db_text_col(st, 5, c->domain, sizeof(c->domain));
	db_text_col(st, 6, c->sans, sizeof(c->sans));
	db_text_col(st, 7, c->key_type, sizeof(c->key_type));
	db_text_col(st, 8, c->serial, sizeof(c->serial));
	db_text_col(st, 9, c->issuer, sizeof(c->issuer));
	c->not_before = sqlite3_column_int64(st, 10);
	c->not_after = sqlite3_column_int64(st, 11);
	c->created_at = sqlite3_column_int64(st, 12);
	c->acme_account_oid = sqlite3_column_int64(st, 13);
	c->dns_provider_oid = sqlite3_column_int64(st, 14);
	c->auto_renew = sqlite3_column_int(st, 15);
}

/* The certificate ref (oid or id) of user; -1 if none. */
int
certs_load(uint64_t user, const char *ref, struct cert_rec *c)
{
	static char	 sql[512];
	sqlite3_stmt	*st;
	int		 rc;

	if (sql[0] == '\0')
		snprintf(sql, sizeof(sql), "SELECT %s FROM certificates c "
		    "WHERE c.user_oid = ?1 AND (c.id = ?2 OR "
		    "CAST(c.oid AS TEXT) = ?2)", certrow_columns);
	st = db_stmt(sql);
	sqlite3_bind_int64(st, 1, user);
	sqlite3_bind_text(st, 2, ref, -1, SQLITE_STATIC);
	if ((rc = sqlite3_step(st)) == SQLITE_ROW)
		certrow_read(st, c);
	sqlite3_reset(st);
	return rc == SQLITE_ROW ? 0 : -1;
}

/* The certificate ref of anyone (stored decides whose): -1 if none. */
int
certs_find(const char *ref, struct cert_rec *c)
{
	static char	 sql[512];
	sqlite3_stmt	*st;
	int		 rc;

	if (sql[0] == '\0')
		snprintf(sql, sizeof(sql), "SELECT %s FROM certificates c "
		    "WHERE c.id = ?1 OR CAST(c.oid AS TEXT) = ?1",
		    certrow_columns);
	st = db_stmt(sql);
	sqlite3_bind_text(st, 1, ref, -1, SQLITE_STATIC);
	if ((rc = sqlite3_step(st)) == SQLITE_ROW)
		certrow_read(st, c);
	sqlite3_reset(st);
	return rc == SQLITE_ROW ? 0 : -1;
}

/* The certificate ref given to device: -1 if none. */
int
certs_of_device(uint64_t device, const char *ref, struct cert_rec *c)
{
	static char	 sql[512];
	sqlite3_stmt	*st;
	int		 rc;

	if (sql[0] == '\0')
		snprintf(sql, sizeof(sql), "SELECT %s FROM certificates c "
		    "JOIN device_certs x ON x.cert_oid = c.oid WHERE "
		    "x.device_oid = ?1 AND (c.id = ?2 OR CAST(c.oid AS TEXT) "
		    "= ?2)", certrow_columns);
	st = db_stmt(sql);
	sqlite3_bind_int64(st, 1, device);
	sqlite3_bind_text(st, 2, ref, -1, SQLITE_STATIC);
	if ((rc = sqlite3_step(st)) == SQLITE_ROW)
		certrow_read(st, c);
	sqlite3_reset(st);
	return rc == SQLITE_ROW ? 0 : -1;
}
