/*
 * An API key record as it travels between stored, authd and frontd
 * (its field table in keyrec.c).  The scopes' names are in
 * common/scopes.h.
 */
#ifndef MOAT_KEYREC_H
#define MOAT_KEYREC_H

#include <stdint.h>

#include "body.h"

#define KEYNAME_MAX	100
#define PERMISSIONS_MAX	4096
#define KEYTOKEN_MAX	64

struct key_rec {
	uint64_t	 oid;
	char		 id[37];
	char		 public_id[16];
	uint64_t	 user_oid;
	char		 name[KEYNAME_MAX + 1];
	uint32_t	 scopes;
	char		 permissions[PERMISSIONS_MAX + 1];	/* JSON */
	int64_t		 expires_at;	/* 0: never */
	int64_t		 created_at;
	int64_t		 last_used_at;
	char		 token[KEYTOKEN_MAX + 1];	/* at creation only */
};

extern const struct ipc_body body_key_rec;

#endif
