/*
 * Encoding of one message and the reading of its items: the typed
 * getters and putters that body.c walks a body's table with, and the
 * verdicts on what was read (decode.c checks a datagram first).
 */
#include <sys/types.h>

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ipc.h"
#include "wire.h"
#include "log.h"

/* header placeholder followed by an array32 head patched at the end */
#define IPC_ARRAY_HEAD	5

static void
put_check(int rc)
{
	if (rc != 0)
		fatalx("ipc: out of memory encoding a message");
}

void
ipc_msg_init(struct ipc_msg *m, enum ipc_type type, uint32_t reqid)
{
	static const uint8_t zero[IPC_HDR_LEN + IPC_ARRAY_HEAD];

	memset(m, 0, sizeof(*m));
	m->type = type;
	m->reqid = reqid;
	m->fd = -1;
	m->writing = 1;
	msgpack_sbuffer_init(&m->sbuf);
	msgpack_packer_init(&m->pk, &m->sbuf, msgpack_sbuffer_write);
	put_check(msgpack_sbuffer_write(&m->sbuf, (const char *)zero,
	    sizeof(zero)));
}

/* The reply of a request of type reqtype: the type its row names. */
void
ipc_msg_init_reply(struct ipc_msg *m, enum ipc_type reqtype, uint32_t reqid)
{
	const struct ipc_msgdef	*def = ipc_msgdef(reqtype);

	if (def == NULL || !(def->flags & IPC_F_REQUEST))
		fatalx("ipc: %s is not a request", ipc_type_name(reqtype));
	ipc_msg_init(m, def->reply, reqid);
}

void
ipc_put_u64(struct ipc_msg *m, uint64_t v)
{
	put_check(msgpack_pack_uint64(&m->pk, v));
	m->count++;
}

void
ipc_put_i64(struct ipc_msg *m, int64_t v)
{
	put_check(msgpack_pack_int64(&m->pk, v));
	m->count++;
}

void
ipc_put_bool(struct ipc_msg *m, int v)
{
	put_check(v ? msgpack_pack_true(&m->pk) : msgpack_pack_false(&m->pk));
	m->count++;
}

void
ipc_put_nil(struct ipc_msg *m)
{
	put_check(msgpack_pack_nil(&m->pk));
	m->count++;
}

void
ipc_put_strn(struct ipc_msg *m, const char *s, size_t len)
{
	put_check(msgpack_pack_str(&m->pk, len));
	put_check(msgpack_pack_str_body(&m->pk, s, len));
	m->count++;
}

void
ipc_put_str(struct ipc_msg *m, const char *s)
{
	ipc_put_strn(m, s, strlen(s));
}

void
ipc_put_bin(struct ipc_msg *m, const void *p, size_t len)
{
	put_check(msgpack_pack_bin(&m->pk, len));
	put_check(msgpack_pack_bin_body(&m->pk, p, len));
	m->count++;
}

void
ipc_put_fd(struct ipc_msg *m, int fd)
{
	if (m->fd != -1)
		fatalx("ipc: %s: one descriptor per message",
		    ipc_type_name(m->type));
	m->fd = fd;
}

void
ipc_append(struct ipc_msg *m, const struct ipc_msg *items)
{
	size_t	 off = IPC_HDR_LEN + IPC_ARRAY_HEAD;

	if (items->sbuf.size > off)
		put_check(msgpack_sbuffer_write(&m->sbuf,
		    items->sbuf.data + off, items->sbuf.size - off));
	m->count += items->count;
}

/*
 * Appends the items of a received message, for a process that passes an
 * answer on (moatd to moatctl).  Bodies are flat, so every item is a
 * scalar, a string or a binary.
 */
void
ipc_append_decoded(struct ipc_msg *m, const struct ipc_msg *in)
{
	uint32_t	 i;

	for (i = 0; i < in->root.via.array.size; i++) {
		const msgpack_object	*o = &in->root.via.array.ptr[i];

		switch (o->type) {
		case MSGPACK_OBJECT_POSITIVE_INTEGER:
			ipc_put_u64(m, o->via.u64);
			break;
		case MSGPACK_OBJECT_NEGATIVE_INTEGER:
			ipc_put_i64(m, o->via.i64);
			break;
		case MSGPACK_OBJECT_BOOLEAN:
			ipc_put_bool(m, o->via.boolean);
			break;
		case MSGPACK_OBJECT_STR:
			ipc_put_strn(m, o->via.str.ptr, o->via.str.size);
			break;
		case MSGPACK_OBJECT_BIN:
			ipc_put_bin(m, o->via.bin.ptr, o->via.bin.size);
			break;
		default:
			ipc_put_nil(m);
			break;
		}
	}
}

