#include <sys/types.h>
#include <sys/socket.h>

#include <netinet/in.h>
#include <arpa/inet.h>

#include <stdlib.h>
#include <string.h>

#include "cidr.h"

int
cidr_parse(const char *text, struct cidr *c)
{
	char		 buf[64], *slash, *end;
	long		 bits;
	int		 max;

	if (strlcpy(buf, text, sizeof(buf)) >= sizeof(buf))
		return -1;
	memset(c, 0, sizeof(*c));
	if ((slash = strchr(buf, '/')) != NULL)
		*slash++ = '\0';
	if (inet_pton(AF_INET, buf, c->addr) == 1) {
		c->family = AF_INET;
		max = 32;
	} else if (inet_pton(AF_INET6, buf, c->addr) == 1) {
		c->family = AF_INET6;
		max = 128;
	} else
		return -1;
	c->bits = max;
	if (slash != NULL) {
		if (*slash < '0' || *slash > '9')
			return -1;
		bits = strtol(slash, &end, 10);
		if (*end != '\0' || bits < 0 || bits > max ||
		    (slash[0] == '0' && slash[1] != '\0'))
			return -1;
		c->bits = bits;
	}
	return 0;
}

int
cidr_match(const struct cidr *c, const char *text)
{
	uint8_t	 a[16];
	int	 full, rest;

	memset(a, 0, sizeof(a));
	if (inet_pton(c->family, text, a) != 1)
		return 0;
	full = c->bits / 8;
	rest = c->bits % 8;
	if (memcmp(a, c->addr, full) != 0)
		return 0;
	if (rest == 0)
		return 1;
	return ((a[full] ^ c->addr[full]) & (0xff << (8 - rest))) == 0;
}

static int
each(const char *list, const char *addr, int *matched)
{
	char		 buf[CIDR_LIST_MAX], *p, *tok;
	struct cidr	 c;
	int		 n = 0;

	if (strlcpy(buf, list, sizeof(buf)) >= sizeof(buf))
		return -1;
	*matched = 0;
	for (p = buf; (tok = strsep(&p, " ")) != NULL;) {
		if (*tok == '\0')
			continue;
		if (++n > CIDR_LIST_ENTRIES || cidr_parse(tok, &c) == -1)
			return -1;
		if (addr != NULL && cidr_match(&c, addr))
			*matched = 1;
	}
	return 0;
}

int
cidr_list_match(const char *list, const char *addr)
{
	int	 matched;

	return each(list, addr, &matched) == 0 && matched;
}

int
cidr_list_valid(const char *list)
{
	int	 matched;

	return each(list, NULL, &matched) == 0 && strspn(list, " ") !=
	    strlen(list);
}
