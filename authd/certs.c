/*
 * Private CAs and their certificates (issue 11).  Every private key is
 * made here, sealed here bound to its object's id ("pki", "ca:<id>" or
 * "cert:<id>"), kept sealed by stored, and opened here alone: to sign a
 * certificate with a CA's key, or for an export its owner may make
 * (certexport.c).
 * stored decides whose a CA or certificate is (the client's grant goes
 * with every request); authd checks the grant's scopes first only so as
 * not to make a key that stored would refuse to keep.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <openssl/evp.h>

#include "authd.h"
#include "body_certs.h"
#include "body_core.h"
#include "keygen.h"
#include "log.h"
#include "pki.h"
#include "ratelimit.h"
#include "util.h"

#define CA_DAYS_DEFAULT		3650
#define CERT_DAYS_DEFAULT	90
#define SEAL_CLASS		"pki"

#if CERT_NAME_MAX != PKI_NAME_MAX || CERT_NAMES_MAX != PKI_NAMES_MAX
#error "pki.h and body_certs.h disagree on names"
#endif

/* A certificate being issued, while stored finds its CA's key. */
struct issue {
	struct ipc_req		 req;
	struct ipc_auth_cert_issue in;
	struct pki_keyspec	 ks;
	char			 names[CERT_SANS_MAX + 1];
	EVP_PKEY		*key;		/* the certificate's new key */
	void			(*keyed)(struct issue *);
	char			 id[37];	/* an ACME certificate's */
	uint64_t		 renew_oid;
};

static void
issue_free(struct issue *is)
{
	EVP_PKEY_free(is->key);
	free(is);
}

/* On the loop, the key the keygen thread made: on to is->keyed. */
static void
issue_keyed(EVP_PKEY *key, void *arg)
{
	struct issue	*is = arg;

	if ((is->key = key) == NULL) {
		ipc_answer_status(&is->req, 500, "cannot make the key");
		issue_free(is);
	} else
		is->keyed(is);
}

/* The certificate's key is made off the loop (an RSA-4096 key takes
 * seconds), then next goes on with is, which it then owns. */
static void
issue_keygen(struct issue *is, void (*next)(struct issue *))
{
	is->keyed = next;
	keygen_submit(&is->ks, issue_keyed, is);
}

/* The grant, and its scope if it is an API key's: 0, or 401/403. */
int
grant_scoped(const uint8_t *grant, size_t len, uint32_t scope,
    struct grant *gp, const char **why)
{
	struct grant	 g;

	if (gp == NULL)
		gp = &g;
	/* a device's token reads what it was given, and makes nothing */
	if (grant_check(grant, len, gp) == -1 || gp->kind == GRANT_DEVICE) {
		*why = "invalid or expired token";
		return 401;
	}
	if (gp->kind == GRANT_APIKEY && (gp->scopes & scope) != scope) {
		*why = "api key lacks required permission";
		return 403;
	}
	return 0;
}

/*
 * An RSA key pair blocks authd's loop (logins, TLS handshakes) while it
 * is made: a user may have CERTS_RSA_KEYS a minute.  0, or 429 with the
 * seconds to wait.
 */
static int
keygen_allowed(const struct grant *g, const struct pki_keyspec *ks,
    uint32_t *retry, const char **why)
{
	*retry = 0;
	if (!ks->rsa || ratelimit_hit(authd_env->rsa_keys, &g->user_oid,
	    sizeof(g->user_oid), time(NULL), retry))
		return 0;
	*why = "too many RSA keys made; try again later";
	return 429;
}

/* A refusal with the seconds to wait, in the reply's typed body. */
static void
refuse(const struct ipc_req *req, int status, uint32_t retry,
    const char *why)
{
	union {
		struct ipc_head		 head;
		struct ipc_ca_res	 ca;
		struct ipc_cert_res	 cert;
	}	*res;

	if (retry == 0) {
		ipc_answer_status(req, status, why);
		return;
	}
	if ((res = calloc(1, sizeof(*res))) == NULL)
		fatal("%s", __func__);
	res->head.status = status;
	res->head.retry = retry;
	strlcpy(res->head.message, why, sizeof(res->head.message));
	ipc_answer(req, res, NULL);
	free(res);
}

