/*
 * The command API's object model, continued (test_cce.c): moat's own
 * rows, FIND and GETOBJECT/GETALL, a pathological pattern, each sort.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cce.h"
#include "stored.h"
#include "test.h"
#include "test_cce.h"

static void	 test_moat_destroy(uint64_t, uint64_t);

void
test_moat_rows(void)
{
	char		 sql[512];
	uint64_t	 ka, kc;

	snprintf(sql, sizeof(sql), "INSERT INTO ssh_keys (id, user_oid, "
	    "name, type, blob64, comment, fingerprint, bits, created_at) "
	    "VALUES ('k1', %llu, 'laptop', 'ssh-ed25519', 'AAAA', 'a@b', "
	    "'SHA256:x', 256, 0), ('k2', %llu, 'desk', 'ssh-ed25519', 'AAAB', "
	    "'c@d', 'SHA256:y', 256, 0), ('k3', %llu, 'arm', 'ssh-rsa', "
	    "'AAAC', '', 'SHA256:z', 3072, 0)",
	    (unsigned long long)alice.user_oid,
	    (unsigned long long)carol.user_oid,
	    (unsigned long long)alice.user_oid);
	CHECK_INT(db_exec(sql), 0);
	start(CCE_V_FIND, "SshKey", 0, NULL);
	CHECK_INT(go(&admin), CCE_OK);
	CHECK_INT((int)nlist(), 3);
	start(CCE_V_FINDX, "SshKey", 0, NULL);
	strlcpy(C.req.sortprop, "name", sizeof(C.req.sortprop));
	CHECK_INT(go(&alice), CCE_OK);
	CHECK_INT((int)nlist(), 2);	/* arm, laptop: hers alone */
	ka = list_at(1);
	CHECK(ka > (1ULL << 40));
	CHECK_STR(get1(&alice, ka, NULL, "name"), "laptop");
	CHECK_STR(data("CLASS"), "SshKey");
	CHECK_STR(data("fingerprint"), "SHA256:x");
	start(CCE_V_FIND, "SshKey", 0, NULL);
	arg("type", "ssh-ed25519", CCE_OP_EQ);
	arg("comment", "@", CCE_OP_MATCH);
	CHECK_INT(go(&carol), CCE_OK);
	CHECK_INT((int)nlist(), 1);
	kc = list_at(0);
	CHECK(get1(&alice, kc, NULL, "name") == NULL);
	CHECK_INT(out.code, CCE_UNKNOWN_OBJECT);
	CHECK(get1(&alice, ka, "Disk", "name") == NULL);
	CHECK_INT(out.code, CCE_UNKNOWN_NS);
	CHECK_INT(set1(&alice, ka, "name", "x"), CCE_DENIED);
	CHECK_INT(set1(&alice, kc, "name", "x"), CCE_UNKNOWN_OBJECT);
	CHECK(create(&admin, "SshKey", "name", "x", NULL) == 0);
	CHECK_INT(out.code, CCE_DENIED);
	start(CCE_V_FIND, "SshKey", 0, NULL);
	arg("nope", "x", CCE_OP_EQ);
	CHECK_INT(go(&admin), CCE_BAD_DATA);
	start(CCE_V_NAMES, NULL, ka, NULL);
	CHECK_INT(go(&alice), CCE_OK);
	CHECK_INT((int)json_array_size(json_object_get(out.data,
	    "namespaces")), 0);
	/* egress IPs are admins'; the admin's host is theirs */
	start(CCE_V_FIND, "EgressIp", 0, NULL);
	CHECK_INT(go(&alice), CCE_OK);
	CHECK_INT((int)nlist(), 0);
	start(CCE_V_GETOBJECT, "Host", 0, NULL);
	arg("status", "pending", CCE_OP_EQ);
	CHECK_INT(go(&admin), CCE_OK);
	CHECK_STR(data("memoryLimitMb"), "512");
	start(CCE_V_FIND, "Host", 0, NULL);
	CHECK_INT(go(&alice), CCE_OK);
	CHECK_INT((int)nlist(), 0);
	test_moat_destroy(ka, kc);
	CHECK_INT(db_exec("DELETE FROM ssh_keys"), 0);
}

