/*
 * moatctl: the operator's command line.  It talks to moatd over the
 * root-only control socket with the suite's own typed messages.
 */
#include <sys/types.h>
#include <sys/socket.h>
#include <sys/un.h>

#include <err.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "body_core.h"
#include "body_ctl.h"
#include "body_keys.h"
#include "body_users.h"
#include "cidr.h"
#include "conffile.h"
#include "hostrec.h"
#include "ipc.h"
#include "log.h"
#include "timefmt.h"
#include "userrec.h"
#include "util.h"
#include "fields.h"

static uint8_t	 rbuf[IPC_MAX_MSG];

static __attribute__((noreturn)) void
usage(void)
{
	fprintf(stderr, "usage: moatctl [-s socket] command\n"
	    "commands:\n"
	    "  status                       list the processes of the suite\n"
	    "  reload                       reload the configuration\n"
	    "  client add NAME --allow CIDR [--allow CIDR ...] [--user USER]\n"
	    "                               a command-API client; prints its\n"
	    "                               secret once\n"
	    "  client list                  the clients\n"
	    "  client del NAME              remove a client and its tokens\n"
	    "  authorized-keys USER         USER's SSH keys, for sshd's\n"
	    "                               AuthorizedKeysCommand\n"
	    "  session end USER             end every login session of USER\n"
	    "  task noop COUNT              queue tasks that do nothing\n");
	exit(1);
}

static const char *
default_socket(void)
{
	static char	 path[PATH_MAX];
	const char	*var = getenv("MOAT_VAR");

	snprintf(path, sizeof(path), "%s/moatd.sock",
	    var != NULL && *var != '\0' ? var : CONF_DEFAULT_VAR);
	return path;
}

static int
connect_moatd(const char *path)
{
	struct sockaddr_un	 sun;
	int			 fd;

	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	if (strlcpy(sun.sun_path, path, sizeof(sun.sun_path)) >=
	    sizeof(sun.sun_path))
		errx(1, "%s: path too long", path);
	if ((fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0)) == -1)
		err(1, "socket");
	if (connect(fd, (struct sockaddr *)&sun, sizeof(sun)) == -1)
		err(1, "connect %s (is moatd running?)", path);
	if (ipc_socket_tune(fd) == -1)
		err(1, "setsockopt");
	return fd;
}

static void
send_msg(int fd, struct ipc_msg *m)
{
	const void	*buf;
	size_t		 len;

	if (ipc_msg_finish(m, &buf, &len) == -1)
		errx(1, "message too large");
	if (ipc_send_raw(fd, buf, len, -1) == -1)
		err(1, "send");
	ipc_msg_clear(m);
}

static void
recv_msg(int fd, struct ipc_msg *m)
{
	const char	*why;
	ssize_t		 n;
	int		 rfd;

	n = ipc_recv_raw(fd, rbuf, sizeof(rbuf), &rfd);
	if (n == 0)
		errx(1, "moatd closed the connection");
	if (n < 0)
		errx(1, "receive failed");
	if (ipc_decode(m, rbuf, n, rfd, PROC_MOATD, PROC_MOATCTL, &why) == -1) {
		if (rfd != -1)
			close(rfd);
		errx(1, "malformed answer from moatd: %s", why);
	}
}

/* hello both ways, then one request and its answer */
static void
exchange(int fd, struct ipc_msg *req, struct ipc_msg *res)
{
	struct ipc_hello h = { IPC_VERSION, PROC_MOATCTL };
	struct ipc_msg	 hello;

	ipc_msg_init(&hello, IPC_HELLO, 0);
	ipc_msg_put(&hello, &h);
	send_msg(fd, &hello);
	recv_msg(fd, &hello);
	if (hello.type != IPC_HELLO || ipc_msg_get(&hello, &h) == -1 ||
	    h.version != IPC_VERSION || h.id != PROC_MOATD)
		errx(1, "moatd speaks another protocol version");
	ipc_msg_clear(&hello);
	req->reqid = 1;
	send_msg(fd, req);
	recv_msg(fd, res);
	if (res->reqid != 1)
		errx(1, "answer to another request");
}

/*
 * A typed answer (a reply struct opens with its head) read whole but
 * for a list's elements, which follow; exits unless it succeeded.
 */
static void
answer_read(struct ipc_msg *res, void *body)
{
	const struct ipc_head	*h = body;

	if (ipc_msg_get(res, body) == -1)
		errx(1, "malformed answer: %s", res->error != NULL ?
		    res->error : res->refused);
	if (!ipc_status_ok(h->status))
		errx(1, "%s", h->message);
}

