/*
 * The server's private key as frontd sees it: a small OpenSSL 3 provider
 * whose RSA and EC keys hold only the public half, taken from the
 * certificate, and whose signature operation hands the whole content to
 * be signed to a signer (signlink.c: authd) instead of signing it.  libssl
 * uses such a key as any other: it picks the signature scheme, then calls
 * EVP_DigestSign once with the handshake's to-be-signed bytes.
 *
 * A provider rather than an RSA_METHOD / EC_KEY_METHOD, which OpenSSL 3
 * deprecates: those see only a digest (RSA even a padded block), so
 * authd could not tell a handshake from anything else.
 *
 * The provider is loaded into the default library context, whose default
 * property query then prefers the default provider, so that every fetch
 * by name (ECDHE key generation with "EC", digests, ...) still goes
 * there.  A key of ours is made only by tlskey_remote(), and only its
 * signature operation comes from us.  Nothing imports a private key into
 * it: an import that carries private components is refused.  Nor does it
 * export: EVP would otherwise hand its public half to the first
 * signature implementation it fetches, the default provider's, which
 * cannot sign with it; without an export it falls back to ours.
 */
#include <stdlib.h>
#include <string.h>

#include <openssl/core.h>
#include <openssl/core_dispatch.h>
#include <openssl/core_names.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/params.h>
#include <openssl/provider.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>

#include "frontd.h"
#include "log.h"

#define PROVIDER_NAME	"moat-authd"
#define PROPQ_OURS	"provider=" PROVIDER_NAME

static tlskey_signer	 signer;

struct tlskey {
	int		 type;		/* EVP_PKEY_RSA or EVP_PKEY_EC */
	EVP_PKEY	*pub;		/* the default provider's, public */
	uint8_t		 id[TLSSIGN_KEYID_LEN];
};

struct tlssig {
	struct tlskey	*key;
	int		 md;		/* NID */
	int		 pad;		/* RSA: RSA_PKCS1_(PSS_)PADDING */
	int		 saltlen;	/* RSA-PSS: RSA_PSS_SALTLEN_* or bytes */
};

/* ---- key management ------------------------------------------------ */

static void *
key_new(int type)
{
	struct tlskey	*k;

	if ((k = calloc(1, sizeof(*k))) != NULL)
		k->type = type;
	return k;
}

static void *
key_new_rsa(void *provctx)
{
	(void)provctx;
	return key_new(EVP_PKEY_RSA);
}

static void *
key_new_ec(void *provctx)
{
	(void)provctx;
	return key_new(EVP_PKEY_EC);
}

static void
key_free(void *keydata)
{
	struct tlskey	*k = keydata;

	if (k == NULL)
		return;
	EVP_PKEY_free(k->pub);
	free(k);
}

static int
key_has(const void *keydata, int selection)
{
	const struct tlskey	*k = keydata;

	if (k == NULL || k->pub == NULL)
		return 0;
	return (selection & OSSL_KEYMGMT_SELECT_PRIVATE_KEY) == 0;
}

static int
key_match(const void *a, const void *b, int selection)
{
	const struct tlskey	*ka = a, *kb = b;

	(void)selection;
	return ka->pub != NULL && kb->pub != NULL &&
	    EVP_PKEY_eq(ka->pub, kb->pub) == 1;
}

/* What would make this a private key: OpenSSL's names for its parts. */
static int
carries_private(const OSSL_PARAM *params)
{
	const OSSL_PARAM	*p;

	for (p = params; p != NULL && p->key != NULL; p++)
		if (strcmp(p->key, OSSL_PKEY_PARAM_PRIV_KEY) == 0 ||
		    strcmp(p->key, OSSL_PKEY_PARAM_RSA_D) == 0 ||
		    strncmp(p->key, "rsa-factor", 10) == 0 ||
		    strncmp(p->key, "rsa-exponent", 12) == 0 ||
		    strncmp(p->key, "rsa-coefficient", 15) == 0)
			return 1;
	return 0;
}

/* The SHA-256 of the SubjectPublicKeyInfo: the key's name for authd. */
static int
key_id(EVP_PKEY *pub, uint8_t id[TLSSIGN_KEYID_LEN])
{
	unsigned char	*der = NULL;
	int		 len, rc;

	if ((len = i2d_PUBKEY(pub, &der)) <= 0)
		return -1;
	rc = EVP_Digest(der, len, id, NULL, EVP_sha256(), NULL) == 1 ? 0 : -1;
	OPENSSL_free(der);
	return rc;
}

