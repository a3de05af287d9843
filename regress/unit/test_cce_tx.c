/*
 * The command API's object model, continued (test_cce.c): COMMIT,
 * SUSPEND, a site's suspension, DESTROY, and FIND and FINDX over
 * 100,000 objects.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cce.h"
#include "stored.h"
#include "test.h"
#include "test_cce.h"

void
test_commit(void)
{
	size_t	 i;

	start(CCE_V_COMMIT, NULL, 0, NULL);
	CHECK_INT(go(&admin), CCE_CMD_ERROR);
	start(CCE_V_BEGIN, NULL, 0, NULL);
	CHECK_INT(go(&admin), CCE_OK);
	CHECK_STR(out.message, "BEGIN OK");
	start(CCE_V_BEGIN, NULL, 0, NULL);
	CHECK_INT(go(&admin), CCE_CMD_ERROR);
	CHECK_INT(set1(&admin, site1, "maxusers", "11"), CCE_QUEUED);
	CHECK_STR(out.message, "QUEUED");
	CHECK_INT(set1(&admin, site1, "Disk.quota", "600"), CCE_QUEUED);
	CHECK_INT(set1(&admin, site1, "maxusers", "many"), CCE_QUEUED);
	CHECK_INT(set1(&admin, site1, "hostname", "later"), CCE_QUEUED);
	/* nothing yet, to the admin's other session either */
	CHECK_STR(get1(&admin2, site1, NULL, "maxusers"), "10");
	start(CCE_V_COMMIT, NULL, 0, NULL);
	CHECK_INT(go(&admin), CCE_FAILED);
	CHECK_INT((int)json_array_size(json_object_get(out.data, "results")),
	    3);
	CHECK_INT((int)json_integer_value(json_object_get(json_array_get(
	    json_object_get(out.data, "results"), 2), "status")),
	    CCE_BAD_DATA);
	CHECK(strstr(error_message(), "maxusers") != NULL);
	CHECK_STR(get1(&admin, site1, NULL, "maxusers"), "10");
	CHECK_STR(get1(&admin, site1, "Disk", "quota"), "500");
	CHECK_STR(get1(&admin, site1, NULL, "hostname"), "www");

	start(CCE_V_BEGIN, NULL, 0, NULL);
	CHECK_INT(go(&admin), CCE_OK);
	CHECK_INT(set1(&admin, site1, "maxusers", "11"), CCE_QUEUED);
	CHECK(create(&admin, "User", "name", "frank", "site", site1_name,
	    NULL) == 0);
	CHECK_INT(out.code, CCE_QUEUED);
	CHECK_INT(set1(&admin, site1, "Disk.quota", "600"), CCE_QUEUED);
	start(CCE_V_COMMIT, NULL, 0, NULL);
	CHECK_INT(go(&admin), CCE_OK);
	CHECK_INT((int)json_array_size(json_object_get(out.data, "results")),
	    3);
	CHECK_INT((int)json_integer_value(json_object_get(json_array_get(
	    json_object_get(out.data, "results"), 1), "index")), 1);
	CHECK_STR(get1(&admin, site1, NULL, "maxusers"), "11");
	CHECK_STR(get1(&admin, site1, "Disk", "quota"), "600");
	CHECK_INT((int)count("SELECT count(*) FROM users WHERE username = "
	    "'frank'", 0), 1);

	/* a queue is bounded */
	start(CCE_V_BEGIN, NULL, 0, NULL);
	CHECK_INT(go(&alice), CCE_OK);
	for (i = 0; i < CCE_QUEUE_MAX; i++)
		CHECK_INT(set1(&alice, o_alice, "fullName", "A"), CCE_QUEUED);
	CHECK_INT(set1(&alice, o_alice, "fullName", "A"), CCE_CMD_ERROR);
	start(CCE_V_COMMIT, NULL, 0, NULL);
	CHECK_INT(go(&alice), CCE_OK);
}

