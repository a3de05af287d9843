/*
 * What moatd prepares as root before the children start: the state
 * directory and its parts with the right owners and modes, the master
 * key, the TLS certificate on first start, and the listening sockets;
 * and where the suite's programs are.
 */
#include <sys/types.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <netinet/in.h>
#include <netinet/tcp.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "log.h"
#include "moatd.h"
#include "paths.h"
#include "util.h"

#define MASTER_KEY_LEN	32

/*
 * Makes sure path is a directory with this owner and mode, through a
 * descriptor: a symbolic link swapped in between a check and a chown must
 * not lend our root privileges to whatever it points at.
 */
static void
ensure_dir(const char *path, mode_t mode, const char *owner)
{
	struct stat	 st;
	struct passwd	*pw;
	uid_t		 uid = 0;
	gid_t		 gid = 0;
	int		 fd;

	if (mkdir(path, mode) == -1 && errno != EEXIST)
		fatal("mkdir %s", path);
	if ((fd = open(path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW |
	    O_CLOEXEC)) == -1)
		fatal("%s: not a directory, or a symbolic link", path);
	if (fstat(fd, &st) == -1)
		fatal("stat %s", path);
	if (geteuid() != 0) {
		close(fd);
		return;
	}
	if (owner != NULL) {
		if ((pw = getpwnam(owner)) == NULL)
			fatalx("user %s does not exist", owner);
		uid = pw->pw_uid;
		gid = pw->pw_gid;
	}
	if ((st.st_uid != uid || st.st_gid != gid) &&
	    fchown(fd, uid, gid) == -1)
		fatal("chown %s", path);
	if ((st.st_mode & 07777) != mode && fchmod(fd, mode) == -1)
		fatal("chmod %s", path);
	close(fd);
}

/*
 * The state directory itself must not be writable by others: whoever can
 * rename entries in it can swap our files.
 */
static void
check_state_dir(const char *path)
{
	struct stat	 st;

	if (geteuid() != 0)
		return;
	if (lstat(path, &st) == -1)
		fatal("stat %s", path);
	if (st.st_uid != 0 || (st.st_mode & 022) != 0)
		fatalx("%s must be owned by root and writable by root only",
		    path);
}

/* A chroot for frontd and authd must hold nothing. */
static void
check_empty(const char *path)
{
	DIR		*d;
	struct dirent	*de;

	if ((d = opendir(path)) == NULL)
		fatal("opendir %s", path);
	while ((de = readdir(d)) != NULL) {
		if (strcmp(de->d_name, ".") != 0 &&
		    strcmp(de->d_name, "..") != 0)
			fatalx("%s must be empty: it is the chroot of frontd "
			    "and authd", path);
	}
	closedir(d);
}

static void
create_master_key(const char *path)
{
	unsigned char	 key[MASTER_KEY_LEN];
	int		 fd;

	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
	    0600);
	if (fd == -1) {
		if (errno == EEXIST)
			return;
		fatal("create %s", path);
	}
	random_bytes(key, sizeof(key));
	if (write(fd, key, sizeof(key)) != (ssize_t)sizeof(key) ||
	    fsync(fd) == -1)
		fatal("write %s", path);
	explicit_bzero(key, sizeof(key));
	close(fd);
	log_info("created a new master key in %s", path);
}

