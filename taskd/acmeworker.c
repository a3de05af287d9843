/*
 * ACME workers (issue 11).  taskd forks, before its own sandbox, a
 * spawner that holds nothing: no capability, the nobody user when
 * started as root, no descriptor but its socket to taskd.  For each job
 * taskd sends it one end of a new socket pair; the spawner forks a
 * worker for it and forgets it.  The worker is the one process of moat
 * that talks to a CA: it runs the synchronous engine (acme.h) and asks
 * taskd, over its socket, for everything that needs a key or the
 * database (signatures, the CSR, an http-01 challenge kept by stored,
 * the URLs to record).  It holds no key: its dns-01 TSIG secret only
 * while an update is made.  All die with taskd (PDEATHSIG).
 *
 * The worker's sandbox (seccomp, kill on violation): stdio, its socket
 * to taskd (sendmsg/recvmsg), outbound sockets and connect for the CA
 * and the DNS server (SB_CONNECT, SB_INET for the socket options
 * libcurl sets), poll and socketpair (SB_EVENT: libcurl waits with
 * poll, and its threaded resolver wakes it through a socketpair),
 * threads (SB_THREADS: that resolver), and reading (SB_RPATH, Landlock
 * to the files name resolution and the system's roots need).  No fork,
 * no exec, no file written.
 */
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <sys/wait.h>

#include <errno.h>
#include <grp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <curl/curl.h>
#include <jansson.h>

#include "acme.h"
#include "acmew.h"
#include "body_acmejob.h"
#include "dnsupdate.h"
#include "log.h"
#include "sandbox.h"

#define NOBODY		65534
#define AW_TIMEOUT	30	/* seconds per request to the CA */
#define AW_POLL_LIMIT	120	/* seconds of polling per object */
#define DNS_WAIT_MS	30000

struct worker {
	int		 fd;
	struct aw_msg	 job;
	char		 alg[8];
	char		 kid[256];
	struct dnsu	 dns;
	int		 dns_ready;
	char		 err[ACME_ERR_MAX];
};

static const struct sandbox_path worker_paths[] = {
	{ "/etc/ssl/certs", SB_FS_READ },
	{ "/usr/share/ca-certificates", SB_FS_READ },
	{ "/etc/resolv.conf", SB_FS_READ },
	{ "/etc/hosts", SB_FS_READ },
	{ "/etc/nsswitch.conf", SB_FS_READ },
	{ "/etc/gai.conf", SB_FS_READ },
	{ "/etc/host.conf", SB_FS_READ },
};

/* A request to taskd and its answer (AW_REPLY): 0 with status 200. */
static int
ask(struct worker *w, uint32_t type, int32_t status, uint32_t n,
    const char *const *f, const size_t *len, struct aw_msg *res)
{
	if (aw_send(w->fd, type, status, n, f, len) == -1)
		fatal("acme worker: cannot ask taskd");
	if (aw_recv(w->fd, res) != 0)
		fatal("acme worker: no answer from taskd");
	if (res->type != AW_REPLY)
		fatalx("acme worker: not an answer");
	if (res->status != 200) {
		snprintf(w->err, sizeof(w->err), "%s", res->n > 0 ?
		    res->f[0] : "refused");
		aw_free(res);
		return -1;
	}
	return 0;
}

/* Asks taskd for kind over in; out gets the last of the n fields. */
static int
ask_bytes(struct worker *w, uint32_t kind, size_t n, const void *in,
    size_t inlen, uint8_t *out, size_t *outlen)
{
	struct aw_msg	 res;
	const char	*f[1] = { in };
	int		 rc = -1;

	if (ask(w, kind, 0, 1, f, &inlen, &res) == -1)
		return -1;
	if (res.n == n && res.len[n - 1] <= *outlen) {
		memcpy(out, res.f[n - 1], res.len[n - 1]);
		*outlen = res.len[n - 1];
		rc = 0;
	}
	aw_free(&res);
	return rc;
}

