/*
 * test_ttime.c - unit tests for lib/ttime.c: every accepted time form,
 * refusals, RFC 3339 output in UTC and in zones, syslog year inference,
 * durations, and calendar days across daylight-saving changes.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "ttime.h"

/* Seconds of an RFC 3339 time with an explicit zone (zone-independent). */
static int64_t
at(const char *s)
{
	tstamp_t t;

	if (ts_parse_iso(s, strlen(s), &t) < 0)
		fail_msg("test helper cannot parse '%s'", s);
	return t.sec;
}

static void
use_zone(const char *name)
{
	assert_int_equal(tz_set(name), 0);
}

/* Parse s as ISO and format the result in the current zone. */
static const char *
iso_round(const char *s)
{
	static char out[TS_MAXLEN + 1];
	tstamp_t t;

	if (ts_parse_iso(s, strlen(s), &t) < 0)
		return "(error)";
	ts_format(&t, out);
	return out;
}

static const char *
fmt(int64_t sec, int32_t nsec, int digits)
{
	static char out[TS_MAXLEN + 1];
	tstamp_t t = {sec, nsec, (int8_t)digits};
	size_t n = ts_format(&t, out);

	assert_int_equal(n, strlen(out));
	return out;
}

static int
iso_fails(const char *s)
{
	tstamp_t t;

	return ts_parse_iso(s, strlen(s), &t) < 0;
}

static tstamp_t
json(const char *v)
{
	tstamp_t t = {0, 0, 0};

	if (ts_parse_json(v, strlen(v), &t) < 0)
		fail_msg("ts_parse_json refused %s", v);
	return t;
}

static int
json_fails(const char *v)
{
	tstamp_t t;

	return ts_parse_json(v, strlen(v), &t) < 0;
}

/* ---- ISO / RFC 3339 ----------------------------------------------------- */

/* Runs first: before any tz_set() the zone is UTC, whatever TZ says. */
static void
default_zone_is_utc(void **state)
{
	(void)state;
	char out[TS_MAXLEN + 1];
	tstamp_t t;

	assert_int_equal(tz_utc, 1);
	assert_int_equal(ts_parse_iso("2026-11-29T13:58:36", 19, &t), 0);
	assert_int_equal(t.sec, 1795960716);
	ts_format(&t, out);
	assert_string_equal(out, "2026-11-29T13:58:36Z");
	assert_int_equal(tz_offset(t.sec), 0);
	assert_int_equal(tz_day_start(t.sec), 1795910400);
}

static void
iso_accepts_every_form(void **state)
{
	(void)state;
	use_zone("UTC");
	int64_t base = 1795960716; /* 2026-11-29T13:58:36Z */
	tstamp_t t;

	assert_int_equal(at("2026-11-29T13:58:36Z"), base);
	assert_int_equal(at("2026-11-29 13:58:36Z"), base);
	assert_int_equal(at("2026-11-29t13:58:36z"), base);
	assert_int_equal(at("2026-11-29T14:58:36+01:00"), base);
	assert_int_equal(at("2026-11-29T14:58:36+0100"), base);
	assert_int_equal(at("2026-11-29T14:58:36+01"), base);
	assert_int_equal(at("2026-11-29T08:28:36-05:30"), base);
	assert_int_equal(at("2026-11-29T13:58:36-00:00"), base);
	assert_int_equal(at("2026-11-29T13:58Z"), base - 36);
	/* No zone: the current zone, UTC here. */
	assert_int_equal(at("2026-11-29T13:58:36"), base);
	assert_int_equal(at("2026-11-29 13:58:36"), base);
	assert_int_equal(at("2026-11-29"), base - 13 * 3600 - 58 * 60 - 36);
	assert_int_equal(at("1970-01-01T00:00:00Z"), 0);
	assert_int_equal(at("1969-12-31T23:59:59Z"), -1);
	assert_int_equal(at("2024-02-29T00:00:00Z"), 1709164800);
	assert_int_equal(at("0001-01-01T00:00:00Z"), -62135596800LL);
	assert_int_equal(at("9999-01-01T00:00:00+14:00"), 253370714400LL);
	/* The whole of s[0..n) only. */
	assert_int_equal(ts_parse_iso("2026-11-29T13:58:36Zjunk", 20, &t), 0);
	assert_int_equal(t.sec, base);
	assert_int_equal(t.digits, 0);
}

static void
iso_keeps_fraction_digits(void **state)
{
	(void)state;
	use_zone("UTC");
	tstamp_t t;

	assert_int_equal(ts_parse_iso("2026-11-29T13:58:36.5Z", 22, &t), 0);
	assert_int_equal(t.nsec, 500000000);
	assert_int_equal(t.digits, 1);
	assert_int_equal(ts_parse_iso("2026-11-29T13:58:36.120+01:00", 29, &t),
	                 0);
	assert_int_equal(t.sec, at("2026-11-29T12:58:36Z"));
	assert_int_equal(t.nsec, 120000000);
	assert_int_equal(t.digits, 3);
	assert_int_equal(ts_parse_iso("2026-11-29 13:58:36,375624", 26, &t), 0);
	assert_int_equal(t.nsec, 375624000);
	assert_int_equal(t.digits, 6);
	assert_int_equal(ts_parse_iso("2026-11-29T13:58:36.123456789Z", 30, &t),
	                 0);
	assert_int_equal(t.nsec, 123456789);
	assert_int_equal(t.digits, 9);
	/* Digits beyond nanoseconds are dropped, not rounded. */
	assert_int_equal(
	    ts_parse_iso("2026-11-29T13:58:36.1234567899999Z", 34, &t), 0);
	assert_int_equal(t.nsec, 123456789);
	assert_int_equal(t.digits, 9);
	assert_string_equal(iso_round("2026-11-29T13:58:36.000Z"),
	                    "2026-11-29T13:58:36.000Z");
	assert_string_equal(iso_round("2026-11-29T14:58:36.000100+01:00"),
	                    "2026-11-29T13:58:36.000100Z");
}

static void
iso_refuses_bad_input(void **state)
{
	(void)state;
	use_zone("UTC");
	static const char *const bad[] = {
	    "",
	    "2026",
	    "2026-11",
	    "2026-11-2",
	    "26-11-29",
	    "2026/11/29",
	    "2026-13-01",
	    "2026-00-10",
	    "2026-02-29",
	    "2026-04-31",
	    "2026-11-00",
	    "2026-11-29T",
	    "2026-11-29X13:58:36Z",
	    "2026-11-29T24:00:00Z",
	    "2026-11-29T13:60:00Z",
	    "2026-11-29T13:58:61Z",
	    "2026-11-29T13:58:3Z",
	    "2026-11-29T1:58:36Z",
	    "2026-11-29T13:58:36.Z",
	    "2026-11-29T13:58:36+1",
	    "2026-11-29T13:58:36+01:0",
	    "2026-11-29T13:58:36+01:60",
	    "2026-11-29T13:58:36+24:00",
	    "2026-11-29T13:58:36+01:00:00",
	    "2026-11-29T13:58:36Z ",
	    " 2026-11-29T13:58:36Z",
	    "2026-11-29T13:58:36UTC",
	    "2026-11-29T13:58:36ZZ",
	    "abcd-ef-ghT13:58:36Z",
	    /* Instants that would not print with four digits everywhere. */
	    "0000-01-01T00:00:00Z",
	    "9999-12-31T23:59:59Z",
	    "9999-12-31",
	};
	size_t i;

	for (i = 0; i < sizeof bad / sizeof bad[0]; i++)
		if (!iso_fails(bad[i]))
			fail_msg("accepted '%s'", bad[i]);
}

static void
iso_without_zone_uses_current_zone(void **state)
{
	(void)state;
	use_zone("Europe/Berlin");
	assert_int_equal(at("2026-11-29T13:58:36"), at("2026-11-29T12:58:36Z"));
	assert_int_equal(at("2026-07-01 13:58:36"), at("2026-07-01T11:58:36Z"));
	assert_int_equal(at("2026-11-29"), at("2026-11-28T23:00:00Z"));
	/* An explicit zone wins over the current one. */
	assert_int_equal(at("2026-11-29T13:58:36Z"), 1795960716);
	use_zone("Asia/Kolkata");
	assert_int_equal(at("2026-11-29T13:58:36"), at("2026-11-29T08:28:36Z"));
	use_zone("UTC");
}

/* ---- JSON values and epoch numbers -------------------------------------- */

