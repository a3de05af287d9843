/*
 * Bodies many messages share: a reply that is its head alone, the head
 * of a page of a list, a request that is its grant alone.
 */
#ifndef MOAT_IPC_BODY_CORE_H
#define MOAT_IPC_BODY_CORE_H

#include <stddef.h>
#include <stdint.h>

#include "body.h"
#include "fields.h"

/*
 * Whose objects a request may reach, as its route says (frontd's route
 * table); stored enforces it.  One meaning in every message.
 */
enum ipc_access {
	IPC_ACCESS_ANY = 1,	/* any principal: its role decides */
	IPC_ACCESS_ADMIN,	/* admins only, on any user's objects */
	IPC_ACCESS_OWN,		/* the caller's own objects only (portal) */
};

/* op.res and every reply that says how it went and nothing more */
struct ipc_status_res {
	struct ipc_head	 head;
};

/* a page of a list; its elements follow, as the catalogue's item says */
struct ipc_list_res {
	struct ipc_head	 head;
	uint64_t	 total;
	uint64_t	 count;
};

/* a request that carries its grant and nothing else */
struct ipc_grant_req {
	uint8_t		 grant[GRANT_LEN];
	size_t		 grant_len;
};

/* a request for a page of a list */
struct ipc_page_req {
	uint8_t		 grant[GRANT_LEN];
	size_t		 grant_len;
	uint32_t	 access;	/* enum ipc_access */
	uint32_t	 limit;
	uint32_t	 offset;
};

/* hello, both ways on every link: the protocol's version and who */
struct ipc_hello {
	uint64_t	 version;	/* IPC_VERSION */
	uint64_t	 id;		/* enum proc_id */
};

extern const struct ipc_body body_hello;
extern const struct ipc_body body_status_res;
extern const struct ipc_body body_list_res;
extern const struct ipc_body body_grant_req;
extern const struct ipc_body body_page_req;

#endif
