#include <stddef.h>
#include <string.h>

#include "proc.h"

static const char *const proc_names[PROC_MAX] = {
	[PROC_MOATD] = "moatd",
	[PROC_FRONTD] = "frontd",
	[PROC_AUTHD] = "authd",
	[PROC_STORED] = "stored",
	[PROC_TASKD] = "taskd",
	[PROC_GATEWAYD] = "gatewayd",
	[PROC_MOATCTL] = "moatctl",
};

/* taskd stays root: it is the one process that changes the system. */
static const char *const proc_users[PROC_MAX] = {
	[PROC_MOATD] = "root",
	[PROC_FRONTD] = "_moatfront",
	[PROC_AUTHD] = "_moatauth",
	[PROC_STORED] = "_moatdb",
	[PROC_TASKD] = "root",
	[PROC_GATEWAYD] = "_moatgw",
	[PROC_MOATCTL] = "root",
};

/*
 * Only the links that a job needs exist: frontd never talks to taskd,
 * gatewayd never to stored, and moatctl talks only to moatd through the
 * control socket.
 */
static const unsigned char proc_links[PROC_MAX][PROC_MAX] = {
	[PROC_MOATD] = { [PROC_FRONTD] = 1, [PROC_AUTHD] = 1,
	    [PROC_STORED] = 1, [PROC_TASKD] = 1, [PROC_GATEWAYD] = 1,
	    [PROC_MOATCTL] = 1 },
	[PROC_FRONTD] = { [PROC_MOATD] = 1, [PROC_AUTHD] = 1,
	    [PROC_STORED] = 1 },
	[PROC_AUTHD] = { [PROC_MOATD] = 1, [PROC_FRONTD] = 1,
	    [PROC_STORED] = 1, [PROC_TASKD] = 1, [PROC_GATEWAYD] = 1 },
	[PROC_STORED] = { [PROC_MOATD] = 1, [PROC_FRONTD] = 1,
	    [PROC_AUTHD] = 1, [PROC_TASKD] = 1 },
	[PROC_TASKD] = { [PROC_MOATD] = 1, [PROC_AUTHD] = 1,
	    [PROC_STORED] = 1, [PROC_GATEWAYD] = 1 },
	/* the SSH gateway: credentials to authd, sessions from taskd */
	[PROC_GATEWAYD] = { [PROC_MOATD] = 1, [PROC_AUTHD] = 1,
	    [PROC_TASKD] = 1 },
	[PROC_MOATCTL] = { [PROC_MOATD] = 1 },
};

const char *
proc_name(enum proc_id id)
{
	if ((unsigned)id >= PROC_MAX)
		return "unknown";
	return proc_names[id];
}

int
proc_by_name(const char *name, enum proc_id *id)
{
	int	 i;

	for (i = 0; i < PROC_MAX; i++) {
		if (strcmp(proc_names[i], name) == 0) {
			*id = i;
			return 0;
		}
	}
	return -1;
}

int
proc_linked(enum proc_id a, enum proc_id b)
{
	if ((unsigned)a >= PROC_MAX || (unsigned)b >= PROC_MAX)
		return 0;
	return proc_links[a][b];
}

int
proc_link_fd(enum proc_id peer)
{
	return PROC_FD_BASE + (int)peer;
}

const char *
proc_default_user(enum proc_id id)
{
	if ((unsigned)id >= PROC_MAX)
		return NULL;
	return proc_users[id];
}
