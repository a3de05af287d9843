/*
 * moatd.conf(5): grammar, lexer, include stack and macro expansion, in the
 * shape of OpenBSD httpd's and relayd's parse.y.
 *
 * Builds with `byacc -o parse.c parse.y` and with `bison -y`; parse.c
 * compiles with -Wall -Wextra -Werror under gcc and clang and needs no
 * -Wno- flag.
 *
 * The parser is run again on every reload and by the fuzzer, so all of its
 * state lives in one struct that parse_reset() returns to empty at the
 * start and at the end of each parse.  Strings the lexer returns are kept
 * on a list and freed after each statement, so no error path in the
 * grammar can leak them.
 */

%{
#include <sys/types.h>
#include <sys/stat.h>
#include <sys/queue.h>
#include <sys/un.h>

#include <netinet/in.h>
#include <arpa/inet.h>

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cidr.h"
#include "conffile.h"
#include "log.h"

/* lgetc() returns a byte, EOF or one of these. */
#define LEX_MACRO_END	(-2)	/* a macro's text ended a token */
#define LEX_NUL		(-3)	/* a NUL byte in the file */
#define LEX_LONGLINE	(-4)	/* a line longer than CONF_MAX_LINE */
#define LEX_IOERR	(-5)	/* read error */

/* byacc: free the parser's stack after each parse, as bison does. */
#define YY_NO_LEAKS	1

#define MAXPUSHBACK	8
/* Bytes all macro expansions of one parse may produce. */
#define MAX_EXPANSION	CONF_MAX_FILE

struct file {
	TAILQ_ENTRY(file) entry;
	FILE		*stream;
	char		*name;
	int		 lineno;
	size_t		 linelen;	/* bytes so far on this line */
	int		 lastc;
	int		 buffer;	/* from memory: has no directory */
};
TAILQ_HEAD(files, file);

struct lexstr {
	SLIST_ENTRY(lexstr) entry;
	char		 s[];
};
SLIST_HEAD(lexstrs, lexstr);

static struct parser {
	struct moat_config *conf;
	struct files	 files;		/* the include stack */
	struct file	*file;		/* the one being read */
	int		 depth;		/* includes on the stack */
	int		 errors;
	int		 abort;		/* no point reading on */
	int		 lexerror;	/* the lexer already said why */
	int		 atstart;	/* a statement starts next */
	int		 toklineno;
	char		 tokdesc[64];	/* "syntax error at ..." */
	int		 pushback[MAXPUSHBACK];
	int		 npushback;
	/*
	 * A copy of the macro being expanded: its text may define the
	 * same macro again while it is read.
	 */
	char		 macro[CONF_MAX_TOKEN];
	size_t		 macropos;
	int		 inmacro;
	int		 macro_after;	/* the byte that ended $name */
	size_t		 expanded;
	struct file	*block_file;	/* where "http {" is open */
	int		 block_line;
	struct lexstrs	 strings;
	struct conf_acme_dir acme;	/* the acme directory being read */
	int		 acme_dup;	/* an option given twice */
} ps;

int		 yylex(void);
void		 yyerror(const char *);

static void	 parse_error(const char *, ...)
		    __attribute__((format(printf, 1, 2)));
static void	 parse_error_at(struct file *, int, const char *, va_list)
		    __attribute__((format(printf, 3, 0)));
static int	 parse_run(struct file *, struct moat_config *);
static void	 parse_reset(void);
static struct file *file_open(const char *, int, const char **);
static void	 file_close(struct file *);
static void	 include_file(const char *);
static char	*lexstr_dup(const char *);
static void	 lexstr_purge(void);
static int	 check_range(const char *, int64_t, int64_t, int64_t);
static int	 parse_unit(const char *, const char *, int64_t *);
static int	 set_path(char *, const char *, const char *);
static int	 set_runtime(const char *, const char *);
static int	 set_check_url(const char *);
static int	 set_uid_range(int64_t, int64_t);
static void	 set_user(const char *, const char *);
static void	 set_macro(const char *, const char *);
static void	 add_listen(const char *, int64_t, int);
static void	 acme_begin(const char *, const char *);
static void	 acme_opt(char *, size_t, const char *, const char *);
static int	 acme_end(void);
static void	 block_open(void);
static int	 set_session(const char *, int64_t, int64_t);
static int	 add_proxy(const char *);
static int	 add_egress_allow(const char *);
%}

%union {
	int64_t		 number;
	char		*string;
}

%token	ARGON2 BODY CERTIFICATE CHROOT CONNECTIONS CONTROL DATABASE
%token	DIRECTORY HEADER HEADERS HTTP IDLE INCLUDE IPC KEY LISTEN LOG
%token	MASTER MAX MEMORY ON PARALLELISM PORT REQUEST SIZE SOCKET TASK
%token	TIME TIMEOUT TLS USER VAR VERBOSE WORKERS ERROR
%token	API AUTH FAILURES INVALID LIFETIME LIMIT LOGIN PROXY REQUESTS
%token	SESSION TOKENS TRUSTED PER ADDRESS RUNTIME IMAGE EGRESS CHECK
%token	ALLOW ENDPOINT UIDRANGE
%token	ACME URL CAFILE EABKID EABHMAC
%token	CCE SCHEMA SSH
%token	<string>	STRING
%token	<number>	NUMBER
%type	<number>	port acmeport sshport size seconds idle limit
%type	<string>	value dialect

%%

grammar		: /* empty */
		| grammar '\n'			{ lexstr_purge(); }
		| grammar include		{ lexstr_purge(); }
		| grammar varset '\n'		{ lexstr_purge(); }
		| grammar main '\n'		{ lexstr_purge(); }
		| grammar error '\n'		{ lexstr_purge(); yyerrok; }
		;

