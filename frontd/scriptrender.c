/* The scripts of scripts.c, filled in for the client that asked. */
#include <stdlib.h>
#include <string.h>

#include "api.h"
#include "log.h"

/*
 * The script with @BASE@ and @SHORT_ID@ replaced; free()d by the
 * caller.  Both values were checked by the caller (a host name or
 * address with its port, a short id): no quote reaches the script.
 */
char *
script_render(const char *tmpl, const char *base, const char *short_id,
    size_t *len)
{
	const char	*p, *v;
	size_t		 n = 0, cap, vlen, skip, uses = 0;
	char		*out;

	for (p = tmpl; (p = strchr(p, '@')) != NULL; p++)
		uses++;
	vlen = strlen(base) > strlen(short_id) ? strlen(base) :
	    strlen(short_id);
	cap = strlen(tmpl) + uses * vlen + 1;
	if ((out = malloc(cap)) == NULL)
		fatal("%s", __func__);
	for (p = tmpl; *p != '\0'; p += skip) {
		v = NULL;
		skip = 1;
		if (strncmp(p, "@BASE@", 6) == 0) {
			v = base;
			skip = 6;
		} else if (strncmp(p, "@SHORT_ID@", 10) == 0) {
			v = short_id;
			skip = 10;
		}
		if (v == NULL) {
			out[n++] = *p;
			continue;
		}
		vlen = strlen(v);
		memcpy(out + n, v, vlen);
		n += vlen;
	}
	out[n] = '\0';
	*len = n;
	return out;
}
