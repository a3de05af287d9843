/*
 * Every helper in common/: logging, randomness, small I/O, addresses,
 * the process table, and the sandbox mechanisms, each sandbox test in a
 * forked child so that the filter does not bind the test runner.
 */
#include <sys/types.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <netinet/in.h>
#include <arpa/inet.h>

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cidr.h"
#include "dialect.h"
#include "egresscheck.h"
#include "grant.h"
#include "hmac.h"
#include "log.h"
#include "ratelimit.h"
#include "proc.h"
#include "sandbox.h"
#include "test.h"
#include "util.h"

static void
test_log_sanitize(void)
{
	char	 out[64];

	CHECK_STR(log_sanitize(out, sizeof(out), "plain", 5), "plain");
	CHECK_STR(log_sanitize(out, sizeof(out), "a\nb\r\x1b[0m", 8),
	    "a\\x0ab\\x0d\\x1b[0m");
	CHECK_STR(log_sanitize(out, sizeof(out), "nul\0x", 5), "nul\\x00x");
	CHECK_STR(log_sanitize(out, sizeof(out), "back\\slash", 10),
	    "back\\x5cslash");
	CHECK_STR(log_sanitize(out, sizeof(out), "\xff\x80", 2),
	    "\\xff\\x80");
	/* truncation never splits an escape and always terminates */
	CHECK_STR(log_sanitize(out, 6, "\n\n\n", 3), "\\x0a");
	CHECK_STR(log_sanitize(out, 4, "abcdef", 6), "abc");
	CHECK_STR(log_sanitize(out, 1, "abc", 3), "");
}

static void
test_random(void)
{
	unsigned char	 a[32], b[32];
	char		 s[21], t[21];
	size_t		 i;
	int		 ok = 1;

	random_bytes(a, sizeof(a));
	random_bytes(b, sizeof(b));
	CHECK(memcmp(a, b, sizeof(a)) != 0);
	random_string(s, 20, "ab");
	CHECK_INT(strlen(s), 20);
	for (i = 0; i < 20; i++)
		if (s[i] != 'a' && s[i] != 'b')
			ok = 0;
	CHECK(ok);
	random_string(s, 20, "ABCDEFGHJKLMNPQRSTUVWXYZ23456789");
	random_string(t, 20, "ABCDEFGHJKLMNPQRSTUVWXYZ23456789");
	CHECK(strcmp(s, t) != 0);
	random_string(s, 0, "x");
	CHECK_STR(s, "");
}

static void
test_uuid(void)
{
	char	 u[37], v[37];
	int	 i, ok = 1;

	uuid_v4(u);
	uuid_v4(v);
	CHECK_INT(strlen(u), 36);
	CHECK(strcmp(u, v) != 0);
	CHECK(u[8] == '-' && u[13] == '-' && u[18] == '-' && u[23] == '-');
	CHECK(u[14] == '4');
	CHECK(strchr("89ab", u[19]) != NULL);
	for (i = 0; i < 36; i++)
		if (u[i] != '-' && strchr("0123456789abcdef", u[i]) == NULL)
			ok = 0;
	CHECK(ok);
}

static void
test_read_all_fd(void)
{
	char	 buf[16];
	int	 p[2];

	CHECK_INT(pipe(p), 0);
	CHECK_INT(write(p[1], "0123456789", 10), 10);
	close(p[1]);
	CHECK_INT(read_all_fd(p[0], buf, sizeof(buf)), 10);
	CHECK(memcmp(buf, "0123456789", 10) == 0);
	close(p[0]);
	/* exactly the capacity fits */
	CHECK_INT(pipe(p), 0);
	CHECK_INT(write(p[1], "0123456789abcdef", 16), 16);
	close(p[1]);
	CHECK_INT(read_all_fd(p[0], buf, sizeof(buf)), 16);
	close(p[0]);
	/* one byte more does not */
	CHECK_INT(pipe(p), 0);
	CHECK_INT(write(p[1], "0123456789abcdefX", 17), 17);
	close(p[1]);
	CHECK_INT(read_all_fd(p[0], buf, sizeof(buf)), -1);
	close(p[0]);
	CHECK_INT(read_all_fd(-1, buf, sizeof(buf)), -1);
}

static void
test_time(void)
{
	char		 d[32];
	uint64_t	 a, b;

	a = monotonic_ms();
	usleep(20000);
	b = monotonic_ms();
	CHECK(b >= a + 15 && b < a + 2000);
	CHECK_STR(format_duration(0, d, sizeof(d)), "00:00:00");
	CHECK_STR(format_duration(3661, d, sizeof(d)), "01:01:01");
	CHECK_STR(format_duration(86400 * 3 + 5, d, sizeof(d)),
	    "3d 00:00:05");
}

static void
test_proc_table(void)
{
	enum proc_id	 id;
	int		 a, b, sym = 1;

	CHECK_STR(proc_name(PROC_FRONTD), "frontd");
	CHECK_STR(proc_name(PROC_MAX), "unknown");
	CHECK_INT(proc_by_name("stored", &id), 0);
	CHECK_INT(id, PROC_STORED);
	CHECK_INT(proc_by_name("nosuch", &id), -1);
	CHECK_INT(proc_link_fd(PROC_MOATD), 3);
	CHECK_INT(proc_link_fd(PROC_TASKD), 7);
	for (a = 0; a < PROC_MAX; a++)
		for (b = 0; b < PROC_MAX; b++)
			if (proc_linked(a, b) != proc_linked(b, a))
				sym = 0;
	CHECK(sym);
	/* frontd has no link to taskd, moatctl only to moatd */
	CHECK_INT(proc_linked(PROC_FRONTD, PROC_TASKD), 0);
	CHECK_INT(proc_linked(PROC_MOATCTL, PROC_STORED), 0);
	CHECK_INT(proc_linked(PROC_FRONTD, PROC_STORED), 1);
	CHECK_INT(proc_linked(PROC_AUTHD, PROC_STORED), 1);
	CHECK_INT(proc_linked(PROC_MAX, PROC_MOATD), 0);
	CHECK_STR(proc_default_user(PROC_STORED), "_moatdb");
	CHECK_STR(proc_default_user(PROC_TASKD), "root");
}

