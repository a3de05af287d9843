/*
 * The chunked transfer coding (RFC 9112 7.1), decoded incrementally and
 * strictly: plain hex sizes only, bounded extension and trailer lines,
 * CRLF exactly where the grammar puts it.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "http_chars.h"
#include "util.h"
#include "http_parse.h"

#define CHUNK_MAX_DIGITS 16	/* fits uint64_t */

/*
 * The chunked decoder is a byte-at-a-time state machine (RFC 9112 7.1),
 * except for chunk data, which is copied in runs.
 */
enum chunked_state {
	CH_SIZE = 0,		/* 1*16HEXDIG */
	CH_EXT,			/* ';' or CRLF, or BWS then ';' */
	CH_EXT_BWS,
	CH_EXT_NAME_START,	/* after ';' */
	CH_EXT_NAME,
	CH_EXT_NAME_END,	/* BWS after a name */
	CH_EXT_VALUE_START,	/* after '=' */
	CH_EXT_TOKEN,
	CH_EXT_QUOTED,
	CH_EXT_QUOTED_PAIR,
	CH_SIZE_LF,
	CH_DATA,
	CH_DATA_CR,
	CH_DATA_LF,
	CH_TRAILER_LINE,	/* start of a field line or the final CRLF */
	CH_TRAILER_NAME,
	CH_TRAILER_VALUE,
	CH_TRAILER_LF,
	CH_END_LF,
	CH_DONE,
	CH_ERROR,
};

void
http_chunked_init(struct http_chunked *c)
{
	memset(c, 0, sizeof(*c));
	c->state = CH_SIZE;
}

/* The chunk must fit in what is left of the body limit. */
static int
chunk_size_end(struct http_chunked *c, size_t outcap,
    struct http_error *err)
{
	if (c->line_len == 1)
		return fail(err, 400, "malformed chunk size");
	if (c->out_len > outcap || c->chunk_left > outcap - c->out_len)
		return fail(err, 413, "request body too large");
	return 0;
}

/*
 * chunk-ext = *( BWS ";" BWS ext-name [ BWS "=" BWS ext-val ] ), where
 * ext-val is a token or a quoted-string.  Whitespace is allowed only
 * where BWS is, so "a \r\n" and "a=b \r\n" are refused.  Returns the next
 * state, or CH_ERROR.  Extensions mean nothing to us; they are checked
 * only so that a line another parser would read differently is refused.
 */
static int
chunk_ext_byte(int state, unsigned char ch)
{
	switch (state) {
	case CH_EXT:		/* after the size or a value */
	case CH_EXT_NAME:
	case CH_EXT_TOKEN:
		if (ch == CR)
			return CH_SIZE_LF;
		if (ch == ';')
			return CH_EXT_NAME_START;
		if (is_tchar(ch) && state != CH_EXT)
			return state;
		if (ch == '=' && state == CH_EXT_NAME)
			return CH_EXT_VALUE_START;
		if (is_ows(ch))
			return state == CH_EXT_NAME ? CH_EXT_NAME_END :
			    CH_EXT_BWS;
		return CH_ERROR;
	case CH_EXT_BWS:	/* whitespace that must lead to ';' */
	case CH_EXT_NAME_END:	/* or to '=' after a name */
		if (is_ows(ch))
			return state;
		if (ch == ';')
			return CH_EXT_NAME_START;
		if (ch == '=' && state == CH_EXT_NAME_END)
			return CH_EXT_VALUE_START;
		return CH_ERROR;
	case CH_EXT_NAME_START:
	case CH_EXT_VALUE_START:
		if (is_ows(ch))
			return state;
		if (is_tchar(ch))
			return state == CH_EXT_NAME_START ? CH_EXT_NAME :
			    CH_EXT_TOKEN;
		if (ch == '"' && state == CH_EXT_VALUE_START)
			return CH_EXT_QUOTED;
		return CH_ERROR;
	case CH_EXT_QUOTED:
		if (ch == '"')
			return CH_EXT;
		if (ch == '\\')
			return CH_EXT_QUOTED_PAIR;
		/* qdtext, without obs-text */
		return is_field_char(ch) ? state : CH_ERROR;
	case CH_EXT_QUOTED_PAIR:
		return is_field_char(ch) ? CH_EXT_QUOTED : CH_ERROR;
	}
	return CH_ERROR;
}

/*
 * chunk-size [ chunk-ext ] CRLF.  Only plain hex digits: no sign, no
 * "0x", no whitespace before them, at most 16 of them.
 */
