/*
 * DNS messages on the wire for the update client (dnswire.h).  The
 * parser reads a stranger's bytes: every count, length and pointer is
 * checked against what is left before it is used.
 */
#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "dnsprov.h"
#include "dnswire.h"

void
dns_put8(struct dns_buf *d, uint8_t v)
{
	dns_putbytes(d, &v, 1);
}

void
dns_put16(struct dns_buf *d, uint16_t v)
{
	uint8_t	 b[2] = { v >> 8, v & 0xff };

	dns_putbytes(d, b, sizeof(b));
}

void
dns_put32(struct dns_buf *d, uint32_t v)
{
	uint8_t	 b[4] = { v >> 24, (v >> 16) & 0xff, (v >> 8) & 0xff,
	    v & 0xff };

	dns_putbytes(d, b, sizeof(b));
}

void
dns_putbytes(struct dns_buf *d, const void *p, size_t n)
{
	if (d->err || n > sizeof(d->b) - d->len) {
		d->err = 1;
		return;
	}
	if (n == 0)
		return;
	memcpy(d->b + d->len, p, n);
	d->len += n;
}

int
dns_name_check(const char *in, char *out, size_t outsz, const char **why)
{
	return (dnsname_check(in, out, outsz, why));
}

int
dns_name_in_zone(const char *name, const char *zone)
{
	size_t	 n = strlen(name), z = strlen(zone);

	if (z > n || strcasecmp(name + (n - z), zone) != 0)
		return (0);
	return (n == z || name[n - z - 1] == '.');
}

int
dns_name_wire(const char *name, uint8_t *w, size_t *wlen)
{
	size_t	 o = 0;
	const char *p = name, *dot;

	while (*p != '\0') {
		size_t	 l;

		dot = strchr(p, '.');
		l = dot ? (size_t)(dot - p) : strlen(p);
		if (l == 0 || l > DNS_LABEL_MAX || o + 1 + l + 1 >
		    DNS_WIRE_NAME)
			return (-1);
		w[o++] = l;
		while (l-- > 0)
			w[o++] = tolower((unsigned char)*p++);
		if (*p == '.')
			p++;
	}
	w[o++] = 0;
	*wlen = o;
	return (0);
}

void
dns_put_name(struct dns_buf *d, const char *name)
{
	uint8_t	 w[DNS_WIRE_NAME];
	size_t	 wl;

	if (dns_name_wire(name, w, &wl) == -1) {
		d->err = 1;
		return;
	}
	dns_putbytes(d, w, wl);
}

int
dns_txt_check(const char *txt, const char **why)
{
	size_t	 n = strlen(txt), i;

	if (n == 0 || n > DNS_TXT_MAX) {
		*why = "TXT value must be 1-255 characters";
		return (-1);
	}
	for (i = 0; i < n; i++)
		if (txt[i] < 0x20 || txt[i] > 0x7e) {
			*why = "TXT value must be printable ASCII";
			return (-1);
		}
	return (0);
}

static void
put_header(struct dns_buf *d, uint16_t id, uint16_t flags, uint16_t c1,
    uint16_t c2, uint16_t c3, uint16_t c4)
{
	d->len = 0;
	d->err = 0;
	dns_put16(d, id);
	dns_put16(d, flags);
	dns_put16(d, c1);
	dns_put16(d, c2);
	dns_put16(d, c3);
	dns_put16(d, c4);
}

void
dns_build_update(struct dns_buf *d, uint16_t id, const char *zone,
    enum dns_upd_op op, const char *name, const char *txt, uint32_t ttl)
{
	size_t	 tl = txt ? strlen(txt) : 0;

	/* zone, no prerequisite, one update, no additional yet */
	put_header(d, id, DNS_OP_UPDATE << 11, 1, 0, 1, 0);
	dns_put_name(d, zone);
	dns_put16(d, DNS_T_SOA);
	dns_put16(d, DNS_C_IN);

	dns_put_name(d, name);
	dns_put16(d, DNS_T_TXT);
	switch (op) {
	case DNS_UPD_ADD:		/* RFC 2136 2.5.1 */
		dns_put16(d, DNS_C_IN);
		dns_put32(d, ttl);
		break;
	case DNS_UPD_DEL_RR:		/* 2.5.4: class NONE, TTL 0 */
		dns_put16(d, DNS_C_NONE);
		dns_put32(d, 0);
		break;
	case DNS_UPD_DEL_RRSET:		/* 2.5.2: class ANY, no rdata */
		dns_put16(d, DNS_C_ANY);
		dns_put32(d, 0);
		dns_put16(d, 0);
		return;
	}
	if (tl == 0 || tl > DNS_TXT_MAX) {
		d->err = 1;
		return;
	}
	dns_put16(d, tl + 1);
	dns_put8(d, tl);
	dns_putbytes(d, txt, tl);
}

