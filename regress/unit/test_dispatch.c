/*
 * Every process's dispatch table against the catalogue: this program is
 * linked once per process with that process's objects (its main renamed),
 * and checks the table it finds there; then the checker itself on tables
 * that are wrong in each way, and the rows' conditions.
 */
#include <string.h>

#include "dispatch.h"
#include "test.h"

static int	 calls;

static int
count(struct ipc_chan *chan, struct ipc_msg *m)
{
	(void)chan;
	(void)m;
	calls++;
	return 0;
}

/* The process's own table: complete, and nothing it may not receive. */
static void
test_process_table(void)
{
	char	 why[160] = "";

	CHECK_INT(ipc_dispatch_check(&dispatch_table, why, sizeof(why)), 0);
	if (why[0] != '\0')
		fprintf(stderr, "%s\n", why);
	CHECK(dispatch_table.nrows > 0);
}

static int
check_rows(const struct ipc_handler *rows, size_t n, char *why, size_t len)
{
	struct ipc_dispatch_table t = { dispatch_table.self, rows, n };

	return ipc_dispatch_check(&t, why, len);
}

/* A copy of the table broken one way at a time is refused. */
static void
test_broken_tables(void)
{
	struct ipc_handler	 rows[IPC_TYPE_MAX + 1];
	size_t			 n = dispatch_table.nrows;
	char			 why[160];
	unsigned int		 t;

	memcpy(rows, dispatch_table.rows, n * sizeof(rows[0]));
	/* a row missing */
	CHECK_INT(check_rows(rows, n - 1, why, sizeof(why)), -1);
	CHECK(strstr(why, "no handler for") != NULL);
	/* a row twice */
	rows[n] = rows[0];
	CHECK_INT(check_rows(rows, n + 1, why, sizeof(why)), -1);
	CHECK(strstr(why, "second") != NULL);
	/* a row without a function */
	rows[0].fn = NULL;
	CHECK_INT(check_rows(rows, n, why, sizeof(why)), -1);
	rows[0] = dispatch_table.rows[0];
	/* a row for a reply, and for hello: the channel's business */
	rows[n].fn = count;
	rows[n].flags = 0;
	rows[n].type = IPC_HELLO;
	CHECK_INT(check_rows(rows, n + 1, why, sizeof(why)), -1);
	rows[n].type = IPC_CFG_ACK;
	CHECK_INT(check_rows(rows, n + 1, why, sizeof(why)), -1);
	CHECK(strstr(why, "may not receive") != NULL);
	/* a row for a type the catalogue sends elsewhere */
	for (t = 1; t < IPC_TYPE_MAX; t++) {
		rows[n].type = t;
		if (check_rows(rows, n + 1, why, sizeof(why)) == -1 &&
		    strstr(why, "may not receive") != NULL)
			break;
	}
	CHECK(t < IPC_TYPE_MAX);
	rows[n].type = IPC_TYPE_MAX;
	CHECK_INT(check_rows(rows, n + 1, why, sizeof(why)), -1);
}

/* A row's conditions: once, after the configuration. */
static void
test_conditions(void)
{
	static const struct ipc_handler rows[] = {
		{ IPC_CFG_DONE, count, IPC_H_CONFIGURES },
		{ IPC_PROC_START, count, IPC_H_ONCE },
	};
	struct ipc_dispatcher	 d;
	struct ipc_msg		 m;
	const struct ipc_handler *row;
	size_t			 i;

	/* a dispatcher indexed by hand: a real table has every row */
	memset(&d, 0, sizeof(d));
	d.self = dispatch_table.self;
	for (i = 0; i < dispatch_table.nrows; i++) {
		row = &dispatch_table.rows[i];
		d.row[row->type] = row;
	}
	d.row[IPC_CFG_DONE] = &rows[0];
	d.row[IPC_PROC_START] = &rows[1];
	memset(&m, 0, sizeof(m));
	m.type = IPC_PROC_START;
	calls = 0;
	CHECK_INT(ipc_dispatch(NULL, &m, &d), 0);
	CHECK_INT(calls, 1);
	CHECK_INT(ipc_dispatch(NULL, &m, &d), -1);
	CHECK(m.error != NULL);
	CHECK_INT(calls, 1);
	/* rows for after the configuration wait for cfg.done */
	for (i = 0; i < dispatch_table.nrows; i++) {
		row = &dispatch_table.rows[i];
		if ((row->flags & IPC_H_CONFIGURED) == 0)
			continue;
		memset(&m, 0, sizeof(m));
		m.type = row->type;
		CHECK_INT(ipc_dispatch(NULL, &m, &d), -1);
		CHECK(m.error != NULL);
		break;
	}
	memset(&m, 0, sizeof(m));
	m.type = IPC_CFG_DONE;
	CHECK_INT(ipc_dispatch(NULL, &m, &d), 0);
	CHECK_INT(d.configured, 1);
	/* a type with no row */
	memset(&m, 0, sizeof(m));
	m.type = IPC_CFG_ACK;
	CHECK_INT(ipc_dispatch(NULL, &m, &d), -1);
}

int
main(void)
{
	test_process_table();
	test_broken_tables();
	test_conditions();
	return test_report(proc_name(dispatch_table.self));
}
