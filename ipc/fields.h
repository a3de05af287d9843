/*
 * The longest values frontd passes on from a request, shared with the
 * processes that receive them.  A receiver treats a field longer than
 * its buffer as a violation and fails closed, so each receiving buffer
 * holds at least these and the receiver, not the length, decides what is
 * valid: a client can send anything up to them and get an error, never
 * stop the suite.
 */
#ifndef MOAT_FIELDS_H
#define MOAT_FIELDS_H

/* A grant as authd makes it (grant.h): frontd carries it to stored. */
#define GRANT_LEN		(1 + 8 + 1 + 4 + 1 + 8 + 8 + 8 + 16 + 32)

#define FIELD_REF_MAX		64	/* an object id from a path */
#define FIELD_FILTER_MAX	64	/* an events filter (type, ids) */
#define FIELD_LOGIN_NAME_MAX	1023	/* a user name or e-mail to log in */
#define FIELD_ACCOUNT_KEY_MAX	31	/* an account v2 API key, as given */
#define FIELD_HOST_MAX		255	/* the Host of a signed request */
/* A text column of an event as stored sends it; a longer one (an old row
 * with an odd actor) goes as an empty string. */
#define FIELD_EVENT_TEXT_MAX	2047
#define FIELD_PASSWORD_MAX	1024	/* read whole; authd refuses past 128 */
#define FIELD_SSHKEY_LINE_MAX	8192	/* a public key line, as pasted */
#define FIELD_SSHKEY_NAME_MAX	100	/* the name a customer gives a key */

/* An SSH public key once authd has checked it. */
#define SSHKEY_TYPE_MAX		40	/* sk-ecdsa-sha2-nistp256@openssh.com */
#define SSHKEY_BLOB64_MAX	3072	/* RSA of 16384 bits fits */
#define SSHKEY_COMMENT_MAX	255
#define SSHKEY_FP_MAX		50	/* SHA256: and 43 base64 characters */

/* The longest authd holds a password check (a login, an old password)
 * of an account under attack, seconds; one that would wait longer is
 * refused with 429.  frontd waits that much longer than its usual IPC
 * timeout for one. */
#define LOGIN_DELAY_MAX		8

/*
 * What authd checks and what it asks stored about it (body_auth.h);
 * the headers of the code that makes these name them.
 */
#define FIELD_PEER_MAX		63	/* a client's address, as text */
#define FIELD_NAME_MAX		254	/* a user name or e-mail, as kept */
#define FIELD_CRED_MAX		2048	/* a token or key, as found */
#define FIELD_CLIENT_SECRET_MAX	255	/* a command-API client's secret */
#define FIELD_HASH_MAX		255	/* a password's PHC string */
#define FIELD_GRANT_KEY_LEN	32	/* grant.h */
#define FIELD_TOKEN_KIND_MAX	3	/* tokens.h: a prefix, or "jwt" */
#define FIELD_CIDR_LIST_MAX	1023	/* cidr.h: a client's networks */

#endif
