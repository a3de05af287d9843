/*
 * What the CA and certificate rows share (cas.c, certs.c): whose they
 * are, their messages' refusals, and the opaque cursor of a page.
 *
 * A cursor names the last row of a page: its oid in hex and a MAC over
 * the kind of list, the user and that oid under the grant key, cut to
 * 16 bytes.  A client can neither forge one nor carry one to another
 * user's list; a changed one is refused (400).  It stays valid while the
 * grant key does.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "body_certs.h"
#include "hmac.h"
#include "log.h"
#include "stored.h"

#define CURSOR_MAC_LEN	16

static void
cursor_mac(const char *kind, uint64_t user, uint64_t oid,
    uint8_t mac[HMAC_SHA256_LEN])
{
	char	 msg[96];
	int	 n;

	n = snprintf(msg, sizeof(msg), "moat.cursor:%s:%" PRIu64 ":%" PRIu64,
	    kind, user, oid);
	hmac_sha256(stored_env->grant_key, sizeof(stored_env->grant_key), msg,
	    (size_t)n, mac);
}

void
certpage_cursor(const char *kind, uint64_t user, uint64_t oid,
    char *out)
{
	uint8_t	 mac[HMAC_SHA256_LEN];
	int	 i, n;

	cursor_mac(kind, user, oid, mac);
	n = snprintf(out, CERT_CURSOR_MAX + 1, "%016" PRIx64, oid);
	for (i = 0; i < CURSOR_MAC_LEN; i++)
		n += snprintf(out + n, CERT_CURSOR_MAX + 1 - n, "%02x", mac[i]);
	explicit_bzero(mac, sizeof(mac));
}

int
certpage_after(const char *kind, uint64_t user, const char *cursor,
    uint64_t *oid)
{
	char	 want[CERT_CURSOR_MAX + 1], hex[17];
	char	*end;
	int	 ok;

	*oid = 0;
	if (*cursor == '\0')
		return 0;
	if (strlen(cursor) != 16 + 2 * CURSOR_MAC_LEN)
		return -1;
	memcpy(hex, cursor, 16);
	hex[16] = '\0';
	*oid = strtoull(hex, &end, 16);
	if (*end != '\0')
		return -1;
	certpage_cursor(kind, user, *oid, want);
	ok = timingsafe_equal(want, cursor, strlen(want));
	explicit_bzero(want, sizeof(want));
	return ok ? 0 : -1;
}

/* The user whose rows a request reaches, with scope: 0 or a status. */
int
certpage_owner(const uint8_t *grant, size_t len, uint32_t access,
    const char *ref, uint32_t scope, struct principal *p, uint64_t *user)
{
	uint32_t	 retry;
	int		 status;

	status = authz_check(grant, len, p, &retry);
	if (status == 0)
		status = authz_keys_of(p, access, ref, user);
	if (status == 0)
		status = authz_scope(p, scope);
	return status;
}

/*
 * As certpage_owner, for a route that names one object and checks it
 * with authz_object() once loaded: a key's scope limited to named
 * objects passes here.
 */
int
certpage_owner_obj(const uint8_t *grant, size_t len, uint32_t access,
    const char *ref, uint32_t scope, struct principal *p, uint64_t *user)
{
	uint32_t	 retry;
	int		 status;

	status = authz_check(grant, len, p, &retry);
	if (status == 0)
		status = authz_keys_of(p, access, ref, user);
	if (status == 0 && p->kind == GRANT_APIKEY &&
	    (p->scopes & scope) != scope)
		status = 403;
	return status;
}

const char *
certpage_message(int status)
{
	switch (status) {
	case 403: return "api key lacks required permission";
	case 404: return "Resource not found";
	default: return status_message(status);
	}
}
