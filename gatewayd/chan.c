/*
 * A connection's sessions, in its child (conn.c).  A channel's request
 * (shell, exec, the sftp subsystem, with or without a pty) goes to the
 * parent, which has taskd open the session and hands back its control
 * socket (common/gwctl.h): over it come the terminal's master, or a
 * socket for stdin and stdout and a pipe for stderr, and at last the
 * exit status, which is sent to the client once the output is drained.
 * Window changes set the terminal's size here (TIOCSWINSZ).
 */
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/types.h>

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include <libssh/callbacks.h>

#include "gatewayd.h"
#include "gwctl.h"
#include "log.h"

#define CHAN_READ	32768

struct gw_chan {
	ssh_channel	 ch;
	uint32_t	 id;		/* 1..GW_MAX_CHANNELS */
	int		 started;
	int		 tty;
	uint32_t	 cols, rows;
	char		 term[GW_TERM_MAX + 1];
	int		 ctl, out, err;	/* out: the master or the socket */
	int		 out_eof, err_eof;
	int		 exited;
	int		 finished;	/* exit-status sent */
	int		 status;
	struct ssh_channel_callbacks_struct cb;
};

static struct {
	ssh_session	 session;
	ssh_event	 event;
	int		 parent;
	struct gw_chan	*chans[GW_MAX_CHANNELS + 1];
	time_t		 last;
} cs;

int
chan_idle(void)
{
	return (int)(time(NULL) - cs.last);
}

void
chan_setup(ssh_session session, ssh_event event, int parent)
{
	cs.session = session;
	cs.event = event;
	cs.parent = parent;
	cs.last = time(NULL);
}

static void
drop_fd(int *fd)
{
	if (*fd == -1)
		return;
	ssh_event_remove_fd(cs.event, *fd);
	close(*fd);
	*fd = -1;
}

/* Copies what is there to the client; 0 at its end, else 1. */
static int
pump(struct gw_chan *c, int fd, int is_err)
{
	char	 buf[CHAN_READ];
	ssize_t	 n;

	n = read(fd, buf, sizeof(buf));
	if (n == -1 && (errno == EAGAIN || errno == EINTR))
		return 1;
	if (n <= 0)
		return 0;	/* a pty's master reads EIO once all is shut */
	cs.last = time(NULL);
	if ((is_err ? ssh_channel_write_stderr(c->ch, buf, n) :
	    ssh_channel_write(c->ch, buf, n)) == SSH_ERROR)
		return 0;
	return 1;
}

static void
finish(struct gw_chan *c)
{
	if (!c->exited || c->finished || c->out != -1 || c->err != -1)
		return;
	c->finished = 1;
	if (c->ch != NULL && ssh_channel_is_open(c->ch)) {
		ssh_channel_request_send_exit_status(c->ch, c->status);
		ssh_channel_send_eof(c->ch);
		ssh_channel_close(c->ch);
	}
	drop_fd(&c->ctl);
}

static int
out_ready(socket_t fd, int revents, void *arg)
{
	struct gw_chan	*c = arg;
	int		 is_err = fd == c->err;

	(void)revents;
	/* a descriptor dropped earlier in the same round of poll */
	if (fd == -1 || (fd != c->out && fd != c->err))
		return 0;
	if (!pump(c, fd, is_err)) {
		drop_fd(is_err ? &c->err : &c->out);
		finish(c);
	}
	return 0;
}

/* Everything written before the exit is in the buffers: drain it. */
static void
drain(struct gw_chan *c, int *fd)
{
	int	 more = 1;

	if (*fd == -1)
		return;
	(void)fcntl(*fd, F_SETFL, O_NONBLOCK);
	while (more) {
		char	 buf[CHAN_READ];
		ssize_t	 n = read(*fd, buf, sizeof(buf));

		if (n <= 0)
			break;
		if ((fd == &c->err ? ssh_channel_write_stderr(c->ch, buf, n) :
		    ssh_channel_write(c->ch, buf, n)) == SSH_ERROR)
			more = 0;
	}
	drop_fd(fd);
}

