/*
 * Every answer to a request goes through here: a handler keeps an
 * ipc_req (the channel, the request's type and id) for as long as it
 * works on it, and answers with its reply type's typed body.
 */
#include <string.h>

#include "ipc.h"
#include "wire.h"
#include "log.h"

struct ipc_req
ipc_req_of(struct ipc_chan *chan, const struct ipc_msg *m)
{
	struct ipc_req	 req;

	req.chan = chan;
	req.type = m->type;
	req.reqid = m->reqid;
	return req;
}

int
ipc_answer(const struct ipc_req *req, const void *body, struct ipc_msg *items)
{
	struct ipc_msg	 m;

	ipc_msg_init_reply(&m, req->type, req->reqid);
	/* a list's elements follow a body whose head says 2xx, only then */
	if (ipc_msg_put(&m, body) && items != NULL)
		ipc_append(&m, items);
	if (items != NULL)
		ipc_msg_clear(items);
	return ipc_send(req->chan, &m);
}

/* Passes another process's answer on as req's, item for item. */
int
ipc_answer_forward(const struct ipc_req *req, const struct ipc_msg *in)
{
	struct ipc_msg	 m;

	ipc_msg_init_reply(&m, req->type, req->reqid);
	if (m.type != in->type)
		fatalx("ipc: %s does not answer %s", ipc_type_name(in->type),
		    ipc_type_name(req->type));
	ipc_append_decoded(&m, in);
	return ipc_send(req->chan, &m);
}

int
ipc_answer_status(const struct ipc_req *req, uint32_t status,
    const char *message)
{
	return ipc_send_status(req->chan, req->type, req->reqid, status,
	    message);
}
