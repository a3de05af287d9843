/*
 * SSH public keys as a customer pastes them: one authorized_keys line
 * without options, checked as strictly as OpenSSH reads them, and
 * Ed25519 pairs made for a customer who has none.
 */
#ifndef MOAT_SSHKEY_H
#define MOAT_SSHKEY_H

#include <stddef.h>

#include "fields.h"

struct sshkey_pub {
	char		 type[SSHKEY_TYPE_MAX + 1];
	char		 blob64[SSHKEY_BLOB64_MAX + 1];	/* canonical */
	char		 comment[SSHKEY_COMMENT_MAX + 1];
	char		 fingerprint[SSHKEY_FP_MAX + 1];
	unsigned int	 bits;
};

/* Once, before the sandbox: libssh sets up its crypto. */
int	 sshkey_init(void);
/*
 * Parses the public key in line[0..len).  Returns 0, or -1 with why
 * saying, for the customer, what is wrong with it.
 */
int	 sshkey_parse(const char *line, size_t len, struct sshkey_pub *,
	    char *why, size_t whylen);
/*
 * A new Ed25519 pair: the public half in k, the private key in OpenSSH
 * format in priv (NUL-terminated).  The caller clears priv.  0 or -1.
 */
int	 sshkey_generate(const char *comment, struct sshkey_pub *k,
	    char *priv, size_t privlen);

#endif
