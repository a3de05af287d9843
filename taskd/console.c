/*
 * moat-console BUNDLE: the keeper of a host's console.  A host inherits
 * the output of the runtime that started it in the background; that is
 * a pipe, and this program is its reader: it appends what the host
 * writes to BUNDLE/console.log, which never grows past CONSOLE_MAX
 * bytes (then it becomes console.log.1, the one before goes, and a new
 * console.log starts), so that a host that writes forever costs
 * 2 * CONSOLE_MAX of disk and no more.  The host never waits for the
 * disk, nor sees an error, as it would with a full file system or a
 * file size limit (RLIMIT_FSIZE would also bound every file the host
 * writes in its home).
 *
 * The runner starts it with the pipe on stdin and, on descriptor 3,
 * what it read of the pipe itself while the runtime ran.  It ends when
 * the host's last process closes its end, and lives on until then
 * whatever happens to the suite, in a session of its own.  It is root
 * outside the host, so it keeps nothing: no capability, files under
 * BUNDLE only (Landlock), and a seccomp filter for reading and writing
 * files.
 */
#include <sys/stat.h>
#include <sys/types.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "log.h"
#include "sandbox.h"

#define CONSOLE_MAX	(1024 * 1024)
#define CONSOLE		"console.log"
#define CONSOLE_OLD	"console.log.1"

static int	 log_fd = -1;
static off_t	 log_size;

static void
log_open(void)
{
	static int	 warned;
	struct stat	 st;

	if ((log_fd = open(CONSOLE, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC,
	    0600)) == -1) {
		if (!warned++)	/* a full disk: once, not per write */
			log_warn("%s", CONSOLE);
		return;
	}
	log_size = fstat(log_fd, &st) == 0 ? st.st_size : 0;
}

/* The current file becomes the old one, and a new one starts. */
static void
log_rotate(void)
{
	if (log_fd != -1)
		close(log_fd);
	(void)rename(CONSOLE, CONSOLE_OLD);
	log_open();
}

static void
keep(const char *buf, size_t len)
{
	/* of a chunk larger than a whole file, its end */
	if (len > CONSOLE_MAX) {
		buf += len - CONSOLE_MAX;
		len = CONSOLE_MAX;
	}
	if (log_fd == -1 || log_size + (off_t)len > CONSOLE_MAX)
		log_rotate();
	if (log_fd == -1)
		return;		/* nowhere to keep it: dropped */
	if (write(log_fd, buf, len) == (ssize_t)len)
		log_size += len;
	else
		log_rotate();
}

/* Everything fd has, to the console, until its end. */
static void
drain(int fd)
{
	char	 buf[65536];
	ssize_t	 n;

	for (;;) {
		if ((n = read(fd, buf, sizeof(buf))) == -1 && errno == EINTR)
			continue;
		if (n <= 0)
			return;
		keep(buf, n);
	}
}

int
main(int argc, char *argv[])
{
	struct sandbox_path	 path;
	struct sandbox_policy	 policy;
	int			 first;

	log_procinit("moat-console");
	log_init(1, 0);
	if (argc != 2 || argv[1][0] != '/') {
		fprintf(stderr, "usage: moat-console bundle (taskd starts "
		    "it)\n");
		return 1;
	}
	/* before any file of ours can take its number */
	first = fcntl(3, F_GETFD) != -1 ? 3 : -1;
	if (chdir(argv[1]) == -1)
		fatal("%s", argv[1]);
	sandbox_keep_caps(0);
	path.path = argv[1];
	path.access = SB_FS_READ | SB_FS_WRITE;
	memset(&policy, 0, sizeof(policy));
	policy.name = "moat-console";
	policy.groups = SB_STDIO | SB_WPATH;
	policy.paths = &path;
	policy.npaths = 1;
	policy.deny_tcp = 1;
	sandbox_enter(&policy);
	log_open();
	if (first != -1) {
		drain(first);	/* what the runner read first */
		close(first);
	}
	drain(STDIN_FILENO);
	return 0;
}