static int
size_line_byte(struct http_chunked *c, unsigned char ch, size_t outcap,
    struct http_error *err)
{
	if (++c->line_len > HTTP_CHUNK_LINE_MAX)
		return fail(err, 400, "chunk size line too long");
	if (c->state == CH_SIZE) {
		if (hex_value(ch) != -1) {
			if (c->line_len > CHUNK_MAX_DIGITS)
				return fail(err, 400, "chunk size too large");
			c->chunk_left = c->chunk_left << 4 | hex_value(ch);
			return 0;
		}
		if (chunk_size_end(c, outcap, err) == -1)
			return -1;
		c->state = CH_EXT;
	}
	if (c->state == CH_SIZE_LF) {
		if (ch != LF)
			return fail(err, 400, "bare CR");
		c->line_len = 0;
		c->state = c->chunk_left == 0 ? CH_TRAILER_LINE : CH_DATA;
		return 0;
	}
	if ((c->state = chunk_ext_byte(c->state, ch)) == CH_ERROR)
		return fail(err, 400, "malformed chunk extension");
	return 0;
}

/* The CRLF that must follow the data of every chunk. */
static int
data_end_byte(struct http_chunked *c, unsigned char ch,
    struct http_error *err)
{
	if (c->state == CH_DATA_CR && ch == CR) {
		c->state = CH_DATA_LF;
		return 0;
	}
	if (c->state == CH_DATA_LF && ch == LF) {
		c->state = CH_SIZE;
		c->chunk_left = 0;
		c->line_len = 0;
		return 0;
	}
	return fail(err, 400, "missing CRLF after chunk data");
}

/*
 * trailer-section = *( field-line CRLF ) CRLF, bounded as a whole.  The
 * fields are checked like header fields and then dropped: nothing
 * downstream may learn a framing field from a trailer.
 */
static int
trailer_byte(struct http_chunked *c, unsigned char ch,
    struct http_error *err)
{
	if (++c->trailer_bytes > HTTP_MAX_TRAILER)
		return fail(err, 431, "trailer section too large");
	switch (c->state) {
	case CH_TRAILER_LINE:
		if (ch == CR) {
			c->state = CH_END_LF;
			return 0;
		}
		if (is_tchar(ch)) {
			c->state = CH_TRAILER_NAME;
			return 0;
		}
		break;
	case CH_TRAILER_NAME:
		if (ch == ':')
			c->state = CH_TRAILER_VALUE;
		else if (!is_tchar(ch))
			break;
		return 0;
	case CH_TRAILER_VALUE:
		if (ch == CR)
			c->state = CH_TRAILER_LF;
		else if (!is_field_char(ch))
			break;
		return 0;
	case CH_TRAILER_LF:
		if (ch != LF)
			break;
		c->state = CH_TRAILER_LINE;
		return 0;
	case CH_END_LF:
		if (ch != LF)
			break;
		c->state = CH_DONE;
		return 1;
	}
	return fail(err, 400, "malformed trailer section");
}

static int
chunked_byte(struct http_chunked *c, unsigned char ch, size_t outcap,
    struct http_error *err)
{
	switch (c->state) {
	case CH_DATA_CR:
	case CH_DATA_LF:
		return data_end_byte(c, ch, err);
	case CH_TRAILER_LINE:
	case CH_TRAILER_NAME:
	case CH_TRAILER_VALUE:
	case CH_TRAILER_LF:
	case CH_END_LF:
		return trailer_byte(c, ch, err);
	default:
		return size_line_byte(c, ch, outcap, err);
	}
}

/* Copies as much of the current chunk's data as in holds. */
static int
chunk_data(struct http_chunked *c, const char *in, size_t inlen,
    size_t *pos, char *out, size_t outcap, struct http_error *err)
{
	size_t n = inlen - *pos;

	if (n > c->chunk_left)
		n = c->chunk_left;
	/* Checked when the size was read; again in case outcap shrank. */
	if (c->out_len > outcap || n > outcap - c->out_len)
		return fail(err, 413, "request body too large");
	memcpy(out + c->out_len, in + *pos, n);
	c->out_len += n;
	c->chunk_left -= n;
	*pos += n;
	if (c->chunk_left == 0)
		c->state = CH_DATA_CR;
	return 0;
}

int
http_chunked_feed(struct http_chunked *c, const char *in, size_t inlen,
    size_t *consumed, char *out, size_t outcap, struct http_error *err)
{
	size_t i = 0;
	int r = 0;

	*consumed = 0;
	if (c->state == CH_DONE)
		return 1;
	if (c->state == CH_ERROR)
		return fail(err, 400, "malformed chunked body");
	while (i < inlen && r == 0) {
		if (c->state == CH_DATA)
			r = chunk_data(c, in, inlen, &i, out, outcap, err);
		else
			r = chunked_byte(c, (unsigned char)in[i++], outcap,
			    err);
	}
	if (r == -1)
		c->state = CH_ERROR;
	*consumed = i;
	return r;
}
