/*
 * Users as they travel between stored, authd and frontd: a user, the
 * details a change of one carries, and a login session as an admin sees
 * it.  Their field tables are in body_users.c, beside the bodies of the
 * messages that carry them (body_users.h).
 */
#ifndef MOAT_USERREC_H
#define MOAT_USERREC_H

#include <stdint.h>

#include "body.h"

#define USERNAME_MAX	50
#define EMAIL_MAX	254
#define PROFILE_MAX	100

struct user_rec {
	uint64_t	 oid;
	char		 id[37];
	char		 username[USERNAME_MAX + 1];
	char		 role[8];
	char		 status[16];
	int64_t		 expires_at;	/* 0: never */
	int64_t		 created_at;
	int64_t		 updated_at;
	char		 email[EMAIL_MAX + 1];
	char		 first_name[PROFILE_MAX + 1];
	char		 last_name[PROFILE_MAX + 1];
	char		 phone[PROFILE_MAX + 1];
	char		 notification_email[EMAIL_MAX + 1];
	char		 notification_phone[PROFILE_MAX + 1];
};

/*
 * A change to a user's details (POST /v2/account/data by the user, PATCH
 * /v1/admin/users/{id} by an admin): a field is set when its bit is.
 * An empty email clears it; stored checks every field.
 */
#define PROFILE_FIRST_NAME	0x01
#define PROFILE_LAST_NAME	0x02
#define PROFILE_PHONE		0x04
#define PROFILE_PASSWORD	0x08	/* goes to authd, never in a profile */
#define PROFILE_EMAIL		0x10
#define PROFILE_NOTIFY_EMAIL	0x20
#define PROFILE_NOTIFY_PHONE	0x40
#define PHONE_MAX		32

struct profile {
	uint32_t	 mask;
	char		 first_name[PROFILE_MAX + 1];
	char		 last_name[PROFILE_MAX + 1];
	char		 phone[PROFILE_MAX + 1];
	char		 email[EMAIL_MAX + 1];
	char		 notify_email[EMAIL_MAX + 1];
	char		 notify_phone[PROFILE_MAX + 1];
};

/* A login session as an admin sees it: never its token or digest. */
struct session_rec {
	char		 id[16];		/* its public id */
	char		 user_id[37];
	char		 username[USERNAME_MAX + 1];
	uint32_t	 dialect;
	char		 source_ip[64];
	int64_t		 created_at;
	int64_t		 last_used_at;
	int64_t		 expires_at;
};

extern const struct ipc_body body_user_rec;
extern const struct ipc_body body_profile;
extern const struct ipc_body body_session_rec;

#endif
