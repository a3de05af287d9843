/*
 * moatd.conf parser tests.  Fixtures live in regress/unit/conf, or in the
 * directory given as argv[1] or $MOAT_TEST_FIXTURES.  Error messages are
 * captured from stderr so that the tests can check "file:line: message".
 */
#include <sys/types.h>
#include <sys/stat.h>

#include <arpa/inet.h>
#include <netinet/in.h>

#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "conffile.h"
#include "log.h"
#include "test.h"

static char	 fixdir[PATH_MAX];
static char	 logbuf[65536];
static FILE	*capture_file;
static int	 capture_saved = -1;

/* log.c writes with write(2) to fd 2: swap a temporary file in. */
static void
capture_start(void)
{
	fflush(stderr);
	if ((capture_file = tmpfile()) == NULL)
		fatal("tmpfile");
	if ((capture_saved = dup(STDERR_FILENO)) == -1)
		fatal("dup");
	if (dup2(fileno(capture_file), STDERR_FILENO) == -1)
		fatal("dup2");
}

static const char *
capture_end(void)
{
	size_t	 n;

	fflush(stderr);
	if (dup2(capture_saved, STDERR_FILENO) == -1)
		fatal("dup2");
	close(capture_saved);
	rewind(capture_file);
	n = fread(logbuf, 1, sizeof(logbuf) - 1, capture_file);
	logbuf[n] = '\0';
	fclose(capture_file);
	return logbuf;
}

static const char *
fixture(const char *name)
{
	static char	 path[PATH_MAX];

	if ((size_t)snprintf(path, sizeof(path), "%s/%s", fixdir, name) >=
	    sizeof(path))
		fatalx("fixture path too long");
	return path;
}

static int
parse_fixture(const char *name, struct moat_config *conf)
{
	int	 errors;

	conf_init(conf);
	capture_start();
	errors = conf_parse_file(fixture(name), conf);
	capture_end();
	return errors;
}

static int
parse_string(const char *s, size_t len, struct moat_config *conf)
{
	int	 errors;

	conf_init(conf);
	capture_start();
	errors = conf_parse_buffer("test", s, len, conf);
	capture_end();
	return errors;
}

#define PARSE_STR(s, conf)	parse_string((s), strlen(s), (conf))

/* The log holds msg; reports the log when it does not. */
static int
logged(const char *msg)
{
	if (strstr(logbuf, msg) != NULL)
		return 1;
	fprintf(stderr, "  expected \"%s\" in log:\n%s", msg, logbuf);
	return 0;
}

static const char *
listen_name(struct moat_config *conf, int n)
{
	struct conf_listen	*l;

	TAILQ_FOREACH(l, &conf->listeners, entry)
		if (n-- == 0)
			return l->name;
	return "(none)";
}

static int
listen_count(struct moat_config *conf)
{
	struct conf_listen	*l;
	int			 n = 0;

	TAILQ_FOREACH(l, &conf->listeners, entry)
		n++;
	return n;
}

static void
test_defaults(void)
{
	struct moat_config	 conf;

	conf_init(&conf);
	CHECK_STR(conf.var_dir, CONF_DEFAULT_VAR);
	CHECK_STR(conf.db_dir, "");
	CHECK_INT(conf.http.max_connections, 1024);
	CHECK_INT(conf.http.max_header_bytes, 8192);
	CHECK_INT(conf.http.max_headers, 64);
	CHECK_INT(conf.http.max_body, 65536);
	CHECK_INT(conf.http.header_timeout, 10);
	CHECK_INT(conf.http.request_timeout, 30);
	CHECK_INT(conf.http.idle_timeout, 60);
	CHECK_INT(conf.auth.argon2_memory_kib, 19456);
	CHECK_INT(conf.auth.argon2_time, 2);
	CHECK_INT(conf.auth.argon2_parallelism, 1);
	CHECK_INT(conf.task.workers, 2);
	CHECK_STR(conf.task.runtime, "/usr/bin/crun");
	CHECK_STR(conf.task.runtime_kind, "crun");
	CHECK_STR(conf.task.image, "");
	CHECK_STR(conf.task.check_url, "https://api.ipify.org");
	CHECK_INT(conf.task.uid_first, 2147483648LL);
	CHECK_INT(conf.task.uid_blocks, 32767);
	CHECK_INT(conf.ipc_timeout_ms, 5000);
	CHECK_INT(conf.log_verbose, 0);
	CHECK_STR(conf.user[PROC_FRONTD], proc_default_user(PROC_FRONTD));
	CHECK_STR(conf.user[PROC_AUTHD], proc_default_user(PROC_AUTHD));
	CHECK_STR(conf.user[PROC_STORED], proc_default_user(PROC_STORED));
	CHECK(TAILQ_EMPTY(&conf.listeners));

	CHECK_INT(conf_finalize(&conf), 0);
	CHECK_STR(conf.db_dir, CONF_DEFAULT_VAR "/db");
	CHECK_STR(conf.empty_dir, CONF_DEFAULT_VAR "/empty");
	CHECK_STR(conf.master_key, CONF_DEFAULT_VAR "/master.key");
	CHECK_STR(conf.control_socket, CONF_DEFAULT_VAR "/moatd.sock");
	CHECK_STR(conf.tls_cert, CONF_DEFAULT_VAR "/tls/server.crt");
	CHECK_STR(conf.tls_key, CONF_DEFAULT_VAR "/tls/server.key");
	CHECK_INT(conf.tls_generate, 1);
	CHECK_INT(listen_count(&conf), 1);
	CHECK_STR(listen_name(&conf, 0), "127.0.0.1:8443");
	CHECK_INT(TAILQ_FIRST(&conf.listeners)->fd, -1);

	/* Finalizing twice changes nothing. */
	CHECK_INT(conf_finalize(&conf), 0);
	CHECK_INT(conf.tls_generate, 1);
	CHECK_INT(listen_count(&conf), 1);
	conf_clear(&conf);
	CHECK(TAILQ_EMPTY(&conf.listeners));
}

static void
test_full(void)
{
	struct moat_config	 conf;
	struct sockaddr_in6	*sin6;

	CHECK_INT(parse_fixture("good-full.conf", &conf), 0);
	CHECK_STR(logbuf, "");
	CHECK_STR(conf.var_dir, "/srv/moat");
	CHECK_STR(conf.db_dir, "/srv/moat/database");
	CHECK_STR(conf.empty_dir, "/var/empty");
	CHECK_STR(conf.tls_cert, "/etc/moat/tls/cert.pem");
	CHECK_STR(conf.tls_key, "/etc/moat/tls/key.pem");
	CHECK_STR(conf.master_key, "/etc/moat/master.key");
	CHECK_STR(conf.control_socket, "/run/moat/moatd.sock");
	CHECK_STR(conf.user[PROC_FRONTD], "_front");
	CHECK_STR(conf.user[PROC_AUTHD], "_auth");
	CHECK_STR(conf.user[PROC_STORED], "_db");
	CHECK_INT(listen_count(&conf), 4);
	CHECK_STR(listen_name(&conf, 0), "192.0.2.10:443");
	CHECK_STR(listen_name(&conf, 1), "[::1]:8443");
	CHECK_STR(listen_name(&conf, 2), "0.0.0.0:8080");
	CHECK_STR(listen_name(&conf, 3), "192.0.2.10:80");
	CHECK_INT(TAILQ_LAST(&conf.listeners, conf_listens)->acme, 1);
	CHECK_INT(TAILQ_FIRST(&conf.listeners)->acme, 0);
	CHECK_INT(conf.nacme, 1);
	CHECK_STR(conf.acme[0].name, "zerossl");
	CHECK_STR(conf.acme[0].url, "https://acme.zerossl.com/v2/DV90");
	CHECK_STR(conf.acme[0].eab_kid, "kid-1");
	CHECK_STR(conf.acme[0].eab_hmac, "c2VjcmV0_-x");
	CHECK_STR(conf.acme[0].ca_file, "");
	sin6 = (struct sockaddr_in6 *)&TAILQ_NEXT(TAILQ_FIRST(&conf.listeners),
	    entry)->ss;
	CHECK_INT(sin6->sin6_family, AF_INET6);
	CHECK_INT(ntohs(sin6->sin6_port), 8443);
	CHECK(IN6_IS_ADDR_LOOPBACK(&sin6->sin6_addr));
	CHECK_INT(TAILQ_FIRST(&conf.listeners)->sslen,
	    sizeof(struct sockaddr_in));
	CHECK_INT(conf.http.max_connections, 500);
	CHECK_INT(conf.http.max_header_bytes, 16 * 1024);
	CHECK_INT(conf.http.max_headers, 100);
	CHECK_INT(conf.http.max_body, 1024 * 1024);
	CHECK_INT(conf.http.header_timeout, 20);
	CHECK_INT(conf.http.request_timeout, 120);
	CHECK_INT(conf.http.idle_timeout, 3600);
	CHECK_INT(conf.auth.argon2_memory_kib, 65536);
	CHECK_INT(conf.auth.argon2_time, 3);
	CHECK_INT(conf.auth.argon2_parallelism, 4);
	CHECK_INT(conf.task.workers, 8);
	CHECK_STR(conf.task.runtime, "/usr/local/bin/runc");
	CHECK_STR(conf.task.runtime_kind, "runc");
	CHECK_STR(conf.task.image, "/srv/moat/image");
	CHECK_STR(conf.task.check_url, "https://ip.example.net/plain");
	CHECK_INT(conf.task.uid_first, 1073741824);
	CHECK_INT(conf.task.uid_blocks, 1024);
	CHECK_INT(conf.ipc_timeout_ms, 10000);
	CHECK_INT(conf.log_verbose, 1);
	CHECK_INT(conf_finalize(&conf), 0);
	CHECK_INT(conf.tls_generate, 0);
	CHECK_STR(conf.db_dir, "/srv/moat/database");
	CHECK_INT(listen_count(&conf), 4);
	conf_clear(&conf);
}

