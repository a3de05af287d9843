/* Account v2 operations, as frontd, authd and stored number them. */
#ifndef MOAT_ACCOUNT_H
#define MOAT_ACCOUNT_H

/* IPC_AUTH_ACCOUNT_KEY and IPC_STORE_ACCOUNT_KEY */
enum account_key_op {
	ACCOUNT_KEY_CREATE = 1,		/* a signing key pair */
	ACCOUNT_KEY_ROTATE = 2,		/* its new secret */
	ACCOUNT_FILES_KEY = 3,		/* a new S3 credential pair */
};

/* POST /v2/account/data: which fields the request sets */
#define PROFILE_FIRST_NAME	0x01
#define PROFILE_LAST_NAME	0x02
#define PROFILE_PHONE		0x04
#define PROFILE_PASSWORD	0x08
#define PHONE_MAX		32

#endif
