/*
 * moatd.conf, the file, outside its grammar (parse.y): the embedded
 * defaults, loading a file over them, the checks and derived values that
 * need the whole file, the listener list, the macro table and the dump
 * that `moatd -nv` prints.
 */
#include <sys/types.h>
#include <sys/socket.h>
#include <sys/queue.h>
#include <sys/un.h>

#include <netinet/in.h>
#include <arpa/inet.h>

#include <ctype.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "conffile.h"
#include "log.h"

struct macro {
	TAILQ_ENTRY(macro)	 entry;
	char			*name;
	char			*value;
	int			 persist;	/* -D: survives parses */
};
TAILQ_HEAD(macros, macro);

static struct macros	 macros = TAILQ_HEAD_INITIALIZER(macros);
static int		 nmacros;

static int	 path_derive(char *, size_t, const char *, const char *);
static void	 macro_free(struct macro *);
static void	 dump_string(FILE *, const char *);
static void	 dump_size(FILE *, const char *, uint32_t);
static void	 dump_listen(FILE *, const struct conf_listen *);

/*
 * Sessions of the control plane and the certificates API last a working
 * day and end after an hour unused; the command API keeps the public
 * implementation's short sessions.
 */
static void
conf_init_identity(struct moat_config *conf)
{
	static const struct conf_session defaults[DIALECT_MAX] = {
		[DIALECT_V1] = { 12 * 3600, 3600 },
		[DIALECT_APIV1] = { 12 * 3600, 3600 },
		[DIALECT_CCE] = { 3600, 1800 },
		[DIALECT_ACCOUNT] = { 12 * 3600, 3600 },
	};

	memcpy(conf->session, defaults, sizeof(defaults));
	conf->limits.auth_failures = 10;
	conf->limits.invalid_tokens = 100;
	conf->limits.api_requests = 100;
	conf->limits.login_lifetime = 300;
	conf->limits.nproxies = 0;
}

void
conf_init(struct moat_config *conf)
{
	memset(conf, 0, sizeof(*conf));
	(void)strlcpy(conf->var_dir, CONF_DEFAULT_VAR, sizeof(conf->var_dir));
	(void)strlcpy(conf->user[PROC_FRONTD], proc_default_user(PROC_FRONTD),
	    sizeof(conf->user[PROC_FRONTD]));
	(void)strlcpy(conf->user[PROC_AUTHD], proc_default_user(PROC_AUTHD),
	    sizeof(conf->user[PROC_AUTHD]));
	(void)strlcpy(conf->user[PROC_STORED], proc_default_user(PROC_STORED),
	    sizeof(conf->user[PROC_STORED]));
	(void)strlcpy(conf->user[PROC_MOATD], proc_default_user(PROC_MOATD),
	    sizeof(conf->user[PROC_MOATD]));
	(void)strlcpy(conf->user[PROC_TASKD], proc_default_user(PROC_TASKD),
	    sizeof(conf->user[PROC_TASKD]));
	(void)strlcpy(conf->user[PROC_GATEWAYD],
	    proc_default_user(PROC_GATEWAYD), sizeof(conf->user[PROC_GATEWAYD]));
	TAILQ_INIT(&conf->listeners);

	conf->http.max_connections = 1024;
	conf->http.max_per_address = 128;
	conf->http.max_header_bytes = 8192;
	conf->http.max_headers = 64;
	conf->http.max_body = 65536;
	conf->http.header_timeout = 10;
	conf->http.request_timeout = 30;
	conf->http.idle_timeout = 60;
	conf->auth.argon2_memory_kib = 19456;
	conf->auth.argon2_time = 2;
	conf_init_identity(conf);
	conf->auth.argon2_parallelism = 1;
	conf->task.workers = 2;
	strlcpy(conf->task.runtime, "/usr/bin/crun", sizeof(conf->task.runtime));
	strlcpy(conf->task.runtime_kind, "crun",
	    sizeof(conf->task.runtime_kind));
	strlcpy(conf->task.check_url, "https://api.ipify.org",
	    sizeof(conf->task.check_url));
	conf->task.uid_first = CONF_UID_FIRST;
	conf->task.uid_blocks = (CONF_UID_END - CONF_UID_FIRST) /
	    CONF_UID_BLOCK;
	conf->ipc_timeout_ms = 5000;
}