/*
 * The newline belongs to the include: the file is pushed once it has been
 * read, so the included file's tokens follow it.
 */
include		: INCLUDE STRING '\n'	{ include_file($2); }
		;

varset		: STRING '=' value		{ set_macro($1, $3); }
		;

value		: STRING
		| NUMBER {
			char	 buf[32];

			(void)snprintf(buf, sizeof(buf), "%lld",
			    (long long)$1);
			$$ = lexstr_dup(buf);
		}
		;

main		: VAR STRING {
			if (set_path(ps.conf->var_dir, "var", $2) == -1)
				YYERROR;
		}
		| DATABASE DIRECTORY STRING {
			if (set_path(ps.conf->db_dir, "database directory",
			    $3) == -1)
				YYERROR;
		}
		| CHROOT STRING {
			if (set_path(ps.conf->empty_dir, "chroot", $2) == -1)
				YYERROR;
		}
		| LISTEN ON STRING port	{ add_listen($3, $4, LISTEN_HTTPS); }
		| LISTEN ACME ON STRING acmeport {
			add_listen($4, $5, LISTEN_ACME);
		}
		| LISTEN SSH ON STRING sshport {
			add_listen($4, $5, LISTEN_SSH);
		}
		| ACME DIRECTORY STRING URL STRING {
			acme_begin($3, $5);
		} acmeopts {
			if (acme_end() == -1)
				YYERROR;
		}
		| TLS CERTIFICATE STRING {
			if (set_path(ps.conf->tls_cert, "tls certificate",
			    $3) == -1)
				YYERROR;
		}
		| TLS KEY STRING {
			if (set_path(ps.conf->tls_key, "tls key", $3) == -1)
				YYERROR;
		}
		| MASTER KEY STRING {
			if (set_path(ps.conf->master_key, "master key",
			    $3) == -1)
				YYERROR;
		}
		| CONTROL SOCKET STRING {
			struct sockaddr_un	 sun;

			if (strlen($3) >= sizeof(sun.sun_path)) {
				parse_error("control socket: path longer "
				    "than %zu bytes", sizeof(sun.sun_path) - 1);
				YYERROR;
			}
			if (set_path(ps.conf->control_socket,
			    "control socket", $3) == -1)
				YYERROR;
		}
		| USER STRING STRING		{ set_user($2, $3); }
		| ARGON2 argon2opts
		| TASK WORKERS NUMBER {
			if (check_range("task workers", $3, 1, 64) == -1)
				YYERROR;
			ps.conf->task.workers = $3;
		}
		| TASK RUNTIME STRING {
			if (set_runtime("crun", $3) == -1)
				YYERROR;
		}
		| TASK RUNTIME STRING STRING {
			if (set_runtime($3, $4) == -1)
				YYERROR;
		}
		| TASK EGRESS CHECK STRING {
			if (set_check_url($4) == -1)
				YYERROR;
		}
		| EGRESS ALLOW ENDPOINT STRING {
			if (add_egress_allow($4) == -1)
				YYERROR;
		}
		| TASK UIDRANGE NUMBER NUMBER {
			if (set_uid_range($3, $4) == -1)
				YYERROR;
		}
		| TASK IMAGE STRING {
			if (strlen($3) >= sizeof(ps.conf->task.image)) {
				parse_error("task image: path too long");
				YYERROR;
			}
			if (set_path(ps.conf->task.image, "task image",
			    $3) == -1)
				YYERROR;
		}
		| IPC TIMEOUT NUMBER {
			if (check_range("ipc timeout", $3, 100, 60000) == -1)
				YYERROR;
			ps.conf->ipc_timeout_ms = $3;
		}
		| LOG VERBOSE		{ ps.conf->log_verbose = 1; }
		| CCE SCHEMA STRING {
			if (set_path(ps.conf->cce_schema, "cce schema",
			    $3) == -1)
				YYERROR;
			ps.conf->cce_schema_set = 1;
		}
		| SESSION dialect LIFETIME seconds idle {
			if (set_session($2, $4, $5) == -1)
				YYERROR;
		}
		| LOGIN LIFETIME seconds {
			if (check_range("login lifetime", $3, 30, 86400) == -1)
				YYERROR;
			ps.conf->limits.login_lifetime = $3;
		}
		| LIMIT AUTH FAILURES limit {
			ps.conf->limits.auth_failures = $4;
		}
		| LIMIT INVALID TOKENS limit {
			ps.conf->limits.invalid_tokens = $4;
		}
		| LIMIT API REQUESTS limit {
			ps.conf->limits.api_requests = $4;
		}
		| TRUSTED PROXY STRING {
			if (add_proxy($3) == -1)
				YYERROR;
		}
		| HTTP '{' { block_open(); } httpitems '}' {
			ps.block_file = NULL;
		}
		| HTTP httpitem
		;

/* "cce" is a keyword (cce schema) and a dialect's name */
dialect		: STRING
		| CCE			{ $$ = lexstr_dup("cce"); }
		;

idle		: /* empty */		{ $$ = 0; }
		| IDLE seconds		{ $$ = $2; }
		;

limit		: NUMBER {
			if (check_range("limit", $1, 1, 1000000) == -1)
				YYERROR;
			$$ = $1;
		}
		;

port		: /* empty */		{ $$ = CONF_DEFAULT_PORT; }
		| PORT NUMBER		{ $$ = $2; }
		;

acmeport	: /* empty */		{ $$ = CONF_ACME_HTTP_PORT; }
		| PORT NUMBER		{ $$ = $2; }
		;

