/*
 * A grant: authd's word to stored about who is asking (DESIGN.md, "Who
 * says who you are").  The principal, the credential it came from, an
 * expiry of at most a minute and a nonce, MACed with HMAC-SHA256 under
 * the grant key that only authd and stored hold.  frontd carries it and
 * cannot forge or alter it.
 */
#ifndef MOAT_GRANT_H
#define MOAT_GRANT_H

#include <stddef.h>
#include <stdint.h>

#include "fields.h"	/* GRANT_LEN, which the messages carrying one use */

#define GRANT_KEY_LEN		FIELD_GRANT_KEY_LEN
#define GRANT_MAX_AGE		60

enum grant_role {
	ROLE_NONE = 0,
	ROLE_ADMIN = 1,
	ROLE_USER = 2,
};

enum grant_kind {
	GRANT_SESSION = 1,	/* a login session, any dialect */
	GRANT_APIKEY = 2,	/* an ak_ key, with scopes */
	GRANT_LOGIN = 3,	/* a command-API LOGIN token */
	GRANT_ACCOUNT_KEY = 4,	/* an account v2 signing key pair */
	GRANT_DEVICE = 5,	/* a device's token: its own reads alone */
};

struct grant {
	uint64_t	 user_oid;
	uint8_t		 role;		/* enum grant_role */
	uint32_t	 scopes;	/* SCOPE_* bits; all for sessions */
	uint8_t		 kind;		/* enum grant_kind */
	uint64_t	 cred_oid;	/* the session, key or token row */
	int64_t		 issued;
	int64_t		 expires;
	uint8_t		 nonce[16];
};

/* API key scopes (certctrl-apikeys.txt) */
#define SCOPE_CERTS_READ	0x0001
#define SCOPE_CERTS_WRITE	0x0002
#define SCOPE_DEVICES_READ	0x0004
#define SCOPE_DEVICES_WRITE	0x0008
#define SCOPE_CAS_READ		0x0010
#define SCOPE_CAS_WRITE		0x0020
#define SCOPE_APIKEYS_READ	0x0040
#define SCOPE_APIKEYS_WRITE	0x0080
#define SCOPE_ALL		0xffffffffU

/* Serializes and MACs g into out[GRANT_LEN]. */
void	 grant_seal(const uint8_t key[GRANT_KEY_LEN], const struct grant *g,
	    uint8_t out[GRANT_LEN]);
/*
 * Checks the MAC, then the expiry against now; fills g.  Returns 0, or -1
 * with a reason that may be logged.
 */
int	 grant_open(const uint8_t key[GRANT_KEY_LEN], const uint8_t *in,
	    size_t len, int64_t now, struct grant *g, const char **why);
/*
 * The expiry of a grant, unchecked (0 if it is no grant): for frontd,
 * which carries grants without the key to check them, to know how long
 * one it was handed stays worth carrying.
 */
int64_t	 grant_expiry(const uint8_t *in, size_t len);
/*
 * The credential a grant names, unchecked, for frontd to forget the
 * grants it keeps for a session that ended.  -1 if it is no grant.
 */
int	 grant_credential(const uint8_t *in, size_t len, uint8_t *kind,
	    uint64_t *cred_oid);

#endif