/* dst = dir/name, unless dst was configured; fails if it does not fit. */
static int
path_derive(char *dst, size_t dstlen, const char *dir, const char *name)
{
	const char	*sep = "/";
	int		 n;

	if (dst[0] != '\0')
		return 0;
	if (dir[0] != '\0' && dir[strlen(dir) - 1] == '/')
		sep = "";
	n = snprintf(dst, dstlen, "%s%s%s", dir, sep, name);
	if (n < 0 || (size_t)n >= dstlen) {
		dst[0] = '\0';
		return -1;
	}
	return 0;
}

int
conf_finalize(struct moat_config *conf)
{
	struct {
		const char	*what;
		char		*path;
		const char	*name;	/* under var_dir when unset */
	} paths[] = {
		{ "database directory", conf->db_dir, "db" },
		{ "chroot", conf->empty_dir, "empty" },
		{ "tls certificate", conf->tls_cert, "tls/server.crt" },
		{ "tls key", conf->tls_key, "tls/server.key" },
		{ "master key", conf->master_key, "master.key" },
		{ "control socket", conf->control_socket, "moatd.sock" },
	};
	struct sockaddr_un	 sun;
	struct conf_listen	*l;
	char			 err[128];
	size_t			 i;
	int			 errors = 0;

	if (conf->var_dir[0] != '/') {
		log_warnx("var \"%s\": must be an absolute path",
		    conf->var_dir);
		return -1;
	}
	if ((conf->tls_cert[0] == '\0') != (conf->tls_key[0] == '\0')) {
		log_warnx("tls certificate and tls key must be given together");
		errors++;
	} else if (conf->tls_cert[0] == '\0')
		conf->tls_generate = 1;

	for (i = 0; i < sizeof(paths) / sizeof(paths[0]); i++) {
		if (path_derive(paths[i].path, PATH_MAX, conf->var_dir,
		    paths[i].name) == -1) {
			log_warnx("%s: path under var is too long",
			    paths[i].what);
			errors++;
		} else if (paths[i].path[0] != '/') {
			log_warnx("%s \"%s\": must be an absolute path",
			    paths[i].what, paths[i].path);
			errors++;
		}
	}
	/* bind(2) would fail much later, with a less helpful message. */
	if (strlen(conf->control_socket) >= sizeof(sun.sun_path)) {
		log_warnx("control socket \"%s\": longer than %zu bytes",
		    conf->control_socket, sizeof(sun.sun_path) - 1);
		errors++;
	}
	for (i = PROC_FRONTD; i <= PROC_STORED; i++) {
		if (conf->user[i][0] == '\0') {
			log_warnx("user %s: empty", proc_name(i));
			errors++;
		}
	}

	if (conf_acme_check(conf) == -1)
		errors++;
	if (conf_cce_check(conf) == -1)
		errors++;
	/* an acme or ssh listener alone does not count: the API needs HTTPS */
	TAILQ_FOREACH(l, &conf->listeners, entry)
		if (!l->acme && !l->ssh)
			break;
	if (l == NULL && conf_listen_add(conf,
	    "localhost", CONF_DEFAULT_PORT, err, sizeof(err)) == -1) {
		log_warnx("default listener: %s", err);
		errors++;
	}
	return errors ? -1 : 0;
}

/*
 * The embedded defaults, then file over them, checked whole; NULL after
 * errors, which are reported.
 */
struct moat_config *
conf_load(const char *file)
{
	struct moat_config	*conf;
	int			 errors;

	if ((conf = calloc(1, sizeof(*conf))) == NULL)
		fatal("%s", __func__);
	conf_init(conf);
	errors = conf_parse_file(file, conf);
	if (errors == 0 && conf_finalize(conf) == -1)
		errors = 1;
	if (errors != 0) {
		conf_clear(conf);
		free(conf);
		return NULL;
	}
	return conf;
}

/*
 * Frees what conf holds and leaves it empty; conf_init() makes it usable
 * again.  Bound listening sockets are closed: whoever hands them on to a
 * new configuration sets fd to -1 first.
 */
void
conf_clear(struct moat_config *conf)
{
	struct conf_listen	*l;

	while ((l = TAILQ_FIRST(&conf->listeners)) != NULL) {
		TAILQ_REMOVE(&conf->listeners, l, entry);
		if (l->fd != -1)
			close(l->fd);
		free(l);
	}
	/* the EAB keys are secrets */
	explicit_bzero(conf->acme, sizeof(conf->acme));
	memset(conf, 0, sizeof(*conf));
	TAILQ_INIT(&conf->listeners);
}

