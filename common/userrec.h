/*
 * A user record as it travels between stored, authd and frontd: one
 * writer and one reader, so that the field order lives in one place.
 */
#ifndef MOAT_USERREC_H
#define MOAT_USERREC_H

#include <stdint.h>

#include "ipc.h"

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

void	 ipc_put_user(struct ipc_msg *, const struct user_rec *);
void	 ipc_get_user(struct ipc_msg *, struct user_rec *);

/*
 * The answer to an operation on one user: a status, a message, and the
 * record when the status is a success.
 */
void	 user_res_put(struct ipc_msg *, int status, const char *message,
	    const struct user_rec *);
int	 user_res_get(struct ipc_msg *, int *status, char *message,
	    size_t messagelen, struct user_rec *);

#endif
