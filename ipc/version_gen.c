/* Prints IPC_VERSION for build/gen/ipc_version.h (version.c). */
#include <inttypes.h>
#include <stdio.h>

#include "ipc.h"

int
main(void)
{
	printf("#define IPC_VERSION\t0x%016" PRIx64 "ULL\n",
	    ipc_version_now());
	return 0;
}
