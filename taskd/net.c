/*
 * A host's egress: a WireGuard tunnel whose interface lives in the
 * host's own network namespace and nowhere else, so that the host has
 * no network but the tunnel.  There is no kernel WireGuard here, so
 * wireguard-go makes the interface (a TUN device) in the runner's
 * network, where its UDP socket stays and reaches the endpoint; the
 * interface is then moved into the host's namespace, configured there,
 * and given the routes of its allowed ranges.  Interface
 * mw<suite><short id> (suite.c).
 *
 * Every step starts by taking down what a previous attempt left, so a
 * step run again converges.  wireguard-go ends by itself when its
 * interface goes with the host's namespace; a tunnel taken down while
 * the host runs is ended by signal: the machine root's process whose
 * command line names the interface, held by a pidfd.  Keys
 * reach wg(8) through pipes, never a command line or a file.
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

#define WIREGUARD_GO	"/usr/bin/wireguard-go"
#define WG		"/usr/bin/wg"
#define IP		"/usr/sbin/ip"
#define UAPI_DIR	"/var/run/wireguard"
#define NET_OUTPUT_MAX	1024
#define DOWN_WAIT_MS	2000
#define KEEPALIVE	"25"

static void
sleep_ms(long ms)
{
	struct timespec	 ts = { ms / 1000, (ms % 1000) * 1000000L };

	while (nanosleep(&ts, &ts) == -1 && errno == EINTR)
		;
}

/* The first len - 1 bytes of /proc/<pid>/file, and their number. */
static ssize_t
proc_read(const char *pid, const char *file, char *buf, size_t len)
{
	char	 path[64];
	ssize_t	 n;
	int	 fd;

	snprintf(path, sizeof(path), "/proc/%s/%s", pid, file);
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1)
		return -1;
	n = read(fd, buf, len - 1);
	close(fd);
	buf[n > 0 ? n : 0] = '\0';
	return n;
}

/*
 * Whether the process pid is the machine's root's: uid 0 (real,
 * effective, saved, file system) in our own user namespace.  A host's
 * processes are in a user namespace of their own and, seen from here,
 * their block's ids, never 0.
 */
static int
machine_root(const char *pid)
{
	static const char root[] = "\nUid:\t0\t0\t0\t0\n";
	static char	 own_map[256];
	char		 map[256], status[4096], *uid;

	if (own_map[0] == '\0' &&
	    proc_read("self", "uid_map", own_map, sizeof(own_map)) <= 0)
		return 0;
	if (proc_read(pid, "uid_map", map, sizeof(map)) <= 0 ||
	    strcmp(map, own_map) != 0 ||
	    proc_read(pid, "status", status, sizeof(status)) <= 0 ||
	    (uid = strstr(status, "\nUid:")) == NULL)
		return 0;
	return strncmp(uid, root, sizeof(root) - 1) == 0;
}

/* Whether the process pid is wireguard-go serving name, the machine's
 * root's (a host's process may show the same command line). */
static int
serves(const char *pid, const char *name)
{
	char	 cmd[256], *arg;
	ssize_t	 n;

	if ((n = proc_read(pid, "cmdline", cmd, sizeof(cmd))) <= 0)
		return 0;
	arg = cmd + strlen(cmd) + 1;
	if (arg >= cmd + n || (strcmp(cmd, WIREGUARD_GO) != 0 &&
	    strcmp(cmd, "wireguard-go") != 0))
		return 0;
	if (strcmp(arg, "-f") == 0 || strcmp(arg, "--foreground") == 0)
		arg += strlen(arg) + 1;
	return arg < cmd + n && strcmp(arg, name) == 0 && machine_root(pid);
}

/*
 * Signals every wireguard-go that serves name; how many there were.
 * Each process is held by a pidfd before it is looked at, and signalled
 * through it: if its pid is another's by the time it is looked at, the
 * process held has ended, and the signal finds nobody.
 */
static int
signal_servers(const char *name, int sig)
{
	struct dirent	*d;
	DIR		*dir;
	int		 n = 0, pidfd;

	if ((dir = opendir("/proc")) == NULL)
		return 0;
	while ((d = readdir(dir)) != NULL) {
		if (!isdigit((unsigned char)d->d_name[0]) ||
		    (pidfd = (int)syscall(SYS_pidfd_open,
		    (pid_t)strtol(d->d_name, NULL, 10), 0)) == -1)
			continue;
		if (serves(d->d_name, name) && syscall(SYS_pidfd_send_signal,
		    pidfd, sig, NULL, 0) == 0)
			n++;
		close(pidfd);
	}
	closedir(dir);
	return n;
}

