/*
 * libFuzzer target for frontd's reading of a command of the command API
 * (frontd/ccecmd.c): any JSON object as a request body, through the
 * bounded parser frontd uses, read into a command or refused with the
 * text protocol's code (402 or 403) and a reason.  What is read stays
 * within the bounds the messages declare, and fits its message.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ccecmd.h"
#include "ipc.h"
#include "json_limits.h"

int	 LLVMFuzzerTestOneInput(const uint8_t *, size_t);

#define REQUIRE(cond) do {						\
	if (!(cond))							\
		abort();						\
} while (0)

static void
check(const struct ccecmd *c)
{
	const struct ipc_cce_req *q = &c->req;
	struct ipc_msg		 m;
	const void		*buf;
	size_t			 len, bytes = 0;
	uint32_t		 i;

	REQUIRE(q->verb < CCE_V_MAX && q->nargs <= CCE_ARGS_MAX);
	REQUIRE(q->oids_len <= sizeof(q->oids) && q->oids_len % 8 == 0);
	for (i = 0; i < q->nargs; i++) {
		REQUIRE(c->args[i].op == CCE_OP_EQ ||
		    c->args[i].op == CCE_OP_MATCH);
		REQUIRE(strlen(c->args[i].key) <= CCE_KEY_MAX);
		REQUIRE(strlen(c->args[i].value) <= CCE_VALUE_MAX);
		bytes += strlen(c->args[i].key) + strlen(c->args[i].value);
	}
	REQUIRE(bytes <= CCE_ARGS_BYTES);
	ccecmd_put(c, &m);
	m.reqid = 1;
	REQUIRE(ipc_msg_finish(&m, &buf, &len) == 0);
	ipc_msg_clear(&m);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ccecmd	*c;
	json_t		*body;
	const char	*why = NULL;
	char		 err[128];
	int		 code = 0;

	body = json_parse_bounded_object((const char *)data, size, NULL, err,
	    sizeof(err));
	if (body == NULL)
		return 0;
	if ((c = ccecmd_read(body, &code, &why)) != NULL) {
		check(c);
		ccecmd_free(c);
	} else
		REQUIRE((code == 402 || code == 403) && why != NULL);
	json_decref(body);
	return 0;
}
