/*
 * A channel to one peer on a libevent base: the hello handshake, a bounded
 * outgoing queue for when the peer's buffer is full, and request/reply
 * correlation with timeouts.  Any violation closes the channel; the owner's
 * close callback decides what that means (in the daemons: fail closed).
 */
#include <sys/types.h>
#include <sys/socket.h>

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "body_core.h"
#include "ipc.h"
#include "log.h"
#include "wire.h"

static int	 pending_cmp(struct ipc_pending *, struct ipc_pending *);
RB_PROTOTYPE(ipc_pending_tree, ipc_pending, entry, pending_cmp);
RB_GENERATE(ipc_pending_tree, ipc_pending, entry, pending_cmp);

static void	 chan_read(evutil_socket_t, short, void *);
static void	 chan_write(evutil_socket_t, short, void *);
static void	 chan_close(struct ipc_chan *, const char *);

static int
pending_cmp(struct ipc_pending *a, struct ipc_pending *b)
{
	return a->reqid < b->reqid ? -1 : a->reqid > b->reqid;
}

/*
 * recvmsg says 0 both at the end of the stream and for an empty
 * datagram, which this protocol never sends: tell them apart.
 */
static int
peer_hung_up(int sock, int passed_fd)
{
	struct pollfd	 pfd;

	if (passed_fd != -1)
		close(passed_fd);
	pfd.fd = sock;
	pfd.events = POLLIN | POLLRDHUP;
	pfd.revents = 0;
	if (poll(&pfd, 1, 0) == -1)
		return 1;
	return (pfd.revents & (POLLHUP | POLLRDHUP)) != 0;
}

static void
send_hello(struct ipc_chan *chan)
{
	struct ipc_hello h = { IPC_VERSION, chan->self };
	struct ipc_msg	 m;

	ipc_msg_init(&m, IPC_HELLO, 0);
	ipc_msg_put(&m, &h);
	ipc_send(chan, &m);
}

struct ipc_chan *
ipc_chan_new(struct event_base *base, int fd, enum proc_id self,
    enum proc_id peer, ipc_dispatch_cb dispatch, ipc_close_cb on_close,
    void *arg)
{
	struct ipc_chan	*chan;

	if ((chan = calloc(1, sizeof(*chan))) == NULL ||
	    (chan->rbuf = malloc(IPC_MAX_MSG)) == NULL)
		fatal("%s", __func__);
	if (fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK) == -1 ||
	    fcntl(fd, F_SETFD, FD_CLOEXEC) == -1)
		fatal("%s: fcntl", __func__);
	chan->fd = fd;
	chan->self = self;
	chan->peer = peer;
	chan->base = base;
	chan->dispatch = dispatch;
	chan->on_close = on_close;
	chan->arg = arg;
	TAILQ_INIT(&chan->outq);
	RB_INIT(&chan->pending);
	chan->ev_read = event_new(base, fd, EV_READ | EV_PERSIST, chan_read,
	    chan);
	chan->ev_write = event_new(base, fd, EV_WRITE, chan_write, chan);
	if (chan->ev_read == NULL || chan->ev_write == NULL ||
	    event_add(chan->ev_read, NULL) == -1)
		fatalx("%s: event", __func__);
	send_hello(chan);
	return chan;
}

static void
pending_free(struct ipc_chan *chan, struct ipc_pending *p)
{
	RB_REMOVE(ipc_pending_tree, &chan->pending, p);
	event_free(p->timer);
	free(p);
}

void
ipc_chan_free(struct ipc_chan *chan)
{
	struct ipc_pending	*p;
	struct ipc_out		*o;

	if (chan == NULL)
		return;
	while ((p = RB_MIN(ipc_pending_tree, &chan->pending)) != NULL)
		pending_free(chan, p);
	while ((o = TAILQ_FIRST(&chan->outq)) != NULL) {
		TAILQ_REMOVE(&chan->outq, o, entry);
		if (o->fd != -1)
			close(o->fd);
		explicit_bzero(o->buf, o->len);
		free(o->buf);
		free(o);
	}
	event_free(chan->ev_read);
	event_free(chan->ev_write);
	if (chan->fd != -1)
		close(chan->fd);
	free(chan->rbuf);
	free(chan);
}