/*
 * Whether a wireguard-go serves the tunnel of h: its control socket
 * answers (one killed outright leaves the file behind, refusing).  A
 * question of two system calls, where looking through /proc reads a
 * file of every process.
 */
int
net_present(const struct driver_host *h)
{
	struct sockaddr_un	 sun;
	char			 name[IFNAMSIZ];
	int			 fd, ok;

	name_interface(h, name, sizeof(name));
	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	snprintf(sun.sun_path, sizeof(sun.sun_path), "%s/%s.sock", UAPI_DIR,
	    name);
	if ((fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)) == -1)
		return 0;
	ok = connect(fd, (struct sockaddr *)&sun, sizeof(sun)) == 0;
	close(fd);
	return ok;
}

/* The tunnel of h, wherever it is, ended; what it held let go. */
void
net_remove(const struct driver_host *h)
{
	char		 name[IFNAMSIZ], sock[PATH_MAX], out[NET_OUTPUT_MAX];
	const char	*argv[] = { IP, "link", "del", name, NULL };
	long		 waited;

	name_interface(h, name, sizeof(name));
	if (net_present(h) && signal_servers(name, SIGTERM) > 0) {
		for (waited = 0; waited < DOWN_WAIT_MS &&
		    signal_servers(name, 0) > 0; waited += 20)
			sleep_ms(20);
		(void)signal_servers(name, SIGKILL);
	}
	snprintf(sock, sizeof(sock), "%s/%s.sock", UAPI_DIR, name);
	(void)unlink(sock);
	/* one made but not yet moved, by an attempt that died */
	if (if_nametoindex(name) != 0)
		(void)spawn_run(argv, NULL, out, sizeof(out));
}

/*
 * The host and port of an http or https URL, as the configuration
 * checked it: no user part, a host, perhaps a port.
 */
int
net_url_host(const char *url, char *host, size_t hostlen, int *port)
{
	const char	*at, *end;
	size_t		 len;
	long		 n;

	if (strncmp(url, "https://", 8) == 0) {
		at = url + 8;
		*port = 443;
	} else if (strncmp(url, "http://", 7) == 0) {
		at = url + 7;
		*port = 80;
	} else
		return -1;
	if (*at == '[') {
		if ((end = strchr(at, ']')) == NULL)
			return -1;
		len = end - at - 1;
		at++;
		end++;
	} else {
		len = strcspn(at, ":/?#");
		end = at + len;
	}
	if (len == 0 || len >= hostlen || memchr(at, '@', len) != NULL)
		return -1;
	memcpy(host, at, len);
	host[len] = '\0';
	if (*end == ':') {
		n = strtol(end + 1, NULL, 10);
		if (n < 1 || n > 65535)
			return -1;
		*port = (int)n;
	}
	return 0;
}

static int
url_ok(const char *url)
{
	char	 host[256];
	int	 port;
	size_t	 i;

	for (i = 0; url[i] != '\0'; i++)
		if ((unsigned char)url[i] <= 0x20 || url[i] == 0x7f)
			return 0;
	return net_url_host(url, host, sizeof(host), &port) == 0 &&
	    egress_host_ok(host);
}

/* The ranges as cidr_match() may read them. */
static int
allow_ok(const struct egress_allow *a)
{
	uint32_t	 i;

	if (a->n > EGRESS_ALLOW_MAX)
		return 0;
	for (i = 0; i < a->n; i++)
		if (!(a->range[i].family == AF_INET &&
		    a->range[i].bits >= 0 && a->range[i].bits <= 32) &&
		    !(a->range[i].family == AF_INET6 &&
		    a->range[i].bits >= 0 && a->range[i].bits <= 128))
			return 0;
	return 1;
}

static void
terminate(char *s, size_t size)
{
	s[size - 1] = '\0';
}

/* The egress fields, NUL-terminated and checked again. */
int
net_egress_ok(struct driver_egress *e)
{
	terminate(e->endpoint, sizeof(e->endpoint));
	terminate(e->peer_public_key, sizeof(e->peer_public_key));
	terminate(e->private_key, sizeof(e->private_key));
	terminate(e->preshared_key, sizeof(e->preshared_key));
	terminate(e->allowed_ips, sizeof(e->allowed_ips));
	terminate(e->address, sizeof(e->address));
	terminate(e->dns_server, sizeof(e->dns_server));
	terminate(e->check_url, sizeof(e->check_url));
	terminate(e->declared_ip, sizeof(e->declared_ip));
	if (!e->present)
		return 1;
	if ((e->check_url[0] != '\0' && !url_ok(e->check_url)) ||
	    (e->declared_ip[0] != '\0' && !egress_ip_ok(e->declared_ip)) ||
	    !allow_ok(&e->allow))
		return 0;
	return egress_endpoint_ok(e->endpoint) &&
	    (e->allowed_ips[0] == '\0' ||
	    egress_cidr_list_ok(e->allowed_ips)) &&
	    (egress_cidr_ok(e->address) || egress_ip_ok(e->address)) &&
	    (e->dns_server[0] == '\0' || egress_ip_ok(e->dns_server));
}