int
ipc_msg_finish(struct ipc_msg *m, const void **buf, size_t *len)
{
	const struct ipc_msgdef	*def = ipc_msgdef(m->type);
	struct ipc_hdr		 hdr;
	uint8_t			*p = (uint8_t *)m->sbuf.data;

	if (def == NULL)
		fatalx("ipc: sending unknown type %u", m->type);
	if (m->sbuf.size > def->maxlen) {
		log_warnx("ipc: %s is %zu bytes, over its limit of %u",
		    def->name, m->sbuf.size, def->maxlen);
		return -1;
	}
	hdr.len = (uint32_t)m->sbuf.size;
	hdr.type = m->type;
	hdr.version = IPC_FRAME_VERSION;
	hdr.reqid = m->reqid;
	memcpy(p, &hdr, sizeof(hdr));
	p[IPC_HDR_LEN] = 0xdd;
	p[IPC_HDR_LEN + 1] = m->count >> 24;
	p[IPC_HDR_LEN + 2] = m->count >> 16;
	p[IPC_HDR_LEN + 3] = m->count >> 8;
	p[IPC_HDR_LEN + 4] = m->count;
	*buf = p;
	*len = m->sbuf.size;
	return 0;
}

void
ipc_msg_clear(struct ipc_msg *m)
{
	if (m->writing) {
		/* it may have carried a secret */
		if (m->sbuf.data != NULL)
			explicit_bzero(m->sbuf.data, m->sbuf.size);
		msgpack_sbuffer_destroy(&m->sbuf);
	}
	if (m->reading)
		msgpack_zone_destroy(&m->zone);
	if (m->fd != -1)
		close(m->fd);
	m->writing = m->reading = 0;
	m->fd = -1;
}

/* Content refused: decoding goes on, so that a violation after it is
 * still seen. */
static void
refuse(struct ipc_msg *m, const char *why)
{
	if (m->refused == NULL) {
		m->refused = why;
		m->refused_status = 400;
	}
}

int
ipc_refuse(struct ipc_msg *m, uint32_t status, const char *why)
{
	if (m->refused == NULL && m->error == NULL) {
		m->refused = why;
		m->refused_status = status;
	}
	return -1;
}

const char *
ipc_take_refusal(struct ipc_msg *m)
{
	const char	*why = m->refused;

	m->refused = NULL;
	m->refused_status = 0;
	return why;
}

int
ipc_violation(struct ipc_msg *m, const char *why)
{
	if (m->error == NULL && m->refused == NULL)
		m->error = why;
	return -1;
}

static const msgpack_object *
next_item(struct ipc_msg *m, msgpack_object_type type)
{
	const msgpack_object	*o;

	if (m->error != NULL)
		return NULL;
	if (!m->reading || m->pos >= m->root.via.array.size) {
		m->error = "fewer items than expected";
		return NULL;
	}
	o = &m->root.via.array.ptr[m->pos++];
	if (o->type != type) {
		m->error = "item of the wrong type";
		return NULL;
	}
	return o;
}

void
ipc_get_u64(struct ipc_msg *m, uint64_t *v)
{
	const msgpack_object	*o;

	*v = 0;
	if ((o = next_item(m, MSGPACK_OBJECT_POSITIVE_INTEGER)) != NULL)
		*v = o->via.u64;
}

void
ipc_get_u32(struct ipc_msg *m, uint32_t *v)
{
	uint64_t	 u;

	ipc_get_u64(m, &u);
	*v = 0;
	if (u > UINT32_MAX) {
		refuse(m, "integer out of range");
		return;
	}
	*v = (uint32_t)u;
}

void
ipc_get_i64(struct ipc_msg *m, int64_t *v)
{
	const msgpack_object	*o;

	*v = 0;
	if (m->error == NULL && m->reading &&
	    m->pos < m->root.via.array.size &&
	    m->root.via.array.ptr[m->pos].type ==
	    MSGPACK_OBJECT_NEGATIVE_INTEGER) {
		*v = m->root.via.array.ptr[m->pos++].via.i64;
		return;
	}
	if ((o = next_item(m, MSGPACK_OBJECT_POSITIVE_INTEGER)) == NULL)
		return;
	if (o->via.u64 > INT64_MAX) {
		refuse(m, "integer out of range");
		return;
	}
	*v = (int64_t)o->via.u64;
}

void
ipc_get_bool(struct ipc_msg *m, int *v)
{
	const msgpack_object	*o;

	*v = 0;
	if ((o = next_item(m, MSGPACK_OBJECT_BOOLEAN)) != NULL)
		*v = o->via.boolean ? 1 : 0;
}

