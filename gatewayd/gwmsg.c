/*
 * The messages between gatewayd and its connections' children
 * (gatewayd.h): one SOCK_SEQPACKET datagram each, a fixed struct and up
 * to two descriptors.  The parent checks what a child sends whole, as
 * it would a peer's: the child runs the code that parses the network.
 */
#include <sys/socket.h>
#include <sys/types.h>

#include <string.h>
#include <unistd.h>

#include "gatewayd.h"

static int
terminated(const char *s, size_t size)
{
	return memchr(s, '\0', size) != NULL;
}

int
gwmsg_up_check(const struct gw_up *m, size_t len, const char **why)
{
	if (len != sizeof(*m)) {
		*why = "wrong size";
		return -1;
	}
	if (!terminated(m->user, sizeof(m->user)) ||
	    !terminated(m->key_type, sizeof(m->key_type)) ||
	    !terminated(m->secret, sizeof(m->secret)) ||
	    !terminated(m->term, sizeof(m->term)) ||
	    !terminated(m->command, sizeof(m->command))) {
		*why = "unterminated text";
		return -1;
	}
	switch (m->type) {
	case GWUP_AUTH:
		if (m->method != GW_METHOD_PASSWORD &&
		    m->method != GW_METHOD_PUBLICKEY) {
			*why = "unknown method";
			return -1;
		}
		if (m->probe != 0 && (m->probe != 1 ||
		    m->method != GW_METHOD_PUBLICKEY)) {
			*why = "bad probe";
			return -1;
		}
		return 0;
	case GWUP_OPEN:
		if (m->kind != GW_KIND_SHELL && m->kind != GW_KIND_EXEC &&
		    m->kind != GW_KIND_SFTP) {
			*why = "unknown kind";
			return -1;
		}
		if ((m->tty != 0 && m->tty != 1) || m->chan_id == 0 ||
		    m->chan_id > GW_MAX_CHANNELS) {
			*why = "bad channel";
			return -1;
		}
		if (m->kind == GW_KIND_EXEC && m->command[0] == '\0') {
			*why = "no command";
			return -1;
		}
		return 0;
	default:
		*why = "unknown type";
		return -1;
	}
}

ssize_t
gwmsg_recv(int sock, void *buf, size_t len, int *fds, int *nfds)
{
	union {
		struct cmsghdr	 hdr;
		char		 buf[CMSG_SPACE(sizeof(int) * 2)];
	} cm;
	struct msghdr	 msg;
	struct iovec	 iov;
	struct cmsghdr	*c;
	ssize_t		 n;
	int		 i, got;

	*nfds = 0;
	memset(&msg, 0, sizeof(msg));
	iov.iov_base = buf;
	iov.iov_len = len;
	msg.msg_iov = &iov;
	msg.msg_iovlen = 1;
	msg.msg_control = cm.buf;
	msg.msg_controllen = sizeof(cm.buf);
	if ((n = recvmsg(sock, &msg, MSG_CMSG_CLOEXEC)) == -1)
		return -1;
	for (c = CMSG_FIRSTHDR(&msg); c != NULL; c = CMSG_NXTHDR(&msg, c)) {
		if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS)
			continue;
		got = (c->cmsg_len - CMSG_LEN(0)) / sizeof(int);
		for (i = 0; i < got; i++) {
			int	 fd;

			memcpy(&fd, CMSG_DATA(c) + i * sizeof(int), sizeof(fd));
			if (*nfds < 2)
				fds[(*nfds)++] = fd;
			else
				close(fd);
		}
	}
	if ((msg.msg_flags & (MSG_TRUNC | MSG_CTRUNC)) != 0) {
		for (i = 0; i < *nfds; i++)
			close(fds[i]);
		*nfds = 0;
		return -2;
	}
	return n;
}

int
gwmsg_send(int sock, const void *buf, size_t len, int fd)
{
	union {
		struct cmsghdr	 hdr;
		char		 buf[CMSG_SPACE(sizeof(int))];
	} cm;
	struct msghdr	 msg;
	struct iovec	 iov;
	struct cmsghdr	*c;

	memset(&msg, 0, sizeof(msg));
	iov.iov_base = (void *)buf;
	iov.iov_len = len;
	msg.msg_iov = &iov;
	msg.msg_iovlen = 1;
	if (fd != -1) {
		memset(&cm, 0, sizeof(cm));
		msg.msg_control = cm.buf;
		msg.msg_controllen = sizeof(cm.buf);
		c = CMSG_FIRSTHDR(&msg);
		c->cmsg_level = SOL_SOCKET;
		c->cmsg_type = SCM_RIGHTS;
		c->cmsg_len = CMSG_LEN(sizeof(int));
		memcpy(CMSG_DATA(c), &fd, sizeof(int));
	}
	return sendmsg(sock, &msg, MSG_NOSIGNAL) == (ssize_t)len ? 0 : -1;
}
