/*
 * moatd's configuration: what moatd.conf(5) can set.  moatd parses it once
 * (parse.y) and pushes to each child only the part that child needs.
 */
#ifndef MOAT_CONFFILE_H
#define MOAT_CONFFILE_H

#include <sys/types.h>
#include <sys/socket.h>
#include <sys/queue.h>

#include <limits.h>
#include <stdint.h>
#include <stdio.h>

#include "dialect.h"
#include "proc.h"

#define CONF_DEFAULT_FILE	"/etc/moat/moatd.conf"
#define CONF_DEFAULT_VAR	"/var/lib/moat"
#define CONF_DEFAULT_CCE_SCHEMA	"/etc/moat/cce.schema"
#define CONF_DEFAULT_PORT	8443
#define CONF_MAX_LISTEN		16
#define CONF_MAX_INCLUDE_DEPTH	8
#define CONF_MAX_MACROS		256
#define CONF_MAX_MACRO_NAME	64	/* with the NUL */
#define CONF_MAX_LINE		8192	/* bytes in a line, newline excluded */
#define CONF_MAX_TOKEN		4096	/* bytes in a word or string, with NUL */
#define CONF_MAX_FILE		(1024 * 1024)	/* bytes in one file or buffer */
#define CONF_HTTP_MAX_HEADERS	128	/* frontd's HTTP_MAX_HEADERS */

struct conf_listen {
	TAILQ_ENTRY(conf_listen) entry;
	struct sockaddr_storage	 ss;
	socklen_t		 sslen;
	char			 name[80];	/* "127.0.0.1:8443" */
	int			 fd;		/* moatd only, -1 until bound */
	int			 acme;		/* plain HTTP, http-01 only */
	int			 ssh;		/* the SSH gateway's */
};
TAILQ_HEAD(conf_listens, conf_listen);

struct conf_http {
	uint32_t	 max_connections;	/* concurrent, per frontd */
	uint32_t	 max_per_address;	/* concurrent, per client */
	uint32_t	 max_header_bytes;	/* request line and headers */
	uint32_t	 max_headers;		/* header fields per request */
	uint32_t	 max_body;		/* bytes */
	uint32_t	 header_timeout;	/* seconds to receive the head */
	uint32_t	 request_timeout;	/* seconds to receive the body */
	uint32_t	 idle_timeout;		/* seconds between requests */
};

struct conf_auth {
	uint32_t	 argon2_memory_kib;
	uint32_t	 argon2_time;
	uint32_t	 argon2_parallelism;
};

struct conf_session {
	uint32_t	 lifetime;		/* seconds, absolute */
	uint32_t	 idle;			/* seconds without use */
};

#define CONF_MAX_PROXIES	16

/* Who may log in how often, and how much a user may ask. */
struct conf_limits {
	uint32_t	 auth_failures;		/* per source address a minute */
	uint32_t	 invalid_tokens;	/* per source address a minute */
	uint32_t	 api_requests;		/* per user a minute */
	uint32_t	 login_lifetime;	/* command API LOGIN tokens */
	struct sockaddr_storage proxies[CONF_MAX_PROXIES];
	uint32_t	 nproxies;		/* X-Forwarded-For trusted from */
};

#define CONF_MAX_EGRESS_ALLOW	16	/* EGRESS_ALLOW_MAX */
#define CONF_EGRESS_RANGE_MAX	64	/* a range's text, with the NUL */

/* Ranges an admin's egress endpoints may name although refused by
 * default (loopback, link-local, metadata, unspecified). */
struct conf_egress {
	char		 allow[CONF_MAX_EGRESS_ALLOW][CONF_EGRESS_RANGE_MAX];
	uint32_t	 nallow;
};

#define CONF_MAX_ACME_DIRS	16
#define CONF_ACME_NAME_MAX	64	/* with the NUL */
#define CONF_ACME_URL_MAX	512	/* with the NUL */
#define CONF_ACME_EAB_MAX	256	/* a kid or a key's text, with NUL */
#define CONF_ACME_CA_MAX	(64 * 1024)	/* bytes of a ca-file */
#define CONF_ACME_HTTP_PORT	80
#define CONF_SSH_PORT		2222	/* the reference's */

/* what a listen statement serves */
enum listen_kind { LISTEN_HTTPS, LISTEN_ACME, LISTEN_SSH };

/*
 * acme directory: a CA's ACME directory, named.  Accounts name one of
 * these; no URL is ever taken from a request.  eab_hmac is a secret and
 * goes to authd only (confpush.c).
 */
struct conf_acme_dir {
	char		 name[CONF_ACME_NAME_MAX];
	char		 url[CONF_ACME_URL_MAX];
	char		 ca_file[PATH_MAX];	/* "" for the system's roots */
	char		 eab_kid[CONF_ACME_EAB_MAX];
	char		 eab_hmac[CONF_ACME_EAB_MAX];	/* base64url */
};

