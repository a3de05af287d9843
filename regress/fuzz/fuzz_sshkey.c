/*
 * libFuzzer target for the SSH public key parser (authd/sshkey.c).  A
 * key it accepts must be one safe authorized_keys line (stored checks
 * the same before sshd sees it) and must parse again, from the line
 * stored would write, to the same key; a refusal must say why in
 * printable text.
 *
 * libssh and OpenSSL are not instrumented: coverage guides through the
 * wire-format checks, which run before they are called.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sshkey.h"
#include "sshkeycheck.h"

int	 LLVMFuzzerTestOneInput(const uint8_t *, size_t);

#define REQUIRE(cond) do {						\
	if (!(cond))							\
		abort();						\
} while (0)

static void
check_refusal(const char *why)
{
	size_t	 i;

	REQUIRE(why[0] != '\0');
	for (i = 0; why[i] != '\0'; i++)
		REQUIRE(why[i] >= 0x20 && why[i] < 0x7f);
}

static void
check_accepted(const struct sshkey_pub *k)
{
	struct sshkey_rec	 rec;
	struct sshkey_pub	 again;
	char			 line[SSHKEY_TYPE_MAX + SSHKEY_BLOB64_MAX +
				    SSHKEY_COMMENT_MAX + 3], why[256];

	memset(&rec, 0, sizeof(rec));
	strlcpy(rec.type, k->type, sizeof(rec.type));
	strlcpy(rec.blob64, k->blob64, sizeof(rec.blob64));
	strlcpy(rec.comment, k->comment, sizeof(rec.comment));
	REQUIRE(sshkey_rec_line_safe(&rec));
	REQUIRE(strncmp(k->fingerprint, "SHA256:", 7) == 0);
	snprintf(line, sizeof(line), "%s %s %s", k->type, k->blob64,
	    k->comment);
	REQUIRE(sshkey_parse(line, strlen(line), &again, why,
	    sizeof(why)) == 0);
	REQUIRE(strcmp(again.fingerprint, k->fingerprint) == 0);
	REQUIRE(strcmp(again.blob64, k->blob64) == 0);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int		 ready;
	struct sshkey_pub	 k;
	char			 why[256];

	if (!ready) {
		REQUIRE(sshkey_init() == 0);
		ready = 1;
	}
	why[0] = '\0';
	if (sshkey_parse((const char *)data, size, &k, why, sizeof(why)) == 0)
		check_accepted(&k);
	else
		check_refusal(why);
	return 0;
}
