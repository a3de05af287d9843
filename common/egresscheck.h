/*
 * What every receiver accepts of an egress IP (egressrec.h has the
 * records): the settings by name, the checks of their text, where an
 * endpoint may not be, and the ranges moatd.conf allows after all.
 */
#ifndef MOAT_EGRESSCHECK_H
#define MOAT_EGRESSCHECK_H

#include <stddef.h>
#include <stdint.h>

#include "cidr.h"
#include "egressrec.h"

struct egress_setting_def {
	const char	*name;		/* the JSON member */
	size_t		 max;		/* longest accepted, in bytes */
};
extern const struct egress_setting_def egress_settings[EG_SETTINGS];
extern const char *const egress_secret_names[EGS_SECRETS];
extern const char *const egress_check_names[EGC_CHECKS];

/* The buffer of one text setting of e. */
char	*egress_setting(struct egress_rec *, enum egress_setting);
const char *egress_setting_const(const struct egress_rec *,
	    enum egress_setting);

/* Whether each of a test's checks passed, failed or was not made. */
int	 egress_test_ok(const struct egress_test *);

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

/* One range of cfg.egress added to allow; -1 if no range or too many. */
int	 egress_allow_add(struct egress_allow *, const char *range);

/* Why addr (text) may not be an endpoint, or NULL: it may, or it is no
 * address (a name). */
const char *egress_addr_refused(const char *addr,
	    const struct egress_allow *);
const char *egress_addr_refused_private(const char *addr,
	    const struct egress_allow *allow);
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
