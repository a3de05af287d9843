/*
 * The command API's messages in stored (stored/cce.c) over a real
 * channel, as frontd sends them: op.cce with its args as items and a
 * grant authd sealed, answered as cce.res with the data in chunks that
 * join into the JSON; a grant that opens nothing is 401 in the head; a
 * hashed value from frontd ends the channel (only authd sends those).
 */
#include <sys/socket.h>

#include <event2/event.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cce.h"
#include "ipc.h"
#include "stored.h"
#include "test.h"
#include "test_cce.h"
#include "wire.h"

static struct event_base	*base;
static int			 closed;

static int
dispatch(struct ipc_chan *chan, struct ipc_msg *m, void *arg)
{
	(void)arg;
	return cce_command(chan, m);
}

static void
on_close(struct ipc_chan *chan, const char *why, void *arg)
{
	(void)chan;
	(void)why;
	(void)arg;
	closed = 1;
}

static void
send_msg(int fd, struct ipc_msg *m)
{
	const void	*buf;
	size_t		 len;

	CHECK_INT(ipc_msg_finish(m, &buf, &len), 0);
	CHECK_INT(ipc_send_raw(fd, buf, len, -1), 0);
	ipc_msg_clear(m);
}

static int
recv_msg(int fd, struct ipc_msg *m)
{
	static uint8_t	 buf[IPC_MAX_MSG];
	struct timeval	 tv = { 0, 20000 };
	const char	*why;
	ssize_t		 n = 0;
	int		 i, pfd;

	for (i = 0; i < 100; i++) {
		event_base_loopexit(base, &tv);
		event_base_dispatch(base);
		n = recv(fd, buf, sizeof(buf), MSG_DONTWAIT | MSG_PEEK);
		if (n > 0 || closed)
			break;
	}
	if (n <= 0 || (n = ipc_recv_raw(fd, buf, sizeof(buf), &pfd)) <= 0)
		return -1;
	return ipc_decode(m, buf, (size_t)n, pfd, PROC_STORED, PROC_FRONTD,
	    &why);
}

/* A command of the admin's session; its answer's code and joined data. */
static int
command(int fd, const uint8_t *grant, uint32_t verb, const char *class,
    const char *key, const char *value, uint32_t op, uint32_t *head,
    json_t **data)
{
	static uint32_t		 reqid;
	struct ipc_cce_req	 q;
	struct ipc_cce_arg	 a;
	struct ipc_cce_res	 res;
	struct ipc_cce_chunk	 chunk;
	struct ipc_msg		 m;
	char			*text;
	size_t			 len = 0;

	memset(&q, 0, sizeof(q));
	memcpy(q.grant, grant, GRANT_LEN);
	q.grant_len = GRANT_LEN;
	q.verb = verb;
	strlcpy(q.class, class, sizeof(q.class));
	q.nargs = key != NULL;
	ipc_msg_init(&m, IPC_OP_CCE, ++reqid);
	ipc_msg_put(&m, &q);
	if (key != NULL) {
		memset(&a, 0, sizeof(a));
		strlcpy(a.key, key, sizeof(a.key));
		strlcpy(a.value, value, sizeof(a.value));
		a.op = op;
		ipc_msg_put_item(&m, &a);
	}
	send_msg(fd, &m);
	*data = NULL;
	if (recv_msg(fd, &m) == -1)
		return -1;
	CHECK_INT(m.type, IPC_CCE_RES);
	memset(&res, 0, sizeof(res));
	CHECK_INT(ipc_msg_get(&m, &res), 0);
	*head = res.head.status;
	text = calloc(1, (size_t)res.nchunks * CCE_CHUNK_MAX + 1);
	while (res.head.status == 200 && ipc_msg_get_item(&m, &chunk) == 1) {
		memcpy(text + len, chunk.text, strlen(chunk.text));
		len += strlen(chunk.text);
	}
	if (len > 0)
		*data = json_loads(text, 0, NULL);
	free(text);
	ipc_msg_clear(&m);
	return (int)res.code;
}

