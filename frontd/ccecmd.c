/*
 * The command API's commands, read from either form into one struct
 * (ccecmd.h).  A "cmd" of one word is a verb whose parts come from the
 * structured fields: class, oid, namespace, args{}, regex_args{},
 * vars{} (GETALL's name for args), data{} (merged into args for CREATE
 * and SET), sorttype, sortprop, oids[], reason.  A longer "cmd" is a
 * line of the text protocol (cceline.c); the structured fields may add
 * what it left out, but never give a part twice.  Every part passes the
 * same checks whichever form brought it.
 */
#include <stdlib.h>
#include <string.h>

#include "ccecmd.h"
#include "cceline.h"
#include "ipc.h"
#include "log.h"

struct reader {
	struct ccecmd	*c;
	const char	*why;
	int		 have_oid;
};

static int
refuse(struct reader *rd, const char *why)
{
	if (rd->why == NULL)
		rd->why = why;
	return -1;
}

static int
add_arg(struct reader *rd, const char *key, const char *value,
    uint32_t op)
{
	struct ccecmd	*c = rd->c;
	size_t		 i, klen = strlen(key), vlen = strlen(value);

	if (!cce_key_ok(key))
		return refuse(rd, "a property is a name of letters, digits, "
		    "_ and -, with dots between namespace and name");
	if (vlen > CCE_VALUE_MAX)
		return refuse(rd, "a value is too long");
	if (c->req.nargs == CCE_ARGS_MAX)
		return refuse(rd, "too many arguments");
	if (c->bytes + klen + vlen > CCE_ARGS_BYTES)
		return refuse(rd, "the arguments are too long together");
	for (i = 0; i < c->req.nargs; i++)
		if (strcmp(c->args[i].key, key) == 0)
			return refuse(rd, "a property is given twice");
	if ((c->args[i].key = strdup(key)) == NULL ||
	    (c->args[i].value = strdup(value)) == NULL)
		fatal("%s", __func__);
	c->args[i].op = op;
	c->req.nargs++;
	c->bytes += klen + vlen;
	return 0;
}

/* A JSON object of string (or number, or boolean) values as args. */
static int
take_object(struct reader *rd, json_t *body, const char *name, uint32_t op)
{
	json_t		*o = json_object_get(body, name), *v;
	const char	*key;
	char		 num[32];

	if (o == NULL || json_is_null(o))
		return 0;
	if (!json_is_object(o))
		return refuse(rd, "args, regex_args, vars and data are "
		    "objects");
	json_object_foreach(o, key, v) {
		const char *value = num;

		if (json_is_string(v))
			value = json_string_value(v);
		else if (json_is_integer(v))
			snprintf(num, sizeof(num), "%lld",
			    (long long)json_integer_value(v));
		else if (json_is_boolean(v))
			strlcpy(num, json_is_true(v) ? "1" : "0", sizeof(num));
		else
			return refuse(rd, "a value is a string");
		if (add_arg(rd, key, value, op) == -1)
			return -1;
	}
	return 0;
}

/* An oid: a number from 1, or a string of its digits. */
static int
oid_value(json_t *v, uint64_t *oid)
{
	if (json_is_integer(v) && json_integer_value(v) > 0) {
		*oid = (uint64_t)json_integer_value(v);
		return 0;
	}
	if (json_is_string(v) && json_string_length(v) < 32)
		return cce_oid_of(json_string_value(v), oid);
	return -1;
}

/* A name-like string field into dst, unless the line gave it. */
static int
take_text(struct reader *rd, json_t *body, const char *name, char *dst,
    size_t dstlen, int (*ok)(const char *))
{
	json_t	*v = json_object_get(body, name);

	if (v == NULL || json_is_null(v))
		return 0;
	if (dst[0] != '\0')
		return refuse(rd, "a part of the command is given twice");
	if (!json_is_string(v) || json_string_length(v) >= dstlen ||
	    !ok(json_string_value(v)))
		return refuse(rd, "class, namespace, sorttype, sortprop or "
		    "reason is not one the protocol takes");
	strlcpy(dst, json_string_value(v), dstlen);
	return 0;
}

static int
class_ok(const char *s)
{
	return cce_name_ok(s, CCE_NAME_MAX);
}

static int
take_oids(struct reader *rd, json_t *body)
{
	struct ipc_cce_req	*q = &rd->c->req;
	json_t			*a = json_object_get(body, "oids"), *v;
	size_t			 i;
	uint64_t		 oid;
	int			 b;

	if (a == NULL || json_is_null(a))
		return 0;
	if (!json_is_array(a) || json_array_size(a) == 0)
		return refuse(rd, "oids is a list of object ids");
	if (q->oids_len > 0)
		return refuse(rd, "a part of the command is given twice");
	if (json_array_size(a) > CCE_OIDS_MAX)
		return refuse(rd, "too many oids");
	json_array_foreach(a, i, v) {
		if (oid_value(v, &oid) == -1)
			return refuse(rd, "an object id is a number from 1");
		for (b = 7; b >= 0; b--) {
			q->oids[q->oids_len + (size_t)b] = oid & 0xff;
			oid >>= 8;
		}
		q->oids_len += 8;
	}
	return 0;
}