sshport		: /* empty */		{ $$ = CONF_SSH_PORT; }
		| PORT NUMBER		{ $$ = $2; }
		;

acmeopts	: /* empty */
		| acmeopts acmeopt
		;

acmeopt		: CAFILE STRING {
			acme_opt(ps.acme.ca_file, sizeof(ps.acme.ca_file),
			    "ca-file", $2);
		}
		| EABKID STRING {
			acme_opt(ps.acme.eab_kid, sizeof(ps.acme.eab_kid),
			    "eab-kid", $2);
		}
		| EABHMAC STRING {
			acme_opt(ps.acme.eab_hmac, sizeof(ps.acme.eab_hmac),
			    "eab-hmac", $2);
		}
		;

argon2opts	: argon2opt
		| argon2opts argon2opt
		;

argon2opt	: MEMORY NUMBER {
			if (check_range("argon2 memory", $2, 8192,
			    4194304) == -1)
				YYERROR;
			ps.conf->auth.argon2_memory_kib = $2;
		}
		| TIME NUMBER {
			if (check_range("argon2 time", $2, 1, 10) == -1)
				YYERROR;
			ps.conf->auth.argon2_time = $2;
		}
		| PARALLELISM NUMBER {
			if (check_range("argon2 parallelism", $2, 1, 16) == -1)
				YYERROR;
			ps.conf->auth.argon2_parallelism = $2;
		}
		;

httpitems	: /* empty */
		| httpitems '\n'
		| httpitems httpitem '\n'
		| httpitems error '\n'		{ yyerrok; }
		;

httpitem	: MAX CONNECTIONS NUMBER {
			if (check_range("max connections", $3, 1,
			    100000) == -1)
				YYERROR;
			ps.conf->http.max_connections = $3;
		}
		| MAX CONNECTIONS PER ADDRESS NUMBER {
			if (check_range("max connections per address", $5, 1,
			    100000) == -1)
				YYERROR;
			ps.conf->http.max_per_address = $5;
		}
		| MAX HEADER SIZE size {
			if (check_range("max header size", $4, 1024,
			    65536) == -1)
				YYERROR;
			ps.conf->http.max_header_bytes = $4;
		}
		| MAX HEADERS NUMBER {
			if (check_range("max headers", $3, 1,
			    CONF_HTTP_MAX_HEADERS) == -1)
				YYERROR;
			ps.conf->http.max_headers = $3;
		}
		| MAX BODY size {
			if (check_range("max body", $3, 1024,
			    16 * 1024 * 1024) == -1)
				YYERROR;
			ps.conf->http.max_body = $3;
		}
		| HEADER TIMEOUT seconds {
			if (check_range("header timeout", $3, 1, 300) == -1)
				YYERROR;
			ps.conf->http.header_timeout = $3;
		}
		| REQUEST TIMEOUT seconds {
			if (check_range("request timeout", $3, 1, 3600) == -1)
				YYERROR;
			ps.conf->http.request_timeout = $3;
		}
		| IDLE TIMEOUT seconds {
			if (check_range("idle timeout", $3, 1, 3600) == -1)
				YYERROR;
			ps.conf->http.idle_timeout = $3;
		}
		;

size		: NUMBER
		| STRING {
			if (parse_unit("size", $1, &$$) == -1)
				YYERROR;
		}
		;

seconds		: NUMBER
		| STRING {
			if (parse_unit("time", $1, &$$) == -1)
				YYERROR;
		}
		;

%%

static const struct keyword {
	const char	*name;
	int		 token;
} keywords[] = {
	{ "acme",	ACME },
	{ "address",		ADDRESS },
	{ "allow",	ALLOW },
	{ "api",		API },
	{ "argon2",	ARGON2 },
	{ "auth",	AUTH },
	{ "body",	BODY },
	{ "ca-file",	CAFILE },
	{ "cce",		CCE },
	{ "certificate",	CERTIFICATE },
	{ "check",	CHECK },
	{ "chroot",	CHROOT },
	{ "connections",	CONNECTIONS },
	{ "control",	CONTROL },
	{ "database",	DATABASE },
	{ "directory",	DIRECTORY },
	{ "eab-hmac",	EABHMAC },
	{ "eab-kid",	EABKID },
	{ "egress",	EGRESS },
	{ "endpoint",	ENDPOINT },
	{ "failures",	FAILURES },
	{ "header",	HEADER },
	{ "headers",	HEADERS },
	{ "http",	HTTP },
	{ "idle",	IDLE },
	{ "image",	IMAGE },
	{ "include",	INCLUDE },
	{ "invalid",	INVALID },
	{ "ipc",		IPC },
	{ "key",		KEY },
	{ "lifetime",	LIFETIME },
	{ "limit",	LIMIT },
	{ "listen",	LISTEN },
	{ "log",		LOG },
	{ "login",	LOGIN },
	{ "master",	MASTER },
	{ "max",		MAX },
	{ "memory",	MEMORY },
	{ "on",		ON },
	{ "parallelism",	PARALLELISM },
	{ "per",		PER },
	{ "port",	PORT },
	{ "proxy",	PROXY },
	{ "request",	REQUEST },
	{ "requests",	REQUESTS },
	{ "runtime",	RUNTIME },
	{ "schema",	SCHEMA },
	{ "session",	SESSION },
	{ "size",	SIZE },
	{ "socket",	SOCKET },
	{ "ssh",	SSH },
	{ "task",	TASK },
	{ "time",	TIME },
	{ "timeout",	TIMEOUT },
	{ "tls",		TLS },
	{ "tokens",	TOKENS },
	{ "trusted",	TRUSTED },
	{ "uid-range",	UIDRANGE },
	{ "url",		URL },
	{ "user",	USER },
	{ "var",		VAR },
	{ "verbose",	VERBOSE },
	{ "workers",	WORKERS },
};

