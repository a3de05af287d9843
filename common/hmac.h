/*
 * HMAC-SHA256 (RFC 2104) over libmd's SHA-256.  It lets stored check
 * grants without linking OpenSSL: every library a long-running process
 * maps costs resident memory for as long as it runs.
 */
#ifndef MOAT_HMAC_H
#define MOAT_HMAC_H

#include <stddef.h>
#include <stdint.h>

#define HMAC_SHA256_LEN	32

void	 hmac_sha256(const void *key, size_t keylen, const void *msg,
	    size_t msglen, uint8_t out[HMAC_SHA256_LEN]);
void	 sha256(const void *msg, size_t len, uint8_t out[32]);
/* Constant time: the time taken does not depend on where they differ. */
int	 timingsafe_equal(const void *a, const void *b, size_t len);

#endif
