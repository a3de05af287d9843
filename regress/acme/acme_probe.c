/*
 * acme_probe: drives the ACME engine (taskd/acme*.c) against a real CA
 * for regress/e2e/test_acme_engine.py.  Test code: its signer is a
 * local key (probe_key.c), and its challenge solver posts to
 * pebble-challtestsrv's management API (http-01 content, dns-01 TXT).
 *
 *   acme_probe -d DIR -c CAFILE -k KEY [-t ec256|ec384|rsa] [-e MAIL]
 *       [-K EABKID -H EABHMAC] [-x] [-a] COMMAND
 *   -a: keys, signatures, CSRs and EAB MACs by authd's code (no -k file)
 *   account                     prints "account URL"
 *   issue -n NAME... -C TYPE -m MGMT -o PREFIX [-r ORDER] [-s]
 *                               -s exits 3 as soon as the order exists
 *                               -P presents nothing (the CA must refuse)
 *                               -X N exits 4 after the Nth cleanup
 *   rollover -N NEWKEY [-T TYPE]
 *   orders                      prints "contact MAILTO", "orders COUNT"
 *   ari -f CERT                 prints "window START END"
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <curl/curl.h>

#include "probe.h"

#define NAMES_MAX	16

struct opts {
	const char	*dir, *ca, *key, *type, *mail, *eab_kid, *eab_hmac;
	const char	*names[NAMES_MAX];
	size_t		 nnames;
	const char	*chal, *mgmt, *out, *resume, *newkey, *newtype;
	const char	*certfile;
	int		 existing, stop, absent, die_after, authd;
};

static size_t
discard(char *p, size_t sz, size_t n, void *arg)
{
	return sz * n;
}

/* One POST of a JSON text to challtestsrv's management API. */
static int
mgmt_post(const char *base, const char *path, json_t *body)
{
	CURL	*c;
	char	 url[512], *s;
	long	 status = 0;
	int	 rv = -1;

	s = json_dumps(body, JSON_COMPACT);
	json_decref(body);
	snprintf(url, sizeof(url), "%s%s", base, path);
	if (s == NULL || (c = curl_easy_init()) == NULL) {
		free(s);
		return -1;
	}
	curl_easy_setopt(c, CURLOPT_URL, url);
	curl_easy_setopt(c, CURLOPT_POSTFIELDS, s);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, discard);
	curl_easy_setopt(c, CURLOPT_TIMEOUT, 10L);
	if (curl_easy_perform(c) == CURLE_OK &&
	    curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status) ==
	    CURLE_OK && status == 200)
		rv = 0;
	curl_easy_cleanup(c);
	free(s);
	return rv;
}

static int
present(void *arg, const char *type, const char *ident, const char *token,
    const char *value)
{
	const struct opts	*o = arg;
	char			 host[300];

	printf("present %s %s\n", type, ident);
	fflush(stdout);
	if (o->absent)
		return 0;	/* the CA finds nothing: it must refuse */
	if (strcmp(type, "http-01") == 0)
		return mgmt_post(o->mgmt, "/add-http01", json_pack(
		    "{s:s, s:s}", "token", token, "content", value));
	snprintf(host, sizeof(host), "_acme-challenge.%s.", ident);
	return mgmt_post(o->mgmt, "/set-txt", json_pack("{s:s, s:s}",
	    "host", host, "value", value));
}

static void
cleanup(void *arg, const char *type, const char *ident, const char *token,
    const char *value)
{
	const struct opts	*o = arg;
	char			 host[300];

	printf("cleanup %s %s\n", type, ident);
	fflush(stdout);
	if (o->die_after > 0 && --((struct opts *)arg)->die_after == 0)
		_exit(4);	/* killed between two authorizations */
	if (strcmp(type, "http-01") == 0)
		mgmt_post(o->mgmt, "/del-http01", json_pack("{s:s}",
		    "token", token));
	else {
		snprintf(host, sizeof(host), "_acme-challenge.%s.", ident);
		mgmt_post(o->mgmt, "/clear-txt", json_pack("{s:s}", "host",
		    host));
	}
}

