/*
 * libFuzzer target for what the ACME engine parses itself of a CA's
 * answers (taskd/acme*.c): problem documents made into text (no control
 * character may come out, the text always ends within its buffer),
 * RFC 3339 times, certificate chains split into leaf and rest (what is
 * kept is PEM that parses again), and base64url.  The first byte picks
 * the parser; the rest is the CA's bytes.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "acme_int.h"

int	 LLVMFuzzerTestOneInput(const uint8_t *, size_t);

#define REQUIRE(cond) do {						\
	if (!(cond))							\
		abort();						\
} while (0)

static void
problem(const char *s, size_t len)
{
	char	 out[200];
	size_t	 i;

	memset(out, 'X', sizeof(out));
	if (acme_problem_text(s, len, out, sizeof(out)) == -1)
		return;
	REQUIRE(memchr(out, '\0', sizeof(out)) != NULL);
	for (i = 0; out[i] != '\0'; i++)
		REQUIRE(out[i] >= 0x20 && out[i] < 0x7f);
}

static void
chain(const char *s, size_t len)
{
	struct acme_cert	c, again;

	memset(&c, 0, sizeof(c));
	if (acme_split_chain(s, len, &c) == -1)
		return;
	memset(&again, 0, sizeof(again));
	REQUIRE(acme_split_chain(c.leaf, strlen(c.leaf), &again) == 0);
	REQUIRE(strcmp(again.leaf, c.leaf) == 0);
	acme_cert_free(&again);
	acme_cert_free(&c);
}

static void
b64(const char *s)
{
	uint8_t	 out[64];
	size_t	 n = 0;
	char	*e;

	if (acme_b64url_decode(s, out, sizeof(out), &n) == -1)
		return;
	REQUIRE(n <= sizeof(out));
	REQUIRE((e = acme_b64url(out, n)) != NULL);
	free(e);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char	*s;
	time_t	 t;

	if (size < 1 || (s = malloc(size)) == NULL)
		return 0;
	memcpy(s, data + 1, size - 1);
	s[size - 1] = '\0';
	switch (data[0] % 4) {
	case 0:
		problem(s, size - 1);
		break;
	case 1:
		(void)acme_parse_time(s, &t);
		break;
	case 2:
		chain(s, size - 1);
		break;
	default:
		b64(s);
		break;
	}
	free(s);
	return 0;
}