static int	 lookup(const char *);
static int	 lgetc(void);
static void	 lungetc(int);
static int	 file_getc(struct file *);
static int	 lex_bad(int);
static int	 lex_fatal(int);
static int	 findeol(void);
static int	 is_word_char(int);
static int	 lex_word(int, char *, size_t);
static int	 lex_quoted(char *, size_t);
static int	 lex_macro(void);
static int	 lex_eof(void);
static void	 describe(int, const char *);

static int
lookup(const char *s)
{
	size_t	 i;

	for (i = 0; i < sizeof(keywords) / sizeof(keywords[0]); i++)
		if (strcmp(s, keywords[i].name) == 0)
			return keywords[i].token;
	return STRING;
}

/* Pushed-back bytes first, then the macro being expanded, then the file. */
static int
lgetc(void)
{
	int	 c;

	if (ps.npushback > 0)
		return ps.pushback[--ps.npushback];
	if (ps.inmacro) {
		c = (unsigned char)ps.macro[ps.macropos];
		if (c != '\0') {
			ps.macropos++;
			return c;
		}
		ps.inmacro = 0;
		/* The byte after "$name" comes after the macro's text. */
		if (ps.macro_after != EOF)
			lungetc(ps.macro_after);
		return LEX_MACRO_END;
	}
	return file_getc(ps.file);
}

static void
lungetc(int c)
{
	if (c == EOF)
		return;
	if (ps.npushback >= MAXPUSHBACK) {
		/* The lexer never pushes back more than two bytes. */
		parse_error("internal error: pushback overflow");
		ps.abort = 1;
		return;
	}
	ps.pushback[ps.npushback++] = c;
}

static int
file_getc(struct file *f)
{
	int	 c;

	if ((c = getc(f->stream)) == EOF) {
		if (ferror(f->stream))
			return LEX_IOERR;
		/* A last line without its newline still ends a statement. */
		if (f->lastc != '\n') {
			f->lastc = '\n';
			return '\n';
		}
		return EOF;
	}
	f->lastc = c;
	if (c == '\n') {
		f->linelen = 0;
		return c;
	}
	if (++f->linelen > CONF_MAX_LINE)
		return LEX_LONGLINE;
	if (c == '\0')
		return LEX_NUL;
	return c;
}

static int
lex_bad(int c)
{
	return c == LEX_NUL || c == LEX_LONGLINE || c == LEX_IOERR;
}

/* Binary or runaway input: reading on would only produce noise. */
static int
lex_fatal(int c)
{
	if (c == LEX_NUL)
		parse_error("NUL byte in file");
	else if (c == LEX_LONGLINE)
		parse_error("line too long (max %d bytes)", CONF_MAX_LINE);
	else
		parse_error("read error");
	ps.abort = 1;
	ps.lexerror = 1;
	return ERROR;
}

/*
 * After a lexical error: skip to the end of the line but leave the newline,
 * so that the grammar's error rule resynchronizes on this line.
 */
static int
findeol(void)
{
	int	 c;

	for (;;) {
		c = lgetc();
		if (lex_bad(c))
			return lex_fatal(c);
		if (c == '\n') {
			lungetc(c);
			break;
		}
		if (c == EOF)
			break;
	}
	ps.lexerror = 1;
	return ERROR;
}

static int
is_word_char(int c)
{
	if (c <= 0 || c >= 0x80)
		return 0;
	return isalnum(c) || strchr("_-.:/*@+%", c) != NULL;
}

static void
describe(int token, const char *text)
{
	char	 safe[40];

	if (token == '\n')
		(void)strlcpy(ps.tokdesc, "end of line", sizeof(ps.tokdesc));
	else if (token == 0)
		(void)strlcpy(ps.tokdesc, "end of file", sizeof(ps.tokdesc));
	else
		(void)snprintf(ps.tokdesc, sizeof(ps.tokdesc), "\"%s\"",
		    log_sanitize(safe, sizeof(safe), text, strlen(text)));
}

static int
lex_word(int c, char *buf, size_t size)
{
	const char	*errstr;
	size_t		 len = 0, i;
	int		 token;

	do {
		if (len + 1 >= size) {
			parse_error("word too long (max %zu bytes)", size - 1);
			return findeol();
		}
		buf[len++] = c;
	} while (is_word_char(c = lgetc()));
	buf[len] = '\0';
	lungetc(c);
	describe(STRING, buf);

	for (i = 0; i < len && isdigit((unsigned char)buf[i]); i++)
		;
	if (i == len) {
		yylval.number = strtonum(buf, 0, INT64_MAX, &errstr);
		if (errstr != NULL) {
			parse_error("number %s is %s", buf, errstr);
			return findeol();
		}
		return NUMBER;
	}
	if ((token = lookup(buf)) != STRING)
		return token;

	/* A word that starts a statement is a keyword or a macro name. */
	if (ps.atstart) {
		while ((c = lgetc()) == ' ' || c == '\t' || c == '\r' ||
		    c == LEX_MACRO_END)
			;
		lungetc(c);
		if (c != '=') {
			parse_error("unknown keyword %s", ps.tokdesc);
			return findeol();
		}
	}
	yylval.string = lexstr_dup(buf);
	return STRING;
}

