/*
 * The command API's reads: CLASSES, NAMES, GET, WHOAMI, GETOBJECT and
 * GETALL.  A value the caller may not read is left out; an object they
 * may not know is answered as one that is not there.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cce.h"
#include "log.h"

#define GETALL_MAX	500	/* objects of one GETALL */

static json_t *
must(json_t *j)
{
	if (j == NULL)
		fatalx("the command API: out of memory");
	return j;
}

json_t *
cce_object_json(struct cce_ctx *c, const struct cce_obj *o,
    const struct cces_group *g)
{
	static char	 value[CCE_VALUE_MAX + 1];
	json_t		*j = must(json_object());
	char		 oid[24];
	size_t		 i;

	for (i = 0; i < g->nprops; i++) {
		if (!cce_may_read(c, o, &g->props[i]) ||
		    cce_value(o, g->ns, &g->props[i], value,
		    sizeof(value)) == -1)
			continue;
		json_object_set_new(j, g->props[i].name,
		    must(json_string(value)));
	}
	snprintf(oid, sizeof(oid), "%llu", (unsigned long long)o->oid);
	json_object_set_new(j, "CLASS", must(json_string(o->class)));
	json_object_set_new(j, "CLASSVER", must(json_string("1.0")));
	json_object_set_new(j, "NAMESPACE", must(json_string(g->ns)));
	json_object_set_new(j, "OID", must(json_string(oid)));
	return j;
}

/* The object a command names, if the caller may know it. */
static int
named(struct cce_ctx *c, uint64_t oid, struct cce_obj *o,
    struct cce_out *out)
{
	if (cce_obj_load(oid, o) == -1 || !cce_visible(c, o))
		return cce_fail(out, CCE_UNKNOWN_OBJECT, "no object %llu",
		    (unsigned long long)oid);
	return 0;
}

static int
get_one(struct cce_ctx *c, uint64_t oid, const char *ns,
    struct cce_out *out)
{
	const struct cces_group	*g;
	struct cce_obj		 o;

	if (cce_ro_of(oid) != -1)
		return cce_ro_get(c, oid, ns, out);
	if (named(c, oid, &o, out) != 0)
		return out->code;
	if ((g = cce_schema_group(cce_schema_get(), o.class, ns)) == NULL)
		return cce_fail(out, ns[0] != '\0' ? CCE_UNKNOWN_NS :
		    CCE_UNKNOWN_CLASS, "%s has no namespace %s", o.class, ns);
	cce_ok(out, CCE_OK, "OK", must(json_pack("{s:o}", "DATA",
	    cce_object_json(c, &o, g))));
	return 0;
}

int
cce_get(struct cce_ctx *c, const struct cce_cmd *cmd, struct cce_out *out)
{
	return get_one(c, cmd->req.oid, cmd->req.ns, out);
}

static json_t *
namespaces_of(const char *class)
{
	const struct cce_schema	*s = cce_schema_get();
	json_t			*a = must(json_array());
	size_t			 i;

	for (i = 0; i < s->ngroups; i++)
		if (strcmp(s->groups[i].class, class) == 0 &&
		    s->groups[i].ns[0] != '\0')
			json_array_append_new(a,
			    must(json_string(s->groups[i].ns)));
	return a;
}

int
cce_names(struct cce_ctx *c, const struct cce_cmd *cmd, struct cce_out *out)
{
	struct cce_obj	 o;
	const char	*class = cmd->req.class;

	json_t		*j;

	if (class[0] == '\0' && cce_ro_of(cmd->req.oid) != -1) {
		/* moat's own rows have no namespaces */
		if ((j = cce_ro_object(c, cmd->req.oid)) == NULL)
			return cce_fail(out, CCE_UNKNOWN_OBJECT, "no object "
			    "%llu", (unsigned long long)cmd->req.oid);
		json_decref(j);
		class = "";
	} else if (class[0] == '\0') {
		if (named(c, cmd->req.oid, &o, out) != 0)
			return out->code;
		class = o.class;
	} else if (cce_ro_class(class) != -1)
		class = "";
	else if (cce_schema_group(cce_schema_get(), class, NULL) == NULL)
		return cce_fail(out, CCE_UNKNOWN_CLASS, "no class %s", class);
	cce_ok(out, CCE_OK, "OK", must(json_pack("{s:o}", "namespaces",
	    namespaces_of(class))));
	return 0;
}