/* DESTROY of a key, as its route's DELETE; the other classes' refused */
static void
test_moat_destroy(uint64_t ka, uint64_t kc)
{
	char		 sql[512];
	uint64_t	 host, key;
	int64_t		 deletes;

	start(CCE_V_DESTROY, NULL, kc, NULL);
	CHECK_INT(go(&alice), CCE_UNKNOWN_OBJECT);	/* carol's */
	CHECK_INT((int)count("SELECT count(*) FROM ssh_keys", 0), 3);
	start(CCE_V_DESTROY, NULL, ka, NULL);
	CHECK_INT(go(&alice), CCE_OK);
	CHECK_INT((int)count("SELECT count(*) FROM ssh_keys WHERE id = 'k1'",
	    0), 0);
	CHECK_INT((int)count("SELECT count(*) FROM events WHERE type = "
	    "'sshkey.delete' AND message = 'ssh key SHA256:x'", 0), 1);
	start(CCE_V_DESTROY, NULL, kc, NULL);
	CHECK_INT(go(&admin), CCE_OK);			/* anyone's */
	CHECK_INT((int)count("SELECT count(*) FROM ssh_keys", 0), 1);
	snprintf(sql, sizeof(sql), "INSERT INTO api_keys (id, public_id, "
	    "digest, user_oid, name, scopes, created_at) VALUES ('a1', 'p1', "
	    "x'00', %llu, 'billing', 1, 0)",
	    (unsigned long long)alice.user_oid);
	CHECK_INT(db_exec(sql), 0);
	start(CCE_V_GETOBJECT, "ApiKey", 0, NULL);
	arg("name", "billing", CCE_OP_EQ);
	CHECK_INT(go(&alice), CCE_OK);
	key = strtoull(data("OID"), NULL, 10);
	start(CCE_V_DESTROY, NULL, key, NULL);
	CHECK_INT(go(&bob), CCE_UNKNOWN_OBJECT);
	start(CCE_V_DESTROY, NULL, key, NULL);
	CHECK_INT(go(&alice), CCE_OK);
	CHECK_INT((int)count("SELECT count(*) FROM api_keys", 0), 0);
	CHECK_INT((int)count("SELECT count(*) FROM events WHERE type = "
	    "'apikey.delete'", 0), 1);
	/* a host's deletion is its route's: refused, and nothing changes */
	start(CCE_V_GETOBJECT, "Host", 0, NULL);
	CHECK_INT(go(&admin), CCE_OK);
	host = strtoull(data("OID"), NULL, 10);
	deletes = count("SELECT count(*) FROM tasks WHERE action = 5", 0);
	start(CCE_V_DESTROY, NULL, host, NULL);
	CHECK_INT(go(&admin), CCE_DENIED);
	CHECK_INT((int)count("SELECT count(*) FROM tasks WHERE action = 5",
	    0), (int)deletes);
	CHECK(count("SELECT count(*) FROM hosts WHERE oid = ?",
	    host & ((1ULL << 40) - 1)) == 1);
}

void
test_find(void)
{
	/* k=v on the store, on a mapped value, on a default */
	start(CCE_V_FIND, "Vsite", 0, NULL);
	arg("name", site1_name, CCE_OP_EQ);
	CHECK_INT(go(&admin), CCE_OK);
	CHECK_INT((int)nlist(), 1);
	CHECK(list_at(0) == site1);
	start(CCE_V_FIND, "User", 0, NULL);
	arg("name", "carol", CCE_OP_EQ);
	CHECK_INT(go(&admin), CCE_OK);
	CHECK_INT((int)nlist(), 1);
	CHECK(list_at(0) == o_carol);
	start(CCE_V_FIND, "Vsite", 0, NULL);
	arg("PHP.enabled", "0", CCE_OP_EQ);	/* never set on site2 */
	CHECK_INT(go(&admin), CCE_OK);
	CHECK_INT((int)nlist(), 1);
	CHECK(list_at(0) == site2);
	start(CCE_V_FIND, "User", 0, NULL);
	arg("enabled", "1", CCE_OP_EQ);
	arg("site", site1_name, CCE_OP_EQ);
	CHECK_INT(go(&admin), CCE_OK);
	CHECK_INT((int)nlist(), 2);
	/* k~re */
	start(CCE_V_FIND, "User", 0, NULL);
	arg("name", "^(alice|carol)$", CCE_OP_MATCH);
	CHECK_INT(go(&admin), CCE_OK);
	CHECK_INT((int)nlist(), 2);
	CHECK(list_at(0) == o_alice && list_at(1) == o_carol);
	start(CCE_V_FIND, "User", 0, NULL);
	arg("name", "([a-z", CCE_OP_MATCH);
	CHECK_INT(go(&admin), CCE_BAD_PARAMS);
	start(CCE_V_FIND, "User", 0, NULL);
	arg("nope", "x", CCE_OP_EQ);
	CHECK_INT(go(&admin), CCE_BAD_DATA);
	start(CCE_V_FIND, "Nope", 0, NULL);
	CHECK_INT(go(&admin), CCE_UNKNOWN_CLASS);

	/* GETOBJECT: the first match's GET, or 404 */
	start(CCE_V_GETOBJECT, "Vsite", 0, "Disk");
	arg("name", site1_name, CCE_OP_EQ);
	CHECK_INT(go(&admin), CCE_OK);
	CHECK_STR(data("quota"), "500");
	start(CCE_V_GETOBJECT, "Vsite", 0, NULL);
	arg("name", "site0", CCE_OP_EQ);
	CHECK_INT(go(&admin), CCE_NOT_FOUND);
	CHECK_STR(out.message, "Object not found");
	/* GETALL by class: each object with its namespaces */
	start(CCE_V_GETALL, "Vsite", 0, NULL);
	CHECK_INT(go(&admin), CCE_OK);
	{
		json_t	*objects = json_object_get(out.data, "objects");
		char	 key[24];

		CHECK_INT((int)json_object_size(objects), 2);
		snprintf(key, sizeof(key), "%llu", (unsigned long long)site1);
		CHECK_STR(json_string_value(json_object_get(json_object_get(
		    json_object_get(objects, key), "PHP"), "version")), "8.2");
		CHECK_STR(json_string_value(json_object_get(json_object_get(
		    json_object_get(objects, key), "OBJECT"), "name")),
		    site1_name);
	}
}

