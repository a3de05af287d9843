/*
 * An SSH session's control socket (SOCK_SEQPACKET): made by taskd's
 * runner for one session, its other end handed to gatewayd through
 * taskd.  The runner sends two messages on it: the session's streams
 * (the terminal's master, or a socket for stdin and stdout and a pipe
 * for stderr) as descriptors, then the exit status.  gatewayd sends
 * nothing: closing its end ends the session.
 */
#ifndef MOAT_GWCTL_H
#define MOAT_GWCTL_H

#include <stdint.h>

#define GWCTL_FDS	1	/* with 1 (terminal) or 2 descriptors */
#define GWCTL_EXIT	2	/* status: as a shell's $?, 0-255 */

struct gwctl_msg {
	uint32_t	 type;
	int32_t		 status;
};

/*
 * Checks a message as received: its length, type, the descriptors that
 * came with it (nfds) against what it says (tty).  0 if it is well
 * formed, else -1.
 */
int	 gwctl_check(const struct gwctl_msg *, size_t len, int nfds, int tty);

#endif
