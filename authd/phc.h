/*
 * argon2id in the PHC string format, with the working memory kept per
 * thread between hashes (see phc.c).
 */
#ifndef MOAT_PHC_H
#define MOAT_PHC_H

#include <stddef.h>

/* The most a stored hash may ask for: moatd.conf's own upper bounds. */
#define PHC_MEMORY_MAX		4194304
#define PHC_TIME_MAX		10
#define PHC_PARALLELISM_MAX	16

struct hasher_params;

/* A fresh hash of password with a random salt; 0 or -1. */
int	 phc_hash(const struct hasher_params *, const char *password,
	    char *encoded, size_t encodedlen);
/* A hash that no password matches and that costs p to verify. */
int	 phc_dummy(const struct hasher_params *p, char *encoded,
	    size_t encodedlen);
/* 1 if password matches; *stale if the hash has other parameters than
 * want, so that it is redone at login. */
int	 phc_verify(const char *encoded, const char *password,
	    const struct hasher_params *want, int *stale);
/* Does this thread keep working memory?  Gives it back to the system. */
int	 phc_holds_memory(void);
void	 phc_release_memory(void);

#endif
