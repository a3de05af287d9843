/*
 * The checks of DNS names and DNS providers (dnsprov.h).  A provider's
 * server is an address literal, never a name: a name would be looked up
 * by taskd later and could then lead anywhere.
 */
#include <sys/types.h>
#include <sys/socket.h>

#include <netinet/in.h>
#include <arpa/inet.h>

#include <ctype.h>
#include <string.h>

#include "dnsprov.h"

const char *const dnsprov_algs[] = {
	"hmac-sha256", "hmac-sha384", "hmac-sha512", "hmac-sha224",
	"hmac-sha1", NULL,
};

static const char *const rfc2136_required[] = { "server", "zone",
    "key_name", "secret", NULL };
static const char *const rfc2136_optional[] = { "name", "port",
    "algorithm", NULL };
static const char *const cloudflare_required[] = { "api_token", "zone_id",
    NULL };
static const char *const cloudflare_optional[] = { "name", NULL };

const struct dnsprov_type dnsprov_types[] = {
	{ "rfc2136", "RFC 2136 dynamic update signed with TSIG",
	    rfc2136_required, rfc2136_optional, "secret" },
	{ "cloudflare", "Cloudflare DNS (API token)", cloudflare_required,
	    cloudflare_optional, "api_token" },
	{ NULL, NULL, NULL, NULL, NULL },
};

static int
label_char(int c)
{
	return isascii(c) && (isalnum(c) || c == '-' || c == '_');
}

int
dnsname_check(const char *in, char *out, size_t outsz, const char **why)
{
	size_t	 n = strlen(in), i, lab = 0;

	if (n > 0 && in[n - 1] == '.')
		n--;
	if (n == 0)
		return (*why = "empty name", -1);
	if (n > DNSNAME_MAX)
		return (*why = "name longer than 253 characters", -1);
	if (n + 1 > outsz)
		return (*why = "name too long", -1);
	for (i = 0; i <= n; i++) {
		int	 c = i < n ? (unsigned char)in[i] : '.';

		if (c == '.') {
			if (lab == 0)
				return (*why = "empty label in name", -1);
			if (in[i - 1] == '-')
				return (*why = "label ends with '-'", -1);
			lab = 0;
			if (i < n)
				out[i] = '.';
			continue;
		}
		if (!label_char(c))
			return (*why = "name has a character other than a "
			    "letter, digit, '-', '_' or '.'", -1);
		if (lab == 0 && c == '-')
			return (*why = "label begins with '-'", -1);
		if (++lab > 63)
			return (*why = "label longer than 63 characters", -1);
		out[i] = tolower(c);
	}
	out[n] = '\0';
	return (0);
}

static int
address_literal(const char *s)
{
	struct in6_addr	 a6;
	struct in_addr	 a4;
	char		 buf[DNSPROV_SERVER_MAX + 1];
	size_t		 n = strlen(s);

	if (inet_pton(AF_INET, s, &a4) == 1)
		return 1;
	if (n > 2 && n < sizeof(buf) && s[0] == '[' && s[n - 1] == ']') {
		memcpy(buf, s + 1, n - 2);
		buf[n - 2] = '\0';
		s = buf;
	}
	return inet_pton(AF_INET6, s, &a6) == 1;
}

static int
printable(const char *s, size_t max)
{
	size_t	 n = strlen(s), i;

	for (i = 0; i < n; i++)
		if (s[i] < 0x20 || s[i] > 0x7e)
			return 0;
	return n <= max;
}

static int
empty(const char *s)
{
	return s == NULL || *s == '\0';
}

