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
#include "egressrec.h"
#include "log.h"
#include "util.h"

/* One egress change on its way to stored. */
struct egressop {
	struct ipc_chan	*front;
	uint32_t	 reqid;
};

/* What frontd sends of the secrets: absent, "" to clear, or a value. */
struct egress_secrets_in {
	int		 present[EGS_SECRETS];
	char		 text[EGS_SECRETS][EGRESS_SECRET_MAX + 1];
};

static void
answer(struct egressop *op, int status, const char *message)
{
	struct ipc_msg	 req, m;

	memset(&req, 0, sizeof(req));
	req.type = IPC_AUTH_EGRESS;
	req.reqid = op->reqid;
	ipc_msg_init(&m, IPC_EGRESS_RES, 0);
	ipc_put_u64(&m, status);
	ipc_put_str(&m, message);
	ipc_reply(op->front, &req, &m);
	free(op);
}

/* stored's answer goes back as it is: the record holds no secret. */
static void
stored_egress(struct ipc_chan *chan, struct ipc_msg *m, void *arg)
{
	struct egressop	*op = arg;
	struct ipc_msg	 req, out;

	(void)chan;
	if (m == NULL) {
		answer(op, 503, "try again");
		return;
	}
	memset(&req, 0, sizeof(req));
	req.type = IPC_AUTH_EGRESS;
	req.reqid = op->reqid;
	ipc_msg_init(&out, IPC_EGRESS_RES, 0);
	ipc_append_decoded(&out, m);
	ipc_reply(op->front, &req, &out);
	free(op);
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
private_key(int create, const struct egress_secrets_in *in,
    char text[WG_KEY_TEXT_LEN + 1], char pub[WG_KEY_TEXT_LEN + 1])
{
	uint8_t		 priv[WG_KEY_LEN], pubkey[WG_KEY_LEN];
	const char	*given = in->text[EGS_WG_PRIVATE_KEY];
	int		 ok;

	text[0] = pub[0] = '\0';
	if (in->present[EGS_WG_PRIVATE_KEY] && given[0] != '\0') {
		if (wg_key_decode(given, priv) != CRYPTO_OK)
			return "wg_private_key must be a WireGuard key (32 "
			    "bytes in base64)";
	} else if (create || in->present[EGS_WG_PRIVATE_KEY]) {
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
secrets_invalid(const struct egress_secrets_in *in)
{
	const char	*why;
	int		 s;

	for (s = 0; s < EGS_SECRETS; s++)
		if (s != EGS_WG_PRIVATE_KEY && in->present[s] &&
		    in->text[s][0] != '\0' &&
		    (why = secret_invalid(s, in->text[s])) != NULL)
			return why;
	return NULL;
}

/* Puts each secret for stored: keep (0), clear (1), or its seal (2). */
static void
put_secrets(struct ipc_msg *req, const char *ref,
    const struct egress_secrets_in *in, const char *priv)
{
	uint8_t		 sealed[SEALED_MAX];
	const char	*text;
	size_t		 len;
	int		 s, action;

	for (s = 0; s < EGS_SECRETS; s++) {
		text = s == EGS_WG_PRIVATE_KEY ? priv : in->text[s];
		if (s == EGS_WG_PRIVATE_KEY)
			action = priv[0] != '\0' ? 2 : 0;
		else
			action = !in->present[s] ? 0 : text[0] == '\0' ? 1 : 2;
		len = 0;
		if (action == 2 && seal_egress(s, ref, text, sealed,
		    &len) == -1)
			fatalx("cannot seal a secret");
		ipc_put_u64(req, action);
		ipc_put_bin(req, sealed, len);
		ipc_put_str(req, action == 2 ? ref : "");
		ipc_put_bool(req, action == 2 && (s != EGS_WG_PRESHARED_KEY ||
		    egress_wg_key_ok(text)));
		explicit_bzero(sealed, sizeof(sealed));
	}
}

/* What the admin sent, read whole. */
struct egress_in {
	uint8_t			 grant[GRANT_LEN + 1];
	size_t			 grantlen;
	uint32_t		 kind;
	char			 ref[FIELD_REF_MAX + 1];
	struct egress_rec	 given;
	int			 absent[EG_SETTINGS];
	struct egress_secrets_in secrets;
	char			 priv[WG_KEY_TEXT_LEN + 1];
	char			 pub[WG_KEY_TEXT_LEN + 1];
};

static void
egress_in_read(struct ipc_msg *m, struct egress_in *in)
{
	int	 s, isnil;

	ipc_get_bin(m, in->grant, sizeof(in->grant), &in->grantlen);
	ipc_get_u32(m, &in->kind);
	ipc_get_str(m, in->ref, sizeof(in->ref));
	for (s = 0; s < EG_SETTINGS; s++)
		ipc_get_optstr(m, egress_setting(&in->given, s),
		    egress_settings[s].max + 1, &in->absent[s]);
	for (s = 0; s < EGS_SECRETS; s++) {
		ipc_get_optstr(m, in->secrets.text[s],
		    sizeof(in->secrets.text[s]), &isnil);
		in->secrets.present[s] = !isnil;
	}
}

/* The admin's change checked and our key made: 0, or a status and why. */
static int
egress_prepare(struct egress_in *in, const char **why)
{
	struct grant	 g;

	if (grant_check(in->grant, in->grantlen, &g) == -1) {
		*why = "invalid or expired token";
		return 401;
	}
	if (g.role != ROLE_ADMIN) {
		*why = "admin role required";
		return 403;
	}
	if ((*why = private_key(in->kind == EGRESS_CREATE, &in->secrets,
	    in->priv, in->pub)) != NULL ||
	    (*why = secrets_invalid(&in->secrets)) != NULL)
		return 400;
	/* a new egress is named here, so that its seals bind to it */
	if (in->kind == EGRESS_CREATE)
		uuid_v4(in->ref);
	return 0;
}

/*
 * IPC_AUTH_EGRESS: grant, op, the egress ref ("" to create), each
 * setting (nil when absent), each secret (nil when absent, "" to clear).
 */
int
egress_change(struct ipc_chan *chan, struct ipc_msg *m)
{
	struct egressop	*op;
	struct egress_in *in;
	struct ipc_msg	 req;
	const char	*why;
	int		 s, status;

	if ((op = calloc(1, sizeof(*op))) == NULL ||
	    (in = calloc(1, sizeof(*in))) == NULL)
		fatal("%s", __func__);
	op->front = chan;
	op->reqid = m->reqid;
	egress_in_read(m, in);
	if (ipc_end(m) == -1 || (in->kind != EGRESS_CREATE &&
	    in->kind != EGRESS_UPDATE)) {
		ipc_violation(m, "unknown egress operation");
		status = -1;
	} else if ((status = egress_prepare(in, &why)) != 0)
		answer(op, status, why);
	else {
		ipc_msg_init(&req, IPC_STORE_EGRESS, 0);
		ipc_put_bin(&req, in->grant, in->grantlen);
		ipc_put_u64(&req, in->kind);
		ipc_put_str(&req, in->ref);
		for (s = 0; s < EG_SETTINGS; s++)
			if (in->absent[s])
				ipc_put_nil(&req);
			else
				ipc_put_str(&req, egress_setting(&in->given,
				    s));
		ipc_put_str(&req, in->pub);
		put_secrets(&req, in->ref, &in->secrets, in->priv);
		if (ipc_request(authd_env->chans[PROC_STORED], &req,
		    authd_env->conf.common.ipc_timeout_ms, stored_egress,
		    op) == -1)
			answer(op, 503, "try again");
	}
	explicit_bzero(in, sizeof(*in));
	free(in);
	if (status == -1) {
		free(op);
		return -1;
	}
	return 0;
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
	struct ipc_msg	 out;
	uint8_t		 sealed[2][SEALED_MAX];
	char		 id[37], ref[2][FIELD_REF_MAX + 1], oid_text[24];
	char		 key[2][EGRESS_SECRET_MAX + 1];
	const char	*why = NULL;
	size_t		 len[2];
	uint64_t	 oid;
	int		 i;

	ipc_get_str(m, id, sizeof(id));
	ipc_get_u64(m, &oid);
	for (i = 0; i < 2; i++) {
		ipc_get_bin(m, sealed[i], sizeof(sealed[i]), &len[i]);
		ipc_get_str(m, ref[i], sizeof(ref[i]));
	}
	if (ipc_end(m) == -1)
		return -1;
	snprintf(oid_text, sizeof(oid_text), "%llu", (unsigned long long)oid);
	memset(key, 0, sizeof(key));
	for (i = 0; i < 2 && why == NULL; i++) {
		if (len[i] == 0) {
			if (i == EGS_WG_PRIVATE_KEY)
				why = "the egress ip has no private key";
		} else if (strcmp(ref[i], id) != 0 &&
		    strcmp(ref[i], oid_text) != 0)
			why = "a seal of another egress ip";
		else if (unseal_bound("egress", egress_secret_names[i], ref[i],
		    sealed[i], len[i], key[i], sizeof(key[i])) == -1)
			why = "a seal that does not open";
	}
	if (why != NULL)
		log_warnx("egress %s: %s", id, why);
	ipc_msg_init(&out, IPC_EGRESS_UNSEAL_RES, 0);
	ipc_put_head(&out, why == NULL ? 200 : 409, why != NULL ? why : "ok");
	if (why == NULL) {
		ipc_put_str(&out, key[0]);
		ipc_put_str(&out, key[1]);
	}
	explicit_bzero(key, sizeof(key));
	ipc_reply(chan, m, &out);
	return 0;
}
