#include <sys/types.h>
#include <sys/socket.h>

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "hasher.h"
#include "log.h"
#include "phc.h"
#include "util.h"

static TAILQ_HEAD(, hash_job) queue = TAILQ_HEAD_INITIALIZER(queue);
static pthread_mutex_t	 lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t	 wakeup = PTHREAD_COND_INITIALIZER;
static size_t		 queued;
static int		 done_pipe[2] = { -1, -1 };

int
hasher_hash(const struct hasher_params *p, const char *password,
    char *encoded, size_t encodedlen)
{
	int	 rc;

	/* off the workers, nothing reuses the memory soon */
	rc = phc_hash(p, password, encoded, encodedlen);
	phc_release_memory();
	return rc;
}

static void
run(struct hash_job *j)
{
	if (j->kind == HASH_VERIFY) {
		j->ok = phc_verify(j->hash, j->password, &j->params,
		    &j->stale);
	} else
		j->ok = phc_hash(&j->params, j->password, j->hash,
		    sizeof(j->hash)) == 0;
}

static void *
worker(void *arg)
{
	struct hash_job	*j;

	(void)arg;
	for (;;) {
		pthread_mutex_lock(&lock);
		while ((j = TAILQ_FIRST(&queue)) == NULL) {
			/* keep the hash memory only while logins come */
			if (phc_holds_memory()) {
				pthread_mutex_unlock(&lock);
				phc_release_memory();
				pthread_mutex_lock(&lock);
				continue;
			}
			pthread_cond_wait(&wakeup, &lock);
		}
		TAILQ_REMOVE(&queue, j, entry);
		pthread_mutex_unlock(&lock);
		run(j);
		/* the event loop picks it up; one pointer per datagram */
		if (send(done_pipe[1], &j, sizeof(j), 0) != sizeof(j))
			fatal("hasher: report");
	}
	return NULL;
}

static void
collect(evutil_socket_t fd, short ev, void *arg)
{
	struct hash_job	*j;
	ssize_t		 n;

	(void)ev;
	(void)arg;
	while ((n = recv(fd, &j, sizeof(j), MSG_DONTWAIT)) == sizeof(j)) {
		pthread_mutex_lock(&lock);
		queued--;
		pthread_mutex_unlock(&lock);
		explicit_bzero(j->password, sizeof(j->password));
		j->done(j, j->arg);
	}
}

void
hasher_init(struct event_base *base, int workers)
{
	struct event		*ev;
	pthread_t		 t;
	int			 i;

	if (socketpair(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0, done_pipe) == -1)
		fatal("hasher: socketpair");
	if ((ev = event_new(base, done_pipe[0], EV_READ | EV_PERSIST, collect,
	    NULL)) == NULL || event_add(ev, NULL) == -1)
		fatalx("hasher: event");
	for (i = 0; i < workers; i++) {
		if ((errno = pthread_create(&t, NULL, worker, NULL)) != 0)
			fatal("hasher: pthread_create");
		pthread_detach(t);
	}
}

int
hasher_dummy(const struct hasher_params *p, char *out, size_t outlen)
{
	return phc_dummy(p, out, outlen);
}

int
hasher_submit(enum hasher_kind kind, const struct hasher_params *params,
    const char *password, const char *hash, hash_done_cb done, void *arg)
{
	struct hash_job	*j;

	if (strlen(password) > HASHER_PASSWORD_MAX ||
	    (hash != NULL && strlen(hash) >= HASHER_HASH_MAX))
		return -1;
	pthread_mutex_lock(&lock);
	if (queued >= HASHER_QUEUE_MAX) {
		pthread_mutex_unlock(&lock);
		return -1;
	}
	queued++;
	pthread_mutex_unlock(&lock);
	if ((j = calloc(1, sizeof(*j))) == NULL)
		fatal("%s", __func__);
	j->kind = kind;
	j->params = *params;
	strlcpy(j->password, password, sizeof(j->password));
	if (hash != NULL)
		strlcpy(j->hash, hash, sizeof(j->hash));
	j->done = done;
	j->arg = arg;
	pthread_mutex_lock(&lock);
	TAILQ_INSERT_TAIL(&queue, j, entry);
	pthread_cond_signal(&wakeup);
	pthread_mutex_unlock(&lock);
	return 0;
}

void
hasher_job_free(struct hash_job *j)
{
	if (j == NULL)
		return;
	explicit_bzero(j, sizeof(*j));
	free(j);
}
