/*
 * An ACME issuance as a task (issue 11): taskd, holding a claimed task
 * of kind cert.issue or cert.renew, asks stored for what the job needs
 * (acme.job.get: the certificate's names and sealed key, the account's
 * sealed key and URL, the directory, the DNS provider for dns-01, the
 * order made by an attempt before), records the order's and the
 * account's URLs as soon as they exist (acme.job.note), and hands over
 * the certificate issued (acme.job.result).  Every message carries the
 * task's fence: a worker that lost its lease changes nothing.
 */
#ifndef MOAT_BODY_ACMEJOB_H
#define MOAT_BODY_ACMEJOB_H

#include <stddef.h>
#include <stdint.h>

#include "body.h"
#include "body_acmeacct.h"
#include "body_certs.h"
#include "body_core.h"
#include "body_dns.h"

enum acmejob_note {
	ACMEJOB_NOTE_ORDER = 1,		/* the order's URL, to resume it */
	ACMEJOB_NOTE_ACCOUNT,		/* the account, registered at the CA */
};

/* acme.job.get: the job of a task taskd holds the lease of */
struct ipc_acmejob_get {
	uint64_t	 task_oid;
	uint64_t	 fence;
};

/*
 * acme.job.res.  Status 202: the task renews and no new key is kept
 * yet; only cert_oid, cert_id and key_type are set, and taskd has
 * authd make one (acme.renewkey) before it asks again.
 */
struct ipc_acmejob_res {
	struct ipc_head	 head;
	char		 key_type[CERT_KEYTYPE_MAX + 1];
	uint64_t	 cert_oid;
	char		 cert_id[37];
	char		 names[CERT_SANS_MAX + 1];
	uint8_t		 cert_sealed[CERT_SEALED_MAX];	/* the key to use */
	size_t		 cert_sealed_len;
	uint64_t	 acct_oid;
	char		 acct_id[37];
	char		 email[ACCT_EMAIL_MAX + 1];
	char		 directory[ACCT_DIR_MAX + 1];
	char		 account_url[ACCT_URL_MAX + 1];	/* "" unregistered */
	uint8_t		 acct_sealed[CERT_SEALED_MAX];
	size_t		 acct_sealed_len;
	char		 order_url[ACCT_URL_MAX + 1];	/* "" for a new one */
	struct dnsprov_rec prov;	/* oid 0: http-01 */
	uint8_t		 prov_sealed[DNSREC_SEALED_MAX];
	size_t		 prov_sealed_len;
};

/* acme.job.note: a URL to keep (enum acmejob_note) */
struct ipc_acmejob_note {
	uint64_t	 task_oid;
	uint64_t	 fence;
	uint32_t	 what;
	char		 url[ACCT_URL_MAX + 1];
};

/* acme.job.result: the certificate the CA issued, with its facts */
struct ipc_acmejob_result {
	uint64_t	 task_oid;
	uint64_t	 fence;
	char		 cert_pem[CERT_PEM_MAX + 1];
	char		 chain_pem[CERT_PEM_MAX + 1];
	char		 serial[CERT_SERIAL_MAX + 1];
	char		 issuer[CERT_NAME_MAX + 1];
	int64_t		 not_before;
	int64_t		 not_after;
	int64_t		 renew_at;	/* 0: two thirds of its lifetime */
};

/*
 * acme.renewkey (taskd to authd): a new key of key_type for the
 * certificate cert_id of the renewal taskd leases; authd makes it on
 * its keygen thread, seals it to cert_id and hands it to stored
 * (store.renewkey), which keeps it only for that lease, as the
 * certificate's renew_key_sealed, until the new certificate is stored.
 */
struct ipc_acme_renewkey {
	uint64_t	 task_oid;
	uint64_t	 fence;
	char		 cert_id[37];
	char		 key_type[CERT_KEYTYPE_MAX + 1];
};

/* store.renewkey (authd to stored): that key, sealed */
struct ipc_store_renewkey {
	uint64_t	 task_oid;
	uint64_t	 fence;
	char		 cert_id[37];
	uint8_t		 sealed[CERT_SEALED_MAX];
	size_t		 sealed_len;
};

extern const struct ipc_body body_acmejob_get;
extern const struct ipc_body body_acmejob_res;
extern const struct ipc_body body_acmejob_note;
extern const struct ipc_body body_acmejob_result;
extern const struct ipc_body body_acme_renewkey;
extern const struct ipc_body body_store_renewkey;

#endif
