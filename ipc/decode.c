/*
 * Decoding of one datagram: the header against the catalogue, and the
 * bounded byte-level walk of the msgpack body before msgpack-c sees it.
 */
#include <sys/types.h>

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ipc.h"
#include "log.h"

/* The root array and nothing nested: bodies are flat by design. */
#define IPC_MAX_DEPTH	1

static uint64_t
be_read(const uint8_t *p, size_t n)
{
	uint64_t	 v = 0;
	size_t		 i;

	for (i = 0; i < n; i++)
		v = (v << 8) | p[i];
	return v;
}

/*
 * Reads the head of the msgpack object at p.  *skip gets the bytes the
 * object itself takes when it is a scalar; *claim gets the number of
 * elements a container claims (pairs count twice) and *is_container 1.
 */
static int
prewalk_head(const uint8_t *p, size_t left, size_t *skip, uint64_t *claim,
    int *is_container, const char **why)
{
	uint8_t	 b = p[0];
	size_t	 lenbytes = 0, fixed = 0;

	*claim = 0;
	*is_container = 0;
	if (b <= 0x7f || b >= 0xe0 || (b >= 0xc0 && b <= 0xc3 && b != 0xc1)) {
		*skip = 1;
		return 0;
	}
	if (b >= 0x80 && b <= 0x8f) {
		*is_container = 1;
		*claim = 2 * (uint64_t)(b & 0x0f);
		*skip = 1;
		return 0;
	}
	if (b >= 0x90 && b <= 0x9f) {
		*is_container = 1;
		*claim = b & 0x0f;
		*skip = 1;
		return 0;
	}
	if (b >= 0xa0 && b <= 0xbf) {
		*skip = 1 + (b & 0x1f);
		goto bounded;
	}
	switch (b) {
	case 0xcc: case 0xd0: fixed = 1; break;
	case 0xcd: case 0xd1: fixed = 2; break;
	case 0xce: case 0xd2: fixed = 4; break;
	case 0xcf: case 0xd3: fixed = 8; break;
	case 0xc4: case 0xd9: lenbytes = 1; break;
	case 0xc5: case 0xda: lenbytes = 2; break;
	case 0xc6: case 0xdb: lenbytes = 4; break;
	case 0xdc: case 0xdd: case 0xde: case 0xdf:
		lenbytes = (b == 0xdc || b == 0xde) ? 2 : 4;
		if (left < 1 + lenbytes) {
			*why = "container head truncated";
			return -1;
		}
		*claim = be_read(p + 1, lenbytes);
		if (b >= 0xde)
			*claim *= 2;
		*is_container = 1;
		*skip = 1 + lenbytes;
		return 0;
	default:
		/* floats, extensions, the reserved 0xc1: not in our bodies */
		*why = "type not used by the protocol";
		return -1;
	}
	if (fixed) {
		*skip = 1 + fixed;
		goto bounded;
	}
	if (left < 1 + lenbytes) {
		*why = "length head truncated";
		return -1;
	}
	*skip = 1 + lenbytes + be_read(p + 1, lenbytes);
 bounded:
	if (*skip > left) {
		*why = "value longer than the bytes that remain";
		return -1;
	}
	return 0;
}

int
ipc_prewalk(const uint8_t *body, size_t len, const char **why)
{
	uint64_t	 left[IPC_MAX_DEPTH + 1];
	uint64_t	 items = 0, claim;
	size_t		 off = 0, skip;
	int		 depth = 0, container;

	if (len == 0 || !((body[0] >= 0x90 && body[0] <= 0x9f) ||
	    body[0] == 0xdc || body[0] == 0xdd)) {
		*why = "body is not an array";
		return -1;
	}
	left[0] = 1;
	while (depth >= 0) {
		if (left[depth] == 0) {
			depth--;
			continue;
		}
		if (off >= len) {
			*why = "body truncated";
			return -1;
		}
		left[depth]--;
		if (prewalk_head(body + off, len - off, &skip, &claim,
		    &container, why) == -1)
			return -1;
		off += skip;
		if (!container)
			continue;
		if (depth + 1 > IPC_MAX_DEPTH) {
			*why = "nesting too deep";
			return -1;
		}
		/* Every element takes at least one byte. */
		if (claim > len - off) {
			*why = "container claims more elements than bytes remain";
			return -1;
		}
		items += claim;
		if (items > IPC_MAX_ITEMS) {
			*why = "too many items";
			return -1;
		}
		left[++depth] = claim;
	}
	if (off != len) {
		*why = "trailing bytes after the body";
		return -1;
	}
	return 0;
}

static int
check_header(const struct ipc_hdr *hdr, size_t len, int fd,
    enum proc_id from, enum proc_id to, const struct ipc_msgdef **defp,
    const char **why)
{
	const struct ipc_msgdef	*def;

	if (hdr->len != len) {
		*why = "header length disagrees with the datagram";
		return -1;
	}
	if (hdr->version != IPC_FRAME_VERSION) {
		*why = "protocol version mismatch";
		return -1;
	}
	if ((def = ipc_msgdef(hdr->type)) == NULL) {
		*why = "unknown message type";
		return -1;
	}
	if ((def->routes & IPC_ROUTE(from, to)) == 0) {
		*why = "message type not allowed from this peer";
		return -1;
	}
	if (len > def->maxlen) {
		*why = "message over its size limit";
		return -1;
	}
	if ((def->flags & (IPC_F_REQUEST | IPC_F_REPLY)) ?
	    hdr->reqid == 0 : hdr->reqid != 0) {
		*why = "request id does not fit the message type";
		return -1;
	}
	if ((def->flags & IPC_F_FD) ? fd == -1 : fd != -1) {
		*why = "descriptor does not fit the message type";
		return -1;
	}
	*defp = def;
	return 0;
}

int
ipc_decode(struct ipc_msg *m, const void *buf, size_t len, int fd,
    enum proc_id from, enum proc_id to, const char **why)
{
	const struct ipc_msgdef	*def;
	struct ipc_hdr		 hdr;
	const uint8_t		*body;
	size_t			 blen, off = 0;
	msgpack_unpack_return	 rc;

	memset(m, 0, sizeof(*m));
	m->fd = -1;
	if (len < IPC_HDR_LEN) {
		*why = "datagram shorter than the header";
		return -1;
	}
	memcpy(&hdr, buf, sizeof(hdr));
	if (check_header(&hdr, len, fd, from, to, &def, why) == -1)
		return -1;
	body = (const uint8_t *)buf + IPC_HDR_LEN;
	blen = len - IPC_HDR_LEN;
	if (ipc_prewalk(body, blen, why) == -1)
		return -1;
	if (!msgpack_zone_init(&m->zone, 512))
		fatalx("ipc: out of memory");
	m->reading = 1;
	rc = msgpack_unpack((const char *)body, blen, &off, &m->zone,
	    &m->root);
	if (rc != MSGPACK_UNPACK_SUCCESS || off != blen ||
	    m->root.type != MSGPACK_OBJECT_ARRAY) {
		ipc_msg_clear(m);
		*why = "msgpack decoding failed";
		return -1;
	}
	m->type = hdr.type;
	m->reqid = hdr.reqid;
	m->from = from;
	m->fd = fd;
	return 0;
}
