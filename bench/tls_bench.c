/*
 * New TLS connections per second: each of CONNS threads connects, makes a
 * full handshake (no resumption), closes, and starts again, for SECONDS.
 * It checks nothing about the certificate: the handshake's signature is
 * verified by TLS itself.  Prints "handshakes_per_s N".
 *
 *	tls_bench HOST PORT SECONDS CONNS [tls1.2|tls1.3]
 */
#include <sys/types.h>
#include <sys/socket.h>

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <arpa/inet.h>

#include <err.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <openssl/ssl.h>

static struct sockaddr_in	 addr;
static SSL_CTX			*ctx;
static atomic_long		 done, failed;
static atomic_int		 stop;

static int
one_handshake(void)
{
	SSL	*ssl;
	int	 fd, on = 1, ok;

	if ((fd = socket(AF_INET, SOCK_STREAM, 0)) == -1)
		return -1;
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &on, sizeof(on));
	if (connect(fd, (struct sockaddr *)&addr, sizeof(addr)) == -1) {
		close(fd);
		return -1;
	}
	ssl = SSL_new(ctx);
	SSL_set_fd(ssl, fd);
	ok = SSL_connect(ssl) == 1;
	if (ok)
		SSL_shutdown(ssl);
	SSL_free(ssl);
	close(fd);
	return ok ? 0 : -1;
}

static void *
worker(void *arg)
{
	(void)arg;
	while (!atomic_load(&stop)) {
		if (one_handshake() == 0)
			atomic_fetch_add(&done, 1);
		else
			atomic_fetch_add(&failed, 1);
	}
	return NULL;
}

static double
now(void)
{
	struct timespec	 ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

int
main(int argc, char *argv[])
{
	pthread_t	*threads;
	double		 start, elapsed;
	int		 seconds, conns, i;

	if (argc < 5 || argc > 6)
		errx(1, "usage: tls_bench host port seconds conns "
		    "[tls1.2|tls1.3]");
	memset(&addr, 0, sizeof(addr));
	addr.sin_family = AF_INET;
	addr.sin_port = htons(atoi(argv[2]));
	if (inet_pton(AF_INET, argv[1], &addr.sin_addr) != 1)
		errx(1, "bad address %s", argv[1]);
	seconds = atoi(argv[3]);
	conns = atoi(argv[4]);
	if (seconds <= 0 || conns <= 0 || conns > 256)
		errx(1, "bad seconds or conns");
	if ((ctx = SSL_CTX_new(TLS_client_method())) == NULL)
		errx(1, "SSL_CTX_new");
	SSL_CTX_set_session_cache_mode(ctx, SSL_SESS_CACHE_OFF);
	if (argc == 6) {
		int	 v = strcmp(argv[5], "tls1.2") == 0 ? TLS1_2_VERSION :
			    TLS1_3_VERSION;

		SSL_CTX_set_min_proto_version(ctx, v);
		SSL_CTX_set_max_proto_version(ctx, v);
	}
	if ((threads = calloc(conns, sizeof(*threads))) == NULL)
		err(1, "calloc");
	start = now();
	for (i = 0; i < conns; i++)
		if (pthread_create(&threads[i], NULL, worker, NULL) != 0)
			errx(1, "pthread_create");
	sleep(seconds);
	atomic_store(&stop, 1);
	for (i = 0; i < conns; i++)
		pthread_join(threads[i], NULL);
	elapsed = now() - start;
	printf("handshakes_per_s %.0f (%ld in %.2f s, %ld failed)\n",
	    atomic_load(&done) / elapsed, atomic_load(&done), elapsed,
	    atomic_load(&failed));
	SSL_CTX_free(ctx);
	free(threads);
	return atomic_load(&failed) > atomic_load(&done) ? 1 : 0;
}