/* stored's answer to a store.*: passed on as it is (it holds no key). */
static void
stored_kept(struct ipc_chan *chan, struct ipc_msg *m, void *arg)
{
	struct ipc_req	*req = arg;
	union {
		struct ipc_ca_res	 ca;
		struct ipc_cert_res	 cert;
	}		*res;

	(void)chan;
	if ((res = calloc(1, sizeof(*res))) == NULL)
		fatal("%s", __func__);
	if (m == NULL)
		ipc_answer_status(req, 503, "try again");
	else if (ipc_msg_get(m, res) == -1)
		ipc_answer_status(req, 500, "internal error");
	else
		ipc_answer(req, res, NULL);
	free(res);
	free(req);
}

static int
store(enum ipc_type type, const void *body, struct ipc_req *req)
{
	struct ipc_msg	 m;
	struct ipc_req	*keep;

	if ((keep = malloc(sizeof(*keep))) == NULL)
		fatal("%s", __func__);
	*keep = *req;
	ipc_msg_init(&m, type, 0);
	ipc_msg_put(&m, body);
	if (ipc_request(authd_env->chans[PROC_STORED], &m,
	    authd_env->conf.common.ipc_timeout_ms, stored_kept, keep) == -1) {
		free(keep);
		return -1;
	}
	return 0;
}

/* A new key's PEM sealed to what:id into sealed; 0 or -1. */
static int
seal_key(EVP_PKEY *key, const char *what, const char *id, uint8_t *sealed,
    size_t *sealed_len)
{
	return key_seal(key, SEAL_CLASS, what, id, sealed, CERT_SEALED_MAX,
	    sealed_len);
}

/* The CA's certificate and sealed key for stored: NULL, or why not. */
static const char *
ca_make(EVP_PKEY *key, const struct ipc_auth_ca_create *in,
    const struct pki_keyspec *ks, struct ipc_store_ca_create *out)
{
	X509		*x = NULL;
	char		 cn[CERT_NAME_MAX + 1];
	const char	*why = NULL;

	if (key == NULL)
		return "cannot make a key";
	uuid_v4(out->ca.id);
	if ((x = pki_ca_make(key, in->name, in->validity_days)) == NULL ||
	    pki_cert_pem(x, out->cert_pem, sizeof(out->cert_pem)) == -1)
		why = "cannot make the CA certificate";
	else if (seal_key(key, "ca", out->ca.id, out->sealed,
	    &out->sealed_len) == -1)
		why = "cannot seal the key";
	else
		pki_cert_info(x, out->ca.serial, sizeof(out->ca.serial),
		    &out->ca.not_before, &out->ca.not_after, cn, sizeof(cn));
	strlcpy(out->ca.key_type, ks->name, sizeof(out->ca.key_type));
	strlcpy(out->ca.name, in->name, sizeof(out->ca.name));
	X509_free(x);
	EVP_PKEY_free(key);
	return why;
}

/* A CA's name goes into its subject's CN: one printable line of 64. */
static const char *
ca_name_invalid(const char *name)
{
	if (*name == '\0' || strlen(name) > 64 || !text_is_line(name))
		return "name must be 1 to 64 printable characters";
	return NULL;
}

/* A CA being made, while its key is. */
struct ca_job {
	struct ipc_req			 req;
	struct ipc_auth_ca_create	 in;
	struct pki_keyspec		 ks;
	struct ipc_store_ca_create	 out;
};

/* The CA's key is made: its certificate, the seal, then stored. */
static void
ca_keyed(EVP_PKEY *key, void *arg)
{
	struct ca_job	*job = arg;
	const char	*why;

	if ((why = ca_make(key, &job->in, &job->ks, &job->out)) != NULL) {
		log_warnx("ca %s: %s", job->in.name, why);
		ipc_answer_status(&job->req, 500, why);
	} else if (store(IPC_STORE_CA_CREATE, &job->out, &job->req) == -1)
		ipc_answer_status(&job->req, 503, "try again");
	explicit_bzero(job, sizeof(*job));
	free(job);
}

