/*
 * Egress IPs and their bindings to hosts, between frontd, authd, stored
 * and taskd: one field order for each record, the checks every
 * receiver makes of an egress's settings, and what a job carries to
 * bring a host's tunnel up.
 */
#ifndef MOAT_EGRESSREC_H
#define MOAT_EGRESSREC_H

#include <stddef.h>
#include <stdint.h>

#include "cidr.h"
#include "ipc.h"

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
#define EGRESS_ERROR_MAX	127
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

struct egress_setting_def {
	const char	*name;		/* the JSON member */
	size_t		 max;		/* longest accepted, in bytes */
};
extern const struct egress_setting_def egress_settings[EG_SETTINGS];
extern const char *const egress_secret_names[EGS_SECRETS];

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

/* The buffer of one text setting of e. */
char	*egress_setting(struct egress_rec *, enum egress_setting);
const char *egress_setting_const(const struct egress_rec *,
	    enum egress_setting);

void	 ipc_put_egress(struct ipc_msg *, const struct egress_rec *);
void	 ipc_get_egress(struct ipc_msg *, struct egress_rec *);

struct binding_rec {
	uint64_t	 oid;
	char		 id[37];
	char		 host_id[37];
	char		 egress_ip_id[37];
	int64_t		 created_at;
};

void	 ipc_put_binding(struct ipc_msg *, const struct binding_rec *);
void	 ipc_get_binding(struct ipc_msg *, struct binding_rec *);

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
	uint8_t		 sealed[2][256];	/* private, preshared */
	size_t		 sealedlen[2];
	char		 ref[2][65];
};

void	 ipc_put_egress_job(struct ipc_msg *, const struct egress_job *);
void	 ipc_get_egress_job(struct ipc_msg *, struct egress_job *);

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
extern const char *const egress_check_names[EGC_CHECKS];

void	 ipc_put_egress_test(struct ipc_msg *, const struct egress_test *);
void	 ipc_get_egress_test(struct ipc_msg *, struct egress_test *);

/*
 * Where an endpoint an admin gives (a WireGuard peer, a proxy's server)
 * may not be: loopback (127/8, ::1), link-local (169.254/16, fe80::/10)
 * with the cloud metadata address (169.254.169.254, fd00:ec2::254), and
 * unspecified (0/8, ::), unless one of the ranges moatd.conf allows
 * (egress allow endpoint) covers it.  An IPv4-mapped IPv6 address is
 * its IPv4 address.
 */
#define EGRESS_ALLOW_MAX	16
struct egress_allow {
	struct cidr	 range[EGRESS_ALLOW_MAX];
	uint32_t	 n;
};

/* cfg.egress, as stored and taskd read it; -1 if malformed. */
int	 ipc_get_egress_allow(struct ipc_msg *, struct egress_allow *);

/* Why addr (text) may not be an endpoint, or NULL: it may, or it is no
 * address (a name). */
const char *egress_addr_refused(const char *addr,
	    const struct egress_allow *);
/*
 * The same of a host: an address, or a name.  A name is taken here,
 * since what it resolves to changes (taskd checks that when it makes
 * the tunnel), except localhost and its subdomains, which are loopback
 * by definition (RFC 6761).
 */
const char *egress_host_refused(const char *host,
	    const struct egress_allow *);
/* The same of host:port or [v6]:port, already egress_endpoint_ok(). */
const char *egress_endpoint_refused(const char *endpoint,
	    const struct egress_allow *);
/* The host of an endpoint (without brackets) into host; -1 if none. */
int	 egress_endpoint_host(const char *endpoint, char *host, size_t len,
	    const char **port);

/* The checks of a setting's text, where it is checked. */
int	 egress_ip_ok(const char *);		/* an IPv4 or IPv6 address */
int	 egress_cidr_ok(const char *);		/* an address with its /bits */
int	 egress_cidr_list_ok(const char *);	/* comma-separated ranges */
int	 egress_endpoint_ok(const char *);	/* host:port, [v6]:port */
int	 egress_host_ok(const char *);		/* a DNS name or an address */
/* The base64 alphabet (a key as written, whether or not it is one). */
int	 egress_key_text_ok(const char *);
/* A WireGuard key: 32 bytes in padded base64, nothing else. */
int	 egress_wg_key_ok(const char *);

#endif
