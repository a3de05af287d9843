/*
 * The command API's property types (NOTES.md, "Class schemas"): the
 * check a value passes before stored keeps it, and the regular
 * expressions clients send (FIND's "~", FINDX's regex_args) and schemas
 * declare (typedefs), compiled and run with a bounded cost.
 */
#ifndef MOAT_CCETYPE_H
#define MOAT_CCETYPE_H

#include <stddef.h>

#define CCE_RE_MAX		1024	/* bytes of a pattern */
#define CCE_MATCH_LIMIT		100000	/* PCRE2 backtracking steps */
#define CCE_DEPTH_LIMIT		1000	/* PCRE2 nested backtracking */
#define CCE_PASSWORD_MAX	256

enum cce_type {
	CCE_T_SCALAR,		/* any text */
	CCE_T_WORD,		/* text without white space, not empty */
	CCE_T_ALPHANUM,		/* letters and digits, not empty */
	CCE_T_INT,
	CCE_T_UINT,
	CCE_T_BOOLEAN,		/* "0" or "1" */
	CCE_T_IPADDR,		/* IPv4 or IPv6, as inet_pton reads them */
	CCE_T_FQDN,		/* a host name, RFC 1123 labels */
	CCE_T_EMAIL,
	CCE_T_PASSWORD,		/* one line of text, write only */
	CCE_T_REGEX,		/* a typedef's pattern */
	CCE_T_MAX
};

struct cce_re;

/* The type a schema names ("uint"), or -1; a typedef's name is not one. */
int		 cce_type_of(const char *name);
const char	*cce_type_name(enum cce_type);

/*
 * Whether value is one of type (re for CCE_T_REGEX, else NULL); for an
 * array, each element of the "&a&b&" encoding.  0, or -1 with *why in
 * printable text.
 */
int		 cce_type_check(enum cce_type type, const struct cce_re *re,
		    int array, const char *value, const char **why);

/*
 * A pattern compiled for matching with the limits above; NULL with
 * *why if it is refused (too long, not valid, not UTF-8).  A pattern is
 * PCRE2's syntax, of which POSIX extended expressions are a part.
 */
struct cce_re	*cce_re_compile(const char *pattern, const char **why);
/* 1 match, 0 no match, -1 the limits were reached (*why says so). */
int		 cce_re_match(const struct cce_re *re, const char *subject,
		    const char **why);
void		 cce_re_free(struct cce_re *);

#endif
