/*
 * sd_notify(3) by hand: one datagram to $NOTIFY_SOCKET.  With it the unit
 * is Type=notify and systemd knows when the suite serves, without linking
 * libsystemd.
 */
#include <sys/types.h>
#include <sys/socket.h>
#include <sys/un.h>

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "log.h"
#include "moatd.h"

static int	 notify_fd = -1;

/* Connected before the sandbox, which allows no new sockets. */
void
notify_init(void)
{
	struct sockaddr_un	 sun;
	const char		*path = getenv("NOTIFY_SOCKET");
	socklen_t		 len;
	size_t			 plen;
	int			 fd;

	if (path == NULL || (path[0] != '/' && path[0] != '@'))
		return;
	plen = strlen(path);
	if (plen >= sizeof(sun.sun_path))
		return;
	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	memcpy(sun.sun_path, path, plen);
	if (sun.sun_path[0] == '@')
		sun.sun_path[0] = '\0';		/* abstract namespace */
	len = offsetof(struct sockaddr_un, sun_path) + plen;
	if ((fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0)) == -1)
		return;
	if (connect(fd, (struct sockaddr *)&sun, len) == -1) {
		log_warn("sd_notify: %s", path);
		close(fd);
		return;
	}
	notify_fd = fd;
}

void
notify_systemd(const char *state)
{
	if (notify_fd != -1 &&
	    send(notify_fd, state, strlen(state), MSG_NOSIGNAL) == -1)
		log_warn("sd_notify");
}
