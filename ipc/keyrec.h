/* An API key record between stored, authd and frontd: one field order. */
#ifndef MOAT_KEYREC_H
#define MOAT_KEYREC_H

#include <stdint.h>

#include "ipc.h"

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

void	 key_res_put(struct ipc_msg *, int status, const char *message,
	    const struct key_rec *);
int	 key_res_get(struct ipc_msg *, int *status, char *message,
	    size_t messagelen, struct key_rec *);
void	 ipc_put_key(struct ipc_msg *, const struct key_rec *);
void	 ipc_get_key(struct ipc_msg *, struct key_rec *);

/* Scope names of certctrl-apikeys.txt and their bits in a grant. */
int	 scope_by_name(const char *, uint32_t *bit);
const char *scope_name(uint32_t bit);

#endif
