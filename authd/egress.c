/*
 * Egress IPs: the secrets of a tunnel pass through here on their way
 * in, and out again only to taskd when it brings a host's tunnel up.
 * An admin's create or update arrives from frontd; authd makes our
 * WireGuard key pair (unless the admin brings a private key), seals
 * every secret bound to the egress IP and its field, and hands stored
 * the rest with the seals.  stored never sees a secret in clear, and
 * frontd sees only what the admin sent and our public key.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "authd.h"
#include "body_egress.h"
#include "egresscheck.h"
#include "log.h"
#include "util.h"

/* stored's answer goes back as it is: the record holds no secret. */
static void
stored_egress(struct ipc_chan *chan, struct ipc_msg *m, void *arg)
{
	struct ipc_req		*req = arg;
	struct ipc_egress_res	 res;

	(void)chan;
	if (m == NULL)
		ipc_answer_status(req, 503, "try again");
	else if (ipc_msg_get(m, &res) == -1)
		ipc_answer_status(req, 500, "internal error");
	else
		ipc_answer(req, &res, NULL);
	free(req);
}

static int
seal_egress(enum egress_secret s, const char *ref, const char *text,
    uint8_t *out, size_t *outlen)
{
	return seal_bound("egress", egress_secret_names[s], ref, text, out,
	    outlen);
}

/*
 * Our private key: the one given (a WireGuard key, nothing else), or a
 * new one when the egress is made or the admin cleared it.  "" in text
 * when the key stays as it is.
 */
static const char *
private_key(const struct ipc_auth_egress *in, char text[WG_KEY_TEXT_LEN + 1],
    char pub[WG_KEY_TEXT_LEN + 1])
{
	uint8_t		 priv[WG_KEY_LEN], pubkey[WG_KEY_LEN];
	const char	*given = in->secret[EGS_WG_PRIVATE_KEY];
	int		 present, ok;

	present = !in->secret_absent[EGS_WG_PRIVATE_KEY];
	text[0] = pub[0] = '\0';
	if (present && given[0] != '\0') {
		if (wg_key_decode(given, priv) != CRYPTO_OK)
			return "wg_private_key must be a WireGuard key (32 "
			    "bytes in base64)";
	} else if (in->op == EGRESS_CREATE || present) {
		if (x25519_generate(priv) != CRYPTO_OK)
			fatalx("cannot make a WireGuard key");
	} else
		return NULL;
	ok = x25519_public(priv, pubkey) == CRYPTO_OK &&
	    wg_key_encode(priv, text) == CRYPTO_OK &&
	    wg_key_encode(pubkey, pub) == CRYPTO_OK;
	explicit_bzero(priv, sizeof(priv));
	if (!ok)
		fatalx("cannot derive a WireGuard public key");
	return NULL;
}

/* A secret other than our private key: its form, before it is sealed. */
static const char *
secret_invalid(enum egress_secret s, const char *text)
{
	if (s == EGS_WG_PRESHARED_KEY)
		return egress_key_text_ok(text) ? NULL :
		    "wg_preshared_key must be base64";
	return text_is_line(text) ? NULL :
	    "a proxy password or uuid must be printable";
}

/* Every secret given, before anything is sealed. */
static const char *
secrets_invalid(const struct ipc_auth_egress *in)
{
	const char	*why;
	int		 s;

	for (s = 0; s < EGS_SECRETS; s++)
		if (s != EGS_WG_PRIVATE_KEY && !in->secret_absent[s] &&
		    in->secret[s][0] != '\0' &&
		    (why = secret_invalid(s, in->secret[s])) != NULL)
			return why;
	return NULL;
}

/* Each secret for stored: keep (0), clear (1), or its seal (2). */
static void
seal_secrets(struct ipc_store_egress *out, const struct ipc_auth_egress *in,
    const char *priv)
{
	struct egress_seal	*seal;
	const char		*text;
	int			 s;

	for (s = 0; s < EGS_SECRETS; s++) {
		seal = &out->seal[s];
		text = s == EGS_WG_PRIVATE_KEY ? priv : in->secret[s];
		if (s == EGS_WG_PRIVATE_KEY)
			seal->action = priv[0] != '\0' ? 2 : 0;
		else
			seal->action = in->secret_absent[s] ? 0 :
			    text[0] == '\0' ? 1 : 2;
		if (seal->action != 2)
			continue;
		if (seal_egress(s, out->ref, text, seal->sealed,
		    &seal->sealed_len) == -1)
			fatalx("cannot seal a secret");
		strlcpy(seal->ref, out->ref, sizeof(seal->ref));
		seal->valid = s != EGS_WG_PRESHARED_KEY ||
		    egress_wg_key_ok(text);
	}
}

/* What the admin sent, with our key pair if one is made. */
struct egress_in {
	struct ipc_auth_egress	 b;
	char			 priv[WG_KEY_TEXT_LEN + 1];
	char			 pub[WG_KEY_TEXT_LEN + 1];
};