static int
key_import(void *keydata, int selection, const OSSL_PARAM params[])
{
	struct tlskey	*k = keydata;
	EVP_PKEY_CTX	*pctx;
	EVP_PKEY	*pub = NULL;

	if (k == NULL || k->pub != NULL || carries_private(params) ||
	    (selection & OSSL_KEYMGMT_SELECT_PUBLIC_KEY) == 0)
		return 0;
	pctx = EVP_PKEY_CTX_new_from_name(NULL,
	    k->type == EVP_PKEY_RSA ? "RSA" : "EC", "provider=default");
	if (pctx == NULL || EVP_PKEY_fromdata_init(pctx) != 1 ||
	    EVP_PKEY_fromdata(pctx, &pub, EVP_PKEY_PUBLIC_KEY,
	    (OSSL_PARAM *)params) != 1 || key_id(pub, k->id) == -1) {
		EVP_PKEY_CTX_free(pctx);
		EVP_PKEY_free(pub);
		return 0;
	}
	EVP_PKEY_CTX_free(pctx);
	k->pub = pub;
	return 1;
}

static const OSSL_PARAM rsa_types[] = {
	OSSL_PARAM_BN(OSSL_PKEY_PARAM_RSA_N, NULL, 0),
	OSSL_PARAM_BN(OSSL_PKEY_PARAM_RSA_E, NULL, 0),
	OSSL_PARAM_END
};

static const OSSL_PARAM ec_types[] = {
	OSSL_PARAM_utf8_string(OSSL_PKEY_PARAM_GROUP_NAME, NULL, 0),
	OSSL_PARAM_utf8_string(OSSL_PKEY_PARAM_EC_ENCODING, NULL, 0),
	OSSL_PARAM_utf8_string(OSSL_PKEY_PARAM_EC_POINT_CONVERSION_FORMAT,
	    NULL, 0),
	OSSL_PARAM_octet_string(OSSL_PKEY_PARAM_PUB_KEY, NULL, 0),
	OSSL_PARAM_END
};

static const OSSL_PARAM *
rsa_types_fn(int selection)
{
	(void)selection;
	return rsa_types;
}

static const OSSL_PARAM *
ec_types_fn(int selection)
{
	(void)selection;
	return ec_types;
}

/* What libssl asks of a key; the public key answers. */
static int
key_get_params(void *keydata, OSSL_PARAM params[])
{
	struct tlskey	*k = keydata;

	return k != NULL && k->pub != NULL &&
	    EVP_PKEY_get_params(k->pub, params) == 1;
}

static const OSSL_PARAM *
key_gettable_params(void *provctx)
{
	static const OSSL_PARAM	 gettable[] = {
		OSSL_PARAM_int(OSSL_PKEY_PARAM_BITS, NULL),
		OSSL_PARAM_int(OSSL_PKEY_PARAM_SECURITY_BITS, NULL),
		OSSL_PARAM_int(OSSL_PKEY_PARAM_MAX_SIZE, NULL),
		OSSL_PARAM_utf8_string(OSSL_PKEY_PARAM_DEFAULT_DIGEST, NULL,
		    0),
		OSSL_PARAM_utf8_string(OSSL_PKEY_PARAM_GROUP_NAME, NULL, 0),
		OSSL_PARAM_utf8_string(
		    OSSL_PKEY_PARAM_EC_POINT_CONVERSION_FORMAT, NULL, 0),
		OSSL_PARAM_octet_string(OSSL_PKEY_PARAM_ENCODED_PUBLIC_KEY,
		    NULL, 0),
		OSSL_PARAM_octet_string(OSSL_PKEY_PARAM_PUB_KEY, NULL, 0),
		OSSL_PARAM_BN(OSSL_PKEY_PARAM_RSA_N, NULL, 0),
		OSSL_PARAM_BN(OSSL_PKEY_PARAM_RSA_E, NULL, 0),
		OSSL_PARAM_END
	};

	(void)provctx;
	return gettable;
}

static const char *
rsa_operation(int operation)
{
	return operation == OSSL_OP_SIGNATURE ? "RSA" : NULL;
}

