#include "grouprec.h"

void
ipc_put_group(struct ipc_msg *m, const struct group_rec *g)
{
	ipc_put_str(m, g->id);
	ipc_put_str(m, g->name);
	ipc_put_u64(m, g->members);
	ipc_put_i64(m, g->created_at);
}

void
ipc_get_group(struct ipc_msg *m, struct group_rec *g)
{
	ipc_get_str(m, g->id, sizeof(g->id));
	ipc_get_str(m, g->name, sizeof(g->name));
	ipc_get_u64(m, &g->members);
	ipc_get_i64(m, &g->created_at);
}
