/*
 * acmeauth.c: what authd does for an ACME worker, with its job's own
 * seals and ids (stored's acme.job.res).  Each answer goes to done,
 * with arg, as the worker's reply: a status and its strings.  It knows
 * nothing of the job itself (acmejob.c), so that neither needs the
 * other's insides.
 */
#ifndef MOAT_ACMEAUTH_H
#define MOAT_ACMEAUTH_H

#include "acmew.h"
#include "body_acmejob.h"

typedef void	(*acmeauth_done)(void *arg, int32_t status, uint32_t n,
		    const char *const *f, const size_t *len);

/* 0 when asked (done then has the answer), -1 if the request is bad
 * or authd cannot be asked */
int	 acmeauth_sign(const struct ipc_acmejob_res *, const struct aw_msg *,
	    acmeauth_done, void *);
int	 acmeauth_csr(const struct ipc_acmejob_res *, acmeauth_done, void *);
int	 acmeauth_eab(const struct ipc_acmejob_res *, const struct aw_msg *,
	    acmeauth_done, void *);

#endif
