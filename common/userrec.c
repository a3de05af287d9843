#include <string.h>

#include "userrec.h"

void
ipc_put_user(struct ipc_msg *m, const struct user_rec *u)
{
	ipc_put_u64(m, u->oid);
	ipc_put_str(m, u->id);
	ipc_put_str(m, u->username);
	ipc_put_str(m, u->role);
	ipc_put_str(m, u->status);
	ipc_put_i64(m, u->expires_at);
	ipc_put_i64(m, u->created_at);
	ipc_put_i64(m, u->updated_at);
	ipc_put_str(m, u->email);
	ipc_put_str(m, u->first_name);
	ipc_put_str(m, u->last_name);
	ipc_put_str(m, u->phone);
	ipc_put_str(m, u->notification_email);
	ipc_put_str(m, u->notification_phone);
}

void
ipc_get_user(struct ipc_msg *m, struct user_rec *u)
{
	ipc_get_u64(m, &u->oid);
	ipc_get_str(m, u->id, sizeof(u->id));
	ipc_get_str(m, u->username, sizeof(u->username));
	ipc_get_str(m, u->role, sizeof(u->role));
	ipc_get_str(m, u->status, sizeof(u->status));
	ipc_get_i64(m, &u->expires_at);
	ipc_get_i64(m, &u->created_at);
	ipc_get_i64(m, &u->updated_at);
	ipc_get_str(m, u->email, sizeof(u->email));
	ipc_get_str(m, u->first_name, sizeof(u->first_name));
	ipc_get_str(m, u->last_name, sizeof(u->last_name));
	ipc_get_str(m, u->phone, sizeof(u->phone));
	ipc_get_str(m, u->notification_email, sizeof(u->notification_email));
	ipc_get_str(m, u->notification_phone, sizeof(u->notification_phone));
}

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

void
ipc_put_profile(struct ipc_msg *m, const struct profile *p)
{
	ipc_put_u64(m, p->mask & ~PROFILE_PASSWORD);
	ipc_put_str(m, p->first_name);
	ipc_put_str(m, p->last_name);
	ipc_put_str(m, p->phone);
	ipc_put_str(m, p->email);
	ipc_put_str(m, p->notify_email);
	ipc_put_str(m, p->notify_phone);
}

void
ipc_get_profile(struct ipc_msg *m, struct profile *p)
{
	ipc_get_u32(m, &p->mask);
	ipc_get_str(m, p->first_name, sizeof(p->first_name));
	ipc_get_str(m, p->last_name, sizeof(p->last_name));
	ipc_get_str(m, p->phone, sizeof(p->phone));
	ipc_get_str(m, p->email, sizeof(p->email));
	ipc_get_str(m, p->notify_email, sizeof(p->notify_email));
	ipc_get_str(m, p->notify_phone, sizeof(p->notify_phone));
}

void
ipc_put_session(struct ipc_msg *m, const struct session_rec *s)
{
	ipc_put_str(m, s->id);
	ipc_put_str(m, s->user_id);
	ipc_put_str(m, s->username);
	ipc_put_u64(m, s->dialect);
	ipc_put_str(m, s->source_ip);
	ipc_put_i64(m, s->created_at);
	ipc_put_i64(m, s->last_used_at);
	ipc_put_i64(m, s->expires_at);
}

void
ipc_get_session(struct ipc_msg *m, struct session_rec *s)
{
	ipc_get_str(m, s->id, sizeof(s->id));
	ipc_get_str(m, s->user_id, sizeof(s->user_id));
	ipc_get_str(m, s->username, sizeof(s->username));
	ipc_get_u32(m, &s->dialect);
	ipc_get_str(m, s->source_ip, sizeof(s->source_ip));
	ipc_get_i64(m, &s->created_at);
	ipc_get_i64(m, &s->last_used_at);
	ipc_get_i64(m, &s->expires_at);
}
