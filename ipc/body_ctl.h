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
#define CTL_CLIENT_NAME_MAX	72	/* a client's name, with its NUL */
/* the user a client acts for (common/userrec.h's EMAIL_MAX) */
#define CTL_CLIENT_USER_MAX	(254 + 1)
/* the addresses it may log in from (common/cidr.h's CIDR_LIST_MAX) */
#define CTL_CLIENT_ALLOW_MAX	1024

/* an element of ctl.status.res: one process of the suite */
struct ipc_ctl_proc {
	char		 name[CTL_PROC_NAME_MAX];
	uint64_t	 pid;
	char		 user[CTL_PROC_USER_MAX];
	uint64_t	 uid;
	uint64_t	 started;	/* seconds since the epoch */
};

/* ctl.client.add */
struct ipc_ctl_client_add {
	char		 name[CTL_CLIENT_NAME_MAX];
	char		 user[CTL_CLIENT_USER_MAX];	/* "" for none */
	char		 allow[CTL_CLIENT_ALLOW_MAX];	/* CIDRs, by spaces */
};

/* ctl.client.del */
struct ipc_ctl_client_del {
	char		 name[CTL_CLIENT_NAME_MAX];
};

/* ctl.authkeys, ctl.sessions.end: a user, by the name they log in with */
struct ipc_ctl_login {
	char		 login[FIELD_LOGIN_NAME_MAX + 1];
};

extern const struct ipc_body body_ctl_proc;
extern const struct ipc_body body_ctl_client_add;
extern const struct ipc_body body_ctl_client_del;
extern const struct ipc_body body_ctl_login;

#endif
