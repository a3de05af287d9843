/*
 * An API key's permissions on single objects (certctrl-apikeys.txt:
 * `permissions: [{obtype, obid, actions}]`).  A permission with an obid
 * gives its actions on that certificate, CA or device alone: the
 * key's row has the scope (so the route opens) and marks it restricted,
 * and api_key_objects names the objects.  Every route that names an
 * object checks it (authz_object) after loading it; every other route
 * under a restricted scope (lists, creation, DNS providers and ACME
 * accounts, which have no object of their own here) is refused, so
 * that a route that forgets to check fails closed.
 */
#include <stdio.h>
#include <string.h>

#include <jansson.h>

#include "grant.h"
#include "log.h"
#include "scopes.h"
#include "stored.h"

static const struct {
	const char	*obtype;
	const char	*table;
	uint32_t	 scopes;	/* the read and write it may limit */
} obtypes[] = {
	{ "certs", "certificates", SCOPE_CERTS_READ | SCOPE_CERTS_WRITE },
	{ "cas", "cas", SCOPE_CAS_READ | SCOPE_CAS_WRITE },
	{ "devices", "devices", SCOPE_DEVICES_READ | SCOPE_DEVICES_WRITE },
};
#define OBTYPES	(sizeof(obtypes) / sizeof(obtypes[0]))

/* The user's object of the type the index names, by oid or id. */
static int
object_of(size_t type, uint64_t user, const char *ref, char id[37])
{
	static char	 sql[OBTYPES][160];
	sqlite3_stmt	*st;
	int		 rc;

	if (sql[type][0] == '\0')
		snprintf(sql[type], sizeof(sql[type]), "SELECT id FROM %s "
		    "WHERE user_oid = ?1 AND (id = ?2 OR CAST(oid AS TEXT) = "
		    "?2)", obtypes[type].table);
	st = db_stmt(sql[type]);
	sqlite3_bind_int64(st, 1, user);
	sqlite3_bind_text(st, 2, ref, -1, SQLITE_STATIC);
	if ((rc = sqlite3_step(st)) == SQLITE_ROW)
		db_text_col(st, 0, id, 37);
	sqlite3_reset(st);
	return rc == SQLITE_ROW ? 0 : -1;
}

/* One permission's scopes, if it names an obid: 0, or -1 with why. */
static int
one(json_t *p, uint64_t user, struct keyperms *kp, const char **why)
{
	json_t		*obid, *a;
	const char	*obtype;
	char		 ref[72], name[48];
	size_t		 t, i;
	uint32_t	 bits = 0, bit;

	obid = json_object_get(p, "obid");
	obtype = json_string_value(json_object_get(p, "obtype"));
	if (obid == NULL || json_is_null(obid) || (json_is_string(obid) &&
	    strcmp(json_string_value(obid), "*") == 0))
		return 0;	/* every object: a scope whole */
	if (obtype == NULL || !json_is_array(json_object_get(p, "actions")))
		goto bad;
	for (t = 0; t < OBTYPES; t++)
		if (strcmp(obtypes[t].obtype, obtype) == 0)
			break;
	if (t == OBTYPES)
		goto bad;
	json_array_foreach(json_object_get(p, "actions"), i, a) {
		if (!json_is_string(a) || snprintf(name, sizeof(name),
		    "%s.%s", obtype, json_string_value(a)) >=
		    (int)sizeof(name) || scope_by_name(name, &bit) == -1 ||
		    !(bit & obtypes[t].scopes))
			goto bad;
		bits |= bit;
	}
	if (json_is_integer(obid))
		snprintf(ref, sizeof(ref), "%lld",
		    (long long)json_integer_value(obid));
	else if (!json_is_string(obid) ||
	    strlcpy(ref, json_string_value(obid), sizeof(ref)) >= sizeof(ref))
		goto bad;
	if (kp->count == KEYPERMS_MAX)
		goto bad;
	if (object_of(t, user, ref, kp->objects[kp->count].id) == -1) {
		*why = "a permission names an object that is not yours";
		return -1;
	}
	kp->objects[kp->count++].scopes = bits;
	kp->limited |= bits;
	return 0;
 bad:
	*why = "permissions must be a list of {obtype, obid, actions}";
	return -1;
}

