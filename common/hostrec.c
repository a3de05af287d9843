#include <string.h>

#include "hostrec.h"

void
ipc_put_host(struct ipc_msg *m, const struct host_rec *h)
{
	ipc_put_u64(m, h->oid);
	ipc_put_str(m, h->id);
	ipc_put_u64(m, h->user_oid);
	ipc_put_str(m, h->user_id);
	ipc_put_str(m, h->short_id);
	ipc_put_str(m, h->status);
	ipc_put_str(m, h->hostname);
	ipc_put_str(m, h->timezone);
	ipc_put_u64(m, h->memory_limit_mb);
	ipc_put_u64(m, h->cpu_milli);
	ipc_put_u64(m, h->pids_limit);
	ipc_put_str(m, h->egress_ip_id);
	ipc_put_i64(m, h->created_at);
	ipc_put_i64(m, h->updated_at);
}

void
ipc_get_host(struct ipc_msg *m, struct host_rec *h)
{
	ipc_get_u64(m, &h->oid);
	ipc_get_str(m, h->id, sizeof(h->id));
	ipc_get_u64(m, &h->user_oid);
	ipc_get_str(m, h->user_id, sizeof(h->user_id));
	ipc_get_str(m, h->short_id, sizeof(h->short_id));
	ipc_get_str(m, h->status, sizeof(h->status));
	ipc_get_str(m, h->hostname, sizeof(h->hostname));
	ipc_get_str(m, h->timezone, sizeof(h->timezone));
	ipc_get_u32(m, &h->memory_limit_mb);
	ipc_get_u32(m, &h->cpu_milli);
	ipc_get_u32(m, &h->pids_limit);
	ipc_get_str(m, h->egress_ip_id, sizeof(h->egress_ip_id));
	ipc_get_i64(m, &h->created_at);
	ipc_get_i64(m, &h->updated_at);
}

void
ipc_put_task(struct ipc_msg *m, const struct task_rec *t)
{
	ipc_put_u64(m, t->oid);
	ipc_put_str(m, t->id);
	ipc_put_str(m, t->kind);
	ipc_put_str(m, t->host_id);
	ipc_put_str(m, t->status);
	ipc_put_str(m, t->requested_by);
	ipc_put_u64(m, t->attempts);
	ipc_put_u64(m, t->progress_percent);
	ipc_put_str(m, t->progress_message);
	ipc_put_str(m, t->error_code);
	ipc_put_str(m, t->error_message);
	ipc_put_i64(m, t->created_at);
	ipc_put_i64(m, t->updated_at);
}

void
ipc_get_task(struct ipc_msg *m, struct task_rec *t)
{
	ipc_get_u64(m, &t->oid);
	ipc_get_str(m, t->id, sizeof(t->id));
	ipc_get_str(m, t->kind, sizeof(t->kind));
	ipc_get_str(m, t->host_id, sizeof(t->host_id));
	ipc_get_str(m, t->status, sizeof(t->status));
	ipc_get_str(m, t->requested_by, sizeof(t->requested_by));
	ipc_get_u32(m, &t->attempts);
	ipc_get_u32(m, &t->progress_percent);
	ipc_get_str(m, t->progress_message, sizeof(t->progress_message));
	ipc_get_str(m, t->error_code, sizeof(t->error_code));
	ipc_get_str(m, t->error_message, sizeof(t->error_message));
	ipc_get_i64(m, &t->created_at);
	ipc_get_i64(m, &t->updated_at);
}

void
ipc_put_job(struct ipc_msg *m, const struct task_job *j)
{
	ipc_put_u64(m, j->task_oid);
	ipc_put_u64(m, j->fence);
	ipc_put_u64(m, j->action);
	ipc_put_u64(m, j->attempt);
	ipc_put_host(m, &j->host);
	ipc_put_egress_job(m, &j->egress);
}

void
ipc_get_job(struct ipc_msg *m, struct task_job *j)
{
	ipc_get_u64(m, &j->task_oid);
	ipc_get_u64(m, &j->fence);
	ipc_get_u32(m, &j->action);
	ipc_get_u32(m, &j->attempt);
	ipc_get_host(m, &j->host);
	ipc_get_egress_job(m, &j->egress);
}

const char *
host_action_kind(uint32_t action)
{
	switch (action) {
	case HOST_CREATE: return "host.create";
	case HOST_START: return "host.start";
	case HOST_STOP: return "host.stop";
	case HOST_REBUILD: return "host.rebuild";
	case HOST_DELETE: return "host.delete";
	case HOST_NOOP: return "noop";
	case HOST_EGRESS: return "host.egress";
	default: return NULL;
	}
}

int
host_short_id_ok(const char *s)
{
	return strlen(s) == HOST_SHORT_ID_LEN &&
	    strspn(s, "abcdefghijklmnopqrstuvwxyz0123456789") ==
	    HOST_SHORT_ID_LEN;
}
