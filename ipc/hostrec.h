/*
 * Hosts and tasks between stored, taskd and frontd: their records, the
 * job a worker claims, and the bodies of the messages that carry them
 * (field tables in hostrec.c).
 */
#ifndef MOAT_HOSTREC_H
#define MOAT_HOSTREC_H

#include <stdint.h>

#include "body.h"
#include "body_core.h"
#include "egressrec.h"
#include "fields.h"

#define HOST_SHORT_ID_LEN	10	/* as hostlife.h says */
#define HOST_NAME_MAX_LEN	63	/* one DNS label */
#define HOST_TZ_MAX		64
#define TASK_KIND_MAX		23
#define TASK_TEXT_MAX		255
#define TASK_CODE_MAX		31

struct host_rec {
	uint64_t	 oid;
	char		 id[37];
	uint64_t	 user_oid;
	char		 user_id[37];
	char		 short_id[HOST_SHORT_ID_LEN + 1];
	char		 status[16];
	char		 hostname[HOST_NAME_MAX_LEN + 1];
	char		 timezone[HOST_TZ_MAX + 1];
	uint32_t	 memory_limit_mb;
	uint32_t	 cpu_milli;	/* cpu_limit times 1000 */
	uint32_t	 pids_limit;
	char		 egress_ip_id[37];
	int64_t		 created_at;
	int64_t		 updated_at;
};

struct task_rec {
	uint64_t	 oid;
	char		 id[37];
	char		 kind[TASK_KIND_MAX + 1];
	char		 host_id[37];
	char		 status[16];
	char		 requested_by[37];
	uint32_t	 attempts;
	uint32_t	 progress_percent;
	char		 progress_message[TASK_TEXT_MAX + 1];
	char		 error_code[TASK_CODE_MAX + 1];
	char		 error_message[TASK_TEXT_MAX + 1];
	int64_t		 created_at;
	int64_t		 updated_at;
};

/* A claimed task: what to do, to which host, and the lease's fence. */
struct task_job {
	uint64_t	 task_oid;
	uint64_t	 fence;
	uint32_t	 action;	/* enum host_action (hostlife.h) */
	uint32_t	 attempt;
	struct host_rec	 host;
	struct egress_job egress;	/* the host's tunnel, if bound */
	uint64_t	 cert_oid;	/* an ACME task's certificate */
};

/* task.claim: room for this many jobs; taskd's first claim restarts */
struct ipc_task_claim {
	uint32_t	 max;
	int		 restart;
};

/* op.host.create */
struct ipc_host_create {
	uint8_t		 grant[GRANT_LEN];
	size_t		 grant_len;
	char		 user[FIELD_REF_MAX + 1];
	char		 hostname[HOST_NAME_MAX_LEN + 1];
	char		 timezone[HOST_TZ_MAX + 1];
	uint32_t	 memory_limit_mb;
	uint32_t	 cpu_milli;
	uint32_t	 pids_limit;
	char		 egress_ip_id[FIELD_REF_MAX + 1];
};

/* op.host.get, and op.host.action with its action */
struct ipc_host_ref {
	uint8_t		 grant[GRANT_LEN];
	size_t		 grant_len;
	uint32_t	 access;	/* enum ipc_access */
	char		 ref[FIELD_REF_MAX + 1];
	uint32_t	 action;	/* enum host_action (hostlife.h) */
};

/* host.res: a host, and the task a change of it queued */
struct ipc_host_res {
	struct ipc_head	 head;
	struct host_rec	 host;
	char		 task_id[37];
};

/* op.task.list */
struct ipc_task_list {
	uint8_t		 grant[GRANT_LEN];
	size_t		 grant_len;
	char		 state[FIELD_FILTER_MAX + 1];
	char		 host[FIELD_FILTER_MAX + 1];
	char		 kind[FIELD_FILTER_MAX + 1];
	uint32_t	 limit;
	uint32_t	 offset;
};

/* stats.res: the dashboard's counters */
#define STATS_HOST_STATES	5	/* pending running stopped failed deleted */
#define STATS_TASK_STATES	5	/* pending running succeeded failed canceled */
struct ipc_stats_res {
	struct ipc_head	 head;
	uint64_t	 active_users;
	uint64_t	 available_ips;
	uint64_t	 hosts[STATS_HOST_STATES];
	uint64_t	 tasks[STATS_TASK_STATES];
};

/* task.progress */
struct ipc_task_progress {
	uint64_t	 task_oid;
	uint64_t	 fence;
	uint32_t	 percent;
	char		 message[TASK_TEXT_MAX + 1];
};

/* task.done: a worker's verdict, and the host's state after it */
struct ipc_task_done {
	uint64_t	 task_oid;
	uint64_t	 fence;
	uint32_t	 outcome;	/* enum task_outcome (hostlife.h) */
	char		 code[TASK_CODE_MAX + 1];
	char		 message[TASK_TEXT_MAX + 1];
	char		 host_status[16];
};

/* host.states: an element of the reconciler's list */
struct host_state_rec {
	uint64_t	 oid;
	char		 short_id[HOST_SHORT_ID_LEN + 1];
	char		 status[16];
	int		 busy;		/* a task of it is pending or running */
	int		 bound;		/* to an egress IP */
};

/* host.observed: what the reconciler found a host to be */
struct ipc_host_observed {
	uint64_t	 host_oid;
	char		 status[16];
};

/* task.noop: moatctl task noop N */
struct ipc_task_noop {
	uint32_t	 count;
};

extern const struct ipc_body body_host_rec;
extern const struct ipc_body body_task_job;
extern const struct ipc_body body_task_claim;
extern const struct ipc_body body_task_rec;
extern const struct ipc_body body_host_create;
extern const struct ipc_body body_host_ref;
extern const struct ipc_body body_host_res;
extern const struct ipc_body body_task_list;
extern const struct ipc_body body_stats_res;
extern const struct ipc_body body_task_progress;
extern const struct ipc_body body_task_done;
extern const struct ipc_body body_host_state_rec;
extern const struct ipc_body body_host_observed;
extern const struct ipc_body body_task_noop;

#endif
