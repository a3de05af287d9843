/*
 * Authorization, in stored, on every operation: the grant must carry
 * authd's MAC and be fresh; the credential behind it (a session, a key)
 * must still live, and so must its user; then the role, the scopes and
 * the ownership of every object the request names are checked, inside
 * the query.  A user asking for another user's object gets "not found",
 * as for a missing one, so that ids cannot be probed.
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "log.h"
#include "stored.h"

/* A grant that authd sealed, still fresh: 0, or the status. */
static int
grant_fresh(const uint8_t *buf, size_t len, struct grant *g)
{
	struct stored	*s = stored_env;
	const char	*why;

	if (!s->have_grant_key)
		return 503;
	if (grant_open(s->grant_key, buf, len, time(NULL), g, &why) == -1) {
		log_debug("grant refused: %s", why);
		return 401;
	}
	return 0;
}

int
authz_check(const uint8_t *buf, size_t len, struct principal *p,
    uint32_t *retry)
{
	struct grant	 g;
	int		 status;

	memset(p, 0, sizeof(*p));
	*retry = 0;
	if ((status = grant_fresh(buf, len, &g)) != 0)
		return status;
	if (credentials_alive(&g, p) == -1)
		return 401;
	if (!ratelimit_hit(stored_env->api, &p->user_oid, sizeof(p->user_oid),
	    time(NULL), retry))
		return 429;
	return 0;
}

/*
 * A device's own token, its device alive (the principal is its user,
 * cred_oid the device); with keys, also an API key that may read
 * devices.  0 or the status (401, 403).
 */
static int
device_or_key(const uint8_t *buf, size_t len, struct principal *p,
    int keys)
{
	struct grant	 g;
	int		 status;

	memset(p, 0, sizeof(*p));
	if ((status = grant_fresh(buf, len, &g)) != 0)
		return status;
	if (g.kind == GRANT_DEVICE)
		return credentials_device(&g, p) == -1 ? 401 : 0;
	if (!keys || g.kind != GRANT_APIKEY || credentials_alive(&g, p) == -1)
		return 401;
	return p->scopes & SCOPE_DEVICES_READ ? 0 : 403;
}

/*
 * An update poll: a device's own token, or an API key that may read
 * devices (certctrl-apikeys.txt polls with one; the device it speaks
 * for is keyperms_device()'s).  Not counted against the user's API
 * limit: a device polls on its own limit (devself.c), and a few dozen
 * agents polling as X-Poll-Interval says would otherwise spend all of
 * it, shutting the user and every other device out.
 */
int
authz_poller(const uint8_t *buf, size_t len, struct principal *p)
{
	return device_or_key(buf, len, p, 1);
}

/* A device's own reads: as its poll, counted against its user's API. */
int
authz_device(const uint8_t *buf, size_t len, struct principal *p,
    uint32_t *retry)
{
	int	 status;

	*retry = 0;
	if ((status = device_or_key(buf, len, p, 0)) != 0)
		return status;
	if (!ratelimit_hit(stored_env->api, &p->user_oid,
	    sizeof(p->user_oid), time(NULL), retry))
		return 429;
	return 0;
}

/*
 * An admin function on everyone, or on the user ref names ("" for
 * everyone), after the grant was read with status: 0 and that user
 * (0 for everyone), or the status to answer with.
 */
int
authz_admin_on(const struct principal *p, int status, const char *ref,
    uint64_t *user)
{
	*user = 0;
	if (status != 0)
		return status;
	if (p->role != ROLE_ADMIN)
		return 403;
	return ref[0] == '\0' ? 0 : authz_user(p, ref, 1, user);
}

/*
 * May p act on the user that ref names?  An admin on anyone; a user on
 * themself, unless admin_only.  Returns 0, or 404 (missing, or not
 * theirs) or 403 (an admin function).
 */
int
authz_user(const struct principal *p, const char *ref, int admin_only,
    uint64_t *oid)
{
	if (admin_only && p->role != ROLE_ADMIN)
		return 403;
	if (user_ref(ref, oid) == -1)
		return 404;
	if (p->role != ROLE_ADMIN && *oid != p->user_oid)
		return 404;
	return 0;
}

/* An access (enum ipc_access) a request may state. */
int
authz_access_known(uint32_t access)
{
	return access == IPC_ACCESS_ANY || access == IPC_ACCESS_ADMIN ||
	    access == IPC_ACCESS_OWN;
}

/*
 * The user ref names, as a route of that access reaches them: an admin
 * route is an admin function (403 for anyone else) on any user; an own
 * route reaches the principal alone; on any route the role decides.
 * Returns 0 with the user's oid, or 404 (missing, or out of reach).
 */
int
authz_user_reached(const struct principal *p, uint32_t access,
    const char *ref, uint64_t *oid)
{
	int	 status;

	if (access == IPC_ACCESS_ADMIN)
		return authz_user(p, ref, 1, oid);
	if ((status = authz_user(p, ref, 0, oid)) != 0)
		return status;
	return access == IPC_ACCESS_OWN && *oid != p->user_oid ? 404 : 0;
}
