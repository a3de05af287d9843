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

#include "body_core.h"
#include "body_ctl.h"
#include "body_keys.h"
#include "body_users.h"
#include "cidr.h"
#include "dispatch.h"
#include "fields.h"
#include "hostrec.h"
#include "log.h"
#include "moatd.h"
#include "util.h"

/* ipc/ may not include the headers of common/: the limits it repeats */
_Static_assert(CLIENT_USER_FIELD_MAX == EMAIL_MAX, "client.add: user");
_Static_assert(CLIENT_ALLOW_FIELD_MAX + 1 == CIDR_LIST_MAX,
    "client.add: allow");

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
	struct ipc_req		 req;		/* chan NULL once moatctl left */
};
static TAILQ_HEAD(, forward) forwards = TAILQ_HEAD_INITIALIZER(forwards);
static char		 control_path[sizeof(((struct sockaddr_un *)0)->sun_path)];
static struct moatd	*control_env;
static struct ipc_dispatcher dispatcher;

/* A process of the suite, as ctl.status.res lists it. */
static void
put_proc(struct ipc_msg *items, const char *name, pid_t pid,
    const char *user, uid_t uid, time_t started)
{
	struct ipc_ctl_proc	 p;

	strlcpy(p.name, name, sizeof(p.name));
	p.pid = (uint64_t)pid;
	strlcpy(p.user, user, sizeof(p.user));	/* struct child's size */
	p.uid = (uint64_t)uid;
	p.started = (uint64_t)started;
	ipc_msg_put_item(items, &p);
}

static void
control_status(struct moatd *m, const struct ipc_req *req)
{
	struct ipc_status_res	 res;
	struct ipc_msg		 items;
	int			 id;

	memset(&res, 0, sizeof(res));
	res.head.status = 200;
	strlcpy(res.head.message, "ok", sizeof(res.head.message));
	ipc_msg_init(&items, IPC_CTL_STATUS_RES, 0);
	/* without root every child runs as moatd's own user */
	put_proc(&items, "moatd", getpid(), geteuid() == 0 ? "root" :
	    m->children[PROC_TASKD].user, geteuid(), m->started_at);
	for (id = PROC_FIRST_CHILD; id <= PROC_LAST_CHILD; id++) {
		struct child	*c = &m->children[id];

		if (!child_started(m, id))
			continue;
		put_proc(&items, proc_name(id), c->pid, c->user, c->uid,
		    c->started);
	}
	ipc_answer(req, &res, &items);
}

static void
control_reload(struct moatd *m, const struct ipc_req *req)
{
	char	 text[512];
	int	 ok;

	ok = config_reload(m, text, sizeof(text)) == 0;
	log_info("moatctl reload: %s", text);
	ipc_answer_status(req, ok ? 200 : 400, text);
}

static struct forward *
forward_new(struct ipc_chan *ctl, const struct ipc_msg *req)
{
	struct forward	*f;

	if ((f = calloc(1, sizeof(*f))) == NULL)
		fatal("%s", __func__);
	f->req = ipc_req_of(ctl, req);
	TAILQ_INSERT_TAIL(&forwards, f, entry);
	return f;
}

/* Hands the child's answer back to moatctl, item for item. */
static void
forwarded(struct ipc_chan *chan, struct ipc_msg *msg, void *arg)
{
	struct forward	*f = arg;

	(void)chan;
	TAILQ_REMOVE(&forwards, f, entry);
	if (f->req.chan != NULL) {
		if (msg == NULL)
			ipc_answer_status(&f->req, 503, "no answer");
		else
			ipc_answer_forward(&f->req, msg);
	}
	free(f);
}

/* An op.res from a child, to moatctl as a ctl.result. */
static void
op_done(struct ipc_chan *chan, struct ipc_msg *msg, void *arg)
{
	struct forward		*f = arg;
	struct ipc_status_res	 res;

	(void)chan;
	TAILQ_REMOVE(&forwards, f, entry);
	if (msg == NULL || ipc_msg_get(msg, &res) == -1) {
		res.head.status = 503;
		strlcpy(res.head.message, "no answer",
		    sizeof(res.head.message));
	}
	if (f->req.chan != NULL)
		ipc_answer_status(&f->req, res.head.status, res.head.message);
	free(f);
}

/* Passes a moatctl request on to a child, its answer back to moatctl. */
static int
forward(struct ipc_chan *chan, struct ipc_msg *msg, struct ipc_msg *out,
    enum proc_id to, ipc_reply_cb cb)
{
	struct forward	*f;

	if (!control_env->started) {
		ipc_msg_clear(out);
		return ipc_violation(msg, "a request before the suite started");
	}
	f = forward_new(chan, msg);
	if (ipc_request(control_env->children[to].chan, out, 10000, cb,
	    f) == -1) {
		TAILQ_REMOVE(&forwards, f, entry);
		free(f);
		return -1;
	}
	return 0;
}

