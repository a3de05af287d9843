/* What every receiver accepts of an egress IP (egresscheck.h). */
#include <sys/types.h>
#include <sys/socket.h>

#include <netinet/in.h>
#include <arpa/inet.h>

#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "cidr.h"
#include "egresscheck.h"

const struct egress_setting_def egress_settings[EG_SETTINGS] = {
	[EG_LABEL] = { "label", EGRESS_LABEL_MAX },
	[EG_IP_ADDRESS] = { "ip_address", EGRESS_ADDR_MAX },
	[EG_TUNNEL_TYPE] = { "tunnel_type", EGRESS_TYPE_MAX },
	[EG_PROVIDER] = { "provider", EGRESS_PROVIDER_MAX },
	[EG_WG_ENDPOINT] = { "wg_endpoint", EGRESS_ENDPOINT_MAX },
	[EG_WG_PUBLIC_KEY] = { "wg_public_key", EGRESS_KEY_MAX },
	[EG_WG_ALLOWED_IPS] = { "wg_allowed_ips", EGRESS_ALLOWED_MAX },
	[EG_WG_DNS_SERVER] = { "wg_dns_server", EGRESS_ADDR_MAX },
	[EG_WG_PEER_ADDRESS] = { "wg_peer_address", EGRESS_CIDR_MAX },
	[EG_PROXY_CONFIG] = { "proxy_config", EGRESS_PROXY_MAX },
};

const char *const egress_secret_names[EGS_SECRETS] = {
	[EGS_WG_PRIVATE_KEY] = "wg_private_key",
	[EGS_WG_PRESHARED_KEY] = "wg_preshared_key",
	[EGS_PROXY_PASSWORD] = "proxy_password",
	[EGS_PROXY_UUID] = "proxy_uuid",
};

char *
egress_setting(struct egress_rec *e, enum egress_setting s)
{
	switch (s) {
	case EG_LABEL: return e->label;
	case EG_IP_ADDRESS: return e->ip_address;
	case EG_TUNNEL_TYPE: return e->tunnel_type;
	case EG_PROVIDER: return e->provider;
	case EG_WG_ENDPOINT: return e->wg_endpoint;
	case EG_WG_PUBLIC_KEY: return e->wg_public_key;
	case EG_WG_ALLOWED_IPS: return e->wg_allowed_ips;
	case EG_WG_DNS_SERVER: return e->wg_dns_server;
	case EG_WG_PEER_ADDRESS: return e->wg_peer_address;
	default: return e->proxy_config;
	}
}

const char *
egress_setting_const(const struct egress_rec *e, enum egress_setting s)
{
	return egress_setting((struct egress_rec *)e, s);
}


const char *const egress_check_names[EGC_CHECKS] = {
	[EGC_CONNECTIVITY] = "connectivity",
	[EGC_EXIT_IP] = "exit_ip_match",
	[EGC_DNS] = "dns_leak",
};

int
egress_test_ok(const struct egress_test *t)
{
	int	 i;

	for (i = 0; i < EGC_CHECKS; i++)
		if (t->result[i] < -1 || t->result[i] > 1)
			return 0;
	return 1;
}

int
egress_ip_ok(const char *s)
{
	unsigned char	 buf[16];

	return inet_pton(AF_INET, s, buf) == 1 ||
	    inet_pton(AF_INET6, s, buf) == 1;
}

int
egress_cidr_ok(const char *s)
{
	struct cidr	 c;

	return strchr(s, '/') != NULL && cidr_parse(s, &c) == 0;
}

/* "0.0.0.0/0, ::/0": ranges, each with its bits, commas between */
int
egress_cidr_list_ok(const char *s)
{
	char	 one[EGRESS_CIDR_MAX + 1];
	size_t	 len;
	int	 n = 0;

	for (;;) {
		s += strspn(s, " ");
		len = strcspn(s, ", ");
		if (len == 0 || len >= sizeof(one))
			return 0;
		memcpy(one, s, len);
		one[len] = '\0';
		if (!egress_cidr_ok(one) || ++n > 16)
			return 0;
		s += len;
		s += strspn(s, " ");
		if (*s == '\0')
			return 1;
		if (*s++ != ',')
			return 0;
	}
}