void
test_channel(void)
{
	struct ipc_chan	*chan;
	struct ipc_msg	 m;
	struct grant	 g;
	uint8_t		 grant[GRANT_LEN], stale[GRANT_LEN], key[GRANT_LEN];
	uint64_t	 sid;
	uint32_t	 head;
	json_t		*data;
	int		 sv[2];

	/* the admin's session, and grants authd would seal */
	stored_env->have_grant_key = 1;
	memset(stored_env->grant_key, 7, sizeof(stored_env->grant_key));
	stored_env->api = ratelimit_new(100000, 60, 64);
	CHECK_INT(db_exec("INSERT INTO sessions (public_id, kind, user_oid, "
	    "dialect, source_ip, created_at, last_used_at, expires_at, idle) "
	    "SELECT 'chan', 'ms_', oid, 2, '127.0.0.1', 0, strftime('%s'), "
	    "9999999999, 9999 FROM users WHERE username = 'admin'"), 0);
	sid = (uint64_t)count("SELECT oid FROM sessions WHERE public_id = "
	    "'chan'", 0);
	memset(&g, 0, sizeof(g));
	g.user_oid = admin.user_oid;
	g.role = ROLE_ADMIN;
	g.scopes = SCOPE_ALL;
	g.kind = GRANT_SESSION;
	g.cred_oid = sid;
	g.issued = time(NULL);
	g.expires = g.issued + 60;
	grant_seal(stored_env->grant_key, &g, grant);
	g.cred_oid = sid + 1000;	/* a session that is not there */
	grant_seal(stored_env->grant_key, &g, stale);
	/* an API key of the admin's: its scopes are not the command API's */
	CHECK_INT(db_exec("INSERT INTO api_keys (id, public_id, digest, "
	    "user_oid, name, scopes, created_at) SELECT 'kc', 'kcp', x'00', "
	    "oid, 'k', 1, 0 FROM users WHERE username = 'admin'"), 0);
	g.kind = GRANT_APIKEY;
	g.scopes = 1;
	g.cred_oid = (uint64_t)count("SELECT oid FROM api_keys WHERE "
	    "id = 'kc'", 0);
	grant_seal(stored_env->grant_key, &g, key);

	base = event_base_new();
	CHECK_INT(ipc_socketpair(sv), 0);
	closed = 0;
	chan = ipc_chan_new(base, sv[0], PROC_STORED, PROC_FRONTD, dispatch,
	    on_close, NULL);
	ipc_msg_init(&m, IPC_HELLO, 0);
	ipc_put_u64(&m, IPC_VERSION);
	ipc_put_u64(&m, PROC_FRONTD);
	send_msg(sv[1], &m);
	CHECK_INT(recv_msg(sv[1], &m), 0);
	CHECK_INT(m.type, IPC_HELLO);
	ipc_msg_clear(&m);

	/* a FIND: head 200, code 201, the oids joined from the chunks */
	CHECK_INT(command(sv[1], grant, CCE_V_FIND, "Vsite", NULL, NULL, 0,
	    &head, &data), CCE_OK);
	CHECK_INT((int)head, 200);
	CHECK(json_array_size(json_object_get(data, "oidlist")) > 1000);
	CHECK(json_object_get(data, "infos") != NULL);	/* cut to fit */
	json_decref(data);
	/* an error: code 301 and its errors */
	CHECK_INT(command(sv[1], grant, CCE_V_FIND, "Nope", NULL, NULL, 0,
	    &head, &data), CCE_UNKNOWN_CLASS);
	CHECK_INT((int)json_integer_value(json_object_get(json_array_get(
	    json_object_get(data, "errors"), 0), "code")), CCE_UNKNOWN_CLASS);
	json_decref(data);
	/* an arg */
	CHECK_INT(command(sv[1], grant, CCE_V_FIND, "User", "name", "admin",
	    CCE_OP_EQ, &head, &data), CCE_OK);
	CHECK_INT((int)json_array_size(json_object_get(data, "oidlist")), 1);
	json_decref(data);
	/* a grant whose session is gone: 401 in the head */
	command(sv[1], stale, CCE_V_CLASSES, "", NULL, NULL, 0, &head, &data);
	CHECK_INT((int)head, 401);
	command(sv[1], key, CCE_V_CLASSES, "", NULL, NULL, 0, &head, &data);
	CHECK_INT((int)head, 403);
	CHECK(!closed);
	/* a hash from frontd: no honest frontd sends one */
	CHECK_INT(command(sv[1], grant, CCE_V_SET, "", "password", "$x",
	    CCE_OP_HASHED, &head, &data), -1);
	CHECK(closed);
	ipc_chan_free(chan);
	close(sv[1]);
	event_base_free(base);
	ratelimit_free(stored_env->api);
	stored_env->api = NULL;
}
