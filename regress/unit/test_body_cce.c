/*
 * The command API's messages (ipc/body_cce.c): a command at its longest
 * (every part full, CCE_ARGS_BYTES of args, a value of CCE_VALUE_MAX)
 * fits its message and reads back whole; the routes: reads from frontd
 * to stored, writes from frontd to authd only, and only authd sends
 * store.cce (the one that may carry hashes); the answer at its longest
 * in chunks; the password names from moatd to authd alone.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "body_cce.h"
#include "body_cfg.h"
#include "ipc.h"
#include "log.h"
#include "test.h"

static void
fill_req(struct ipc_cce_req *q, uint32_t verb, uint32_t nargs)
{
	size_t	 i;

	memset(q, 0, sizeof(*q));
	memset(q->grant, 0xab, GRANT_LEN);
	q->grant_len = GRANT_LEN;
	q->verb = verb;
	memset(q->class, 'C', CCE_NAME_MAX);
	q->oid = UINT64_MAX;
	memset(q->ns, 'N', CCE_NAME_MAX);
	memset(q->sorttype, 's', CCE_NAME_MAX);
	memset(q->sortprop, 'p', CCE_KEY_MAX);
	memset(q->reason, 'r', CCE_REASON_MAX);
	for (i = 0; i < sizeof(q->oids); i++)
		q->oids[i] = (uint8_t)i;
	q->oids_len = sizeof(q->oids);
	memset(q->command, 'x', CCE_COMMAND_MAX);
	q->nargs = nargs;
}

/* nargs args, their keys and values together CCE_ARGS_BYTES at most */
static void
put_args(struct ipc_msg *w, uint32_t nargs, size_t vlen, uint32_t op)
{
	struct ipc_cce_arg	*a;
	uint32_t		 i;

	if ((a = calloc(1, sizeof(*a))) == NULL)
		fatal("calloc");
	for (i = 0; i < nargs; i++) {
		memset(a, 0, sizeof(*a));
		memset(a->key, 'k', CCE_KEY_MAX);
		a->key[0] = 'a' + i % 26;
		a->key[1] = 'a' + i / 26;
		memset(a->value, 'v', vlen);
		a->op = op;
		ipc_msg_put_item(w, a);
	}
	free(a);
}

static void
check_req(struct ipc_msg *r, uint32_t verb, uint32_t nargs, size_t vlen)
{
	struct ipc_cce_req	*q;
	struct ipc_cce_arg	*a;
	uint32_t		 i;

	if ((q = calloc(1, sizeof(*q))) == NULL ||
	    (a = calloc(1, sizeof(*a))) == NULL)
		fatal("calloc");
	CHECK_INT(ipc_msg_get(r, q), 0);
	CHECK_INT(q->verb, verb);
	CHECK_INT(q->grant_len, GRANT_LEN);
	CHECK_INT(strlen(q->class), CCE_NAME_MAX);
	CHECK(q->oid == UINT64_MAX);
	CHECK_INT(strlen(q->ns), CCE_NAME_MAX);
	CHECK_INT(strlen(q->sortprop), CCE_KEY_MAX);
	CHECK_INT(strlen(q->reason), CCE_REASON_MAX);
	CHECK_INT(q->oids_len, CCE_OIDS_MAX * 8);
	CHECK_INT(q->oids[CCE_OIDS_MAX * 8 - 1], (CCE_OIDS_MAX * 8 - 1) & 0xff);
	CHECK_INT(strlen(q->command), CCE_COMMAND_MAX);
	CHECK_INT(q->nargs, nargs);
	for (i = 0; i < nargs; i++) {
		CHECK_INT(ipc_msg_get_item(r, a), 1);
		CHECK_INT(strlen(a->key), CCE_KEY_MAX);
		CHECK_INT(a->key[0], 'a' + i % 26);
		CHECK_INT(strlen(a->value), vlen);
	}
	CHECK_INT(ipc_msg_get_item(r, a), 0);
	ipc_msg_clear(r);
	free(q);
	free(a);
}

