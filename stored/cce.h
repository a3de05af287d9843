/*
 * The command API's object model in stored (issue 12): what the files
 * stored/cce*.c share.  A command arrives decoded (struct cce_cmd), runs
 * as its caller (struct cce_ctx) against the schema moatd read, and
 * leaves its code, message and data (struct cce_out), which cce.c sends
 * back as cce.res.  Nothing here talks IPC, so that the unit tests drive
 * the commands directly.
 */
#ifndef MOAT_STORED_CCE_H
#define MOAT_STORED_CCE_H

#include <stdarg.h>
#include <stdint.h>

#include <jansson.h>

#include "body_cce.h"
#include "cceschema.h"
#include "stored.h"

/* the text protocol's codes (NOTES.md) */
#define CCE_QUEUED		100
#define CCE_OK			201
#define CCE_UNKNOWN_OBJECT	300
#define CCE_UNKNOWN_CLASS	301
#define CCE_BAD_DATA		302
#define CCE_UNKNOWN_NS		303
#define CCE_DENIED		304
#define CCE_WARNING		305
#define CCE_CMD_ERROR		306
#define CCE_SUSPENDED		309
#define CCE_BAD_COMMAND		402
#define CCE_BAD_PARAMS		403
#define CCE_NOT_FOUND		404	/* GETOBJECT's */
#define CCE_FAILED		409	/* COMMIT's */

#define CCE_QUEUE_MAX		64	/* commands of one BEGIN */
#define CCE_SESSIONS_MAX	256	/* sessions inside a BEGIN at once */
#define CCE_SYSTEM_OID		1

struct cce_cmd {
	struct ipc_cce_req	 req;
	struct ipc_cce_arg	*args;
	size_t			 nargs;
	int			 via_authd;	/* store.cce: hashes allowed */
};

/* Who runs a command: the principal, their User object and site. */
struct cce_ctx {
	struct principal	 p;
	uint64_t		 self;
	char			 site[CCES_NAME_MAX + 1];
	int			 wake_tasks;	/* after the commit */
	uint64_t		 woken[8];	/* users whose devices hear */
	size_t			 nwoken;
	json_t			*infos;		/* 305 warnings, or NULL */
};

struct cce_out {
	int	 code;
	char	 message[IPC_MESSAGE_MAX];
	json_t	*data;		/* owned; NULL for none */
};

struct cce_obj {
	uint64_t	 oid;
	char		 class[CCE_NAME_MAX + 1];
	uint64_t	 user_oid;	/* a User's user, else 0 */
	uint64_t	 host_oid;	/* a backed object's host, else 0 */
	struct user_rec	 u;		/* the user, when user_oid */
};

/* cce.c: the schema stored runs with; an answer's data as it is sent,
 * cut to fit (a 305 info says so) */
#define CCE_DATA_BYTES_MAX	(100 * 1024)
const struct cce_schema *cce_schema_get(void);
void	 cce_schema_use(struct cce_schema *);	/* takes it */
char	*cce_answer_text(struct cce_out *);

/* cceexec.c: one command as the caller (BEGIN, COMMIT, SUSPEND too) */
void	 cce_run(const struct principal *, const struct cce_cmd *,
	    struct cce_out *);
void	 cce_out_clear(struct cce_out *);
int	 cce_fail(struct cce_out *, int code, const char *fmt, ...)
	    __attribute__((format(printf, 3, 4)));
void	 cce_ok(struct cce_out *, int code, const char *message,
	    json_t *data);
const char *cce_phrase(int code);
void	 cce_sessions_forget(void);	/* tests: every queue emptied */

/* cceobj.c: objects, their values, who may see and change what */
int	 cce_obj_load(uint64_t oid, struct cce_obj *);	/* 0, -1 none */
int	 cce_ctx_init(struct cce_ctx *, const struct principal *);
/* the caller's relation to o: an access level (cce_level()) */
int	 cce_relation(const struct cce_ctx *, const struct cce_obj *);
int	 cce_level(enum cces_acl);
int	 cce_visible(const struct cce_ctx *, const struct cce_obj *);
int	 cce_may_read(const struct cce_ctx *, const struct cce_obj *,
	    const struct cces_prop *);
