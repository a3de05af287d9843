/*
 * Drives taskd's DNS update client from the end-to-end tests (test
 * build only):
 *   dnsu_tool [-t] [-w MS] [-T MS] [-n TRIES] SERVER PORT ZONE KEY ALG
 *       add NAME TXT | del NAME TXT | delall NAME | wait NAME TXT |
 *       gone NAME TXT
 * The secret is read from standard input, never from the command line.
 * Prints "ok" or "error: WHY", whether the last exchange went over TCP,
 * and the milliseconds taken.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "dnsupdate.h"

static void
usage(void)
{
	fprintf(stderr, "usage: dnsu_tool [-t] [-w ms] [-T ms] [-n tries] "
	    "server port zone key alg op name [txt]\n");
	exit(2);
}

static int
run(struct dnsu *u, const char *op, const char *name, const char *txt,
    int wait_ms, char *err, size_t errlen)
{
	if (strcmp(op, "add") == 0 && txt != NULL)
		return (dnsu_add_txt(u, name, txt, DNSU_TTL, err, errlen));
	if (strcmp(op, "del") == 0 && txt != NULL)
		return (dnsu_del_txt(u, name, txt, err, errlen));
	if (strcmp(op, "delall") == 0)
		return (dnsu_del_txt(u, name, NULL, err, errlen));
	if (strcmp(op, "wait") == 0 && txt != NULL)
		return (dnsu_wait_txt(u, name, txt, 1, wait_ms, err, errlen));
	if (strcmp(op, "gone") == 0 && txt != NULL)
		return (dnsu_wait_txt(u, name, txt, 0, wait_ms, err, errlen));
	usage();
	return (-1);
}

int
main(int argc, char *argv[])
{
	struct dnsu	 u;
	struct timespec	 t0, t1;
	char		 secret[512], err[DNSU_ERR_MAX];
	int		 ch, tcp = 0, wait_ms = 10000, tmo = 0, tries = 0;
	int		 rv;
	size_t		 n;

	while ((ch = getopt(argc, argv, "tw:T:n:")) != -1) {
		switch (ch) {
		case 't':
			tcp = 1;
			break;
		case 'w':
			wait_ms = atoi(optarg);
			break;
		case 'T':
			tmo = atoi(optarg);
			break;
		case 'n':
			tries = atoi(optarg);
			break;
		default:
			usage();
		}
	}
	argc -= optind;
	argv += optind;
	if (argc < 7 || argc > 8)
		usage();
	if (fgets(secret, sizeof(secret), stdin) == NULL)
		secret[0] = '\0';
	n = strcspn(secret, "\r\n");
	secret[n] = '\0';
	if (dnsu_init(&u, argv[0], atoi(argv[1]), argv[2], argv[3], argv[4],
	    secret, err, sizeof(err)) == -1) {
		explicit_bzero(secret, sizeof(secret));
		printf("error: %s\nms 0\n", err);
		return (1);
	}
	explicit_bzero(secret, sizeof(secret));
	u.force_tcp = tcp;
	if (tmo > 0)
		u.timeout_ms = tmo;
	if (tries > 0)
		u.tries = tries;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	rv = run(&u, argv[5], argv[6], argc == 8 ? argv[7] : NULL, wait_ms,
	    err, sizeof(err));
	clock_gettime(CLOCK_MONOTONIC, &t1);
	tcp = u.used_tcp;
	dnsu_clear(&u);
	if (rv == 0)
		printf("ok\n");
	else
		printf("error: %s\n", err);
	printf("tcp %d\n", tcp);
	printf("ms %lld\n", (long long)(t1.tv_sec - t0.tv_sec) * 1000 +
	    (t1.tv_nsec - t0.tv_nsec) / 1000000);
	return (rv == 0 ? 0 : 1);
}
