/*
 * One SSH connection, in a child of gatewayd (gatewayd.h): the key
 * exchange with the host key, then at most GW_AUTH_ATTEMPTS logins,
 * each judged by authd through the parent, then the sessions
 * (chan.c).  Forwarding of any kind (direct-tcpip, tcpip-forward,
 * agent, X11) is refused: libssh refuses what no callback takes.
 */
#include <sys/socket.h>
#include <sys/types.h>

#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <libssh/callbacks.h>

#include "gatewayd.h"
#include "log.h"

static struct {
	int		 parent;
	int		 attempts;
	int		 authed;
	ssh_session	 session;
	ssh_event	 event;
	char		 user[GW_USER_MAX + 1];
} cn;

/* The parent's answer to an AUTH, or a refusal if none comes. */
static int
ask(struct gw_up *u, char *message, size_t len)
{
	struct pollfd	 pfd = { cn.parent, POLLIN, 0 };
	struct gw_down	 d;
	ssize_t		 n;
	int		 fds[2], nfds, i;

	message[0] = '\0';
	n = send(cn.parent, u, sizeof(*u), MSG_NOSIGNAL);
	explicit_bzero(u->secret, sizeof(u->secret));
	if (n != (ssize_t)sizeof(*u))
		_exit(0);
	if (poll(&pfd, 1, GW_ANSWER_TIMEOUT * 1000) != 1)
		return 0;
	n = gwmsg_recv(cn.parent, &d, sizeof(d), fds, &nfds);
	for (i = 0; i < nfds; i++)
		close(fds[i]);
	if (n != (ssize_t)sizeof(d))
		_exit(0);	/* the parent is gone */
	d.message[sizeof(d.message) - 1] = '\0';
	strlcpy(message, d.message, len);
	return d.type == GWDOWN_AUTH && d.ok == 1;
}

/* What the client should read when it is refused for a reason. */
static void
tell(const char *message)
{
	char		 text[192];
	ssh_string	 s;

	if (message[0] == '\0' || strcmp(message, "invalid credentials") == 0)
		return;
	snprintf(text, sizeof(text), "moat: %s\r\n", message);
	if ((s = ssh_string_from_char(text)) != NULL) {
		(void)ssh_send_issue_banner(cn.session, s);
		ssh_string_free(s);
	}
}

/*
 * A failed attempt; the last one allowed ends the connection instead of
 * being answered, as sshd does past MaxAuthTries, so that no client
 * asks for a fourth password.
 */
static int
failed(void)
{
	if (++cn.attempts >= GW_AUTH_ATTEMPTS) {
		ssh_disconnect(cn.session);
		_exit(0);
	}
	return SSH_AUTH_DENIED;
}

static int
judged(struct gw_up *u)
{
	char	 message[128];
	int	 ok, probe = u->probe;

	u->type = GWUP_AUTH;
	strlcpy(u->user, cn.user, sizeof(u->user));
	ok = ask(u, message, sizeof(message));
	if (probe)
		return ok ? SSH_AUTH_SUCCESS : SSH_AUTH_DENIED;
	if (ok) {
		cn.authed = 1;
		return SSH_AUTH_SUCCESS;
	}
	tell(message);
	return failed();
}

/* A client may not change its user name between attempts. */
static int
same_user(const char *user)
{
	if (strlen(user) > GW_USER_MAX)
		return 0;
	if (cn.user[0] == '\0')
		strlcpy(cn.user, user, sizeof(cn.user));
	return strcmp(cn.user, user) == 0;
}

static int
auth_password(ssh_session s, const char *user, const char *password,
    void *arg)
{
	struct gw_up	*u;
	int		 rc;

	(void)s;
	(void)arg;
	if (cn.attempts >= GW_AUTH_ATTEMPTS)
		return SSH_AUTH_DENIED;
	if (!same_user(user) || strlen(password) > GW_PASSWORD_MAX)
		return failed();
	if ((u = calloc(1, sizeof(*u))) == NULL)
		_exit(1);
	u->method = GW_METHOD_PASSWORD;
	strlcpy(u->secret, password, sizeof(u->secret));
	rc = judged(u);
	explicit_bzero(u, sizeof(*u));
	free(u);
	return rc;
}

