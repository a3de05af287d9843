/*
 * Minting an API key (see mint.c): the plaintext ak_ token exists here
 * and in the answer to the request that made it, nowhere else; stored
 * keeps its public id and the HMAC of its secret.
 */
#include <string.h>
#include <time.h>

#include "authd.h"
#include "keyrec.h"
#include "log.h"
#include "tokens.h"

/* stored's record of the key, and the token in it, shown this once */
static int
key_answer(struct ipc_msg *res, struct ipc_msg *out, const struct mint *mt)
{
	struct key_rec	 k;
	char		 message[256];
	int		 status;

	if (key_res_get(res, &status, message, sizeof(message), &k) == -1)
		return -1;
	if (status == 201)
		strlcpy(k.token, mt->secret, sizeof(k.token));
	key_res_put(out, status, message, &k);
	explicit_bzero(&k, sizeof(k));
	return 0;
}

int
apikeys_create(struct ipc_chan *chan, struct ipc_msg *m)
{
	struct mint	*mt;
	struct grant	 g;
	struct ipc_msg	 req;
	uint8_t		 grant[GRANT_LEN + 1], digest[32];
	char		 ref[FIELD_REF_MAX + 1], name[KEYNAME_MAX + 1];
	char		 idtext[TOKEN_ID_TEXT_LEN + 1];
	char		 perms[PERMISSIONS_MAX + 1];
	size_t		 glen;
	uint32_t	 scopes;
	int64_t		 expires_in;
	int		 never;

	ipc_get_bin(m, grant, sizeof(grant), &glen);
	ipc_get_str(m, ref, sizeof(ref));
	ipc_get_str(m, name, sizeof(name));
	ipc_get_u32(m, &scopes);
	ipc_get_str(m, perms, sizeof(perms));
	ipc_get_opti64(m, &expires_in, &never);
	if (ipc_end(m) == -1)
		return -1;
	mt = mint_new(chan, m);
	if (grant_check(grant, glen, &g) == -1) {
		mint_refuse(mt, 401, "invalid or expired token");
		return 0;
	}
	if (mint_token(mt, PREFIX_APIKEY, idtext, digest) == -1)
		fatalx("cannot mint an api key");
	ipc_msg_init(&req, IPC_STORE_APIKEY_CREATE, 0);
	ipc_put_bin(&req, grant, glen);
	ipc_put_str(&req, ref);
	ipc_put_str(&req, idtext);
	ipc_put_bin(&req, digest, sizeof(digest));
	ipc_put_str(&req, name);
	ipc_put_u64(&req, scopes);
	ipc_put_str(&req, perms);
	if (never)
		ipc_put_nil(&req);
	else
		ipc_put_i64(&req, time(NULL) + expires_in);
	mint_store(mt, &req, key_answer);
	return 0;
}
