/*
 * The default image: a root file system made from busybox-static on
 * first start, so that a newcomer can create a host at once.  An
 * operator names another directory with "task image", or a tarball,
 * unpacked once under the state directory (again when it changes).
 */
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "driver.h"
#include "log.h"

static const char *const busybox_paths[] = { "/bin/busybox",
    "/usr/bin/busybox" };
static const char *const applets[] = { "sh", "sleep", "ls", "cat", "echo",
    "hostname", "id", "ps", "mkdir", "rm", "cp", "mv", "touch", "grep",
    "sed", "awk", "vi", "wc", "head", "tail", "date", "env", "true",
    "false", "test", "[", "kill", "uname", "df", "du", "free", "top",
    "wget", "ping", "ip", "ifconfig", "tar", "gzip", "nslookup", "nc" };
static const char *const dirs[] = { "bin", "etc", "proc", "sys", "dev",
    "tmp", "home", "root", "usr", "usr/bin", "var" };

static int
copy_file(const char *from, const char *to, mode_t mode)
{
	char	 buf[65536];
	ssize_t	 n;
	int	 in, out, ok = 1;

	if ((in = open(from, O_RDONLY | O_CLOEXEC)) == -1)
		return -1;
	if ((out = open(to, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC,
	    mode)) == -1) {
		close(in);
		return -1;
	}
	while ((n = read(in, buf, sizeof(buf))) > 0)
		if (write(out, buf, n) != n)
			ok = 0;
	close(in);
	return close(out) == 0 && ok && n == 0 ? 0 : -1;
}

/* dir/name in out[PATH_MAX]; -1 if it does not fit */
static int
in_dir(char *out, const char *dir, const char *name)
{
	return snprintf(out, PATH_MAX, "%s/%s", dir, name) < PATH_MAX ? 0 : -1;
}

/*
 * OpenSSH's sftp-server, for the SSH gateway's sftp subsystem and scp
 * (OpenSSH 9's scp speaks SFTP), with the libc and loader it needs (ldd
 * names no other): added to an image of an older moat too.  Missing on
 * the machine, it is left out with a warning.
 */
static const char *const sftp_dirs[] = { "usr/lib", "usr/lib/openssh",
    "lib", "lib/x86_64-linux-gnu", "lib64" };
static const char *const sftp_files[][2] = {
	{ "/usr/lib/openssh/sftp-server", "usr/lib/openssh/sftp-server" },
	{ "/lib/x86_64-linux-gnu/libc.so.6", "lib/x86_64-linux-gnu/libc.so.6" },
	{ "/lib64/ld-linux-x86-64.so.2", "lib64/ld-linux-x86-64.so.2" },
};

static void
image_sftp(const char *dir)
{
	char	 path[PATH_MAX], tmp[PATH_MAX];
	size_t	 i;

	for (i = 0; i < sizeof(sftp_files) / sizeof(sftp_files[0]); i++)
		if (access(sftp_files[i][0], R_OK) == -1) {
			log_warnx("no %s: hosts of the default image have no "
			    "sftp or scp", sftp_files[i][0]);
			return;
		}
	for (i = 0; i < sizeof(sftp_dirs) / sizeof(sftp_dirs[0]); i++)
		if (in_dir(path, dir, sftp_dirs[i]) == -1 ||
		    (mkdir(path, 0755) == -1 && errno != EEXIST))
			return;
	for (i = 0; i < sizeof(sftp_files) / sizeof(sftp_files[0]); i++) {
		if (in_dir(path, dir, sftp_files[i][1]) == -1 ||
		    access(path, F_OK) == 0)
			continue;
		if (snprintf(tmp, sizeof(tmp), "%s.new", path) >=
		    (int)sizeof(tmp) ||
		    copy_file(sftp_files[i][0], tmp, 0755) == -1 ||
		    rename(tmp, path) == -1) {
			log_warn("image: %s", path);
			(void)unlink(tmp);
		}
	}
}