static void
test_oneline(void)
{
	struct moat_config	 conf;

	CHECK_INT(parse_fixture("good-oneline.conf", &conf), 0);
	CHECK_INT(conf.http.max_connections, 7);
	CHECK_INT(conf.http.max_header_bytes, 2048);
	CHECK_INT(conf.http.max_headers, 128);
	CHECK_INT(conf.http.max_body, 64 * 1024);
	CHECK_INT(conf.http.header_timeout, 300);
	CHECK_INT(conf.http.request_timeout, 3600);
	CHECK_INT(conf.http.idle_timeout, 60);
	CHECK_INT(conf.auth.argon2_memory_kib, 8192);
	CHECK_INT(conf.auth.argon2_time, 2);	/* untouched */
	CHECK_INT(conf.auth.argon2_parallelism, 2);
	CHECK_INT(conf.task.workers, 64);
	conf_clear(&conf);

	CHECK_INT(parse_fixture("good-empty.conf", &conf), 0);
	CHECK_INT(conf.task.workers, 2);
	conf_clear(&conf);
}

static void
test_macros(void)
{
	struct moat_config	 conf;

	CHECK_INT(parse_fixture("good-macros.conf", &conf), 0);
	CHECK_STR(logbuf, "");
	CHECK_STR(conf.var_dir, "/opt/moat");
	CHECK_STR(conf.empty_dir, "/opt/moat");
	CHECK_STR(listen_name(&conf, 0), "127.0.0.2:9443");
	CHECK_INT(conf.task.workers, 5);
	CHECK_INT(conf.http.max_body, 2 * 1024 * 1024);
	conf_clear(&conf);

	/* A file's macros do not outlive its parse. */
	CHECK_INT(PARSE_STR("var $state\n", &conf), 1);
	CHECK(logged("test:1: macro \"state\" not defined"));
	conf_clear(&conf);

	/* Two macros back to back, and one at the end without a newline. */
	CHECK_INT(PARSE_STR("a = \"task\"\nb = \"workers\"\nn = 9\n$a $b $n",
	    &conf), 0);
	CHECK_INT(conf.task.workers, 9);
	conf_clear(&conf);
	CHECK_INT(PARSE_STR("w = \"task workers\"\n$w 12\n", &conf), 0);
	CHECK_INT(conf.task.workers, 12);
	conf_clear(&conf);

	/* A macro's text ends a word: "$a.x" is two tokens. */
	CHECK_INT(PARSE_STR("a = \"task\"\n$a.x workers 3\n", &conf), 1);
	conf_clear(&conf);

	/* A macro cannot end inside a string ... */
	CHECK_INT(PARSE_STR("q = \"\\\"/abc\"\nvar $q\"\n", &conf), 1);
	CHECK(logged("test:2: unterminated string"));
	conf_clear(&conf);
	/* ... nor expand another, so expansion cannot recurse. */
	CHECK_INT(PARSE_STR("a = \"$a\"\nvar $a\n", &conf), 1);
	CHECK(logged("test:2: $ inside a macro's value"));
	conf_clear(&conf);
	/* A macro that redefines itself while it is being read. */
	CHECK_INT(PARSE_STR("m = \"m = \\\"/z\\\"\"\n$m\nvar $m\n", &conf), 0);
	CHECK_STR(conf.var_dir, "/z");
	conf_clear(&conf);

	CHECK_INT(PARSE_STR("$\n", &conf), 1);
	CHECK(logged("test:1: missing macro name after $"));
	conf_clear(&conf);
	CHECK_INT(PARSE_STR("x = \"1\"\nx = \"2\"\ntask workers $x\n", &conf),
	    0);
	CHECK_INT(conf.task.workers, 2);
	conf_clear(&conf);
}

static void
test_macro_limits(void)
{
	struct moat_config	 conf;
	char			*buf;
	size_t			 len = 0, size = 1024 * 1024;
	int			 i;

	if ((buf = malloc(size)) == NULL)
		fatal("malloc");

	for (i = 0; i < CONF_MAX_MACROS; i++)
		len += snprintf(buf + len, size - len, "m%d = \"%d\"\n", i, i);
	CHECK_INT(parse_string(buf, len, &conf), 0);
	conf_clear(&conf);
	len += snprintf(buf + len, size - len, "one_more = 1\n");
	CHECK_INT(parse_string(buf, len, &conf), 1);
	CHECK(logged("test:257: macro \"one_more\": too many macros"));
	conf_clear(&conf);

	/* Every expansion counts: the 263rd of 4000 bytes passes 1M. */
	len = snprintf(buf, size, "m = \"#");
	memset(buf + len, 'c', 3999);
	len += 3999;
	len += snprintf(buf + len, size - len, "\"\n");
	for (i = 0; i < 300; i++)
		len += snprintf(buf + len, size - len, "$m\n");
	CHECK_INT(parse_string(buf, len, &conf), 1);
	CHECK(logged("test:264: macro expansions exceed 1048576 bytes"));
	conf_clear(&conf);

	len = snprintf(buf, size, "var $%070d\n", 0);
	CHECK_INT(parse_string(buf, len, &conf), 1);
	CHECK(logged("test:1: macro name too long"));
	conf_clear(&conf);
	len = snprintf(buf, size, "v=");
	memset(buf + len, 'v', CONF_MAX_TOKEN);
	buf[len + CONF_MAX_TOKEN] = '\0';
	capture_start();
	CHECK_INT(conf_define_macro(buf), -1);
	capture_end();
	CHECK(logged("macro definition \"v\": macro value too long"));

	/* Names are letters, digits and _, and do not start with a digit. */
	CHECK_INT(PARSE_STR("\"a-b\" = 1\n", &conf), 1);
	CHECK(logged("test:1: macro \"a-b\": invalid macro name"));
	conf_clear(&conf);
	CHECK_INT(PARSE_STR("\"1a\" = 1\n", &conf), 1);
	conf_clear(&conf);
	free(buf);
}

