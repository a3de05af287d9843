/*
 * The customer's way in over HTTP (issue 13).
 *
 * An entry short link's password (POST /v1/entry/{shortId}/auth) is the
 * host's SSH password, which users.c made and sealed (class "host",
 * field "ssh_password", bound to the reference the admin named).  It is
 * checked as a login is: counted against the address first (429 before
 * any work), the host read from stored, then its own schedule (the
 * per-account delays of limits.c, keyed on the host's row and on
 * "entry:" and the short id; addresses that got in before wait on a
 * schedule of their own, so that strangers cannot keep them out),
 * then the seal opened and compared in constant time, and only after a
 * right password the owner's and the host's state: the original told
 * anyone whether an account was disabled before it looked at the
 * password.  Every check writes an event, as a login's does.
 *
 * A bootstrap session (POST /v1/bootstrap/sessions) is a login
 * (login.c, the same limits and events) that ends here instead of in a
 * session: stored starts the user's host and opens the session.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "authd.h"
#include "body_entry.h"
#include "hmac.h"
#include "log.h"
#include "util.h"

enum entry_outcome {
	ENTRY_NOT_TRIED = 0,
	ENTRY_FAILED,
	ENTRY_SUCCEEDED,
};

struct entry {
	struct ipc_req		 req;
	char			 peer[AUTH_PEER_LEN];
	char			 short_id[HOST_SHORT_ID_LEN + 1];
	char			 name[HOST_SHORT_ID_LEN + 8];	/* entry:... */
	char			 password[PASSWORD_IN_MAX + 1];
	struct attempt		 attempt;
	struct account_keys	 account;
	enum entry_outcome	 outcome;
	struct ipc_entry_rec	 rec;
	struct event		*delay;
};

static void
entry_free(struct entry *e)
{
	switch (e->outcome) {
	case ENTRY_FAILED:
		attempt_failed(&e->attempt);
		account_failed(&e->account);
		break;
	case ENTRY_SUCCEEDED:
		attempt_forgive(&e->attempt);
		account_succeeded(&e->account);
		break;
	default:
		attempt_forgive(&e->attempt);
		account_forgive(&e->account);
		break;
	}
	if (e->delay != NULL)
		event_free(e->delay);
	explicit_bzero(e, sizeof(*e));
	free(e);
}

static void
entry_answer(struct entry *e, int status, uint32_t retry, const char *message,
    int ready)
{
	struct ipc_entry_res	 res;

	memset(&res, 0, sizeof(res));
	res.head.status = status;
	res.head.retry = retry;
	strlcpy(res.head.message, message, sizeof(res.head.message));
	if (status == 200) {
		res.ready = ready;
		strlcpy(res.host_status, e->rec.host_status,
		    sizeof(res.host_status));
		if (ready)
			strlcpy(res.password, e->password,
			    sizeof(res.password));
	}
	ipc_answer(&e->req, &res, NULL);
	explicit_bzero(&res, sizeof(res));
}

/* Every check joins the audit trail, as a login does (login.c). */
static void
entry_event(struct entry *e, const char *type, const char *message)
{
	struct ipc_auth_event	 ev;
	struct ipc_msg		 m;

	memset(&ev, 0, sizeof(ev));
	strlcpy(ev.type, type, sizeof(ev.type));
	ev.user_oid = e->rec.user_oid;
	strlcpy(ev.name, e->name, sizeof(ev.name));
	strlcpy(ev.peer, e->peer, sizeof(ev.peer));
	ev.dialect = DIALECT_V1;
	strlcpy(ev.message, message, sizeof(ev.message));
	ipc_msg_init(&m, IPC_AUTH_EVENT, 0);
	ipc_msg_put(&m, &ev);
	ipc_send(authd_env->chans[PROC_STORED], &m);
}