int
conf_listen_add(struct moat_config *conf, const char *addr, long long port,
    char *err, size_t errlen)
{
	return conf_listen_add_kind(conf, addr, port, LISTEN_HTTPS, err,
	    errlen);
}

int
conf_listen_add_kind(struct moat_config *conf, const char *addr,
    long long port, int kind, char *err, size_t errlen)
{
	struct sockaddr_in	 sin;
	struct sockaddr_in6	 sin6;
	struct conf_listen	*l, *old;
	char			 host[INET6_ADDRSTRLEN];
	int			 n = 0;

	if (port < 1 || port > 65535) {
		snprintf(err, errlen, "port %lld out of range (1..65535)",
		    port);
		return -1;
	}
	if (strcmp(addr, "*") == 0)
		addr = "0.0.0.0";
	else if (strcmp(addr, "localhost") == 0)
		addr = "127.0.0.1";

	if ((l = calloc(1, sizeof(*l))) == NULL) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	l->fd = -1;
	l->acme = kind == LISTEN_ACME;
	l->ssh = kind == LISTEN_SSH;
	memset(&sin, 0, sizeof(sin));
	memset(&sin6, 0, sizeof(sin6));
	if (inet_pton(AF_INET, addr, &sin.sin_addr) == 1) {
		sin.sin_family = AF_INET;
		sin.sin_port = htons(port);
		memcpy(&l->ss, &sin, sizeof(sin));
		l->sslen = sizeof(sin);
		inet_ntop(AF_INET, &sin.sin_addr, host, sizeof(host));
		n = snprintf(l->name, sizeof(l->name), "%s:%lld", host, port);
	} else if (inet_pton(AF_INET6, addr, &sin6.sin6_addr) == 1) {
		sin6.sin6_family = AF_INET6;
		sin6.sin6_port = htons(port);
		memcpy(&l->ss, &sin6, sizeof(sin6));
		l->sslen = sizeof(sin6);
		inet_ntop(AF_INET6, &sin6.sin6_addr, host, sizeof(host));
		n = snprintf(l->name, sizeof(l->name), "[%s]:%lld", host, port);
	} else {
		snprintf(err, errlen, "invalid address \"%s\": expected an "
		    "IPv4 or IPv6 literal, \"localhost\" or \"*\"", addr);
		free(l);
		return -1;
	}
	if (n < 0 || (size_t)n >= sizeof(l->name))
		l->name[0] = '\0';	/* cannot happen: 46 + 8 < 80 */

	n = 0;
	TAILQ_FOREACH(old, &conf->listeners, entry) {
		/* The canonical name holds family, address and port. */
		if (strcmp(old->name, l->name) == 0) {
			snprintf(err, errlen, "duplicate address %s", l->name);
			free(l);
			return -1;
		}
		n++;
	}
	if (n >= CONF_MAX_LISTEN) {
		snprintf(err, errlen, "too many listen statements (max %d)",
		    CONF_MAX_LISTEN);
		free(l);
		return -1;
	}
	TAILQ_INSERT_TAIL(&conf->listeners, l, entry);
	return 0;
}

static void
macro_free(struct macro *m)
{
	TAILQ_REMOVE(&macros, m, entry);
	nmacros--;
	free(m->name);
	free(m->value);
	free(m);
}

/*
 * A file cannot override a -D macro: the command line wins, as in httpd.
 * Returns 0 when the macro is set (or kept), -1 with *errstr on error.
 */
