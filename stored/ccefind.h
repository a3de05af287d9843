/*
 * What FIND's two halves share: the query being built (ccefind.c) and
 * the candidates it found, with the values matched and sorted on
 * (ccevals.c).
 */
#ifndef MOAT_STORED_CCEFIND_H
#define MOAT_STORED_CCEFIND_H

#include "cce.h"

#define FIND_BINDS_MAX	(CCE_ARGS_MAX * 5 + 8)
#define FIND_FIELDS_MAX	(CCE_ARGS_MAX + 1)

struct bind {
	const char	*text;		/* NULL: num */
	int64_t		 num;
};

/* a value matched (re) or sorted on (re NULL) */
struct field {
	const struct cces_group	*g;
	const struct cces_prop	*p;
	struct cce_re		*re;
	int			 col;	/* its column if mapped, else -1 */
};

struct find {
	struct cce_ctx		*c;
	const char		*class;
	char			*sql;
	size_t			 len, cap;
	struct bind		 binds[FIND_BINDS_MAX];
	size_t			 nb;
	struct field		 fields[FIND_FIELDS_MAX];
	size_t			 nfields;
	int			 ncols;
	int			 sort;		/* its kind, or -1 */
	int			 sorted;	/* its field, or -1 */
	const struct cces_prop	*checks[FIND_FIELDS_MAX];
	size_t			 nchecks;
	/* the candidates: oids, and nfields values each (NULL: default) */
	uint64_t		*oids;
	char			**vals;
	size_t			 n, cap_n;
	size_t			 rows;	/* as many as ever were: freed */
};

void	 cce_vals_row(struct find *, sqlite3_stmt *);
int	 cce_vals_filter(struct find *, struct cce_out *);
void	 cce_vals_take(struct find *, uint64_t **oids, size_t *n);
void	 cce_vals_free(struct find *);

#endif
