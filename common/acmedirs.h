/*
 * The acme directories of moatd.conf as a child holds them (cfg.acme,
 * cfg.acme.ca): an account names one by its name or by a URL that must
 * equal a configured one, never any other URL (no SSRF through an
 * account).  taskd also holds each one's ca-file, read from the
 * descriptor moatd opened.
 */
#ifndef MOAT_ACMEDIRS_H
#define MOAT_ACMEDIRS_H

#include <stddef.h>
#include <stdint.h>

#include "body_cfg.h"
#include "ipc.h"

#define ACME_CA_MAX	(64 * 1024)	/* moatd's CONF_ACME_CA_MAX */

struct acme_dir {
	char		 name[CFG_ACME_NAME_MAX];
	char		 url[CFG_ACME_URL_MAX];
	int		 eab;		/* authd holds an EAB key for it */
	int		 ca;		/* a ca-file is configured */
	char		*ca_pem;	/* taskd: its content, NUL-ended */
	size_t		 ca_len;
};

struct acme_dirs {
	struct acme_dir	 dir[CFG_ACME_DIRS_MAX];
	uint32_t	 n;
};

/* cfg.acme: replaces dirs whole; a violation if malformed */
int	 acme_dirs_get(struct ipc_msg *, struct acme_dirs *);
/* cfg.acme.ca: the ca-file of a directory named before; an unreadable
 * file is logged and leaves that directory without roots */
int	 acme_dirs_get_ca(struct ipc_msg *, struct acme_dirs *);
void	 acme_dirs_clear(struct acme_dirs *);
/* dst takes what src holds; src is left empty */
void	 acme_dirs_move(struct acme_dirs *dst, struct acme_dirs *src);
const struct acme_dir *acme_dir_by_name(const struct acme_dirs *,
	    const char *name);
const struct acme_dir *acme_dir_by_url(const struct acme_dirs *,
	    const char *url);
/* 1 when taskd may connect to d: a ca-file configured was also read */
int	 acme_dir_usable(const struct acme_dir *d);

#endif
