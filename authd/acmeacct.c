/*
 * A user's ACME account on its way in (issue 11): its key is made here
 * (ECDSA P-256 by default, P-384, or RSA), sealed here bound to the
 * account's new id (class "acme_account", "key:<id>"), and only the
 * seal goes on to stored, which checks the rights, the e-mail and the
 * directory again and keeps the row.  The key is opened here alone,
 * for what taskd's job asks (acmesign.c).
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <openssl/evp.h>

#include "authd.h"
#include "body_acmeacct.h"
#include "keygen.h"
#include "log.h"
#include "pki.h"
#include "ratelimit.h"
#include "util.h"

/* stored's answer holds no key: it goes back as it is */
static void
stored_acct(struct ipc_chan *chan, struct ipc_msg *m, void *arg)
{
	struct ipc_req		*req = arg;
	struct ipc_acmeacct_res	 res;

	(void)chan;
	if (m == NULL)
		ipc_answer_status(req, 503, "try again");
	else if (ipc_msg_get(m, &res) == -1)
		ipc_answer_status(req, 500, "internal error");
	else
		ipc_answer(req, &res, NULL);
	free(req);
}

/* The grant and its scope: 0, or 401/403/429 with why. */
static int
acct_allowed(const struct ipc_acmeacct_create *b,
    const struct pki_keyspec *ks, uint32_t *retry, const char **why)
{
	struct grant	 g;

	*retry = 0;
	if (grant_check(b->grant, b->grant_len, &g) == -1) {
		*why = "invalid or expired token";
		return 401;
	}
	if (g.kind == GRANT_APIKEY &&
	    (g.scopes & SCOPE_CERTS_WRITE) != SCOPE_CERTS_WRITE) {
		*why = "api key lacks required permission";
		return 403;
	}
	/* an RSA key stops authd's loop while it is made (certs.c) */
	if (ks->rsa && !ratelimit_hit(authd_env->rsa_keys, &g.user_oid,
	    sizeof(g.user_oid), time(NULL), retry)) {
		*why = "too many RSA keys made; try again later";
		return 429;
	}
	return 0;
}

static void
refuse(const struct ipc_req *req, int status, uint32_t retry,
    const char *why)
{
	struct ipc_acmeacct_res	 res;

	memset(&res, 0, sizeof(res));
	res.head.status = status;
	res.head.retry = retry;
	strlcpy(res.head.message, why, sizeof(res.head.message));
	ipc_answer(req, &res, NULL);
}

/* An account being made, while its key is (on the keygen thread). */
struct acct_job {
	struct ipc_req			*req;
	struct pki_keyspec		 ks;
	struct ipc_acmeacct_store	 out;
};

/* On the loop, with the key: sealed to the new id, then to stored. */
static void
acct_keyed(EVP_PKEY *key, void *arg)
{
	struct acct_job	*job = arg;
	struct ipc_msg	 sm;

	if (acmeacct_key_make(key, &job->ks, &job->out) == -1) {
		log_warnx("acme account: cannot make or seal its key");
		ipc_answer_status(job->req, 500, "cannot make the key");
		free(job->req);
	} else {
		ipc_msg_init(&sm, IPC_STORE_ACMEACCT_CREATE, 0);
		ipc_msg_put(&sm, &job->out);
		if (ipc_request(authd_env->chans[PROC_STORED], &sm,
		    authd_env->conf.common.ipc_timeout_ms, stored_acct,
		    job->req) == -1) {
			ipc_answer_status(job->req, 503, "try again");
			free(job->req);
		}
	}
	EVP_PKEY_free(key);
	explicit_bzero(job, sizeof(*job));
	free(job);
}

/* IPC_AUTH_ACMEACCT_CREATE, from frontd */
int
acmeacct_create(struct ipc_chan *chan, struct ipc_msg *m)
{
	struct ipc_acmeacct_create b;
	struct acct_job		*job;
	struct ipc_req		*req;
	struct pki_keyspec	 ks;
	const char		*why = NULL;
	uint32_t		 retry = 0;
	int			 status;

	if ((req = calloc(1, sizeof(*req))) == NULL)
		fatal("%s", __func__);
	*req = ipc_req_of(chan, m);
	if (ipc_msg_get(m, &b) == -1) {
		free(req);
		return -1;
	}
	if ((why = pki_keyspec(b.acct.key_type, b.key_bits, &ks)) != NULL)
		status = 400;
	else
		status = acct_allowed(&b, &ks, &retry, &why);
	if (status != 0) {
		refuse(req, status, retry, why);
		free(req);
		return 0;
	}
	if ((job = calloc(1, sizeof(*job))) == NULL)
		fatal("%s", __func__);
	job->req = req;
	job->ks = ks;
	memcpy(job->out.grant, b.grant, b.grant_len);
	job->out.grant_len = b.grant_len;
	job->out.access = b.access;
	memcpy(job->out.user, b.user, sizeof(job->out.user));
	job->out.dialect = b.dialect;
	job->out.acct = b.acct;
	/* the key is made off the loop: logins go on meanwhile */
	keygen_submit(&ks, acct_keyed, job);
	explicit_bzero(&b, sizeof(b));
	return 0;
}
