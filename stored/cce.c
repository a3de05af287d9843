/*
 * The command API's messages in stored (issue 12): the schema moatd read
 * and checked (cfg.cce.schema, its file's descriptor), and each command
 * frontd (op.cce: reads) or authd (store.cce: writes, passwords hashed)
 * passes on, answered as cce.res: the text protocol's code and message
 * and the data as JSON text in chunks.  An answer too large for its
 * message is cut here (305 WARNING), never sent oversized.
 */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "body_cce.h"
#include "body_cfg.h"
#include "cce.h"
#include "ipc.h"
#include "log.h"
#include "stored.h"

/* of the answer's JSON text, under CCE_MSG_MAX with its chunks' framing */

static struct cce_schema	*schema;

const struct cce_schema *
cce_schema_get(void)
{
	return schema;
}

void
cce_schema_use(struct cce_schema *s)
{
	cce_schema_free(schema);
	schema = s;
}

/* moatd checked the file; one stored cannot read is a broken install */
int
cce_config_schema(struct ipc_chan *chan, struct ipc_msg *m)
{
	struct ipc_cfg_file	 b;
	struct cce_schema	*s;
	char			*text, err[256];
	size_t			 len = 0;
	ssize_t			 n;

	(void)chan;
	if (ipc_msg_get(m, &b) == -1)
		return -1;
	if ((text = malloc(CCES_FILE_MAX + 1)) == NULL)
		fatalx("%s: out of memory", __func__);
	while (len <= CCES_FILE_MAX && (n = read(b.fd, text + len,
	    CCES_FILE_MAX + 1 - len)) > 0)
		len += (size_t)n;
	if (n == -1)
		fatal("cce schema %s", b.path);
	close(b.fd);
	if ((s = cce_schema_parse(text, len, err, sizeof(err))) == NULL)
		fatalx("cce schema %s: %s", b.path, err);
	free(text);
	cce_schema_use(s);
	return 0;
}

/* ---- the answer ---------------------------------------------------------- */

static void
info(json_t *data, const char *text)
{
	json_t	*infos = json_object_get(data, "infos");

	if (infos == NULL) {
		infos = json_array();
		json_object_set_new(data, "infos", infos);
	}
	json_array_append_new(infos, json_pack("{s:i,s:s}", "code",
	    CCE_WARNING, "message", text));
}

/*
 * The data's text, cut to fit: a list of oids or objects to its first
 * part, anything else to a warning alone.
 */
char *
cce_answer_text(struct cce_out *out)
{
	json_t		*list, *objects;
	const char	*key;
	void		*tmp;
	char		*text;
	size_t		 len, keep, n, tries;

	for (tries = 0; tries < 8; tries++) {
		text = json_dumps(out->data, JSON_COMPACT | JSON_ENSURE_ASCII);
		if (text == NULL)
			fatalx("%s: out of memory", __func__);
		if ((len = strlen(text)) <= CCE_DATA_BYTES_MAX)
			return text;
		free(text);
		list = json_object_get(out->data, "oidlist");
		objects = json_object_get(out->data, "objects");
		if (tries == 0)
			info(out->data, "WARNING: the answer was cut to fit");
		if (json_is_array(list)) {
			n = json_array_size(list);
			keep = n * (CCE_DATA_BYTES_MAX / 10 * 9 / 1024) /
			    (len / 1024 + 1);
			while (json_array_size(list) > keep)
				json_array_remove(list,
				    json_array_size(list) - 1);
		} else if (json_is_object(objects)) {
			n = json_object_size(objects) / 2;
			json_object_foreach_safe(objects, tmp, key, list)
				if (json_object_size(objects) > n)
					json_object_del(objects, key);
		} else {
			json_decref(out->data);
			out->data = json_object();
			info(out->data, "WARNING: the answer was too large");
		}
	}
	json_decref(out->data);
	out->data = json_object();
	info(out->data, "WARNING: no answer fits");
	if ((text = json_dumps(out->data, JSON_COMPACT)) == NULL)
		fatalx("%s: out of memory", __func__);
	return text;
}

static int
answer(const struct ipc_req *req, struct cce_out *out)
{
	struct ipc_cce_res	 res;
	struct ipc_cce_chunk	 chunk;
	struct ipc_msg		 items;
	char			*text = NULL;
	size_t			 len = 0, off;

	memset(&res, 0, sizeof(res));
	head_set(&res.head, 200, "ok");
	res.code = (uint32_t)out->code;
	strlcpy(res.message, out->message, sizeof(res.message));
	if (out->data != NULL) {
		text = cce_answer_text(out);
		len = strlen(text);
		res.nchunks = (uint32_t)((len + CCE_CHUNK_MAX - 1) /
		    CCE_CHUNK_MAX);
	}
	ipc_msg_init(&items, IPC_CCE_RES, 0);
	for (off = 0; off < len; off += CCE_CHUNK_MAX) {
		memset(&chunk, 0, sizeof(chunk));
		memcpy(chunk.text, text + off, len - off < CCE_CHUNK_MAX ?
		    len - off : CCE_CHUNK_MAX);
		ipc_msg_put_item(&items, &chunk);
	}
	free(text);
	return ipc_answer(req, &res, &items);
}

/* ---- a command ----------------------------------------------------------- */

int
cce_command(struct ipc_chan *chan, struct ipc_msg *m)
{
	struct ipc_req	 req = ipc_req_of(chan, m);
	struct cce_cmd	 cmd;
	struct cce_out	 out;
	struct principal p;
	uint32_t	 retry, i;
	int		 status, rc = 0;

	memset(&cmd, 0, sizeof(cmd));
	if (ipc_msg_get(m, &cmd.req) == -1)
		return -1;
	cmd.via_authd = m->type == IPC_STORE_CCE;
	if (cmd.req.nargs > CCE_ARGS_MAX)
		return ipc_violation(m, "too many args");
	if (cmd.req.nargs > 0 && (cmd.args = calloc(cmd.req.nargs,
	    sizeof(*cmd.args))) == NULL)
		fatalx("%s: out of memory", __func__);
	for (i = 0; i < cmd.req.nargs; i++) {
		if (ipc_msg_get_item(m, &cmd.args[i]) != 1) {
			rc = ipc_violation(m, "fewer args than it says");
			goto done;
		}
		/* only authd hashes passwords: nobody else may say so */
		if (cmd.args[i].op >= CCE_OP_MAX || (!cmd.via_authd &&
		    cmd.args[i].op == CCE_OP_HASHED)) {
			rc = ipc_violation(m, "an arg of no kind it may send");
			goto done;
		}
	}
	cmd.nargs = cmd.req.nargs;
	status = authz_check(cmd.req.grant, cmd.req.grant_len, &p, &retry);
	/* the command API's own sessions (AUTH, LOGIN) and the other
	 * dialects' logins: an API key's scopes say nothing of it */
	if (status == 0 && p.kind != GRANT_SESSION && p.kind != GRANT_LOGIN)
		status = 403;
	if (status == 0 && schema == NULL)
		status = 503;
	if (status != 0) {
		ipc_answer_status(&req, status, status == 401 ?
		    "Invalid or expired token" : status == 429 ?
		    "too many requests" : status == 403 ? "not a session "
		    "of the command API" : "the command API is not ready");
		goto done;
	}
	cce_run(&p, &cmd, &out);
	answer(&req, &out);
	cce_out_clear(&out);
 done:
	if (cmd.args != NULL) {
		explicit_bzero(cmd.args, cmd.req.nargs * sizeof(*cmd.args));
		free(cmd.args);
	}
	explicit_bzero(&cmd.req, sizeof(cmd.req));
	return rc;
}
