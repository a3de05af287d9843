/*
 * The command API's object model (stored/cce*.c) on a real database
 * migrated to the current schema, with the schema file moat ships: every
 * command driven directly as an admin and as users of a site, each
 * status code, the access rules and another's objects (BOLA), defaults,
 * types, COMMIT's all or nothing, SUSPEND and RESUME, a site's
 * suspension reaching logins and its host, each sort order, a
 * pathological pattern cut off, and FIND and FINDX over 100,000 objects
 * within five times their targets.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cce.h"
#include "log.h"
#include "stored.h"
#include "test.h"
#include "test_cce.h"

struct stored		*stored_env;

struct cce_cmd		 C;
struct ipc_cce_arg	 A[CCE_ARGS_MAX];
struct cce_out		 out;
struct principal	 admin, admin2, alice, bob, carol;

void
start(int verb, const char *class, uint64_t oid, const char *ns)
{
	memset(&C, 0, sizeof(C));
	memset(A, 0, sizeof(A));
	C.args = A;
	C.req.verb = (uint32_t)verb;
	C.req.oid = oid;
	strlcpy(C.req.class, class != NULL ? class : "", sizeof(C.req.class));
	strlcpy(C.req.ns, ns != NULL ? ns : "", sizeof(C.req.ns));
	snprintf(C.req.command, sizeof(C.req.command), "verb %d", verb);
}

void
arg(const char *k, const char *v, int op)
{
	strlcpy(A[C.nargs].key, k, sizeof(A[C.nargs].key));
	strlcpy(A[C.nargs].value, v, sizeof(A[C.nargs].value));
	A[C.nargs].op = (uint32_t)op;
	C.nargs++;
	C.req.nargs = (uint32_t)C.nargs;
}

int
go(const struct principal *p)
{
	cce_out_clear(&out);
	cce_run(p, &C, &out);
	return out.code;
}

/* data.DATA.<prop> of a GET, or NULL */
const char *
data(const char *prop)
{
	return json_string_value(json_object_get(json_object_get(out.data,
	    "DATA"), prop));
}

size_t
nlist(void)
{
	return json_array_size(json_object_get(out.data, "oidlist"));
}

uint64_t
list_at(size_t i)
{
	return (uint64_t)json_integer_value(json_array_get(
	    json_object_get(out.data, "oidlist"), i));
}

const char *
error_message(void)
{
	return json_string_value(json_object_get(json_array_get(
	    json_object_get(out.data, "errors"), 0), "message"));
}

uint64_t
create(const struct principal *p, const char *class, ...)
{
	va_list		 ap;
	const char	*k, *v;

	start(CCE_V_CREATE, class, 0, NULL);
	va_start(ap, class);
	while ((k = va_arg(ap, const char *)) != NULL) {
		v = va_arg(ap, const char *);
		arg(k, v, CCE_OP_EQ);
	}
	va_end(ap);
	if (go(p) != CCE_OK)
		return 0;
	return (uint64_t)json_integer_value(json_object_get(out.data, "oid"));
}

int
set1(const struct principal *p, uint64_t oid, const char *k, const char *v)
{
	start(CCE_V_SET, NULL, oid, NULL);
	arg(k, v, CCE_OP_EQ);
	return go(p);
}

const char *
get1(const struct principal *p, uint64_t oid, const char *ns,
    const char *prop)
{
	start(CCE_V_GET, NULL, oid, ns);
	if (go(p) != CCE_OK)
		return NULL;
	return data(prop);
}

int64_t
count(const char *sql, uint64_t param)
{
	return db_count(sql, param);
}