/* Only \" and \\ are escapes; a string ends on its own line. */
static int
lex_quoted(char *buf, size_t size)
{
	size_t	 len = 0;
	int	 c;

	for (;;) {
		c = lgetc();
		if (lex_bad(c))
			return lex_fatal(c);
		if (c == '\n' || c == EOF || c == LEX_MACRO_END) {
			lungetc(c);
			parse_error("unterminated string");
			return findeol();
		}
		if (c == '"')
			break;
		if (c == '\\') {
			c = lgetc();
			if (c != '"' && c != '\\') {
				lungetc(c);
				parse_error("invalid escape in string: only "
				    "\\\" and \\\\ are allowed");
				return findeol();
			}
		} else if (c < 0x20 || c == 0x7f) {
			if (c != '\t') {
				parse_error("control character 0x%02x in "
				    "string", c);
				return findeol();
			}
		}
		if (len + 1 >= size) {
			parse_error("string too long (max %zu bytes)",
			    size - 1);
			return findeol();
		}
		buf[len++] = c;
	}
	buf[len] = '\0';
	describe(STRING, buf);
	yylval.string = lexstr_dup(buf);
	return STRING;
}

/*
 * Starts reading the value of $name.  Returns 0 when the expansion
 * started, or a token to return.  A macro's text is not expanded again,
 * so expansion cannot recurse.
 */
static int
lex_macro(void)
{
	char		 name[CONF_MAX_MACRO_NAME], safe[80];
	const char	*value;
	size_t		 len = 0, vlen;
	int		 c;

	if (ps.inmacro) {
		parse_error("$ inside a macro's value");
		return findeol();
	}
	while ((c = lgetc()) >= 0 && (isalnum(c) || c == '_')) {
		if (len + 1 >= sizeof(name)) {
			parse_error("macro name too long");
			return findeol();
		}
		name[len++] = c;
	}
	name[len] = '\0';
	if (lex_bad(c))
		return lex_fatal(c);
	if (len == 0) {
		lungetc(c);
		parse_error("missing macro name after $");
		return findeol();
	}
	if ((value = conf_macro_get(name)) == NULL) {
		lungetc(c);
		parse_error("macro \"%s\" not defined",
		    log_sanitize(safe, sizeof(safe), name, len));
		return findeol();
	}
	vlen = strlen(value);
	if (ps.expanded + vlen > MAX_EXPANSION) {
		parse_error("macro expansions exceed %d bytes", MAX_EXPANSION);
		ps.abort = 1;
		ps.lexerror = 1;
		return ERROR;
	}
	if (ps.npushback != 0) {
		parse_error("internal error: pushback at macro expansion");
		ps.abort = 1;
		ps.lexerror = 1;
		return ERROR;
	}
	ps.expanded += vlen;
	(void)strlcpy(ps.macro, value, sizeof(ps.macro));
	ps.macropos = 0;
	ps.inmacro = 1;
	ps.macro_after = c;
	return 0;
}

/* Returns 0 to read on in the including file, -1 at the very end. */
static int
lex_eof(void)
{
	struct file	*f = ps.file;

	if (ps.block_file == f) {
		ps.toklineno = ps.block_line;
		parse_error("http block not closed");
		ps.block_file = NULL;
		ps.abort = 1;
		return -1;
	}
	if (f == TAILQ_FIRST(&ps.files))
		return -1;
	TAILQ_REMOVE(&ps.files, f, entry);
	ps.file = TAILQ_LAST(&ps.files, files);
	ps.depth--;
	file_close(f);
	return 0;
}

int
yylex(void)
{
	char	 buf[CONF_MAX_TOKEN];
	int	 c, token;

	ps.lexerror = 0;
	if (ps.abort) {
		ps.lexerror = 1;
		return 0;
	}
top:
	while ((c = lgetc()) == ' ' || c == '\t' || c == '\r' ||
	    c == LEX_MACRO_END)
		;
	ps.toklineno = ps.file->lineno;
	if (c == '#') {
		while ((c = lgetc()) != '\n' && c != EOF &&
		    c != LEX_MACRO_END && !lex_bad(c))
			;
		if (c == LEX_MACRO_END)
			goto top;
	}
	if (lex_bad(c))
		return lex_fatal(c);

	switch (c) {
	case EOF:
		if (lex_eof() == 0)
			goto top;
		describe(0, NULL);
		ps.lexerror = ps.abort;
		return 0;
	case '\n':
		ps.file->lineno++;
		describe('\n', NULL);
		ps.atstart = 1;
		return '\n';
	case '$':
		if ((token = lex_macro()) != 0)
			return token;
		goto top;
	case '"':
		token = lex_quoted(buf, sizeof(buf));
		break;
	case '=':
	case '{':
	case '}':
		buf[0] = c;
		buf[1] = '\0';
		describe(c, buf);
		token = c;
		break;
	default:
		if (!is_word_char(c)) {
			parse_error("unexpected character 0x%02x", c);
			return findeol();
		}
		token = lex_word(c, buf, sizeof(buf));
		break;
	}
	ps.atstart = token == '{';
	return token;
}

void
yyerror(const char *msg)
{
	/* The lexer reported the cause when it returned ERROR. */
	if (ps.lexerror) {
		ps.lexerror = 0;
		return;
	}
	parse_error("%s at %s", msg, ps.tokdesc);
}

static void
parse_error_at(struct file *f, int lineno, const char *fmt, va_list ap)
{
	char	 msg[1024], name[512];

	(void)vsnprintf(msg, sizeof(msg), fmt, ap);
	log_warnx("%s:%d: %s", log_sanitize(name, sizeof(name), f->name,
	    strlen(f->name)), lineno, msg);
	ps.errors++;
}

static void
parse_error(const char *fmt, ...)
{
	va_list	 ap;

	va_start(ap, fmt);
	parse_error_at(ps.file, ps.toklineno, fmt, ap);
	va_end(ap);
}

