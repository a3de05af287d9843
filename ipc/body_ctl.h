/*
 * The operator's requests, moatctl to moatd over the control socket, and
 * moatd's own answers.  What moatd passes on to a child travels in that
 * child's messages; its answer comes back to moatctl as it is.
 */
#ifndef MOAT_IPC_BODY_CTL_H
#define MOAT_IPC_BODY_CTL_H

#include <stdint.h>

#include "body.h"
#include "fields.h"

#define CTL_PROCS_MAX		16	/* processes in a status */
#define CTL_PROC_NAME_MAX	32	/* a process's name, with its NUL */
#define CTL_PROC_USER_MAX	64	/* the user it runs as, with its NUL */

/* an element of ctl.status.res: one process of the suite */
struct ipc_ctl_proc {
	char		 name[CTL_PROC_NAME_MAX];
	uint64_t	 pid;
	char		 user[CTL_PROC_USER_MAX];
	uint64_t	 uid;
	uint64_t	 started;	/* seconds since the epoch */
};

extern const struct ipc_body body_ctl_proc;

#endif
