/*
 * The items of a body, for ipc/ itself (body.c walks a table with them,
 * chan.c and answer.c write heads) and for the tests of the wire, which
 * build what no table would.  No daemon writes or reads a body item by
 * item: each uses its type's typed body (ipc.h, body.h).
 */
#ifndef MOAT_IPC_WIRE_H
#define MOAT_IPC_WIRE_H

#include "ipc.h"

/* One record by its table: a part of a body. */
void	 ipc_msg_init_reply(struct ipc_msg *, enum ipc_type reqtype,
	    uint32_t reqid);
int	 ipc_send_status(struct ipc_chan *, enum ipc_type reqtype,
	    uint32_t reqid, uint32_t status, const char *message);
void	 ipc_body_put(struct ipc_msg *, const struct ipc_body *, const void *);
void	 ipc_body_get(struct ipc_msg *, const struct ipc_body *, void *);
void	 ipc_put_u64(struct ipc_msg *, uint64_t);
void	 ipc_put_i64(struct ipc_msg *, int64_t);
void	 ipc_put_bool(struct ipc_msg *, int);
void	 ipc_put_nil(struct ipc_msg *);
void	 ipc_put_str(struct ipc_msg *, const char *);
void	 ipc_put_strn(struct ipc_msg *, const char *, size_t);
void	 ipc_put_bin(struct ipc_msg *, const void *, size_t);
void	 ipc_put_fd(struct ipc_msg *, int);	/* passes ownership */
/* Appends the items written into another message being built. */
void	 ipc_append(struct ipc_msg *, const struct ipc_msg *items);
/* Appends the items of a received message (to pass an answer on). */
void	 ipc_append_decoded(struct ipc_msg *, const struct ipc_msg *in);

void	 ipc_get_u64(struct ipc_msg *, uint64_t *);
void	 ipc_get_u32(struct ipc_msg *, uint32_t *);
void	 ipc_get_i64(struct ipc_msg *, int64_t *);
void	 ipc_get_bool(struct ipc_msg *, int *);
/* Text: no NUL, must fit in dstlen with its terminator. */
void	 ipc_get_str(struct ipc_msg *, char *dst, size_t dstlen);
/* Text or nil; nil gives *isnil = 1 and an empty string. */
void	 ipc_get_optstr(struct ipc_msg *, char *dst, size_t dstlen,
	    int *isnil);
void	 ipc_get_bin(struct ipc_msg *, void *dst, size_t dstcap,
	    size_t *len);
/* An integer or nil; nil gives *isnil = 1 and 0. */
void	 ipc_get_opti64(struct ipc_msg *, int64_t *, int *isnil);
/* Takes ownership of the descriptor. */
void	 ipc_get_fd(struct ipc_msg *, int *fd);
/* -1 if a getter failed (a violation or a refusal) or items are left. */
int	 ipc_end(struct ipc_msg *);
uint32_t ipc_remaining(const struct ipc_msg *);

void	 ipc_put_head(struct ipc_msg *, uint32_t status, const char *message);
/* An error head with a retry-after (429, 503). */
void	 ipc_put_error_retry(struct ipc_msg *, uint32_t status, uint32_t retry,
	    const char *message);
/*
 * Reads a reply's head.  1 when it is 2xx: the body follows for the
 * caller to read and end.  0 for an error head, read to its end (with
 * its retry-after, if any).  -1 if the reply is malformed or refused.
 * h may be NULL where only success matters.
 */
int	 ipc_get_head(struct ipc_msg *, struct ipc_head *);

#endif