static void
chan_close(struct ipc_chan *chan, const char *why)
{
	struct ipc_pending	*p;

	if (chan->closed)
		return;
	chan->closed = 1;
	event_del(chan->ev_read);
	event_del(chan->ev_write);
	if (why != NULL)
		log_warnx("ipc: protocol violation by %s: %s; "
		    "treating it as compromised", proc_name(chan->peer), why);
	/* Requests in flight get their answer: none. */
	while ((p = RB_MIN(ipc_pending_tree, &chan->pending)) != NULL) {
		ipc_reply_cb	 cb = p->cb;
		void		*arg = p->arg;

		pending_free(chan, p);
		cb(chan, NULL, arg);
	}
	if (chan->on_close != NULL)
		chan->on_close(chan, why, chan->arg);
	else if (why != NULL)
		fatalx("ipc: failing closed");
	else
		fatalx("ipc: %s closed its channel", proc_name(chan->peer));
}

static int
enqueue(struct ipc_chan *chan, struct ipc_msg *m, size_t len)
{
	struct ipc_out	*o;

	if (chan->outq_len >= IPC_MAX_QUEUE) {
		/* a peer that stops reading is as good as gone */
		chan_close(chan, "it stopped reading its channel");
		return -1;
	}
	if ((o = calloc(1, sizeof(*o))) == NULL)
		fatal("%s", __func__);
	o->len = len;
	o->buf = msgpack_sbuffer_release(&m->sbuf);
	o->fd = m->fd;
	m->fd = -1;
	TAILQ_INSERT_TAIL(&chan->outq, o, entry);
	chan->outq_len++;
	return 0;
}

static void
dequeue(struct ipc_chan *chan)
{
	struct ipc_out	*o = TAILQ_FIRST(&chan->outq);

	TAILQ_REMOVE(&chan->outq, o, entry);
	chan->outq_len--;
	if (o->fd != -1)
		close(o->fd);
	explicit_bzero(o->buf, o->len);
	free(o->buf);
	free(o);
}

union ipc_cmsg {
	struct cmsghdr	 hdr;
	char		 buf[CMSG_SPACE(sizeof(int))];
};

/* Fills vec from the head of the queue; returns how many. */
static unsigned int
batch(struct ipc_chan *chan, struct mmsghdr *vec, struct iovec *iov,
    union ipc_cmsg *cm)
{
	struct ipc_out	*o;
	struct cmsghdr	*c;
	unsigned int	 n = 0;

	memset(vec, 0, sizeof(*vec) * IPC_SEND_BATCH);
	TAILQ_FOREACH(o, &chan->outq, entry) {
		if (n == IPC_SEND_BATCH)
			break;
		iov[n].iov_base = o->buf;
		iov[n].iov_len = o->len;
		vec[n].msg_hdr.msg_iov = &iov[n];
		vec[n].msg_hdr.msg_iovlen = 1;
		if (o->fd != -1) {
			memset(&cm[n], 0, sizeof(cm[n]));
			vec[n].msg_hdr.msg_control = cm[n].buf;
			vec[n].msg_hdr.msg_controllen = sizeof(cm[n].buf);
			c = CMSG_FIRSTHDR(&vec[n].msg_hdr);
			c->cmsg_len = CMSG_LEN(sizeof(int));
			c->cmsg_level = SOL_SOCKET;
			c->cmsg_type = SCM_RIGHTS;
			memcpy(CMSG_DATA(c), &o->fd, sizeof(int));
		}
		n++;
	}
	return n;
}

/*
 * Sends what queued up while the peer's buffer was full, many datagrams
 * per system call.
 */
static void
chan_flush(struct ipc_chan *chan)
{
	struct mmsghdr	 vec[IPC_SEND_BATCH];
	struct iovec	 iov[IPC_SEND_BATCH];
	union ipc_cmsg	 cm[IPC_SEND_BATCH];
	unsigned int	 n;
	int		 sent, i;

	while (!chan->closed && !TAILQ_EMPTY(&chan->outq)) {
		n = batch(chan, vec, iov, cm);
		do {
			sent = sendmmsg(chan->fd, vec, n, MSG_NOSIGNAL);
		} while (sent == -1 && errno == EINTR);
		if (sent == -1) {
			if (errno == EAGAIN || errno == ENOBUFS) {
				event_add(chan->ev_write, NULL);
				return;
			}
			/* the peer is gone: the same as reading its end */
			log_debug("ipc: send to %s: %s", proc_name(chan->peer),
			    strerror(errno));
			chan_close(chan, NULL);
			return;
		}
		for (i = 0; i < sent; i++)
			dequeue(chan);
	}
}

