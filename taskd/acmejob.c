/*
 * taskd's side of an ACME issuance task (DESIGN.md, "ACME issuance as a
 * task").  For a claimed cert.issue or cert.renew: stored's job
 * (acme.job.get, fenced), the DNS provider's secret from authd for
 * dns-01, then a worker (acmeworker.c) through the spawner, and the
 * worker's requests served: a signature or the CSR by authd with the
 * job's own seals (the worker names no key), an http-01 challenge kept
 * by stored, the order's and the account's URLs recorded.  The worker's
 * certificate is checked here (it parses, it is a certificate for the
 * key's names) before stored keeps it; then the task's outcome.
 */
#include <sys/socket.h>
#include <sys/types.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include <openssl/asn1.h>
#include <openssl/bn.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "acme.h"
#include "acmeauth.h"
#include "acmejob.h"
#include "acmew.h"
#include "body_acmejob.h"
#include "hostlife.h"
#include "hostrec.h"
#include "log.h"
#include "taskd.h"

#define CHALLENGE_TTL	(24 * 3600)	/* a token kept at most a day */


static int	 spawner = -1;

static void
job_free(struct ajob *a)
{
	if (a->ev != NULL)
		event_free(a->ev);
	if (a->fd != -1)
		close(a->fd);
	if (a->res != NULL) {
		explicit_bzero(a->res, sizeof(*a->res));
		free(a->res);
	}
	explicit_bzero(a->secret, sizeof(a->secret));
	free(a->spki);
	free(a);
}

/* The outcome, once; the job is freed when no answer is awaited. */
static void
end(struct ajob *a, uint32_t outcome, const char *code, const char *msg)
{
	if (!a->ended) {
		a->ended = 1;
		jobs_report(&a->j, outcome, code, msg);
	}
	if (!a->busy) {
		job_free(a);
		return;
	}
	a->dead = 1;
	if (a->ev != NULL)
		event_del(a->ev);
}

/* The answer to the worker's request; frees a job that ended meanwhile
 * (acmeauth.c's answers come here too, as an acmeauth_done) */
static void
acmejob_reply(void *arg, int32_t status, uint32_t n, const char *const *f,
    const size_t *len)
{
	struct ajob	*a = arg;

	if (a->dead) {
		job_free(a);
		return;
	}
	if (aw_send(a->fd, AW_REPLY, status, n, f, len) == -1)
		log_warnx("acme task %llu: the worker does not listen",
		    (unsigned long long)a->j.task_oid);
	a->busy = 0;
}

static void
acmejob_reply_status(struct ajob *a, int32_t status, const char *why)
{
	const char	*f[1] = { why };

	acmejob_reply(a, status, 1, f, NULL);
}

/* ---- what stored does for it ------------------------------------------ */

static void
stored_said(void *arg, int status)
{
	struct ajob	*a = arg;

	acmejob_reply_status(a, status == 200 ? 200 : 502, status == 200 ? "ok" :
	    "stored refused");
}

static void
noted(struct ipc_chan *chan, struct ipc_msg *m, void *arg)
{
	struct ipc_status_res	 res;

	(void)chan;
	stored_said(arg, m != NULL && ipc_msg_get(m, &res) == 0 ?
	    (int)res.head.status : 503);
}

static int
ask_note(struct ajob *a, const struct aw_msg *w)
{
	struct ipc_acmejob_note	 b;
	struct ipc_msg		 m;

	if (w->n != 1 || (w->status != ACMEJOB_NOTE_ORDER &&
	    w->status != ACMEJOB_NOTE_ACCOUNT) || w->len[0] > ACCT_URL_MAX)
		return -1;
	memset(&b, 0, sizeof(b));
	b.task_oid = a->j.task_oid;
	b.fence = a->j.fence;
	b.what = (uint32_t)w->status;
	strlcpy(b.url, w->f[0], sizeof(b.url));
	if (b.what == ACMEJOB_NOTE_ORDER)
		jobs_progress(&a->j, 40, "order placed");
	ipc_msg_init(&m, IPC_ACME_JOB_NOTE, 0);
	ipc_msg_put(&m, &b);
	return ipc_request(acmejob_peer(PROC_STORED), &m,
	    taskd_env->conf.common.ipc_timeout_ms, noted, a);
}