static void
json_accepts_strings_and_numbers(void **state)
{
	(void)state;
	use_zone("UTC");
	tstamp_t t;

	t = json("\"2026-11-29T13:58:36Z\"");
	assert_int_equal(t.sec, 1795960716);
	t = json("\"2026-11-29T13:58:36.250+01:00\"");
	assert_int_equal(t.sec, 1795957116);
	assert_int_equal(t.nsec, 250000000);
	assert_int_equal(t.digits, 3);
	t = json("1521233195");
	assert_int_equal(t.sec, 1521233195);
	assert_int_equal(t.nsec, 0);
	assert_int_equal(t.digits, 0);
	t = json("1521233195.375624");
	assert_int_equal(t.sec, 1521233195);
	assert_int_equal(t.nsec, 375624000);
	assert_int_equal(t.digits, 6);
	t = json("\"1521233195\"");
	assert_int_equal(t.sec, 1521233195);
	t = json("\"1521233195.5\"");
	assert_int_equal(t.nsec, 500000000);
	assert_int_equal(t.digits, 1);
	/* Fractions as written, trailing zeros included. */
	t = json("1521233195.100");
	assert_int_equal(t.nsec, 100000000);
	assert_int_equal(t.digits, 3);
	/* Exponents, as some JSON writers produce. */
	t = json("1.521233195375624e9");
	assert_int_equal(t.sec, 1521233195);
	assert_int_equal(t.nsec, 375624000);
	assert_int_equal(t.digits, 6);
	t = json("1.5E+3");
	assert_int_equal(t.sec, 1500);
	assert_int_equal(t.digits, 0);
	t = json("15e-1");
	assert_int_equal(t.sec, 1);
	assert_int_equal(t.nsec, 500000000);
	assert_int_equal(t.digits, 1);
	t = json("0");
	assert_int_equal(t.sec, 0);
	t = json("0.001");
	assert_int_equal(t.sec, 0);
	assert_int_equal(t.nsec, 1000000);
	assert_int_equal(t.digits, 3);
}

static void
json_numbers_from_1e11_are_milliseconds(void **state)
{
	(void)state;
	tstamp_t t;

	t = json("1521233195375");
	assert_int_equal(t.sec, 1521233195);
	assert_int_equal(t.nsec, 375000000);
	assert_int_equal(t.digits, 3);
	t = json("1521233195375.25");
	assert_int_equal(t.sec, 1521233195);
	assert_int_equal(t.nsec, 375250000);
	assert_int_equal(t.digits, 5);
	t = json("\"1521233195000\"");
	assert_int_equal(t.sec, 1521233195);
	assert_int_equal(t.nsec, 0);
	assert_int_equal(t.digits, 3);
	/* Just below the threshold: seconds, in the year 5138. */
	t = json("99999999999");
	assert_int_equal(t.sec, 99999999999LL);
	assert_int_equal(t.digits, 0);
	t = json("99999999999.9");
	assert_int_equal(t.sec, 99999999999LL);
	assert_int_equal(t.nsec, 900000000);
	/* At it: milliseconds, in 1973. */
	t = json("100000000000");
	assert_int_equal(t.sec, 100000000);
	t = json("1e11");
	assert_int_equal(t.sec, 100000000);
	t = json("-100000000000");
	assert_int_equal(t.sec, -100000000);
	assert_string_equal(fmt(100000000, 0, 3), "1973-03-03T09:46:40.000Z");
}

static void
json_negative_epochs(void **state)
{
	(void)state;
	tstamp_t t;

	t = json("-1");
	assert_int_equal(t.sec, -1);
	assert_int_equal(t.nsec, 0);
	t = json("-1.5");
	assert_int_equal(t.sec, -2);
	assert_int_equal(t.nsec, 500000000);
	assert_int_equal(t.digits, 1);
	assert_string_equal(fmt(t.sec, t.nsec, t.digits),
	                    "1969-12-31T23:59:58.5Z");
	t = json("-0");
	assert_int_equal(t.sec, 0);
}

static void
json_refuses_other_values(void **state)
{
	(void)state;
	static const char *const bad[] = {
	    "",
	    "null",
	    "true",
	    "false",
	    "{}",
	    "[1521233195]",
	    "\"\"",
	    "\"yesterday\"",
	    "\"2026-11-29T13:58:36\\u005a\"",
	    "\"2026-11-29T13:58:36Z",
	    "\"1521233195x\"",
	    "-",
	    "1.",
	    ".5",
	    "1e",
	    "1e+",
	    "12a",
	    "1 ",
	    "+5",
	    "1e400",
	    "1e15",
	    "99999999999999999999999",
	};
	size_t i;

	for (i = 0; i < sizeof bad / sizeof bad[0]; i++)
		if (!json_fails(bad[i]))
			fail_msg("accepted %s", bad[i]);
}

static void
epoch_parses_text(void **state)
{
	(void)state;
	tstamp_t t;

	assert_int_equal(ts_parse_epoch("1521233195", 10, &t), 0);
	assert_int_equal(t.sec, 1521233195);
	assert_int_equal(ts_parse_epoch("1521233195.375", 14, &t), 0);
	assert_int_equal(t.nsec, 375000000);
	assert_int_equal(t.digits, 3);
	assert_int_equal(ts_parse_epoch("1521233195375", 13, &t), 0);
	assert_int_equal(t.sec, 1521233195);
	assert_int_equal(t.nsec, 375000000);
	/* Length, not the NUL, ends the number. */
	assert_int_equal(ts_parse_epoch("15212331959", 10, &t), 0);
	assert_int_equal(t.sec, 1521233195);
	assert_int_equal(ts_parse_epoch("", 0, &t), -1);
	assert_int_equal(ts_parse_epoch("abc", 3, &t), -1);
	assert_int_equal(ts_parse_epoch("1,5", 3, &t), -1);
	/* Many fraction digits: only nine are kept. */
	assert_int_equal(
	    ts_parse_epoch("1.1234567891234567891234567891234567891234567891234"
	                   "5678912345678912345678912345678912345",
	                   87, &t),
	    0);
	assert_int_equal(t.sec, 1);
	assert_int_equal(t.nsec, 123456789);
	assert_int_equal(t.digits, 9);
}

/* One rule for every stage: a number held as a double is read as its
 * text would be. */
static void
epoch_rule_is_the_same_for_doubles(void **state)
{
	(void)state;
	static const char *const texts[] = {
	    "1521233195",
	    "1521233195.375",
	    "1521233195375",
	    "99999999999",
	    "100000000000",
	    "-62135596800",
	    "1e9",
	    "1.5",
	    "-1.5",
	    "0",
	    "253402127999",
	    "-62167046400",
	    "1234567890123456",
	    "-377705116800000",
	    "1e16",
	    "253402128000",
	    "-62167046401",
	};
	tstamp_t a, b;
	size_t k;

	for (k = 0; k < sizeof texts / sizeof texts[0]; k++) {
		const char *s = texts[k];
		int ra = ts_parse_epoch(s, strlen(s), &a);
		int rb = ts_epoch_num(strtod(s, NULL), &b);

		if (ra != rb)
			fail_msg("'%s': text %d, double %d", s, ra, rb);
		if (ra == 0 && (a.sec != b.sec || a.nsec != b.nsec))
			fail_msg("'%s': text and double differ", s);
	}
	/* The range: years 0000 to 9999 in every zone, in s and ms. */
	assert_int_equal(ts_parse_epoch("1234567890123456", 16, &a), -1);
	assert_int_equal(ts_parse_epoch("-377705116800000", 16, &a), -1);
	assert_int_equal(ts_parse_epoch("253402127999999", 15, &a), 0);
	assert_int_equal(ts_parse_epoch("1e9", 3, &a), 0);
	assert_int_equal(a.sec, 1000000000);
	assert_int_equal(ts_parse_epoch("+5", 2, &a), -1);
	assert_int_equal(ts_epoch_num(1e17, &b), -1);
	assert_int_equal(ts_epoch_num(0.0 / 0.0, &b), -1);
	assert_int_equal(ts_epoch_num(1.0 / 0.0, &b), -1);
	assert_int_equal(ts_epoch_num(1521233195.25, &b), 0);
	assert_int_equal(b.sec, 1521233195);
	assert_int_equal(b.nsec, 250000000);
	assert_int_equal(b.digits, 2);
}

/* A leap second is the second after :59, in any zone. */
static void
iso_leap_second_is_the_next_second(void **state)
{
	(void)state;

	use_zone("UTC");
	assert_int_equal(at("2026-06-30T23:59:60Z"),
	                 at("2026-07-01T00:00:00Z"));
	assert_string_equal(iso_round("2026-06-30T23:59:60.5Z"),
	                    "2026-07-01T00:00:00.5Z");
	use_zone("America/Chicago");
	assert_string_equal(iso_round("2026-06-30T23:59:60Z"),
	                    "2026-06-30T19:00:00-05:00");
	assert_string_equal(iso_round("2026-06-30 18:59:60"),
	                    "2026-06-30T19:00:00-05:00");
	use_zone("UTC");
	assert_int_equal(iso_fails("2026-06-30T23:59:61Z"), 1);
}

