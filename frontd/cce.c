/*
 * The command API v2 (cced-api-v2.txt, NOTES.md): POST /v2/cce with
 * {"cmd": ...}.  From localhost, AUTH gives a session id; from anywhere
 * else, only an allowed client with its secret may LOGIN for a token
 * bound to it and its address.  Every answer is {"status","message",
 * "data"}, with the text protocol's codes mapped to HTTP.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "api.h"
#include "body_auth.h"
#include "body_cce.h"
#include "ccecmd.h"
#include "cred.h"
#include "frontd.h"
#include "grantcache.h"
#include "log.h"
#include "timefmt.h"

#define CMD_MAX		32

/* What the command needs after authentication. */
enum cce_cmd {
	CCE_AUTHKEY,
	CCE_BYE,
	CCE_ENDKEY,
	CCE_OBJECTS,		/* the rest: to stored, or through authd */
};

struct cce_state {
	enum cce_cmd	 cmd;
	char		 user[256];	/* AUTHKEY: whose session it should be */
	struct ccecmd	*command;	/* CCE_OBJECTS: ~3 KiB, args apart */
};

/* The text protocol's codes, reused in "status"; HTTP follows them. */
static int
http_status(int code)
{
	if (code == 304)
		return 403;
	if (code == 401)
		return 401;
	if (code == 402 || code == 403)
		return 400;
	if (code == 404 || code == 409)
		return code;
	return code >= 300 ? 502 : 200;
}

void
cce_answer(struct api_req *r, int code, const char *message, json_t *data)
{
	json_t	*j = json_pack("{s:i,s:s}", "status", code, "message",
	    message);

	/* a message that is not UTF-8 (stored's, cut) is not passed on */
	if (j == NULL && (j = json_pack("{s:i,s:s}", "status", code,
	    "message", code < 300 ? "OK" : "FAIL")) == NULL)
		fatalx("%s: out of memory", __func__);
	if (data != NULL)
		json_object_set_new(j, "data", data);
	api_json(r, http_status(code), j);
}

void
cce_fail(struct api_req *r, int code, const char *message, const char *why)
{
	json_t	*data = json_pack("{s:[{s:i,s:s}]}", "errors", "code", code,
	    "message", why);

	if (data == NULL)
		data = json_pack("{s:[{s:i,s:s}]}", "errors", "code", code,
		    "message", message);
	cce_answer(r, code, message, data);
}

#define answer	cce_answer
#define fail	cce_fail

/* The session is over: the words a client re-logs in on, in both. */
static void
expired(struct api_req *r)
{
	fail(r, 401, "Invalid or expired token", "Invalid or expired token");
}

static int
is_local(struct api_req *r)
{
	const char	*peer = api_peer(r);

	if (r->peer_unnamed)
		return 0;
	return strcmp(peer, "127.0.0.1") == 0 || strcmp(peer, "::1") == 0;
}

static const char *
member(json_t *body, const char *name)
{
	json_t	*v = json_object_get(body, name);

	return json_is_string(v) && json_string_length(v) < 1024 ?
	    json_string_value(v) : NULL;
}

static const char *
client_secret(struct api_req *r, char *out, size_t outlen)
{
	const struct http_header	*h;

	h = http_header_get(r->c->req, "X-Client-Secret");
	if (h == NULL || h->valuelen == 0 || h->valuelen >= outlen)
		return NULL;
	memcpy(out, h->value, h->valuelen);
	out[h->valuelen] = '\0';
	return out;
}

/* ---- AUTH and LOGIN ------------------------------------------------------ */

static void
authed(struct ipc_chan *chan, struct ipc_msg *m, void *arg)
{
	struct api_req		*r = arg;
	struct ipc_login_res	 l;

	(void)chan;
	login_res_get(r, m, &l);
	if (l.head.status == 200)
		answer(r, 201, "GOODBYE", json_pack("{s:s}", "sessionid",
		    l.token));
	else if (l.head.status == 429)
		api_error_retry(r, 429, l.head.retry, "too many failed logins");
	else
		fail(r, 401, "GOODBYE", "FAIL");
	explicit_bzero(&l, sizeof(l));
}

static void
logged_in(struct ipc_chan *chan, struct ipc_msg *m, void *arg)
{
	struct api_req		*r = arg;
	struct ipc_login_res	 l;
	char			 expires[RFC3339_LEN];

	(void)chan;
	login_res_get(r, m, &l);
	if (l.head.status == 200) {
		rfc3339_format(time(NULL) + l.expires_in, expires);
		answer(r, 201, "OK", json_pack("{s:s,s:s}", "token", l.token,
		    "expires", expires));
	} else if (l.head.status == 429)
		api_error_retry(r, 429, l.head.retry, "too many failed logins");
	else if (l.head.status == 403)
		fail(r, 304, "PERMISSION DENIED", l.head.message);
	else
		fail(r, 401, "FAIL", "invalid credentials");
	explicit_bzero(&l, sizeof(l));
}

