/*
 * libFuzzer target for the IPC decoder, with a compromised peer as the
 * attacker: the first byte picks who sends to whom, the rest is the
 * datagram.  A decoded message is then read item by item the way a
 * dispatcher would, and must end cleanly or with an error, never beyond
 * its bounds.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "ipc.h"
#include "wire.h"

int	 LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static void
read_all_items(struct ipc_msg *m)
{
	char		 s[256];
	uint8_t		 b[256];
	uint64_t	 u;
	int64_t		 i;
	size_t		 len;
	int		 v, isnil;

	while (ipc_remaining(m) > 0 && m->error == NULL) {
		switch (m->root.via.array.ptr[m->pos].type) {
		case MSGPACK_OBJECT_POSITIVE_INTEGER:
			ipc_get_u64(m, &u);
			break;
		case MSGPACK_OBJECT_NEGATIVE_INTEGER:
			ipc_get_i64(m, &i);
			break;
		case MSGPACK_OBJECT_BOOLEAN:
			ipc_get_bool(m, &v);
			break;
		case MSGPACK_OBJECT_STR:
			ipc_get_str(m, s, sizeof(s));
			if (m->error == NULL && strlen(s) >= sizeof(s))
				__builtin_trap();
			break;
		case MSGPACK_OBJECT_NIL:
			ipc_get_optstr(m, s, sizeof(s), &isnil);
			break;
		case MSGPACK_OBJECT_BIN:
			ipc_get_bin(m, b, sizeof(b), &len);
			break;
		default:
			/* the prewalk lets no other kind through */
			__builtin_trap();
		}
	}
	(void)ipc_end(m);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ipc_msg	 m;
	const char	*why;
	enum proc_id	 from, to;

	if (size < 1)
		return 0;
	from = data[0] % PROC_MAX;
	to = (data[0] / PROC_MAX) % PROC_MAX;
	if (ipc_decode(&m, data + 1, size - 1, -1, from, to, &why) == 0) {
		if (m.root.type != MSGPACK_OBJECT_ARRAY)
			__builtin_trap();
		read_all_items(&m);
		ipc_msg_clear(&m);
	} else if (why == NULL)
		__builtin_trap();
	/* the byte walk alone, on the raw bytes */
	(void)ipc_prewalk(data, size, &why);
	return 0;
}