static void
entry_fail(struct entry *e, const char *why)
{
	account_hit(&e->account);
	e->outcome = ENTRY_FAILED;
	entry_event(e, "auth.failed", why);
	entry_answer(e, 401, 0, "invalid credentials", 0);
	entry_free(e);
}

/*
 * A host's entry password against its seal (ref, the host reference it
 * is bound to), in constant time: both are hashed first, so that neither
 * their lengths nor where they differ shows.  The entry link and the SSH
 * gateway both ask here.
 */
int
host_password_matches(const char *ref, const uint8_t *sealed,
    size_t sealed_len, const char *password)
{
	char	 secret[SECRET_MAX + 1];
	uint8_t	 a[32], b[32];
	int	 ok;

	if (sealed_len == 0 || unseal_bound("host", "ssh_password", ref,
	    sealed, sealed_len, secret, sizeof(secret)) == -1) {
		/* no password was made, or its seal does not open: the
		 * same work and the same answer as a wrong one */
		random_string(secret, 24, "abcdefghijklmnopqrstuvwxyz");
	}
	sha256(secret, strlen(secret), a);
	sha256(password, strlen(password), b);
	ok = timingsafe_equal(a, b, sizeof(a)) && sealed_len != 0;
	explicit_bzero(secret, sizeof(secret));
	explicit_bzero(a, sizeof(a));
	explicit_bzero(b, sizeof(b));
	return ok;
}

/* After the host's delay: the password, then the states. */
static void
entry_verify(evutil_socket_t fd, short ev, void *arg)
{
	struct entry	*e = arg;
	struct cred	 owner;
	const char	*why;

	(void)fd;
	(void)ev;
	if (!host_password_matches(e->rec.ref, e->rec.sealed,
	    e->rec.sealed_len, e->password)) {
		entry_fail(e, "wrong entry password");
		return;
	}
	e->outcome = ENTRY_SUCCEEDED;
	memset(&owner, 0, sizeof(owner));
	strlcpy(owner.status, e->rec.user_status, sizeof(owner.status));
	owner.expires_at = e->rec.user_expires_at;
	if (!usable(&owner, &why)) {
		entry_event(e, "auth.failed", why);
		entry_answer(e, 403, 0, why, 0);
		entry_free(e);
		return;
	}
	entry_event(e, "auth.success", "entry password verified");
	if (strcmp(e->rec.host_status, "running") != 0)
		entry_answer(e, 200, 0, "the host is not running", 0);
	else
		entry_answer(e, 200, 0, "ready", 1);
	entry_free(e);
}

static void
entry_got_host(struct ipc_chan *chan, struct ipc_msg *m, void *arg)
{
	struct entry	*e = arg;
	struct timeval	 tv = { 0, 0 };
	uint32_t	 wait, retry;

	(void)chan;
	if (m == NULL) {
		entry_answer(e, 503, 1, "try again", 0);
		entry_free(e);
		return;
	}
	if (ipc_msg_get(m, &e->rec) == -1) {
		entry_answer(e, 500, 0, "internal error", 0);
		entry_free(e);
		return;
	}
	if (e->rec.head.status == 404) {
		/* a guessed short id counts as a wrong password does */
		e->outcome = ENTRY_FAILED;
		entry_event(e, "auth.failed", "no host assigned");
		entry_answer(e, 404, 0, "no host assigned", 0);
		entry_free(e);
		return;
	}
	if (!ipc_status_ok(e->rec.head.status)) {
		entry_answer(e, 500, 0, "internal error", 0);
		entry_free(e);
		return;
	}
	account_keys_host(&e->account, e->name, e->rec.host_oid, e->peer);
	if (strlen(e->password) > SECRET_MAX) {
		entry_fail(e, "password too long");
		return;
	}
	if (!account_begin(&e->account, &wait, &retry)) {
		entry_answer(e, 429, retry, "too many failed logins", 0);
		entry_free(e);
		return;
	}
	tv.tv_sec = wait;
	if ((e->delay = evtimer_new(authd_env->base, entry_verify, e)) ==
	    NULL || evtimer_add(e->delay, &tv) == -1)
		fatalx("%s: evtimer", __func__);
}

