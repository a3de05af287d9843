#include <string.h>

#include "dialect.h"

static const char *const names[DIALECT_MAX] = {
	[DIALECT_V1] = "v1",
	[DIALECT_APIV1] = "apiv1",
	[DIALECT_CCE] = "cce",
	[DIALECT_ACCOUNT] = "account",
};

const char *
dialect_name(enum dialect d)
{
	if ((unsigned)d >= DIALECT_MAX)
		return "unknown";
	return names[d];
}

int
dialect_by_name(const char *s, enum dialect *d)
{
	int	 i;

	for (i = 0; i < DIALECT_MAX; i++) {
		if (strcmp(names[i], s) == 0) {
			*d = i;
			return 0;
		}
	}
	return -1;
}
