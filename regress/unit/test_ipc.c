/*
 * The IPC layer: frames, the body walk, the typed getters, the catalogue,
 * descriptor passing, and channels with hello, requests, replies,
 * timeouts and violations, on a real libevent loop over socketpairs.
 */
#include <sys/types.h>
#include <sys/socket.h>
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "body_cfg.h"
#include "body_core.h"
#include "body_ctl.h"
#include "ipc.h"
#include "wire.h"
#include "test.h"

/* a datagram from a header and raw body bytes */
static size_t
frame(uint8_t *out, uint16_t type, uint16_t version, uint32_t reqid,
    const void *body, size_t blen)
{
	struct ipc_hdr	 h;

	h.len = IPC_HDR_LEN + blen;
	h.type = type;
	h.version = version;
	h.reqid = reqid;
	memcpy(out, &h, sizeof(h));
	memcpy(out + IPC_HDR_LEN, body, blen);
	return IPC_HDR_LEN + blen;
}

static int
decode_raw(const uint8_t *buf, size_t len, enum proc_id from, enum proc_id to,
    const char **why)
{
	struct ipc_msg	 m;
	int		 rc;

	*why = NULL;
	rc = ipc_decode(&m, buf, len, -1, from, to, why);
	if (rc == 0)
		ipc_msg_clear(&m);
	return rc;
}

static void
test_roundtrip(void)
{
	struct ipc_msg	 w, r;
	const void	*buf;
	size_t		 len, blen;
	const char	*why = NULL;
	char		 s[32], opt[8];
	uint8_t		 bin[8];
	uint64_t	 u;
	uint32_t	 u32;
	int64_t		 i, neg;
	int		 b, isnil;

	ipc_msg_init(&w, IPC_HEALTH_RESULT, 7);
	ipc_put_u64(&w, 18446744073709551615ULL);
	ipc_put_u64(&w, 4000000000ULL);
	ipc_put_i64(&w, 42);
	ipc_put_i64(&w, -1234567890123LL);
	ipc_put_bool(&w, 1);
	ipc_put_str(&w, "hello");
	ipc_put_nil(&w);
	ipc_put_bin(&w, "\0\1\2", 3);
	ipc_put_str(&w, "");
	ipc_put_bin(&w, "", 0);
	CHECK_INT(ipc_msg_finish(&w, &buf, &len), 0);
	CHECK_INT(ipc_decode(&r, buf, len, -1, PROC_STORED, PROC_FRONTD, &why),
	    0);
	CHECK_INT(r.type, IPC_HEALTH_RESULT);
	CHECK_INT(r.reqid, 7);
	ipc_get_u64(&r, &u);
	CHECK(u == 18446744073709551615ULL);
	ipc_get_u32(&r, &u32);
	CHECK(u32 == 4000000000U);
	ipc_get_i64(&r, &i);
	CHECK_INT(i, 42);
	ipc_get_i64(&r, &neg);
	CHECK(neg == -1234567890123LL);
	ipc_get_bool(&r, &b);
	CHECK_INT(b, 1);
	ipc_get_str(&r, s, sizeof(s));
	CHECK_STR(s, "hello");
	ipc_get_optstr(&r, opt, sizeof(opt), &isnil);
	CHECK_INT(isnil, 1);
	ipc_get_bin(&r, bin, sizeof(bin), &blen);
	CHECK_INT(blen, 3);
	CHECK(memcmp(bin, "\0\1\2", 3) == 0);
	ipc_get_str(&r, s, sizeof(s));
	CHECK_STR(s, "");
	ipc_get_bin(&r, bin, sizeof(bin), &blen);
	CHECK_INT(blen, 0);
	CHECK_INT(ipc_end(&r), 0);
	ipc_msg_clear(&r);
	ipc_msg_clear(&w);
}

