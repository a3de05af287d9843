/*
 * What every child of moatd does the same way: arguments, logging, the
 * process title, signals, the event base, and the links to its peers.
 */
#ifndef MOAT_DAEMON_H
#define MOAT_DAEMON_H

#include <stddef.h>
#include <stdint.h>

#include <event2/event.h>

#include "proc.h"

struct ipc_chan;
struct ipc_msg;

/*
 * A child that exits because a peer went away says so with this status,
 * so that moatd names the peer that died first, not its echo.
 */
#define DAEMON_EXIT_PEER_LOST	3

struct daemon_opts {
	int		 foreground;
	int		 verbose;
	const char	*user;		/* -u: whom to become as root */
	const char	*root;		/* -r: chroot or state directory */
	int		 was_root;	/* started with euid 0 */
};

void	 daemon_child_init(int argc, char *argv[], enum proc_id self,
	    struct daemon_opts *);

/* The part of every child's configuration that moatd sends alike. */
struct daemon_config {
	uint32_t	 verbose;
	uint32_t	 ipc_timeout_ms;
};

/*
 * The messages of a configuration push that every child handles the same
 * way (the reading side of moatd/confpush.c): cfg.common; cfg.done,
 * where apply() puts the pending configuration in force before the ack
 * goes back; and proc.start, once.
 */
int	 daemon_get_common(struct ipc_msg *, struct daemon_config *);
int	 daemon_config_done(struct ipc_chan *, struct ipc_msg *,
	    void (*apply)(void));
int	 daemon_proc_start(struct ipc_msg *, int *serving);
/* cfg.egress, which stored and taskd read alike. */
struct egress_allow;
int	 daemon_get_egress(struct ipc_msg *, struct egress_allow *);
/* A PEM file moatd opened for us (cfg.tls.*), NUL-terminated; a file
 * that cannot be read leaves *pem NULL.  daemon_pem_clear() clears it. */
#define DAEMON_PEM_MAX	(64 * 1024)
int	 daemon_get_pem(struct ipc_msg *, char **pem, size_t *len);
void	 daemon_pem_clear(char **pem, size_t *len);
struct event_base *daemon_event_base(void);
/* After dropping privileges: die with the parent, even if it is moatd. */
void	 daemon_bind_to_parent(void);
/*
 * One channel per linked peer, on its known descriptor.  Losing moatd
 * ends the process quietly (the suite is stopping); losing any other
 * peer, or a violation, ends it with an error: the suite fails closed.
 */
void	 daemon_link_peers(struct event_base *, enum proc_id self,
	    struct ipc_chan *chans[PROC_MAX],
	    int (*dispatch)(struct ipc_chan *, struct ipc_msg *, void *),
	    void *arg);
/* The close callback of those channels, for a link of another kind. */
void	 daemon_peer_closed(struct ipc_chan *, const char *why, void *);
/* Test builds: SIGUSR2 makes a call that the sandbox forbids. */
void	 daemon_test_hooks(void);

#endif
