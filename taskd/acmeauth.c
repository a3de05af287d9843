/*
 * What authd does for an ACME worker (acmejob.c): a JWS signature with
 * the account's key, the CSR of the certificate's key, an EAB binding
 * under the directory's key.  The worker sends only what is to be
 * signed; the seals and ids are the job's, as stored gave them.
 */
#include <stdlib.h>
#include <string.h>

#include "acmejob.h"
#include "log.h"

/* ---- what authd does for the worker ----------------------------------- */

static void
signed_(struct ipc_chan *chan, struct ipc_msg *m, void *arg)
{
	struct ajob			*a = arg;
	struct ipc_acme_sign_res	 res;
	const char			*f[3];
	size_t				 len[3];

	(void)chan;
	if (m == NULL || ipc_msg_get(m, &res) == -1 ||
	    res.head.status != 200) {
		acmejob_reply_status(a, 502, m == NULL ? "authd did not answer" :
		    "authd would not sign");
		return;
	}
	f[0] = res.alg;
	len[0] = strlen(res.alg);
	f[1] = res.jwk;
	len[1] = strlen(res.jwk);
	f[2] = (const char *)res.sig;
	len[2] = res.sig_len;
	acmejob_reply(a, 200, 3, f, len);
}

int
acmejob_ask_sign(struct ajob *a, const struct aw_msg *w)
{
	struct ipc_acme_sign	*b;
	struct ipc_msg		 m;
	int			 rc;

	if (w->n != 1 || w->len[0] > ACCT_SIGN_IN_MAX)
		return -1;
	if ((b = calloc(1, sizeof(*b))) == NULL)
		fatal("%s", __func__);
	strlcpy(b->id, a->res->acct_id, sizeof(b->id));
	memcpy(b->sealed, a->res->acct_sealed, a->res->acct_sealed_len);
	b->sealed_len = a->res->acct_sealed_len;
	memcpy(b->input, w->f[0], w->len[0]);
	b->input_len = w->len[0];
	ipc_msg_init(&m, IPC_ACME_SIGN, 0);
	ipc_msg_put(&m, b);
	rc = ipc_request(acmejob_peer(PROC_AUTHD), &m,
	    taskd_env->conf.common.ipc_timeout_ms, signed_, a);
	explicit_bzero(b, sizeof(*b));
	free(b);
	return rc;
}

static void
csr_made(struct ipc_chan *chan, struct ipc_msg *m, void *arg)
{
	struct ajob		*a = arg;
	struct ipc_acme_csr_res	*res;
	const char		*f[1];
	size_t			 len[1];

	(void)chan;
	if ((res = calloc(1, sizeof(*res))) == NULL)
		fatal("%s", __func__);
	if (m == NULL || ipc_msg_get(m, res) == -1 ||
	    res->head.status != 200 ||
	    acmejob_keep_csr(a, res->der, res->der_len) == -1)
		acmejob_reply_status(a, 502, "authd made no CSR");
	else {
		f[0] = (const char *)res->der;
		len[0] = res->der_len;
		acmejob_reply(a, 200, 1, f, len);
	}
	free(res);
}

int
acmejob_ask_csr(struct ajob *a)
{
	struct ipc_acme_csr	*b;
	struct ipc_msg		 m;
	int			 rc;

	if ((b = calloc(1, sizeof(*b))) == NULL)
		fatal("%s", __func__);
	strlcpy(b->id, a->res->cert_id, sizeof(b->id));
	memcpy(b->sealed, a->res->cert_sealed, a->res->cert_sealed_len);
	b->sealed_len = a->res->cert_sealed_len;
	strlcpy(b->names, a->res->names, sizeof(b->names));
	ipc_msg_init(&m, IPC_ACME_CSR, 0);
	ipc_msg_put(&m, b);
	rc = ipc_request(acmejob_peer(PROC_AUTHD), &m,
	    taskd_env->conf.common.ipc_timeout_ms, csr_made, a);
	free(b);
	return rc;
}

static void
eab_made(struct ipc_chan *chan, struct ipc_msg *m, void *arg)
{
	struct ajob		*a = arg;
	struct ipc_acme_eab_res	 res;
	const char		*f[2];
	size_t			 len[2];

	(void)chan;
	if (m == NULL || ipc_msg_get(m, &res) == -1 ||
	    res.head.status != 200)
		acmejob_reply_status(a, 502, "authd made no EAB binding");
	else {
		f[0] = res.kid;
		len[0] = strlen(res.kid);
		f[1] = (const char *)res.mac;
		len[1] = res.mac_len;
		acmejob_reply(a, 200, 2, f, len);
	}
	explicit_bzero(&res, sizeof(res));
}

/* The binding of the job's directory, under the key authd holds. */
int
acmejob_ask_eab(struct ajob *a, const struct aw_msg *w)
{
	struct ipc_acme_eab	 b;
	struct ipc_msg		 m;

	/* only to register the job's account: once it has its URL, the
	 * operator's EAB key has nothing left to bind */
	if (w->n != 1 || w->len[0] > ACCT_EAB_IN_MAX ||
	    strlen(w->f[0]) != w->len[0] || a->res->account_url[0] != '\0')
		return -1;
	memset(&b, 0, sizeof(b));
	strlcpy(b.directory, a->res->directory, sizeof(b.directory));
	strlcpy(b.input, w->f[0], sizeof(b.input));
	ipc_msg_init(&m, IPC_ACME_EAB, 0);
	ipc_msg_put(&m, &b);
	return ipc_request(acmejob_peer(PROC_AUTHD), &m,
	    taskd_env->conf.common.ipc_timeout_ms, eab_made, a);
}

