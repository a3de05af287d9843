/*
 * The signals a device polls (GET /apiv1/devices/self/updates): one row
 * each, numbered in order (the poll's cursor is the last number seen),
 * with a ts_ms unique per type for the device, since the agent drops a
 * repeated type:ts_ms.  Made inside the transaction of the change they
 * announce, so that a change and its signal are kept or lost together.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "body_devices.h"
#include "log.h"
#include "stored.h"

#define SIGNALS_KEPT	1000	/* per device; older ones: resync */

static int64_t
now_ms(void)
{
	struct timespec	 ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

void
devsignal_wake(uint64_t device)
{
	struct ipc_device_signaled	 b;
	struct ipc_msg			 m;
	struct ipc_chan			*frontd;

	if ((frontd = stored_env->chans[PROC_FRONTD]) == NULL)
		return;
	b.device_oid = device;
	ipc_msg_init(&m, IPC_DEVICE_SIGNALED, 0);
	ipc_msg_put(&m, &b);
	(void)ipc_send(frontd, &m);
}

static int
insert_signal(uint64_t device, const char *type, uint64_t ref)
{
	static const char ins[] = "INSERT INTO device_signals (device_oid, "
	    "type, ref, ts_ms) VALUES (?1, ?2, ?3, (SELECT CASE WHEN "
	    "coalesce(max(ts_ms), 0) >= ?4 THEN max(ts_ms) + 1 ELSE ?4 END "
	    "FROM device_signals WHERE device_oid = ?1 AND type = ?2))";
	sqlite3_stmt	*st = db_stmt(ins);
	char		 reftext[24] = "";
	int		 rc;

	if (ref != 0)
		snprintf(reftext, sizeof(reftext), "%" PRIu64, ref);
	sqlite3_bind_int64(st, 1, device);
	sqlite3_bind_text(st, 2, type, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, reftext, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(st, 4, now_ms());
	rc = sqlite3_step(st);
	sqlite3_reset(st);
	if (rc != SQLITE_DONE) {
		log_warnx("sqlite: cannot record a device signal");
		return -1;
	}
	/* stored reads frontd's next message only once this one's
	 * transaction is over: the poll it wakes finds the signal kept, or
	 * (rolled back) nothing and waits on */
	devsignal_wake(device);
	return 0;
}

/*
 * Keeps the last SIGNALS_KEPT of a device's signals, and the number of
 * the last one dropped: a poll after an older cursor missed some, and is
 * told to resync (409).  A cut window also ends in state.resync_required
 * unless one is still kept: whoever reads what is kept from its start
 * (a poll without a cursor) is told that it is not the whole story.
 * At most one per SIGNALS_KEPT signals, so a device that is up to date
 * resyncs in full that rarely.
 */
static int
trim(uint64_t device)
{
	static const char last[] = "SELECT oid FROM device_signals WHERE "
	    "device_oid = ? ORDER BY oid DESC LIMIT 1 OFFSET ?";
	static const char mark[] =
	    "UPDATE devices SET signals_trimmed = ? WHERE oid = ?";
	static const char drop[] =
	    "DELETE FROM device_signals WHERE device_oid = ? AND oid <= ?";
	static const char resync[] = "SELECT count(*) FROM device_signals "
	    "WHERE device_oid = ? AND type = 'state.resync_required'";
	sqlite3_stmt	*st = db_stmt(last);
	uint64_t	 upto = 0;

	sqlite3_bind_int64(st, 1, device);
	sqlite3_bind_int(st, 2, SIGNALS_KEPT);
	if (sqlite3_step(st) == SQLITE_ROW)
		upto = sqlite3_column_int64(st, 0);
	sqlite3_reset(st);
	if (upto == 0)
		return 0;
	if (db_write(mark, upto, device) == -1 ||
	    db_write(drop, device, upto) == -1)
		return -1;
	return db_count(resync, device) == 0 ?
	    insert_signal(device, "state.resync_required", 0) : 0;
}

int
devsignal_add(uint64_t device, const char *type, uint64_t ref)
{
	if (insert_signal(device, type, ref) == -1)
		return -1;
	return trim(device);
}

int
devsignal_cert_gone(uint64_t cert)
{
	static const char sql[] =
	    "SELECT device_oid FROM device_certs WHERE cert_oid = ?";
	sqlite3_stmt	*st = db_stmt(sql);
	uint64_t	 devs[64];
	int		 n, i;

	/* a few at a time: devsignal_add() uses statements of its own */
	do {
		n = 0;
		sqlite3_bind_int64(st, 1, cert);
		while (n < 64 && sqlite3_step(st) == SQLITE_ROW)
			devs[n++] = sqlite3_column_int64(st, 0);
		sqlite3_reset(st);
		for (i = 0; i < n; i++)
			if (devsignal_add(devs[i], "cert.unassigned", cert) ==
			    -1 || db_write("DELETE FROM device_certs WHERE "
			    "device_oid = ? AND cert_oid = ?", devs[i],
			    cert) == -1)
				return -1;
	} while (n == 64);
	return 0;
}

/*
 * Wakes the held polls of every device of a user being deleted or
 * disabled, so that they hear 401 at once rather than 204 at the end
 * of their wait: their next question is read once this transaction is
 * over (rolled back, they find nothing and wait on).
 */
void
devsignal_wake_user(uint64_t user)
{
	sqlite3_stmt	*st = db_stmt("SELECT oid FROM devices WHERE "
	    "user_oid = ?");

	sqlite3_bind_int64(st, 1, user);
	while (sqlite3_step(st) == SQLITE_ROW)
		devsignal_wake(sqlite3_column_int64(st, 0));
	sqlite3_reset(st);
}

/*
 * Signals type (with ref) to each device the query names: its ?1 is
 * key, its ?2 the device after which it goes on, and it answers device
 * numbers in order, at most 64.  A page at a time, since
 * devsignal_add() uses statements of its own.
 */
int
devsignal_each(const char *sql, uint64_t key, const char *type,
    uint64_t ref)
{
	sqlite3_stmt	*st = db_stmt(sql);
	uint64_t	 devs[64], after = 0;
	int		 n, i;

	do {
		n = 0;
		sqlite3_bind_int64(st, 1, key);
		sqlite3_bind_int64(st, 2, after);
		while (n < 64 && sqlite3_step(st) == SQLITE_ROW)
			devs[n++] = sqlite3_column_int64(st, 0);
		sqlite3_reset(st);
		for (i = 0; i < n; i++)
			if (devsignal_add(devs[i], type, ref) == -1)
				return -1;
		if (n > 0)
			after = devs[n - 1];
	} while (n == 64);
	return 0;
}

/*
 * A private CA is deleted: every device holding a certificate it issued
 * was told to trust it (ca.assigned), and no signal takes a CA back, so
 * each is told to resync in full (before the delete, which unlinks its
 * certificates from it).
 */
int
devsignal_ca_gone(uint64_t ca)
{
	static const char sql[] = "SELECT DISTINCT x.device_oid FROM "
	    "device_certs x JOIN certificates t ON t.oid = x.cert_oid WHERE "
	    "t.ca_oid = ?1 AND x.device_oid > ?2 ORDER BY x.device_oid "
	    "LIMIT 64";

	return devsignal_each(sql, ca, "state.resync_required", 0);
}
