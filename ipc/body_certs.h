/*
 * The messages of a user's private CAs and certificates (certificates
 * apiv1, issue 11): requests from frontd, the keys made and sealed in
 * authd, the rows kept by stored.  No message carries a private key in
 * clear but the export's answer, from authd to frontd.
 */
#ifndef MOAT_BODY_CERTS_H
#define MOAT_BODY_CERTS_H

#include "body.h"
#include "fields.h"

#define CERT_NAME_MAX		253	/* a CA's name, a DNS name */
#define CERT_NAMES_MAX		100	/* names on one certificate */
#define CERT_SANS_MAX		4095	/* the names, joined by commas */
#define CERT_KEYTYPE_MAX	15	/* "ecdsa-p384", "rsa-4096" */
#define CERT_SERIAL_MAX		40	/* 20 bytes in hex */
#define CERT_STATUS_MAX		15
#define CERT_PEM_MAX		8191	/* a certificate of 100 long names */
#define CERT_KEY_PEM_MAX	3499	/* PKCS#8 PEM of RSA-4096: ~3.3 KiB */
#define CERT_SEALED_MAX		3584	/* that sealed (seal.c: +33) */
#define CERT_PRIVKEY64_MAX	4668	/* base64 of CERT_KEY_PEM_MAX */
#define CERT_CURSOR_MAX		63	/* an opaque page cursor */

/* what authd makes and stored keeps: which key, and which ref it names */
enum certkey_op {
	CERTKEY_CA_SIGN = 1,	/* a CA's key, to issue from it */
	CERTKEY_EXPORT,		/* a certificate's key, for its owner */
	CERTKEY_RENEW,		/* an ACME certificate to renew: its id and
				 * key type (in name), no seal */
};

enum cert_op {
	CERT_OP_GET = 1,
	CERT_OP_DELETE,
	CERT_OP_BUNDLE,		/* a CA's certificate as PEM */
	CERT_OP_ISSUE,		/* an ACME certificate: issue again */
};

/* A private CA, as listed (its key never leaves authd but sealed). */
struct ca_rec {
	uint64_t	 oid;
	char		 id[37];
	uint64_t	 user_oid;
	char		 name[CERT_NAME_MAX + 1];
	char		 key_type[CERT_KEYTYPE_MAX + 1];
	char		 serial[CERT_SERIAL_MAX + 1];
	int64_t		 not_before;
	int64_t		 not_after;
	int64_t		 created_at;
};

/* A certificate, as listed. */
struct cert_rec {
	uint64_t	 oid;
	char		 id[37];
	uint64_t	 user_oid;
	uint64_t	 ca_oid;		/* 0: its CA is gone */
	uint64_t	 acme_account_oid;	/* 0: not through ACME */
	uint64_t	 dns_provider_oid;	/* 0: http-01 */
	int		 auto_renew;
	char		 status[CERT_STATUS_MAX + 1];
	char		 domain[CERT_NAME_MAX + 1];
	char		 sans[CERT_SANS_MAX + 1];	/* all names, joined */
	char		 key_type[CERT_KEYTYPE_MAX + 1];
	char		 serial[CERT_SERIAL_MAX + 1];
	char		 issuer[CERT_NAME_MAX + 1];
	int64_t		 not_before;
	int64_t		 not_after;
	int64_t		 created_at;
};

/* auth.ca.create: a user's new CA, to authd, which makes its key */
struct ipc_auth_ca_create {
	uint8_t		 grant[GRANT_LEN];
	size_t		 grant_len;
	char		 user[FIELD_REF_MAX + 1];
	char		 name[CERT_NAME_MAX + 1];
	char		 key_type[CERT_KEYTYPE_MAX + 1];
	uint32_t	 key_bits;	/* 0: the type's default */
	uint32_t	 validity_days;
};

/* store.ca.create: the CA made, its key sealed to its id */
struct ipc_store_ca_create {
	uint8_t		 grant[GRANT_LEN];
	size_t		 grant_len;
	char		 user[FIELD_REF_MAX + 1];
	struct ca_rec	 ca;
	char		 cert_pem[CERT_PEM_MAX + 1];
	uint8_t		 sealed[CERT_SEALED_MAX];
	size_t		 sealed_len;
};

/* ca.res: one CA; its certificate's PEM for a bundle */
struct ipc_ca_res {
	struct ipc_head	 head;
	struct ca_rec	 ca;
	char		 cert_pem[CERT_PEM_MAX + 1];
};

/* op.ca, op.cert: one CA or certificate of a user (enum cert_op) */
struct ipc_op_cert {
	uint8_t		 grant[GRANT_LEN];
	size_t		 grant_len;
	uint32_t	 access;	/* enum ipc_access */
	uint32_t	 op;
	char		 user[FIELD_REF_MAX + 1];
	char		 ref[FIELD_REF_MAX + 1];
	uint32_t	 dialect;	/* the route's, for the audit trail */
};

