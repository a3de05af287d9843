/* Account v2 operations, as frontd, authd and stored number them. */
#ifndef MOAT_ACCOUNT_H
#define MOAT_ACCOUNT_H

/* IPC_AUTH_ACCOUNT_KEY and IPC_STORE_ACCOUNT_KEY */
enum account_key_op {
	ACCOUNT_KEY_CREATE = 1,		/* a signing key pair */
	ACCOUNT_KEY_ROTATE = 2,		/* its new secret */
	ACCOUNT_FILES_KEY = 3,		/* a new S3 credential pair */
};

#endif
