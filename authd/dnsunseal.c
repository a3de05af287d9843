/*
 * A DNS provider's secret on its way out, to taskd alone (the
 * catalogue routes dnsprov.unseal from taskd only), for the job that
 * names the provider: stored hands taskd the provider's id and seal
 * with the job, and the seal opens only under the id it was sealed to
 * (authd/dnsprov.c), so a seal copied from another provider's row, or
 * sent with another id, opens nothing.
 */
#include <string.h>

#include "authd.h"
#include "body_dns.h"
#include "log.h"
#include "util.h"

/* 0 with the secret, or -1 with why. */
int
dnsprov_open(const struct ipc_dnsprov_unseal *in, char *secret,
    size_t secretlen, const char **why)
{
	if (!uuid_shaped(in->id)) {
		*why = "not a provider's id";
		return -1;
	}
	if (in->sealed_len == 0) {
		*why = "the provider has no secret";
		return -1;
	}
	if (unseal_bound("dns_provider", "secret", in->id, in->sealed,
	    in->sealed_len, secret, secretlen) == -1) {
		*why = "a seal that does not open for this provider";
		return -1;
	}
	return 0;
}

/* IPC_DNSPROV_UNSEAL, from taskd */
int
dnsprov_unseal(struct ipc_chan *chan, struct ipc_msg *m)
{
	struct ipc_req			 req = ipc_req_of(chan, m);
	struct ipc_dnsprov_unseal	 in;
	struct ipc_dnsprov_unseal_res	 res;
	const char			*why = NULL;

	if (ipc_msg_get(m, &in) == -1)
		return -1;
	memset(&res, 0, sizeof(res));
	if (dnsprov_open(&in, res.secret, sizeof(res.secret), &why) == -1)
		log_warnx("dns provider's secret: %s", why);
	res.head.status = why == NULL ? 200 : 409;
	strlcpy(res.head.message, why != NULL ? why : "ok",
	    sizeof(res.head.message));
	ipc_answer(&req, &res, NULL);
	explicit_bzero(&res, sizeof(res));
	return 0;
}