/* every arg at its share of CCE_ARGS_BYTES; one value at its longest */
static void
test_longest(void)
{
	struct ipc_cce_req	 q;
	struct ipc_msg		 w, r;
	size_t			 share = CCE_ARGS_BYTES / CCE_ARGS_MAX -
				    CCE_KEY_MAX;
	uint32_t		 fit = CCE_ARGS_BYTES /
				    (CCE_KEY_MAX + CCE_VALUE_MAX);

	fill_req(&q, CCE_V_FINDX, CCE_ARGS_MAX);
	ipc_msg_init(&w, IPC_OP_CCE, 1);
	CHECK_INT(ipc_msg_put(&w, &q), 1);
	put_args(&w, CCE_ARGS_MAX, share, CCE_OP_MATCH);
	CHECK_INT(test_ipc_pass(&w, PROC_FRONTD, PROC_STORED, &r), 0);
	check_req(&r, CCE_V_FINDX, CCE_ARGS_MAX, share);

	fill_req(&q, CCE_V_CREATE, fit);
	ipc_msg_init(&w, IPC_AUTH_CCE, 2);
	CHECK_INT(ipc_msg_put(&w, &q), 1);
	put_args(&w, fit, CCE_VALUE_MAX, CCE_OP_EQ);
	CHECK_INT(test_ipc_pass(&w, PROC_FRONTD, PROC_AUTHD, &r), 0);
	check_req(&r, CCE_V_CREATE, fit, CCE_VALUE_MAX);

	/* authd passes it on with hashes: the same size at most */
	fill_req(&q, CCE_V_SET, CCE_ARGS_MAX);
	ipc_msg_init(&w, IPC_STORE_CCE, 3);
	CHECK_INT(ipc_msg_put(&w, &q), 1);
	put_args(&w, CCE_ARGS_MAX, share, CCE_OP_HASHED);
	CHECK_INT(test_ipc_pass(&w, PROC_AUTHD, PROC_STORED, &r), 0);
	check_req(&r, CCE_V_SET, CCE_ARGS_MAX, share);
}

/* who may send what to whom */
static void
test_routes(void)
{
	static const struct {
		int		 type;
		enum proc_id	 from, to;
		int		 ok;
	} routes[] = {
		{ IPC_OP_CCE, PROC_FRONTD, PROC_STORED, 0 },
		{ IPC_OP_CCE, PROC_FRONTD, PROC_AUTHD, -1 },
		{ IPC_OP_CCE, PROC_AUTHD, PROC_STORED, -1 },
		{ IPC_AUTH_CCE, PROC_FRONTD, PROC_AUTHD, 0 },
		{ IPC_AUTH_CCE, PROC_FRONTD, PROC_STORED, -1 },
		/* only authd sends the command that may carry hashes */
		{ IPC_STORE_CCE, PROC_AUTHD, PROC_STORED, 0 },
		{ IPC_STORE_CCE, PROC_FRONTD, PROC_STORED, -1 },
		{ IPC_STORE_CCE, PROC_TASKD, PROC_STORED, -1 },
		{ IPC_STORE_CCE, PROC_MOATD, PROC_STORED, -1 },
	};
	struct ipc_cce_req	 q;
	struct ipc_msg		 w, r;
	size_t			 i;

	for (i = 0; i < sizeof(routes) / sizeof(routes[0]); i++) {
		fill_req(&q, CCE_V_SET, 1);
		ipc_msg_init(&w, routes[i].type, 4);
		ipc_msg_put(&w, &q);
		put_args(&w, 1, 10, CCE_OP_EQ);
		CHECK_INT(test_ipc_pass(&w, routes[i].from, routes[i].to, &r),
		    routes[i].ok);
		if (routes[i].ok == 0)
			ipc_msg_clear(&r);
	}
}

static void
put_res(struct ipc_msg *w, uint32_t nchunks)
{
	struct ipc_cce_res	 res;
	struct ipc_cce_chunk	*c;
	uint32_t		 i;

	if ((c = calloc(1, sizeof(*c))) == NULL)
		fatal("calloc");
	memset(&res, 0, sizeof(res));
	res.head.status = 200;
	res.code = 201;
	strlcpy(res.message, "OK", sizeof(res.message));
	res.nchunks = nchunks;
	ipc_msg_init(w, IPC_CCE_RES, 9);
	CHECK_INT(ipc_msg_put(w, &res), 1);
	memset(c->text, '0', CCE_CHUNK_MAX);
	for (i = 0; i < nchunks; i++)
		ipc_msg_put_item(w, c);
	free(c);
}

