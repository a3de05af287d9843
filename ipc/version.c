/*
 * IPC_VERSION: a hash of the catalogue and of every body's fields (names,
 * types, sizes and limits) and of the frame's own limits, so that any
 * change to a message changes the version.  ipcversion prints it at build
 * time (version_gen.c); the unit test checks the build's header against
 * the tables it was built with.
 */
#include <inttypes.h>
#include <string.h>

#include "ipc.h"

#define FNV_OFFSET	0xcbf29ce484222325ULL
#define FNV_PRIME	0x100000001b3ULL

static void
mix(uint64_t *hash, const void *p, size_t len)
{
	const unsigned char	*c = p;

	while (len-- > 0) {
		*hash ^= *c++;
		*hash *= FNV_PRIME;
	}
}

static void
mix_u64(uint64_t *hash, uint64_t v)
{
	uint8_t	 b[8];
	int	 i;

	for (i = 0; i < 8; i++)
		b[i] = (v >> (i * 8)) & 0xff;
	mix(hash, b, sizeof(b));
}

static void
mix_str(uint64_t *hash, const char *s)
{
	mix(hash, s, strlen(s) + 1);
}

static void
mix_body(uint64_t *hash, const struct ipc_body *b)
{
	size_t	 i;

	if (b == NULL) {
		mix_u64(hash, 0);
		return;
	}
	mix_str(hash, b->name);
	mix_u64(hash, b->nfields);
	for (i = 0; i < b->nfields; i++) {
		mix_str(hash, b->fields[i].name);
		mix_u64(hash, b->fields[i].type);
		/* a capacity is a limit; an offset is the compiler's */
		if (b->fields[i].type == IPC_FT_STR ||
		    b->fields[i].type == IPC_FT_OPTSTR ||
		    b->fields[i].type == IPC_FT_BIN)
			mix_u64(hash, b->fields[i].size);
		if (b->fields[i].type == IPC_FT_REC)
			mix_body(hash, b->fields[i].rec);
	}
}

uint64_t
ipc_version_of(const struct ipc_msgdef *defs, size_t n)
{
	uint64_t	 h = FNV_OFFSET;
	uint64_t	*hash = &h;
	size_t		 i;

	mix_u64(hash, IPC_HDR_LEN);
	mix_u64(hash, IPC_MAX_MSG);
	mix_u64(hash, IPC_MAX_ITEMS);
	mix_u64(hash, IPC_MESSAGE_MAX);
	for (i = 0; i < n; i++) {
		mix_u64(hash, defs[i].type);
		mix_str(hash, defs[i].name);
		mix_u64(hash, defs[i].maxlen);
		mix_u64(hash, defs[i].routes);
		mix_u64(hash, (uint64_t)defs[i].flags);
		mix_u64(hash, defs[i].reply);
		mix_body(hash, defs[i].body);
		mix_body(hash, defs[i].item);
	}
	/* nonzero in its low 16 bits: the frame header carries those */
	if ((h & 0xffff) == 0)
		h |= 1;
	return h;
}

uint64_t
ipc_version_now(void)
{
	struct ipc_msgdef	 defs[IPC_TYPE_MAX];
	const struct ipc_msgdef	*def;
	unsigned int		 t;
	size_t			 n = 0;

	for (t = 0; t < IPC_TYPE_MAX; t++)
		if ((def = ipc_msgdef(t)) != NULL)
			defs[n++] = *def;
	return ipc_version_of(defs, n);
}