static void
principal_of(struct principal *p, const char *name, uint64_t cred)
{
	static const char sql[] = "SELECT oid, id, role FROM users WHERE "
	    "username = ?";
	sqlite3_stmt	*st = db_stmt(sql);

	memset(p, 0, sizeof(*p));
	sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
	if (sqlite3_step(st) == SQLITE_ROW) {
		p->user_oid = sqlite3_column_int64(st, 0);
		db_text_col(st, 1, p->user_id, sizeof(p->user_id));
		p->role = strcmp((const char *)sqlite3_column_text(st, 2),
		    "admin") == 0 ? ROLE_ADMIN : ROLE_USER;
	}
	sqlite3_reset(st);
	strlcpy(p->username, name, sizeof(p->username));
	p->kind = GRANT_SESSION;
	p->cred_oid = cred;
}

static void
load_schema(void)
{
	struct cce_schema	*s;
	FILE			*f;
	char			*text, err[256];
	size_t			 n;

	CHECK((f = fopen("etc/cce.schema", "r")) != NULL);
	if (f == NULL)
		exit(1);
	text = calloc(1, CCES_FILE_MAX + 1);
	n = fread(text, 1, CCES_FILE_MAX, f);
	fclose(f);
	s = cce_schema_parse(text, n, err, sizeof(err));
	CHECK(s != NULL);
	if (s == NULL)
		exit(1);
	/* the shipped file backs a Vsite by a host */
	CHECK(cce_schema_group(s, "Vsite", NULL)->backed_by_host);
	CHECK(!cce_schema_group(s, "User", NULL)->backed_by_host);
	free(text);
	cce_schema_use(s);
}

/*
 * The first admin, made before migration 23 ran: taken back to schema
 * 22 (what the migrations after 23 made goes too), a user is made, and
 * migrating again makes its User object (the backfill) and System's.
 */
static void
first_admin(const char *name)
{
	static const char sql[] = "INSERT INTO users (id, username, "
	    "password_hash, role, created_at, updated_at) VALUES "
	    "(lower(hex(randomblob(16))), ?, 'x', 'admin', 0, 0)";
	sqlite3_stmt	*st = db_stmt(sql);
	int		 latest = schema_version();

	CHECK_INT(db_exec("DROP TABLE bootstrap_sessions; "
	    "DROP TABLE cce_props; DROP TABLE cce_objects; "
	    "DROP TABLE cce_state; ALTER TABLE users DROP COLUMN suspended; "
	    "DELETE FROM schema_migrations WHERE version >= 23"), 0);
	CHECK_INT(schema_version(), 22);
	sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
	CHECK(sqlite3_step(st) == SQLITE_DONE);
	sqlite3_reset(st);
	CHECK_INT(schema_migrate(), 0);
	CHECK_INT(schema_version(), latest);
}

uint64_t	 site1, site2, site1_host, o_alice, o_bob, o_carol, o_admin;
char		 site1_name[32], site2_name[32];

static void
test_classes_names(void)
{
	json_t	*a;
	size_t	 i;
	int	 user = 0, vsite = 0, system = 0;

	start(CCE_V_CLASSES, NULL, 0, NULL);
	CHECK_INT(go(&admin), CCE_OK);
	a = json_object_get(out.data, "classes");
	for (i = 0; i < json_array_size(a); i++) {
		user |= strcmp(json_string_value(json_array_get(a, i)),
		    "User") == 0;
		vsite |= strcmp(json_string_value(json_array_get(a, i)),
		    "Vsite") == 0;
		system |= strcmp(json_string_value(json_array_get(a, i)),
		    "System") == 0;
	}
	CHECK(user && vsite && system);
	/* and moat's own rows, read only */
	CHECK_INT((int)json_array_size(a), 9);
	CHECK_STR(json_string_value(json_array_get(a, 3)), "Host");

	start(CCE_V_NAMES, "Vsite", 0, NULL);
	CHECK_INT(go(&admin), CCE_OK);
	a = json_object_get(out.data, "namespaces");
	CHECK_INT((int)json_array_size(a), 10);
	CHECK_STR(json_string_value(json_array_get(a, 0)), "Disk");
	start(CCE_V_NAMES, "Nope", 0, NULL);
	CHECK_INT(go(&admin), CCE_UNKNOWN_CLASS);
	start(CCE_V_NAMES, NULL, CCE_SYSTEM_OID, NULL);
	CHECK_INT(go(&alice), CCE_OK);
	CHECK_INT((int)json_array_size(json_object_get(out.data,
	    "namespaces")), 0);
	start(CCE_V_NAMES, NULL, 999999, NULL);
	CHECK_INT(go(&admin), CCE_UNKNOWN_OBJECT);
}