static int
take_oid(struct reader *rd, json_t *body)
{
	json_t	*v = json_object_get(body, "oid");

	if (v == NULL || json_is_null(v))
		return 0;
	if (rd->have_oid)
		return refuse(rd, "a part of the command is given twice");
	if (oid_value(v, &rd->c->req.oid) == -1)
		return refuse(rd, "an object id is a number from 1");
	rd->have_oid = 1;
	return 0;
}

/* The structured fields a verb takes; the others are not read. */
static int
take_fields(struct reader *rd, json_t *body)
{
	struct ipc_cce_req	*q = &rd->c->req;

	switch (q->verb) {
	case CCE_V_CREATE:
		if (take_text(rd, body, "class", q->class, sizeof(q->class),
		    class_ok) == -1)
			return -1;
		return take_object(rd, body, "args", CCE_OP_EQ) == -1 ? -1 :
		    take_object(rd, body, "data", CCE_OP_EQ);
	case CCE_V_SET:
		if (take_oid(rd, body) == -1 || take_text(rd, body,
		    "namespace", q->ns, sizeof(q->ns), class_ok) == -1)
			return -1;
		return take_object(rd, body, "args", CCE_OP_EQ) == -1 ? -1 :
		    take_object(rd, body, "data", CCE_OP_EQ);
	case CCE_V_GET:
		if (take_text(rd, body, "namespace", q->ns, sizeof(q->ns),
		    class_ok) == -1)
			return -1;
		/* FALLTHROUGH */
	case CCE_V_DESTROY:
		return take_oid(rd, body);
	case CCE_V_NAMES:
		if (take_oid(rd, body) == -1)
			return -1;
		return take_text(rd, body, "class", q->class,
		    sizeof(q->class), class_ok);
	case CCE_V_GETALL:
		if (take_oids(rd, body) == -1 ||
		    take_object(rd, body, "vars", CCE_OP_EQ) == -1)
			return -1;
		/* FALLTHROUGH */
	case CCE_V_FIND:
	case CCE_V_FINDX:
	case CCE_V_GETOBJECT:
		if (take_text(rd, body, "class", q->class, sizeof(q->class),
		    class_ok) == -1 ||
		    take_object(rd, body, "args", CCE_OP_EQ) == -1 ||
		    take_object(rd, body, "regex_args", CCE_OP_MATCH) == -1 ||
		    take_text(rd, body, "sorttype", q->sorttype,
		    sizeof(q->sorttype), cce_sorttype_ok) == -1)
			return -1;
		return take_text(rd, body, "sortprop", q->sortprop,
		    sizeof(q->sortprop), cce_key_ok);
	case CCE_V_SUSPEND:
		return take_text(rd, body, "reason", q->reason,
		    sizeof(q->reason), cce_reason_ok);
	default:
		return 0;
	}
}

/* What a verb needs, once both forms are read. */
static int
complete(struct reader *rd)
{
	struct ipc_cce_req	*q = &rd->c->req;

	switch (q->verb) {
	case CCE_V_CREATE:
	case CCE_V_FIND:
	case CCE_V_FINDX:
	case CCE_V_GETOBJECT:
		if (q->class[0] == '\0')
			return refuse(rd, "a class is required");
		break;
	case CCE_V_SET:
	case CCE_V_GET:
	case CCE_V_DESTROY:
		if (!rd->have_oid)
			return refuse(rd, "an object id is required");
		break;
	case CCE_V_NAMES:
		if (rd->have_oid == (q->class[0] != '\0'))
			return refuse(rd, "NAMES takes a class or an oid");
		break;
	case CCE_V_GETALL:
		if ((q->oids_len > 0) == (q->class[0] != '\0'))
			return refuse(rd, "GETALL takes oids or a class");
		if (q->oids_len > 0 && q->nargs > 0)
			return refuse(rd, "GETALL by oids takes no args");
		break;
	default:
		break;
	}
	if (q->sortprop[0] != '\0' && q->verb != CCE_V_FINDX &&
	    q->verb != CCE_V_FIND && q->verb != CCE_V_GETOBJECT &&
	    q->verb != CCE_V_GETALL)
		return refuse(rd, "only a search is sorted");
	return 0;
}

/* The line's parts, checked by cce_line_parse() already. */
static int
take_line(struct reader *rd, const struct cce_line *l)
{
	struct ipc_cce_req	*q = &rd->c->req;
	size_t			 i;
	int			 b;

	q->verb = l->verb;
	if (l->class != NULL)
		strlcpy(q->class, l->class, sizeof(q->class));
	if (l->ns != NULL)
		strlcpy(q->ns, l->ns, sizeof(q->ns));
	if (l->sorttype != NULL)
		strlcpy(q->sorttype, l->sorttype, sizeof(q->sorttype));
	if (l->sortprop != NULL)
		strlcpy(q->sortprop, l->sortprop, sizeof(q->sortprop));
	if (l->reason != NULL)
		strlcpy(q->reason, l->reason, sizeof(q->reason));
	q->oid = l->oid;
	rd->have_oid = l->oid != 0;
	for (i = 0; i < l->noids; i++)
		for (b = 0; b < 8; b++)
			q->oids[q->oids_len++] =
			    (l->oids[i] >> (56 - 8 * b)) & 0xff;
	for (i = 0; i < l->nargs; i++)
		if (add_arg(rd, l->args[i].key, l->args[i].value,
		    l->args[i].op) == -1)
			return -1;
	return 0;
}

