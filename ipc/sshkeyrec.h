/*
 * An SSH key record as it travels between stored, authd and frontd (its
 * field table in sshkeyrec.c).  Whether its fields make one safe
 * authorized_keys line is in common/sshkeycheck.h.
 */
#ifndef MOAT_SSHKEYREC_H
#define MOAT_SSHKEYREC_H

#include <stdint.h>

#include "body.h"
#include "fields.h"

#define SSHKEY_PRIVATE_MAX	1023	/* an Ed25519 key, OpenSSH format */
#define SSHKEYS_PER_USER_MAX	100

enum sshkey_method {
	SSHKEY_UPLOAD = 1,
	SSHKEY_GENERATE = 2,
};

struct sshkey_rec {
	uint64_t	 oid;
	char		 id[37];
	uint64_t	 user_oid;
	char		 user_id[37];
	char		 name[FIELD_SSHKEY_NAME_MAX + 1];
	char		 type[SSHKEY_TYPE_MAX + 1];
	char		 blob64[SSHKEY_BLOB64_MAX + 1];
	char		 comment[SSHKEY_COMMENT_MAX + 1];
	char		 fingerprint[SSHKEY_FP_MAX + 1];
	uint32_t	 bits;
	int64_t		 created_at;
	/* made by authd for a generated key, in its answer only */
	char		 private_key[SSHKEY_PRIVATE_MAX + 1];
};

extern const struct ipc_body body_sshkey_rec;

#endif
