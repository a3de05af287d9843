#include <stddef.h>

#include "gwctl.h"

int
gwctl_check(const struct gwctl_msg *m, size_t len, int nfds, int tty)
{
	if (len != sizeof(*m))
		return -1;
	switch (m->type) {
	case GWCTL_FDS:
		return nfds == (tty ? 1 : 2) ? 0 : -1;
	case GWCTL_EXIT:
		return nfds == 0 && m->status >= 0 && m->status <= 255 ?
		    0 : -1;
	default:
		return -1;
	}
}