static int
order_created(void *arg, const char *url)
{
	const struct opts	*o = arg;

	printf("order %s\n", url);
	fflush(stdout);
	if (o->stop)
		_exit(3);	/* a worker killed once the order exists */
	return 0;
}

static int
write_file(const char *prefix, const char *suffix, const char *s)
{
	char	 path[1024];
	FILE	*f;

	snprintf(path, sizeof(path), "%s%s", prefix, suffix);
	if ((f = fopen(path, "w")) == NULL)
		return -1;
	fputs(s, f);
	return fclose(f);
}

static int
cmd_issue(struct acme *a, struct opts *o)
{
	struct acme_solver	 sol = { present, cleanup, o };
	struct acme_order_req	 q;
	struct acme_cert	 c;
	char			 keyout[1024];
	uint8_t			*csr;
	size_t			 csrlen;
	int			 rv;

	snprintf(keyout, sizeof(keyout), "%s.key.pem", o->out);
	if (o->nnames == 0 || o->chal == NULL || o->mgmt == NULL ||
	    (o->authd ? probe_authd_csr(o->names, o->nnames, keyout, &csr,
	    &csrlen) : probe_csr(o->names, o->nnames, keyout, &csr,
	    &csrlen)) == -1)
		return -1;
	memset(&q, 0, sizeof(q));
	q.names = o->names;
	q.nnames = o->nnames;
	q.challenge = o->chal;
	q.csr = csr;
	q.csrlen = csrlen;
	q.resume_url = o->resume;
	q.order_created = order_created;
	q.arg = o;
	q.solver = &sol;
	rv = acme_issue(a, &q, &c);
	OPENSSL_free(csr);
	if (rv == -1)
		return -1;
	printf("issued %s\n", c.order_url);
	rv = write_file(o->out, ".leaf.pem", c.leaf) == 0 &&
	    write_file(o->out, ".chain.pem", c.chain) == 0 ? 0 : -1;
	acme_cert_free(&c);
	return rv;
}

static int
cmd_orders(struct acme *a)
{
	json_t		*acct, *list;
	const char	*url, *contact;
	int		 rv = -1;

	if (acme_fetch(a, acme_account_url(a), &acct) == -1)
		return -1;
	contact = json_string_value(json_array_get(json_object_get(acct,
	    "contact"), 0));
	printf("contact %s\n", contact != NULL ? contact : "-");
	url = json_string_value(json_object_get(acct, "orders"));
	if (url != NULL && acme_fetch(a, url, &list) == 0) {
		printf("orders %zu\n", json_array_size(json_object_get(list,
		    "orders")));
		json_decref(list);
		rv = 0;
	}
	json_decref(acct);
	return rv;
}

static int
cmd_rollover(struct acme *a, const struct opts *o, struct probe_key *nk)
{
	if (o->newkey == NULL || probe_key_load(nk, o->newkey,
	    o->newtype != NULL ? o->newtype : "ec256") == -1)
		return -1;
	if (acme_key_change(a, &nk->sg) == -1)
		return -1;
	printf("rolled %s\n", acme_account_url(a));
	return 0;
}

static int
cmd_ari(struct acme *a, const struct opts *o)
{
	struct acme_window	 w;
	char			 buf[65536];
	size_t			 n;
	FILE			*f;

	if (o->certfile == NULL || (f = fopen(o->certfile, "r")) == NULL)
		return -1;
	n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = '\0';
	if (acme_renewal_info(a, buf, &w) == -1)
		return -1;
	printf("window %lld %lld %ld %s\n", (long long)w.start,
	    (long long)w.end, w.retry_after, w.explanation);
	return 0;
}