static int
ask_challenge(struct ajob *a, const struct aw_msg *w)
{
	char	 owner[48];

	if (w->n != 2 || a->res->prov.oid != 0)
		return -1;	/* a dns-01 job has no http-01 to present */
	snprintf(owner, sizeof(owner), "cert:%s", a->res->cert_id);
	if (w->type == AW_PRESENT)
		return http01_present(w->f[0], w->f[1], owner,
		    (int64_t)time(NULL) + CHALLENGE_TTL, stored_said, a);
	return http01_cleanup(w->f[0], owner, stored_said, a);
}

/* ---- the result --------------------------------------------------------- */

/* The CSR authd made for the job: its key kept; -1 if it does not parse */
static int
keep_csr(struct ajob *a, const uint8_t *der, size_t len)
{
	const unsigned char	*p = der;
	X509_REQ		*req;
	unsigned char		*out = NULL;
	int			 n = -1;

	if (len > INT32_MAX ||
	    (req = d2i_X509_REQ(NULL, &p, (long)len)) == NULL)
		return -1;
	if (X509_REQ_get0_pubkey(req) != NULL)
		n = i2d_PUBKEY(X509_REQ_get0_pubkey(req), &out);
	X509_REQ_free(req);
	if (n <= 0)
		return -1;
	free(a->spki);
	if ((a->spki = malloc(n)) == NULL)
		fatal("%s", __func__);
	memcpy(a->spki, out, n);
	a->spki_len = n;
	OPENSSL_free(out);
	return 0;
}

/* authd's CSR, on its way to the worker: its key is the one the
 * certificate must be for */
static void
csr_answered(void *arg, int32_t status, uint32_t n, const char *const *f,
    const size_t *len)
{
	struct ajob	*a = arg;

	if (!a->dead && status == 200 && (n != 1 || len == NULL ||
	    keep_csr(a, (const uint8_t *)f[0], len[0]) == -1)) {
		acmejob_reply_status(a, 502, "authd's CSR does not parse");
		return;
	}
	acmejob_reply(a, status, n, f, len);
}

/* Whether the certificate names every name of the job (a SAN each). */
static int
names_all(X509 *x, const char *names)
{
	GENERAL_NAMES		*sans;
	const GENERAL_NAME	*g;
	const char		*p = names, *e;
	size_t			 n;
	int			 i, found = 1;

	if ((sans = X509_get_ext_d2i(x, NID_subject_alt_name, NULL,
	    NULL)) == NULL)
		return 0;
	while (found && *p != '\0') {
		e = p + strcspn(p, ",");
		n = (size_t)(e - p);
		found = n == 0;		/* an empty one, as the worker skips */
		for (i = 0; !found && i < sk_GENERAL_NAME_num(sans); i++) {
			g = sk_GENERAL_NAME_value(sans, i);
			found = g->type == GEN_DNS &&
			    (size_t)ASN1_STRING_length(g->d.dNSName) == n &&
			    strncasecmp((const char *)ASN1_STRING_get0_data(
			    g->d.dNSName), p, n) == 0;
		}
		p = *e == ',' ? e + 1 : e;
	}
	GENERAL_NAMES_free(sans);
	return found;
}

/* Whether x is for the key of the job's CSR and its names. */
static int
cert_is_the_jobs(X509 *x, const struct ajob *a)
{
	unsigned char	*der = NULL;
	int		 n, same;

	if (a->spki == NULL ||
	    (n = i2d_X509_PUBKEY(X509_get_X509_PUBKEY(x), &der)) <= 0)
		return 0;
	same = n == a->spki_len && memcmp(der, a->spki, n) == 0;
	OPENSSL_free(der);
	return same && names_all(x, a->res->names);
}

/*
 * The certificate's facts, read here (the worker is not believed): it
 * must be for the job's key and names, or it is not kept.
 */
