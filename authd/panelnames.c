/*
 * The names the suite's own HTTPS certificate serves.  No user may have
 * moat's ACME client order a certificate for one: the CA's check of an
 * http-01 challenge reaches moat's own listener, which answers for any
 * user's order, so it proves nothing about who asks (review of issue 11,
 * finding 3).
 */
#include <string.h>
#include <strings.h>

#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "authd.h"

static X509	*panel;

void
panelnames_set(const char *pem, size_t len)
{
	BIO	*bio;
	X509	*x = NULL;

	if (pem == NULL || len > INT32_MAX)
		return;
	if ((bio = BIO_new_mem_buf(pem, (int)len)) != NULL)
		x = PEM_read_bio_X509(bio, NULL, NULL, NULL);
	BIO_free(bio);
	if (x == NULL)
		return;
	X509_free(panel);
	panel = x;
}

/* Whether dns, one of the certificate's names, is "L.parent" or
 * "*.parent": a name a wildcard "*.parent" would cover. */
static int
under(const char *dns, size_t len, const char *parent)
{
	const char	*dot = memchr(dns, '.', len);

	return dot != NULL && (size_t)(dns + len - dot - 1) ==
	    strlen(parent) && strncasecmp(dot + 1, parent,
	    strlen(parent)) == 0;
}

static int
wildcard_covers(const char *parent)
{
	GENERAL_NAMES		*sans;
	const GENERAL_NAME	*g;
	int			 i, hit = 0;

	if ((sans = X509_get_ext_d2i(panel, NID_subject_alt_name, NULL,
	    NULL)) == NULL)
		return 0;
	for (i = 0; !hit && i < sk_GENERAL_NAME_num(sans); i++) {
		g = sk_GENERAL_NAME_value(sans, i);
		hit = g->type == GEN_DNS && under((const char *)
		    ASN1_STRING_get0_data(g->d.dNSName),
		    (size_t)ASN1_STRING_length(g->d.dNSName), parent);
	}
	GENERAL_NAMES_free(sans);
	return hit;
}

int
panelnames_cover(const char *name)
{
	if (panel == NULL)
		return 0;
	if (strncmp(name, "*.", 2) == 0)
		return wildcard_covers(name + 2);
	return X509_check_host(panel, name, strlen(name), 0, NULL) == 1;
}
