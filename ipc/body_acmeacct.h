/*
 * The messages of a user's ACME accounts (issue 11): a create through
 * authd, which makes the account's key and seals it bound to the
 * account's id; list and get from frontd to stored (body_keys.h's
 * ipc_key_page and ipc_key_ref); and what taskd has authd do with a
 * sealed key for the job that names it: sign a JWS (acme.sign), make a
 * certificate's CSR (acme.csr), compute an EAB binding (acme.eab).
 * taskd never holds a key: it passes on the seal stored gave it.
 */
#ifndef MOAT_BODY_ACMEACCT_H
#define MOAT_BODY_ACMEACCT_H

#include <stddef.h>
#include <stdint.h>

#include "body.h"
#include "body_certs.h"
#include "body_core.h"
#include "fields.h"

#define ACCT_EMAIL_MAX		254
#define ACCT_DIR_MAX		63	/* CFG_ACME_NAME_MAX less its NUL */
#define ACCT_URL_MAX		511	/* CFG_ACME_URL_MAX less its NUL */
#define ACCT_STATUS_MAX		15
#define ACCT_SIGN_IN_MAX	(32 * 1024)	/* a JWS signing input */
#define ACCT_SIG_MAX		512	/* RS256 of RSA-4096 */
#define ACCT_JWK_MAX		1023	/* an RSA-4096 JWK is ~730 */
#define ACCT_ALG_MAX		7
#define ACCT_CSR_MAX		(16 * 1024)	/* DER, 100 long names */
#define ACCT_EAB_IN_MAX		2047
#define ACCT_MAC_MAX		64

/* An account as stored keeps it and answers it: never its key. */
struct acmeacct_rec {
	uint64_t	 oid;
	char		 id[37];
	uint64_t	 user_oid;
	char		 email[ACCT_EMAIL_MAX + 1];
	char		 directory[ACCT_DIR_MAX + 1];
	char		 directory_url[ACCT_URL_MAX + 1];
	char		 key_type[CERT_KEYTYPE_MAX + 1];
	char		 status[ACCT_STATUS_MAX + 1];
	char		 account_url[ACCT_URL_MAX + 1];
	int64_t		 created_at;
};

/*
 * auth.acmeacct.create: what the user sent, the directory already
 * named by frontd (stored checks it again), for the user access says.
 */
struct ipc_acmeacct_create {
	uint8_t		 grant[GRANT_LEN];
	size_t		 grant_len;
	uint32_t	 access;	/* enum ipc_access */
	char		 user[FIELD_REF_MAX + 1];
	uint32_t	 dialect;
	struct acmeacct_rec acct;	/* email, directory, key_type */
	uint32_t	 key_bits;
};

/* store.acmeacct.create: the same, named by authd, its key sealed */
struct ipc_acmeacct_store {
	uint8_t		 grant[GRANT_LEN];
	size_t		 grant_len;
	uint32_t	 access;
	char		 user[FIELD_REF_MAX + 1];
	uint32_t	 dialect;
	struct acmeacct_rec acct;
	uint8_t		 sealed[CERT_SEALED_MAX];
	size_t		 sealed_len;
};

/* acmeacct.res: one account (none on an error) */
struct ipc_acmeacct_res {
	struct ipc_head	 head;
	struct acmeacct_rec acct;
};

/*
 * acme.sign: sign input with the account's key, the seal and the id it
 * is bound to as stored gave them with the job.
 */
struct ipc_acme_sign {
	char		 id[37];
	uint8_t		 sealed[CERT_SEALED_MAX];
	size_t		 sealed_len;
	uint8_t		 input[ACCT_SIGN_IN_MAX];
	size_t		 input_len;
};

/* acme.sign.res: the JWS alg, the public JWK, the signature (R||S) */
struct ipc_acme_sign_res {
	struct ipc_head	 head;
	char		 alg[ACCT_ALG_MAX + 1];
	char		 jwk[ACCT_JWK_MAX + 1];
	uint8_t		 sig[ACCT_SIG_MAX];
	size_t		 sig_len;
};

/* acme.csr: a certificate's key (seal, id) and its comma-joined names */
struct ipc_acme_csr {
	char		 id[37];
	uint8_t		 sealed[CERT_SEALED_MAX];
	size_t		 sealed_len;
	char		 names[CERT_SANS_MAX + 1];
};

/* acme.csr.res: the CSR's DER */
struct ipc_acme_csr_res {
	struct ipc_head	 head;
	uint8_t		 der[ACCT_CSR_MAX];
	size_t		 der_len;
};

/* acme.eab: HS256 of input under the named directory's EAB key */
struct ipc_acme_eab {
	char		 directory[ACCT_DIR_MAX + 1];
	char		 input[ACCT_EAB_IN_MAX + 1];
};

struct ipc_acme_eab_res {
	struct ipc_head	 head;
	char		 kid[256];
	uint8_t		 mac[ACCT_MAC_MAX];
	size_t		 mac_len;
};

extern const struct ipc_body body_acmeacct_rec;
extern const struct ipc_body body_acmeacct_create;
extern const struct ipc_body body_acmeacct_store;
extern const struct ipc_body body_acmeacct_res;
extern const struct ipc_body body_acme_sign;
extern const struct ipc_body body_acme_sign_res;
extern const struct ipc_body body_acme_csr;
extern const struct ipc_body body_acme_csr_res;
extern const struct ipc_body body_acme_eab;
extern const struct ipc_body body_acme_eab_res;

#endif
