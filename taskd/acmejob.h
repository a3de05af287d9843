/*
 * taskd's ACME tasks (acmejob.c: the job, the worker's messages, the
 * result); what authd does for a worker is acmeauth.c's, which answers
 * through a callback and needs none of this.
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
	int			 rekeyed;	/* authd made its new key */
	/* the public key of the CSR authd made, DER: the certificate the
	 * worker brings back must be for it */
	uint8_t			*spki;
	int			 spki_len;
};

static inline struct ipc_chan *
acmejob_peer(enum proc_id id)
{
	return taskd_env->chans[id];
}

#endif