/* IPC_AUTH_CA_CREATE, from frontd. */
int
certs_ca_create(struct ipc_chan *chan, struct ipc_msg *m)
{
	struct ipc_req			 req = ipc_req_of(chan, m);
	struct ipc_auth_ca_create	 in;
	struct ca_job			*job;
	struct pki_keyspec		 ks;
	struct grant			 g;
	const char			*why = NULL;
	uint32_t			 retry;
	int				 status;

	if (ipc_msg_get(m, &in) == -1)
		return -1;
	if (in.validity_days == 0)
		in.validity_days = CA_DAYS_DEFAULT;
	if ((status = grant_scoped(in.grant, in.grant_len, SCOPE_CAS_WRITE,
	    &g, &why)) != 0) {
		ipc_answer_status(&req, status, why);
		return 0;
	}
	if (in.validity_days > PKI_CA_DAYS_MAX)
		why = "validity_days must be 1 to 7320";
	if (why != NULL || (why = ca_name_invalid(in.name)) != NULL ||
	    (why = pki_keyspec(in.key_type, in.key_bits, &ks)) != NULL) {
		ipc_answer_status(&req, 400, why);
		return 0;
	}
	if ((status = keygen_allowed(&g, &ks, &retry, &why)) != 0) {
		refuse(&req, status, retry, why);
		return 0;
	}
	if ((job = calloc(1, sizeof(*job))) == NULL)
		fatal("%s", __func__);
	job->req = req;
	job->in = in;
	job->ks = ks;
	memcpy(job->out.grant, in.grant, in.grant_len);
	job->out.grant_len = in.grant_len;
	strlcpy(job->out.user, in.user, sizeof(job->out.user));
	/* the key is made off the loop: logins go on meanwhile */
	keygen_submit(&ks, ca_keyed, job);
	explicit_bzero(&in, sizeof(in));
	return 0;
}

/* The CA's key out of its seal, and its certificate; NULL on failure. */
static EVP_PKEY *
ca_open(const struct ipc_certkey_res *ca, X509 **cert)
{
	char		 pem[CERT_KEY_PEM_MAX + 1];
	EVP_PKEY	*key = NULL;

	*cert = NULL;
	if (unseal_bound(SEAL_CLASS, "ca", ca->id, ca->sealed, ca->sealed_len,
	    pem, sizeof(pem)) == 0) {
		key = pki_key_read(pem);
		*cert = pki_cert_read(ca->cert_pem);
	}
	explicit_bzero(pem, sizeof(pem));
	if (key == NULL || *cert == NULL ||
	    X509_check_private_key(*cert, key) != 1) {
		EVP_PKEY_free(key);
		X509_free(*cert);
		*cert = NULL;
		return NULL;
	}
	return key;
}

/* The certificate, signed by the CA, and its key sealed, for stored. */
static const char *
cert_make(const struct issue *is, const struct ipc_certkey_res *ca,
    struct ipc_store_cert_create *out)
{
	EVP_PKEY	*cakey, *key = is->key;
	X509		*cacert, *x = NULL;
	char		 cn[CERT_NAME_MAX + 1];
	const char	*why = NULL;

	if ((cakey = ca_open(ca, &cacert)) == NULL)
		return "the CA's key does not open";
	uuid_v4(out->cert.id);
	if ((x = pki_cert_make(key, is->names, cacert, cakey,
	    is->in.validity_days)) == NULL ||
	    pki_cert_pem(x, out->cert_pem, sizeof(out->cert_pem)) == -1)
		why = "cannot make the certificate";
	else if (seal_key(key, "cert", out->cert.id, out->sealed,
	    &out->sealed_len) == -1)
		why = "cannot seal the key";
	else {
		pki_cert_info(x, out->cert.serial, sizeof(out->cert.serial),
		    &out->cert.not_before, &out->cert.not_after, cn,
		    sizeof(cn));
		strlcpy(out->chain_pem, ca->cert_pem, sizeof(out->chain_pem));
		out->cert.ca_oid = ca->oid;
		strlcpy(out->cert.status, "issued", sizeof(out->cert.status));
		snprintf(out->cert.domain, sizeof(out->cert.domain), "%.*s",
		    (int)strcspn(is->names, ","), is->names);
		strlcpy(out->cert.sans, is->names, sizeof(out->cert.sans));
		strlcpy(out->cert.key_type, is->ks.name,
		    sizeof(out->cert.key_type));
		strlcpy(out->cert.issuer, ca->name, sizeof(out->cert.issuer));
	}
	X509_free(x);
	X509_free(cacert);
	EVP_PKEY_free(cakey);
	return why;
}