static int
ctl_status(struct ipc_chan *chan, struct ipc_msg *msg)
{
	struct ipc_req	 req = ipc_req_of(chan, msg);

	if (ipc_msg_get(msg, NULL) == -1)
		return -1;
	control_status(control_env, &req);
	return 0;
}

static int
ctl_reload(struct ipc_chan *chan, struct ipc_msg *msg)
{
	struct ipc_req	 req = ipc_req_of(chan, msg);

	if (ipc_msg_get(msg, NULL) == -1)
		return -1;
	control_reload(control_env, &req);
	return 0;
}

/* client add/list/del: authd mints secrets, stored keeps clients */
static int
ctl_client_add(struct ipc_chan *chan, struct ipc_msg *msg)
{
	struct ipc_client_add	 b;
	struct ipc_msg		 out;

	if (ipc_msg_get(msg, &b) == -1)
		return -1;
	ipc_msg_init(&out, IPC_CLIENT_ADD, 0);
	ipc_msg_put(&out, &b);
	return forward(chan, msg, &out, PROC_AUTHD, forwarded);
}

static int
ctl_client_list(struct ipc_chan *chan, struct ipc_msg *msg)
{
	struct ipc_msg	 out;

	if (ipc_msg_get(msg, NULL) == -1)
		return -1;
	ipc_msg_init(&out, IPC_CLIENT_LIST, 0);
	ipc_msg_put(&out, NULL);
	return forward(chan, msg, &out, PROC_STORED, forwarded);
}

static int
ctl_client_del(struct ipc_chan *chan, struct ipc_msg *msg)
{
	struct ipc_client_del	 b;
	struct ipc_msg		 out;

	if (ipc_msg_get(msg, &b) == -1)
		return -1;
	ipc_msg_init(&out, IPC_CLIENT_DEL, 0);
	ipc_msg_put(&out, &b);
	return forward(chan, msg, &out, PROC_STORED, op_done);
}

static int
ctl_authkeys(struct ipc_chan *chan, struct ipc_msg *msg)
{
	struct ipc_authkeys	 b;
	struct ipc_msg		 out;

	if (ipc_msg_get(msg, &b) == -1)
		return -1;
	ipc_msg_init(&out, IPC_AUTHKEYS, 0);
	ipc_msg_put(&out, &b);
	return forward(chan, msg, &out, PROC_STORED, forwarded);
}

static int
ctl_task_noop(struct ipc_chan *chan, struct ipc_msg *msg)
{
	struct ipc_task_noop	 n;
	struct ipc_msg		 out;

	if (ipc_msg_get(msg, &n) == -1)
		return -1;
	ipc_msg_init(&out, IPC_TASK_NOOP, 0);
	ipc_msg_put(&out, &n);
	/* an op.res, answered as ctl.result */
	return forward(chan, msg, &out, PROC_STORED, op_done);
}

static int
ctl_sessions_end(struct ipc_chan *chan, struct ipc_msg *msg)
{
	struct ipc_sessions_end	 e;
	struct ipc_msg		 out;

	if (ipc_msg_get(msg, &e) == -1)
		return -1;
	ipc_msg_init(&out, IPC_SESSIONS_END, 0);
	ipc_msg_put(&out, &e);
	return forward(chan, msg, &out, PROC_STORED, op_done);
}

/* What moatctl may ask; the children only answer moatd. */
static const struct ipc_handler handlers[] = {
	{ IPC_CTL_STATUS, ctl_status, 0 },
	{ IPC_CTL_RELOAD, ctl_reload, 0 },
	{ IPC_CTL_CLIENT_ADD, ctl_client_add, 0 },
	{ IPC_CTL_CLIENT_LIST, ctl_client_list, 0 },
	{ IPC_CTL_CLIENT_DEL, ctl_client_del, 0 },
	{ IPC_CTL_AUTHKEYS, ctl_authkeys, 0 },
	{ IPC_CTL_TASK_NOOP, ctl_task_noop, 0 },
	{ IPC_CTL_SESSIONS_END, ctl_sessions_end, 0 },
};

/* Exported for the unit test that checks every process's table. */
const struct ipc_dispatch_table dispatch_table = {
	PROC_MOATD, handlers, sizeof(handlers) / sizeof(handlers[0])
};

/* sshd's user may ask for authorized keys; anything else ends it. */
static int
control_dispatch_keys(struct ipc_chan *chan, struct ipc_msg *msg, void *arg)
{
	if (msg->type != IPC_CTL_AUTHKEYS)
		return ipc_violation(msg, "sshd's user asks for keys alone");
	return ipc_dispatch(chan, msg, arg);
}

static void
control_closed(struct ipc_chan *chan, const char *why, void *arg)
{
	struct forward	*f;

	(void)why;
	(void)arg;
	TAILQ_FOREACH(f, &forwards, entry)
		if (f->req.chan == chan)
			f->req.chan = NULL;
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
	    peer == PEER_KEYS ? control_dispatch_keys : ipc_dispatch,
	    control_closed, &dispatcher);
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

	control_env = m;
	ipc_dispatcher_init(&dispatcher, &dispatch_table);
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
