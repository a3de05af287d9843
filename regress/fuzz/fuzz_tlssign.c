/*
 * libFuzzer target for what authd agrees to sign for frontd
 * (authd/tlskey.c, tlskey_check): the input is a key kind (1 byte), a
 * TLS SignatureScheme (2 bytes) and the content to sign.  Whatever is
 * accepted must have the shape of a TLS 1.3 server CertificateVerify or
 * of a TLS 1.2 ECDHE ServerKeyExchange, which is checked here again by
 * other means.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>
#include <openssl/obj_mac.h>

#include "authd.h"
#include "tlssign.h"

int	 LLVMFuzzerTestOneInput(const uint8_t *, size_t);

#define REQUIRE(cond) do {						\
	if (!(cond))							\
		abort();						\
} while (0)

static int
handshake_shaped(const uint8_t *tbs, size_t len)
{
	static const char	 context[] = TLS13_SERVER_CONTEXT;
	uint8_t			 spaces[64];

	memset(spaces, ' ', sizeof(spaces));
	if (len == 64 + sizeof(context) + 32 ||
	    len == 64 + sizeof(context) + 48)
		if (memcmp(tbs, spaces, 64) == 0 &&
		    memcmp(tbs + 64, context, sizeof(context)) == 0)
			return 1;
	return len >= 68 && len <= 64 + 4 + 133 && tbs[64] == 3 &&
	    len == 68 + (size_t)tbs[67];
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const int	 curves[] = { NID_X9_62_prime256v1,
	    NID_secp384r1, NID_secp521r1 };
	const char		*why = NULL;
	uint32_t		 scheme;
	int			 type, curve;

	if (size < 3)
		return 0;
	type = data[0] & 1 ? EVP_PKEY_EC : EVP_PKEY_RSA;
	curve = type == EVP_PKEY_EC ? curves[(data[0] >> 1) % 3] : NID_undef;
	scheme = (uint32_t)data[1] << 8 | data[2];
	if (tlskey_check(type, curve, scheme, data + 3, size - 3, &why) == 0)
		REQUIRE(handshake_shaped(data + 3, size - 3));
	else
		REQUIRE(why != NULL && *why != '\0');
	return 0;
}