static void
test_cmdline_macros(void)
{
	struct moat_config	 conf;
	const char		*text;

	text = "state = \"/from/file\"\nvar $state\n";
	capture_start();
	CHECK_INT(conf_define_macro("state=/from/cmdline"), 0);
	CHECK_INT(conf_define_macro("eq=a=b"), 0);
	CHECK_INT(conf_define_macro("noequals"), -1);
	CHECK_INT(conf_define_macro("=value"), -1);
	CHECK_INT(conf_define_macro("1a=value"), -1);
	CHECK_INT(conf_define_macro("a-b=value"), -1);
	capture_end();
	CHECK(logged("macro definition \"noequals\": expected name=value"));
	CHECK(logged("macro definition \"a-b\": invalid macro name"));

	/* The command line wins over the file, parse after parse. */
	CHECK_INT(PARSE_STR(text, &conf), 0);
	CHECK_STR(conf.var_dir, "/from/cmdline");
	conf_clear(&conf);
	CHECK_INT(PARSE_STR(text, &conf), 0);
	CHECK_STR(conf.var_dir, "/from/cmdline");
	conf_clear(&conf);
	CHECK_STR(conf_macro_get("eq"), "a=b");
	/* The value is read as tokens, as in httpd. */
	CHECK_INT(PARSE_STR("user frontd $eq\n", &conf), 1);
	CHECK(logged("test:1: syntax error at \"=\""));
	conf_clear(&conf);

	/* A later -D replaces an earlier one. */
	CHECK_INT(conf_define_macro("state=/second"), 0);
	CHECK_INT(PARSE_STR(text, &conf), 0);
	CHECK_STR(conf.var_dir, "/second");
	conf_clear(&conf);

	conf_clear_macros();
	CHECK(conf_macro_get("eq") == NULL);
	CHECK_INT(PARSE_STR(text, &conf), 0);
	CHECK_STR(conf.var_dir, "/from/file");
	conf_clear(&conf);
	CHECK_INT(PARSE_STR("var $eq\n", &conf), 1);
	conf_clear(&conf);
}

static void
test_include(void)
{
	struct moat_config	 conf;

	/* Values from two levels down; the top file has the last word. */
	CHECK_INT(parse_fixture("good-include.conf", &conf), 0);
	CHECK_STR(logbuf, "");
	CHECK_STR(conf.var_dir, "/from/level2");
	CHECK_INT(conf.task.workers, 20);
	CHECK_INT(conf.ipc_timeout_ms, 200);
	conf_clear(&conf);

	/* A missing file is one error; the rest of the file is read. */
	CHECK_INT(parse_fixture("bad-include-missing.conf", &conf), 1);
	CHECK_INT(conf.task.workers, 3);
	conf_clear(&conf);

	CHECK_INT(PARSE_STR("include \"relative.conf\"\n", &conf), 1);
	CHECK(logged("test:1: include \"relative.conf\": must be an absolute "
	    "path here"));
	conf_clear(&conf);
	CHECK_INT(PARSE_STR("include \"/dev/null\"\n", &conf), 1);
	CHECK(logged("test:1: include \"/dev/null\": not a regular file"));
	conf_clear(&conf);
	CHECK_INT(PARSE_STR("include \"/\"\n", &conf), 1);
	CHECK(logged("test:1: include \"/\": not a regular file"));
	conf_clear(&conf);

	CHECK_INT(PARSE_STR("include \"\"\n", &conf), 1);
	CHECK(logged("test:1: include: empty path"));
	conf_clear(&conf);

	capture_start();
	CHECK_INT(conf_parse_file(fixture("does-not-exist.conf"), &conf), 1);
	capture_end();
	CHECK(logged("does-not-exist.conf: No such file or directory"));
}

/* Files and buffers over 1M are refused before they are read. */
static void
test_file_size(void)
{
	struct moat_config	 conf;
	char			 path[] = "/tmp/moat-test-conf.XXXXXX";
	char			 text[256], *big;
	int			 fd;

	if ((fd = mkstemp(path)) == -1)
		fatal("mkstemp");
	if (ftruncate(fd, CONF_MAX_FILE + 1) == -1)
		fatal("ftruncate");
	close(fd);
	conf_init(&conf);
	capture_start();
	CHECK_INT(conf_parse_file(path, &conf), 1);
	capture_end();
	CHECK(logged(": file too large"));

	snprintf(text, sizeof(text), "include \"%s\"\n", path);
	CHECK_INT(PARSE_STR(text, &conf), 1);
	CHECK(logged(": file too large"));
	conf_clear(&conf);
	unlink(path);

	if ((big = malloc(CONF_MAX_FILE + 1)) == NULL)
		fatal("malloc");
	memset(big, '\n', CONF_MAX_FILE + 1);
	CHECK_INT(parse_string(big, CONF_MAX_FILE, &conf), 0);
	conf_clear(&conf);
	CHECK_INT(parse_string(big, CONF_MAX_FILE + 1, &conf), 1);
	CHECK(logged("test: file too large"));
	conf_clear(&conf);
	free(big);
}

/* A chain of n includes, c0 -> c1 -> ... -> cn, in a new directory. */
static int
include_chain(const char *dir, int n)
{
	struct moat_config	 conf;
	char			 path[PATH_MAX];
	FILE			*fp;
	int			 i, errors;

	for (i = 0; i <= n; i++) {
		snprintf(path, sizeof(path), "%s/c%d.conf", dir, i);
		if ((fp = fopen(path, "w")) == NULL)
			fatal("%s", path);
		if (i < n)
			fprintf(fp, "include \"%s/c%d.conf\"\n", dir, i + 1);
		else
			fprintf(fp, "task workers 7\n");
		fclose(fp);
	}
	snprintf(path, sizeof(path), "%s/c0.conf", dir);
	conf_init(&conf);
	capture_start();
	errors = conf_parse_file(path, &conf);
	capture_end();
	if (errors == 0 && conf.task.workers != 7)
		errors = -1;
	conf_clear(&conf);
	for (i = 0; i <= n; i++) {
		snprintf(path, sizeof(path), "%s/c%d.conf", dir, i);
		unlink(path);
	}
	return errors;
}

static void
test_include_depth(void)
{
	struct moat_config	 conf;
	char			 dir[] = "/tmp/moat-test-conf.XXXXXX";

	if (mkdtemp(dir) == NULL)
		fatal("mkdtemp");
	CHECK_INT(include_chain(dir, CONF_MAX_INCLUDE_DEPTH), 0);
	CHECK_INT(include_chain(dir, CONF_MAX_INCLUDE_DEPTH + 1), 1);
	CHECK(logged("c8.conf:1: include"));
	CHECK(logged("includes nested deeper than 8"));
	rmdir(dir);

	/* A file that includes itself stops at the limit, with one error. */
	CHECK_INT(parse_fixture("bad-include-loop.conf", &conf), 1);
	conf_clear(&conf);
}