/* ---- formatting --------------------------------------------------------- */

static void
format_utc(void **state)
{
	(void)state;
	use_zone("UTC");
	assert_string_equal(fmt(1795960716, 0, 0), "2026-11-29T13:58:36Z");
	assert_string_equal(fmt(1795960716, 500000000, 1),
	                    "2026-11-29T13:58:36.5Z");
	assert_string_equal(fmt(1795960716, 7000000, 3),
	                    "2026-11-29T13:58:36.007Z");
	assert_string_equal(fmt(1795960716, 375624000, 6),
	                    "2026-11-29T13:58:36.375624Z");
	assert_string_equal(fmt(1795960716, 1, 9),
	                    "2026-11-29T13:58:36.000000001Z");
	assert_string_equal(fmt(0, 0, 0), "1970-01-01T00:00:00Z");
	assert_string_equal(fmt(-86401, 0, 0), "1969-12-30T23:59:59Z");
	assert_string_equal(fmt(951782400, 0, 0), "2000-02-29T00:00:00Z");
	assert_string_equal(fmt(253402300799LL, 0, 0), "9999-12-31T23:59:59Z");
	assert_string_equal(fmt(-62167219200LL, 0, 0), "0000-01-01T00:00:00Z");
	/* UTC under other names is still written with Z. */
	use_zone("Etc/UTC");
	assert_int_equal(tz_utc, 1);
	assert_string_equal(fmt(0, 0, 0), "1970-01-01T00:00:00Z");
	use_zone("UTC");
}

static void
format_in_zones(void **state)
{
	(void)state;
	use_zone("Europe/Berlin");
	assert_int_equal(tz_utc, 0);
	assert_string_equal(fmt(1795960716, 0, 0), "2026-11-29T14:58:36+01:00");
	assert_string_equal(fmt(at("2026-07-01T12:00:00Z"), 250000000, 3),
	                    "2026-07-01T14:00:00.250+02:00");
	use_zone("America/Chicago");
	assert_string_equal(fmt(1795960716, 0, 0), "2026-11-29T07:58:36-06:00");
	assert_string_equal(fmt(at("2026-07-01T12:00:00Z"), 0, 0),
	                    "2026-07-01T07:00:00-05:00");
	use_zone("Asia/Kolkata");
	assert_string_equal(fmt(1795960716, 0, 0), "2026-11-29T19:28:36+05:30");
	use_zone("America/St_Johns");
	assert_string_equal(fmt(1795960716, 0, 0), "2026-11-29T10:28:36-03:30");
	use_zone("Asia/Kathmandu");
	assert_string_equal(fmt(1795960716, 0, 0), "2026-11-29T19:43:36+05:45");
	/* Round trip of a zoned text through the same zone. */
	use_zone("Europe/Berlin");
	assert_string_equal(iso_round("2026-03-29T03:30:00.5+02:00"),
	                    "2026-03-29T03:30:00.5+02:00");
	assert_string_equal(iso_round("2026-11-29T13:58:36Z"),
	                    "2026-11-29T14:58:36+01:00");
	use_zone("UTC");
}

static void
format_local_mean_time_names_the_instant(void **state)
{
	(void)state;
	tstamp_t t;
	char out[TS_MAXLEN + 1];

	/* Chicago kept local mean time, -05:50:36, until 1883: the minutes
	 * are rounded down and the civil time shifted with them. */
	use_zone("America/Chicago");
	assert_int_equal(tz_offset(at("1880-06-01T12:00:00Z")), -21036);
	t.sec = at("1880-06-01T12:00:00Z");
	t.nsec = 0;
	t.digits = 0;
	ts_format(&t, out);
	assert_string_equal(out, "1880-06-01T06:09:00-05:51");
	assert_int_equal(at(out), t.sec);
	use_zone("UTC");
}

static void
format_extreme_instants_stay_within_bounds(void **state)
{
	(void)state;
	static const int64_t secs[] = {INT64_MAX, INT64_MIN, -62167219201LL,
	                               253402300800LL, 1LL << 50};
	static const char *const zones[] = {"UTC", "America/St_Johns"};
	size_t i, z;

	for (z = 0; z < 2; z++) {
		use_zone(zones[z]);
		for (i = 0; i < sizeof secs / sizeof secs[0]; i++)
			assert_true(strlen(fmt(secs[i], 999999999, 9)) <=
			            TS_MAXLEN);
	}
	use_zone("UTC");
	assert_string_equal(fmt(253402300800LL, 0, 0), "10000-01-01T00:00:00Z");
}

/* ---- zones -------------------------------------------------------------- */

static void
tz_set_refuses_unknown_zones(void **state)
{
	(void)state;
	use_zone("Europe/Berlin");
	assert_int_equal(tz_set("Nowhere/City"), -1);
	assert_int_equal(tz_set("Europe/../Europe/Berlin"), -1);
	assert_int_equal(tz_set("../zoneinfo/UTC"), -1);
	assert_int_equal(tz_set("/usr/share/zoneinfo/UTC"), -1);
	assert_int_equal(tz_set(":Europe/Berlin"), -1);
	assert_int_equal(tz_set("Europe"), -1);
	assert_int_equal(tz_set(""), -1);
	assert_int_equal(tz_set(NULL), -1);
	assert_int_equal(tz_set("CET-1CEST,M3.5.0,M10.5.0/3"), -1);
	assert_int_equal(tz_set("zone.tab"), -1);
	/* A refused name leaves the zone as it was. */
	assert_int_equal(tz_utc, 0);
	assert_int_equal(tz_offset(at("2026-01-01T00:00:00Z")), 3600);
	use_zone("UTC");
	assert_int_equal(tz_utc, 1);
	assert_int_equal(tz_offset(at("2026-07-01T00:00:00Z")), 0);
}

static void
civil_and_weekday(void **state)
{
	(void)state;
	struct tm tm;

	use_zone("UTC");
	tz_civil(at("2026-03-29T23:30:00Z"), &tm);
	assert_int_equal(tm.tm_year, 126);
	assert_int_equal(tm.tm_mon, 2);
	assert_int_equal(tm.tm_mday, 29);
	assert_int_equal(tm.tm_hour, 23);
	assert_int_equal(tm.tm_min, 30);
	assert_int_equal(tm.tm_wday, 0);
	assert_int_equal(tm.tm_yday, 87);
	assert_int_equal(tz_weekday(at("2026-03-29T23:30:00Z")), 6);
	assert_int_equal(tz_weekday(at("2026-03-30T00:00:00Z")), 0);
	assert_int_equal(tz_weekday(0), 3);
	assert_int_equal(tz_weekday(-1), 2);
	/* The same instant is Monday in Berlin. */
	use_zone("Europe/Berlin");
	tz_civil(at("2026-03-29T23:30:00Z"), &tm);
	assert_int_equal(tm.tm_mday, 30);
	assert_int_equal(tm.tm_hour, 1);
	assert_int_equal(tz_weekday(at("2026-03-29T23:30:00Z")), 0);
	use_zone("America/Chicago");
	assert_int_equal(tz_weekday(at("2026-03-30T03:00:00Z")), 6);
	use_zone("UTC");
}

