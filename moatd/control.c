/*
 * The control socket: a root-only SOCK_SEQPACKET unix socket for moatctl,
 * speaking the same typed messages as the links between the processes.
 */
#include <sys/types.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>

#include <errno.h>
#include <fcntl.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cidr.h"
#include "fields.h"
#include "log.h"
#include "moatd.h"
#include "userrec.h"
#include "util.h"

#define CONTROL_MAX_CLIENTS	16
/* sshd's AuthorizedKeysCommandUser: may ask for authorized keys only */
#define CONTROL_KEYS_USER	"_moatkeys"

enum control_peer {
	PEER_REFUSED,
	PEER_KEYS,		/* authorized keys, nothing else */
	PEER_OPERATOR,
};

static uid_t		 keys_uid = (uid_t)-1;
static gid_t		 keys_gid = (gid_t)-1;

static struct event	*control_ev;
static int		 control_clients;

/* A moatctl request moatd passed on to a child, until it is answered. */
struct forward {
	TAILQ_ENTRY(forward)	 entry;
	struct ipc_chan		*ctl;		/* NULL once moatctl left */
	uint32_t		 reqid;
	enum ipc_type		 type;
};
static TAILQ_HEAD(, forward) forwards = TAILQ_HEAD_INITIALIZER(forwards);
static char		 control_path[sizeof(((struct sockaddr_un *)0)->sun_path)];

static void
put_proc(struct ipc_msg *msg, const char *name, pid_t pid, const char *user,
    uid_t uid, time_t started)
{
	ipc_put_str(msg, name);
	ipc_put_u64(msg, (uint64_t)pid);
	ipc_put_str(msg, user);
	ipc_put_u64(msg, (uint64_t)uid);
	ipc_put_u64(msg, (uint64_t)started);
}

static void
control_status(struct moatd *m, struct ipc_chan *chan,
    const struct ipc_msg *req)
{
	struct ipc_msg	 msg;
	int		 id;

	ipc_msg_init(&msg, IPC_CTL_STATUS_RES, 0);
	ipc_put_head(&msg, 200, "ok");
	ipc_put_u64(&msg, 1 + PROC_LAST_CHILD - PROC_FIRST_CHILD + 1);
	/* without root every child runs as moatd's own user */
	put_proc(&msg, "moatd", getpid(), geteuid() == 0 ? "root" :
	    m->children[PROC_TASKD].user, geteuid(), m->started_at);
	for (id = PROC_FIRST_CHILD; id <= PROC_LAST_CHILD; id++) {
		struct child	*c = &m->children[id];

		put_proc(&msg, proc_name(id), c->pid, c->user, c->uid,
		    c->started);
	}
	ipc_reply(chan, req, &msg);
}

static void
control_reload(struct moatd *m, struct ipc_chan *chan,
    const struct ipc_msg *req)
{
	struct ipc_msg	 msg;
	char		 text[512];
	int		 ok;

	ok = config_reload(m, text, sizeof(text)) == 0;
	log_info("moatctl reload: %s", text);
	ipc_msg_init(&msg, IPC_CTL_RESULT, 0);
	ipc_put_head(&msg, ok ? 200 : 400, text);
	ipc_reply(chan, req, &msg);
}

static struct forward *
forward_new(struct ipc_chan *ctl, const struct ipc_msg *req)
{
	struct forward	*f;

	if ((f = calloc(1, sizeof(*f))) == NULL)
		fatal("%s", __func__);
	f->ctl = ctl;
	f->reqid = req->reqid;
	f->type = req->type;
	TAILQ_INSERT_TAIL(&forwards, f, entry);
	return f;
}

/* Hands the child's answer back to moatctl, item for item. */
static void
forwarded(struct ipc_chan *chan, struct ipc_msg *msg, void *arg)
{
	struct forward	*f = arg;
	struct ipc_msg	 req, out;

	(void)chan;
	TAILQ_REMOVE(&forwards, f, entry);
	if (f->ctl != NULL) {
		memset(&req, 0, sizeof(req));
		req.type = f->type;
		req.reqid = f->reqid;
		if (msg == NULL)
			ipc_reply_head(f->ctl, &req, 503, "no answer");
		else {
			ipc_msg_init(&out, msg->type, 0);
			ipc_append_decoded(&out, msg);
			ipc_reply(f->ctl, &req, &out);
		}
	}
	free(f);
}

