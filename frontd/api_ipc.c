/*
 * A handler's one request to another process, and the answer it gets:
 * whether it came, its head, its end, a page of a list.
 */

#include <stdlib.h>
#include <string.h>

#include "api.h"
#include "body_core.h"
#include "frontd.h"
#include "log.h"

int
api_request_slow(struct api_req *r, struct ipc_chan *chan, struct ipc_msg *m,
    int extra_ms, ipc_reply_cb cb)
{
	if (ipc_request(chan, m, frontd_env->ipc_timeout_ms + extra_ms, cb,
	    r) == -1)
		return -1;
	conn_ipc_started(r->c, chan, chan->next_reqid);
	return 0;
}

int
api_request(struct api_req *r, struct ipc_chan *chan, struct ipc_msg *m,
    ipc_reply_cb cb)
{
	return api_request_slow(r, chan, m, 0, cb);
}

/* ---- answers from the other processes --------------------------------- */

int
api_arrived(struct api_req *r, struct ipc_msg *m, const char *unavailable)
{
	conn_ipc_done(r->c);
	if (m != NULL)
		return 0;
	api_error(r, 503, unavailable);
	return -1;
}

/*
 * An answer we cannot read is a failed one: a malformed answer closes its
 * channel (the suite fails closed) once the callback returns; one whose
 * content frontd refuses is logged by the channel.  Either way the
 * client hears of a fault of ours, not of its request.
 */
void
api_bad_answer(struct api_req *r)
{
	api_error(r, 500, "internal error");
}

/*
 * An answer's typed body, read whole: 0 when its head says 2xx.  Else
 * the client has its answer (the error, or a fault of ours) and -1.
 * Every reply's struct opens with its head.
 */
int
api_res(struct api_req *r, struct ipc_msg *m, const char *unavailable,
    void *body)
{
	struct ipc_head	*h = body;

	if (api_arrived(r, m, unavailable) == -1)
		return -1;
	if (ipc_msg_get(m, body) == -1) {
		api_bad_answer(r);
		return -1;
	}
	if (ipc_status_ok(h->status))
		return 0;
	if (h->retry != 0)
		api_error_retry(r, h->status, h->retry, h->message);
	else
		api_error(r, h->status, h->message);
	return -1;
}

/* ---- list answers ------------------------------------------------------ */

/* A page of a typed list: its elements rendered by row, or NULL. */
json_t *
api_items(struct api_req *r, struct ipc_msg *m, api_item_fn row,
    uint64_t *total)
{
	struct ipc_list_res	 res;
	void			*item;
	json_t			*list;
	int			 rc;

	if (api_res(r, m, "storage unavailable", &res) == -1)
		return NULL;
	*total = res.total;
	if ((list = json_array()) == NULL ||
	    (item = calloc(1, ipc_msgdef(m->type)->item->size)) == NULL)
		fatalx("%s: out of memory", __func__);
	while ((rc = ipc_msg_get_item(m, item)) == 1)
		json_array_append_new(list, row(r, item));
	free(item);
	if (rc == -1) {
		json_decref(list);
		api_bad_answer(r);
		return NULL;
	}
	return list;
}

/*
 * Copies what a client sent into a field of a request's body: a value
 * longer than the field is refused as the receiver would refuse it, never
 * cut (a cut id could name another object).
 */
int
api_copy(struct api_req *r, char *dst, size_t dstlen, const char *src)
{
	if (strlcpy(dst, src, dstlen) < dstlen)
		return 0;
	api_error(r, 400, "string too long");
	return -1;
}

/* The request's grant, for a body that opens with one. */
void
api_grant(struct api_req *r, uint8_t grant[GRANT_LEN], size_t *len)
{
	memcpy(grant, r->grant, sizeof(r->grant));
	*len = sizeof(r->grant);
}

/* A page of a typed list as {"<name>": [...], "total": N}, or the error. */
void
api_items_answer(struct api_req *r, struct ipc_msg *m, api_item_fn row,
    const char *name)
{
	uint64_t	 total;
	json_t		*list;

	if ((list = api_items(r, m, row, &total)) != NULL)
		api_json(r, 200, json_pack("{s:o,s:I}", name, list, "total",
		    (json_int_t)total));
}

void
api_keep_offset(struct api_req *r, uint32_t offset)
{
	if ((r->state = calloc(1, sizeof(offset))) == NULL)
		fatalx("%s: out of memory", __func__);
	memcpy(r->state, &offset, sizeof(offset));
	r->statelen = sizeof(offset);
}

void
api_offset_page(struct api_req *r, struct ipc_msg *m, api_item_fn row)
{
	uint64_t	 total;
	uint32_t	 offset = 0;
	json_t		*list;

	if (r->state != NULL && r->statelen == sizeof(offset))
		memcpy(&offset, r->state, sizeof(offset));
	if ((list = api_items(r, m, row, &total)) != NULL)
		api_json(r, 200, json_pack("{s:o,s:{s:b,s:I}}", "data", list,
		    "pagination", "has_more", offset + json_array_size(list) <
		    total, "total", (json_int_t)total));
}

/* Sends a request of its typed body. */
int
api_ask_slow(struct api_req *r, struct ipc_chan *chan, enum ipc_type type,
    const void *body, int extra_ms, ipc_reply_cb cb)
{
	struct ipc_msg	 m;

	ipc_msg_init(&m, type, 0);
	ipc_msg_put(&m, body);
	return api_request_slow(r, chan, &m, extra_ms, cb);
}

int
api_ask(struct api_req *r, struct ipc_chan *chan, enum ipc_type type,
    const void *body, ipc_reply_cb cb)
{
	return api_ask_slow(r, chan, type, body, 0, cb);
}