struct conf_task {
	uint32_t	 workers;
	char		 runtime[256];	/* the OCI runtime; absolute */
	char		 runtime_kind[8];	/* crun or runc */
	char		 image[256];	/* hosts' root; "" is $var/task/image */
	char		 check_url[256];	/* answers with the caller's IP */
	uint32_t	 uid_first;	/* hosts' user ids: blocks of 65536 */
	uint32_t	 uid_blocks;	/* from uid_first, one per host */
};

/* task uid-range: what a host's user namespace maps to, by default the
 * upper half of the id space but its last block (4294967294 and -1) */
#define CONF_UID_BLOCK		65536U
#define CONF_UID_FIRST		2147483648U
#define CONF_UID_END		4294901760U	/* the last block's first */

#define CONF_CCE_PASSWORDS_MAX	64	/* distinct password names */
#define CONF_CCE_NAME_MAX	128	/* "Namespace.prop", with the NUL */

struct moat_config {
	char		 var_dir[PATH_MAX];	/* state; absolute */
	char		 db_dir[PATH_MAX];	/* stored's chroot */
	char		 empty_dir[PATH_MAX];	/* frontd's and authd's chroot */
	char		 tls_cert[PATH_MAX];
	char		 tls_key[PATH_MAX];
	int		 tls_generate;		/* neither was configured */
	char		 master_key[PATH_MAX];
	char		 control_socket[PATH_MAX];
	char		 user[PROC_MAX][64];	/* per process */
	struct conf_listens listeners;
	struct conf_http http;
	struct conf_auth auth;
	struct conf_session session[DIALECT_MAX];
	struct conf_limits limits;
	struct conf_task task;
	struct conf_egress egress;
	struct conf_acme_dir acme[CONF_MAX_ACME_DIRS];
	uint32_t	 nacme;
	uint32_t	 ipc_timeout_ms;	/* request/reply between children */
	char		 cce_schema[PATH_MAX];	/* the command API's classes */
	int		 cce_schema_set;	/* configured, not the default */
	int		 cce_schema_absent;	/* the default, and not there */
	/* its password properties, "prop" or "Namespace.prop" as a
	 * command names them, found by conf_cce_check() */
	char		 cce_passwords[CONF_CCE_PASSWORDS_MAX]
			    [CONF_CCE_NAME_MAX];
	uint32_t	 cce_npasswords;
	int		 log_verbose;
};

/* Macros given on the command line (-D name=value) before parsing. */
int	 conf_define_macro(const char *nameval);

void	 conf_init(struct moat_config *);
struct moat_config *conf_load(const char *filename);
/*
 * Parses filename on top of the defaults already in conf.  Errors are
 * reported as "file:line: message" through log_warnx.  Returns the number
 * of errors (0 on success).  After a successful parse, conf_finalize()
 * fills the paths that were left to their defaults from var_dir.
 */
int	 conf_parse_file(const char *filename, struct moat_config *);
/* The same for a buffer; name is used in error messages. */
int	 conf_parse_buffer(const char *name, const char *buf, size_t len,
	    struct moat_config *);
int	 conf_finalize(struct moat_config *);
void	 conf_clear(struct moat_config *);
void	 conf_clear_macros(void);
void	 conf_dump(FILE *, const struct moat_config *);

/*
 * For parse.y.  conf_listen_add() parses an address ("*", "localhost", an
 * IPv4 or IPv6 literal) and appends a listener; on error it returns -1 and
 * puts the reason in err.  The macro table keeps -D macros (persist) across
 * parses; conf_macro_reset() drops the others.
 */
int	 conf_listen_add(struct moat_config *, const char *addr, long long port,
	    char *err, size_t errlen);
int	 conf_listen_add_kind(struct moat_config *, const char *addr,
	    long long port, int kind, char *err, size_t errlen);
/*
 * confacme.c: conf_acme_add() checks one acme directory statement (name,
 * url; the optional fields "" when absent) against the others and
 * appends it; conf_acme_check() is conf_finalize()'s part: every ca-file
 * a regular file moatd can read, of at most CONF_ACME_CA_MAX bytes.
 */
int	 conf_acme_add(struct moat_config *, const struct conf_acme_dir *,
	    char *err, size_t errlen);
int	 conf_acme_check(const struct moat_config *);
void	 conf_acme_dump(FILE *, const struct moat_config *);
/*
 * confcce.c: conf_cce_check() is conf_finalize()'s part for cce schema:
 * the file read and parsed whole (errors with its line), its password
 * properties' names kept; conf_cce_dump() prints the statement.
 */
int	 conf_cce_check(struct moat_config *);
void	 conf_cce_dump(FILE *, const struct moat_config *);
int	 conf_macro_set(const char *name, const char *value, int persist,
	    const char **errstr);
const char *conf_macro_get(const char *name);
void	 conf_macro_reset(void);

#endif
