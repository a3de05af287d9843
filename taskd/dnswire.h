/*
 * DNS messages on the wire, as the update client needs them (RFC 1035,
 * RFC 2136, RFC 8945): names checked and encoded, an UPDATE and a query
 * built, and an answer parsed with every length and pointer bounded.
 * No I/O here, so that the parser can be fuzzed and unit tested alone.
 */
#ifndef MOAT_DNSWIRE_H
#define MOAT_DNSWIRE_H

#include <stddef.h>
#include <stdint.h>

#define DNS_NAME_MAX	253	/* text, without the final dot */
#define DNS_WIRE_NAME	255	/* encoded, with the root label */
#define DNS_LABEL_MAX	63
#define DNS_TXT_MAX	255	/* one character-string */
#define DNS_MSG_MAX	65535
#define DNS_HDR		12
#define DNS_RR_MAX	64	/* records we look at in one answer */
#define DNS_MAC_MAX	64	/* SHA-512 */

#define DNS_T_SOA	6
#define DNS_T_TXT	16
#define DNS_T_TSIG	250
#define DNS_C_IN	1
#define DNS_C_NONE	254
#define DNS_C_ANY	255

#define DNS_OP_QUERY	0
#define DNS_OP_UPDATE	5

#define DNS_R_NOERROR	0
#define DNS_R_NXDOMAIN	3
#define DNS_R_NOTAUTH	9

/* A growing message, bounded by DNS_MSG_MAX. */
struct dns_buf {
	uint8_t		 b[DNS_MSG_MAX];
	size_t		 len;
	int		 err;	/* set once something did not fit */
};

void	 dns_put8(struct dns_buf *, uint8_t);
void	 dns_put16(struct dns_buf *, uint16_t);
void	 dns_put32(struct dns_buf *, uint32_t);
void	 dns_putbytes(struct dns_buf *, const void *, size_t);

/* A name as users give it (common/dnsprov.c's dnsname_check()). */
int	 dns_name_check(const char *, char *, size_t, const char **);
/* 1 if name is zone or under it (both checked, lowercased). */
int	 dns_name_in_zone(const char *, const char *);
/* The canonical wire form (lowercase, uncompressed) of a checked name. */
int	 dns_name_wire(const char *, uint8_t *, size_t *);
void	 dns_put_name(struct dns_buf *, const char *);

/* A TXT value we agree to publish: printable ASCII, 1-255 bytes. */
int	 dns_txt_check(const char *, const char **);

enum dns_upd_op { DNS_UPD_ADD, DNS_UPD_DEL_RR, DNS_UPD_DEL_RRSET };

/* The header and sections of an UPDATE, before its TSIG. */
void	 dns_build_update(struct dns_buf *, uint16_t, const char *,
	    enum dns_upd_op, const char *, const char *, uint32_t);
void	 dns_build_query(struct dns_buf *, uint16_t, const char *,
	    uint16_t);

struct dns_rr {
	char		 name[DNS_NAME_MAX + 2];
	uint16_t	 type, class;
	uint32_t	 ttl;
	size_t		 rr_off;	/* where the record begins */
	size_t		 rd_off, rd_len;
};

struct dns_tsig {
	char		 alg[DNS_NAME_MAX + 2];
	uint64_t	 time_signed;	/* 48 bits */
	uint16_t	 fudge;
	size_t		 mac_off, mac_len;
	uint16_t	 orig_id, error, other_len;
	size_t		 other_off;
};

struct dns_reply {
	uint16_t	 id, flags;
	int		 qr, opcode, rcode, tc;
	uint16_t	 qdcount, ancount, nscount, arcount;
	struct dns_rr	 an[DNS_RR_MAX];
	size_t		 nan;
	int		 has_tsig;	/* last, in additional */
	struct dns_rr	 tsig_rr;
	struct dns_tsig	 tsig;
};

/*
 * Parses a whole message: every section walked, every name bounded
 * (pointers only backwards, at most 255 bytes expanded), nothing left
 * over.  Keeps the answer section's records and a final TSIG.
 * 0, or -1 with why.
 */
int	 dns_parse(const uint8_t *, size_t, struct dns_reply *,
	    const char **);
/* Reads a name at *off (updated past it) into text; -1 if malformed. */
int	 dns_read_name(const uint8_t *, size_t, size_t *, char *, size_t);
/*
 * Whether the answer holds a TXT of name (in class IN) whose strings,
 * joined, equal txt: 1, 0, or -1 if a TXT's rdata is malformed.
 */
int	 dns_reply_has_txt(const uint8_t *, size_t, const struct dns_reply *,
	    const char *, const char *);

const char *dns_rcode_text(int);

#endif
