/*
 * A user's DNS provider on its way in: its secret (a TSIG secret or a
 * hosted provider's API token) is checked and sealed here, bound to
 * the provider's new id, and only the seal goes on to stored.  stored
 * checks the rights (certs.write, the user reached) and the settings
 * again; frontd never sees the secret again.  The seal opens only here,
 * for a job that names this provider (a message taskd will send).
 */
#include <stdlib.h>
#include <string.h>

#include "authd.h"
#include "body_dns.h"
#include "dnsprov.h"
#include "log.h"
#include "util.h"

/* stored's answer holds no secret: it goes back as it is */
static void
stored_dnsprov(struct ipc_chan *chan, struct ipc_msg *m, void *arg)
{
	struct ipc_req		*req = arg;
	struct ipc_dnsprov_res	 res;

	(void)chan;
	if (m == NULL)
		ipc_answer_status(req, 503, "try again");
	else if (ipc_msg_get(m, &res) == -1)
		ipc_answer_status(req, 500, "internal error");
	else
		ipc_answer(req, &res, NULL);
	free(req);
}

static const char *
dnsprov_invalid(const struct ipc_dnsprov_create *b)
{
	const struct dnsprov_rec *p = &b->prov;
	struct dnsprov_fields	 f = { p->type, p->name, p->server,
	    p->port, p->zone, p->key_name, p->algorithm, p->zone_id };
	const char		*why;

	if ((why = dnsprov_check(&f)) != NULL)
		return why;
	return dnsprov_secret_check(p->type, b->secret);
}

/* IPC_AUTH_DNSPROV_CREATE, from frontd */
int
dnsprov_create(struct ipc_chan *chan, struct ipc_msg *m)
{
	struct ipc_dnsprov_create *b;
	struct ipc_dnsprov_store *out;
	struct ipc_req		*req;
	struct ipc_msg		 sm;
	struct grant		 g;
	const char		*why;
	int			 rc = 0;

	if ((b = calloc(1, sizeof(*b))) == NULL ||
	    (out = calloc(1, sizeof(*out))) == NULL ||
	    (req = calloc(1, sizeof(*req))) == NULL)
		fatal("%s", __func__);
	*req = ipc_req_of(chan, m);
	if (ipc_msg_get(m, b) == -1) {
		rc = -1;
		goto done;
	}
	if (grant_check(b->grant, b->grant_len, &g) == -1) {
		ipc_answer_status(req, 401, "invalid or expired token");
		goto done;
	}
	if ((why = dnsprov_invalid(b)) != NULL) {
		ipc_answer_status(req, 400, why);
		goto done;
	}
	memcpy(out->grant, b->grant, b->grant_len);
	out->grant_len = b->grant_len;
	out->access = b->access;
	memcpy(out->user, b->user, sizeof(out->user));
	out->dialect = b->dialect;
	out->prov = b->prov;
	/* named here, so that the seal is bound to this provider alone */
	uuid_v4(out->prov.id);
	out->prov.secret_set = 1;
	if (seal_bound("dns_provider", "secret", out->prov.id, b->secret,
	    out->sealed, &out->sealed_len) == -1)
		fatalx("cannot seal a secret");
	ipc_msg_init(&sm, IPC_STORE_DNSPROV_CREATE, 0);
	ipc_msg_put(&sm, out);
	if (ipc_request(authd_env->chans[PROC_STORED], &sm,
	    authd_env->conf.common.ipc_timeout_ms, stored_dnsprov, req) == -1)
		ipc_answer_status(req, 503, "try again");
	else
		req = NULL;	/* stored_dnsprov() frees it */
 done:
	explicit_bzero(b, sizeof(*b));
	explicit_bzero(out, sizeof(*out));
	free(b);
	free(out);
	free(req);
	return rc;
}