/* Runs argv, in the network of pid if it is not 0; -1 with res set. */
static int
net_run(const char *const argv[], pid_t pid, const struct spawn_opts *o,
    struct driver_res *res)
{
	struct spawn_opts	 opts;
	char			 out[NET_OUTPUT_MAX];
	int			 status;

	memset(&opts, 0, sizeof(opts));
	if (o != NULL)
		opts = *o;
	opts.netns_pid = pid;
	if ((status = spawn_run(argv, &opts, out, sizeof(out))) == 0)
		return 0;
	driver_fail(res, "tunnel_failed", "%s %s: %s", argv[0], argv[1],
	    out[0] != '\0' ? out : "failed");
	return -1;
}

/* A pipe holding key and a newline, for wg to read as a file. */
static int
key_pipe(const char *key)
{
	char	 line[EGRESS_SECRET_MAX + 2];
	int	 pv[2];
	size_t	 len;

	len = snprintf(line, sizeof(line), "%s\n", key);
	if (pipe2(pv, O_CLOEXEC) == -1)
		return -1;
	if (write(pv[1], line, len) != (ssize_t)len) {
		close(pv[0]);
		pv[0] = -1;
	}
	explicit_bzero(line, sizeof(line));
	close(pv[1]);
	return pv[0];
}

/* wg set: our key, the peer, its endpoint (an address) and ranges. */
static int
configure(const char *name, const struct driver_egress *e,
    const char *endpoint, struct driver_res *res)
{
	struct spawn_opts	 opts;
	const char		*argv[16];
	char			 ranges[EGRESS_ALLOWED_MAX + 1];
	size_t			 o = 0, j;
	int			 i = 0, rc, k;

	/* "0.0.0.0/0, ::/0" as one argument wg reads: no spaces */
	for (j = 0; e->allowed_ips[j] != '\0' && o + 1 < sizeof(ranges); j++)
		if (e->allowed_ips[j] != ' ')
			ranges[o++] = e->allowed_ips[j];
	ranges[o] = '\0';
	memset(&opts, 0, sizeof(opts));
	argv[i++] = WG;
	argv[i++] = "set";
	argv[i++] = name;
	argv[i++] = "private-key";
	argv[i++] = "/dev/fd/3";
	argv[i++] = "peer";
	argv[i++] = e->peer_public_key;
	if (e->preshared_key[0] != '\0') {
		argv[i++] = "preshared-key";
		argv[i++] = "/dev/fd/4";
	}
	argv[i++] = "endpoint";
	argv[i++] = endpoint;
	argv[i++] = "allowed-ips";
	argv[i++] = ranges[0] != '\0' ? ranges : "0.0.0.0/0";
	argv[i++] = "persistent-keepalive";
	argv[i++] = KEEPALIVE;
	argv[i] = NULL;
	opts.fds[opts.nfds++] = key_pipe(e->private_key);
	if (e->preshared_key[0] != '\0')
		opts.fds[opts.nfds++] = key_pipe(e->preshared_key);
	for (k = 0; k < opts.nfds; k++)
		if (opts.fds[k] == -1) {
			driver_fail(res, "tunnel_failed", "cannot hand wg a key");
			rc = -1;
			goto done;
		}
	rc = net_run(argv, 0, &opts, res);
done:
	for (k = 0; k < opts.nfds; k++)
		if (opts.fds[k] != -1)
			close(opts.fds[k]);
	return rc;
}

/* One route per allowed range, in the host's network. */
static int
routes(const char *name, pid_t pid, const char *allowed,
    struct driver_res *res)
{
	char		 range[EGRESS_CIDR_MAX + 1];
	const char	*argv[8];
	struct driver_res scratch;
	size_t		 len;
	int		 v6;

