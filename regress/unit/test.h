/*
 * A minimal test harness: each CHECK counts as one assertion; a test
 * program prints one line per failed assertion and ends with
 * "N passed, N failed".  Its exit status is 1 if anything failed.
 */
#ifndef MOAT_TEST_H
#define MOAT_TEST_H

#include <stdio.h>
#include <string.h>

#include "proc.h"

extern int test_passed, test_failed;

#define CHECK(cond) do {						\
	if (cond)							\
		test_passed++;						\
	else {								\
		test_failed++;						\
		fprintf(stderr, "FAIL %s:%d: %s\n", __FILE__, __LINE__,	\
		    #cond);						\
	}								\
} while (0)

#define CHECK_INT(a, b) do {						\
	long long _a = (long long)(a), _b = (long long)(b);		\
	if (_a == _b)							\
		test_passed++;						\
	else {								\
		test_failed++;						\
		fprintf(stderr, "FAIL %s:%d: %s == %s (%lld != %lld)\n",	\
		    __FILE__, __LINE__, #a, #b, _a, _b);		\
	}								\
} while (0)

#define CHECK_STR(a, b) do {						\
	const char *_a = (a), *_b = (b);				\
	if (_a != NULL && _b != NULL && strcmp(_a, _b) == 0)		\
		test_passed++;						\
	else {								\
		test_failed++;						\
		fprintf(stderr, "FAIL %s:%d: %s == %s (\"%s\" != \"%s\")\n", \
		    __FILE__, __LINE__, #a, #b, _a ? _a : "(null)",	\
		    _b ? _b : "(null)");				\
	}								\
} while (0)

/* Runs one named test function and reports it. */
#define RUN(fn) do {							\
	int _f = test_failed;						\
	fn();								\
	fprintf(stderr, "%s %s\n", test_failed == _f ? "ok  " : "FAIL",	\
	    #fn);							\
} while (0)

int	 test_report(const char *suite);

struct ipc_msg;
/* A message written, then decoded as its receiver would (test.c). */
int	 test_ipc_pass(struct ipc_msg *w, enum proc_id from, enum proc_id to,
	    struct ipc_msg *r);

#endif
