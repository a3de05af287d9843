/*
 * Character classes and small helpers shared by the request-head parser
 * and the chunked decoder.  ASCII only: frontd must not depend on a
 * locale.
 */
#ifndef MOAT_HTTP_CHARS_H
#define MOAT_HTTP_CHARS_H

#include <stddef.h>

#include "http_parse.h"

#define CR	'\r'
#define LF	'\n'

int	 fail(struct http_error *, int status, const char *reason);
int	 is_alnum(unsigned char);
int	 is_digit(unsigned char);
int	 hex_value(unsigned char);
int	 is_ows(unsigned char);
int	 is_tchar(unsigned char);
int	 is_field_char(unsigned char);
int	 ascii_casecmp(const char *, const char *, size_t);
int	 span_is(const char *, size_t, const char *);

#endif