static int
sign(void *arg, const void *in, size_t inlen, uint8_t *sig, size_t *siglen)
{
	/* alg, jwk, signature */
	return ask_bytes(arg, AW_SIGN, 3, in, inlen, sig, siglen);
}

/* The account key's alg and public JWK, for the signer. */
static int
signer_init(struct worker *w, struct acme_signer *sg)
{
	struct aw_msg	 res;
	const char	*f[1] = { "" };
	size_t		 len = 0;

	memset(sg, 0, sizeof(*sg));
	if (ask(w, AW_SIGN, 0, 1, f, &len, &res) == -1)
		return -1;
	if (res.n < 2 || res.len[0] >= sizeof(w->alg) ||
	    (sg->jwk = json_loads(res.f[1], 0, NULL)) == NULL) {
		aw_free(&res);
		return -1;
	}
	strlcpy(w->alg, res.f[0], sizeof(w->alg));
	aw_free(&res);
	sg->alg = w->alg;
	sg->sign = sign;
	sg->arg = w;
	return 0;
}

static int
eab_mac(void *arg, const void *in, size_t inlen, uint8_t *mac,
    size_t *maclen)
{
	/* kid, mac */
	return ask_bytes(arg, AW_EAB, 2, in, inlen, mac, maclen);
}

/* The directory's EAB key id, from authd, which holds the key. */
static int
eab_init(struct worker *w, struct acme_eab *e)
{
	struct aw_msg	 res;
	const char	*f[1] = { "" };
	size_t		 len = 0;

	if (ask(w, AW_EAB, 0, 1, f, &len, &res) == -1)
		return -1;
	if (res.n != 2 || res.len[0] == 0 || res.len[0] >= sizeof(w->kid)) {
		aw_free(&res);
		return -1;
	}
	strlcpy(w->kid, res.f[0], sizeof(w->kid));
	aw_free(&res);
	e->kid = w->kid;
	e->mac = eab_mac;
	e->arg = w;
	return 0;
}

static int
dns_ready(struct worker *w)
{
	const struct aw_msg *j = &w->job;
	char		 secret[DNSREC_SECRET_MAX + 1];
	int		 rc;

	if (w->dns_ready)
		return 0;
	strlcpy(secret, j->f[AWJ_DNS_SECRET], sizeof(secret));
	rc = dnsu_init(&w->dns, j->f[AWJ_DNS_SERVER],
	    atoi(j->f[AWJ_DNS_PORT]), j->f[AWJ_DNS_ZONE], j->f[AWJ_DNS_KEY],
	    j->f[AWJ_DNS_ALG], secret, w->err, sizeof(w->err));
	explicit_bzero(secret, sizeof(secret));
	/* the job's copy too: from here only the signer holds it */
	explicit_bzero((char *)j->f[AWJ_DNS_SECRET],
	    strlen(j->f[AWJ_DNS_SECRET]));
	w->dns_ready = rc == 0;
	return rc;
}

static int
present(void *arg, const char *type, const char *ident, const char *token,
    const char *value)
{
	struct worker	*w = arg;
	struct aw_msg	 res;
	const char	*f[2] = { token, value };
	char		 name[DNS_NAME_MAX + 1], err[DNSU_ERR_MAX];

	if (strcmp(type, "http-01") == 0) {
		if (ask(w, AW_PRESENT, 0, 2, f, NULL, &res) == -1)
			return -1;
		aw_free(&res);
		return 0;
	}
	if (dns_ready(w) == -1 ||
	    dnsu_challenge_name(ident, name, sizeof(name)) == -1 ||
	    dnsu_add_txt(&w->dns, name, value, DNSU_TTL, err,
	    sizeof(err)) == -1 || dnsu_wait_txt(&w->dns, name, value, 1,
	    DNS_WAIT_MS, err, sizeof(err)) == -1) {
		log_warnx("acme worker: dns-01 for %s: %s", ident, err);
		return -1;
	}
	return 0;
}

