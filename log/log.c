#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

#include "log.h"

static int	 log_foreground = 1;
static int	 log_verbose;
static const char *log_procname = "moat";

static void	 logit(int, const char *, ...)
		    __attribute__((format(printf, 2, 3)));
static void	 vlog_errno(int, int, const char *, va_list)
		    __attribute__((format(printf, 3, 0)));

void
log_init(int foreground, int facility)
{
	log_foreground = foreground;
	if (!foreground)
		openlog(log_procname, LOG_PID | LOG_NDELAY, facility);
	tzset();
}

void
log_procinit(const char *procname)
{
	if (procname != NULL)
		log_procname = procname;
}

void
log_setverbose(int verbose)
{
	log_verbose = verbose;
}

void
vlog(int pri, const char *fmt, va_list ap)
{
	char	 line[2048];
	char	 out[2200];
	int	 saved_errno = errno;
	int	 n;

	vsnprintf(line, sizeof(line), fmt, ap);
	if (log_foreground) {
		/* One write per line: the processes of the suite share
		 * stderr and their lines must not interleave. */
		n = snprintf(out, sizeof(out), "%s: %s\n", log_procname, line);
		if (n > (int)sizeof(out) - 1)
			n = sizeof(out) - 1;
		if (n > 0 && write(STDERR_FILENO, out, n) == -1)
			n = 0;	/* nowhere left to report it */
	} else
		syslog(pri, "%s", line);
	errno = saved_errno;
}

static void
logit(int pri, const char *fmt, ...)
{
	va_list	 ap;

	va_start(ap, fmt);
	vlog(pri, fmt, ap);
	va_end(ap);
}

static void
vlog_errno(int pri, int err, const char *fmt, va_list ap)
{
	char	 msg[1800];

	vsnprintf(msg, sizeof(msg), fmt, ap);
	if (err != 0)
		logit(pri, "%s: %s", msg, strerror(err));
	else
		logit(pri, "%s", msg);
}

void
log_warn(const char *fmt, ...)
{
	va_list	 ap;
	int	 err = errno;

	va_start(ap, fmt);
	vlog_errno(LOG_ERR, err, fmt, ap);
	va_end(ap);
}

void
log_warnx(const char *fmt, ...)
{
	va_list	 ap;

	va_start(ap, fmt);
	vlog(LOG_ERR, fmt, ap);
	va_end(ap);
}

void
log_info(const char *fmt, ...)
{
	va_list	 ap;

	va_start(ap, fmt);
	vlog(LOG_INFO, fmt, ap);
	va_end(ap);
}

void
log_debug(const char *fmt, ...)
{
	va_list	 ap;

	if (log_verbose < 1)
		return;
	va_start(ap, fmt);
	vlog(LOG_DEBUG, fmt, ap);
	va_end(ap);
}

void
fatal(const char *fmt, ...)
{
	va_list	 ap;
	int	 err = errno;

	va_start(ap, fmt);
	vlog_errno(LOG_CRIT, err, fmt, ap);
	va_end(ap);
	exit(1);
}

void
fatalx(const char *fmt, ...)
{
	va_list	 ap;

	va_start(ap, fmt);
	vlog_errno(LOG_CRIT, 0, fmt, ap);
	va_end(ap);
	exit(1);
}

const char *
log_sanitize(char *dst, size_t dstlen, const void *src, size_t srclen)
{
	static const char hex[] = "0123456789abcdef";
	const unsigned char *s = src;
	size_t	 i, o = 0;

	if (dstlen == 0)
		return dst;
	for (i = 0; i < srclen; i++) {
		unsigned char	 c = s[i];

		if (c >= 0x20 && c < 0x7f && c != '\\') {
			if (o + 1 >= dstlen)
				break;
			dst[o++] = c;
		} else {
			if (o + 4 >= dstlen)
				break;
			dst[o++] = '\\';
			dst[o++] = 'x';
			dst[o++] = hex[c >> 4];
			dst[o++] = hex[c & 0xf];
		}
	}
	dst[o] = '\0';
	return dst;
}