static void
parse(int argc, char *argv[], struct opts *o)
{
	int	ch;

	while ((ch = getopt(argc, argv,
	    "d:c:k:t:e:K:H:xn:C:m:o:r:sPX:N:T:f:a")) != -1) {
		switch (ch) {
		case 'd': o->dir = optarg; break;
		case 'c': o->ca = optarg; break;
		case 'k': o->key = optarg; break;
		case 't': o->type = optarg; break;
		case 'e': o->mail = optarg; break;
		case 'K': o->eab_kid = optarg; break;
		case 'H': o->eab_hmac = optarg; break;
		case 'x': o->existing = 1; break;
		case 'a': o->authd = 1; break;
		case 'n':
			if (o->nnames < NAMES_MAX)
				o->names[o->nnames++] = optarg;
			break;
		case 'C': o->chal = optarg; break;
		case 'm': o->mgmt = optarg; break;
		case 'o': o->out = optarg; break;
		case 'r': o->resume = optarg; break;
		case 's': o->stop = 1; break;
		case 'P': o->absent = 1; break;
		case 'X': o->die_after = atoi(optarg); break;
		case 'N': o->newkey = optarg; break;
		case 'T': o->newtype = optarg; break;
		case 'f': o->certfile = optarg; break;
		default:
			exit(2);
		}
	}
}

/* -a: an account and an issue with authd's keys, signatures, CSR, EAB */
static int
run_authd(struct acme *a, struct opts *o, const char *cmd,
    struct probe_key *k)
{
	struct acme_eab	 e;

	if (probe_authd_key(k, o->type != NULL ? o->type : "ec256") == -1) {
		fprintf(stderr, "acme_probe: authd's key: none\n");
		return -1;
	}
	if (o->eab_kid != NULL && o->eab_hmac != NULL &&
	    probe_authd_eab(o->eab_kid, o->eab_hmac, &e) == -1)
		return -1;
	if (acme_account_eab(a, &k->sg, o->mail, o->eab_kid != NULL ? &e :
	    NULL, o->existing) == -1)
		return -1;
	printf("account %s\n", acme_account_url(a));
	fflush(stdout);
	if (strcmp(cmd, "issue") == 0)
		return cmd_issue(a, o);
	return strcmp(cmd, "account") == 0 ? 0 : -1;
}

static int
run(struct acme *a, struct opts *o, const char *cmd, struct probe_key *k,
    struct probe_key *nk)
{
	if (strcmp(cmd, "ari") == 0)
		return cmd_ari(a, o);
	if (o->authd)
		return run_authd(a, o, cmd, k);
	if (probe_key_load(k, o->key, o->type != NULL ? o->type : "ec256") ==
	    -1) {
		fprintf(stderr, "acme_probe: cannot load or make %s\n", o->key);
		return -1;
	}
	if (acme_account(a, &k->sg, o->mail, o->eab_kid, o->eab_hmac,
	    o->existing) == -1)
		return -1;
	printf("account %s\n", acme_account_url(a));
	fflush(stdout);
	if (strcmp(cmd, "account") == 0)
		return 0;
	if (strcmp(cmd, "issue") == 0)
		return cmd_issue(a, o);
	if (strcmp(cmd, "orders") == 0)
		return cmd_orders(a);
	if (strcmp(cmd, "rollover") == 0)
		return cmd_rollover(a, o, nk);
	fprintf(stderr, "acme_probe: unknown command %s\n", cmd);
	return -1;
}

int
main(int argc, char *argv[])
{
	struct opts		 o;
	struct probe_key	 k, nk;
	struct acme		*a;
	int			 rv;

	memset(&o, 0, sizeof(o));
	memset(&k, 0, sizeof(k));
	memset(&nk, 0, sizeof(nk));
	parse(argc, argv, &o);
	if (optind + 1 != argc || o.dir == NULL || (o.key == NULL &&
	    strcmp(argv[optind], "ari") != 0)) {
		fprintf(stderr, "usage: acme_probe -d DIR -k KEY ... CMD\n");
		return 2;
	}
	curl_global_init(CURL_GLOBAL_DEFAULT);
	if ((a = acme_new(o.dir, o.ca, 30)) == NULL) {
		fprintf(stderr, "acme_probe: bad directory URL\n");
		return 2;
	}
	acme_set_poll_limit(a, 60);
	rv = run(a, &o, argv[optind], &k, &nk);
	if (rv == -1)
		fprintf(stderr, "error: %s\n", acme_error(a));
	printf("badnonce %u\n", acme_bad_nonces(a));
	acme_free(a);
	probe_key_free(&k);
	probe_key_free(&nk);
	curl_global_cleanup();
	return rv == -1 ? 1 : 0;
}
