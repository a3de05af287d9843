/*
 * Running one command of the command API as its caller: each in a
 * transaction of its own, or queued after BEGIN and run by COMMIT in one
 * transaction, all or nothing.  SUSPEND and RESUME keep their state in
 * the database, so that a restart keeps the system suspended.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cce.h"
#include "log.h"

#define QUEUE_BYTES_MAX	(64 * 1024 * 1024)	/* of every queue at once */
#define QUEUE_STALE	600	/* seconds after which a BEGIN may go */

struct queued {
	struct ipc_cce_req	 req;
	struct ipc_cce_arg	*args;
	size_t			 nargs;
	int			 via_authd;
};

struct queue {
	int		 kind;
	uint64_t	 cred;
	time_t		 started;
	struct queued	 cmds[CCE_QUEUE_MAX];
	size_t		 n;
};

static struct queue	*queues[CCE_SESSIONS_MAX];
static size_t		 queued_bytes;

static const struct {
	int		 code;
	const char	*phrase;
} phrases[] = {
	{ CCE_QUEUED, "QUEUED" }, { CCE_OK, "OK" },
	{ CCE_UNKNOWN_OBJECT, "UNKNOWN OBJECT" },
	{ CCE_UNKNOWN_CLASS, "UNKNOWN CLASS" }, { CCE_BAD_DATA, "BAD DATA" },
	{ CCE_UNKNOWN_NS, "UNKNOWN NAMESPACE" },
	{ CCE_DENIED, "PERMISSION DENIED" }, { CCE_WARNING, "WARNING" },
	{ CCE_CMD_ERROR, "COMMAND ERROR" }, { CCE_SUSPENDED, "SUSPENDED" },
	{ CCE_BAD_COMMAND, "BAD COMMAND" },
	{ CCE_BAD_PARAMS, "BAD PARAMETERS" },
	{ CCE_NOT_FOUND, "Object not found" },
	{ CCE_FAILED, "COMMIT FAILED" },
};

const char *
cce_phrase(int code)
{
	size_t	 i;

	for (i = 0; i < sizeof(phrases) / sizeof(phrases[0]); i++)
		if (phrases[i].code == code)
			return phrases[i].phrase;
	return "FAIL";
}

void
cce_out_clear(struct cce_out *out)
{
	json_decref(out->data);
	memset(out, 0, sizeof(*out));
}

int
cce_fail(struct cce_out *out, int code, const char *fmt, ...)
{
	char	 detail[IPC_MESSAGE_MAX];
	va_list	 ap;

	va_start(ap, fmt);
	vsnprintf(detail, sizeof(detail), fmt, ap);
	va_end(ap);
	out->code = code;
	strlcpy(out->message, cce_phrase(code), sizeof(out->message));
	json_decref(out->data);
	out->data = json_pack("{s:[{s:i,s:s}]}", "errors", "code", code,
	    "message", detail);
	if (out->data == NULL)
		fatalx("%s: out of memory", __func__);
	return code;
}

void
cce_ok(struct cce_out *out, int code, const char *message, json_t *data)
{
	out->code = code;
	strlcpy(out->message, message, sizeof(out->message));
	json_decref(out->data);
	out->data = data;
}

/* ---- SUSPEND and RESUME ------------------------------------------------ */

int
cce_state_get(const char *name, char *out, size_t len)
{
	static const char sql[] = "SELECT value FROM cce_state WHERE name = ?";
	sqlite3_stmt	*st = db_stmt(sql);
	int		 found;

	sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
	if ((found = sqlite3_step(st) == SQLITE_ROW))
		db_text_col(st, 0, out, len);
	sqlite3_reset(st);
	return found;
}

static void
session_name(const struct principal *p, char *out, size_t len)
{
	snprintf(out, len, "%d:%llu", p->kind, (unsigned long long)p->cred_oid);
}

