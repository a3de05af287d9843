/* The field tables of hosts, tasks and their messages (hostrec.h). */
#include <string.h>

#include "body_egress.h"
#include "hostrec.h"
#include "ipc.h"

static const struct ipc_field host_rec_fields[] = {
	IPC_FIELD(host_rec, oid, IPC_FT_U64),
	IPC_FIELD(host_rec, id, IPC_FT_STR),
	IPC_FIELD(host_rec, user_oid, IPC_FT_U64),
	IPC_FIELD(host_rec, user_id, IPC_FT_STR),
	IPC_FIELD(host_rec, short_id, IPC_FT_STR),
	IPC_FIELD(host_rec, status, IPC_FT_STR),
	IPC_FIELD(host_rec, hostname, IPC_FT_STR),
	IPC_FIELD(host_rec, timezone, IPC_FT_STR),
	IPC_FIELD(host_rec, memory_limit_mb, IPC_FT_U32),
	IPC_FIELD(host_rec, cpu_milli, IPC_FT_U32),
	IPC_FIELD(host_rec, pids_limit, IPC_FT_U32),
	IPC_FIELD(host_rec, egress_ip_id, IPC_FT_STR),
	IPC_FIELD(host_rec, created_at, IPC_FT_I64),
	IPC_FIELD(host_rec, updated_at, IPC_FT_I64),
};
const struct ipc_body body_host_rec = IPC_BODY(host_rec, host_rec_fields);

static const struct ipc_field task_rec_fields[] = {
	IPC_FIELD(task_rec, oid, IPC_FT_U64),
	IPC_FIELD(task_rec, id, IPC_FT_STR),
	IPC_FIELD(task_rec, kind, IPC_FT_STR),
	IPC_FIELD(task_rec, host_id, IPC_FT_STR),
	IPC_FIELD(task_rec, status, IPC_FT_STR),
	IPC_FIELD(task_rec, requested_by, IPC_FT_STR),
	IPC_FIELD(task_rec, attempts, IPC_FT_U32),
	IPC_FIELD(task_rec, progress_percent, IPC_FT_U32),
	IPC_FIELD(task_rec, progress_message, IPC_FT_STR),
	IPC_FIELD(task_rec, error_code, IPC_FT_STR),
	IPC_FIELD(task_rec, error_message, IPC_FT_STR),
	IPC_FIELD(task_rec, created_at, IPC_FT_I64),
	IPC_FIELD(task_rec, updated_at, IPC_FT_I64),
};
const struct ipc_body body_task_rec = IPC_BODY(task_rec, task_rec_fields);

static const struct ipc_field task_job_fields[] = {
	IPC_FIELD(task_job, task_oid, IPC_FT_U64),
	IPC_FIELD(task_job, fence, IPC_FT_U64),
	IPC_FIELD(task_job, action, IPC_FT_U32),
	IPC_FIELD(task_job, attempt, IPC_FT_U32),
	IPC_FIELD_REC(task_job, host, body_host_rec),
	IPC_FIELD_REC(task_job, egress, body_egress_job),
	IPC_FIELD(task_job, cert_oid, IPC_FT_U64),
};
const struct ipc_body body_task_job = IPC_BODY(task_job, task_job_fields);

static const struct ipc_field task_claim_fields[] = {
	IPC_FIELD(ipc_task_claim, max, IPC_FT_U32),
	IPC_FIELD(ipc_task_claim, restart, IPC_FT_BOOL),
};
const struct ipc_body body_task_claim =
    IPC_BODY(ipc_task_claim, task_claim_fields);

static const struct ipc_field host_create_fields[] = {
	IPC_FIELD_AUX(ipc_host_create, grant, IPC_FT_BIN, grant_len),
	IPC_FIELD(ipc_host_create, user, IPC_FT_STR),
	IPC_FIELD(ipc_host_create, hostname, IPC_FT_STR),
	IPC_FIELD(ipc_host_create, timezone, IPC_FT_STR),
	IPC_FIELD(ipc_host_create, memory_limit_mb, IPC_FT_U32),
	IPC_FIELD(ipc_host_create, cpu_milli, IPC_FT_U32),
	IPC_FIELD(ipc_host_create, pids_limit, IPC_FT_U32),
	IPC_FIELD(ipc_host_create, egress_ip_id, IPC_FT_STR),
};
const struct ipc_body body_host_create =
    IPC_BODY(ipc_host_create, host_create_fields);

static const struct ipc_field host_ref_fields[] = {
	IPC_FIELD_AUX(ipc_host_ref, grant, IPC_FT_BIN, grant_len),
	IPC_FIELD(ipc_host_ref, access, IPC_FT_U32),
	IPC_FIELD(ipc_host_ref, ref, IPC_FT_STR),
	IPC_FIELD(ipc_host_ref, action, IPC_FT_U32),
};
const struct ipc_body body_host_ref = IPC_BODY(ipc_host_ref, host_ref_fields);

