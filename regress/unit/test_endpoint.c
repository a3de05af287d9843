/*
 * Unit tests of taskd/endpoint.c: the endpoint wg is given is an
 * address that moatd.conf allows; a name is resolved once, refused if
 * any of its addresses is, and handed on as its first address.
 */
#include <sys/types.h>
#include <sys/socket.h>

#include <netinet/in.h>
#include <arpa/inet.h>

#include <netdb.h>
#include <string.h>

#include "driver.h"
#include "test.h"

/* A resolver's answer, made up: each text an address. */
struct fake {
	struct addrinfo		 ai[4];
	struct sockaddr_storage	 ss[4];
};

static const struct addrinfo *
answer(struct fake *f, const char *const *addrs, int n)
{
	int	 i;

	memset(f, 0, sizeof(*f));
	for (i = 0; i < n; i++) {
		struct sockaddr_in	*sin = (struct sockaddr_in *)&f->ss[i];
		struct sockaddr_in6	*sin6 = (struct sockaddr_in6 *)&f->ss[i];

		if (inet_pton(AF_INET, addrs[i], &sin->sin_addr) == 1) {
			sin->sin_family = AF_INET;
			f->ai[i].ai_addrlen = sizeof(*sin);
		} else if (inet_pton(AF_INET6, addrs[i], &sin6->sin6_addr) ==
		    1) {
			sin6->sin6_family = AF_INET6;
			f->ai[i].ai_addrlen = sizeof(*sin6);
		}
		f->ai[i].ai_family = f->ss[i].ss_family;
		f->ai[i].ai_addr = (struct sockaddr *)&f->ss[i];
		f->ai[i].ai_next = i + 1 < n ? &f->ai[i + 1] : NULL;
	}
	return n > 0 ? &f->ai[0] : NULL;
}

static void
test_names_are_checked_as_resolved(void)
{
	static const char *const fine[] = { "203.0.113.7", "2001:db8::7" };
	static const char *const v6first[] = { "2001:db8::7", "203.0.113.7" };
	static const char *const sneaky[] = { "203.0.113.7", "127.0.0.1" };
	static const char *const metadata[] = { "169.254.169.254" };
	static const char *const mapped[] = { "::ffff:127.0.0.1" };
	struct egress_allow	 none, lo;
	struct fake		 f;
	char			 out[EGRESS_ENDPOINT_MAX + 1], why[256];

	memset(&none, 0, sizeof(none));
	CHECK_INT(endpoint_pick("vpn.example", answer(&f, fine, 2), "51820",
	    &none, out, sizeof(out), why, sizeof(why)), 0);
	CHECK_STR(out, "203.0.113.7:51820");
	CHECK_INT(endpoint_pick("vpn.example", answer(&f, v6first, 2), "1",
	    &none, out, sizeof(out), why, sizeof(why)), 0);
	CHECK_STR(out, "[2001:db8::7]:1");
	/* one refused address refuses the name, wherever it stands */
	CHECK_INT(endpoint_pick("vpn.example", answer(&f, sneaky, 2), "1",
	    &none, out, sizeof(out), why, sizeof(why)), -1);
	CHECK(strstr(why, "127.0.0.1") != NULL);
	CHECK(strstr(why, "loopback") != NULL);
	CHECK_INT(endpoint_pick("meta.example", answer(&f, metadata, 1), "80",
	    &none, out, sizeof(out), why, sizeof(why)), -1);
	CHECK(strstr(why, "metadata") != NULL);
	CHECK_INT(endpoint_pick("m.example", answer(&f, mapped, 1), "80",
	    &none, out, sizeof(out), why, sizeof(why)), -1);
	CHECK_INT(endpoint_pick("empty.example", NULL, "80", &none, out,
	    sizeof(out), why, sizeof(why)), -1);
	/* unless moatd.conf allows it */
	memset(&lo, 0, sizeof(lo));
	CHECK_INT(cidr_parse("127.0.0.0/8", &lo.range[lo.n++]), 0);
	CHECK_INT(endpoint_pick("vpn.example", answer(&f, sneaky, 2), "1",
	    &lo, out, sizeof(out), why, sizeof(why)), 0);
	CHECK_STR(out, "203.0.113.7:1");
}

static void
test_resolve(void)
{
	struct egress_allow	 none, lo;
	char			 out[EGRESS_ENDPOINT_MAX + 1], why[256];

	memset(&none, 0, sizeof(none));
	/* addresses as given: checked again, handed on as they are */
	CHECK_INT(endpoint_resolve("203.0.113.7:51820", &none, out,
	    sizeof(out), why, sizeof(why)), 0);
	CHECK_STR(out, "203.0.113.7:51820");
	CHECK_INT(endpoint_resolve("[2001:db8::1]:51820", &none, out,
	    sizeof(out), why, sizeof(why)), 0);
	CHECK_STR(out, "[2001:db8::1]:51820");
	CHECK_INT(endpoint_resolve("127.0.0.1:51820", &none, out,
	    sizeof(out), why, sizeof(why)), -1);
	CHECK(strstr(why, "loopback") != NULL);
	CHECK_INT(endpoint_resolve("[fe80::1]:51820", &none, out,
	    sizeof(out), why, sizeof(why)), -1);
	CHECK_INT(endpoint_resolve("localhost:51820", &none, out,
	    sizeof(out), why, sizeof(why)), -1);
	CHECK_INT(endpoint_resolve("nonsense", &none, out, sizeof(out), why,
	    sizeof(why)), -1);
	/* a name: resolved here (localhost is in every /etc/hosts) */
	memset(&lo, 0, sizeof(lo));
	CHECK_INT(cidr_parse("127.0.0.0/8", &lo.range[lo.n++]), 0);
	CHECK_INT(cidr_parse("::1", &lo.range[lo.n++]), 0);
	CHECK_INT(endpoint_resolve("localhost:51999", &lo, out, sizeof(out),
	    why, sizeof(why)), 0);
	CHECK(strcmp(out, "127.0.0.1:51999") == 0 ||
	    strcmp(out, "[::1]:51999") == 0);
	CHECK_INT(endpoint_resolve("no-such-name.invalid:1", &lo, out,
	    sizeof(out), why, sizeof(why)), -2);
}

int
main(void)
{
	RUN(test_names_are_checked_as_resolved);
	RUN(test_resolve);
	return test_report("endpoint");
}