/* An op.res from a child, to moatctl as a ctl.result. */
static void
op_done(struct ipc_chan *chan, struct ipc_msg *msg, void *arg)
{
	struct forward	*f = arg;
	struct ipc_msg	 req;
	struct ipc_head	 h;

	(void)chan;
	TAILQ_REMOVE(&forwards, f, entry);
	if (msg == NULL || ipc_get_head(msg, &h) == -1 ||
	    (ipc_status_ok(h.status) && ipc_end(msg) == -1)) {
		h.status = 503;
		strlcpy(h.message, "no answer", sizeof(h.message));
	}
	if (f->ctl != NULL) {
		memset(&req, 0, sizeof(req));
		req.type = f->type;
		req.reqid = f->reqid;
		ipc_reply_head(f->ctl, &req, h.status, h.message);
	}
	free(f);
}

/* client add/list/del: authd mints secrets, stored keeps clients */
static int
control_client(struct moatd *m, struct ipc_chan *chan, struct ipc_msg *msg)
{
	struct ipc_msg	 out;
	char		 name[72], user[EMAIL_MAX + 1], allow[CIDR_LIST_MAX];
	char		 login[FIELD_LOGIN_NAME_MAX + 1];
	uint32_t	 count;
	struct forward	*f;
	enum proc_id	 to = PROC_STORED;
	ipc_reply_cb	 cb = forwarded;

	switch (msg->type) {
	case IPC_CTL_CLIENT_ADD:
		ipc_get_str(msg, name, sizeof(name));
		ipc_get_str(msg, user, sizeof(user));
		ipc_get_str(msg, allow, sizeof(allow));
		if (ipc_end(msg) == -1)
			return -1;
		ipc_msg_init(&out, IPC_CLIENT_ADD, 0);
		ipc_put_str(&out, name);
		ipc_put_str(&out, user);
		ipc_put_str(&out, allow);
		to = PROC_AUTHD;
		break;
	case IPC_CTL_CLIENT_LIST:
		if (ipc_end(msg) == -1)
			return -1;
		ipc_msg_init(&out, IPC_CLIENT_LIST, 0);
		break;
	case IPC_CTL_AUTHKEYS:
		ipc_get_str(msg, login, sizeof(login));
		if (ipc_end(msg) == -1)
			return -1;
		ipc_msg_init(&out, IPC_AUTHKEYS, 0);
		ipc_put_str(&out, login);
		break;
	case IPC_CTL_TASK_NOOP:
		ipc_get_u32(msg, &count);
		if (ipc_end(msg) == -1)
			return -1;
		ipc_msg_init(&out, IPC_TASK_NOOP, 0);
		ipc_put_u64(&out, count);
		cb = op_done;	/* an op.res, answered as ctl.result */
		break;
	case IPC_CTL_SESSIONS_END:
		ipc_get_str(msg, login, sizeof(login));
		if (ipc_end(msg) == -1)
			return -1;
		ipc_msg_init(&out, IPC_SESSIONS_END, 0);
		ipc_put_str(&out, login);
		cb = op_done;
		break;
	default:
		ipc_get_str(msg, name, sizeof(name));
		if (ipc_end(msg) == -1)
			return -1;
		ipc_msg_init(&out, IPC_CLIENT_DEL, 0);
		ipc_put_str(&out, name);
		cb = op_done;
		break;
	}
	f = forward_new(chan, msg);
	if (ipc_request(m->children[to].chan, &out, 10000, cb, f) == -1) {
		TAILQ_REMOVE(&forwards, f, entry);
		free(f);
		return -1;
	}
	return 0;
}

static int
control_dispatch(struct ipc_chan *chan, struct ipc_msg *msg, void *arg)
{
	struct moatd	*m = arg;

	switch (msg->type) {
	case IPC_CTL_STATUS:
		if (ipc_end(msg) == -1)
			return -1;
		control_status(m, chan, msg);
		break;
	case IPC_CTL_RELOAD:
		if (ipc_end(msg) == -1)
			return -1;
		control_reload(m, chan, msg);
		break;
	case IPC_CTL_CLIENT_ADD:
	case IPC_CTL_CLIENT_LIST:
	case IPC_CTL_CLIENT_DEL:
	case IPC_CTL_AUTHKEYS:
	case IPC_CTL_TASK_NOOP:
	case IPC_CTL_SESSIONS_END:
		if (!m->started)
			return -1;
		return control_client(m, chan, msg);
	default:
		return -1;
	}
	return 0;
}