static int
ctl_ready(socket_t fd, int revents, void *arg)
{
	struct gw_chan		*c = arg;
	struct gwctl_msg	 m;
	ssize_t			 n;
	int			 fds[2], nfds, i;

	(void)revents;
	if (fd != c->ctl || c->exited)
		return 0;
	n = gwmsg_recv(fd, &m, sizeof(m), fds, &nfds);
	if (n == -1 && (errno == EAGAIN || errno == EINTR))
		return 0;
	for (i = 0; i < nfds; i++)
		close(fds[i]);	/* the streams came first, with the open */
	if (n <= 0 || gwctl_check(&m, n, nfds, c->tty) == -1 ||
	    m.type != GWCTL_EXIT)
		m.status = 255;
	c->exited = 1;
	c->status = m.status;
	drain(c, &c->out);
	drain(c, &c->err);
	finish(c);
	return 0;
}

/* The streams, which the runner sends at once after the open. */
static int
take_streams(struct gw_chan *c)
{
	struct pollfd		 pfd = { c->ctl, POLLIN, 0 };
	struct gwctl_msg	 m;
	ssize_t			 n;
	int			 fds[2], nfds, i;

	if (poll(&pfd, 1, GW_ANSWER_TIMEOUT * 1000) != 1)
		return -1;
	n = gwmsg_recv(c->ctl, &m, sizeof(m), fds, &nfds);
	if (n < 0 || gwctl_check(&m, n, nfds, c->tty) == -1 ||
	    m.type != GWCTL_FDS) {
		for (i = 0; i < nfds; i++)
			close(fds[i]);
		return -1;
	}
	c->out = fds[0];
	c->err = c->tty ? -1 : fds[1];
	if (ssh_event_add_fd(cs.event, c->out, POLLIN, out_ready,
	    c) != SSH_OK ||
	    (c->err != -1 && ssh_event_add_fd(cs.event, c->err, POLLIN,
	    out_ready, c) != SSH_OK) ||
	    ssh_event_add_fd(cs.event, c->ctl, POLLIN, ctl_ready, c) != SSH_OK)
		return -1;
	return 0;
}

/* Asks the parent for the session; 0 with c->ctl set, or -1. */
static int
open_session(struct gw_chan *c, uint32_t kind, const char *command)
{
	struct pollfd	 pfd = { cs.parent, POLLIN, 0 };
	struct gw_up	*u;
	struct gw_down	 d;
	ssize_t		 n;
	int		 fds[2], nfds = 0, i;

	if (c->started || (u = calloc(1, sizeof(*u))) == NULL)
		return -1;
	c->started = 1;
	u->type = GWUP_OPEN;
	u->chan_id = c->id;
	u->kind = kind;
	u->tty = c->tty;
	u->cols = c->cols;
	u->rows = c->rows;
	strlcpy(u->term, c->term, sizeof(u->term));
	strlcpy(u->command, command != NULL ? command : "",
	    sizeof(u->command));
	n = send(cs.parent, u, sizeof(*u), MSG_NOSIGNAL);
	free(u);
	if (n != (ssize_t)sizeof(*u) ||
	    poll(&pfd, 1, GW_ANSWER_TIMEOUT * 1000) != 1)
		return -1;
	n = gwmsg_recv(cs.parent, &d, sizeof(d), fds, &nfds);
	if (n != (ssize_t)sizeof(d) || d.type != GWDOWN_OPEN || d.ok != 1 ||
	    nfds != 1 || d.chan_id != c->id) {
		for (i = 0; i < nfds; i++)
			close(fds[i]);
		return -1;
	}
	c->ctl = fds[0];
	if (take_streams(c) == -1) {
		drop_fd(&c->ctl);
		return -1;
	}
	cs.last = time(NULL);
	return 0;
}

