/*
 * A user group as stored sends it to frontd: admins make groups and put
 * users in them; GET /v2/account shows a user's groups.  Its field table
 * is in body_users.c.
 */
#ifndef MOAT_GROUPREC_H
#define MOAT_GROUPREC_H

#include <stdint.h>

#include "body.h"

#define GROUP_NAME_MAX		64
#define GROUPS_MAX		1000	/* in the whole database */
#define GROUPS_PER_USER_MAX	100

/* IPC_OP_GROUP: what an admin does to a group */
enum group_op {
	GROUP_CREATE = 1,	/* names it */
	GROUP_GET,
	GROUP_DELETE,
	GROUP_JOIN,		/* puts a user in it */
	GROUP_LEAVE,		/* takes a user out */
};

struct group_rec {
	char		 id[37];
	char		 name[GROUP_NAME_MAX + 1];
	uint64_t	 members;
	int64_t		 created_at;
};

extern const struct ipc_body body_group_rec;

#endif