/* The command as written, cut to fit, never inside a UTF-8 sequence. */
static void
keep_text(struct ipc_cce_req *q, const char *cmd)
{
	size_t	 n = strlcpy(q->command, cmd, sizeof(q->command));

	if (n < sizeof(q->command))
		return;
	n = sizeof(q->command) - 1;
	while (n > 0 && ((unsigned char)q->command[n] & 0xc0) == 0x80)
		n--;
	q->command[n] = '\0';
}

/* The structured form as COMMIT's results show it: its verb and what
 * it acts on ("CREATE Vsite", "SET 12 . Disk"); its args are not said. */
static void
describe(struct ipc_cce_req *q, int have_oid)
{
	char	 oid[24] = "";

	if (have_oid)
		snprintf(oid, sizeof(oid), " %llu", (unsigned long long)q->oid);
	snprintf(q->command, sizeof(q->command), "%s%s%s%s%s",
	    cce_verb_name(q->verb), q->class[0] != '\0' ? " " : "", q->class,
	    oid, q->ns[0] != '\0' ? " . " : "");
	if (q->ns[0] != '\0')
		strlcat(q->command, q->ns, sizeof(q->command));
}

struct ccecmd *
ccecmd_read(json_t *body, int *code, const char **why)
{
	struct reader	 rd;
	struct cce_line	*l = NULL;
	json_t		*jc = json_object_get(body, "cmd");
	const char	*cmd;
	enum cce_verb	 v;
	size_t		 len;
	int		 line = 0;

	memset(&rd, 0, sizeof(rd));
	if ((rd.c = calloc(1, sizeof(*rd.c))) == NULL)
		fatal("%s", __func__);
	*code = 403;
	if (!json_is_string(jc) || (len = json_string_length(jc)) == 0) {
		*code = 402;
		refuse(&rd, "cmd is required");
		goto fail;
	}
	cmd = json_string_value(jc);
	if (strcspn(cmd, " \t\r\n") == len) {
		if (cce_verb_of(cmd, &v) == -1) {
			*code = 402;
			refuse(&rd, "unknown command");
			goto fail;
		}
		rd.c->req.verb = v;
	} else {
		if ((l = calloc(1, sizeof(*l))) == NULL)
			fatal("%s", __func__);
		if ((*code = cce_line_parse(cmd, len, l, &rd.why)) != 0 ||
		    take_line(&rd, l) == -1)
			goto fail;
		explicit_bzero(l, sizeof(*l));
		free(l);
		l = NULL;
		line = 1;
		*code = 403;
	}
	if (take_fields(&rd, body) == -1 || complete(&rd) == -1)
		goto fail;
	if (line)
		keep_text(&rd.c->req, cmd);
	else
		describe(&rd.c->req, rd.have_oid);
	return rd.c;
 fail:
	if (l != NULL) {
		explicit_bzero(l, sizeof(*l));
		free(l);
	}
	*why = rd.why != NULL ? rd.why : "bad parameters";
	ccecmd_free(rd.c);
	return NULL;
}

void
ccecmd_free(struct ccecmd *c)
{
	uint32_t	 i;

	if (c == NULL)
		return;
	for (i = 0; i < c->req.nargs; i++) {
		freezero(c->args[i].key, strlen(c->args[i].key) + 1);
		freezero(c->args[i].value, strlen(c->args[i].value) + 1);
	}
	explicit_bzero(c, sizeof(*c));
	free(c);
}

int
ccecmd_type(const struct ccecmd *c)
{
	return c->req.verb == CCE_V_CREATE || c->req.verb == CCE_V_SET ?
	    IPC_AUTH_CCE : IPC_OP_CCE;
}

void
ccecmd_put(const struct ccecmd *c, struct ipc_msg *m)
{
	struct ipc_cce_arg	*a;
	uint32_t		 i;

	/* one arg at a time: the message holds only what they are */
	if ((a = calloc(1, sizeof(*a))) == NULL)
		fatal("%s", __func__);
	ipc_msg_init(m, ccecmd_type(c), 0);
	ipc_msg_put(m, &c->req);
	for (i = 0; i < c->req.nargs; i++) {
		memset(a, 0, sizeof(*a));
		strlcpy(a->key, c->args[i].key, sizeof(a->key));
		strlcpy(a->value, c->args[i].value, sizeof(a->value));
		a->op = c->args[i].op;
		ipc_msg_put_item(m, a);
	}
	explicit_bzero(a, sizeof(*a));
	free(a);
}