/*
 * Runs fn in a child under policy; returns the child's wait status.
 */
static int
in_sandbox(const struct sandbox_policy *p, int (*fn)(void))
{
	pid_t	 pid;
	int	 status;

	fflush(stderr);
	if ((pid = fork()) == 0) {
		sandbox_enter(p);
		_exit(fn());
	}
	if (waitpid(pid, &status, 0) != pid)
		return -1;
	return status;
}

static int
try_execve(void)
{
	char	*argv[] = { "/bin/true", NULL };
	char	*envp[] = { NULL };

	execve(argv[0], argv, envp);
	return 3;
}

static int
try_open(void)
{
	int	 fd = open("/etc/passwd", O_RDONLY);

	/* soft denial: EACCES, and the process lives on */
	return fd == -1 && errno == EACCES ? 0 : 4;
}

static int
try_socket_inet(void)
{
	int	 fd = socket(AF_INET, SOCK_STREAM, 0);

	return fd == -1 && errno == EACCES ? 0 : 5;
}

static int
try_fork(void)
{
	pid_t	 pid = fork();

	if (pid == 0)
		_exit(0);
	return 6;
}

static int
try_exec_memory(void)
{
	void	*p;

	p = mmap(NULL, 4096, PROT_READ | PROT_WRITE | PROT_EXEC,
	    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	return p == MAP_FAILED ? 8 : 7;
}

static int
try_prlimit_other(void)
{
	struct rlimit	 rl;

	/* its own limits are fine, another process's are not */
	if (prlimit(0, RLIMIT_NOFILE, NULL, &rl) == -1)
		return 13;
	prlimit(getppid(), RLIMIT_NOFILE, NULL, &rl);
	return 14;
}

static int
stdio_works(void)
{
	char	*p = malloc(1 << 20);

	if (p == NULL)
		return 9;
	memset(p, 1, 1 << 20);
	free(p);
	return getpid() > 0 ? 0 : 10;
}

static void
test_seccomp(void)
{
	static const struct sandbox_policy p = {
		.name = "test",
		.groups = SB_STDIO | SB_EVENT | SB_IPC,
		.no_files = 1,
	};
	int	 st;

	st = in_sandbox(&p, stdio_works);
	CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0);
	st = in_sandbox(&p, try_execve);
	CHECK(WIFSIGNALED(st) && WTERMSIG(st) == SIGSYS);
	st = in_sandbox(&p, try_open);
	CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0);
	st = in_sandbox(&p, try_socket_inet);
	CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0);
	st = in_sandbox(&p, try_fork);
	CHECK(WIFSIGNALED(st) && WTERMSIG(st) == SIGSYS);
	st = in_sandbox(&p, try_exec_memory);
	CHECK(WIFSIGNALED(st) && WTERMSIG(st) == SIGSYS);
	st = in_sandbox(&p, try_prlimit_other);
	CHECK(WIFSIGNALED(st) && WTERMSIG(st) == SIGSYS);
}

static char	 ll_dir[64];

static int
landlock_inside(void)
{
	char	 path[128];
	int	 fd;

	snprintf(path, sizeof(path), "%s/f", ll_dir);
	if ((fd = open(path, O_RDWR | O_CREAT, 0600)) == -1)
		return 11;
	close(fd);
	/* outside the granted directory: refused by Landlock */
	if (open("/etc/hostname", O_RDONLY) != -1 || errno != EACCES)
		return 12;
	return 0;
}

static void
test_landlock(void)
{
	struct sandbox_path	 path;
	struct sandbox_policy	 p;
	int			 st;

	if (sandbox_landlock_abi() == 0) {
		/* the kernel lacks Landlock: the warning path is taken */
		CHECK_INT(sandbox_landlock_abi(), 0);
		return;
	}
	strlcpy(ll_dir, "/tmp/moat-ll-XXXXXX", sizeof(ll_dir));
	CHECK(mkdtemp(ll_dir) != NULL);
	path.path = ll_dir;
	path.access = SB_FS_READ | SB_FS_WRITE;
	memset(&p, 0, sizeof(p));
	p.name = "test";
	p.groups = SB_STDIO | SB_WPATH;
	p.paths = &path;
	p.npaths = 1;
	st = in_sandbox(&p, landlock_inside);
	CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0);
	{
		char	 f[128];

		snprintf(f, sizeof(f), "%s/f", ll_dir);
		unlink(f);
		rmdir(ll_dir);
	}
}

static void
hex(const uint8_t *b, size_t n, char *out)
{
	size_t	 i;

	for (i = 0; i < n; i++)
		snprintf(out + 2 * i, 3, "%02x", b[i]);
}

