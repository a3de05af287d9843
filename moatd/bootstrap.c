/*
 * The first admin: once the suite has started, moatd asks authd for it;
 * on a new database authd creates it and answers with its password,
 * which moatd shows once and keeps in the state directory.
 */
#include <sys/types.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "body_cfg.h"
#include "log.h"
#include "moatd.h"

/*
 * The file appears whole or not at all (written aside, then renamed): a
 * script that waits for it never reads half a password.
 */
static void
write_admin_password(const char *dir, const char *password)
{
	char	 path[PATH_MAX], tmp[PATH_MAX];
	int	 fd;

	snprintf(path, sizeof(path), "%s/admin.password", dir);
	snprintf(tmp, sizeof(tmp), "%s/admin.password.new", dir);
	/* A file left from an older database is replaced, never reused. */
	if ((unlink(path) == -1 && errno != ENOENT) ||
	    (unlink(tmp) == -1 && errno != ENOENT))
		fatal("unlink %s", path);
	fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
	    0600);
	if (fd == -1)
		fatal("create %s", tmp);
	if (dprintf(fd, "%s\n", password) < 0 || fsync(fd) == -1)
		fatal("write %s", tmp);
	close(fd);
	if (rename(tmp, path) == -1)
		fatal("rename %s", tmp);
}

static void
bootstrap_cb(struct ipc_chan *chan, struct ipc_msg *msg, void *arg)
{
	struct moatd			*m = arg;
	struct conf_listen		*l;
	struct ipc_admin_bootstrap_res	 res;

	(void)chan;
	if (m->stopping)
		return;
	if (msg == NULL) {
		children_stop(m, 1, "authd did not answer the admin bootstrap");
		return;
	}
	if (ipc_msg_get(msg, &res) == -1 || !ipc_status_ok(res.head.status)) {
		children_stop(m, 1, "bad admin.bootstrap.res");
		return;
	}
	if (!res.created)
		return;
	write_admin_password(m->conf->var_dir, res.password);
	TAILQ_FOREACH(l, &m->conf->listeners, entry)
		if (!l->acme)
			break;
	printf("\nmoat: first start: created the user \"admin\" (role admin)"
	    " with the password\n\n    %s\n\n"
	    "It is shown once here and kept in %s/admin.password (mode "
	    "0600).\nLog in with:\n\n    curl -k -X POST https://%s/v1/auth/"
	    "login -H 'Content-Type: application/json' \\\n"
	    "      -d '{\"username\":\"admin\",\"password\":\"'\"$(cat %s/"
	    "admin.password)\"'\"}'\n\n", res.password, m->conf->var_dir,
	    l != NULL ? l->name : "127.0.0.1:8443", m->conf->var_dir);
	fflush(stdout);
	explicit_bzero(&res, sizeof(res));
}

void
bootstrap_admin(struct moatd *m)
{
	struct ipc_msg	 msg;

	ipc_msg_init(&msg, IPC_ADMIN_BOOTSTRAP, 0);
	ipc_msg_put(&msg, NULL);
	if (ipc_request(m->children[PROC_AUTHD].chan, &msg, 30000,
	    bootstrap_cb, m) == -1)
		log_warnx("cannot ask authd for the admin bootstrap");
}