static const char *
ec_operation(int operation)
{
	return operation == OSSL_OP_SIGNATURE ? "ECDSA" : NULL;
}

#define FN(f)	((void (*)(void))(f))
#define KEYMGMT_COMMON \
	{ OSSL_FUNC_KEYMGMT_FREE, FN(key_free) }, \
	{ OSSL_FUNC_KEYMGMT_HAS, FN(key_has) }, \
	{ OSSL_FUNC_KEYMGMT_MATCH, FN(key_match) }, \
	{ OSSL_FUNC_KEYMGMT_IMPORT, FN(key_import) }, \
	{ OSSL_FUNC_KEYMGMT_GET_PARAMS, FN(key_get_params) }, \
	{ OSSL_FUNC_KEYMGMT_GETTABLE_PARAMS, FN(key_gettable_params) }

static const OSSL_DISPATCH rsa_keymgmt[] = {
	{ OSSL_FUNC_KEYMGMT_NEW, FN(key_new_rsa) },
	{ OSSL_FUNC_KEYMGMT_IMPORT_TYPES, FN(rsa_types_fn) },
	{ OSSL_FUNC_KEYMGMT_QUERY_OPERATION_NAME, FN(rsa_operation) },
	KEYMGMT_COMMON,
	{ 0, NULL }
};

static const OSSL_DISPATCH ec_keymgmt[] = {
	{ OSSL_FUNC_KEYMGMT_NEW, FN(key_new_ec) },
	{ OSSL_FUNC_KEYMGMT_IMPORT_TYPES, FN(ec_types_fn) },
	{ OSSL_FUNC_KEYMGMT_QUERY_OPERATION_NAME, FN(ec_operation) },
	KEYMGMT_COMMON,
	{ 0, NULL }
};

/* ---- the signature operation --------------------------------------- */

static void *
sig_newctx(void *provctx, const char *propq)
{
	(void)provctx;
	(void)propq;
	return calloc(1, sizeof(struct tlssig));
}

static void
sig_freectx(void *ctx)
{
	free(ctx);
}

static void *
sig_dupctx(void *ctx)
{
	struct tlssig	*dup;

	if ((dup = malloc(sizeof(*dup))) != NULL)
		memcpy(dup, ctx, sizeof(*dup));
	return dup;
}

static int
parse_pad(const OSSL_PARAM *p, int *pad)
{
	const char	*s;

	if (p->data_type != OSSL_PARAM_UTF8_STRING)
		return OSSL_PARAM_get_int(p, pad);
	if (OSSL_PARAM_get_utf8_string_ptr(p, &s) != 1)
		return 0;
	if (strcmp(s, OSSL_PKEY_RSA_PAD_MODE_PKCSV15) == 0)
		*pad = RSA_PKCS1_PADDING;
	else if (strcmp(s, OSSL_PKEY_RSA_PAD_MODE_PSS) == 0)
		*pad = RSA_PKCS1_PSS_PADDING;
	else
		return 0;
	return 1;
}

static int
parse_saltlen(const OSSL_PARAM *p, int *saltlen)
{
	const char	*s;
	const char	*end;
	long		 n;

	if (p->data_type != OSSL_PARAM_UTF8_STRING)
		return OSSL_PARAM_get_int(p, saltlen);
	if (OSSL_PARAM_get_utf8_string_ptr(p, &s) != 1)
		return 0;
	if (strcmp(s, OSSL_PKEY_RSA_PSS_SALT_LEN_DIGEST) == 0)
		*saltlen = RSA_PSS_SALTLEN_DIGEST;
	else if (strcmp(s, OSSL_PKEY_RSA_PSS_SALT_LEN_MAX) == 0)
		*saltlen = RSA_PSS_SALTLEN_MAX;
	else if (strcmp(s, OSSL_PKEY_RSA_PSS_SALT_LEN_AUTO) == 0)
		*saltlen = RSA_PSS_SALTLEN_AUTO;
	else {
		n = strtol(s, (char **)&end, 10);
		if (*s == '\0' || *end != '\0' || n < 0 || n > 1024)
			return 0;
		*saltlen = (int)n;
	}
	return 1;
}