static void
test_getter_errors(void)
{
	struct ipc_msg	 w, r;
	const void	*buf;
	size_t		 len;
	const char	*why;
	char		 small[4], s[16];
	uint64_t	 u;
	uint32_t	 u32;
	int		 b;

	/* wrong type: a string read as an integer */
	ipc_msg_init(&w, IPC_HEALTH_RESULT, 1);
	ipc_put_str(&w, "x");
	ipc_msg_finish(&w, &buf, &len);
	CHECK_INT(ipc_decode(&r, buf, len, -1, PROC_STORED, PROC_FRONTD, &why),
	    0);
	ipc_get_u64(&r, &u);
	CHECK_INT(ipc_end(&r), -1);
	CHECK_STR(r.error, "item of the wrong type");
	ipc_msg_clear(&r);
	ipc_msg_clear(&w);

	/* fewer items than the reader wants */
	ipc_msg_init(&w, IPC_HEALTH_RESULT, 1);
	ipc_put_bool(&w, 1);
	ipc_msg_finish(&w, &buf, &len);
	ipc_decode(&r, buf, len, -1, PROC_STORED, PROC_FRONTD, &why);
	ipc_get_bool(&r, &b);
	ipc_get_bool(&r, &b);
	CHECK_INT(ipc_end(&r), -1);
	CHECK_STR(r.error, "fewer items than expected");
	ipc_msg_clear(&r);
	ipc_msg_clear(&w);

	/* more items than the reader takes */
	ipc_msg_init(&w, IPC_HEALTH_RESULT, 1);
	ipc_put_bool(&w, 1);
	ipc_put_bool(&w, 0);
	ipc_msg_finish(&w, &buf, &len);
	ipc_decode(&r, buf, len, -1, PROC_STORED, PROC_FRONTD, &why);
	ipc_get_bool(&r, &b);
	CHECK_INT(ipc_end(&r), -1);
	CHECK_STR(r.error, "more items than expected");
	ipc_msg_clear(&r);
	ipc_msg_clear(&w);

	/* a string longer than the destination, and a NUL inside one */
	ipc_msg_init(&w, IPC_HEALTH_RESULT, 1);
	ipc_put_str(&w, "toolong");
	ipc_msg_finish(&w, &buf, &len);
	ipc_decode(&r, buf, len, -1, PROC_STORED, PROC_FRONTD, &why);
	ipc_get_str(&r, small, sizeof(small));
	CHECK_INT(ipc_end(&r), -1);
	/* content the receiver does not keep: refused, no violation */
	CHECK(r.error == NULL);
	CHECK_STR(r.refused, "string too long");
	CHECK_INT(r.refused_status, 400);
	CHECK_STR(small, "");
	ipc_msg_clear(&r);
	ipc_msg_clear(&w);

	ipc_msg_init(&w, IPC_HEALTH_RESULT, 1);
	ipc_put_strn(&w, "ad\0min", 6);
	ipc_msg_finish(&w, &buf, &len);
	ipc_decode(&r, buf, len, -1, PROC_STORED, PROC_FRONTD, &why);
	ipc_get_str(&r, s, sizeof(s));
	CHECK_INT(ipc_end(&r), -1);
	CHECK(r.error == NULL);
	CHECK_STR(r.refused, "embedded NUL in a string");
	ipc_msg_clear(&r);
	ipc_msg_clear(&w);

	/* u32 out of range is refused, and decoding goes on, so that a
	 * violation after a refusal is still seen */
	ipc_msg_init(&w, IPC_HEALTH_RESULT, 1);
	ipc_put_u64(&w, 1ULL << 32);
	ipc_put_bool(&w, 1);
	ipc_msg_finish(&w, &buf, &len);
	ipc_decode(&r, buf, len, -1, PROC_STORED, PROC_FRONTD, &why);
	ipc_get_u32(&r, &u32);
	ipc_get_bool(&r, &b);
	CHECK_INT(ipc_end(&r), -1);
	CHECK(r.error == NULL);
	CHECK_STR(r.refused, "integer out of range");
	CHECK_INT(u32, 0);
	CHECK_INT(b, 1);
	ipc_msg_clear(&r);
	ipc_msg_clear(&w);

	ipc_msg_init(&w, IPC_HEALTH_RESULT, 1);
	ipc_put_str(&w, "toolong");
	ipc_put_str(&w, "x");
	ipc_msg_finish(&w, &buf, &len);
	ipc_decode(&r, buf, len, -1, PROC_STORED, PROC_FRONTD, &why);
	ipc_get_str(&r, small, sizeof(small));
	ipc_get_u64(&r, &u);
	CHECK_INT(ipc_end(&r), -1);
	CHECK_STR(r.refused, "string too long");
	CHECK_STR(r.error, "item of the wrong type");
	ipc_msg_clear(&r);
	ipc_msg_clear(&w);

	/* a handler's verdicts: the first stands, a violation over all */
	ipc_msg_init(&w, IPC_HEALTH_RESULT, 1);
	ipc_put_bool(&w, 1);
	ipc_msg_finish(&w, &buf, &len);
	ipc_decode(&r, buf, len, -1, PROC_STORED, PROC_FRONTD, &why);
	ipc_get_bool(&r, &b);
	CHECK_INT(ipc_end(&r), 0);
	CHECK_INT(ipc_refuse(&r, 409, "taken"), -1);
	CHECK_INT(ipc_refuse(&r, 404, "missing"), -1);
	CHECK_STR(r.refused, "taken");
	CHECK_INT(r.refused_status, 409);
	CHECK_STR(ipc_take_refusal(&r), "taken");
	CHECK(r.refused == NULL);
	CHECK_INT(ipc_violation(&r, "never sent"), -1);
	CHECK_INT(ipc_refuse(&r, 400, "late"), -1);
	CHECK(r.refused == NULL);
	CHECK_STR(r.error, "never sent");
	ipc_msg_clear(&r);
	ipc_msg_clear(&w);

	/* negative where unsigned is wanted */
	ipc_msg_init(&w, IPC_HEALTH_RESULT, 1);
	ipc_put_i64(&w, -5);
	ipc_msg_finish(&w, &buf, &len);
	ipc_decode(&r, buf, len, -1, PROC_STORED, PROC_FRONTD, &why);
	ipc_get_u64(&r, &u);
	CHECK_INT(ipc_end(&r), -1);
	ipc_msg_clear(&r);
	ipc_msg_clear(&w);
}

static void
test_frames(void)
{
	uint8_t		 buf[IPC_MAX_MSG + 64];
	const uint8_t	 empty[] = { 0x90 };
	const uint8_t	 two[] = { 0x92, 0xc3, 0xc2 };
	const char	*why;
	size_t		 len;

	/* truncated: shorter than a header */
	len = frame(buf, IPC_HEALTH_CHECK, IPC_FRAME_VERSION, 1, empty, 1);
	CHECK_INT(decode_raw(buf, 5, PROC_FRONTD, PROC_STORED, &why), -1);
	CHECK_STR(why, "datagram shorter than the header");
	/* the header claims more, or less, than the datagram holds */
	CHECK_INT(decode_raw(buf, len - 1, PROC_FRONTD, PROC_STORED, &why), -1);
	CHECK_STR(why, "header length disagrees with the datagram");
	((struct ipc_hdr *)buf)->len = len - 1;
	CHECK_INT(decode_raw(buf, len, PROC_FRONTD, PROC_STORED, &why), -1);
	CHECK_STR(why, "header length disagrees with the datagram");
	/* a well-formed one passes */
	len = frame(buf, IPC_HEALTH_CHECK, IPC_FRAME_VERSION, 1, empty, 1);
	CHECK_INT(decode_raw(buf, len, PROC_FRONTD, PROC_STORED, &why), 0);
	/* version mismatch */
	len = frame(buf, IPC_HEALTH_CHECK, IPC_FRAME_VERSION + 1, 1, empty, 1);
	CHECK_INT(decode_raw(buf, len, PROC_FRONTD, PROC_STORED, &why), -1);
	CHECK_STR(why, "protocol version mismatch");
	/* unknown types: zero, past the end, a hole */
	len = frame(buf, 0, IPC_FRAME_VERSION, 0, empty, 1);
	CHECK_INT(decode_raw(buf, len, PROC_FRONTD, PROC_STORED, &why), -1);
	CHECK_STR(why, "unknown message type");
	len = frame(buf, IPC_TYPE_MAX, IPC_FRAME_VERSION, 0, empty, 1);
	CHECK_INT(decode_raw(buf, len, PROC_FRONTD, PROC_STORED, &why), -1);
	CHECK_STR(why, "unknown message type");
	len = frame(buf, 0xffff, IPC_FRAME_VERSION, 0, empty, 1);
	CHECK_INT(decode_raw(buf, len, PROC_FRONTD, PROC_STORED, &why), -1);
	/* from the wrong peer: frontd may not bootstrap users */
	len = frame(buf, IPC_USER_BOOTSTRAP, IPC_FRAME_VERSION, 1, empty, 1);
	CHECK_INT(decode_raw(buf, len, PROC_FRONTD, PROC_STORED, &why), -1);
	CHECK_STR(why, "message type not allowed from this peer");
	CHECK_INT(decode_raw(buf, len, PROC_AUTHD, PROC_STORED, &why), 0);
	/* right sender, wrong receiver */
	len = frame(buf, IPC_HEALTH_CHECK, IPC_FRAME_VERSION, 1, empty, 1);
	CHECK_INT(decode_raw(buf, len, PROC_FRONTD, PROC_AUTHD, &why), -1);
	/* a request without an id, a one-way message with one */
	len = frame(buf, IPC_HEALTH_CHECK, IPC_FRAME_VERSION, 0, empty, 1);
	CHECK_INT(decode_raw(buf, len, PROC_FRONTD, PROC_STORED, &why), -1);
	CHECK_STR(why, "request id does not fit the message type");
	len = frame(buf, IPC_PROC_START, IPC_FRAME_VERSION, 9, empty, 1);
	CHECK_INT(decode_raw(buf, len, PROC_MOATD, PROC_FRONTD, &why), -1);
	/* over the type's size limit (health.result: 256 bytes) */
	memset(buf, 0, sizeof(buf));
	{
		uint8_t	 big[300];

		big[0] = 0x91;
		big[1] = 0xd9;
		big[2] = 200;
		memset(big + 3, 'a', 200);
		len = frame(buf, IPC_HEALTH_RESULT, IPC_FRAME_VERSION, 1, big, 203);
		CHECK_INT(decode_raw(buf, len, PROC_STORED, PROC_FRONTD, &why),
		    0);
		big[2] = 250;
		memset(big + 3, 'a', 250);
		len = frame(buf, IPC_HEALTH_RESULT, IPC_FRAME_VERSION, 1, big, 253);
		CHECK_INT(decode_raw(buf, len, PROC_STORED, PROC_FRONTD, &why),
		    -1);
		CHECK_STR(why, "message over its size limit");
	}
	/* a message type that must carry a descriptor, without one */
	len = frame(buf, IPC_CFG_LISTEN, IPC_FRAME_VERSION, 0, two, 3);
	CHECK_INT(decode_raw(buf, len, PROC_MOATD, PROC_FRONTD, &why), -1);
	CHECK_STR(why, "descriptor does not fit the message type");
}