/* stored found the CA (or refused): sign, seal, and have it kept. */
static void
ca_found(struct ipc_chan *chan, struct ipc_msg *m, void *arg)
{
	struct issue			*is = arg;
	struct ipc_certkey_res		*ca;
	struct ipc_store_cert_create	*out;
	const char			*why;

	(void)chan;
	if ((ca = calloc(1, sizeof(*ca))) == NULL ||
	    (out = calloc(1, sizeof(*out))) == NULL)
		fatal("%s", __func__);
	if (m == NULL)
		ipc_answer_status(&is->req, 503, "try again");
	else if (ipc_msg_get(m, ca) == -1)
		ipc_answer_status(&is->req, 500, "internal error");
	else if (!ipc_status_ok(ca->head.status))
		ipc_answer_status(&is->req, ca->head.status, ca->head.message);
	else if ((why = cert_make(is, ca, out)) != NULL) {
		log_warnx("ca %s: %s", ca->id, why);
		ipc_answer_status(&is->req, 500, why);
	} else {
		memcpy(out->grant, is->in.grant, is->in.grant_len);
		out->grant_len = is->in.grant_len;
		strlcpy(out->user, is->in.user, sizeof(out->user));
		if (store(IPC_STORE_CERT_CREATE, out, &is->req) == -1)
			ipc_answer_status(&is->req, 503, "try again");
	}
	explicit_bzero(ca, sizeof(*ca));
	explicit_bzero(out, sizeof(*out));
	free(ca);
	free(out);
	issue_free(is);
}

/*
 * Asks stored for the key op names (ref: a CA, or a certificate), as
 * the client may reach it; cb has the answer.
 */
static int
certkey_fetch(struct issue *is, uint32_t op, const char *ref,
    void (*cb)(struct ipc_chan *, struct ipc_msg *, void *))
{
	struct ipc_certkey_get	 q;
	struct ipc_msg		 m;

	memset(&q, 0, sizeof(q));
	memcpy(q.grant, is->in.grant, is->in.grant_len);
	q.grant_len = is->in.grant_len;
	q.access = IPC_ACCESS_ANY;
	q.op = op;
	strlcpy(q.user, is->in.user, sizeof(q.user));
	strlcpy(q.ref, ref, sizeof(q.ref));
	ipc_msg_init(&m, IPC_CERTKEY_GET, 0);
	ipc_msg_put(&m, &q);
	return ipc_request(authd_env->chans[PROC_STORED], &m,
	    authd_env->conf.common.ipc_timeout_ms, cb, is);
}

/* Asks stored for the CA's sealed key, as the client may reach it. */
static int
ca_fetch(struct issue *is)
{
	return certkey_fetch(is, CERTKEY_CA_SIGN, is->in.ca, ca_found);
}

/* What the request asks for, checked: 0, or a status and why. */
/* Whether one of the joined names is one the suite serves itself. */
static int
panel_name(const char *joined)
{
	char	 name[CERT_SANS_MAX + 1];
	size_t	 n;

	while (*joined != '\0') {
		n = strcspn(joined, ",");
		if (n > 0 && n < sizeof(name)) {
			memcpy(name, joined, n);
			name[n] = '\0';
			if (panelnames_cover(name))
				return 1;
		}
		joined += joined[n] == ',' ? n + 1 : n;
	}
	return 0;
}

static int
issue_check(struct issue *is, uint32_t *retry, const char **why)
{
	struct grant	 g;
	int		 n, status;

	*retry = 0;
	if ((status = grant_scoped(is->in.grant, is->in.grant_len,
	    SCOPE_CERTS_WRITE, &g, why)) != 0)
		return status;
	if (is->in.validity_days == 0)
		is->in.validity_days = CERT_DAYS_DEFAULT;
	if ((*why = pki_names_check(is->in.names, is->names,
	    sizeof(is->names), &n)) != NULL ||
	    (*why = pki_keyspec(is->in.key_type, is->in.key_bits,
	    &is->ks)) != NULL)
		return 400;
	if (is->in.validity_days > PKI_CERT_DAYS_MAX) {
		*why = "validity_days must be 1 to 825";
		return 400;
	}
	if (is->in.acme_account[0] != '\0' && panel_name(is->names)) {
		*why = "a name of this server's own certificate cannot be "
		    "ordered";
		return 403;
	}
	return keygen_allowed(&g, &is->ks, retry, why);
}

/*
 * An ACME certificate's key (or a renewal's new one), sealed to the
 * certificate's id, for stored to keep with the task it queues.
 */