static const struct ipc_field host_res_fields[] = {
	IPC_FIELD(ipc_host_res, head, IPC_FT_HEAD),
	IPC_FIELD_REC(ipc_host_res, host, body_host_rec),
	IPC_FIELD(ipc_host_res, task_id, IPC_FT_STR),
};
const struct ipc_body body_host_res = IPC_BODY(ipc_host_res, host_res_fields);

static const struct ipc_field task_list_fields[] = {
	IPC_FIELD_AUX(ipc_task_list, grant, IPC_FT_BIN, grant_len),
	IPC_FIELD(ipc_task_list, state, IPC_FT_STR),
	IPC_FIELD(ipc_task_list, host, IPC_FT_STR),
	IPC_FIELD(ipc_task_list, kind, IPC_FT_STR),
	IPC_FIELD(ipc_task_list, limit, IPC_FT_U32),
	IPC_FIELD(ipc_task_list, offset, IPC_FT_U32),
};
const struct ipc_body body_task_list =
    IPC_BODY(ipc_task_list, task_list_fields);

static const struct ipc_field stats_res_fields[] = {
	IPC_FIELD(ipc_stats_res, head, IPC_FT_HEAD),
	IPC_FIELD(ipc_stats_res, active_users, IPC_FT_U64),
	IPC_FIELD(ipc_stats_res, available_ips, IPC_FT_U64),
	IPC_FIELD(ipc_stats_res, hosts[0], IPC_FT_U64),
	IPC_FIELD(ipc_stats_res, hosts[1], IPC_FT_U64),
	IPC_FIELD(ipc_stats_res, hosts[2], IPC_FT_U64),
	IPC_FIELD(ipc_stats_res, hosts[3], IPC_FT_U64),
	IPC_FIELD(ipc_stats_res, hosts[4], IPC_FT_U64),
	IPC_FIELD(ipc_stats_res, tasks[0], IPC_FT_U64),
	IPC_FIELD(ipc_stats_res, tasks[1], IPC_FT_U64),
	IPC_FIELD(ipc_stats_res, tasks[2], IPC_FT_U64),
	IPC_FIELD(ipc_stats_res, tasks[3], IPC_FT_U64),
	IPC_FIELD(ipc_stats_res, tasks[4], IPC_FT_U64),
};
const struct ipc_body body_stats_res =
    IPC_BODY(ipc_stats_res, stats_res_fields);

static const struct ipc_field task_progress_fields[] = {
	IPC_FIELD(ipc_task_progress, task_oid, IPC_FT_U64),
	IPC_FIELD(ipc_task_progress, fence, IPC_FT_U64),
	IPC_FIELD(ipc_task_progress, percent, IPC_FT_U32),
	IPC_FIELD(ipc_task_progress, message, IPC_FT_STR),
};
const struct ipc_body body_task_progress =
    IPC_BODY(ipc_task_progress, task_progress_fields);

static const struct ipc_field task_done_fields[] = {
	IPC_FIELD(ipc_task_done, task_oid, IPC_FT_U64),
	IPC_FIELD(ipc_task_done, fence, IPC_FT_U64),
	IPC_FIELD(ipc_task_done, outcome, IPC_FT_U32),
	IPC_FIELD(ipc_task_done, code, IPC_FT_STR),
	IPC_FIELD(ipc_task_done, message, IPC_FT_STR),
	IPC_FIELD(ipc_task_done, host_status, IPC_FT_STR),
};
const struct ipc_body body_task_done =
    IPC_BODY(ipc_task_done, task_done_fields);

static const struct ipc_field host_state_rec_fields[] = {
	IPC_FIELD(host_state_rec, oid, IPC_FT_U64),
	IPC_FIELD(host_state_rec, short_id, IPC_FT_STR),
	IPC_FIELD(host_state_rec, status, IPC_FT_STR),
	IPC_FIELD(host_state_rec, busy, IPC_FT_BOOL),
	IPC_FIELD(host_state_rec, bound, IPC_FT_BOOL),
};
const struct ipc_body body_host_state_rec =
    IPC_BODY(host_state_rec, host_state_rec_fields);

static const struct ipc_field host_observed_fields[] = {
	IPC_FIELD(ipc_host_observed, host_oid, IPC_FT_U64),
	IPC_FIELD(ipc_host_observed, status, IPC_FT_STR),
};
const struct ipc_body body_host_observed =
    IPC_BODY(ipc_host_observed, host_observed_fields);

static const struct ipc_field task_noop_fields[] = {
	IPC_FIELD(ipc_task_noop, count, IPC_FT_U32),
};
const struct ipc_body body_task_noop =
    IPC_BODY(ipc_task_noop, task_noop_fields);
