/*
 * The ACME engine's transport: one bounded HTTPS exchange with libcurl.
 * Only https, no redirect, TLS verified, a timeout, the body capped
 * (CURLOPT_MAXFILESIZE for what the CA announces, the write callback
 * for what it does not), and the headers the protocol needs kept:
 * Replay-Nonce (the next request's nonce), Location, Retry-After.
 * The directory and newNonce are above it, in acme_dir.c.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <curl/curl.h>

#include "acme_int.h"

#define ACME_UA	"moat-acme/" MOAT_VERSION

struct hdrctx {
	struct acme		*a;
	struct acme_resp	*r;
};

static size_t
body_cb(char *p, size_t sz, size_t n, void *arg)
{
	struct acme_resp	*r = arg;
	size_t			 len = sz * n;
	char			*nb;

	if (len > r->cap - r->len) {
		r->truncated = 1;
		return 0;	/* libcurl stops with CURLE_WRITE_ERROR */
	}
	nb = realloc(r->body, r->len + len + 1);
	if (nb == NULL)
		return 0;
	r->body = nb;
	memcpy(r->body + r->len, p, len);
	r->len += len;
	r->body[r->len] = '\0';
	return len;
}

/* A header's value, trimmed, if the line is "name: value". */
static int
header_value(const char *line, size_t len, const char *name, char *out,
    size_t outlen)
{
	size_t	nlen = strlen(name);

	if (len <= nlen || strncasecmp(line, name, nlen) != 0 ||
	    line[nlen] != ':')
		return 0;
	line += nlen + 1;
	len -= nlen + 1;
	while (len > 0 && (*line == ' ' || *line == '\t')) {
		line++;
		len--;
	}
	while (len > 0 && isspace((unsigned char)line[len - 1]))
		len--;
	if (len >= outlen)
		return -1;
	memcpy(out, line, len);
	out[len] = '\0';
	return 1;
}

/* Retry-After: delay-seconds or an HTTP date (RFC 9110). */
static long
retry_after(const char *v)
{
	struct tm	 tm;
	char		*end;
	long		 n;
	time_t		 t, now;

	n = strtol(v, &end, 10);
	if (end != v && *end == '\0')
		return n < 0 ? 0 : n;
	memset(&tm, 0, sizeof(tm));
	end = strptime(v, "%a, %d %b %Y %H:%M:%S GMT", &tm);
	if (end == NULL || *end != '\0')
		return 0;
	t = timegm(&tm);
	now = time(NULL);
	return t > now ? (long)(t - now) : 0;
}

static size_t
header_cb(char *p, size_t sz, size_t n, void *arg)
{
	struct hdrctx	*h = arg;
	size_t		 len = sz * n;
	char		 v[ACME_URL_MAX];

	/* a new status line: the headers of a 1xx before it are dropped */
	if (len > 5 && strncmp(p, "HTTP/", 5) == 0) {
		h->r->location[0] = '\0';
		h->r->retry_after = 0;
		return len;
	}
	/* a value too long for its room is dropped, as if absent */
	if (header_value(p, len, "Replay-Nonce", v, sizeof(v)) == 1) {
		if (v[0] != '\0' && strlen(v) < sizeof(h->a->nonce) &&
		    strspn(v, B64URL_ALPHABET) == strlen(v))
			strlcpy(h->a->nonce, v, sizeof(h->a->nonce));
	} else if (header_value(p, len, "Location", v, sizeof(v)) == 1)
		strlcpy(h->r->location, v, sizeof(h->r->location));
	else if (header_value(p, len, "Retry-After", v, sizeof(v)) == 1)
		h->r->retry_after = retry_after(v);
	return len;
}

static void
set_common(struct acme *a, CURL *c, struct acme_resp *r,
    struct hdrctx *h)
{
	curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "https");
	curl_easy_setopt(c, CURLOPT_REDIR_PROTOCOLS_STR, "https");
	curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 0L);
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(c, CURLOPT_TIMEOUT, a->timeout);
	curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, a->timeout);
	curl_easy_setopt(c, CURLOPT_SSL_VERIFYPEER, 1L);
	curl_easy_setopt(c, CURLOPT_SSL_VERIFYHOST, 2L);
	if (a->ca_pem != NULL) {
		struct curl_blob blob = { a->ca_pem, a->ca_len,
		    CURL_BLOB_NOCOPY };

		curl_easy_setopt(c, CURLOPT_CAINFO_BLOB, &blob);
	} else if (a->ca_file != NULL)
		curl_easy_setopt(c, CURLOPT_CAINFO, a->ca_file);
	curl_easy_setopt(c, CURLOPT_MAXFILESIZE_LARGE,
	    (curl_off_t)r->cap);
	curl_easy_setopt(c, CURLOPT_USERAGENT, ACME_UA);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, body_cb);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, r);
	curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, header_cb);
	curl_easy_setopt(c, CURLOPT_HEADERDATA, h);
}

int
acme_http(struct acme *a, const char *method, const char *url,
    const char *body, const char *accept, struct acme_resp *r)
{
	CURL			*c;
	struct curl_slist	*hdrs = NULL;
	struct hdrctx		 h = { a, r };
	char			 line[160];
	CURLcode		 rc;

	memset(r, 0, sizeof(*r));
	r->cap = ACME_BODY_MAX;
	if (!acme_https_url(url)) {
		acme_seterr(a, "refusing a URL that is not https");
		return -1;
	}
	if ((c = curl_easy_init()) == NULL) {
		acme_seterr(a, "curl_easy_init failed");
		return -1;
	}
	set_common(a, c, r, &h);
	curl_easy_setopt(c, CURLOPT_URL, url);
	snprintf(line, sizeof(line), "Accept: %s",
	    accept != NULL ? accept : "application/json");
	hdrs = curl_slist_append(hdrs, line);
	if (strcmp(method, "HEAD") == 0)
		curl_easy_setopt(c, CURLOPT_NOBODY, 1L);
	else if (body != NULL) {
		hdrs = curl_slist_append(hdrs,
		    "Content-Type: application/jose+json");
		curl_easy_setopt(c, CURLOPT_POSTFIELDS, body);
		curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE,
		    (curl_off_t)strlen(body));
	}
	curl_easy_setopt(c, CURLOPT_HTTPHEADER, hdrs);
	rc = curl_easy_perform(c);
	if (rc == CURLE_OK)
		curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &r->status);
	curl_slist_free_all(hdrs);
	curl_easy_cleanup(c);
	if (rc != CURLE_OK) {
		if (r->truncated || rc == CURLE_FILESIZE_EXCEEDED)
			acme_seterr(a, "%s: answer over %zu bytes", url,
			    r->cap);
		else
			acme_seterr(a, "%s: %s", url, curl_easy_strerror(rc));
		acme_resp_free(r);
		return -1;
	}
	return 0;
}

void
acme_resp_free(struct acme_resp *r)
{
	free(r->body);
	r->body = NULL;
	r->len = 0;
}
