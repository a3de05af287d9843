/*
 * Key pairs made off authd's event loop.  An RSA-4096 key takes a second
 * or more; made on the loop it held every login, token check and TLS
 * signature behind it.  One worker thread makes the keys in turn (the
 * per-user limit on RSA keys bounds the queue) and hands each back to
 * the loop through a socketpair, one pointer a datagram, as the hasher
 * does; the caller's callback runs on the loop.
 */
#include <sys/types.h>
#include <sys/queue.h>
#include <sys/socket.h>

#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include <event2/event.h>

#include "keygen.h"
#include "log.h"

struct keygen_job {
	TAILQ_ENTRY(keygen_job)	 entry;
	struct pki_keyspec	 ks;
	EVP_PKEY		*key;		/* NULL if it failed */
	keygen_cb		 done;
	void			*arg;
};

static TAILQ_HEAD(, keygen_job) queue = TAILQ_HEAD_INITIALIZER(queue);
static pthread_mutex_t	 lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t	 wakeup = PTHREAD_COND_INITIALIZER;
static int		 done_pipe[2] = { -1, -1 };

static void *
worker(void *arg)
{
	struct keygen_job	*j;

	(void)arg;
	for (;;) {
		pthread_mutex_lock(&lock);
		while ((j = TAILQ_FIRST(&queue)) == NULL)
			pthread_cond_wait(&wakeup, &lock);
		TAILQ_REMOVE(&queue, j, entry);
		pthread_mutex_unlock(&lock);
		j->key = pki_keygen(&j->ks);
		if (send(done_pipe[1], &j, sizeof(j), 0) != sizeof(j))
			fatal("keygen: report");
	}
	return NULL;
}

static void
collect(evutil_socket_t fd, short ev, void *arg)
{
	struct keygen_job	*j;

	(void)ev;
	(void)arg;
	while (recv(fd, &j, sizeof(j), MSG_DONTWAIT) == sizeof(j)) {
		/* the callback owns the key */
		j->done(j->key, j->arg);
		free(j);
	}
}

void
keygen_init(struct event_base *base)
{
	struct event	*ev;
	pthread_t	 t;

	if (socketpair(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0, done_pipe) == -1)
		fatal("keygen: socketpair");
	if ((ev = event_new(base, done_pipe[0], EV_READ | EV_PERSIST, collect,
	    NULL)) == NULL || event_add(ev, NULL) == -1)
		fatalx("keygen: event");
	if ((errno = pthread_create(&t, NULL, worker, NULL)) != 0)
		fatal("keygen: pthread_create");
	pthread_detach(t);
}

void
keygen_submit(const struct pki_keyspec *ks, keygen_cb done, void *arg)
{
	struct keygen_job	*j;

	if ((j = calloc(1, sizeof(*j))) == NULL)
		fatal("%s", __func__);
	j->ks = *ks;
	j->done = done;
	j->arg = arg;
	pthread_mutex_lock(&lock);
	TAILQ_INSERT_TAIL(&queue, j, entry);
	pthread_cond_signal(&wakeup);
	pthread_mutex_unlock(&lock);
}
