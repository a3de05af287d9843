/*
 * http-01 challenges (RFC 8555, section 8.3): stored keeps the pending
 * ones, taskd puts and removes them as its ACME orders present and
 * clean up, frontd's acme listener reads one by its token.
 */
#ifndef MOAT_IPC_BODY_CHALLENGE_H
#define MOAT_IPC_BODY_CHALLENGE_H

#include <stdint.h>

#include "body.h"

#define ACME_TOKEN_MAX		128	/* base64url characters */
/* the token, '.', the account key's thumbprint (43 base64url) */
#define ACME_KEYAUTHZ_MAX	255
#define ACME_OWNER_MAX		63	/* the certificate or order: an id */

/* acme.challenge.get: the key authorization of a token; and
 * acme.challenge.del: its removal */
struct ipc_acme_challenge_get {
	char		 token[ACME_TOKEN_MAX + 1];
};

/* acme.challenge.res: 200 and the key authorization, or 404 */
struct ipc_acme_challenge_res {
	struct ipc_head	 head;
	char		 key_authz[ACME_KEYAUTHZ_MAX + 1];
};

/* acme.challenge.put: a challenge presented, until expires (Unix
 * seconds); owner names the certificate or order it is for */
struct ipc_acme_challenge_put {
	char		 token[ACME_TOKEN_MAX + 1];
	char		 key_authz[ACME_KEYAUTHZ_MAX + 1];
	char		 owner[ACME_OWNER_MAX + 1];
	int64_t		 expires;
};

/* acme.challenge.del: the token, removed only by the owner that put it */
struct ipc_acme_challenge_del {
	char		 token[ACME_TOKEN_MAX + 1];
	char		 owner[ACME_OWNER_MAX + 1];
};

/* A token as RFC 8555 makes them: 1 to ACME_TOKEN_MAX base64url
 * characters; len is its length.  1 if so. */
int	 acme_token_ok(const char *token, size_t len);
/* token "." base64url thumbprint, that token's */
int	 acme_keyauthz_ok(const char *token, const char *key_authz);

extern const struct ipc_body body_acme_challenge_get;
extern const struct ipc_body body_acme_challenge_res;
extern const struct ipc_body body_acme_challenge_put;
extern const struct ipc_body body_acme_challenge_del;

#endif