static void
test_hmac(void)
{
	uint8_t	 key[131], mac[32];
	char	 h[65];

	/* RFC 4231 test cases 1, 2 and 6 */
	memset(key, 0x0b, 20);
	hmac_sha256(key, 20, "Hi There", 8, mac);
	hex(mac, 32, h);
	CHECK_STR(h, "b0344c61d8db38535ca8afceaf0bf12b"
	    "881dc200c9833da726e9376c2e32cff7");
	hmac_sha256("Jefe", 4, "what do ya want for nothing?", 28, mac);
	hex(mac, 32, h);
	CHECK_STR(h, "5bdcc146bf60754e6a042426089575c7"
	    "5a003f089d2739839dec58b964ec3843");
	memset(key, 0xaa, sizeof(key));
	hmac_sha256(key, sizeof(key), "Test Using Larger Than Block-Size Key "
	    "- Hash Key First", 54, mac);
	hex(mac, 32, h);
	CHECK_STR(h, "60e431591ee0b67f0d8a26aacbf5b77f"
	    "8e0bc6213728c5140546040f0ee37f54");
	sha256("abc", 3, mac);
	hex(mac, 32, h);
	CHECK_STR(h, "ba7816bf8f01cfea414140de5dae2223"
	    "b00361a396177a9cb410ff61f20015ad");
	CHECK(timingsafe_equal("abcd", "abcd", 4));
	CHECK(!timingsafe_equal("abcd", "abce", 4));
	CHECK(timingsafe_equal("", "x", 0));
}

static void
test_grant(void)
{
	uint8_t		 key[GRANT_KEY_LEN], other[GRANT_KEY_LEN];
	uint8_t		 buf[GRANT_LEN], bad[GRANT_LEN];
	struct grant	 g, out;
	const char	*why;
	size_t		 i;
	int		 all_caught = 1;

	random_bytes(key, sizeof(key));
	random_bytes(other, sizeof(other));
	memset(&g, 0, sizeof(g));
	g.user_oid = 42;
	g.role = ROLE_USER;
	g.scopes = SCOPE_CERTS_READ | SCOPE_APIKEYS_WRITE;
	g.kind = GRANT_APIKEY;
	g.cred_oid = 7;
	g.issued = 1000;
	g.expires = 1060;
	random_bytes(g.nonce, sizeof(g.nonce));
	grant_seal(key, &g, buf);
	CHECK_INT(grant_open(key, buf, sizeof(buf), 1030, &out, &why), 0);
	CHECK(out.user_oid == 42 && out.role == ROLE_USER &&
	    out.scopes == g.scopes && out.kind == GRANT_APIKEY &&
	    out.cred_oid == 7 && out.issued == 1000 && out.expires == 1060);
	CHECK(memcmp(out.nonce, g.nonce, 16) == 0);
	/* expired, not yet valid, wrong key, short */
	CHECK_INT(grant_open(key, buf, sizeof(buf), 1060, &out, &why), -1);
	CHECK_INT(grant_open(key, buf, sizeof(buf), 900, &out, &why), -1);
	CHECK_INT(grant_open(other, buf, sizeof(buf), 1030, &out, &why), -1);
	CHECK_STR(why, "grant with a bad MAC");
	CHECK_INT(grant_open(key, buf, sizeof(buf) - 1, 1030, &out, &why), -1);
	/* every single flipped bit is caught */
	for (i = 0; i < GRANT_LEN * 8; i++) {
		memcpy(bad, buf, sizeof(bad));
		bad[i / 8] ^= 1 << (i % 8);
		if (grant_open(key, bad, sizeof(bad), 1030, &out, &why) == 0)
			all_caught = 0;
	}
	CHECK(all_caught);
	/* a grant living longer than a minute is refused even if MACed */
	g.expires = g.issued + GRANT_MAX_AGE + 1;
	grant_seal(key, &g, buf);
	CHECK_INT(grant_open(key, buf, sizeof(buf), 1030, &out, &why), -1);
	/* an unknown role */
	g.expires = 1060;
	g.role = 9;
	grant_seal(key, &g, buf);
	CHECK_INT(grant_open(key, buf, sizeof(buf), 1030, &out, &why), -1);
}

static void
test_dialect(void)
{
	enum dialect	 d;

	CHECK_STR(dialect_name(DIALECT_CCE), "cce");
	CHECK_STR(dialect_name(DIALECT_MAX), "unknown");
	CHECK_INT(dialect_by_name("account", &d), 0);
	CHECK_INT(d, DIALECT_ACCOUNT);
	CHECK_INT(dialect_by_name("v2", &d), -1);
}

static void
test_ratelimit(void)
{
	struct ratelimit	*rl = ratelimit_new(3, 60, 4);
	uint32_t		 ra;
	int			 i, ok = 0;

	for (i = 0; i < 5; i++)
		ok += ratelimit_hit(rl, "1.2.3.4", 7, 1000, &ra);
	CHECK_INT(ok, 3);
	CHECK_INT(ra, 60);
	CHECK_INT(ratelimit_check(rl, "1.2.3.4", 7, 1030, &ra), 0);
	CHECK_INT(ra, 30);
	CHECK_INT(ratelimit_count(rl, "1.2.3.4", 7, 1030), 3);
	/* another key has its own window */
	CHECK_INT(ratelimit_hit(rl, "5.6.7.8", 7, 1030, &ra), 1);
	/* the window passes */
	CHECK_INT(ratelimit_hit(rl, "1.2.3.4", 7, 1060, &ra), 1);
	CHECK_INT(ratelimit_count(rl, "1.2.3.4", 7, 1060), 1);
	ratelimit_forget(rl, "1.2.3.4", 7);
	CHECK_INT(ratelimit_count(rl, "1.2.3.4", 7, 1060), 0);
	/* bounded: a flood of keys forgets the oldest, never grows */
	for (i = 0; i < 100; i++)
		ratelimit_hit(rl, &i, sizeof(i), 2000 + i, &ra);
	CHECK_INT(ratelimit_count(rl, "5.6.7.8", 7, 2100), 0);
	i = 99;
	CHECK_INT(ratelimit_count(rl, &i, sizeof(i), 2100), 1);
	ratelimit_set_limit(rl, 1);
	CHECK_INT(ratelimit_hit(rl, &i, sizeof(i), 2100, &ra), 0);
	ratelimit_free(rl);
}