int
keyperms_read(const char *text, uint64_t user, struct keyperms *kp,
    const char **why)
{
	json_t	*perms, *p;
	size_t	 i;
	int	 rc = 0;

	memset(kp, 0, sizeof(*kp));
	if ((perms = json_loads(text, 0, NULL)) == NULL ||
	    !json_is_array(perms)) {
		json_decref(perms);
		*why = "permissions must be a list of {obtype, obid, actions}";
		return -1;
	}
	json_array_foreach(perms, i, p)
		if (!json_is_object(p) || one(p, user, kp, why) == -1) {
			if (!json_is_object(p))
				*why = "permissions must be a list of "
				    "{obtype, obid, actions}";
			rc = -1;
			break;
		}
	json_decref(perms);
	return rc;
}

/* The objects of a new key's restricted scopes, inside its transaction. */
int
keyperms_keep(uint64_t key, const struct keyperms *kp, uint32_t restricted)
{
	static const char sql[] = "INSERT OR IGNORE INTO api_key_objects "
	    "(key_oid, scope, object_id) VALUES (?, ?, ?)";
	sqlite3_stmt	*st;
	size_t		 i;
	uint32_t	 bit;
	int		 rc;

	for (i = 0; i < kp->count; i++)
		for (bit = 1; bit != 0; bit <<= 1) {
			if (!(kp->objects[i].scopes & bit & restricted))
				continue;
			st = db_stmt(sql);
			sqlite3_bind_int64(st, 1, key);
			sqlite3_bind_int64(st, 2, bit);
			sqlite3_bind_text(st, 3, kp->objects[i].id, -1,
			    SQLITE_STATIC);
			rc = sqlite3_step(st);
			sqlite3_reset(st);
			if (rc != SQLITE_DONE)
				return -1;
		}
	return 0;
}

/*
 * The object (its id) a route of scope reached: 0, or 403 when the
 * principal is a key whose scope is limited to other objects.
 */
int
authz_object(const struct principal *p, uint32_t scope, const char *id)
{
	static const char sql[] = "SELECT count(*) FROM api_key_objects "
	    "WHERE key_oid = ? AND scope = ? AND object_id = ?";
	sqlite3_stmt	*st;
	int		 found = 0;

	if (p->kind != GRANT_APIKEY || !(p->restricted & scope))
		return 0;
	st = db_stmt(sql);
	sqlite3_bind_int64(st, 1, p->cred_oid);
	sqlite3_bind_int64(st, 2, scope);
	sqlite3_bind_text(st, 3, id, -1, SQLITE_STATIC);
	if (sqlite3_step(st) == SQLITE_ROW)
		found = sqlite3_column_int64(st, 0) > 0;
	sqlite3_reset(st);
	return found ? 0 : 403;
}

/*
 * The one device of its user an API key speaks for on the update poll:
 * the device its devices.read permission names, if it is restricted to
 * named objects (several: 403, it must name one); else the last device
 * registered with the key.  0 with it, 403, or 404 (none, or none that
 * lives: another user's device is never reached, as the user is part of
 * each query).
 */
int
keyperms_device(const struct principal *p, uint64_t *device)
{
	static const char named[] = "SELECT d.oid FROM api_key_objects o "
	    "JOIN devices d ON d.id = o.object_id WHERE o.key_oid = ? AND "
	    "o.scope = ? AND d.user_oid = ? LIMIT 2";
	static const char registered[] = "SELECT oid FROM devices WHERE "
	    "apikey_oid = ? AND user_oid = ? ORDER BY oid DESC LIMIT 1";
	sqlite3_stmt	*st;
	int		 n = 0;

	*device = 0;
	if (p->restricted & SCOPE_DEVICES_READ) {
		st = db_stmt(named);
		sqlite3_bind_int64(st, 1, p->cred_oid);
		sqlite3_bind_int64(st, 2, SCOPE_DEVICES_READ);
		sqlite3_bind_int64(st, 3, p->user_oid);
	} else {
		st = db_stmt(registered);
		sqlite3_bind_int64(st, 1, p->cred_oid);
		sqlite3_bind_int64(st, 2, p->user_oid);
	}
	while (sqlite3_step(st) == SQLITE_ROW) {
		*device = sqlite3_column_int64(st, 0);
		n++;
	}
	sqlite3_reset(st);
	if (n > 1)
		return 403;
	return n == 1 ? 0 : 404;
}
