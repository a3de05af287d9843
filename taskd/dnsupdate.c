/*
 * RFC 2136 updates signed with TSIG, and the check that the record is
 * visible (dnsupdate.h).  Every answer is parsed strictly, must answer
 * our id with QR and our opcode, and must carry a TSIG that verifies
 * before its rcode is believed to say "done".
 */
#include <sys/types.h>
#include <sys/socket.h>

#include <netinet/in.h>
#include <arpa/inet.h>

#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "body_dns.h"
#include "dnsprov.h"
#include "dnsupdate.h"

#define WAIT_STEP_MS	500

static int
fail(char *err, size_t errlen, const char *why)
{
	strlcpy(err, why, errlen);
	return (-1);
}

static int
server_addr(struct dnsu *u, const char *addr, int port)
{
	struct sockaddr_in	*sin = (struct sockaddr_in *)&u->ss;
	struct sockaddr_in6	*sin6 = (struct sockaddr_in6 *)&u->ss;
	char			 buf[INET6_ADDRSTRLEN + 2];
	size_t			 n = strlen(addr);

	if (port < 1 || port > 65535)
		return (-1);
	if (inet_pton(AF_INET, addr, &sin->sin_addr) == 1) {
		sin->sin_family = AF_INET;
		sin->sin_port = htons(port);
		u->sslen = sizeof(*sin);
		return (0);
	}
	/* "[::1]" as well as "::1" */
	if (n > 2 && n < sizeof(buf) && addr[0] == '[' && addr[n - 1] == ']') {
		memcpy(buf, addr + 1, n - 2);
		buf[n - 2] = '\0';
		addr = buf;
	}
	if (inet_pton(AF_INET6, addr, &sin6->sin6_addr) == 1) {
		sin6->sin6_family = AF_INET6;
		sin6->sin6_port = htons(port);
		u->sslen = sizeof(*sin6);
		return (0);
	}
	return (-1);
}

int
dnsu_init(struct dnsu *u, const char *server, int port, const char *zone,
    const char *keyname, const char *alg, const char *secret, char *err,
    size_t errlen)
{
	const char	*why;

	memset(u, 0, sizeof(*u));
	u->timeout_ms = DNSU_TIMEOUT_MS;
	u->tries = DNSU_TRIES;
	if (server_addr(u, server, port) == -1)
		return (fail(err, errlen, "server must be an IPv4 or IPv6 "
		    "address and port 1-65535"));
	if (dns_name_check(zone, u->zone, sizeof(u->zone), &why) == -1) {
		snprintf(err, errlen, "bad zone: %s", why);
		return (-1);
	}
	if (dns_key_init(&u->key, keyname, alg, secret, &why) == -1)
		return (fail(err, errlen, why));
	return (0);
}

void
dnsu_clear(struct dnsu *u)
{
	explicit_bzero(u, sizeof(*u));
}

int
dnsu_init_provider(struct dnsu *u, const struct dnsprov_rec *p,
    const char *secret, char *err, size_t errlen)
{
	if (strcmp(p->type, "rfc2136") != 0) {
		memset(u, 0, sizeof(*u));
		snprintf(err, errlen, "a %s provider cannot be updated from "
		    "here", p->type);
		return (-1);
	}
	return (dnsu_init(u, p->server, p->port, p->zone, p->key_name,
	    p->algorithm, secret, err, errlen));
}

int
dnsu_challenge_name(const char *ident, char *out, size_t outsz)
{
	char		 name[DNS_NAME_MAX + 2];
	const char	*why;

	if (strncmp(ident, "*.", 2) == 0)
		ident += 2;
	if ((size_t)snprintf(name, sizeof(name), "_acme-challenge.%s",
	    ident) >= sizeof(name))
		return (-1);
	return (dnsname_check(name, out, outsz, &why));
}

