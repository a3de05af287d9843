/*
 * The command API's schema file: classes, namespaces of classes, their
 * typed properties with defaults and access rules, and typedefs by
 * regular expression (NOTES.md, "Class schemas").  moatd reads it and
 * checks it with -n; stored will enforce it.  The grammar:
 *
 *	# a comment
 *	typedef NAME "REGEX"
 *	class NAME [backed-by host] {
 *		PROPERTY TYPE[[]] [default "VALUE"] [read ACL] [write ACL]
 *	}
 *	namespace CLASS.NAME {
 *		...the same property lines...
 *	}
 *
 * TYPE is a type of ccetype.h or a typedef, "[]" after it an array;
 * ACL is admin, self, user or all (write also none).  A property reads
 * as "self" and writes as "admin" unless it says otherwise; a password
 * is never read whatever it says.  "backed-by host" makes each object of
 * the class stand for a moat host, made when the object is and owned by
 * the admin who made it (stored: a Vsite's host).
 */
#ifndef MOAT_CCESCHEMA_H
#define MOAT_CCESCHEMA_H

#include <stddef.h>

#include "ccetype.h"

#define CCES_NAME_MAX		63
#define CCES_DEFAULT_MAX	1023
#define CCES_PROPS_MAX		128	/* of one class or namespace */
#define CCES_GROUPS_MAX		256	/* classes and namespaces */
#define CCES_TYPEDEFS_MAX	64
#define CCES_FILE_MAX		(1024 * 1024)

enum cces_acl { CCES_NONE, CCES_ADMIN, CCES_SELF, CCES_USER, CCES_ALL };

struct cces_typedef {
	char		 name[CCES_NAME_MAX + 1];
	struct cce_re	*re;
};

struct cces_prop {
	char		 name[CCES_NAME_MAX + 1];
	enum cce_type	 type;
	const struct cces_typedef *tdef;	/* for CCE_T_REGEX */
	int		 array;
	char		 dflt[CCES_DEFAULT_MAX + 1];
	enum cces_acl	 read, write;
};

/* A class (ns[0] == '\0') or one of its namespaces. */
struct cces_group {
	char		 class[CCES_NAME_MAX + 1];
	char		 ns[CCES_NAME_MAX + 1];
	struct cces_prop *props;
	size_t		 nprops;
	int		 backed_by_host;	/* a class's "backed-by host" */
};

struct cce_schema {
	struct cces_typedef	 typedefs[CCES_TYPEDEFS_MAX];
	size_t			 ntypedefs;
	struct cces_group	 groups[CCES_GROUPS_MAX];
	size_t			 ngroups;
};

/*
 * Reads text (len bytes, the file's contents) into a new schema; NULL
 * with "LINE: what" in err.  The classes moat keeps itself (User, Vsite,
 * System, ...) are declared by the file like the operator's own.
 */
struct cce_schema *cce_schema_parse(const char *text, size_t len,
		    char *err, size_t errlen);
void		 cce_schema_free(struct cce_schema *);
/* The class (ns NULL or "") or namespace; NULL if the schema has none. */
const struct cces_group *cce_schema_group(const struct cce_schema *,
		    const char *class, const char *ns);
const struct cces_prop *cce_schema_prop(const struct cces_group *,
		    const char *name);

#endif
