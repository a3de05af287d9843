/*
 * FINDX's sort orders: ascii (bytes), old_numeric (as numbers, text
 * after), locale (letters without regard to case, then bytes), ip
 * (addresses as addresses, so that 10.0.0.9 comes before 10.0.0.10:
 * IPv4 first, then IPv6, what is no address last), hostname (by labels
 * from the right, as names sort: every name of example.com together,
 * the domain before its hosts).
 */
#include <arpa/inet.h>

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "cce.h"

enum { SORT_ASCII, SORT_NUMERIC, SORT_LOCALE, SORT_IP, SORT_HOSTNAME };

static const char *const kinds[] = {
	"ascii", "old_numeric", "locale", "ip", "hostname"
};

int
cce_sort_kind(const char *name)
{
	size_t	 i;

	if (name[0] == '\0')
		return SORT_ASCII;
	for (i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++)
		if (strcmp(kinds[i], name) == 0)
			return (int)i;
	return -1;
}

static int
number(const char *s, double *d)
{
	char	*end;

	if (*s == '\0')
		return 0;
	*d = strtod(s, &end);
	return *end == '\0';
}

static int
numeric(const char *a, const char *b)
{
	double	 x, y;
	int	 na = number(a, &x), nb = number(b, &y);

	if (na && nb && x != y)
		return x < y ? -1 : 1;
	if (na != nb)
		return na ? -1 : 1;	/* numbers first */
	return strcmp(a, b);
}

static int
address(const char *s, unsigned char out[16])
{
	unsigned char	 v4[4];

	if (inet_pton(AF_INET, s, v4) == 1) {
		memset(out, 0, 10);
		out[10] = out[11] = 0xff;
		memcpy(out + 12, v4, 4);
		return 1;
	}
	return inet_pton(AF_INET6, s, out) == 1;
}

static int
ip(const char *a, const char *b)
{
	unsigned char	 x[16], y[16];
	int		 na = address(a, x), nb = address(b, y), d;
	int		 fa = strchr(a, ':') != NULL, fb = strchr(b, ':') != NULL;

	if (na && nb && fa != fb)
		return fa ? 1 : -1;	/* IPv4 first */
	if (na && nb && (d = memcmp(x, y, 16)) != 0)
		return d;
	if (na != nb)
		return na ? -1 : 1;
	return strcmp(a, b);
}

/* The label of s that ends at end (exclusive): its start. */
static const char *
label_before(const char *s, const char *end)
{
	while (end > s && end[-1] != '.')
		end--;
	return end;
}

static int
hostname(const char *a, const char *b)
{
	const char	*ea = a + strlen(a), *eb = b + strlen(b);
	const char	*la, *lb;
	size_t		 n, m;
	int		 d;

	/* a trailing dot names the same host */
	if (ea > a && ea[-1] == '.')
		ea--;
	if (eb > b && eb[-1] == '.')
		eb--;
	while (ea > a && eb > b) {
		la = label_before(a, ea);
		lb = label_before(b, eb);
		n = (size_t)(ea - la);
		m = (size_t)(eb - lb);
		if ((d = strncasecmp(la, lb, n < m ? n : m)) != 0)
			return d;
		if (n != m)
			return n < m ? -1 : 1;
		ea = la > a ? la - 1 : a;
		eb = lb > b ? lb - 1 : b;
		if (la == a || lb == b) {
			if (la == a && lb == b)
				break;
			return la == a ? -1 : 1;	/* the domain first */
		}
	}
	return strcmp(a, b);
}

int
cce_sort_cmp(int kind, const char *a, const char *b)
{
	int	 d;

	switch (kind) {
	case SORT_NUMERIC:
		return numeric(a, b);
	case SORT_LOCALE:
		if ((d = strcasecmp(a, b)) != 0)
			return d;
		return strcmp(a, b);
	case SORT_IP:
		return ip(a, b);
	case SORT_HOSTNAME:
		return hostname(a, b);
	case SORT_ASCII:
	default:
		return strcmp(a, b);
	}
}