/* Strings go on a list that lexstr_purge() frees after each statement. */
static char *
lexstr_dup(const char *s)
{
	struct lexstr	*ls;
	size_t		 len = strlen(s) + 1;

	if ((ls = malloc(sizeof(*ls) + len)) == NULL)
		fatal("%s", __func__);
	memcpy(ls->s, s, len);
	SLIST_INSERT_HEAD(&ps.strings, ls, entry);
	return ls->s;
}

static void
lexstr_purge(void)
{
	struct lexstr	*ls;

	while ((ls = SLIST_FIRST(&ps.strings)) != NULL) {
		SLIST_REMOVE_HEAD(&ps.strings, entry);
		/* a string may have been an eab-hmac key */
		explicit_bzero(ls->s, strlen(ls->s));
		free(ls);
	}
}

static int
check_range(const char *what, int64_t v, int64_t min, int64_t max)
{
	if (v < min || v > max) {
		parse_error("%s %lld out of range (%lld..%lld)", what,
		    (long long)v, (long long)min, (long long)max);
		return -1;
	}
	return 0;
}

/* Digits with an optional unit: K or M for sizes, s, m or h for times. */
static int
parse_unit(const char *what, const char *s, int64_t *v)
{
	static const struct {
		const char	*unit;
		int64_t		 mult;
	} sizes[] = {
		{ "", 1 }, { "K", 1024 }, { "k", 1024 },
		{ "M", 1024 * 1024 }, { "m", 1024 * 1024 }, { NULL, 0 }
	}, times[] = {
		{ "", 1 }, { "s", 1 }, { "m", 60 }, { "h", 3600 }, { NULL, 0 }
	}, *u;
	char		 safe[40];
	const char	*p;
	int64_t		 n = 0;

	u = strcmp(what, "size") == 0 ? sizes : times;
	for (p = s; isdigit((unsigned char)*p); p++) {
		if (n > (INT64_MAX - 9) / 10)
			goto bad;
		n = n * 10 + (*p - '0');
	}
	if (p == s)
		goto bad;
	for (; u->unit != NULL; u++) {
		if (strcmp(p, u->unit) == 0) {
			if (n > INT64_MAX / u->mult)
				goto bad;
			*v = n * u->mult;
			return 0;
		}
	}
 bad:
	parse_error("invalid %s \"%s\"", what,
	    log_sanitize(safe, sizeof(safe), s, strlen(s)));
	return -1;
}

static int
set_path(char *dst, const char *what, const char *path)
{
	char	 safe[80];

	if (path[0] != '/') {
		parse_error("%s \"%s\": must be an absolute path", what,
		    log_sanitize(safe, sizeof(safe), path, strlen(path)));
		return -1;
	}
	if (strlcpy(dst, path, PATH_MAX) >= PATH_MAX) {
		parse_error("%s: path too long", what);
		return -1;
	}
	return 0;
}

/*
 * task egress check URL: what answers a tunnel's test with the address
 * it saw.  http or https, a host, nothing that could end an argument
 * or a line.
 */
static int
set_check_url(const char *url)
{
	const char	*host;
	size_t		 i, len = strlen(url);

	if (strncmp(url, "https://", 8) == 0)
		host = url + 8;
	else if (strncmp(url, "http://", 7) == 0)
		host = url + 7;
	else {
		parse_error("task egress check: \"%s\" is not an http or "
		    "https URL", url);
		return -1;
	}
	if (len >= sizeof(ps.conf->task.check_url) || *host == '\0' ||
	    *host == '/') {
		parse_error("task egress check: \"%s\" names no host, or is "
		    "too long", url);
		return -1;
	}
	for (i = 0; i < len; i++)
		if ((unsigned char)url[i] <= 0x20 || url[i] == 0x7f) {
			parse_error("task egress check: a space or control "
			    "character in the URL");
			return -1;
		}
	strlcpy(ps.conf->task.check_url, url, sizeof(ps.conf->task.check_url));
	return 0;
}

/*
 * task uid-range FIRST COUNT: hosts' user namespaces map ids 0-65535 to
 * a block of 65536 ids of the machine, COUNT blocks from FIRST.  Whole
 * blocks, above the ids of the machine's own users (0-65535), short of
 * the last block (4294967294 and 4294967295 are nobody's).
 */
static int
set_uid_range(int64_t first, int64_t count)
{
	if (first < CONF_UID_BLOCK || first % CONF_UID_BLOCK != 0 ||
	    first >= CONF_UID_END) {
		parse_error("task uid-range: %lld is not a multiple of 65536 "
		    "from 65536 to %u", (long long)first,
		    CONF_UID_END - CONF_UID_BLOCK);
		return -1;
	}
	if (check_range("task uid-range count", count, 1,
	    (CONF_UID_END - first) / CONF_UID_BLOCK) == -1)
		return -1;
	ps.conf->task.uid_first = first;
	ps.conf->task.uid_blocks = count;
	return 0;
}

/* task runtime [crun | runc] PATH: their flags and state differ */
static int
set_runtime(const char *kind, const char *path)
{
	if (strcmp(kind, "crun") != 0 && strcmp(kind, "runc") != 0) {
		parse_error("task runtime: \"%s\" is neither crun nor runc",
		    kind);
		return -1;
	}
	if (strlen(path) >= sizeof(ps.conf->task.runtime)) {
		parse_error("task runtime: path too long");
		return -1;
	}
	strlcpy(ps.conf->task.runtime_kind, kind,
	    sizeof(ps.conf->task.runtime_kind));
	return set_path(ps.conf->task.runtime, "task runtime", path);
}

