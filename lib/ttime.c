/*
 * ttime.c - event times: parsing, RFC 3339 formatting, time zones and
 * durations.
 *
 * Zones come from the C library's tz database only: localtime_r() gives
 * the offset of the current zone at an instant, and everything else is
 * built on that.  While the zone is UTC (the default, whatever the
 * machine's TZ says) civil times are computed with plain calendar
 * arithmetic, which is exact for UTC and avoids the C library's locks on
 * the hot path.
 */
#include "ttime.h"

#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "json.h"

int tz_utc = 1;

/* The instants a parser accepts: those that print with a four-digit
 * year in every zone (offsets stay within a day). */
#define SEC_MIN (-62167046400LL) /* 0000-01-03T00:00:00Z */
#define SEC_MAX 253402127999LL   /* 9999-12-29T23:59:59Z */

/* Cache of the last day tz_day_start() computed, reset by tz_set(). */
static int64_t day_lo = 1, day_hi = 0;

static const int64_t p10[] = {
    1, 10, 100, 1000, 10000, 100000, 1000000, 10000000, 100000000, 1000000000,
};

/* ---- calendar arithmetic (proleptic Gregorian, UTC) --------------------- */

static int64_t
floordiv(int64_t a, int64_t b)
{
	int64_t q = a / b;

	if ((a % b != 0) && ((a < 0) != (b < 0)))
		q--;
	return q;
}

