/* Core records as JSON, in the field names of the reference documents. */
#include <stdio.h>
#include <string.h>

#include "api.h"
#include "frontd.h"
#include "hostrec.h"
#include "log.h"
#include "scopes.h"
#include "timefmt.h"

json_t *
render_time(int64_t t)
{
	char	 buf[RFC3339_LEN];

	if (t == 0)
		return json_null();
	rfc3339_format(t, buf);
	return json_string(buf);
}

json_t *
render_user(const struct user_rec *u)
{
	json_t	*j;

	j = json_pack("{s:s,s:I,s:s,s:s,s:s,s:o,s:o,s:o,s:s?,s:s,s:s,s:s,"
	    "s:{s:s,s:s}}",
	    "id", u->id, "oid", (json_int_t)u->oid, "username", u->username,
	    "role", u->role, "status", u->status,
	    "expires_at", render_time(u->expires_at),
	    "created_at", render_time(u->created_at),
	    "updated_at", render_time(u->updated_at),
	    "email", u->email[0] != '\0' ? u->email : NULL,
	    "first_name", u->first_name, "last_name", u->last_name,
	    "phone", u->phone, "notification", "email",
	    u->notification_email, "phone", u->notification_phone);
	if (j == NULL)
		fatalx("%s: out of memory", __func__);
	return j;
}

json_t *
render_key(const struct key_rec *k)
{
	json_t		*j, *scopes, *perms;
	uint32_t	 bit;

	if ((scopes = json_array()) == NULL)
		fatalx("%s: out of memory", __func__);
	for (bit = 1; bit != 0; bit <<= 1)
		if ((k->scopes & bit) && scope_name(bit) != NULL)
			json_array_append_new(scopes,
			    json_string(scope_name(bit)));
	if ((perms = json_loads(k->permissions, 0, NULL)) == NULL)
		perms = json_array();
	j = json_pack("{s:I,s:s,s:I,s:s,s:o,s:o,s:o,s:o,s:o}", "id",
	    (json_int_t)k->oid, "uuid", k->id, "user_id",
	    (json_int_t)k->user_oid, "name", k->name, "scopes", scopes,
	    "permissions", perms, "expires_at", render_time(k->expires_at),
	    "created_at", render_time(k->created_at), "last_used_at",
	    render_time(k->last_used_at));
	if (j == NULL)
		fatalx("%s: out of memory", __func__);
	if (k->token[0] != '\0')
		json_object_set_new(j, "token", json_string(k->token));
	return j;
}

uint32_t
render_ssh_endpoint(const char *host, char *out, size_t len)
{
	const struct ipc_cfg_http	*c = &frontd_env->http;
	const char			*end;
	size_t				 n;

	out[0] = '\0';
	if (c->ssh_port == 0)
		return 0;
	if (strcmp(c->ssh_addr, "0.0.0.0") != 0 && strcmp(c->ssh_addr,
	    "::") != 0) {
		strlcpy(out, c->ssh_addr, len);
		return c->ssh_port;
	}
	if (host == NULL || host[0] == '\0')
		host = "localhost";
	/* "[::1]:8443" keeps its brackets off; "name:8443" its port */
	if (host[0] == '[' && (end = strchr(host, ']')) != NULL) {
		host++;
		n = end - host;
	} else if ((end = strchr(host, ':')) != NULL)
		n = end - host;
	else
		n = strlen(host);
	if (n >= len)
		n = len - 1;
	memcpy(out, host, n);
	out[n] = '\0';
	return c->ssh_port;
}

json_t *
render_host(const struct host_rec *h, const char *host)
{
	char	 access[FIELD_HOST_MAX + 64];
	json_t	*j;

	/* the entry short link, on the address the client used */
	snprintf(access, sizeof(access), "curl -sSf https://%s/entry/%s | "
	    "bash", host != NULL && host[0] != '\0' ? host : "YOUR_HOST",
	    h->short_id);
	j = json_pack("{s:s,s:I,s:s,s:s,s:s,s:s,s:s,s:I,s:f,s:I,s:s?,s:o,"
	    "s:o,s:s}", "id", h->id, "oid", (json_int_t)h->oid, "user_id",
	    h->user_id, "status", h->status, "short_id", h->short_id,
	    "hostname", h->hostname, "timezone", h->timezone,
	    "memory_limit_mb", (json_int_t)h->memory_limit_mb, "cpu_limit",
	    h->cpu_milli / 1000.0, "pids_limit", (json_int_t)h->pids_limit,
	    "egress_ip_id", h->egress_ip_id[0] != '\0' ? h->egress_ip_id :
	    NULL, "created_at", render_time(h->created_at), "updated_at",
	    render_time(h->updated_at), "access_command", access);
	if (j == NULL)
		fatalx("%s: out of memory", __func__);
	return j;
}

/*
 * How a customer reaches a host (issue 13): ssh through the gateway as
 * its short id, the entry short link, and the VNC route of the API the
 * reader used (admin or user).  ssh_command is null and ssh_port 0
 * when no gateway is configured (no listen ssh).
 */
json_t *
render_connection(const struct host_rec *h, const char *host, int admin)
{
	char		 addr[FIELD_HOST_MAX + 1], ssh[FIELD_HOST_MAX + 64];
	char		 curl[FIELD_HOST_MAX + 64], vnc[96];
	uint32_t	 port;
	json_t		*j;

	port = render_ssh_endpoint(host, addr, sizeof(addr));
	/* an IPv6 address in a user@host argument needs no brackets */
	snprintf(ssh, sizeof(ssh), "ssh -p %u %s@%s", port, h->short_id,
	    addr);
	snprintf(curl, sizeof(curl), "curl -sSf https://%s/entry/%s | bash",
	    host != NULL && host[0] != '\0' ? host : "YOUR_HOST",
	    h->short_id);
	snprintf(vnc, sizeof(vnc), "/v1/%s/hosts/%s/vnc/", admin ? "admin" :
	    "user", h->id);
	j = json_pack("{s:s?,s:I,s:s,s:s}", "ssh_command", port != 0 ? ssh :
	    NULL, "ssh_port", (json_int_t)port, "curl_command", curl,
	    "vnc_url", vnc);
	if (j == NULL)
		fatalx("%s: out of memory", __func__);
	return j;
}
