/*
 * The user operations that involve a password: creating a user, an
 * admin rotating someone's password, a user changing their own.  authd
 * checks the grant itself before it spends a hash, does the secret part,
 * and hands the rest to stored with the same grant.
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "account.h"
#include "authd.h"
#include "body_keys.h"
#include "body_users.h"
#include "log.h"
#include "util.h"

#define ROTATED_LEN	20
#define PASSWORD_MIN	8
#define PASSWORD_ALPHABET \
	"ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789"

struct pwop;
/* An answer in the shape of the request's reply: its status, a 429's
 * retry-after, and its message. */
typedef void	(*pwop_answer_fn)(struct pwop *, int status, uint32_t retry,
		    const char *message);
typedef void	(*pwop_step_fn)(struct pwop *);

struct pwop {
	struct ipc_req	 req;		/* the request being answered */
	pwop_answer_fn	 answer;
	/* what follows once the old password proved right */
	pwop_step_fn	 proven;
	int		 show;		/* newpass was made here: shown once */
	uint64_t	 keep_session;	/* the one that stays (0: none) */
	uint8_t		 grant[GRANT_LEN];
	struct grant	 g;
	char		 ref[FIELD_REF_MAX + 1];
	char		 username[NAME_MAX_LEN + 1];
	char		 role[16];
	int64_t		 expires_at;
	int		 no_expiry;
	char		 peer[AUTH_PEER_LEN];
	char		 password[PASSWORD_IN_MAX + 1];
	char		 newpass[PASSWORD_IN_MAX + 1];
	struct cred	 cred;
	struct attempt	 attempt;	/* an old password being checked */
	struct account_keys account;	/* and against the account */
	struct event	*delay;		/* its turn on the account's schedule */
	struct profile	 profile;	/* account data */
};

int
password_acceptable(const char *pw, const char **why)
{
	size_t	 len = strlen(pw);

	if (len < PASSWORD_MIN) {
		*why = "password must be at least 8 characters";
		return 0;
	}
	if (len > HASHER_PASSWORD_MAX) {
		*why = "password must be at most 128 characters";
		return 0;
	}
	return 1;
}

static void
pwop_free(struct pwop *op)
{
	/* unless it was marked a failure, the attempt was none */
	attempt_forgive(&op->attempt);
	account_forgive(&op->account);
	if (op->delay != NULL)
		event_free(op->delay);
	explicit_bzero(op, sizeof(*op));
	free(op);
}

/* A user.res: stored's, passed on, or a refusal of authd's own. */
static void
answer_user(struct pwop *op, const struct ipc_user_res *res)
{
	ipc_answer(&op->req, res, NULL);
	pwop_free(op);
}

static void
refuse_user(struct pwop *op, int status, const char *message)
{
	ipc_answer_status(&op->req, status, message);
	pwop_free(op);
}

/* auth.password.res: on 2xx the password made here, or "" for none */
static void
answer_password(struct pwop *op, int status, uint32_t retry,
    const char *message)
{
	struct ipc_password_res	 res;

	memset(&res, 0, sizeof(res));
	res.head.status = status;
	res.head.retry = retry;
	strlcpy(res.head.message, message, sizeof(res.head.message));
	if (ipc_status_ok(status) && op->show)
		strlcpy(res.password, op->newpass, sizeof(res.password));
	ipc_answer(&op->req, &res, NULL);
	explicit_bzero(&res, sizeof(res));
	pwop_free(op);
}

/* op.res */
static void
answer_op(struct pwop *op, int status, uint32_t retry, const char *message)
{
	struct ipc_status_res	 res;

	memset(&res, 0, sizeof(res));
	res.head.status = status;
	res.head.retry = retry;
	strlcpy(res.head.message, message, sizeof(res.head.message));
	ipc_answer(&op->req, &res, NULL);
	pwop_free(op);
}

static void
answer_retry(struct pwop *op, int status, uint32_t retry,
    const char *message)
{
	op->answer(op, status, retry, message);
}

static void
answer_status(struct pwop *op, int status, const char *message)
{
	op->answer(op, status, 0, message);
}

/* An operation on request m, answered by answer, proven by its old
 * password followed by proven (NULL: none asked for). */
static struct pwop *
pwop_new(struct ipc_chan *chan, struct ipc_msg *m, pwop_answer_fn answer,
    pwop_step_fn proven)
{
	struct pwop	*op;

	if ((op = calloc(1, sizeof(*op))) == NULL)
		fatal("%s", __func__);
	op->req = ipc_req_of(chan, m);
	op->answer = answer;
	op->proven = proven;
	return op;
}

/* ---- create --------------------------------------------------------- */

