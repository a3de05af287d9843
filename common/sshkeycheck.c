#include <ctype.h>
#include <string.h>

#include "sshkeycheck.h"
#include "util.h"

static int
all_of(const char *s, const char *extra)
{
	if (*s == '\0')
		return 0;
	for (; *s != '\0'; s++)
		if (!isalnum((unsigned char)*s) && strchr(extra, *s) == NULL)
			return 0;
	return 1;
}

int
sshkey_rec_line_safe(const struct sshkey_rec *k)
{
	return all_of(k->type, "-@.") && all_of(k->blob64, "+/=") &&
	    text_is_line(k->comment);
}
