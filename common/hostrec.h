/*
 * Hosts and tasks between stored, taskd and frontd: one field order for
 * each record, and the job a worker claims.
 */
#ifndef MOAT_HOSTREC_H
#define MOAT_HOSTREC_H

#include <stdint.h>

#include "egressrec.h"
#include "ipc.h"

#define HOST_SHORT_ID_LEN	10	/* [a-z0-9]: names a container */
#define HOST_NAME_MAX_LEN	63	/* one DNS label */
#define HOST_TZ_MAX		64
#define TASK_KIND_MAX		23
#define TASK_TEXT_MAX		255
#define TASK_CODE_MAX		31

enum host_action {
	HOST_CREATE = 1,
	HOST_START,
	HOST_STOP,
	HOST_REBUILD,
	HOST_DELETE,
	HOST_NOOP,		/* a task that does nothing: the queue's bench */
	HOST_EGRESS,		/* the host's tunnel, as its binding says */
};

/* A worker's verdict on a task. */
enum task_outcome {
	TASK_SUCCEEDED = 1,
	TASK_FAILED,		/* for good: the error is kept */
	TASK_RETRY,		/* again after a back-off, while attempts last */
};

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
	uint32_t	 action;	/* enum host_action */
	uint32_t	 attempt;
	struct host_rec	 host;
	struct egress_job egress;	/* the host's tunnel, if bound */
};

void	 ipc_put_host(struct ipc_msg *, const struct host_rec *);
void	 ipc_get_host(struct ipc_msg *, struct host_rec *);
void	 ipc_put_task(struct ipc_msg *, const struct task_rec *);
void	 ipc_get_task(struct ipc_msg *, struct task_rec *);
void	 ipc_put_job(struct ipc_msg *, const struct task_job *);
void	 ipc_get_job(struct ipc_msg *, struct task_job *);
const char *host_action_kind(uint32_t);		/* "host.create", ... */
/* A short id is [a-z0-9]{10}: safe in a path and a container name. */
int	 host_short_id_ok(const char *);

#endif