static void
created(struct ipc_chan *chan, struct ipc_msg *m, void *arg)
{
	struct pwop		*op = arg;
	struct ipc_user_res	 res;

	(void)chan;
	if (m == NULL)
		refuse_user(op, 503, "try again");
	else if (ipc_msg_get(m, &res) == -1)
		refuse_user(op, 500, "internal error");
	else
		answer_user(op, &res);
}

static void
create_hashed(struct hash_job *j, void *arg)
{
	struct pwop			*op = arg;
	struct ipc_store_user_create	 c;
	struct ipc_msg			 m;

	if (!j->ok) {
		hasher_job_free(j);
		refuse_user(op, 500, "cannot hash the password");
		return;
	}
	memset(&c, 0, sizeof(c));
	memcpy(c.grant, op->grant, sizeof(op->grant));
	c.grant_len = sizeof(op->grant);
	strlcpy(c.username, op->username, sizeof(c.username));
	strlcpy(c.hash, j->hash, sizeof(c.hash));
	strlcpy(c.role, op->role, sizeof(c.role));
	c.expires_at = op->expires_at;
	c.no_expiry = op->no_expiry;
	c.profile = op->profile;
	ipc_msg_init(&m, IPC_STORE_USER_CREATE, 0);
	ipc_msg_put(&m, &c);
	explicit_bzero(&c, sizeof(c));
	hasher_job_free(j);
	if (ipc_request(authd_env->chans[PROC_STORED], &m,
	    authd_env->conf.common.ipc_timeout_ms, created, op) == -1)
		refuse_user(op, 503, "try again");
}

int
users_create(struct ipc_chan *chan, struct ipc_msg *m)
{
	struct ipc_user_create	 c;
	struct pwop		*op;
	const char		*why;
	int			 rc;

	rc = ipc_msg_get(m, &c);
	op = pwop_new(chan, m, NULL, NULL);	/* user.res */
	memcpy(op->grant, c.grant, c.grant_len);
	strlcpy(op->username, c.username, sizeof(op->username));
	strlcpy(op->password, c.password, sizeof(op->password));
	strlcpy(op->role, c.role, sizeof(op->role));
	op->expires_at = c.expires_at;
	op->no_expiry = c.no_expiry;
	op->profile = c.profile;
	if (rc == -1) {
		explicit_bzero(&c, sizeof(c));
		pwop_free(op);
		return -1;
	}
	if (grant_check(c.grant, c.grant_len, &op->g) == -1)
		refuse_user(op, 401, "invalid or expired token");
	else if (op->g.role != ROLE_ADMIN)
		refuse_user(op, 403, "admin only");
	else if (!password_acceptable(op->password, &why))
		refuse_user(op, 400, why);
	else if (hasher_submit(HASH_NEW, &authd_env->conf.argon2,
	    op->password, NULL, create_hashed, op) == -1)
		refuse_user(op, 503, "too busy, try again");
	explicit_bzero(&c, sizeof(c));
	return 0;
}

/* ---- rotate (admin) and change (own) -------------------------------- */

static void
password_stored(struct ipc_chan *chan, struct ipc_msg *m, void *arg)
{
	struct pwop	*op = arg;
	char		 message[256];
	uint32_t	 status;

	(void)chan;
	op_res_get(m, &status, message, sizeof(message));
	/* a password that was made is shown once; a chosen one never */
	answer_password(op, status, 0, status == 200 ? "ok" : message);
}

static void
new_hashed(struct hash_job *j, void *arg)
{
	struct pwop	*op = arg;

	if (!j->ok) {
		hasher_job_free(j);
		answer_password(op, 500, 0, "cannot hash the password");
		return;
	}
	store_password(op->grant, sizeof(op->grant), op->ref, j->hash,
	    op->keep_session, password_stored, op);
	hasher_job_free(j);
}

static void
hash_new_password(struct pwop *op)
{
	if (hasher_submit(HASH_NEW, &authd_env->conf.argon2, op->newpass,
	    NULL, new_hashed, op) == -1)
		answer_password(op, 503, 0, "too busy, try again");
}

/* An admin has a user's password made anew: every session ends. */
int
users_rotate_password(struct ipc_chan *chan, struct ipc_msg *m)
{
	struct ipc_auth_rotate_pw	 b;
	struct pwop			*op;

	if (ipc_msg_get(m, &b) == -1)
		return -1;
	op = pwop_new(chan, m, answer_password, NULL);
	op->show = 1;
	op->keep_session = 0;
	memcpy(op->grant, b.grant, b.grant_len);
	strlcpy(op->ref, b.ref, sizeof(op->ref));
	if (grant_check(op->grant, b.grant_len, &op->g) == -1)
		answer_status(op, 401, "invalid or expired token");
	else if (op->g.role != ROLE_ADMIN)
		answer_status(op, 403, "admin only");
	else {
		random_string(op->newpass, ROTATED_LEN, PASSWORD_ALPHABET);
		hash_new_password(op);
	}
	explicit_bzero(&b, sizeof(b));
	return 0;
}