int
conf_macro_set(const char *name, const char *value, int persist,
    const char **errstr)
{
	struct macro	*m;
	size_t		 i;

	*errstr = NULL;
	if (name[0] == '\0' || isdigit((unsigned char)name[0])) {
		*errstr = "invalid macro name";
		return -1;
	}
	for (i = 0; name[i] != '\0'; i++) {
		if (!isalnum((unsigned char)name[i]) && name[i] != '_') {
			*errstr = "invalid macro name";
			return -1;
		}
	}
	if (i >= CONF_MAX_MACRO_NAME) {
		*errstr = "macro name too long";
		return -1;
	}
	if (strlen(value) >= CONF_MAX_TOKEN) {
		*errstr = "macro value too long";
		return -1;
	}
	TAILQ_FOREACH(m, &macros, entry)
		if (strcmp(m->name, name) == 0)
			break;
	if (m != NULL && m->persist && !persist)
		return 0;
	if (m == NULL && nmacros >= CONF_MAX_MACROS) {
		*errstr = "too many macros";
		return -1;
	}
	if (m == NULL) {
		if ((m = calloc(1, sizeof(*m))) == NULL ||
		    (m->name = strdup(name)) == NULL) {
			free(m);
			*errstr = "out of memory";
			return -1;
		}
		TAILQ_INSERT_TAIL(&macros, m, entry);
		nmacros++;
	}
	free(m->value);
	if ((m->value = strdup(value)) == NULL) {
		macro_free(m);
		*errstr = "out of memory";
		return -1;
	}
	m->persist = persist;
	return 0;
}

const char *
conf_macro_get(const char *name)
{
	struct macro	*m;

	TAILQ_FOREACH(m, &macros, entry)
		if (strcmp(m->name, name) == 0)
			return m->value;
	return NULL;
}

/* Drops the macros a file defined; the -D ones stay for the next parse. */
void
conf_macro_reset(void)
{
	struct macro	*m, *next;

	for (m = TAILQ_FIRST(&macros); m != NULL; m = next) {
		next = TAILQ_NEXT(m, entry);
		if (!m->persist)
			macro_free(m);
	}
}

void
conf_clear_macros(void)
{
	struct macro	*m;

	while ((m = TAILQ_FIRST(&macros)) != NULL)
		macro_free(m);
}

int
conf_define_macro(const char *nameval)
{
	const char	*eq, *errstr;
	char		 name[CONF_MAX_MACRO_NAME];
	size_t		 len;

	/* The first '=' ends the name: a value may contain '='. */
	if ((eq = strchr(nameval, '=')) == NULL) {
		log_warnx("macro definition \"%s\": expected name=value",
		    nameval);
		return -1;
	}
	len = eq - nameval;
	if (len == 0 || len >= sizeof(name)) {
		log_warnx("macro definition \"%s\": invalid name", nameval);
		return -1;
	}
	memcpy(name, nameval, len);
	name[len] = '\0';
	if (conf_macro_set(name, eq + 1, 1, &errstr) == -1) {
		log_warnx("macro definition \"%s\": %s", name, errstr);
		return -1;
	}
	return 0;
}

/* Quotes s so that the lexer reads it back unchanged. */
static void
dump_string(FILE *fp, const char *s)
{
	fputc('"', fp);
	for (; *s != '\0'; s++) {
		if (*s == '"' || *s == '\\')
			fputc('\\', fp);
		fputc(*s, fp);
	}
	fputc('"', fp);
}

static void
dump_size(FILE *fp, const char *what, uint32_t v)
{
	if (v != 0 && v % (1024 * 1024) == 0)
		fprintf(fp, "\t%s %uM\n", what, v / (1024 * 1024));
	else if (v != 0 && v % 1024 == 0)
		fprintf(fp, "\t%s %uK\n", what, v / 1024);
	else
		fprintf(fp, "\t%s %u\n", what, v);
}

static void
dump_listen(FILE *fp, const struct conf_listen *l)
{
	const struct sockaddr_in	*sin;
	const struct sockaddr_in6	*sin6;
	char				 host[INET6_ADDRSTRLEN] = "?";
	unsigned int			 port = 0;

	if (l->ss.ss_family == AF_INET) {
		sin = (const struct sockaddr_in *)&l->ss;
		inet_ntop(AF_INET, &sin->sin_addr, host, sizeof(host));
		port = ntohs(sin->sin_port);
	} else if (l->ss.ss_family == AF_INET6) {
		sin6 = (const struct sockaddr_in6 *)&l->ss;
		inet_ntop(AF_INET6, &sin6->sin6_addr, host, sizeof(host));
		port = ntohs(sin6->sin6_port);
	}
	fprintf(fp, "listen %son %s port %u\n", l->acme ? "acme " :
	    l->ssh ? "ssh " : "", host, port);
}

/*
 * Prints conf in moatd.conf(5) syntax; after conf_finalize() the output
 * parses back to the same configuration.  Generated TLS paths are
 * comments: stating them would turn generation off.
 */
