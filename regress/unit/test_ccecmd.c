/*
 * frontd's reading of a command of the command API (frontd/ccecmd.c):
 * the raw line and the structured fields give the same command; the
 * line's parts and the fields' add up, never twice; the bounds are
 * refused with the text protocol's codes; the message holds it whole.
 */
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "ccecmd.h"
#include "ipc.h"
#include "log.h"
#include "test.h"

static struct ccecmd *
read_json(const char *text, int *code, const char **why)
{
	json_error_t	 e;
	json_t		*body = json_loads(text, 0, &e);
	struct ccecmd	*c;

	if (body == NULL)
		fatalx("bad test JSON: %s: %s", text, e.text);
	*code = 0;
	*why = NULL;
	c = ccecmd_read(body, code, why);
	json_decref(body);
	return c;
}

static int
refused(const char *text, int code)
{
	struct ccecmd	*c;
	const char	*why;
	int		 got;

	if ((c = read_json(text, &got, &why)) != NULL) {
		ccecmd_free(c);
		return 0;
	}
	return got == code && why != NULL;
}

static const char *
arg_value(const struct ccecmd *c, const char *key, uint32_t *op)
{
	uint32_t	 i;

	for (i = 0; i < c->req.nargs; i++)
		if (strcmp(c->args[i].key, key) == 0) {
			*op = c->args[i].op;
			return c->args[i].value;
		}
	return NULL;
}

/* Both read into the same command (the text shown aside). */
static void
same(const char *a, const char *b)
{
	struct ccecmd	*x, *y;
	const char	*why, *v;
	uint32_t	 i, op;
	int		 code;

	x = read_json(a, &code, &why);
	CHECK(x != NULL);
	y = read_json(b, &code, &why);
	CHECK(y != NULL);
	if (x == NULL || y == NULL) {
		log_warnx("not read: %s / %s", a, b);
		goto done;
	}
	CHECK_INT(x->req.verb, y->req.verb);
	CHECK_STR(x->req.class, y->req.class);
	CHECK(x->req.oid == y->req.oid);
	CHECK_STR(x->req.ns, y->req.ns);
	CHECK_STR(x->req.sorttype, y->req.sorttype);
	CHECK_STR(x->req.sortprop, y->req.sortprop);
	CHECK_STR(x->req.reason, y->req.reason);
	CHECK_INT(x->req.oids_len, y->req.oids_len);
	CHECK(memcmp(x->req.oids, y->req.oids, x->req.oids_len) == 0);
	CHECK_INT(x->req.nargs, y->req.nargs);
	for (i = 0; i < x->req.nargs; i++) {
		v = arg_value(y, x->args[i].key, &op);
		CHECK(v != NULL);
		if (v == NULL)
			continue;
		CHECK_STR(v, x->args[i].value);
		CHECK_INT(op, x->args[i].op);
	}
 done:
	ccecmd_free(x);
	ccecmd_free(y);
}

static void
test_both_forms(void)
{
	same("{\"cmd\":\"GET 6 . Email\"}",
	    "{\"cmd\":\"GET\",\"oid\":6,\"namespace\":\"Email\"}");
	same("{\"cmd\":\"GET 6.Email\"}",
	    "{\"cmd\":\"get\",\"oid\":\"6\",\"namespace\":\"Email\"}");
	same("{\"cmd\":\"CREATE User name=\\\"bob\\\" fullName=\\\"Bob\\\"\"}",
	    "{\"cmd\":\"CREATE\",\"class\":\"User\",\"args\":{\"name\":"
	    "\"bob\"},\"data\":{\"fullName\":\"Bob\"}}");
	same("{\"cmd\":\"SET 1 . Snmp \\\"k\\\" = \\\"v\\\"\"}",
	    "{\"cmd\":\"SET\",\"oid\":1,\"namespace\":\"Snmp\",\"data\":"
	    "{\"k\":\"v\"}}");
	same("{\"cmd\":\"FINDX Vsite ipaddr ~ \\\"^10\\\" name=\\\"a\\\" "
	    "SORTTYPE ip SORTPROP ipaddr\"}",
	    "{\"cmd\":\"FINDX\",\"class\":\"Vsite\",\"args\":{\"name\":\"a\"},"
	    "\"regex_args\":{\"ipaddr\":\"^10\"},\"sorttype\":\"ip\","
	    "\"sortprop\":\"ipaddr\"}");
	same("{\"cmd\":\"GETALL 5 7\"}",
	    "{\"cmd\":\"GETALL\",\"oids\":[5,\"7\"]}");
	same("{\"cmd\":\"GETALL User site=\\\"site1\\\"\"}",
	    "{\"cmd\":\"GETALL\",\"class\":\"User\",\"vars\":{\"site\":"
	    "\"site1\"}}");
	same("{\"cmd\":\"NAMES 6\"}", "{\"cmd\":\"NAMES\",\"oid\":6}");
	same("{\"cmd\":\"NAMES Vsite\"}",
	    "{\"cmd\":\"NAMES\",\"class\":\"Vsite\"}");
	same("{\"cmd\":\"SUSPEND \\\"backup\\\"\"}",
	    "{\"cmd\":\"SUSPEND\",\"reason\":\"backup\"}");
	same("{\"cmd\":\"DESTROY 7\"}", "{\"cmd\":\"DESTROY\",\"oid\":7}");
	same("{\"cmd\":\"SET 7 maxusers=\\\"3\\\"\"}",
	    "{\"cmd\":\"SET\",\"oid\":7,\"args\":{\"maxusers\":3}}");
	/* the line and the fields add up */
	same("{\"cmd\":\"FIND Vsite name=\\\"a\\\"\"}",
	    "{\"cmd\":\"FIND Vsite\",\"args\":{\"name\":\"a\"}}");
}