/*
 * A wrong old password counts as a failed login, against the address
 * and the account: a stolen session must not guess the password faster
 * than a login could.
 */
static void
old_verified(struct hash_job *j, void *arg)
{
	struct pwop	*op = arg;
	int		 ok = j->ok;

	hasher_job_free(j);
	if (!ok) {
		attempt_failed(&op->attempt);
		account_failed(&op->account);
		answer_status(op, 403, "the old password is wrong");
		return;
	}
	account_succeeded(&op->account);
	op->proven(op);
}

/* At its turn on the account's schedule. */
static void
old_hash(evutil_socket_t fd, short ev, void *arg)
{
	struct pwop	*op = arg;

	(void)fd;
	(void)ev;
	if (hasher_submit(HASH_VERIFY, &authd_env->conf.argon2, op->password,
	    op->cred.hash, old_verified, op) == -1) {
		/* shed, as a login would be: it stays counted on the
		 * account, and is taken back from the address */
		account_failed(&op->account);
		answer_status(op, 503, "too busy, try again");
	}
}

static void
own_cred(struct ipc_chan *chan, struct ipc_msg *m, void *arg)
{
	struct pwop	*op = arg;
	struct timeval	 tv = { 0, 0 };
	uint32_t	 wait, retry;

	(void)chan;
	if (m == NULL) {
		answer_status(op, 503, "try again");
		return;
	}
	if (cred_read(m, &op->cred) == -1) {
		answer_status(op, 500, "internal error");
		return;
	}
	if (!op->cred.found) {
		answer_status(op, 401, "invalid or expired token");
		return;
	}
	account_keys(&op->account, op->cred.username, op->cred.oid, op->peer);
	if (strlen(op->password) > HASHER_PASSWORD_MAX) {
		attempt_failed(&op->attempt);
		account_hit(&op->account);
		account_failed(&op->account);
		answer_status(op, 403, "the old password is wrong");
		return;
	}
	/* on the account's schedule, as a login: one after another */
	if (!account_begin(&op->account, &wait, &retry)) {
		answer_retry(op, 429, retry, "too many failed attempts");
		return;
	}
	tv.tv_sec = wait;
	if ((op->delay = evtimer_new(authd_env->base, old_hash, op)) == NULL ||
	    evtimer_add(op->delay, &tv) == -1)
		fatalx("%s: evtimer", __func__);
}

/*
 * The grant's user proves to know the password (op->password) before
 * a new one is set: no more attempts from an address than a login
 * gets, each wrong one counted there and against the account, on the
 * account's schedule.
 */
static void
check_old_password(struct pwop *op)
{
	uint32_t	 retry;

	/* counted before the old password is hashed, taken back unless
	 * it was wrong */
	if (!attempt_begin(&op->attempt, op->peer, &retry)) {
		answer_retry(op, 429, retry, "too many failed attempts");
		return;
	}
	op->ref[0] = '\0';	/* the grant's own user */
	if (cred_ask(op->grant, sizeof(op->grant), "", 0, own_cred, op) == -1)
		answer_status(op, 503, "try again");
}

/*
 * The grant's user chooses a new password, with the old one: every
 * session ends but the one it was changed from.
 */
int
users_change_password(struct ipc_chan *chan, struct ipc_msg *m)
{
	struct ipc_auth_change_pw	 b;
	struct pwop			*op;
	const char			*why;

	if (ipc_msg_get(m, &b) == -1) {
		explicit_bzero(&b, sizeof(b));
		return -1;
	}
	op = pwop_new(chan, m, answer_password, hash_new_password);
	memcpy(op->grant, b.grant, b.grant_len);
	strlcpy(op->password, b.old_password, sizeof(op->password));
	strlcpy(op->newpass, b.new_password, sizeof(op->newpass));
	strlcpy(op->peer, b.peer, sizeof(op->peer));
	if (grant_check(op->grant, b.grant_len, &op->g) == -1)
		answer_status(op, 401, "invalid or expired token");
	else if (!password_acceptable(op->newpass, &why))
		answer_status(op, 400, why);
	else {
		op->keep_session = op->g.cred_oid;
		check_old_password(op);
	}
	explicit_bzero(&b, sizeof(b));
	return 0;
}

