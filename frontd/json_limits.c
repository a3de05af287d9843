/*
 * Bounded JSON parsing for request bodies.  jansson builds the whole tree
 * before anyone can look at it, so what can be measured on the bytes
 * (nesting, which jansson would recurse into 2048 deep) is measured
 * first, and the rest is checked on the tree before it is handed out.
 * The body itself is already bounded by the HTTP layer, which bounds
 * what jansson can allocate.
 */

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <jansson.h>

#include "json_limits.h"

struct json_walk {
	const struct json_bounds *b;
	size_t		 nodes;
	const char	*why;
};

static void	set_err(char *, size_t, const char *, ...)
		    __attribute__((format(printf, 3, 4)));

void
json_bounds_default(struct json_bounds *b)
{
	b->max_depth = JSON_DEFAULT_DEPTH;
	b->max_string = JSON_DEFAULT_STRING;
	b->max_array = JSON_DEFAULT_ARRAY;
	b->max_keys = JSON_DEFAULT_KEYS;
	b->max_nodes = JSON_DEFAULT_NODES;
}

static void
set_err(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	if (err == NULL || errlen == 0)
		return;
	va_start(ap, fmt);
	(void)vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
}

/*
 * The deepest nesting of arrays and objects in the bytes.  Brackets
 * inside strings do not count; inside a string a backslash hides the
 * byte after it, which is how \" stays in the string.  For bytes that
 * are not valid JSON the answer may be anything: jansson rejects them.
 */
static size_t
scan_depth(const char *buf, size_t len, size_t limit)
{
	size_t i, depth = 0, deepest = 0;
	int in_string = 0;

	for (i = 0; i < len && deepest <= limit; i++) {
		if (in_string) {
			if (buf[i] == '\\')
				i++;
			else if (buf[i] == '"')
				in_string = 0;
			continue;
		}
		switch (buf[i]) {
		case '"':
			in_string = 1;
			break;
		case '[':
		case '{':
			if (++depth > deepest)
				deepest = depth;
			break;
		case ']':
		case '}':
			if (depth > 0)
				depth--;
			break;
		}
	}
	return deepest;
}

/* jansson's messages quote the input; ours must not. */
static const char *
load_error_text(const json_error_t *jerr)
{
	switch (json_error_code(jerr)) {
	case json_error_duplicate_key:
		return "duplicate object key";
	case json_error_null_character:
	case json_error_null_byte_in_key:
		return "NUL character in a string";
	case json_error_invalid_utf8:
		return "invalid UTF-8";
	case json_error_premature_end_of_input:
		return "unexpected end of input";
	case json_error_end_of_input_expected:
		return "unexpected data after the value";
	case json_error_numeric_overflow:
		return "number out of range";
	case json_error_stack_overflow:
		return "nesting too deep";
	case json_error_out_of_memory:
		return "out of memory";
	default:
		return "syntax error";
	}
}

static int
walk_fail(struct json_walk *w, const char *why)
{
	w->why = why;
	return -1;
}

/*
 * Bounded recursion: the depth was checked on the bytes, and is checked
 * again here in case jansson and scan_depth() ever disagree.
 */
static int
walk(struct json_walk *w, json_t *v, size_t depth)
{
	const char *key;
	json_t *e;
	size_t i, keylen;

	if (++w->nodes > w->b->max_nodes)
		return walk_fail(w, "too many values");
	switch (json_typeof(v)) {
	case JSON_STRING:
		if (json_string_length(v) > w->b->max_string)
			return walk_fail(w, "string too long");
		break;
	case JSON_ARRAY:
		if (depth >= w->b->max_depth)
			return walk_fail(w, "nesting too deep");
		if (json_array_size(v) > w->b->max_array)
			return walk_fail(w, "array too long");
		json_array_foreach(v, i, e)
			if (walk(w, e, depth + 1) == -1)
				return -1;
		break;
	case JSON_OBJECT:
		if (depth >= w->b->max_depth)
			return walk_fail(w, "nesting too deep");
		if (json_object_size(v) > w->b->max_keys)
			return walk_fail(w, "too many object members");
		json_object_keylen_foreach(v, key, keylen, e) {
			if (keylen > w->b->max_string)
				return walk_fail(w, "object key too long");
			if (walk(w, e, depth + 1) == -1)
				return -1;
		}
		break;
	default:
		break;
	}
	return 0;
}

json_t *
json_parse_bounded(const char *buf, size_t len, const struct json_bounds *b,
    char *err, size_t errlen)
{
	struct json_bounds defaults;
	struct json_walk w;
	json_error_t jerr;
	json_t *root;

	if (b == NULL) {
		json_bounds_default(&defaults);
		b = &defaults;
	}
	if (scan_depth(buf, len, b->max_depth) > b->max_depth) {
		set_err(err, errlen, "invalid JSON: nesting deeper than %zu",
		    b->max_depth);
		return NULL;
	}
	/* Never JSON_ALLOW_NUL: C strings downstream would be truncated. */
	root = json_loadb(buf, len, JSON_REJECT_DUPLICATES | JSON_DECODE_ANY,
	    &jerr);
	if (root == NULL) {
		set_err(err, errlen, "invalid JSON: %s at byte %d",
		    load_error_text(&jerr), jerr.position);
		return NULL;
	}
	memset(&w, 0, sizeof(w));
	w.b = b;
	if (walk(&w, root, 0) == -1) {
		set_err(err, errlen, "invalid JSON: %s", w.why);
		json_decref(root);
		return NULL;
	}
	return root;
}

json_t *
json_parse_bounded_object(const char *buf, size_t len,
    const struct json_bounds *b, char *err, size_t errlen)
{
	json_t *root;

	if ((root = json_parse_bounded(buf, len, b, err, errlen)) == NULL)
		return NULL;
	if (!json_is_object(root)) {
		set_err(err, errlen, "invalid JSON: expected an object");
		json_decref(root);
		return NULL;
	}
	return root;
}
