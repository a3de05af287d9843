/*
 * The first admin: on a database without users, authd makes a random
 * password, hashes it, and asks stored to create "admin" only if no user
 * exists yet.  moatd gets the password back to show it once.
 */
#include <stdlib.h>
#include <string.h>

#include "authd.h"
#include "body_cfg.h"
#include "log.h"
#include "util.h"

#define ADMIN_PASSWORD_LEN	20
#define PASSWORD_ALPHABET \
	"ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789"

struct bootstrap {
	struct ipc_req	 req;		/* moatd's admin.bootstrap */
	char		 password[ADMIN_PASSWORD_LEN + 1];
};

static void
bootstrap_answer(struct bootstrap *b, int created)
{
	struct ipc_admin_bootstrap_res	 res;

	memset(&res, 0, sizeof(res));
	res.head.status = 200;
	strlcpy(res.head.message, "ok", sizeof(res.head.message));
	res.created = created;
	if (created)
		strlcpy(res.password, b->password, sizeof(res.password));
	ipc_answer(&b->req, &res, NULL);
	explicit_bzero(&res, sizeof(res));
	explicit_bzero(b->password, sizeof(b->password));
	free(b);
}

static void
stored_answered(struct ipc_chan *chan, struct ipc_msg *m, void *arg)
{
	struct bootstrap		*b = arg;
	struct ipc_user_bootstrap_res	 res;

	(void)chan;
	if (m == NULL)
		fatalx("stored did not answer the admin bootstrap");
	if (ipc_msg_get(m, &res) == -1)
		fatalx("stored sent a malformed user.bootstrap.res");
	if (!ipc_status_ok(res.head.status))
		fatalx("stored could not make the first admin: %s",
		    res.head.message);
	if (res.created)
		log_info("created the first admin user");
	bootstrap_answer(b, res.created);
}

/* "admin" with the hash, if stored has no user yet */
static void
first_admin(struct ipc_msg *req, const char *hash)
{
	struct ipc_user_bootstrap	 u;

	memset(&u, 0, sizeof(u));
	strlcpy(u.name, "admin", sizeof(u.name));
	if (strlcpy(u.hash, hash, sizeof(u.hash)) >= sizeof(u.hash))
		fatalx("the admin password's hash is too long");
	strlcpy(u.role, "admin", sizeof(u.role));
	ipc_msg_init(req, IPC_USER_BOOTSTRAP, 0);
	ipc_msg_put(req, &u);
	explicit_bzero(&u, sizeof(u));
}

int
bootstrap_admin(struct ipc_chan *chan, struct ipc_msg *m)
{
	struct authd	*a = authd_env;
	struct bootstrap *b;
	struct ipc_msg	 req;
	char		 encoded[256];

	if (ipc_msg_get(m, NULL) == -1)
		return -1;
	if ((b = calloc(1, sizeof(*b))) == NULL)
		fatal("%s", __func__);
	b->req = ipc_req_of(chan, m);
	random_string(b->password, ADMIN_PASSWORD_LEN, PASSWORD_ALPHABET);
	if (hasher_hash(&a->conf.argon2, b->password, encoded,
	    sizeof(encoded)) == -1)
		fatalx("cannot hash the admin password");
	first_admin(&req, encoded);
	explicit_bzero(encoded, sizeof(encoded));
	if (ipc_request(a->chans[PROC_STORED], &req, 30000, stored_answered,
	    b) == -1)
		fatalx("cannot reach stored");
	return 0;
}