/* 309 with the reason if the system is suspended by another session. */
static int
suspended_for(const struct principal *p, struct cce_out *out)
{
	char	 reason[CCE_REASON_MAX + 1], by[64], me[64];

	if (!cce_state_get("suspended", reason, sizeof(reason)))
		return 0;
	session_name(p, me, sizeof(me));
	if (cce_state_get("suspended_by", by, sizeof(by)) && strcmp(by, me) == 0)
		return 0;
	cce_fail(out, CCE_SUSPENDED, "%s", reason);
	snprintf(out->message, sizeof(out->message), "SUSPENDED%s%.200s",
	    reason[0] != '\0' ? " " : "", reason);
	return 1;
}

int
cce_state_put(const char *name, const char *value)
{
	static const char put[] = "INSERT INTO cce_state (name, value) VALUES "
	    "(?, ?) ON CONFLICT (name) DO UPDATE SET value = excluded.value";
	sqlite3_stmt	*st = db_stmt(put);
	int		 rc;

	sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, value, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? 0 : -1;
}

static int
suspend(struct cce_ctx *c, const struct cce_cmd *cmd, struct cce_out *out)
{
	char		 me[64];

	if (c->p.role != ROLE_ADMIN)
		return cce_fail(out, CCE_DENIED, "SUSPEND is for admins");
	session_name(&c->p, me, sizeof(me));
	if (cce_state_put("suspended", cmd->req.reason) == -1 ||
	    cce_state_put("suspended_by", me) == -1)
		return cce_fail(out, CCE_CMD_ERROR, "database error");
	if (db_event("cce.suspend", "warning", NULL, cmd->req.reason,
	    c->p.username, NULL, DIALECT_CCE) == -1)
		return cce_fail(out, CCE_CMD_ERROR, "database error");
	cce_ok(out, CCE_OK, "OK", NULL);
	return 0;
}

static int
resume(struct cce_ctx *c, struct cce_out *out)
{
	if (c->p.role != ROLE_ADMIN)
		return cce_fail(out, CCE_DENIED, "RESUME is for admins");
	if (db_write("DELETE FROM cce_state WHERE name IN ('suspended', "
	    "'suspended_by')", 0, 0) == -1 || db_event("cce.resume", "info",
	    NULL, "resumed", c->p.username, NULL, DIALECT_CCE) == -1)
		return cce_fail(out, CCE_CMD_ERROR, "database error");
	cce_ok(out, CCE_OK, "OK", NULL);
	return 0;
}

/* ---- one command ------------------------------------------------------- */

static int
exec_one(struct cce_ctx *c, const struct cce_cmd *cmd, struct cce_out *out)
{
	switch (cmd->req.verb) {
	case CCE_V_CLASSES:
		return cce_classes(c, cmd, out);
	case CCE_V_NAMES:
		return cce_names(c, cmd, out);
	case CCE_V_GET:
		return cce_get(c, cmd, out);
	case CCE_V_SET:
		return cce_set(c, cmd, out);
	case CCE_V_CREATE:
		return cce_create(c, cmd, out);
	case CCE_V_DESTROY:
		return cce_destroy(c, cmd, out);
	case CCE_V_FIND:
	case CCE_V_FINDX:
		return cce_find(c, cmd, out);
	case CCE_V_GETOBJECT:
		return cce_getobject(c, cmd, out);
	case CCE_V_GETALL:
		return cce_getall(c, cmd, out);
	case CCE_V_WHOAMI:
		return cce_whoami(c, cmd, out);
	case CCE_V_SUSPEND:
		return suspend(c, cmd, out);
	case CCE_V_RESUME:
		return resume(c, out);
	default:
		return cce_fail(out, CCE_BAD_COMMAND, "not a command of "
		    "stored's");
	}
}

/* What a committed change tells others: taskd, the users' devices. */
static void
after_commit(struct cce_ctx *c)
{
	size_t	 i;

	if (c->wake_tasks)
		tasks_wake();
	for (i = 0; i < c->nwoken; i++)
		devsignal_wake_user(c->woken[i]);
}

