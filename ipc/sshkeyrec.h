/* An SSH key record between stored, authd and frontd: one field order. */
#ifndef MOAT_SSHKEYREC_H
#define MOAT_SSHKEYREC_H

#include <stdint.h>

#include "fields.h"
#include "ipc.h"

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

void	 ipc_put_sshkey(struct ipc_msg *, const struct sshkey_rec *);
void	 ipc_get_sshkey(struct ipc_msg *, struct sshkey_rec *);
/* status, message, and the record when status is 2xx */
void	 sshkey_res_put(struct ipc_msg *, int status, const char *message,
	    const struct sshkey_rec *);
int	 sshkey_res_get(struct ipc_msg *, int *status, char *message,
	    size_t messagelen, struct sshkey_rec *);
/*
 * Whether the stored fields can be one authorized_keys line as they
 * are: a type, base64 and a printable comment, nothing that could end
 * the line or add options.  stored checks it again before sshd sees it.
 */
int	 sshkey_rec_line_safe(const struct sshkey_rec *);

#endif
