/*
 * libFuzzer target for the DNS answer parser of taskd's update client
 * (taskd/dnswire.c) and the TSIG check behind it (taskd/dnstsig.c):
 * whatever a server or a spoofer sends, parsing ends, reads nothing
 * outside the message, and what it keeps lies inside it.  The first
 * byte picks a "now" so that the time check is reached as well.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "dnstsig.h"

int	 LLVMFuzzerTestOneInput(const uint8_t *, size_t);

#define REQUIRE(cond) do {						\
	if (!(cond))							\
		abort();						\
} while (0)

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct dns_reply	 r;
	static struct dns_key	 k;
	static int		 init;
	static const uint8_t	 reqmac[32] = { 1, 2, 3 };
	const char		*why = NULL;
	size_t			 i, off;
	char			 name[DNS_NAME_MAX + 2];

	if (!init) {
		REQUIRE(dns_key_init(&k, "key", "hmac-sha256",
		    "c2VjcmV0LXNlY3JldC1zZWNyZXQtc2VjcmV0LTAxMjM=",
		    &why) == 0);
		init = 1;
	}
	off = 0;
	if (dns_read_name(data, size, &off, name, sizeof(name)) == 0) {
		REQUIRE(off <= size);
		REQUIRE(strlen(name) <= DNS_NAME_MAX);
	}
	if (dns_parse(data, size, &r, &why) == -1) {
		REQUIRE(why != NULL);
		return (0);
	}
	REQUIRE(r.nan <= DNS_RR_MAX && r.nan <= r.ancount);
	for (i = 0; i < r.nan; i++) {
		REQUIRE(r.an[i].rd_off + r.an[i].rd_len <= size);
		REQUIRE(strlen(r.an[i].name) <= DNS_NAME_MAX);
	}
	(void)dns_reply_has_txt(data, size, &r, "_acme-challenge.a.test",
	    "token");
	if (r.has_tsig) {
		REQUIRE(r.tsig.mac_off + r.tsig.mac_len <= size);
		REQUIRE(r.tsig.other_off + r.tsig.other_len <= size);
		(void)dns_tsig_verify(data, size, &r, &k, reqmac,
		    sizeof(reqmac), (time_t)r.tsig.time_signed +
		    (size > 0 ? data[0] : 0), &why);
	}
	return (0);
}