static int
auth_pubkey(ssh_session s, const char *user, struct ssh_key_struct *key,
    char state, void *arg)
{
	struct gw_up	*u;
	char		*b64 = NULL;
	const char	*type;
	int		 rc;

	(void)s;
	(void)arg;
	if (cn.attempts >= GW_AUTH_ATTEMPTS)
		return SSH_AUTH_DENIED;
	/* only a signature libssh verified logs in; a probe only asks */
	if ((state != SSH_PUBLICKEY_STATE_NONE &&
	    state != SSH_PUBLICKEY_STATE_VALID) || !same_user(user))
		return failed();
	type = ssh_key_type_to_char(ssh_key_type(key));
	if (type == NULL || strlen(type) > SSHKEY_TYPE_MAX ||
	    ssh_pki_export_pubkey_base64(key, &b64) != SSH_OK ||
	    strlen(b64) > GW_SECRET_MAX) {
		ssh_string_free_char(b64);
		return state == SSH_PUBLICKEY_STATE_VALID ? failed() :
		    SSH_AUTH_DENIED;
	}
	if ((u = calloc(1, sizeof(*u))) == NULL)
		_exit(1);
	u->method = GW_METHOD_PUBLICKEY;
	u->probe = state == SSH_PUBLICKEY_STATE_NONE;
	strlcpy(u->key_type, type, sizeof(u->key_type));
	strlcpy(u->secret, b64, sizeof(u->secret));
	ssh_string_free_char(b64);
	rc = judged(u);
	free(u);
	return rc;
}

/*
 * A fork does not inherit the parent-death signal, and the sandbox
 * allows no prctl: the parent's socket closing ends the connection.
 * The parent sends only answers, each read where it was asked for.
 */
static int
parent_gone(socket_t fd, int revents, void *arg)
{
	char	 b;

	(void)arg;
	if ((revents & (POLLHUP | POLLERR)) != 0 ||
	    recv(fd, &b, 1, MSG_PEEK | MSG_DONTWAIT) == 0)
		_exit(0);
	return 0;
}

static struct ssh_server_callbacks_struct server_cb = {
	.auth_password_function = auth_password,
	.auth_pubkey_function = auth_pubkey,
	.channel_open_request_session_function = chan_open_session,
};

void
conn_main(ssh_bind bind, int fd, int parent)
{
	time_t	 start = time(NULL);
	long	 timeout = GW_AUTH_TIMEOUT;

	setproctitle("connection");
	memset(&cn, 0, sizeof(cn));
	cn.parent = parent;
	if ((cn.session = ssh_new()) == NULL ||
	    ssh_options_set(cn.session, SSH_OPTIONS_TIMEOUT, &timeout) != 0 ||
	    ssh_bind_accept_fd(bind, cn.session, fd) != SSH_OK)
		_exit(0);
	ssh_set_auth_methods(cn.session, SSH_AUTH_METHOD_PASSWORD |
	    SSH_AUTH_METHOD_PUBLICKEY);
	ssh_callbacks_init(&server_cb);
	if (ssh_set_server_callbacks(cn.session, &server_cb) != SSH_OK ||
	    ssh_handle_key_exchange(cn.session) != SSH_OK)
		_exit(0);
	if ((cn.event = ssh_event_new()) == NULL ||
	    ssh_event_add_session(cn.event, cn.session) != SSH_OK)
		_exit(0);
	chan_setup(cn.session, cn.event, parent);
	if (ssh_event_add_fd(cn.event, parent, POLLIN, parent_gone,
	    NULL) != SSH_OK)
		_exit(0);
	while (!cn.authed) {
		if (ssh_event_dopoll(cn.event, 1000) == SSH_ERROR ||
		    cn.attempts >= GW_AUTH_ATTEMPTS ||
		    time(NULL) - start > GW_AUTH_TIMEOUT) {
			ssh_disconnect(cn.session);
			_exit(0);
		}
	}
	while (ssh_is_connected(cn.session)) {
		if (ssh_event_dopoll(cn.event, 1000) == SSH_ERROR)
			break;
		if (chan_idle() > GW_IDLE_TIMEOUT)
			break;
	}
	ssh_disconnect(cn.session);
	_exit(0);
}