/* sshd's user may ask for authorized keys; anything else ends it. */
static int
control_dispatch_keys(struct ipc_chan *chan, struct ipc_msg *msg, void *arg)
{
	if (msg->type != IPC_CTL_AUTHKEYS)
		return -1;
	return control_dispatch(chan, msg, arg);
}

static void
control_closed(struct ipc_chan *chan, const char *why, void *arg)
{
	struct forward	*f;

	(void)why;
	(void)arg;
	TAILQ_FOREACH(f, &forwards, entry)
		if (f->ctl == chan)
			f->ctl = NULL;
	control_clients--;
	if (control_clients < CONTROL_MAX_CLIENTS)
		event_add(control_ev, NULL);
	ipc_chan_free_deferred(chan);
}

static enum control_peer
peer_allowed(int fd)
{
	struct ucred	 cred;
	socklen_t	 len = sizeof(cred);

	if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &len) == -1)
		return PEER_REFUSED;
	/* root, or the user running a development suite */
	if (cred.uid == 0 || cred.uid == geteuid())
		return PEER_OPERATOR;
	if (keys_uid != (uid_t)-1 && (cred.uid == keys_uid ||
	    cred.gid == keys_gid))
		return PEER_KEYS;
	return PEER_REFUSED;
}

static void
control_accept(evutil_socket_t lfd, short ev, void *arg)
{
	struct moatd		*m = arg;
	enum control_peer	 peer;
	int			 fd;

	(void)ev;
	if ((fd = accept4(lfd, NULL, NULL, SOCK_CLOEXEC)) == -1) {
		if (errno != EAGAIN && errno != EINTR)
			log_warn("control: accept");
		return;
	}
	if ((peer = peer_allowed(fd)) == PEER_REFUSED) {
		log_warnx("control: refused a client that is not root");
		close(fd);
		return;
	}
	if (ipc_socket_tune(fd) == -1)
		log_warn("control: buffers");
	ipc_chan_new(m->base, fd, PROC_MOATD, PROC_MOATCTL,
	    peer == PEER_KEYS ? control_dispatch_keys : control_dispatch,
	    control_closed, m);
	if (++control_clients >= CONTROL_MAX_CLIENTS)
		event_del(control_ev);
}

/*
 * sshd runs its AuthorizedKeysCommand as a user of its own: when that
 * user exists, its group may connect, and may ask for keys alone.
 */
static void
keys_user_init(const char *path)
{
	struct passwd	*pw;

	if (geteuid() != 0 || (pw = getpwnam(CONTROL_KEYS_USER)) == NULL)
		return;
	if (chown(path, 0, pw->pw_gid) == -1 || chmod(path, 0660) == -1)
		fatal("control: %s", path);
	keys_uid = pw->pw_uid;
	keys_gid = pw->pw_gid;
}

void
control_init(struct moatd *m)
{
	struct sockaddr_un	 sun;
	struct stat		 st;
	mode_t			 old;
	int			 fd;

	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	if (strlcpy(sun.sun_path, m->conf->control_socket,
	    sizeof(sun.sun_path)) >= sizeof(sun.sun_path))
		fatalx("control socket path too long: %s",
		    m->conf->control_socket);
	if (lstat(sun.sun_path, &st) == 0) {
		if (!S_ISSOCK(st.st_mode))
			fatalx("%s exists and is not a socket", sun.sun_path);
		unlink(sun.sun_path);
	}
	fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd == -1)
		fatal("control: socket");
	old = umask(0177);
	if (bind(fd, (struct sockaddr *)&sun, sizeof(sun)) == -1)
		fatal("control: bind %s", sun.sun_path);
	umask(old);
	if (chmod(sun.sun_path, 0600) == -1 || listen(fd, 8) == -1)
		fatal("control: %s", sun.sun_path);
	keys_user_init(sun.sun_path);
	m->control_fd = fd;
	/* a reload may name another path; this one is what we bound */
	strlcpy(control_path, sun.sun_path, sizeof(control_path));
	control_ev = event_new(m->base, fd, EV_READ | EV_PERSIST,
	    control_accept, m);
	if (control_ev == NULL || event_add(control_ev, NULL) == -1)
		fatalx("control: event");
}

void
control_cleanup(struct moatd *m)
{
	if (m->control_fd != -1)
		unlink(control_path);
}