static void
test_create(void)
{
	/* a site: named by the server, its fqdn in lower case, a host */
	site1 = create(&admin, "Vsite", "hostname", "www", "domain",
	    "Example.COM", "ipaddr", "192.0.2.10", "maxusers", "10", NULL);
	CHECK(site1 != 0);
	CHECK_INT((int)nlist(), 1);
	CHECK(list_at(0) == site1);
	/* numbered as the original numbers them, not by oid */
	strlcpy(site1_name, "site1", sizeof(site1_name));
	CHECK_STR(get1(&admin, site1, NULL, "name"), site1_name);
	CHECK_STR(data("fqdn"), "www.example.com");
	CHECK_STR(data("domain"), "example.com");
	CHECK_STR(data("createdUser"), "admin");
	CHECK_STR(data("CLASS"), "Vsite");
	CHECK_STR(data("NAMESPACE"), "");
	/* its host is its own account's, not the admin's */
	CHECK_INT((int)count("SELECT count(*) FROM hosts WHERE user_oid = ?",
	    admin.user_oid), 0);
	CHECK_INT((int)count("SELECT count(*) FROM hosts h JOIN users u ON "
	    "u.oid = h.user_oid WHERE u.username = 'cce:' || ? AND "
	    "u.password_hash = '!'", site1), 1);
	CHECK_INT((int)count("SELECT count(*) FROM tasks WHERE action = 1 "
	    "AND status = 'pending'", 0), 1);
	site1_host = count("SELECT host_oid FROM cce_objects WHERE oid = ?",
	    site1);
	CHECK(site1_host > 0);
	/* the admin's second site has a host too */
	site2 = create(&admin, "Vsite", "hostname", "shop", "domain",
	    "example.org", NULL);
	CHECK(site2 != 0);
	CHECK(json_object_get(out.data, "infos") == NULL);
	strlcpy(site2_name, "site2", sizeof(site2_name));
	CHECK_STR(get1(&admin, site2, NULL, "name"), site2_name);
	CHECK_INT((int)count("SELECT count(*) FROM hosts", 0), 2);
	/* the accounts are no User objects: FIND does not see them */
	start(CCE_V_FIND, "User", 0, NULL);
	CHECK_INT(go(&admin), CCE_OK);
	CHECK_INT((int)nlist(), 1);
	/* the server names a site */
	CHECK(create(&admin, "Vsite", "name", "site77", NULL) == 0);
	CHECK_INT(out.code, CCE_DENIED);

	/* users: moat users, a password only as authd's hash */
	start(CCE_V_CREATE, "User", 0, NULL);
	arg("name", "alice", CCE_OP_EQ);
	arg("fullName", "Alice Liddell", CCE_OP_EQ);
	arg("site", site1_name, CCE_OP_EQ);
	arg("password", "$argon2id$v=19$m=65536,t=3,p=1$c2FsdA$aGFzaA",
	    CCE_OP_HASHED);
	C.via_authd = 1;
	CHECK_INT(go(&admin), CCE_OK);
	o_alice = (uint64_t)json_integer_value(json_object_get(out.data,
	    "oid"));
	CHECK_INT((int)count("SELECT count(*) FROM users WHERE username = "
	    "'alice' AND password_hash LIKE '$argon2id$%' AND role = 'user'",
	    0), 1);
	CHECK_INT((int)count("SELECT count(*) FROM events WHERE type = "
	    "'admin.user.create' AND message = 'user created'", 0), 1);
	o_bob = create(&admin, "User", "name", "bob", "site", site1_name,
	    NULL);
	o_carol = create(&admin, "User", "name", "carol", "site", site2_name,
	    NULL);
	CHECK(o_alice != 0 && o_bob != 0 && o_carol != 0);
	principal_of(&alice, "alice", 11);
	principal_of(&bob, "bob", 12);
	principal_of(&carol, "carol", 13);

	/* a password in clear is refused; a hash from anyone but authd too */
	start(CCE_V_CREATE, "User", 0, NULL);
	arg("name", "dave", CCE_OP_EQ);
	arg("password", "secret", CCE_OP_EQ);
	CHECK_INT(go(&admin), CCE_BAD_DATA);
	CHECK(strstr(error_message(), "password") != NULL);
	start(CCE_V_CREATE, "User", 0, NULL);
	arg("name", "dave", CCE_OP_EQ);
	arg("password", "$argon2id$x", CCE_OP_HASHED);
	CHECK_INT(go(&admin), CCE_BAD_PARAMS);
	CHECK_INT((int)count("SELECT count(*) FROM users WHERE username = "
	    "'dave'", 0), 0);
	/* names: taken, of the wrong type, missing */
	CHECK(create(&admin, "User", "name", "alice", NULL) == 0);
	CHECK_INT(out.code, CCE_BAD_DATA);
	CHECK(create(&admin, "User", "name", "Bad Name", NULL) == 0);
	CHECK_INT(out.code, CCE_BAD_DATA);
	CHECK(create(&admin, "User", "fullName", "x", NULL) == 0);
	CHECK_INT(out.code, CCE_BAD_DATA);
	/* a bad value anywhere makes nothing */
	CHECK(create(&admin, "User", "name", "erin", "site", "nosite",
	    NULL) == 0);
	CHECK_INT(out.code, CCE_BAD_DATA);
	CHECK(strstr(error_message(), "site") != NULL);
	/* and a site that is not there */
	CHECK(create(&admin, "User", "name", "erin", "site", "site999",
	    NULL) == 0);
	CHECK_INT(out.code, CCE_BAD_DATA);
	CHECK(strstr(error_message(), "no Vsite") != NULL);
	/* and a site with room: maxusers */
	CHECK_INT(set1(&admin, site2, "maxusers", "1"), CCE_OK);
	CHECK(create(&admin, "User", "name", "erin", "site", site2_name,
	    NULL) == 0);
	CHECK_INT(out.code, CCE_BAD_DATA);
	CHECK(strstr(error_message(), "maxusers") != NULL);
	CHECK_INT(set1(&admin, o_carol, "site", site2_name), CCE_OK);
	CHECK_INT(set1(&admin, site2, "maxusers", "25"), CCE_OK);
	/* the create ran in its own transaction here, rolled back: */
	CHECK_INT((int)count("SELECT count(*) FROM users WHERE username = "
	    "'erin'", 0), 0);
	CHECK(create(&admin, "Nope", NULL) == 0);
	CHECK_INT(out.code, CCE_UNKNOWN_CLASS);
	CHECK(create(&admin, "System", NULL) == 0);
	CHECK_INT(out.code, CCE_DENIED);
	CHECK(create(&alice, "Vsite", NULL) == 0);
	CHECK_INT(out.code, CCE_DENIED);
}

