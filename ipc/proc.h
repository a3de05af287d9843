/*
 * The processes of the suite and the links between them.  moatd wires one
 * SOCK_SEQPACKET socketpair per link; in a child the link to process P is
 * always on descriptor PROC_FD_BASE + P.
 */
#ifndef MOAT_PROC_H
#define MOAT_PROC_H

enum proc_id {
	PROC_MOATD = 0,
	PROC_FRONTD,
	PROC_AUTHD,
	PROC_STORED,
	PROC_TASKD,
	PROC_GATEWAYD,
	PROC_MOATCTL,
	PROC_MAX
};

/*
 * The children that moatd starts, in start order; the SSH gateway only
 * when moatd.conf says "listen ssh" (moatd_child_wanted).
 */
#define PROC_FIRST_CHILD	PROC_FRONTD
#define PROC_LAST_CHILD		PROC_GATEWAYD

#define PROC_FD_BASE		3
/*
 * frontd and authd have a second link, the signing link, for frontd's
 * blocking round trips of TLS handshake signatures (DESIGN.md, "TLS key
 * in authd"), on the descriptor after the last peer's.
 */
#define PROC_FD_TLSSIGN		(PROC_FD_BASE + PROC_MAX)

const char	*proc_name(enum proc_id);
int		 proc_by_name(const char *, enum proc_id *);
int		 proc_linked(enum proc_id, enum proc_id);
int		 proc_link_fd(enum proc_id peer);
const char	*proc_default_user(enum proc_id);

#endif
