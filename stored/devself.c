/*
 * A device's own reads, with its token (GET /apiv1/devices/self/...):
 * a certificate given to it, and the bundle of a CA that issued one.
 * Anything else is "not found", as another user's object is.
 */
#include <stdlib.h>
#include <string.h>

#include "body_certs.h"
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