static void
test_get_set(void)
{
	/* a User: mapped values, never its password */
	CHECK_STR(get1(&admin, o_alice, NULL, "name"), "alice");
	CHECK_STR(data("fullName"), "Alice Liddell");
	CHECK_STR(data("enabled"), "1");
	CHECK_STR(data("systemAdministrator"), "0");
	CHECK_STR(data("localePreference"), "en_US");	/* its default */
	{
		char	 oid[24];

		snprintf(oid, sizeof(oid), "%llu", (unsigned long long)o_alice);
		CHECK_STR(data("OID"), oid);
	}
	CHECK(data("password") == NULL);
	/* a namespace, its defaults */
	CHECK_STR(get1(&admin, site1, "Disk", "quota"), "-1");
	CHECK_STR(data("NAMESPACE"), "Disk");
	CHECK(get1(&admin, site1, "Nope", "quota") == NULL);
	CHECK_INT(out.code, CCE_UNKNOWN_NS);
	CHECK(get1(&admin, 424242, NULL, "name") == NULL);
	CHECK_INT(out.code, CCE_UNKNOWN_OBJECT);

	/* SET: types, names, namespaces */
	CHECK_INT(set1(&admin, site1, "maxusers", "abc"), CCE_BAD_DATA);
	CHECK(strstr(error_message(), "maxusers") != NULL);
	CHECK_INT(set1(&admin, site1, "nope", "1"), CCE_BAD_DATA);
	CHECK_INT(set1(&admin, site1, "Nope.quota", "1"), CCE_UNKNOWN_NS);
	CHECK_INT(set1(&admin, site1, "Disk.quota", "500"), CCE_OK);
	CHECK_STR(get1(&admin, site1, "Disk", "quota"), "500");
	start(CCE_V_SET, NULL, site1, "PHP");
	arg("enabled", "1", CCE_OP_EQ);
	arg("version", "8.2", CCE_OP_EQ);
	CHECK_INT(go(&admin), CCE_OK);
	CHECK_STR(get1(&admin, site1, "PHP", "version"), "8.2");
	CHECK_INT(set1(&admin, site1, "webAliases", "&a.example.com&"
	    "b.example.com&"), CCE_OK);
	CHECK_INT(set1(&admin, site1, "webAliases", "&not a name&"),
	    CCE_BAD_DATA);
	CHECK_INT(set1(&admin, site1, "fqdn", "WWW.Example.COM"), CCE_OK);
	CHECK_STR(get1(&admin, site1, NULL, "fqdn"), "www.example.com");
	CHECK_INT(set1(&admin, site1, "name", "site9"), CCE_DENIED);
	CHECK_INT(set1(&admin, site1, "Disk.used", "9"), CCE_DENIED);
	CHECK_INT(set1(&admin, 424242, "maxusers", "9"), CCE_UNKNOWN_OBJECT);
	/* mapped values reach moat's user */
	CHECK_INT(set1(&admin, o_bob, "fullName", "Bob Builder"), CCE_OK);
	CHECK_INT((int)count("SELECT count(*) FROM users WHERE username = "
	    "'bob' AND first_name = 'Bob Builder'", 0), 1);
	CHECK_INT(set1(&admin, o_bob, "systemAdministrator", "1"), CCE_OK);
	CHECK_INT((int)count("SELECT count(*) FROM users WHERE username = "
	    "'bob' AND role = 'admin'", 0), 1);
	CHECK_INT(set1(&admin, o_bob, "systemAdministrator", "0"), CCE_OK);
	CHECK_INT(set1(&admin, o_bob, "enabled", "0"), CCE_OK);
	CHECK_INT((int)count("SELECT count(*) FROM users WHERE username = "
	    "'bob' AND status = 'disabled'", 0), 1);
	CHECK_INT(set1(&admin, o_bob, "enabled", "1"), CCE_OK);
	CHECK(count("SELECT count(*) FROM events WHERE type = "
	    "'admin.user.update'", 0) >= 5);
	/* an admin does not lock themself out */
	CHECK_INT(set1(&admin, o_admin, "enabled", "0"), CCE_DENIED);
	CHECK_INT(set1(&admin, o_admin, "systemAdministrator", "0"),
	    CCE_DENIED);

	/* a password, as authd passes it on: the hash, and bob's
	 * sessions end */
	CHECK_INT(db_exec("INSERT INTO sessions (public_id, kind, user_oid, "
	    "dialect, source_ip, created_at, last_used_at, expires_at, idle) "
	    "SELECT 'pb', 'ms_', oid, 2, '127.0.0.1', 0, 0, 9999999999, 99 "
	    "FROM users WHERE username = 'bob'"), 0);
	start(CCE_V_SET, NULL, o_bob, NULL);
	arg("password", "$argon2id$v=19$m=65536,t=3,p=1$YWJj$ZGVm",
	    CCE_OP_HASHED);
	C.via_authd = 1;
	CHECK_INT(go(&admin), CCE_OK);
	CHECK_INT((int)count("SELECT count(*) FROM users WHERE username = "
	    "'bob' AND password_hash = '$argon2id$v=19$m=65536,t=3,p=1$YWJj"
	    "$ZGVm'", 0), 1);
	CHECK_INT((int)count("SELECT count(*) FROM sessions WHERE "
	    "public_id = 'pb'", 0), 0);
	CHECK(get1(&admin, o_bob, NULL, "password") == NULL);
	CHECK_INT(out.code, CCE_OK);
	/* a hash for what is no password */
	start(CCE_V_SET, NULL, o_bob, NULL);
	arg("fullName", "$argon2id$x", CCE_OP_HASHED);
	C.via_authd = 1;
	CHECK_INT(go(&admin), CCE_BAD_DATA);
	/* the session commands are not stored's */
	start(CCE_V_PING, NULL, 0, NULL);
	CHECK_INT(go(&admin), CCE_BAD_COMMAND);

	/* WHOAMI */
	start(CCE_V_WHOAMI, NULL, 0, NULL);
	CHECK_INT(go(&alice), CCE_OK);
	CHECK(json_integer_value(json_object_get(out.data, "oid")) ==
	    (json_int_t)o_alice);
}