static void
cce_auth(struct api_req *r, json_t *body)
{
	const char	*user = member(body, "user"), *pass;

	if (user == NULL)
		user = member(body, "username");
	pass = member(body, "password");
	if (user == NULL || pass == NULL) {
		fail(r, 403, "BAD PARAMETERS", "user and password required");
		return;
	}
	if (api_login(r, user, pass, authed) == -1)
		fail(r, 500, "FAIL", "authentication unavailable");
}

static void
cce_login(struct api_req *r, json_t *body, const char *secret)
{
	struct ipc_auth_client_login	 b;
	const char			*user, *pass;
	int				 rc;

	if ((user = member(body, "username")) == NULL)
		user = member(body, "user");
	pass = member(body, "password");
	/* member() and client_secret() take no more than these hold */
	memset(&b, 0, sizeof(b));
	strlcpy(b.peer, api_peer(r), sizeof(b.peer));
	strlcpy(b.secret, secret, sizeof(b.secret));
	strlcpy(b.name, user != NULL ? user : "", sizeof(b.name));
	strlcpy(b.password, user != NULL && pass != NULL ? pass : "",
	    sizeof(b.password));
	rc = api_ask_slow(r, frontd_env->chans[PROC_AUTHD],
	    IPC_AUTH_CLIENT_LOGIN, &b, API_WAIT_PASSWORD, logged_in);
	explicit_bzero(&b, sizeof(b));
	if (rc == -1)
		fail(r, 500, "FAIL", "authentication unavailable");
}

/* ---- commands that need a session ----------------------------------- */

static void
who(struct ipc_chan *chan, struct ipc_msg *m, void *arg)
{
	struct api_req		*r = arg;
	struct cce_state	*st = r->state;
	struct ipc_user_res	 res;

	(void)chan;
	conn_ipc_done(r->c);
	if (m == NULL) {
		fail(r, 500, "FAIL", "storage unavailable");
		return;
	}
	if (ipc_msg_get(m, &res) == -1)
		fail(r, 500, "FAIL", "internal error");
	else if (res.head.status != 200)
		expired(r);
	else if (strcmp(res.user.username, st->user) == 0)
		answer(r, 201, "OK", NULL);
	else
		fail(r, 401, "FAIL", "session of another user");
}

static void
ended(struct ipc_chan *chan, struct ipc_msg *m, void *arg)
{
	struct api_req		*r = arg;
	struct cce_state	*st = r->state;
	struct ipc_status_res	 res;

	(void)chan;
	conn_ipc_done(r->c);
	if (m == NULL || ipc_msg_get(m, &res) == -1)
		res.head.status = 500;
	/* as every logout: no grant kept for the session outlives it */
	if (res.head.status == 200)
		grantcache_forget_credential(r->grant);
	if (res.head.status != 200)
		expired(r);
	else if (st->cmd == CCE_BYE)
		answer(r, 202, "GOODBYE", NULL);
	else
		answer(r, 201, "OK", NULL);
}

/* A command of the object model, its grant now known: reads to stored,
 * writes through authd, which hashes their passwords. */
static void
send_command(struct api_req *r, struct ccecmd *c)
{
	struct ipc_msg	 m;
	int		 proc;

	api_grant(r, c->req.grant, &c->req.grant_len);
	proc = ccecmd_type(c) == IPC_AUTH_CCE ? PROC_AUTHD : PROC_STORED;
	ccecmd_put(c, &m);
	if (api_request(r, frontd_env->chans[proc], &m, cce_answered) == -1)
		fail(r, 500, "FAIL", proc == PROC_AUTHD ?
		    "authentication unavailable" : "storage unavailable");
}

static void
verified(struct ipc_chan *chan, struct ipc_msg *m, void *arg)
{
	struct api_req		*r = arg;
	struct cce_state	*st = r->state;
	struct ipc_grant_req	 q;
	uint32_t		 status, retry;
	int			 me;

	(void)chan;
	conn_ipc_done(r->c);
	if (m == NULL) {
		fail(r, 500, "FAIL", "authentication unavailable");
		return;
	}
	if (verify_res_get(m, &status, &retry, r->grant) == -1) {
		fail(r, 500, "FAIL", "internal error");
		return;
	}
	if (status == 403) {
		fail(r, 304, "PERMISSION DENIED",
		    "client secret or address refused");
		return;
	}
	if (status == 429) {
		api_error_retry(r, 429, retry, "too many requests");
		return;
	}
	if (status != 200) {
		expired(r);
		return;
	}
	if (st->cmd == CCE_OBJECTS) {
		send_command(r, st->command);
		return;
	}
	me = st->cmd == CCE_AUTHKEY;
	api_grant(r, q.grant, &q.grant_len);
	if (api_ask(r, frontd_env->chans[PROC_STORED], me ? IPC_OP_ME :
	    IPC_OP_LOGOUT, &q, me ? who : ended) == -1)
		fail(r, 500, "FAIL", "storage unavailable");
}