static int
cert_facts(const char *pem, const struct ajob *a,
    struct ipc_acmejob_result *r)
{
	BIO		*b;
	X509		*x = NULL;
	BIGNUM		*bn = NULL;
	char		*hex = NULL;
	struct tm	 tm;
	int		 rc = -1, i;
	X509_NAME	*in;

	if ((b = BIO_new_mem_buf(pem, -1)) == NULL ||
	    (x = PEM_read_bio_X509(b, NULL, NULL, NULL)) == NULL ||
	    !cert_is_the_jobs(x, a))
		goto out;
	if ((bn = ASN1_INTEGER_to_BN(X509_get0_serialNumber(x), NULL)) ==
	    NULL || (hex = BN_bn2hex(bn)) == NULL ||
	    strlen(hex) >= sizeof(r->serial))
		goto out;
	for (i = 0; hex[i] != '\0'; i++)
		r->serial[i] = (char)(hex[i] >= 'A' && hex[i] <= 'F' ?
		    hex[i] - 'A' + 'a' : hex[i]);
	if (ASN1_TIME_to_tm(X509_get0_notBefore(x), &tm) != 1)
		goto out;
	r->not_before = timegm(&tm);
	if (ASN1_TIME_to_tm(X509_get0_notAfter(x), &tm) != 1)
		goto out;
	r->not_after = timegm(&tm);
	in = X509_get_issuer_name(x);
	if (X509_NAME_get_text_by_NID(in, NID_commonName, r->issuer,
	    sizeof(r->issuer)) < 0)
		strlcpy(r->issuer, "unknown", sizeof(r->issuer));
	rc = 0;
out:
	OPENSSL_free(hex);
	BN_free(bn);
	X509_free(x);
	BIO_free(b);
	return rc;
}

/*
 * When the certificate is renewed: in the CA's suggested window if the
 * worker got one (RFC 9773; "START END"), else at two thirds of its
 * lifetime (acme_renew_time() decides; checked by the unit test).
 */
static int64_t
renew_time(const struct ipc_acmejob_result *r, const char *window)
{
	struct acme_window	 win;
	long long		 start, end;

	memset(&win, 0, sizeof(win));
	if (sscanf(window, "%lld %lld", &start, &end) == 2) {
		win.start = (time_t)start;
		win.end = (time_t)end;
	}
	return acme_renew_time(r->not_before, r->not_after, &win,
	    arc4random());
}

static void
kept(struct ipc_chan *chan, struct ipc_msg *m, void *arg)
{
	struct ajob		*a = arg;
	struct ipc_status_res	 res;

	(void)chan;
	if (m == NULL || ipc_msg_get(m, &res) == -1)
		end(a, TASK_RETRY, "stored_unavailable", "stored did not keep "
		    "the certificate");
	else if (res.head.status != 200)
		end(a, TASK_RETRY, "not_kept", res.head.message);
	else
		end(a, TASK_SUCCEEDED, "", "");
}

static void
finished(struct ajob *a, const struct aw_msg *w)
{
	struct ipc_acmejob_result *r;
	struct ipc_msg		 m;

	if (w->n != 4 || w->status < AW_OK || w->status > AW_RETRY) {
		end(a, TASK_RETRY, "worker_confused", "the worker made no "
		    "sense");
		return;
	}
	if (w->status != AW_OK) {
		end(a, w->status == AW_FAILED ? TASK_FAILED : TASK_RETRY,
		    w->status == AW_FAILED ? "acme_refused" : "acme_retry",
		    w->f[0]);
		return;
	}
	if ((r = calloc(1, sizeof(*r))) == NULL)
		fatal("%s", __func__);
	r->task_oid = a->j.task_oid;
	r->fence = a->j.fence;
	if (w->len[1] >= sizeof(r->cert_pem) || w->len[2] >=
	    sizeof(r->chain_pem) || cert_facts(w->f[1], a, r) == -1) {
		end(a, TASK_FAILED, "bad_certificate", "the CA's certificate "
		    "does not parse, is too large, or is not for the key and "
		    "names of the request");
		free(r);
		return;
	}
	strlcpy(r->cert_pem, w->f[1], sizeof(r->cert_pem));
	strlcpy(r->chain_pem, w->f[2], sizeof(r->chain_pem));
	r->renew_at = renew_time(r, w->f[3]);
	jobs_progress(&a->j, 90, "certificate issued");
	ipc_msg_init(&m, IPC_ACME_JOB_RESULT, 0);
	ipc_msg_put(&m, r);
	free(r);
	/* the worker is done: no more of its messages */
	event_del(a->ev);
	if (ipc_request(acmejob_peer(PROC_STORED), &m,
	    taskd_env->conf.common.ipc_timeout_ms, kept, a) == -1)
		end(a, TASK_RETRY, "stored_unavailable", "stored does not "
		    "answer");
}

