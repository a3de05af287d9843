/*
 * An auto-renewal's new key (issue 11): taskd, holding a cert.renew
 * task whose certificate has no new key yet, asks authd for one
 * (acme.renewkey); it is made on the keygen thread, sealed to the
 * certificate's id ("pki", "cert:<id>", as every certificate key) and
 * handed to stored (store.renewkey), which keeps it for that lease
 * alone.  taskd never sees the key; the old one serves until the new
 * certificate is stored.
 */
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>

#include "authd.h"
#include "body_acmejob.h"
#include "keygen.h"
#include "log.h"
#include "pki.h"
#include "util.h"

/* An auto-renewal's new key being made (acme.renewkey). */
struct renewkey {
	struct ipc_req			 req;	/* taskd's */
	struct ipc_store_renewkey	 out;
};

static void
renewkey_kept(struct ipc_chan *chan, struct ipc_msg *m, void *arg)
{
	struct renewkey		*rk = arg;
	struct ipc_status_res	 res;

	(void)chan;
	if (m == NULL || ipc_msg_get(m, &res) == -1)
		ipc_answer_status(&rk->req, 503, "stored did not answer");
	else
		ipc_answer_status(&rk->req, (int)res.head.status,
		    res.head.message);
	free(rk);
}

/* On the loop, the key made by the keygen thread: sealed, to stored. */
static void
renewkey_made(EVP_PKEY *key, void *arg)
{
	struct renewkey	*rk = arg;
	struct ipc_msg	 m;
	int		 rc = -1;

	if (key != NULL && key_seal(key, CERT_SEAL_CLASS, "cert",
	    rk->out.cert_id, rk->out.sealed, sizeof(rk->out.sealed),
	    &rk->out.sealed_len) == 0) {
		ipc_msg_init(&m, IPC_STORE_RENEWKEY, 0);
		ipc_msg_put(&m, &rk->out);
		rc = ipc_request(authd_env->chans[PROC_STORED], &m,
		    authd_env->conf.common.ipc_timeout_ms, renewkey_kept, rk);
	}
	EVP_PKEY_free(key);
	explicit_bzero(&rk->out, sizeof(rk->out));
	if (rc == -1) {
		ipc_answer_status(&rk->req, key == NULL ? 500 : 503,
		    "cannot make or keep the new key");
		free(rk);
	}
}

/*
 * IPC_ACME_RENEWKEY, from taskd: a new key for the renewal it leases,
 * made on the keygen thread, sealed to the certificate's id and kept
 * by stored for that lease alone (it checks the task, its fence and
 * that it renews that certificate).  taskd never sees the key.
 */
int
acmejob_renewkey(struct ipc_chan *chan, struct ipc_msg *m)
{
	struct ipc_acme_renewkey	 in;
	struct pki_keyspec		 ks;
	struct renewkey			*rk;
	struct ipc_req			 req = ipc_req_of(chan, m);
	const char			*why;

	if (ipc_msg_get(m, &in) == -1)
		return -1;
	if (!uuid_shaped(in.cert_id))
		why = "not a certificate's id";
	else
		why = pki_keyspec(in.key_type, 0, &ks);
	if (why != NULL) {
		log_warnx("acme.renewkey %s: %s", in.cert_id, why);
		ipc_answer_status(&req, 400, why);
		return 0;
	}
	if ((rk = calloc(1, sizeof(*rk))) == NULL)
		fatal("%s", __func__);
	rk->req = req;
	rk->out.task_oid = in.task_oid;
	rk->out.fence = in.fence;
	strlcpy(rk->out.cert_id, in.cert_id, sizeof(rk->out.cert_id));
	keygen_submit(&ks, renewkey_made, rk);
	return 0;
}