int
cce_classes(struct cce_ctx *c, const struct cce_cmd *cmd,
    struct cce_out *out)
{
	const struct cce_schema	*s = cce_schema_get();
	json_t			*a = must(json_array());
	size_t			 i;

	(void)c;
	(void)cmd;
	for (i = 0; i < s->ngroups; i++)
		if (s->groups[i].ns[0] == '\0')
			json_array_append_new(a,
			    must(json_string(s->groups[i].class)));
	cce_ro_classes(a);
	cce_ok(out, CCE_OK, "OK", must(json_pack("{s:o}", "classes", a)));
	return 0;
}

int
cce_whoami(struct cce_ctx *c, const struct cce_cmd *cmd, struct cce_out *out)
{
	(void)cmd;
	if (c->self == 0)
		return cce_fail(out, CCE_UNKNOWN_OBJECT, "no User object");
	cce_ok(out, CCE_OK, "OK", must(json_pack("{s:I}", "oid",
	    (json_int_t)c->self)));
	return 0;
}

int
cce_getobject(struct cce_ctx *c, const struct cce_cmd *cmd,
    struct cce_out *out)
{
	uint64_t	*oids = NULL;
	size_t		 n = 0;

	if (cce_find_oids(c, cmd, 1, &oids, &n, out) != 0)
		return out->code;
	if (n == 0) {
		free(oids);
		return cce_fail(out, CCE_NOT_FOUND, "Object not found");
	}
	get_one(c, oids[0], cmd->req.ns, out);
	free(oids);
	return out->code >= 300 ? out->code : 0;
}

/* {"OBJECT":{...},"<NS>":{...}} of an object the caller may know */
static json_t *
whole(struct cce_ctx *c, const struct cce_obj *o)
{
	const struct cce_schema	*s = cce_schema_get();
	json_t			*j = must(json_object());
	size_t			 i;

	for (i = 0; i < s->ngroups; i++)
		if (strcmp(s->groups[i].class, o->class) == 0)
			json_object_set_new(j, s->groups[i].ns[0] == '\0' ?
			    "OBJECT" : s->groups[i].ns,
			    cce_object_json(c, o, &s->groups[i]));
	return j;
}

static void
getall_add(struct cce_ctx *c, json_t *objects, uint64_t oid)
{
	struct cce_obj	 o;
	json_t		*j;
	char		 key[24];

	snprintf(key, sizeof(key), "%llu", (unsigned long long)oid);
	if (cce_ro_of(oid) != -1) {
		if ((j = cce_ro_object(c, oid)) != NULL)
			json_object_set_new(objects, key, must(json_pack(
			    "{s:o}", "OBJECT", j)));
		return;
	}
	if (cce_obj_load(oid, &o) == -1 || !cce_visible(c, &o))
		return;		/* as if it were not there */
	json_object_set_new(objects, key, whole(c, &o));
}

int
cce_getall(struct cce_ctx *c, const struct cce_cmd *cmd,
    struct cce_out *out)
{
	json_t		*objects = must(json_object());
	uint64_t	*oids = NULL, oid;
	size_t		 n = 0, i, k;
	int		 cut = 0;

	if (cmd->req.oids_len > 0) {
		for (i = 0; i + 8 <= cmd->req.oids_len; i += 8) {
			for (oid = 0, k = 0; k < 8; k++)
				oid = oid << 8 | cmd->req.oids[i + k];
			getall_add(c, objects, oid);
		}
	} else {
		if (cce_find_oids(c, cmd, 0, &oids, &n, out) != 0) {
			json_decref(objects);
			return out->code;
		}
		cut = n > GETALL_MAX;
		for (i = 0; i < n && i < GETALL_MAX; i++)
			getall_add(c, objects, oids[i]);
		free(oids);
	}
	cce_ok(out, CCE_OK, "OK", must(json_pack("{s:o}", "objects",
	    objects)));
	if (cut)
		json_object_set_new(out->data, "infos", must(json_pack(
		    "[{s:i,s:s}]", "code", CCE_WARNING, "message",
		    "WARNING: the first 500 objects; name the rest by oids")));
	return 0;
}