static void
acme_key_store(struct issue *is)
{
	struct ipc_store_cert_create	*out;

	if ((out = calloc(1, sizeof(*out))) == NULL)
		fatal("%s", __func__);
	strlcpy(out->cert.id, is->id, sizeof(out->cert.id));
	if (seal_key(is->key, "cert", out->cert.id, out->sealed,
	    &out->sealed_len) == -1)
		ipc_answer_status(&is->req, 500, "cannot make the key");
	else {
		memcpy(out->grant, is->in.grant, is->in.grant_len);
		out->grant_len = is->in.grant_len;
		strlcpy(out->user, is->in.user, sizeof(out->user));
		strlcpy(out->acme_account, is->in.acme_account,
		    sizeof(out->acme_account));
		strlcpy(out->dns_provider, is->in.dns_provider,
		    sizeof(out->dns_provider));
		out->renew_oid = is->renew_oid;
		out->auto_renew = is->in.auto_renew;
		strlcpy(out->cert.status, "pending", sizeof(out->cert.status));
		snprintf(out->cert.domain, sizeof(out->cert.domain), "%.*s",
		    (int)strcspn(is->names, ","), is->names);
		strlcpy(out->cert.sans, is->names, sizeof(out->cert.sans));
		strlcpy(out->cert.key_type, is->ks.name,
		    sizeof(out->cert.key_type));
		if (store(IPC_STORE_CERT_CREATE, out, &is->req) == -1)
			ipc_answer_status(&is->req, 503, "try again");
	}
	explicit_bzero(out, sizeof(*out));
	free(out);
	issue_free(is);
}

/* stored named the certificate to renew (id, key type): a new key. */
static void
renew_found(struct ipc_chan *chan, struct ipc_msg *m, void *arg)
{
	struct issue		*is = arg;
	struct ipc_certkey_res	*k;
	struct grant		 g;
	const char		*why = NULL;
	uint32_t		 retry = 0;
	int			 status;

	(void)chan;
	if ((k = calloc(1, sizeof(*k))) == NULL)
		fatal("%s", __func__);
	if (m == NULL)
		ipc_answer_status(&is->req, 503, "try again");
	else if (ipc_msg_get(m, k) == -1)
		ipc_answer_status(&is->req, 500, "internal error");
	else if (!ipc_status_ok(k->head.status))
		ipc_answer_status(&is->req, k->head.status, k->head.message);
	else if ((why = pki_keyspec(k->name, 0, &is->ks)) != NULL)
		ipc_answer_status(&is->req, 500, why);
	else if (grant_check(is->in.grant, is->in.grant_len, &g) == -1)
		ipc_answer_status(&is->req, 401, "invalid or expired token");
	else if ((status = keygen_allowed(&g, &is->ks, &retry, &why)) != 0)
		refuse(&is->req, status, retry, why);
	else {
		strlcpy(is->id, k->id, sizeof(is->id));
		is->renew_oid = k->oid;
		issue_keygen(is, acme_key_store);
		is = NULL;
	}
	free(k);
	if (is != NULL)
		issue_free(is);
}

/* A private CA's certificate, its key made: the CA's key from stored. */
static void
ca_next(struct issue *is)
{
	if (ca_fetch(is) == -1) {
		ipc_answer_status(&is->req, 503, "try again");
		issue_free(is);
	}
}

/* A renewal: stored says which certificate (and whose) first. */
static int
renew_fetch(struct issue *is)
{
	return certkey_fetch(is, CERTKEY_RENEW, is->in.renew, renew_found);
}

/* IPC_AUTH_CERT_ISSUE, from frontd: a certificate from a private CA,
 * through ACME (a task), or an ACME certificate's renewal. */
int
certs_issue(struct ipc_chan *chan, struct ipc_msg *m)
{
	struct issue	*is;
	const char	*why = NULL;
	uint32_t	 retry;
	int		 status;

	if ((is = calloc(1, sizeof(*is))) == NULL)
		fatal("%s", __func__);
	is->req = ipc_req_of(chan, m);
	if (ipc_msg_get(m, &is->in) == -1) {
		free(is);
		return -1;
	}
	if (is->in.renew[0] != '\0') {
		if ((status = grant_scoped(is->in.grant, is->in.grant_len,
		    SCOPE_CERTS_WRITE, NULL, &why)) != 0)
			ipc_answer_status(&is->req, status, why);
		else if (renew_fetch(is) == -1)
			ipc_answer_status(&is->req, 503, "try again");
		else
			return 0;
	} else if ((status = issue_check(is, &retry, &why)) != 0)
		refuse(&is->req, status, retry, why);
	else if (is->in.acme_account[0] != '\0') {
		uuid_v4(is->id);
		issue_keygen(is, acme_key_store);
		return 0;
	} else {
		issue_keygen(is, ca_next);
		return 0;
	}
	issue_free(is);
	return 0;
}