static int
sig_set_ctx_params(void *ctx, const OSSL_PARAM params[])
{
	struct tlssig		*sc = ctx;
	const OSSL_PARAM	*p;

	if (params == NULL)
		return 1;
	if ((p = OSSL_PARAM_locate_const(params,
	    OSSL_SIGNATURE_PARAM_PAD_MODE)) != NULL &&
	    parse_pad(p, &sc->pad) != 1)
		return 0;
	if ((p = OSSL_PARAM_locate_const(params,
	    OSSL_SIGNATURE_PARAM_PSS_SALTLEN)) != NULL &&
	    parse_saltlen(p, &sc->saltlen) != 1)
		return 0;
	return 1;
}

static const OSSL_PARAM *
sig_settable_ctx_params(void *ctx, void *provctx)
{
	static const OSSL_PARAM	 settable[] = {
		OSSL_PARAM_utf8_string(OSSL_SIGNATURE_PARAM_PAD_MODE, NULL, 0),
		OSSL_PARAM_utf8_string(OSSL_SIGNATURE_PARAM_PSS_SALTLEN, NULL,
		    0),
		OSSL_PARAM_END
	};

	(void)ctx;
	(void)provctx;
	return settable;
}

/* Only the hashes authd signs with; libssl then offers no other. */
static int
md_allowed(const char *mdname)
{
	EVP_MD	*md;
	int	 nid;

	if (mdname == NULL || (md = EVP_MD_fetch(NULL, mdname, NULL)) == NULL)
		return NID_undef;
	nid = EVP_MD_get_type(md);
	EVP_MD_free(md);
	return nid == NID_sha256 || nid == NID_sha384 || nid == NID_sha512 ?
	    nid : NID_undef;
}

static int
sig_digest_sign_init(void *ctx, const char *mdname, void *keydata,
    const OSSL_PARAM params[])
{
	struct tlssig	*sc = ctx;

	ERR_set_mark();
	sc->md = md_allowed(mdname);
	ERR_pop_to_mark();
	if (keydata == NULL || sc->md == NID_undef)
		return 0;
	sc->key = keydata;
	sc->pad = RSA_PKCS1_PADDING;
	sc->saltlen = RSA_PSS_SALTLEN_AUTO;
	return sig_set_ctx_params(ctx, params);
}

/* The TLS SignatureScheme of what libssl asked for, or 0. */
static uint32_t
scheme(const struct tlssig *sc)
{
	static const struct {
		int		 md;
		int		 mdsize;
		uint32_t	 ecdsa, pkcs1, pss;
	} table[] = {
		{ NID_sha256, 32, TLS_ECDSA_SHA256, TLS_RSA_PKCS1_SHA256,
		    TLS_RSA_PSS_SHA256 },
		{ NID_sha384, 48, TLS_ECDSA_SHA384, TLS_RSA_PKCS1_SHA384,
		    TLS_RSA_PSS_SHA384 },
		{ NID_sha512, 64, TLS_ECDSA_SHA512, TLS_RSA_PKCS1_SHA512,
		    TLS_RSA_PSS_SHA512 },
	};
	size_t	 i;

	for (i = 0; i < sizeof(table) / sizeof(table[0]); i++) {
		if (table[i].md != sc->md)
			continue;
		if (sc->key->type == EVP_PKEY_EC)
			return table[i].ecdsa;
		if (sc->pad == RSA_PKCS1_PADDING)
			return table[i].pkcs1;
		if (sc->pad == RSA_PKCS1_PSS_PADDING &&
		    (sc->saltlen == RSA_PSS_SALTLEN_DIGEST ||
		    sc->saltlen == table[i].mdsize))
			return table[i].pss;
	}
	return 0;
}

static int
sig_digest_sign(void *ctx, unsigned char *sig, size_t *siglen,
    size_t sigsize, const unsigned char *tbs, size_t tbslen)
{
	struct tlssig	*sc = ctx;
	uint32_t	 code;
	int		 max;

	if (sc->key == NULL || (max = EVP_PKEY_get_size(sc->key->pub)) <= 0)
		return 0;
	if (sig == NULL) {
		*siglen = max;
		return 1;
	}
	if ((code = scheme(sc)) == 0 || signer == NULL)
		return 0;
	return signer(sc->key->id, code, tbs, tbslen, sig, sigsize,
	    siglen) == 0;
}

