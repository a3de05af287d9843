#include <sys/types.h>

#include <sha2.h>
#include <string.h>

#include "hmac.h"

#define BLOCK	64

void
sha256(const void *msg, size_t len, uint8_t out[32])
{
	SHA2_CTX	 ctx;

	SHA256Init(&ctx);
	SHA256Update(&ctx, msg, len);
	SHA256Final(out, &ctx);
	explicit_bzero(&ctx, sizeof(ctx));
}

void
hmac_sha256(const void *key, size_t keylen, const void *msg, size_t msglen,
    uint8_t out[HMAC_SHA256_LEN])
{
	uint8_t		 k[BLOCK], pad[BLOCK], inner[32];
	SHA2_CTX	 ctx;
	size_t		 i;

	memset(k, 0, sizeof(k));
	if (keylen > BLOCK)
		sha256(key, keylen, k);
	else if (keylen > 0)
		memcpy(k, key, keylen);
	for (i = 0; i < BLOCK; i++)
		pad[i] = k[i] ^ 0x36;
	SHA256Init(&ctx);
	SHA256Update(&ctx, pad, BLOCK);
	SHA256Update(&ctx, msg, msglen);
	SHA256Final(inner, &ctx);
	for (i = 0; i < BLOCK; i++)
		pad[i] = k[i] ^ 0x5c;
	SHA256Init(&ctx);
	SHA256Update(&ctx, pad, BLOCK);
	SHA256Update(&ctx, inner, sizeof(inner));
	SHA256Final(out, &ctx);
	explicit_bzero(k, sizeof(k));
	explicit_bzero(pad, sizeof(pad));
	explicit_bzero(inner, sizeof(inner));
	explicit_bzero(&ctx, sizeof(ctx));
}

int
timingsafe_equal(const void *a, const void *b, size_t len)
{
	const volatile uint8_t	*x = a, *y = b;
	uint8_t			 d = 0;
	size_t			 i;

	for (i = 0; i < len; i++)
		d |= x[i] ^ y[i];
	return d == 0;
}
