#include <string.h>

#include "grant.h"
#include "hmac.h"

#define GRANT_VERSION	1
#define BODY_LEN	(GRANT_LEN - HMAC_SHA256_LEN)

static uint8_t *
put_be(uint8_t *p, uint64_t v, int n)
{
	int	 i;

	for (i = n - 1; i >= 0; i--) {
		p[i] = v & 0xff;
		v >>= 8;
	}
	return p + n;
}

static uint64_t
get_be(const uint8_t **p, int n)
{
	uint64_t	 v = 0;
	int		 i;

	for (i = 0; i < n; i++)
		v = (v << 8) | (*p)[i];
	*p += n;
	return v;
}

void
grant_seal(const uint8_t key[GRANT_KEY_LEN], const struct grant *g,
    uint8_t out[GRANT_LEN])
{
	uint8_t	*p = out;

	*p++ = GRANT_VERSION;
	p = put_be(p, g->user_oid, 8);
	*p++ = g->role;
	p = put_be(p, g->scopes, 4);
	*p++ = g->kind;
	p = put_be(p, g->cred_oid, 8);
	p = put_be(p, (uint64_t)g->issued, 8);
	p = put_be(p, (uint64_t)g->expires, 8);
	memcpy(p, g->nonce, sizeof(g->nonce));
	hmac_sha256(key, GRANT_KEY_LEN, out, BODY_LEN, out + BODY_LEN);
}

int
grant_open(const uint8_t key[GRANT_KEY_LEN], const uint8_t *in, size_t len,
    int64_t now, struct grant *g, const char **why)
{
	uint8_t		 mac[HMAC_SHA256_LEN];
	const uint8_t	*p = in;

	memset(g, 0, sizeof(*g));
	if (len != GRANT_LEN || in[0] != GRANT_VERSION) {
		*why = "grant of the wrong size or version";
		return -1;
	}
	hmac_sha256(key, GRANT_KEY_LEN, in, BODY_LEN, mac);
	if (!timingsafe_equal(mac, in + BODY_LEN, sizeof(mac))) {
		*why = "grant with a bad MAC";
		return -1;
	}
	p++;
	g->user_oid = get_be(&p, 8);
	g->role = *p++;
	g->scopes = get_be(&p, 4);
	g->kind = *p++;
	g->cred_oid = get_be(&p, 8);
	g->issued = (int64_t)get_be(&p, 8);
	g->expires = (int64_t)get_be(&p, 8);
	memcpy(g->nonce, p, sizeof(g->nonce));
	if (g->expires - g->issued > GRANT_MAX_AGE || now >= g->expires ||
	    now < g->issued - 5) {
		*why = "grant expired or not yet valid";
		return -1;
	}
	if ((g->role != ROLE_ADMIN && g->role != ROLE_USER) ||
	    g->kind < GRANT_SESSION || g->kind > GRANT_DEVICE) {
		*why = "grant with an unknown role or kind";
		return -1;
	}
	return 0;
}

int64_t
grant_expiry(const uint8_t *in, size_t len)
{
	const uint8_t	*p = in + 1 + 8 + 1 + 4 + 1 + 8 + 8;

	if (len != GRANT_LEN || in[0] != GRANT_VERSION)
		return 0;
	return (int64_t)get_be(&p, 8);
}

int
grant_credential(const uint8_t *in, size_t len, uint8_t *kind,
    uint64_t *cred_oid)
{
	const uint8_t	*p = in + 1 + 8 + 1 + 4;

	if (len != GRANT_LEN || in[0] != GRANT_VERSION)
		return -1;
	*kind = *p++;
	*cred_oid = get_be(&p, 8);
	return 0;
}