static void
cleanup(void *arg, const char *type, const char *ident, const char *token,
    const char *value)
{
	struct worker	*w = arg;
	struct aw_msg	 res;
	const char	*f[2] = { token, value };
	char		 name[DNS_NAME_MAX + 1], err[DNSU_ERR_MAX];

	if (strcmp(type, "http-01") == 0) {
		if (ask(w, AW_CLEANUP, 0, 2, f, NULL, &res) == 0)
			aw_free(&res);
		return;
	}
	if (dnsu_challenge_name(ident, name, sizeof(name)) == 0 &&
	    dnsu_del_txt(&w->dns, name, value, err, sizeof(err)) == -1)
		log_warnx("acme worker: removing the TXT of %s: %s", ident,
		    err);
}

static int
note(struct worker *w, uint32_t what, const char *url)
{
	struct aw_msg	 res;
	const char	*f[1] = { url };

	if (ask(w, AW_NOTE, (int32_t)what, 1, f, NULL, &res) == -1)
		return -1;
	aw_free(&res);
	return 0;
}

static int
order_created(void *arg, const char *url)
{
	int	 rc = note(arg, ACMEJOB_NOTE_ORDER, url);
#ifdef MOAT_TEST
	const char *pause = getenv("MOAT_TEST_ACME_PAUSE");

	/* test builds: a window in which the e2e test kills taskd with a
	 * new order recorded and none of its challenges answered */
	if (rc == 0 && pause != NULL)
		sleep((unsigned int)atoi(pause));
#endif
	return rc;
}

/* The names of the job, split at commas into names[]. */
static size_t
split_names(char *s, const char **names, size_t max)
{
	size_t	 n = 0;
	char	*p;

	while (n < max && (p = strsep(&s, ",")) != NULL)
		if (*p != '\0')
			names[n++] = p;
	return n;
}

static void
done(struct worker *w, enum aw_outcome o, const char *msg,
    const struct acme_cert *c, const char *window)
{
	const char	*f[4] = { msg, c != NULL ? c->leaf : "",
			    c != NULL && c->chain != NULL ? c->chain : "",
			    window != NULL ? window : "" };

	(void)aw_send(w->fd, AW_DONE, o, 4, f, NULL);
}

/*
 * The CA's suggested renewal window for the new certificate, where its
 * directory offers renewalInfo (RFC 9773), as "START END" in seconds;
 * "" when it offers none or the question fails (the certificate is
 * kept all the same, and renewed at two thirds of its lifetime).
 */
static void
window_of(struct acme *a, const char *leaf, char *out, size_t len)
{
	struct acme_window	 win;

	*out = '\0';
	if (acme_renewal_info(a, leaf, &win) == 0)
		snprintf(out, len, "%lld %lld", (long long)win.start,
		    (long long)win.end);
}