/* What the server's answer means, in words an operator can act on. */
static void
rcode_error(int rcode, int tsigerr, char *err, size_t errlen)
{
	const char	*what;

	switch (tsigerr ? tsigerr : rcode) {
	case 16:
		what = "the server refused our TSIG signature (wrong secret "
		    "or algorithm?)";
		break;
	case 17:
		what = "the server does not know this TSIG key name and "
		    "algorithm";
		break;
	case 18:
		what = "the clocks of moat and the DNS server differ by more "
		    "than the TSIG fudge";
		break;
	case 1:
		what = "the server could not parse the update";
		break;
	case 2:
		what = "the server failed to apply the update";
		break;
	case 4:
		what = "the server does not implement dynamic updates";
		break;
	case 5:
		what = "the server refuses this update (key not allowed to "
		    "update the zone, or the zone is not served there)";
		break;
	case 9:
		what = "the server is not authoritative for the zone";
		break;
	case 10:
		what = "the name is not within the zone";
		break;
	default:
		what = "the update failed";
		break;
	}
	if (tsigerr)
		snprintf(err, errlen, "%s/%s: %s", dns_rcode_text(rcode),
		    dns_rcode_text(tsigerr), what);
	else
		snprintf(err, errlen, "%s: %s", dns_rcode_text(rcode), what);
}

/*
 * Signs q, exchanges it and checks the answer: our id, QR, opcode, a
 * verifying TSIG.  On 0, *rcode is the answer's and r/a hold it.
 */
static int
signed_exchange(struct dnsu *u, struct dns_buf *q, int opcode, uint8_t *a,
    size_t *alen, struct dns_reply *r, char *err, size_t errlen)
{
	uint8_t		 reqmac[DNS_MAC_MAX];
	size_t		 reqmaclen;
	const char	*why;
	enum dns_tsig_result tr;

	if (q->err || dns_tsig_sign(q, &u->key, time(NULL), reqmac,
	    &reqmaclen) == -1)
		return (fail(err, errlen, "cannot build the DNS message"));
	if (dnsu_exchange(u, q->b, q->len, a, alen, err, errlen) == -1)
		return (-1);
	if (dns_parse(a, *alen, r, &why) == -1) {
		snprintf(err, errlen, "bad answer from the DNS server: %s",
		    why);
		return (-1);
	}
	if (r->opcode != opcode)
		return (fail(err, errlen, "the DNS server answered with "
		    "another opcode"));
	tr = dns_tsig_verify(a, *alen, r, &u->key, reqmac, reqmaclen,
	    time(NULL), &why);
	explicit_bzero(reqmac, sizeof(reqmac));
	switch (tr) {
	case DNS_TSIG_OK:
		return (0);
	case DNS_TSIG_SERVER_ERROR:
		rcode_error(r->rcode, r->tsig.error, err, errlen);
		return (-1);
	case DNS_TSIG_UNSIGNED:
		/* an error may come unsigned (a key the server lacks);
		 * success never counts unless signed */
		if (r->rcode != DNS_R_NOERROR) {
			rcode_error(r->rcode, 0, err, errlen);
			return (-1);
		}
		/* FALLTHROUGH */
	default:
		snprintf(err, errlen, "untrusted answer: %s", why);
		return (-1);
	}
}

