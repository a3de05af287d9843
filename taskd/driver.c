/*
 * What the runner's parts share below the crun driver: a failure put in
 * an answer, a file written whole, the path of a file of a host's bundle.
 */
#include <sys/types.h>

#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "driver.h"

void
driver_line(char *s)
{
	for (; *s != '\0'; s++)
		if ((unsigned char)*s < 0x20 || (unsigned char)*s > 0x7e)
			*s = ' ';
}

void
driver_fail(struct driver_res *res, const char *code, const char *fmt, ...)
{
	va_list	 ap;

	res->ok = 0;
	strlcpy(res->code, code, sizeof(res->code));
	va_start(ap, fmt);
	vsnprintf(res->message, sizeof(res->message), fmt, ap);
	va_end(ap);
	/* a runtime's message is one line of printable text here */
	driver_line(res->message);
}

int
write_file(const char *path, const char *text)
{
	int	 fd, ok;

	if ((fd = open(path, O_WRONLY | O_TRUNC | O_CREAT | O_CLOEXEC,
	    0644)) == -1)
		return -1;
	ok = write(fd, text, strlen(text)) == (ssize_t)strlen(text);
	return close(fd) == 0 && ok ? 0 : -1;
}

void
driver_bundle_file(const struct driver_paths *p, const struct driver_host *h,
    const char *name, char *path, size_t pathlen)
{
	snprintf(path, pathlen, "%s/hosts/%s/%s", p->state, h->short_id, name);
}
