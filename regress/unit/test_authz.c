/*
 * stored's reach of a user by a request's access (authz.c): an admin
 * route is for admins alone, an own route reaches the caller alone (an
 * admin too), and on any route the role decides; an access no route
 * states is not known.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "stored.h"
#include "test.h"

struct stored	*stored_env;

#define ALICE	"11111111-1111-1111-1111-111111111111"
#define BOB	"22222222-2222-2222-2222-222222222222"

static void
principal(struct principal *p, uint64_t oid, int role)
{
	memset(p, 0, sizeof(*p));
	p->user_oid = oid;
	p->role = role;
}

static int
reached(const struct principal *p, uint32_t access, const char *ref)
{
	uint64_t	 oid = 0;
	int		 status;

	status = authz_user_reached(p, access, ref, &oid);
	if (status == 0 && oid == 0)
		return -1;
	return status;
}

static void
test_reach(void)
{
	char		 dir[] = "/tmp/moat-test-authz-XXXXXX", path[64];
	struct principal admin, alice;

	CHECK(mkdtemp(dir) != NULL);
	snprintf(path, sizeof(path), "%s/moat.db", dir);
	db_open(path);
	CHECK_INT(db_exec("CREATE TABLE users (oid INTEGER PRIMARY KEY, "
	    "id TEXT)"), 0);
	CHECK_INT(db_exec("INSERT INTO users VALUES (1, '" ALICE "'), "
	    "(2, '" BOB "')"), 0);
	principal(&alice, 1, ROLE_USER);
	principal(&admin, 2, ROLE_ADMIN);

	/* an admin route: admins, on anyone */
	CHECK_INT(reached(&admin, IPC_ACCESS_ADMIN, ALICE), 0);
	CHECK_INT(reached(&admin, IPC_ACCESS_ADMIN, "1"), 0);
	CHECK_INT(reached(&alice, IPC_ACCESS_ADMIN, ALICE), 403);
	CHECK_INT(reached(&alice, IPC_ACCESS_ADMIN, BOB), 403);
	CHECK_INT(reached(&admin, IPC_ACCESS_ADMIN, "3"), 404);
	/* an own route: the caller alone, an admin too */
	CHECK_INT(reached(&alice, IPC_ACCESS_OWN, ALICE), 0);
	CHECK_INT(reached(&alice, IPC_ACCESS_OWN, BOB), 404);
	CHECK_INT(reached(&admin, IPC_ACCESS_OWN, ALICE), 404);
	CHECK_INT(reached(&admin, IPC_ACCESS_OWN, "2"), 0);
	/* any route: the role decides */
	CHECK_INT(reached(&alice, IPC_ACCESS_ANY, "1"), 0);
	CHECK_INT(reached(&alice, IPC_ACCESS_ANY, BOB), 404);
	CHECK_INT(reached(&admin, IPC_ACCESS_ANY, ALICE), 0);
	CHECK_INT(reached(&alice, IPC_ACCESS_ANY, "not a ref"), 404);

	CHECK_INT(authz_access_known(IPC_ACCESS_ANY), 1);
	CHECK_INT(authz_access_known(IPC_ACCESS_ADMIN), 1);
	CHECK_INT(authz_access_known(IPC_ACCESS_OWN), 1);
	CHECK_INT(authz_access_known(0), 0);
	CHECK_INT(authz_access_known(IPC_ACCESS_OWN + 1), 0);
	db_close();
	unlink(path);
	rmdir(dir);
}

int
main(void)
{
	RUN(test_reach);
	return test_report("authz");
}
