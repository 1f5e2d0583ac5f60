/*
 * test_evtime.c - the event time of a parsed record (lib/evtime.c): which
 * field, how it is read, how "ts" is written, and the reasons a time is
 * bad input.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "evtime.h"
#include "parsed.h"

/* 2026-06-15T12:00:00Z */
#define NOW 1781524800

static int
scan(rec_t *r, const char *s)
{
	size_t col;
	const char *msg;

	return rec_scan(r, s, strlen(s), &col, &msg);
}

static void
fields_get_ts(void **state)
{
	struct evtime e = {
	    .name = "ts", .desc = "time field 'ts'", .now_sec = NOW};
	buf_t why = BUF_INIT;
	fields_t fs = {0};

	(void)state;
	fields_addz(&fs, "ts", "2026-06-15 14:00:00.5+02:00");
	fields_addz(&fs, "a", "1");
	assert_int_equal(evtime_fields(&e, &fs, &why), 0);
	assert_fields(&fs, "{\"ts\":\"2026-06-15T12:00:00.5Z\",\"a\":\"1\"}");
	/* another time field: "ts" is added, or an older one replaced */
	{
		static const char *const names[] = {"when", "time"};
		e.names = names;
		e.nnames = 2;
	}
	fields_reset(&fs);
	fields_addz(&fs, "time", "1781524800123");
	assert_int_equal(evtime_fields(&e, &fs, &why), 0);
	assert_fields(&fs, "{\"time\":\"1781524800123\","
	                   "\"ts\":\"2026-06-15T12:00:00.123Z\"}");
	fields_reset(&fs);
	fields_addz(&fs, "ts", "old");
	fields_add(&fs, "when", "1781524800", 10, FK_NUM);
	assert_int_equal(evtime_fields(&e, &fs, &why), 0);
	assert_fields(&fs,
	              "{\"ts\":\"2026-06-15T12:00:00Z\",\"when\":1781524800}");
	/* none: fine unless required */
	fields_reset(&fs);
	fields_addz(&fs, "a", "1");
	assert_int_equal(evtime_fields(&e, &fs, &why), 0);
	assert_fields(&fs, "{\"a\":\"1\"}");
	e.required = 1;
	assert_int_equal(evtime_fields(&e, &fs, &why), -1);
	assert_string_equal(why.p, "no time field 'ts'");
	fields_free(&fs);
	buf_free(&why);
	evtime_free(&e);
}

static void
a_format_and_a_year(void **state)
{
	struct evtime e = {
	    .name = "t", .format = "%d/%m %H:%M", .year = 2020, .now_sec = NOW};
	buf_t why = BUF_INIT;
	fields_t fs = {0};
	tstamp_t t;

	(void)state;
	fields_addz(&fs, "t", "29/02 10:30");
	assert_int_equal(evtime_fields(&e, &fs, &why), 0);
	assert_fields(
	    &fs, "{\"t\":\"29/02 10:30\",\"ts\":\"2020-02-29T10:30:00Z\"}");
	/* without --year: a time months ahead of now is last year's */
	e.year = 0;
	e.format = "%b %d %H:%M:%S";
	assert_int_equal(evtime_parse(&e, "Dec 31 23:00:00", 15, &t), 0);
	assert_int_equal(ts_to_ms(&t) / 1000, 1767222000); /* 2025-12-31 */
	fields_reset(&fs);
	fields_addz(&fs, "t", "2026-06-15\x01zz");
	assert_int_equal(evtime_fields(&e, &fs, &why), -1);
	assert_string_equal(why.p,
	                    "unreadable time '2026-06-15?zz' in field 't'");
	fields_free(&fs);
	buf_free(&why);
	evtime_free(&e);
}

static void
json_records_get_ts(void **state)
{
	struct evtime e = {
	    .name = "ts", .desc = "time field 'ts'", .now_sec = NOW};
	buf_t why = BUF_INIT;
	rec_t r = {0};

	(void)state;
	/* already as tingle writes it: left as written */
	assert_int_equal(scan(&r, "{\"ts\":\"2026-06-15T14:00:00+02:00\"}"), 0);
	assert_int_equal(evtime_json(&e, &r, "ts", &why), 0);
	assert_rec(&r, "{\"ts\":\"2026-06-15T14:00:00+02:00\"}\n");
	/* otherwise normalised */
	assert_int_equal(scan(&r, "{\"m\":{\"at\":1781524800.25},\"ts\":1}"),
	                 0);
	assert_int_equal(evtime_json(&e, &r, "m.at", &why), 0);
	assert_rec(&r, "{\"m\":{\"at\":1781524800.25},"
	               "\"ts\":\"2026-06-15T12:00:00.25Z\"}\n");
	assert_int_equal(scan(&r, "{\"ts\":\"2026-06-15 12:00\\u003a00\"}"), 0);
	assert_int_equal(evtime_json(&e, &r, "ts", &why), 0);
	assert_rec(&r, "{\"ts\":\"2026-06-15T12:00:00Z\"}\n");
	/* bad */
	assert_int_equal(scan(&r, "{\"ts\":true}"), 0);
	assert_int_equal(evtime_json(&e, &r, "ts", &why), -1);
	assert_string_equal(why.p, "unreadable time 'true' in field 'ts'");
	assert_int_equal(evtime_json(&e, &r, NULL, &why), 0);
	e.required = 1;
	assert_int_equal(evtime_json(&e, &r, NULL, &why), -1);
	assert_string_equal(why.p, "no time field 'ts'");
	rec_free(&r);
	buf_free(&why);
	evtime_free(&e);
}

static void
the_written_form(void **state)
{
	(void)state;
	assert_true(ts_is_rfc3339("2026-06-15T12:00:00Z", 20));
	assert_true(ts_is_rfc3339("2026-06-15T12:00:00.123-05:30", 29));
	assert_false(ts_is_rfc3339("2026-06-15T12:00:60Z", 20));
	assert_false(ts_is_rfc3339("2026-06-15 12:00:00Z", 20));
	assert_false(ts_is_rfc3339("2026-06-15T12:00:00.Z", 21));
	assert_false(ts_is_rfc3339("2026-06-15T12:00:00+0530", 24));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(fields_get_ts),
	    cmocka_unit_test(a_format_and_a_year),
	    cmocka_unit_test(json_records_get_ts),
	    cmocka_unit_test(the_written_form),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