/* Keys longer than a key are refused whole, never cut to a prefix. */
static void
test_ratelimit_long_keys(void)
{
	struct ratelimit	*rl = ratelimit_new(2, 60, 16);
	char			 a[RATELIMIT_KEY_MAX + 8], b[sizeof(a)];
	uint32_t		 ra;

	memset(a, 'a', sizeof(a));
	memcpy(b, a, sizeof(b));
	b[sizeof(b) - 1] = 'b';
	/* a key of exactly the most bytes is a key like any other */
	CHECK_INT(ratelimit_hit(rl, a, RATELIMIT_KEY_MAX, 1000, &ra), 1);
	CHECK_INT(ratelimit_count(rl, a, RATELIMIT_KEY_MAX, 1000), 1);
	/* one byte more: over every limit, never counted for the prefix */
	CHECK_INT(ratelimit_hit(rl, a, sizeof(a), 1000, &ra), 0);
	CHECK_INT(ra, 60);
	CHECK_INT(ratelimit_check(rl, b, sizeof(b), 1000, &ra), 0);
	CHECK_INT(ratelimit_count(rl, b, sizeof(b), 1000), UINT32_MAX);
	CHECK_INT(ratelimit_count(rl, a, RATELIMIT_KEY_MAX, 1000), 1);
	ratelimit_forget(rl, a, sizeof(a));
	ratelimit_unhit(rl, a, sizeof(a), 1000);
	CHECK_INT(ratelimit_count(rl, a, RATELIMIT_KEY_MAX, 1000), 1);
	ratelimit_free(rl);
}

/* A hit counted before the work it guards, taken back after. */
static void
test_ratelimit_unhit(void)
{
	struct ratelimit	*rl = ratelimit_new(2, 60, 16);
	uint32_t		 ra;

	CHECK_INT(ratelimit_hit(rl, "k", 1, 1000, &ra), 1);
	CHECK_INT(ratelimit_hit(rl, "k", 1, 1001, &ra), 1);
	/* both in flight: a third is refused before it runs */
	CHECK_INT(ratelimit_hit(rl, "k", 1, 1002, &ra), 0);
	ratelimit_unhit(rl, "k", 1, 1001);
	CHECK_INT(ratelimit_count(rl, "k", 1, 1003), 1);
	CHECK_INT(ratelimit_hit(rl, "k", 1, 1003, &ra), 1);
	/* a hit from a window that has ended takes nothing from the next */
	CHECK_INT(ratelimit_hit(rl, "k", 1, 1070, &ra), 1);
	ratelimit_unhit(rl, "k", 1, 1003);
	CHECK_INT(ratelimit_count(rl, "k", 1, 1070), 1);
	ratelimit_unhit(rl, "k", 1, 1070);
	ratelimit_unhit(rl, "k", 1, 1070);
	CHECK_INT(ratelimit_count(rl, "k", 1, 1070), 0);
	ratelimit_unhit(rl, "none", 4, 1070);
	ratelimit_free(rl);
}

/* Client addresses as keys: binary, whole, IPv6 by its /64. */
static void
test_ratelimit_addr_key(void)
{
	static const char *const same[][2] = {
		{ "192.0.2.1", "::ffff:192.0.2.1" },
		{ "2001:db8:1:2::1", "2001:db8:1:2:ffff:ffff:ffff:ffff" },
		{ "2001:0db8:0001:0002:0000:0000:0000:0001", "2001:db8:1:2::9" },
	};
	static const char *const apart[][2] = {
		{ "192.0.2.1", "192.0.2.2" },
		{ "2001:db8:1:2::1", "2001:db8:1:3::1" },
		/* two long texts alike in their first 32 bytes */
		{ "0000:0000:0000:0000:0000:ffff:198.51.100.1",
		  "0000:0000:0000:0000:0000:ffff:198.51.100.2" },
		{ "ffff:ffff:ffff:fffe:ffff:ffff:ffff:ffff",
		  "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff" },
		{ "0.0.0.0", "::" },
	};
	struct ratelimit	*rl = ratelimit_new(1, 60, 64);
	uint8_t			 ka[RATELIMIT_ADDR_KEY_MAX];
	uint8_t			 kb[RATELIMIT_ADDR_KEY_MAX];
	size_t			 la, lb, i;
	uint32_t		 ra;

	for (i = 0; i < sizeof(same) / sizeof(same[0]); i++) {
		la = ratelimit_addr_key(same[i][0], ka);
		lb = ratelimit_addr_key(same[i][1], kb);
		CHECK(la == lb && memcmp(ka, kb, la) == 0);
	}
	for (i = 0; i < sizeof(apart) / sizeof(apart[0]); i++) {
		la = ratelimit_addr_key(apart[i][0], ka);
		lb = ratelimit_addr_key(apart[i][1], kb);
		CHECK(la <= RATELIMIT_ADDR_KEY_MAX);
		CHECK(la != lb || memcmp(ka, kb, la) != 0);
		/* and so they are limited apart */
		CHECK_INT(ratelimit_hit(rl, ka, la, 1000, &ra), 1);
		CHECK_INT(ratelimit_hit(rl, kb, lb, 1000, &ra), 1);
	}
	CHECK_INT(ratelimit_addr_key("192.0.2.1", ka), 5);
	CHECK_INT(ratelimit_addr_key("2001:db8::1", ka), 9);
	/* no address: one key for all such text, apart from addresses */
	la = ratelimit_addr_key("not an address", ka);
	lb = ratelimit_addr_key("fe80::1%eth0", kb);
	CHECK(la == lb && memcmp(ka, kb, la) == 0);
	CHECK_INT(la, 1);
	ratelimit_free(rl);
}

