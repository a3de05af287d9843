/*
 * The kinds of credential frontd sends authd to check (auth.verify):
 * where in the request it was found.  authd takes a JWT only from a
 * bearer header; the rest it looks up as an opaque token or key.
 */
#ifndef MOAT_CRED_H
#define MOAT_CRED_H

enum cred_kind {
	CRED_BEARER = 1,	/* Authorization: Bearer */
	CRED_COOKIE = 2,	/* the apiv1 session cookie */
	CRED_BASIC = 3,		/* the password of Basic auth (an ak_ key) */
	CRED_BODY = 4,		/* a session id or token in a cce body */
};

#endif