/* Builds dir from busybox unless it is there; 0, or -1 if it cannot. */
int
image_prepare(const char *dir)
{
	char		 path[PATH_MAX], tmp[PATH_MAX];
	const char	*busybox = NULL;
	size_t		 i;

	if (in_dir(path, dir, "bin/sh") == -1)
		return -1;
	/* an image of an older moat gets the file a tunnel's DNS covers,
	 * and sftp-server */
	if (access(path, F_OK) == 0) {
		image_sftp(dir);
		return in_dir(path, dir, "etc/resolv.conf") == 0 &&
		    (access(path, F_OK) == 0 || write_file(path, "") == 0) ?
		    0 : -1;
	}
	for (i = 0; i < sizeof(busybox_paths) / sizeof(busybox_paths[0]); i++)
		if (access(busybox_paths[i], X_OK) == 0)
			busybox = busybox_paths[i];
	if (busybox == NULL) {
		log_warnx("no busybox to make the default image from");
		return -1;
	}
	if (snprintf(tmp, sizeof(tmp), "%s.new", dir) >= (int)sizeof(tmp) ||
	    (mkdir(tmp, 0755) == -1 && errno != EEXIST))
		return -1;
	for (i = 0; i < sizeof(dirs) / sizeof(dirs[0]); i++) {
		if (in_dir(path, tmp, dirs[i]) == -1 ||
		    (mkdir(path, 0755) == -1 && errno != EEXIST))
			return -1;
	}
	if (in_dir(path, tmp, "bin/busybox") == -1 ||
	    copy_file(busybox, path, 0755) == -1)
		return -1;
	for (i = 0; i < sizeof(applets) / sizeof(applets[0]); i++) {
		if (snprintf(path, sizeof(path), "%s/bin/%s", tmp,
		    applets[i]) >= (int)sizeof(path) ||
		    (symlink("busybox", path) == -1 && errno != EEXIST))
			return -1;
	}
	if (in_dir(path, tmp, "etc/passwd") == -1 ||
	    write_file(path, "root:x:0:0:root:/home:/bin/sh\n") == -1)
		return -1;
	if (in_dir(path, tmp, "etc/group") == -1 ||
	    write_file(path, "root:x:0:\n") == -1)
		return -1;
	if (in_dir(path, tmp, "etc/resolv.conf") == -1 ||
	    write_file(path, "") == -1)
		return -1;
	image_sftp(tmp);
	if (rename(tmp, dir) == -1)
		return -1;
	log_info("made the default host image in %s from %s", dir, busybox);
	return 0;
}

static int
has_suffix(const char *s, const char *suffix)
{
	size_t	 len = strlen(s), slen = strlen(suffix);

	return len > slen && strcmp(s + len - slen, suffix) == 0;
}

static int
untar(const char *tarball, const char *dir)
{
	int	 status;
	pid_t	 pid;

	if ((pid = fork()) == -1)
		return -1;
	if (pid == 0) {
		execl("/bin/tar", "tar", "-xf", tarball, "-C", dir, (char *)NULL);
		_exit(127);
	}
	while (waitpid(pid, &status, 0) == -1)
		if (errno != EINTR)
			return -1;
	return WIFEXITED(status) && WEXITSTATUS(status) == 0 ? 0 : -1;
}

/*
 * A tarball image (.tar, .tar.gz, .tgz) becomes the directory
 * state/images/<name>-<mtime>, unpacked once: image is rewritten to
 * name it.  A directory is left as it is.  0, or -1 if it cannot be.
 */
int
image_unpack(const char *state, char *image, size_t imagelen)
{
	char		 dir[PATH_MAX], tmp[PATH_MAX];
	const char	*base;
	struct stat	 st;

	if (!has_suffix(image, ".tar") && !has_suffix(image, ".tar.gz") &&
	    !has_suffix(image, ".tgz"))
		return 0;
	if (stat(image, &st) == -1 || !S_ISREG(st.st_mode))
		return -1;
	base = strrchr(image, '/') + 1;
	/* searchable: the hosts' root, mapped to ids of their own, walks
	 * down to its image */
	if (in_dir(dir, state, "images") == -1 ||
	    (mkdir(dir, 0711) == -1 && errno != EEXIST) ||
	    chmod(dir, 0711) == -1 ||
	    snprintf(dir, sizeof(dir), "%s/images/%s-%lld", state, base,
	    (long long)st.st_mtime) >= (int)sizeof(dir) ||
	    snprintf(tmp, sizeof(tmp), "%s.new", dir) >= (int)sizeof(tmp))
		return -1;
	if (access(dir, F_OK) == -1) {
		if ((mkdir(tmp, 0755) == -1 && errno != EEXIST) ||
		    untar(image, tmp) == -1 || rename(tmp, dir) == -1) {
			log_warnx("cannot unpack the image %s", image);
			return -1;
		}
		log_info("unpacked the host image %s in %s", image, dir);
	}
	return strlcpy(image, dir, imagelen) < imagelen ? 0 : -1;
}