/* the answer in chunks, as frontd joins them; stored's and authd's */
static void
test_res(void)
{
	struct ipc_cce_res	 res;
	struct ipc_cce_chunk	*c;
	struct ipc_msg		 w, r;
	const void		*buf;
	size_t			 len;
	uint32_t		 i, n = 30;

	if ((c = calloc(1, sizeof(*c))) == NULL)
		fatal("calloc");
	put_res(&w, n);
	CHECK_INT(test_ipc_pass(&w, PROC_STORED, PROC_FRONTD, &r), 0);
	CHECK_INT(ipc_msg_get(&r, &res), 0);
	CHECK_INT(res.head.status, 200);
	CHECK_INT(res.code, 201);
	CHECK_INT(res.nchunks, n);
	for (i = 0; i < n; i++) {
		CHECK_INT(ipc_msg_get_item(&r, c), 1);
		CHECK_INT(strlen(c->text), CCE_CHUNK_MAX);
	}
	CHECK_INT(ipc_msg_get_item(&r, c), 0);
	ipc_msg_clear(&r);
	put_res(&w, 1);
	CHECK_INT(test_ipc_pass(&w, PROC_STORED, PROC_AUTHD, &r), 0);
	ipc_msg_clear(&r);
	put_res(&w, 1);
	CHECK_INT(test_ipc_pass(&w, PROC_AUTHD, PROC_FRONTD, &r), 0);
	ipc_msg_clear(&r);
	put_res(&w, 1);
	CHECK_INT(test_ipc_pass(&w, PROC_FRONTD, PROC_STORED, &r), -1);
	/* more than the message holds is never sent: stored cuts it */
	put_res(&w, 40);
	CHECK_INT(ipc_msg_finish(&w, &buf, &len), -1);
	ipc_msg_clear(&w);
	free(c);
}

/* moatd's password names to authd; the schema's descriptor to stored */
static void
test_config(void)
{
	struct ipc_cfg_cce_passwords	 b = { 2 }, bo;
	struct ipc_cfg_cce_password	 p;
	struct ipc_msg			 w, r;

	ipc_msg_init(&w, IPC_CFG_CCE_PASSWORDS, 0);
	ipc_msg_put(&w, &b);
	memset(&p, 0, sizeof(p));
	memset(p.name, 'p', CCE_NAME_MAX);
	ipc_msg_put_item(&w, &p);
	strlcpy(p.name, "password", sizeof(p.name));
	ipc_msg_put_item(&w, &p);
	CHECK_INT(test_ipc_pass(&w, PROC_MOATD, PROC_AUTHD, &r), 0);
	CHECK_INT(ipc_msg_get(&r, &bo), 0);
	CHECK_INT(bo.count, 2);
	CHECK_INT(ipc_msg_get_item(&r, &p), 1);
	CHECK_INT(strlen(p.name), CCE_NAME_MAX);
	CHECK_INT(ipc_msg_get_item(&r, &p), 1);
	CHECK_STR(p.name, "password");
	CHECK_INT(ipc_msg_get_item(&r, &p), 0);
	ipc_msg_clear(&r);
	ipc_msg_init(&w, IPC_CFG_CCE_PASSWORDS, 0);
	ipc_msg_put(&w, &b);
	CHECK_INT(test_ipc_pass(&w, PROC_MOATD, PROC_STORED, &r), -1);
	ipc_msg_init(&w, IPC_CFG_CCE_PASSWORDS, 0);
	ipc_msg_put(&w, &b);
	CHECK_INT(test_ipc_pass(&w, PROC_FRONTD, PROC_AUTHD, &r), -1);
}

int
main(void)
{
	log_init(1, 0);
	RUN(test_longest);
	RUN(test_routes);
	RUN(test_res);
	RUN(test_config);
	return test_report("body_cce");
}
