/*
 * Minting an API key (see mint.c): the plaintext ak_ token exists here
 * and in the answer to the request that made it, nowhere else; stored
 * keeps its public id and the HMAC of its secret.
 */
#include <string.h>
#include <time.h>

#include "authd.h"
#include "body_keys.h"
#include "log.h"
#include "tokens.h"

/* stored's record of the key, and the token in it, shown this once */
static int
key_answer(struct ipc_msg *res, const struct mint *mt)
{
	struct ipc_apikey_res	 k;

	if (ipc_msg_get(res, &k) == -1)
		return -1;
	if (k.head.status == 201)
		strlcpy(k.key.token, mt->secret, sizeof(k.key.token));
	ipc_answer(&mt->req, &k, NULL);
	explicit_bzero(&k, sizeof(k));
	return 0;
}

int
apikeys_create(struct ipc_chan *chan, struct ipc_msg *m)
{
	struct ipc_apikey_create b;
	struct ipc_apikey_store	 rec;
	struct mint		*mt;
	struct grant		 g;

	if (ipc_msg_get(m, &b) == -1)
		return -1;
	mt = mint_new(chan, m);
	if (grant_check(b.grant, b.grant_len, &g) == -1) {
		mint_refuse(mt, 401, "invalid or expired token");
		return 0;
	}
	memset(&rec, 0, sizeof(rec));
	if (mint_token(mt, PREFIX_APIKEY, rec.public_id, rec.digest) == -1)
		fatalx("cannot mint an api key");
	rec.digest_len = sizeof(rec.digest);
	memcpy(rec.grant, b.grant, b.grant_len);
	rec.grant_len = b.grant_len;
	memcpy(rec.user, b.user, sizeof(rec.user));
	memcpy(rec.name, b.name, sizeof(rec.name));
	rec.scopes = b.scopes;
	memcpy(rec.permissions, b.permissions, sizeof(rec.permissions));
	rec.never = b.never;
	if (!b.never)
		rec.expires_at = time(NULL) + b.expires_in;
	mint_store(mt, IPC_STORE_APIKEY_CREATE, &rec, key_answer);
	return 0;
}
