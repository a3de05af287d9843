/* Character classes of RFC 9110 and RFC 9112, ASCII only. */
#include <stddef.h>
#include <string.h>

#include "http_chars.h"

int
fail(struct http_error *err, int status, const char *reason)
{
	err->status = status;
	err->reason = reason;
	return -1;
}

/* RFC 9110 5.6.2 tchar. */
int
is_tchar(unsigned char c)
{
	if (is_alnum(c))
		return 1;
	switch (c) {
	case '!': case '#': case '$': case '%': case '&': case '\'':
	case '*': case '+': case '-': case '.': case '^': case '_':
	case '`': case '|': case '~':
		return 1;
	}
	return 0;
}

int
ascii_casecmp(const char *a, const char *b, size_t n)
{
	unsigned char ca, cb;
	size_t i;

	for (i = 0; i < n; i++) {
		ca = (unsigned char)a[i];
		cb = (unsigned char)b[i];
		if (ca >= 'A' && ca <= 'Z')
			ca += 'a' - 'A';
		if (cb >= 'A' && cb <= 'Z')
			cb += 'a' - 'A';
		if (ca != cb)
			return ca - cb;
	}
	return 0;
}

/* Does the span equal the NUL-terminated word, ignoring ASCII case? */
int
span_is(const char *s, size_t len, const char *word)
{
	return strlen(word) == len && ascii_casecmp(s, word, len) == 0;
}