/* ---- the worker's messages -------------------------------------------- */

static void
worker_readable(evutil_socket_t fd, short ev, void *arg)
{
	struct ajob	*a = arg;
	struct aw_msg	 w;
	int		 rc = -1;

	(void)ev;
	if ((rc = aw_recv(fd, &w)) == 1)
		return;
	if (rc == -1) {
		log_warn("acme task %llu: the worker", (unsigned long long)
		    a->j.task_oid);
		/* a worker that died, or spoke nonsense, ends its job */
		end(a, TASK_RETRY, "worker_died", "the ACME worker ended "
		    "without a result");
		return;
	}
	if (w.type == AW_DONE) {
		finished(a, &w);
		aw_free(&w);
		return;
	}
	rc = -1;
	if (!a->busy) {
		a->busy = 1;
		switch (w.type) {
		case AW_SIGN:
			rc = acmeauth_sign(a->res, &w, acmejob_reply, a);
			break;
		case AW_CSR:
			rc = acmeauth_csr(a->res, csr_answered, a);
			break;
		case AW_EAB:
			rc = acmeauth_eab(a->res, &w, acmejob_reply, a);
			break;
		case AW_PRESENT:
		case AW_CLEANUP:
			rc = ask_challenge(a, &w);
			break;
		case AW_NOTE:
			rc = ask_note(a, &w);
			break;
		}
		/* only a request this call started and could not send; one
		 * still in flight keeps the job until its answer frees it */
		if (rc == -1)
			a->busy = 0;
	}
	aw_free(&w);
	if (rc == -1) {
		end(a, TASK_RETRY, "worker_refused", "the ACME worker asked "
		    "what its job does not allow");
	}
}

/* ---- the start ---------------------------------------------------------- */

static int
spawn(struct ajob *a)
{
	struct msghdr	 msg;
	struct cmsghdr	*cm;
	struct iovec	 iov;
	union {
		struct cmsghdr	 hdr;
		char		 buf[CMSG_SPACE(sizeof(int))];
	}		 cmsgbuf;
	char		 byte = 'j';
	int		 sv[2];
	ssize_t		 n;

	/* ours non-blocking; the worker's end blocks, as it waits */
	if (spawner == -1 || socketpair(AF_UNIX, SOCK_SEQPACKET |
	    SOCK_CLOEXEC, 0, sv) == -1)
		return -1;
	if (fcntl(sv[0], F_SETFL, O_NONBLOCK) == -1) {
		close(sv[0]);
		close(sv[1]);
		return -1;
	}
	memset(&msg, 0, sizeof(msg));
	iov.iov_base = &byte;
	iov.iov_len = 1;
	msg.msg_iov = &iov;
	msg.msg_iovlen = 1;
	msg.msg_control = cmsgbuf.buf;
	msg.msg_controllen = sizeof(cmsgbuf.buf);
	cm = CMSG_FIRSTHDR(&msg);
	cm->cmsg_level = SOL_SOCKET;
	cm->cmsg_type = SCM_RIGHTS;
	cm->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(cm), &sv[1], sizeof(int));
	n = sendmsg(spawner, &msg, 0);
	close(sv[1]);
	if (n != 1) {
		close(sv[0]);
		return -1;
	}
	a->fd = sv[0];
	return 0;
}

