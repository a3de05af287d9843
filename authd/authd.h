#ifndef MOAT_AUTHD_H
#define MOAT_AUTHD_H

#include <stdint.h>

#include "daemon.h"
#include "ipc.h"
#include "proc.h"

#define MASTER_KEY_LEN	32

struct authd_argon2 {
	uint32_t	 memory_kib;
	uint32_t	 time;
	uint32_t	 parallelism;
};

struct authd_config {
	struct daemon_config	 common;
	struct authd_argon2	 argon2;
};

struct authd {
	struct event_base	*base;
	struct ipc_chan		*chans[PROC_MAX];
	struct authd_config	 pending;
	struct authd_config	 conf;
	unsigned char		 master_key[MASTER_KEY_LEN];
	int			 have_master_key;
	int			 serving;
};

extern struct authd *authd_env;

/* config.c */
int	 config_dispatch(struct ipc_chan *, struct ipc_msg *);

/* bootstrap.c */
int	 bootstrap_admin(struct ipc_chan *, struct ipc_msg *);
int	 password_hash(const struct authd_argon2 *, const char *password,
	    char *encoded, size_t encodedlen);

#endif
