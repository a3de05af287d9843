/*
 * The field tables of a user and of a profile, which the account's
 * messages carry.  The users' own messages are typed on another branch
 * (ipc/body_users.c), which defines these same two tables under these
 * names: at that merge, this file goes.
 */
#include "body_keys.h"
#include "ipc.h"

static const struct ipc_field user_rec_fields[] = {
	IPC_FIELD(user_rec, oid, IPC_FT_U64),
	IPC_FIELD(user_rec, id, IPC_FT_STR),
	IPC_FIELD(user_rec, username, IPC_FT_STR),
	IPC_FIELD(user_rec, role, IPC_FT_STR),
	IPC_FIELD(user_rec, status, IPC_FT_STR),
	IPC_FIELD(user_rec, expires_at, IPC_FT_I64),
	IPC_FIELD(user_rec, created_at, IPC_FT_I64),
	IPC_FIELD(user_rec, updated_at, IPC_FT_I64),
	IPC_FIELD(user_rec, email, IPC_FT_STR),
	IPC_FIELD(user_rec, first_name, IPC_FT_STR),
	IPC_FIELD(user_rec, last_name, IPC_FT_STR),
	IPC_FIELD(user_rec, phone, IPC_FT_STR),
	IPC_FIELD(user_rec, notification_email, IPC_FT_STR),
	IPC_FIELD(user_rec, notification_phone, IPC_FT_STR),
};
const struct ipc_body body_user_rec = IPC_BODY(user_rec, user_rec_fields);

static const struct ipc_field profile_fields[] = {
	IPC_FIELD(profile, mask, IPC_FT_U32),
	IPC_FIELD(profile, first_name, IPC_FT_STR),
	IPC_FIELD(profile, last_name, IPC_FT_STR),
	IPC_FIELD(profile, phone, IPC_FT_STR),
	IPC_FIELD(profile, email, IPC_FT_STR),
	IPC_FIELD(profile, notify_email, IPC_FT_STR),
	IPC_FIELD(profile, notify_phone, IPC_FT_STR),
};
const struct ipc_body body_profile = IPC_BODY(profile, profile_fields);
