#ifndef MOAT_STORED_H
#define MOAT_STORED_H

#include <stdint.h>

#include <sqlite3.h>

#include "daemon.h"
#include "ipc.h"
#include "proc.h"

struct stored_config {
	struct daemon_config	 common;
};

struct stored {
	struct event_base	*base;
	struct ipc_chan		*chans[PROC_MAX];
	struct stored_config	 pending;
	struct stored_config	 conf;
	int			 serving;
};

extern struct stored *stored_env;

/* config.c */
int	 config_dispatch(struct ipc_chan *, struct ipc_msg *);

/* db.c: the one SQLite connection; statements prepared once */
void	 db_open(const char *path);
void	 db_close(void);
sqlite3_stmt *db_stmt(const char *sql);
int	 db_begin(void);
int	 db_commit(void);
void	 db_rollback(void);
int	 db_exec(const char *sql);
int64_t	 db_now(void);
int	 db_event(const char *type, const char *level, const char *user_id,
	    const char *message);

/* schema.c */
int	 schema_migrate(void);
int	 schema_version(void);

/* health.c */
int	 health_check(struct ipc_chan *, struct ipc_msg *);
int	 health_ping(struct ipc_chan *, struct ipc_msg *);

/* users.c */
int	 users_bootstrap(struct ipc_chan *, struct ipc_msg *);

#endif
