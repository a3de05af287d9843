/*
 * The members of a request that change a user's details, as the user
 * (POST /v2/account/data) and an admin (PATCH /v1/admin/users/{id}) send
 * them: names, phone, email and the notification contacts, in the shape
 * GET /v2/account answers.  Only their types and lengths are checked
 * here; stored, which writes them, decides what is valid.
 */
#include <string.h>

#include "api.h"
#include "frontd.h"
#include "userrec.h"

/* A string member that may be absent; copied, its bit set, if present. */
static int
member(struct api_req *r, json_t *obj, const char *name, uint32_t bit,
    char *out, size_t outlen, uint32_t *mask)
{
	const char	*s;
	json_t		*v = json_object_get(obj, name);

	if (v == NULL)
		return 0;
	/* null clears an address, as an empty string does */
	if ((bit & (PROFILE_EMAIL | PROFILE_NOTIFY_EMAIL)) && json_is_null(v))
		s = "";
	else if (string_field(r, obj, name, outlen - 1, &s) == -1)
		return -1;
	strlcpy(out, s, outlen);
	*mask |= bit;
	return 0;
}

static int
notification(struct api_req *r, json_t *body, struct profile *p)
{
	static const char *const fields[] = { "email", "phone", NULL };
	json_t	*v = json_object_get(body, "notification");

	if (v == NULL)
		return 0;
	if (!json_is_object(v)) {
		api_error(r, 400, "\"notification\" must be an object with "
		    "\"email\" and \"phone\"");
		return -1;
	}
	if (api_only_fields(r, v, fields) == -1 ||
	    member(r, v, "email", PROFILE_NOTIFY_EMAIL, p->notify_email,
	    sizeof(p->notify_email), &p->mask) == -1 ||
	    member(r, v, "phone", PROFILE_NOTIFY_PHONE, p->notify_phone,
	    sizeof(p->notify_phone), &p->mask) == -1)
		return -1;
	return 0;
}

/* Fills p from body; -1 with a 400 answered. */
int
profile_from_body(struct api_req *r, json_t *body, struct profile *p)
{
	memset(p, 0, sizeof(*p));
	if (member(r, body, "first_name", PROFILE_FIRST_NAME, p->first_name,
	    sizeof(p->first_name), &p->mask) == -1 ||
	    member(r, body, "last_name", PROFILE_LAST_NAME, p->last_name,
	    sizeof(p->last_name), &p->mask) == -1 ||
	    member(r, body, "phone", PROFILE_PHONE, p->phone,
	    sizeof(p->phone), &p->mask) == -1 ||
	    member(r, body, "email", PROFILE_EMAIL, p->email,
	    sizeof(p->email), &p->mask) == -1 ||
	    notification(r, body, p) == -1)
		return -1;
	return 0;
}