/* SUSPEND: every other session's command is 309 until RESUME */
void
test_suspend_all(void)
{
	start(CCE_V_SUSPEND, NULL, 0, NULL);
	CHECK_INT(go(&alice), CCE_DENIED);
	start(CCE_V_SUSPEND, NULL, 0, NULL);
	strlcpy(C.req.reason, "maintenance", sizeof(C.req.reason));
	CHECK_INT(go(&admin), CCE_OK);
	CHECK(get1(&alice, o_alice, NULL, "name") == NULL);
	CHECK_INT(out.code, CCE_SUSPENDED);
	CHECK_STR(out.message, "SUSPENDED maintenance");
	CHECK(get1(&admin2, o_alice, NULL, "name") == NULL);
	CHECK_INT(out.code, CCE_SUSPENDED);
	CHECK_STR(get1(&admin, o_alice, NULL, "name"), "alice");
	/* kept in the database, for a restart */
	CHECK_INT((int)count("SELECT count(*) FROM cce_state WHERE name = "
	    "'suspended' AND value = 'maintenance'", 0), 1);
	start(CCE_V_RESUME, NULL, 0, NULL);
	CHECK_INT(go(&alice), CCE_DENIED);
	start(CCE_V_RESUME, NULL, 0, NULL);
	CHECK_INT(go(&admin2), CCE_OK);
	CHECK_STR(get1(&alice, o_alice, NULL, "name"), "alice");
}

/* An API key row of a user, to see whether its grant still opens. */
static uint64_t
apikey_of(const struct principal *p)
{
	static const char sql[] = "INSERT INTO api_keys (id, public_id, "
	    "digest, user_oid, name, scopes, created_at) VALUES "
	    "(lower(hex(randomblob(16))), lower(hex(randomblob(8))), x'00', "
	    "?, 'k', 0, 0)";
	sqlite3_stmt	*st = db_stmt(sql);
	uint64_t	 oid;

	sqlite3_bind_int64(st, 1, p->user_oid);
	CHECK_INT(db_insert(st, &oid), 0);
	return oid;
}

static int
opens(const struct principal *p, uint64_t key)
{
	struct grant	 g;
	struct principal q;

	memset(&g, 0, sizeof(g));
	g.kind = GRANT_APIKEY;
	g.cred_oid = key;
	g.user_oid = p->user_oid;
	return credentials_alive(&g, &q) == 0;
}

/* A site's suspension: its users' logins and keys, its host */
void
test_site_suspend(void)
{
	uint64_t	 key = apikey_of(&alice);

	CHECK(opens(&alice, key));
	CHECK_INT((int)count("SELECT count(*) FROM sessions", 0), 0);
	CHECK_INT(db_exec("INSERT INTO sessions (public_id, kind, user_oid, "
	    "dialect, source_ip, created_at, last_used_at, expires_at, idle) "
	    "SELECT 'p1', 'ms_', oid, 2, '127.0.0.1', 0, 0, 9999999999, 99 "
	    "FROM users WHERE username = 'alice'"), 0);
	CHECK_INT(set1(&admin, site1, "suspend", "1"), CCE_OK);
	CHECK_INT((int)count("SELECT count(*) FROM users WHERE suspended = 1",
	    0), 3);		/* alice, bob, frank */
	CHECK(!opens(&alice, key));
	CHECK_INT((int)count("SELECT count(*) FROM sessions", 0), 0);
	CHECK_INT((int)count("SELECT count(*) FROM tasks WHERE action = 3",
	    0), 1);		/* HOST_STOP */
	/* the same again changes nothing */
	CHECK_INT(set1(&admin, site1, "suspend", "1"), CCE_OK);
	CHECK_INT((int)count("SELECT count(*) FROM tasks WHERE action = 3",
	    0), 1);
	CHECK_INT(set1(&admin, site1, "suspend", "0"), CCE_OK);
	CHECK_INT((int)count("SELECT count(*) FROM users WHERE suspended = 1",
	    0), 0);
	CHECK(opens(&alice, key));
	CHECK_INT((int)count("SELECT count(*) FROM tasks WHERE action = 2",
	    0), 1);		/* HOST_START */
	/* a user alone, and a user moved to a suspended site */
	CHECK_INT(set1(&admin, o_bob, "suspend", "1"), CCE_OK);
	CHECK_INT((int)count("SELECT suspended FROM users WHERE oid = ?",
	    bob.user_oid), 1);
	CHECK_INT(set1(&admin, o_bob, "suspend", "0"), CCE_OK);
	CHECK_INT(set1(&admin, site2, "suspend", "1"), CCE_OK);
	CHECK_INT((int)count("SELECT suspended FROM users WHERE oid = ?",
	    carol.user_oid), 1);
	CHECK_INT(set1(&admin, o_bob, "site", site2_name), CCE_OK);
	CHECK_INT((int)count("SELECT suspended FROM users WHERE oid = ?",
	    bob.user_oid), 1);
	CHECK_INT(set1(&admin, o_bob, "site", site1_name), CCE_OK);
	CHECK_INT((int)count("SELECT suspended FROM users WHERE oid = ?",
	    bob.user_oid), 0);
	CHECK_INT(set1(&admin, site2, "suspend", "0"), CCE_OK);
}

