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

/* ---- until their messages are typed --------------------------------- */

#include <string.h>

void
user_res_put(struct ipc_msg *m, int status, const char *message,
    const struct user_rec *u)
{
	ipc_put_u64(m, status);
	ipc_put_str(m, message);
	if (status >= 200 && status < 300)
		ipc_put_user(m, u);
}

void
user_res_read(struct ipc_msg *m, int *status, char *message,
    size_t messagelen, struct user_rec *u)
{
	uint32_t	 s;

	memset(u, 0, sizeof(*u));
	ipc_get_u32(m, &s);
	ipc_get_str(m, message, messagelen);
	if (m->error == NULL && s >= 200 && s < 300)
		ipc_get_user(m, u);
	*status = s;
}

int
user_res_get(struct ipc_msg *m, int *status, char *message,
    size_t messagelen, struct user_rec *u)
{
	user_res_read(m, status, message, messagelen, u);
	return ipc_end(m);
}
