/* authd's half of the configuration push (see moatd/confpush.c). */
#include <sys/types.h>

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "authd.h"
#include "body_cfg.h"
#include "daemon.h"
#include "log.h"
#include "util.h"

/* the TLS certificate and key of this push, until cfg.done */
static char	*cert_pem, *key_pem;
static size_t	 cert_len, key_len;
/* frees the previous TLS key when its grace period ends */
static struct event	*tls_expiry;

static int
get_auth(struct authd_config *c, struct ipc_msg *m)
{
	struct ipc_cfg_auth	 b;

	if (ipc_msg_get(m, &b) == -1)
		return -1;
	if (b.memory_kib < 8192 || b.time == 0 || b.parallelism == 0 ||
	    b.parallelism > 16)
		return ipc_violation(m, "argon2 parameters out of range");
	c->argon2.memory_kib = b.memory_kib;
	c->argon2.time = b.time;
	c->argon2.parallelism = b.parallelism;
	return 0;
}

static int
get_identity(struct authd_config *c, struct ipc_msg *m)
{
	struct ipc_cfg_identity	 b;
	int			 d;

	/* api requests are stored's to count */
	if (ipc_msg_get(m, &b) == -1)
		return -1;
	for (d = 0; d < DIALECT_MAX; d++)
		if (b.session[d].lifetime == 0 || b.session[d].idle == 0)
			return ipc_violation(m, "session lifetime out of range");
	if (b.login_lifetime == 0 || b.auth_failures == 0 ||
	    b.invalid_tokens == 0)
		return ipc_violation(m, "limits out of range");
	for (d = 0; d < DIALECT_MAX; d++) {
		c->session[d].lifetime = b.session[d].lifetime;
		c->session[d].idle = b.session[d].idle;
	}
	c->login_lifetime = b.login_lifetime;
	c->auth_failures = b.auth_failures;
	c->invalid_tokens = b.invalid_tokens;
	return 0;
}

/* The master key arrives once, as a descriptor moatd opened for us. */
static int
get_master_key(struct authd *a, struct ipc_msg *m)
{
	struct ipc_cfg_master_key	 b;
	ssize_t				 n;

	if (ipc_msg_get(m, &b) == -1 || a->have_master_key) {
		if (b.fd != -1)
			close(b.fd);
		return ipc_violation(m, "master key sent twice");
	}
	n = read_all_fd(b.fd, a->master_key, sizeof(a->master_key));
	close(b.fd);
	if (n != (ssize_t)sizeof(a->master_key))
		fatalx("the master key is not %d bytes", MASTER_KEY_LEN);
	a->have_master_key = 1;
	return 0;
}

/*
 * Subkeys of the master key for what must survive a restart (tokens,
 * sealed secrets); a fresh grant key for this run only, which stored
 * learns from us and nobody else.
 */
static void
derive_keys(struct authd *a)
{
	struct ipc_grant_key	 b;
	struct ipc_msg		 m;

	if (crypto_derive(a->master_key, sizeof(a->master_key), "jwt",
	    a->jwt_key) != CRYPTO_OK ||
	    crypto_derive(a->master_key, sizeof(a->master_key), "token",
	    a->token_key) != CRYPTO_OK ||
	    crypto_derive(a->master_key, sizeof(a->master_key), "seal",
	    a->seal_key) != CRYPTO_OK)
		fatalx("cannot derive keys from the master key");
	random_bytes(a->grant_key, sizeof(a->grant_key));
	memcpy(b.key, a->grant_key, sizeof(b.key));
	b.key_len = sizeof(b.key);
	ipc_msg_init(&m, IPC_GRANT_KEY, 0);
	ipc_msg_put(&m, &b);
	explicit_bzero(&b, sizeof(b));
	ipc_send(a->chans[PROC_STORED], &m);
	a->keys_ready = 1;
}

/*
 * A pair that does not hold together (or cannot be read) is refused as a
 * whole: authd keeps the key in use, and frontd, whose signature check
 * then fails, keeps its certificate.
 */
static void
expire_tls_key(int fd, short events, void *arg)
{
	struct timeval	 tv;
	uint64_t	 left;

	(void)fd;
	(void)events;
	(void)arg;
	if ((left = tlskey_expire()) == 0)
		return;
	left++;		/* the clock counts whole milliseconds */
	tv.tv_sec = left / 1000;
	tv.tv_usec = (left % 1000) * 1000;
	evtimer_add(tls_expiry, &tv);
}

static void
apply_tls(void)
{
	const char	*why = "the certificate or the key is missing";
	int		 rc = -1;

	if (cert_pem != NULL && key_pem != NULL)
		rc = tlskey_install(cert_pem, cert_len, key_pem, key_len, &why);
	if (rc == 0)
		panelnames_set(cert_pem, cert_len);
	daemon_pem_clear(&cert_pem, &cert_len);
	daemon_pem_clear(&key_pem, &key_len);
	if (rc == 0) {
		if (tls_expiry == NULL && (tls_expiry = evtimer_new(
		    authd_env->base, expire_tls_key, NULL)) == NULL)
			fatal("%s: evtimer_new", __func__);
		expire_tls_key(-1, 0, NULL);
		return;
	}
	if (!tlskey_ready())
		fatalx("tls: %s", why);
	log_warnx("tls: %s; keeping the key in use", why);
}

/* An IPv6 /48's limit: that of its /64s, RATELIMIT_SITE_FACTOR times. */
static uint32_t
site_limit(uint32_t limit)
{
	if (limit > UINT32_MAX / RATELIMIT_SITE_FACTOR)
		return UINT32_MAX;
	return limit * RATELIMIT_SITE_FACTOR;
}

static void
apply(void)
{
	struct authd	*a = authd_env;

	if (!a->have_master_key)
		fatalx("configuration without a master key");
	apply_tls();
	acme_eab_apply();
	a->conf = a->pending;
	log_setverbose(a->conf.common.verbose);
	if (!a->keys_ready)
		derive_keys(a);
	ratelimit_set_limit(a->failures, a->conf.auth_failures);
	ratelimit_set_limit(a->failures_site, site_limit(a->conf.auth_failures));
	ratelimit_set_limit(a->invalid, a->conf.invalid_tokens);
	ratelimit_set_limit(a->invalid_site, site_limit(a->conf.invalid_tokens));
}

int
config_common(struct ipc_chan *chan, struct ipc_msg *m)
{
	(void)chan;
	return daemon_get_common(m, &authd_env->pending.common);
}

int
config_auth(struct ipc_chan *chan, struct ipc_msg *m)
{
	(void)chan;
	return get_auth(&authd_env->pending, m);
}

int
config_identity(struct ipc_chan *chan, struct ipc_msg *m)
{
	(void)chan;
	return get_identity(&authd_env->pending, m);
}

int
config_master_key(struct ipc_chan *chan, struct ipc_msg *m)
{
	(void)chan;
	return get_master_key(authd_env, m);
}

int
config_tls_cert(struct ipc_chan *chan, struct ipc_msg *m)
{
	(void)chan;
	return daemon_get_pem(m, &cert_pem, &cert_len);
}

int
config_tls_key(struct ipc_chan *chan, struct ipc_msg *m)
{
	(void)chan;
	return daemon_get_pem(m, &key_pem, &key_len);
}

int
config_done(struct ipc_chan *chan, struct ipc_msg *m)
{
	return daemon_config_done(chan, m, apply);
}

int
config_proc_start(struct ipc_chan *chan, struct ipc_msg *m)
{
	(void)chan;
	return daemon_proc_start(m, &authd_env->serving);
}
