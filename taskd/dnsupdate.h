/*
 * The DNS update client of ACME dns-01 (RFC 2136 with TSIG): puts a TXT
 * record into a zone, removes it, and waits until the authoritative
 * server shows it.  Synchronous: it runs in the worker taskd forks for a
 * job.  The server is an address literal, never a name to look up.
 */
#ifndef MOAT_DNSUPDATE_H
#define MOAT_DNSUPDATE_H

#include <sys/socket.h>

#include "dnstsig.h"

#define DNSU_ERR_MAX	256
#define DNSU_TIMEOUT_MS	2000	/* per try */
#define DNSU_TRIES	3
#define DNSU_TTL	60

struct dnsu {
	struct sockaddr_storage	 ss;
	socklen_t		 sslen;
	char			 zone[DNS_NAME_MAX + 1];
	struct dns_key		 key;
	int			 timeout_ms;	/* of one try */
	int			 tries;
	int			 force_tcp;
	int			 used_tcp;	/* the last exchange's */
};

/*
 * Checks everything (address literal, port 1-65535, zone, key name,
 * algorithm, base64 secret) before any packet is sent.  The caller
 * clears its copy of the secret; dnsu_clear() clears ours.
 */
int	 dnsu_init(struct dnsu *, const char *, int, const char *,
	    const char *, const char *, const char *, char *, size_t);
void	 dnsu_clear(struct dnsu *);
/* The same from a stored rfc2136 provider and its opened secret. */
struct dnsprov_rec;
int	 dnsu_init_provider(struct dnsu *, const struct dnsprov_rec *,
	    const char *, char *, size_t);
/*
 * The name whose TXT answers dns-01 for an identifier (RFC 8555 8.4):
 * "_acme-challenge." before it, a wildcard's "*." taken off.  -1 if the
 * result is not a name.
 */
int	 dnsu_challenge_name(const char *, char *, size_t);

/* Adds the TXT (ttl in seconds) at name, which must be in the zone. */
int	 dnsu_add_txt(struct dnsu *, const char *, const char *, uint32_t,
	    char *, size_t);
/* Deletes that TXT record, or with txt NULL every TXT at name. */
int	 dnsu_del_txt(struct dnsu *, const char *, const char *, char *,
	    size_t);
/*
 * Asks the same server until the TXT is there (present 1) or gone
 * (present 0), for at most wait_ms: 0 when it is so, -1 otherwise.
 */
int	 dnsu_wait_txt(struct dnsu *, const char *, const char *, int, int,
	    char *, size_t);

/* One exchange: UDP with retries, TCP if truncated or large (dnsnet.c). */
int	 dnsu_exchange(struct dnsu *, const uint8_t *, size_t,
	    uint8_t *, size_t *, char *, size_t);

#endif
