/*
 * authd's opening of a DNS provider's secret for taskd
 * (authd/dnsunseal.c): the message as taskd sends it, and a seal that
 * opens only under the provider it was sealed to, in its class, whole.
 */
#include <stdlib.h>
#include <string.h>

#include "authd.h"
#include "body_dns.h"
#include "crypto.h"
#include "ipc.h"
#include "log.h"
#include "test.h"

struct authd		*authd_env;
static struct authd	 env;

static const char ID[] = "0b1c2d3e-4f50-4617-8899-aabbccddeeff";
static const char OTHER[] = "0b1c2d3e-4f50-4617-8899-aabbccddeef0";
static const char SECRET[] = "c2VjcmV0LXNlY3JldC1zZWNyZXQtc2VjcmV0LTAxMjM=";

/* The request as taskd writes it, decoded as authd reads it. */
static int
passed(const char *id, const uint8_t *sealed, size_t len,
    struct ipc_dnsprov_unseal *out)
{
	struct ipc_dnsprov_unseal	 in;
	struct ipc_msg			 w, r;
	int				 rc;

	memset(&in, 0, sizeof(in));
	strlcpy(in.id, id, sizeof(in.id));
	memcpy(in.sealed, sealed, len);
	in.sealed_len = len;
	ipc_msg_init(&w, IPC_DNSPROV_UNSEAL, 2);
	ipc_msg_put(&w, &in);
	if (test_ipc_pass(&w, PROC_TASKD, PROC_AUTHD, &r) == -1)
		return -1;
	rc = ipc_msg_get(&r, out);
	ipc_msg_clear(&r);
	return rc;
}

static void
test_open(void)
{
	struct ipc_dnsprov_unseal	 got;
	struct ipc_msg			 w, r;
	uint8_t				 sealed[SEALED_MAX], other[SEALED_MAX];
	size_t				 len, olen;
	char				 secret[DNSREC_SECRET_MAX + 1];
	const char			*why;

	CHECK(seal_bound("dns_provider", "secret", ID, SECRET, sealed,
	    &len) == 0);
	CHECK(memmem(sealed, len, SECRET, strlen(SECRET)) == NULL);

	CHECK_INT(passed(ID, sealed, len, &got), 0);
	CHECK_INT(dnsprov_open(&got, secret, sizeof(secret), &why), 0);
	CHECK_STR(secret, SECRET);

	/* the same seal sent with another provider's id */
	CHECK_INT(passed(OTHER, sealed, len, &got), 0);
	CHECK_INT(dnsprov_open(&got, secret, sizeof(secret), &why), -1);
	CHECK_STR(secret, "");
	/* an id that is no provider's */
	CHECK_INT(passed("7", sealed, len, &got), 0);
	CHECK_INT(dnsprov_open(&got, secret, sizeof(secret), &why), -1);
	/* no seal */
	CHECK_INT(passed(ID, sealed, 0, &got), 0);
	CHECK_INT(dnsprov_open(&got, secret, sizeof(secret), &why), -1);
	/* one byte changed */
	sealed[len - 1] ^= 1;
	CHECK_INT(passed(ID, sealed, len, &got), 0);
	CHECK_INT(dnsprov_open(&got, secret, sizeof(secret), &why), -1);
	sealed[len - 1] ^= 1;
	/* a seal of another class under the same id */
	CHECK(seal_bound("egress", "secret", ID, SECRET, other, &olen) == 0);
	CHECK_INT(passed(ID, other, olen, &got), 0);
	CHECK_INT(dnsprov_open(&got, secret, sizeof(secret), &why), -1);
	/* another provider's seal, with that provider's id, opens its own */
	CHECK(seal_bound("dns_provider", "secret", OTHER, "other", other,
	    &olen) == 0);
	CHECK_INT(passed(OTHER, other, olen, &got), 0);
	CHECK_INT(dnsprov_open(&got, secret, sizeof(secret), &why), 0);
	CHECK_STR(secret, "other");

	/* only taskd may ask */
	memset(&got, 0, sizeof(got));
	strlcpy(got.id, ID, sizeof(got.id));
	ipc_msg_init(&w, IPC_DNSPROV_UNSEAL, 2);
	ipc_msg_put(&w, &got);
	CHECK_INT(test_ipc_pass(&w, PROC_FRONTD, PROC_AUTHD, &r), -1);
	explicit_bzero(secret, sizeof(secret));
}

int
main(void)
{
	log_procinit("test_dnsunseal");
	if (crypto_init() != CRYPTO_OK)
		fatalx("crypto_init");
	authd_env = &env;
	arc4random_buf(env.seal_key, sizeof(env.seal_key));
	RUN(test_open);
	return (test_report("dnsunseal"));
}