static int
update(struct dnsu *u, enum dns_upd_op op, const char *name,
    const char *txt, uint32_t ttl, char *err, size_t errlen)
{
	char		 n[DNS_NAME_MAX + 1];
	const char	*why;
	struct dns_buf	*q;
	uint8_t		*a;
	struct dns_reply *r;
	size_t		 alen;
	int		 rv = -1;

	if (dns_name_check(name, n, sizeof(n), &why) == -1) {
		snprintf(err, errlen, "bad record name: %s", why);
		return (-1);
	}
	if (!dns_name_in_zone(n, u->zone))
		return (fail(err, errlen, "the record name is not within "
		    "the zone"));
	if (txt != NULL && dns_txt_check(txt, &why) == -1)
		return (fail(err, errlen, why));
	q = malloc(sizeof(*q));
	a = malloc(DNS_MSG_MAX);
	r = malloc(sizeof(*r));
	if (q == NULL || a == NULL || r == NULL) {
		fail(err, errlen, "out of memory");
		goto done;
	}
	dns_build_update(q, arc4random() & 0xffff, u->zone, op, n, txt, ttl);
	if (signed_exchange(u, q, DNS_OP_UPDATE, a, &alen, r, err,
	    errlen) == -1)
		goto done;
	if (r->rcode != DNS_R_NOERROR) {
		rcode_error(r->rcode, 0, err, errlen);
		goto done;
	}
	rv = 0;
 done:
	free(q);
	free(a);
	free(r);
	return (rv);
}

int
dnsu_add_txt(struct dnsu *u, const char *name, const char *txt,
    uint32_t ttl, char *err, size_t errlen)
{
	if (txt == NULL)
		return (fail(err, errlen, "no TXT value"));
	if (ttl > 86400)
		return (fail(err, errlen, "TTL above one day"));
	return (update(u, DNS_UPD_ADD, name, txt, ttl, err, errlen));
}

int
dnsu_del_txt(struct dnsu *u, const char *name, const char *txt,
    char *err, size_t errlen)
{
	return (update(u, txt ? DNS_UPD_DEL_RR : DNS_UPD_DEL_RRSET, name,
	    txt, 0, err, errlen));
}

/* One signed TXT query: 1 if there, 0 if not, -1 on error. */
static int
txt_visible(struct dnsu *u, const char *n, const char *txt, struct dns_buf *q,
    uint8_t *a, struct dns_reply *r, char *err, size_t errlen)
{
	size_t	 alen;
	int	 has;

	dns_build_query(q, arc4random() & 0xffff, n, DNS_T_TXT);
	if (signed_exchange(u, q, DNS_OP_QUERY, a, &alen, r, err,
	    errlen) == -1)
		return (-1);
	if (r->rcode == DNS_R_NXDOMAIN)
		return (0);
	if (r->rcode != DNS_R_NOERROR) {
		rcode_error(r->rcode, 0, err, errlen);
		return (-1);
	}
	if ((has = dns_reply_has_txt(a, alen, r, n, txt)) == -1)
		return (fail(err, errlen, "malformed TXT in the answer"));
	return (has);
}

int
dnsu_wait_txt(struct dnsu *u, const char *name, const char *txt,
    int present, int wait_ms, char *err, size_t errlen)
{
	char		 n[DNS_NAME_MAX + 1];
	const char	*why;
	struct dns_buf	*q = NULL;
	struct dns_reply *r = NULL;
	uint8_t		*a = NULL;
	time_t		 end = time(NULL) + (wait_ms + 999) / 1000;
	int		 has, rv = -1;

	if (dns_name_check(name, n, sizeof(n), &why) == -1 ||
	    dns_txt_check(txt, &why) == -1) {
		snprintf(err, errlen, "bad record: %s", why);
		return (-1);
	}
	q = malloc(sizeof(*q));
	a = malloc(DNS_MSG_MAX);
	r = malloc(sizeof(*r));
	if (q == NULL || a == NULL || r == NULL) {
		fail(err, errlen, "out of memory");
		goto done;
	}
	for (;;) {
		if ((has = txt_visible(u, n, txt, q, a, r, err, errlen)) ==
		    -1)
			goto done;
		if (has == present) {
			rv = 0;
			break;
		}
		if (time(NULL) >= end) {
			snprintf(err, errlen, "the TXT record is %s at the "
			    "server after %d ms", present ?
			    "still not visible" : "still there", wait_ms);
			break;
		}
		/* poll, not a sleep: the worker's filter allows poll */
		(void)poll(NULL, 0, WAIT_STEP_MS);
	}
 done:
	free(q);
	free(a);
	free(r);
	return (rv);
}
