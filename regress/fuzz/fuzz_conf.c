/*
 * libFuzzer target for moatd.conf: arbitrary bytes through
 * conf_parse_buffer() on a fresh configuration each time.  Whatever
 * parses and finalizes must also survive a round trip through
 * conf_dump(): the dump parses back, without errors, to the same dump.
 *
 *	clang -g -O1 -fsanitize=fuzzer,address,undefined \
 *	    $(pkg-config --cflags libbsd-overlay) -Icommon -Imoatd \
 *	    parse.c moatd/conffile.c log/log.c ipc/proc.c \
 *	    regress/fuzz/fuzz_conf.c $(pkg-config --libs libbsd-overlay)
 *	./a.out -close_fd_mask=2 regress/unit/conf
 *
 * -close_fd_mask=2 silences the parser's error messages; libFuzzer keeps
 * its own and the sanitizers' reports.  An `include` in the input opens
 * real files (only regular files up to 1 MB, by absolute path).
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conffile.h"
#include "log.h"

int	LLVMFuzzerInitialize(int *, char ***);
int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static char *
dump(const struct moat_config *conf, size_t *len)
{
	char	*out = NULL;
	FILE	*fp;

	if ((fp = open_memstream(&out, len)) == NULL)
		abort();
	conf_dump(fp, conf);
	if (fclose(fp) != 0)
		abort();
	return out;
}

static void
round_trip(const struct moat_config *conf)
{
	struct moat_config	 again;
	char			*out1, *out2;
	size_t			 len1, len2;

	out1 = dump(conf, &len1);
	conf_init(&again);
	if (conf_parse_buffer("dump", out1, len1, &again) != 0 ||
	    conf_finalize(&again) != 0) {
		fprintf(stderr, "dump does not parse back:\n%s", out1);
		abort();
	}
	out2 = dump(&again, &len2);
	if (len1 != len2 || memcmp(out1, out2, len1) != 0) {
		fprintf(stderr, "dump changed:\n%s---\n%s", out1, out2);
		abort();
	}
	free(out1);
	free(out2);
	conf_clear(&again);
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	log_init(1, 0);
	log_procinit("fuzz_conf");
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct moat_config	 conf;

	conf_init(&conf);
	if (conf_parse_buffer("fuzz", (const char *)data, size, &conf) == 0 &&
	    conf_finalize(&conf) == 0)
		round_trip(&conf);
	conf_clear(&conf);
	return 0;
}
