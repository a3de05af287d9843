/*
 * An egress IP's test (POST .../test): its tunnel made in a network
 * namespace of its own, through net.c's steps, and three checks through
 * it (connectivity, the exit address, DNS), all within the test's time.
 */
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <sys/types.h>
#include <sys/wait.h>

#include <arpa/inet.h>
#include <net/if.h>

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "driver.h"
#include "log.h"
#include "util.h"

#define NET_OUTPUT_MAX	1024

#define CURL		"/usr/bin/curl"
#define BUSYBOX		"/bin/busybox"
#define CHECK_MS	((EGRESS_TEST_SECONDS - 6) / 2 * 1000)

/*
 * A process alone in a network namespace of its own, to hold the test's
 * tunnel: it goes with the namespace when hold is closed.  Its pid, or
 * -1.
 */
static pid_t
scratch_netns(int *hold)
{
	int	 ready[2], keep[2];
	char	 c = 0;
	pid_t	 pid;

	if (pipe2(ready, O_CLOEXEC) == -1)
		return -1;
	if (pipe2(keep, O_CLOEXEC) == -1) {
		close(ready[0]);
		close(ready[1]);
		return -1;
	}
	if ((pid = fork()) == 0) {
		close(ready[0]);
		close(keep[1]);
		if (prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0) == -1 ||
		    unshare(CLONE_NEWNET) == -1)
			_exit(1);
		if (write(ready[1], &c, 1) != 1)
			_exit(1);
		while (read(keep[0], &c, 1) == -1 && errno == EINTR)
			;
		_exit(0);
	}
	close(ready[1]);
	close(keep[0]);
	if (pid == -1 || read(ready[0], &c, 1) != 1) {
		close(ready[0]);
		close(keep[1]);
		if (pid != -1)
			(void)waitpid(pid, NULL, 0);
		return -1;
	}
	close(ready[0]);
	*hold = keep[1];
	return pid;
}

static void
check_set(struct egress_test *t, enum egress_check c, int result,
    const char *fmt, ...) __attribute__((format(printf, 4, 5)));

static void
check_set(struct egress_test *t, enum egress_check c, int result,
    const char *fmt, ...)
{
	va_list	 ap;

	t->result[c] = result;
	va_start(ap, fmt);
	vsnprintf(t->detail[c], sizeof(t->detail[c]), fmt, ap);
	va_end(ap);
	driver_line(t->detail[c]);
}

/* Its first line, without the spaces around it. */
static void
first_line(char *s)
{
	size_t	 start = strspn(s, " \t\r\n"), len;

	memmove(s, s + start, strlen(s + start) + 1);
	len = strcspn(s, "\r\n");
	s[len] = '\0';
	while (len > 0 && (s[len - 1] == ' ' || s[len - 1] == '\t'))
		s[--len] = '\0';
}

/*
 * The name of the check URL through the tunnel's DNS server, from the
 * scratch namespace where the tunnel is the only way out: a name that
 * resolves there went through the tunnel, and nowhere else.
 */
static void
check_dns(pid_t pid, const struct driver_egress *e, const char *host,
    char *addr, size_t addrlen, struct egress_test *t)
{
	struct spawn_opts	 opts;
	const char		*argv[] = { BUSYBOX, "nslookup", "-type=a", host,
	    e->dns_server, NULL };
	char			 out[NET_OUTPUT_MAX], *line, *name;

	addr[0] = '\0';
	if (egress_ip_ok(host)) {
		check_set(t, EGC_DNS, -1, "the check URL names an address: "
		    "nothing to look up");
		return;
	}
	if (e->dns_server[0] == '\0') {
		check_set(t, EGC_DNS, 0, "no wg_dns_server: a host would look "
		    "names up nowhere");
		return;
	}
	memset(&opts, 0, sizeof(opts));
	opts.netns_pid = pid;
	opts.timeout_ms = CHECK_MS;
	opts.unprivileged = 1;
	(void)spawn_run(argv, &opts, out, sizeof(out));
	/* the answer's addresses follow its "Name:" line */
	if ((name = strstr(out, "\nName:")) != NULL &&
	    (line = strstr(name, "\nAddress:")) != NULL) {
		line += strlen("\nAddress:");
		line += strspn(line, " \t");
		strlcpy(addr, line, addrlen);
		first_line(addr);
	}
	if (addr[0] != '\0' && egress_ip_ok(addr))
		check_set(t, EGC_DNS, 1, "%s is %s, through the tunnel's DNS "
		    "server %s", host, addr, e->dns_server);
	else {
		addr[0] = '\0';
		check_set(t, EGC_DNS, 0, "%s did not resolve through the "
		    "tunnel's DNS server %s", host, e->dns_server);
	}
}

