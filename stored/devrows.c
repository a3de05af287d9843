/*
 * A device's row read by its ref, and the answer that carries one:
 * below devices.c and devsess.c, which both need them.
 */
#include <stdio.h>
#include <string.h>

#include "body_devices.h"
#include "stored.h"

const char devrow_columns[] = "d.oid, d.id, d.user_oid, d.name, "
    "d.description, d.device_type, d.dev_pk, (SELECT count(*) FROM "
    "device_certs x WHERE x.device_oid = d.oid), d.created_at";

void
devrow_read(sqlite3_stmt *st, struct device_rec *d)
{
	memset(d, 0, sizeof(*d));
	d->oid = sqlite3_column_int64(st, 0);
	db_text_col(st, 1, d->id, sizeof(d->id));
	d->user_oid = sqlite3_column_int64(st, 2);
	db_text_col(st, 3, d->name, sizeof(d->name));
	db_text_col(st, 4, d->description, sizeof(d->description));
	db_text_col(st, 5, d->device_type, sizeof(d->device_type));
	db_text_col(st, 6, d->dev_pk, sizeof(d->dev_pk));
	d->certs = sqlite3_column_int64(st, 7);
	d->created_at = sqlite3_column_int64(st, 8);
}

/* The device ref (oid or id) of anyone: -1 if none. */
int
device_find(const char *ref, struct device_rec *d)
{
	static char	 sql[512];
	sqlite3_stmt	*st;
	int		 rc;

	if (sql[0] == '\0')
		snprintf(sql, sizeof(sql), "SELECT %s FROM devices d WHERE "
		    "d.id = ?1 OR CAST(d.oid AS TEXT) = ?1", devrow_columns);
	st = db_stmt(sql);
	sqlite3_bind_text(st, 1, ref, -1, SQLITE_STATIC);
	if ((rc = sqlite3_step(st)) == SQLITE_ROW)
		devrow_read(st, d);
	sqlite3_reset(st);
	return rc == SQLITE_ROW ? 0 : -1;
}

int
device_by_oid(uint64_t oid, struct device_rec *d)
{
	char	 oidtext[24];

	snprintf(oidtext, sizeof(oidtext), "%llu", (unsigned long long)oid);
	return device_find(oidtext, d);
}

void
devices_reply(const struct ipc_req *req, int status, const char *message,
    const struct device_rec *d)
{
	struct ipc_device_res	 res;

	memset(&res, 0, sizeof(res));
	head_set(&res.head, status, message);
	if (d != NULL)
		res.device = *d;
	ipc_answer(req, &res, NULL);
}
