/*
 * The four API dialects moat speaks.  Each has its own session lifetimes
 * and its own error shapes; the core underneath is one.
 */
#ifndef MOAT_DIALECT_H
#define MOAT_DIALECT_H

enum dialect {
	DIALECT_V1 = 0,		/* control plane v1: /v1, JWT bearer */
	DIALECT_APIV1,		/* certificates apiv1: cookie or ak_ key */
	DIALECT_CCE,		/* command API v2: POST /v2/cce */
	DIALECT_ACCOUNT,	/* account v2: signed requests */
	DIALECT_MAX
};

const char	*dialect_name(enum dialect);
int		 dialect_by_name(const char *, enum dialect *);

#endif
