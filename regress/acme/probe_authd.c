/*
 * Test code only: the probe's keys kept as authd keeps them (made and
 * sealed by acmeacct_key_make(), a certificate's key sealed as certs.c
 * seals it), and every signature, CSR and EAB MAC made by authd's own
 * handlers' code (acme_sign_do(), acme_csr_do(), acme_eab_do()) from
 * the messages taskd would send, passed through the real codec and
 * routes (taskd to authd, and back).  So a real CA judges what authd
 * answers: the JWK, the JWS signatures, the CSR, the binding.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/pem.h>

#include "acme.h"
#include "authd.h"
#include "body_acmeacct.h"
#include "body_cfg.h"
#include "crypto.h"
#include "ipc.h"
#include "log.h"
#include "pki.h"
#include "probe.h"
#include "../unit/test.h"
#include "util.h"

struct authd		*authd_env;
static struct authd	 env;

/* the account: its id and seal, as stored would give them with a job */
static struct ipc_acmeacct_store acct;
static char		 alg[ACCT_ALG_MAX + 1];

/* body as taskd writes it into type, read back as to reads it */
static int
codec(enum ipc_type type, enum proc_id from, enum proc_id to,
    const void *body, void *out)
{
	struct ipc_msg	 w, r;
	int		 rc;

	ipc_msg_init(&w, type, 1);
	ipc_msg_put(&w, body);
	if (test_ipc_pass(&w, from, to, &r) == -1)
		return -1;
	rc = ipc_msg_get(&r, out);
	ipc_msg_clear(&r);
	return rc;
}

/* acme.sign there and acme.sign.res back; 0 with the answer, or -1 */
static int
authd_sign(const void *in, size_t inlen, struct ipc_acme_sign_res *res)
{
	struct ipc_acme_sign		*q, *got;
	struct ipc_acme_sign_res	 ans;
	int				 rc = -1;

	if (inlen > ACCT_SIGN_IN_MAX || (q = calloc(1, sizeof(*q))) == NULL)
		return -1;
	if ((got = calloc(1, sizeof(*got))) == NULL) {
		free(q);
		return -1;
	}
	strlcpy(q->id, acct.acct.id, sizeof(q->id));
	memcpy(q->sealed, acct.sealed, acct.sealed_len);
	q->sealed_len = acct.sealed_len;
	memcpy(q->input, in, inlen);
	q->input_len = inlen;
	if (codec(IPC_ACME_SIGN, PROC_TASKD, PROC_AUTHD, q, got) == 0) {
		acme_sign_do(got, &ans);
		if (codec(IPC_ACME_SIGN_RES, PROC_AUTHD, PROC_TASKD, &ans,
		    res) == 0 && res->head.status == 200)
			rc = 0;
	}
	free(q);
	free(got);
	return rc;
}

static int
sign_cb(void *arg, const void *in, size_t inlen, uint8_t *sig,
    size_t *siglen)
{
	struct ipc_acme_sign_res	 res;

	(void)arg;
	if (authd_sign(in, inlen, &res) == -1 || res.sig_len > *siglen)
		return -1;
	memcpy(sig, res.sig, res.sig_len);
	*siglen = res.sig_len;
	return 0;
}

static void
authd_init(void)
{
	static int	 done;

	if (done++)
		return;
	log_procinit("acme_probe");
	if (crypto_init() != CRYPTO_OK)
		fatalx("crypto_init");
	authd_env = &env;
	arc4random_buf(env.seal_key, sizeof(env.seal_key));
}

int
probe_authd_key(struct probe_key *k, const char *type)
{
	struct pki_keyspec		 ks;
	struct ipc_acme_sign_res	 res;
	EVP_PKEY			*key;
	int				 rc;

	authd_init();
	memset(k, 0, sizeof(*k));
	if (pki_keyspec(strcmp(type, "rsa") == 0 ? "rsa" :
	    strcmp(type, "ec384") == 0 ? "ecdsa-p384" : "ecdsa", 0,
	    &ks) != NULL || (key = pki_keygen(&ks)) == NULL)
		return -1;
	rc = acmeacct_key_make(key, &ks, &acct);
	EVP_PKEY_free(key);
	if (rc == -1)
		return -1;
	/* an empty input: the alg and the JWK alone */
	if (authd_sign("", 0, &res) == -1 ||
	    (k->sg.jwk = json_loads(res.jwk, 0, NULL)) == NULL)
		return -1;
	strlcpy(alg, res.alg, sizeof(alg));
	k->sg.alg = alg;
	k->sg.sign = sign_cb;
	k->sg.arg = k;
	printf("authd key %s %s\n", acct.acct.key_type, alg);
	return 0;
}

