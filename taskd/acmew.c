/* taskd's messages with its ACME workers (acmew.h). */
#include <sys/socket.h>
#include <sys/types.h>

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "acmew.h"

struct aw_head {
	uint32_t	 type;
	int32_t		 status;
	uint32_t	 n;
	uint32_t	 len[AW_FIELDS];
};

int
aw_send(int fd, uint32_t type, int32_t status, uint32_t n,
    const char *const *f, const size_t *len)
{
	struct aw_head	 h;
	char		*buf;
	size_t		 off = sizeof(h), l;
	uint32_t	 i;
	ssize_t		 w;

	if (n > AW_FIELDS || (buf = malloc(AW_MAX)) == NULL)
		return -1;
	memset(&h, 0, sizeof(h));
	h.type = type;
	h.status = status;
	h.n = n;
	for (i = 0; i < n; i++) {
		l = len != NULL ? len[i] : strlen(f[i]);
		if (l + 1 > AW_MAX - off) {
			free(buf);
			return -1;
		}
		memcpy(buf + off, f[i], l);
		buf[off + l] = '\0';
		h.len[i] = (uint32_t)l;
		off += l + 1;
	}
	memcpy(buf, &h, sizeof(h));
	do
		w = send(fd, buf, off, MSG_NOSIGNAL);
	while (w == -1 && errno == EINTR);
	explicit_bzero(buf, off);
	free(buf);
	return w == (ssize_t)off ? 0 : -1;
}

int
aw_recv(int fd, struct aw_msg *m)
{
	struct aw_head	 h;
	ssize_t		 r;
	size_t		 off = sizeof(h);
	uint32_t	 i;

	memset(m, 0, sizeof(*m));
	if ((m->buf = malloc(AW_MAX)) == NULL)
		return -1;
	do
		r = recv(fd, m->buf, AW_MAX, 0);
	while (r == -1 && errno == EINTR);
	if (r == -1 && errno == EAGAIN) {
		aw_free(m);
		return 1;
	}
	if (r < (ssize_t)sizeof(h))
		goto bad;
	memcpy(&h, m->buf, sizeof(h));
	if (h.n > AW_FIELDS)
		goto bad;
	for (i = 0; i < h.n; i++) {
		if (h.len[i] >= (size_t)r - off ||
		    m->buf[off + h.len[i]] != '\0')
			goto bad;
		m->f[i] = m->buf + off;
		m->len[i] = h.len[i];
		off += h.len[i] + 1;
	}
	if (off != (size_t)r)
		goto bad;
	m->type = h.type;
	m->status = h.status;
	m->n = h.n;
	return 0;
bad:
	aw_free(m);
	return -1;
}

void
aw_free(struct aw_msg *m)
{
	if (m->buf != NULL) {
		explicit_bzero(m->buf, AW_MAX);
		free(m->buf);
	}
	memset(m, 0, sizeof(*m));
}