static void
test_prewalk(void)
{
	const char	*why;
	/* array32 claiming 2^32-1 elements in a 5-byte body */
	const uint8_t	 bomb[] = { 0xdd, 0xff, 0xff, 0xff, 0xff };
	/* a map16 inside claiming 1000 pairs */
	const uint8_t	 mapbomb[] = { 0x91, 0xde, 0x03, 0xe8, 0x01 };
	const uint8_t	 deep[] = { 0x91, 0x91, 0x91, 0x91, 0xc0 };
	const uint8_t	 nested[] = { 0x92, 0x01, 0x91, 0x02 };
	const uint8_t	 trailing[] = { 0x91, 0x01, 0x02 };
	const uint8_t	 shortstr[] = { 0x91, 0xa5, 'a', 'b' };
	const uint8_t	 str32[] = { 0x91, 0xdb, 0x7f, 0xff, 0xff, 0xff };
	const uint8_t	 ext[] = { 0x91, 0xd4, 0x01, 0x02 };
	const uint8_t	 reserved[] = { 0x91, 0xc1 };
	const uint8_t	 float64[] = { 0x91, 0xcb, 0, 0, 0, 0, 0, 0, 0, 0 };
	const uint8_t	 notarray[] = { 0x82, 0x01, 0x02, 0x03, 0x04 };
	const uint8_t	 truncint[] = { 0x91, 0xcf, 0x00, 0x01 };
	const uint8_t	 missing[] = { 0x92, 0xa1, 'x' };
	const uint8_t	 good[] = { 0x93, 0x01, 0xa1, 'x', 0xc4, 0x01, 0x00 };
	const uint8_t	 empty16[] = { 0xdc, 0x00, 0x00 };

	CHECK_INT(ipc_prewalk(bomb, sizeof(bomb), &why), -1);
	CHECK_STR(why, "container claims more elements than bytes remain");
	CHECK_INT(ipc_prewalk(mapbomb, sizeof(mapbomb), &why), -1);
	CHECK_STR(why, "nesting too deep");
	CHECK_INT(ipc_prewalk(deep, sizeof(deep), &why), -1);
	CHECK_STR(why, "nesting too deep");
	CHECK_INT(ipc_prewalk(nested, sizeof(nested), &why), -1);
	CHECK_INT(ipc_prewalk(trailing, sizeof(trailing), &why), -1);
	CHECK_STR(why, "trailing bytes after the body");
	CHECK_INT(ipc_prewalk(shortstr, sizeof(shortstr), &why), -1);
	CHECK_STR(why, "value longer than the bytes that remain");
	CHECK_INT(ipc_prewalk(str32, sizeof(str32), &why), -1);
	CHECK_INT(ipc_prewalk(ext, sizeof(ext), &why), -1);
	CHECK_STR(why, "type not used by the protocol");
	CHECK_INT(ipc_prewalk(reserved, sizeof(reserved), &why), -1);
	CHECK_INT(ipc_prewalk(float64, sizeof(float64), &why), -1);
	CHECK_INT(ipc_prewalk(notarray, sizeof(notarray), &why), -1);
	CHECK_STR(why, "body is not an array");
	CHECK_INT(ipc_prewalk(truncint, sizeof(truncint), &why), -1);
	CHECK_INT(ipc_prewalk(missing, sizeof(missing), &why), -1);
	CHECK_STR(why, "body truncated");
	CHECK_INT(ipc_prewalk(notarray, 0, &why), -1);
	CHECK_INT(ipc_prewalk(good, sizeof(good), &why), 0);
	CHECK_INT(ipc_prewalk(empty16, sizeof(empty16), &why), 0);
}

static void
test_too_many_items(void)
{
	uint8_t		*body;
	const char	*why;
	size_t		 n = IPC_MAX_ITEMS + 1, i;

	/* every claimed element present: only the item cap stops it */
	body = malloc(5 + n);
	body[0] = 0xdd;
	body[1] = n >> 24;
	body[2] = n >> 16;
	body[3] = n >> 8;
	body[4] = n;
	for (i = 0; i < n; i++)
		body[5 + i] = 0x01;
	CHECK_INT(ipc_prewalk(body, 5 + n, &why), -1);
	CHECK_STR(why, "too many items");
	n = IPC_MAX_ITEMS;
	body[1] = n >> 24;
	body[2] = n >> 16;
	body[3] = n >> 8;
	body[4] = n;
	CHECK_INT(ipc_prewalk(body, 5 + n, &why), 0);
	free(body);
}

static void
test_oversized_send(void)
{
	struct ipc_msg	 w;
	const void	*buf;
	size_t		 len;
	char		 big[300];

	memset(big, 'x', sizeof(big));
	ipc_msg_init(&w, IPC_HEALTH_RESULT, 1);
	ipc_put_strn(&w, big, sizeof(big));
	CHECK_INT(ipc_msg_finish(&w, &buf, &len), -1);
	ipc_msg_clear(&w);
}

