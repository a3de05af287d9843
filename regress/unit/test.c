#include <stdio.h>

#include "test.h"

int test_passed, test_failed;

int
test_report(const char *suite)
{
	printf("%s: %d passed, %d failed\n", suite, test_passed, test_failed);
	return test_failed == 0 ? 0 : 1;
}
