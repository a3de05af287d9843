/*
 * Base64 and base64url (see crypto.h), for tokens, JWTs, signatures and
 * WireGuard keys.  Secrets pass through here, so there is no
 * secret-dependent table look-up or branch: the character classes are
 * computed with masks (the technique of libsodium's codecs.c).  The
 * masks below take values 0 to 255.
 */

#include <stdint.h>

#include <openssl/crypto.h>

#include "crypto.h"
#include "crypto_local.h"

#define CT_EQ(x, y)	((((0U - ((unsigned)(x) ^ (unsigned)(y))) >> 8) & \
			    0xFF) ^ 0xFF)
#define CT_GT(x, y)	((((unsigned)(y) - (unsigned)(x)) >> 8) & 0xFF)
#define CT_GE(x, y)	(CT_GT(y, x) ^ 0xFF)
#define CT_LT(x, y)	CT_GT(y, x)
#define CT_LE(x, y)	CT_GE(y, x)

/* 6 bits to a character; url selects "-_" over "+/". */
static char
b64_char(unsigned x, int url)
{
	unsigned c62 = url ? '-' : '+', c63 = url ? '_' : '/';

	return (char)((CT_LT(x, 26) & (x + 'A')) |
	    (CT_GE(x, 26) & CT_LT(x, 52) & (x + ('a' - 26))) |
	    (CT_GE(x, 52) & CT_LT(x, 62) & (x - (52 - '0'))) |
	    (CT_EQ(x, 62) & c62) | (CT_EQ(x, 63) & c63));
}

/* A base64url character to its 6 bits, or 0xFF if it is not one. */
static unsigned
b64url_value(unsigned char ch)
{
	unsigned c = ch, x;

	x = (CT_GE(c, 'A') & CT_LE(c, 'Z') & (c - 'A')) |
	    (CT_GE(c, 'a') & CT_LE(c, 'z') & (c - ('a' - 26))) |
	    (CT_GE(c, '0') & CT_LE(c, '9') & (c + (52 - '0'))) |
	    (CT_EQ(c, '-') & 62) | (CT_EQ(c, '_') & 63);
	/* 0 is 'A' or no match; only 'A' may map to 0 */
	return x | (CT_EQ(x, 0) & (CT_EQ(c, 'A') ^ 0xFF));
}

size_t
b64_write(const uint8_t *in, size_t inlen, char *out, int url, int pad)
{
	size_t i, o = 0;
	unsigned v;

	for (i = 0; i + 3 <= inlen; i += 3) {
		v = (unsigned)in[i] << 16 | (unsigned)in[i + 1] << 8 |
		    in[i + 2];
		out[o++] = b64_char(v >> 18, url);
		out[o++] = b64_char((v >> 12) & 0x3F, url);
		out[o++] = b64_char((v >> 6) & 0x3F, url);
		out[o++] = b64_char(v & 0x3F, url);
	}
	if (inlen - i == 1) {
		v = (unsigned)in[i] << 16;
		out[o++] = b64_char(v >> 18, url);
		out[o++] = b64_char((v >> 12) & 0x3F, url);
		if (pad) {
			out[o++] = '=';
			out[o++] = '=';
		}
	} else if (inlen - i == 2) {
		v = (unsigned)in[i] << 16 | (unsigned)in[i + 1] << 8;
		out[o++] = b64_char(v >> 18, url);
		out[o++] = b64_char((v >> 12) & 0x3F, url);
		out[o++] = b64_char((v >> 6) & 0x3F, url);
		if (pad)
			out[o++] = '=';
	}
	out[o] = '\0';
	return o;
}

static int
b64_encode_common(const void *in, size_t inlen, char *out, size_t outcap,
    size_t *outlen, int url)
{
	size_t need;

	if ((in == NULL && inlen != 0) || out == NULL || outlen == NULL)
		return CRYPTO_EMALFORMED;
	/* bounded so that the length arithmetic cannot wrap */
	if (inlen > SIZE_MAX / 2)
		return CRYPTO_EMALFORMED;
	need = (url ? B64URL_LEN(inlen) : B64_LEN(inlen)) + 1;
	if (outcap < need)
		return CRYPTO_ESPACE;
	*outlen = b64_write(in, inlen, out, url, !url);
	return CRYPTO_OK;
}

int
b64url_encode(const void *in, size_t inlen, char *out, size_t outcap,
    size_t *outlen)
{
	return b64_encode_common(in, inlen, out, outcap, outlen, 1);
}

int
b64_encode(const void *in, size_t inlen, char *out, size_t outcap,
    size_t *outlen)
{
	return b64_encode_common(in, inlen, out, outcap, outlen, 0);
}

int
b64url_decode_strict(const char *in, size_t inlen, uint8_t *out,
    size_t outcap, size_t *outlen)
{
	size_t i, o = 0;
	unsigned acc = 0, bits = 0, v;

	if ((in == NULL && inlen != 0) || outlen == NULL ||
	    (out == NULL && outcap != 0))
		return CRYPTO_EMALFORMED;
	*outlen = 0;
	/* one character carries 6 bits, never a whole byte */
	if (inlen % 4 == 1)
		return CRYPTO_EMALFORMED;
	if (outcap < inlen / 4 * 3 + (inlen % 4 == 0 ? 0 : inlen % 4 - 1))
		return CRYPTO_ESPACE;
	for (i = 0; i < inlen; i++) {
		if ((v = b64url_value((unsigned char)in[i])) == 0xFF)
			goto bad;
		acc = (acc << 6 | v) & 0xFFF;
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			out[o++] = (uint8_t)(acc >> bits);
			acc &= (1U << bits) - 1;
		}
	}
	/* canonical: the bits past the last byte are zero */
	if (acc != 0)
		goto bad;
	*outlen = o;
	return CRYPTO_OK;
 bad:
	if (o > 0)
		OPENSSL_cleanse(out, o);
	return CRYPTO_EMALFORMED;
}

int
b64url_decode_exact(const char *in, size_t inlen, uint8_t *out, size_t want)
{
	size_t n;

	if (inlen != B64URL_LEN(want))
		return CRYPTO_EMALFORMED;
	if (b64url_decode_strict(in, inlen, out, want, &n) != CRYPTO_OK ||
	    n != want) {
		OPENSSL_cleanse(out, want);
		return CRYPTO_EMALFORMED;
	}
	return CRYPTO_OK;
}
