/*
 * libFuzzer target for the request parser: the input is a request head,
 * and when it parses and says chunked, the rest is fed to the chunked
 * decoder, once whole and once in small pieces.  Besides what the
 * sanitizers catch, it checks the promises the parser makes: results
 * stay inside the input, a parsed head reparses the same from exactly
 * its own bytes, and the way input is split never changes the outcome.
 *
 *	clang -g -O1 -fsanitize=fuzzer,address,undefined -Ifrontd \
 *	    regress/fuzz/fuzz_http.c frontd/http_parse.c frontd/http_chunked.c \
 *	    frontd/http_chars.c -o fuzz_http
 *	mkdir -p /tmp/corpus_http && ./fuzz_http -max_len=2048 \
 *	    /tmp/corpus_http regress/fuzz/corpus/http
 *
 * The head limit is small (1 KiB) so that the fuzzer reaches it; 414
 * is therefore out of its reach and left to the unit tests.
 */

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "http_parse.h"

#define FUZZ_HEAD_MAX	1024	/* small, so that the fuzzer reaches it */
#define FUZZ_BODY_MAX	4096

int	 LLVMFuzzerTestOneInput(const uint8_t *, size_t);

#define REQUIRE(cond) do {						\
	if (!(cond))							\
		abort();						\
} while (0)

static struct http_request req, again;
static char body_whole[FUZZ_BODY_MAX], body_split[FUZZ_BODY_MAX];

static int
inside(const char *base, size_t len, const char *p, size_t plen)
{
	return p >= base && plen <= len && (size_t)(p - base) <= len - plen;
}

static int
known_error(const struct http_error *err)
{
	switch (err->status) {
	case 400: case 413: case 414: case 431: case 501: case 505:
		return err->reason != NULL;
	}
	return 0;
}

static void
check_head(const char *buf, const struct http_request *r)
{
	size_t i, j;

	REQUIRE(r->head_len >= 4 && r->head_len <= FUZZ_HEAD_MAX);
	REQUIRE(memcmp(buf + r->head_len - 4, "\r\n\r\n", 4) == 0);
	REQUIRE(inside(buf, r->head_len, r->target, r->targetlen));
	REQUIRE(r->targetlen <= HTTP_MAX_TARGET && r->target[0] == '/');
	REQUIRE(r->method >= HTTP_METHOD_GET &&
	    r->method <= HTTP_METHOD_OPTIONS);
	REQUIRE(r->version_minor == 0 || r->version_minor == 1);
	REQUIRE(!(r->chunked && r->content_length != -1));
	REQUIRE(r->content_length <= FUZZ_BODY_MAX);
	REQUIRE(r->version_minor == 0 || r->host != NULL);
	for (i = 0; i < r->nheaders; i++) {
		const struct http_header *h = &r->headers[i];

		REQUIRE(h->namelen > 0);
		REQUIRE(inside(buf, r->head_len, h->name, h->namelen));
		REQUIRE(inside(buf, r->head_len, h->value, h->valuelen));
		for (j = 0; j < h->valuelen; j++)
			REQUIRE(h->value[j] == '\t' ||
			    (h->value[j] >= 0x20 && h->value[j] < 0x7f));
		if (h->valuelen > 0)
			REQUIRE(h->value[0] != ' ' && h->value[0] != '\t' &&
			    h->value[h->valuelen - 1] != ' ' &&
			    h->value[h->valuelen - 1] != '\t');
	}
}

/* Feeds the body in pieces of split bytes; returns the final result. */
static int
dechunk(const char *in, size_t len, size_t split, char *out,
    struct http_chunked *c, size_t *used)
{
	struct http_error err;
	size_t off = 0, n, got;
	int r = 0;

	http_chunked_init(c);
	while (r == 0 && off < len) {
		n = len - off < split ? len - off : split;
		r = http_chunked_feed(c, in + off, n, &got, out, FUZZ_BODY_MAX,
		    &err);
		REQUIRE(got <= n);
		REQUIRE(r != 0 || got == n);
		REQUIRE(r != -1 || known_error(&err));
		REQUIRE(c->out_len <= FUZZ_BODY_MAX);
		off += got;
	}
	*used = off;
	return r;
}

static void
check_chunked(const char *in, size_t len, size_t split)
{
	struct http_chunked whole, pieces;
	size_t used_whole, used_pieces;
	int r1, r2;

	r1 = dechunk(in, len, len == 0 ? 1 : len, body_whole, &whole,
	    &used_whole);
	r2 = dechunk(in, len, split, body_split, &pieces, &used_pieces);
	REQUIRE(r1 == r2);
	REQUIRE(whole.out_len == pieces.out_len);
	REQUIRE(memcmp(body_whole, body_split, whole.out_len) == 0);
	if (r1 == 1)
		REQUIRE(used_whole == used_pieces &&
		    memcmp(in + used_whole - 2, "\r\n", 2) == 0);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *buf = (const char *)data;
	struct http_limits lim = { FUZZ_HEAD_MAX, 32, FUZZ_BODY_MAX };
	struct http_error err, err2;
	int r;

	r = http_parse_head(buf, size, &lim, &req, &err);
	if (r == -1) {
		REQUIRE(known_error(&err));
		return 0;
	}
	if (r == 0) {
		REQUIRE(size < FUZZ_HEAD_MAX);
		return 0;
	}
	REQUIRE(r == 1 && req.head_len <= size);
	check_head(buf, &req);

	/* Exactly its own bytes parse the same; one fewer asks for more. */
	REQUIRE(http_parse_head(buf, req.head_len, &lim, &again, &err2) == 1);
	REQUIRE(memcmp(&req, &again, sizeof(req)) == 0);
	REQUIRE(http_parse_head(buf, req.head_len - 1, &lim, &again,
	    &err2) == 0);
	REQUIRE(http_parse_head(buf, size % req.head_len, &lim, &again,
	    &err2) == 0);

	if (req.chunked)
		check_chunked(buf + req.head_len, size - req.head_len,
		    1 + size % 7);
	return 0;
}
