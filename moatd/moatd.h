#ifndef MOAT_MOATD_H
#define MOAT_MOATD_H

#include <sys/types.h>

#include <time.h>

#include <event2/event.h>

#include "conffile.h"
#include "ipc.h"
#include "proc.h"

struct child {
	struct moatd	*parent;
	enum proc_id	 id;
	pid_t		 pid;
	uid_t		 uid;
	char		 user[64];
	time_t		 started;
	struct ipc_chan	*chan;
	int		 logfd;		/* foreground: the child's stderr */
	struct event	*logev;
	uint64_t	 acked;		/* config generation acknowledged */
	int		 exited;
};

struct moatd {
	struct event_base	*base;
	struct moat_config	*conf;
	const char		*conffile;
	int			 foreground;
	int			 verbose;
	struct child		 children[PROC_MAX];
	uint64_t		 generation;	/* of the pushed config */
	int			 started;	/* PROC_START sent */
	int			 stopping;
	int			 cause_known;	/* the first death was told */
	int			 exit_code;
	time_t			 started_at;
	int			 control_fd;
};

/* setup.c: moat-tlsgen CERT KEY, or -s PATH for an SSH host key */
int	 run_tlsgen(const char *, const char *);
/* sshhostkey.c: the gateway runs with "listen ssh" alone */
int	 gateway_wanted(const struct moat_config *);
const char *ssh_hostkey_path(const struct moat_config *);
void	 ssh_hostkey_ensure(const struct moat_config *);

/* children.c */
void	 children_start(struct moatd *);
/* a child that was started (the gateway may not be) */
int	 child_started(const struct moatd *, int id);
void	 children_reap(struct moatd *);
void	 children_stop(struct moatd *, int exit_code, const char *why);

/* confpush.c: pushes the configuration; the children's config.c gets it */
void	 config_push(struct moatd *, int first);
int	 config_reload(struct moatd *, char *msg, size_t msglen);
void	 config_acked(struct moatd *, struct child *, uint64_t generation);
int	 config_pending(struct moatd *);

/* notify.c: tell systemd (Type=notify) that the suite is ready */
void	 notify_init(void);
void	 notify_systemd(const char *state);

/* sandbox.c */
void	 moatd_sandbox(const struct moat_config *);

/* setup.c */
void	 setup_state(struct moat_config *);
const char *setup_task_dir(const struct moat_config *);
void	 setup_listeners(struct moat_config *);
int	 setup_open_master_key(const struct moat_config *);
/* setup.c: where the suite's programs are */
void	 program_path(const char *name, char *dst, size_t len);

/* bootstrap.c: the first admin, once the suite has started */
void	 bootstrap_admin(struct moatd *);

/* control.c */
void	 control_init(struct moatd *);
void	 control_cleanup(struct moatd *);

#endif
