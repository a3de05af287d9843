/*
 * libFuzzer target for the bounded JSON parser, with the default bounds
 * and with small ones that the fuzzer can reach.  A document that is
 * accepted must survive a round trip: dumped and parsed again under the
 * same bounds, it is accepted and equal.  A rejection must come with a
 * printable message.
 *
 *	clang -g -O1 -fsanitize=fuzzer,address,undefined -Ifrontd \
 *	    $(pkg-config --cflags jansson) regress/fuzz/fuzz_json.c \
 *	    frontd/json_limits.c -o fuzz_json $(pkg-config --libs jansson)
 *	mkdir -p /tmp/corpus_json && ./fuzz_json -max_len=4096 \
 *	    /tmp/corpus_json regress/fuzz/corpus/json
 *
 * jansson itself is not instrumented: coverage guides through our code.
 */

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "json_limits.h"

int	 LLVMFuzzerTestOneInput(const uint8_t *, size_t);

#define REQUIRE(cond) do {						\
	if (!(cond))							\
		abort();						\
} while (0)

static void
check_message(const char *err)
{
	size_t i;

	REQUIRE(err[0] != '\0');
	for (i = 0; err[i] != '\0'; i++)
		REQUIRE(err[i] >= 0x20 && err[i] < 0x7f);
}

static void
parse_with(const char *buf, size_t len, const struct json_bounds *b)
{
	char err[128], err2[128];
	json_t *j, *j2;
	char *dump;

	err[0] = '\0';
	if ((j = json_parse_bounded(buf, len, b, err, sizeof(err))) == NULL) {
		check_message(err);
		return;
	}
	dump = json_dumps(j, JSON_COMPACT | JSON_ENCODE_ANY);
	REQUIRE(dump != NULL);
	j2 = json_parse_bounded(dump, strlen(dump), b, err2, sizeof(err2));
	REQUIRE(j2 != NULL);
	REQUIRE(json_equal(j, j2));
	json_decref(j2);
	free(dump);
	json_decref(j);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct json_bounds b;

	parse_with((const char *)data, size, NULL);
	b.max_depth = 4;
	b.max_string = 16;
	b.max_array = 8;
	b.max_keys = 4;
	b.max_nodes = 32;
	parse_with((const char *)data, size, &b);
	return 0;
}