static void
test_raw_fd_passing(void)
{
	struct ipc_msg	 w, r;
	uint8_t		 buf[IPC_MAX_MSG];
	const void	*out;
	size_t		 len;
	ssize_t		 n;
	const char	*why;
	char		 name[32], got[8];
	int		 sv[2], p[2], fd, rfd;

	CHECK_INT(ipc_socketpair(sv), 0);
	CHECK_INT(pipe(p), 0);
	ipc_msg_init(&w, IPC_CFG_LISTEN, 0);
	ipc_put_str(&w, "127.0.0.1:1");
	ipc_put_fd(&w, p[0]);
	ipc_msg_finish(&w, &out, &len);
	CHECK_INT(ipc_send_raw(sv[0], out, len, w.fd), 0);
	ipc_msg_clear(&w);		/* closes our copy of p[0] */
	n = ipc_recv_raw(sv[1], buf, sizeof(buf), &rfd);
	CHECK_INT(n, (ssize_t)len);
	CHECK(rfd != -1);
	CHECK_INT(ipc_decode(&r, buf, n, rfd, PROC_MOATD, PROC_FRONTD, &why),
	    0);
	ipc_get_str(&r, name, sizeof(name));
	ipc_get_fd(&r, &fd);
	CHECK_INT(ipc_end(&r), 0);
	CHECK_STR(name, "127.0.0.1:1");
	/* the descriptor really is the pipe's read end */
	CHECK_INT(write(p[1], "ok", 2), 2);
	CHECK_INT(read(fd, got, 2), 2);
	CHECK(memcmp(got, "ok", 2) == 0);
	CHECK(fcntl(fd, F_GETFD) & FD_CLOEXEC);
	close(fd);
	ipc_msg_clear(&r);

	/* a descriptor on a type that takes none: refused by the decoder */
	ipc_msg_init(&w, IPC_PROC_START, 0);
	ipc_msg_finish(&w, &out, &len);
	CHECK_INT(ipc_send_raw(sv[0], out, len, p[1]), 0);
	ipc_msg_clear(&w);
	n = ipc_recv_raw(sv[1], buf, sizeof(buf), &rfd);
	CHECK(rfd != -1);
	CHECK_INT(ipc_decode(&r, buf, n, rfd, PROC_MOATD, PROC_FRONTD, &why),
	    -1);
	CHECK_STR(why, "descriptor does not fit the message type");
	close(rfd);

	/* an untaken descriptor fails ipc_end and is closed by clear */
	CHECK_INT(pipe(p + 0), 0);
	ipc_msg_init(&w, IPC_CFG_LISTEN, 0);
	ipc_put_str(&w, "x");
	ipc_put_fd(&w, p[0]);
	ipc_msg_finish(&w, &out, &len);
	ipc_send_raw(sv[0], out, len, w.fd);
	ipc_msg_clear(&w);
	n = ipc_recv_raw(sv[1], buf, sizeof(buf), &rfd);
	ipc_decode(&r, buf, n, rfd, PROC_MOATD, PROC_FRONTD, &why);
	ipc_get_str(&r, name, sizeof(name));
	CHECK_INT(ipc_end(&r), -1);
	CHECK_STR(r.error, "descriptor not taken");
	ipc_msg_clear(&r);
	CHECK(fcntl(rfd, F_GETFD) == -1 && errno == EBADF);
	close(p[1]);

	/* a datagram larger than the reader's buffer is truncated: -2 */
	{
		uint8_t	 big[2048];

		memset(big, 0, sizeof(big));
		CHECK_INT(ipc_send_raw(sv[0], big, sizeof(big), -1), 0);
		CHECK_INT(ipc_recv_raw(sv[1], buf, 1024, &rfd), -2);
	}
	close(sv[0]);
	CHECK_INT(ipc_recv_raw(sv[1], buf, sizeof(buf), &rfd), 0);
	close(sv[1]);
}

/* ---- channels on an event loop -------------------------------------- */

struct side {
	struct ipc_chan	*chan;
	int		 closed;
	const char	*why;
	int		 dispatched;
	int		 replies;
	int		 timeouts;
	int		 answer;	/* stored side answers pings */
	char		 last[64];
	uint32_t	 status;	/* of the last reply's head */
	char		 message[64];
	int		 refused;	/* replies on_reply refused */
};

static struct event_base *base;

static void
on_close(struct ipc_chan *chan, const char *why, void *arg)
{
	struct side	*s = arg;

	(void)chan;
	s->closed = 1;
	s->why = why;
	event_base_loopbreak(base);
}

static int
on_dispatch(struct ipc_chan *chan, struct ipc_msg *m, void *arg)
{
	struct side	*s = arg;
	struct ipc_msg	 pong;
	uint8_t		 payload[4096];
	size_t		 len;

	s->dispatched++;
	if (m->type == IPC_PING) {
		ipc_get_bin(m, payload, sizeof(payload), &len);
		if (ipc_end(m) == -1)
			return -1;
		memcpy(s->last, payload, len < 63 ? len : 63);
		s->last[len < 63 ? len : 63] = '\0';
		if (len >= 6 && memcmp(payload, "refuse", 6) == 0)
			return ipc_refuse(m, 409, "refused by the test");
		if (!s->answer)
			return 0;
		/* by hand: a malformed answer is one no ipc_answer makes */
		ipc_msg_init(&pong, IPC_PONG, m->reqid);
		ipc_put_head(&pong, 200, "ok");
		if (len >= 9 && memcmp(payload, "malformed", 9) == 0)
			ipc_put_u64(&pong, 1);
		else
			ipc_put_bin(&pong, payload, len);
		ipc_send(chan, &pong);
		return 0;
	}
	if (m->type == IPC_CFG_COMMON || m->type == IPC_TASK_PROGRESS) {
		uint32_t	 v;

		ipc_get_u32(m, &v);
		return ipc_end(m);
	}
	return -1;
}

static void
on_reply(struct ipc_chan *chan, struct ipc_msg *m, void *arg)
{
	struct side	*s = arg;
	uint8_t		 payload[64];
	size_t		 len;

	struct ipc_head	 h;

	(void)chan;
	if (m == NULL) {
		s->timeouts++;
	} else if (ipc_get_head(m, &h) == 0) {
		s->status = h.status;
		strlcpy(s->message, h.message, sizeof(s->message));
		s->replies++;
	} else {
		ipc_get_bin(m, payload, sizeof(payload), &len);
		if (ipc_end(m) == 0) {
			memcpy(s->last, payload, len < 63 ? len : 63);
			s->last[len < 63 ? len : 63] = '\0';
			s->status = h.status;
			s->replies++;
		} else if (m->error == NULL)
			s->refused++;
	}
	event_base_loopbreak(base);
}

static void
pair(struct side *a, enum proc_id ida, struct side *b, enum proc_id idb)
{
	int	 sv[2];

	memset(a, 0, sizeof(*a));
	memset(b, 0, sizeof(*b));
	if (ipc_socketpair(sv) == -1)
		abort();
	a->chan = ipc_chan_new(base, sv[0], ida, idb, on_dispatch, on_close,
	    a);
	b->chan = ipc_chan_new(base, sv[1], idb, ida, on_dispatch, on_close,
	    b);
	b->answer = 1;
}

