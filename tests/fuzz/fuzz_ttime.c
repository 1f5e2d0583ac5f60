/*
 * fuzz_ttime.c - fuzz test of the time parsers and zone arithmetic.
 *
 * Every parser gets the input as text; what it accepts must survive a
 * round trip: a parsed time, written by ts_format() and read back by
 * ts_parse_iso(), is the same instant with the same fraction digits, in
 * UTC and in a zone with daylight saving; a parsed duration, written by
 * dur_format() and read back, is the same number of milliseconds.  The
 * first bytes, read as an instant, also check the zone arithmetic: the
 * civil time of an instant maps back to it (or to the earlier of two
 * instants in a repeated hour), and the instant lies in the day
 * tz_day_start() names.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ttime.h"

static const char *const zones[] = {
    "UTC",
    "Europe/Berlin",
    "America/Chicago",
    "Asia/Kolkata",
    "America/Santiago",
    "Australia/Lord_Howe",
    "America/Havana",
    "Pacific/Apia",
    "Europe/Dublin",
};

#define NOW 1781524800 /* 2026-06-15T12:00:00Z */

static void
fail(const char *what, const uint8_t *p, size_t n)
{
	fprintf(stderr, "fuzz_ttime: %s (zone %s)\ninput: ", what,
	        tz_utc ? "UTC" : getenv("TZ"));
	fwrite(p, 1, n > 200 ? 200 : n, stderr);
	fputc('\n', stderr);
	abort();
}

/* ts_format() then ts_parse_iso() gives t back. */
static void
round_trip(const tstamp_t *t, const uint8_t *p, size_t n)
{
	char out[TS_MAXLEN + 1];
	tstamp_t back;
	size_t len = ts_format(t, out);
	int32_t want;

	if (len != strlen(out) || len > TS_MAXLEN)
		fail("ts_format length is wrong", p, n);
	if (ts_parse_iso(out, len, &back) < 0)
		fail("ts_format output does not parse", p, n);
	want = t->digits == 0 ? 0 : t->nsec;
	if (t->digits > 0 && t->digits < 9) {
		int32_t unit = 1;

		for (int i = t->digits; i < 9; i++)
			unit *= 10;
		want = t->nsec / unit * unit;
	}
	if (back.sec != t->sec || back.nsec != want || back.digits != t->digits)
		fail("time does not round-trip", p, n);
}

static void
check_times(const uint8_t *p, size_t n)
{
	const char *s = (const char *)p;
	tstamp_t t;
	size_t k;

	if (ts_parse_iso(s, n, &t) == 0) {
		if (t.digits < 0 || t.digits > 9 || t.nsec < 0 ||
		    t.nsec >= 1000000000)
			fail("ts_parse_iso result out of range", p, n);
		round_trip(&t, p, n);
	}
	if (ts_parse_json(s, n, &t) == 0) {
		if (t.digits < 0 || t.digits > 9 || t.nsec < 0 ||
		    t.nsec >= 1000000000)
			fail("ts_parse_json result out of range", p, n);
		round_trip(&t, p, n);
	}
	if ((k = ts_parse_syslog(s, n, 0, NOW, &t)) > 0) {
		if (k > n)
			fail("ts_parse_syslog consumed too much", p, n);
		if (t.sec > NOW + 86400 || t.sec < NOW - 9 * 366 * 86400LL)
			fail("ts_parse_syslog picked a far year", p, n);
		round_trip(&t, p, n);
	}
	if (ts_parse_fmt(s, n, "%Y-%m-%d %H:%M:%S.%f %z", 0, NOW, &t) == 0)
		round_trip(&t, p, n);
	if (ts_parse_fmt(s, n, "%d/%b/%Y:%H:%M:%S", 0, NOW, &t) == 0)
		round_trip(&t, p, n);
	/* Without a year: the syslog rule, as for ts_parse_syslog. */
	if (ts_parse_fmt(s, n, "%d/%m %I:%M:%S.%f %p %Z", 0, NOW, &t) == 0) {
		if (t.sec > NOW + 2 * 86400 || t.sec < NOW - 9 * 366 * 86400LL)
			fail("ts_parse_fmt picked a far year", p, n);
		round_trip(&t, p, n);
	}
}

static void
check_duration(const uint8_t *p, size_t n)
{
	char s[64], out[64];
	int64_t ms, back;

	if (n >= sizeof s || memchr(p, '\0', n) != NULL)
		return;
	memcpy(s, p, n);
	s[n] = '\0';
	if (dur_parse(s, &ms) < 0)
		return;
	if (ms < 0)
		fail("dur_parse gives a negative duration", p, n);
	dur_format(ms, out, sizeof out);
	if (dur_parse(out, &back) < 0 || back != ms)
		fail("duration does not round-trip", p, n);
}

static void
check_zone(const uint8_t *p, size_t n)
{
	uint64_t u = 0;
	int64_t sec, back, day, next;
	struct tm tm;

	if (n < 8)
		return;
	for (int i = 0; i < 8; i++)
		u = u << 8 | p[i];
	/* Years 1800 to 2200. */
	sec = (int64_t)(u % 12623040000ULL) - 5364662400LL;
	tz_civil(sec, &tm);
	back = tz_mktime(&tm);
	if (back != sec && !(back < sec && tz_offset(back) > tz_offset(sec)))
		fail("civil time does not map back", p, n);
	day = tz_day_start(sec);
	next = tz_add_days(day, 1);
	if (day > sec || next <= sec)
		fail("instant outside the day tz_day_start names", p, n);
	/* Apia, moving across the date line, had 4 July 1892 twice: a day
	 * of 48 hours. */
	if (next - day < 20 * 3600 || next - day > 48 * 3600)
		fail("a day of implausible length", p, n);
	tz_civil(day, &tm);
	if (tm.tm_hour * 3600 + tm.tm_min * 60 + tm.tm_sec > 3 * 3600)
		fail("a day starting late", p, n);
	if (tz_weekday(sec) != (tz_weekday(day)))
		fail("weekday differs within a day", p, n);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *zone =
	    zones[size ? data[0] % (sizeof zones / sizeof zones[0]) : 0];

	if (tz_set("UTC") < 0)
		abort();
	check_times(data, size);
	check_duration(data, size);
	if (tz_set(zone) < 0)
		abort();
	check_times(data, size);
	check_zone(data + (size > 0), size - (size > 0));
	return 0;
}