void
test_destroy(void)
{
	uint64_t	 frank;
	int64_t		 deleted, deletes;

	/* sites made and destroyed before had accounts, deleted with them */
	deleted = count("SELECT count(*) FROM events WHERE type = "
	    "'admin.user.delete'", 0);
	deletes = count("SELECT count(*) FROM tasks WHERE action = 5", 0);
	start(CCE_V_DESTROY, NULL, CCE_SYSTEM_OID, NULL);
	CHECK_INT(go(&admin), CCE_DENIED);
	start(CCE_V_DESTROY, NULL, o_admin, NULL);
	CHECK_INT(go(&admin), CCE_DENIED);
	start(CCE_V_DESTROY, NULL, o_carol, NULL);
	CHECK_INT(go(&admin), CCE_OK);
	CHECK_INT((int)count("SELECT count(*) FROM users WHERE username = "
	    "'carol'", 0), 0);
	CHECK_INT((int)count("SELECT count(*) FROM cce_objects WHERE oid = ?",
	    o_carol), 0);
	CHECK_INT((int)count("SELECT count(*) FROM events WHERE type = "
	    "'admin.user.delete'", 0), (int)deleted + 1);
	/* a site takes its users, its account and its host along */
	start(CCE_V_FIND, "User", 0, NULL);
	arg("name", "frank", CCE_OP_EQ);
	CHECK_INT(go(&admin), CCE_OK);
	frank = list_at(0);
	CHECK(frank != 0);
	start(CCE_V_DESTROY, NULL, site1, NULL);
	CHECK_INT(go(&admin), CCE_OK);
	CHECK_INT((int)count("SELECT count(*) FROM users WHERE username IN "
	    "('alice', 'bob', 'frank')", 0), 0);
	CHECK_INT((int)count("SELECT count(*) FROM cce_props WHERE oid = ?",
	    site1), 0);
	CHECK_INT((int)count("SELECT count(*) FROM tasks WHERE action = 5",
	    0), (int)deletes + 1);		/* HOST_DELETE */
	CHECK_INT((int)count("SELECT count(*) FROM users WHERE username = "
	    "'cce:' || ?", site1), 0);
	CHECK_INT((int)count("SELECT count(*) FROM hosts WHERE oid = ?",
	    site1_host), 0);
	start(CCE_V_GET, NULL, site1, NULL);
	CHECK_INT(go(&admin), CCE_UNKNOWN_OBJECT);
}

static double
elapsed_ms(const struct timespec *t0)
{
	struct timespec	 t1;

	clock_gettime(CLOCK_MONOTONIC, &t1);
	return (t1.tv_sec - t0->tv_sec) * 1e3 +
	    (t1.tv_nsec - t0->tv_nsec) / 1e6;
}