static void
run_loop(int ms)
{
	struct timeval	 tv = { ms / 1000, (ms % 1000) * 1000 };

	event_base_loopexit(base, &tv);
	event_base_dispatch(base);
}

static void
send_ping(struct side *s, const char *text, int timeout_ms)
{
	struct ipc_msg	 m;

	ipc_msg_init(&m, IPC_PING, 0);
	ipc_put_bin(&m, text, strlen(text));
	CHECK_INT(ipc_request(s->chan, &m, timeout_ms, on_reply, s), 0);
}

static void
test_chan_request_reply(void)
{
	struct side	 f, s;
	int		 i;

	pair(&f, PROC_FRONTD, &s, PROC_STORED);
	send_ping(&f, "one", 2000);
	run_loop(2000);
	CHECK_INT(f.replies, 1);
	CHECK_STR(f.last, "one");
	CHECK_STR(s.last, "one");
	CHECK_INT(f.closed + s.closed, 0);
	/* many in flight, answered in order */
	for (i = 0; i < 100; i++)
		send_ping(&f, "many", 2000);
	while (f.replies < 101 && !f.closed)
		run_loop(2000);
	CHECK_INT(f.replies, 101);
	CHECK_INT(f.timeouts, 0);
	ipc_chan_free(f.chan);
	ipc_chan_free(s.chan);
}

static void
test_chan_timeout_and_late_reply(void)
{
	struct side	 f, s;

	pair(&f, PROC_FRONTD, &s, PROC_STORED);
	s.answer = 0;
	send_ping(&f, "slow", 50);
	run_loop(1000);
	CHECK_INT(f.timeouts, 1);
	CHECK_INT(f.replies, 0);
	CHECK_INT(s.dispatched, 1);
	/* the answer arrives after the timeout: dropped, not a violation */
	{
		struct ipc_msg	 pong;

		ipc_msg_init(&pong, IPC_PONG, f.chan->next_reqid);
		ipc_put_head(&pong, 200, "ok");
		ipc_put_bin(&pong, "late", 4);
		ipc_send(s.chan, &pong);
	}
	run_loop(100);
	CHECK_INT(f.closed, 0);
	CHECK_INT(f.replies, 0);
	ipc_chan_free(f.chan);
	ipc_chan_free(s.chan);
}

/* Sends raw bytes on b's socket as if b's process were compromised. */
static void
inject(struct side *b, uint16_t type, uint32_t reqid, const void *body,
    size_t blen)
{
	uint8_t	 buf[512];
	size_t	 len;

	len = frame(buf, type, IPC_FRAME_VERSION, reqid, body, blen);
	if (ipc_send_raw(b->chan->fd, buf, len, -1) == -1)
		abort();
}

/* A hello's body: [version as a uint64, process id]. */
static size_t
hello_body(uint8_t *b, uint64_t version, uint8_t id)
{
	int	 i;

	b[0] = 0x92;
	b[1] = 0xcf;
	for (i = 0; i < 8; i++)
		b[2 + i] = (uint8_t)(version >> (56 - 8 * i));
	b[10] = id;
	return 11;
}

static void
test_chan_violations(void)
{
	struct side	 f, s;
	const uint8_t	 empty[] = { 0x90 };
	const uint8_t	 pong[] = { 0x91, 0xc4, 0x01, 'x' };
	uint8_t		 hello_badver[11], hello_wrongid[11];

	hello_body(hello_badver, IPC_VERSION ^ 1, PROC_STORED);
	hello_body(hello_wrongid, IPC_VERSION, PROC_AUTHD);

	/* a type the peer may not send */
	pair(&f, PROC_FRONTD, &s, PROC_STORED);
	run_loop(50);
	inject(&s, IPC_USER_BOOTSTRAP, 1, empty, 1);
	run_loop(1000);
	CHECK_INT(f.closed, 1);
	CHECK_STR(f.why, "message type not allowed from this peer");
	ipc_chan_free(f.chan);
	ipc_chan_free(s.chan);

	/* a reply to a request never made */
	pair(&f, PROC_FRONTD, &s, PROC_STORED);
	run_loop(50);
	inject(&s, IPC_PONG, 999, pong, sizeof(pong));
	run_loop(1000);
	CHECK_STR(f.why, "reply to a request never made");
	ipc_chan_free(f.chan);
	ipc_chan_free(s.chan);

	/* a reply of another kind than the request */
	pair(&f, PROC_FRONTD, &s, PROC_STORED);
	s.answer = 0;
	send_ping(&f, "x", 5000);
	run_loop(100);
	{
		const uint8_t	 res[] = { 0x92, 0xc3, 0xc3 };

		inject(&s, IPC_HEALTH_RESULT, f.chan->next_reqid, res,
		    sizeof(res));
	}
	run_loop(1000);
	CHECK_STR(f.why, "reply of another kind than the request");
	/* the pending request was answered with nothing */
	CHECK_INT(f.timeouts, 1);
	ipc_chan_free(f.chan);
	ipc_chan_free(s.chan);

	/* a dispatcher that rejects the message */
	pair(&f, PROC_FRONTD, &s, PROC_STORED);
	run_loop(50);
	inject(&f, IPC_HEALTH_CHECK, 5, empty, 1);
	run_loop(1000);
	CHECK_INT(s.closed, 1);
	CHECK_STR(s.why, "rejected by dispatcher");
	ipc_chan_free(f.chan);
	ipc_chan_free(s.chan);
	(void)hello_badver;
	(void)hello_wrongid;
}

/*
 * Content refused is an answer, never a violation: a refused request gets
 * an error head, a refused one-way message is dropped, a reply the
 * requester refuses is a failed answer; the channel goes on.  Only a
 * configuration message refused, or a malformed reply, closes it.
 */
