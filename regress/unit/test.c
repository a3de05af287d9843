#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "ipc.h"
#include "test.h"

int test_passed, test_failed;

int
test_report(const char *suite)
{
	printf("%s: %d passed, %d failed\n", suite, test_passed, test_failed);
	return test_failed == 0 ? 0 : 1;
}

/*
 * w written whole and decoded as process to takes it from process from,
 * into r (which reads the datagram in place: one at a time); w is
 * cleared.  -1 if w does not fit its type or r is refused.
 */
int
test_ipc_pass(struct ipc_msg *w, enum proc_id from, enum proc_id to,
    struct ipc_msg *r)
{
	static uint8_t	 datagram[IPC_MAX_MSG];
	const void	*buf;
	const char	*why = NULL;
	size_t		 len;
	int		 rc = -1;

	if (ipc_msg_finish(w, &buf, &len) == 0) {
		memcpy(datagram, buf, len);
		rc = ipc_decode(r, datagram, len, -1, from, to, &why);
	}
	ipc_msg_clear(w);
	return rc;
}
