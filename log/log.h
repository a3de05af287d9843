/*
 * Logging in the style of OpenBSD's log.c: every line carries the process
 * name; stderr in the foreground, syslog otherwise.  log_warn and fatal
 * append strerror(errno), the x variants do not.
 */
#ifndef MOAT_LOG_H
#define MOAT_LOG_H

#include <stdarg.h>
#include <stddef.h>

void	log_init(int foreground, int facility);
void	log_procinit(const char *procname);
void	log_setverbose(int verbose);
void	log_warn(const char *, ...) __attribute__((format(printf, 1, 2)));
void	log_warnx(const char *, ...) __attribute__((format(printf, 1, 2)));
void	log_info(const char *, ...) __attribute__((format(printf, 1, 2)));
void	log_debug(const char *, ...) __attribute__((format(printf, 1, 2)));
void	vlog(int, const char *, va_list) __attribute__((format(printf, 2, 0)));
__attribute__((noreturn)) void fatal(const char *, ...)
	    __attribute__((format(printf, 1, 2)));
__attribute__((noreturn)) void fatalx(const char *, ...)
	    __attribute__((format(printf, 1, 2)));

/*
 * Renders bytes a client sent so that they can go into a log line:
 * control characters, backslashes and non-ASCII bytes are escaped and the
 * result is truncated to fit.  Returns dst.
 */
const char *log_sanitize(char *dst, size_t dstlen, const void *src,
	    size_t srclen);

#endif