static void
test_chan_refusals(void)
{
	struct side	 f, s, m, c;
	struct ipc_msg	 msg;
	char		 big[100];

	pair(&f, PROC_FRONTD, &s, PROC_STORED);
	send_ping(&f, "refuse me", 2000);
	run_loop(2000);
	CHECK_INT(f.replies, 1);
	CHECK_INT(f.status, 409);
	CHECK_STR(f.message, "refused by the test");
	CHECK_INT(f.closed + s.closed, 0);
	/* the channel still serves */
	send_ping(&f, "after", 2000);
	run_loop(2000);
	CHECK_INT(f.replies, 2);
	CHECK_INT(f.status, 200);
	CHECK_STR(f.last, "after");

	/* a reply too large for what the requester keeps */
	memset(big, 'b', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	send_ping(&f, big, 2000);
	run_loop(2000);
	CHECK_INT(f.refused, 1);
	CHECK_INT(f.closed + s.closed, 0);

	/* a malformed reply is still a violation */
	send_ping(&f, "malformed", 2000);
	run_loop(2000);
	CHECK_INT(f.closed, 1);
	CHECK_STR(f.why, "item of the wrong type");
	ipc_chan_free(f.chan);
	ipc_chan_free(s.chan);

	/* a one-way message refused is dropped */
	pair(&c, PROC_TASKD, &s, PROC_STORED);
	ipc_msg_init(&msg, IPC_TASK_PROGRESS, 0);
	ipc_put_u64(&msg, 1ULL << 40);
	CHECK_INT(ipc_send(c.chan, &msg), 0);
	run_loop(200);
	CHECK_INT(s.dispatched, 1);
	CHECK_INT(s.closed + c.closed, 0);
	ipc_chan_free(c.chan);
	ipc_chan_free(s.chan);

	/* configuration refused is a violation */
	pair(&m, PROC_MOATD, &f, PROC_FRONTD);
	ipc_msg_init(&msg, IPC_CFG_COMMON, 0);
	ipc_put_u64(&msg, 1ULL << 40);
	CHECK_INT(ipc_send(m.chan, &msg), 0);
	run_loop(1000);
	CHECK_INT(f.closed, 1);
	CHECK_STR(f.why, "integer out of range");
	ipc_chan_free(m.chan);
	ipc_chan_free(f.chan);
}

static void
test_chan_hello(void)
{
	struct side	 f, s;
	struct ipc_chan	*c;
	int		 sv[2];
	const uint8_t	 empty[] = { 0x90 };
	uint8_t		 badver[11], wrongid[11];
	uint8_t		 buf[64];
	size_t		 len;

	hello_body(badver, IPC_VERSION ^ 1, PROC_STORED);
	hello_body(wrongid, IPC_VERSION, PROC_AUTHD);

	/* a message before hello */
	memset(&f, 0, sizeof(f));
	ipc_socketpair(sv);
	c = ipc_chan_new(base, sv[0], PROC_FRONTD, PROC_STORED, on_dispatch,
	    on_close, &f);
	len = frame(buf, IPC_HEALTH_RESULT, IPC_FRAME_VERSION, 1, empty, 1);
	ipc_send_raw(sv[1], buf, len, -1);
	run_loop(1000);
	CHECK_STR(f.why, "message before hello");
	ipc_chan_free(c);
	close(sv[1]);

	/* hello with another version in its body */
	memset(&f, 0, sizeof(f));
	ipc_socketpair(sv);
	c = ipc_chan_new(base, sv[0], PROC_FRONTD, PROC_STORED, on_dispatch,
	    on_close, &f);
	len = frame(buf, IPC_HELLO, IPC_FRAME_VERSION, 0, badver, sizeof(badver));
	ipc_send_raw(sv[1], buf, len, -1);
	run_loop(1000);
	CHECK_STR(f.why, "hello with another protocol version");
	ipc_chan_free(c);
	close(sv[1]);

	/* hello from a process that is not the expected peer */
	memset(&f, 0, sizeof(f));
	ipc_socketpair(sv);
	c = ipc_chan_new(base, sv[0], PROC_FRONTD, PROC_STORED, on_dispatch,
	    on_close, &f);
	len = frame(buf, IPC_HELLO, IPC_FRAME_VERSION, 0, wrongid,
	    sizeof(wrongid));
	ipc_send_raw(sv[1], buf, len, -1);
	run_loop(1000);
	CHECK_STR(f.why, "hello from an unexpected process");
	ipc_chan_free(c);
	close(sv[1]);

	/* a header of another version */
	memset(&f, 0, sizeof(f));
	ipc_socketpair(sv);
	c = ipc_chan_new(base, sv[0], PROC_FRONTD, PROC_STORED, on_dispatch,
	    on_close, &f);
	len = frame(buf, IPC_HELLO, IPC_FRAME_VERSION + 1, 0, badver,
	    sizeof(badver));
	ipc_send_raw(sv[1], buf, len, -1);
	run_loop(1000);
	CHECK_STR(f.why, "protocol version mismatch");
	ipc_chan_free(c);
	close(sv[1]);

	/* a second hello */
	pair(&f, PROC_FRONTD, &s, PROC_STORED);
	run_loop(50);
	{
		uint8_t		 hello[11];

		inject(&s, IPC_HELLO, 0, hello, hello_body(hello, IPC_VERSION,
		    PROC_STORED));
	}
	run_loop(1000);
	CHECK_STR(f.why, "second hello");
	ipc_chan_free(f.chan);
	ipc_chan_free(s.chan);

	/* the peer hanging up is not a violation */
	pair(&f, PROC_FRONTD, &s, PROC_STORED);
	run_loop(50);
	ipc_chan_free(s.chan);
	run_loop(1000);
	CHECK_INT(f.closed, 1);
	CHECK(f.why == NULL);
	ipc_chan_free(f.chan);
}

static void
test_chan_empty_datagram(void)
{
	struct side	 f, s;

	/* an empty datagram is not the end of the stream */
	pair(&f, PROC_FRONTD, &s, PROC_STORED);
	run_loop(50);
	CHECK_INT(send(s.chan->fd, "", 0, 0), 0);
	run_loop(1000);
	CHECK_INT(f.closed, 1);
	CHECK_STR(f.why, "empty datagram");
	ipc_chan_free(f.chan);
	ipc_chan_free(s.chan);
}

/* A peer that stops reading for good is treated as gone. */
static void
test_chan_queue_full(void)
{
	struct side	 f, s;
	struct ipc_msg	 m;
	char		 payload[3000];
	int		 i, failed = 0;

	pair(&f, PROC_FRONTD, &s, PROC_STORED);
	run_loop(50);
	event_del(s.chan->ev_read);
	memset(payload, 'q', sizeof(payload));
	for (i = 0; i < IPC_MAX_QUEUE + 200 && !f.closed; i++) {
		ipc_msg_init(&m, IPC_PING, 0);
		ipc_put_bin(&m, payload, sizeof(payload));
		if (ipc_request(f.chan, &m, 10000, on_reply, &f) == -1)
			failed++;
	}
	CHECK_INT(f.closed, 1);
	CHECK_STR(f.why, "it stopped reading its channel");
	CHECK_INT(failed, 1);
	/* the requests in flight were answered with nothing, once each */
	CHECK(f.timeouts > 0);
	ipc_chan_free(f.chan);
	ipc_chan_free(s.chan);
}

/* A failed send answers the request once, by the return value. */
static void
test_request_to_closed_peer(void)
{
	struct side	 f, s;
	struct ipc_msg	 m;

	pair(&f, PROC_FRONTD, &s, PROC_STORED);
	run_loop(50);
	ipc_chan_free(s.chan);
	ipc_msg_init(&m, IPC_PING, 0);
	ipc_put_bin(&m, "x", 1);
	CHECK_INT(ipc_request(f.chan, &m, 1000, on_reply, &f), -1);
	CHECK_INT(f.closed, 1);
	CHECK_INT(f.timeouts, 0);	/* the callback did not run as well */
	run_loop(100);
	CHECK_INT(f.timeouts, 0);
	ipc_chan_free(f.chan);
}

static void
test_chan_truncated(void)
{
	struct side	 f, s;
	uint8_t		*big;
	size_t		 n = IPC_MAX_MSG + 100;

	/* a datagram longer than any message: truncated on receipt */
	pair(&f, PROC_FRONTD, &s, PROC_STORED);
	run_loop(50);
	big = calloc(1, n);
	CHECK_INT(ipc_send_raw(s.chan->fd, big, n, -1), 0);
	run_loop(1000);
	CHECK_STR(f.why, "datagram truncated or oversized");
	free(big);
	ipc_chan_free(f.chan);
	ipc_chan_free(s.chan);
}

/* The peer does not read: messages queue, then flow when it does. */
static void
test_chan_queue(void)
{
	struct side	 f, s;
	struct ipc_msg	 m;
	char		 payload[3000];
	int		 i, sent = 0;

	pair(&f, PROC_FRONTD, &s, PROC_STORED);
	s.answer = 0;
	run_loop(50);
	event_del(s.chan->ev_read);
	memset(payload, 'q', sizeof(payload));
	for (i = 0; i < 400; i++) {
		ipc_msg_init(&m, IPC_PING, 0);
		ipc_put_bin(&m, payload, sizeof(payload));
		if (ipc_request(f.chan, &m, 10000, on_reply, &f) == 0)
			sent++;
	}
	CHECK_INT(sent, 400);
	CHECK(f.chan->outq_len > 0);
	event_add(s.chan->ev_read, NULL);
	while (s.dispatched < 400 && !s.closed && !f.closed)
		run_loop(500);
	CHECK_INT(s.dispatched, 400);
	CHECK_INT(f.chan->outq_len, 0);
	ipc_chan_free(f.chan);
	ipc_chan_free(s.chan);
}

/*
 * The configuration push and moatctl's answers as typed bodies: a record
 * per dialect in cfg.identity, a list after an empty body (cfg.proxies)
 * and after a head (ctl.status.res), and a descriptor that is handed to
 * the receiver to close even when a field before it was refused.
 */
static void
test_cfg_bodies(void)
{
	struct ipc_msg		 w, r;
	struct ipc_cfg_identity	 id, idr;
	struct ipc_cfg_proxy	 px;
	struct ipc_status_res	 res;
	struct ipc_ctl_proc	 proc;
	struct ipc_cfg_listen	 lr;
	const void		*buf;
	size_t			 len;
	const char		*why;
	char			 longname[100];
	int			 d, p[2];

	memset(&id, 0, sizeof(id));
	for (d = 0; d < CFG_DIALECTS; d++) {
		id.session[d].lifetime = 1000 + d;
		id.session[d].idle = 2000 + d;
	}
	id.login_lifetime = 3;
	id.auth_failures = 4;
	id.invalid_tokens = 5;
	id.api_requests = 6;
	ipc_msg_init(&w, IPC_CFG_IDENTITY, 0);
	CHECK_INT(ipc_msg_put(&w, &id), 1);
	CHECK_INT(ipc_msg_finish(&w, &buf, &len), 0);
	CHECK_INT(ipc_decode(&r, buf, len, -1, PROC_MOATD, PROC_STORED, &why),
	    0);
	CHECK_INT(ipc_msg_get(&r, &idr), 0);
	CHECK(memcmp(&id, &idr, sizeof(id)) == 0);
	ipc_msg_clear(&r);
	ipc_msg_clear(&w);

	ipc_msg_init(&w, IPC_CFG_PROXIES, 0);
	CHECK_INT(ipc_msg_put(&w, NULL), 1);
	strlcpy(px.addr, "192.0.2.1", sizeof(px.addr));
	ipc_msg_put_item(&w, &px);
	strlcpy(px.addr, "2001:db8::1", sizeof(px.addr));
	ipc_msg_put_item(&w, &px);
	CHECK_INT(ipc_msg_finish(&w, &buf, &len), 0);
	CHECK_INT(ipc_decode(&r, buf, len, -1, PROC_MOATD, PROC_FRONTD, &why),
	    0);
	CHECK_INT(ipc_msg_get(&r, NULL), 0);
	CHECK_INT(ipc_msg_get_item(&r, &px), 1);
	CHECK_STR(px.addr, "192.0.2.1");
	CHECK_INT(ipc_msg_get_item(&r, &px), 1);
	CHECK_STR(px.addr, "2001:db8::1");
	CHECK_INT(ipc_msg_get_item(&r, &px), 0);
	ipc_msg_clear(&r);
	ipc_msg_clear(&w);

	memset(&res, 0, sizeof(res));
	res.head.status = 200;
	strlcpy(res.head.message, "ok", sizeof(res.head.message));
	memset(&proc, 0, sizeof(proc));
	strlcpy(proc.name, "stored", sizeof(proc.name));
	proc.pid = 42;
	strlcpy(proc.user, "_moatstore", sizeof(proc.user));
	proc.uid = 993;
	proc.started = 1700000000;
	ipc_msg_init(&w, IPC_CTL_STATUS_RES, 1);
	CHECK_INT(ipc_msg_put(&w, &res), 1);
	ipc_msg_put_item(&w, &proc);
	CHECK_INT(ipc_msg_finish(&w, &buf, &len), 0);
	CHECK_INT(ipc_decode(&r, buf, len, -1, PROC_MOATD, PROC_MOATCTL,
	    &why), 0);
	memset(&proc, 0, sizeof(proc));
	CHECK_INT(ipc_msg_get(&r, &res), 0);
	CHECK_INT(res.head.status, 200);
	CHECK_INT(ipc_msg_get_item(&r, &proc), 1);
	CHECK_STR(proc.name, "stored");
	CHECK_STR(proc.user, "_moatstore");
	CHECK(proc.pid == 42 && proc.uid == 993 && proc.started == 1700000000);
	CHECK_INT(ipc_msg_get_item(&r, &proc), 0);
	ipc_msg_clear(&r);
	ipc_msg_clear(&w);

	/* an error head ends the body: no list follows */
	res.head.status = 503;
	ipc_msg_init(&w, IPC_CTL_STATUS_RES, 1);
	CHECK_INT(ipc_msg_put(&w, &res), 0);
	CHECK_INT(ipc_msg_finish(&w, &buf, &len), 0);
	CHECK_INT(ipc_decode(&r, buf, len, -1, PROC_MOATD, PROC_MOATCTL,
	    &why), 0);
	CHECK_INT(ipc_msg_get(&r, &res), 0);
	CHECK_INT(res.head.status, 503);
	CHECK_INT(ipc_msg_get_item(&r, &proc), 0);
	ipc_msg_clear(&r);
	ipc_msg_clear(&w);

	/* a listener's name too long: refused, and its descriptor handed
	 * over all the same, for the receiver to close */
	CHECK_INT(pipe(p), 0);
	memset(longname, 'a', sizeof(longname) - 1);
	longname[sizeof(longname) - 1] = '\0';
	ipc_msg_init(&w, IPC_CFG_LISTEN, 0);
	ipc_put_str(&w, longname);
	ipc_put_fd(&w, p[0]);
	CHECK_INT(ipc_msg_finish(&w, &buf, &len), 0);
	CHECK_INT(ipc_decode(&r, buf, len, dup(p[0]), PROC_MOATD, PROC_FRONTD,
	    &why), 0);
	CHECK_INT(ipc_msg_get(&r, &lr), -1);
	CHECK(r.refused != NULL);
	CHECK(lr.fd != -1);
	CHECK(fcntl(lr.fd, F_GETFD) != -1);
	close(lr.fd);
	ipc_msg_clear(&r);
	ipc_msg_clear(&w);
	close(p[1]);
}

static void
test_catalogue(void)
{
	unsigned int	 t;
	int		 bad = 0;

	for (t = 1; t < IPC_TYPE_MAX; t++) {
		const struct ipc_msgdef	*d = ipc_msgdef(t);

		if (d == NULL || d->type != t || d->maxlen < IPC_HDR_LEN ||
		    d->maxlen > IPC_MAX_MSG || d->routes == 0)
			bad++;
		/* a request names a reply type that is a reply */
		if (d != NULL && (d->flags & IPC_F_REQUEST) &&
		    (ipc_msgdef(d->reply) == NULL ||
		    !(ipc_msgdef(d->reply)->flags & IPC_F_REPLY)))
			bad++;
	}
	CHECK_INT(bad, 0);
	CHECK(ipc_msgdef(0) == NULL);
	CHECK(ipc_msgdef(IPC_TYPE_MAX) == NULL);
	CHECK_STR(ipc_type_name(IPC_HEALTH_CHECK), "health.check");
	/* frontd and taskd have no link and no message between them */
	for (t = 1; t < IPC_TYPE_MAX; t++) {
		const struct ipc_msgdef	*d = ipc_msgdef(t);

		CHECK((d->routes & IPC_ROUTE(PROC_FRONTD, PROC_TASKD)) == 0);
		CHECK((d->routes & IPC_ROUTE(PROC_TASKD, PROC_FRONTD)) == 0);
	}
	/* secrets travel to authd only */
	CHECK(ipc_msgdef(IPC_CFG_MASTER_KEY)->routes ==
	    IPC_ROUTE(PROC_MOATD, PROC_AUTHD));
	/* the TLS key too: frontd has authd sign its handshakes */
	CHECK(ipc_msgdef(IPC_CFG_TLS_KEY)->routes ==
	    IPC_ROUTE(PROC_MOATD, PROC_AUTHD));
	CHECK(ipc_msgdef(IPC_TLS_SIGN)->routes ==
	    IPC_ROUTE(PROC_FRONTD, PROC_AUTHD));
	CHECK(ipc_msgdef(IPC_TLS_SIGN)->reply == IPC_TLS_SIGN_RES);
	CHECK(ipc_msgdef(IPC_TLS_SIGN_RES)->routes ==
	    IPC_ROUTE(PROC_AUTHD, PROC_FRONTD));
}

/*
 * The build's IPC_VERSION is the hash of the tables it was built with,
 * and any change to a message (a field's name, type or size, a limit, a
 * route) gives another.
 */
static void
test_version(void)
{
	static const struct ipc_field one[] = {
		{ "a", IPC_FT_STR, 0, 16, 0, NULL },
	};
	static const struct ipc_field renamed[] = {
		{ "b", IPC_FT_STR, 0, 16, 0, NULL },
	};
	static const struct ipc_field longer[] = {
		{ "a", IPC_FT_STR, 0, 17, 0, NULL },
	};
	static const struct ipc_field retyped[] = {
		{ "a", IPC_FT_OPTSTR, 0, 16, 0, NULL },
	};
	const struct ipc_body	 b1 = { "x", 16, one, 1 };
	const struct ipc_body	 b2 = { "x", 16, renamed, 1 };
	const struct ipc_body	 b3 = { "x", 17, longer, 1 };
	const struct ipc_body	 b4 = { "x", 16, retyped, 1 };
	struct ipc_msgdef	 defs[IPC_TYPE_MAX];
	const struct ipc_msgdef	*def;
	uint64_t		 ref;
	unsigned int		 t;
	size_t			 n = 0, ping = 0;

	CHECK(ipc_version_now() == IPC_VERSION);
	for (t = 0; t < IPC_TYPE_MAX; t++)
		if ((def = ipc_msgdef(t)) != NULL) {
			if (t == IPC_PING)
				ping = n;
			defs[n++] = *def;
		}
	defs[ping].body = &b1;
	ref = ipc_version_of(defs, n);
	CHECK(ref != IPC_VERSION);
	defs[ping].body = &b2;
	CHECK(ipc_version_of(defs, n) != ref);
	defs[ping].body = &b3;
	CHECK(ipc_version_of(defs, n) != ref);
	defs[ping].body = &b4;
	CHECK(ipc_version_of(defs, n) != ref);
	defs[ping].body = &b1;
	defs[ping].maxlen++;
	CHECK(ipc_version_of(defs, n) != ref);
	defs[ping].maxlen--;
	defs[ping].routes |= IPC_ROUTE(PROC_TASKD, PROC_STORED);
	CHECK(ipc_version_of(defs, n) != ref);
	defs[ping].routes = ipc_msgdef(IPC_PING)->routes;
	CHECK(ipc_version_of(defs, n) == ref);
}

int
main(void)
{
	base = event_base_new();
	RUN(test_roundtrip);
	RUN(test_getter_errors);
	RUN(test_frames);
	RUN(test_prewalk);
	RUN(test_too_many_items);
	RUN(test_oversized_send);
	RUN(test_raw_fd_passing);
	RUN(test_cfg_bodies);
	RUN(test_catalogue);
	RUN(test_version);
	RUN(test_chan_request_reply);
	RUN(test_chan_timeout_and_late_reply);
	RUN(test_chan_violations);
	RUN(test_chan_refusals);
	RUN(test_chan_hello);
	RUN(test_chan_truncated);
	RUN(test_chan_queue);
	RUN(test_chan_empty_datagram);
	RUN(test_chan_queue_full);
	RUN(test_request_to_closed_peer);
	event_base_free(base);
	return test_report("ipc");
}
