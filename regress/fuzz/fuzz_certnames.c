/*
 * libFuzzer target for the names of a certificate (authd/pki.c), which
 * come from any client: a list accepted is at most 100 names, lower
 * case, without repeats, and checks again to itself; a key type is one
 * of the five kinds; every refusal says why in printable text.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "pki.h"

int	 LLVMFuzzerTestOneInput(const uint8_t *, size_t);

#define REQUIRE(cond) do {						\
	if (!(cond))							\
		abort();						\
} while (0)
#define SANS_MAX	4095

static void
check_refusal(const char *why)
{
	size_t	 i;

	REQUIRE(why[0] != '\0');
	for (i = 0; why[i] != '\0'; i++)
		REQUIRE(why[i] >= 0x20 && why[i] < 0x7f);
}

static void
check_names(const char *in)
{
	static char	 out[SANS_MAX + 1], again[SANS_MAX + 1];
	const char	*why;
	size_t		 i;
	int		 n, m;

	if ((why = pki_names_check(in, out, sizeof(out), &n)) != NULL) {
		check_refusal(why);
		return;
	}
	REQUIRE(n >= 1 && n <= PKI_NAMES_MAX);
	REQUIRE(out[0] != ',' && out[strlen(out) - 1] != ',');
	REQUIRE(strstr(out, ",,") == NULL);
	for (i = 0; out[i] != '\0'; i++)
		REQUIRE(out[i] < 'A' || out[i] > 'Z');
	REQUIRE(pki_names_check(out, again, sizeof(again), &m) == NULL);
	REQUIRE(m == n && strcmp(out, again) == 0);
}

static void
check_keyspec(const char *type, uint32_t bits)
{
	struct pki_keyspec	 ks;
	const char		*why;

	if ((why = pki_keyspec(type, bits, &ks)) != NULL) {
		check_refusal(why);
		return;
	}
	REQUIRE(ks.rsa ? ks.bits == 2048 || ks.bits == 3072 ||
	    ks.bits == 4096 : ks.bits == 256 || ks.bits == 384);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char		*s;
	uint32_t	 bits = 0;

	if (size > 8192)
		return 0;
	if ((s = malloc(size + 1)) == NULL)
		abort();
	memcpy(s, data, size);
	s[size] = '\0';
	check_names(s);
	if (size >= 2)
		bits = (uint32_t)data[0] << 8 | data[1];
	check_keyspec(size >= 2 ? s + 2 : s, bits);
	free(s);
	return 0;
}