int
ipc_send(struct ipc_chan *chan, struct ipc_msg *m)
{
	const void	*buf;
	size_t		 len;
	int		 rc;

	if (chan->closed || ipc_msg_finish(m, &buf, &len) == -1) {
		ipc_msg_clear(m);
		return -1;
	}
	chan->msgs_out++;
	/* Straight out when nothing waits: a deferred flush costs more
	 * than the system calls it would save (measured). */
	if (TAILQ_EMPTY(&chan->outq)) {
		if (ipc_send_raw(chan->fd, buf, len, m->fd) == 0) {
			ipc_msg_clear(m);
			return 0;
		}
		if (errno != EAGAIN && errno != ENOBUFS) {
			/* the peer is gone: the same as reading its end */
			log_debug("ipc: send %s to %s: %s",
			    ipc_type_name(m->type), proc_name(chan->peer),
			    strerror(errno));
			ipc_msg_clear(m);
			chan_close(chan, NULL);
			return -1;
		}
	}
	rc = enqueue(chan, m, len);
	ipc_msg_clear(m);
	if (rc == 0)
		event_add(chan->ev_write, NULL);
	return rc;
}

static void
chan_write(evutil_socket_t fd, short ev, void *arg)
{
	(void)fd;
	(void)ev;
	chan_flush(arg);
}

static void
request_timeout(evutil_socket_t fd, short ev, void *arg)
{
	struct ipc_pending	*p = arg;
	struct ipc_chan		*chan = p->chan;
	ipc_reply_cb		 cb = p->cb;
	void			*cbarg = p->arg;

	(void)fd;
	(void)ev;
	log_debug("ipc: request %u to %s timed out", p->reqid,
	    proc_name(chan->peer));
	pending_free(chan, p);
	cb(chan, NULL, cbarg);
}

int
ipc_request(struct ipc_chan *chan, struct ipc_msg *m, int timeout_ms,
    ipc_reply_cb cb, void *arg)
{
	const struct ipc_msgdef	*def = ipc_msgdef(m->type);
	struct ipc_pending	*p;
	struct timeval		 tv;

	if (def == NULL || (def->flags & IPC_F_REQUEST) == 0)
		fatalx("ipc: %s is not a request", ipc_type_name(m->type));
	if (++chan->next_reqid == 0)
		chan->next_reqid = 1;
	m->reqid = chan->next_reqid;
	/*
	 * Sent before it is recorded: a failed send closes the channel,
	 * which answers every recorded request, and this one must be
	 * answered once, by the return value.  No reply can come before
	 * we are back in the event loop.
	 */
	if (ipc_send(chan, m) == -1)
		return -1;
	if ((p = calloc(1, sizeof(*p))) == NULL)
		fatal("%s", __func__);
	p->reqid = chan->next_reqid;
	p->expect = def->reply;
	p->cb = cb;
	p->arg = arg;
	p->chan = chan;
	p->timer = evtimer_new(chan->base, request_timeout, p);
	if (p->timer == NULL)
		fatalx("%s: evtimer_new", __func__);
	if (RB_INSERT(ipc_pending_tree, &chan->pending, p) != NULL)
		fatalx("%s: request id %u in use", __func__, p->reqid);
	tv.tv_sec = timeout_ms / 1000;
	tv.tv_usec = (timeout_ms % 1000) * 1000;
	evtimer_add(p->timer, &tv);
	return 0;
}


void
ipc_cancel(struct ipc_chan *chan, uint32_t reqid)
{
	struct ipc_pending	 key, *p;

	key.reqid = reqid;
	if ((p = RB_FIND(ipc_pending_tree, &chan->pending, &key)) != NULL)
		pending_free(chan, p);
}

static int
handle_hello(struct ipc_chan *chan, struct ipc_msg *m, const char **why)
{
	struct ipc_hello h;

	if (ipc_msg_get(m, &h) == -1) {
		*why = m->error != NULL ? m->error : m->refused;
		return -1;
	}
	if (h.version != IPC_VERSION) {
		*why = "hello with another protocol version";
		return -1;
	}
	if (h.id != chan->peer) {
		*why = "hello from an unexpected process";
		return -1;
	}
	chan->hello_seen = 1;
	return 0;
}