static const char *
rfc2136_check(const struct dnsprov_fields *f)
{
	char		 name[DNSNAME_MAX + 1];
	const char	*why;
	int		 i;

	if (empty(f->server) || strlen(f->server) > DNSPROV_SERVER_MAX ||
	    !address_literal(f->server))
		return "server must be an IPv4 or IPv6 address";
	if (f->port < 1 || f->port > 65535)
		return "port must be 1 to 65535";
	if (empty(f->zone) || dnsname_check(f->zone, name, sizeof(name),
	    &why) == -1)
		return "zone must be a DNS name";
	if (empty(f->key_name) || dnsname_check(f->key_name, name,
	    sizeof(name), &why) == -1)
		return "key_name must be a DNS name";
	if (!empty(f->algorithm)) {
		for (i = 0; dnsprov_algs[i] != NULL; i++)
			if (strcmp(f->algorithm, dnsprov_algs[i]) == 0)
				break;
		if (dnsprov_algs[i] == NULL)
			return "algorithm must be hmac-sha256, hmac-sha384, "
			    "hmac-sha512, hmac-sha224 or hmac-sha1";
	}
	if (!empty(f->zone_id))
		return "zone_id belongs to a hosted provider";
	return NULL;
}

static const char *
cloudflare_check(const struct dnsprov_fields *f)
{
	size_t	 i, n = f->zone_id != NULL ? strlen(f->zone_id) : 0;

	/* Cloudflare's zone identifiers are 32 hexadecimal digits */
	if (n != DNSPROV_ZONEID_MAX)
		return "zone_id must be 32 hexadecimal digits";
	for (i = 0; i < n; i++)
		if (!isascii((unsigned char)f->zone_id[i]) ||
		    !isxdigit((unsigned char)f->zone_id[i]))
			return "zone_id must be 32 hexadecimal digits";
	if (!empty(f->server) || f->port != 0 || !empty(f->zone) ||
	    !empty(f->key_name) || !empty(f->algorithm))
		return "a cloudflare provider takes api_token and zone_id "
		    "only";
	return NULL;
}

const char *
dnsprov_check(const struct dnsprov_fields *f)
{
	if (f->name != NULL && !printable(f->name, DNSPROV_NAME_MAX))
		return "name must be printable, at most 64 characters";
	if (f->type != NULL && strcmp(f->type, "rfc2136") == 0)
		return rfc2136_check(f);
	if (f->type != NULL && strcmp(f->type, "cloudflare") == 0)
		return cloudflare_check(f);
	return "type must be rfc2136 or cloudflare";
}

static int
b64_char(int c)
{
	return isascii(c) && (isalnum(c) || c == '+' || c == '/');
}

/* Standard base64, padded, of 1 to 128 bytes. */
static int
tsig_secret_ok(const char *s)
{
	size_t	 n = strlen(s), i, pad = 0;

	if (n == 0 || n % 4 != 0 || n / 4 * 3 > DNSPROV_TSIG_BYTES + 2)
		return 0;
	for (i = 0; i < n; i++) {
		if (s[i] == '=' && i >= n - 2) {
			pad++;
			continue;
		}
		if (pad > 0 || !b64_char((unsigned char)s[i]))
			return 0;
	}
	return n / 4 * 3 - pad <= DNSPROV_TSIG_BYTES;
}

/* Cloudflare's tokens: letters, digits, '-' and '_'. */
static int
token_ok(const char *s)
{
	size_t	 n = strlen(s), i;

	if (n < 1 || n > DNSPROV_SECRET_MAX)
		return 0;
	for (i = 0; i < n; i++)
		if (!isascii((unsigned char)s[i]) ||
		    !(isalnum((unsigned char)s[i]) || s[i] == '-' ||
		    s[i] == '_'))
			return 0;
	return 1;
}

const char *
dnsprov_secret_check(const char *type, const char *secret)
{
	if (strcmp(type, "rfc2136") == 0)
		return tsig_secret_ok(secret) ? NULL :
		    "secret must be base64 of at most 128 bytes";
	if (strcmp(type, "cloudflare") == 0)
		return token_ok(secret) ? NULL :
		    "api_token must be 1 to 200 letters, digits, '-' or '_'";
	return "type must be rfc2136 or cloudflare";
}
