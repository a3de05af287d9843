#include <sys/types.h>
#include <sys/random.h>

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "log.h"
#include "util.h"

void
random_bytes(void *buf, size_t len)
{
	unsigned char	*p = buf;
	ssize_t		 n;

	while (len > 0) {
		n = getrandom(p, len, 0);
		if (n == -1) {
			if (errno == EINTR)
				continue;
			fatal("getrandom");
		}
		p += n;
		len -= n;
	}
}

void
random_string(char *dst, size_t len, const char *alphabet)
{
	size_t		 n = strlen(alphabet), i, limit;
	unsigned char	 b;

	if (n == 0 || n > 256)
		fatalx("%s: bad alphabet", __func__);
	/* Reject bytes past the largest multiple of n: no modulo bias. */
	limit = 256 - (256 % n);
	for (i = 0; i < len; ) {
		random_bytes(&b, 1);
		if (b >= limit)
			continue;
		dst[i++] = alphabet[b % n];
	}
	dst[len] = '\0';
}

ssize_t
read_all_fd(int fd, void *buf, size_t cap)
{
	size_t	 off = 0;
	ssize_t	 n;

	for (;;) {
		if (off == cap) {
			/* one more byte tells whether there is more */
			char	 extra;

			n = read(fd, &extra, 1);
			if (n == -1 && errno == EINTR)
				continue;
			return n == 0 ? (ssize_t)off : -1;
		}
		n = read(fd, (char *)buf + off, cap - off);
		if (n == -1) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		if (n == 0)
			return off;
		off += n;
	}
}

uint64_t
monotonic_ms(void)
{
	struct timespec	 ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

const char *
format_duration(uint64_t s, char *dst, size_t dstlen)
{
	uint64_t	 days = s / 86400;

	if (days > 0)
		snprintf(dst, dstlen, "%llud %02llu:%02llu:%02llu",
		    (unsigned long long)days,
		    (unsigned long long)(s % 86400) / 3600,
		    (unsigned long long)(s % 3600) / 60,
		    (unsigned long long)s % 60);
	else
		snprintf(dst, dstlen, "%02llu:%02llu:%02llu",
		    (unsigned long long)s / 3600,
		    (unsigned long long)(s % 3600) / 60,
		    (unsigned long long)s % 60);
	return dst;
}

void
uuid_v4(char dst[37])
{
	static const char hex[] = "0123456789abcdef";
	unsigned char	 b[16];
	int		 i, o = 0;

	random_bytes(b, sizeof(b));
	b[6] = (b[6] & 0x0f) | 0x40;	/* version 4 */
	b[8] = (b[8] & 0x3f) | 0x80;	/* RFC 4122 variant */
	for (i = 0; i < 16; i++) {
		if (i == 4 || i == 6 || i == 8 || i == 10)
			dst[o++] = '-';
		dst[o++] = hex[b[i] >> 4];
		dst[o++] = hex[b[i] & 0xf];
	}
	dst[o] = '\0';
}

int
uuid_shaped(const char *s)
{
	size_t	 i;

	if (strlen(s) != 36)
		return 0;
	for (i = 0; i < 36; i++)
		if ((i == 8 || i == 13 || i == 18 || i == 23) ? s[i] != '-' :
		    !isxdigit((unsigned char)s[i]))
			return 0;
	return 1;
}

int
text_is_line(const char *s)
{
	for (; *s != '\0'; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			return 0;
	return 1;
}

size_t
utf8_clip(const char *s, size_t max)
{
	size_t	 n = strnlen(s, max + 1);

	if (n <= max)
		return n;
	n = max;
	/* back over continuation bytes to the start of the cut character */
	while (n > 0 && ((unsigned char)s[n] & 0xc0) == 0x80)
		n--;
	return n;
}

/* The length of the valid UTF-8 character at p, or 0 (RFC 3629). */
static size_t
utf8_char(const unsigned char *p)
{
	uint32_t	 cp;
	size_t		 n, i;

	if (p[0] < 0x80)
		return 1;
	if (p[0] >= 0xc2 && p[0] <= 0xdf)
		n = 2;
	else if (p[0] >= 0xe0 && p[0] <= 0xef)
		n = 3;
	else if (p[0] >= 0xf0 && p[0] <= 0xf4)
		n = 4;
	else
		return 0;
	cp = p[0] & (0x7f >> n);
	for (i = 1; i < n; i++) {
		if ((p[i] & 0xc0) != 0x80)
			return 0;
		cp = (cp << 6) | (p[i] & 0x3f);
	}
	if ((n == 3 && cp < 0x800) || (n == 4 && cp < 0x10000) ||
	    cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
		return 0;
	return n;
}

int
hex_value(unsigned char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

int
utf8_valid(const char *s)
{
	const unsigned char	*p = (const unsigned char *)s;
	size_t			 n;

	for (; *p != '\0'; p += n)
		if ((n = utf8_char(p)) == 0)
			return 0;
	return 1;
}

void
utf8_repair(char *s)
{
	unsigned char	*p = (unsigned char *)s;
	size_t		 n;

	while (*p != '\0') {
		if ((n = utf8_char(p)) == 0)
			*p++ = '?';
		else
			p += n;
	}
}

void
text_quotable(char *dst, size_t dstlen, const char *s, size_t max)
{
	size_t	 i;

	if (dstlen == 0)
		return;
	for (i = 0; s[i] != '\0' && i < max && i + 1 < dstlen; i++)
		dst[i] = s[i] >= 0x20 && s[i] < 0x7f && s[i] != '"' &&
		    s[i] != '\\' ? s[i] : '?';
	dst[i] = '\0';
}