static int
data_in(ssh_session s, ssh_channel ch, void *data, uint32_t len,
    int is_stderr, void *arg)
{
	struct gw_chan	*c = arg;
	const char	*p = data;
	uint32_t	 done = 0;
	ssize_t		 n;

	(void)s;
	(void)ch;
	if (is_stderr || c->out == -1)
		return len;	/* nowhere to go: dropped */
	cs.last = time(NULL);
	while (done < len) {
		n = write(c->out, p + done, len - done);
		if (n == -1 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		done += n;
	}
	return len;
}

static void
eof_in(ssh_session s, ssh_channel ch, void *arg)
{
	struct gw_chan	*c = arg;

	(void)s;
	(void)ch;
	/* the process reads the end of its input */
	if (!c->tty && c->out != -1)
		shutdown(c->out, SHUT_WR);
}

static void
close_in(ssh_session s, ssh_channel ch, void *arg)
{
	struct gw_chan	*c = arg;

	(void)s;
	(void)ch;
	/* the runner sees its control socket close and ends the session */
	drop_fd(&c->out);
	drop_fd(&c->err);
	drop_fd(&c->ctl);
	c->exited = 1;
}

static int
pty_request(ssh_session s, ssh_channel ch, const char *term, int cols,
    int rows, int px, int py, void *arg)
{
	struct gw_chan	*c = arg;

	(void)s;
	(void)ch;
	(void)px;
	(void)py;
	if (c->started || cols < 0 || rows < 0 || cols > 10000 ||
	    rows > 10000 || strlen(term) > GW_TERM_MAX ||
	    strspn(term, "abcdefghijklmnopqrstuvwxyz"
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.+") != strlen(term))
		return -1;
	c->tty = 1;
	c->cols = cols;
	c->rows = rows;
	strlcpy(c->term, term, sizeof(c->term));
	return 0;
}

static int
window_change(ssh_session s, ssh_channel ch, int cols, int rows, int px,
    int py, void *arg)
{
	struct gw_chan	*c = arg;
	struct winsize	 ws;

	(void)s;
	(void)ch;
	(void)px;
	(void)py;
	if (!c->tty || c->out == -1 || cols <= 0 || rows <= 0 ||
	    cols > 10000 || rows > 10000)
		return -1;
	memset(&ws, 0, sizeof(ws));
	ws.ws_col = cols;
	ws.ws_row = rows;
	return ioctl(c->out, TIOCSWINSZ, &ws) == -1 ? -1 : 0;
}

static int
shell_request(ssh_session s, ssh_channel ch, void *arg)
{
	(void)s;
	(void)ch;
	return open_session(arg, GW_KIND_SHELL, NULL);
}

static int
exec_request(ssh_session s, ssh_channel ch, const char *command, void *arg)
{
	(void)s;
	(void)ch;
	if (command[0] == '\0' || strlen(command) > GW_COMMAND_MAX)
		return -1;
	return open_session(arg, GW_KIND_EXEC, command);
}

static int
subsystem_request(ssh_session s, ssh_channel ch, const char *name,
    void *arg)
{
	(void)s;
	(void)ch;
	if (strcmp(name, "sftp") != 0)
		return -1;
	return open_session(arg, GW_KIND_SFTP, NULL);
}

static int
env_request(ssh_session s, ssh_channel ch, const char *name,
    const char *value, void *arg)
{
	(void)s;
	(void)ch;
	(void)name;
	(void)value;
	(void)arg;
	return -1;	/* the host's environment is the image's */
}

ssh_channel
chan_open_session(ssh_session session, void *arg)
{
	struct gw_chan	*c;
	uint32_t	 id;

	(void)arg;
	for (id = 1; id <= GW_MAX_CHANNELS; id++)
		if (cs.chans[id] == NULL || (cs.chans[id]->exited &&
		    cs.chans[id]->ctl == -1 && cs.chans[id]->out == -1 &&
		    cs.chans[id]->err == -1 &&
		    (cs.chans[id]->ch == NULL ||
		    !ssh_channel_is_open(cs.chans[id]->ch))))
			break;
	if (id > GW_MAX_CHANNELS)
		return NULL;
	if (cs.chans[id] != NULL) {
		ssh_channel_free(cs.chans[id]->ch);
		free(cs.chans[id]);
	}
	if ((c = calloc(1, sizeof(*c))) == NULL)
		return NULL;
	c->id = id;
	c->ctl = c->out = c->err = -1;
	if ((c->ch = ssh_channel_new(session)) == NULL) {
		free(c);
		return NULL;
	}
	c->cb.userdata = c;
	c->cb.channel_data_function = data_in;
	c->cb.channel_eof_function = eof_in;
	c->cb.channel_close_function = close_in;
	c->cb.channel_pty_request_function = pty_request;
	c->cb.channel_pty_window_change_function = window_change;
	c->cb.channel_shell_request_function = shell_request;
	c->cb.channel_exec_request_function = exec_request;
	c->cb.channel_subsystem_request_function = subsystem_request;
	c->cb.channel_env_request_function = env_request;
	ssh_callbacks_init(&c->cb);
	if (ssh_set_channel_callbacks(c->ch, &c->cb) != SSH_OK) {
		ssh_channel_free(c->ch);
		free(c);
		return NULL;
	}
	cs.chans[id] = c;
	cs.last = time(NULL);
	return c->ch;
}