static void
job_send(struct ajob *a, const struct acme_dir *d)
{
	const struct ipc_acmejob_res *r = a->res;
	const char	*f[AWJ_COUNT];
	size_t		 len[AWJ_COUNT];
	char		 port[8];
	int		 i;

	snprintf(port, sizeof(port), "%u", r->prov.port);
	f[AWJ_URL] = d->url;
	f[AWJ_CA] = d->ca_pem != NULL ? d->ca_pem : "";
	f[AWJ_EMAIL] = r->email;
	f[AWJ_ACCOUNT] = r->account_url;
	f[AWJ_NAMES] = r->names;
	f[AWJ_CHALLENGE] = r->prov.oid != 0 ? "dns-01" : "http-01";
	f[AWJ_ORDER] = r->order_url;
	f[AWJ_DNS_SERVER] = r->prov.server;
	f[AWJ_DNS_PORT] = port;
	f[AWJ_DNS_ZONE] = r->prov.zone;
	f[AWJ_DNS_KEY] = r->prov.key_name;
	f[AWJ_DNS_ALG] = r->prov.algorithm;
	f[AWJ_DNS_SECRET] = a->secret;
	f[AWJ_EAB] = d->eab ? "1" : "";
	for (i = 0; i < AWJ_COUNT; i++)
		len[i] = i == AWJ_CA && d->ca_pem != NULL ? d->ca_len :
		    strlen(f[i]);
	if ((a->ev = event_new(taskd_env->base, a->fd, EV_READ | EV_PERSIST,
	    worker_readable, a)) == NULL || event_add(a->ev, NULL) == -1 ||
	    aw_send(a->fd, AW_JOB, 0, AWJ_COUNT, f, len) == -1) {
		end(a, TASK_RETRY, "worker_unavailable", "no ACME worker");
		return;
	}
	explicit_bzero(a->secret, sizeof(a->secret));
	jobs_progress(&a->j, 20, r->order_url[0] != '\0' ?
	    "resuming the order" : "ordering");
}

static void
run(struct ajob *a)
{
	const struct acme_dir	*d;

	d = acme_dir_by_name(&taskd_env->acme, a->res->directory);
	if (d == NULL || !acme_dir_usable(d))
		end(a, TASK_FAILED, "directory_unknown", "the account's ACME "
		    "directory is not configured");
	else if (spawn(a) == -1)
		end(a, TASK_RETRY, "worker_unavailable", "cannot start an "
		    "ACME worker");
	else
		job_send(a, d);
}

static void
unsealed(struct ipc_chan *chan, struct ipc_msg *m, void *arg)
{
	struct ajob			*a = arg;
	struct ipc_dnsprov_unseal_res	 res;

	(void)chan;
	if (m == NULL || ipc_msg_get(m, &res) == -1)
		end(a, TASK_RETRY, "authd_unavailable", "authd did not open "
		    "the DNS provider's secret");
	else if (res.head.status != 200)
		end(a, TASK_FAILED, "dns_provider_sealed", res.head.message);
	else {
		strlcpy(a->secret, res.secret, sizeof(a->secret));
		run(a);
	}
	explicit_bzero(&res, sizeof(res));
}

static void	 ask_job(struct ajob *);

/* authd made the renewal's new key and stored kept it: ask again. */
static void
rekeyed(struct ipc_chan *chan, struct ipc_msg *m, void *arg)
{
	struct ajob		*a = arg;
	struct ipc_status_res	 res;

	(void)chan;
	if (m == NULL || ipc_msg_get(m, &res) == -1)
		end(a, TASK_RETRY, "authd_unavailable", "authd made no key");
	else if (res.head.status != 200)
		end(a, TASK_RETRY, "renew_key", res.head.message);
	else {
		a->rekeyed = 1;
		ask_job(a);
	}
}

/*
 * A renewal with no new key yet (an auto-renewal): authd makes one of
 * the certificate's type on its keygen thread, for this lease, and
 * stored keeps it until the new certificate is stored; the old key
 * serves until then.  Once: a second 202 is not an honest stored's.
 */
