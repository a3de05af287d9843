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
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "log.h"
#include "moatd.h"
#include "util.h"

#define CONTROL_MAX_CLIENTS	16

static struct event	*control_ev;
static int		 control_clients;
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

	ok = moatd_reload(m, text, sizeof(text)) == 0;
	log_info("moatctl reload: %s", text);
	ipc_msg_init(&msg, IPC_CTL_RESULT, 0);
	ipc_put_bool(&msg, ok);
	ipc_put_str(&msg, text);
	ipc_reply(chan, req, &msg);
}

static int
control_dispatch(struct ipc_chan *chan, struct ipc_msg *msg, void *arg)
{
	struct moatd	*m = arg;

	if (ipc_end(msg) == -1)
		return -1;
	switch (msg->type) {
	case IPC_CTL_STATUS:
		control_status(m, chan, msg);
		break;
	case IPC_CTL_RELOAD:
		control_reload(m, chan, msg);
		break;
	default:
		return -1;
	}
	return 0;
}

static void
control_closed(struct ipc_chan *chan, const char *why, void *arg)
{
	(void)why;
	(void)arg;
	control_clients--;
	if (control_clients < CONTROL_MAX_CLIENTS)
		event_add(control_ev, NULL);
	ipc_chan_free_deferred(chan);
}

static int
peer_allowed(int fd)
{
	struct ucred	 cred;
	socklen_t	 len = sizeof(cred);

	if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &len) == -1)
		return 0;
	/* root, or the user running a development suite */
	return cred.uid == 0 || cred.uid == geteuid();
}

static void
control_accept(evutil_socket_t lfd, short ev, void *arg)
{
	struct moatd	*m = arg;
	int		 fd;

	(void)ev;
	if ((fd = accept4(lfd, NULL, NULL, SOCK_CLOEXEC)) == -1) {
		if (errno != EAGAIN && errno != EINTR)
			log_warn("control: accept");
		return;
	}
	if (!peer_allowed(fd)) {
		log_warnx("control: refused a client that is not root");
		close(fd);
		return;
	}
	if (ipc_socket_tune(fd) == -1)
		log_warn("control: buffers");
	ipc_chan_new(m->base, fd, PROC_MOATD, PROC_MOATCTL, control_dispatch,
	    control_closed, m);
	if (++control_clients >= CONTROL_MAX_CLIENTS)
		event_del(control_ev);
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
