/*
 * Egress IPs and their bindings to hosts, as they travel between
 * frontd, authd, stored and taskd: the records, their limits, and what
 * a job carries to bring a host's tunnel up.  Their field tables are in
 * body_egress.c; what a receiver accepts of them is in
 * common/egresscheck.h.
 */
#ifndef MOAT_EGRESSREC_H
#define MOAT_EGRESSREC_H

#include <stddef.h>
#include <stdint.h>

#include "fields.h"

#define EGRESS_LABEL_MAX	64
#define EGRESS_ADDR_MAX		45	/* an IPv6 address in text */
#define EGRESS_CIDR_MAX		49	/* and its /128 */
#define EGRESS_TYPE_MAX		15
#define EGRESS_PROVIDER_MAX	64
#define EGRESS_ENDPOINT_MAX	261	/* a DNS name, a colon, a port */
#define EGRESS_KEY_MAX		64	/* a key as an operator typed it */
#define EGRESS_WG_KEY_LEN	44	/* a WireGuard key: 32 bytes, base64 */
#define EGRESS_ALLOWED_MAX	255	/* comma-separated ranges */
#define EGRESS_PROXY_MAX	1024	/* proxy_config without its secrets */
#define EGRESS_SECRET_MAX	128	/* a proxy password, a uuid, a key */
#define EGRESS_SEALED_MAX	256	/* a secret as authd sealed it */
#define EGRESS_ERROR_MAX	127
#define EGRESS_RANGE_MAX	63	/* a range moatd.conf allows, as text */
#define EGRESS_MAX		10000	/* in the whole database */

/* IPC_OP_EGRESS and IPC_AUTH_EGRESS: what an admin does to one */
enum egress_op {
	EGRESS_CREATE = 1,
	EGRESS_UPDATE,
	EGRESS_GET,
	EGRESS_DELETE,
};

/* IPC_OP_BINDING */
enum binding_op {
	BINDING_CREATE = 1,
	BINDING_DELETE,
};

/*
 * The text settings an admin gives, in the order frontd reads them from
 * JSON and the IPC carries them.  proxy_config is the sing-box outbound
 * object as compact JSON, its secrets taken out.
 */
enum egress_setting {
	EG_LABEL,
	EG_IP_ADDRESS,
	EG_TUNNEL_TYPE,
	EG_PROVIDER,
	EG_WG_ENDPOINT,
	EG_WG_PUBLIC_KEY,
	EG_WG_ALLOWED_IPS,
	EG_WG_DNS_SERVER,
	EG_WG_PEER_ADDRESS,
	EG_PROXY_CONFIG,
	EG_SETTINGS
};

/* The secrets, sealed by authd, each on its own. */
enum egress_secret {
	EGS_WG_PRIVATE_KEY,	/* ours: made by authd unless given */
	EGS_WG_PRESHARED_KEY,
	EGS_PROXY_PASSWORD,
	EGS_PROXY_UUID,		/* vmess: the uuid is the credential */
	EGS_SECRETS
};

struct egress_rec {
	uint64_t	 oid;
	char		 id[37];
	/* indexed by enum egress_setting */
	char		 label[EGRESS_LABEL_MAX + 1];
	char		 ip_address[EGRESS_ADDR_MAX + 1];
	char		 tunnel_type[EGRESS_TYPE_MAX + 1];
	char		 provider[EGRESS_PROVIDER_MAX + 1];
	char		 wg_endpoint[EGRESS_ENDPOINT_MAX + 1];
	char		 wg_public_key[EGRESS_KEY_MAX + 1];
	char		 wg_allowed_ips[EGRESS_ALLOWED_MAX + 1];
	char		 wg_dns_server[EGRESS_ADDR_MAX + 1];
	char		 wg_peer_address[EGRESS_CIDR_MAX + 1];
	char		 proxy_config[EGRESS_PROXY_MAX + 1];
	/* what the operator gives the provider: our public key */
	char		 wg_client_public_key[EGRESS_WG_KEY_LEN + 1];
	uint32_t	 secrets_set;	/* a bit per enum egress_secret */
	char		 host_id[37];	/* the host it is bound to, or "" */
	char		 binding_id[37];
	/* why a tunnel cannot be made of it yet, or "" */
	char		 config_error[EGRESS_ERROR_MAX + 1];
	int64_t		 created_at;
	int64_t		 updated_at;
};

/*
 * The settings of a create or an update as the admin gave them: each
 * absent (nil on the wire) or text, "" to clear it.
 */
struct egress_given {
	struct egress_rec set;		/* its settings alone */
	int		 absent[EG_SETTINGS];
};

/*
 * What authd gives stored of one secret: keep it (0), clear it (1), or
 * set it (2) to the seal, made to ref; valid says whether it is the
 * WireGuard key it should be.
 */
struct egress_seal {
	uint32_t	 action;
	uint8_t		 sealed[EGRESS_SEALED_MAX];
	size_t		 sealed_len;
	char		 ref[FIELD_REF_MAX + 1];
	int		 valid;
};

struct binding_rec {
	uint64_t	 oid;
	char		 id[37];
	char		 host_id[37];
	char		 egress_ip_id[37];
	int64_t		 created_at;
};

/*
 * A host's tunnel as a job carries it from stored to taskd: the
 * settings, and each secret sealed with the reference it was sealed to.
 * taskd has authd open the seals.
 */
struct egress_job {
	int		 present;
	uint64_t	 oid;
	char		 id[37];
	char		 endpoint[EGRESS_ENDPOINT_MAX + 1];
	char		 peer_public_key[EGRESS_KEY_MAX + 1];
	char		 allowed_ips[EGRESS_ALLOWED_MAX + 1];
	char		 dns_server[EGRESS_ADDR_MAX + 1];
	char		 address[EGRESS_CIDR_MAX + 1];
	/* our private key's and the preshared key's */
	uint8_t		 sealed[2][EGRESS_SEALED_MAX];
	size_t		 sealedlen[2];
	char		 ref[2][FIELD_REF_MAX + 1];
};


/*
 * An egress IP's test (POST .../test): three checks through its tunnel,
 * each passed (1), failed (0) or not made (-1), with what was seen.
 */
enum egress_check {
	EGC_CONNECTIVITY,	/* the check URL answers through the tunnel */
	EGC_EXIT_IP,		/* with the declared ip_address */
	EGC_DNS,		/* names resolve through the tunnel's server */
	EGC_CHECKS
};
#define EGRESS_CHECK_TEXT_MAX	127
#define EGRESS_TEST_SECONDS	20	/* the whole test, in the runner */

struct egress_test {
	int64_t		 result[EGC_CHECKS];
	char		 detail[EGC_CHECKS][EGRESS_CHECK_TEXT_MAX + 1];
	char		 exit_ip[EGRESS_ADDR_MAX + 1];
	uint64_t	 ms;
};

#endif
