/* Dispatch tables, and their check against the catalogue (dispatch.h). */
#include <stdio.h>
#include <string.h>

#include "dispatch.h"
#include "log.h"

/* Whether process self may receive type t from anyone, as a new message. */
static int
receives(enum proc_id self, unsigned int t)
{
	const struct ipc_msgdef	*def = ipc_msgdef(t);
	int			 from;

	/* hello and replies are the channel's own business */
	if (def == NULL || t == IPC_HELLO || (def->flags & IPC_F_REPLY))
		return 0;
	for (from = 0; from < PROC_MAX; from++)
		if (def->routes & IPC_ROUTE(from, self))
			return 1;
	return 0;
}

/* A body that opens with a grant, for rows that say so. */
static int
granted(unsigned int t)
{
	const struct ipc_body	*b = ipc_msgdef(t)->body;

	/* a body not yet typed is taken at its row's word */
	if (b == NULL)
		return 1;
	return b->nfields > 0 && b->fields[0].type == IPC_FT_BIN &&
	    strcmp(b->fields[0].name, "grant") == 0;
}

int
ipc_dispatch_check(const struct ipc_dispatch_table *table, char *why,
    size_t whylen)
{
	const struct ipc_handler *tab = table->rows;
	enum proc_id	 self = table->self;
	size_t		 n = table->nrows;
	uint8_t		 rows[IPC_TYPE_MAX];
	size_t		 i;
	unsigned int	 t;

	memset(rows, 0, sizeof(rows));
	for (i = 0; i < n; i++) {
		t = tab[i].type;
		if (t == 0 || t >= IPC_TYPE_MAX || !receives(self, t)) {
			snprintf(why, whylen, "%s handles %s, which it may "
			    "not receive", proc_name(self), ipc_type_name(t));
			return -1;
		}
		if (tab[i].fn == NULL || rows[t]++ != 0) {
			snprintf(why, whylen, "%s has %s handler for %s",
			    proc_name(self), tab[i].fn == NULL ? "a null" :
			    "a second", ipc_type_name(t));
			return -1;
		}
		if ((tab[i].flags & IPC_H_GRANT) && !granted(t)) {
			snprintf(why, whylen, "%s: the body of %s opens with "
			    "no grant", proc_name(self), ipc_type_name(t));
			return -1;
		}
	}
	for (t = 1; t < IPC_TYPE_MAX; t++)
		if (receives(self, t) && rows[t] == 0) {
			snprintf(why, whylen, "%s has no handler for %s",
			    proc_name(self), ipc_type_name(t));
			return -1;
		}
	return 0;
}

void
ipc_dispatcher_init(struct ipc_dispatcher *d,
    const struct ipc_dispatch_table *table)
{
	char	 why[160];
	size_t	 i;

	if (ipc_dispatch_check(table, why, sizeof(why)) == -1)
		fatalx("dispatch table: %s", why);
	memset(d, 0, sizeof(*d));
	d->self = table->self;
	for (i = 0; i < table->nrows; i++)
		d->row[table->rows[i].type] = &table->rows[i];
}

int
ipc_dispatch(struct ipc_chan *chan, struct ipc_msg *m, void *arg)
{
	struct ipc_dispatcher	*d = arg;
	const struct ipc_handler *h;

	/* the channel let only catalogue types from this peer through */
	if (m->type >= IPC_TYPE_MAX || (h = d->row[m->type]) == NULL)
		return ipc_violation(m, "no handler for this type");
	if ((h->flags & IPC_H_ONCE) && d->seen[m->type])
		return ipc_violation(m, "a message that comes once came again");
	if ((h->flags & IPC_H_CONFIGURED) && !d->configured)
		return ipc_violation(m, "a request before the configuration");
	d->seen[m->type] = 1;
	if (h->fn(chan, m) == -1)
		return -1;
	if (h->flags & IPC_H_CONFIGURES)
		d->configured = 1;
	return 0;
}
