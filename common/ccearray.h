#ifndef MOAT_CCEARRAY_H
#define MOAT_CCEARRAY_H

#include <stddef.h>

/*
 * Arrays as the protocol writes them: "&a&b&", each element with "%XX"
 * escapes for '&', '%' and bytes under 0x20.  "" is the empty array.
 * cce_array_next() walks one: *pos starts at 0; it copies the next
 * element decoded into out and answers 1, 0 at the end, -1 if the array
 * is malformed (*why says how).
 */
int		 cce_array_next(const char *array, size_t *pos, char *out,
		    size_t outlen, const char **why);
/* Appends one element encoded to the array in buf; -1 if it is full. */
int		 cce_array_add(char *buf, size_t buflen, const char *elem);

#endif
