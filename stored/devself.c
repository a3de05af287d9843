/*
 * A device's own reads, with its token (GET /apiv1/devices/self/...):
 * a certificate given to it, and the bundle of a CA that issued one.
 * Anything else is "not found", as another user's object is.
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "body_certs.h"
#include "body_devices.h"
#include "log.h"
#include "stored.h"

/* IPC_OP_SELF_CERT: a certificate given to the device */
int
devself_cert(struct ipc_chan *chan, struct ipc_msg *m)
{
	struct ipc_op_cert	 b;
	struct ipc_req		 req = ipc_req_of(chan, m);
	struct ipc_cert_res	*res;
	struct principal	 p;
	uint32_t		 retry;
	int			 status;

	if (ipc_msg_get(m, &b) == -1)
		return -1;
	if (b.op != CERT_OP_GET)
		return ipc_violation(m, "no such operation");
	if ((res = calloc(1, sizeof(*res))) == NULL)
		fatal("%s", __func__);
	status = authz_device(b.grant, b.grant_len, &p, &retry);
	if (status == 0 && certs_of_device(p.cred_oid, b.ref, &res->cert) ==
	    -1)
		status = 404;
	head_set(&res->head, status == 0 ? 200 : status, status == 0 ? "ok" :
	    certpage_message(status));
	res->head.retry = retry;
	ipc_answer(&req, res, NULL);
	free(res);
	return 0;
}

/* IPC_OP_SELF_BUNDLE: the CA of a certificate given to the device */
int
devself_bundle(struct ipc_chan *chan, struct ipc_msg *m)
{
	struct ipc_op_cert	 b;
	struct ipc_req		 req = ipc_req_of(chan, m);
	struct ipc_ca_res	*res;
	struct principal	 p;
	uint32_t		 retry;
	int			 status;

	if (ipc_msg_get(m, &b) == -1)
		return -1;
	if (b.op != CERT_OP_BUNDLE)
		return ipc_violation(m, "no such operation");
	if ((res = calloc(1, sizeof(*res))) == NULL)
		fatal("%s", __func__);
	status = authz_device(b.grant, b.grant_len, &p, &retry);
	if (status == 0 && cas_of_device(p.cred_oid, b.ref, &res->ca,
	    res->cert_pem, sizeof(res->cert_pem)) == -1)
		status = 404;
	head_set(&res->head, status == 0 ? 200 : status, status == 0 ? "ok" :
	    certpage_message(status));
	res->head.retry = retry;
	ipc_answer(&req, res, NULL);
	free(res);
	return 0;
}

/* The device's X25519 public key: "" if none registered. */
static void
device_pk(uint64_t device, char *pk, size_t len)
{
	static const char sql[] = "SELECT dev_pk FROM devices WHERE oid = ?";
	sqlite3_stmt	*st = db_stmt(sql);

	*pk = '\0';
	sqlite3_bind_int64(st, 1, device);
	if (sqlite3_step(st) == SQLITE_ROW)
		db_text_col(st, 0, pk, len);
	sqlite3_reset(st);
}

/*
 * IPC_DEVKEY_GET, from authd: the sealed key of a certificate given to
 * the device whose grant asks, for authd to wrap to the device's key;
 * recorded as an event, as an export is.
 */
int
devself_key(struct ipc_chan *chan, struct ipc_msg *m)
{
	struct ipc_op_cert	 b;
	struct ipc_req		 req = ipc_req_of(chan, m);
	struct ipc_devkey_res	*res;
	struct ipc_certkey_res	*k;
	struct cert_rec		 c;
	struct principal	 p;
	uint32_t		 retry;
	int			 status;

	if (ipc_msg_get(m, &b) == -1)
		return -1;
	if ((res = calloc(1, sizeof(*res))) == NULL ||
	    (k = calloc(1, sizeof(*k))) == NULL)
		fatal("%s", __func__);
	status = authz_device(b.grant, b.grant_len, &p, &retry);
	if (status == 0 && certs_of_device(p.cred_oid, b.ref, &c) == -1)
		status = 404;
	if (status == 0 && cert_secret(c.oid, k) == -1)
		status = 409;	/* no key kept (not issued yet) */
	if (status == 0 && db_event("certificate.deploy", "info", p.user_id,
	    "deploy materials fetched by a device", p.username, NULL,
	    DIALECT_APIV1) == -1)
		status = 500;
	if (status == 0) {
		res->oid = c.oid;
		strlcpy(res->id, c.id, sizeof(res->id));
		memcpy(res->cert_pem, k->cert_pem, sizeof(res->cert_pem));
		memcpy(res->chain_pem, k->chain_pem, sizeof(res->chain_pem));
		memcpy(res->sealed, k->sealed, k->sealed_len);
		res->sealed_len = k->sealed_len;
		device_pk(p.cred_oid, res->dev_pk, sizeof(res->dev_pk));
	}
	head_set(&res->head, status == 0 ? 200 : status, status == 0 ? "ok" :
	    status == 409 ? "the certificate has no key yet" :
	    certpage_message(status));
	res->head.retry = retry;
	ipc_answer(&req, res, NULL);
	explicit_bzero(k, sizeof(*k));
	explicit_bzero(res, sizeof(*res));
	free(k);
	free(res);
	return 0;
}

