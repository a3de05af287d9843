/* RFC 3339 times, as the control plane and the audit trail use them. */
#ifndef MOAT_TIMEFMT_H
#define MOAT_TIMEFMT_H

#include <stddef.h>
#include <stdint.h>

#define RFC3339_LEN	21	/* "2026-12-31T23:59:59Z" and a NUL */

void	 rfc3339_format(int64_t t, char out[RFC3339_LEN]);
/*
 * "2026-12-31T23:59:59Z", with optional fractional seconds and a
 * "+hh:mm"/"-hh:mm" offset instead of Z.  Strict: every field in range,
 * nothing else around it.
 */
int	 rfc3339_parse(const char *s, size_t len, int64_t *t);

#endif
