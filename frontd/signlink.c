/*
 * frontd's end of the signing link: authd signs each TLS handshake, and
 * OpenSSL's signature callback is synchronous, so this is one blocking
 * round trip per handshake on a link of its own (the event loop's link
 * to authd carries other requests, whose answers must not be read
 * here), bounded by a timeout.  The loop waits for about as long as it
 * would have spent signing in this process (DESIGN.md, "TLS key in
 * authd", has the measurements).
 *
 * A stuck or slow authd must not stall the loop for a burst of new
 * connections, each waiting its full timeout: once a request timed out,
 * or the answers of one second came late by SIGN_LATE_MAX_MS in all,
 * handshakes fail at once for SIGN_BACKOFF_MS.  The loop then spends at
 * most about a third of its time waiting for authd.
 *
 * The link keeps the IPC contract: hello first, each datagram checked
 * against the catalogue, only tls.sign.res to our own request; a late
 * answer to a request that timed out is dropped, anything else is a
 * violation and frontd fails closed.
 */
#include <sys/types.h>
#include <sys/socket.h>

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "body_auth.h"
#include "daemon.h"
#include "body_core.h"
#include "frontd.h"
#include "log.h"

/* authd answers in well under a millisecond for ECDSA, 6 ms for RSA-4096 */
#define SIGN_TIMEOUT_MS		250
#define SIGN_USUAL_MS		25	/* longer is late */
#define SIGN_LATE_MAX_MS	250	/* lateness allowed in a window */
#define SIGN_WINDOW_MS		1000
#define SIGN_BACKOFF_MS		1000

static int	 signfd = -1;
static int	 hello_seen;
static uint32_t	 last_reqid;
static uint8_t	*rbuf;
static int64_t	 backoff_until;	/* handshakes fail at once till then */
static int64_t	 window_start;
static int64_t	 late_ms;	/* beyond SIGN_USUAL_MS, in this window */
static int	 patient;	/* signlink_patient */

static __attribute__((noreturn)) void
violation(const char *why)
{
	fatalx("ipc: protocol violation by authd on the signing link: %s; "
	    "failing closed", why);
}

static __attribute__((noreturn)) void
lost(void)
{
	log_debug("lost the signing link to authd: exiting");
	exit(DAEMON_EXIT_PEER_LOST);
}

void
signlink_init(void)
{
	struct ipc_hello h = { IPC_VERSION, PROC_FRONTD };
	struct ipc_msg	 m;
	const void	*buf;
	size_t		 len;

	signfd = PROC_FD_TLSSIGN;
	if (fcntl(signfd, F_SETFL, fcntl(signfd, F_GETFL) | O_NONBLOCK) ==
	    -1 || fcntl(signfd, F_SETFD, FD_CLOEXEC) == -1)
		fatal("%s: fcntl", __func__);
	if ((rbuf = malloc(IPC_MAX_MSG)) == NULL)
		fatal("%s", __func__);
	ipc_msg_init(&m, IPC_HELLO, 0);
	ipc_msg_put(&m, &h);
	if (ipc_msg_finish(&m, &buf, &len) == -1 ||
	    ipc_send_raw(signfd, buf, len, -1) == -1)
		fatal("%s: hello", __func__);
	ipc_msg_clear(&m);
}