/* A DNS name of letters, digits, hyphens and dots. */
static int
dns_name_ok(const char *s, size_t len)
{
	size_t	 i, label = 0;

	if (len == 0 || len > 253 || s[0] == '.' || s[0] == '-')
		return 0;
	for (i = 0; i < len; i++) {
		if (s[i] == '.') {
			if (label == 0 || s[i - 1] == '-')
				return 0;
			label = 0;
		} else if (strchr("abcdefghijklmnopqrstuvwxyz"
		    "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-", s[i]) == NULL ||
		    ++label > 63)
			return 0;
	}
	return s[len - 1] != '-';
}

int
egress_endpoint_ok(const char *s)
{
	char		 host[EGRESS_ENDPOINT_MAX + 1], *end;
	const char	*colon;
	size_t		 len;
	long		 port;

	if ((colon = strrchr(s, ':')) == NULL || colon[1] == '\0')
		return 0;
	port = strtol(colon + 1, &end, 10);
	if (*end != '\0' || port < 1 || port > 65535 ||
	    strspn(colon + 1, "0123456789") != strlen(colon + 1))
		return 0;
	len = colon - s;
	if (len >= sizeof(host))
		return 0;
	if (len >= 2 && s[0] == '[' && s[len - 1] == ']') {
		memcpy(host, s + 1, len - 2);
		host[len - 2] = '\0';
		return strchr(host, ':') != NULL && egress_ip_ok(host);
	}
	memcpy(host, s, len);
	host[len] = '\0';
	if (strchr(host, ':') != NULL)
		return 0;	/* a bare IPv6 address needs its brackets */
	return egress_host_ok(host);
}

int
egress_host_ok(const char *s)
{
	return egress_ip_ok(s) || dns_name_ok(s, strlen(s));
}

int
egress_key_text_ok(const char *s)
{
	size_t	 len = strlen(s), body;

	body = strspn(s, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
	    "0123456789+/");
	return len >= 1 && len <= EGRESS_KEY_MAX &&
	    strspn(s + body, "=") == len - body && len - body <= 2;
}

int
egress_wg_key_ok(const char *s)
{
	/* 32 bytes leave 4 bits of the 43rd character: it must be one
	 * whose low two bits of value are zero */
	return strlen(s) == EGRESS_WG_KEY_LEN && egress_key_text_ok(s) &&
	    s[43] == '=' && s[42] != '=' &&
	    strchr("AEIMQUYcgkosw048", s[42]) != NULL;
}

int
egress_allow_add(struct egress_allow *allow, const char *range)
{
	if (allow->n >= EGRESS_ALLOW_MAX ||
	    cidr_parse(range, &allow->range[allow->n]) == -1)
		return -1;
	allow->n++;
	return 0;
}


/* ---- where an endpoint may not be -------------------------------------- */

static const char *
refused_v4(const uint8_t a[4], int private)
{
	if (private && (a[0] == 10 || (a[0] == 172 && (a[1] & 0xf0) == 16) ||
	    (a[0] == 192 && a[1] == 168) ||
	    (a[0] == 100 && (a[1] & 0xc0) == 64)))
		return "a private address";
	if (a[0] == 127)
		return "a loopback address";
	if (a[0] == 169 && a[1] == 254 && a[2] == 169 && a[3] == 254)
		return "the metadata address";
	if (a[0] == 169 && a[1] == 254)
		return "a link-local address";
	if (a[0] == 0)
		return "an unspecified address";
	return NULL;
}

