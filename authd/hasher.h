/*
 * Password hashing off the event loop.  argon2id costs tens of
 * milliseconds and 19 MiB per call: a few worker threads (one per core)
 * take jobs from a bounded queue, and a job that finds the queue full is
 * refused at once (the caller answers 503) rather than piling up memory
 * or starving token checks, which never wait for a hash.
 */
#ifndef MOAT_HASHER_H
#define MOAT_HASHER_H

#include <sys/queue.h>

#include <stdint.h>

#include <event2/event.h>

#include "fields.h"

#define HASHER_PASSWORD_MAX	128
#define HASHER_HASH_MAX		(FIELD_HASH_MAX + 1)
#define HASHER_QUEUE_MAX	64

struct hasher_params {
	uint32_t	 memory_kib;
	uint32_t	 time;
	uint32_t	 parallelism;
};

enum hasher_kind {
	HASH_VERIFY,		/* password against hash */
	HASH_NEW,		/* a fresh hash of password */
};

struct hash_job;
typedef void	(*hash_done_cb)(struct hash_job *, void *arg);

struct hash_job {
	TAILQ_ENTRY(hash_job)	 entry;
	enum hasher_kind	 kind;
	struct hasher_params	 params;
	char			 password[HASHER_PASSWORD_MAX + 1];
	char			 hash[HASHER_HASH_MAX];	/* in or out */
	int			 ok;	/* verify matched / hash made */
	int			 stale;	/* verified, but other parameters */
	hash_done_cb		 done;
	void			*arg;
};

/* Starts the workers; before the sandbox. */
void	 hasher_init(struct event_base *, int workers);
/* Copies password in; -1 if the queue is full (shed the request). */
int	 hasher_submit(enum hasher_kind, const struct hasher_params *,
	    const char *password, const char *hash, hash_done_cb, void *arg);
/* Frees the job and clears its secrets; done callbacks call it. */
void	 hasher_job_free(struct hash_job *);
/* Synchronous, on the calling thread: bootstrap and the tests. */
int	 hasher_hash(const struct hasher_params *, const char *password,
	    char *encoded, size_t encodedlen);
/* A hash that no password matches, under the parameters of the
 * configuration in force (p), verified for unknown user names so that
 * the time taken does not tell which names exist; -1 if out is short. */
int	 hasher_dummy(const struct hasher_params *p, char *out,
	    size_t outlen);

#endif