static void
test_routes_and_text(void)
{
	struct ccecmd	*c;
	const char	*why;
	int		 code;

	c = read_json("{\"cmd\":\"CREATE Vsite a=\\\"1\\\"\"}", &code, &why);
	CHECK(c != NULL && ccecmd_type(c) == IPC_AUTH_CCE);
	CHECK_STR(c->req.command, "CREATE Vsite a=\"1\"");
	ccecmd_free(c);
	c = read_json("{\"cmd\":\"SET\",\"oid\":12,\"namespace\":\"Disk\","
	    "\"args\":{\"quota\":\"1\"}}", &code, &why);
	CHECK(c != NULL && ccecmd_type(c) == IPC_AUTH_CCE);
	CHECK_STR(c->req.command, "SET 12 . Disk");
	ccecmd_free(c);
	c = read_json("{\"cmd\":\"WHOAMI\"}", &code, &why);
	CHECK(c != NULL && ccecmd_type(c) == IPC_OP_CCE);
	CHECK_INT(c->req.verb, CCE_V_WHOAMI);
	ccecmd_free(c);
	c = read_json("{\"cmd\":\"FIND Vsite\"}", &code, &why);
	CHECK(c != NULL && ccecmd_type(c) == IPC_OP_CCE);
	ccecmd_free(c);
}