static const char *
refused_v6(const uint8_t a[16], int private)
{
	static const uint8_t	 metadata[16] = { 0xfd, 0x00, 0x0e, 0xc2,
	    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x02, 0x54 };
	static const uint8_t	 zero[16];

	if (memcmp(a, zero, 15) == 0 && a[15] == 1)
		return "a loopback address";
	if (memcmp(a, zero, 16) == 0)
		return "an unspecified address";
	if (a[0] == 0xfe && (a[1] & 0xc0) == 0x80)
		return "a link-local address";
	if (memcmp(a, metadata, 16) == 0)
		return "the metadata address";
	if (private && (a[0] & 0xfe) == 0xfc)
		return "a private address";
	return NULL;
}

static int
allowed(const struct egress_allow *allow, const char *text)
{
	uint32_t	 i;

	for (i = 0; allow != NULL && i < allow->n && i < EGRESS_ALLOW_MAX;
	    i++)
		if (cidr_match(&allow->range[i], text))
			return 1;
	return 0;
}

static const char *
addr_refused(const char *addr, const struct egress_allow *allow,
    int private)
{
	static const uint8_t	 mapped[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	    0xff, 0xff };
	uint8_t			 a[16];
	char			 v4[INET_ADDRSTRLEN];
	const char		*why;

	if (inet_pton(AF_INET, addr, a) == 1) {
		if ((why = refused_v4(a, private)) == NULL || allowed(allow, addr))
			return NULL;
		return why;
	}
	if (inet_pton(AF_INET6, addr, a) != 1)
		return NULL;
	if (memcmp(a, mapped, sizeof(mapped)) == 0) {
		if ((why = refused_v4(a + 12, private)) == NULL ||
		    inet_ntop(AF_INET, a + 12, v4, sizeof(v4)) == NULL ||
		    allowed(allow, v4) || allowed(allow, addr))
			return NULL;
		return why;
	}
	if ((why = refused_v6(a, private)) == NULL || allowed(allow, addr))
		return NULL;
	return why;
}

const char *
egress_addr_refused(const char *addr, const struct egress_allow *allow)
{
	return addr_refused(addr, allow, 0);
}

/*
 * For a server a user names (a DNS provider's): private ranges too
 * (RFC 1918, 100.64/10, fc00::/7), where the operator's own and the
 * other tenants' machines are, unless moatd.conf allows them.
 */
const char *
egress_addr_refused_private(const char *addr,
    const struct egress_allow *allow)
{
	return addr_refused(addr, allow, 1);
}

const char *
egress_host_refused(const char *host, const struct egress_allow *allow)
{
	static const char	 lh[] = "localhost";
	size_t			 len = strlen(host), n = sizeof(lh) - 1;
	const char		*why;

	if (egress_ip_ok(host))
		return egress_addr_refused(host, allow);
	if (len > 0 && host[len - 1] == '.')
		len--;
	if (len < n || strncasecmp(host + len - n, lh, n) != 0 ||
	    (len > n && host[len - n - 1] != '.'))
		return NULL;
	/* it names 127.0.0.1 and ::1: allowed if both are */
	if ((why = egress_addr_refused("127.0.0.1", allow)) != NULL ||
	    (why = egress_addr_refused("::1", allow)) != NULL)
		return why;
	return NULL;
}

int
egress_endpoint_host(const char *endpoint, char *host, size_t len,
    const char **port)
{
	const char	*colon;
	size_t		 n;

	if ((colon = strrchr(endpoint, ':')) == NULL)
		return -1;
	n = colon - endpoint;
	if (n >= 2 && endpoint[0] == '[' && endpoint[n - 1] == ']') {
		endpoint++;
		n -= 2;
	}
	if (n == 0 || n >= len)
		return -1;
	memcpy(host, endpoint, n);
	host[n] = '\0';
	if (port != NULL)
		*port = colon + 1;
	return 0;
}

const char *
egress_endpoint_refused(const char *endpoint,
    const struct egress_allow *allow)
{
	char	 host[EGRESS_ENDPOINT_MAX + 1];

	if (egress_endpoint_host(endpoint, host, sizeof(host), NULL) == -1)
		return NULL;	/* not an endpoint: egress_endpoint_ok says */
	return egress_host_refused(host, allow);
}
