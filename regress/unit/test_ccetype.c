/*
 * Unit tests of the command API's property types and its bounded
 * regular expressions (common/ccetype.c, common/ccearray.c): each type
 * with values it takes and values it refuses, arrays of them, typedefs,
 * and patterns that would backtrack for ever cut off by the limits.
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "ccetype.h"
#include "test.h"

static int
ok(enum cce_type t, const char *v)
{
	const char	*why;

	return cce_type_check(t, NULL, 0, v, &why) == 0;
}

static int
ok_array(enum cce_type t, const char *v)
{
	const char	*why;

	return cce_type_check(t, NULL, 1, v, &why) == 0;
}

static void
test_names(void)
{
	CHECK_INT(cce_type_of("uint"), CCE_T_UINT);
	CHECK_INT(cce_type_of("fqdn"), CCE_T_FQDN);
	CHECK_INT(cce_type_of("re"), -1);
	CHECK_INT(cce_type_of("UINT"), -1);
	CHECK_INT(cce_type_of(""), -1);
	CHECK_STR(cce_type_name(CCE_T_EMAIL), "email");
}

static void
test_types(void)
{
	CHECK(ok(CCE_T_SCALAR, "") && ok(CCE_T_SCALAR, "any thing\n"));
	CHECK(ok(CCE_T_WORD, "site1") && !ok(CCE_T_WORD, "a b") &&
	    !ok(CCE_T_WORD, "") && !ok(CCE_T_WORD, "a\tb"));
	CHECK(ok(CCE_T_ALPHANUM, "abc123") && !ok(CCE_T_ALPHANUM, "a_b") &&
	    !ok(CCE_T_ALPHANUM, ""));
	CHECK(ok(CCE_T_INT, "-42") && ok(CCE_T_INT, "0") &&
	    ok(CCE_T_INT, "9223372036854775807") &&
	    !ok(CCE_T_INT, "9223372036854775808") && !ok(CCE_T_INT, "-") &&
	    !ok(CCE_T_INT, "1.5") && !ok(CCE_T_INT, "+1") &&
	    !ok(CCE_T_INT, " 1") && !ok(CCE_T_INT, ""));
	CHECK(ok(CCE_T_UINT, "18446744073709551615") &&
	    !ok(CCE_T_UINT, "18446744073709551616") &&
	    !ok(CCE_T_UINT, "-1") && !ok(CCE_T_UINT, "1e3"));
	CHECK(ok(CCE_T_BOOLEAN, "0") && ok(CCE_T_BOOLEAN, "1") &&
	    !ok(CCE_T_BOOLEAN, "true") && !ok(CCE_T_BOOLEAN, "") &&
	    !ok(CCE_T_BOOLEAN, "01"));
	CHECK(ok(CCE_T_IPADDR, "192.0.2.1") && ok(CCE_T_IPADDR, "2001:db8::1") &&
	    !ok(CCE_T_IPADDR, "192.0.2.256") && !ok(CCE_T_IPADDR, "1.2.3") &&
	    !ok(CCE_T_IPADDR, "example.com") && !ok(CCE_T_IPADDR, ""));
	CHECK(ok(CCE_T_FQDN, "www.example.com") && ok(CCE_T_FQDN, "a-b.c9") &&
	    !ok(CCE_T_FQDN, "localhost") && !ok(CCE_T_FQDN, "-a.example") &&
	    !ok(CCE_T_FQDN, "a..example") && !ok(CCE_T_FQDN, "example.com.") &&
	    !ok(CCE_T_FQDN, "192.0.2.1") && !ok(CCE_T_FQDN, "a_b.example") &&
	    !ok(CCE_T_FQDN, ""));
	CHECK(ok(CCE_T_EMAIL, "bob@example.com") &&
	    ok(CCE_T_EMAIL, "first.last+tag@mail.example.org") &&
	    !ok(CCE_T_EMAIL, "bob") && !ok(CCE_T_EMAIL, "@example.com") &&
	    !ok(CCE_T_EMAIL, "bob@localhost") && !ok(CCE_T_EMAIL, ".b@x.example") &&
	    !ok(CCE_T_EMAIL, "a..b@x.example") && !ok(CCE_T_EMAIL, "a b@x.example"));
	CHECK(ok(CCE_T_PASSWORD, "s3cret with spaces") &&
	    !ok(CCE_T_PASSWORD, "two\nlines"));
}

static void
test_long_values(void)
{
	char	 buf[600];

	memset(buf, 'a', sizeof(buf));
	buf[256] = '\0';
	CHECK(ok(CCE_T_PASSWORD, buf));
	buf[256] = 'a';
	buf[257] = '\0';
	CHECK(!ok(CCE_T_PASSWORD, buf));
	/* a label of 64 bytes */
	memset(buf, 'a', 64);
	strlcpy(buf + 64, ".example", sizeof(buf) - 64);
	CHECK(!ok(CCE_T_FQDN, buf));
	strlcpy(buf + 63, ".example", sizeof(buf) - 63);
	CHECK(ok(CCE_T_FQDN, buf));
}

