/*
 * The command API's property types, and its regular expressions on
 * PCRE2 with a match limit and a depth limit, so that no pattern a
 * client sends can keep stored busy: a match that reaches a limit is an
 * error answer, never a long wait.
 */
#define PCRE2_CODE_UNIT_WIDTH 8

#include <arpa/inet.h>

#include <ctype.h>
#include <errno.h>
#include <pcre2.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ccearray.h"
#include "ccetype.h"

#define ELEM_MAX	1024	/* an array element, decoded */
#define FQDN_MAX	253
#define EMAIL_MAX	254

struct cce_re {
	pcre2_code		*code;
	pcre2_match_context	*mctx;
	/* kept from match to match, with the frames PCRE2 grows in it: a
	 * FIND matches one pattern against 100,000 values */
	pcre2_match_data	*md;
};

static const char *const names[CCE_T_MAX] = {
	"scalar", "word", "alphanum", "int", "uint", "boolean", "ipaddr",
	"fqdn", "email", "password", "re"
};

const char *
cce_type_name(enum cce_type t)
{
	return t < CCE_T_MAX ? names[t] : "?";
}

int
cce_type_of(const char *name)
{
	int	 t;

	for (t = 0; t < CCE_T_REGEX; t++)
		if (strcmp(name, names[t]) == 0)
			return t;
	return -1;
}

static int
digits(const char *s)
{
	size_t	 i;

	for (i = 0; s[i] != '\0'; i++)
		if (!isdigit((unsigned char)s[i]))
			return 0;
	return i > 0;
}

static int
integer_ok(const char *s, int is_signed)
{
	char	*end;

	if (!digits(s + (is_signed && s[0] == '-')))
		return 0;
	errno = 0;
	if (is_signed)
		(void)strtoll(s, &end, 10);
	else
		(void)strtoull(s, &end, 10);
	return errno == 0 && *end == '\0';
}

static int
label_ok(const char *s, size_t n)
{
	size_t	 i;

	if (n == 0 || n > 63 || s[0] == '-' || s[n - 1] == '-')
		return 0;
	for (i = 0; i < n; i++)
		if (!isalnum((unsigned char)s[i]) && s[i] != '-')
			return 0;
	return 1;
}

/* Two labels at least; the last is not a number, so no address passes. */
static int
fqdn_ok(const char *s)
{
	const char	*p = s, *dot, *last = s;
	size_t		 labels = 0;

	if (strlen(s) > FQDN_MAX)
		return 0;
	for (;;) {
		dot = strchr(p, '.');
		if (!label_ok(p, dot != NULL ? (size_t)(dot - p) : strlen(p)))
			return 0;
		labels++;
		last = p;
		if (dot == NULL)
			break;
		p = dot + 1;
	}
	return labels >= 2 && !digits(last);
}

static int
email_ok(const char *s)
{
	static const char	 special[] = ".!#$%&'*+/=?^_`{|}~-";
	const char		*at = strrchr(s, '@');
	size_t			 i, n;

	if (at == NULL || strlen(s) > EMAIL_MAX)
		return 0;
	n = (size_t)(at - s);
	if (n == 0 || n > 64 || s[0] == '.' || s[n - 1] == '.')
		return 0;
	for (i = 0; i < n; i++) {
		if (s[i] == '.' && s[i + 1] == '.')
			return 0;
		if (!isalnum((unsigned char)s[i]) &&
		    strchr(special, s[i]) == NULL)
			return 0;
	}
	return fqdn_ok(at + 1);
}

static int
line_ok(const char *s, size_t max)
{
	size_t	 i;

	for (i = 0; s[i] != '\0'; i++)
		if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f)
			return 0;
	return i <= max;
}