static const OSSL_DISPATCH signature[] = {
	{ OSSL_FUNC_SIGNATURE_NEWCTX, FN(sig_newctx) },
	{ OSSL_FUNC_SIGNATURE_FREECTX, FN(sig_freectx) },
	{ OSSL_FUNC_SIGNATURE_DUPCTX, FN(sig_dupctx) },
	{ OSSL_FUNC_SIGNATURE_DIGEST_SIGN_INIT, FN(sig_digest_sign_init) },
	{ OSSL_FUNC_SIGNATURE_DIGEST_SIGN, FN(sig_digest_sign) },
	{ OSSL_FUNC_SIGNATURE_SET_CTX_PARAMS, FN(sig_set_ctx_params) },
	{ OSSL_FUNC_SIGNATURE_SETTABLE_CTX_PARAMS,
	    FN(sig_settable_ctx_params) },
	{ 0, NULL }
};

/* ---- the provider -------------------------------------------------- */

static const OSSL_ALGORITHM keymgmts[] = {
	{ "RSA:rsaEncryption", PROPQ_OURS, rsa_keymgmt,
	    "an RSA key whose private half is in authd" },
	{ "EC:id-ecPublicKey", PROPQ_OURS, ec_keymgmt,
	    "an EC key whose private half is in authd" },
	{ NULL, NULL, NULL, NULL }
};

static const OSSL_ALGORITHM signatures[] = {
	{ "RSA:rsaEncryption", PROPQ_OURS, signature, NULL },
	{ "ECDSA", PROPQ_OURS, signature, NULL },
	{ NULL, NULL, NULL, NULL }
};

static const OSSL_ALGORITHM *
query(void *provctx, int operation, int *no_cache)
{
	(void)provctx;
	*no_cache = 0;
	switch (operation) {
	case OSSL_OP_KEYMGMT:
		return keymgmts;
	case OSSL_OP_SIGNATURE:
		return signatures;
	default:
		return NULL;
	}
}

static const OSSL_DISPATCH provider_functions[] = {
	{ OSSL_FUNC_PROVIDER_QUERY_OPERATION, FN(query) },
	{ 0, NULL }
};

static int
provider_init(const OSSL_CORE_HANDLE *handle, const OSSL_DISPATCH *in,
    const OSSL_DISPATCH **out, void **provctx)
{
	(void)handle;
	(void)in;
	*out = provider_functions;
	*provctx = NULL;
	return 1;
}

static OSSL_PROVIDER	*providers[2];

/* Before OpenSSL's own clean-up, which frees only what is unloaded. */
static void
unload(void)
{
	int	 i;

	for (i = 0; i < 2; i++)
		if (providers[i] != NULL)
			OSSL_PROVIDER_unload(providers[i]);
}

void
tlskey_init(tlskey_signer fn)
{
	signer = fn;
	if (OSSL_PROVIDER_add_builtin(NULL, PROVIDER_NAME,
	    provider_init) != 1 ||
	    (providers[0] = OSSL_PROVIDER_load(NULL, "default")) == NULL ||
	    (providers[1] = OSSL_PROVIDER_load(NULL, PROVIDER_NAME)) == NULL ||
	    EVP_set_default_properties(NULL, "?provider=default") != 1)
		fatalx("tls: cannot load the signing provider");
	atexit(unload);
}

/* A key of ours with the certificate's public key. */
EVP_PKEY *
tlskey_remote(X509 *cert)
{
	EVP_PKEY	*pub = X509_get0_pubkey(cert), *key = NULL;
	EVP_PKEY_CTX	*pctx = NULL;
	OSSL_PARAM	*params = NULL;
	const char	*type;

	if (pub == NULL)
		return NULL;
	if (EVP_PKEY_is_a(pub, "RSA"))
		type = "RSA";
	else if (EVP_PKEY_is_a(pub, "EC"))
		type = "EC";
	else
		return NULL;
	if (EVP_PKEY_todata(pub, EVP_PKEY_PUBLIC_KEY, &params) == 1 &&
	    (pctx = EVP_PKEY_CTX_new_from_name(NULL, type, PROPQ_OURS)) != NULL &&
	    EVP_PKEY_fromdata_init(pctx) == 1)
		EVP_PKEY_fromdata(pctx, &key, EVP_PKEY_PUBLIC_KEY, params);
	EVP_PKEY_CTX_free(pctx);
	OSSL_PARAM_free(params);
	return key;
}