void
dns_build_query(struct dns_buf *d, uint16_t id, const char *name,
    uint16_t type)
{
	/* no recursion wanted: the authoritative server's own view */
	put_header(d, id, DNS_OP_QUERY << 11, 1, 0, 0, 0);
	dns_put_name(d, name);
	dns_put16(d, type);
	dns_put16(d, DNS_C_IN);
}

static int
get16(const uint8_t *p, size_t len, size_t *off, uint16_t *v)
{
	if (*off > len || len - *off < 2)
		return (-1);
	*v = (p[*off] << 8) | p[*off + 1];
	*off += 2;
	return (0);
}

static int
get32(const uint8_t *p, size_t len, size_t *off, uint32_t *v)
{
	uint16_t hi, lo;

	if (get16(p, len, off, &hi) == -1 || get16(p, len, off, &lo) == -1)
		return (-1);
	*v = ((uint32_t)hi << 16) | lo;
	return (0);
}

/*
 * A pointer must point before the label it is read from, so following
 * pointers always goes backwards and cannot loop; the expanded name is
 * bounded by 255 bytes as RFC 1035 says.
 */
int
dns_read_name(const uint8_t *p, size_t len, size_t *off, char *out,
    size_t outsz)
{
	size_t	 pos = *off, end = 0, wire = 0, o = 0, limit = *off;
	int	 jumped = 0;

	if (outsz < DNS_NAME_MAX + 2)
		return (-1);
	for (;;) {
		uint8_t	 l;

		if (pos >= len)
			return (-1);
		l = p[pos];
		if ((l & 0xc0) == 0xc0) {
			size_t	 to;

			if (pos + 1 >= len)
				return (-1);
			to = ((l & 0x3f) << 8) | p[pos + 1];
			if (to >= limit)
				return (-1);
			if (!jumped)
				end = pos + 2;
			jumped = 1;
			limit = to;
			pos = to;
			continue;
		}
		if ((l & 0xc0) != 0)
			return (-1);	/* the reserved label types */
		pos++;
		wire += l + 1;
		if (wire > DNS_WIRE_NAME)
			return (-1);
		if (l == 0)
			break;
		if (l > len - pos)
			return (-1);
		if (o > 0)
			out[o++] = '.';
		if (o + l > DNS_NAME_MAX)
			return (-1);
		memcpy(out + o, p + pos, l);
		o += l;
		pos += l;
	}
	out[o] = '\0';
	*off = jumped ? end : pos;
	return (0);
}

static int
read_rr(const uint8_t *p, size_t len, size_t *off, struct dns_rr *rr)
{
	uint16_t rdlen;

	rr->rr_off = *off;
	if (dns_read_name(p, len, off, rr->name, sizeof(rr->name)) == -1 ||
	    get16(p, len, off, &rr->type) == -1 ||
	    get16(p, len, off, &rr->class) == -1 ||
	    get32(p, len, off, &rr->ttl) == -1 ||
	    get16(p, len, off, &rdlen) == -1 || rdlen > len - *off)
		return (-1);
	rr->rd_off = *off;
	rr->rd_len = rdlen;
	*off += rdlen;
	return (0);
}

static int
read_tsig(const uint8_t *p, const struct dns_rr *rr, struct dns_tsig *t)
{
	size_t	 end = rr->rd_off + rr->rd_len, off = rr->rd_off;
	uint16_t hi, macl;
	uint32_t lo;

	/* names inside rdata are never compressed (RFC 8945 4.2) */
	if (dns_read_name(p, end, &off, t->alg, sizeof(t->alg)) == -1 ||
	    get16(p, end, &off, &hi) == -1 || get32(p, end, &off, &lo) == -1 ||
	    get16(p, end, &off, &t->fudge) == -1 ||
	    get16(p, end, &off, &macl) == -1 || macl > end - off)
		return (-1);
	t->time_signed = ((uint64_t)hi << 32) | lo;
	t->mac_off = off;
	t->mac_len = macl;
	off += macl;
	if (get16(p, end, &off, &t->orig_id) == -1 ||
	    get16(p, end, &off, &t->error) == -1 ||
	    get16(p, end, &off, &t->other_len) == -1 ||
	    t->other_len != end - off)
		return (-1);
	t->other_off = off;
	return (0);
}

