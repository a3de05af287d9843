/*
 * What taskd has authd do for an ACME job (issue 11), on the taskd to
 * authd route alone (the catalogue's): sign a JWS with the account's
 * key (acme.sign), make the CSR of a certificate's key (acme.csr), and
 * MAC an External Account Binding with the directory's configured key
 * (acme.eab).  taskd never holds a key: it passes on the seal and the
 * id stored gave it with the job, and a seal opens only under the id
 * and the kind of object it was sealed to, so a seal copied from
 * another row, or sent with another id, opens nothing (an account's
 * key is sealed here too, acmeacct_key_make()).  Refusals are
 * answered (409) and logged; the key is cleared after each use.
 */
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>

#include "acmekey.h"
#include "authd.h"
#include "body_acmeacct.h"
#include "body_cfg.h"
#include "crypto.h"
#include "hmac.h"
#include "log.h"
#include "pki.h"
#include "util.h"

/* The key sealed to class/what:id; NULL with why. */
static EVP_PKEY *
key_open(const char *class, const char *what, const char *id,
    const uint8_t *sealed, size_t len, const char **why)
{
	char		 pem[CERT_KEY_PEM_MAX + 1];
	EVP_PKEY	*key = NULL;

	if (!uuid_shaped(id)) {
		*why = "not an object's id";
		return NULL;
	}
	if (len == 0) {
		*why = "no sealed key";
		return NULL;
	}
	if (unseal_bound(class, what, id, sealed, len, pem,
	    sizeof(pem)) == -1)
		*why = "a seal that does not open for this object";
	else if ((key = pki_key_read(pem)) == NULL)
		*why = "the sealed key does not parse";
	explicit_bzero(pem, sizeof(pem));
	return key;
}

/* A key's PEM sealed to class, what:id into sealed; 0 or -1. */
int
key_seal(EVP_PKEY *key, const char *class, const char *what,
    const char *id, uint8_t *sealed, size_t cap, size_t *sealed_len)
{
	char	 pem[CERT_KEY_PEM_MAX + 1];
	int	 rc;

	rc = pki_key_pem(key, pem, sizeof(pem)) == 0 &&
	    seal_bound_into(class, what, id, pem, sealed, cap,
	    sealed_len) == 0 ? 0 : -1;
	explicit_bzero(pem, sizeof(pem));
	return rc;
}

/* The new key, sealed to the account's new id, into out: 0 or -1. */
int
acmeacct_key_make(EVP_PKEY *key, const struct pki_keyspec *ks,
    struct ipc_acmeacct_store *out)
{
	uuid_v4(out->acct.id);
	strlcpy(out->acct.key_type, ks->name, sizeof(out->acct.key_type));
	return key == NULL ? -1 : key_seal(key, ACMEACCT_SEAL_CLASS, "key",
	    out->acct.id, out->sealed, sizeof(out->sealed), &out->sealed_len);
}

static void
head_of(struct ipc_head *h, const char *why)
{
	h->status = why == NULL ? 200 : 409;
	strlcpy(h->message, why != NULL ? why : "ok", sizeof(h->message));
}

void
acme_sign_do(const struct ipc_acme_sign *in, struct ipc_acme_sign_res *res)
{
	EVP_PKEY	*key;
	const char	*why = NULL;

	memset(res, 0, sizeof(*res));
	if ((key = key_open(ACMEACCT_SEAL_CLASS, "key", in->id, in->sealed,
	    in->sealed_len, &why)) != NULL) {
		if (acmekey_jwk(key, res->alg, sizeof(res->alg), res->jwk,
		    sizeof(res->jwk)) == -1)
			why = "a key ACME cannot use";
		else if (in->input_len == 0)
			;	/* the JWK alone, for the signer's set-up */
		else if (acmekey_sign(key, in->input, in->input_len, res->sig,
		    sizeof(res->sig), &res->sig_len) == -1)
			why = "cannot sign";
		EVP_PKEY_free(key);
	}
	head_of(&res->head, why);
}

void
acme_csr_do(const struct ipc_acme_csr *in, struct ipc_acme_csr_res *res)
{
	EVP_PKEY	*key;
	const char	*why = NULL;

	memset(res, 0, sizeof(*res));
	if ((key = key_open(CERT_SEAL_CLASS, "cert", in->id, in->sealed,
	    in->sealed_len, &why)) != NULL) {
		why = acmekey_csr(key, in->names, res->der, sizeof(res->der),
		    &res->der_len);
		EVP_PKEY_free(key);
	}
	head_of(&res->head, why);
}

void
acme_eab_do(const struct ipc_acme_eab *in, struct ipc_acme_eab_res *res)
{
	const char	*kid, *hmac;
	uint8_t		 k[CFG_ACME_EAB_MAX];
	size_t		 klen;
	const char	*why = NULL;

	memset(res, 0, sizeof(*res));
	if (acme_eab_get_key(in->directory, &kid, &hmac) == -1)
		why = "the directory has no EAB key";
	else if (b64url_decode_strict(hmac, strlen(hmac), k, sizeof(k),
	    &klen) == -1 || klen == 0)
		why = "the EAB key does not decode";
	else {
		hmac_sha256(k, klen, in->input, strlen(in->input), res->mac);
		res->mac_len = 32;
		strlcpy(res->kid, kid, sizeof(res->kid));
	}
	explicit_bzero(k, sizeof(k));
	head_of(&res->head, why);
}

/* IPC_ACME_SIGN, from taskd */
int
acmejob_sign(struct ipc_chan *chan, struct ipc_msg *m)
{
	struct ipc_req			 req = ipc_req_of(chan, m);
	struct ipc_acme_sign		*in;
	struct ipc_acme_sign_res	 res;

	if ((in = calloc(1, sizeof(*in))) == NULL)
		fatal("%s", __func__);
	if (ipc_msg_get(m, in) == -1) {
		free(in);
		return -1;
	}
	acme_sign_do(in, &res);
	if (res.head.status != 200)
		log_warnx("acme.sign %s: %s", in->id, res.head.message);
	ipc_answer(&req, &res, NULL);
	free(in);
	return 0;
}

/* IPC_ACME_CSR, from taskd */
int
acmejob_csr(struct ipc_chan *chan, struct ipc_msg *m)
{
	struct ipc_req			 req = ipc_req_of(chan, m);
	struct ipc_acme_csr		*in;
	struct ipc_acme_csr_res		*res;

	if ((in = calloc(1, sizeof(*in))) == NULL ||
	    (res = calloc(1, sizeof(*res))) == NULL)
		fatal("%s", __func__);
	if (ipc_msg_get(m, in) == -1) {
		free(in);
		free(res);
		return -1;
	}
	acme_csr_do(in, res);
	if (res->head.status != 200)
		log_warnx("acme.csr %s: %s", in->id, res->head.message);
	ipc_answer(&req, res, NULL);
	free(in);
	free(res);
	return 0;
}

/* IPC_ACME_EAB, from taskd */
int
acmejob_eab(struct ipc_chan *chan, struct ipc_msg *m)
{
	struct ipc_req			 req = ipc_req_of(chan, m);
	struct ipc_acme_eab		 in;
	struct ipc_acme_eab_res		 res;

	if (ipc_msg_get(m, &in) == -1)
		return -1;
	acme_eab_do(&in, &res);
	if (res.head.status != 200)
		log_warnx("acme.eab %s: %s", in.directory, res.head.message);
	ipc_answer(&req, &res, NULL);
	explicit_bzero(&res, sizeof(res));
	return 0;
}
