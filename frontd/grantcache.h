/*
 * frontd's cache of the grants authd issued for bearer tokens and
 * session cookies (see grantcache.c for why that is safe).
 */
#ifndef MOAT_GRANTCACHE_H
#define MOAT_GRANTCACHE_H

#include <stdint.h>

#include "grant.h"

#define GRANTCACHE_KEY_LEN	32
#define GRANTCACHE_MAX		4096
#define GRANTCACHE_TOKEN_MAX	2048

/* Before the sandbox: the hash the keys are made with. */
void	 grantcache_init(void);
void	 grantcache_key(uint32_t dialect, uint32_t kind, const char *peer,
	    const char *token, uint8_t key[GRANTCACHE_KEY_LEN]);
/* 0 and the grant if a fresh one is cached, else -1. */
int	 grantcache_get(const uint8_t key[GRANTCACHE_KEY_LEN],
	    uint8_t out[GRANT_LEN]);
void	 grantcache_put(const uint8_t key[GRANTCACHE_KEY_LEN],
	    const uint8_t grant[GRANT_LEN]);
void	 grantcache_forget(const uint8_t key[GRANTCACHE_KEY_LEN]);
/* Every grant kept for the credential this grant names (a logout). */
void	 grantcache_forget_credential(const uint8_t grant[GRANT_LEN]);
void	 grantcache_clear(void);

#endif