/* A user of a site: their own, their site's, nobody else's. */
static void
test_acl(void)
{
	/* System: what is for all */
	CHECK_STR(get1(&carol, CCE_SYSTEM_OID, NULL, "productName"), "moat");
	CHECK_STR(data("productVersion"), MOAT_VERSION);
	CHECK(data("hostname") == NULL);
	/* their site: what is for its users, not the admin's */
	CHECK_STR(get1(&alice, site1, NULL, "name"), site1_name);
	CHECK_STR(data("maxusers"), "10");
	CHECK(data("volume") == NULL);
	CHECK_STR(get1(&alice, site1, "Disk", "quota"), "500");
	/* another site, another site's user: not there (BOLA) */
	CHECK(get1(&alice, site2, NULL, "name") == NULL);
	CHECK_INT(out.code, CCE_UNKNOWN_OBJECT);
	CHECK(get1(&alice, o_carol, NULL, "name") == NULL);
	CHECK_INT(out.code, CCE_UNKNOWN_OBJECT);
	CHECK_INT(set1(&alice, o_carol, "fullName", "x"), CCE_UNKNOWN_OBJECT);
	start(CCE_V_NAMES, NULL, o_carol, NULL);
	CHECK_INT(go(&alice), CCE_UNKNOWN_OBJECT);
	start(CCE_V_DESTROY, NULL, o_carol, NULL);
	CHECK_INT(go(&alice), CCE_UNKNOWN_OBJECT);
	/* a user of their site: its name, not what is the user's own */
	CHECK_STR(get1(&alice, o_bob, NULL, "name"), "bob");
	CHECK(data("fullName") == NULL);
	CHECK(get1(&alice, o_bob, "Email", "aliases") == NULL ||
	    data("aliases") == NULL);
	/* themself: what is theirs to change */
	CHECK_INT(set1(&alice, o_alice, "fullName", "Alice L."), CCE_OK);
	CHECK_INT(set1(&alice, o_alice, "Email.vacationOn", "1"), CCE_OK);
	CHECK_INT(set1(&alice, o_alice, "systemAdministrator", "1"),
	    CCE_DENIED);
	CHECK_INT(set1(&alice, o_alice, "site", site2_name), CCE_DENIED);
	CHECK_INT(set1(&alice, o_alice, "Disk.quota", "1"), CCE_DENIED);
	CHECK_INT(set1(&alice, o_bob, "fullName", "x"), CCE_DENIED);
	CHECK_INT(set1(&alice, site1, "maxusers", "99"), CCE_DENIED);
	CHECK_INT(set1(&alice, CCE_SYSTEM_OID, "hostname", "a.b"),
	    CCE_DENIED);
	CHECK_STR(get1(&admin, site1, NULL, "maxusers"), "10");
	start(CCE_V_DESTROY, NULL, o_bob, NULL);
	CHECK_INT(go(&alice), CCE_DENIED);
	/* FIND: what they may know, by what they may read */
	start(CCE_V_FIND, "User", 0, NULL);
	CHECK_INT(go(&alice), CCE_OK);
	CHECK_INT((int)nlist(), 2);
	CHECK(list_at(0) == o_alice && list_at(1) == o_bob);
	start(CCE_V_FIND, "User", 0, NULL);
	CHECK_INT(go(&carol), CCE_OK);
	CHECK_INT((int)nlist(), 1);
	start(CCE_V_FIND, "User", 0, NULL);
	arg("password", "x", CCE_OP_EQ);
	CHECK_INT(go(&admin), CCE_DENIED);
	start(CCE_V_FIND, "Vsite", 0, NULL);
	arg("volume", "/home", CCE_OP_EQ);
	CHECK_INT(go(&alice), CCE_DENIED);
	start(CCE_V_FIND, "User", 0, NULL);
	arg("fullName", "Bob Builder", CCE_OP_EQ);
	CHECK_INT(go(&alice), CCE_OK);
	CHECK_INT((int)nlist(), 0);	/* bob's name is bob's to read */
	start(CCE_V_FIND, "Vsite", 0, NULL);
	CHECK_INT(go(&carol), CCE_OK);
	CHECK_INT((int)nlist(), 1);
	CHECK(list_at(0) == site2);
	/* GETALL by oids leaves out what they may not know */
	start(CCE_V_GETALL, NULL, 0, NULL);
	{
		uint64_t	 v[3] = { site1, site2, o_carol };
		size_t		 i, k;

		for (i = 0; i < 3; i++)
			for (k = 0; k < 8; k++)
				C.req.oids[i * 8 + k] = (uint8_t)(v[i] >>
				    (56 - 8 * k));
		C.req.oids_len = 24;
	}
	CHECK_INT(go(&alice), CCE_OK);
	CHECK_INT((int)json_object_size(json_object_get(out.data,
	    "objects")), 1);
}

