/*
 * Each process dispatches the messages it receives through one table, in
 * the spirit of OpenSSH's monitor: a row per type, its handler, and when
 * the type may come.  At start-up the table is checked against the
 * catalogue: every type the catalogue lets this process receive has
 * exactly one row, and no row names a type it may not receive.
 */
#ifndef MOAT_IPC_DISPATCH_H
#define MOAT_IPC_DISPATCH_H

#include <stddef.h>
#include <stdint.h>

#include "ipc.h"

/* A row's conditions; breaking one is a protocol violation. */
#define IPC_H_ONCE	0x01	/* at most once in the process's life */
#define IPC_H_CONFIGURES 0x02	/* completes the configuration (cfg.done) */
#define IPC_H_CONFIGURED 0x04	/* only once the configuration is done */
/* its body opens with a grant, which the handler checks (stored) */
#define IPC_H_GRANT	0x08

typedef int	(*ipc_handler_fn)(struct ipc_chan *, struct ipc_msg *);

struct ipc_handler {
	enum ipc_type	 type;
	ipc_handler_fn	 fn;
	int		 flags;
};

/* A process's table, exported for the unit test that checks them all. */
struct ipc_dispatch_table {
	enum proc_id		 self;
	const struct ipc_handler *rows;
	size_t			 nrows;
};

/* Each process defines its own. */
extern const struct ipc_dispatch_table dispatch_table;

struct ipc_dispatcher {
	enum proc_id		 self;
	const struct ipc_handler *row[IPC_TYPE_MAX];
	uint8_t			 seen[IPC_TYPE_MAX];
	int			 configured;
};

/*
 * Checks a table against the catalogue for its process.  Returns 0, or
 * -1 with what is wrong in why.
 */
int	 ipc_dispatch_check(const struct ipc_dispatch_table *, char *why,
	    size_t whylen);
/* Checks the table (a mismatch is fatal) and indexes it. */
void	 ipc_dispatcher_init(struct ipc_dispatcher *,
	    const struct ipc_dispatch_table *);
/* An ipc_dispatch_cb: arg is the struct ipc_dispatcher. */
int	 ipc_dispatch(struct ipc_chan *, struct ipc_msg *, void *arg);

#endif
