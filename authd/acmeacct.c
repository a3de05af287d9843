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

/* IPC_AUTH_ACMEACCT_CREATE, from frontd */
int
acmeacct_create(struct ipc_chan *chan, struct ipc_msg *m)
{
	struct ipc_acmeacct_create b;
	struct ipc_acmeacct_store *out;
	struct ipc_req		*req;
	struct ipc_msg		 sm;
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
	if ((out = calloc(1, sizeof(*out))) == NULL)
		fatal("%s", __func__);
	memcpy(out->grant, b.grant, b.grant_len);
	out->grant_len = b.grant_len;
	out->access = b.access;
	memcpy(out->user, b.user, sizeof(out->user));
	out->dialect = b.dialect;
	out->acct = b.acct;
	if (acmeacct_key_make(&ks, out) == -1) {
		log_warnx("acme account: cannot make or seal its key");
		ipc_answer_status(req, 500, "cannot make the key");
		free(req);
	} else {
		ipc_msg_init(&sm, IPC_STORE_ACMEACCT_CREATE, 0);
		ipc_msg_put(&sm, out);
		if (ipc_request(authd_env->chans[PROC_STORED], &sm,
		    authd_env->conf.common.ipc_timeout_ms, stored_acct,
		    req) == -1) {
			ipc_answer_status(req, 503, "try again");
			free(req);
		}
	}
	explicit_bzero(out, sizeof(*out));
	free(out);
	return 0;
}
