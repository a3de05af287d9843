/*
 * A user and a profile inside a body not yet typed (userrec.h), by their
 * field tables, so that their order lives in one place.
 */
#include "ipc.h"
#include "userrec.h"

void
ipc_put_user(struct ipc_msg *m, const struct user_rec *u)
{
	ipc_body_put(m, &body_user_rec, u);
}

void
ipc_get_user(struct ipc_msg *m, struct user_rec *u)
{
	ipc_body_get(m, &body_user_rec, u);
}

void
ipc_put_profile(struct ipc_msg *m, const struct profile *p)
{
	struct profile	 q = *p;

	/* a password goes to authd on its own, never inside a profile */
	q.mask &= ~PROFILE_PASSWORD;
	ipc_body_put(m, &body_profile, &q);
}

void
ipc_get_profile(struct ipc_msg *m, struct profile *p)
{
	ipc_body_get(m, &body_profile, p);
}