/* auth.entry, from frontd */
int
entry_request(struct ipc_chan *chan, struct ipc_msg *m)
{
	struct ipc_auth_entry	 b;
	struct ipc_entry_get	 q;
	struct ipc_msg		 out;
	struct entry		*e;
	uint32_t		 retry;

	if (ipc_msg_get(m, &b) == -1) {
		explicit_bzero(&b, sizeof(b));
		return -1;
	}
	if ((e = calloc(1, sizeof(*e))) == NULL)
		fatal("%s", __func__);
	e->req = ipc_req_of(chan, m);
	strlcpy(e->peer, b.peer, sizeof(e->peer));
	strlcpy(e->short_id, b.short_id, sizeof(e->short_id));
	snprintf(e->name, sizeof(e->name), "entry:%s", e->short_id);
	strlcpy(e->password, b.password, sizeof(e->password));
	explicit_bzero(&b, sizeof(b));
	if (!attempt_begin(&e->attempt, e->peer, &retry)) {
		entry_answer(e, 429, retry, "too many failed logins", 0);
		entry_free(e);
		return 0;
	}
	memset(&q, 0, sizeof(q));
	strlcpy(q.short_id, e->short_id, sizeof(q.short_id));
	ipc_msg_init(&out, IPC_ENTRY_GET, 0);
	ipc_msg_put(&out, &q);
	if (ipc_request(authd_env->chans[PROC_STORED], &out,
	    authd_env->conf.common.ipc_timeout_ms, entry_got_host, e) == -1) {
		entry_answer(e, 503, 1, "try again", 0);
		entry_free(e);
	}
	return 0;
}

/* ---- bootstrap sessions ------------------------------------------------ */

/* A refusal of auth.bootstrap: its head, with a retry-after for 429. */
void
bootstrap_refuse(const struct ipc_req *req, int status, uint32_t retry,
    const char *message)
{
	struct ipc_bootstrap_res	 res;

	memset(&res, 0, sizeof(res));
	res.head.status = status;
	res.head.retry = retry;
	strlcpy(res.head.message, message, sizeof(res.head.message));
	ipc_answer(req, &res, NULL);
}

struct boot {
	struct ipc_req	 req;
};

static void
boot_stored(struct ipc_chan *chan, struct ipc_msg *m, void *arg)
{
	struct boot			*b = arg;
	struct ipc_bootstrap_res	 res;

	(void)chan;
	if (m == NULL)
		bootstrap_refuse(&b->req, 503, 1, "try again");
	else if (ipc_msg_get(m, &res) == -1)
		bootstrap_refuse(&b->req, 500, 0, "internal error");
	else
		ipc_answer(&b->req, &res, NULL);
	explicit_bzero(&res, sizeof(res));
	free(b);
}

/* The user's password was right and the account usable (login.c). */
void
bootstrap_open(const struct ipc_req *req, uint64_t user_oid,
    const char *peer)
{
	struct ipc_store_bootstrap	 q;
	struct ipc_msg			 m;
	struct boot			*b;

	if ((b = calloc(1, sizeof(*b))) == NULL)
		fatal("%s", __func__);
	b->req = *req;
	memset(&q, 0, sizeof(q));
	q.user_oid = user_oid;
	strlcpy(q.peer, peer, sizeof(q.peer));
	ipc_msg_init(&m, IPC_STORE_BOOTSTRAP, 0);
	ipc_msg_put(&m, &q);
	if (ipc_request(authd_env->chans[PROC_STORED], &m,
	    authd_env->conf.common.ipc_timeout_ms, boot_stored, b) == -1) {
		bootstrap_refuse(&b->req, 503, 1, "try again");
		free(b);
	}
}
