/*
 * One DNS exchange with the provider's server: UDP first, each try with
 * its own timeout, then TCP when the answer is truncated or the message
 * does not fit a 512-byte datagram (RFC 1035 4.2).  A datagram that is
 * not the answer to our id is ignored, not trusted: anyone on the path
 * can send one.
 */
#include <sys/types.h>
#include <sys/socket.h>

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "dnsupdate.h"

#define UDP_MAX	512

static long long
now_ms(void)
{
	struct timespec	 ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ((long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000);
}

/* Waits for fd to be ready for ev until deadline: 1, 0 on timeout, -1. */
static int
wait_fd(int fd, short ev, long long deadline)
{
	struct pollfd	 pfd = { .fd = fd, .events = ev };
	long long	 left;
	int		 n;

	for (;;) {
		left = deadline - now_ms();
		if (left <= 0)
			return (0);
		n = poll(&pfd, 1, left > 60000 ? 60000 : (int)left);
		if (n == -1 && errno == EINTR)
			continue;
		if (n <= 0)
			return (n);
		return (1);
	}
}

static int
our_answer(const uint8_t *q, const uint8_t *a, size_t alen)
{
	/* same id, and QR set */
	return (alen >= DNS_HDR && a[0] == q[0] && a[1] == q[1] &&
	    (a[2] & 0x80) != 0);
}

static int
udp_exchange(const struct dnsu *u, const uint8_t *q, size_t qlen,
    uint8_t *a, size_t *alen, char *err, size_t errlen)
{
	int		 fd, try, stray = 0;
	ssize_t		 n;

	if ((fd = socket(u->ss.ss_family, SOCK_DGRAM | SOCK_CLOEXEC, 0)) ==
	    -1 || connect(fd, (const struct sockaddr *)&u->ss, u->sslen) ==
	    -1) {
		snprintf(err, errlen, "cannot reach the DNS server: %s",
		    strerror(errno));
		if (fd != -1)
			close(fd);
		return (-1);
	}
	for (try = 0; try < u->tries; try++) {
		long long deadline = now_ms() + u->timeout_ms;

		if (send(fd, q, qlen, 0) != (ssize_t)qlen)
			goto neterr;
		while (wait_fd(fd, POLLIN, deadline) == 1) {
			if ((n = recv(fd, a, DNS_MSG_MAX, 0)) == -1) {
				if (errno == EINTR || errno == EAGAIN)
					continue;
				goto neterr;
			}
			if (!our_answer(q, a, n)) {
				stray++;
				continue;
			}
			close(fd);
			*alen = n;
			return (0);
		}
	}
	close(fd);
	snprintf(err, errlen, "timeout: no answer from the DNS server "
	    "after %d tries of %d ms%s", u->tries, u->timeout_ms,
	    stray ? " (only answers to another id)" : "");
	return (-1);
 neterr:
	snprintf(err, errlen, "DNS server unreachable: %s", strerror(errno));
	close(fd);
	return (-1);
}

static int
io_all(int fd, uint8_t *p, size_t len, int out, long long deadline)
{
	ssize_t	 n;

	while (len > 0) {
		if (wait_fd(fd, out ? POLLOUT : POLLIN, deadline) != 1) {
			errno = ETIMEDOUT;
			return (-1);
		}
		n = out ? send(fd, p, len, MSG_NOSIGNAL) : recv(fd, p, len, 0);
		if (n == -1 && (errno == EINTR || errno == EAGAIN))
			continue;
		if (n <= 0) {
			if (n == 0)
				errno = ECONNRESET;
			return (-1);
		}
		p += n;
		len -= n;
	}
	return (0);
}

static int
tcp_exchange(const struct dnsu *u, const uint8_t *q, size_t qlen,
    uint8_t *a, size_t *alen, char *err, size_t errlen)
{
	long long	 deadline = now_ms() + (long long)u->timeout_ms *
			    u->tries;
	uint8_t		 hdr[2] = { qlen >> 8, qlen & 0xff };
	int		 fd, soerr = 0;
	socklen_t	 sl = sizeof(soerr);
	size_t		 n;

	fd = socket(u->ss.ss_family, SOCK_STREAM | SOCK_CLOEXEC |
	    SOCK_NONBLOCK, 0);
	if (fd == -1)
		goto neterr;
	if (connect(fd, (const struct sockaddr *)&u->ss, u->sslen) == -1) {
		if (errno != EINPROGRESS)
			goto neterr;
		if (wait_fd(fd, POLLOUT, deadline) != 1) {
			errno = ETIMEDOUT;
			goto neterr;
		}
		if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &soerr, &sl) == -1 ||
		    soerr != 0) {
			errno = soerr ? soerr : errno;
			goto neterr;
		}
	}
	if (io_all(fd, hdr, 2, 1, deadline) == -1 ||
	    io_all(fd, (uint8_t *)q, qlen, 1, deadline) == -1)
		goto neterr;
	/* a stream may carry an answer to another id first: skip it */
	for (;;) {
		if (io_all(fd, hdr, 2, 0, deadline) == -1)
			goto neterr;
		n = (hdr[0] << 8) | hdr[1];
		if (io_all(fd, a, n, 0, deadline) == -1)
			goto neterr;
		if (our_answer(q, a, n))
			break;
	}
	close(fd);
	*alen = n;
	return (0);
 neterr:
	snprintf(err, errlen, "DNS server over TCP: %s%s", strerror(errno),
	    errno == ETIMEDOUT ? " (timeout)" : "");
	if (fd != -1)
		close(fd);
	return (-1);
}

/* a must hold DNS_MSG_MAX bytes */
int
dnsu_exchange(struct dnsu *u, const uint8_t *q, size_t qlen,
    uint8_t *a, size_t *alen, char *err, size_t errlen)
{
	u->used_tcp = 1;
	if (qlen > UDP_MAX || u->force_tcp)
		return (tcp_exchange(u, q, qlen, a, alen, err, errlen));
	u->used_tcp = 0;
	if (udp_exchange(u, q, qlen, a, alen, err, errlen) == -1)
		return (-1);
	if (*alen >= DNS_HDR && (a[2] & 0x02) != 0) {	/* TC */
		u->used_tcp = 1;
		return (tcp_exchange(u, q, qlen, a, alen, err, errlen));
	}
	return (0);
}
