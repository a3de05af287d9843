/*
 * A command of the command API as frontd sends it: the raw line in
 * "cmd" (cceline.c) and the structured JSON fields, read into one
 * struct ipc_cce_req and its args, so that both forms mean the same.
 * It lives on the heap for one request: a full one is about 100 KiB.
 */
#ifndef MOAT_CCECMD_H
#define MOAT_CCECMD_H

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "body_cce.h"

struct ipc_msg;

struct ccecmd_arg {
	char		*key;
	char		*value;
	uint32_t	 op;		/* CCE_OP_EQ or CCE_OP_MATCH */
};

struct ccecmd {
	struct ipc_cce_req	 req;	/* its grant set once verified */
	struct ccecmd_arg	 args[CCE_ARGS_MAX];
	size_t			 bytes;	/* of keys and values */
};

/*
 * Reads body's "cmd" and fields into a new command; NULL with the text
 * protocol's code (402 or 403) and why in printable ASCII.
 */
struct ccecmd	*ccecmd_read(json_t *body, int *code, const char **why);
void		 ccecmd_free(struct ccecmd *);
/* Where it goes: auth.cce (CREATE, SET) or op.cce. */
int		 ccecmd_type(const struct ccecmd *);
/* The message, args as items; grant filled by the caller. */
void		 ccecmd_put(const struct ccecmd *, struct ipc_msg *);

#endif
