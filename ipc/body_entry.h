/*
 * The bodies of a customer's way in over HTTP (issue 13): an entry
 * short link's password check, and the bootstrap sessions that start a
 * user's host and hand the client over to the SSH gateway (field tables
 * in body_entry.c).
 */
#ifndef MOAT_BODY_ENTRY_H
#define MOAT_BODY_ENTRY_H

#include <stddef.h>
#include <stdint.h>

#include "body.h"
#include "body_auth.h"
#include "body_keys.h"
#include "fields.h"
#include "hostrec.h"

#define ENTRY_STATUS_MAX	15	/* a host's or user's status */
#define BOOT_ID_LEN		32	/* a bootstrap task id: [A-Za-z0-9] */
#define BOOT_STAGE_MAX		31

/* auth.entry: an entry link's password, to be checked (frontd) */
struct ipc_auth_entry {
	char		 peer[AUTH_PEER_LEN];
	char		 short_id[HOST_SHORT_ID_LEN + 1];
	char		 password[FIELD_PASSWORD_MAX + 1];
};

/* entry.res: the verdict; the password comes back only when ready */
struct ipc_entry_res {
	struct ipc_head	 head;
	int		 ready;		/* the host runs */
	char		 host_status[ENTRY_STATUS_MAX + 1];
	char		 password[FIELD_PASSWORD_MAX + 1];
};

/* entry.get: authd asks for the host a short id names, with its seal;
 * op.entry: frontd asks only whether it names one (op.res answers) */
struct ipc_entry_get {
	char		 short_id[HOST_SHORT_ID_LEN + 1];
};

/* entry.rec: the host, its sealed password and its owner's state */
struct ipc_entry_rec {
	struct ipc_head	 head;
	uint64_t	 host_oid;
	char		 host_status[ENTRY_STATUS_MAX + 1];
	char		 ref[FIELD_REF_MAX + 1];	/* the seal's binding */
	uint8_t		 sealed[KEY_SEALED_MAX];
	size_t		 sealed_len;	/* 0: no password was ever made */
	uint64_t	 user_oid;
	char		 user_status[ENTRY_STATUS_MAX + 1];
	int64_t		 user_expires_at;	/* 0: never */
};

/* store.bootstrap: a user whose password authd verified; stored starts
 * their host if it is stopped and opens a session under a random id */
struct ipc_store_bootstrap {
	uint64_t	 user_oid;
	char		 peer[AUTH_PEER_LEN];
};

/* bootstrap.res: the session's id (shown once) and its first stage */
struct ipc_bootstrap_res {
	struct ipc_head	 head;
	char		 task_id[BOOT_ID_LEN + 1];
	char		 stage[BOOT_STAGE_MAX + 1];
};

/* op.bootstrap.get: a session by its id, which is the key; with a
 * grant (a signed-in reader), only its own user's or an admin's */
struct ipc_bootstrap_get {
	uint8_t		 grant[GRANT_LEN];
	size_t		 grant_len;	/* 0: anonymous */
	char		 task_id[BOOT_ID_LEN + 1];
};

/* bootstrap.task.res: where the host and its start task are */
struct ipc_bootstrap_task_res {
	struct ipc_head	 head;
	char		 short_id[HOST_SHORT_ID_LEN + 1];
	char		 host_status[ENTRY_STATUS_MAX + 1];
	char		 task_status[ENTRY_STATUS_MAX + 1];	/* "": none */
	char		 error_code[TASK_CODE_MAX + 1];
	char		 error_message[TASK_TEXT_MAX + 1];
	int64_t		 expires_at;
};

extern const struct ipc_body body_auth_entry;
extern const struct ipc_body body_entry_res;
extern const struct ipc_body body_entry_get;
extern const struct ipc_body body_entry_rec;
extern const struct ipc_body body_store_bootstrap;
extern const struct ipc_body body_bootstrap_res;
extern const struct ipc_body body_bootstrap_get;
extern const struct ipc_body body_bootstrap_task_res;

#endif
