/*
 * taskd and its ACME workers (acmeworker.c): one SOCK_SEQPACKET pair
 * per job, private to taskd.  A message is one datagram: its type, a
 * status, a count and the lengths of up to AW_FIELDS byte strings, then
 * the strings, each followed by a NUL that the receiver checks.  The
 * worker talks to the network, so taskd reads what it sends as
 * untrusted: every length is checked against the datagram, and the
 * worker never names a key (taskd adds the job's own seals).
 */
#ifndef MOAT_ACMEW_H
#define MOAT_ACMEW_H

#include <stddef.h>
#include <stdint.h>

#define AW_FIELDS	16
#define AW_MAX		(80 * 1024)	/* a sign input of 32 KiB, PEMs */

enum aw_type {
	AW_JOB = 1,	/* taskd: the job (aw_job_field) */
	AW_SIGN,	/* worker: a JWS signing input ("" for alg and jwk) */
	AW_CSR,		/* worker: the CSR of the job's key */
	AW_PRESENT,	/* worker: an http-01 token and key authorization */
	AW_CLEANUP,	/* worker: that token, done */
	AW_NOTE,	/* worker: status = enum acmejob_note, the URL */
	AW_DONE,	/* worker: status = aw_outcome; message, leaf, chain,
			 * the CA's renewal window "START END" (RFC 9773) or "" */
	AW_REPLY,	/* taskd: status (200 ok), the answer's fields */
	AW_EAB,		/* worker: an EAB signing input ("" for the kid) */
};

enum aw_outcome {
	AW_OK = 0,
	AW_FAILED,	/* the CA said no: for good */
	AW_RETRY,	/* anything else: again after a back-off */
};

enum aw_job_field {
	AWJ_URL = 0, AWJ_CA, AWJ_EMAIL, AWJ_ACCOUNT, AWJ_NAMES, AWJ_CHALLENGE,
	AWJ_ORDER, AWJ_DNS_SERVER, AWJ_DNS_PORT, AWJ_DNS_ZONE, AWJ_DNS_KEY,
	AWJ_DNS_ALG, AWJ_DNS_SECRET, AWJ_EAB, AWJ_COUNT
};

struct aw_msg {
	uint32_t	 type;
	int32_t		 status;
	uint32_t	 n;
	uint32_t	 len[AW_FIELDS];
	const char	*f[AW_FIELDS];	/* NUL-ended, into buf */
	char		*buf;		/* aw_recv's, AW_MAX bytes */
};

/* One message of n fields (lengths by strlen when len is NULL). */
int	 aw_send(int fd, uint32_t type, int32_t status, uint32_t n,
	    const char *const *f, const size_t *len);
/* One message into m (its buf allocated), 0; -1 at EOF or if malformed;
 * 1 when none waits on a non-blocking socket */
int	 aw_recv(int fd, struct aw_msg *m);
void	 aw_free(struct aw_msg *m);

/* acmeworker.c: the spawner, forked by taskd before its sandbox */
int	 acmew_spawner_start(void);
#endif
