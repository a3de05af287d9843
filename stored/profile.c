/*
 * A user's details as the user or an admin changes them: checked here,
 * since stored writes them, whoever sent them.
 */
#include <ctype.h>
#include <string.h>

#include "stored.h"
#include "util.h"

/* A phone number as people write one: digits, spaces, + ( ) - . */
static int
phone_ok(const char *s)
{
	size_t	 len = strlen(s);

	return len <= PHONE_MAX && strspn(s, "0123456789 +()-.") == len;
}

/*
 * An address mail can go to: local@domain, the local part in the
 * characters RFC 5322 allows unquoted, the domain in dotted labels.
 * Lowered, since a login by email compares it lowered.
 */
static int
email_ok(char *s)
{
	static const char local_chars[] = "abcdefghijklmnopqrstuvwxyz"
	    "0123456789.!#$%&'*+/=?^_`{|}~-";
	static const char domain_chars[] = "abcdefghijklmnopqrstuvwxyz"
	    "0123456789.-";
	char	*at, *p;
	size_t	 local;

	for (p = s; *p != '\0'; p++)
		*p = tolower((unsigned char)*p);
	if ((at = strchr(s, '@')) == NULL)
		return 0;
	local = at - s;
	at++;
	if (local == 0 || local > 64 || strspn(s, local_chars) != local ||
	    *at == '\0' || strspn(at, domain_chars) != strlen(at) ||
	    strchr(at, '.') == NULL || *at == '.' || *at == '-' ||
	    strstr(at, "..") != NULL || at[strlen(at) - 1] == '.' ||
	    s[0] == '.' || s[local - 1] == '.')
		return 0;
	return 1;
}

/* Why p cannot be written, or NULL; emails come out lowered. */
const char *
profile_invalid(struct profile *p)
{
	if (((p->mask & PROFILE_FIRST_NAME) &&
	    !text_is_line(p->first_name)) ||
	    ((p->mask & PROFILE_LAST_NAME) && !text_is_line(p->last_name)))
		return "names may not hold control characters";
	if (((p->mask & PROFILE_PHONE) && !phone_ok(p->phone)) ||
	    ((p->mask & PROFILE_NOTIFY_PHONE) && !phone_ok(p->notify_phone)))
		return "phone must be at most 32 digits, spaces and + ( ) - .";
	if (((p->mask & PROFILE_EMAIL) && p->email[0] != '\0' &&
	    !email_ok(p->email)) || ((p->mask & PROFILE_NOTIFY_EMAIL) &&
	    p->notify_email[0] != '\0' && !email_ok(p->notify_email)))
		return "email must be an address such as name@example.com";
	return NULL;
}

static void
bind_field(sqlite3_stmt *st, int col, const struct profile *p,
    uint32_t bit, const char *value)
{
	if (p->mask & bit)
		sqlite3_bind_text(st, col, value, -1, SQLITE_STATIC);
	else
		sqlite3_bind_null(st, col);
}

/*
 * Writes the fields p sets, inside the caller's transaction.  0, 409
 * when the email is another user's, 500.
 */
int
profile_write(uint64_t user, const struct profile *p)
{
	static const char sql[] = "UPDATE users SET "
	    "first_name = coalesce(?1, first_name), "
	    "last_name = coalesce(?2, last_name), "
	    "phone = coalesce(?3, phone), "
	    "email = CASE WHEN ?4 IS NULL THEN email "
	    "  ELSE nullif(?4, '') END, "
	    "notification_email = coalesce(?5, notification_email), "
	    "notification_phone = coalesce(?6, notification_phone), "
	    "updated_at = ?7 WHERE oid = ?8";
	sqlite3_stmt	*st;
	int		 rc;

	if ((p->mask & ~PROFILE_PASSWORD) == 0)
		return 0;
	st = db_stmt(sql);
	bind_field(st, 1, p, PROFILE_FIRST_NAME, p->first_name);
	bind_field(st, 2, p, PROFILE_LAST_NAME, p->last_name);
	bind_field(st, 3, p, PROFILE_PHONE, p->phone);
	bind_field(st, 4, p, PROFILE_EMAIL, p->email);
	bind_field(st, 5, p, PROFILE_NOTIFY_EMAIL, p->notify_email);
	bind_field(st, 6, p, PROFILE_NOTIFY_PHONE, p->notify_phone);
	sqlite3_bind_int64(st, 7, db_now());
	sqlite3_bind_int64(st, 8, user);
	rc = sqlite3_step(st);
	sqlite3_reset(st);
	if ((rc & 0xff) == SQLITE_CONSTRAINT)
		return 409;
	return rc == SQLITE_DONE ? 0 : 500;
}
