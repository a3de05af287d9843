/*
 * Registering a device (issue 11): its token is minted here (mint.c),
 * like an API key's, and shown once in the answer; stored keeps the
 * public id and the HMAC of the secret.  An agent's X25519 public key
 * (dev_pk), when given, is checked here: 32 bytes in standard base64,
 * and a point that deploy materials can be sealed to.
 */
#include <string.h>

#include <openssl/evp.h>
#include <sodium.h>

#include "authd.h"
#include "body_devices.h"
#include "log.h"
#include "tokens.h"
#include "util.h"

#if DEVICE_DIGEST_LEN != CRYPTO_MAC_LEN || \
    DEVICE_PUBLIC_ID_MAX < TOKEN_ID_TEXT_LEN
#error "a device token's record does not fit its message"
#endif

/*
 * "" or base64 of exactly 32 bytes that is not a point of small order:
 * 1 if so.  With such a point (all zeros, the identity, ...) every
 * shared secret is zero, so crypto_box_seal() refuses it and the
 * device's deploy materials could never be made (they were a 500).
 */
int
device_pk_valid(const char *pk)
{
	unsigned char	 raw[48], sk[crypto_scalarmult_SCALARBYTES];
	unsigned char	 shared[crypto_scalarmult_BYTES];
	size_t		 len = strlen(pk);
	int		 ok;

	if (len == 0)
		return 1;
	if (len != DEVICE_PK_MAX || pk[43] != '=' || pk[42] == '=')
		return 0;
	if (EVP_DecodeBlock(raw, (const unsigned char *)pk, (int)len) != 33)
		return 0;
	randombytes_buf(sk, sizeof(sk));
	ok = crypto_scalarmult(shared, sk, raw) == 0;
	explicit_bzero(sk, sizeof(sk));
	explicit_bzero(shared, sizeof(shared));
	return ok;
}

static int
text_ok(const char *s, int empty_ok)
{
	if (*s == '\0')
		return empty_ok;
	for (; *s != '\0'; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			return 0;
	return 1;
}

/*
 * Why a device cannot be made of b: 401, 403 or 400 with *why, or 0.
 * An agent's registration (pk_required) must bring its key.
 */
int
device_refusal(const struct ipc_device_create *b, int pk_required,
    const char **why)
{
	struct grant	 g;

	if (grant_check(b->grant, b->grant_len, &g) == -1 ||
	    g.kind == GRANT_DEVICE) {
		*why = "invalid or expired token";
		return 401;
	}
	if (g.kind == GRANT_APIKEY && !(g.scopes & SCOPE_DEVICES_WRITE)) {
		*why = "api key lacks required permission";
		return 403;
	}
	if (!text_ok(b->name, 0) || !text_ok(b->description, 1) ||
	    !text_ok(b->device_type, 1)) {
		*why = "name, description and device_type must be printable "
		    "text, the name not empty";
		return 400;
	}
	if ((pk_required && b->dev_pk[0] == '\0') ||
	    !device_pk_valid(b->dev_pk)) {
		*why = "dev_pk must be an X25519 public key: 32 bytes in "
		    "base64, not a point of small order";
		return 400;
	}
	return 0;
}

/* What stored keeps of the device b describes, but its token. */
void
device_record(const struct ipc_device_create *b, struct ipc_device_store *rec)
{
	memcpy(rec->grant, b->grant, b->grant_len);
	rec->grant_len = b->grant_len;
	strlcpy(rec->user, b->user, sizeof(rec->user));
	uuid_v4(rec->device.id);
	strlcpy(rec->device.name, b->name, sizeof(rec->device.name));
	strlcpy(rec->device.description, b->description,
	    sizeof(rec->device.description));
	strlcpy(rec->device.device_type, b->device_type,
	    sizeof(rec->device.device_type));
	strlcpy(rec->device.dev_pk, b->dev_pk, sizeof(rec->device.dev_pk));
}

/* stored's record of the device, and the token in it, shown this once */
static int
device_answer(struct ipc_msg *res, const struct mint *mt)
{
	struct ipc_device_res	 d;

	if (ipc_msg_get(res, &d) == -1)
		return -1;
	if (d.head.status == 201)
		strlcpy(d.token, mt->secret, sizeof(d.token));
	ipc_answer(&mt->req, &d, NULL);
	explicit_bzero(&d, sizeof(d));
	return 0;
}

/* IPC_AUTH_DEVICE_CREATE, from frontd */
int
devices_create(struct ipc_chan *chan, struct ipc_msg *m)
{
	struct ipc_device_create b;
	struct ipc_device_store	 rec;
	struct mint		*mt;
	const char		*why;
	int			 status;

	if (ipc_msg_get(m, &b) == -1)
		return -1;
	mt = mint_new(chan, m);
	if ((status = device_refusal(&b, 0, &why)) != 0) {
		mint_refuse(mt, status, why);
		return 0;
	}
	memset(&rec, 0, sizeof(rec));
	if (mint_token(mt, PREFIX_DEVICE, rec.public_id, rec.digest) == -1)
		fatalx("cannot mint a device token");
	rec.digest_len = sizeof(rec.digest);
	device_record(&b, &rec);
	mint_store(mt, IPC_STORE_DEVICE_CREATE, &rec, device_answer);
	explicit_bzero(&rec, sizeof(rec));
	return 0;
}
