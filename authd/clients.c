/*
 * Command-API clients: a billing system's secret, usable only from the
 * addresses the operator allowed.  The secret is minted here when the
 * operator adds the client (moatctl client add) and shown once; stored
 * keeps its public id and HMAC.
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "authd.h"
#include "body_keys.h"
#include "cidr.h"
#include "log.h"
#include "tokens.h"

#define CLIENT_NAME_MAX	64

#if CLIENT_ALLOW_FIELD_MAX + 1 != CIDR_LIST_MAX || \
    CLIENT_NAME_FIELD_MAX < CLIENT_NAME_MAX
#error "client.add's fields are not what a client may have"
#endif

struct check {
	char		 peer[64];
	struct attempt	 attempt;	/* counted until the secret is good */
	uint8_t		 secret[TOKEN_SECRET_LEN];
	client_checked_cb cb;
	void		*arg;
};

static void
checked(struct ipc_chan *chan, struct ipc_msg *m, void *arg)
{
	struct check		*c = arg;
	struct ipc_token_res	 t;
	int			 ok;

	(void)chan;
	if (m == NULL) {
		attempt_forgive(&c->attempt);	/* nothing was checked */
		c->cb(403, 0, 0, 0, c->arg);
		goto done;
	}
	token_res_get(m, &t);
	ok = token_res_matches(&t, c->secret) &&
	    strcmp(t.kind, PREFIX_CLIENT) == 0 &&
	    cidr_list_match(t.bound, c->peer);
	/* a secret is a password: a wrong one counts as a failure */
	if (ok)
		attempt_forgive(&c->attempt);
	else
		attempt_failed(&c->attempt);
	c->cb(ok ? 200 : 403, 0, t.oid, t.user, c->arg);
 done:
	explicit_bzero(c, sizeof(*c));
	free(c);
}

void
clients_check(const char *peer, const char *secret, client_checked_cb cb,
    void *arg)
{
	struct check	*c;
	uint8_t		 id[TOKEN_ID_LEN];
	char		 idtext[13];
	uint32_t	 retry;

	if ((c = calloc(1, sizeof(*c))) == NULL)
		fatal("%s", __func__);
	/* counted before it is checked: parallel guesses cannot all pass */
	if (!attempt_begin(&c->attempt, peer, &retry)) {
		free(c);
		cb(429, retry, 0, 0, arg);
		return;
	}
	if (token_parse(PREFIX_CLIENT, secret, strlen(secret), id,
	    c->secret) != CRYPTO_OK) {
		attempt_failed(&c->attempt);
		explicit_bzero(c, sizeof(*c));
		free(c);
		cb(403, 0, 0, 0, arg);
		return;
	}
	strlcpy(c->peer, peer, sizeof(c->peer));
	c->cb = cb;
	c->arg = arg;
	token_id_text(id, idtext);
	if (token_ask(TOKEN_CLIENT, idtext, checked, c) == -1) {
		attempt_forgive(&c->attempt);
		explicit_bzero(c, sizeof(*c));
		free(c);
		cb(403, 0, 0, 0, arg);
	}
}

/* ---- LOGIN ---------------------------------------------------------------- */

/* A LOGIN while its client's secret is checked. */
struct clogin {
	struct ipc_req			 req;
	struct ipc_auth_client_login	 in;
};

static void
login_checked(int status, uint32_t retry, uint64_t client_oid,
    uint64_t user_oid, void *arg)
{
	struct clogin	*l = arg;

	if (status != 200)
		login_refuse(&l->req, status, retry, status == 429 ?
		    "too many failed attempts" :
		    "client secret or address refused");
	else
		login_for_client(&l->req, l->in.peer, l->in.name,
		    l->in.password, client_oid, user_oid);
	explicit_bzero(l, sizeof(*l));
	free(l);
}

int
clients_login(struct ipc_chan *chan, struct ipc_msg *m)
{
	struct clogin	*l;
	char		 secret[sizeof(l->in.secret)];

	if ((l = calloc(1, sizeof(*l))) == NULL)
		fatal("%s", __func__);
	if (ipc_msg_get(m, &l->in) == -1) {
		explicit_bzero(l, sizeof(*l));
		free(l);
		return -1;
	}
	l->req = ipc_req_of(chan, m);
	/* the secret is checked (l may be gone after), the rest kept for
	 * the login */
	memcpy(secret, l->in.secret, sizeof(secret));
	explicit_bzero(l->in.secret, sizeof(l->in.secret));
	clients_check(l->in.peer, secret, login_checked, l);
	explicit_bzero(secret, sizeof(secret));
	return 0;
}

/* ---- adding a client (the operator, through moatd; see mint.c) ------- */

static int
name_ok(const char *name)
{
	size_t	 len = strlen(name);

	return len > 0 && len <= CLIENT_NAME_MAX && strspn(name,
	    "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-")
	    == len;
}

int
clients_add(struct ipc_chan *chan, struct ipc_msg *m)
{
	struct ipc_client_add	 b;
	struct ipc_client_store	 rec;
	struct mint		*mt;

	if (ipc_msg_get(m, &b) == -1)
		return -1;
	mt = mint_new(chan, m);
	if (!name_ok(b.name)) {
		mint_refuse(mt, 400, "a client name is 1 to 64 letters, digits "
		    "or ._-");
		return 0;
	}
	if (!cidr_list_valid(b.allow)) {
		mint_refuse(mt, 400, "--allow takes addresses or CIDR ranges, "
		    "at most 16");
		return 0;
	}
	memset(&rec, 0, sizeof(rec));
	if (mint_token(mt, PREFIX_CLIENT, rec.public_id, rec.digest) == -1)
		fatalx("cannot mint a client secret");
	rec.digest_len = sizeof(rec.digest);
	memcpy(rec.name, b.name, sizeof(rec.name));
	memcpy(rec.user, b.user, sizeof(rec.user));
	memcpy(rec.allow, b.allow, sizeof(rec.allow));
	mint_store(mt, IPC_STORE_CLIENT_ADD, &rec, mint_answer_secret);
	return 0;
}
