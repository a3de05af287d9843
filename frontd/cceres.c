/*
 * The command API's answer (cce.res), rendered: stored's code and
 * message as the envelope's status and message, and its "data", sent as
 * JSON text in chunks, joined and parsed under bounds before it is
 * passed on.  A head that is not 200 means the command never ran (the
 * channel, authd or stored refused it first): it is told in the text
 * protocol's terms, with "Invalid or expired token" for a session that
 * is over, the words a client re-logs in on.
 */
#include <stdlib.h>
#include <string.h>

#include "api.h"
#include "body_cce.h"
#include "frontd.h"
#include "json_limits.h"
#include "log.h"

/* stored cuts an answer to CCE_MSG_MAX: no more chunks than that */
#define CHUNKS_MAX	40
#define DATA_MAX	(CHUNKS_MAX * CCE_CHUNK_MAX)

static void
refused(struct api_req *r, const struct ipc_cce_res *res)
{
	const char	*why = res->head.message;

	switch (res->head.status) {
	case 401:
		cce_fail(r, 401, "Invalid or expired token",
		    "Invalid or expired token");
		break;
	case 403:
		cce_fail(r, 304, "PERMISSION DENIED", why);
		break;
	case 400:
	case 413:
	case 422:
		cce_fail(r, 403, "BAD PARAMETERS", why);
		break;
	case 429:
		api_error_retry(r, 429, res->head.retry, why);
		break;
	case 503:
		cce_fail(r, 500, "FAIL", "storage unavailable, try again");
		break;
	default:
		cce_fail(r, 306, "COMMAND ERROR", why);
		break;
	}
}

/* The chunks joined into one text; NULL (answered) when they are not
 * what stored sends. */
static char *
join(struct api_req *r, struct ipc_msg *m, uint32_t nchunks, size_t *len)
{
	struct ipc_cce_chunk	*chunk;
	char			*text;
	size_t			 n, used = 0;
	uint32_t		 i;
	int			 rc = 1;

	if (nchunks > CHUNKS_MAX) {
		cce_fail(r, 500, "FAIL", "internal error");
		return NULL;
	}
	if ((text = malloc((size_t)nchunks * CCE_CHUNK_MAX + 1)) == NULL ||
	    (chunk = malloc(sizeof(*chunk))) == NULL)
		fatal("%s", __func__);
	for (i = 0; i < nchunks && (rc = ipc_msg_get_item(m, chunk)) == 1;
	    i++) {
		n = strlen(chunk->text);
		memcpy(text + used, chunk->text, n);
		used += n;
	}
	if (rc == 1 && i == nchunks)
		rc = ipc_msg_get_item(m, chunk);
	free(chunk);
	if (rc != 0 || i != nchunks) {
		free(text);
		cce_fail(r, 500, "FAIL", "internal error");
		return NULL;
	}
	text[used] = '\0';
	*len = used;
	return text;
}

static json_t *
data_of(struct api_req *r, struct ipc_msg *m, uint32_t nchunks)
{
	struct json_bounds	 b;
	json_t			*data;
	char			*text, err[128];
	size_t			 len;

	if ((text = join(r, m, nchunks, &len)) == NULL)
		return NULL;
	json_bounds_default(&b);
	b.max_depth = 8;
	b.max_string = CCE_VALUE_MAX + 1;
	b.max_array = 50000;
	b.max_keys = 4096;
	b.max_nodes = 100000;
	data = json_parse_bounded_object(text, len, &b, err, sizeof(err));
	free(text);
	if (data == NULL) {
		log_warnx("cce: stored's answer: %s", err);
		cce_fail(r, 500, "FAIL", "internal error");
	}
	return data;
}

void
cce_answered(struct ipc_chan *chan, struct ipc_msg *m, void *arg)
{
	struct api_req		*r = arg;
	struct ipc_cce_res	 res;
	json_t			*data = NULL;

	(void)chan;
	conn_ipc_done(r->c);
	if (m == NULL) {
		cce_fail(r, 500, "FAIL", "storage unavailable, try again");
		return;
	}
	if (ipc_msg_get(m, &res) == -1) {
		cce_fail(r, 500, "FAIL", "internal error");
		return;
	}
	if (res.head.status != 200) {
		refused(r, &res);
		return;
	}
	if (res.nchunks > 0 && (data = data_of(r, m, res.nchunks)) == NULL)
		return;
	if (res.code == 401)
		/* a session that ended meanwhile: the words clients seek */
		strlcpy(res.message, "Invalid or expired token",
		    sizeof(res.message));
	cce_answer(r, (int)res.code, res.message, data);
}
