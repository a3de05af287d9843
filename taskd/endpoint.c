/*
 * An egress endpoint as wg(8) gets it: an address that moatd.conf lets
 * a tunnel reach.  stored refused loopback, link-local, metadata and
 * unspecified addresses when the admin gave them; a name it could not
 * check, so the runner resolves it here, when the tunnel is made,
 * refuses it if any of its addresses is refused, and hands wg the first
 * as a number: wg would resolve the name again, and might get another
 * answer than the one checked.  An address given as such is checked
 * again too (the configuration may have changed since it was stored).
 */
#include <sys/types.h>
#include <sys/socket.h>

#include <netinet/in.h>
#include <arpa/inet.h>

#include <netdb.h>
#include <stdio.h>
#include <string.h>

#include "driver.h"

#define RESOLVED_MAX	64	/* addresses of one name that are looked at */

static int
addr_text(const struct sockaddr *sa, char *out, size_t len)
{
	const void	*a;

	if (sa->sa_family == AF_INET)
		a = &((const struct sockaddr_in *)sa)->sin_addr;
	else if (sa->sa_family == AF_INET6)
		a = &((const struct sockaddr_in6 *)sa)->sin6_addr;
	else
		return -1;
	return inet_ntop(sa->sa_family, a, out, len) == NULL ? -1 : 0;
}

static int
numeric(char *out, size_t outlen, const char *addr, const char *port)
{
	int	 n;

	n = snprintf(out, outlen, strchr(addr, ':') != NULL ? "[%s]:%s" :
	    "%s:%s", addr, port);
	return n > 0 && (size_t)n < outlen ? 0 : -1;
}

int
endpoint_pick(const char *name, const struct addrinfo *res,
    const char *port, const struct egress_allow *allow, char *out,
    size_t outlen, char *why, size_t whylen)
{
	const struct addrinfo	*ai;
	char			 addr[INET6_ADDRSTRLEN], first[INET6_ADDRSTRLEN];
	const char		*refused;
	int			 n = 0;

	first[0] = '\0';
	for (ai = res; ai != NULL && n < RESOLVED_MAX; ai = ai->ai_next) {
		if (ai->ai_addr == NULL ||
		    addr_text(ai->ai_addr, addr, sizeof(addr)) == -1)
			continue;
		n++;
		if ((refused = egress_addr_refused(addr, allow)) != NULL) {
			snprintf(why, whylen, "wg_endpoint %s resolves to %s, "
			    "%s that moatd.conf does not allow", name, addr,
			    refused);
			return -1;
		}
		if (first[0] == '\0')
			strlcpy(first, addr, sizeof(first));
	}
	if (first[0] == '\0') {
		snprintf(why, whylen, "wg_endpoint %s has no address", name);
		return -1;
	}
	if (numeric(out, outlen, first, port) == -1) {
		snprintf(why, whylen, "wg_endpoint %s: too long", name);
		return -1;
	}
	return 0;
}

int
endpoint_resolve(const char *endpoint, const struct egress_allow *allow,
    char *out, size_t outlen, char *why, size_t whylen)
{
	struct addrinfo	 hints, *res = NULL;
	char		 host[EGRESS_ENDPOINT_MAX + 1];
	const char	*port, *refused;
	int		 rc;

	if (egress_endpoint_host(endpoint, host, sizeof(host), &port) == -1) {
		snprintf(why, whylen, "wg_endpoint is not host:port");
		return -1;
	}
	if ((refused = egress_host_refused(host, allow)) != NULL) {
		snprintf(why, whylen, "wg_endpoint %s is %s that moatd.conf "
		    "does not allow", host, refused);
		return -1;
	}
	memset(&hints, 0, sizeof(hints));
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_DGRAM;
	hints.ai_flags = AI_NUMERICSERV;
	if (egress_ip_ok(host))
		hints.ai_flags |= AI_NUMERICHOST;
	if ((rc = getaddrinfo(host, port, &hints, &res)) != 0) {
		snprintf(why, whylen, "wg_endpoint %s: %s", host,
		    gai_strerror(rc));
		return -2;
	}
	rc = endpoint_pick(host, res, port, allow, out, outlen, why, whylen);
	freeaddrinfo(res);
	return rc;
}