static const struct bad {
	const char	*file;
	int		 errors;
	const char	*msg;
} bad[] = {
	{ "bad-acme-dup.conf", 1,
	    "bad-acme-dup.conf:2: acme directory: \"le\": duplicate name" },
	{ "bad-acme-eab.conf", 1,
	    "bad-acme-eab.conf:1: acme directory: \"zerossl\": eab-kid and "
	    "eab-hmac must be given together" },
	{ "bad-acme-url.conf", 1,
	    "bad-acme-url.conf:1: acme directory: \"le\": url must be "
	    "https" },
	{ "bad-block-unclosed.conf", 1,
	    "bad-block-unclosed.conf:1: http block not closed" },
	{ "bad-escape.conf", 1,
	    "bad-escape.conf:1: invalid escape in string" },
	{ "bad-include-block.conf", 1,
	    "inc/open-block.conf:1: http block not closed" },
	{ "bad-include-loop.conf", 1,
	    "bad-include-loop.conf:2: include \"bad-include-loop.conf\": "
	    "includes nested deeper than 8" },
	{ "bad-include-missing.conf", 1,
	    "bad-include-missing.conf:3: include \"does-not-exist.conf\": "
	    "No such file or directory" },
	{ "bad-keyword-position.conf", 1,
	    "bad-keyword-position.conf:1: syntax error at \"certifcate\"" },
	{ "bad-listen-address.conf", 1,
	    "bad-listen-address.conf:1: listen on: invalid address "
	    "\"300.1.2.3\"" },
	{ "bad-listen-dup.conf", 1,
	    "bad-listen-dup.conf:3: listen on: duplicate address "
	    "127.0.0.1:8443" },
	{ "bad-listen-hostname.conf", 1,
	    "bad-listen-hostname.conf:1: listen on: invalid address "
	    "\"example.com\"" },
	{ "bad-listen-many.conf", 1,
	    "bad-listen-many.conf:17: listen on: too many listen statements "
	    "(max 16)" },
	{ "bad-long-line.conf", 1,
	    "bad-long-line.conf:2: line too long (max 8192 bytes)" },
	{ "bad-macro-nested.conf", 1,
	    "bad-macro-nested.conf:3: $ inside a macro's value" },
	{ "bad-macro-undefined.conf", 1,
	    "bad-macro-undefined.conf:1: macro \"nowhere\" not defined" },
	{ "bad-multi.conf", 3,
	    "bad-multi.conf:4: max headers 129 out of range (1..128)" },
	{ "bad-nul.conf", 1, "bad-nul.conf:2: NUL byte in file" },
	{ "bad-number-overflow.conf", 1,
	    "bad-number-overflow.conf:1: number 99999999999999999999 is "
	    "too large" },
	{ "bad-range-argon2.conf", 1,
	    "bad-range-argon2.conf:1: argon2 memory 4096 out of range "
	    "(8192..4194304)" },
	{ "bad-range-body.conf", 1,
	    "bad-range-body.conf:2: max body 17825792 out of range "
	    "(1024..16777216)" },
	{ "bad-range-ipc.conf", 1,
	    "bad-range-ipc.conf:1: ipc timeout 99 out of range (100..60000)" },
	{ "bad-range-port.conf", 1,
	    "bad-range-port.conf:1: listen on: port 65536 out of range "
	    "(1..65535)" },
	{ "bad-range-workers.conf", 1,
	    "bad-range-workers.conf:2: task workers 65 out of range (1..64)" },
	{ "bad-relative-path.conf", 1,
	    "bad-relative-path.conf:2: var \"var/lib/moat\": must be an "
	    "absolute path" },
	{ "bad-runtime-kind.conf", 1,
	    "bad-runtime-kind.conf:1: task runtime: \"docker\" is neither "
	    "crun nor runc" },
	{ "bad-task-paths.conf", 2,
	    "bad-task-paths.conf:2: task image \"relative/image\": must be "
	    "an absolute path" },
	{ "bad-uid-range.conf", 6,
	    "bad-uid-range.conf:1: task uid-range: 100000 is not a multiple "
	    "of 65536 from 65536 to 4294836224" },
	{ "bad-check-url.conf", 3,
	    "bad-check-url.conf:1: task egress check: \"ftp://example.net/\" "
	    "is not an http or https URL" },
	{ "bad-size-suffix.conf", 1,
	    "bad-size-suffix.conf:1: invalid size \"64X\"" },
	{ "bad-string-too-long.conf", 1,
	    "bad-string-too-long.conf:1: string too long (max 4095 bytes)" },
	{ "bad-time-suffix.conf", 1,
	    "bad-time-suffix.conf:1: invalid time \"10d\"" },
	{ "bad-unknown-keyword.conf", 1,
	    "bad-unknown-keyword.conf:2: unknown keyword \"frobnicate\"" },
	{ "bad-unterminated.conf", 1,
	    "bad-unterminated.conf:1: unterminated string" },
	{ "bad-user.conf", 1,
	    "bad-user.conf:1: user taskd: only frontd, authd and stored have "
	    "a configurable user" },
	{ "bad-user-name.conf", 1,
	    "bad-user-name.conf:1: user frontd: invalid user name \"-bad\"" },
};

static void
test_bad_fixtures(void)
{
	struct moat_config	 conf;
	size_t			 i;
	int			 errors;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		errors = parse_fixture(bad[i].file, &conf);
		if (errors != bad[i].errors)
			fprintf(stderr, "  %s:\n%s", bad[i].file, logbuf);
		CHECK_INT(errors, bad[i].errors);
		CHECK(logged(bad[i].msg));
		conf_clear(&conf);
	}
}

/* After an error the parser goes on with the next line. */
static void
test_recovery(void)
{
	struct moat_config	 conf;

	CHECK_INT(parse_fixture("bad-multi.conf", &conf), 3);
	CHECK(logged("bad-multi.conf:2: task workers 0 out of range (1..64)"));
	CHECK(logged("bad-multi.conf:3: var \"relative\": must be an "
	    "absolute path"));
	CHECK_INT(conf.task.workers, 4);
	CHECK_STR(conf.var_dir, CONF_DEFAULT_VAR);
	conf_clear(&conf);

	CHECK_INT(parse_fixture("bad-unknown-keyword.conf", &conf), 1);
	CHECK_INT(conf.task.workers, 3);
	conf_clear(&conf);
	CHECK_INT(parse_fixture("bad-unterminated.conf", &conf), 1);
	CHECK_INT(conf.task.workers, 4);
	conf_clear(&conf);

	/* Errors inside a block do not end the block. */
	CHECK_INT(PARSE_STR("http {\n\tmax body 1X\n\tbogus\n\tmax headers 9\n"
	    "}\ntask workers 6\n", &conf), 2);
	CHECK(logged("test:2: invalid size \"1X\""));
	CHECK(logged("test:3: unknown keyword \"bogus\""));
	CHECK_INT(conf.http.max_headers, 9);
	CHECK_INT(conf.task.workers, 6);
	conf_clear(&conf);

	CHECK_INT(PARSE_STR("task workers\n", &conf), 1);
	CHECK(logged("test:1: syntax error at end of line"));
	conf_clear(&conf);
	CHECK_INT(PARSE_STR("task workers 4;\n", &conf), 1);
	CHECK(logged("test:1: unexpected character 0x3b"));
	conf_clear(&conf);
	CHECK_INT(PARSE_STR("\n\ntask workers 4 5\n", &conf), 1);
	CHECK(logged("test:3: syntax error at \"5\""));
	conf_clear(&conf);
	CHECK_INT(PARSE_STR("http {\n}\nhttp {\n", &conf), 1);
	CHECK(logged("test:3: http block not closed"));
	conf_clear(&conf);
}

static void
test_lexer(void)
{
	struct moat_config	 conf;
	char			 buf[CONF_MAX_LINE + 64];
	size_t			 len;

	/* CRLF line ends, tabs, a last line without a newline. */
	CHECK_INT(PARSE_STR("task\tworkers 5\r\n# c\r\nipc timeout 700", &conf),
	    0);
	CHECK_INT(conf.task.workers, 5);
	CHECK_INT(conf.ipc_timeout_ms, 700);
	conf_clear(&conf);

	CHECK_INT(PARSE_STR("var \"/a \\\"b\\\" \\\\c\"  # comment\n", &conf),
	    0);
	CHECK_STR(conf.var_dir, "/a \"b\" \\c");
	conf_clear(&conf);

	CHECK_INT(PARSE_STR("http { }\nhttp {\n\n}\n", &conf), 0);
	conf_clear(&conf);

	CHECK_INT(PARSE_STR("var \"/a\tb\"\n", &conf), 0);
	CHECK_STR(conf.var_dir, "/a\tb");
	conf_clear(&conf);
	CHECK_INT(PARSE_STR("var \"/a\033b\"\n", &conf), 1);
	CHECK(logged("test:1: control character 0x1b in string"));
	conf_clear(&conf);
	CHECK_INT(PARSE_STR("var '/a'\n", &conf), 1);
	CHECK(logged("test:1: unexpected character 0x27"));
	conf_clear(&conf);
	CHECK_INT(PARSE_STR("task workers \xc3\xa9\n", &conf), 1);
	CHECK(logged("test:1: unexpected character 0xc3"));
	conf_clear(&conf);

	/* A NUL byte is an error wherever it is, not the end of the input. */
	CHECK_INT(parse_string("task workers 5\n\0task workers 6\n", 31,
	    &conf), 1);
	CHECK(logged("test:2: NUL byte in file"));
	conf_clear(&conf);
	CHECK_INT(parse_string("# a comment\0\n", 13, &conf), 1);
	CHECK(logged("test:1: NUL byte in file"));
	conf_clear(&conf);
	CHECK_INT(parse_string("", 0, &conf), 0);
	conf_clear(&conf);

	/* The longest line passes, one byte more does not. */
	buf[0] = '#';
	memset(buf + 1, 'x', CONF_MAX_LINE - 1);
	buf[CONF_MAX_LINE] = '\n';
	CHECK_INT(parse_string(buf, CONF_MAX_LINE + 1, &conf), 0);
	conf_clear(&conf);
	buf[CONF_MAX_LINE] = 'x';
	buf[CONF_MAX_LINE + 1] = '\n';
	CHECK_INT(parse_string(buf, CONF_MAX_LINE + 2, &conf), 1);
	CHECK(logged("test:1: line too long (max 8192 bytes)"));
	conf_clear(&conf);

	/* The longest string and word pass, one byte more does not. */
	len = snprintf(buf, sizeof(buf), "var \"/");
	memset(buf + len, 'a', CONF_MAX_TOKEN - 2);
	len += CONF_MAX_TOKEN - 2;
	len += snprintf(buf + len, sizeof(buf) - len, "\"\n");
	CHECK_INT(parse_string(buf, len, &conf), 0);
	CHECK_INT(strlen(conf.var_dir), CONF_MAX_TOKEN - 1);
	conf_clear(&conf);
	memmove(buf + 6, buf + 5, len - 5);
	CHECK_INT(parse_string(buf, len + 1, &conf), 1);
	CHECK(logged("test:1: string too long (max 4095 bytes)"));
	conf_clear(&conf);
	len = snprintf(buf, sizeof(buf), "w = ");
	memset(buf + len, 'a', CONF_MAX_TOKEN - 1);
	len += CONF_MAX_TOKEN - 1;
	buf[len++] = '\n';
	CHECK_INT(parse_string(buf, len, &conf), 0);
	conf_clear(&conf);
	memmove(buf + 5, buf + 4, len - 4);
	CHECK_INT(parse_string(buf, len + 1, &conf), 1);
	CHECK(logged("test:1: word too long (max 4095 bytes)"));
	conf_clear(&conf);
}