static void
run_alone(struct cce_ctx *c, const struct cce_cmd *cmd, struct cce_out *out)
{
	if (db_begin() == -1) {
		cce_fail(out, CCE_CMD_ERROR, "database error");
		return;
	}
	exec_one(c, cmd, out);
	if (out->code >= 300) {
		db_rollback();
		return;
	}
	if (db_commit() == -1) {
		cce_fail(out, CCE_CMD_ERROR, "database error");
		return;
	}
	after_commit(c);
}

/* ---- BEGIN and COMMIT ---------------------------------------------------- */

static struct queue **
queue_of(const struct principal *p)
{
	size_t	 i;

	for (i = 0; i < CCE_SESSIONS_MAX; i++)
		if (queues[i] != NULL && queues[i]->kind == p->kind &&
		    queues[i]->cred == p->cred_oid)
			return &queues[i];
	return NULL;
}

static void
queue_free(struct queue **qp)
{
	struct queue	*q = *qp;
	size_t		 i;

	for (i = 0; i < q->n; i++) {
		queued_bytes -= q->cmds[i].nargs * sizeof(*q->cmds[i].args);
		explicit_bzero(q->cmds[i].args, q->cmds[i].nargs *
		    sizeof(*q->cmds[i].args));
		free(q->cmds[i].args);
	}
	free(q);
	*qp = NULL;
}

void
cce_sessions_forget(void)
{
	size_t	 i;

	for (i = 0; i < CCE_SESSIONS_MAX; i++)
		if (queues[i] != NULL)
			queue_free(&queues[i]);
}

static void
begin(const struct principal *p, struct cce_out *out)
{
	struct queue	**slot = NULL;
	time_t		  now = time(NULL);
	size_t		  i;

	if (queue_of(p) != NULL) {
		cce_fail(out, CCE_CMD_ERROR, "BEGIN twice: COMMIT first");
		return;
	}
	for (i = 0; i < CCE_SESSIONS_MAX && slot == NULL; i++)
		if (queues[i] == NULL)
			slot = &queues[i];
	/* a BEGIN left behind long ago makes room */
	for (i = 0; i < CCE_SESSIONS_MAX && slot == NULL; i++)
		if (now - queues[i]->started > QUEUE_STALE) {
			queue_free(&queues[i]);
			slot = &queues[i];
		}
	if (slot == NULL) {
		cce_fail(out, CCE_CMD_ERROR, "too many sessions in a BEGIN");
		return;
	}
	if ((*slot = calloc(1, sizeof(**slot))) == NULL)
		fatalx("%s: out of memory", __func__);
	(*slot)->kind = p->kind;
	(*slot)->cred = p->cred_oid;
	(*slot)->started = now;
	cce_ok(out, CCE_OK, "BEGIN OK", NULL);
}

static void
enqueue(struct queue *q, const struct cce_cmd *cmd, struct cce_out *out)
{
	struct queued	*e;
	size_t		 bytes = cmd->nargs * sizeof(*cmd->args);

	if (q->n == CCE_QUEUE_MAX) {
		cce_fail(out, CCE_CMD_ERROR, "at most %d commands between "
		    "BEGIN and COMMIT", CCE_QUEUE_MAX);
		return;
	}
	if (queued_bytes + bytes > QUEUE_BYTES_MAX) {
		cce_fail(out, CCE_CMD_ERROR, "too much queued: COMMIT first");
		return;
	}
	e = &q->cmds[q->n];
	e->req = cmd->req;
	e->nargs = cmd->nargs;
	e->via_authd = cmd->via_authd;
	e->args = NULL;
	if (cmd->nargs > 0) {
		if ((e->args = calloc(cmd->nargs, sizeof(*e->args))) == NULL)
			fatalx("%s: out of memory", __func__);
		memcpy(e->args, cmd->args, bytes);
	}
	queued_bytes += bytes;
	q->n++;
	cce_ok(out, CCE_QUEUED, "QUEUED", NULL);
}

