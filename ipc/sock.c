/*
 * The sockets of the links: their buffers, and one datagram sent or
 * received with at most one descriptor, for channels and for moatctl's
 * blocking use alike.
 */
#include <sys/types.h>
#include <sys/socket.h>

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ipc.h"
#include "log.h"

int
ipc_socket_tune(int fd)
{
	int	 sz = 2 * IPC_MAX_MSG;

	if (setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &sz, sizeof(sz)) == -1 ||
	    setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &sz, sizeof(sz)) == -1)
		return -1;
	return 0;
}

int
ipc_socketpair(int sv[2])
{
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) == -1)
		return -1;
	if (ipc_socket_tune(sv[0]) == -1 || ipc_socket_tune(sv[1]) == -1) {
		close(sv[0]);
		close(sv[1]);
		return -1;
	}
	return 0;
}

int
ipc_send_raw(int sock, const void *buf, size_t len, int fd)
{
	struct msghdr	 mh;
	struct iovec	 iov;
	union {
		struct cmsghdr	 hdr;
		char		 buf[CMSG_SPACE(sizeof(int))];
	} cmsgbuf;
	struct cmsghdr	*cmsg;
	ssize_t		 n;

	memset(&mh, 0, sizeof(mh));
	iov.iov_base = (void *)buf;
	iov.iov_len = len;
	mh.msg_iov = &iov;
	mh.msg_iovlen = 1;
	if (fd != -1) {
		memset(&cmsgbuf, 0, sizeof(cmsgbuf));
		mh.msg_control = &cmsgbuf.buf;
		mh.msg_controllen = sizeof(cmsgbuf.buf);
		cmsg = CMSG_FIRSTHDR(&mh);
		cmsg->cmsg_len = CMSG_LEN(sizeof(int));
		cmsg->cmsg_level = SOL_SOCKET;
		cmsg->cmsg_type = SCM_RIGHTS;
		memcpy(CMSG_DATA(cmsg), &fd, sizeof(int));
	}
	do {
		n = sendmsg(sock, &mh, MSG_NOSIGNAL);
	} while (n == -1 && errno == EINTR);
	if (n == -1)
		return -1;
	if ((size_t)n != len) {
		errno = EMSGSIZE;
		return -1;
	}
	return 0;
}

static void
close_passed_fds(struct msghdr *mh)
{
	struct cmsghdr	*cmsg;
	size_t		 i, n;
	int		 fd;

	for (cmsg = CMSG_FIRSTHDR(mh); cmsg != NULL;
	    cmsg = CMSG_NXTHDR(mh, cmsg)) {
		if (cmsg->cmsg_level != SOL_SOCKET ||
		    cmsg->cmsg_type != SCM_RIGHTS)
			continue;
		n = (cmsg->cmsg_len - CMSG_LEN(0)) / sizeof(int);
		for (i = 0; i < n; i++) {
			memcpy(&fd, CMSG_DATA(cmsg) + i * sizeof(int),
			    sizeof(int));
			close(fd);
		}
	}
}

ssize_t
ipc_recv_raw(int sock, void *buf, size_t cap, int *fd)
{
	struct msghdr	 mh;
	struct iovec	 iov;
	union {
		struct cmsghdr	 hdr;
		/* room for more than one so that extras can be closed */
		char		 buf[CMSG_SPACE(4 * sizeof(int))];
	} cmsgbuf;
	struct cmsghdr	*cmsg;
	ssize_t		 n;

	*fd = -1;
	memset(&mh, 0, sizeof(mh));
	iov.iov_base = buf;
	iov.iov_len = cap;
	mh.msg_iov = &iov;
	mh.msg_iovlen = 1;
	mh.msg_control = &cmsgbuf.buf;
	mh.msg_controllen = sizeof(cmsgbuf.buf);
	do {
		n = recvmsg(sock, &mh, MSG_CMSG_CLOEXEC);
	} while (n == -1 && errno == EINTR);
	if (n <= 0)
		return n;
	cmsg = CMSG_FIRSTHDR(&mh);
	if ((mh.msg_flags & (MSG_TRUNC | MSG_CTRUNC)) || (cmsg != NULL &&
	    (cmsg->cmsg_level != SOL_SOCKET || cmsg->cmsg_type != SCM_RIGHTS ||
	    cmsg->cmsg_len != CMSG_LEN(sizeof(int)) ||
	    CMSG_NXTHDR(&mh, cmsg) != NULL))) {
		close_passed_fds(&mh);
		return -2;
	}
	if (cmsg != NULL)
		memcpy(fd, CMSG_DATA(cmsg), sizeof(int));
	return n;
}
