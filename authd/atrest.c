/*
 * Secrets at rest: what authd made or was given and must read back
 * later (an account v2 secret key, a host's SSH password, a tunnel's
 * keys) is kept by stored sealed under the master key's seal subkey,
 * bound to its class and to the public id it belongs with, so that a
 * seal moved to another row does not open.
 */
#include <stdio.h>
#include <string.h>

#include "authd.h"

/* A secret of class, bound to the public id it belongs with. */
int
seal_bound(const char *class, const char *what, const char *id,
    const char *secret, uint8_t *out, size_t *outlen)
{
	return seal_bound_into(class, what, id, secret, out, SEALED_MAX,
	    outlen);
}

/* The same into outcap bytes: a private key's PEM is longer. */
int
seal_bound_into(const char *class, const char *what, const char *id,
    const char *secret, uint8_t *out, size_t outcap, size_t *outlen)
{
	char	 field[64];

	snprintf(field, sizeof(field), "%s:%s", what, id);
	return seal(authd_env->seal_key, 1, class, 0, field, secret,
	    strlen(secret), out, outcap, outlen) == CRYPTO_OK ? 0 : -1;
}

int
unseal_bound(const char *class, const char *what, const char *id,
    const uint8_t *sealed, size_t len, char *secret, size_t secretlen)
{
	char		 field[64];
	size_t		 n;
	uint32_t	 version;

	snprintf(field, sizeof(field), "%s:%s", what, id);
	if (secretlen == 0 || unseal(authd_env->seal_key, class, 0, field,
	    sealed, len, (uint8_t *)secret, secretlen - 1, &n,
	    &version) != CRYPTO_OK)
		return -1;
	secret[n] = '\0';
	return 0;
}