static void
mktime_round_trips_civil_times(void **state)
{
	(void)state;
	static const char *const zones[] = {"UTC", "Europe/Berlin",
	                                    "America/Chicago", "Asia/Kolkata",
	                                    "Australia/Lord_Howe"};
	size_t z;
	int64_t s;
	struct tm tm;

	/* Every 7919 s through 2026: civil time and back is the identity,
	 * except in the repeated hour, where the earlier instant wins. */
	for (z = 0; z < sizeof zones / sizeof zones[0]; z++) {
		use_zone(zones[z]);
		for (s = at("2026-01-01T00:00:00Z");
		     s < at("2027-01-01T00:00:00Z"); s += 7919) {
			int64_t back;

			tz_civil(s, &tm);
			back = tz_mktime(&tm);
			if (back != s &&
			    !(back < s && tz_offset(back) > tz_offset(s)))
				fail_msg("%s: %lld -> %lld", zones[z],
				         (long long)s, (long long)back);
		}
	}
	/* Every hour of 2026 lies in the day tz_day_start() names, and
	 * that day starts at midnight. */
	for (z = 0; z < sizeof zones / sizeof zones[0]; z++) {
		use_zone(zones[z]);
		for (s = at("2026-01-01T00:00:00Z");
		     s < at("2027-01-01T00:00:00Z"); s += 3600) {
			int64_t day = tz_day_start(s);

			tz_civil(day, &tm);
			if (day > s || tz_add_days(day, 1) <= s ||
			    tm.tm_hour != 0 || tm.tm_min != 0 || tm.tm_sec != 0)
				fail_msg("%s: day of %lld is %lld", zones[z],
				         (long long)s, (long long)day);
		}
	}
	/* Out-of-range fields are normalised like mktime(3). */
	use_zone("Europe/Berlin");
	memset(&tm, 0, sizeof tm);
	tm.tm_year = 126;
	tm.tm_mon = 13; /* February of the next year */
	tm.tm_mday = 0; /* the last day of January */
	tm.tm_hour = 25;
	assert_int_equal(tz_mktime(&tm), at("2027-02-01T01:00:00+01:00"));
	tm.tm_mon = -1; /* December of the year before */
	tm.tm_mday = 31;
	tm.tm_hour = 0;
	tm.tm_min = -30;
	assert_int_equal(tz_mktime(&tm), at("2025-12-30T23:30:00+01:00"));
	use_zone("UTC");
}

/* ---- daylight saving ---------------------------------------------------- */

static void
berlin_spring_forward(void **state)
{
	(void)state;
	int64_t day, next;

	use_zone("Europe/Berlin");
	/* 2026-03-29: 02:00 CET jumps to 03:00 CEST at 01:00Z. */
	assert_int_equal(tz_offset(at("2026-03-29T00:59:59Z")), 3600);
	assert_int_equal(tz_offset(at("2026-03-29T01:00:00Z")), 7200);
	day = tz_day_start(at("2026-03-29T12:00:00Z"));
	assert_int_equal(day, at("2026-03-28T23:00:00Z"));
	assert_int_equal(tz_day_start(at("2026-03-28T23:00:00Z")), day);
	assert_int_equal(tz_day_start(at("2026-03-29T21:59:59Z")), day);
	next = tz_add_days(day, 1);
	assert_int_equal(next, at("2026-03-29T22:00:00Z"));
	assert_int_equal(next - day, 23 * 3600);
	assert_int_equal(tz_day_start(next), next);
	assert_int_equal(tz_add_days(day, -1), at("2026-03-27T23:00:00Z"));
	assert_int_equal(day - tz_add_days(day, -1), 24 * 3600);
	/* Local times: before, in the gap (later side), after. */
	assert_int_equal(at("2026-03-29T01:59:59"), at("2026-03-29T00:59:59Z"));
	assert_int_equal(at("2026-03-29T02:00:00"), at("2026-03-29T01:00:00Z"));
	assert_int_equal(at("2026-03-29T02:30:00"), at("2026-03-29T01:30:00Z"));
	assert_int_equal(at("2026-03-29T03:00:00"), at("2026-03-29T01:00:00Z"));
	assert_int_equal(at("2026-03-29T03:30:00"), at("2026-03-29T01:30:00Z"));
	assert_string_equal(iso_round("2026-03-29T02:30:00"),
	                    "2026-03-29T03:30:00+02:00");
	assert_string_equal(fmt(at("2026-03-29T00:59:59Z"), 0, 0),
	                    "2026-03-29T01:59:59+01:00");
	assert_string_equal(fmt(at("2026-03-29T01:00:00Z"), 0, 0),
	                    "2026-03-29T03:00:00+02:00");
	use_zone("UTC");
}

static void
berlin_fall_back(void **state)
{
	(void)state;
	int64_t day, next;

	use_zone("Europe/Berlin");
	/* 2026-10-25: 03:00 CEST falls back to 02:00 CET at 01:00Z. */
	assert_int_equal(tz_offset(at("2026-10-25T00:59:59Z")), 7200);
	assert_int_equal(tz_offset(at("2026-10-25T01:00:00Z")), 3600);
	day = tz_day_start(at("2026-10-25T12:00:00Z"));
	assert_int_equal(day, at("2026-10-24T22:00:00Z"));
	next = tz_add_days(day, 1);
	assert_int_equal(next, at("2026-10-25T23:00:00Z"));
	assert_int_equal(next - day, 25 * 3600);
	assert_int_equal(tz_day_start(at("2026-10-25T22:59:59Z")), day);
	assert_int_equal(tz_day_start(next), next);
	/* 02:30 happens twice: the earlier (CEST) one is taken. */
	assert_int_equal(at("2026-10-25T02:30:00"), at("2026-10-25T00:30:00Z"));
	assert_int_equal(at("2026-10-25T02:00:00"), at("2026-10-25T00:00:00Z"));
	assert_int_equal(at("2026-10-25T01:59:59"), at("2026-10-24T23:59:59Z"));
	assert_int_equal(at("2026-10-25T03:00:00"), at("2026-10-25T02:00:00Z"));
	/* Both instants print with their own offsets. */
	assert_string_equal(fmt(at("2026-10-25T00:30:00Z"), 0, 0),
	                    "2026-10-25T02:30:00+02:00");
	assert_string_equal(fmt(at("2026-10-25T01:30:00Z"), 0, 0),
	                    "2026-10-25T02:30:00+01:00");
	/* Explicit offsets pick either one. */
	assert_int_equal(at("2026-10-25T02:30:00+01:00") -
	                     at("2026-10-25T02:30:00+02:00"),
	                 3600);
	use_zone("UTC");
}

static void
chicago_spring_forward(void **state)
{
	(void)state;
	int64_t day, next;

	use_zone("America/Chicago");
	/* 2026-03-08: 02:00 CST jumps to 03:00 CDT at 08:00Z. */
	assert_int_equal(tz_offset(at("2026-03-08T07:59:59Z")), -6 * 3600);
	assert_int_equal(tz_offset(at("2026-03-08T08:00:00Z")), -5 * 3600);
	day = tz_day_start(at("2026-03-08T20:00:00Z"));
	assert_int_equal(day, at("2026-03-08T06:00:00Z"));
	next = tz_add_days(day, 1);
	assert_int_equal(next, at("2026-03-09T05:00:00Z"));
	assert_int_equal(next - day, 23 * 3600);
	assert_int_equal(tz_add_days(day, 7) - day, (7 * 24 - 1) * 3600);
	assert_int_equal(tz_day_start(at("2026-03-09T04:59:59Z")), day);
	assert_int_equal(tz_day_start(at("2026-03-09T05:00:00Z")), next);
	assert_int_equal(at("2026-03-08T01:59:59"), at("2026-03-08T07:59:59Z"));
	assert_int_equal(at("2026-03-08T02:30:00"), at("2026-03-08T08:30:00Z"));
	assert_int_equal(at("2026-03-08T03:00:00"), at("2026-03-08T08:00:00Z"));
	assert_string_equal(iso_round("2026-03-08T02:15:00.25"),
	                    "2026-03-08T03:15:00.25-05:00");
	use_zone("UTC");
}

static void
chicago_fall_back(void **state)
{
	(void)state;
	int64_t day, next;

	use_zone("America/Chicago");
	/* 2026-11-01: 02:00 CDT falls back to 01:00 CST at 07:00Z. */
	assert_int_equal(tz_offset(at("2026-11-01T06:59:59Z")), -5 * 3600);
	assert_int_equal(tz_offset(at("2026-11-01T07:00:00Z")), -6 * 3600);
	day = tz_day_start(at("2026-11-01T12:00:00Z"));
	assert_int_equal(day, at("2026-11-01T05:00:00Z"));
	next = tz_add_days(day, 1);
	assert_int_equal(next, at("2026-11-02T06:00:00Z"));
	assert_int_equal(next - day, 25 * 3600);
	assert_int_equal(tz_add_days(next, -1), day);
	assert_int_equal(at("2026-11-01T01:30:00"), at("2026-11-01T06:30:00Z"));
	assert_int_equal(at("2026-11-01T00:59:59"), at("2026-11-01T05:59:59Z"));
	assert_int_equal(at("2026-11-01T02:00:00"), at("2026-11-01T08:00:00Z"));
	assert_string_equal(fmt(at("2026-11-01T06:30:00Z"), 0, 0),
	                    "2026-11-01T01:30:00-05:00");
	assert_string_equal(fmt(at("2026-11-01T07:30:00Z"), 0, 0),
	                    "2026-11-01T01:30:00-06:00");
	assert_int_equal(tz_weekday(day), 6);
	assert_int_equal(tz_weekday(next), 0);
	use_zone("UTC");
}