static void
test_units(void)
{
	static const struct {
		const char	*text;
		int		 errors;
		uint32_t	 body, idle;
	} cases[] = {
		{ "http max body 1024\n", 0, 1024, 60 },
		{ "http max body 1K\n", 0, 1024, 60 },
		{ "http max body 2k\n", 0, 2048, 60 },
		{ "http max body 16M\n", 0, 16 * 1024 * 1024, 60 },
		{ "http max body 3m\n", 0, 3 * 1024 * 1024, 60 },
		{ "http max body 16777217\n", 1, 65536, 60 },
		{ "http max body 1023\n", 1, 65536, 60 },
		{ "http max body 0K\n", 1, 65536, 60 },
		{ "http max body K\n", 1, 65536, 60 },
		{ "http max body 1.5M\n", 1, 65536, 60 },
		{ "http max body -1\n", 1, 65536, 60 },
		{ "http max body 9999999999999999999M\n", 1, 65536, 60 },
		{ "http idle timeout 1\n", 0, 65536, 1 },
		{ "http idle timeout 45s\n", 0, 65536, 45 },
		{ "http idle timeout 2m\n", 0, 65536, 120 },
		{ "http idle timeout 1h\n", 0, 65536, 3600 },
		{ "http idle timeout 61m\n", 1, 65536, 60 },
		{ "http idle timeout 0\n", 1, 65536, 60 },
		{ "http idle timeout 1H\n", 1, 65536, 60 },
		{ "http idle timeout 5ms\n", 1, 65536, 60 },
	};
	struct moat_config	 conf;
	size_t			 i;
	int			 errors;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		errors = PARSE_STR(cases[i].text, &conf);
		if (errors != cases[i].errors)
			fprintf(stderr, "  case %s", cases[i].text);
		CHECK_INT(errors, cases[i].errors);
		CHECK_INT(conf.http.max_body, cases[i].body);
		CHECK_INT(conf.http.idle_timeout, cases[i].idle);
		conf_clear(&conf);
	}
	CHECK_INT(PARSE_STR("http header timeout 5m\nhttp header timeout 301\n",
	    &conf), 1);
	CHECK_INT(conf.http.header_timeout, 300);
	CHECK(logged("test:2: header timeout 301 out of range (1..300)"));
	conf_clear(&conf);
	CHECK_INT(PARSE_STR("http max header size 64K\nhttp max header size "
	    "65537\n", &conf), 1);
	CHECK_INT(conf.http.max_header_bytes, 65536);
	conf_clear(&conf);
}

static void
test_listen(void)
{
	struct moat_config	 conf;
	char			 buf[2048];
	size_t			 len = 0;
	int			 i;

	CHECK_INT(PARSE_STR("listen on localhost port 1\nlisten on \"*\"\n"
	    "listen on 2001:db8::1 port 65535\nlisten on ::\n"
	    "listen on ::ffff:10.0.0.1\n", &conf), 0);
	CHECK_INT(listen_count(&conf), 5);
	CHECK_STR(listen_name(&conf, 0), "127.0.0.1:1");
	CHECK_STR(listen_name(&conf, 1), "0.0.0.0:8443");
	CHECK_STR(listen_name(&conf, 2), "[2001:db8::1]:65535");
	CHECK_STR(listen_name(&conf, 3), "[::]:8443");
	CHECK_STR(listen_name(&conf, 4), "[::ffff:10.0.0.1]:8443");
	/* Configured listeners replace the default one. */
	CHECK_INT(conf_finalize(&conf), 0);
	CHECK_INT(listen_count(&conf), 5);
	conf_clear(&conf);

	/* "localhost" and 127.0.0.1 are the same address. */
	CHECK_INT(PARSE_STR("listen on 127.0.0.1 port 80\n"
	    "listen on localhost port 80\n", &conf), 1);
	CHECK(logged("test:2: listen on: duplicate address 127.0.0.1:80"));
	conf_clear(&conf);
	CHECK_INT(PARSE_STR("listen on 127.0.0.1 port 0\n", &conf), 1);
	CHECK(logged("test:1: listen on: port 0 out of range (1..65535)"));
	conf_clear(&conf);
	CHECK_INT(PARSE_STR("listen on 127.1\n", &conf), 1);
	conf_clear(&conf);
	CHECK_INT(PARSE_STR("listen on ::1::2\n", &conf), 1);
	conf_clear(&conf);
	CHECK_INT(PARSE_STR("listen on\n", &conf), 1);
	CHECK(logged("test:1: syntax error at end of line"));
	conf_clear(&conf);

	for (i = 0; i < CONF_MAX_LISTEN; i++)
		len += snprintf(buf + len, sizeof(buf) - len,
		    "listen on ::1 port %d\n", 1000 + i);
	CHECK_INT(parse_string(buf, len, &conf), 0);
	CHECK_INT(listen_count(&conf), CONF_MAX_LISTEN);
	conf_clear(&conf);
}

