/*
 * The SSH gateway's host key: an ed25519 key made on the first start
 * with "listen ssh" (by moat-tlsgen -s, so that moatd links no
 * cryptography), kept in the state directory (0600, root's), and
 * handed to gatewayd by descriptor with every configuration push; the
 * gateway reads it once and opens no file.  Clients that pinned the
 * key find it again after a restart.
 */
#include <sys/stat.h>
#include <sys/types.h>

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "log.h"
#include "moatd.h"

int
gateway_wanted(const struct moat_config *conf)
{
	const struct conf_listen	*l;

	TAILQ_FOREACH(l, &conf->listeners, entry)
		if (l->ssh)
			return 1;
	return 0;
}

const char *
ssh_hostkey_path(const struct moat_config *conf)
{
	static char	 path[PATH_MAX];

	if ((size_t)snprintf(path, sizeof(path), "%s/ssh_host_ed25519_key",
	    conf->var_dir) >= sizeof(path))
		fatalx("state directory path too long");
	return path;
}

void
ssh_hostkey_ensure(const struct moat_config *conf)
{
	const char	*path = ssh_hostkey_path(conf);
	struct stat	 st;

	if (lstat(path, &st) == -1) {
		if (errno != ENOENT)
			fatal("%s", path);
		if (run_tlsgen("-s", path) == -1)
			fatalx("cannot make the SSH host key %s", path);
		log_info("created the SSH gateway's host key in %s", path);
		if (lstat(path, &st) == -1)
			fatal("%s", path);
	}
	if (!S_ISREG(st.st_mode) || (st.st_mode & 077) != 0 ||
	    st.st_uid != geteuid())
		fatalx("%s: not a private file of uid %d", path,
		    (int)geteuid());
}