static void
test_arrays(void)
{
	const char	*why;

	CHECK(ok_array(CCE_T_FQDN, "&www.example.com&mail.example.com&"));
	CHECK(ok_array(CCE_T_FQDN, ""));
	CHECK(!ok_array(CCE_T_FQDN, "&www.example.com&localhost&"));
	CHECK(!ok_array(CCE_T_FQDN, "www.example.com"));
	CHECK(ok_array(CCE_T_WORD, "&a%26b&c&"));
	CHECK(!ok_array(CCE_T_WORD, "&a%20b&"));
	CHECK_INT(cce_type_check(CCE_T_UINT, NULL, 1, "&1&x&", &why), -1);
	CHECK_STR(why, "an element is not of its property's type");
	CHECK_INT(cce_type_check(CCE_T_UINT, NULL, 1, "&1&2", &why), -1);
	CHECK_STR(why, "an array ends with &");
	CHECK_INT(cce_type_check(CCE_T_UINT, NULL, 0, "x", &why), -1);
	CHECK_STR(why, "a value is not of its property's type");
}

static void
test_regex(void)
{
	struct cce_re	*re;
	const char	*why;
	char		*subject, *pattern;
	struct timespec	 t0, t1;
	double		 secs;

	re = cce_re_compile("^site[0-9]+$", &why);
	CHECK(re != NULL);
	CHECK_INT(cce_re_match(re, "site12", &why), 1);
	CHECK_INT(cce_re_match(re, "site", &why), 0);
	CHECK_INT(cce_re_match(re, "xsite1", &why), 0);
	/* a typedef */
	CHECK_INT(cce_type_check(CCE_T_REGEX, re, 0, "site3", &why), 0);
	CHECK_INT(cce_type_check(CCE_T_REGEX, re, 1, "&site3&site4&", &why),
	    0);
	CHECK_INT(cce_type_check(CCE_T_REGEX, re, 1, "&site3&web&", &why), -1);
	cce_re_free(re);
	/* POSIX extended expressions are PCRE2 expressions */
	re = cce_re_compile("^(www|mail)\\.[a-z]{2,}\\.(com|org)$", &why);
	CHECK(re != NULL);
	CHECK_INT(cce_re_match(re, "mail.example.org", &why), 1);
	CHECK_INT(cce_re_match(re, "ftp.example.org", &why), 0);
	cce_re_free(re);
	/* UTF-8 both ways */
	re = cce_re_compile("^caf\xc3\xa9.$", &why);
	CHECK(re != NULL);
	CHECK_INT(cce_re_match(re, "caf\xc3\xa9\xc3\xa9", &why), 1);
	CHECK_INT(cce_re_match(re, "caf\xc3\xa9\xff", &why), -1);
	cce_re_free(re);
	CHECK(cce_re_compile("(", &why) == NULL);
	CHECK_STR(why, "a regular expression is not valid");
	CHECK(cce_re_compile("\xff", &why) == NULL);
	CHECK(cce_re_compile("a\\C", &why) == NULL);
	pattern = malloc(CCE_RE_MAX + 2);
	memset(pattern, 'a', CCE_RE_MAX + 1);
	pattern[CCE_RE_MAX + 1] = '\0';
	CHECK(cce_re_compile(pattern, &why) == NULL);
	CHECK_STR(why, "a regular expression is at most 1024 bytes");
	pattern[CCE_RE_MAX] = '\0';
	re = cce_re_compile(pattern, &why);
	CHECK(re != NULL);
	cce_re_free(re);
	free(pattern);
	/* catastrophic backtracking is cut off, and quickly */
	subject = malloc(4096);
	memset(subject, 'a', 4094);
	subject[4094] = 'b';
	subject[4095] = '\0';
	re = cce_re_compile("^(a+)+$", &why);
	CHECK(re != NULL);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	CHECK_INT(cce_re_match(re, subject, &why), -1);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	CHECK_STR(why, "a regular expression took too long to match");
	secs = (double)(t1.tv_sec - t0.tv_sec) +
	    (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
	CHECK(secs < 0.5);
	cce_re_free(re);
	subject[4094] = '!';
	re = cce_re_compile("^(\\w+\\s?)*$", &why);
	CHECK(re != NULL);
	CHECK_INT(cce_re_match(re, subject, &why), -1);
	cce_re_free(re);
	free(subject);
}

int
main(void)
{
	RUN(test_names);
	RUN(test_types);
	RUN(test_long_values);
	RUN(test_arrays);
	RUN(test_regex);
	return (test_report("ccetype"));
}