static int
parse_header(const uint8_t *p, size_t len, struct dns_reply *r)
{
	size_t	 off = 0;

	if (len < DNS_HDR)
		return (-1);
	get16(p, len, &off, &r->id);
	get16(p, len, &off, &r->flags);
	get16(p, len, &off, &r->qdcount);
	get16(p, len, &off, &r->ancount);
	get16(p, len, &off, &r->nscount);
	get16(p, len, &off, &r->arcount);
	r->qr = (r->flags >> 15) & 1;
	r->opcode = (r->flags >> 11) & 0xf;
	r->tc = (r->flags >> 9) & 1;
	r->rcode = r->flags & 0xf;
	return (0);
}

int
dns_parse(const uint8_t *p, size_t len, struct dns_reply *r,
    const char **why)
{
	size_t	 off = DNS_HDR, i, total;
	struct dns_rr rr;
	char	 name[DNS_NAME_MAX + 2];
	uint16_t v;

	memset(r, 0, sizeof(*r));
	if (parse_header(p, len, r) == -1) {
		*why = "answer shorter than a DNS header";
		return (-1);
	}
	total = (size_t)r->ancount + r->nscount + r->arcount;
	if (r->qdcount > 1 || total > DNS_RR_MAX) {
		*why = "answer has more records than expected";
		return (-1);
	}
	for (i = 0; i < r->qdcount; i++)
		if (dns_read_name(p, len, &off, name, sizeof(name)) == -1 ||
		    get16(p, len, &off, &v) == -1 ||
		    get16(p, len, &off, &v) == -1) {
			*why = "malformed question in answer";
			return (-1);
		}
	for (i = 0; i < total; i++) {
		if (read_rr(p, len, &off, &rr) == -1) {
			*why = "malformed record in answer";
			return (-1);
		}
		if (i < r->ancount)
			r->an[r->nan++] = rr;
		if (rr.type != DNS_T_TSIG)
			continue;
		/* a TSIG only as the very last record (RFC 8945 5.1) */
		if (i != total - 1 || i < r->ancount + r->nscount ||
		    read_tsig(p, &rr, &r->tsig) == -1) {
			*why = "misplaced or malformed TSIG in answer";
			return (-1);
		}
		r->has_tsig = 1;
		r->tsig_rr = rr;
	}
	if (off != len) {
		*why = "trailing bytes after the answer";
		return (-1);
	}
	return (0);
}

int
dns_reply_has_txt(const uint8_t *p, size_t len, const struct dns_reply *r,
    const char *name, const char *txt)
{
	size_t	 i, tl = strlen(txt);

	for (i = 0; i < r->nan; i++) {
		const struct dns_rr *rr = &r->an[i];
		char	 joined[DNS_MSG_MAX];
		size_t	 o = rr->rd_off, end = o + rr->rd_len, j = 0;

		if (rr->type != DNS_T_TXT || rr->class != DNS_C_IN ||
		    strcasecmp(rr->name, name) != 0)
			continue;
		if (end > len)
			return (-1);
		while (o < end) {
			uint8_t	 l = p[o++];

			if (l > end - o)
				return (-1);
			memcpy(joined + j, p + o, l);
			j += l;
			o += l;
		}
		if (j == tl && memcmp(joined, txt, tl) == 0)
			return (1);
	}
	return (0);
}

const char *
dns_rcode_text(int rcode)
{
	static const char *const names[] = {
		"NOERROR", "FORMERR", "SERVFAIL", "NXDOMAIN", "NOTIMP",
		"REFUSED", "YXDOMAIN", "YXRRSET", "NXRRSET", "NOTAUTH",
		"NOTZONE", NULL, NULL, NULL, NULL, NULL,
		"BADSIG", "BADKEY", "BADTIME", "BADMODE", "BADNAME", "BADALG",
		"BADTRUNC", "BADCOOKIE",
	};

	if (rcode >= 0 && (size_t)rcode < sizeof(names) / sizeof(names[0]) &&
	    names[rcode] != NULL)
		return (names[rcode]);
	return ("unknown rcode");
}