static void
days_that_start_in_a_gap(void **state)
{
	(void)state;
	int64_t day;

	/* Havana and Santiago spring forward at midnight: the day starts
	 * at 01:00, the instant of the change. */
	use_zone("America/Havana");
	day = tz_day_start(at("2026-03-08T12:00:00Z"));
	assert_int_equal(day, at("2026-03-08T05:00:00Z"));
	assert_int_equal(tz_add_days(tz_add_days(day, -1), 1), day);
	assert_int_equal(tz_add_days(day, 1) - day, 23 * 3600);
	assert_int_equal(day - tz_add_days(day, -1), 24 * 3600);
	assert_int_equal(at("2026-03-08"), day);
	use_zone("America/Santiago");
	day = tz_day_start(at("2026-09-06T12:00:00Z"));
	assert_int_equal(day, at("2026-09-06T04:00:00Z"));
	assert_string_equal(fmt(day, 0, 0), "2026-09-06T01:00:00-03:00");
	/* Santiago falls back at midnight: 2026-04-04 lasts 25 hours. */
	day = tz_day_start(at("2026-04-04T12:00:00Z"));
	assert_int_equal(day, at("2026-04-04T03:00:00Z"));
	assert_int_equal(tz_add_days(day, 1) - day, 25 * 3600);
	use_zone("UTC");
}

static void
utc_days_are_24_hours(void **state)
{
	(void)state;
	int64_t day;

	use_zone("UTC");
	day = tz_day_start(at("2026-03-29T12:34:56Z"));
	assert_int_equal(day, at("2026-03-29T00:00:00Z"));
	assert_int_equal(tz_add_days(day, 1) - day, 86400);
	assert_int_equal(tz_add_days(day, -400), day - 400 * 86400LL);
	assert_int_equal(tz_day_start(-1), -86400);
	assert_int_equal(tz_day_start(0), 0);
}

/* ---- syslog ------------------------------------------------------------- */

static int64_t
syslog_sec(const char *s, int year, const char *now)
{
	tstamp_t t;
	size_t n = ts_parse_syslog(s, strlen(s), year, at(now), &t);

	if (n == 0)
		fail_msg("syslog stamp refused: '%s'", s);
	return t.sec;
}

static void
syslog_parses_stamps(void **state)
{
	(void)state;
	tstamp_t t;
	const char *now = "2026-06-15T12:00:00Z";

	use_zone("UTC");
	assert_int_equal(syslog_sec("Jun 15 11:59:28", 0, now),
	                 at("2026-06-15T11:59:28Z"));
	assert_int_equal(syslog_sec("Nov  3 05:01:02", 0, now),
	                 at("2025-11-03T05:01:02Z"));
	assert_int_equal(syslog_sec("Nov 03 05:01:02", 0, now),
	                 at("2025-11-03T05:01:02Z"));
	assert_int_equal(syslog_sec("Jan  1 00:00:00", 0, now),
	                 at("2026-01-01T00:00:00Z"));
	/* A given year is used as is. */
	assert_int_equal(syslog_sec("Oct 10 15:59:28", 2019, now),
	                 at("2019-10-10T15:59:28Z"));
	/* Consumed bytes: the stamp only, fraction included. */
	assert_int_equal(
	    ts_parse_syslog("Oct 10 15:59:28 mail postfix", 28, 0, at(now), &t),
	    15);
	assert_int_equal(
	    ts_parse_syslog("Oct  3 15:59:28.123456 host", 27, 0, at(now), &t),
	    22);
	assert_int_equal(t.sec, at("2025-10-03T15:59:28Z"));
	assert_int_equal(t.nsec, 123456000);
	assert_int_equal(t.digits, 6);
	/* A point not followed by digits is not part of the stamp. */
	assert_int_equal(
	    ts_parse_syslog("Oct  3 15:59:28. x", 18, 0, at(now), &t), 15);
	assert_int_equal(t.digits, 0);
	/* In a zone, the stamp is local time. */
	use_zone("Europe/Berlin");
	assert_int_equal(syslog_sec("Jun 15 11:59:28", 0, now),
	                 at("2026-06-15T09:59:28Z"));
	assert_int_equal(syslog_sec("Mar 29 02:30:00", 2026, now),
	                 at("2026-03-29T01:30:00Z"));
	use_zone("UTC");
}

static void
syslog_year_around_new_year(void **state)
{
	(void)state;

	use_zone("UTC");
	/* Just after New Year, December lines are from last year. */
	assert_int_equal(
	    syslog_sec("Dec 31 23:59:59", 0, "2027-01-01T00:05:00Z"),
	    at("2026-12-31T23:59:59Z"));
	assert_int_equal(
	    syslog_sec("Jan  1 00:04:00", 0, "2027-01-01T00:05:00Z"),
	    at("2027-01-01T00:04:00Z"));
	/* A sender whose clock is ahead, within a day: next year. */
	assert_int_equal(
	    syslog_sec("Jan  1 00:00:10", 0, "2026-12-31T23:59:00Z"),
	    at("2027-01-01T00:00:10Z"));
	assert_int_equal(
	    syslog_sec("Jan  1 23:58:00", 0, "2026-12-31T23:59:00Z"),
	    at("2027-01-01T23:58:00Z"));
	/* More than a day ahead is last year's. */
	assert_int_equal(
	    syslog_sec("Jan  2 00:00:00", 0, "2026-12-31T23:59:00Z"),
	    at("2026-01-02T00:00:00Z"));
	assert_int_equal(
	    syslog_sec("Jun 16 12:00:00", 0, "2026-06-15T12:00:00Z"),
	    at("2026-06-16T12:00:00Z"));
	assert_int_equal(
	    syslog_sec("Jun 16 12:00:01", 0, "2026-06-15T12:00:00Z"),
	    at("2025-06-16T12:00:01Z"));
	/* Feb 29 goes back to the last leap year. */
	assert_int_equal(
	    syslog_sec("Feb 29 10:00:00", 0, "2026-06-15T12:00:00Z"),
	    at("2024-02-29T10:00:00Z"));
	assert_int_equal(
	    syslog_sec("Feb 29 10:00:00", 0, "2028-03-01T00:00:00Z"),
	    at("2028-02-29T10:00:00Z"));
	/* New Year in the zone, not in UTC. */
	use_zone("America/Chicago");
	assert_int_equal(
	    syslog_sec("Dec 31 20:00:00", 0, "2027-01-01T03:00:00Z"),
	    at("2026-12-31T20:00:00-06:00"));
	use_zone("UTC");
}

static void
syslog_refuses_bad_stamps(void **state)
{
	(void)state;
	static const char *const bad[] = {
	    "",
	    "Oct",
	    "Foo 10 15:59:28",
	    "Octo 10 15:59:28",
	    "Oct 32 15:59:28",
	    "Oct  0 15:59:28",
	    "Feb 30 15:59:28",
	    "Oct 10 24:00:00",
	    "Oct 10 15:60:00",
	    "Oct 10 15:59",
	    "Oct 10 15:59:2",
	    "Oct 10 5:59:28",
	    "Oct   3 15:59:28",
	    "Oct 10T15:59:28",
	    "2026-10-10T15:59:28Z",
	};
	size_t i;
	tstamp_t t;

	for (i = 0; i < sizeof bad / sizeof bad[0]; i++)
		if (ts_parse_syslog(bad[i], strlen(bad[i]), 0,
		                    at("2026-06-15T12:00:00Z"), &t) != 0)
			fail_msg("accepted '%s'", bad[i]);
	assert_int_equal(ts_parse_syslog("Jun  1 10:00:00", 15, 10000,
	                                 at("2026-06-15T12:00:00Z"), &t),
	                 0);
	/* A given year must make the date exist. */
	assert_int_equal(ts_parse_syslog("Feb 29 10:00:00", 15, 2026,
	                                 at("2026-06-15T12:00:00Z"), &t),
	                 0);
}

/* ---- strptime formats --------------------------------------------------- */

static int64_t
fmt_sec(const char *s, const char *f)
{
	tstamp_t t;

	if (ts_parse_fmt(s, strlen(s), f, 0, 0, &t) < 0)
		fail_msg("'%s' refused with '%s'", s, f);
	return t.sec;
}

