/*
 * The one writer and the one reader of typed bodies (body.h): each walks
 * a body's field table over its struct.
 */
#include <string.h>

#include "ipc.h"
#include "wire.h"
#include "log.h"

static int	put_fields(struct ipc_msg *, const struct ipc_body *,
		    const void *);
static void	get_fields(struct ipc_msg *, const struct ipc_body *, void *);

static int *
aux_int(const struct ipc_field *f, const void *s)
{
	return (int *)((const char *)s + f->aux);
}

/* Writes one field; 0 when the rest of a reply's body must not follow. */
static int
put_field(struct ipc_msg *m, const struct ipc_field *f, const void *s)
{
	const void		*p = (const char *)s + f->off;
	const struct ipc_head	*h;

	switch (f->type) {
	case IPC_FT_U64:
		ipc_put_u64(m, *(const uint64_t *)p);
		break;
	case IPC_FT_U32:
		ipc_put_u64(m, *(const uint32_t *)p);
		break;
	case IPC_FT_I64:
		ipc_put_i64(m, *(const int64_t *)p);
		break;
	case IPC_FT_BOOL:
		ipc_put_bool(m, *(const int *)p);
		break;
	case IPC_FT_STR:
		ipc_put_strn(m, p, strnlen(p, f->size));
		break;
	case IPC_FT_OPTSTR:
		if (*aux_int(f, s))
			ipc_put_nil(m);
		else
			ipc_put_strn(m, p, strnlen(p, f->size));
		break;
	case IPC_FT_OPTI64:
		if (*aux_int(f, s))
			ipc_put_nil(m);
		else
			ipc_put_i64(m, *(const int64_t *)p);
		break;
	case IPC_FT_BIN:
		ipc_put_bin(m, p, *(const size_t *)((const char *)s + f->aux));
		break;
	case IPC_FT_FD:
		ipc_put_fd(m, *(const int *)p);
		break;
	case IPC_FT_REC:
		(void)put_fields(m, f->rec, p);
		break;
	case IPC_FT_HEAD:
		h = p;
		if (ipc_status_ok(h->status)) {
			ipc_put_head(m, h->status, h->message);
			break;
		}
		if (h->retry != 0)
			ipc_put_error_retry(m, h->status, h->retry, h->message);
		else
			ipc_put_head(m, h->status, h->message);
		return 0;
	}
	return 1;
}

static int
put_fields(struct ipc_msg *m, const struct ipc_body *b, const void *s)
{
	size_t	 i;

	for (i = 0; i < b->nfields; i++)
		if (!put_field(m, &b->fields[i], s))
			return 0;
	return 1;
}

/* Reads one field; 0 when a reply's error head ended the body. */
static int
get_field(struct ipc_msg *m, const struct ipc_field *f, void *s)
{
	void	*p = (char *)s + f->off;

	switch (f->type) {
	case IPC_FT_U64:
		ipc_get_u64(m, p);
		break;
	case IPC_FT_U32:
		ipc_get_u32(m, p);
		break;
	case IPC_FT_I64:
		ipc_get_i64(m, p);
		break;
	case IPC_FT_BOOL:
		ipc_get_bool(m, p);
		break;
	case IPC_FT_STR:
		ipc_get_str(m, p, f->size);
		break;
	case IPC_FT_OPTSTR:
		ipc_get_optstr(m, p, f->size, aux_int(f, s));
		break;
	case IPC_FT_OPTI64:
		ipc_get_opti64(m, p, aux_int(f, s));
		break;
	case IPC_FT_BIN:
		ipc_get_bin(m, p, f->size, (size_t *)((char *)s + f->aux));
		break;
	case IPC_FT_FD:
		ipc_get_fd(m, p);
		break;
	case IPC_FT_REC:
		get_fields(m, f->rec, p);
		break;
	case IPC_FT_HEAD:
		return ipc_get_head(m, p) == 1;
	}
	return 1;
}

static void
get_fields(struct ipc_msg *m, const struct ipc_body *b, void *s)
{
	size_t	 i;

	for (i = 0; i < b->nfields; i++)
		if (!get_field(m, &b->fields[i], s))
			return;
}

void
ipc_body_put(struct ipc_msg *m, const struct ipc_body *b, const void *s)
{
	(void)put_fields(m, b, s);
}

void
ipc_body_get(struct ipc_msg *m, const struct ipc_body *b, void *s)
{
	memset(s, 0, b->size);
	get_fields(m, b, s);
}

static const struct ipc_msgdef *
typed(const struct ipc_msg *m)
{
	const struct ipc_msgdef	*def = ipc_msgdef(m->type);

	if (def == NULL || def->body == NULL)
		fatalx("ipc: %s has no typed body", ipc_type_name(m->type));
	return def;
}

int
ipc_msg_put(struct ipc_msg *m, const void *body)
{
	return put_fields(m, typed(m)->body, body);
}

/*
 * A reply whose head is an error has nothing after it, and neither has
 * a list whose head is: the caller reads the head's status.
 */
static int
head_failed(const struct ipc_body *b, const void *s)
{
	const struct ipc_head	*h;

	if (b->nfields == 0 || b->fields[0].type != IPC_FT_HEAD)
		return 0;
	h = (const void *)((const char *)s + b->fields[0].off);
	return !ipc_status_ok(h->status);
}

int
ipc_msg_get(struct ipc_msg *m, void *body)
{
	const struct ipc_msgdef	*def = typed(m);

	/* a body of no fields may be read into nothing */
	if (def->body->size > 0)
		memset(body, 0, def->body->size);
	get_fields(m, def->body, body);
	if (m->error != NULL || m->refused != NULL)
		return -1;
	if (head_failed(def->body, body))
		return 0;	/* ipc_get_head read it to its end */
	if (def->item != NULL) {
		m->listing = 1;
		return 0;
	}
	return ipc_end(m);
}

void
ipc_msg_put_item(struct ipc_msg *m, const void *item)
{
	const struct ipc_msgdef	*def = typed(m);

	if (def->item == NULL)
		fatalx("ipc: %s carries no list", def->name);
	(void)put_fields(m, def->item, item);
}

int
ipc_msg_get_item(struct ipc_msg *m, void *item)
{
	const struct ipc_msgdef	*def = typed(m);

	if (!m->listing)
		return 0;
	if (ipc_remaining(m) == 0) {
		m->listing = 0;
		return ipc_end(m);
	}
	memset(item, 0, def->item->size);
	get_fields(m, def->item, item);
	if (m->error != NULL || m->refused != NULL)
		return -1;
	return 1;
}
