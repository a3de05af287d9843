/*
 * A device's deploy materials (GET /apiv1/devices/self/certificates/:id/
 * deploy-materials): the key of a certificate given to the device,
 * opened here and wrapped at once for the device alone, so that frontd
 * carries only what it cannot open.  The envelope, "aes256gcm": a
 * random 32-byte data key sealed to the device's X25519 key with
 * libsodium's crypto_box_seal, and the key's PEM under AES-256-GCM with
 * that data key and a random 12-byte nonce (ciphertext then tag).
 */
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>
#include <sodium.h>

#include "authd.h"
#include "body_devices.h"
#include "log.h"

/* as certs.c seals a certificate's key */
#define SEAL_CLASS	"pki"
#define DATA_KEY_LEN	32
#define NONCE_LEN	12
#define TAG_LEN		16

#if DEPLOY_DATA_KEY64_MAX < 4 * ((DATA_KEY_LEN + crypto_box_SEALBYTES + 2) / 3)
#error "a sealed data key does not fit deploy.res"
#endif
#if DEPLOY_KEY64_MAX < 4 * ((CERT_KEY_PEM_MAX + TAG_LEN + 2) / 3)
#error "an encrypted key does not fit deploy.res"
#endif

/* pem under key: out gets ciphertext then tag; its length, or -1 */
static int
gcm_seal(const uint8_t key[DATA_KEY_LEN], const uint8_t nonce[NONCE_LEN],
    const char *pem, size_t len, uint8_t *out)
{
	EVP_CIPHER_CTX	*ctx;
	int		 n, m, ok;

	if ((ctx = EVP_CIPHER_CTX_new()) == NULL)
		return -1;
	ok = EVP_EncryptInit_ex(ctx, EVP_aes_256_gcm(), NULL, key, nonce) ==
	    1 && EVP_EncryptUpdate(ctx, out, &n, (const uint8_t *)pem,
	    (int)len) == 1 && EVP_EncryptFinal_ex(ctx, out + n, &m) == 1 &&
	    EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_GET_TAG, TAG_LEN,
	    out + n + m) == 1;
	EVP_CIPHER_CTX_free(ctx);
	return ok ? n + m + TAG_LEN : -1;
}

/* The envelope of pem for the device's key pk (base64): 0, or -1. */
static int
wrap(const char *pk64, const char *pem, struct ipc_deploy_res *out)
{
	uint8_t	 pk[48], key[DATA_KEY_LEN], nonce[NONCE_LEN];
	uint8_t	 boxed[DATA_KEY_LEN + crypto_box_SEALBYTES];
	uint8_t	 ct[CERT_KEY_PEM_MAX + TAG_LEN];
	size_t	 len = strlen(pem);
	int	 n = -1;

	if (len > CERT_KEY_PEM_MAX || EVP_DecodeBlock(pk,
	    (const uint8_t *)pk64, (int)strlen(pk64)) != 33)
		return -1;
	randombytes_buf(key, sizeof(key));
	randombytes_buf(nonce, sizeof(nonce));
	if (crypto_box_seal(boxed, key, sizeof(key), pk) == 0 &&
	    (n = gcm_seal(key, nonce, pem, len, ct)) > 0) {
		EVP_EncodeBlock((uint8_t *)out->enc_data_key, boxed,
		    sizeof(boxed));
		EVP_EncodeBlock((uint8_t *)out->nonce, nonce, sizeof(nonce));
		EVP_EncodeBlock((uint8_t *)out->enc_privkey, ct, n);
	}
	explicit_bzero(key, sizeof(key));
	explicit_bzero(ct, sizeof(ct));
	return n > 0 ? 0 : -1;
}

static void
deploy_answer(struct ipc_req *req, const struct ipc_devkey_res *k)
{
	struct ipc_deploy_res	*out;
	char			 pem[CERT_KEY_PEM_MAX + 1];

	if (k->dev_pk[0] == '\0') {
		/* never the key in clear to a device's token */
		ipc_answer_status(req, 409, "the device has no registered "
		    "key (dev_pk)");
		return;
	}
	if ((out = calloc(1, sizeof(*out))) == NULL)
		fatal("%s", __func__);
	if (unseal_bound(SEAL_CLASS, "cert", k->id, k->sealed, k->sealed_len,
	    pem, sizeof(pem)) == -1) {
		log_warnx("certificate %s: its key does not open", k->id);
		ipc_answer_status(req, 500, "the key does not open");
	} else if (wrap(k->dev_pk, pem, out) == -1) {
		log_warnx("certificate %s: cannot wrap its key", k->id);
		ipc_answer_status(req, 500, "cannot wrap the key");
	} else {
		out->head.status = 200;
		strlcpy(out->head.message, "ok", sizeof(out->head.message));
		out->cert_oid = k->oid;
		strlcpy(out->cert_pem, k->cert_pem, sizeof(out->cert_pem));
		strlcpy(out->chain_pem, k->chain_pem, sizeof(out->chain_pem));
		ipc_answer(req, out, NULL);
	}
	explicit_bzero(pem, sizeof(pem));
	explicit_bzero(out, sizeof(*out));
	free(out);
}

static void
devkey_found(struct ipc_chan *chan, struct ipc_msg *m, void *arg)
{
	struct ipc_req		*req = arg;
	struct ipc_devkey_res	*k;

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
		deploy_answer(req, k);
	explicit_bzero(k, sizeof(*k));
	free(k);
	free(req);
}

/* IPC_AUTH_DEPLOY, from frontd: with a device's grant alone */
int
deploy_request(struct ipc_chan *chan, struct ipc_msg *m)
{
	struct ipc_req		*req;
	struct ipc_op_cert	 q;
	struct ipc_msg		 out;
	struct grant		 g;

	if ((req = malloc(sizeof(*req))) == NULL)
		fatal("%s", __func__);
	*req = ipc_req_of(chan, m);
	if (ipc_msg_get(m, &q) == -1) {
		free(req);
		return -1;
	}
	if (grant_check(q.grant, q.grant_len, &g) == -1 ||
	    g.kind != GRANT_DEVICE) {
		ipc_answer_status(req, 401, "invalid or expired token");
		free(req);
		return 0;
	}
	ipc_msg_init(&out, IPC_DEVKEY_GET, 0);
	ipc_msg_put(&out, &q);
	if (ipc_request(authd_env->chans[PROC_STORED], &out,
	    authd_env->conf.common.ipc_timeout_ms, devkey_found, req) == -1) {
		ipc_answer_status(req, 503, "try again");
		free(req);
	}
	return 0;
}