/* ---- account v2 data with a new password ----------------------------- */

static void
data_stored(struct ipc_chan *chan, struct ipc_msg *m, void *arg)
{
	struct pwop	*op = arg;
	char		 message[256];
	uint32_t	 status;

	(void)chan;
	op_res_get(m, &status, message, sizeof(message));
	answer_status(op, status, message);
}

static void
data_hashed(struct hash_job *j, void *arg)
{
	struct pwop	*op = arg;
	struct ipc_account_data_store rec;
	struct ipc_msg	 m;

	if (!j->ok) {
		hasher_job_free(j);
		answer_status(op, 500, "cannot hash the password");
		return;
	}
	memset(&rec, 0, sizeof(rec));
	memcpy(rec.grant, op->grant, sizeof(op->grant));
	rec.grant_len = sizeof(op->grant);
	rec.profile = op->profile;
	strlcpy(rec.hash, j->hash, sizeof(rec.hash));
	hasher_job_free(j);
	ipc_msg_init(&m, IPC_STORE_ACCOUNT_DATA, 0);
	ipc_msg_put(&m, &rec);
	explicit_bzero(&rec, sizeof(rec));
	if (ipc_request(authd_env->chans[PROC_STORED], &m,
	    authd_env->conf.common.ipc_timeout_ms, data_stored, op) == -1)
		answer_status(op, 503, "try again");
}

static void
hash_account_data(struct pwop *op)
{
	if (hasher_submit(HASH_NEW, &authd_env->conf.argon2, op->newpass,
	    NULL, data_hashed, op) == -1)
		answer_status(op, 503, "too busy, try again");
}

/*
 * POST /v2/account/data with a password.  A request signed with the
 * account's key pair is what account-v2.txt asks for a new password:
 * the signature is the proof.  A bearer token is not (it is what a
 * stolen session carries): as on /v1/user/change-password, it must
 * come with the old password.  An old password given with a signature
 * is checked too.
 */
int
users_account_data(struct ipc_chan *chan, struct ipc_msg *m)
{
	struct ipc_account_data_pw b;
	struct pwop	*op;
	const char	*why;

	if (ipc_msg_get(m, &b) == -1) {
		explicit_bzero(&b, sizeof(b));
		return -1;
	}
	op = pwop_new(chan, m, answer_op, hash_account_data);
	memcpy(op->grant, b.grant, b.grant_len);
	op->profile = b.profile;
	strlcpy(op->newpass, b.password, sizeof(op->newpass));
	strlcpy(op->password, b.old_password, sizeof(op->password));
	strlcpy(op->peer, b.peer, sizeof(op->peer));
	if (grant_check(b.grant, b.grant_len, &op->g) == -1)
		answer_status(op, 401, "invalid or expired credentials");
	else if (!password_acceptable(op->newpass, &why))
		answer_status(op, 400, why);
	else if (b.no_old && op->g.kind != GRANT_ACCOUNT_KEY)
		answer_status(op, 400, "\"old_password\" is required to set a "
		    "password with a bearer token");
	else if (!b.no_old)
		check_old_password(op);
	else
		hash_account_data(op);
	explicit_bzero(&b, sizeof(b));
	return 0;
}

/* ---- a host's SSH password (admin) ---------------------------------- */

/*
 * A new SSH password for a host: made here, sealed here (bound to the
 * host as the request named it), shown once; stored keeps the seal
 * (see mint.c).
 */
int
users_host_password(struct ipc_chan *chan, struct ipc_msg *m)
{
	struct ipc_host_password b;
	struct ipc_host_password_store rec;
	struct mint	*mt;
	struct grant	 g;

	if (ipc_msg_get(m, &b) == -1)
		return -1;
	mt = mint_new(chan, m);
	if (grant_check(b.grant, b.grant_len, &g) == -1) {
		mint_refuse(mt, 401, "invalid or expired token");
		return 0;
	}
	if (g.role != ROLE_ADMIN) {
		mint_refuse(mt, 403, "admin role required");
		return 0;
	}
	memset(&rec, 0, sizeof(rec));
	memcpy(rec.grant, b.grant, b.grant_len);
	rec.grant_len = b.grant_len;
	memcpy(rec.ref, b.ref, sizeof(rec.ref));
	random_string(mt->secret, ROTATED_LEN, PASSWORD_ALPHABET);
	if (seal_bound("host", "ssh_password", rec.ref, mt->secret, rec.sealed,
	    &rec.sealed_len) == -1)
		fatalx("cannot seal a secret");
	mint_store(mt, IPC_STORE_HOST_PASSWORD, &rec, mint_answer_secret);
	return 0;
}
