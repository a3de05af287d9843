/*
 * The message catalogue: every type, its size limit, who may send it to
 * whom, and its kind.  A receiver refuses anything not written here.
 */
#include <stddef.h>

#include "ipc.h"

#define R(a, b)		IPC_ROUTE(PROC_##a, PROC_##b)
#define SMALL		256
#define KIB		1024

/* hello travels on every link, both ways */
#define ALL_LINKS (R(MOATD, FRONTD) | R(MOATD, AUTHD) | R(MOATD, STORED) | \
	R(MOATD, TASKD) | R(MOATD, MOATCTL) | R(FRONTD, MOATD) | \
	R(AUTHD, MOATD) | R(STORED, MOATD) | R(TASKD, MOATD) | \
	R(MOATCTL, MOATD) | R(FRONTD, AUTHD) | R(AUTHD, FRONTD) | \
	R(FRONTD, STORED) | R(STORED, FRONTD) | R(AUTHD, STORED) | \
	R(STORED, AUTHD) | R(AUTHD, TASKD) | R(TASKD, AUTHD) | \
	R(STORED, TASKD) | R(TASKD, STORED))
#define TO_CHILDREN (R(MOATD, FRONTD) | R(MOATD, AUTHD) | R(MOATD, STORED) | \
	R(MOATD, TASKD))
#define FROM_CHILDREN (R(FRONTD, MOATD) | R(AUTHD, MOATD) | \
	R(STORED, MOATD) | R(TASKD, MOATD))

static const struct ipc_msgdef catalogue[IPC_TYPE_MAX] = {
	[IPC_HELLO] = { IPC_HELLO, "hello", SMALL, ALL_LINKS, 0, 0 },
	[IPC_CFG_COMMON] = { IPC_CFG_COMMON, "cfg.common", SMALL,
	    TO_CHILDREN, 0, 0 },
	[IPC_CFG_HTTP] = { IPC_CFG_HTTP, "cfg.http", SMALL,
	    R(MOATD, FRONTD), 0, 0 },
	[IPC_CFG_LISTEN] = { IPC_CFG_LISTEN, "cfg.listen", SMALL,
	    R(MOATD, FRONTD), IPC_F_FD, 0 },
	[IPC_CFG_TLS_CERT] = { IPC_CFG_TLS_CERT, "cfg.tls.cert", SMALL,
	    R(MOATD, FRONTD), IPC_F_FD, 0 },
	[IPC_CFG_TLS_KEY] = { IPC_CFG_TLS_KEY, "cfg.tls.key", SMALL,
	    R(MOATD, FRONTD), IPC_F_FD, 0 },
	[IPC_CFG_AUTH] = { IPC_CFG_AUTH, "cfg.auth", SMALL,
	    R(MOATD, AUTHD), 0, 0 },
	[IPC_CFG_MASTER_KEY] = { IPC_CFG_MASTER_KEY, "cfg.master_key", SMALL,
	    R(MOATD, AUTHD), IPC_F_FD, 0 },
	[IPC_CFG_TASK] = { IPC_CFG_TASK, "cfg.task", SMALL,
	    R(MOATD, TASKD), 0, 0 },
	[IPC_CFG_DONE] = { IPC_CFG_DONE, "cfg.done", SMALL,
	    TO_CHILDREN, IPC_F_REQUEST, IPC_CFG_ACK },
	[IPC_CFG_ACK] = { IPC_CFG_ACK, "cfg.ack", SMALL,
	    FROM_CHILDREN, IPC_F_REPLY, 0 },
	[IPC_PROC_START] = { IPC_PROC_START, "proc.start", SMALL,
	    TO_CHILDREN, 0, 0 },
	[IPC_ADMIN_BOOTSTRAP] = { IPC_ADMIN_BOOTSTRAP, "admin.bootstrap",
	    SMALL, R(MOATD, AUTHD), IPC_F_REQUEST, IPC_ADMIN_BOOTSTRAP_RES },
	[IPC_ADMIN_BOOTSTRAP_RES] = { IPC_ADMIN_BOOTSTRAP_RES,
	    "admin.bootstrap.res", SMALL, R(AUTHD, MOATD), IPC_F_REPLY, 0 },
	[IPC_USER_BOOTSTRAP] = { IPC_USER_BOOTSTRAP, "user.bootstrap",
	    1 * KIB, R(AUTHD, STORED), IPC_F_REQUEST, IPC_USER_BOOTSTRAP_RES },
	[IPC_USER_BOOTSTRAP_RES] = { IPC_USER_BOOTSTRAP_RES,
	    "user.bootstrap.res", SMALL, R(STORED, AUTHD), IPC_F_REPLY, 0 },
	[IPC_HEALTH_CHECK] = { IPC_HEALTH_CHECK, "health.check", SMALL,
	    R(FRONTD, STORED), IPC_F_REQUEST, IPC_HEALTH_RESULT },
	[IPC_HEALTH_RESULT] = { IPC_HEALTH_RESULT, "health.result", SMALL,
	    R(STORED, FRONTD), IPC_F_REPLY, 0 },
	[IPC_AGENT_PING] = { IPC_AGENT_PING, "agent.ping", SMALL,
	    R(STORED, TASKD), IPC_F_REQUEST, IPC_AGENT_PONG },
	[IPC_AGENT_PONG] = { IPC_AGENT_PONG, "agent.pong", SMALL,
	    R(TASKD, STORED), IPC_F_REPLY, 0 },
	[IPC_PING] = { IPC_PING, "ping", 4 * KIB,
	    R(FRONTD, STORED), IPC_F_REQUEST, IPC_PONG },
	[IPC_PONG] = { IPC_PONG, "pong", 4 * KIB,
	    R(STORED, FRONTD), IPC_F_REPLY, 0 },
	[IPC_CTL_STATUS] = { IPC_CTL_STATUS, "ctl.status", SMALL,
	    R(MOATCTL, MOATD), IPC_F_REQUEST, IPC_CTL_STATUS_RES },
	[IPC_CTL_STATUS_RES] = { IPC_CTL_STATUS_RES, "ctl.status.res",
	    4 * KIB, R(MOATD, MOATCTL), IPC_F_REPLY, 0 },
	[IPC_CTL_RELOAD] = { IPC_CTL_RELOAD, "ctl.reload", SMALL,
	    R(MOATCTL, MOATD), IPC_F_REQUEST, IPC_CTL_RESULT },
	[IPC_CTL_RESULT] = { IPC_CTL_RESULT, "ctl.result", 4 * KIB,
	    R(MOATD, MOATCTL), IPC_F_REPLY, 0 },
};

const struct ipc_msgdef *
ipc_msgdef(unsigned int type)
{
	if (type == 0 || type >= IPC_TYPE_MAX || catalogue[type].name == NULL)
		return NULL;
	return &catalogue[type];
}

const char *
ipc_type_name(unsigned int type)
{
	const struct ipc_msgdef	*def = ipc_msgdef(type);

	return def == NULL ? "unknown" : def->name;
}
