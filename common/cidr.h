/* Address ranges ("10.0.0.0/8", "::1/128", or a bare address). */
#ifndef MOAT_CIDR_H
#define MOAT_CIDR_H

#include <stddef.h>
#include <stdint.h>

#include "fields.h"

struct cidr {
	int		 family;	/* AF_INET or AF_INET6 */
	uint8_t		 addr[16];
	int		 bits;
};

int	 cidr_parse(const char *, struct cidr *);
/* Does the text address fall in the range? */
int	 cidr_match(const struct cidr *, const char *addr);
/* A command-API client's allowed ranges: bytes with the NUL, entries. */
#define CIDR_LIST_MAX		(FIELD_CIDR_LIST_MAX + 1)
#define CIDR_LIST_ENTRIES	16

/* A space-separated list of ranges; -1 if any is malformed. */
int	 cidr_list_match(const char *list, const char *addr);
int	 cidr_list_valid(const char *list);

#endif
