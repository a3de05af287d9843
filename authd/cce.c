/*
 * The command API's writes (issue 12): CREATE and SET come from frontd
 * as auth.cce.  Every value of a password property (its key, with the
 * command's namespace when it names none, one of those
 * cfg.cce.passwords lists) is replaced by its argon2id hash, made on the hasher thread as a new
 * user's password is, and marked CCE_OP_HASHED; the command goes on to
 * stored as store.cce, and stored's cce.res back to frontd as it is.
 * No password leaves authd, and each is cleared once hashed.
 */
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "authd.h"
#include "body_cce.h"
#include "ipc.h"
#include "log.h"

/* An arg as it came, its value only as long as it is: a command of 64
 * short args costs what they are, not 64 times CCE_VALUE_MAX. */
struct relay_arg {
	char		 key[CCE_KEY_MAX + 1];
	char		*value;
	uint32_t	 op;
};

struct cce_relay {
	struct ipc_req		 req;
	struct ipc_cce_req	 cmd;
	struct relay_arg	 args[CCE_ARGS_MAX];
	uint32_t		 nread;		/* args read so far */
	uint32_t		 pending;	/* hashes not yet made */
	int			 failed;	/* one could not be made */
};

static void
clear_value(struct relay_arg *a)
{
	if (a->value != NULL)
		freezero(a->value, strlen(a->value) + 1);
	a->value = NULL;
}

static void
relay_free(struct cce_relay *r)
{
	uint32_t	 i;

	for (i = 0; i < r->nread; i++)
		clear_value(&r->args[i]);
	explicit_bzero(r, sizeof(*r));
	free(r);
}

/*
 * A cce.res of authd's own, for what it refuses before stored runs the
 * command: the text protocol's code, and data's errors naming why.
 */
static void
answer_code(const struct ipc_req *req, uint32_t code, const char *message,
    const char *why)
{
	struct ipc_cce_res	 res;
	struct ipc_cce_chunk	 chunk;
	struct ipc_msg		 items;
	json_t			*j;
	char			*text;

	j = json_pack("{s:[{s:i,s:s}]}", "errors", "code", (int)code,
	    "message", why);
	if (j == NULL || (text = json_dumps(j, JSON_COMPACT)) == NULL)
		fatalx("%s: out of memory", __func__);
	json_decref(j);
	memset(&res, 0, sizeof(res));
	res.head.status = 200;
	res.code = code;
	strlcpy(res.message, message, sizeof(res.message));
	res.nchunks = 1;
	memset(&chunk, 0, sizeof(chunk));
	/* why is short: one chunk holds it */
	strlcpy(chunk.text, text, sizeof(chunk.text));
	free(text);
	ipc_msg_init(&items, IPC_CCE_RES, 0);
	ipc_msg_put_item(&items, &chunk);
	ipc_answer(req, &res, &items);
}

/*
 * Whether key names a password property of the schema: "prop" in the
 * command's namespace ns, or "Namespace.prop".  The class is not known
 * here (SET names an oid), so a namespace's property is one whatever
 * class has the namespace; stored refuses a hash where its property is
 * no password.
 */
static int
is_password(const char *key, const char *ns)
{
	const struct authd_config	*c = &authd_env->conf;
	char				 full[CCE_KEY_MAX + 1];
	uint32_t			 i;

	if (strchr(key, '.') == NULL && ns[0] != '\0') {
		if (snprintf(full, sizeof(full), "%s.%s", ns, key) >=
		    (int)sizeof(full))
			return 0;
		key = full;
	}
	for (i = 0; i < c->cce_npasswords; i++)
		if (strcmp(c->cce_passwords[i], key) == 0)
			return 1;
	return 0;
}

static void
stored_answered(struct ipc_chan *chan, struct ipc_msg *m, void *arg)
{
	struct cce_relay	*r = arg;

	(void)chan;
	if (m == NULL)
		ipc_answer_status(&r->req, 503, "storage unavailable");
	else
		ipc_answer_forward(&r->req, m);
	relay_free(r);
}

/* Every hash made: the command to stored, the hashes in place. */
static void
pass_on(struct cce_relay *r)
{
	struct ipc_cce_arg	*a;
	struct ipc_msg		 m;
	uint32_t		 i;

	if ((a = calloc(1, sizeof(*a))) == NULL)
		fatal("%s", __func__);
	ipc_msg_init(&m, IPC_STORE_CCE, 0);
	ipc_msg_put(&m, &r->cmd);
	for (i = 0; i < r->nread; i++) {
		strlcpy(a->key, r->args[i].key, sizeof(a->key));
		strlcpy(a->value, r->args[i].value, sizeof(a->value));
		a->op = r->args[i].op;
		ipc_msg_put_item(&m, a);
		clear_value(&r->args[i]);
	}
	explicit_bzero(a, sizeof(*a));
	free(a);
	if (ipc_request(authd_env->chans[PROC_STORED], &m,
	    authd_env->conf.common.ipc_timeout_ms, stored_answered, r) == -1) {
		ipc_answer_status(&r->req, 503, "storage unavailable");
		relay_free(r);
	}
}

/* The job's arg is the arg it hashes; the relay is found by the job. */
struct cce_hash {
	struct cce_relay	*relay;
	struct relay_arg	*arg;
};

/* One hash made or given up: the last one sends the command on. */
static void
one_done(struct cce_relay *r)
{
	if (--r->pending > 0)
		return;
	if (r->failed) {
		ipc_answer_status(&r->req, 503, "too busy, try again");
		relay_free(r);
	} else
		pass_on(r);
}