static void
copy_text(struct ipc_msg *m, const msgpack_object *o, char *dst,
    size_t dstlen)
{
	if (o->via.str.size >= dstlen) {
		refuse(m, "string too long");
		return;
	}
	if (o->via.str.size == 0) {
		dst[0] = '\0';		/* msgpack-c gives no pointer for it */
		return;
	}
	if (memchr(o->via.str.ptr, '\0', o->via.str.size) != NULL) {
		refuse(m, "embedded NUL in a string");
		return;
	}
	memcpy(dst, o->via.str.ptr, o->via.str.size);
	dst[o->via.str.size] = '\0';
}

void
ipc_get_str(struct ipc_msg *m, char *dst, size_t dstlen)
{
	const msgpack_object	*o;

	if (dstlen > 0)
		dst[0] = '\0';
	if ((o = next_item(m, MSGPACK_OBJECT_STR)) != NULL)
		copy_text(m, o, dst, dstlen);
}

void
ipc_get_optstr(struct ipc_msg *m, char *dst, size_t dstlen, int *isnil)
{
	*isnil = 0;
	if (m->error == NULL && m->reading &&
	    m->pos < m->root.via.array.size &&
	    m->root.via.array.ptr[m->pos].type == MSGPACK_OBJECT_NIL) {
		m->pos++;
		*isnil = 1;
		if (dstlen > 0)
			dst[0] = '\0';
		return;
	}
	ipc_get_str(m, dst, dstlen);
}

void
ipc_get_opti64(struct ipc_msg *m, int64_t *v, int *isnil)
{
	*isnil = 0;
	if (m->error == NULL && m->reading &&
	    m->pos < m->root.via.array.size &&
	    m->root.via.array.ptr[m->pos].type == MSGPACK_OBJECT_NIL) {
		m->pos++;
		*isnil = 1;
		*v = 0;
		return;
	}
	ipc_get_i64(m, v);
}

void
ipc_get_bin(struct ipc_msg *m, void *dst, size_t dstcap, size_t *len)
{
	const msgpack_object	*o;

	*len = 0;
	if ((o = next_item(m, MSGPACK_OBJECT_BIN)) == NULL)
		return;
	if (o->via.bin.size > dstcap) {
		refuse(m, "binary too long");
		return;
	}
	if (o->via.bin.size > 0)
		memcpy(dst, o->via.bin.ptr, o->via.bin.size);
	*len = o->via.bin.size;
}

void
ipc_get_fd(struct ipc_msg *m, int *fd)
{
	*fd = -1;
	if (m->error != NULL)
		return;
	if (m->fd == -1) {
		m->error = "descriptor missing";
		return;
	}
	*fd = m->fd;
	m->fd = -1;
}

uint32_t
ipc_remaining(const struct ipc_msg *m)
{
	if (!m->reading || m->pos >= m->root.via.array.size)
		return 0;
	return m->root.via.array.size - m->pos;
}

int
ipc_end(struct ipc_msg *m)
{
	if (m->error == NULL && ipc_remaining(m) != 0)
		m->error = "more items than expected";
	if (m->error == NULL && m->fd != -1)
		m->error = "descriptor not taken";
	return m->error == NULL && m->refused == NULL ? 0 : -1;
}

void
ipc_put_head(struct ipc_msg *m, uint32_t status, const char *message)
{
	size_t	 n = strnlen(message, IPC_MESSAGE_MAX);

	/* a message cut to fit is cut where a character begins: it may end
	 * up in a JSON answer, which takes UTF-8 only */
	if (n == IPC_MESSAGE_MAX)
		for (n--; n > 0 && ((unsigned char)message[n] & 0xc0) == 0x80;)
			n--;
	ipc_put_u64(m, status);
	ipc_put_strn(m, message, n);
}

void
ipc_put_error_retry(struct ipc_msg *m, uint32_t status, uint32_t retry,
    const char *message)
{
	ipc_put_head(m, status, message);
	ipc_put_u64(m, retry);
}

int
ipc_get_head(struct ipc_msg *m, struct ipc_head *h)
{
	struct ipc_head	 discard;

	if (h == NULL)
		h = &discard;
	memset(h, 0, sizeof(*h));
	ipc_get_u32(m, &h->status);
	ipc_get_str(m, h->message, sizeof(h->message));
	if (m->error == NULL && m->refused == NULL && h->status < 100)
		ipc_violation(m, "a reply's status is no status");
	if (m->error != NULL || m->refused != NULL)
		return -1;
	if (ipc_status_ok(h->status))
		return 1;
	if (ipc_remaining(m) == 1)
		ipc_get_u32(m, &h->retry);
	return ipc_end(m) == -1 ? -1 : 0;
}
