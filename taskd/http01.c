/*
 * http-01 (RFC 8555, section 8.3), taskd's side: an ACME order presents
 * a challenge by having stored keep its key authorization, which
 * frontd's acme listener serves, and cleans it up once the CA has
 * looked.  Both are requests to stored; done(arg, status) is called
 * with stored's status (200 done; 400 refused; 409 the token is another
 * owner's; 404 none to remove), or 503 when stored did not answer.
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "body_challenge.h"
#include "body_core.h"
#include "log.h"
#include "taskd.h"

struct http01_call {
	http01_done_fn	 done;
	void		*arg;
};

static void
answered(struct ipc_chan *chan, struct ipc_msg *m, void *arg)
{
	struct http01_call	*call = arg;
	struct ipc_status_res	 res;
	int			 status = 503;

	(void)chan;
	if (m != NULL)
		status = ipc_msg_get(m, &res) == 0 ? (int)res.head.status :
		    500;
	call->done(call->arg, status);
	free(call);
}

static int
ask(enum ipc_type type, const void *body, http01_done_fn done, void *arg)
{
	struct http01_call	*call;
	struct ipc_msg		 m;

	if ((call = calloc(1, sizeof(*call))) == NULL)
		fatal("%s", __func__);
	call->done = done;
	call->arg = arg;
	ipc_msg_init(&m, type, 0);
	ipc_msg_put(&m, body);
	if (ipc_request(taskd_env->chans[PROC_STORED], &m,
	    taskd_env->conf.common.ipc_timeout_ms, answered, call) == -1) {
		free(call);
		return -1;
	}
	return 0;
}

int
http01_present(const char *token, const char *key_authz, const char *owner,
    int64_t expires, http01_done_fn done, void *arg)
{
	struct ipc_acme_challenge_put	 b;

	memset(&b, 0, sizeof(b));
	if (strlcpy(b.token, token, sizeof(b.token)) >= sizeof(b.token) ||
	    strlcpy(b.key_authz, key_authz, sizeof(b.key_authz)) >=
	    sizeof(b.key_authz) ||
	    strlcpy(b.owner, owner, sizeof(b.owner)) >= sizeof(b.owner))
		return -1;
	b.expires = expires;
	return ask(IPC_ACME_CHALLENGE_PUT, &b, done, arg);
}

int
http01_cleanup(const char *token, const char *owner, http01_done_fn done,
    void *arg)
{
	struct ipc_acme_challenge_del	 b;

	memset(&b, 0, sizeof(b));
	if (strlcpy(b.token, token, sizeof(b.token)) >= sizeof(b.token) ||
	    strlcpy(b.owner, owner, sizeof(b.owner)) >= sizeof(b.owner))
		return -1;
	return ask(IPC_ACME_CHALLENGE_DEL, &b, done, arg);
}

#ifdef MOAT_TEST
/*
 * Test builds only: until taskd's ACME worker calls the two above, the
 * e2e test has taskd present the challenges of MOAT_TEST_HTTP01_PRESENT
 * ("token:key_authz" joined by ';', for an hour) at start, then clean
 * up those of MOAT_TEST_HTTP01_CLEANUP (tokens joined by ';'), through
 * stored as the worker will, and log what stored answered.
 */
static void
test_done(void *arg, int status)
{
	log_info("http01 test hook: %s: %d", (const char *)arg, status);
	free(arg);
}

static void
test_cleanup(void *arg, int status)
{
	const char	*env = getenv("MOAT_TEST_HTTP01_CLEANUP");
	char		*copy, *item, *next;

	test_done(arg, status);
	if (env == NULL || (copy = strdup(env)) == NULL)
		return;
	for (item = copy; item != NULL; item = next) {
		if ((next = strchr(item, ';')) != NULL)
			*next++ = '\0';
		if (http01_cleanup(item, "test", test_done,
		    strdup("cleanup")) == -1)
			fatalx("http01 test hook: cleanup %s", item);
	}
	free(copy);
}

void
http01_test_hook(void)
{
	const char	*env = getenv("MOAT_TEST_HTTP01_PRESENT");
	char		*copy, *item, *next, *ka;
	int		 last;

	if (env == NULL || (copy = strdup(env)) == NULL)
		return;
	for (item = copy; item != NULL; item = next) {
		if ((next = strchr(item, ';')) != NULL)
			*next++ = '\0';
		if ((ka = strchr(item, ':')) == NULL)
			fatalx("MOAT_TEST_HTTP01_PRESENT: malformed");
		*ka++ = '\0';
		/* the cleanup follows the last answer: requests to stored
		 * are answered in order */
		last = next == NULL;
		if (http01_present(item, ka, "test", time(NULL) + 3600,
		    last ? test_cleanup : test_done, strdup("present")) == -1)
			fatalx("http01 test hook: present %s", item);
	}
	free(copy);
}
#endif