/* A pattern that would backtrack for ever ends within its bound. */
void
test_regex_bound(void)
{
	struct timespec	 t0, t1;
	char		 evil[64];
	double		 ms;

	memset(evil, 'a', 40);
	strlcpy(evil + 40, "!", sizeof(evil) - 40);
	CHECK_INT(set1(&admin, o_carol, "fullName", evil), CCE_OK);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	start(CCE_V_FIND, "User", 0, NULL);
	arg("fullName", "^(a+)+$", CCE_OP_MATCH);
	CHECK_INT(go(&admin), CCE_BAD_PARAMS);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	ms = (t1.tv_sec - t0.tv_sec) * 1e3 + (t1.tv_nsec - t0.tv_nsec) / 1e6;
	CHECK(ms < 1000);
	CHECK(strstr(error_message(), "too long") != NULL);
}

/* FINDX: regex_args, and each sort order on the values of sites */
static int
sorted(const char *prop, const char *type, uint64_t *want, size_t n)
{
	size_t	 i;

	start(CCE_V_FINDX, "Vsite", 0, NULL);
	arg("volume", "^/srv/", CCE_OP_MATCH);
	strlcpy(C.req.sortprop, prop, sizeof(C.req.sortprop));
	strlcpy(C.req.sorttype, type, sizeof(C.req.sorttype));
	if (go(&admin) != CCE_OK || nlist() != n)
		return 0;
	for (i = 0; i < n; i++)
		if (list_at(i) != want[i]) {
			fprintf(stderr, "%s %s: %zu is %llu\n", prop, type, i,
			    (unsigned long long)list_at(i));
			return 0;
		}
	return 1;
}

void
test_sorts(void)
{
	uint64_t	 s[5], want[5];
	static const char *const ips[5] = { "10.0.0.10", "2001:db8::1",
	    "10.0.0.9", "9.1.1.1", "::1" };
	static const char *const names[5] = { "b.example.com",
	    "www.a.example.com", "a.example.org", "example.com",
	    "z.example.com" };
	static const char *const hosts[5] = { "Beta", "alpha", "Gamma",
	    "delta", "Alpha" };
	static const char *const users[5] = { "100", "25", "9", "1000",
	    "3" };
	size_t		 i;

	for (i = 0; i < 5; i++) {
		s[i] = create(&admin, "Vsite", "volume", "/srv/x", "ipaddr",
		    ips[i], "fqdn", names[i], "hostname", hosts[i],
		    "maxusers", users[i], NULL);
		CHECK(s[i] != 0);
	}
	/* ip: 9.1.1.1 10.0.0.9 10.0.0.10 ::1 2001:db8::1 */
	want[0] = s[3]; want[1] = s[2]; want[2] = s[0]; want[3] = s[4];
	want[4] = s[1];
	CHECK(sorted("ipaddr", "ip", want, 5));
	/* hostname: example.com, www.a.example.com, b.example.com,
	 * z.example.com, a.example.org */
	want[0] = s[3]; want[1] = s[1]; want[2] = s[0]; want[3] = s[4];
	want[4] = s[2];
	CHECK(sorted("fqdn", "hostname", want, 5));
	/* ascii: Alpha Beta Gamma alpha delta */
	want[0] = s[4]; want[1] = s[0]; want[2] = s[2]; want[3] = s[1];
	want[4] = s[3];
	CHECK(sorted("hostname", "ascii", want, 5));
	/* locale: Alpha alpha Beta delta Gamma */
	want[0] = s[4]; want[1] = s[1]; want[2] = s[0]; want[3] = s[3];
	want[4] = s[2];
	CHECK(sorted("hostname", "locale", want, 5));
	/* old_numeric: 3 9 25 100 1000; ascii: 100 1000 25 3 9 */
	want[0] = s[4]; want[1] = s[2]; want[2] = s[1]; want[3] = s[0];
	want[4] = s[3];
	CHECK(sorted("maxusers", "old_numeric", want, 5));
	want[0] = s[0]; want[1] = s[3]; want[2] = s[1]; want[3] = s[4];
	want[4] = s[2];
	CHECK(sorted("maxusers", "", want, 5));
	CHECK(!sorted("maxusers", "random", want, 5));
	CHECK_INT(out.code, CCE_BAD_PARAMS);
	CHECK(!sorted("nope", "ascii", want, 5));
	CHECK_INT(out.code, CCE_BAD_DATA);
	for (i = 0; i < 5; i++) {
		start(CCE_V_DESTROY, NULL, s[i], NULL);
		CHECK_INT(go(&admin), CCE_OK);
	}
}

/* COMMIT: all or nothing */
