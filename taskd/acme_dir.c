/*
 * The directory, fetched once from the configured URL, its resources
 * and meta, and the nonces its newNonce gives: above the transport
 * (acme_http.c), below the signed requests (acme_req.c).
 */
#include <string.h>

#include "acme_int.h"

int
acme_directory(struct acme *a)
{
	struct acme_resp	 r;
	json_t			*d;

	if (a->dir != NULL)
		return 0;
	if (acme_http(a, "GET", a->dir_url, NULL, NULL, &r) == -1)
		return -1;
	if (r.status != 200) {
		acme_resp_error(a, "directory", &r);
		acme_resp_free(&r);
		return -1;
	}
	d = acme_resp_json(a, &r);
	acme_resp_free(&r);
	if (d == NULL)
		return -1;
	if (!acme_https_url(json_string_value(json_object_get(d,
	    "newNonce"))) ||
	    !acme_https_url(json_string_value(json_object_get(d,
	    "newAccount"))) ||
	    !acme_https_url(json_string_value(json_object_get(d,
	    "newOrder")))) {
		json_decref(d);
		acme_seterr(a, "the directory lacks newNonce, newAccount or "
		    "newOrder as https URLs");
		return -1;
	}
	a->dir = d;
	return 0;
}

/* A resource of the directory, or NULL (and the error) if absent. */
const char *
acme_dir_url(struct acme *a, const char *key)
{
	const char	*u;

	if (acme_directory(a) == -1)
		return NULL;
	u = json_string_value(json_object_get(a->dir, key));
	if (!acme_https_url(u)) {
		acme_seterr(a, "the directory offers no %s", key);
		return NULL;
	}
	return u;
}

/* 1 when the directory's meta has key true, 0 if not, -1 on error. */
int
acme_directory_meta(struct acme *a, const char *key)
{
	if (acme_directory(a) == -1)
		return -1;
	return json_is_true(json_object_get(json_object_get(a->dir, "meta"),
	    key));
}

/* A fresh nonce from newNonce, when no answer left one to reuse. */
int
acme_new_nonce(struct acme *a)
{
	struct acme_resp	 r;
	const char		*url;

	if ((url = acme_dir_url(a, "newNonce")) == NULL)
		return -1;
	a->nonce[0] = '\0';
	if (acme_http(a, "HEAD", url, NULL, NULL, &r) == -1)
		return -1;
	acme_resp_free(&r);
	if (r.status != 200 && r.status != 204) {
		acme_seterr(a, "newNonce answered %ld", r.status);
		return -1;
	}
	if (a->nonce[0] == '\0') {
		acme_seterr(a, "newNonce gave no Replay-Nonce");
		return -1;
	}
	return 0;
}