/* acme directory and listen acme */
static void
test_acme(void)
{
	struct moat_config	 conf;
	char			 buf[4096], ca[] = "/tmp/moat-test-ca-XXXXXX";
	size_t			 len = 0;
	int			 fd, i;

	if ((fd = mkstemp(ca)) == -1)
		fatal("mkstemp");
	CHECK_INT(write(fd, "pem\n", 4), 4);
	close(fd);
	snprintf(buf, sizeof(buf), "acme directory \"pebble\" url "
	    "\"https://127.0.0.1:14000/dir\" ca-file \"%s\"\n"
	    "acme directory \"b.c-d_e\" url \"https://b.example\" "
	    "eab-hmac \"x_y-z\" eab-kid \"k 1\"\n" /* a space: refused */
	    "acme directory \"le\" url \"https://le.example/dir\" "
	    "eab-hmac \"x_y-z\" eab-kid \"k1\"\n", ca);
	CHECK_INT(PARSE_STR(buf, &conf), 1);
	CHECK(logged("test:2: acme directory: \"b.c-d_e\": eab-kid must be "
	    "printable"));
	CHECK_INT(conf.nacme, 2);
	CHECK_STR(conf.acme[0].ca_file, ca);
	CHECK_STR(conf.acme[1].name, "le");
	CHECK_STR(conf.acme[1].eab_kid, "k1");
	CHECK_INT(conf_finalize(&conf), 0);
	/* an acme listener alone does not replace the default HTTPS one */
	conf_clear(&conf);
	CHECK_INT(PARSE_STR("listen acme on ::1 port 8080\n", &conf), 0);
	CHECK_INT(conf_finalize(&conf), 0);
	CHECK_INT(listen_count(&conf), 2);
	CHECK_STR(listen_name(&conf, 0), "[::1]:8080");
	CHECK_STR(listen_name(&conf, 1), "127.0.0.1:8443");
	CHECK_INT(TAILQ_FIRST(&conf.listeners)->acme, 1);
	conf_clear(&conf);
	/* listen ssh: port 2222 by default, not an HTTPS listener either */
	CHECK_INT(PARSE_STR("listen ssh on *\n", &conf), 0);
	CHECK_INT(conf_finalize(&conf), 0);
	CHECK_INT(listen_count(&conf), 2);
	CHECK_STR(listen_name(&conf, 0), "0.0.0.0:2222");
	CHECK_INT(TAILQ_FIRST(&conf.listeners)->ssh, 1);
	CHECK_INT(TAILQ_FIRST(&conf.listeners)->acme, 0);
	conf_clear(&conf);
	CHECK_INT(PARSE_STR("listen ssh on ::1 port 0\n", &conf), 1);
	CHECK(logged("test:1: listen ssh on: port 0 out of range"));
	conf_clear(&conf);
	/* port 80 by default; one address for one listener of any kind */
	CHECK_INT(PARSE_STR("listen acme on localhost\n"
	    "listen on 127.0.0.1 port 80\n", &conf), 1);
	CHECK(logged("test:2: listen on: duplicate address 127.0.0.1:80"));
	conf_clear(&conf);

	CHECK_INT(PARSE_STR("acme directory \"a\" url \"https://x/\" "
	    "ca-file \"/nonexistent/ca.pem\"\n", &conf), 0);
	capture_start();
	CHECK_INT(conf_finalize(&conf), -1);
	capture_end();
	CHECK(logged("acme directory \"a\": ca-file /nonexistent/ca.pem: "
	    "No such file"));
	conf_clear(&conf);
	CHECK_INT(PARSE_STR("acme directory \"a\" url \"https://x/\" "
	    "ca-file \"/tmp\"\n", &conf), 0);
	capture_start();
	CHECK_INT(conf_finalize(&conf), -1);
	capture_end();
	CHECK(logged("not a regular file"));
	conf_clear(&conf);

	CHECK_INT(PARSE_STR("acme directory \"a\" url \"https://x/\"\n"
	    "acme directory \"a\" url \"https://y/\"\n", &conf), 1);
	CHECK(logged("test:2: acme directory: \"a\": duplicate name"));
	conf_clear(&conf);
	CHECK_INT(PARSE_STR("acme directory \"a\" url \"http://x/\"\n"
	    "acme directory \"b\" url \"https://\"\n"
	    "acme directory \"c\" url \"https://u:p@x/\"\n"
	    "acme directory \"d\" url \"https:///x\"\n", &conf), 4);
	CHECK(logged("test:1: acme directory: \"a\": url must be https"));
	conf_clear(&conf);
	CHECK_INT(PARSE_STR("acme directory \"a\" url \"https://x/\" "
	    "eab-kid \"k\"\n"
	    "acme directory \"b\" url \"https://x/\" eab-hmac \"k\"\n"
	    "acme directory \"c\" url \"https://x/\" eab-kid \"k\" "
	    "eab-hmac \"a+b=\"\n"
	    "acme directory \"d\" url \"https://x/\" ca-file \"rel\"\n"
	    "acme directory \"e\" url \"https://x/\" ca-file \"/a\" "
	    "ca-file \"/b\"\n"
	    "acme directory \"\" url \"https://x/\"\n"
	    "acme directory \"a/b\" url \"https://x/\"\n"
	    "acme directory url \"https://x/\"\n", &conf), 8);
	CHECK(logged("test:1: acme directory: \"a\": eab-kid and eab-hmac "
	    "must be given together"));
	CHECK(logged("test:3: acme directory: \"c\": eab-hmac must be "
	    "base64url"));
	CHECK(logged("test:4: acme directory: \"d\": ca-file must be an "
	    "absolute path"));
	CHECK(logged("test:5: acme directory: ca-file given twice"));
	CHECK_INT(conf.nacme, 0);
	conf_clear(&conf);

	for (i = 0; i <= CONF_MAX_ACME_DIRS; i++)
		len += snprintf(buf + len, sizeof(buf) - len,
		    "acme directory \"d%d\" url \"https://x/%d\"\n", i, i);
	CHECK_INT(parse_string(buf, len, &conf), 1);
	CHECK(logged("more than 16 directories"));
	CHECK_INT(conf.nacme, CONF_MAX_ACME_DIRS);
	conf_clear(&conf);
	unlink(ca);
}

static void
test_users_and_paths(void)
{
	struct moat_config	 conf;
	char			 buf[256];

	CHECK_INT(PARSE_STR("user authd \"moat.auth-1\"\nuser stored _x\n",
	    &conf), 0);
	CHECK_STR(conf.user[PROC_AUTHD], "moat.auth-1");
	CHECK_STR(conf.user[PROC_STORED], "_x");
	conf_clear(&conf);
	CHECK_INT(PARSE_STR("user moatd \"x\"\nuser nobody \"x\"\n"
	    "user frontd \"\"\nuser frontd \"a b\"\n", &conf), 4);
	CHECK_STR(conf.user[PROC_FRONTD], "_moatfront");
	conf_clear(&conf);
	/* 63 bytes fit in user[], 64 do not. */
	snprintf(buf, sizeof(buf), "user frontd \"%.63s\"\n",
	    "uuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuu");
	CHECK_INT(PARSE_STR(buf, &conf), 0);
	CHECK_INT(strlen(conf.user[PROC_FRONTD]), 63);
	conf_clear(&conf);
	snprintf(buf, sizeof(buf), "user frontd \"%.64s\"\n",
	    "uuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuu");
	CHECK_INT(PARSE_STR(buf, &conf), 1);
	CHECK(logged("test:1: user frontd: invalid user name"));
	conf_clear(&conf);

	CHECK_INT(PARSE_STR("database directory \"db\"\nchroot \"\"\n"
	    "tls certificate \"c\"\ntls key \"./k\"\nmaster key \"~/m\"\n"
	    "control socket \"s\"\n", &conf), 6);
	CHECK(logged("test:1: database directory \"db\": must be an absolute"));
	CHECK(logged("test:6: control socket \"s\": must be an absolute"));
	conf_clear(&conf);

	CHECK_INT(PARSE_STR("control socket \"/run/"
	    "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
	    "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx.sock\"\n",
	    &conf), 1);
	CHECK(logged("test:1: control socket: path longer than 107 bytes"));
	conf_clear(&conf);
}