/*
 * The session id (local) or the token with the client's secret
 * (remote) is checked by authd; what the command does comes after.
 */
static void
cleanup(struct api_req *r)
{
	struct cce_state	*st = r->state;

	if (st != NULL)
		ccecmd_free(st->command);
}

static void
with_session(struct api_req *r, json_t *body, const char *secret,
    enum cce_cmd cmd, struct ccecmd *command)
{
	struct cce_state	*st;
	struct ipc_auth_verify	 b;
	const char		*cred, *user;
	int			 rc;

	cred = secret != NULL ? member(body, "token") :
	    member(body, "sessionid");
	if (cred == NULL)
		cred = member(body, secret != NULL ? "sessionid" : "token");
	if (cred == NULL) {
		ccecmd_free(command);
		expired(r);
		return;
	}
	if ((st = calloc(1, sizeof(*st))) == NULL)
		fatal("%s", __func__);
	r->state = st;
	r->statelen = sizeof(*st);
	st->command = command;
	r->cleanup = cleanup;
	user = member(body, "user");
	st->cmd = cmd;
	strlcpy(st->user, user != NULL ? user : "", sizeof(st->user));
	/* member() and client_secret() take no more than these hold */
	memset(&b, 0, sizeof(b));
	b.dialect = DIALECT_CCE;
	strlcpy(b.peer, api_peer(r), sizeof(b.peer));
	b.kind = CRED_BODY;
	strlcpy(b.cred, cred, sizeof(b.cred));
	strlcpy(b.secret, secret != NULL ? secret : "", sizeof(b.secret));
	rc = api_ask(r, frontd_env->chans[PROC_AUTHD], IPC_AUTH_VERIFY, &b,
	    verified);
	explicit_bzero(&b, sizeof(b));
	if (rc == -1)
		fail(r, 500, "FAIL", "authentication unavailable");
}

/* ---- the endpoint --------------------------------------------------- */

/* The command word: structured "cmd", or the first word of a raw line,
 * which may be as long as a line (ccecmd_read bounds it, and says so). */
static int
command_word(json_t *body, char *out, size_t outlen)
{
	json_t		*jc = json_object_get(body, "cmd");
	const char	*cmd;
	size_t		 n;

	if (!json_is_string(jc))
		return -1;
	cmd = json_string_value(jc);
	n = strcspn(cmd, " \t");
	if (n == 0 || n >= outlen)
		return -1;
	memcpy(out, cmd, n);
	out[n] = '\0';
	return 0;
}

/* Every other command: read whole first (a bad one costs no session
 * check), then sent once the session is known. */
static void
objects(struct api_req *r, json_t *body, const char *secret)
{
	struct ccecmd	*c;
	const char	*why;
	int		 code;

	if ((c = ccecmd_read(body, &code, &why)) == NULL)
		fail(r, code, code == 402 ? "BAD COMMAND" : "BAD PARAMETERS",
		    why);
	else
		with_session(r, body, secret, CCE_OBJECTS, c);
}

void
cce_dispatch(struct api_req *r)
{
	char		 word[CMD_MAX], secretbuf[256];
	const char	*secret = NULL;
	json_t		*body;
	int		 local = is_local(r);

	if ((body = api_body(r)) == NULL)
		return;
	if (command_word(body, word, sizeof(word)) == -1) {
		fail(r, 402, "BAD COMMAND", "cmd is required");
		goto done;
	}
	if (strcasecmp(word, "PING") == 0) {
		answer(r, 202, "PONG", NULL);
		goto done;
	}
	if (!local && (secret = client_secret(r, secretbuf,
	    sizeof(secretbuf))) == NULL) {
		fail(r, 304, "PERMISSION DENIED", "client secret required");
		goto done;
	}
	if (strcasecmp(word, "LOGIN") == 0) {
		if (local)
			fail(r, 304, "PERMISSION DENIED", "LOGIN is for remote "
			    "clients; use AUTH from localhost");
		else
			cce_login(r, body, secret);
	} else if (strcasecmp(word, "AUTH") == 0 ||
	    strcasecmp(word, "AUTHKEY") == 0) {
		if (!local)
			fail(r, 304, "PERMISSION DENIED", "localhost only");
		else if (strcasecmp(word, "AUTH") == 0)
			cce_auth(r, body);
		else
			with_session(r, body, NULL, CCE_AUTHKEY, NULL);
	} else if (strcasecmp(word, "BYE") == 0)
		with_session(r, body, secret, CCE_BYE, NULL);
	else if (strcasecmp(word, "ENDKEY") == 0)
		with_session(r, body, secret, CCE_ENDKEY, NULL);
	else
		objects(r, body, secret);
 done:
	explicit_bzero(secretbuf, sizeof(secretbuf));
	json_decref(body);
}
