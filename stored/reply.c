/* The common answers of stored: a status, a user record, a page. */
#include <string.h>

#include "stored.h"

/* A user.res: the user on 2xx, with no hosts; 0, for a handler. */
int
answer_user(const struct ipc_req *req, int status, const char *message,
    const struct user_rec *u)
{
	struct ipc_user_res res;

	memset(&res, 0, sizeof(res));
	head_set(&res.head, status, message);
	if (u != NULL)
		res.user = *u;
	ipc_answer(req, &res, NULL);
	return 0;
}

/*
 * Answers req with a head alone, as any request may be answered (an
 * op.res whole, or a refusal of any request); 0, for a handler to return.
 */
int
answer_head(const struct ipc_req *req, int status, const char *message)
{
	ipc_answer_status(req, status, message);
	return 0;
}

/* A reply's head: its status and message. */
void
head_set(struct ipc_head *h, int status, const char *message)
{
	memset(h, 0, sizeof(*h));
	h->status = status;
	strlcpy(h->message, message, sizeof(h->message));
}

/* A page's head: 0 is 200 "ok", a status its own message. */
void
list_head(struct ipc_list_res *res, int status)
{
	res->head.status = status == 0 ? 200 : status;
	strlcpy(res->head.message, status_message(status),
	    sizeof(res->head.message));
}

/* What a refusal says, where nothing more particular is to be said. */
const char *
status_message(int status)
{
	if (status >= 200 && status < 300)
		return "ok";
	switch (status) {
	case 0: return "ok";
	case 401: return "invalid or expired token";
	case 403: return "admin role required";
	case 429: return "too many requests";
	case 503: return "not ready";
	default: return "database error";
	}
}

/*
 * An admin's page of one user's rows, or everyone's (op.group.list,
 * op.session.list): the request read, its user reached, page's items
 * answered as type, a refusal in refusal's words.
 */
int
admin_user_page(struct ipc_chan *chan, struct ipc_msg *m, enum ipc_type type,
    user_page_fn page, const char *(*refusal)(int))
{
	struct ipc_req	 req = ipc_req_of(chan, m);
	struct ipc_user_page q;
	struct ipc_list_res res;
	struct principal p;
	struct ipc_msg	 items;
	uint64_t	 user;
	uint32_t	 retry;
	int		 status;

	if (ipc_msg_get(m, &q) == -1)
		return -1;
	status = authz_check(q.grant, q.grant_len, &p, &retry);
	status = authz_admin_on(&p, status, q.user, &user);
	memset(&res, 0, sizeof(res));
	ipc_msg_init(&items, type, 0);
	if (status == 0)
		page(user, q.limit, q.offset, &items, &res);
	head_set(&res.head, status == 0 ? 200 : status, refusal(status));
	ipc_answer(&req, &res, &items);
	return 0;
}
