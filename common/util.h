#ifndef MOAT_UTIL_H
#define MOAT_UTIL_H

#include <sys/types.h>
#include <sys/socket.h>

#include <stddef.h>
#include <stdint.h>

/* Fills buf from the kernel's CSPRNG; fatal if it cannot. */
void	 random_bytes(void *buf, size_t len);
/* A random string of len characters from alphabet; dst holds len + 1. */
void	 random_string(char *dst, size_t len, const char *alphabet);
/*
 * Reads all of fd (a small file handed over by moatd) into buf.  Returns
 * the length, or -1 if it does not fit in cap or cannot be read.
 */
ssize_t	 read_all_fd(int fd, void *buf, size_t cap);
/* Monotonic milliseconds, for timing and deadlines. */
uint64_t monotonic_ms(void);
/* "3d 04:05:06" style; returns dst. */
const char *format_duration(uint64_t seconds, char *dst, size_t dstlen);
/* A random (version 4) UUID in its 36-character text form. */
void	 uuid_v4(char dst[37]);
/* Whether s has a UUID's shape, as uuid_v4() writes it (any case). */
int	 uuid_shaped(const char *);
/* One line of text: no C0 control character and no DEL. */
int	 text_is_line(const char *);
/* The longest prefix of s of at most max bytes that ends on a character. */
size_t	 utf8_clip(const char *s, size_t max);
/* Each byte that is not part of valid UTF-8 (as JSON wants it) becomes '?'. */
int	 utf8_valid(const char *s);
/* The value of a hexadecimal digit, or -1. */
int	 hex_value(unsigned char c);
void	 utf8_repair(char *s);
/*
 * A name a client sent, fit to quote in an answer: printable ASCII,
 * anything else '?', at most max characters.
 */
void	 text_quotable(char *dst, size_t dstlen, const char *s, size_t max);

#endif