static int
cmd_status(int fd)
{
	struct ipc_msg		 req, res;
	struct ipc_status_res	 b;
	struct ipc_ctl_proc	 p;
	char			 up[32];
	time_t			 now = time(NULL);
	int			 n = 0, rc;

	ipc_msg_init(&req, IPC_CTL_STATUS, 0);
	ipc_msg_put(&req, NULL);
	exchange(fd, &req, &res);
	answer_read(&res, &b);
	printf("%-8s %8s %-12s %6s  %s\n", "PROCESS", "PID", "USER", "UID",
	    "UPTIME");
	while ((rc = ipc_msg_get_item(&res, &p)) == 1) {
		if (++n > CTL_PROCS_MAX)
			errx(1, "malformed status");
		format_duration(p.started <= (uint64_t)now ?
		    now - p.started : 0, up, sizeof(up));
		printf("%-8s %8llu %-12s %6llu  %s\n", p.name,
		    (unsigned long long)p.pid, p.user,
		    (unsigned long long)p.uid, up);
	}
	if (rc == -1)
		errx(1, "malformed status: %s", res.error != NULL ? res.error :
		    res.refused);
	ipc_msg_clear(&res);
	return 0;
}

/* A request answered by ctl.result: whether it worked, and why not. */
static int
ctl_result(int fd, struct ipc_msg *req, char *text, size_t textlen)
{
	struct ipc_msg		 res;
	struct ipc_status_res	 b;

	exchange(fd, req, &res);
	if (ipc_msg_get(&res, &b) == -1)
		errx(1, "malformed answer: %s", res.error != NULL ? res.error :
		    res.refused);
	strlcpy(text, b.head.message, textlen);
	ipc_msg_clear(&res);
	return ipc_status_ok(b.head.status);
}

static int
cmd_reload(int fd)
{
	struct ipc_msg	 req;
	char		 text[512];
	int		 ok;

	ipc_msg_init(&req, IPC_CTL_RELOAD, 0);
	ipc_msg_put(&req, NULL);
	ok = ctl_result(fd, &req, text, sizeof(text));
	printf("%s\n", text);
	return ok ? 0 : 1;
}

static int
cmd_client_add(int fd, int argc, char *argv[])
{
	struct ipc_client_add	 b;
	struct ipc_msg		 req, res;
	struct ipc_secret_res	 secret;
	const char		*user = "";
	int			 i;

	if (argc < 1)
		usage();
	memset(&b, 0, sizeof(b));
	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--allow") == 0 && i + 1 < argc) {
			if (b.allow[0] != '\0')
				strlcat(b.allow, " ", sizeof(b.allow));
			if (strlcat(b.allow, argv[++i], sizeof(b.allow)) >=
			    sizeof(b.allow))
				errx(1, "too many --allow");
		} else if (strcmp(argv[i], "--user") == 0 && i + 1 < argc)
			user = argv[++i];
		else
			usage();
	}
	if (b.allow[0] == '\0')
		errx(1, "a client needs at least one --allow CIDR");
	if (strlen(argv[0]) > 64 || strlen(user) > EMAIL_MAX)
		errx(1, "a client name has at most 64 characters, a user "
		    "name %d", EMAIL_MAX);
	strlcpy(b.name, argv[0], sizeof(b.name));
	strlcpy(b.user, user, sizeof(b.user));
	ipc_msg_init(&req, IPC_CTL_CLIENT_ADD, 0);
	ipc_msg_put(&req, &b);
	exchange(fd, &req, &res);
	answer_read(&res, &secret);
	ipc_msg_clear(&res);
	/* shown once: moat keeps only its hash */
	printf("%s\n", secret.secret);
	explicit_bzero(&secret, sizeof(secret));
	return 0;
}

static int
cmd_client_list(int fd)
{
	struct ipc_msg		 req, res;
	struct ipc_list_res	 b;
	struct client_rec	 c;
	char			 when[RFC3339_LEN];
	int			 rc;

	ipc_msg_init(&req, IPC_CTL_CLIENT_LIST, 0);
	ipc_msg_put(&req, NULL);
	exchange(fd, &req, &res);
	answer_read(&res, &b);
	printf("%-20s %-16s %-20s %s\n", "CLIENT", "USER", "CREATED", "ALLOW");
	while ((rc = ipc_msg_get_item(&res, &c)) == 1) {
		rfc3339_format(c.created_at, when);
		printf("%-20s %-16s %-20s %s\n", c.name, c.user, when, c.allow);
	}
	if (rc == -1)
		errx(1, "malformed answer: %s", res.error != NULL ? res.error :
		    res.refused);
	ipc_msg_clear(&res);
	return 0;
}