/* Names as useradd(8) takes them; moatd looks them up at start. */
static int
set_session(const char *name, int64_t lifetime, int64_t idle)
{
	enum dialect	 d;

	if (dialect_by_name(name, &d) == -1) {
		parse_error("session: unknown dialect \"%s\" (v1, apiv1, cce "
		    "or account)", name);
		return -1;
	}
	if (check_range("session lifetime", lifetime, 60, 2592000) == -1)
		return -1;
	if (idle == 0)
		idle = lifetime;
	if (check_range("session idle", idle, 60, lifetime) == -1)
		return -1;
	ps.conf->session[d].lifetime = lifetime;
	ps.conf->session[d].idle = idle;
	return 0;
}

static int
add_proxy(const char *addr)
{
	struct conf_limits	*l = &ps.conf->limits;
	struct sockaddr_storage	*ss;

	if (l->nproxies == CONF_MAX_PROXIES) {
		parse_error("trusted proxy: more than %d", CONF_MAX_PROXIES);
		return -1;
	}
	ss = &l->proxies[l->nproxies];
	memset(ss, 0, sizeof(*ss));
	if (inet_pton(AF_INET, addr,
	    &((struct sockaddr_in *)ss)->sin_addr) == 1)
		ss->ss_family = AF_INET;
	else if (inet_pton(AF_INET6, addr,
	    &((struct sockaddr_in6 *)ss)->sin6_addr) == 1)
		ss->ss_family = AF_INET6;
	else {
		parse_error("trusted proxy: \"%s\" is not an IP address", addr);
		return -1;
	}
	l->nproxies++;
	return 0;
}

/* A range (or one address) that egress endpoints may name after all. */
static int
add_egress_allow(const char *range)
{
	struct conf_egress	*e = &ps.conf->egress;
	struct cidr		 c;
	char			 safe[80];

	if (e->nallow == CONF_MAX_EGRESS_ALLOW) {
		parse_error("egress allow endpoint: more than %d",
		    CONF_MAX_EGRESS_ALLOW);
		return -1;
	}
	if (strlen(range) >= sizeof(e->allow[0]) ||
	    cidr_parse(range, &c) == -1) {
		parse_error("egress allow endpoint: \"%s\" is not an address "
		    "or a range", log_sanitize(safe, sizeof(safe), range,
		    strlen(range)));
		return -1;
	}
	strlcpy(e->allow[e->nallow++], range, sizeof(e->allow[0]));
	return 0;
}

static void
set_user(const char *procname, const char *user)
{
	struct moat_config	*conf = ps.conf;
	enum proc_id		 id;
	char			 safe[80];
	size_t			 i;

	if (proc_by_name(procname, &id) == -1 || (id != PROC_FRONTD &&
	    id != PROC_AUTHD && id != PROC_STORED)) {
		parse_error("user %s: only frontd, authd and stored have a "
		    "configurable user", log_sanitize(safe, sizeof(safe),
		    procname, strlen(procname)));
		return;
	}
	for (i = 0; user[i] != '\0'; i++) {
		if (!isalnum((unsigned char)user[i]) && user[i] != '_' &&
		    user[i] != '.' && (user[i] != '-' || i == 0))
			break;
	}
	if (i == 0 || user[i] != '\0' || i >= sizeof(conf->user[id])) {
		parse_error("user %s: invalid user name \"%s\"", procname,
		    log_sanitize(safe, sizeof(safe), user, strlen(user)));
		return;
	}
	(void)strlcpy(conf->user[id], user, sizeof(conf->user[id]));
}

static void
set_macro(const char *name, const char *value)
{
	const char	*errstr;
	char		 safe[80];

	if (conf_macro_set(name, value, 0, &errstr) == -1)
		parse_error("macro \"%s\": %s", log_sanitize(safe,
		    sizeof(safe), name, strlen(name)), errstr);
}

static void
add_listen(const char *addr, int64_t port, int kind)
{
	static const char *const kinds[] = { "", "acme ", "ssh " };
	char	 err[256];

	if (port > INT32_MAX)
		port = INT32_MAX;	/* out of range either way */
	if (conf_listen_add_kind(ps.conf, addr, port, kind, err,
	    sizeof(err)) == -1)
		parse_error("listen %son: %s", kinds[kind], err);
}

/* acme directory: the options land in ps.acme, checked whole at its end */
static void
acme_begin(const char *name, const char *url)
{
	explicit_bzero(&ps.acme, sizeof(ps.acme));
	ps.acme_dup = 0;
	/* too long for its field: refused whole by conf_acme_add() */
	if (strlcpy(ps.acme.name, name, sizeof(ps.acme.name)) >=
	    sizeof(ps.acme.name))
		ps.acme.name[0] = '\0';
	if (strlcpy(ps.acme.url, url, sizeof(ps.acme.url)) >=
	    sizeof(ps.acme.url))
		ps.acme.url[0] = '\0';
}

static void
acme_opt(char *dst, size_t dstlen, const char *what, const char *value)
{
	if (dst[0] != '\0') {
		parse_error("acme directory: %s given twice", what);
		ps.acme_dup = 1;
		return;
	}
	if (value[0] == '\0' || strlcpy(dst, value, dstlen) >= dstlen) {
		parse_error("acme directory: %s empty or longer than %zu "
		    "bytes", what, dstlen - 1);
		ps.acme_dup = 1;
		explicit_bzero(dst, dstlen);
	}
}

static int
acme_end(void)
{
	char	 err[256];
	int	 rc = -1;

	if (ps.acme_dup)
		;	/* already said */
	/* err names the directory only once its name was found sound */
	else if (conf_acme_add(ps.conf, &ps.acme, err, sizeof(err)) == -1)
		parse_error("acme directory: %s", err);
	else
		rc = 0;
	explicit_bzero(&ps.acme, sizeof(ps.acme));
	return rc;
}

