/*
 * ttime.h - event times: parsing the forms SPEC.md accepts, formatting as
 * RFC 3339, time zones through the C library's tz database, durations.
 *
 * The process works in one zone: rio_init() sets TZ to UTC, and --tz NAME
 * (tz_set) switches it to an IANA zone, so localtime_r() and mktime() give
 * that zone's civil time.  Nothing depends on the machine's own zone.
 */
#ifndef TINGLE_TTIME_H
#define TINGLE_TTIME_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

/* An instant: seconds since the epoch, nanoseconds, and how many
 * fraction digits the input had (kept on output, 0..9). */
typedef struct tstamp {
	int64_t sec;
	int32_t nsec;
	int8_t digits;
} tstamp_t;

/*
 * Make NAME (an IANA zone such as "Europe/Berlin", or "UTC") the process's
 * zone.  Returns 0, or -1 if no such zone exists in the tz database (a
 * name that would silently mean UTC is refused).  tz_utc is 1 while the
 * zone is UTC.
 */
int tz_set(const char *name);
extern int tz_utc;

/*
 * Parse RFC 3339 / ISO 8601: "2026-11-29T13:58:36Z", with a space instead
 * of T, with or without seconds' fraction (any number of digits), with
 * zone "Z", "+01:00", "+0100", "+01" or none (then the current zone).
 * A bare date "2026-11-29" is midnight in the current zone.  A leap second
 * (second 60, as RFC 3339 allows) is the instant after second 59, the
 * next minute's :00, as POSIX time counts it.  Returns 0 or
 * -1.  The whole of s[0..n) must be consumed.
 */
int ts_parse_iso(const char *s, size_t n, tstamp_t *t);

/*
 * ts_parse_iso, also storing in *off the UTC offset, in seconds, that s
 * was written with ("+05:30" is 19800, "Z" is 0), or for a time without a
 * zone that of the current zone at the instant read.  off may be NULL.
 */
int ts_parse_iso_off(const char *s, size_t n, tstamp_t *t, long *off);

/*
 * Parse a JSON value's raw text as a time: a string holding an ISO/RFC 3339
 * time or an epoch number, or a number, the number by ts_parse_epoch's
 * rule.  Returns 0 or -1.
 */
int ts_parse_json(const char *v, size_t vlen, tstamp_t *t);

/* ts_parse_json, also storing in *off the offset the time was written
 * with, as ts_parse_iso_off does; an epoch number has the current zone's
 * offset at its instant.  off may be NULL. */
int ts_parse_json_off(const char *v, size_t vlen, tstamp_t *t, long *off);

/*
 * The one rule for epoch times, which every stage applies to numbers and
 * to strings alike: the text of a decimal number ("1781524800",
 * "-1.5", "1.7815248e9"; an optional minus, digits, a fraction, an
 * exponent, nothing else) is epoch seconds when its magnitude is under
 * 1e11 (before 5138), else milliseconds (from 1973 on).  The instant must
 * lie within 0000-01-03 and 9999-12-29 UTC, so that it prints with a
 * four-digit year in every zone.  Fraction digits are kept, up to 9.
 * Returns 0 or -1.
 */
int ts_parse_epoch(const char *s, size_t n, tstamp_t *t);

/* The same rule for a number held as a double (a computed value): its
 * shortest decimal text goes to ts_parse_epoch. */
int ts_epoch_num(double d, tstamp_t *t);

/*
 * Parse a syslog (RFC 3164) stamp "Oct 10 15:59:28" or "Oct  3 05:01:02",
 * optionally with ".123456" fraction, at the start of s.  The year is the
 * one that puts the stamp closest to, and not after, now_sec (allowing a
 * day of clock skew), unless year > 0 is given.  The stamp is in the
 * current zone.  Returns the number of bytes consumed, or 0.
 */
size_t ts_parse_syslog(const char *s, size_t n, int year, int64_t now_sec,
                       tstamp_t *t);