static int
cmd_client_del(int fd, const char *name)
{
	struct ipc_client_del	 b;
	struct ipc_msg		 req;
	char			 text[512];

	/* a longer name is no client's: moatd refuses it whole */
	if (strlen(name) >= sizeof(b.name))
		errx(1, "client name too long");
	strlcpy(b.name, name, sizeof(b.name));
	ipc_msg_init(&req, IPC_CTL_CLIENT_DEL, 0);
	ipc_msg_put(&req, &b);
	if (!ctl_result(fd, &req, text, sizeof(text)))
		errx(1, "%s", text);
	return 0;
}

/* One line per key; nothing for a user who has none or may not log in. */
static int
cmd_authorized_keys(int fd, const char *user)
{
	struct ipc_authkeys	 q;
	struct ipc_msg		 req, res;
	struct ipc_list_res	 b;
	struct authkey_line	 k;
	int			 rc;

	if (strlen(user) > FIELD_LOGIN_NAME_MAX)
		errx(1, "user name too long");
	strlcpy(q.login, user, sizeof(q.login));
	ipc_msg_init(&req, IPC_CTL_AUTHKEYS, 0);
	ipc_msg_put(&req, &q);
	exchange(fd, &req, &res);
	answer_read(&res, &b);
	while ((rc = ipc_msg_get_item(&res, &k)) == 1)
		if (strchr(k.line, '\n') == NULL)
			printf("%s\n", k.line);
	if (rc == -1)
		errx(1, "malformed answer: %s", res.error != NULL ? res.error :
		    res.refused);
	ipc_msg_clear(&res);
	return fflush(stdout) == 0 ? 0 : 1;
}

/* Tasks that do nothing: how fast the queue runs (make bench). */
static int
cmd_task_noop(int fd, const char *count)
{
	struct ipc_task_noop	 b;
	struct ipc_msg		 req;
	const char		*errstr;
	char			 text[512];

	b.count = strtonum(count, 1, 10000, &errstr);
	if (errstr != NULL)
		errx(1, "task count %s: %s (1 to 10000)", count, errstr);
	ipc_msg_init(&req, IPC_CTL_TASK_NOOP, 0);
	ipc_msg_put(&req, &b);
	if (!ctl_result(fd, &req, text, sizeof(text)))
		errx(1, "%s", text);
	return 0;
}

/* Every login session of a user ends: the next request gets 401. */
static int
cmd_session_end(int fd, const char *user)
{
	struct ipc_sessions_end	 b;
	struct ipc_msg		 req;
	char			 text[512];

	if (strlen(user) > FIELD_LOGIN_NAME_MAX)
		errx(1, "user name too long");
	strlcpy(b.login, user, sizeof(b.login));
	ipc_msg_init(&req, IPC_CTL_SESSIONS_END, 0);
	ipc_msg_put(&req, &b);
	if (!ctl_result(fd, &req, text, sizeof(text)))
		errx(1, "%s: %s", user, text);
	return 0;
}

static int
cmd_client(int fd, int argc, char *argv[])
{
	if (argc >= 2 && strcmp(argv[0], "add") == 0)
		return cmd_client_add(fd, argc - 1, argv + 1);
	if (argc == 1 && strcmp(argv[0], "list") == 0)
		return cmd_client_list(fd);
	if (argc == 2 && strcmp(argv[0], "del") == 0)
		return cmd_client_del(fd, argv[1]);
	usage();
}

int
main(int argc, char *argv[])
{
	const char	*sock = NULL;
	int		 ch, fd, rc;

	log_procinit("moatctl");
	while ((ch = getopt(argc, argv, "+s:")) != -1) {
		switch (ch) {
		case 's':
			sock = optarg;
			break;
		default:
			usage();
		}
	}
	argc -= optind;
	argv += optind;
	if (argc < 1)
		usage();
	if (sock == NULL)
		sock = default_socket();
	if (strcmp(argv[0], "client") == 0) {
		fd = connect_moatd(sock);
		rc = cmd_client(fd, argc - 1, argv + 1);
	} else if (strcmp(argv[0], "authorized-keys") == 0 && argc == 2) {
		fd = connect_moatd(sock);
		rc = cmd_authorized_keys(fd, argv[1]);
	} else if (strcmp(argv[0], "session") == 0 && argc == 3 &&
	    strcmp(argv[1], "end") == 0) {
		fd = connect_moatd(sock);
		rc = cmd_session_end(fd, argv[2]);
	} else if (strcmp(argv[0], "task") == 0 && argc == 3 &&
	    strcmp(argv[1], "noop") == 0) {
		fd = connect_moatd(sock);
		rc = cmd_task_noop(fd, argv[2]);
	} else if (argc != 1)
		usage();
	else if (strcmp(argv[0], "status") == 0) {
		fd = connect_moatd(sock);
		rc = cmd_status(fd);
	} else if (strcmp(argv[0], "reload") == 0) {
		fd = connect_moatd(sock);
		rc = cmd_reload(fd);
	} else
		usage();
	close(fd);
	return rc;
}