static void
hashed(struct hash_job *j, void *v)
{
	struct cce_hash		*h = v;
	struct cce_relay	*r = h->relay;

	if (j->ok && strlen(j->hash) <= CCE_VALUE_MAX) {
		clear_value(h->arg);
		if ((h->arg->value = strdup(j->hash)) == NULL)
			fatal("%s", __func__);
		h->arg->op = CCE_OP_HASHED;
	} else
		r->failed = 1;
	hasher_job_free(j);
	free(h);
	one_done(r);
}

/* -1 with why when a password value may not be set at all */
static int
password_refused(const struct relay_arg *a, char *why, size_t whylen)
{
	const char	*reason = NULL;

	if (a->op != CCE_OP_EQ)
		reason = "a password is set with =, never matched";
	else if (!password_acceptable(a->value, &reason))
		;
	else
		return 0;
	snprintf(why, whylen, "%s: %s", a->key, reason);
	return -1;
}

/*
 * Every password value checked, then each hashed on the hasher thread;
 * the command goes on when the last is made (one_done()).  -1 when
 * answered already (a value refused).
 */
static int
hash_passwords(struct cce_relay *r)
{
	struct relay_arg	*a;
	struct cce_hash		*h;
	char			 why[CCE_KEY_MAX + 64];
	uint32_t		 i;

	for (i = 0; i < r->nread; i++) {
		if (is_password(r->args[i].key, r->cmd.ns) &&
		    password_refused(&r->args[i], why, sizeof(why)) == -1) {
			answer_code(&r->req, 302, "BAD DATA", why);
			return -1;
		}
	}
	r->pending = 1;		/* held until every job is submitted */
	for (i = 0; i < r->nread && !r->failed; i++) {
		a = &r->args[i];
		if (!is_password(a->key, r->cmd.ns))
			continue;
		if ((h = calloc(1, sizeof(*h))) == NULL)
			fatal("%s", __func__);
		h->relay = r;
		h->arg = a;
		r->pending++;
		if (hasher_submit(HASH_NEW, &authd_env->conf.argon2, a->value,
		    NULL, hashed, h) == -1) {
			free(h);
			r->pending--;
			r->failed = 1;	/* the queue is full: shed it */
		}
	}
	one_done(r);
	return 0;
}

static int
read_args(struct cce_relay *r, struct ipc_msg *m)
{
	struct ipc_cce_arg	*a;
	int			 rc = 0;

	if (r->cmd.nargs > CCE_ARGS_MAX)
		return ipc_refuse(m, 400, "too many args");
	if ((a = calloc(1, sizeof(*a))) == NULL)
		fatal("%s", __func__);
	/* one more than said is read too, to be refused */
	while (rc == 0 && (rc = ipc_msg_get_item(m, a)) == 1) {
		if (r->nread == r->cmd.nargs)
			rc = ipc_refuse(m, 400, "more args than said");
		/* only authd puts a hash in place */
		else if (a->op >= CCE_OP_MAX || a->op == CCE_OP_HASHED)
			rc = ipc_refuse(m, 400, "an arg's op");
		else {
			strlcpy(r->args[r->nread].key, a->key,
			    sizeof(r->args[0].key));
			if ((r->args[r->nread].value = strdup(a->value)) ==
			    NULL)
				fatal("%s", __func__);
			r->args[r->nread++].op = a->op;
			rc = 0;
		}
	}
	explicit_bzero(a, sizeof(*a));
	free(a);
	if (rc == 0 && r->nread != r->cmd.nargs)
		rc = ipc_refuse(m, 400, "fewer args than said");
	return rc;
}

int
cce_relay(struct ipc_chan *chan, struct ipc_msg *m)
{
	struct cce_relay	*r;
	struct grant		 g;

	if ((r = calloc(1, sizeof(*r))) == NULL)
		fatal("%s", __func__);
	r->req = ipc_req_of(chan, m);
	if (ipc_msg_get(m, &r->cmd) == -1 || read_args(r, m) == -1) {
		relay_free(r);
		return -1;
	}
	if (r->cmd.verb != CCE_V_CREATE && r->cmd.verb != CCE_V_SET) {
		relay_free(r);
		return ipc_refuse(m, 400, "only CREATE and SET are writes");
	}
	/* no hash is spent on a session that is over */
	if (grant_check(r->cmd.grant, r->cmd.grant_len, &g) == -1) {
		answer_code(&r->req, 401, "FAIL", "Invalid or expired token");
		relay_free(r);
		return 0;
	}
	explicit_bzero(&g, sizeof(g));
	if (hash_passwords(r) == -1)
		relay_free(r);
	return 0;
}

/* cfg.cce.passwords: in force at cfg.done, with the rest */
int
cce_config_passwords(struct ipc_chan *chan, struct ipc_msg *m)
{
	struct authd_config		*c = &authd_env->pending;
	struct ipc_cfg_cce_passwords	 b;
	struct ipc_cfg_cce_password	 p;
	uint32_t			 n = 0;
	int				 rc;

	(void)chan;
	if (ipc_msg_get(m, &b) == -1)
		return -1;
	if (b.count > CCE_PASSWORDS_MAX)
		return ipc_refuse(m, 400, "too many password names");
	while ((rc = ipc_msg_get_item(m, &p)) == 1) {
		if (n == b.count || p.name[0] == '\0')
			return ipc_refuse(m, 400, "password names");
		strlcpy(c->cce_passwords[n++], p.name,
		    sizeof(c->cce_passwords[0]));
	}
	if (rc == -1 || n != b.count)
		return rc == -1 ? -1 : ipc_refuse(m, 400, "password names");
	c->cce_npasswords = n;
	return 0;
}
