/*
 * Answers in the dialect's own shape: a JSON body, an empty one, an
 * error.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api.h"
#include "grantcache.h"
#include "log.h"

static void
send_json(struct api_req *r, int status, const char *headers, json_t *j)
{
	char	*s;

	if ((s = json_dumps(j, JSON_COMPACT)) == NULL)
		fatalx("%s: out of memory", __func__);
	response_json_headers(r->c, status, headers, s, strlen(s));
	/* an answer may show a secret once */
	explicit_bzero(s, strlen(s));
	free(s);
	json_decref(j);
}

void
api_json(struct api_req *r, int status, json_t *j)
{
	api_json_headers(r, status, "", j);
}

void
api_json_headers(struct api_req *r, int status, const char *headers,
    json_t *j)
{
	/* jansson refuses what is not UTF-8 as it refuses what it cannot
	 * allocate: an answer that could not be made is a fault of ours,
	 * and never stops frontd */
	if (j == NULL) {
		log_warnx("an answer to %s could not be made",
		    r->route != NULL ? r->route->pattern : "a request");
		j = response_error_body(r->dialect, 500, "internal error");
		if (j == NULL)
			fatalx("%s: out of memory", __func__);
		status = 500;
		headers = "";
	}
	send_json(r, status, headers, j);
}

void
api_empty(struct api_req *r, int status)
{
	response_json(r->c, status, "", 0);
}

void
api_error_retry(struct api_req *r, int status, uint32_t retry,
    const char *message)
{
	char	 headers[64] = "";
	json_t	*j = response_error_body(r->dialect, status, message);

	if (j == NULL)
		fatalx("%s: out of memory", __func__);
	/* stored refused the grant: its session or key has ended */
	if (status == 401 && r->cache_keyed)
		grantcache_forget(r->grant_key);
	if (retry > 0)
		snprintf(headers, sizeof(headers), "Retry-After: %u\r\n", retry);
	send_json(r, status, headers, j);
}

void
api_error(struct api_req *r, int status, const char *message)
{
	api_error_retry(r, status, 0, message);
}