int
setup_open_master_key(const struct moat_config *conf)
{
	struct stat	 st;
	int		 fd;

	fd = open(conf->master_key, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	if (fd == -1)
		fatal("open %s", conf->master_key);
	if (fstat(fd, &st) == -1)
		fatal("fstat %s", conf->master_key);
	if (!S_ISREG(st.st_mode) || st.st_size != MASTER_KEY_LEN)
		fatalx("%s: not a %d-byte key", conf->master_key,
		    MASTER_KEY_LEN);
	if (st.st_mode & 077)
		fatalx("%s: readable by others than its owner (mode %03o)",
		    conf->master_key, (unsigned)st.st_mode & 0777);
	if (st.st_uid != geteuid())
		fatalx("%s: not owned by uid %d", conf->master_key,
		    (int)geteuid());
	return fd;
}

/* As ssh does: a private key that others may read is refused. */
static void
check_private_file(const char *path)
{
	struct stat	 st;

	if (stat(path, &st) == -1)
		fatal("%s", path);
	if (geteuid() == 0 && st.st_uid != 0)
		fatalx("%s: not owned by root", path);
	if (st.st_mode & 077)
		fatalx("%s: readable by others than its owner (mode %03o)",
		    path, (unsigned)st.st_mode & 0777);
}

/* Next to moatd in a build tree, else where make install puts them. */
void
program_path(const char *name, char *dst, size_t len)
{
	char	 exe[PATH_MAX];
	ssize_t	 n;

	n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (n > 0) {
		exe[n] = '\0';
		snprintf(dst, len, "%s/%s", dirname(exe), name);
		if (access(dst, X_OK) == 0)
			return;
	}
	snprintf(dst, len, "%s/%s", LIBEXECDIR, name);
}

int
run_tlsgen(const char *cert, const char *key)
{
	char	 path[PATH_MAX];
	char	*argv[] = { "moat-tlsgen", (char *)cert, (char *)key, NULL };
	char	*envp[] = { NULL };
	pid_t	 pid;
	int	 status;

	program_path("moat-tlsgen", path, sizeof(path));
	switch ((pid = fork())) {
	case -1:
		fatal("fork");
	case 0:
		execve(path, argv, envp);
		fprintf(stderr, "moatd: exec %s: %s\n", path, strerror(errno));
		_exit(127);
	}
	if (waitpid(pid, &status, 0) == -1)
		fatal("waitpid");
	return WIFEXITED(status) && WEXITSTATUS(status) == 0 ? 0 : -1;
}

static void
ensure_tls(struct moat_config *conf)
{
	char	 dir[PATH_MAX];
	char	*slash;

	if (!conf->tls_generate || (access(conf->tls_cert, F_OK) == 0 &&
	    access(conf->tls_key, F_OK) == 0)) {
		check_private_file(conf->tls_key);
		return;
	}
	strlcpy(dir, conf->tls_key, sizeof(dir));
	if ((slash = strrchr(dir, '/')) != NULL && slash != dir) {
		*slash = '\0';
		ensure_dir(dir, 0700, NULL);
	}
	if (run_tlsgen(conf->tls_cert, conf->tls_key) == -1)
		fatalx("cannot generate a TLS certificate");
	log_info("generated a self-signed TLS certificate: %s",
	    conf->tls_cert);
}

/* taskd's own corner of the state directory: not the master key's. */
const char *
setup_task_dir(const struct moat_config *conf)
{
	static char	 dir[PATH_MAX];

	if ((size_t)snprintf(dir, sizeof(dir), "%s/task", conf->var_dir) >=
	    sizeof(dir))
		fatalx("state directory path too long");
	return dir;
}

void
setup_state(struct moat_config *conf)
{
	umask(022);
	ensure_dir(conf->var_dir, 0755, NULL);
	check_state_dir(conf->var_dir);
	ensure_dir(conf->db_dir, 0700, conf->user[PROC_STORED]);
	ensure_dir(conf->empty_dir, 0755, NULL);
	/* searchable, not readable: a host's root (an unprivileged id of
	 * its user namespace) walks through it to the image */
	ensure_dir(setup_task_dir(conf), 0711, NULL);
	check_empty(conf->empty_dir);
	create_master_key(conf->master_key);
	close(setup_open_master_key(conf));
	ensure_tls(conf);
	if (gateway_wanted(conf))
		ssh_hostkey_ensure(conf);
}

/*
 * A suite started again at once, after a crash, may find its port still
 * held by the frontd before it, which the kernel is still tearing down:
 * a few tries over two seconds, then the error.
 */
static int
bind_patiently(int fd, const struct conf_listen *l)
{
	int	 tries;

	for (tries = 0; tries < 20; tries++) {
		if (bind(fd, (const struct sockaddr *)&l->ss, l->sslen) == 0)
			return 0;
		if (errno != EADDRINUSE)
			return -1;
		usleep(100 * 1000);
	}
	return -1;
}

void
setup_listeners(struct moat_config *conf)
{
	struct conf_listen	*l;
	int			 fd, on = 1;

	TAILQ_FOREACH(l, &conf->listeners, entry) {
		fd = socket(l->ss.ss_family, SOCK_STREAM | SOCK_NONBLOCK |
		    SOCK_CLOEXEC, 0);
		if (fd == -1)
			fatal("socket for %s", l->name);
		if (setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on,
		    sizeof(on)) == -1 ||
		    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &on,
		    sizeof(on)) == -1)
			fatal("setsockopt %s", l->name);
		if (l->ss.ss_family == AF_INET6 && setsockopt(fd, IPPROTO_IPV6,
		    IPV6_V6ONLY, &on, sizeof(on)) == -1)
			fatal("IPV6_V6ONLY %s", l->name);
		if (bind_patiently(fd, l) == -1)
			fatal("cannot listen on %s", l->name);
		if (listen(fd, 511) == -1)
			fatal("listen %s", l->name);
		l->fd = fd;
	}
}