/* a value as read: mapped, stored or the default; 0 or -1 */
int	 cce_value(const struct cce_obj *, const char *ns,
	    const struct cces_prop *, char *out, size_t len);
/* cce_state: what outlives a restart (SUSPEND's, the next site's
 * number); get is 1 if found */
int	 cce_state_get(const char *name, char *out, size_t len);
int	 cce_state_put(const char *name, const char *value);
int	 cce_store_put(const struct cce_obj *, const char *ns,
	    const char *name, const char *value);
const char *cce_user_column(const char *class, const char *ns,
	    const char *prop);
/* "NS.prop" or "prop" (in ns): the group and property, or a code */
int	 cce_resolve(const struct cce_schema *, const char *class,
	    const char *ns, const char *key, const struct cces_group **,
	    const struct cces_prop **, struct cce_out *);
int	 cce_event(const struct cce_ctx *, const struct cce_obj *,
	    const char *type, const char *what);
uint64_t cce_object_of_user(uint64_t user_oid);

/* cceops.c: the commands on objects */
int	 cce_get(struct cce_ctx *, const struct cce_cmd *, struct cce_out *);
int	 cce_names(struct cce_ctx *, const struct cce_cmd *,
	    struct cce_out *);
int	 cce_classes(struct cce_ctx *, const struct cce_cmd *,
	    struct cce_out *);
int	 cce_whoami(struct cce_ctx *, const struct cce_cmd *,
	    struct cce_out *);
int	 cce_getobject(struct cce_ctx *, const struct cce_cmd *,
	    struct cce_out *);
int	 cce_getall(struct cce_ctx *, const struct cce_cmd *,
	    struct cce_out *);
json_t	*cce_object_json(struct cce_ctx *, const struct cce_obj *,
	    const struct cces_group *);

/* ccewrite.c: SET, CREATE, DESTROY */
int	 cce_set(struct cce_ctx *, const struct cce_cmd *, struct cce_out *);
int	 cce_create(struct cce_ctx *, const struct cce_cmd *,
	    struct cce_out *);
int	 cce_destroy(struct cce_ctx *, const struct cce_cmd *,
	    struct cce_out *);

/* ccemoat.c: what a change to User or Vsite does to moat's own rows */
int	 cce_moat_user_create(struct cce_ctx *, const char *name,
	    uint64_t *user_oid, struct cce_out *);
int	 cce_moat_user_set(struct cce_ctx *, struct cce_obj *,
	    const char *prop, const char *value, struct cce_out *);
int	 cce_moat_user_destroy(struct cce_ctx *, struct cce_obj *,
	    struct cce_out *);
int	 cce_moat_suspension(struct cce_ctx *, uint64_t user_oid);
int	 cce_moat_site_suspend(struct cce_ctx *, const struct cce_obj *);
int	 cce_moat_site_host(struct cce_ctx *, struct cce_obj *);
int	 cce_moat_site_destroy(struct cce_ctx *, struct cce_obj *,
	    struct cce_out *);

/* ccefind.c, ccevals.c: FIND, FINDX; the oids of class matching */
int	 cce_find(struct cce_ctx *, const struct cce_cmd *,
	    struct cce_out *);
int	 cce_find_oids(struct cce_ctx *, const struct cce_cmd *, int sorted,
	    uint64_t **oids, size_t *n, struct cce_out *);
/* ccero.c: moat's own rows as read-only classes (Host, SshKey, ...) */
int	 cce_ro_class(const char *class);	/* -1: not one */
int	 cce_ro_of(uint64_t oid);		/* -1: not one's */
void	 cce_ro_classes(json_t *);
json_t	*cce_ro_object(const struct cce_ctx *, uint64_t oid);
int	 cce_ro_destroy(struct cce_ctx *, uint64_t oid, struct cce_out *);
int	 cce_ro_get(struct cce_ctx *, uint64_t oid, const char *ns,
	    struct cce_out *);
int	 cce_ro_find(struct cce_ctx *, const struct cce_cmd *, int sorted,
	    uint64_t **oids, size_t *n, struct cce_out *);
/* ccesort.c: the sort orders */
int	 cce_sort_kind(const char *name);	/* -1 unknown */
int	 cce_sort_cmp(int kind, const char *a, const char *b);

#endif