/* Seconds since some fixed moment, with a fraction, for timing. */
static double
seconds(void)
{
	struct timespec	 ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/*
 * A full table forgets one key per insert without looking at the
 * others: 200000 keys through a table of 65536 (what an IPv6 /48 of
 * 65536 /64s can send) take well under a second, where a scan of every
 * key per insert took minutes.  The newest keys stay.
 */
static void
test_ratelimit_eviction_cost(void)
{
	struct ratelimit	*rl = ratelimit_new(10, 60, 65536);
	uint32_t		 ra, i, n = 200000;
	double			 t0 = seconds(), took;

	for (i = 0; i < n; i++) {
		ratelimit_hit(rl, &i, sizeof(i), 1000 + i / 10000, &ra);
		/* an old table would take minutes: give up early */
		if (i % 256 == 0 && seconds() - t0 > 10)
			break;
	}
	took = seconds() - t0;
	CHECK_INT(i, n);
	CHECK(took < 3.0);
	if (took >= 3.0)
		fprintf(stderr, "200000 inserts took %.1f s\n", took);
	CHECK_INT(ratelimit_keys(rl), 65536);
	i = n - 1;
	CHECK_INT(ratelimit_count(rl, &i, sizeof(i), 1000 + i / 10000), 1);
	i = n - 65536;
	CHECK_INT(ratelimit_count(rl, &i, sizeof(i), 1000 + i / 10000), 1);
	i = n - 65537;
	CHECK_INT(ratelimit_count(rl, &i, sizeof(i), 1000 + i / 10000), 0);
	i = 0;
	CHECK_INT(ratelimit_count(rl, &i, sizeof(i), 1000 + n / 10000), 0);
	ratelimit_free(rl);
}

/*
 * Which key a full table forgets: one whose window has ended first,
 * then the oldest with at most one hit, and one with more (an account
 * under attack, an address that failed) only when no other is left.
 * Fresh keys cannot push out a counter that matters.
 */
static void
test_ratelimit_eviction_order(void)
{
	struct ratelimit	*rl = ratelimit_new(100, 60, 4);
	uint32_t		 ra, i;

	/* the victim's counter is the oldest key of all */
	for (i = 0; i < 3; i++)
		CHECK_INT(ratelimit_hit(rl, "victim", 6, 1000, &ra), 1);
	for (i = 0; i < 1000; i++)
		ratelimit_hit(rl, &i, sizeof(i), 1001 + i % 50, &ra);
	CHECK_INT(ratelimit_count(rl, "victim", 6, 1050), 3);
	CHECK_INT(ratelimit_keys(rl), 4);
	/* the newest light keys stay */
	i = 999;
	CHECK_INT(ratelimit_count(rl, &i, sizeof(i), 1050), 1);
	/* a key with a schedule is kept like one with hits */
	ratelimit_set_next(rl, "sched", 5, 1050, 1058);
	CHECK_INT(ratelimit_next(rl, "sched", 5), 1058);
	for (i = 0; i < 1000; i++)
		ratelimit_hit(rl, &i, sizeof(i), 1051, &ra);
	CHECK_INT(ratelimit_next(rl, "sched", 5), 1058);
	CHECK_INT(ratelimit_count(rl, "victim", 6, 1051), 3);
	/* only heavy keys left: the oldest of them goes */
	for (i = 0; i < 4; i++)
		ratelimit_hit(rl, "h1", 2, 1052, &ra);
	ratelimit_hit(rl, "h2", 2, 1053, &ra);
	ratelimit_hit(rl, "h2", 2, 1053, &ra);
	CHECK_INT(ratelimit_count(rl, "victim", 6, 1053), 3);
	ratelimit_hit(rl, "w", 1, 1053, &ra);
	CHECK_INT(ratelimit_keys(rl), 4);
	CHECK_INT(ratelimit_count(rl, "victim", 6, 1053), 0);
	CHECK_INT(ratelimit_count(rl, "h1", 2, 1053), 4);
	CHECK_INT(ratelimit_next(rl, "sched", 5), 1058);
	/* an ended window goes before a light key whose window runs: at
	 * 1112, sched's window (1050) has ended and its time passed, x's
	 * (1100) has not */
	ratelimit_hit(rl, "x", 1, 1100, &ra);
	CHECK_INT(ratelimit_count(rl, "w", 1, 1100), 0);
	ratelimit_hit(rl, "y", 1, 1112, &ra);
	CHECK_INT(ratelimit_next(rl, "sched", 5), 0);
	CHECK_INT(ratelimit_count(rl, "x", 1, 1112), 1);
	CHECK_INT(ratelimit_count(rl, "y", 1, 1112), 1);
	ratelimit_free(rl);
	/* taken back below two hits, a key is light again */
	rl = ratelimit_new(100, 60, 3);
	ratelimit_hit(rl, "a", 1, 1000, &ra);
	ratelimit_hit(rl, "a", 1, 1000, &ra);
	ratelimit_hit(rl, "b", 1, 1001, &ra);
	ratelimit_hit(rl, "b", 1, 1001, &ra);
	ratelimit_unhit(rl, "b", 1, 1001);
	ratelimit_hit(rl, "c", 1, 1002, &ra);
	ratelimit_hit(rl, "d", 1, 1002, &ra);
	CHECK_INT(ratelimit_count(rl, "a", 1, 1002), 2);
	CHECK_INT(ratelimit_count(rl, "b", 1, 1002), 0);
	CHECK_INT(ratelimit_count(rl, "c", 1, 1002), 1);
	ratelimit_free(rl);
}

/*
 * An IPv6 /48 is a key of its own besides its /64s: rotating through
 * the 65536 /64s of one site meets the site's limit.
 */
static void
test_ratelimit_site_key(void)
{
	struct ratelimit	*nets = ratelimit_new(1, 60, 1024);
	struct ratelimit	*sites = ratelimit_new(RATELIMIT_SITE_FACTOR,
				    60, 1024);
	uint8_t			 ka[RATELIMIT_SITE_KEY_MAX];
	uint8_t			 kb[RATELIMIT_SITE_KEY_MAX];
	uint8_t			 net[RATELIMIT_ADDR_KEY_MAX];
	char			 addr[64];
	size_t			 la, lb, ln;
	uint32_t		 ra, i, passed = 0;

	la = ratelimit_site_key("2001:db8:1:2::1", ka);
	lb = ratelimit_site_key("2001:db8:1:ffff:1:2:3:4", kb);
	CHECK_INT(la, RATELIMIT_SITE_KEY_MAX);
	CHECK(la == lb && memcmp(ka, kb, la) == 0);
	lb = ratelimit_site_key("2001:db8:2:2::1", kb);
	CHECK(la == lb && memcmp(ka, kb, la) != 0);
	/* no coarser tier for IPv4, mapped or not, nor for no address */
	CHECK_INT(ratelimit_site_key("192.0.2.1", ka), 0);
	CHECK_INT(ratelimit_site_key("::ffff:192.0.2.1", ka), 0);
	CHECK_INT(ratelimit_site_key("not an address", ka), 0);
	/* and never the key of a /64 */
	ln = ratelimit_addr_key("2001:db8:1:2::1", net);
	la = ratelimit_site_key("2001:db8:1:2::1", ka);
	CHECK(la != ln || memcmp(ka, net, la) != 0);
	/* one failure per /64, each /64 of the site new: the site stops
	 * them after RATELIMIT_SITE_FACTOR */
	for (i = 0; i < 100; i++) {
		snprintf(addr, sizeof(addr), "2001:db8:1:%x::1", i);
		ln = ratelimit_addr_key(addr, net);
		la = ratelimit_site_key(addr, ka);
		if (ratelimit_hit(nets, net, ln, 1000, &ra) &&
		    ratelimit_hit(sites, ka, la, 1000, &ra))
			passed++;
	}
	CHECK_INT(passed, RATELIMIT_SITE_FACTOR);
	ratelimit_free(nets);
	ratelimit_free(sites);
}

static void
test_cidr(void)
{
	struct cidr	 c;

	CHECK_INT(cidr_parse("10.0.0.0/8", &c), 0);
	CHECK(cidr_match(&c, "10.200.3.4"));
	CHECK(!cidr_match(&c, "11.0.0.1"));
	CHECK(!cidr_match(&c, "::1"));
	CHECK_INT(cidr_parse("192.168.1.128/25", &c), 0);
	CHECK(cidr_match(&c, "192.168.1.200"));
	CHECK(!cidr_match(&c, "192.168.1.127"));
	CHECK_INT(cidr_parse("203.0.113.7", &c), 0);
	CHECK(cidr_match(&c, "203.0.113.7"));
	CHECK(!cidr_match(&c, "203.0.113.8"));
	CHECK_INT(cidr_parse("2001:db8::/32", &c), 0);
	CHECK(cidr_match(&c, "2001:db8:1::5"));
	CHECK(!cidr_match(&c, "2001:db9::1"));
	CHECK_INT(cidr_parse("0.0.0.0/0", &c), 0);
	CHECK(cidr_match(&c, "8.8.8.8"));
	CHECK_INT(cidr_parse("10.0.0.0/33", &c), -1);
	CHECK_INT(cidr_parse("10.0.0.0/-1", &c), -1);
	CHECK_INT(cidr_parse("10.0.0.0/08", &c), -1);
	CHECK_INT(cidr_parse("10.0.0/8", &c), -1);
	CHECK_INT(cidr_parse("example.com/8", &c), -1);
	CHECK_INT(cidr_parse("", &c), -1);
	CHECK(cidr_list_match("10.0.0.0/8 127.0.0.1", "127.0.0.1"));
	CHECK(!cidr_list_match("10.0.0.0/8 127.0.0.1", "127.0.0.2"));
	CHECK(!cidr_list_match("bogus 127.0.0.1", "127.0.0.1"));
	CHECK(cidr_list_valid("10.0.0.0/8 ::1"));
	CHECK(!cidr_list_valid("10.0.0.0/8 x"));
	CHECK(!cidr_list_valid(""));
	CHECK(!cidr_list_valid("   "));
}

static char	 drop_dir[64];

static int
dropped_for_good(void)
{
	char	 cwd[64];

	if (sandbox_drop_privileges("nobody", drop_dir) == -1)
		return 20;
	if (getuid() == 0 || geteuid() == 0 || getgid() == 0)
		return 21;
	if (setuid(0) != -1 || seteuid(0) != -1)
		return 22;
	/* inside the chroot: the directory is the root now */
	if (getcwd(cwd, sizeof(cwd)) == NULL || strcmp(cwd, "/") != 0)
		return 23;
	if (access("/etc/passwd", F_OK) == 0)
		return 24;
	return 0;
}

static void
test_drop_privileges(void)
{
	pid_t	 pid;
	int	 st;

	if (geteuid() != 0) {
		/* without root it changes nothing and succeeds */
		CHECK_INT(sandbox_drop_privileges("nobody", "/nonexistent"), 0);
		return;
	}
	strlcpy(drop_dir, "/tmp/moat-drop-XXXXXX", sizeof(drop_dir));
	CHECK(mkdtemp(drop_dir) != NULL);
	if ((pid = fork()) == 0)
		_exit(dropped_for_good());
	CHECK_INT(waitpid(pid, &st, 0), pid);
	CHECK(WIFEXITED(st));
	CHECK_INT(WEXITSTATUS(st), 0);
	rmdir(drop_dir);
}

static int
only_net_admin(void)
{
	char	 line[256];
	FILE	*f;
	unsigned long long eff = ~0ULL, bnd = ~0ULL;

	sandbox_keep_caps((1ULL << 12) | (1ULL << 60));	/* NET_ADMIN */
	if ((f = fopen("/proc/self/status", "r")) == NULL)
		return 30;
	while (fgets(line, sizeof(line), f) != NULL) {
		sscanf(line, "CapEff: %llx", &eff);
		sscanf(line, "CapBnd: %llx", &bnd);
	}
	fclose(f);
	return eff == (1ULL << 12) && bnd == (1ULL << 12) ? 0 : 31;
}

/*
 * Where an admin's endpoint may not be (stored's check, and taskd's of
 * what a name resolves to): loopback, link-local, the metadata address
 * and unspecified, unless moatd.conf allows a range that covers it.
 */
static void
test_egress_endpoint_refusal(void)
{
	static const char *const refused[] = { "127.0.0.1", "127.1.2.3",
	    "169.254.169.254", "169.254.0.1", "0.0.0.0", "0.1.2.3", "::1",
	    "::", "fe80::1", "febf:ffff::1", "fd00:ec2::254",
	    "::ffff:127.0.0.1", "::ffff:169.254.169.254", "0:0:0:0:0:0:0:1" };
	static const char *const fine[] = { "203.0.113.10", "10.0.0.1",
	    "192.168.1.1", "172.16.0.1", "169.253.255.255", "169.255.0.1",
	    "128.0.0.1", "1.0.0.0", "2001:db8::1", "fec0::1", "fd00:ec2::253",
	    "::2", "::ffff:203.0.113.10", "fe7f::1" };
	static const char *const refused_endpoints[] = { "127.0.0.1:51820",
	    "[::1]:51820", "[fe80::1]:51820", "169.254.169.254:80",
	    "0.0.0.0:1", "[::]:51820", "localhost:51820", "LocalHost:1",
	    "localhost.:1", "a.localhost:1", "vpn.LOCALHOST:1",
	    "[::ffff:127.0.0.1]:1", "[fd00:ec2::254]:443" };
	static const char *const fine_endpoints[] = {
	    "vpn-provider.example.com:51820", "203.0.113.10:51820",
	    "[2001:db8::1]:51820", "notlocalhost:1", "localhost.example:1",
	    "10.231.7.2:51820" };
	struct egress_allow	 allow, some;
	size_t			 i;

	memset(&allow, 0, sizeof(allow));
	for (i = 0; i < sizeof(refused) / sizeof(refused[0]); i++)
		CHECK(egress_addr_refused(refused[i], &allow) != NULL);
	for (i = 0; i < sizeof(fine) / sizeof(fine[0]); i++)
		CHECK(egress_addr_refused(fine[i], &allow) == NULL);
	for (i = 0; i < sizeof(refused_endpoints) /
	    sizeof(refused_endpoints[0]); i++) {
		CHECK(egress_endpoint_ok(refused_endpoints[i]));
		CHECK(egress_endpoint_refused(refused_endpoints[i], &allow) !=
		    NULL);
		CHECK(egress_endpoint_refused(refused_endpoints[i], NULL) !=
		    NULL);
	}
	for (i = 0; i < sizeof(fine_endpoints) / sizeof(fine_endpoints[0]);
	    i++)
		CHECK(egress_endpoint_refused(fine_endpoints[i], &allow) ==
		    NULL);
	CHECK_STR(egress_addr_refused("169.254.169.254", NULL),
	    "the metadata address");
	CHECK_STR(egress_addr_refused("fd00:ec2::254", NULL),
	    "the metadata address");
	CHECK_STR(egress_addr_refused("::1", NULL), "a loopback address");
	CHECK_STR(egress_addr_refused("fe80::1", NULL), "a link-local address");
	CHECK_STR(egress_addr_refused("::", NULL), "an unspecified address");
	CHECK_STR(egress_host_refused("127.0.0.2", NULL),
	    "a loopback address");
	/* names other than localhost's are for taskd to resolve */
	CHECK(egress_host_refused("metadata.google.internal", NULL) == NULL);

	/* what moatd.conf allows, and only that */
	memset(&some, 0, sizeof(some));
	CHECK_INT(cidr_parse("127.0.0.0/8", &some.range[some.n++]), 0);
	CHECK_INT(cidr_parse("fe80::/10", &some.range[some.n++]), 0);
	CHECK(egress_addr_refused("127.0.0.1", &some) == NULL);
	CHECK(egress_addr_refused("127.9.9.9", &some) == NULL);
	CHECK(egress_addr_refused("::ffff:127.0.0.1", &some) == NULL);
	CHECK(egress_addr_refused("fe80::1", &some) == NULL);
	CHECK(egress_addr_refused("::1", &some) != NULL);
	CHECK(egress_addr_refused("169.254.169.254", &some) != NULL);
	CHECK(egress_endpoint_refused("127.0.0.1:51999", &some) == NULL);
	/* localhost is ::1 too, which this does not allow */
	CHECK(egress_endpoint_refused("localhost:51999", &some) != NULL);
	CHECK_INT(cidr_parse("::1", &some.range[some.n++]), 0);
	CHECK(egress_endpoint_refused("localhost:51999", &some) == NULL);
	CHECK(egress_endpoint_refused("[::1]:51999", &some) == NULL);
	/* the metadata address alone, not the rest of link-local */
	memset(&some, 0, sizeof(some));
	CHECK_INT(cidr_parse("169.254.169.254", &some.range[some.n++]), 0);
	CHECK(egress_addr_refused("169.254.169.254", &some) == NULL);
	CHECK(egress_addr_refused("169.254.169.253", &some) != NULL);
}

static void
test_keep_caps(void)
{
	pid_t	 pid;
	int	 st;

	if (geteuid() != 0) {
		CHECK_INT(sandbox_keep_caps(0), 0);
		return;
	}
	if ((pid = fork()) == 0)
		_exit(only_net_admin());
	CHECK_INT(waitpid(pid, &st, 0), pid);
	CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0);
}