/* 100,000 sites; FIND on an indexed value, FINDX with a regex, sorted */
void
test_speed(void)
{
	struct timespec	 t0;
	double		 ms;
	int		 i;
	char		 v[64];
	sqlite3_stmt	*obj, *prop;

	CHECK_INT(db_begin(), 0);
	obj = db_stmt("INSERT INTO cce_objects (class, created_at) VALUES "
	    "('Vsite', 0)");
	prop = db_stmt("INSERT INTO cce_props (oid, class, namespace, name, "
	    "value) VALUES (?, 'Vsite', '', ?, ?)");
	for (i = 0; i < 100000; i++) {
		uint64_t	 oid;

		sqlite3_reset(obj);
		CHECK(sqlite3_step(obj) == SQLITE_DONE);
		oid = sqlite3_last_insert_rowid(sqlite3_db_handle(obj));
		snprintf(v, sizeof(v), "bench%d", i);
		sqlite3_reset(prop);
		sqlite3_bind_int64(prop, 1, oid);
		sqlite3_bind_text(prop, 2, "name", -1, SQLITE_STATIC);
		sqlite3_bind_text(prop, 3, v, -1, SQLITE_TRANSIENT);
		CHECK(sqlite3_step(prop) == SQLITE_DONE);
		snprintf(v, sizeof(v), "h%d.c%d.example.com", i % 977, i % 13);
		sqlite3_reset(prop);
		sqlite3_bind_int64(prop, 1, oid);
		sqlite3_bind_text(prop, 2, "fqdn", -1, SQLITE_STATIC);
		sqlite3_bind_text(prop, 3, v, -1, SQLITE_TRANSIENT);
		CHECK(sqlite3_step(prop) == SQLITE_DONE);
	}
	sqlite3_reset(obj);
	sqlite3_reset(prop);
	CHECK_INT(db_commit(), 0);
	CHECK_INT(db_exec("ANALYZE"), 0);

	clock_gettime(CLOCK_MONOTONIC, &t0);
	start(CCE_V_FIND, "Vsite", 0, NULL);
	arg("name", "bench54321", CCE_OP_EQ);
	CHECK_INT(go(&admin), CCE_OK);
	ms = elapsed_ms(&t0);
	CHECK_INT((int)nlist(), 1);
	printf("FIND over 100,000: %.1f ms\n", ms);
	CHECK(ms < 250);

	clock_gettime(CLOCK_MONOTONIC, &t0);
	start(CCE_V_FIND, "Vsite", 0, NULL);
	CHECK_INT(go(&admin), CCE_OK);
	printf("FIND all: %.1f ms\n", elapsed_ms(&t0));
	/* 100,000 oids do not fit one answer: cut, with a warning */
	CHECK(nlist() > 100000);
	{
		char	*text = cce_answer_text(&out);
		json_t	*j = json_loads(text, 0, NULL);

		CHECK(strlen(text) <= CCE_DATA_BYTES_MAX);
		CHECK(json_array_size(json_object_get(j, "oidlist")) > 5000);
		CHECK(json_array_size(json_object_get(j, "oidlist")) < 100000);
		CHECK_INT((int)json_integer_value(json_object_get(
		    json_array_get(json_object_get(j, "infos"), 0), "code")),
		    CCE_WARNING);
		json_decref(j);
		free(text);
	}
	clock_gettime(CLOCK_MONOTONIC, &t0);
	start(CCE_V_FINDX, "Vsite", 0, NULL);
	arg("fqdn", "^h1[0-9]\\.", CCE_OP_MATCH);
	strlcpy(C.req.sortprop, "fqdn", sizeof(C.req.sortprop));
	strlcpy(C.req.sorttype, "hostname", sizeof(C.req.sorttype));
	CHECK_INT(go(&admin), CCE_OK);
	ms = elapsed_ms(&t0);
	printf("FINDX over 100,000: %.1f ms, %zu found\n", ms, nlist());
	CHECK(nlist() > 1000);
	CHECK(ms < 1000);
}
