/*
 * gatewayd: the SSH gateway (DESIGN.md, "The SSH gateway").  A parent on
 * libevent holds the listening socket, the host key and the links to
 * moatd, authd and taskd; each connection is served by a child of its
 * own on libssh, forked without those links, which asks the parent
 * (gwmsg below) to check a login or open a session.  A flaw in the SSH
 * code then reaches one connection, and no secret but the host key.
 */
#ifndef MOAT_GATEWAYD_H
#define MOAT_GATEWAYD_H

#include <stddef.h>
#include <stdint.h>

#include <libssh/libssh.h>
#include <libssh/server.h>

#include "body_gw.h"

#define GW_MAX_CONNECTIONS	64	/* at once */
#define GW_MAX_PER_ADDRESS	8
#define GW_MAX_CHANNELS		10	/* a connection's sessions */
#define GW_AUTH_ATTEMPTS	3	/* then the connection is cut */
#define GW_AUTH_TIMEOUT		60	/* seconds to log in */
#define GW_IDLE_TIMEOUT		3600	/* seconds without a byte */
#define GW_ANSWER_TIMEOUT	30	/* seconds for the parent's answer */
#define GW_USER_MAX		64

/* child -> parent */
#define GWUP_AUTH	1
#define GWUP_OPEN	2
struct gw_up {
	uint32_t	 type;
	uint32_t	 method;		/* enum gw_method */
	int32_t		 probe;
	uint32_t	 chan_id;
	uint32_t	 kind;			/* enum gw_kind */
	int32_t		 tty;
	uint32_t	 cols;
	uint32_t	 rows;
	char		 user[GW_USER_MAX + 1];
	char		 key_type[SSHKEY_TYPE_MAX + 1];
	char		 secret[GW_SECRET_MAX + 1];
	char		 term[GW_TERM_MAX + 1];
	char		 command[GW_COMMAND_MAX + 1];
};

/* parent -> child; an open's answer carries the control socket */
#define GWDOWN_AUTH	1
#define GWDOWN_OPEN	2
struct gw_down {
	uint32_t	 type;
	uint32_t	 chan_id;
	int32_t		 ok;
	char		 message[128];
};

/* gwmsg.c: what the parent takes from a child (which speaks to the
 * network) is checked whole: 0, or -1 with why */
int	 gwmsg_up_check(const struct gw_up *, size_t len, const char **why);
/* gwmsg.c: one datagram with up to two descriptors; the count in *nfds */
ssize_t	 gwmsg_recv(int sock, void *buf, size_t len, int *fds, int *nfds);
int	 gwmsg_send(int sock, const void *buf, size_t len, int fd);

/* conn.c: serves one connection in a child; never returns */
__attribute__((noreturn)) void conn_main(ssh_bind, int fd, int parent);

/* chan.c: a connection's channels, in the child */
void	 chan_setup(ssh_session, ssh_event, int parent);
ssh_channel chan_open_session(ssh_session, void *userdata);
int	 chan_idle(void);

#endif
