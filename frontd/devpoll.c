/*
 * A device's update poll (GET /apiv1/devices/self/updates, NOTES.md):
 * its signals after a cursor (?cursor=, or quoted in If-None-Match,
 * which wins), limit 1-100 (20), and a long poll of wait 0-30 s.  When
 * nothing is new the request is held, on a timer and on stored's word
 * that the device has a new signal (device.signaled), never by asking
 * again and again; at the end of its wait it is 204 with the ETag.
 */
#include <sys/queue.h>

#include <ctype.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "api.h"
#include "body_devices.h"
#include "frontd.h"
#include "log.h"

#define POLL_LIMIT_DEFAULT	20
#define POLL_WAIT_MAX		30
#define POLL_INTERVAL		30	/* X-Poll-Interval, seconds */

struct poll {
	TAILQ_ENTRY(poll)	 entry;
	struct api_req		*r;
	struct event		*timer;
	uint64_t		 device;
	uint64_t		 cursor;
	uint32_t		 limit;
	uint32_t		 wait;		/* seconds */
	int			 fresh;		/* no cursor given */
	int			 held;		/* in the list, its timer on */
	int			 asking;	/* stored has its question */
};

static TAILQ_HEAD(, poll) polls = TAILQ_HEAD_INITIALIZER(polls);

static void
unhold(struct poll *p)
{
	if (p->held) {
		TAILQ_REMOVE(&polls, p, entry);
		p->held = 0;
	}
	if (p->timer != NULL) {
		event_free(p->timer);
		p->timer = NULL;
	}
}

/* with the request, however it ends (answered, or the client gone) */
static void
poll_cleanup(struct api_req *r)
{
	struct poll	*p = r->state;

	if (p != NULL)
		unhold(p);
}

static void
headers(const struct poll *p, char *out, size_t len)
{
	snprintf(out, len, "ETag: \"%llu\"\r\nX-Poll-Interval: %d\r\n",
	    (unsigned long long)p->cursor, POLL_INTERVAL);
}

static void
nothing_new(struct poll *p)
{
	char	 h[96];

	unhold(p);
	headers(p, h, sizeof(h));
	response_typed(p->r->c, 204, "application/json", h, "", 0);
}

static void
expired(evutil_socket_t fd, short ev, void *arg)
{
	struct poll	*p = arg;

	(void)fd;
	(void)ev;
	/* a signal in the meantime would have woken it */
	if (!p->asking)
		nothing_new(p);
}

static void
hold(struct poll *p, uint32_t wait)
{
	struct timeval	 tv = { wait, 0 };

	if ((p->timer = evtimer_new(frontd_env->base, expired, p)) == NULL)
		fatalx("%s: out of memory", __func__);
	evtimer_add(p->timer, &tv);
	TAILQ_INSERT_TAIL(&polls, p, entry);
	p->held = 1;
	conn_hold(p->r->c, wait);
}

static json_t *
render_signal(const struct signal_rec *s)
{
	json_t	*ref;

	if ((strncmp(s->type, "cert.", 5) == 0 ||
	    strcmp(s->type, "install.updated") == 0) && s->ref[0] != '\0')
		ref = json_pack("{s:I}", "cert_id",
		    (json_int_t)strtoll(s->ref, NULL, 10));
	else if (strcmp(s->type, "ca.assigned") == 0 && s->ref[0] != '\0')
		ref = json_pack("{s:I}", "ca_id",
		    (json_int_t)strtoll(s->ref, NULL, 10));
	else
		ref = json_object();
	return json_pack("{s:s,s:I,s:o}", "type", s->type, "ts_ms",
	    (json_int_t)s->ts_ms, "ref", ref);
}

static void
signals_answer(struct poll *p, struct ipc_msg *m)
{
	struct signal_rec	 s;
	json_t			*list;
	char			 h[96], cursor[24];
	int			 rc;

	if ((list = json_array()) == NULL)
		fatalx("%s: out of memory", __func__);
	while ((rc = ipc_msg_get_item(m, &s)) == 1)
		json_array_append_new(list, render_signal(&s));
	if (rc == -1) {
		json_decref(list);
		api_bad_answer(p->r);
		return;
	}
	unhold(p);
	headers(p, h, sizeof(h));
	snprintf(cursor, sizeof(cursor), "%llu",
	    (unsigned long long)p->cursor);
	api_json_headers(p->r, 200, h, json_pack("{s:{s:s,s:o}}", "data",
	    "cursor", cursor, "signals", list));
}

