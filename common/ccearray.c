/*
 * Arrays as the command API's protocol writes them: "&a&b&", each
 * element with "%XX" escapes for the bytes that would break the
 * encoding.  stored keeps arrays so; frontd and stored both read them.
 */
#include <string.h>

#include "ccearray.h"
#include "util.h"

int
cce_array_next(const char *array, size_t *pos, char *out, size_t outlen,
    const char **why)
{
	size_t	 p = *pos, n = 0;
	int	 hi, lo;

	if (p == 0) {
		if (array[0] == '\0')
			return 0;
		if (array[0] != '&') {
			*why = "an array starts with &";
			return -1;
		}
		p = 1;
	}
	if (array[p] == '\0')
		return 0;
	for (; array[p] != '&'; p++) {
		if (array[p] == '\0') {
			*why = "an array ends with &";
			return -1;
		}
		if (n + 1 >= outlen) {
			*why = "an array element is too long";
			return -1;
		}
		if (array[p] != '%') {
			out[n++] = array[p];
			continue;
		}
		hi = hex_value((unsigned char)array[p + 1]);
		lo = hi == -1 ? -1 : hex_value((unsigned char)array[p + 2]);
		if (hi == -1 || lo == -1 || (hi | lo) == 0) {
			*why = "an array has a bad %XX escape";
			return -1;
		}
		out[n++] = (char)(hi << 4 | lo);
		p += 2;
	}
	out[n] = '\0';
	*pos = p + 1;
	return 1;
}

int
cce_array_add(char *buf, size_t buflen, const char *elem)
{
	static const char	 hex[] = "0123456789ABCDEF";
	size_t			 n = strlen(buf), start = n;
	unsigned char		 c;

	if (n == 0) {
		if (buflen < 2)
			return -1;
		buf[n++] = '&';
	}
	for (; *elem != '\0'; elem++) {
		c = (unsigned char)*elem;
		if (n + 4 >= buflen)
			goto full;
		if (c == '&' || c == '%' || c < 0x20 || c == 0x7f) {
			buf[n++] = '%';
			buf[n++] = hex[c >> 4];
			buf[n++] = hex[c & 0xf];
		} else
			buf[n++] = (char)c;
	}
	if (n + 2 > buflen)
		goto full;
	buf[n++] = '&';
	buf[n] = '\0';
	return 0;
full:
	buf[start] = '\0';
	return -1;
}
