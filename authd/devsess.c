/*
 * An agent's registration and its session (issue 11).  An agent that
 * registers with its X25519 key (POST /apiv1/me/devices, or
 * /apiv1/device/registration, with a session or an API key that may
 * write devices) gets an access token (da_, an hour) and a refresh
 * token (dr_, 30 days) of a new family; POST /auth/refresh turns a
 * refresh token into a new pair of the same family.  Both are minted
 * here and compared here in constant time; stored keeps their public
 * ids and HMACs, and turns a refresh token over once: used again, it
 * ends the family (devsess.c in stored).  An access token's grant is a
 * device's (GRANT_DEVICE, cred_oid the device): it opens the device's
 * own reads and nothing else, as the device token does.
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "authd.h"
#include "body_devices.h"
#include "log.h"
#include "tokens.h"
#include "util.h"

#if DEVICE_DIGEST_LEN != CRYPTO_MAC_LEN || \
    DEVICE_PUBLIC_ID_MAX < TOKEN_ID_TEXT_LEN || KEYTOKEN_MAX < TOKEN_TEXT_MAX
#error "a device session's record does not fit its message"
#endif

#define ACCESS_TTL	3600		/* seconds */
#define REFRESH_TTL	(30 * 86400)

/* The tokens made for one request, until it is answered. */
struct devsess {
	struct ipc_req	 req;
	uint8_t		 id[TOKEN_ID_LEN];
	uint8_t		 secret[TOKEN_SECRET_LEN];	/* the old refresh */
	char		 access[TOKEN_TEXT_MAX + 1];
	char		 refresh[TOKEN_TEXT_MAX + 1];
	struct attempt	 attempt;	/* a refresh: its address's count */
};

static struct devsess *
devsess_new(struct ipc_chan *chan, const struct ipc_msg *m)
{
	struct devsess	*ds;

	if ((ds = calloc(1, sizeof(*ds))) == NULL)
		fatal("%s", __func__);
	ds->req = ipc_req_of(chan, m);
	return ds;
}

static void
devsess_free(struct devsess *ds)
{
	/* what did not fail as an authentication is taken back */
	attempt_forgive(&ds->attempt);
	explicit_bzero(ds, sizeof(*ds));
	free(ds);
}

static void
devsess_refuse(struct devsess *ds, int status, const char *message,
    uint32_t retry)
{
	struct ipc_devsess_res	 res;

	memset(&res, 0, sizeof(res));
	res.head.status = status;
	res.head.retry = retry;
	strlcpy(res.head.message, message, sizeof(res.head.message));
	ipc_answer(&ds->req, &res, NULL);
	devsess_free(ds);
}

/* One opaque token: its text kept in the devsess, its record in rec. */
static void
mint_one(const char *prefix, char *text, size_t len,
    char idtext[DEVICE_PUBLIC_ID_MAX + 1], uint8_t digest[CRYPTO_MAC_LEN],
    size_t *digest_len)
{
	uint8_t		 id[TOKEN_ID_LEN], secret[TOKEN_SECRET_LEN];

	if (token_new(prefix, text, len, id, secret) != CRYPTO_OK ||
	    token_digest(authd_env->token_key, secret, digest) != CRYPTO_OK)
		fatalx("cannot mint a device session token");
	explicit_bzero(secret, sizeof(secret));
	token_id_text(id, idtext);
	*digest_len = CRYPTO_MAC_LEN;
}

/* A new pair of the family (not inside s), its texts in ds. */
static void
mint_pair(struct devsess *ds, const char *family, struct devsess_rec *s)
{
	time_t	 now = time(NULL);

	memset(s, 0, sizeof(*s));
	if (strlcpy(s->family, family, sizeof(s->family)) == 0)
		fatalx("a device session without its family");
	mint_one(PREFIX_DEVACCESS, ds->access, sizeof(ds->access),
	    s->access_id, s->access_digest, &s->access_digest_len);
	s->access_expires = now + ACCESS_TTL;
	mint_one(PREFIX_DEVREFRESH, ds->refresh, sizeof(ds->refresh),
	    s->refresh_id, s->refresh_digest, &s->refresh_digest_len);
	s->refresh_expires = now + REFRESH_TTL;
}

/* stored kept the pair (device.res): the tokens, this once */
static void
answered(struct ipc_chan *chan, struct ipc_msg *m, void *arg)
{
	struct devsess		*ds = arg;
	struct ipc_device_res	 d;
	struct ipc_devsess_res	 res;

	(void)chan;
	if (m == NULL) {
		devsess_refuse(ds, 503, "try again", 0);
		return;
	}
	if (ipc_msg_get(m, &d) == -1) {
		devsess_refuse(ds, 500, "internal error", 0);
		return;
	}
	if (!ipc_status_ok(d.head.status)) {
		if (d.head.status == 401)
			attempt_failed(&ds->attempt);
		devsess_refuse(ds, d.head.status, d.head.message,
		    d.head.retry);
		return;
	}
	memset(&res, 0, sizeof(res));
	res.head = d.head;
	res.device = d.device;
	strlcpy(res.access_token, ds->access, sizeof(res.access_token));
	strlcpy(res.refresh_token, ds->refresh, sizeof(res.refresh_token));
	res.expires_in = ACCESS_TTL;
	ipc_answer(&ds->req, &res, NULL);
	explicit_bzero(&res, sizeof(res));
	explicit_bzero(&d, sizeof(d));
	devsess_free(ds);
}

