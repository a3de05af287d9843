#include <string.h>

#include "grant.h"
#include "scopes.h"

static const struct {
	const char	*name;
	uint32_t	 bit;
} scopes[] = {
	{ "certs.read", SCOPE_CERTS_READ },
	{ "certs.write", SCOPE_CERTS_WRITE },
	{ "devices.read", SCOPE_DEVICES_READ },
	{ "devices.write", SCOPE_DEVICES_WRITE },
	{ "cas.read", SCOPE_CAS_READ },
	{ "cas.write", SCOPE_CAS_WRITE },
	{ "apikeys.read", SCOPE_APIKEYS_READ },
	{ "apikeys.write", SCOPE_APIKEYS_WRITE },
};

int
scope_by_name(const char *name, uint32_t *bit)
{
	size_t	 i;

	for (i = 0; i < sizeof(scopes) / sizeof(scopes[0]); i++)
		if (strcmp(scopes[i].name, name) == 0) {
			*bit = scopes[i].bit;
			return 0;
		}
	return -1;
}

const char *
scope_name(uint32_t bit)
{
	size_t	 i;

	for (i = 0; i < sizeof(scopes) / sizeof(scopes[0]); i++)
		if (scopes[i].bit == bit)
			return scopes[i].name;
	return NULL;
}
