/*
 * The messages about a user's DNS providers (ACME dns-01): a create
 * through authd, which seals the secret bound to the provider's id,
 * and list, get and delete from frontd to stored (which reuse
 * body_keys.h's ipc_key_page and ipc_key_ref).  The sizes repeat
 * common/dnsprov.h's, held equal by static assertions in stored.
 */
#ifndef MOAT_BODY_DNS_H
#define MOAT_BODY_DNS_H

#include <stddef.h>
#include <stdint.h>

#include "body.h"
#include "body_core.h"
#include "fields.h"

#define DNSREC_NAME_MAX		64
#define DNSREC_TYPE_MAX		15
#define DNSREC_SERVER_MAX	47
#define DNSREC_DNSNAME_MAX	253
#define DNSREC_ALG_MAX		15
#define DNSREC_ZONEID_MAX	32
#define DNSREC_SECRET_MAX	200
#define DNSREC_SEALED_MAX	256

/* A provider as stored keeps it and answers it: never its secret. */
struct dnsprov_rec {
	uint64_t	 oid;
	char		 id[37];
	uint64_t	 user_oid;
	char		 name[DNSREC_NAME_MAX + 1];
	char		 type[DNSREC_TYPE_MAX + 1];
	char		 server[DNSREC_SERVER_MAX + 1];
	uint32_t	 port;
	char		 zone[DNSREC_DNSNAME_MAX + 1];
	char		 key_name[DNSREC_DNSNAME_MAX + 1];
	char		 algorithm[DNSREC_ALG_MAX + 1];
	char		 zone_id[DNSREC_ZONEID_MAX + 1];
	int		 secret_set;
	int64_t		 created_at;
};

/*
 * auth.dnsprov.create: what the user sent (prov's oid, id, user_oid
 * and created_at unused), for the user named as access says, and the
 * secret (TSIG secret or API token) authd seals.
 */
struct ipc_dnsprov_create {
	uint8_t		 grant[GRANT_LEN];
	size_t		 grant_len;
	uint32_t	 access;	/* enum ipc_access */
	char		 user[FIELD_REF_MAX + 1];
	uint32_t	 dialect;
	struct dnsprov_rec prov;
	char		 secret[DNSREC_SECRET_MAX + 1];
};

/* store.dnsprov.create: the same, named by authd, the secret sealed */
struct ipc_dnsprov_store {
	uint8_t		 grant[GRANT_LEN];
	size_t		 grant_len;
	uint32_t	 access;
	char		 user[FIELD_REF_MAX + 1];
	uint32_t	 dialect;
	struct dnsprov_rec prov;
	uint8_t		 sealed[DNSREC_SEALED_MAX];
	size_t		 sealed_len;
};

/* dnsprov.res: one provider (none on an error or a delete) */
struct ipc_dnsprov_res {
	struct ipc_head	 head;
	struct dnsprov_rec prov;
};

/*
 * dnsprov.unseal: taskd asks authd to open a provider's secret for the
 * job that names it, with the provider's id and the seal stored gave it
 * in the job; the seal opens only for the provider it was sealed to.
 */
struct ipc_dnsprov_unseal {
	char		 id[37];
	uint8_t		 sealed[DNSREC_SEALED_MAX];
	size_t		 sealed_len;
};

/* dnsprov.unseal.res: the secret, which taskd clears after its job */
struct ipc_dnsprov_unseal_res {
	struct ipc_head	 head;
	char		 secret[DNSREC_SECRET_MAX + 1];
};

extern const struct ipc_body body_dnsprov_rec;
extern const struct ipc_body body_dnsprov_create;
extern const struct ipc_body body_dnsprov_store;
extern const struct ipc_body body_dnsprov_res;
extern const struct ipc_body body_dnsprov_unseal;
extern const struct ipc_body body_dnsprov_unseal_res;

#endif