/*
 * Parse s with a strptime(3) format in the current zone.  "%f" (tingle's
 * own) reads the digits of a fraction of a second; "%z" an offset; "%Z" a
 * zone abbreviation: UTC, GMT, UT or Z, or one the current zone uses at
 * that time (CET or CEST in Europe/Berlin, which also tells the two
 * 02:30s of a fall-back night apart); "%s" an instant.  A date that does
 * not exist (Feb 29 of 2026, April 31, hour 24, second 61) is refused,
 * never moved to another day.  A format that sets no year takes year
 * when it is > 0, else the syslog rule (see ts_parse_syslog) with
 * now_sec.  The whole of s[0..n) must match.  Returns 0 or -1.
 */
int ts_parse_fmt(const char *s, size_t n, const char *fmt, int year,
                 int64_t now_sec, tstamp_t *t);

/*
 * Format t as RFC 3339: in UTC with "Z" when the zone is UTC, else with
 * the zone's offset.  Writes at most TS_MAXLEN bytes plus NUL into out and
 * returns the length.
 */
#define TS_MAXLEN 40
size_t ts_format(const tstamp_t *t, char *out);

/*
 * Is s[0..n) already RFC 3339 as tingle writes it: "YYYY-MM-DDTHH:MM:SS",
 * an optional fraction, and "Z" or "+HH:MM"?  A leap second (":60") is
 * not: tingle writes it as the next second.
 */
int ts_is_rfc3339(const char *s, size_t n);

/* Milliseconds since the epoch of t, rounded down. */
static inline int64_t
ts_to_ms(const tstamp_t *t)
{
	return t->sec * 1000 + t->nsec / 1000000;
}

/* The instant ms milliseconds after the epoch (before it if negative),
 * with 3 fraction digits when it is not a whole second, else none. */
static inline tstamp_t
ts_from_ms(int64_t ms)
{
	int64_t r = ms % 1000;
	tstamp_t t;

	if (r < 0)
		r += 1000;
	t.sec = (ms - r) / 1000;
	t.nsec = (int32_t)(r * 1000000);
	t.digits = r != 0 ? 3 : 0;
	return t;
}

/* ts_format of ts_from_ms(ms).  Returns the length. */
size_t ts_format_ms(int64_t ms, char *out);

/* Days from 1970-01-01 to the proleptic Gregorian date y-m-d (m 1..12,
 * d 1..31); negative before 1970. */
int64_t ts_days_from_civil(int64_t y, int m, int d);

/* Civil time of sec in UTC (gmtime_r), for any year the zone code
 * handles. */
void ts_utc_civil(int64_t sec, struct tm *tm);

/* Milliseconds of the monotonic clock: for timeouts and intervals, never
 * for event times. */
int64_t ts_mono_ms(void);

/* Civil time of sec in the current zone (localtime_r). */
void tz_civil(int64_t sec, struct tm *tm);

/* UTC offset of the current zone at sec, in seconds. */
long tz_offset(int64_t sec);

/*
 * Instant of civil time tm in the current zone.  For a time that does not
 * exist (spring forward) the later side is used; for one that exists twice
 * (fall back) the earlier.
 */
int64_t tz_mktime(const struct tm *tm);

/* Start of the calendar day holding sec, in the current zone. */
int64_t tz_day_start(int64_t sec);

/* Start of the day n days after the day starting at day_start. */
int64_t tz_add_days(int64_t day_start, int n);

/* Weekday of sec in the current zone, 0 = Monday ... 6 = Sunday. */
int tz_weekday(int64_t sec);

/* ---- durations ------------------------------------------------------ */

/*
 * Parse a duration: one or more NUMBER UNIT terms with units ms, s, m, h,
 * d, w ("500ms", "1h30m", "1.5h"); a bare 0 is allowed.  Stores
 * milliseconds.  Returns 0 or -1.
 */
int dur_parse(const char *s, int64_t *ms);

/* Format ms compactly ("1h30m", "500ms", "0s").  Returns out. */
char *dur_format(int64_t ms, char *out, size_t outlen);

#define MS_PER_DAY 86400000LL
#define MS_PER_WEEK (7 * MS_PER_DAY)

#endif