/* moat's own rows: read only, each user's their own */
int
main(void)
{
	char	 dir[] = "/tmp/moat-test-cce-XXXXXX", path[64];

	log_procinit("test_cce");
	if ((stored_env = calloc(1, sizeof(*stored_env))) == NULL)
		return 1;
	CHECK(mkdtemp(dir) != NULL);
	snprintf(path, sizeof(path), "%s/moat.db", dir);
	db_open(path);
	CHECK_INT(schema_migrate(), 0);
	load_schema();
	first_admin("admin");
	/* System is oid 1 */
	CHECK_INT((int)count("SELECT count(*) FROM cce_objects WHERE oid = 1 "
	    "AND class = 'System'", 0), 1);
	principal_of(&admin, "admin", 1);
	principal_of(&admin2, "admin", 2);
	o_admin = cce_object_of_user(admin.user_oid);
	CHECK(o_admin > 1);

	RUN(test_create);
	RUN(test_classes_names);
	RUN(test_get_set);
	RUN(test_acl);
	RUN(test_moat_rows);
	RUN(test_find);
	RUN(test_regex_bound);
	RUN(test_sorts);
	RUN(test_commit);
	RUN(test_suspend_all);
	RUN(test_site_suspend);
	RUN(test_destroy);
	RUN(test_speed);
	RUN(test_channel);

	cce_out_clear(&out);
	cce_sessions_forget();
	cce_schema_use(NULL);
	db_close();
	unlink(path);
	rmdir(dir);
	return test_report("cce");
}