static void
test_identity(void)
{
	struct moat_config	 conf;
	char			 buf[1024];
	size_t			 len = 0;
	int			 i;

	/* the defaults */
	conf_init(&conf);
	CHECK_INT(conf.session[DIALECT_V1].lifetime, 12 * 3600);
	CHECK_INT(conf.session[DIALECT_V1].idle, 3600);
	CHECK_INT(conf.session[DIALECT_CCE].lifetime, 3600);
	CHECK_INT(conf.limits.auth_failures, 10);
	CHECK_INT(conf.limits.invalid_tokens, 100);
	CHECK_INT(conf.limits.api_requests, 100);
	CHECK_INT(conf.limits.login_lifetime, 300);
	CHECK_INT(conf.limits.nproxies, 0);
	CHECK_INT(conf.http.max_per_address, 128);
	conf_clear(&conf);

	CHECK_INT(PARSE_STR("session v1 lifetime 2h idle 10m\n"
	    "session cce lifetime 600\nsession apiv1 lifetime 1h idle 1h\n"
	    "login lifetime 1m\nlimit auth failures 3\n"
	    "limit invalid tokens 50\nlimit api requests 1000000\n"
	    "trusted proxy 10.0.0.1\ntrusted proxy \"2001:db8::1\"\n"
	    "http max connections per address 4\n", &conf), 0);
	CHECK_INT(conf.session[DIALECT_V1].lifetime, 7200);
	CHECK_INT(conf.session[DIALECT_V1].idle, 600);
	/* without idle, a session may idle all its life */
	CHECK_INT(conf.session[DIALECT_CCE].lifetime, 600);
	CHECK_INT(conf.session[DIALECT_CCE].idle, 600);
	CHECK_INT(conf.session[DIALECT_APIV1].idle, 3600);
	CHECK_INT(conf.session[DIALECT_ACCOUNT].lifetime, 12 * 3600);
	CHECK_INT(conf.limits.login_lifetime, 60);
	CHECK_INT(conf.limits.auth_failures, 3);
	CHECK_INT(conf.limits.invalid_tokens, 50);
	CHECK_INT(conf.limits.api_requests, 1000000);
	CHECK_INT(conf.limits.nproxies, 2);
	CHECK_INT(conf.limits.proxies[0].ss_family, AF_INET);
	CHECK_INT(conf.limits.proxies[1].ss_family, AF_INET6);
	CHECK_INT(conf.http.max_per_address, 4);
	conf_clear(&conf);

	/* each wrong value, with its line and reason */
	CHECK_INT(PARSE_STR("session web lifetime 1h\n", &conf), 1);
	CHECK(logged("test:1: session: unknown dialect \"web\""));
	conf_clear(&conf);
	CHECK_INT(PARSE_STR("session v1 lifetime 59\n", &conf), 1);
	CHECK(logged("session lifetime 59 out of range (60..2592000)"));
	conf_clear(&conf);
	CHECK_INT(PARSE_STR("session v1 lifetime 1h idle 2h\n", &conf), 1);
	CHECK(logged("session idle 7200 out of range (60..3600)"));
	conf_clear(&conf);
	CHECK_INT(PARSE_STR("login lifetime 29\n", &conf), 1);
	CHECK(logged("login lifetime 29 out of range (30..86400)"));
	conf_clear(&conf);
	CHECK_INT(PARSE_STR("limit auth failures 0\n", &conf), 1);
	CHECK(logged("limit 0 out of range (1..1000000)"));
	conf_clear(&conf);
	CHECK_INT(PARSE_STR("limit api requests 1000001\n", &conf), 1);
	conf_clear(&conf);
	CHECK_INT(PARSE_STR("limit logins 5\n", &conf), 1);
	conf_clear(&conf);
	CHECK_INT(PARSE_STR("trusted proxy proxy.example\n", &conf), 1);
	CHECK(logged("trusted proxy: \"proxy.example\" is not an IP address"));
	conf_clear(&conf);
	CHECK_INT(PARSE_STR("trusted proxy 10.0.0.0/8\n", &conf), 1);
	conf_clear(&conf);
	CHECK_INT(PARSE_STR("http max connections per address 0\n", &conf),
	    1);
	conf_clear(&conf);
	for (i = 0; i <= CONF_MAX_PROXIES; i++)
		len += snprintf(buf + len, sizeof(buf) - len,
		    "trusted proxy 10.0.0.%d\n", i + 1);
	CHECK_INT(parse_string(buf, len, &conf), 1);
	CHECK(logged("test:17: trusted proxy: more than 16"));
	CHECK_INT(conf.limits.nproxies, CONF_MAX_PROXIES);
	conf_clear(&conf);
}

/* egress allow endpoint: ranges, checked, at most 16, dumped back */
static void
test_egress_allow(void)
{
	struct moat_config	 conf, again;
	char			 buf[2048], *out = NULL;
	size_t			 len = 0, outlen = 0;
	FILE			*fp;
	int			 i;

	conf_init(&conf);
	CHECK_INT(conf.egress.nallow, 0);
	conf_clear(&conf);
	CHECK_INT(PARSE_STR("egress allow endpoint 127.0.0.0/8\n"
	    "egress allow endpoint \"::1\"\n"
	    "egress allow endpoint 169.254.169.254\n", &conf), 0);
	CHECK_INT(conf.egress.nallow, 3);
	CHECK_STR(conf.egress.allow[0], "127.0.0.0/8");
	CHECK_STR(conf.egress.allow[1], "::1");
	CHECK_STR(conf.egress.allow[2], "169.254.169.254");
	CHECK_INT(conf_finalize(&conf), 0);
	if ((fp = open_memstream(&out, &outlen)) == NULL)
		fatal("open_memstream");
	conf_dump(fp, &conf);
	fclose(fp);
	CHECK(strstr(out, "egress allow endpoint \"127.0.0.0/8\"\n"
	    "egress allow endpoint \"::1\"\n") != NULL);
	CHECK_INT(parse_string(out, outlen, &again), 0);
	CHECK_INT(again.egress.nallow, 3);
	CHECK_STR(again.egress.allow[2], "169.254.169.254");
	conf_clear(&again);
	free(out);
	conf_clear(&conf);

	CHECK_INT(PARSE_STR("egress allow endpoint localhost\n", &conf), 1);
	CHECK(logged("test:1: egress allow endpoint: \"localhost\" is not "
	    "an address or a range"));
	conf_clear(&conf);
	CHECK_INT(PARSE_STR("egress allow endpoint 10.0.0.0/33\n", &conf), 1);
	conf_clear(&conf);
	CHECK_INT(PARSE_STR("egress allow 127.0.0.1\n", &conf), 1);
	conf_clear(&conf);
	for (i = 0; i <= CONF_MAX_EGRESS_ALLOW; i++)
		len += snprintf(buf + len, sizeof(buf) - len,
		    "egress allow endpoint 127.0.0.%d\n", i + 1);
	CHECK_INT(parse_string(buf, len, &conf), 1);
	CHECK(logged("test:17: egress allow endpoint: more than 16"));
	CHECK_INT(conf.egress.nallow, CONF_MAX_EGRESS_ALLOW);
	conf_clear(&conf);
}

/* write text to a new temporary file, its path in path */
static void
temp_file(char *path, const char *text)
{
	int	 fd;

	if ((fd = mkstemp(path)) == -1)
		fatal("mkstemp");
	CHECK_INT(write(fd, text, strlen(text)), (long long)strlen(text));
	close(fd);
}

