/*
 * Typed bodies: every message type owns a struct, and a table of its
 * fields says how that struct travels.  The catalogue names each type's
 * table; ipc_msg_put() and ipc_msg_get() are the one writer and the one
 * reader every sender and receiver use, so no daemon writes or reads a
 * body item by item.
 *
 * On the wire a body stays one flat array of scalars: a record's fields
 * are written in their table's order, a nested record in place, and a
 * list's elements (the catalogue's item table) after the body.  A reply
 * begins with its head; the fields after it travel only on 2xx.
 *
 * The tables are data, so the protocol's version is a hash of them and
 * of the catalogue (ipc/version.c, run at build time): two builds that
 * disagree on any field refuse each other at hello.
 */
#ifndef MOAT_IPC_BODY_H
#define MOAT_IPC_BODY_H

#include <stddef.h>
#include <stdint.h>

enum ipc_ftype {
	IPC_FT_U64 = 1,		/* uint64_t */
	IPC_FT_U32,		/* uint32_t; a larger number is refused */
	IPC_FT_I64,		/* int64_t */
	IPC_FT_BOOL,		/* int, 0 or 1 */
	IPC_FT_STR,		/* char[size]: text without NUL that fits */
	IPC_FT_OPTSTR,		/* char[size], or nil: the int at aux is 1 */
	IPC_FT_OPTI64,		/* int64_t, or nil: the int at aux is 1 */
	IPC_FT_BIN,		/* uint8_t[size]; its length a size_t at aux */
	IPC_FT_FD,		/* int: a descriptor, passed with ownership */
	IPC_FT_REC,		/* a nested record, the table at rec */
	IPC_FT_HEAD,		/* struct ipc_head: a reply's status first */
};

/* The head of every reply: its status (an HTTP status) and message. */
#define IPC_MESSAGE_MAX	256
struct ipc_head {
	uint32_t	 status;
	uint32_t	 retry;		/* seconds, after some errors */
	char		 message[IPC_MESSAGE_MAX];
};

struct ipc_body;

struct ipc_field {
	const char		*name;
	enum ipc_ftype		 type;
	size_t			 off;
	size_t			 size;
	size_t			 aux;
	const struct ipc_body	*rec;
};

struct ipc_body {
	const char		*name;
	size_t			 size;
	const struct ipc_field	*fields;
	size_t			 nfields;
};

#define IPC_MEMBER_SIZE(s, m)	sizeof(((struct s *)0)->m)
#define IPC_FIELD(s, m, t) \
	{ #m, (t), offsetof(struct s, m), IPC_MEMBER_SIZE(s, m), 0, NULL }
/* a field whose length or nil flag lives in member a */
#define IPC_FIELD_AUX(s, m, t, a) \
	{ #m, (t), offsetof(struct s, m), IPC_MEMBER_SIZE(s, m), \
	    offsetof(struct s, a), NULL }
#define IPC_FIELD_REC(s, m, r) \
	{ #m, IPC_FT_REC, offsetof(struct s, m), IPC_MEMBER_SIZE(s, m), 0, &(r) }
#define IPC_BODY(s, f) \
	{ #s, sizeof(struct s), (f), sizeof(f) / sizeof((f)[0]) }

/* The body of a message that carries nothing but its type. */
extern const struct ipc_body ipc_body_none;

#endif
