/*
 * The client's address: the TCP peer's, or behind a proxy the
 * configuration trusts, the one that proxy names in X-Forwarded-For.
 */
#include <sys/types.h>
#include <sys/socket.h>

#include <netinet/in.h>
#include <arpa/inet.h>

#include <string.h>

#include "api.h"
#include "frontd.h"

static int
trusted_addr(int family, const void *addr)
{
	struct frontd	*f = frontd_env;
	uint32_t	 i;

	for (i = 0; i < f->nproxies; i++) {
		const struct sockaddr_storage *p = &f->proxies[i];

		if (p->ss_family != family)
			continue;
		if (family == AF_INET && memcmp(
		    &((const struct sockaddr_in *)p)->sin_addr, addr, 4) == 0)
			return 1;
		if (family == AF_INET6 && memcmp(
		    &((const struct sockaddr_in6 *)p)->sin6_addr, addr,
		    16) == 0)
			return 1;
	}
	return 0;
}

static int
trusted_proxy(const struct sockaddr_storage *ss)
{
	if (ss->ss_family == AF_INET)
		return trusted_addr(AF_INET,
		    &((const struct sockaddr_in *)ss)->sin_addr);
	if (ss->ss_family == AF_INET6)
		return trusted_addr(AF_INET6,
		    &((const struct sockaddr_in6 *)ss)->sin6_addr);
	return 0;
}

/*
 * One element of X-Forwarded-For, an address alone (no port, no
 * brackets), in canonical text in out; its family, or -1.
 */
static int
forwarded_addr(const char *s, size_t len, uint8_t addr[16], char *out,
    size_t outlen)
{
	char	 text[INET6_ADDRSTRLEN];
	int	 family;

	while (len > 0 && (*s == ' ' || *s == '\t')) {
		s++;
		len--;
	}
	while (len > 0 && (s[len - 1] == ' ' || s[len - 1] == '\t'))
		len--;
	if (len == 0 || len >= sizeof(text))
		return -1;
	memcpy(text, s, len);
	text[len] = '\0';
	if (inet_pton(AF_INET, text, addr) == 1)
		family = AF_INET;
	else if (inet_pton(AF_INET6, text, addr) == 1)
		family = AF_INET6;
	else
		return -1;
	if (inet_ntop(family, addr, out, outlen) == NULL)
		return -1;
	return family;
}

/*
 * The client's address, once per request.  From a proxy the
 * configuration trusts, X-Forwarded-For names it; its lines are one
 * list in order (RFC 9110, 5.3), and each element was written by the
 * hop after it: the last element of the last line by the proxy we talk
 * to.  So the list is read from its end, back over every further
 * trusted proxy, and the first element that is not one is the client.
 * A proxy that appends (HAProxy's option forwardfor, nginx's
 * $proxy_add_x_forwarded_for) leaves what the client sent in front,
 * where it is never read.  An element a trusted proxy wrote that is no
 * address fails the request (-1) rather than let an earlier one, which
 * the client may have written, stand in for it.
 */
int
api_peer_resolve(struct api_req *r)
{
	const struct http_header	*h = NULL;
	const char			*end, *comma;
	uint8_t				 addr[16];
	int				 family;

	strlcpy(r->peer, r->c->peer, sizeof(r->peer));
	if (!trusted_proxy(&r->c->peer_addr))
		return 0;
	r->peer_unnamed = 1;
	while ((h = http_header_prev(r->c->req, "X-Forwarded-For", h)) !=
	    NULL) {
		end = h->value + h->valuelen;
		for (;;) {
			comma = end;
			while (comma > h->value && comma[-1] != ',')
				comma--;
			if ((family = forwarded_addr(comma, end - comma, addr,
			    r->peer, sizeof(r->peer))) == -1)
				return -1;
			r->peer_unnamed = 0;
			if (!trusted_addr(family, addr))
				return 0;
			if (comma == h->value)
				break;
			end = comma - 1;
		}
	}
	/* every element a trusted proxy: the first of them is the client.
	 * With no header at all, the proxy named nobody: the client is
	 * unknown, and none of ours to trust (a proxy on this machine that
	 * names nobody must not make everyone local) */
	return 0;
}

const char *
api_peer(struct api_req *r)
{
	return r->peer;
}
