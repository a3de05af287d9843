/* Core records as JSON, in the field names of the reference documents. */
#include "api.h"
#include "log.h"
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

	j = json_pack("{s:s,s:I,s:s,s:s,s:s,s:o,s:o,s:o,s:s?,s:s,s:s,s:s}",
	    "id", u->id, "oid", (json_int_t)u->oid, "username", u->username,
	    "role", u->role, "status", u->status,
	    "expires_at", render_time(u->expires_at),
	    "created_at", render_time(u->created_at),
	    "updated_at", render_time(u->updated_at),
	    "email", u->email[0] != '\0' ? u->email : NULL,
	    "first_name", u->first_name, "last_name", u->last_name,
	    "phone", u->phone);
	if (j == NULL)
		fatalx("%s: out of memory", __func__);
	return j;
}
