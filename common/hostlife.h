/*
 * A host's lifecycle, in one table that stored and taskd both read: for
 * each action, the task it queues, what the runner does, the host's state
 * once it succeeded, whether its failure fails the host, and whether the
 * host's tunnel follows it.
 */
#ifndef MOAT_HOSTLIFE_H
#define MOAT_HOSTLIFE_H

#include <stdint.h>

#define HOST_SHORT_ID_LEN	10	/* [a-z0-9]: names a container */

enum host_action {
	HOST_CREATE = 1,
	HOST_START,
	HOST_STOP,
	HOST_REBUILD,
	HOST_DELETE,
	HOST_NOOP,		/* a task that does nothing: the queue's bench */
	HOST_EGRESS,		/* the host's tunnel, as its binding says */
	CERT_ISSUE,		/* an ACME certificate, by taskd's worker */
	CERT_RENEW,		/* its renewal, with its new key */
};

/* A worker's verdict on a task. */
enum task_outcome {
	TASK_SUCCEEDED = 1,
	TASK_FAILED,		/* for good: the error is kept */
	TASK_RETRY,		/* again after a back-off, while attempts last */
};

/* What taskd's runner does to a host. */
enum driver_op {
	DRV_NONE = 0,		/* nothing: the task is done as it starts */
	DRV_ENSURE_RUNNING,	/* create or start; idempotent */
	DRV_STOP,		/* stop and remove the container */
	DRV_REBUILD,		/* a new container from the image, same home */
	DRV_DELETE,		/* container, bundle, limits and home */
	DRV_STATE,		/* running, stopped or missing */
	DRV_EGRESS,		/* the running host's tunnel, as given */
	DRV_EGRESS_TEST,	/* a tunnel of its own, checked, taken down */
	DRV_ACME,		/* not the runner's: an ACME worker's */
	DRV_EXEC,		/* an SSH session in the running host */
};

struct host_lifecycle {
	enum host_action action;
	const char	*name;		/* as a client asks for it; NULL if no
					 * client asks for it by name */
	const char	*kind;		/* the task's kind */
	enum driver_op	 op;
	const char	*status_after;	/* "" leaves the state as it is */
	int		 failure_fails_host;
	int		 tunnel_follows;
	int		 user_may;	/* a host's own user may ask it */
};

/* The action's row, or NULL for no action. */
const struct host_lifecycle *host_lifecycle(uint32_t action);
/* Whether the host's tunnel follows what the runner does. */
int	 driver_op_brings_tunnel(enum driver_op);
/* A short id is [a-z0-9]{10}: safe in a path and a container name. */
int	 host_short_id_ok(const char *);

#endif
