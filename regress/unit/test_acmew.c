/*
 * Unit tests of taskd/acmew.c: what an ACME worker sends taskd is read
 * as untrusted.  Fields round-trip with their NULs and binary bytes;
 * a datagram too short, a count too large, a length past its end, a
 * missing NUL or bytes left over is refused whole.
 */
#include <sys/socket.h>
#include <sys/types.h>

#include <fcntl.h>
#include <stdint.h>
#include <string.h>
#include <unistd.h>

#include "acmew.h"
#include "test.h"

struct head {
	uint32_t	 type;
	int32_t		 status;
	uint32_t	 n;
	uint32_t	 len[AW_FIELDS];
};

static int	 sv[2];

static void
pair(void)
{
	CHECK_INT(socketpair(AF_UNIX, SOCK_SEQPACKET, 0, sv), 0);
}

static void
unpair(void)
{
	close(sv[0]);
	close(sv[1]);
}

/* A raw datagram: a header of n fields, then body as given. */
static int
raw(uint32_t n, const uint32_t *len, const void *body, size_t bodylen,
    size_t cut)
{
	struct head	 h;
	char		 buf[512];
	struct aw_msg	 m;
	int		 rc;

	memset(&h, 0, sizeof(h));
	h.type = AW_SIGN;
	h.n = n;
	if (n <= AW_FIELDS && len != NULL)
		memcpy(h.len, len, n * sizeof(*len));
	memcpy(buf, &h, sizeof(h));
	memcpy(buf + sizeof(h), body, bodylen);
	CHECK(send(sv[1], buf, sizeof(h) + bodylen - cut, 0) > 0);
	rc = aw_recv(sv[0], &m);
	if (rc == 0)
		aw_free(&m);
	return rc;
}

static void
test_round_trip(void)
{
	const char	*f[3] = { "ES256", "", "\x00\x01\xff" };
	size_t		 len[3] = { 5, 0, 3 };
	struct aw_msg	 m;

	pair();
	CHECK_INT(aw_send(sv[1], AW_REPLY, 200, 3, f, len), 0);
	CHECK_INT(aw_recv(sv[0], &m), 0);
	CHECK_INT(m.type, AW_REPLY);
	CHECK_INT(m.status, 200);
	CHECK_INT(m.n, 3);
	CHECK_STR(m.f[0], "ES256");
	CHECK_INT(m.len[1], 0);
	CHECK_INT(m.len[2], 3);
	CHECK(memcmp(m.f[2], "\x00\x01\xff", 3) == 0);
	aw_free(&m);
	/* at end of file: -1; nothing yet on a non-blocking socket: 1 */
	CHECK_INT(fcntl(sv[0], F_SETFL, O_NONBLOCK), 0);
	CHECK_INT(aw_recv(sv[0], &m), 1);
	close(sv[1]);
	CHECK_INT(aw_recv(sv[0], &m), -1);
	close(sv[0]);
}

static void
test_malformed_is_refused(void)
{
	uint32_t	 len[2] = { 3, 2 };
	uint32_t	 huge[1] = { 0xffffffffu };

	pair();
	CHECK_INT(raw(2, len, "abc\0de\0", 7, 0), 0);	/* well formed */
	CHECK_INT(raw(2, len, "abc\0de\0", 7, 1), -1);	/* cut short */
	CHECK_INT(raw(2, len, "abcXde\0", 7, 0), -1);	/* no NUL */
	CHECK_INT(raw(2, len, "abc\0de\0x", 8, 0), -1);	/* left over */
	CHECK_INT(raw(1, huge, "abc\0", 4, 0), -1);	/* past its end */
	CHECK_INT(raw(AW_FIELDS + 1, NULL, "", 0, 0), -1); /* too many */
	CHECK_INT(raw(0, NULL, "", 0, 0), 0);
	/* shorter than a header */
	CHECK(send(sv[1], "xy", 2, 0) == 2);
	{
		struct aw_msg	 m;

		CHECK_INT(aw_recv(sv[0], &m), -1);
	}
	unpair();
}

static void
test_send_bounds(void)
{
	static char	 big[AW_MAX];
	const char	*f[1] = { big };
	size_t		 len[1] = { AW_MAX };

	pair();
	CHECK_INT(aw_send(sv[1], AW_SIGN, 0, 1, f, len), -1);
	CHECK_INT(aw_send(sv[1], AW_SIGN, 0, AW_FIELDS + 1, f, NULL), -1);
	unpair();
}

int
main(void)
{
	RUN(test_round_trip);
	RUN(test_malformed_is_refused);
	RUN(test_send_bounds);
	return test_report("acmew");
}