static void
polled(struct ipc_chan *chan, struct ipc_msg *m, void *arg)
{
	struct api_req		*r = arg;
	struct poll		*p = r->state;
	struct ipc_updates_res	 res;

	(void)chan;
	p->asking = 0;
	if (api_arrived(r, m, "storage unavailable") == -1) {
		unhold(p);
		return;
	}
	if (ipc_msg_get(m, &res) == -1) {
		unhold(p);
		api_bad_answer(r);
		return;
	}
	if (res.head.status == 409) {
		unhold(p);
		api_json(r, 409, json_pack("{s:{s:i,s:s,s:s}}", "error", "code",
		    40901, "what", res.head.message, "hint", "full_resync"));
	} else if (!ipc_status_ok(res.head.status)) {
		unhold(p);
		if (res.head.retry != 0)
			api_error_retry(r, res.head.status, res.head.retry,
			    res.head.message);
		else
			api_error(r, res.head.status, res.head.message);
	} else if (res.count > 0) {
		p->cursor = res.cursor;
		p->fresh = 0;
		signals_answer(p, m);
	} else if (!p->held && p->wait > 0) {
		/* nothing new: held until a signal or the end of its wait */
		p->device = res.device_oid;
		hold(p, p->wait);
	} else if (!p->held || !evtimer_pending(p->timer, NULL))
		nothing_new(p);
	/* else woken for a signal that was not kept: it waits on */
}

static void
ask(struct poll *p, int again)
{
	struct ipc_updates_req	 q;

	memset(&q, 0, sizeof(q));
	api_grant(p->r, q.grant, &q.grant_len);
	q.cursor = p->cursor;
	q.limit = p->limit;
	q.again = again;
	q.fresh = p->fresh;
	p->asking = 1;
	if (api_ask(p->r, frontd_env->chans[PROC_STORED], IPC_OP_SELF_UPDATES,
	    &q, polled) == -1) {
		p->asking = 0;
		unhold(p);
		api_error(p->r, 503, "storage unavailable");
	}
}

/* IPC_DEVICE_SIGNALED, from stored: the device's held polls ask again */
int
devpoll_signaled(struct ipc_chan *chan, struct ipc_msg *m)
{
	struct ipc_device_signaled	 b;
	struct poll			*p, *next;

	(void)chan;
	if (ipc_msg_get(m, &b) == -1)
		return -1;
	TAILQ_FOREACH_SAFE(p, &polls, entry, next)
		if (p->device == b.device_oid && !p->asking)
			ask(p, 1);
	return 0;
}

/*
 * A cursor: decimal digits, or "" for none; in quotes from a header.
 * A signal's number is a SQLite integer: a cursor past INT64_MAX was
 * read by stored as a negative one (every signal kept, and a cursor
 * going backwards), so it is refused.
 */
static int
cursor_parse(const char *s, size_t len, uint64_t *out)
{
	char	 buf[24];
	char	*end;
	size_t	 i;

	if (len >= 2 && s[0] == 'W' && s[1] == '/') {
		s += 2;
		len -= 2;
	}
	if (len >= 2 && s[0] == '"' && s[len - 1] == '"') {
		s++;
		len -= 2;
	}
	*out = 0;
	if (len == 0)
		return 0;
	if (len >= sizeof(buf))
		return -1;
	for (i = 0; i < len; i++)
		if (!isdigit((unsigned char)s[i]))
			return -1;
	memcpy(buf, s, len);
	buf[len] = '\0';
	errno = 0;
	*out = strtoull(buf, &end, 10);
	return *end == '\0' && errno == 0 && *out <= INT64_MAX ? 0 : -1;
}

/* ?name= as a number in lo..hi, def when absent: 0, or -1 */
static int
query_number(struct api_req *r, const char *name, uint32_t lo, uint32_t hi,
    uint32_t def, uint32_t *out)
{
	const char	*v = api_query_get(r, name);
	char		*end;
	unsigned long	 n;

	*out = def;
	if (v == NULL)
		return 0;
	if (*v == '\0' || !isdigit((unsigned char)*v))
		return -1;
	n = strtoul(v, &end, 10);
	if (*end != '\0' || n < lo || n > hi)
		return -1;
	*out = (uint32_t)n;
	return 0;
}

void
apiv1_self_updates(struct api_req *r)
{
	static const char *const known[] = { "cursor", "limit", "wait",
	    NULL };
	const struct http_header	*inm;
	const char			*c;
	struct poll			*p;
	int				 bad;

	if (api_query_known(r, known) == -1)
		return;
	if ((p = calloc(1, sizeof(*p))) == NULL)
		fatalx("%s: out of memory", __func__);
	p->r = r;
	r->state = p;
	r->statelen = sizeof(*p);
	r->cleanup = poll_cleanup;
	/* If-None-Match wins over ?cursor= */
	if ((inm = http_header_get(r->c->req, "If-None-Match")) != NULL)
		bad = cursor_parse(inm->value, inm->valuelen, &p->cursor);
	else
		bad = (c = api_query_get(r, "cursor")) != NULL &&
		    cursor_parse(c, strlen(c), &p->cursor) == -1;
	p->fresh = inm == NULL && api_query_get(r, "cursor") == NULL;
	if (bad) {
		api_error(r, 400, "cursor is not valid");
		return;
	}
	if (query_number(r, "limit", 1, 100, POLL_LIMIT_DEFAULT,
	    &p->limit) == -1) {
		api_error(r, 400, "limit must be 1 to 100");
		return;
	}
	if (query_number(r, "wait", 0, POLL_WAIT_MAX, 0, &p->wait) == -1) {
		api_error(r, 400, "wait must be 0 to 30 seconds");
		return;
	}
	ask(p, 0);
}