/* The number of the last signal dropped for the device (devsignal.c) */
static uint64_t
trimmed(uint64_t device)
{
	static const char sql[] =
	    "SELECT signals_trimmed FROM devices WHERE oid = ?";
	sqlite3_stmt	*st = db_stmt(sql);
	uint64_t	 n = 0;

	sqlite3_bind_int64(st, 1, device);
	if (sqlite3_step(st) == SQLITE_ROW)
		n = sqlite3_column_int64(st, 0);
	sqlite3_reset(st);
	return n;
}

static void
updates_page(uint64_t device, const struct ipc_updates_req *b,
    struct ipc_updates_res *res, struct ipc_msg *items)
{
	static const char sql[] = "SELECT oid, type, ts_ms, ref FROM "
	    "device_signals WHERE device_oid = ? AND oid > ? ORDER BY oid "
	    "LIMIT ?";
	sqlite3_stmt	*st = db_stmt(sql);
	struct signal_rec sig;

	res->cursor = b->cursor;
	sqlite3_bind_int64(st, 1, device);
	sqlite3_bind_int64(st, 2, b->cursor);
	sqlite3_bind_int(st, 3, b->limit == 0 || b->limit > 100 ? 100 :
	    b->limit);
	while (sqlite3_step(st) == SQLITE_ROW) {
		memset(&sig, 0, sizeof(sig));
		res->cursor = sqlite3_column_int64(st, 0);
		db_text_col(st, 1, sig.type, sizeof(sig.type));
		sig.ts_ms = sqlite3_column_int64(st, 2);
		db_text_col(st, 3, sig.ref, sizeof(sig.ref));
		ipc_msg_put_item(items, &sig);
		res->count++;
	}
	sqlite3_reset(st);
}

/*
 * IPC_OP_SELF_UPDATES: a device's signals after its cursor, a page of
 * them; 409 when some after it were dropped (it must resync), 429 when
 * it polls faster than POLLS_PER_MINUTE.
 */
int
devself_updates(struct ipc_chan *chan, struct ipc_msg *m)
{
	struct ipc_updates_req	 b;
	struct ipc_req		 req = ipc_req_of(chan, m);
	struct ipc_updates_res	 res;
	struct ipc_msg		 items;
	struct principal	 p;
	uint64_t		 dev;
	uint32_t		 retry;
	int			 status;

	if (ipc_msg_get(m, &b) == -1)
		return -1;
	memset(&res, 0, sizeof(res));
	ipc_msg_init(&items, IPC_UPDATES_RES, 0);
	retry = 0;
	dev = 0;
	status = authz_poller(b.grant, b.grant_len, &p);
	if (status == 0 && p.kind == GRANT_DEVICE)
		dev = p.cred_oid;
	else if (status == 0)
		status = keyperms_device(&p, &dev);
	/* frontd asking again for a poll it holds is not the device's */
	if (status == 0 && !b.again && !ratelimit_hit(stored_env->polls,
	    &dev, sizeof(dev), time(NULL), &retry))
		status = 429;
	if (status == 0 && !b.fresh && b.cursor < trimmed(dev))
		status = 409;
	if (status == 0) {
		res.device_oid = dev;
		updates_page(dev, &b, &res, &items);
	}
	head_set(&res.head, status == 0 ? 200 : status, status == 0 ? "ok" :
	    status == 409 ? "the cursor is older than the signals kept: "
	    "resync in full" : status == 429 ? "polling too fast" :
	    status == 404 ? "no device of this API key: register one with "
	    "it or name one in its permissions" : certpage_message(status));
	res.head.retry = retry;
	ipc_answer(&req, &res, &items);
	return 0;
}
