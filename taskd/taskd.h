#ifndef MOAT_TASKD_H
#define MOAT_TASKD_H

#include <stdint.h>

#include "acmedirs.h"
#include "daemon.h"
#include "egresscheck.h"
#include "ipc.h"
#include "proc.h"

struct taskd_config {
	struct daemon_config	 common;
	uint32_t		 workers;
	char			 runtime[256];
	char			 runtime_kind[8];	/* crun or runc */
	char			 image[256];	/* "" for the default */
	char			 check_url[256];	/* an egress test's */
	struct egress_allow	 egress_allow;	/* endpoints allowed after all */
	uint32_t		 uid_first;	/* hosts' blocks of user ids */
	uint32_t		 uid_blocks;
};

struct taskd {
	struct event_base	*base;
	struct ipc_chan		*chans[PROC_MAX];
	struct taskd_config	 pending;
	struct taskd_config	 conf;
	/* acme directories with their ca-files: not in taskd_config,
	 * which is copied whole, as these own their PEM buffers */
	struct acme_dirs	 acme_pending;
	struct acme_dirs	 acme;
	int			 serving;
	int			 runner;	/* the runner's socket */
	char			 state_dir[256];
};

extern struct taskd *taskd_env;

int	 config_common(struct ipc_chan *, struct ipc_msg *);
int	 config_task(struct ipc_chan *, struct ipc_msg *);
int	 config_egress(struct ipc_chan *, struct ipc_msg *);
int	 config_acme(struct ipc_chan *, struct ipc_msg *);
int	 config_acme_ca(struct ipc_chan *, struct ipc_msg *);

/*
 * http01.c: an ACME order's http-01 challenge, kept by stored for the
 * acme listener until expires (Unix seconds), and its removal; done is
 * called once with stored's status, 503 if it did not answer.  -1 when
 * nothing was sent (a field too long, or stored unreachable).
 */
typedef void	(*http01_done_fn)(void *arg, int status);
int	 http01_present(const char *token, const char *key_authz,
	    const char *owner, int64_t expires, http01_done_fn, void *arg);
int	 http01_cleanup(const char *token, const char *owner, http01_done_fn,
	    void *arg);
#ifdef MOAT_TEST
void	 http01_test_hook(void);
#endif
int	 config_done(struct ipc_chan *, struct ipc_msg *);
int	 config_proc_start(struct ipc_chan *, struct ipc_msg *);

/* jobs.c */
void	 jobs_init(struct event_base *, int runner);
void	 jobs_wake(void);
int	 jobs_egress_check(struct ipc_chan *, struct ipc_msg *);
struct task_job;
void	 jobs_report(const struct task_job *, uint32_t outcome,
	    const char *code, const char *message);
void	 jobs_progress(const struct task_job *, uint32_t percent,
	    const char *what);

/* gateway.c: the SSH gateway's permits and sessions */
struct driver_res;
int	 gateway_permit(struct ipc_chan *, struct ipc_msg *);
int	 gateway_session_open(struct ipc_chan *, struct ipc_msg *);
int	 gateway_conn_closed(struct ipc_chan *, struct ipc_msg *);
void	 gateway_runner_answer(const struct driver_res *, int fd);

/* acmejob.c: ACME issuance tasks, run by workers of the spawner */
void	 acmejob_init(int spawner);
/* jobs.c runs an ACME task through the hook acmejob_init() sets */
void	 jobs_set_acme(void (*)(const struct task_job *));

#endif
