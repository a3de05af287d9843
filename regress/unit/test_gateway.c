/*
 * Unit tests of the SSH gateway's own messages: what gatewayd's parent
 * takes from a connection's child (gatewayd/gwmsg.c), which speaks to
 * the network and so is checked whole, and what a session's control
 * socket carries from taskd's runner (common/gwctl.c).
 */
#include <sys/socket.h>
#include <sys/types.h>

#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include "gatewayd.h"
#include "gwctl.h"
#include "test.h"

static void
auth_msg(struct gw_up *u)
{
	memset(u, 0, sizeof(*u));
	u->type = GWUP_AUTH;
	u->method = GW_METHOD_PASSWORD;
	strlcpy(u->user, "abcdefghij", sizeof(u->user));
	strlcpy(u->secret, "secret", sizeof(u->secret));
}

static void
test_up_check(void)
{
	static struct gw_up	 u;
	const char		*why = NULL;

	auth_msg(&u);
	CHECK_INT(gwmsg_up_check(&u, sizeof(u), &why), 0);
	/* a short or long datagram */
	CHECK_INT(gwmsg_up_check(&u, sizeof(u) - 1, &why), -1);
	CHECK_STR(why, "wrong size");
	/* text without its end */
	memset(u.secret, 'x', sizeof(u.secret));
	CHECK_INT(gwmsg_up_check(&u, sizeof(u), &why), -1);
	CHECK_STR(why, "unterminated text");
	auth_msg(&u);
	memset(u.user, 'x', sizeof(u.user));
	CHECK_INT(gwmsg_up_check(&u, sizeof(u), &why), -1);
	auth_msg(&u);
	u.method = 7;
	CHECK_INT(gwmsg_up_check(&u, sizeof(u), &why), -1);
	CHECK_STR(why, "unknown method");
	/* a probe is a public key's question, never a password's */
	auth_msg(&u);
	u.probe = 1;
	CHECK_INT(gwmsg_up_check(&u, sizeof(u), &why), -1);
	u.method = GW_METHOD_PUBLICKEY;
	CHECK_INT(gwmsg_up_check(&u, sizeof(u), &why), 0);
	u.probe = 2;
	CHECK_INT(gwmsg_up_check(&u, sizeof(u), &why), -1);
	auth_msg(&u);
	u.type = 9;
	CHECK_INT(gwmsg_up_check(&u, sizeof(u), &why), -1);
	CHECK_STR(why, "unknown type");
}

static void
test_open_check(void)
{
	static struct gw_up	 u;
	const char		*why = NULL;

	memset(&u, 0, sizeof(u));
	u.type = GWUP_OPEN;
	u.kind = GW_KIND_EXEC;
	u.chan_id = 1;
	strlcpy(u.command, "echo hi", sizeof(u.command));
	CHECK_INT(gwmsg_up_check(&u, sizeof(u), &why), 0);
	u.command[0] = '\0';
	CHECK_INT(gwmsg_up_check(&u, sizeof(u), &why), -1);
	CHECK_STR(why, "no command");
	u.kind = GW_KIND_SHELL;
	CHECK_INT(gwmsg_up_check(&u, sizeof(u), &why), 0);
	u.kind = 0;
	CHECK_INT(gwmsg_up_check(&u, sizeof(u), &why), -1);
	u.kind = GW_KIND_SFTP;
	u.chan_id = 0;
	CHECK_INT(gwmsg_up_check(&u, sizeof(u), &why), -1);
	u.chan_id = GW_MAX_CHANNELS + 1;
	CHECK_INT(gwmsg_up_check(&u, sizeof(u), &why), -1);
	u.chan_id = GW_MAX_CHANNELS;
	u.tty = 2;
	CHECK_INT(gwmsg_up_check(&u, sizeof(u), &why), -1);
	u.tty = 1;
	CHECK_INT(gwmsg_up_check(&u, sizeof(u), &why), 0);
}

static void
test_ctl_check(void)
{
	struct gwctl_msg	 m = { GWCTL_FDS, 0 };

	CHECK_INT(gwctl_check(&m, sizeof(m), 1, 1), 0);
	CHECK_INT(gwctl_check(&m, sizeof(m), 2, 0), 0);
	CHECK_INT(gwctl_check(&m, sizeof(m), 2, 1), -1);
	CHECK_INT(gwctl_check(&m, sizeof(m), 1, 0), -1);
	CHECK_INT(gwctl_check(&m, sizeof(m), 0, 0), -1);
	CHECK_INT(gwctl_check(&m, sizeof(m) - 1, 1, 1), -1);
	m.type = GWCTL_EXIT;
	m.status = 3;
	CHECK_INT(gwctl_check(&m, sizeof(m), 0, 0), 0);
	CHECK_INT(gwctl_check(&m, sizeof(m), 1, 0), -1);
	m.status = 256;
	CHECK_INT(gwctl_check(&m, sizeof(m), 0, 0), -1);
	m.status = -1;
	CHECK_INT(gwctl_check(&m, sizeof(m), 0, 0), -1);
	m.type = 3;
	m.status = 0;
	CHECK_INT(gwctl_check(&m, sizeof(m), 0, 0), -1);
}

/* A datagram with a descriptor crosses whole; a long one is refused. */
static void
test_send_recv(void)
{
	struct gw_down	 d, got;
	char		 big[sizeof(d) * 2];
	int		 sv[2], p[2], fds[2], nfds;

	CHECK_INT(socketpair(AF_UNIX, SOCK_SEQPACKET, 0, sv), 0);
	CHECK_INT(pipe(p), 0);
	memset(&d, 0, sizeof(d));
	d.type = GWDOWN_OPEN;
	d.chan_id = 2;
	d.ok = 1;
	CHECK_INT(gwmsg_send(sv[0], &d, sizeof(d), p[0]), 0);
	CHECK_INT(gwmsg_recv(sv[1], &got, sizeof(got), fds, &nfds),
	    (int)sizeof(got));
	CHECK_INT(nfds, 1);
	CHECK_INT(got.chan_id, 2);
	CHECK_INT(write(p[1], "x", 1), 1);
	CHECK_INT(read(fds[0], big, 1), 1);
	close(fds[0]);
	/* longer than the buffer: truncated, refused, no descriptor kept */
	memset(big, 0, sizeof(big));
	CHECK_INT(gwmsg_send(sv[0], big, sizeof(big), p[0]), 0);
	CHECK_INT(gwmsg_recv(sv[1], &got, sizeof(got), fds, &nfds), -2);
	CHECK_INT(nfds, 0);
	close(p[0]);
	close(p[1]);
	close(sv[0]);
	close(sv[1]);
}

int
main(void)
{
	RUN(test_up_check);
	RUN(test_open_check);
	RUN(test_ctl_check);
	RUN(test_send_recv);
	return test_report("gateway");
}
