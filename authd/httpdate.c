/*
 * RFC 1123 dates as HTTP sends them (see crypto.h): the X-Date of an
 * Account v2 request, parsed strictly, and its inverse.
 */

#include <stdint.h>
#include <string.h>

#include "crypto.h"

static const char wdays[7][4] = {
	"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"
};
static const char months[12][4] = {
	"Jan", "Feb", "Mar", "Apr", "May", "Jun",
	"Jul", "Aug", "Sep", "Oct", "Nov", "Dec"
};

#define HTTP_DATE_MIN	0		/* Thu, 01 Jan 1970 00:00:00 GMT */
#define HTTP_DATE_MAX	253402300799LL	/* Fri, 31 Dec 9999 23:59:59 GMT */

/* Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant). */
static int64_t
days_from_civil(int64_t y, int64_t m, int64_t d)
{
	int64_t era, yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

/* The inverse, for days >= 0. */
static void
civil_from_days(int64_t z, int *y, int *m, int *d)
{
	int64_t era, doe, yoe, doy, mp;

	z += 719468;
	era = z / 146097;
	doe = z - era * 146097;
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	*d = (int)(doy - (153 * mp + 2) / 5 + 1);
	*m = (int)(mp < 10 ? mp + 3 : mp - 9);
	*y = (int)(yoe + era * 400 + (*m <= 2));
}

static int
days_in_month(int y, int m)
{
	static const int mdays[12] = {
		31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31
	};
	int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;

	return mdays[m - 1] + (m == 2 && leap);
}

/* n decimal digits at s, or -1. */
static int
digits(const char *s, int n)
{
	int i, v = 0;

	for (i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	return v;
}

/* The index of the 3-letter name at s in names, or -1. */
static int
name_index(const char *s, const char (*names)[4], int count)
{
	int i;

	for (i = 0; i < count; i++)
		if (memcmp(s, names[i], 3) == 0)
			return i;
	return -1;
}

int
http_date_parse(const char *s, size_t len, int64_t *out)
{
	int wday, day, mon, year, hh, mm, ss;
	int64_t days;

	if (s == NULL || out == NULL || len != HTTP_DATE_LEN)
		return CRYPTO_EMALFORMED;
	/* "Sun, 06 Nov 1994 08:49:37 GMT" */
	if (s[3] != ',' || s[4] != ' ' || s[7] != ' ' || s[11] != ' ' ||
	    s[16] != ' ' || s[19] != ':' || s[22] != ':' || s[25] != ' ' ||
	    memcmp(s + 26, "GMT", 3) != 0)
		return CRYPTO_EMALFORMED;
	if ((wday = name_index(s, wdays, 7)) == -1 ||
	    (mon = name_index(s + 8, months, 12)) == -1 ||
	    (day = digits(s + 5, 2)) == -1 ||
	    (year = digits(s + 12, 4)) == -1 ||
	    (hh = digits(s + 17, 2)) == -1 ||
	    (mm = digits(s + 20, 2)) == -1 ||
	    (ss = digits(s + 23, 2)) == -1)
		return CRYPTO_EMALFORMED;
	mon++;
	if (year < 1970 || day < 1 || day > days_in_month(year, mon) ||
	    hh > 23 || mm > 59 || ss > 59)
		return CRYPTO_EMALFORMED;
	days = days_from_civil(year, mon, day);
	/* 1970-01-01 was a Thursday */
	if ((days + 4) % 7 != wday)
		return CRYPTO_EMALFORMED;
	*out = days * 86400 + hh * 3600 + mm * 60 + ss;
	return CRYPTO_OK;
}

static void
put2(char *p, int v)
{
	p[0] = (char)('0' + v / 10);
	p[1] = (char)('0' + v % 10);
}

int
http_date_format(int64_t t, char out[HTTP_DATE_LEN + 1])
{
	int64_t days, secs;
	int y, m, d;

	if (out == NULL || t < HTTP_DATE_MIN || t > HTTP_DATE_MAX)
		return CRYPTO_EMALFORMED;
	days = t / 86400;
	secs = t % 86400;
	civil_from_days(days, &y, &m, &d);
	memcpy(out, wdays[(days + 4) % 7], 3);
	memcpy(out + 3, ", ", 2);
	put2(out + 5, d);
	out[7] = ' ';
	memcpy(out + 8, months[m - 1], 3);
	out[11] = ' ';
	put2(out + 12, y / 100);
	put2(out + 14, y % 100);
	out[16] = ' ';
	put2(out + 17, (int)(secs / 3600));
	out[19] = ':';
	put2(out + 20, (int)(secs / 60 % 60));
	out[22] = ':';
	put2(out + 23, (int)(secs % 60));
	memcpy(out + 25, " GMT", 5);
	return CRYPTO_OK;
}