static int64_t
now_ms(void)
{
	struct timespec	 ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* The next datagram, decoded; -1 once the deadline has passed. */
static int
receive(struct ipc_msg *m, int64_t deadline)
{
	struct pollfd	 pfd;
	const char	*why;
	ssize_t		 n;
	int		 fd, left;

	for (;;) {
		n = ipc_recv_raw(signfd, rbuf, IPC_MAX_MSG, &fd);
		if (n > 0) {
			if (ipc_decode(m, rbuf, n, fd, PROC_AUTHD, PROC_FRONTD,
			    &why) == -1) {
				if (fd != -1)
					close(fd);
				violation(why);
			}
			return 0;
		}
		if (n == 0)
			lost();
		if (n == -2)
			violation("datagram truncated or oversized");
		if (errno != EAGAIN)
			fatal("%s", __func__);
		if ((left = (int)(deadline - now_ms())) <= 0)
			return -1;
		pfd.fd = signfd;
		pfd.events = POLLIN;
		if (poll(&pfd, 1, left) == -1 && errno != EINTR)
			fatal("%s: poll", __func__);
		if (pfd.revents & (POLLHUP | POLLERR))
			lost();
	}
}

static void
hello(struct ipc_msg *m)
{
	struct ipc_hello h;

	if (m->type != IPC_HELLO)
		violation("message before hello");
	if (ipc_msg_get(m, &h) == -1)
		violation(m->error != NULL ? m->error : m->refused);
	if (h.version != IPC_VERSION || h.id != PROC_AUTHD)
		violation("hello of another version or process");
	hello_seen = 1;
}

/* Waits for the answer to last_reqid; 0, or -1 on a timeout. */
static int
await_answer(struct ipc_msg *m)
{
	int64_t	 deadline = now_ms() + SIGN_TIMEOUT_MS;

	for (;;) {
		if (receive(m, deadline) == -1)
			return -1;
		if (!hello_seen) {
			hello(m);
			ipc_msg_clear(m);
			continue;
		}
		if (m->type != IPC_TLS_SIGN_RES)
			violation("only tls.sign.res travels to frontd here");
		if (m->reqid > last_reqid)
			violation("reply to a request never made");
		if (m->reqid == last_reqid)
			return 0;
		log_debug("tls: a late signature from authd dropped");
		ipc_msg_clear(m);
	}
}

static void
back_off(int64_t now)
{
	backoff_until = now + SIGN_BACKOFF_MS;
	window_start = now;
	late_ms = 0;
	log_warnx("tls: handshakes fail at once for the next %d ms",
	    SIGN_BACKOFF_MS);
}

/* Counts what a round trip took beyond a usual signature. */
static void
count_wait(int64_t start, int64_t end)
{
	if (start - window_start >= SIGN_WINDOW_MS) {
		window_start = start;
		late_ms = 0;
	}
	if (end - start > SIGN_USUAL_MS)
		late_ms += end - start - SIGN_USUAL_MS;
	if (late_ms >= SIGN_LATE_MAX_MS) {
		log_warnx("tls: authd's signatures came %lld ms late in a "
		    "second", (long long)late_ms);
		back_off(end);
	}
}

void
signlink_patient(int on)
{
	patient = on;
}

static int
read_answer(struct ipc_msg *m, uint8_t *sig, size_t sigcap, size_t *siglen)
{
	struct ipc_tls_sign_res	 res;

	if (ipc_msg_get(m, &res) == -1) {
		if (m->error != NULL)
			violation(m->error);
		log_warnx("tls: authd's signature refused: %s", m->refused);
		return -1;
	}
	if (!ipc_status_ok(res.head.status)) {
		log_warnx("tls: authd refused to sign (%u): %s",
		    res.head.status, res.head.message);
		return -1;
	}
	if (res.sig_len > sigcap) {
		log_warnx("tls: authd's signature is longer than %zu bytes",
		    sigcap);
		return -1;
	}
	memcpy(sig, res.sig, res.sig_len);
	*siglen = res.sig_len;
	return 0;
}

int
signlink_sign(const uint8_t id[TLSSIGN_KEYID_LEN], uint32_t scheme,
    const uint8_t *tbs, size_t tbslen, uint8_t *sig, size_t sigcap,
    size_t *siglen)
{
	struct ipc_tls_sign	 b;
	struct ipc_msg		 m;
	const void		*buf;
	size_t			 len;
	int64_t			 start = now_ms();
	int			 rc;

	*siglen = 0;
	if (tbslen > TLSSIGN_TBS_MAX)
		return -1;
	if (start < backoff_until && !patient)
		return -1;
	if (++last_reqid == 0)
		last_reqid = 1;
	memset(&b, 0, sizeof(b));
	memcpy(b.key_id, id, TLSSIGN_KEYID_LEN);
	b.key_id_len = TLSSIGN_KEYID_LEN;
	b.scheme = scheme;
	memcpy(b.tbs, tbs, tbslen);
	b.tbs_len = tbslen;
	ipc_msg_init(&m, IPC_TLS_SIGN, last_reqid);
	ipc_msg_put(&m, &b);
	if (ipc_msg_finish(&m, &buf, &len) == -1)
		fatalx("%s: tls.sign over its size", __func__);
	rc = ipc_send_raw(signfd, buf, len, -1);
	ipc_msg_clear(&m);
	if (rc == -1) {
		if (errno != EAGAIN && errno != ENOBUFS)
			lost();
		log_warnx("tls: authd does not read its signing link");
		return -1;
	}
	if (await_answer(&m) == -1) {
		log_warnx("tls: authd did not sign within %d ms",
		    SIGN_TIMEOUT_MS);
		back_off(now_ms());
		return -1;
	}
	count_wait(start, now_ms());
	rc = read_answer(&m, sig, sigcap, siglen);
	ipc_msg_clear(&m);
	return rc;
}