static void
fmt_parses_with_strptime(void **state)
{
	(void)state;
	tstamp_t t;
	const char *clf = "%d/%b/%Y:%H:%M:%S %z";
	const char *s;

	use_zone("UTC");
	assert_int_equal(fmt_sec("10/Oct/2000:13:55:36 -0700", clf),
	                 at("2000-10-10T20:55:36Z"));
	assert_int_equal(fmt_sec("2026-11-29 13:58:36", "%Y-%m-%d %H:%M:%S"),
	                 at("2026-11-29T13:58:36Z"));
	assert_int_equal(fmt_sec("29.11.2026", "%d.%m.%Y"),
	                 at("2026-11-29T00:00:00Z"));
	/* %z wins over the current zone; without it the zone applies. */
	use_zone("Europe/Berlin");
	assert_int_equal(fmt_sec("10/Oct/2000:13:55:36 -0700", clf),
	                 at("2000-10-10T20:55:36Z"));
	assert_int_equal(fmt_sec("10/Oct/2000:13:55:36 +0000", clf),
	                 at("2000-10-10T13:55:36Z"));
	assert_int_equal(fmt_sec("2026-11-29 13:58:36", "%Y-%m-%d %H:%M:%S"),
	                 at("2026-11-29T12:58:36Z"));
	assert_int_equal(fmt_sec("2026-10-25 02:30:00", "%Y-%m-%d %H:%M:%S"),
	                 at("2026-10-25T00:30:00Z"));
	assert_int_equal(fmt_sec("2026-03-29 02:30:00", "%Y-%m-%d %H:%M:%S"),
	                 at("2026-03-29T01:30:00Z"));
	/* %s is an instant whatever the zone. */
	assert_int_equal(fmt_sec("1795960716", "%s"), 1795960716);
	assert_int_equal(fmt_sec("1792891800", "%s"), 1792891800);
	use_zone("UTC");
	assert_int_equal(fmt_sec("1795960716", "%s"), 1795960716);
	/* %f reads a fraction of a second. */
	s = "2026-11-29 13:58:36.375624";
	assert_int_equal(
	    ts_parse_fmt(s, strlen(s), "%Y-%m-%d %H:%M:%S.%f", 0, 0, &t), 0);
	assert_int_equal(t.sec, at("2026-11-29T13:58:36Z"));
	assert_int_equal(t.nsec, 375624000);
	assert_int_equal(t.digits, 6);
	s = "13:58:36,5 29/11/2026";
	assert_int_equal(
	    ts_parse_fmt(s, strlen(s), "%H:%M:%S,%f %d/%m/%Y", 0, 0, &t), 0);
	assert_int_equal(t.sec, at("2026-11-29T13:58:36Z"));
	assert_int_equal(t.nsec, 500000000);
	/* The length, not a NUL, ends the text. */
	assert_int_equal(
	    ts_parse_fmt("29.11.2026junk", 10, "%d.%m.%Y", 0, 0, &t), 0);
	assert_int_equal(t.sec, at("2026-11-29T00:00:00Z"));
}

static void
fmt_refuses_mismatches(void **state)
{
	(void)state;
	tstamp_t t;

	use_zone("UTC");
	assert_int_equal(ts_parse_fmt("29.11.2026x", 11, "%d.%m.%Y", 0, 0, &t),
	                 -1);
	assert_int_equal(ts_parse_fmt("29.11", 5, "%d.%m.%Y", 0, 0, &t), -1);
	assert_int_equal(ts_parse_fmt("2026-11-29", 10, "%d.%m.%Y", 0, 0, &t),
	                 -1);
	assert_int_equal(ts_parse_fmt("", 0, "%d.%m.%Y", 0, 0, &t), -1);
	assert_int_equal(ts_parse_fmt("13:58:36.", 9, "%H:%M:%S.%f", 0, 0, &t),
	                 -1);
	assert_int_equal(
	    ts_parse_fmt("29.11.2026\0x", 12, "%d.%m.%Y", 0, 0, &t), -1);
}

static int
fmt_fails(const char *s, const char *f, int year)
{
	tstamp_t t;

	return ts_parse_fmt(s, strlen(s), f, year, at("2026-06-15T12:00:00Z"),
	                    &t) < 0;
}

/* strptime lets these through and mktime would move them to another day:
 * they are refused, as ts_parse_iso refuses them. */
static void
fmt_refuses_dates_that_do_not_exist(void **state)
{
	(void)state;
	const char *f = "%Y-%m-%d %H:%M:%S";

	use_zone("UTC");
	assert_int_equal(fmt_fails("2026-02-29 10:00:00", f, 0), 1);
	assert_int_equal(fmt_fails("2026-04-31 10:00:00", f, 0), 1);
	assert_int_equal(fmt_fails("2026-03-01 24:00:00", f, 0), 1);
	assert_int_equal(fmt_fails("2026-03-01 23:60:00", f, 0), 1);
	assert_int_equal(fmt_fails("2026-03-01 23:59:61", f, 0), 1);
	assert_int_equal(fmt_fails("1900-02-29 10:00:00", f, 0), 1);
	assert_int_equal(fmt_fails("31/04/2026", "%d/%m/%Y", 0), 1);
	assert_int_equal(fmt_fails("26-02-29", "%y-%m-%d", 0), 1);
	assert_int_equal(fmt_fails("02/29 10:00", "%m/%d %H:%M", 2026), 1);
	assert_int_equal(fmt_sec("2028-02-29 10:00:00", f),
	                 at("2028-02-29T10:00:00Z"));
	assert_int_equal(fmt_sec("2000-02-29 10:00:00", f),
	                 at("2000-02-29T10:00:00Z"));
	/* A leap second is the next second, as ts_parse_iso reads it. */
	assert_int_equal(fmt_sec("2026-06-30 23:59:60", f),
	                 at("2026-07-01T00:00:00Z"));
}

static int64_t
fmt_year_sec(const char *s, const char *f, int year)
{
	tstamp_t t;

	if (ts_parse_fmt(s, strlen(s), f, year, at("2026-06-15T12:00:00Z"),
	                 &t) < 0)
		fail_msg("'%s' refused with '%s'", s, f);
	return t.sec;
}

/* A format without a year takes the given one, else the syslog rule. */
static void
fmt_without_year(void **state)
{
	(void)state;
	const char *f = "%d/%m %H:%M";

	use_zone("UTC");
	assert_int_equal(fmt_year_sec("31/03 10:00", f, 2019),
	                 at("2019-03-31T10:00:00Z"));
	assert_int_equal(fmt_year_sec("31/12 10:00", f, 2026),
	                 at("2026-12-31T10:00:00Z"));
	assert_int_equal(fmt_year_sec("29/02 10:00", f, 2028),
	                 at("2028-02-29T10:00:00Z"));
	assert_int_equal(fmt_year_sec("31/03 10:00", f, 0),
	                 at("2026-03-31T10:00:00Z"));
	assert_int_equal(fmt_year_sec("16/06 11:00", f, 0),
	                 at("2026-06-16T11:00:00Z"));
	assert_int_equal(fmt_year_sec("16/06 13:00", f, 0),
	                 at("2025-06-16T13:00:00Z"));
	assert_int_equal(fmt_year_sec("29/02 10:00", f, 0),
	                 at("2024-02-29T10:00:00Z"));
	assert_int_equal(fmt_fails("31/04 10:00", f, 0), 1);
	/* The same year as a syslog stamp gets. */
	assert_int_equal(
	    fmt_year_sec("Dec 31 10:00:00", "%b %d %H:%M:%S", 0),
	    syslog_sec("Dec 31 10:00:00", 0, "2026-06-15T12:00:00Z"));
	/* With an offset, "ahead of now" is judged at that offset. */
	assert_int_equal(fmt_year_sec("16/06 23:00 +1200", "%d/%m %H:%M %z", 0),
	                 at("2026-06-16T11:00:00Z"));
	assert_int_equal(fmt_year_sec("16/06 23:00 -1200", "%d/%m %H:%M %z", 0),
	                 at("2025-06-17T11:00:00Z"));
	/* The year is judged in the current zone. */
	use_zone("Pacific/Auckland");
	assert_int_equal(fmt_year_sec("16/06 23:00", f, 0),
	                 at("2026-06-16T11:00:00Z"));
	use_zone("UTC");
	/* A format with a year keeps it, --year or not. */
	assert_int_equal(fmt_year_sec("2019-03-31", "%Y-%m-%d", 2026),
	                 at("2019-03-31T00:00:00Z"));
	assert_int_equal(fmt_year_sec("03/31/19", "%D", 2026),
	                 at("2019-03-31T00:00:00Z"));
}