/* The admin's change checked and our key made: 0, or a status and why. */
static int
egress_prepare(struct egress_in *in, const char **why)
{
	struct grant	 g;

	if (grant_check(in->b.grant, in->b.grant_len, &g) == -1) {
		*why = "invalid or expired token";
		return 401;
	}
	if (g.role != ROLE_ADMIN) {
		*why = "admin role required";
		return 403;
	}
	if ((*why = private_key(&in->b, in->priv, in->pub)) != NULL ||
	    (*why = secrets_invalid(&in->b)) != NULL)
		return 400;
	/* a new egress is named here, so that its seals bind to it */
	if (in->b.op == EGRESS_CREATE)
		uuid_v4(in->b.ref);
	return 0;
}

/* The change for stored: the settings as given, the secrets sealed. */
static int
store_request(const struct egress_in *in, struct ipc_req *req)
{
	struct ipc_store_egress	*out;
	struct ipc_msg		 m;

	if ((out = calloc(1, sizeof(*out))) == NULL)
		fatal("%s", __func__);
	memcpy(out->grant, in->b.grant, in->b.grant_len);
	out->grant_len = in->b.grant_len;
	out->op = in->b.op;
	strlcpy(out->ref, in->b.ref, sizeof(out->ref));
	out->given = in->b.given;
	strlcpy(out->client_public_key, in->pub,
	    sizeof(out->client_public_key));
	seal_secrets(out, &in->b, in->priv);
	ipc_msg_init(&m, IPC_STORE_EGRESS, 0);
	ipc_msg_put(&m, out);
	explicit_bzero(out, sizeof(*out));
	free(out);
	return ipc_request(authd_env->chans[PROC_STORED], &m,
	    authd_env->conf.common.ipc_timeout_ms, stored_egress, req);
}

/*
 * IPC_AUTH_EGRESS: grant, op, the egress ref ("" to create), each
 * setting (nil when absent), each secret (nil when absent, "" to clear).
 */
int
egress_change(struct ipc_chan *chan, struct ipc_msg *m)
{
	struct ipc_req	*req;
	struct egress_in *in;
	const char	*why;
	int		 status = 0;

	if ((req = calloc(1, sizeof(*req))) == NULL ||
	    (in = calloc(1, sizeof(*in))) == NULL)
		fatal("%s", __func__);
	*req = ipc_req_of(chan, m);
	if (ipc_msg_get(m, &in->b) == -1)
		status = -1;
	else if (in->b.op != EGRESS_CREATE && in->b.op != EGRESS_UPDATE)
		status = ipc_violation(m, "unknown egress operation");
	else if ((status = egress_prepare(in, &why)) != 0)
		ipc_answer_status(req, status, why);
	else if (store_request(in, req) == -1) {
		ipc_answer_status(req, 503, "try again");
		status = 503;
	}
	explicit_bzero(in, sizeof(*in));
	free(in);
	if (status != 0)
		free(req);
	return status == -1 ? -1 : 0;
}

/*
 * IPC_EGRESS_UNSEAL, from taskd: the egress IP's id and oid, then the
 * seals of our private key and the preshared key, each with the
 * reference it was sealed to, which must name that same egress IP: a
 * seal copied from another row opens only for the row it was made for.
 */
int
egress_unseal(struct ipc_chan *chan, struct ipc_msg *m)
{
	struct ipc_req		 req = ipc_req_of(chan, m);
	struct ipc_egress_unseal in;
	struct ipc_egress_unseal_res res;
	char			 oid_text[24];
	const char		*why = NULL;
	int			 i;

	if (ipc_msg_get(m, &in) == -1)
		return -1;
	snprintf(oid_text, sizeof(oid_text), "%llu",
	    (unsigned long long)in.oid);
	memset(&res, 0, sizeof(res));
	for (i = 0; i < 2 && why == NULL; i++) {
		if (in.sealed_len[i] == 0) {
			if (i == EGS_WG_PRIVATE_KEY)
				why = "the egress ip has no private key";
		} else if (strcmp(in.ref[i], in.id) != 0 &&
		    strcmp(in.ref[i], oid_text) != 0)
			why = "a seal of another egress ip";
		else if (unseal_bound("egress", egress_secret_names[i],
		    in.ref[i], in.sealed[i], in.sealed_len[i], res.key[i],
		    sizeof(res.key[i])) == -1)
			why = "a seal that does not open";
	}
	if (why != NULL)
		log_warnx("egress %s: %s", in.id, why);
	res.head.status = why == NULL ? 200 : 409;
	strlcpy(res.head.message, why != NULL ? why : "ok",
	    sizeof(res.head.message));
	ipc_answer(&req, &res, NULL);
	explicit_bzero(&res, sizeof(res));
	return 0;
}
