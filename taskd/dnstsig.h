/*
 * TSIG (RFC 8945): a message signed with a shared key, and an answer's
 * signature checked over the request's MAC and the answer.  The key is
 * held here only as long as one update takes; dns_key_clear() wipes it.
 */
#ifndef MOAT_DNSTSIG_H
#define MOAT_DNSTSIG_H

#include <time.h>

#include "dnswire.h"

#define DNS_SECRET_MAX	128	/* bytes; tsig-keygen makes 32 to 64 */
#define DNS_FUDGE	300

struct dns_key {
	char		 name[DNS_NAME_MAX + 1];
	char		 alg[16];	/* as tsig-keygen names it */
	int		 md;		/* index in dnsprov_algs */
	uint8_t		 secret[DNS_SECRET_MAX];
	size_t		 secretlen;
};

/*
 * Checks the key name and algorithm and decodes the base64 secret.
 * alg NULL or "" means hmac-sha256.  -1 with why; nothing is kept then.
 */
int	 dns_key_init(struct dns_key *, const char *, const char *,
	    const char *, const char **);
void	 dns_key_clear(struct dns_key *);

/* Strict standard base64 (padding required); -1 if malformed. */
int	 dns_b64_decode(const char *, uint8_t *, size_t, size_t *);

/*
 * Signs the message in d (complete but for its TSIG): appends the TSIG
 * record, counts it in ARCOUNT, and gives the MAC for the answer's check.
 */
int	 dns_tsig_sign(struct dns_buf *, const struct dns_key *, time_t,
	    uint8_t *, size_t *);

enum dns_tsig_result {
	DNS_TSIG_OK,
	DNS_TSIG_UNSIGNED,	/* no TSIG in the answer */
	DNS_TSIG_SERVER_ERROR,	/* the server's TSIG names an error */
	DNS_TSIG_BAD,		/* its MAC, key or time is wrong */
};

/*
 * Checks the answer's TSIG: our key and algorithm, a full-length MAC over
 * the request's MAC and the answer (compared in constant time), signed
 * within the fudge of now.  The server's own TSIG error is left in
 * r->tsig.error for the caller to name.
 */
enum dns_tsig_result dns_tsig_verify(const uint8_t *, size_t,
	    const struct dns_reply *, const struct dns_key *,
	    const uint8_t *, size_t, time_t, const char **);

#endif
