/*
 * taskd's side of an ACME job (taskd/acmejob.c) against a hostile
 * worker: one that sends a second request while the first still waits
 * on authd.  taskd runs as root and the worker parses what the CA and a
 * user's DNS server send, so the job must outlive its answer whatever
 * the worker does (review of issue 11, finding 2).  ipc_request is
 * played here: it keeps the callback, as a peer that has not answered.
 */
#include <sys/socket.h>
#include <sys/uio.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <event2/event.h>

#include "acme.h"
#include "acmejob.h"
#include "acmew.h"
#include "body_acmejob.h"
#include "ipc.h"
#include "log.h"
#include "taskd.h"
#include "test.h"


static struct taskd	 env;
struct taskd		*taskd_env = &env;

#define KEPT_MAX	8
static ipc_reply_cb	 kept_cb[KEPT_MAX];
static void		*kept_arg[KEPT_MAX];
static int		 nkept;
static int		 nreports;
static char		 reported[64];

int
ipc_request(struct ipc_chan *chan, struct ipc_msg *m, int timeout_ms,
    ipc_reply_cb cb, void *arg)
{
	(void)chan;
	(void)timeout_ms;
	ipc_msg_clear(m);
	if (nkept == KEPT_MAX)
		return -1;
	kept_cb[nkept] = cb;
	kept_arg[nkept++] = arg;
	return 0;
}

void
jobs_report(const struct task_job *j, uint32_t outcome, const char *code,
    const char *msg)
{
	(void)j;
	(void)outcome;
	(void)msg;
	nreports++;
	strlcpy(reported, code, sizeof(reported));
}

/* the ACME engine's renewal time is test_acme's; no result comes here */
time_t
acme_renew_time(time_t nb, time_t na, const struct acme_window *w,
    uint32_t rnd)
{
	(void)w;
	(void)rnd;
	return nb + (na - nb) * 2 / 3;
}

/* acmejob_init() hands taskd's jobs its start */
static void	(*start_job)(const struct task_job *);

void
jobs_set_acme(void (*start)(const struct task_job *))
{
	start_job = start;
}

void
jobs_progress(const struct task_job *j, uint32_t percent, const char *msg)
{
	(void)j;
	(void)percent;
	(void)msg;
}

int
http01_present(const char *token, const char *key_authz, const char *owner,
    int64_t expires, http01_done_fn done, void *arg)
{
	(void)token;
	(void)key_authz;
	(void)owner;
	(void)expires;
	(void)done;
	(void)arg;
	return -1;
}

int
http01_cleanup(const char *token, const char *owner, http01_done_fn done,
    void *arg)
{
	(void)token;
	(void)owner;
	(void)done;
	(void)arg;
	return -1;
}

/* stored's answer to acme.job.get, decoded as taskd would get it */
static void
answer_job(void)
{
	static uint8_t		 dgram[IPC_MAX_MSG];
	struct ipc_acmejob_res	*res;
	struct ipc_msg		 w, r;
	const void		*buf;
	const char		*why;
	size_t			 len;

	if ((res = calloc(1, sizeof(*res))) == NULL)
		fatal("calloc");
	res->head.status = 200;
	res->cert_oid = 1;
	strlcpy(res->cert_id, "11111111-1111-4111-8111-111111111111",
	    sizeof(res->cert_id));
	strlcpy(res->names, "a.example.com", sizeof(res->names));
	res->cert_sealed_len = 1;
	strlcpy(res->acct_id, "22222222-2222-4222-8222-222222222222",
	    sizeof(res->acct_id));
	res->acct_sealed_len = 1;
	strlcpy(res->email, "a@example.com", sizeof(res->email));
	strlcpy(res->directory, "pebble", sizeof(res->directory));
	ipc_msg_init(&w, IPC_ACME_JOB_RES, 1);
	ipc_msg_put(&w, res);
	free(res);
	if (ipc_msg_finish(&w, &buf, &len) == -1)
		fatalx("finish");
	memcpy(dgram, buf, len);
	ipc_msg_clear(&w);
	if (ipc_decode(&r, dgram, len, -1, PROC_STORED, PROC_TASKD, &why) == -1)
		fatalx("decode: %s", why);
	kept_cb[0](NULL, &r, kept_arg[0]);	/* spawns the worker */
	ipc_msg_clear(&r);
}

/* the spawner's side: the worker's end of the job's socket */
static int
worker_end(int spawner)
{
	union {
		struct cmsghdr	 hdr;
		char		 buf[CMSG_SPACE(sizeof(int))];
	}		 cm;
	struct msghdr	 msg;
	struct iovec	 iov;
	struct aw_msg	 job;
	char		 byte;
	int		 fd;

	memset(&msg, 0, sizeof(msg));
	iov.iov_base = &byte;
	iov.iov_len = 1;
	msg.msg_iov = &iov;
	msg.msg_iovlen = 1;
	msg.msg_control = cm.buf;
	msg.msg_controllen = sizeof(cm.buf);
	if (recvmsg(spawner, &msg, 0) != 1)
		fatal("recvmsg");
	memcpy(&fd, CMSG_DATA(CMSG_FIRSTHDR(&msg)), sizeof(fd));
	if (aw_recv(fd, &job) != 0 || job.type != AW_JOB)
		fatalx("no job");
	aw_free(&job);
	return fd;
}

static void
test_second_request_in_flight(void)
{
	struct task_job	 j;
	const char	*f[1] = { "protected.payload" };
	char		 c;
	int		 sp[2], wfd;

	if (socketpair(AF_UNIX, SOCK_SEQPACKET, 0, sp) == -1)
		fatal("socketpair");
	acmejob_init(sp[0]);
	memset(&j, 0, sizeof(j));
	j.task_oid = 7;
	j.fence = 1;
	CHECK(start_job != NULL);
	start_job(&j);
	CHECK_INT(nkept, 1);			/* acme.job.get */
	answer_job();
	wfd = worker_end(sp[1]);

	/* two requests without waiting for the first */
	CHECK_INT(aw_send(wfd, AW_SIGN, 0, 1, f, NULL), 0);
	CHECK_INT(aw_send(wfd, AW_SIGN, 0, 1, f, NULL), 0);
	event_base_loop(env.base, EVLOOP_NONBLOCK);
	event_base_loop(env.base, EVLOOP_NONBLOCK);
	CHECK_INT(nkept, 2);			/* the first went to authd */
	CHECK_INT(nreports, 1);
	CHECK_STR(reported, "worker_refused");
	/* the job waits for authd's answer: its socket is still open */
	CHECK(recv(wfd, &c, 1, MSG_DONTWAIT) == -1 && errno == EAGAIN);

	/* authd's answer (here: none) frees the job, once (ASan) */
	kept_cb[1](NULL, NULL, kept_arg[1]);
	CHECK_INT(recv(wfd, &c, 1, MSG_DONTWAIT), 0);
	CHECK_INT(nreports, 1);
	close(wfd);
	close(sp[1]);
}

int
main(void)
{
	log_init(1, 0);
	env.base = event_base_new();
	env.conf.common.ipc_timeout_ms = 1000;
	strlcpy(env.acme.dir[0].name, "pebble", sizeof(env.acme.dir[0].name));
	strlcpy(env.acme.dir[0].url, "https://127.0.0.1:14000/dir",
	    sizeof(env.acme.dir[0].url));
	env.acme.n = 1;
	RUN(test_second_request_in_flight);
	event_base_free(env.base);
	return test_report("acmejob");
}
