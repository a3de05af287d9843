/*
 * ACME accounts (RFC 8555 sections 7.3 and 7.3.5): creation with the
 * terms agreed and a mailto contact, External Account Binding when the
 * directory requires it, lookup of an existing account by its key, and
 * the roll-over of the account's key (keyChange: an inner JWS signed by
 * the new key inside an outer one signed by the old).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "acme_int.h"

#define CONTACT_MAX	320

static int
set_kid(struct acme *a, const struct acme_resp *r)
{
	if (!acme_https_url(r->location) ||
	    strlcpy(a->kid, r->location, sizeof(a->kid)) >= sizeof(a->kid)) {
		a->kid[0] = '\0';
		acme_seterr(a, "newAccount gave no account URL");
		return -1;
	}
	return 0;
}

/* The key in hand (kid, hmac), or one held elsewhere (eab). */
struct eab_by {
	const char		*kid;
	const char		*hmac;
	const struct acme_eab	*eab;
};

static json_t *
account_payload(struct acme *a, const struct acme_signer *sg,
    const char *url, const char *contact, const struct eab_by *by,
    int only_existing)
{
	json_t	*p, *eab;
	char	 mailto[CONTACT_MAX + 8], *e;
	int	 need, have;

	if ((p = json_object()) == NULL)
		return NULL;
	if (only_existing) {
		json_object_set_new(p, "onlyReturnExisting", json_true());
		return p;
	}
	json_object_set_new(p, "termsOfServiceAgreed", json_true());
	if (contact != NULL && contact[0] != '\0') {
		if (strlen(contact) > CONTACT_MAX ||
		    strpbrk(contact, ",?:/ \t\r\n") != NULL ||
		    strchr(contact, '@') == NULL) {
			acme_seterr(a, "the contact is not an e-mail address");
			json_decref(p);
			return NULL;
		}
		snprintf(mailto, sizeof(mailto), "mailto:%s", contact);
		json_object_set_new(p, "contact",
		    json_pack("[s]", mailto));
	}
	need = acme_directory_meta(a, "externalAccountRequired");
	have = by->eab != NULL || (by->kid != NULL && by->hmac != NULL);
	if (need == 1 && !have) {
		acme_seterr(a, "the CA requires external account binding, "
		    "and no EAB key id and HMAC key are configured");
		json_decref(p);
		return NULL;
	}
	if (have) {
		e = by->eab != NULL ? acme_eab(a, sg, url, by->eab) :
		    acme_eab_key(a, sg, url, by->kid, by->hmac);
		if (e == NULL ||
		    (eab = json_loads(e, 0, NULL)) == NULL) {
			free(e);
			json_decref(p);
			return NULL;
		}
		free(e);
		json_object_set_new(p, "externalAccountBinding", eab);
	}
	return p;
}

static int
account_do(struct acme *a, const struct acme_signer *sg,
    const char *contact, const struct eab_by *by, int only_existing)
{
	struct acme_resp	 r;
	const char		*url;
	json_t			*p;
	char			*payload;
	int			 rv = -1;

	a->signer = sg;
	a->kid[0] = '\0';
	if ((url = acme_dir_url(a, "newAccount")) == NULL)
		return -1;
	p = account_payload(a, sg, url, contact, by, only_existing);
	if (p == NULL)
		return -1;
	payload = json_dumps(p, JSON_COMPACT);
	json_decref(p);
	if (payload == NULL) {
		acme_seterr(a, "out of memory");
		return -1;
	}
	if (acme_post(a, url, payload, 1, NULL, &r) == 0) {
		if (r.status == 200 || r.status == 201)
			rv = set_kid(a, &r);
		else
			acme_resp_error(a, "newAccount", &r);
		acme_resp_free(&r);
	}
	free(payload);
	return rv;
}

int
acme_account(struct acme *a, const struct acme_signer *sg,
    const char *contact, const char *eab_kid, const char *eab_hmac,
    int only_existing)
{
	struct eab_by	 by = { eab_kid, eab_hmac, NULL };

	return account_do(a, sg, contact, &by, only_existing);
}

int
acme_account_eab(struct acme *a, const struct acme_signer *sg,
    const char *contact, const struct acme_eab *eab, int only_existing)
{
	struct eab_by	 by = { NULL, NULL, eab };

	return account_do(a, sg, contact, &by, only_existing);
}

int
acme_use_account(struct acme *a, const struct acme_signer *sg,
    const char *account_url)
{
	if (!acme_https_url(account_url) ||
	    strlcpy(a->kid, account_url, sizeof(a->kid)) >= sizeof(a->kid)) {
		a->kid[0] = '\0';
		acme_seterr(a, "the account URL is not an https URL");
		return -1;
	}
	a->signer = sg;
	return 0;
}

/* The inner JWS of keyChange: signed by the new key, with no nonce. */
static char *
inner_jws(struct acme *a, const struct acme_signer *nk, const char *url)
{
	json_t	*p;
	char	*payload, *jws;

	p = json_pack("{s:s, s:O}", "account", a->kid, "oldKey",
	    a->signer->jwk);
	payload = p != NULL ? json_dumps(p, JSON_COMPACT) : NULL;
	json_decref(p);
	if (payload == NULL) {
		acme_seterr(a, "out of memory");
		return NULL;
	}
	jws = acme_jws(a, nk, url, payload, 1, 0);
	free(payload);
	return jws;
}

int
acme_key_change(struct acme *a, const struct acme_signer *nk)
{
	struct acme_resp	 r;
	const char		*url;
	char			*inner;
	int			 rv = -1;

	if (a->signer == NULL || a->kid[0] == '\0') {
		acme_seterr(a, "no account to roll over");
		return -1;
	}
	if ((url = acme_dir_url(a, "keyChange")) == NULL)
		return -1;
	if ((inner = inner_jws(a, nk, url)) == NULL)
		return -1;
	if (acme_post(a, url, inner, 0, NULL, &r) == 0) {
		if (r.status == 200) {
			a->signer = nk;
			rv = 0;
		} else
			acme_resp_error(a, "keyChange", &r);
		acme_resp_free(&r);
	}
	free(inner);
	return rv;
}
