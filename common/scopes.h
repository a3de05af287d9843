/* The scopes of an API key (certctrl-apikeys.txt) by name. */
#ifndef MOAT_SCOPES_H
#define MOAT_SCOPES_H

#include <stdint.h>

/* A scope's bit in a grant (grant.h) by its name: 0, or -1 if none. */
int	 scope_by_name(const char *, uint32_t *bit);
/* The name of one bit, or NULL. */
const char *scope_name(uint32_t bit);

#endif