/* The check URL fetched through the tunnel: what it says we are. */
static void
check_fetch(pid_t pid, const struct driver_egress *e, const char *host,
    int port, const char *addr, struct egress_test *t)
{
	struct spawn_opts	 opts;
	char			 out[NET_OUTPUT_MAX], resolve[320];
	char			 limit[16];
	const char		*argv[16];
	int			 i = 0, rc;
	unsigned char		 a[16], b[16];
	int			 af;

	/* the system's resolver is not the host's: a name that the
	 * tunnel's DNS server did not resolve is not looked up again */
	if (addr[0] == '\0' && !egress_ip_ok(host)) {
		check_set(t, EGC_CONNECTIVITY, 0, "%s could not be looked up "
		    "through the tunnel", host);
		check_set(t, EGC_EXIT_IP, -1, "no answer to compare");
		return;
	}
	snprintf(limit, sizeof(limit), "%d", CHECK_MS / 1000);
	argv[i++] = CURL;
	argv[i++] = "-q";	/* no .curlrc: first, or it is none */
	argv[i++] = "-sSf";
	argv[i++] = "--max-time";
	argv[i++] = limit;
	argv[i++] = "--proto";
	argv[i++] = "=http,https";
	argv[i++] = "--max-filesize";
	argv[i++] = "512";
	if (addr[0] != '\0') {
		snprintf(resolve, sizeof(resolve), "%s:%d:%s", host, port,
		    addr);
		argv[i++] = "--resolve";
		argv[i++] = resolve;
	}
	argv[i++] = "--";
	argv[i++] = e->check_url;
	argv[i] = NULL;
	memset(&opts, 0, sizeof(opts));
	opts.netns_pid = pid;
	opts.timeout_ms = CHECK_MS + 1000;
	opts.unprivileged = 1;
	rc = spawn_run(argv, &opts, out, sizeof(out));
	first_line(out);
	if (rc != 0) {
		check_set(t, EGC_CONNECTIVITY, 0, "%s: %s", e->check_url,
		    out[0] != '\0' ? out : "no answer");
		check_set(t, EGC_EXIT_IP, -1, "no answer to compare");
		return;
	}
	check_set(t, EGC_CONNECTIVITY, 1, "%s answered through the tunnel",
	    e->check_url);
	if (!egress_ip_ok(out)) {
		check_set(t, EGC_EXIT_IP, 0, "the check URL did not answer "
		    "with an address");
		return;
	}
	strlcpy(t->exit_ip, out, sizeof(t->exit_ip));
	af = strchr(out, ':') != NULL ? AF_INET6 : AF_INET;
	if (inet_pton(af, out, a) == 1 && inet_pton(af, e->declared_ip,
	    b) == 1 && memcmp(a, b, af == AF_INET ? 4 : 16) == 0)
		check_set(t, EGC_EXIT_IP, 1, "the exit address is %s, as "
		    "declared", out);
	else
		check_set(t, EGC_EXIT_IP, 0, "the exit address is %s, not the "
		    "declared %s", out, e->declared_ip);
}

/*
 * POST /v1/admin/egress-ips/{id}/test: the egress IP's tunnel, made in
 * a network namespace of the test's own (no host's), the three checks
 * made from there, and all of it taken down.  A tunnel that cannot be
 * made fails the request; checks that fail are its answer.
 */
int
net_test(const struct driver_paths *p, const struct driver_host *h,
    const struct driver_egress *e, struct driver_res *res)
{
	struct egress_test	*t = &res->test;
	char			 host[256], addr[EGRESS_ADDR_MAX + 1];
	uint64_t		 start = monotonic_ms();
	int			 hold, port, rc;
	pid_t			 pid;

	if (e->present != 1 || net_url_host(e->check_url, host, sizeof(host),
	    &port) == -1) {
		driver_fail(res, "bad_request", "no egress or no check URL");
		return -1;
	}
	if ((pid = scratch_netns(&hold)) == -1) {
		driver_fail(res, "tunnel_failed", "cannot make a network "
		    "namespace for the test");
		return -1;
	}
	if ((rc = net_apply(p, h, pid, e, res)) == 0) {
		check_dns(pid, e, host, addr, sizeof(addr), t);
		check_fetch(pid, e, host, port, addr, t);
		t->ms = monotonic_ms() - start;
	}
	net_remove(h);
	close(hold);
	(void)waitpid(pid, NULL, 0);
	return rc;
}