static void
ask_stored(struct devsess *ds, enum ipc_type type, const void *body)
{
	struct ipc_msg	 m;

	ipc_msg_init(&m, type, 0);
	ipc_msg_put(&m, body);
	if (ipc_request(authd_env->chans[PROC_STORED], &m,
	    authd_env->conf.common.ipc_timeout_ms, answered, ds) == -1)
		devsess_refuse(ds, 503, "try again", 0);
}

/* IPC_AUTH_DEVICE_REGISTER, from frontd: an agent and its X25519 key */
int
devsess_register(struct ipc_chan *chan, struct ipc_msg *m)
{
	struct ipc_device_create b;
	struct ipc_device_store	 rec;
	struct devsess		*ds;
	char			 unused[TOKEN_TEXT_MAX + 1], family[37];
	const char		*why;
	int			 status;

	if (ipc_msg_get(m, &b) == -1)
		return -1;
	ds = devsess_new(chan, m);
	if ((status = device_refusal(&b, 1, &why)) != 0) {
		devsess_refuse(ds, status, why, 0);
		return 0;
	}
	memset(&rec, 0, sizeof(rec));
	/* the row's own device token, which an agent never sees: it
	 * authenticates with its session */
	mint_one(PREFIX_DEVICE, unused, sizeof(unused), rec.public_id,
	    rec.digest, &rec.digest_len);
	explicit_bzero(unused, sizeof(unused));
	device_record(&b, &rec);
	uuid_v4(family);
	mint_pair(ds, family, &rec.sess);
	ask_stored(ds, IPC_STORE_DEVICE_CREATE, &rec);
	explicit_bzero(&rec, sizeof(rec));
	return 0;
}

/* What stored keeps of the refresh token: compared here, then turned. */
static void
refresh_known(struct ipc_chan *chan, struct ipc_msg *m, void *arg)
{
	struct devsess		*ds = arg;
	struct ipc_token_res	 t;
	struct ipc_devsess_rotate rot;

	(void)chan;
	if (m == NULL) {
		devsess_refuse(ds, 503, "try again", 0);
		return;
	}
	token_res_get(m, &t);
	if (!token_res_matches(&t, ds->secret) ||
	    strcmp(t.kind, PREFIX_DEVREFRESH) != 0 ||
	    t.expires <= time(NULL) || role_by_name(t.role) == ROLE_NONE) {
		explicit_bzero(&t, sizeof(t));
		attempt_failed(&ds->attempt);
		devsess_refuse(ds, 401, "invalid or expired token", 0);
		return;
	}
	explicit_bzero(ds->secret, sizeof(ds->secret));
	/* used already or not, stored decides in one transaction: a
	 * second use ends the family */
	memset(&rot, 0, sizeof(rot));
	rot.old_oid = t.oid;
	mint_pair(ds, t.bound, &rot.sess);
	explicit_bzero(&t, sizeof(t));
	ask_stored(ds, IPC_STORE_DEVSESS_ROTATE, &rot);
	explicit_bzero(&rot, sizeof(rot));
}

/* IPC_AUTH_DEVICE_REFRESH, from frontd: POST /auth/refresh */
int
devsess_refresh(struct ipc_chan *chan, struct ipc_msg *m)
{
	struct ipc_devsess_refresh b;
	struct devsess		*ds;
	char			 idtext[TOKEN_ID_TEXT_LEN + 1];
	uint32_t		 retry;

	if (ipc_msg_get(m, &b) == -1) {
		explicit_bzero(&b, sizeof(b));
		return -1;
	}
	ds = devsess_new(chan, m);
	/* a refresh is an authentication: the limit of logins (limit
	 * auth failures, per address) */
	if (!attempt_begin(&ds->attempt, b.peer, &retry))
		devsess_refuse(ds, 429, "too many requests", retry);
	else if (token_parse(PREFIX_DEVREFRESH, b.token, strlen(b.token),
	    ds->id, ds->secret) != CRYPTO_OK) {
		attempt_failed(&ds->attempt);
		devsess_refuse(ds, 401, "invalid or expired token", 0);
	} else {
		token_id_text(ds->id, idtext);
		if (token_ask(TOKEN_DEVSESS, idtext, refresh_known, ds) == -1)
			devsess_refuse(ds, 503, "try again", 0);
	}
	explicit_bzero(&b, sizeof(b));
	return 0;
}