static void
conf_dump_identity(FILE *fp, const struct moat_config *conf)
{
	char		 addr[INET6_ADDRSTRLEN];
	uint32_t	 i;
	int		 d;

	for (d = 0; d < DIALECT_MAX; d++)
		fprintf(fp, "session %s lifetime %u idle %u\n",
		    dialect_name(d), conf->session[d].lifetime,
		    conf->session[d].idle);
	fprintf(fp, "login lifetime %u\n", conf->limits.login_lifetime);
	fprintf(fp, "limit auth failures %u\n", conf->limits.auth_failures);
	fprintf(fp, "limit invalid tokens %u\n",
	    conf->limits.invalid_tokens);
	fprintf(fp, "limit api requests %u\n", conf->limits.api_requests);
	for (i = 0; i < conf->limits.nproxies; i++) {
		const struct sockaddr_storage *ss = &conf->limits.proxies[i];
		const void *a = ss->ss_family == AF_INET ?
		    (const void *)&((const struct sockaddr_in *)ss)->sin_addr :
		    (const void *)&((const struct sockaddr_in6 *)ss)->sin6_addr;

		inet_ntop(ss->ss_family, a, addr, sizeof(addr));
		fprintf(fp, "trusted proxy %s\n", addr);
	}
}

void
conf_dump(FILE *fp, const struct moat_config *conf)
{
	const struct conf_listen	*l;
	int				 i;

	fprintf(fp, "var ");
	dump_string(fp, conf->var_dir);
	fprintf(fp, "\ndatabase directory ");
	dump_string(fp, conf->db_dir);
	fprintf(fp, "\nchroot ");
	dump_string(fp, conf->empty_dir);
	fprintf(fp, "\n");
	TAILQ_FOREACH(l, &conf->listeners, entry)
		dump_listen(fp, l);
	fprintf(fp, "%stls certificate ", conf->tls_generate ? "# " : "");
	dump_string(fp, conf->tls_cert);
	fprintf(fp, "%s\n%stls key ", conf->tls_generate ? " (generated)" : "",
	    conf->tls_generate ? "# " : "");
	dump_string(fp, conf->tls_key);
	fprintf(fp, "%s\nmaster key ",
	    conf->tls_generate ? " (generated)" : "");
	dump_string(fp, conf->master_key);
	fprintf(fp, "\ncontrol socket ");
	dump_string(fp, conf->control_socket);
	fprintf(fp, "\n");
	for (i = PROC_FRONTD; i <= PROC_STORED; i++) {
		fprintf(fp, "user %s ", proc_name(i));
		dump_string(fp, conf->user[i]);
		fprintf(fp, "\n");
	}
	fprintf(fp, "http {\n\tmax connections %u\n",
	    conf->http.max_connections);
	fprintf(fp, "\tmax connections per address %u\n",
	    conf->http.max_per_address);
	dump_size(fp, "max header size", conf->http.max_header_bytes);
	fprintf(fp, "\tmax headers %u\n", conf->http.max_headers);
	dump_size(fp, "max body", conf->http.max_body);
	fprintf(fp, "\theader timeout %u\n\trequest timeout %u\n"
	    "\tidle timeout %u\n}\n", conf->http.header_timeout,
	    conf->http.request_timeout, conf->http.idle_timeout);
	fprintf(fp, "argon2 memory %u time %u parallelism %u\n",
	    conf->auth.argon2_memory_kib, conf->auth.argon2_time,
	    conf->auth.argon2_parallelism);
	conf_dump_identity(fp, conf);
	fprintf(fp, "task workers %u\n", conf->task.workers);
	fprintf(fp, "task runtime %s \"%s\"\n", conf->task.runtime_kind,
	    conf->task.runtime);
	if (conf->task.image[0] != '\0')
		fprintf(fp, "task image \"%s\"\n", conf->task.image);
	for (i = 0; i < (int)conf->egress.nallow; i++)
		fprintf(fp, "egress allow endpoint \"%s\"\n",
		    conf->egress.allow[i]);
	fprintf(fp, "task uid-range %u %u\n", conf->task.uid_first,
	    conf->task.uid_blocks);
	conf_acme_dump(fp, conf);
	conf_cce_dump(fp, conf);
	fprintf(fp, "ipc timeout %u\n", conf->ipc_timeout_ms);
	if (conf->log_verbose)
		fprintf(fp, "log verbose\n");
}
