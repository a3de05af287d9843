/*
 * The tunnel a task's job carries, written item by item until task.jobs
 * has a field table of its own to nest body_egress_job in: the same
 * fields in the same order, all of them whether or not the host has a
 * tunnel, as body_egress_job writes them.
 */
#include <string.h>

#include "egressrec.h"
#include "ipc.h"

void
ipc_put_egress_job(struct ipc_msg *m, const struct egress_job *j)
{
	int	 i;

	ipc_put_bool(m, j->present);
	ipc_put_u64(m, j->oid);
	ipc_put_str(m, j->id);
	ipc_put_str(m, j->endpoint);
	ipc_put_str(m, j->peer_public_key);
	ipc_put_str(m, j->allowed_ips);
	ipc_put_str(m, j->dns_server);
	ipc_put_str(m, j->address);
	for (i = 0; i < 2; i++) {
		ipc_put_bin(m, j->sealed[i], j->sealedlen[i]);
		ipc_put_str(m, j->ref[i]);
	}
}

void
ipc_get_egress_job(struct ipc_msg *m, struct egress_job *j)
{
	int	 i;

	memset(j, 0, sizeof(*j));
	ipc_get_bool(m, &j->present);
	ipc_get_u64(m, &j->oid);
	ipc_get_str(m, j->id, sizeof(j->id));
	ipc_get_str(m, j->endpoint, sizeof(j->endpoint));
	ipc_get_str(m, j->peer_public_key, sizeof(j->peer_public_key));
	ipc_get_str(m, j->allowed_ips, sizeof(j->allowed_ips));
	ipc_get_str(m, j->dns_server, sizeof(j->dns_server));
	ipc_get_str(m, j->address, sizeof(j->address));
	for (i = 0; i < 2; i++) {
		ipc_get_bin(m, j->sealed[i], sizeof(j->sealed[i]),
		    &j->sealedlen[i]);
		ipc_get_str(m, j->ref[i], sizeof(j->ref[i]));
	}
}
