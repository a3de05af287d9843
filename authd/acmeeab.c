/*
 * The External Account Binding keys of the acme directories (RFC 8555,
 * section 7.3.4): key material, so authd alone holds them, and authd
 * will compute the binding's HMAC for the account its JWS creates.
 * They come with each configuration push (cfg.acme.eab) and take effect
 * at cfg.done, as the rest of it does.
 */
#include <string.h>

#include "authd.h"
#include "body_cfg.h"
#include "log.h"

struct eab_key {
	char	 name[CFG_ACME_NAME_MAX];
	char	 kid[CFG_ACME_EAB_MAX];
	char	 hmac[CFG_ACME_EAB_MAX];	/* base64url, as configured */
};

static struct eab_key	 pending[CFG_ACME_DIRS_MAX], keys[CFG_ACME_DIRS_MAX];
static uint32_t		 npending, nkeys;

static int
b64url(const char *s)
{
	size_t	 i;

	for (i = 0; s[i] != '\0'; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') ||
		    (s[i] >= 'A' && s[i] <= 'Z') ||
		    (s[i] >= '0' && s[i] <= '9') || s[i] == '-' ||
		    s[i] == '_'))
			return 0;
	return i > 0;
}

int
config_acme_eab(struct ipc_chan *chan, struct ipc_msg *m)
{
	struct ipc_cfg_acme	 b;
	struct ipc_cfg_acme_eab	 e;
	int			 rc, bad = 0;

	(void)chan;
	explicit_bzero(pending, sizeof(pending));
	npending = 0;
	if (ipc_msg_get(m, &b) == -1)
		return -1;
	if (b.count > CFG_ACME_DIRS_MAX)
		return ipc_violation(m, "too many EAB keys");
	while ((rc = ipc_msg_get_item(m, &e)) == 1) {
		if (npending == CFG_ACME_DIRS_MAX || e.name[0] == '\0' ||
		    e.kid[0] == '\0' || !b64url(e.hmac)) {
			bad = 1;
			break;
		}
		/* as large: body_cfg.h's sizes */
		strlcpy(pending[npending].name, e.name, sizeof(e.name));
		strlcpy(pending[npending].kid, e.kid, sizeof(e.kid));
		strlcpy(pending[npending].hmac, e.hmac, sizeof(e.hmac));
		npending++;
	}
	explicit_bzero(&e, sizeof(e));
	if (bad)
		return ipc_violation(m, "an EAB key moatd would have refused");
	if (rc == -1)
		return -1;
	if (npending != b.count)
		return ipc_violation(m, "EAB keys miscounted");
	return 0;
}

void
acme_eab_apply(void)
{
	explicit_bzero(keys, sizeof(keys));
	memcpy(keys, pending, sizeof(keys));
	nkeys = npending;
	explicit_bzero(pending, sizeof(pending));
	npending = 0;
}

int
acme_eab_get_key(const char *name, const char **kid, const char **hmac)
{
	uint32_t	 i;

	for (i = 0; i < nkeys; i++)
		if (strcmp(keys[i].name, name) == 0) {
			*kid = keys[i].kid;
			*hmac = keys[i].hmac;
			return 0;
		}
	return -1;
}
