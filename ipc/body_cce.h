/*
 * The command API's messages (issue 12): a command of POST /v2/cce once
 * frontd has parsed it (the raw line or the structured form, which mean
 * the same), and its answer.  Reads (op.cce) go from frontd to stored;
 * writes (CREATE, SET) go through authd (auth.cce), which replaces every
 * value of a password property by its hash before it passes them on
 * (store.cce), so that no process but authd sees a password.  The
 * answer (cce.res) is the text protocol's code and message and the
 * "data" member as JSON text, in chunks that frontd joins.
 */
#ifndef MOAT_IPC_BODY_CCE_H
#define MOAT_IPC_BODY_CCE_H

#include <stddef.h>
#include <stdint.h>

#include "body.h"
#include "fields.h"

#define CCE_NAME_MAX	63	/* a class, namespace or sort word */
#define CCE_KEY_MAX	127	/* a property name, "Namespace.prop" at most */
#define CCE_VALUE_MAX	8191	/* a value, decoded */
#define CCE_ARGS_MAX	64	/* key/value pairs of one command */
#define CCE_OIDS_MAX	100	/* oids of one GETALL */
#define CCE_REASON_MAX	255	/* SUSPEND's reason */
#define CCE_COMMAND_MAX	255	/* a command as text, for COMMIT's results */
#define CCE_CHUNK_MAX	4095	/* bytes of the answer's JSON per item */
/* what the args of one command may add up to, keys and values: the
 * message must fit under its catalogue size with room to spare */
#define CCE_ARGS_BYTES	(96 * 1024)

enum cce_verb {
	CCE_V_AUTH, CCE_V_AUTHKEY, CCE_V_BEGIN, CCE_V_BYE, CCE_V_CLASSES,
	CCE_V_COMMIT, CCE_V_CREATE, CCE_V_DESTROY, CCE_V_ENDKEY, CCE_V_FIND,
	CCE_V_FINDX, CCE_V_GET, CCE_V_GETALL, CCE_V_GETOBJECT, CCE_V_LOGIN,
	CCE_V_NAMES, CCE_V_PING, CCE_V_RESUME, CCE_V_SET, CCE_V_SUSPEND,
	CCE_V_WHOAMI, CCE_V_MAX
};

enum cce_op {
	CCE_OP_EQ,		/* k=v */
	CCE_OP_MATCH,		/* k~re, or a FINDX regex_args member */
	CCE_OP_HASHED,		/* k=v where authd put a password's hash */
	CCE_OP_MAX
};

/* op.cce, auth.cce, store.cce: its args follow as items */
struct ipc_cce_req {
	uint8_t		 grant[GRANT_LEN];
	size_t		 grant_len;
	uint32_t	 verb;		/* enum cce_verb */
	char		 class[CCE_NAME_MAX + 1];
	uint64_t	 oid;
	char		 ns[CCE_NAME_MAX + 1];
	char		 sorttype[CCE_NAME_MAX + 1];
	char		 sortprop[CCE_KEY_MAX + 1];
	char		 reason[CCE_REASON_MAX + 1];
	uint8_t		 oids[CCE_OIDS_MAX * 8];	/* big-endian u64s */
	size_t		 oids_len;
	/* the command as the client wrote it (cut), for COMMIT's results
	 * and the events; never parsed again */
	char		 command[CCE_COMMAND_MAX + 1];
	uint32_t	 nargs;
};

struct ipc_cce_arg {
	char		 key[CCE_KEY_MAX + 1];
	char		 value[CCE_VALUE_MAX + 1];
	uint32_t	 op;		/* enum cce_op */
};

/* cce.res: head 200 when the command ran, whatever its code says */
struct ipc_cce_res {
	struct ipc_head	 head;
	uint32_t	 code;		/* the text protocol's status */
	char		 message[IPC_MESSAGE_MAX];
	uint32_t	 nchunks;	/* of the "data" JSON text; 0: none */
};

struct ipc_cce_chunk {
	char		 text[CCE_CHUNK_MAX + 1];
};

/* cfg.cce.passwords: the schema's password properties, whose values
 * authd hashes: "prop" of a class, "Namespace.prop" of a namespace */
struct ipc_cfg_cce_passwords {
	uint32_t	 count;
};

struct ipc_cfg_cce_password {
	char		 name[CCE_KEY_MAX + 1];
};

extern const struct ipc_body body_cce_req;
extern const struct ipc_body body_cce_arg;
extern const struct ipc_body body_cce_res;
extern const struct ipc_body body_cce_chunk;
extern const struct ipc_body body_cfg_cce_passwords;
extern const struct ipc_body body_cfg_cce_password;

#endif
