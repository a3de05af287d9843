/* A host's lifecycle (hostlife.h). */
#include <string.h>

#include "hostlife.h"

static const struct host_lifecycle lifecycle[] = {
	{ HOST_CREATE, NULL, "host.create", DRV_ENSURE_RUNNING, "running",
	    1, 1, 0 },
	{ HOST_START, "start", "host.start", DRV_ENSURE_RUNNING, "running",
	    1, 1, 0 },
	{ HOST_STOP, "stop", "host.stop", DRV_STOP, "stopped", 0, 0, 0 },
	{ HOST_REBUILD, "rebuild", "host.rebuild", DRV_REBUILD, "running",
	    1, 1, 1 },
	{ HOST_DELETE, "delete", "host.delete", DRV_DELETE, "deleted",
	    0, 0, 0 },
	{ HOST_NOOP, NULL, "noop", DRV_NONE, "", 0, 0, 0 },
	{ HOST_EGRESS, NULL, "host.egress", DRV_EGRESS, "", 0, 1, 0 },
	{ CERT_ISSUE, NULL, "cert.issue", DRV_ACME, "", 0, 0, 0 },
	{ CERT_RENEW, NULL, "cert.renew", DRV_ACME, "", 0, 0, 0 },
};

const struct host_lifecycle *
host_lifecycle(uint32_t action)
{
	size_t	 i;

	for (i = 0; i < sizeof(lifecycle) / sizeof(lifecycle[0]); i++)
		if (lifecycle[i].action == action)
			return &lifecycle[i];
	return NULL;
}

int
driver_op_brings_tunnel(enum driver_op op)
{
	size_t	 i;

	for (i = 0; i < sizeof(lifecycle) / sizeof(lifecycle[0]); i++)
		if (lifecycle[i].op == op && lifecycle[i].tunnel_follows)
			return 1;
	return 0;
}

int
host_short_id_ok(const char *s)
{
	return strlen(s) == HOST_SHORT_ID_LEN &&
	    strspn(s, "abcdefghijklmnopqrstuvwxyz0123456789") ==
	    HOST_SHORT_ID_LEN;
}