	if (allowed[0] == '\0')
		allowed = "0.0.0.0/0";
	while (*allowed != '\0') {
		allowed += strspn(allowed, ", ");
		if ((len = strcspn(allowed, ", ")) == 0)
			break;
		if (len >= sizeof(range))
			len = sizeof(range) - 1;
		memcpy(range, allowed, len);
		range[len] = '\0';
		allowed += len;
		v6 = strchr(range, ':') != NULL;
		argv[0] = IP;
		argv[1] = v6 ? "-6" : "-4";
		argv[2] = "route";
		argv[3] = "add";
		argv[4] = strcmp(range, "0.0.0.0/0") == 0 ||
		    strcmp(range, "::/0") == 0 ? "default" : range;
		argv[5] = "dev";
		argv[6] = name;
		argv[7] = NULL;
		/* a host without IPv6 keeps its IPv4 routes */
		if (net_run(argv, pid, NULL, v6 ? &scratch : res) == -1 &&
		    !v6)
			return -1;
	}
	return 0;
}

static int
write_resolv(const struct driver_paths *p, const struct driver_host *h,
    const char *dns)
{
	char	 path[PATH_MAX], text[EGRESS_ADDR_MAX + 16] = "";

	driver_bundle_file(p, h, "resolv.conf", path, sizeof(path));
	if (access(path, F_OK) == -1)
		return 0;	/* the image has none to cover */
	if (dns[0] != '\0')
		snprintf(text, sizeof(text), "nameserver %s\n", dns);
	/* in place: the host sees this inode through its bind mount */
	return write_file(path, text);
}

int
net_apply(const struct driver_paths *p, const struct driver_host *h,
    pid_t pid, const struct driver_egress *e, struct driver_res *res)
{
	char		 name[IFNAMSIZ], pidtext[24], log[PATH_MAX];
	struct spawn_opts opts;
	const char	*go[] = { WIREGUARD_GO, name, NULL };
	const char	*move[] = { IP, "link", "set", "dev", name, "netns",
	    pidtext, NULL };
	const char	*addr[] = { IP, "address", "add", e->address, "dev",
	    name, NULL };
	const char	*up[] = { IP, "link", "set", "dev", name, "up", NULL };
	const char	*lo[] = { IP, "link", "set", "dev", "lo", "up", NULL };
	char		 endpoint[EGRESS_ENDPOINT_MAX + 1], why[256];
	int		 rc;

	name_interface(h, name, sizeof(name));
	net_remove(h);
	if (!e->present)
		return write_resolv(p, h, "") == 0 ? 0 : -1;
	if (access(WIREGUARD_GO, X_OK) == -1 || access(WG, X_OK) == -1) {
		driver_fail(res, "wireguard_missing", "wireguard-go and wg are "
		    "needed for an egress tunnel and are not installed");
		return -1;
	}
	if (!egress_wg_key_ok(e->private_key) ||
	    !egress_wg_key_ok(e->peer_public_key) ||
	    (e->preshared_key[0] != '\0' &&
	    !egress_wg_key_ok(e->preshared_key))) {
		driver_fail(res, "egress_invalid", "the egress ip's keys are not "
		    "WireGuard keys (32 bytes in base64)");
		return -1;
	}
	/* a refused address fails for good, a name that does not resolve
	 * now may next time */
	if ((rc = endpoint_resolve(e->endpoint, &e->allow, endpoint,
	    sizeof(endpoint), why, sizeof(why))) < 0) {
		driver_fail(res, rc == -1 ? "egress_invalid" : "tunnel_failed",
		    "%s", why);
		return -1;
	}
	driver_cgroups_leave();
	snprintf(pidtext, sizeof(pidtext), "%ld", (long)pid);
	snprintf(log, sizeof(log), "%s/wireguard", p->state);
	if (mkdir(log, 0700) == -1 && errno != EEXIST) {
		driver_fail(res, "tunnel_failed", "cannot make %s", log);
		return -1;
	}
	snprintf(log, sizeof(log), "%s/wireguard/%s.log", p->state, name);
	memset(&opts, 0, sizeof(opts));
	opts.logpath = log;
	if (net_run(go, 0, &opts, res) == -1 ||
	    configure(name, e, endpoint, res) == -1 ||
	    net_run(move, 0, NULL, res) == -1 ||
	    net_run(addr, pid, NULL, res) == -1 ||
	    net_run(up, pid, NULL, res) == -1 ||
	    net_run(lo, pid, NULL, res) == -1 ||
	    routes(name, pid, e->allowed_ips, res) == -1 ||
	    write_resolv(p, h, e->dns_server) == -1) {
		if (res->ok)
			driver_fail(res, "tunnel_failed", "cannot write the "
			    "host's resolv.conf");
		net_remove(h);
		return -1;
	}
	return 0;
}