/* The order: account, CSR, challenges, certificate. */
static void
work(struct worker *w, struct acme *a)
{
	const struct aw_msg	*j = &w->job;
	struct acme_signer	 sg;
	struct acme_eab		 eab = { NULL, NULL, NULL };
	struct acme_order_req	 q;
	struct acme_cert	 c;
	struct aw_msg		 csr;
	struct acme_solver	 sol = { present, cleanup, w };
	const char		*names[ACME_NAMES_MAX];
	char			*namebuf;
	const char		*f[1] = { "" };
	char			 window[48];
	size_t			 zero = 0;

	if (signer_init(w, &sg) == -1) {
		done(w, AW_RETRY, "authd did not sign", NULL, NULL);
		return;
	}
	if (j->f[AWJ_ACCOUNT][0] == '\0' && j->f[AWJ_EAB][0] != '\0' &&
	    eab_init(w, &eab) == -1) {
		done(w, AW_RETRY, "authd made no EAB binding", NULL, NULL);
		json_decref(sg.jwk);
		return;
	}
	if (j->f[AWJ_ACCOUNT][0] != '\0' ?
	    acme_use_account(a, &sg, j->f[AWJ_ACCOUNT]) == -1 :
	    (acme_account_eab(a, &sg, j->f[AWJ_EMAIL], eab.kid != NULL ?
	    &eab : NULL, 0) == -1 ||
	    note(w, ACMEJOB_NOTE_ACCOUNT, acme_account_url(a)) == -1)) {
		done(w, AW_FAILED, acme_error(a), NULL, NULL);
		json_decref(sg.jwk);
		return;
	}
	if (ask(w, AW_CSR, 0, 1, f, &zero, &csr) == -1 || csr.n != 1) {
		done(w, AW_RETRY, "authd made no CSR", NULL, NULL);
		json_decref(sg.jwk);
		return;
	}
	if ((namebuf = strdup(j->f[AWJ_NAMES])) == NULL)
		fatal("%s", __func__);
	memset(&q, 0, sizeof(q));
	q.names = names;
	q.nnames = split_names(namebuf, names, ACME_NAMES_MAX);
	q.challenge = j->f[AWJ_CHALLENGE];
	q.csr = (const uint8_t *)csr.f[0];
	q.csrlen = csr.len[0];
	q.resume_url = j->f[AWJ_ORDER][0] != '\0' ? j->f[AWJ_ORDER] : NULL;
	q.order_created = order_created;
	q.arg = w;
	q.solver = &sol;
	memset(&c, 0, sizeof(c));
	if (acme_issue(a, &q, &c) == -1)
		done(w, AW_FAILED, acme_error(a), NULL, NULL);
	else {
		window_of(a, c.leaf, window, sizeof(window));
		done(w, AW_OK, "", &c, window);
	}
	acme_cert_free(&c);
	aw_free(&csr);
	free(namebuf);
	json_decref(sg.jwk);
}

static void
worker_sandbox(void)
{
	struct sandbox_policy	 policy;

	memset(&policy, 0, sizeof(policy));
	policy.name = "acme-worker";
	policy.groups = SB_STDIO | SB_EVENT | SB_IPC | SB_INET | SB_CONNECT |
	    SB_THREADS | SB_RPATH;
	policy.paths = worker_paths;
	policy.npaths = sizeof(worker_paths) / sizeof(worker_paths[0]);
	policy.no_files = 1;
	sandbox_enter(&policy);
}

static void __attribute__((noreturn))
worker_main(int fd)
{
	struct worker	 w;
	struct acme	*a;

	memset(&w, 0, sizeof(w));
	w.fd = fd;
	setproctitle("acme worker");
	curl_global_init(CURL_GLOBAL_DEFAULT);
	worker_sandbox();
#ifdef MOAT_TEST
	/* test builds: the worker proves its filter kills it (the reaper
	 * below logs the signal) */
	if (getenv("MOAT_TEST_ACME_FORBIDDEN") != NULL)
		sandbox_test_forbidden();
#endif
	if (aw_recv(fd, &w.job) != 0 || w.job.type != AW_JOB ||
	    w.job.n != AWJ_COUNT)
		fatalx("acme worker: no job");
	if ((a = acme_new(w.job.f[AWJ_URL], NULL, AW_TIMEOUT)) == NULL ||
	    (w.job.len[AWJ_CA] > 0 && acme_set_ca_pem(a, w.job.f[AWJ_CA],
	    w.job.len[AWJ_CA]) == -1)) {
		done(&w, AW_FAILED, "the directory cannot be used", NULL,
		    NULL);
		_exit(0);
	}
	acme_set_poll_limit(a, AW_POLL_LIMIT);
	work(&w, a);
	acme_free(a);
	if (w.dns_ready)
		dnsu_clear(&w.dns);
	aw_free(&w.job);
	_exit(0);
}

#ifdef MOAT_TEST
/*
 * Test builds: a process between the spawner and each worker waits for
 * the worker and logs a death by a signal, so that a test sees a worker
 * killed by its seccomp filter (SIGSYS).  Release builds leave workers
 * to the kernel (SA_NOCLDWAIT), and nobody waits for them.
 */