/* %Z names UTC or a name the zone really uses at that time. */
static void
fmt_zone_names(void **state)
{
	(void)state;
	const char *f = "%Y-%m-%d %H:%M:%S %Z";

	use_zone("UTC");
	assert_int_equal(fmt_sec("2026-01-15 10:00:00 UTC", f),
	                 at("2026-01-15T10:00:00Z"));
	assert_int_equal(fmt_sec("2026-01-15 10:00:00 GMT", f),
	                 at("2026-01-15T10:00:00Z"));
	assert_int_equal(fmt_sec("2026-01-15 10:00:00Z", "%Y-%m-%d %H:%M:%S%Z"),
	                 at("2026-01-15T10:00:00Z"));
	assert_int_equal(fmt_fails("2026-01-15 10:00:00 CET", f, 0), 1);
	assert_int_equal(fmt_fails("2026-01-15 10:00:00 +0100", f, 0), 1);
	assert_int_equal(fmt_fails("2026-01-15 10:00:00 ", f, 0), 1);
	use_zone("Europe/Berlin");
	assert_int_equal(fmt_sec("2026-01-15 10:00:00 CET", f),
	                 at("2026-01-15T09:00:00Z"));
	assert_int_equal(fmt_sec("2026-07-15 10:00:00 CEST", f),
	                 at("2026-07-15T08:00:00Z"));
	assert_int_equal(fmt_sec("2026-07-15 10:00:00 UTC", f),
	                 at("2026-07-15T10:00:00Z"));
	assert_int_equal(fmt_fails("2026-01-15 10:00:00 CEST", f, 0), 1);
	assert_int_equal(fmt_fails("2026-01-15 10:00:00 EST", f, 0), 1);
	/* The two 02:30s of the night clocks fall back. */
	assert_int_equal(fmt_sec("2026-10-25 02:30:00 CEST", f),
	                 at("2026-10-25T00:30:00Z"));
	assert_int_equal(fmt_sec("2026-10-25 02:30:00 CET", f),
	                 at("2026-10-25T01:30:00Z"));
	/* With %z too, the offset decides. */
	assert_int_equal(
	    fmt_sec("2026-01-15 10:00:00 +0000 XYZ", "%Y-%m-%d %H:%M:%S %z %Z"),
	    at("2026-01-15T10:00:00Z"));
	use_zone("UTC");
}

/* Reading %f apart from the rest must not lose what %p says of %I. */
static void
fmt_fraction_keeps_am_pm(void **state)
{
	(void)state;
	tstamp_t t;
	const char *s = "06/15/2026 01:02:03.250 PM";

	use_zone("UTC");
	assert_int_equal(
	    ts_parse_fmt(s, strlen(s), "%m/%d/%Y %I:%M:%S.%f %p", 0, 0, &t), 0);
	assert_int_equal(t.sec, at("2026-06-15T13:02:03Z"));
	assert_int_equal(t.nsec, 250000000);
	assert_int_equal(
	    fmt_sec("12:00:00.5 AM 06/15/2026", "%I:%M:%S.%f %p %m/%d/%Y"),
	    at("2026-06-15T00:00:00Z"));
}

/* ---- durations ---------------------------------------------------------- */

static int64_t
dur(const char *s)
{
	int64_t ms = -1;

	if (dur_parse(s, &ms) < 0)
		fail_msg("duration refused: '%s'", s);
	return ms;
}

static void
dur_parses_units_sums_and_decimals(void **state)
{
	(void)state;
	assert_int_equal(dur("500ms"), 500);
	assert_int_equal(dur("30s"), 30000);
	assert_int_equal(dur("5m"), 300000);
	assert_int_equal(dur("1h"), 3600000);
	assert_int_equal(dur("1d"), 86400000);
	assert_int_equal(dur("1w"), 604800000);
	assert_int_equal(dur("1h30m"), 5400000);
	assert_int_equal(dur("1d12h"), 129600000);
	assert_int_equal(dur("1m30s500ms"), 90500);
	assert_int_equal(dur("1.5h"), 5400000);
	assert_int_equal(dur("0.5s"), 500);
	assert_int_equal(dur("2.25m"), 135000);
	assert_int_equal(dur("0.001s"), 1);
	assert_int_equal(dur("0"), 0);
	assert_int_equal(dur("0s"), 0);
	assert_int_equal(dur("1000ms"), 1000);
	assert_int_equal(dur("15250284452w"), 15250284452LL * MS_PER_WEEK);
}

static void
dur_refuses_garbage(void **state)
{
	(void)state;
	static const char *const bad[] = {
	    "",
	    "5",
	    "00",
	    "1h30",
	    "-5m",
	    "+5m",
	    "5x",
	    "5 m",
	    " 5m",
	    "5m ",
	    "m",
	    "1.m",
	    ".m",
	    "1..5m",
	    "1.5.5m",
	    "0.5ms",
	    "1.0001s",
	    "5M",
	    "5min",
	    "1hh",
	    "1,5h",
	    "1e3ms",
	    "0x10s",
	    "99999999999999999999ms",
	    "15250284453w",
	    "1000000000000000w",
	    "9223372036854775807ms1ms",
	    "0.0000000001s",
	};
	size_t i;
	int64_t ms;

	for (i = 0; i < sizeof bad / sizeof bad[0]; i++)
		if (dur_parse(bad[i], &ms) == 0)
			fail_msg("accepted '%s'", bad[i]);
	assert_int_equal(dur_parse("9223372036854775807ms", &ms), 0);
	assert_int_equal(ms, INT64_MAX);
}

static void
dur_formats_compactly(void **state)
{
	(void)state;
	char out[64];
	static const char *const round[] = {"1h30m",       "500ms", "1w",
	                                    "1d1h1m1s1ms", "5m",    "2w3d"};
	size_t i;

	assert_string_equal(dur_format(5400000, out, sizeof out), "1h30m");
	assert_string_equal(dur_format(500, out, sizeof out), "500ms");
	assert_string_equal(dur_format(0, out, sizeof out), "0s");
	assert_string_equal(dur_format(86400000, out, sizeof out), "1d");
	assert_string_equal(dur_format(90500, out, sizeof out), "1m30s500ms");
	assert_string_equal(dur_format(-60000, out, sizeof out), "-1m");
	for (i = 0; i < sizeof round / sizeof round[0]; i++)
		assert_string_equal(dur_format(dur(round[i]), out, sizeof out),
		                    round[i]);
	/* A short buffer holds whole terms only. */
	assert_string_equal(dur_format(5400000, out, 4), "1h");
	assert_string_equal(dur_format(INT64_MIN, out, sizeof out),
	                    "-15250284452w3d7h12m55s808ms");
}

/* ts_days_from_civil agrees with the C library's timegm(3) on every day
 * from 1600 to 2400, each month's first and last day included. */
static void
days_from_civil_matches_timegm(void **state)
{
	(void)state;
	for (int y = 1600; y <= 2400; y++)
		for (int m = 1; m <= 12; m++)
			for (int d = 1; d <= 31; d++) {
				struct tm tm = {0};
				time_t t;

				tm.tm_year = y - 1900;
				tm.tm_mon = m - 1;
				tm.tm_mday = d;
				t = timegm(&tm);
				if (tm.tm_mday != d)
					continue; /* no such day */
				if (ts_days_from_civil(y, m, d) * 86400 !=
				    (int64_t)t)
					fail_msg("%04d-%02d-%02d: %lld days, "
					         "timegm %lld s",
					         y, m, d,
					         (long long)ts_days_from_civil(
					             y, m, d),
					         (long long)t);
			}
}

static void
days_from_civil_known_dates(void **state)
{
	(void)state;
	assert_int_equal(ts_days_from_civil(1970, 1, 1), 0);
	assert_int_equal(ts_days_from_civil(1969, 12, 31), -1);
	assert_int_equal(ts_days_from_civil(2000, 2, 29), 11016);
	assert_int_equal(ts_days_from_civil(2000, 3, 1), 11017);
	assert_int_equal(ts_days_from_civil(2026, 2, 28), 20512);
	assert_int_equal(ts_days_from_civil(2026, 3, 1), 20513);
	assert_int_equal(ts_days_from_civil(0, 3, 1), -719468);
	assert_int_equal(ts_days_from_civil(-1, 12, 31), -719529);
}

/* The offset a time was written with: its zone designator in every form,
 * or the current zone's for a time without one. */