static void
test_refused(void)
{
	char	*big, *many;
	size_t	 i, n;

	CHECK(refused("{\"cmd\":\"FLY\"}", 402));
	CHECK(refused("{\"cmd\":\"FLY away\"}", 402));
	CHECK(refused("{\"cmd\":5}", 402));
	CHECK(refused("{\"cmd\":\"\"}", 402));
	CHECK(refused("{\"cmd\":\"GET\"}", 403));
	CHECK(refused("{\"cmd\":\"GET\",\"oid\":0}", 403));
	CHECK(refused("{\"cmd\":\"GET\",\"oid\":-1}", 403));
	CHECK(refused("{\"cmd\":\"GET\",\"oid\":\"07\"}", 403));
	CHECK(refused("{\"cmd\":\"GET\",\"oid\":1.5}", 403));
	CHECK(refused("{\"cmd\":\"GET 1\",\"oid\":1}", 403));
	CHECK(refused("{\"cmd\":\"GET\",\"oid\":1,\"namespace\":\"a b\"}",
	    403));
	CHECK(refused("{\"cmd\":\"CREATE\"}", 403));
	CHECK(refused("{\"cmd\":\"CREATE\",\"class\":\"V\",\"args\":[]}",
	    403));
	CHECK(refused("{\"cmd\":\"CREATE\",\"class\":\"V\",\"args\":{\"a\":"
	    "\"1\"},\"data\":{\"a\":\"2\"}}", 403));
	CHECK(refused("{\"cmd\":\"CREATE\",\"class\":\"V\",\"args\":{\"a b\":"
	    "\"1\"}}", 403));
	CHECK(refused("{\"cmd\":\"CREATE\",\"class\":\"V\",\"args\":{\"a\":"
	    "null}}", 403));
	CHECK(refused("{\"cmd\":\"NAMES\"}", 403));
	CHECK(refused("{\"cmd\":\"NAMES\",\"oid\":1,\"class\":\"V\"}", 403));
	CHECK(refused("{\"cmd\":\"GETALL\"}", 403));
	CHECK(refused("{\"cmd\":\"GETALL\",\"oids\":[]}", 403));
	CHECK(refused("{\"cmd\":\"GETALL\",\"oids\":[1],\"vars\":{\"a\":"
	    "\"1\"}}", 403));
	CHECK(refused("{\"cmd\":\"FINDX\",\"class\":\"V\",\"sorttype\":"
	    "\"sideways\"}", 403));
	CHECK(refused("{\"cmd\":\"SUSPEND\",\"reason\":\"a\\nb\"}", 403));
	/* a value over CCE_VALUE_MAX; args over CCE_ARGS_MAX, over
	 * CCE_ARGS_BYTES; oids over CCE_OIDS_MAX */
	n = 64 + 2 * 70 * 8100;
	if ((big = malloc(n)) == NULL || (many = malloc(n)) == NULL)
		fatal("malloc");
	snprintf(big, n, "{\"cmd\":\"CREATE\",\"class\":\"V\",\"args\":"
	    "{\"a\":\"%8192d\"}}", 1);
	CHECK(refused(big, 403));
	strlcpy(many, "{\"cmd\":\"CREATE\",\"class\":\"V\",\"args\":{", n);
	for (i = 0; i < 65; i++) {
		snprintf(big, n, "%s\"k%zu\":\"v\"", i ? "," : "", i);
		strlcat(many, big, n);
	}
	strlcat(many, "}}", n);
	CHECK(refused(many, 403));
	strlcpy(many, "{\"cmd\":\"CREATE\",\"class\":\"V\",\"args\":{", n);
	for (i = 0; i < 13; i++) {
		snprintf(big, n, "%s\"k%zu\":\"%8000d\"", i ? "," : "", i, 1);
		strlcat(many, big, n);
	}
	strlcat(many, "}}", n);
	CHECK(refused(many, 403));
	strlcpy(many, "{\"cmd\":\"GETALL\",\"oids\":[", n);
	for (i = 0; i < 101; i++) {
		snprintf(big, n, "%s%zu", i ? "," : "", i + 1);
		strlcat(many, big, n);
	}
	strlcat(many, "]}", n);
	CHECK(refused(many, 403));
	free(big);
	free(many);
}

/* the message carries every arg whole */
static void
test_message(void)
{
	struct ccecmd		*c;
	struct ipc_cce_req	 q;
	struct ipc_cce_arg	*a;
	struct ipc_msg		 w, r;
	const char		*why;
	int			 code;

	c = read_json("{\"cmd\":\"FIND Vsite name ~ \\\"^a\\\"\",\"args\":"
	    "{\"fqdn\":\"x.example\"}}", &code, &why);
	CHECK(c != NULL);
	if (c == NULL)
		return;
	if ((a = calloc(1, sizeof(*a))) == NULL)
		fatal("calloc");
	/* frontd fills the grant once authd has verified the session */
	memset(c->req.grant, 0x5a, GRANT_LEN);
	c->req.grant_len = GRANT_LEN;
	ccecmd_put(c, &w);
	w.reqid = 7;		/* ipc_request() numbers it */
	CHECK_INT(test_ipc_pass(&w, PROC_FRONTD, PROC_STORED, &r), 0);
	CHECK_INT(ipc_msg_get(&r, &q), 0);
	CHECK_INT(q.verb, CCE_V_FIND);
	CHECK_STR(q.class, "Vsite");
	CHECK_INT(q.nargs, 2);
	CHECK_INT(ipc_msg_get_item(&r, a), 1);
	CHECK_STR(a->key, "name");
	CHECK_STR(a->value, "^a");
	CHECK_INT(a->op, CCE_OP_MATCH);
	CHECK_INT(ipc_msg_get_item(&r, a), 1);
	CHECK_STR(a->key, "fqdn");
	CHECK_INT(a->op, CCE_OP_EQ);
	CHECK_INT(ipc_msg_get_item(&r, a), 0);
	ipc_msg_clear(&r);
	free(a);
	ccecmd_free(c);
}

int
main(void)
{
	log_init(1, 0);
	RUN(test_both_forms);
	RUN(test_routes_and_text);
	RUN(test_refused);
	RUN(test_message);
	return test_report("ccecmd");
}