/* cce schema: read whole at finalize, refused with the file's line */
static void
test_cce_schema(void)
{
	struct moat_config	 conf;
	char			 buf[PATH_MAX + 64], tree[PATH_MAX];
	char			 broken[] = "/tmp/moat-test-cce-XXXXXX";
	char			 two[] = "/tmp/moat-test-cce-XXXXXX";
	uint32_t		 i;
	int			 found = 0;

	/* the tree's file: its password properties are found */
	if (realpath("etc/cce.schema", tree) == NULL)
		fatal("realpath etc/cce.schema");
	snprintf(buf, sizeof(buf), "cce schema \"%s\"\n", tree);
	CHECK_INT(PARSE_STR(buf, &conf), 0);
	CHECK_INT(conf.cce_schema_set, 1);
	CHECK_INT(conf_finalize(&conf), 0);
	CHECK_STR(conf.cce_schema, tree);
	CHECK(conf.cce_npasswords >= 2);
	for (i = 0; i < conf.cce_npasswords; i++)
		found += strcmp(conf.cce_passwords[i], "password") == 0 ||
		    strcmp(conf.cce_passwords[i], "MYSQL_Vsite.pass") == 0;
	CHECK_INT(found, 2);
	conf_clear(&conf);

	/* a broken schema: moatd -n says which line */
	temp_file(broken, "typedef t \"^a$\"\nclass X {\n\tn int default "
	    "\"many\"\n}\n");
	snprintf(buf, sizeof(buf), "cce schema \"%s\"\n", broken);
	CHECK_INT(PARSE_STR(buf, &conf), 0);
	capture_start();
	CHECK_INT(conf_finalize(&conf), -1);
	capture_end();
	CHECK(logged("line 3: default of n"));
	CHECK(logged(broken));
	conf_clear(&conf);
	/* one password name twice is sent once, a namespace's with its
	 * namespace; a scalar of the same name elsewhere is none */
	temp_file(two, "class A {\n\tpw password\n}\nclass B {\n\tpw "
	    "password\n\tx int\n}\nnamespace B.N {\n\tpw password\n\t"
	    "x scalar\n}\nnamespace A.M {\n\tpw scalar\n}\n");
	snprintf(buf, sizeof(buf), "cce schema \"%s\"\n", two);
	CHECK_INT(PARSE_STR(buf, &conf), 0);
	CHECK_INT(conf_finalize(&conf), 0);
	CHECK_INT(conf.cce_npasswords, 2);
	CHECK_STR(conf.cce_passwords[0], "pw");
	CHECK_STR(conf.cce_passwords[1], "N.pw");
	conf_clear(&conf);

	/* named but absent, a directory, relative: refused */
	CHECK_INT(PARSE_STR("cce schema \"/nonexistent/cce.schema\"\n",
	    &conf), 0);
	capture_start();
	CHECK_INT(conf_finalize(&conf), -1);
	capture_end();
	CHECK(logged("cce schema \"/nonexistent/cce.schema\": No such file"));
	conf_clear(&conf);
	CHECK_INT(PARSE_STR("cce schema \"/tmp\"\n", &conf), 0);
	capture_start();
	CHECK_INT(conf_finalize(&conf), -1);
	capture_end();
	CHECK(logged("not a regular file"));
	conf_clear(&conf);
	CHECK_INT(PARSE_STR("cce schema \"rel/cce.schema\"\n", &conf), 1);
	CHECK(logged("test:1: cce schema \"rel/cce.schema\": must be an "
	    "absolute path"));
	conf_clear(&conf);
	/* the default, absent: said, not refused; "cce" is still a
	 * dialect's name */
	CHECK_INT(PARSE_STR("session cce lifetime 600\n", &conf), 0);
	CHECK_INT(conf.cce_schema_set, 0);
	CHECK_INT(conf.session[DIALECT_CCE].lifetime, 600);
	CHECK_INT(conf_finalize(&conf), 0);
	CHECK_STR(conf.cce_schema, CONF_DEFAULT_CCE_SCHEMA);
	CHECK_INT(conf.cce_schema_absent,
	    access(CONF_DEFAULT_CCE_SCHEMA, F_OK) == -1);
	conf_clear(&conf);
	unlink(broken);
	unlink(two);
}

static void
test_finalize(void)
{
	struct moat_config	 conf;

	CHECK_INT(parse_fixture("bad-tls-half.conf", &conf), 0);
	capture_start();
	CHECK_INT(conf_finalize(&conf), -1);
	capture_end();
	CHECK(logged("tls certificate and tls key must be given together"));
	conf_clear(&conf);

	CHECK_INT(PARSE_STR("tls key \"/k\"\n", &conf), 0);
	capture_start();
	CHECK_INT(conf_finalize(&conf), -1);
	capture_end();
	conf_clear(&conf);

	/* Set by a program, not the parser: finalize still checks. */
	conf_init(&conf);
	(void)strlcpy(conf.var_dir, "relative", sizeof(conf.var_dir));
	capture_start();
	CHECK_INT(conf_finalize(&conf), -1);
	capture_end();
	CHECK(logged("var \"relative\": must be an absolute path"));
	conf_clear(&conf);

	conf_init(&conf);
	(void)strlcpy(conf.master_key, "master.key", sizeof(conf.master_key));
	capture_start();
	CHECK_INT(conf_finalize(&conf), -1);
	capture_end();
	CHECK(logged("master key \"master.key\": must be an absolute path"));
	conf_clear(&conf);

	/* A long var leaves no room for the socket's derived path. */
	conf_init(&conf);
	memset(conf.var_dir, 'v', 100);
	conf.var_dir[0] = '/';
	conf.var_dir[100] = '\0';
	capture_start();
	CHECK_INT(conf_finalize(&conf), -1);
	capture_end();
	CHECK(logged("control socket \"/vvv"));
	conf_clear(&conf);

	/* "/" as var does not give "//db". */
	CHECK_INT(PARSE_STR("var \"/\"\n", &conf), 0);
	CHECK_INT(conf_finalize(&conf), 0);
	CHECK_STR(conf.db_dir, "/db");
	CHECK_STR(conf.tls_key, "/tls/server.key");
	conf_clear(&conf);
}

/* What conf_dump() prints parses back to the same configuration. */
static void
test_dump(void)
{
	struct moat_config	 conf, again;
	char			*out1 = NULL, *out2 = NULL;
	size_t			 len1 = 0, len2 = 0;
	FILE			*fp;
	const char		*files[] = { "good-full.conf",
	    "good-empty.conf", "good-macros.conf", "good-oneline.conf",
	    "good-acme.conf" };
	size_t			 i;

	for (i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		CHECK_INT(parse_fixture(files[i], &conf), 0);
		CHECK_INT(conf_finalize(&conf), 0);
		if ((fp = open_memstream(&out1, &len1)) == NULL)
			fatal("open_memstream");
		conf_dump(fp, &conf);
		fclose(fp);

		CHECK_INT(parse_string(out1, len1, &again), 0);
		CHECK_INT(conf_finalize(&again), 0);
		if ((fp = open_memstream(&out2, &len2)) == NULL)
			fatal("open_memstream");
		conf_dump(fp, &again);
		fclose(fp);
		CHECK_STR(out1, out2);
		CHECK_INT(again.tls_generate, conf.tls_generate);
		conf_clear(&conf);
		conf_clear(&again);
		free(out1);
		free(out2);
	}

	CHECK_INT(PARSE_STR("var \"/q\\\"x\\\\\"\nlog verbose\n", &conf), 0);
	CHECK_INT(conf_finalize(&conf), 0);
	if ((fp = open_memstream(&out1, &len1)) == NULL)
		fatal("open_memstream");
	conf_dump(fp, &conf);
	fclose(fp);
	CHECK(strstr(out1, "var \"/q\\\"x\\\\\"\n") != NULL);
	CHECK(strstr(out1, "\nlog verbose\n") != NULL);
	CHECK(strstr(out1, "# tls key \"/q\\\"x\\\\/tls/server.key\"") != NULL);
	CHECK(strstr(out1, "\tmax body 64K\n") != NULL);
	free(out1);
	conf_clear(&conf);
}

static void
test_sample(void)
{
	struct moat_config	 conf;
	const char		*path;
	char			 buf[PATH_MAX];

	if ((path = getenv("MOAT_TEST_SAMPLE_CONF")) == NULL) {
		if ((size_t)snprintf(buf, sizeof(buf),
		    "%s/../../../etc/moatd.conf", fixdir) >= sizeof(buf))
			fatalx("sample path too long");
		path = buf;
	}
	conf_init(&conf);
	capture_start();
	CHECK_INT(conf_parse_file(path, &conf), 0);
	CHECK_INT(conf_finalize(&conf), 0);
	capture_end();
	CHECK_STR(logbuf, "");
	CHECK_STR(conf.var_dir, CONF_DEFAULT_VAR);
	conf_clear(&conf);
}

int
main(int argc, char *argv[])
{
	const char	*dir;

	if (argc > 1)
		dir = argv[1];
	else if ((dir = getenv("MOAT_TEST_FIXTURES")) == NULL)
		dir = "regress/unit/conf";
	(void)strlcpy(fixdir, dir, sizeof(fixdir));
	log_init(1, 0);

	RUN(test_defaults);
	RUN(test_full);
	RUN(test_oneline);
	RUN(test_macros);
	RUN(test_macro_limits);
	RUN(test_cmdline_macros);
	RUN(test_include);
	RUN(test_include_depth);
	RUN(test_file_size);
	RUN(test_bad_fixtures);
	RUN(test_recovery);
	RUN(test_lexer);
	RUN(test_units);
	RUN(test_listen);
	RUN(test_acme);
	RUN(test_users_and_paths);
	RUN(test_identity);
	RUN(test_egress_allow);
	RUN(test_cce_schema);
	RUN(test_finalize);
	RUN(test_dump);
	RUN(test_sample);
	conf_clear_macros();
	return test_report("conf");
}