static int
mac_cb(void *arg, const void *in, size_t inlen, uint8_t *mac,
    size_t *maclen)
{
	const char		*dir = arg;
	struct ipc_acme_eab	 q, got;
	struct ipc_acme_eab_res	 ans, res;

	memset(&q, 0, sizeof(q));
	strlcpy(q.directory, dir, sizeof(q.directory));
	if (inlen >= sizeof(q.input))
		return -1;
	memcpy(q.input, in, inlen);
	if (codec(IPC_ACME_EAB, PROC_TASKD, PROC_AUTHD, &q, &got) == -1)
		return -1;
	acme_eab_do(&got, &ans);
	if (codec(IPC_ACME_EAB_RES, PROC_AUTHD, PROC_TASKD, &ans,
	    &res) == -1 || res.head.status != 200 || res.mac_len > *maclen)
		return -1;
	memcpy(mac, res.mac, res.mac_len);
	*maclen = res.mac_len;
	return 0;
}

int
probe_authd_eab(const char *kid, const char *hmac, struct acme_eab *e)
{
	static char		 dir[] = "probe";
	static char		 k[CFG_ACME_EAB_MAX];
	struct ipc_cfg_acme	 b = { 1 };
	struct ipc_cfg_acme_eab	 one;
	struct ipc_msg		 w, r;

	authd_init();
	memset(&one, 0, sizeof(one));
	strlcpy(one.name, dir, sizeof(one.name));
	strlcpy(one.kid, kid, sizeof(one.kid));
	strlcpy(one.hmac, hmac, sizeof(one.hmac));
	/* as moatd hands it to authd, cfg.acme.eab */
	ipc_msg_init(&w, IPC_CFG_ACME_EAB, 0);
	ipc_msg_put(&w, &b);
	ipc_msg_put_item(&w, &one);
	explicit_bzero(&one, sizeof(one));
	if (test_ipc_pass(&w, PROC_MOATD, PROC_AUTHD, &r) == -1 ||
	    config_acme_eab(NULL, &r) == -1)
		return -1;
	ipc_msg_clear(&r);
	acme_eab_apply();
	strlcpy(k, kid, sizeof(k));
	e->kid = k;
	e->mac = mac_cb;
	e->arg = dir;
	return 0;
}

int
probe_authd_csr(const char *const *names, size_t n, const char *keyout,
    uint8_t **der, size_t *len)
{
	struct pki_keyspec	 ks;
	struct ipc_acme_csr	*q, *got;
	struct ipc_acme_csr_res	*ans, *res;
	EVP_PKEY		*pk;
	char			 pem[CERT_KEY_PEM_MAX + 1];
	FILE			*f;
	size_t			 i;
	int			 rc = -1;

	authd_init();
	q = calloc(1, sizeof(*q));
	got = calloc(1, sizeof(*got));
	ans = calloc(1, sizeof(*ans));
	res = calloc(1, sizeof(*res));
	if (q == NULL || got == NULL || ans == NULL || res == NULL ||
	    pki_keyspec("ecdsa", 0, &ks) != NULL ||
	    (pk = pki_keygen(&ks)) == NULL)
		goto out;
	uuid_v4(q->id);
	if (pki_key_pem(pk, pem, sizeof(pem)) == 0 &&
	    seal_bound_into(CERT_SEAL_CLASS, "cert", q->id, pem, q->sealed,
	    sizeof(q->sealed), &q->sealed_len) == 0 &&
	    (f = fopen(keyout, "w")) != NULL) {
		fputs(pem, f);
		fclose(f);
		for (i = 0; i < n; i++) {
			if (i > 0)
				strlcat(q->names, ",", sizeof(q->names));
			strlcat(q->names, names[i], sizeof(q->names));
		}
		if (codec(IPC_ACME_CSR, PROC_TASKD, PROC_AUTHD, q, got) == 0) {
			acme_csr_do(got, ans);
			if (codec(IPC_ACME_CSR_RES, PROC_AUTHD, PROC_TASKD,
			    ans, res) == 0 && res->head.status == 200 &&
			    (*der = malloc(res->der_len)) != NULL) {
				memcpy(*der, res->der, res->der_len);
				*len = res->der_len;
				rc = 0;
			} else
				fprintf(stderr, "acme.csr: %s\n",
				    res->head.message);
		}
	}
	explicit_bzero(pem, sizeof(pem));
	EVP_PKEY_free(pk);
 out:
	free(q);
	free(got);
	free(ans);
	free(res);
	return rc;
}