/*
 * op.ca.list, op.cert.list: a page by offset, or after a cursor that
 * stored signed (by_cursor; "" for the first page).
 */
struct ipc_cert_page {
	uint8_t		 grant[GRANT_LEN];
	size_t		 grant_len;
	uint32_t	 access;
	char		 user[FIELD_REF_MAX + 1];
	uint32_t	 limit;
	uint32_t	 offset;
	int		 by_cursor;
	char		 cursor[CERT_CURSOR_MAX + 1];
};

/* ca.list.res, cert.list.res: then the page's records */
struct ipc_cert_list_res {
	struct ipc_head	 head;
	uint64_t	 total;
	uint64_t	 count;
	int		 has_more;
	char		 cursor[CERT_CURSOR_MAX + 1];	/* the next page's */
};

/*
 * auth.cert.issue: a certificate from a user's CA, to authd; or one
 * through an ACME account (a task), with a DNS provider for dns-01; or
 * the renewal of the ACME certificate renew names (a new key).
 */
struct ipc_auth_cert_issue {
	uint8_t		 grant[GRANT_LEN];
	size_t		 grant_len;
	char		 user[FIELD_REF_MAX + 1];
	char		 ca[FIELD_REF_MAX + 1];
	char		 acme_account[FIELD_REF_MAX + 1];
	char		 dns_provider[FIELD_REF_MAX + 1];
	char		 renew[FIELD_REF_MAX + 1];
	int		 auto_renew;
	char		 names[CERT_SANS_MAX + 1];	/* domain first */
	char		 key_type[CERT_KEYTYPE_MAX + 1];
	uint32_t	 key_bits;
	uint32_t	 validity_days;
};

/*
 * store.cert.create: the certificate issued, its key sealed to its id;
 * or an ACME certificate to issue (pending, a task queued), or a new
 * key for the renewal of renew_oid (a task queued)
 */
struct ipc_store_cert_create {
	uint8_t		 grant[GRANT_LEN];
	size_t		 grant_len;
	char		 user[FIELD_REF_MAX + 1];
	char		 acme_account[FIELD_REF_MAX + 1];
	char		 dns_provider[FIELD_REF_MAX + 1];
	uint64_t	 renew_oid;
	int		 auto_renew;
	struct cert_rec	 cert;
	char		 cert_pem[CERT_PEM_MAX + 1];
	char		 chain_pem[CERT_PEM_MAX + 1];
	uint8_t		 sealed[CERT_SEALED_MAX];
	size_t		 sealed_len;
};

/* cert.res: one certificate */
struct ipc_cert_res {
	struct ipc_head	 head;
	struct cert_rec	 cert;
};

/*
 * certkey.get: authd asks stored for a sealed key it may open for this
 * request (enum certkey_op), with the certificate it goes with; the
 * grant is the client's, so stored checks whose it is.  auth.cert.export
 * is the same from frontd to authd.
 */
struct ipc_certkey_get {
	uint8_t		 grant[GRANT_LEN];
	size_t		 grant_len;
	uint32_t	 access;
	uint32_t	 op;
	char		 user[FIELD_REF_MAX + 1];
	char		 ref[FIELD_REF_MAX + 1];
	uint32_t	 dialect;
};

/* certkey.res: the key sealed to id, the certificate and its chain */
struct ipc_certkey_res {
	struct ipc_head	 head;
	uint64_t	 oid;
	char		 id[37];
	char		 name[CERT_NAME_MAX + 1];	/* a CA's */
	int64_t		 not_after;
	char		 cert_pem[CERT_PEM_MAX + 1];
	char		 chain_pem[CERT_PEM_MAX + 1];
	uint8_t		 sealed[CERT_SEALED_MAX];
	size_t		 sealed_len;
};

/* cert.export.res: what the owner downloads; privkey is base64 of PEM */
struct ipc_cert_export_res {
	struct ipc_head	 head;
	char		 cert_pem[CERT_PEM_MAX + 1];
	char		 chain_pem[CERT_PEM_MAX + 1];
	char		 privkey[CERT_PRIVKEY64_MAX + 1];
};

extern const struct ipc_body body_ca_rec;
extern const struct ipc_body body_cert_rec;
extern const struct ipc_body body_auth_ca_create;
extern const struct ipc_body body_store_ca_create;
extern const struct ipc_body body_ca_res;
extern const struct ipc_body body_op_cert;
extern const struct ipc_body body_cert_page;
extern const struct ipc_body body_cert_list_res;
extern const struct ipc_body body_auth_cert_issue;
extern const struct ipc_body body_store_cert_create;
extern const struct ipc_body body_cert_res;
extern const struct ipc_body body_certkey_get;
extern const struct ipc_body body_certkey_res;
extern const struct ipc_body body_cert_export_res;

#endif
