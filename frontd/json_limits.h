/*
 * Bounded JSON parsing for request bodies (jansson 2.14).  jansson limits
 * nesting only at 2048 and bounds nothing else, so every body frontd
 * decodes goes through here: nesting is measured before jansson sees the
 * bytes, and sizes are checked on the result before anyone uses it.
 */
#ifndef MOAT_JSON_LIMITS_H
#define MOAT_JSON_LIMITS_H

#include <stddef.h>

#include <jansson.h>

struct json_bounds {
	size_t		 max_depth;	/* nested arrays and objects */
	size_t		 max_string;	/* bytes in a string or a key */
	size_t		 max_array;	/* elements in one array */
	size_t		 max_keys;	/* members in one object */
	size_t		 max_nodes;	/* values in the whole document */
};

#define JSON_DEFAULT_DEPTH	32
#define JSON_DEFAULT_STRING	(64 * 1024)
#define JSON_DEFAULT_ARRAY	1000
#define JSON_DEFAULT_KEYS	256
#define JSON_DEFAULT_NODES	20000

void	 json_bounds_default(struct json_bounds *);

/*
 * Parses exactly len bytes of buf as one JSON text (any top-level value,
 * trailing whitespace allowed, nothing else after it).  Rejects duplicate
 * keys, "\u0000" in strings, invalid UTF-8, and anything past the bounds
 * (b NULL means the defaults).  Returns a new reference, or NULL with a
 * short message in err that is safe to send in a 400 body: it never
 * quotes the input.
 */
json_t	*json_parse_bounded(const char *buf, size_t len,
	    const struct json_bounds *b, char *err, size_t errlen);
/* The same, but the top level must be an object. */
json_t	*json_parse_bounded_object(const char *buf, size_t len,
	    const struct json_bounds *b, char *err, size_t errlen);

#endif