/* What every receiver accepts of an egress IP's settings. */
static void
test_egress_checks(void)
{
	static const char *const endpoints_ok[] = { "vpn.example.com:51820",
	    "203.0.113.10:1", "[2001:db8::1]:65535", "a:80", "x-1.y.z:443" };
	static const char *const endpoints_bad[] = { "", "host", "host:",
	    ":80", "host:0", "host:65536", "host:+80", "host:8 0",
	    "2001:db8::1:51820", "[203.0.113.1]:80", "[nope]:80", "-a:80",
	    "a-.b:80", "a..b:80", "a_b:80", "a b:80", "host:80\n" };
	static const char *const ranges_ok[] = { "0.0.0.0/0", "::/0",
	    "0.0.0.0/0, ::/0", "10.0.0.0/8,192.168.0.0/16", " 10.0.0.0/8 " };
	static const char *const ranges_bad[] = { "", "banana", "10.0.0.1",
	    "0.0.0.0/0,", ",0.0.0.0/0", "0.0.0.0/0,,::/0", "10.0.0.0/33",
	    "0.0.0.0/0;::/0" };
	size_t	 i;

	for (i = 0; i < sizeof(endpoints_ok) / sizeof(endpoints_ok[0]); i++)
		CHECK(egress_endpoint_ok(endpoints_ok[i]));
	for (i = 0; i < sizeof(endpoints_bad) / sizeof(endpoints_bad[0]); i++)
		CHECK(!egress_endpoint_ok(endpoints_bad[i]));
	for (i = 0; i < sizeof(ranges_ok) / sizeof(ranges_ok[0]); i++)
		CHECK(egress_cidr_list_ok(ranges_ok[i]));
	for (i = 0; i < sizeof(ranges_bad) / sizeof(ranges_bad[0]); i++)
		CHECK(!egress_cidr_list_ok(ranges_bad[i]));
	CHECK(egress_ip_ok("203.0.113.10") && egress_ip_ok("2001:db8::1"));
	CHECK(!egress_ip_ok("203.0.113.10/32") && !egress_ip_ok("host"));
	CHECK(egress_cidr_ok("10.0.0.2/32") && !egress_cidr_ok("10.0.0.2"));
	/* a key as typed: base64's alphabet and at most two pads */
	CHECK(egress_key_text_ok("PeerPublicKeyBase64"));
	CHECK(egress_key_text_ok("NewKey"));
	CHECK(egress_key_text_ok("ab+/=="));
	CHECK(!egress_key_text_ok("") && !egress_key_text_ok("a b"));
	CHECK(!egress_key_text_ok("a=b") && !egress_key_text_ok("a==="));
	CHECK(!egress_key_text_ok("a-b_"));
	/* a WireGuard key, and the near misses */
	CHECK(egress_wg_key_ok("hFLu2C+D3gXhBa6pfK+RqjvTQGBYXb8NcAzNhmUzTpc="));
	CHECK(!egress_wg_key_ok("hFLu2C+D3gXhBa6pfK+RqjvTQGBYXb8NcAzNhmUzTpd="));
	CHECK(!egress_wg_key_ok("hFLu2C+D3gXhBa6pfK+RqjvTQGBYXb8NcAzNhmUzTpc"));
	CHECK(!egress_wg_key_ok("PeerPublicKeyBase64"));
	CHECK(egress_host_ok("example.com") && egress_host_ok("::1"));
	CHECK(!egress_host_ok("") && !egress_host_ok("a/b"));
}

int
main(void)
{
	log_procinit("test_common");
	RUN(test_log_sanitize);
	RUN(test_random);
	RUN(test_uuid);
	RUN(test_read_all_fd);
	RUN(test_time);
	RUN(test_proc_table);
	RUN(test_seccomp);
	RUN(test_landlock);
	RUN(test_drop_privileges);
	RUN(test_hmac);
	RUN(test_grant);
	RUN(test_dialect);
	RUN(test_ratelimit);
	RUN(test_ratelimit_long_keys);
	RUN(test_ratelimit_unhit);
	RUN(test_ratelimit_addr_key);
	RUN(test_ratelimit_eviction_cost);
	RUN(test_ratelimit_eviction_order);
	RUN(test_ratelimit_site_key);
	RUN(test_cidr);
	RUN(test_egress_checks);
	RUN(test_egress_endpoint_refusal);
	RUN(test_keep_caps);
	return test_report("common");
}