static void
ask_key(struct ajob *a)
{
	struct ipc_acme_renewkey	 q;
	struct ipc_msg			 m;

	if (a->rekeyed) {
		end(a, TASK_RETRY, "renew_key", "stored kept no new key");
		return;
	}
	memset(&q, 0, sizeof(q));
	q.task_oid = a->j.task_oid;
	q.fence = a->j.fence;
	strlcpy(q.cert_id, a->res->cert_id, sizeof(q.cert_id));
	strlcpy(q.key_type, a->res->key_type, sizeof(q.key_type));
	ipc_msg_init(&m, IPC_ACME_RENEWKEY, 0);
	ipc_msg_put(&m, &q);
	jobs_progress(&a->j, 10, "a new key");
	if (ipc_request(acmejob_peer(PROC_AUTHD), &m,
	    taskd_env->conf.common.ipc_timeout_ms, rekeyed, a) == -1)
		end(a, TASK_RETRY, "authd_unavailable", "authd does not "
		    "answer");
}

static void
job_got(struct ipc_chan *chan, struct ipc_msg *m, void *arg)
{
	struct ajob			*a = arg;
	struct ipc_dnsprov_unseal	 u;
	struct ipc_msg			 out;

	(void)chan;
	if (a->res != NULL)	/* asked again, after a new key */
		memset(a->res, 0, sizeof(*a->res));
	else if ((a->res = calloc(1, sizeof(*a->res))) == NULL)
		fatal("%s", __func__);
	if (m == NULL || ipc_msg_get(m, a->res) == -1) {
		end(a, TASK_RETRY, "stored_unavailable", "no job from stored");
		return;
	}
	if (a->res->head.status == 202) {
		ask_key(a);
		return;
	}
	if (a->res->head.status != 200) {
		end(a, TASK_FAILED, "job_gone", a->res->head.message);
		return;
	}
	if (a->res->prov.oid == 0) {
		run(a);
		return;
	}
	if (strcmp(a->res->prov.type, "rfc2136") != 0) {
		end(a, TASK_FAILED, "dns_provider_unsupported", "only rfc2136 "
		    "DNS providers are reachable from here");
		return;
	}
	memset(&u, 0, sizeof(u));
	strlcpy(u.id, a->res->prov.id, sizeof(u.id));
	memcpy(u.sealed, a->res->prov_sealed, a->res->prov_sealed_len);
	u.sealed_len = a->res->prov_sealed_len;
	ipc_msg_init(&out, IPC_DNSPROV_UNSEAL, 0);
	ipc_msg_put(&out, &u);
	if (ipc_request(acmejob_peer(PROC_AUTHD), &out,
	    taskd_env->conf.common.ipc_timeout_ms, unsealed, a) == -1)
		end(a, TASK_RETRY, "authd_unavailable", "authd does not "
		    "answer");
}

static void
ask_job(struct ajob *a)
{
	struct ipc_acmejob_get	 q;
	struct ipc_msg		 m;

	q.task_oid = a->j.task_oid;
	q.fence = a->j.fence;
	ipc_msg_init(&m, IPC_ACME_JOB_GET, 0);
	ipc_msg_put(&m, &q);
	if (ipc_request(acmejob_peer(PROC_STORED), &m,
	    taskd_env->conf.common.ipc_timeout_ms, job_got, a) == -1)
		end(a, TASK_RETRY, "stored_unavailable", "stored does not "
		    "answer");
}

/* A claimed cert.issue or cert.renew (jobs.c's hook, acmejob_init()). */
static void
acmejob_start(const struct task_job *j)
{
	struct ajob		*a;

	if ((a = calloc(1, sizeof(*a))) == NULL)
		fatal("%s", __func__);
	a->j = *j;
	a->fd = -1;
	jobs_progress(j, 5, "acme");
	ask_job(a);
}

void
acmejob_init(int fd)
{
	spawner = fd;
	jobs_set_acme(acmejob_start);
}