int64_t
ts_days_from_civil(int64_t y, int m, int d)
{
	int64_t era, yoe, doy, doe;

	y -= m <= 2;
	era = floordiv(y, 400);
	yoe = y - era * 400;
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

static void
civil_from_days(int64_t z, int64_t *y, int *m, int *d)
{
	int64_t era, doe, yoe, doy, mp;

	z += 719468;
	era = floordiv(z, 146097);
	doe = z - era * 146097;
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	*d = (int)(doy - (153 * mp + 2) / 5 + 1);
	*m = (int)(mp < 10 ? mp + 3 : mp - 9);
	*y = yoe + era * 400 + (*m <= 2);
}

static int
is_leap(int64_t y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static int
days_in_month(int64_t y, int m)
{
	static const int dm[] = {31, 28, 31, 30, 31, 30,
	                         31, 31, 30, 31, 30, 31};

	return m == 2 && is_leap(y) ? 29 : dm[m - 1];
}

/* Seconds of tm read as UTC civil time; fields may be out of range. */
static int64_t
naive_seconds(const struct tm *tm)
{
	int64_t mon = tm->tm_mon;
	int64_t y = (int64_t)tm->tm_year + 1900 + floordiv(mon, 12);
	int m = (int)(mon - floordiv(mon, 12) * 12) + 1;
	int64_t days = ts_days_from_civil(y, m, 1) + tm->tm_mday - 1;

	return days * 86400 + (int64_t)tm->tm_hour * 3600 +
	       (int64_t)tm->tm_min * 60 + tm->tm_sec;
}

/* Fill tm with the UTC civil time of sec, shifted by off seconds. */
static void
utc_civil(int64_t sec, long off, struct tm *tm)
{
	int64_t s, days, rem, y;
	int m, d;

	/* Keep the year to seven digits, so that ts_format() stays within
	 * TS_MAXLEN; such instants are nonsense anyway. */
	if (sec > (1LL << 48))
		sec = 1LL << 48;
	if (sec < -(1LL << 48))
		sec = -(1LL << 48);
	s = sec + off;
	days = floordiv(s, 86400);
	rem = s - days * 86400;

	civil_from_days(days, &y, &m, &d);
	memset(tm, 0, sizeof *tm);
	tm->tm_year = (int)(y - 1900);
	tm->tm_mon = m - 1;
	tm->tm_mday = d;
	tm->tm_hour = (int)(rem / 3600);
	tm->tm_min = (int)(rem / 60 % 60);
	tm->tm_sec = (int)(rem % 60);
	tm->tm_wday = (int)(days + 4 - floordiv(days + 4, 7) * 7);
	tm->tm_yday = (int)(days - ts_days_from_civil(y, 1, 1));
	tm->tm_gmtoff = off;
	tm->tm_zone = off == 0 ? "UTC" : NULL;
}

/* ---- zones -------------------------------------------------------------- */

/* Names of the tz database that are UTC under another name.  In these,
 * times are written with "Z". */
static int
utc_alias(const char *name)
{
	static const char *const names[] = {
	    "UTC",  "UCT",   "Universal", "Zulu",      "GMT",
	    "GMT0", "GMT+0", "GMT-0",     "Greenwich",
	};
	size_t i;

	if (strncmp(name, "Etc/", 4) == 0)
		name += 4;
	for (i = 0; i < sizeof names / sizeof names[0]; i++)
		if (strcmp(name, names[i]) == 0)
			return 1;
	return 0;
}

/* 1 if path is a regular file that starts like a compiled zone. */
static int
is_tzif(const char *path)
{
	struct stat st;
	char magic[4];
	FILE *fp;
	int ok;

	if (stat(path, &st) < 0 || !S_ISREG(st.st_mode))
		return 0;
	if ((fp = fopen(path, "rb")) == NULL)
		return 0;
	ok = fread(magic, 1, 4, fp) == 4 && memcmp(magic, "TZif", 4) == 0;
	fclose(fp);
	return ok;
}

int
tz_set(const char *name)
{
	const char *dir = getenv("TZDIR");
	char path[4096];
	int utc, found;

	if (name == NULL || *name == '\0' || *name == '/' || *name == ':' ||
	    strstr(name, "..") != NULL)
		return -1;
	if (dir == NULL || *dir == '\0')
		dir = "/usr/share/zoneinfo";
	utc = utc_alias(name);
	if ((size_t)snprintf(path, sizeof path, "%s/%s", dir, name) >=
	    sizeof path)
		return -1;
	found = is_tzif(path);
	/* A system without tzdata still knows UTC. */
	if (!found && !(utc && strcmp(name, "UTC") == 0))
		return -1;
	if (setenv("TZ", found ? name : "UTC0", 1) < 0)
		return -1;
	tzset();
	tz_utc = utc;
	day_lo = 1;
	day_hi = 0;
	return 0;
}

void
tz_civil(int64_t sec, struct tm *tm)
{
	time_t t = (time_t)sec;

	if (tz_utc || localtime_r(&t, tm) == NULL)
		utc_civil(sec, 0, tm);
}

long
tz_offset(int64_t sec)
{
	struct tm tm;
	time_t t = (time_t)sec;

	if (tz_utc || localtime_r(&t, &tm) == NULL)
		return 0;
	return tm.tm_gmtoff;
}

/* 1 if instant s shows the civil time local (as naive seconds). */
static int
shows(int64_t s, int64_t local)
{
	return s + tz_offset(s) == local;
}

/*
 * The instant at which the zone's clocks show local (naive seconds).
 * The candidates are local less the offsets in force a day before and a
 * day after; a time in a gap matches neither and takes the offset from
 * before the gap, which lands after it.
 */
static int64_t
local_to_instant(int64_t local)
{
	long before, after;
	int64_t a, b;

	if (tz_utc)
		return local;
	before = tz_offset(local - 86400);
	after = tz_offset(local + 86400);
	a = local - before;
	b = local - after;
	if (before == after) {
		if (shows(a, local))
			return a;
		/* Two changes within two days: try the offset near local. */
		b = local - tz_offset(a);
	}
	if (shows(a, local) && shows(b, local))
		return a < b ? a : b;
	if (shows(a, local))
		return a;
	if (shows(b, local))
		return b;
	return a > b ? a : b;
}

int64_t
tz_mktime(const struct tm *tm)
{
	return local_to_instant(naive_seconds(tm));
}

int64_t
tz_day_start(int64_t sec)
{
	struct tm tm;

	if (tz_utc)
		return floordiv(sec, 86400) * 86400;
	if (sec >= day_lo && sec < day_hi)
		return day_lo;
	tz_civil(sec, &tm);
	tm.tm_hour = tm.tm_min = tm.tm_sec = 0;
	day_lo = tz_mktime(&tm);
	tm.tm_mday++;
	day_hi = tz_mktime(&tm);
	if (sec < day_lo || sec >= day_hi) {
		/* Only in a zone whose midnight repeats; do not cache. */
		int64_t lo = day_lo;

		day_lo = 1;
		day_hi = 0;
		return lo;
	}
	return day_lo;
}

int64_t
tz_add_days(int64_t day_start, int n)
{
	struct tm tm;

	if (tz_utc)
		return floordiv(day_start, 86400) * 86400 + (int64_t)n * 86400;
	tz_civil(day_start, &tm);
	tm.tm_hour = tm.tm_min = tm.tm_sec = 0;
	tm.tm_mday += n;
	return tz_mktime(&tm);
}

int
tz_weekday(int64_t sec)
{
	struct tm tm;

	tz_civil(sec, &tm);
	return (tm.tm_wday + 6) % 7;
}

/* ---- parsing ------------------------------------------------------------ */

/* Read exactly w digits at s[*i]; returns the value or -1. */
static int
digits(const char *s, size_t n, size_t *i, int w)
{
	int v = 0, k;

	if (*i + (size_t)w > n)
		return -1;
	for (k = 0; k < w; k++) {
		char c = s[*i + k];

		if (c < '0' || c > '9')
			return -1;
		v = v * 10 + (c - '0');
	}
	*i += w;
	return v;
}

/* Read a fraction's digits at s[*i] (after the point): keeps up to 9. */
static int
fraction(const char *s, size_t n, size_t *i, int32_t *nsec, int8_t *nd)
{
	size_t k = 0;
	int32_t v = 0;

	while (*i < n && s[*i] >= '0' && s[*i] <= '9') {
		if (k < 9)
			v = v * 10 + (s[*i] - '0');
		k++;
		(*i)++;
	}
	if (k == 0)
		return -1;
	if (k > 9)
		k = 9;
	*nsec = (int32_t)(v * p10[9 - k]);
	*nd = (int8_t)k;
	return 0;
}

/* Check the ranges of a civil time. */
static int
civil_ok(int64_t y, int mo, int d, int h, int mi, int se)
{
	return mo >= 1 && mo <= 12 && d >= 1 && d <= days_in_month(y, mo) &&
	       h >= 0 && h <= 23 && mi >= 0 && mi <= 59 && se >= 0 && se <= 60;
}

int
ts_parse_iso(const char *s, size_t n, tstamp_t *t)
{
	return ts_parse_iso_off(s, n, t, NULL);
}

int
ts_parse_iso_off(const char *s, size_t n, tstamp_t *t, long *offp)
{
	size_t i = 0;
	int y, mo, d, h = 0, mi = 0, se = 0, zone = 0;
	long off = 0;
	int32_t nsec = 0;
	int8_t nd = 0;
	struct tm tm;

	if ((y = digits(s, n, &i, 4)) < 0 || i >= n || s[i++] != '-' ||
	    (mo = digits(s, n, &i, 2)) < 0 || i >= n || s[i++] != '-' ||
	    (d = digits(s, n, &i, 2)) < 0)
		return -1;
	if (i < n) {
		if (s[i] != 'T' && s[i] != 't' && s[i] != ' ')
			return -1;
		i++;
		if ((h = digits(s, n, &i, 2)) < 0 || i >= n || s[i++] != ':' ||
		    (mi = digits(s, n, &i, 2)) < 0)
			return -1;
		if (i < n && s[i] == ':') {
			i++;
			if ((se = digits(s, n, &i, 2)) < 0)
				return -1;
			if (i < n && (s[i] == '.' || s[i] == ',')) {
				i++;
				if (fraction(s, n, &i, &nsec, &nd) < 0)
					return -1;
			}
		}
		if (i < n && (s[i] == 'Z' || s[i] == 'z')) {
			zone = 1;
			i++;
		} else if (i < n && (s[i] == '+' || s[i] == '-')) {
			int sign = s[i++] == '-' ? -1 : 1, oh, om = 0;

			if ((oh = digits(s, n, &i, 2)) < 0 || oh > 23)
				return -1;
			if (i < n && s[i] == ':') {
				i++;
				if ((om = digits(s, n, &i, 2)) < 0)
					return -1;
			} else if (i < n && (om = digits(s, n, &i, 2)) < 0) {
				return -1;
			}
			if (om > 59)
				return -1;
			zone = 1;
			off = sign * (oh * 3600L + om * 60L);
		}
	}
	if (i != n || !civil_ok(y, mo, d, h, mi, se))
		return -1;
	memset(&tm, 0, sizeof tm);
	tm.tm_year = y - 1900;
	tm.tm_mon = mo - 1;
	tm.tm_mday = d;
	tm.tm_hour = h;
	tm.tm_min = mi;
	tm.tm_sec = se;
	t->sec = zone ? naive_seconds(&tm) - off : tz_mktime(&tm);
	if (t->sec < SEC_MIN || t->sec > SEC_MAX)
		return -1;
	t->nsec = nsec;
	t->digits = nd;
	if (offp != NULL)
		*offp = zone ? off : tz_offset(t->sec);
	return 0;
}

int
ts_parse_epoch(const char *s, size_t n, tstamp_t *t)
{
	char dg[64]; /* significant digits, leading zeros dropped */
	size_t nd = 0, i = 0;
	long point = 0; /* digits before the decimal point */
	long fracd = 0; /* digits written after the point */
	long exp = 0;
	int neg = 0, any = 0;
	int64_t sec = 0, nsec = 0;
	long k;

	if (i < n && s[i] == '-') {
		neg = 1;
		i++;
	}
	for (; i < n && s[i] >= '0' && s[i] <= '9'; i++) {
		any = 1;
		if (nd == 0 && s[i] == '0')
			continue;
		if (nd < sizeof dg)
			dg[nd++] = s[i];
		point++;
	}
	if (i < n && s[i] == '.') {
		int fany = 0;

		for (i++; i < n && s[i] >= '0' && s[i] <= '9'; i++) {
			fany = 1;
			fracd++;
			if (nd == 0 && s[i] == '0') {
				point--;
				continue;
			}
			/* Digits past the first 64 cannot reach the
			 * nanoseconds. */
			if (nd < sizeof dg)
				dg[nd++] = s[i];
		}
		if (!fany)
			return -1;
	}
	if (!any && fracd == 0)
		return -1;
	if (i < n && (s[i] == 'e' || s[i] == 'E')) {
		int esign = 1, eany = 0;

		i++;
		if (i < n && (s[i] == '+' || s[i] == '-'))
			esign = s[i++] == '-' ? -1 : 1;
		for (; i < n && s[i] >= '0' && s[i] <= '9'; i++) {
			eany = 1;
			if (exp < 1000)
				exp = exp * 10 + (s[i] - '0');
		}
		if (!eany)
			return -1;
		exp *= esign;
		point += exp;
		fracd -= exp;
	}
	if (i != n)
		return -1;
	/* 12 or more integer digits: milliseconds. */
	if (point >= 12) {
		point -= 3;
		fracd += 3;
	}
	if (point > 12)
		return -1;
	for (k = 0; k < point; k++)
		sec = sec * 10 + ((size_t)k < nd ? dg[k] - '0' : 0);
	for (k = 0; k < 9; k++) {
		long j = point + k;
		int dv = j >= 0 && (size_t)j < nd ? dg[j] - '0' : 0;

		nsec = nsec * 10 + dv;
	}
	if (fracd < 0)
		fracd = 0;
	if (fracd > 9)
		fracd = 9;
	if (neg && (sec != 0 || nsec != 0)) {
		sec = -sec;
		if (nsec != 0) {
			sec--;
			nsec = 1000000000 - nsec;
		}
	}
	if (sec < SEC_MIN || sec > SEC_MAX)
		return -1;
	t->sec = sec;
	t->nsec = (int32_t)nsec;
	t->digits = (int8_t)fracd;
	return 0;
}

int
ts_epoch_num(double d, tstamp_t *t)
{
	char buf[JSON_DTOA_MAX + 1];

	if (!isfinite(d))
		return -1;
	/* The shortest text that reads back as d, as expressions write it. */
	return ts_parse_epoch(buf, json_dtoa(d, buf, 1e17), t);
}

int
ts_parse_json(const char *v, size_t vlen, tstamp_t *t)
{
	return ts_parse_json_off(v, vlen, t, NULL);
}

int
ts_parse_json_off(const char *v, size_t vlen, tstamp_t *t, long *off)
{
	int r = -1;

	if (vlen >= 2 && v[0] == '"' && v[vlen - 1] == '"') {
		const char *s = v + 1;
		size_t n = vlen - 2;

		/* A time never needs escapes; refuse rather than misread. */
		if (memchr(s, '\\', n) != NULL)
			return -1;
		if (ts_parse_iso_off(s, n, t, off) == 0)
			return 0;
		r = ts_parse_epoch(s, n, t);
	} else if (vlen > 0 && (v[0] == '-' || (v[0] >= '0' && v[0] <= '9'))) {
		r = ts_parse_epoch(v, vlen, t);
	}
	if (r == 0 && off != NULL)
		*off = tz_offset(t->sec);
	return r;
}

/* Instant of a civil time in the current zone. */
static int64_t
civil_instant(int64_t y, int mo, int d, int h, int mi, int se)
{
	struct tm tm;

	memset(&tm, 0, sizeof tm);
	tm.tm_year = (int)(y - 1900);
	tm.tm_mon = mo - 1;
	tm.tm_mday = d;
	tm.tm_hour = h;
	tm.tm_min = mi;
	tm.tm_sec = se;
	return tz_mktime(&tm);
}

/*
 * The year of a civil time written without one (a syslog stamp, a
 * --time-format without a year): the latest year in which the date exists
 * and the time is not after now_sec plus a day of clock skew, so Feb 29
 * goes back to the last leap year.  The time is read at UTC offset *off,
 * or in the current zone when off is NULL.  Returns -1 for a date that
 * exists in no year.
 */
static int64_t
yearless(int mo, int d, int h, int mi, int se, const long *off, int64_t now_sec)
{
	struct tm now;
	int64_t y, sec;

	if (!civil_ok(2000, mo, d, h, mi, se))
		return -1;
	tz_civil(now_sec, &now);
	for (y = (int64_t)now.tm_year + 1900 + 1;; y--) {
		if (!civil_ok(y, mo, d, h, mi, se))
			continue;
		if (off != NULL)
			sec = ts_days_from_civil(y, mo, d) * 86400 + h * 3600L +
			      mi * 60L + se - *off;
		else
			sec = civil_instant(y, mo, d, h, mi, se);
		if (sec <= now_sec + 86400)
			return y;
	}
}

size_t
ts_parse_syslog(const char *s, size_t n, int year, int64_t now_sec, tstamp_t *t)
{
	static const char months[] = "janfebmaraprmayjunjulaugsepoctnovdec";
	size_t i = 0;
	int mo = 0, d, h, mi, se, k;
	int32_t nsec = 0;
	int8_t nd = 0;
	int64_t y, best;

	if (n < 3)
		return 0;
	for (k = 0; k < 12; k++)
		if (tolower((unsigned char)s[0]) == months[3 * k] &&
		    tolower((unsigned char)s[1]) == months[3 * k + 1] &&
		    tolower((unsigned char)s[2]) == months[3 * k + 2])
			mo = k + 1;
	if (mo == 0 || n < 4 || s[3] != ' ')
		return 0;
	i = 4;
	/* "Nov  3", "Nov 03" or "Nov 3". */
	if (i < n && s[i] == ' ')
		i++;
	if (i < n && s[i] >= '0' && s[i] <= '9') {
		d = s[i++] - '0';
		if (i < n && s[i] >= '0' && s[i] <= '9')
			d = d * 10 + (s[i++] - '0');
	} else {
		return 0;
	}
	if (i >= n || s[i++] != ' ')
		return 0;
	if ((h = digits(s, n, &i, 2)) < 0 || i >= n || s[i++] != ':' ||
	    (mi = digits(s, n, &i, 2)) < 0 || i >= n || s[i++] != ':' ||
	    (se = digits(s, n, &i, 2)) < 0)
		return 0;
	if (i + 1 < n && s[i] == '.' && s[i + 1] >= '0' && s[i + 1] <= '9') {
		i++;
		fraction(s, n, &i, &nsec, &nd);
	}
	if (year > 0) {
		if (!civil_ok(year, mo, d, h, mi, se))
			return 0;
		y = year;
	} else if ((y = yearless(mo, d, h, mi, se, NULL, now_sec)) < 0) {
		return 0;
	}
	best = civil_instant(y, mo, d, h, mi, se);
	if (best < SEC_MIN || best > SEC_MAX)
		return 0;
	t->sec = best;
	t->nsec = nsec;
	t->digits = nd;
	return i;
}

/* The conversions of a strptime format that decide how its result is
 * read. */
struct fmt_info {
	int has_year; /* a conversion that sets the year */
	int has_z;    /* %z: the text carries an offset */
	int has_s;    /* %s: the text is an instant */
};

static void
fmt_scan(const char *fmt, struct fmt_info *fi)
{
	const char *p;

	memset(fi, 0, sizeof *fi);
	for (p = fmt; *p; p++) {
		if (*p != '%')
			continue;
		if (p[1] == 'E' || p[1] == 'O')
			p++;
		if (p[1] == '\0')
			break;
		p++;
		if (*p == 'z')
			fi->has_z = 1;
		else if (*p == 's')
			fi->has_s = 1;
		else if (strchr("YyCFDcx", *p) != NULL)
			fi->has_year = 1;
	}
}

/* Offset of the first "%f" or "%Z" (the conversions tingle reads itself)
 * in fmt at or after from, with its letter in *c; or -1. */
static long
fmt_next_own(const char *fmt, size_t from, char *c)
{
	const char *p;

	for (p = fmt + from; *p; p++) {
		if (*p != '%')
			continue;
		if (p[1] == 'f' || p[1] == 'Z') {
			*c = p[1];
			return p - fmt;
		}
		if (p[1] == 'E' || p[1] == 'O')
			p++;
		if (p[1] == '\0')
			break;
		p++;
	}
	return -1;
}

/* Read a zone abbreviation after optional blanks at s[*i]: letters
 * ("CET") or a sign and digits ("+03", as the tz database names some
 * zones).  Sets *name to it and returns its length, or 0. */
static size_t
zone_abbr(const char *s, size_t *i, const char **name)
{
	size_t k, n;

	while (s[*i] == ' ' || s[*i] == '\t')
		(*i)++;
	k = *i;
	if (isalpha((unsigned char)s[k])) {
		while (isalpha((unsigned char)s[k]))
			k++;
	} else if ((s[k] == '+' || s[k] == '-') &&
	           isdigit((unsigned char)s[k + 1])) {
		for (k++; isdigit((unsigned char)s[k]); k++)
			;
	}
	*name = s + *i;
	n = k - *i;
	*i = k;
	return n;
}

static int
utc_abbr(const char *s, size_t n)
{
	static const char *const names[] = {"UTC", "GMT", "UT", "Z"};
	size_t k;

	for (k = 0; k < sizeof names / sizeof names[0]; k++)
		if (strlen(names[k]) == n && strncasecmp(s, names[k], n) == 0)
			return 1;
	return 0;
}

/* The instant at which the current zone shows local (naive seconds) and
 * calls itself name: on the night clocks fall back, "01:30 CET" and
 * "01:30 CEST" are an hour apart.  Returns 0, or -1 when the zone never
 * shows that time under that name. */
static int
named_instant(int64_t local, const char *name, size_t n, int64_t *sec)
{
	int64_t c[3];
	struct tm tm;
	time_t tt;
	int k;

	if (tz_utc)
		return -1;
	c[0] = local_to_instant(local);
	c[1] = local - tz_offset(local - 86400);
	c[2] = local - tz_offset(local + 86400);
	for (k = 0; k < 3; k++) {
		tt = (time_t)c[k];
		if (!shows(c[k], local) || localtime_r(&tt, &tm) == NULL ||
		    tm.tm_zone == NULL)
			continue;
		if (strlen(tm.tm_zone) == n &&
		    memcmp(tm.tm_zone, name, n) == 0) {
			*sec = c[k];
			return 0;
		}
	}
	return -1;
}

int
ts_parse_fmt(const char *s, size_t n, const char *fmt, int year,
             int64_t now_sec, tstamp_t *t)
{
	char buf[512], f[512], zone[16];
	const char *p, *name;
	struct fmt_info fi;
	int32_t nsec = 0;
	int8_t nd = 0;
	size_t zl = 0, fl = strlen(fmt), i, j, from = 0;
	struct tm tm;
	int64_t sec, y;
	long k, off;
	char c;

	if (n >= sizeof buf || memchr(s, '\0', n) != NULL || fl >= sizeof f)
		return -1;
	memcpy(buf, s, n);
	buf[n] = '\0';
	memcpy(f, fmt, fl + 1);
	fmt_scan(f, &fi);
	memset(&tm, 0, sizeof tm);
	tm.tm_mday = 1;
	tm.tm_isdst = -1;
	/*
	 * strptime cannot read "%f" and only skips "%Z".  Each is found by
	 * matching the format up to it, read here, and cut from both text
	 * and format, so that one strptime call reads all the rest (its %p
	 * must see the %I that came before).
	 */
	while ((k = fmt_next_own(f, from, &c)) >= 0) {
		struct tm scratch = tm;

		f[k] = '\0';
		p = strptime(buf, f, &scratch);
		f[k] = '%';
		if (p == NULL)
			return -1;
		i = j = (size_t)(p - buf);
		if (c == 'f') {
			if (fraction(buf, n, &j, &nsec, &nd) < 0)
				return -1;
		} else {
			zl = zone_abbr(buf, &j, &name);
			if (zl == 0 || zl >= sizeof zone)
				return -1;
			memcpy(zone, name, zl);
		}
		memmove(buf + i, buf + j, n - j + 1);
		n -= j - i;
		memmove(f + k, f + k + 2, strlen(f + k + 2) + 1);
		from = (size_t)k;
	}
	if ((p = strptime(buf, f, &tm)) == NULL || *p != '\0')
		return -1;
	if (fi.has_s) {
		/* strptime read %s through the C library's zone. */
		time_t tt = mktime(&tm);

		if (tt == (time_t)-1)
			return -1;
		sec = tt;
	} else {
		int mo = tm.tm_mon + 1, d = tm.tm_mday, h = tm.tm_hour;
		int mi = tm.tm_min, se = tm.tm_sec;
		int fixed = fi.has_z || (zl > 0 && utc_abbr(zone, zl));

		off = fi.has_z ? tm.tm_gmtoff : 0;
		if (fi.has_year)
			y = (int64_t)tm.tm_year + 1900;
		else if (year > 0)
			y = year;
		else if ((y = yearless(mo, d, h, mi, se, fixed ? &off : NULL,
		                       now_sec)) < 0)
			return -1;
		/* strptime lets a day 31 into every month and a second
		 * 61 through: bad input, not a date mktime would move. */
		if (!civil_ok(y, mo, d, h, mi, se))
			return -1;
		tm.tm_year = (int)(y - 1900);
		if (fixed)
			sec = naive_seconds(&tm) - off;
		else if (zl > 0) {
			if (named_instant(naive_seconds(&tm), zone, zl, &sec) <
			    0)
				return -1;
		} else
			sec = tz_mktime(&tm);
	}
	if (sec < SEC_MIN || sec > SEC_MAX)
		return -1;
	t->sec = sec;
	t->nsec = nsec;
	t->digits = nd;
	return 0;
}

/* ---- formatting --------------------------------------------------------- */

/* Write v as exactly w decimal digits at p (v >= 0); returns p + w. */
static char *
put_digits(char *p, int64_t v, int w)
{
	for (int i = w - 1; i >= 0; i--) {
		p[i] = (char)('0' + v % 10);
		v /= 10;
	}
	return p + w;
}

size_t
ts_format_ms(int64_t ms, char *out)
{
	tstamp_t t = ts_from_ms(ms);

	return ts_format(&t, out);
}

void
ts_utc_civil(int64_t sec, struct tm *tm)
{
	utc_civil(sec, 0, tm);
}

int64_t
ts_mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

size_t
ts_format(const tstamp_t *t, char *out)
{
	long off = tz_offset(t->sec);
	struct tm tm;
	int nd = t->digits < 0 ? 0 : t->digits > 9 ? 9 : t->digits;
	int64_t year;
	char *p = out;

	/* RFC 3339 offsets have whole minutes; an old local mean time with
	 * seconds is written rounded down, with the civil time to match, so
	 * the text still names the same instant. */
	off = floordiv(off, 60) * 60;
	utc_civil(t->sec, off, &tm);
	year = (int64_t)tm.tm_year + 1900;
	if (year < 0 || year > 9999) {
		/* Outside RFC 3339; written so that it is at least visible. */
		p += snprintf(out, TS_MAXLEN + 1, "%lld", (long long)year);
	} else {
		p = put_digits(p, year, 4);
	}
	*p++ = '-';
	p = put_digits(p, tm.tm_mon + 1, 2);
	*p++ = '-';
	p = put_digits(p, tm.tm_mday, 2);
	*p++ = 'T';
	p = put_digits(p, tm.tm_hour, 2);
	*p++ = ':';
	p = put_digits(p, tm.tm_min, 2);
	*p++ = ':';
	p = put_digits(p, tm.tm_sec, 2);
	if (nd > 0) {
		int64_t ns = t->nsec < 0 ? 0 : t->nsec % 1000000000;

		*p++ = '.';
		p = put_digits(p, ns / p10[9 - nd], nd);
	}
	if (tz_utc) {
		*p++ = 'Z';
	} else {
		long a = off < 0 ? -off : off;

		*p++ = off < 0 ? '-' : '+';
		p = put_digits(p, a / 3600 % 100, 2);
		*p++ = ':';
		p = put_digits(p, a / 60 % 60, 2);
	}
	*p = '\0';
	return (size_t)(p - out);
}

/* ---- durations ---------------------------------------------------------- */

int
dur_parse(const char *s, int64_t *ms)
{
	static const struct {
		const char *name;
		int64_t ms;
	} units[] = {
	    {"ms", 1},      {"s", 1000},       {"m", 60000},
	    {"h", 3600000}, {"d", MS_PER_DAY}, {"w", MS_PER_WEEK},
	};
	int64_t total = 0;

	if (s == NULL || *s == '\0')
		return -1;
	if (strcmp(s, "0") == 0) {
		*ms = 0;
		return 0;
	}
	while (*s) {
		int64_t ip = 0, fp = 0, u = 0, v;
		int fd = 0, any = 0;
		size_t k, ul = 0;

		for (; *s >= '0' && *s <= '9'; s++) {
			any = 1;
			if (ip > (INT64_MAX - (*s - '0')) / 10)
				return -1;
			ip = ip * 10 + (*s - '0');
		}
		if (*s == '.') {
			for (s++; *s >= '0' && *s <= '9'; s++) {
				if (fd == 9)
					return -1;
				fp = fp * 10 + (*s - '0');
				fd++;
			}
			if (fd == 0)
				return -1;
		}
		if (!any && fd == 0)
			return -1;
		for (k = 0; k < sizeof units / sizeof units[0]; k++) {
			size_t l = strlen(units[k].name);

			if (strncmp(s, units[k].name, l) == 0 && l > ul) {
				u = units[k].ms;
				ul = l;
			}
		}
		if (u == 0)
			return -1;
		s += ul;
		/* The fraction must come to whole milliseconds. */
		if (fp * u % p10[fd] != 0)
			return -1;
		if (ip > INT64_MAX / u)
			return -1;
		v = ip * u + fp * u / p10[fd];
		if (v < 0 || total > INT64_MAX - v)
			return -1;
		total += v;
	}
	*ms = total;
	return 0;
}

char *
dur_format(int64_t ms, char *out, size_t outlen)
{
	static const struct {
		const char *name;
		uint64_t ms;
	} units[] = {
	    {"w", MS_PER_WEEK}, {"d", MS_PER_DAY}, {"h", 3600000},
	    {"m", 60000},       {"s", 1000},       {"ms", 1},
	};
	uint64_t v = ms < 0 ? -(uint64_t)ms : (uint64_t)ms;
	size_t len = 0, k;
	int w;

	if (outlen == 0)
		return out;
	out[0] = '\0';
	if (v == 0) {
		snprintf(out, outlen, "0s");
		return out;
	}
	if (ms < 0) {
		w = snprintf(out, outlen, "-");
		len = (size_t)w < outlen ? (size_t)w : outlen - 1;
	}
	for (k = 0; k < sizeof units / sizeof units[0]; k++) {
		if (v < units[k].ms)
			continue;
		w = snprintf(out + len, outlen - len, "%llu%s",
		             (unsigned long long)(v / units[k].ms),
		             units[k].name);
		if (w < 0 || (size_t)w >= outlen - len) {
			out[len] = '\0';
			break;
		}
		len += (size_t)w;
		v %= units[k].ms;
	}
	return out;
}

/*
 * Is s[0..n) already RFC 3339 as tingle writes it: "YYYY-MM-DDTHH:MM:SS",
 * an optional fraction, and "Z" or "+HH:MM"?  Such a stamp is left as it
 * is written.  A leap second (":60") is not: tingle writes it as the next
 * second, in --tz like any other time.
 */
int
ts_is_rfc3339(const char *s, size_t n)
{
	static const char shape[] = "dddd-dd-ddTdd:dd:dd";
	size_t i;

	if (n < 20)
		return 0;
	for (i = 0; i < 19; i++)
		if (shape[i] == 'd' ? !isdigit((unsigned char)s[i])
		                    : s[i] != shape[i])
			return 0;
	if (s[17] > '5')
		return 0;
	if (s[i] == '.') {
		size_t d = ++i;
		while (i < n && isdigit((unsigned char)s[i]))
			i++;
		if (i == d)
			return 0;
	}
	if (i + 1 == n && s[i] == 'Z')
		return 1;
	return i + 6 == n && (s[i] == '+' || s[i] == '-') &&
	       isdigit((unsigned char)s[i + 1]) &&
	       isdigit((unsigned char)s[i + 2]) && s[i + 3] == ':' &&
	       isdigit((unsigned char)s[i + 4]) &&
	       isdigit((unsigned char)s[i + 5]);
}
