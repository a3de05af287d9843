/*
 * moatd's own sandbox, entered once the children run.  From then on it
 * only supervises: it starts no process, opens no network socket, reads
 * configuration files (anywhere: include may name any path) and writes
 * under the state directory and beside the control socket.
 */
#include <libgen.h>
#include <limits.h>
#include <string.h>

#include "log.h"
#include "moatd.h"
#include "sandbox.h"

void
moatd_sandbox(const struct moat_config *conf)
{
	static char		 sockdir[PATH_MAX];
	struct sandbox_path	 paths[3];
	struct sandbox_policy	 policy;

	strlcpy(sockdir, conf->control_socket, sizeof(sockdir));
	paths[0].path = "/";
	paths[0].access = SB_FS_READ;
	paths[1].path = conf->var_dir;
	paths[1].access = SB_FS_READ | SB_FS_WRITE;
	paths[2].path = dirname(sockdir);
	paths[2].access = SB_FS_READ | SB_FS_WRITE;
	memset(&policy, 0, sizeof(policy));
	policy.name = "moatd";
	policy.groups = SB_STDIO | SB_EVENT | SB_IPC | SB_UNIXSERVER |
	    SB_WPATH | SB_SUPERVISE;
	policy.paths = paths;
	policy.npaths = 3;
	policy.deny_tcp = 1;
	sandbox_enter(&policy);
}