static int
handle_reply(struct ipc_chan *chan, struct ipc_msg *m, const char **why)
{
	struct ipc_pending	 key, *p;
	ipc_reply_cb		 cb;
	void			*arg;

	key.reqid = m->reqid;
	if ((p = RB_FIND(ipc_pending_tree, &chan->pending, &key)) == NULL) {
		if (m->reqid > chan->next_reqid) {
			*why = "reply to a request never made";
			return -1;
		}
		log_debug("ipc: late %s from %s dropped",
		    ipc_type_name(m->type), proc_name(chan->peer));
		return 0;
	}
	if (m->type != p->expect) {
		*why = "reply of another kind than the request";
		return -1;
	}
	cb = p->cb;
	arg = p->arg;
	pending_free(chan, p);
	cb(chan, m, arg);
	/* A reply the callback refused was a failed answer for it; one it
	 * found malformed is a violation. */
	if (m->error != NULL) {
		*why = m->error;
		return -1;
	}
	if (m->refused != NULL)
		log_warnx("ipc: %s from %s refused: %s",
		    ipc_type_name(m->type), proc_name(chan->peer), m->refused);
	return 0;
}

/*
 * Content the dispatcher refused: a request gets its error answer, a
 * one-way message is dropped.  Both are logged, the client's text
 * escaped by the logger.
 */
static void
refused(struct ipc_chan *chan, struct ipc_msg *m)
{
	const struct ipc_msgdef	*def = ipc_msgdef(m->type);

	log_warnx("ipc: %s from %s refused: %s", def->name,
	    proc_name(chan->peer), m->refused);
	if (def->flags & IPC_F_REQUEST)
		ipc_send_status(chan, m->type, m->reqid, m->refused_status,
		    m->refused);
}

/* A request's error answer: its reply type's head, and nothing after. */
int
ipc_send_status(struct ipc_chan *chan, enum ipc_type reqtype, uint32_t reqid,
    uint32_t status, const char *message)
{
	struct ipc_msg	 m;

	ipc_msg_init_reply(&m, reqtype, reqid);
	ipc_put_head(&m, status, message);
	return ipc_send(chan, &m);
}

static int
chan_handle(struct ipc_chan *chan, struct ipc_msg *m, const char **why)
{
	const struct ipc_msgdef	*def = ipc_msgdef(m->type);

	if (!chan->hello_seen) {
		if (m->type != IPC_HELLO) {
			*why = "message before hello";
			return -1;
		}
		return handle_hello(chan, m, why);
	}
	if (m->type == IPC_HELLO) {
		*why = "second hello";
		return -1;
	}
	if (def->flags & IPC_F_REPLY) {
		return handle_reply(chan, m, why);
	}
	if (chan->dispatch(chan, m, chan->arg) == -1) {
		if (m->error == NULL && m->refused != NULL &&
		    !(def->flags & IPC_F_STRICT)) {
			refused(chan, m);
			return 0;
		}
		*why = m->error != NULL ? m->error : m->refused != NULL ?
		    m->refused : "rejected by dispatcher";
		return -1;
	}
	return 0;
}

static void
chan_read(evutil_socket_t sock, short ev, void *arg)
{
	struct ipc_chan	*chan = arg;
	struct ipc_msg	 m;
	const char	*why;
	ssize_t		 n;
	int		 fd, budget, rc;

	(void)sock;
	(void)ev;
	/* A bounded batch per wakeup keeps other channels served. */
	for (budget = 64; budget > 0 && !chan->closed; budget--) {
		n = ipc_recv_raw(chan->fd, chan->rbuf, IPC_MAX_MSG, &fd);
		if (n == -1) {
			if (errno == EAGAIN)
				return;
			log_warn("ipc: receive from %s", proc_name(chan->peer));
			chan_close(chan, NULL);
			return;
		}
		if (n == 0) {
			chan_close(chan, peer_hung_up(chan->fd, fd) ? NULL :
			    "empty datagram");
			return;
		}
		if (n == -2) {
			chan_close(chan, "datagram truncated or oversized");
			return;
		}
		if (ipc_decode(&m, chan->rbuf, n, fd, chan->peer, chan->self,
		    &why) == -1) {
			if (fd != -1)
				close(fd);
			chan_close(chan, why);
			return;
		}
		chan->msgs_in++;
		rc = chan_handle(chan, &m, &why);
		ipc_msg_clear(&m);
		/* it may have carried a secret */
		explicit_bzero(chan->rbuf, n);
		if (rc == -1) {
			chan_close(chan, why);
			return;
		}
	}
}

static void
chan_free_later(evutil_socket_t fd, short ev, void *arg)
{
	(void)fd;
	(void)ev;
	ipc_chan_free(arg);
}

void
ipc_chan_free_deferred(struct ipc_chan *chan)
{
	if (event_base_once(chan->base, -1, EV_TIMEOUT, chan_free_later, chan,
	    NULL) == -1)
		fatalx("%s: event_base_once", __func__);
}