static int
one_ok(enum cce_type t, const struct cce_re *re, const char *v,
    const char **why)
{
	unsigned char	 addr[16];
	size_t		 i;

	switch (t) {
	case CCE_T_SCALAR:
		return 1;
	case CCE_T_WORD:
		for (i = 0; v[i] != '\0'; i++)
			if (isspace((unsigned char)v[i]))
				return 0;
		return i > 0;
	case CCE_T_ALPHANUM:
		for (i = 0; v[i] != '\0'; i++)
			if (!isalnum((unsigned char)v[i]))
				return 0;
		return i > 0;
	case CCE_T_INT:
	case CCE_T_UINT:
		return integer_ok(v, t == CCE_T_INT);
	case CCE_T_BOOLEAN:
		return strcmp(v, "0") == 0 || strcmp(v, "1") == 0;
	case CCE_T_IPADDR:
		return inet_pton(AF_INET, v, addr) == 1 ||
		    inet_pton(AF_INET6, v, addr) == 1;
	case CCE_T_FQDN:
		return fqdn_ok(v);
	case CCE_T_EMAIL:
		return email_ok(v);
	case CCE_T_PASSWORD:
		return line_ok(v, CCE_PASSWORD_MAX);
	case CCE_T_REGEX:
		return re != NULL && cce_re_match(re, v, why) == 1;
	default:
		return 0;
	}
}

int
cce_type_check(enum cce_type type, const struct cce_re *re, int array,
    const char *value, const char **why)
{
	static char	 elem[ELEM_MAX + 1];
	size_t		 pos = 0;
	int		 rc;

	*why = NULL;
	if (!array) {
		if (one_ok(type, re, value, why))
			return 0;
		if (*why == NULL)
			*why = "a value is not of its property's type";
		return -1;
	}
	while ((rc = cce_array_next(value, &pos, elem, sizeof(elem), why)) ==
	    1) {
		if (!one_ok(type, re, elem, why)) {
			if (*why == NULL)
				*why = "an element is not of its property's "
				    "type";
			rc = -1;
			break;
		}
	}
	explicit_bzero(elem, sizeof(elem));
	return rc;
}

struct cce_re *
cce_re_compile(const char *pattern, const char **why)
{
	struct cce_re	*re;
	int		 err;
	PCRE2_SIZE	 off;

	if (strlen(pattern) > CCE_RE_MAX) {
		*why = "a regular expression is at most 1024 bytes";
		return NULL;
	}
	if ((re = calloc(1, sizeof(*re))) == NULL) {
		*why = "out of memory";
		return NULL;
	}
	re->code = pcre2_compile((PCRE2_SPTR)pattern, PCRE2_ZERO_TERMINATED,
	    PCRE2_UTF | PCRE2_NEVER_BACKSLASH_C, &err, &off, NULL);
	re->mctx = pcre2_match_context_create(NULL);
	if (re->code != NULL)
		re->md = pcre2_match_data_create_from_pattern(re->code, NULL);
	if (re->code == NULL || re->mctx == NULL || re->md == NULL) {
		*why = re->code == NULL ? "a regular expression is not valid" :
		    "out of memory";
		cce_re_free(re);
		return NULL;
	}
	pcre2_set_match_limit(re->mctx, CCE_MATCH_LIMIT);
	pcre2_set_depth_limit(re->mctx, CCE_DEPTH_LIMIT);
	return re;
}

int
cce_re_match(const struct cce_re *re, const char *subject, const char **why)
{
	int			 rc;

	rc = pcre2_match(re->code, (PCRE2_SPTR)subject, PCRE2_ZERO_TERMINATED,
	    0, 0, re->md, re->mctx);
	if (rc >= 0)
		return 1;
	if (rc == PCRE2_ERROR_NOMATCH)
		return 0;
	*why = rc == PCRE2_ERROR_MATCHLIMIT || rc == PCRE2_ERROR_DEPTHLIMIT ?
	    "a regular expression took too long to match" :
	    "a regular expression could not be matched";
	return -1;
}

void
cce_re_free(struct cce_re *re)
{
	if (re == NULL)
		return;
	pcre2_match_data_free(re->md);
	pcre2_code_free(re->code);
	pcre2_match_context_free(re->mctx);
	free(re);
}
