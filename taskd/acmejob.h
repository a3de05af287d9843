/*
 * taskd's ACME tasks, shared by acmejob.c (the job, the worker's
 * messages, the result) and acmeauth.c (what authd does for a worker,
 * with the job's own seals).
 */
#ifndef MOAT_ACMEJOB_H
#define MOAT_ACMEJOB_H

#include "acmew.h"
#include "body_acmejob.h"
#include "hostrec.h"
#include "taskd.h"

struct ajob {
	struct task_job		 j;
	struct ipc_acmejob_res	*res;
	char			 secret[DNSREC_SECRET_MAX + 1];
	int			 fd;
	struct event		*ev;
	int			 busy;		/* a request in flight */
	int			 ended;		/* reported */
	int			 dead;		/* freed when busy ends */
	/* the public key of the CSR authd made, DER: the certificate the
	 * worker brings back must be for it */
	uint8_t			*spki;
	int			 spki_len;
};

/* The answer to the worker's request; frees a job that ended meanwhile */
void	 acmejob_reply(struct ajob *, int32_t status, uint32_t n,
	    const char *const *f, const size_t *len);
void	 acmejob_reply_status(struct ajob *, int32_t status, const char *);

/* The CSR authd made for the job: its key kept; -1 if it does not parse */
int	 acmejob_keep_csr(struct ajob *, const uint8_t *der, size_t len);

/* acmeauth.c: 0 when asked (the answer then goes to the worker) */
int	 acmejob_ask_sign(struct ajob *, const struct aw_msg *);
int	 acmejob_ask_csr(struct ajob *);
int	 acmejob_ask_eab(struct ajob *, const struct aw_msg *);

static inline struct ipc_chan *
acmejob_peer(enum proc_id id)
{
	return taskd_env->chans[id];
}

#endif