static json_t *
result_json(size_t i, const struct ipc_cce_req *req,
    const struct cce_out *r)
{
	json_t	*j;

	j = json_pack("{s:I,s:s,s:i,s:s}", "index", (json_int_t)i,
	    "command", req->command, "status", r->code, "message",
	    r->message);
	if (j == NULL)
		fatalx("%s: out of memory", __func__);
	if (r->data != NULL)
		json_object_set(j, "data", r->data);
	return j;
}

/* Every queued command in one transaction: all of them, or none. */
static void
commit(struct cce_ctx *c, struct cce_out *out)
{
	struct queue	**qp = queue_of(&c->p);
	struct cce_out	  r;
	struct cce_cmd	  cmd;
	json_t		 *results, *errors;
	size_t		  i;

	if (qp == NULL) {
		cce_fail(out, CCE_CMD_ERROR, "COMMIT without BEGIN");
		return;
	}
	if ((results = json_array()) == NULL)
		fatalx("%s: out of memory", __func__);
	if (db_begin() == -1) {
		json_decref(results);
		queue_free(qp);
		cce_fail(out, CCE_CMD_ERROR, "database error");
		return;
	}
	for (i = 0; i < (*qp)->n; i++) {
		memset(&r, 0, sizeof(r));
		cmd.req = (*qp)->cmds[i].req;
		cmd.args = (*qp)->cmds[i].args;
		cmd.nargs = (*qp)->cmds[i].nargs;
		cmd.via_authd = (*qp)->cmds[i].via_authd;
		exec_one(c, &cmd, &r);
		json_array_append_new(results, result_json(i, &cmd.req, &r));
		if (r.code >= 300)
			break;
		cce_out_clear(&r);
	}
	if (i < (*qp)->n) {
		db_rollback();
		errors = r.data != NULL ? json_object_get(r.data, "errors") :
		    NULL;
		cce_fail(out, CCE_FAILED, "command %zu failed: %s", i,
		    r.message);
		if (errors != NULL)
			json_object_set(out->data, "errors", errors);
		json_object_set_new(out->data, "results", results);
		cce_out_clear(&r);
		queue_free(qp);
		return;
	}
	queue_free(qp);
	if (db_commit() == -1) {
		json_decref(results);
		cce_fail(out, CCE_CMD_ERROR, "database error");
		return;
	}
	after_commit(c);
	cce_ok(out, CCE_OK, "OK", json_pack("{s:o}", "results", results));
}

void
cce_run(const struct principal *p, const struct cce_cmd *cmd,
    struct cce_out *out)
{
	struct cce_ctx	 c;
	struct queue	**qp;
	size_t		 i;

	memset(out, 0, sizeof(*out));
	for (i = 0; i < cmd->nargs; i++)
		if (cmd->args[i].op == CCE_OP_HASHED && !cmd->via_authd) {
			cce_fail(out, CCE_BAD_PARAMS, "a hash only authd sets");
			return;
		}
	if (cmd->req.verb != CCE_V_RESUME && suspended_for(p, out))
		return;
	cce_ctx_init(&c, p);
	qp = queue_of(p);
	switch (cmd->req.verb) {
	case CCE_V_BEGIN:
		begin(p, out);
		break;
	case CCE_V_COMMIT:
		commit(&c, out);
		break;
	case CCE_V_SUSPEND:
	case CCE_V_RESUME:
		run_alone(&c, cmd, out);
		break;
	default:
		if (qp != NULL)
			enqueue(*qp, cmd, out);
		else
			run_alone(&c, cmd, out);
		break;
	}
	/* what went well with a warning says so */
	if (c.infos != NULL && out->code < 300) {
		if (out->data == NULL && (out->data = json_object()) == NULL)
			fatalx("%s: out of memory", __func__);
		json_object_set(out->data, "infos", c.infos);
	}
	json_decref(c.infos);
}
