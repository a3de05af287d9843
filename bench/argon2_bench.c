/*
 * The bare argon2id verify rate: what logins per second could be if moat
 * spent nothing but the hash.  One thread per core, as authd's hasher
 * pool, each verifying the same kind of hash in a loop.
 *
 *	argon2_bench MEMORY_KIB TIME PARALLELISM SECONDS [THREADS]
 *
 * Prints "argon2_verify_per_s N".
 */
#include <sys/types.h>

#include <err.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <argon2.h>

#define PASSWORD	"bench-password-1"

static char		 encoded[256];
static double		 deadline;
static pthread_mutex_t	 lock = PTHREAD_MUTEX_INITIALIZER;
static unsigned long	 verified;

static double
now(void)
{
	struct timespec	 ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void *
verifier(void *arg)
{
	unsigned long	 n = 0;

	(void)arg;
	while (now() < deadline) {
		if (argon2id_verify(encoded, PASSWORD,
		    strlen(PASSWORD)) != ARGON2_OK)
			errx(1, "verify failed");
		n++;
	}
	pthread_mutex_lock(&lock);
	verified += n;
	pthread_mutex_unlock(&lock);
	return NULL;
}

static unsigned long
number(const char *s, unsigned long min, unsigned long max)
{
	char		*end;
	unsigned long	 v;

	v = strtoul(s, &end, 10);
	if (*s == '\0' || *end != '\0' || v < min || v > max)
		errx(1, "%s: not a number in %lu..%lu", s, min, max);
	return v;
}

int
main(int argc, char *argv[])
{
	const unsigned char	 salt[16] = "moat-bench-salt";
	pthread_t		*threads;
	unsigned long		 m, t, p, seconds, nthreads, i;
	double			 start;

	if (argc != 5 && argc != 6)
		errx(1, "usage: argon2_bench MEMORY_KIB TIME PARALLELISM "
		    "SECONDS [THREADS]");
	m = number(argv[1], 8, 4194304);
	t = number(argv[2], 1, 10);
	p = number(argv[3], 1, 16);
	seconds = number(argv[4], 1, 600);
	nthreads = argc == 6 ? number(argv[5], 1, 64) :
	    (unsigned long)sysconf(_SC_NPROCESSORS_ONLN);
	if (argon2id_hash_encoded(t, m, p, PASSWORD, strlen(PASSWORD),
	    salt, sizeof(salt), 32, encoded, sizeof(encoded)) != ARGON2_OK)
		errx(1, "hash failed");
	if ((threads = calloc(nthreads, sizeof(*threads))) == NULL)
		err(1, NULL);
	start = now();
	deadline = start + seconds;
	for (i = 0; i < nthreads; i++)
		if (pthread_create(&threads[i], NULL, verifier, NULL) != 0)
			errx(1, "pthread_create");
	for (i = 0; i < nthreads; i++)
		pthread_join(threads[i], NULL);
	printf("argon2_verify_per_s %.1f threads %lu\n",
	    verified / (now() - start), nthreads);
	free(threads);
	return 0;
}