/* A block must close in the file that opened it. */
static void
block_open(void)
{
	ps.block_file = ps.file;
	ps.block_line = ps.toklineno;
}

static struct file *
file_open(const char *name, int fd, const char **errstr)
{
	struct file	*f;
	struct stat	 st;

	*errstr = NULL;
	if (fstat(fd, &st) == -1) {
		*errstr = strerror(errno);
		goto fail;
	}
	/* Not a FIFO or a device: reading it could block or never end. */
	if (!S_ISREG(st.st_mode)) {
		*errstr = "not a regular file";
		goto fail;
	}
	if (st.st_size > CONF_MAX_FILE) {
		*errstr = "file too large";
		goto fail;
	}
	if ((f = calloc(1, sizeof(*f))) == NULL ||
	    (f->name = strdup(name)) == NULL) {
		free(f);
		*errstr = "out of memory";
		goto fail;
	}
	if ((f->stream = fdopen(fd, "r")) == NULL) {
		*errstr = strerror(errno);
		free(f->name);
		free(f);
		goto fail;
	}
	f->lineno = 1;
	f->lastc = '\n';
	return f;
 fail:
	close(fd);
	return NULL;
}

static void
file_close(struct file *f)
{
	if (f->stream != NULL)
		fclose(f->stream);
	free(f->name);
	free(f);
}

/* A relative path is taken from the directory of the including file. */
static void
include_file(const char *path)
{
	struct file	*f;
	const char	*errstr, *slash;
	char		 resolved[PATH_MAX], safe[80];
	int		 n, fd;

	(void)log_sanitize(safe, sizeof(safe), path, strlen(path));
	if (path[0] == '\0') {
		parse_error("include: empty path");
		return;
	}
	if (path[0] != '/' && ps.file->buffer) {
		parse_error("include \"%s\": must be an absolute path here",
		    safe);
		return;
	}
	if (path[0] == '/' || (slash = strrchr(ps.file->name, '/')) == NULL)
		n = snprintf(resolved, sizeof(resolved), "%s", path);
	else
		n = snprintf(resolved, sizeof(resolved), "%.*s%s",
		    (int)(slash - ps.file->name + 1), ps.file->name, path);
	if (n < 0 || (size_t)n >= sizeof(resolved)) {
		parse_error("include \"%s\": path too long", safe);
		return;
	}
	/* Stop at once: an include loop would repeat this error forever. */
	if (ps.depth >= CONF_MAX_INCLUDE_DEPTH) {
		parse_error("include \"%s\": includes nested deeper than %d",
		    safe, CONF_MAX_INCLUDE_DEPTH);
		ps.abort = 1;
		return;
	}
	if ((fd = open(resolved, O_RDONLY | O_NONBLOCK | O_CLOEXEC)) == -1) {
		parse_error("include \"%s\": %s", safe, strerror(errno));
		return;
	}
	if ((f = file_open(resolved, fd, &errstr)) == NULL) {
		parse_error("include \"%s\": %s", safe, errstr);
		return;
	}
	TAILQ_INSERT_TAIL(&ps.files, f, entry);
	ps.file = f;
	ps.depth++;
}

static void
parse_reset(void)
{
	struct file	*f;

	while ((f = TAILQ_FIRST(&ps.files)) != NULL) {
		TAILQ_REMOVE(&ps.files, f, entry);
		file_close(f);
	}
	lexstr_purge();
	conf_macro_reset();
	explicit_bzero(&ps, sizeof(ps));
	TAILQ_INIT(&ps.files);
	SLIST_INIT(&ps.strings);
	ps.atstart = 1;
	ps.macro_after = EOF;
}

static int
parse_run(struct file *top, struct moat_config *conf)
{
	int	 errors;

	parse_reset();
	ps.conf = conf;
	TAILQ_INSERT_TAIL(&ps.files, top, entry);
	ps.file = top;
	if (yyparse() != 0 && ps.errors == 0)
		ps.errors = 1;
	errors = ps.errors;
	parse_reset();
	return errors;
}

int
conf_parse_file(const char *filename, struct moat_config *conf)
{
	struct file	*f;
	const char	*errstr;
	int		 fd;

	if ((fd = open(filename, O_RDONLY | O_NONBLOCK | O_CLOEXEC)) == -1) {
		log_warn("%s", filename);
		return 1;
	}
	if ((f = file_open(filename, fd, &errstr)) == NULL) {
		log_warnx("%s: %s", filename, errstr);
		return 1;
	}
	return parse_run(f, conf);
}

int
conf_parse_buffer(const char *name, const char *buf, size_t len,
    struct moat_config *conf)
{
	struct file	*f;

	if (name == NULL)
		name = "(buffer)";
	if (len > CONF_MAX_FILE) {
		log_warnx("%s: file too large", name);
		return 1;
	}
	if ((f = calloc(1, sizeof(*f))) == NULL ||
	    (f->name = strdup(name)) == NULL) {
		free(f);
		log_warnx("%s: out of memory", name);
		return 1;
	}
	/* fmemopen(3) may refuse a size of 0: an empty line is the same. */
	if (len == 0) {
		buf = "\n";
		len = 1;
	}
	/* It does not write in mode "r", but takes no const. */
	f->stream = fmemopen((void *)(uintptr_t)buf, len, "r");
	if (f->stream == NULL) {
		log_warn("%s", name);
		file_close(f);
		return 1;
	}
	f->lineno = 1;
	f->lastc = '\n';
	f->buffer = 1;
	return parse_run(f, conf);
}
