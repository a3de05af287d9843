/*
 * What the unit tests of the command API's object model share
 * (test_cce.c has the helpers and main; test_cce_find.c and
 * test_cce_tx.c the rest of the tests).
 */
#ifndef MOAT_TEST_CCE_H
#define MOAT_TEST_CCE_H

#include <stdint.h>

#include "cce.h"

extern struct cce_cmd		 C;
extern struct ipc_cce_arg	 A[CCE_ARGS_MAX];
extern struct cce_out		 out;
extern struct principal		 admin, admin2, alice, bob, carol;
extern uint64_t			 site1, site2, site1_host, o_alice, o_bob, o_carol,
				 o_admin;
extern char			 site1_name[32], site2_name[32];

void		 start(int verb, const char *class, uint64_t oid,
		    const char *ns);
void		 arg(const char *k, const char *v, int op);
int		 go(const struct principal *);
const char	*data(const char *prop);
size_t		 nlist(void);
uint64_t	 list_at(size_t i);
const char	*error_message(void);
uint64_t	 create(const struct principal *, const char *class, ...);
int		 set1(const struct principal *, uint64_t oid, const char *k,
		    const char *v);
const char	*get1(const struct principal *, uint64_t oid, const char *ns,
		    const char *prop);
int64_t		 count(const char *sql, uint64_t param);

void	 test_moat_rows(void);
void	 test_find(void);
void	 test_regex_bound(void);
void	 test_sorts(void);
void	 test_commit(void);
void	 test_suspend_all(void);
void	 test_site_suspend(void);
void	 test_destroy(void);
void	 test_speed(void);
void	 test_channel(void);

#endif
