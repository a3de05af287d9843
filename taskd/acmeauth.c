/*
 * What authd does for an ACME worker (acmejob.c): a JWS signature with
 * the account's key, the CSR of the certificate's key, an EAB binding
 * under the directory's key.  The worker sends only what is to be
 * signed; the seals and ids are the job's, as stored gave them.
 */
#include <stdlib.h>
#include <string.h>

#include "acmeauth.h"
#include "log.h"
#include "taskd.h"

/* ---- what authd does for the worker ----------------------------------- */

/* Who hears authd's answer. */
struct asked {
	acmeauth_done	 done;
	void		*arg;
};

static int
ask(enum ipc_type type, const void *body,
    void (*cb)(struct ipc_chan *, struct ipc_msg *, void *),
    acmeauth_done done, void *arg)
{
	struct asked	*q;
	struct ipc_msg	 m;

	if ((q = calloc(1, sizeof(*q))) == NULL)
		fatal("%s", __func__);
	q->done = done;
	q->arg = arg;
	ipc_msg_init(&m, type, 0);
	ipc_msg_put(&m, body);
	if (ipc_request(taskd_env->chans[PROC_AUTHD], &m,
	    taskd_env->conf.common.ipc_timeout_ms, cb, q) == -1) {
		free(q);
		return -1;
	}
	return 0;
}

/* The answer, and the asked record freed. */
static void
answer(struct asked *q, int32_t status, uint32_t n, const char *const *f,
    const size_t *len)
{
	struct asked	 a = *q;

	free(q);
	a.done(a.arg, status, n, f, len);
}

static void
refused(struct asked *q, const char *why)
{
	const char	*f[1] = { why };

	answer(q, 502, 1, f, NULL);
}

static void
signed_(struct ipc_chan *chan, struct ipc_msg *m, void *arg)
{
	struct asked			*q = arg;
	struct ipc_acme_sign_res	 res;
	const char			*f[3];
	size_t				 len[3];

	(void)chan;
	if (m == NULL || ipc_msg_get(m, &res) == -1 ||
	    res.head.status != 200) {
		refused(q, m == NULL ? "authd did not answer" :
		    "authd would not sign");
		return;
	}
	f[0] = res.alg;
	len[0] = strlen(res.alg);
	f[1] = res.jwk;
	len[1] = strlen(res.jwk);
	f[2] = (const char *)res.sig;
	len[2] = res.sig_len;
	answer(q, 200, 3, f, len);
}

int
acmeauth_sign(const struct ipc_acmejob_res *job, const struct aw_msg *w,
    acmeauth_done done, void *arg)
{
	struct ipc_acme_sign	*b;
	int			 rc;

	if (w->n != 1 || w->len[0] > ACCT_SIGN_IN_MAX)
		return -1;
	if ((b = calloc(1, sizeof(*b))) == NULL)
		fatal("%s", __func__);
	strlcpy(b->id, job->acct_id, sizeof(b->id));
	memcpy(b->sealed, job->acct_sealed, job->acct_sealed_len);
	b->sealed_len = job->acct_sealed_len;
	memcpy(b->input, w->f[0], w->len[0]);
	b->input_len = w->len[0];
	rc = ask(IPC_ACME_SIGN, b, signed_, done, arg);
	explicit_bzero(b, sizeof(*b));
	free(b);
	return rc;
}

static void
csr_made(struct ipc_chan *chan, struct ipc_msg *m, void *arg)
{
	struct asked		*q = arg;
	struct ipc_acme_csr_res	*res;
	const char		*f[1];
	size_t			 len[1];

	(void)chan;
	if ((res = calloc(1, sizeof(*res))) == NULL)
		fatal("%s", __func__);
	if (m == NULL || ipc_msg_get(m, res) == -1 ||
	    res->head.status != 200)
		refused(q, "authd made no CSR");
	else {
		f[0] = (const char *)res->der;
		len[0] = res->der_len;
		answer(q, 200, 1, f, len);
	}
	free(res);
}

int
acmeauth_csr(const struct ipc_acmejob_res *job, acmeauth_done done,
    void *arg)
{
	struct ipc_acme_csr	*b;
	int			 rc;

	if ((b = calloc(1, sizeof(*b))) == NULL)
		fatal("%s", __func__);
	strlcpy(b->id, job->cert_id, sizeof(b->id));
	memcpy(b->sealed, job->cert_sealed, job->cert_sealed_len);
	b->sealed_len = job->cert_sealed_len;
	strlcpy(b->names, job->names, sizeof(b->names));
	rc = ask(IPC_ACME_CSR, b, csr_made, done, arg);
	free(b);
	return rc;
}

static void
eab_made(struct ipc_chan *chan, struct ipc_msg *m, void *arg)
{
	struct asked		*q = arg;
	struct ipc_acme_eab_res	 res;
	const char		*f[2];
	size_t			 len[2];

	(void)chan;
	if (m == NULL || ipc_msg_get(m, &res) == -1 ||
	    res.head.status != 200)
		refused(q, "authd made no EAB binding");
	else {
		f[0] = res.kid;
		len[0] = strlen(res.kid);
		f[1] = (const char *)res.mac;
		len[1] = res.mac_len;
		answer(q, 200, 2, f, len);
	}
	explicit_bzero(&res, sizeof(res));
}

/* The binding of the job's directory, under the key authd holds. */
int
acmeauth_eab(const struct ipc_acmejob_res *job, const struct aw_msg *w,
    acmeauth_done done, void *arg)
{
	struct ipc_acme_eab	 b;

	/* only to register the job's account: once it has its URL, the
	 * operator's EAB key has nothing left to bind */
	if (w->n != 1 || w->len[0] > ACCT_EAB_IN_MAX ||
	    strlen(w->f[0]) != w->len[0] || job->account_url[0] != '\0')
		return -1;
	memset(&b, 0, sizeof(b));
	strlcpy(b.directory, job->directory, sizeof(b.directory));
	strlcpy(b.input, w->f[0], sizeof(b.input));
	return ask(IPC_ACME_EAB, &b, eab_made, done, arg);
}

