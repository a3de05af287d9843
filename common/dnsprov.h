/*
 * DNS names and the DNS providers of ACME dns-01 as users give them: one
 * check, made by every process that takes one (frontd for the shape,
 * authd before it seals the secret, stored before it keeps the row,
 * taskd's update client before it sends).  Knows nothing of IPC.
 */
#ifndef MOAT_DNSPROV_H
#define MOAT_DNSPROV_H

#include <stddef.h>
#include <stdint.h>

#define DNSNAME_MAX		253	/* text, without the final dot */
#define DNSPROV_NAME_MAX	64	/* a provider's label */
#define DNSPROV_TYPE_MAX	15
#define DNSPROV_SERVER_MAX	47	/* an IPv6 literal in brackets */
#define DNSPROV_ALG_MAX		15
#define DNSPROV_ZONEID_MAX	32
#define DNSPROV_SECRET_MAX	200	/* TSIG secret (base64), token */
#define DNSPROV_TSIG_BYTES	128	/* a TSIG secret decoded */
#define DNSPROV_PER_USER_MAX	50

/*
 * A name: labels of 1-63 letters, digits, '-' or '_' (no '-' first or
 * last), at most 253 characters, one final dot allowed.  Writes it
 * lowercased without the final dot; -1 with why.
 */
int	 dnsname_check(const char *, char *, size_t, const char **);

/* The TSIG algorithms, by tsig-keygen's names; NULL ends. */
extern const char *const dnsprov_algs[];

/* What a provider is made of, as text (port a number). */
struct dnsprov_fields {
	const char	*type;		/* "rfc2136" or "cloudflare" */
	const char	*name;
	const char	*server;
	uint32_t	 port;
	const char	*zone;
	const char	*key_name;
	const char	*algorithm;
	const char	*zone_id;
};

/* NULL if the fields make a provider of their type, else why not. */
const char *dnsprov_check(const struct dnsprov_fields *);
/* NULL if secret is one for a provider of type, else why not. */
const char *dnsprov_secret_check(const char *type, const char *secret);
/* The known types and the fields each takes, for the catalog; NULL ends. */
struct dnsprov_type {
	const char		*type;
	const char		*title;
	const char *const	*required;
	const char *const	*optional;
	const char		*secret;	/* the field that is sealed */
};
extern const struct dnsprov_type dnsprov_types[];

#endif
