/*
 * The JSON body of a request and its members: one object within
 * json_limits.c's bounds, with only the members its route takes.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api.h"
#include "json_limits.h"
#include "log.h"
#include "util.h"

static int
json_space(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/* A comma just before the object's closing brace: its offset. */
static int
trailing_comma(const char *body, size_t len, size_t *at)
{
	while (len > 0 && json_space(body[len - 1]))
		len--;
	if (len == 0 || body[--len] != '}')
		return 0;
	while (len > 0 && json_space(body[len - 1]))
		len--;
	if (len == 0 || body[len - 1] != ',')
		return 0;
	*at = len - 1;
	return 1;
}

json_t *
api_body(struct api_req *r)
{
	char	 err[160], *copy = NULL;
	size_t	 comma, len = r->c->body_len;
	json_t	*j;

	if (len == 0) {
		api_error(r, 400, "a JSON object is required");
		return NULL;
	}
	/* account-v2.txt's own examples end their objects with a comma
	 * ({"api_key":"...",}): that one comma is taken as a space */
	if (r->dialect == DIALECT_ACCOUNT &&
	    trailing_comma(r->c->body, len, &comma)) {
		if ((copy = malloc(len)) == NULL)
			fatal("%s", __func__);
		memcpy(copy, r->c->body, len);
		copy[comma] = ' ';
	}
	j = json_parse_bounded_object(copy != NULL ? copy : r->c->body, len,
	    NULL, err, sizeof(err));
	if (copy != NULL)
		explicit_bzero(copy, len);
	free(copy);
	if (j == NULL)
		api_error(r, 400, err);
	return j;
}

int
api_only_fields(struct api_req *r, json_t *body, const char *const *allowed)
{
	const char	*key;
	json_t		*v;
	char		 msg[96], name[48];
	int		 i, known;

	json_object_foreach(body, key, v) {
		known = 0;
		for (i = 0; allowed[i] != NULL; i++)
			if (strcmp(key, allowed[i]) == 0)
				known = 1;
		if (!known) {
			text_quotable(name, sizeof(name), key, 40);
			snprintf(msg, sizeof(msg), "unknown field \"%s\"", name);
			api_error(r, 400, msg);
			return -1;
		}
	}
	return 0;
}

/* A string member, present and of the right type and length. */
int
string_field(struct api_req *r, json_t *body, const char *name, size_t max,
    const char **out)
{
	json_t	*v = json_object_get(body, name);
	char	 msg[96];

	if (v == NULL) {
		snprintf(msg, sizeof(msg), "\"%s\" is required", name);
		api_error(r, 400, msg);
		return -1;
	}
	if (!json_is_string(v) || json_string_length(v) > max) {
		snprintf(msg, sizeof(msg), "\"%s\" must be a string of at most "
		    "%zu characters", name, max);
		api_error(r, 400, msg);
		return -1;
	}
	*out = json_string_value(v);
	return 0;
}

/* A string member that may be absent or null: then def. */
int
optional_string_field(struct api_req *r, json_t *body, const char *name,
    size_t max, const char *def, const char **out)
{
	json_t	*v = body != NULL ? json_object_get(body, name) : NULL;

	*out = def;
	if (v == NULL || json_is_null(v))
		return 0;
	return string_field(r, body, name, max, out);
}