static void
iso_off_reads_the_written_offset(void **state)
{
	tstamp_t t;
	long off = 1;

	(void)state;
	use_zone("UTC");
	assert_int_equal(
	    ts_parse_iso_off("2026-03-01T10:00:00+05:30", 25, &t, &off), 0);
	assert_int_equal(off, 19800);
	assert_int_equal(t.sec, at("2026-03-01T04:30:00Z"));
	assert_int_equal(
	    ts_parse_iso_off("2026-03-01T10:00:00+0530", 24, &t, &off), 0);
	assert_int_equal(off, 19800);
	assert_int_equal(
	    ts_parse_iso_off("2026-03-01T10:00:00-09:30", 25, &t, &off), 0);
	assert_int_equal(off, -34200);
	assert_int_equal(t.sec, at("2026-03-01T19:30:00Z"));
	assert_int_equal(ts_parse_iso_off("2026-03-01T10:00+05", 19, &t, &off),
	                 0);
	assert_int_equal(off, 18000);
	assert_int_equal(
	    ts_parse_iso_off("2026-03-01T10:00:00.5-00:45", 27, &t, &off), 0);
	assert_int_equal(off, -2700);
	assert_int_equal(ts_parse_iso_off("2026-03-01T10:00:00Z", 20, &t, &off),
	                 0);
	assert_int_equal(off, 0);
	assert_int_equal(ts_parse_iso_off("2026-03-01T10:00:00", 19, &t, &off),
	                 0);
	assert_int_equal(off, 0);
	use_zone("Europe/Berlin");
	assert_int_equal(ts_parse_iso_off("2026-03-01T10:00:00", 19, &t, &off),
	                 0);
	assert_int_equal(off, 3600);
	assert_int_equal(ts_parse_iso_off("2026-07-01", 10, &t, &off), 0);
	assert_int_equal(off, 7200);
	assert_int_equal(
	    ts_parse_iso_off("2026-07-01T10:00:00+05:45", 25, &t, &off), 0);
	assert_int_equal(off, 20700);
	assert_int_equal(
	    ts_parse_iso_off("2026-07-01T10:00:00+05:60", 25, &t, &off), -1);
	assert_int_equal(
	    ts_parse_iso_off("2026-07-01T10:00:00+05:30", 25, &t, NULL), 0);
	use_zone("UTC");
}

static void
json_off_reads_the_written_offset(void **state)
{
	tstamp_t t;
	long off = 1;

	(void)state;
	use_zone("Australia/Lord_Howe");
	assert_int_equal(
	    ts_parse_json_off("\"2026-04-05T06:00:00+10:30\"", 27, &t, &off),
	    0);
	assert_int_equal(off, 37800);
	assert_int_equal(
	    ts_parse_json_off("\"2026-04-05T00:00:00+11:00\"", 27, &t, &off),
	    0);
	assert_int_equal(off, 39600);
	/* An epoch number, bare or in a string: the zone's offset then. */
	assert_int_equal(ts_parse_json_off("1775300400", 10, &t, &off), 0);
	assert_int_equal(off, 39600);
	assert_int_equal(ts_parse_json_off("\"1775404800\"", 12, &t, &off), 0);
	assert_int_equal(off, 37800);
	assert_int_equal(ts_parse_json_off("true", 4, &t, &off), -1);
	use_zone("UTC");
}

/* Milliseconds to an instant and back, before and after the epoch. */
static void
ms_round_trip(void **state)
{
	static const int64_t ms[] = {0,
	                             1,
	                             999,
	                             1000,
	                             -1,
	                             -999,
	                             -1000,
	                             -1001,
	                             1781524800123LL,
	                             -62135596800000LL};
	char out[TS_MAXLEN + 1];
	tstamp_t t;

	(void)state;
	for (size_t i = 0; i < sizeof ms / sizeof ms[0]; i++) {
		t = ts_from_ms(ms[i]);
		assert_true(t.nsec >= 0 && t.nsec < 1000000000);
		assert_int_equal(t.nsec % 1000000, 0);
		assert_int_equal(ts_to_ms(&t), ms[i]);
		assert_int_equal(t.digits, ms[i] % 1000 != 0 ? 3 : 0);
	}
	t = ts_from_ms(-1);
	assert_int_equal(t.sec, -1);
	assert_int_equal(t.nsec, 999000000);
	use_zone("UTC");
	assert_int_equal(ts_format_ms(-1, out), 24);
	assert_string_equal(out, "1969-12-31T23:59:59.999Z");
	ts_format_ms(1781524800000LL, out);
	assert_string_equal(out, "2026-06-15T12:00:00Z");
	ts_format_ms(1781524800120LL, out);
	assert_string_equal(out, "2026-06-15T12:00:00.120Z");
	use_zone("Asia/Kolkata");
	ts_format_ms(1781524800005LL, out);
	assert_string_equal(out, "2026-06-15T17:30:00.005+05:30");
	use_zone("UTC");
	t.sec = 5;
	t.nsec = 999999999;
	assert_int_equal(ts_to_ms(&t), 5999);
}

static void
utc_civil_matches_gmtime(void **state)
{
	static const int64_t secs[] = {0,
	                               -1,
	                               951782400,
	                               951868799,
	                               1781524800,
	                               -62135596800LL,
	                               253402300799LL};

	(void)state;
	for (size_t i = 0; i < sizeof secs / sizeof secs[0]; i++) {
		struct tm a, b;
		time_t tt = (time_t)secs[i];

		ts_utc_civil(secs[i], &a);
		gmtime_r(&tt, &b);
		assert_int_equal(a.tm_year, b.tm_year);
		assert_int_equal(a.tm_mon, b.tm_mon);
		assert_int_equal(a.tm_mday, b.tm_mday);
		assert_int_equal(a.tm_hour, b.tm_hour);
		assert_int_equal(a.tm_min, b.tm_min);
		assert_int_equal(a.tm_sec, b.tm_sec);
		assert_int_equal(a.tm_wday, b.tm_wday);
		assert_int_equal(a.tm_yday, b.tm_yday);
	}
}

static void
mono_clock_does_not_go_back(void **state)
{
	int64_t a, b;

	(void)state;
	a = ts_mono_ms();
	b = ts_mono_ms();
	assert_true(a > 0);
	assert_true(b >= a);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(default_zone_is_utc),
	    cmocka_unit_test(iso_accepts_every_form),
	    cmocka_unit_test(iso_keeps_fraction_digits),
	    cmocka_unit_test(iso_refuses_bad_input),
	    cmocka_unit_test(iso_without_zone_uses_current_zone),
	    cmocka_unit_test(json_accepts_strings_and_numbers),
	    cmocka_unit_test(json_numbers_from_1e11_are_milliseconds),
	    cmocka_unit_test(json_negative_epochs),
	    cmocka_unit_test(json_refuses_other_values),
	    cmocka_unit_test(epoch_parses_text),
	    cmocka_unit_test(epoch_rule_is_the_same_for_doubles),
	    cmocka_unit_test(iso_leap_second_is_the_next_second),
	    cmocka_unit_test(format_utc),
	    cmocka_unit_test(format_in_zones),
	    cmocka_unit_test(format_local_mean_time_names_the_instant),
	    cmocka_unit_test(format_extreme_instants_stay_within_bounds),
	    cmocka_unit_test(tz_set_refuses_unknown_zones),
	    cmocka_unit_test(civil_and_weekday),
	    cmocka_unit_test(mktime_round_trips_civil_times),
	    cmocka_unit_test(berlin_spring_forward),
	    cmocka_unit_test(berlin_fall_back),
	    cmocka_unit_test(chicago_spring_forward),
	    cmocka_unit_test(chicago_fall_back),
	    cmocka_unit_test(days_that_start_in_a_gap),
	    cmocka_unit_test(utc_days_are_24_hours),
	    cmocka_unit_test(syslog_parses_stamps),
	    cmocka_unit_test(syslog_year_around_new_year),
	    cmocka_unit_test(syslog_refuses_bad_stamps),
	    cmocka_unit_test(fmt_parses_with_strptime),
	    cmocka_unit_test(fmt_refuses_mismatches),
	    cmocka_unit_test(fmt_refuses_dates_that_do_not_exist),
	    cmocka_unit_test(fmt_without_year),
	    cmocka_unit_test(fmt_zone_names),
	    cmocka_unit_test(fmt_fraction_keeps_am_pm),
	    cmocka_unit_test(dur_parses_units_sums_and_decimals),
	    cmocka_unit_test(dur_refuses_garbage),
	    cmocka_unit_test(dur_formats_compactly),
	    cmocka_unit_test(days_from_civil_matches_timegm),
	    cmocka_unit_test(days_from_civil_known_dates),
	    cmocka_unit_test(iso_off_reads_the_written_offset),
	    cmocka_unit_test(json_off_reads_the_written_offset),
	    cmocka_unit_test(ms_round_trip),
	    cmocka_unit_test(utc_civil_matches_gmtime),
	    cmocka_unit_test(mono_clock_does_not_go_back),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
