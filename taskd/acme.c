/*
 * The ACME engine's client: its state, its errors (the CA's problem
 * documents, RFC 7807 and RFC 8555 section 6.7, made into one line of
 * text).
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include "acme_int.h"

#define SUBPROBLEMS_MAX	16	/* subproblems put into the text */

struct acme *
acme_new(const char *directory_url, const char *ca_file, long timeout_s)
{
	struct acme	*a;

	if (directory_url == NULL || !acme_https_url(directory_url) ||
	    strlen(directory_url) >= ACME_URL_MAX)
		return NULL;
	if ((a = calloc(1, sizeof(*a))) == NULL)
		return NULL;
	strlcpy(a->dir_url, directory_url, sizeof(a->dir_url));
	if (ca_file != NULL && (a->ca_file = strdup(ca_file)) == NULL) {
		free(a);
		return NULL;
	}
	a->timeout = timeout_s > 0 ? timeout_s : 30;
	a->poll_limit = ACME_POLL_DEFAULT;
	return a;
}

void
acme_free(struct acme *a)
{
	if (a == NULL)
		return;
	json_decref(a->dir);
	free(a->ca_file);
	free(a->ca_pem);
	free(a);
}

/*
 * The roots as PEM in memory, for a worker that opens no file: the
 * directory's ca-file as moatd read it.  0 or -1.
 */
int
acme_set_ca_pem(struct acme *a, const char *pem, size_t len)
{
	free(a->ca_pem);
	a->ca_len = 0;
	if ((a->ca_pem = malloc(len)) == NULL)
		return -1;
	memcpy(a->ca_pem, pem, len);
	a->ca_len = len;
	return 0;
}

const char *
acme_error(const struct acme *a)
{
	return a->err;
}

unsigned int
acme_bad_nonces(const struct acme *a)
{
	return a->bad_nonces;
}

void
acme_set_poll_limit(struct acme *a, long total_s)
{
	a->poll_limit = total_s > 0 ? total_s : ACME_POLL_DEFAULT;
}

const char *
acme_account_url(const struct acme *a)
{
	return a->kid;
}

/*
 * Text from the CA goes into logs and tasks, and on to JSON: printable
 * ASCII only, so that no control character and no UTF-8 sequence cut
 * short by truncation gets through.
 */
static void
clean(char *s)
{
	for (; *s != '\0'; s++)
		if ((unsigned char)*s < 0x20)
			*s = ' ';
		else if ((unsigned char)*s > 0x7e)
			*s = '?';
}

void
acme_seterr(struct acme *a, const char *fmt, ...)
{
	va_list	ap;

	va_start(ap, fmt);
	vsnprintf(a->err, sizeof(a->err), fmt, ap);
	va_end(ap);
	clean(a->err);
}

int
acme_https_url(const char *u)
{
	return u != NULL && strncasecmp(u, "https://", 8) == 0 &&
	    u[8] != '\0' && strlen(u) < ACME_URL_MAX &&
	    strpbrk(u, " \t\r\n") == NULL;
}

static void
add(char *out, size_t outlen, const char *s)
{
	strlcat(out, s, outlen);
}

static void
one_problem(const json_t *p, char *out, size_t outlen)
{
	const char	*type, *detail, *iv;

	type = json_string_value(json_object_get(p, "type"));
	detail = json_string_value(json_object_get(p, "detail"));
	iv = json_string_value(json_object_get(json_object_get(p,
	    "identifier"), "value"));
	if (iv != NULL) {
		add(out, outlen, iv);
		add(out, outlen, ": ");
	}
	add(out, outlen, type != NULL ? type : "(no type)");
	if (detail != NULL) {
		add(out, outlen, ": ");
		add(out, outlen, detail);
	}
}

/* "type: detail (subproblems: ident: type: detail; ...)" */
static int
problem_json(const json_t *p, char *out, size_t outlen)
{
	const json_t	*subs, *sp;
	size_t		 i;

	if (!json_is_object(p) ||
	    !json_is_string(json_object_get(p, "type")))
		return -1;
	out[0] = '\0';
	one_problem(p, out, outlen);
	subs = json_object_get(p, "subproblems");
	if (json_is_array(subs) && json_array_size(subs) > 0) {
		add(out, outlen, " (subproblems: ");
		json_array_foreach(subs, i, sp) {
			if (i >= SUBPROBLEMS_MAX) {
				add(out, outlen, "; ...");
				break;
			}
			if (i > 0)
				add(out, outlen, "; ");
			one_problem(sp, out, outlen);
		}
		add(out, outlen, ")");
	}
	clean(out);
	return 0;
}

int
acme_problem_text(const char *body, size_t len, char *out, size_t outlen)
{
	json_t	*p;
	int	 rv;

	if (outlen == 0 || body == NULL)
		return -1;
	p = json_loadb(body, len, JSON_REJECT_DUPLICATES, NULL);
	rv = problem_json(p, out, outlen);
	json_decref(p);
	return rv;
}

/* The error of a failed request: the CA's problem, or its status. */
void
acme_resp_error(struct acme *a, const char *what, const struct acme_resp *r)
{
	char	text[ACME_ERR_MAX - 64];

	if (acme_problem_text(r->body, r->len, text, sizeof(text)) == 0)
		acme_seterr(a, "%s: %s", what, text);
	else
		acme_seterr(a, "%s: HTTP %ld", what, r->status);
}

/* An object the CA answered, as JSON; the error set when it is not. */
json_t *
acme_resp_json(struct acme *a, const struct acme_resp *r)
{
	json_t	*j;

	if (r->body == NULL ||
	    (j = json_loadb(r->body, r->len, JSON_REJECT_DUPLICATES,
	    NULL)) == NULL) {
		acme_seterr(a, "the CA answered something that is not JSON");
		return NULL;
	}
	if (!json_is_object(j)) {
		json_decref(j);
		acme_seterr(a, "the CA answered JSON that is not an object");
		return NULL;
	}
	return j;
}

void
acme_sleep_retry(const struct acme_resp *r)
{
	long	s = r->retry_after;

	if (s < ACME_RETRY_MIN)
		s = ACME_RETRY_MIN;
	if (s > ACME_RETRY_MAX)
		s = ACME_RETRY_MAX;
	sleep((unsigned int)s);
}

/* RFC 3339 as CAs write it: 2026-01-02T03:04:05[.frac](Z|+hh:mm). */
int
acme_parse_time(const char *s, time_t *out)
{
	struct tm	 tm;
	const char	*p;
	int		 sign, hh, mm;
	long		 off = 0;

	memset(&tm, 0, sizeof(tm));
	if (s == NULL || (p = strptime(s, "%Y-%m-%dT%H:%M:%S", &tm)) ==
	    NULL)
		return -1;
	if (*p == '.') {
		p++;
		if (*p < '0' || *p > '9')
			return -1;
		while (*p >= '0' && *p <= '9')
			p++;
	}
	if ((*p == 'Z' || *p == 'z') && p[1] == '\0')
		off = 0;
	else if ((*p == '+' || *p == '-') && strlen(p) == 6 &&
	    sscanf(p + 1, "%2d:%2d", &hh, &mm) == 2 && p[3] == ':' &&
	    hh >= 0 && hh < 24 && mm >= 0 && mm < 60) {
		sign = *p == '+' ? 1 : -1;
		off = sign * (hh * 3600L + mm * 60L);
	} else
		return -1;
	*out = timegm(&tm) - off;
	return 0;
}
