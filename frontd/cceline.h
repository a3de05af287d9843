/*
 * The command API's raw command line (NOTES.md, "Command API v2"): what
 * existing billing modules send in "cmd", parsed into the parts of the
 * structured form, so that both forms mean the same.
 */
#ifndef MOAT_CCELINE_H
#define MOAT_CCELINE_H

#include <stddef.h>
#include <stdint.h>

#include "body_cce.h"	/* the verbs, ops and limits travel */

#define CCE_LINE_MAX	16384	/* bytes of a command line */
#define CCE_WORDS_MAX	2	/* AUTH's and AUTHKEY's positional words */

struct cce_arg {
	const char	*key;
	const char	*value;
	enum cce_op	 op;
};

/* Strings point into arena; absent parts are NULL (oid 0). */
struct cce_line {
	enum cce_verb	 verb;
	const char	*class;
	uint64_t	 oid;
	const char	*ns;
	const char	*sorttype;
	const char	*sortprop;
	const char	*reason;	/* SUSPEND */
	const char	*words[CCE_WORDS_MAX];
	size_t		 nwords;
	uint64_t	 oids[CCE_OIDS_MAX];
	size_t		 noids;
	struct cce_arg	 args[CCE_ARGS_MAX];
	size_t		 nargs;
	char		 arena[2 * CCE_LINE_MAX + 2];
	size_t		 used;
};

/*
 * Parses len bytes of line into l (which the caller zeroes or not).
 * 0, or the status of the text protocol (402 BAD COMMAND for an unknown
 * command, 403 BAD PARAMETERS for anything else) with *why saying what
 * in printable ASCII.
 */
int		 cce_line_parse(const char *line, size_t len, struct cce_line *l,
		    const char **why);
const char	*cce_verb_name(enum cce_verb);
/* The checks the line's parts pass, for the structured form's too. */
int		 cce_verb_of(const char *word, enum cce_verb *);
int		 cce_name_ok(const char *, size_t max);	/* class, namespace */
int		 cce_key_ok(const char *);	/* a property, NS.prop */
int		 cce_oid_of(const char *, uint64_t *);	/* digits, from 1 */
int		 cce_sorttype_ok(const char *);
int		 cce_reason_ok(const char *);	/* SUSPEND's */

#endif
