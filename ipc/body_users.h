/*
 * The bodies of the messages about users between frontd, stored, authd
 * and moatd: one user and a page of them, the audit trail, groups, login
 * sessions, logout, and the health check and ping (field tables in
 * body_users.c).
 */
#ifndef MOAT_BODY_USERS_H
#define MOAT_BODY_USERS_H

#include <stddef.h>
#include <stdint.h>

#include "body.h"
#include "body_core.h"
#include "fields.h"
#include "grouprec.h"
#include "hostrec.h"
#include "userrec.h"

/* op.user.get and op.user.delete: the user ref names */
struct ipc_user_ref {
	uint8_t		 grant[GRANT_LEN];
	size_t		 grant_len;
	uint32_t	 access;	/* enum ipc_access */
	char		 ref[FIELD_REF_MAX + 1];
};

/* op.user.patch: a status ("" leaves it) and details to set */
struct ipc_user_patch {
	uint8_t		 grant[GRANT_LEN];
	size_t		 grant_len;
	uint32_t	 access;	/* enum ipc_access */
	char		 ref[FIELD_REF_MAX + 1];
	char		 status[16];
	struct profile	 profile;
};

/* op.user.expiry: when the user expires, or never */
struct ipc_user_expiry {
	uint8_t		 grant[GRANT_LEN];
	size_t		 grant_len;
	uint32_t	 access;	/* enum ipc_access */
	char		 ref[FIELD_REF_MAX + 1];
	int64_t		 expires_at;
	int		 never;
};

/*
 * user.res: a user and, for GET /v1/admin/users/{id}, their live hosts
 * (one at most; stored sends no more than USER_HOSTS_MAX).
 */
#define USER_HOSTS_MAX	4
struct ipc_user_res {
	struct ipc_head	 head;
	struct user_rec	 user;
	uint32_t	 nhosts;
	struct host_rec	 hosts[USER_HOSTS_MAX];
};

/* op.events: a page of the audit trail, filtered */
struct ipc_events_req {
	uint8_t		 grant[GRANT_LEN];
	size_t		 grant_len;
	uint32_t	 limit;
	uint32_t	 offset;
	char		 type[FIELD_FILTER_MAX + 1];
	char		 user_id[FIELD_FILTER_MAX + 1];
	char		 host_id[FIELD_FILTER_MAX + 1];
	int64_t		 since;
	int		 no_since;
	int64_t		 until;
	int		 no_until;
};

/* an element of events.res; a longer text column goes as "" */
struct event_rec {
	char		 id[FIELD_EVENT_TEXT_MAX + 1];
	char		 task_id[FIELD_EVENT_TEXT_MAX + 1];
	char		 host_id[FIELD_EVENT_TEXT_MAX + 1];
	char		 user_id[FIELD_EVENT_TEXT_MAX + 1];
	char		 level[FIELD_EVENT_TEXT_MAX + 1];
	char		 type[FIELD_EVENT_TEXT_MAX + 1];
	char		 message[FIELD_EVENT_TEXT_MAX + 1];
	char		 metadata[FIELD_EVENT_TEXT_MAX + 1];
	int64_t		 created_at;
};

/* op.group: what an admin does to a group, and to a user in it */
struct ipc_group_req {
	uint8_t		 grant[GRANT_LEN];
	size_t		 grant_len;
	uint32_t	 op;		/* enum group_op */
	char		 ref[GROUP_NAME_MAX + 1];	/* a name to create */
	char		 user[FIELD_REF_MAX + 1];
};

/* group.res */
struct ipc_group_res {
	struct ipc_head	 head;
	struct group_rec group;
};

/* op.group.list and op.session.list: one user's ("" for all), a page */
struct ipc_user_page {
	uint8_t		 grant[GRANT_LEN];
	size_t		 grant_len;
	char		 user[FIELD_REF_MAX + 1];
	uint32_t	 limit;
	uint32_t	 offset;
};

/* op.session.end: one session by its public id, or all of a user's */
struct ipc_session_end {
	uint8_t		 grant[GRANT_LEN];
	size_t		 grant_len;
	char		 user[FIELD_REF_MAX + 1];
	char		 id[FIELD_REF_MAX + 1];
};

/* sessions.end: the operator ends every session of a user */
struct ipc_sessions_end {
	char		 login[FIELD_LOGIN_NAME_MAX + 1];
};

/* health.result: what stored found of the database and of taskd */
struct ipc_health_res {
	struct ipc_head	 head;
	int		 db_ok;
	int		 agent_ok;
};

/* ping, and pong with the same payload: the IPC benchmark's round trip */
#define IPC_PING_MAX	4096
struct ipc_ping {
	uint8_t		 payload[IPC_PING_MAX];
	size_t		 payload_len;
};

struct ipc_pong {
	struct ipc_head	 head;
	uint8_t		 payload[IPC_PING_MAX];
	size_t		 payload_len;
};

/* auth.user.create: an admin makes a user (frontd to authd) */
struct ipc_user_create {
	uint8_t		 grant[GRANT_LEN];
	size_t		 grant_len;
	char		 username[FIELD_NAME_MAX + 1];
	char		 password[FIELD_PASSWORD_MAX + 1];
	char		 role[16];
	int64_t		 expires_at;
	int		 no_expiry;
	struct profile	 profile;
};

/* store.user.create: the same user, with the password's hash (authd to
 * stored) */
struct ipc_store_user_create {
	uint8_t		 grant[GRANT_LEN];
	size_t		 grant_len;
	char		 username[EMAIL_MAX + 1];
	char		 hash[FIELD_HASH_MAX + 1];
	char		 role[16];
	int64_t		 expires_at;
	int		 no_expiry;
	struct profile	 profile;
};

extern const struct ipc_body body_user_create;
extern const struct ipc_body body_store_user_create;
extern const struct ipc_body body_user_ref;
extern const struct ipc_body body_user_patch;
extern const struct ipc_body body_user_expiry;
extern const struct ipc_body body_user_res;
extern const struct ipc_body body_events_req;
extern const struct ipc_body body_event_rec;
extern const struct ipc_body body_group_req;
extern const struct ipc_body body_group_res;
extern const struct ipc_body body_user_page;
extern const struct ipc_body body_session_end;
extern const struct ipc_body body_sessions_end;
extern const struct ipc_body body_health_res;
extern const struct ipc_body body_ping;
extern const struct ipc_body body_pong;

#endif
