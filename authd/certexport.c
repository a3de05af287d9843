/*
 * A certificate's export (issue 11, certctrl-apiv1.txt's
 * `GET .../certificates/:id/export`): stored checks that the client may
 * take the key (certs.write), records the export and hands over the
 * seal; authd opens it for this answer alone, and clears it after.
 */
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>

#include "authd.h"
#include "body_certs.h"
#include "log.h"

/* The export's answer: the key's PEM in base64, then all of it cleared. */
static void
export_answer(struct ipc_req *req, const struct ipc_certkey_res *k)
{
	struct ipc_cert_export_res	*out;
	char				 pem[CERT_KEY_PEM_MAX + 1];

	if ((out = calloc(1, sizeof(*out))) == NULL)
		fatal("%s", __func__);
	if (unseal_bound(CERT_SEAL_CLASS, "cert", k->id, k->sealed, k->sealed_len,
	    pem, sizeof(pem)) == -1) {
		log_warnx("certificate %s: its key does not open", k->id);
		ipc_answer_status(req, 500, "the key does not open");
	} else {
		/* standard base64, as certctrl's clients `base64 -d` it */
		EVP_EncodeBlock((unsigned char *)out->privkey,
		    (const unsigned char *)pem, (int)strlen(pem));
		out->head.status = 200;
		strlcpy(out->head.message, "ok", sizeof(out->head.message));
		strlcpy(out->cert_pem, k->cert_pem, sizeof(out->cert_pem));
		strlcpy(out->chain_pem, k->chain_pem, sizeof(out->chain_pem));
		ipc_answer(req, out, NULL);
	}
	explicit_bzero(pem, sizeof(pem));
	explicit_bzero(out, sizeof(*out));
	free(out);
}

static void
key_found(struct ipc_chan *chan, struct ipc_msg *m, void *arg)
{
	struct ipc_req		*req = arg;
	struct ipc_certkey_res	*k;

	(void)chan;
	if ((k = calloc(1, sizeof(*k))) == NULL)
		fatal("%s", __func__);
	if (m == NULL)
		ipc_answer_status(req, 503, "try again");
	else if (ipc_msg_get(m, k) == -1)
		ipc_answer_status(req, 500, "internal error");
	else if (!ipc_status_ok(k->head.status))
		ipc_answer_status(req, k->head.status, k->head.message);
	else
		export_answer(req, k);
	explicit_bzero(k, sizeof(*k));
	free(k);
	free(req);
}

/*
 * IPC_AUTH_CERT_EXPORT, from frontd: stored checks that the client may
 * take the key (certs.write), records the export and hands over the
 * seal; authd opens it for this answer alone.
 */
int
certs_export(struct ipc_chan *chan, struct ipc_msg *m)
{
	struct ipc_req		*req;
	struct ipc_certkey_get	 q;
	struct ipc_msg		 out;
	const char		*why = NULL;
	int			 status;

	if ((req = malloc(sizeof(*req))) == NULL)
		fatal("%s", __func__);
	*req = ipc_req_of(chan, m);
	if (ipc_msg_get(m, &q) == -1) {
		free(req);
		return -1;
	}
	q.op = CERTKEY_EXPORT;
	if ((status = grant_scoped(q.grant, q.grant_len, SCOPE_CERTS_WRITE,
	    NULL, &why)) != 0) {
		ipc_answer_status(req, status, why);
		free(req);
		return 0;
	}
	ipc_msg_init(&out, IPC_CERTKEY_GET, 0);
	ipc_msg_put(&out, &q);
	if (ipc_request(authd_env->chans[PROC_STORED], &out,
	    authd_env->conf.common.ipc_timeout_ms, key_found, req) == -1) {
		ipc_answer_status(req, 503, "try again");
		free(req);
	}
	return 0;
}