static void __attribute__((noreturn))
worker_reaped(int fd)
{
	struct sigaction sa;
	pid_t		 pid;
	int		 st;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = SIG_DFL;
	sigaction(SIGCHLD, &sa, NULL);
	if ((pid = fork()) == -1)
		_exit(1);
	if (pid == 0) {
		if (prctl(PR_SET_PDEATHSIG, SIGKILL) == -1)
			_exit(1);
		worker_main(fd);
	}
	close(fd);
	while (waitpid(pid, &st, 0) == -1)
		if (errno != EINTR)
			_exit(1);
	if (WIFSIGNALED(st))
		log_warnx("acme worker %d: killed by signal %d", (int)pid,
		    WTERMSIG(st));
	_exit(0);
}
#endif

/* The spawner's loop: a descriptor per job, a worker for each. */
static void __attribute__((noreturn))
spawner_main(int sock)
{
	struct msghdr	 msg;
	struct cmsghdr	*cm;
	struct iovec	 iov;
	union {
		struct cmsghdr	 hdr;
		char		 buf[CMSG_SPACE(sizeof(int))];
	}		 cmsgbuf;
	char		 byte;
	int		 fd;
	ssize_t		 n;

	for (;;) {
		memset(&msg, 0, sizeof(msg));
		iov.iov_base = &byte;
		iov.iov_len = 1;
		msg.msg_iov = &iov;
		msg.msg_iovlen = 1;
		msg.msg_control = cmsgbuf.buf;
		msg.msg_controllen = sizeof(cmsgbuf.buf);
		if ((n = recvmsg(sock, &msg, 0)) == -1 && errno == EINTR)
			continue;
		if (n <= 0)
			_exit(0);	/* taskd is gone */
		if ((cm = CMSG_FIRSTHDR(&msg)) == NULL ||
		    cm->cmsg_type != SCM_RIGHTS ||
		    cm->cmsg_len != CMSG_LEN(sizeof(int)))
			continue;
		memcpy(&fd, CMSG_DATA(cm), sizeof(fd));
		switch (fork()) {
		case -1:
			log_warn("acme spawner: fork");
			break;
		case 0:
			close(sock);
			if (prctl(PR_SET_PDEATHSIG, SIGKILL) == -1)
				_exit(1);
#ifdef MOAT_TEST
			worker_reaped(fd);
#else
			worker_main(fd);
#endif
		default:
			break;
		}
		close(fd);
	}
}

/*
 * Forks the spawner (before taskd's sandbox, with taskd's capabilities
 * already dropped): taskd's end of its socket, or -1.
 */
int
acmew_spawner_start(void)
{
	struct sigaction sa;
	int		 sv[2];
	gid_t		 gid = NOBODY;
	pid_t		 pid;

	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) == -1)
		return -1;
	if ((pid = fork()) == -1) {
		close(sv[0]);
		close(sv[1]);
		return -1;
	}
	if (pid != 0) {
		close(sv[1]);
		return sv[0];
	}
	close(sv[0]);
	/* none of taskd's links, nor the runner's socket: fd 3 alone */
	if (dup2(sv[1], 3) == -1 || close_range(4, ~0U, 0) == -1)
		_exit(1);
	/* workers are reaped by the kernel: nobody waits for them */
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = SIG_IGN;
	sa.sa_flags = SA_NOCLDWAIT;
	sigaction(SIGCHLD, &sa, NULL);
	if (getuid() == 0 && (setgroups(1, &gid) == -1 ||
	    setresgid(NOBODY, NOBODY, NOBODY) == -1 ||
	    setresuid(NOBODY, NOBODY, NOBODY) == -1 || setuid(0) != -1))
		fatalx("acme spawner: cannot become nobody");
	if (sandbox_keep_caps(0) == -1)
		fatalx("acme spawner: cannot drop its capabilities");
	/* after the change of user, which clears it; taskd may be gone */
	if (prctl(PR_SET_PDEATHSIG, SIGKILL) == -1 || getppid() == 1)
		_exit(1);
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) == -1)
		fatal("acme spawner: no_new_privs");
	setproctitle("acme spawner");
	spawner_main(3);
}
