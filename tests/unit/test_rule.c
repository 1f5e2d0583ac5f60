/*
 * test_rule.c - alert rules (lib/rule.c): a group goes pending, fires,
 * rides out dips and resolves as for, keep_firing_for and cooldown say;
 * groups are independent; times are checked; state saved by one run is
 * carried on by the next.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "scratch.h"

#include "alert_state.h"
#include "json.h"
#include "rio.h"
#include "rule.h"
#include "util.h"

/* The alerts emitted, one "STATE WINDOW_START" per alert (the window's
 * day of June 2026), and the last alert record whole. */
static buf_t seen;
static buf_t last;

static void
on_alert(void *ctx, const struct alert_event *ev)
{
	const char *ws = strstr(ev->rec, "\"window_start\":\"2026-06-");

	(void)ctx;
	assert_non_null(ws);
	assert_string_equal(ev->rule, "low");
	if (seen.len > 0)
		buf_addc(&seen, ' ');
	buf_printf(&seen, "%s:%.2s", ev->state, ws + 24);
	buf_reset(&last);
	buf_add(&last, ev->rec, ev->len);
}

/* Feed the window of June day d (1-31) for segment seg with ratio. */
static void
feed(ruleset_t *rs, const char *seg, int d, const char *ratio)
{
	char line[512];
	rec_t r;
	size_t col;
	const char *msg;
	const jfield_t *tv;

	snprintf(
	    line, sizeof line,
	    "{\"segment\":\"%s\",\"window_start\":\"2026-06-%02dT00:00:00Z\","
	    "\"window_end\":\"2026-06-%02dT00:00:00Z\",\"count\":1,"
	    "\"ratio\":%s}",
	    seg, d, d + 1, ratio);
	memset(&r, 0, sizeof r);
	assert_int_equal(rec_scan(&r, line, strlen(line), &col, &msg), 0);
	assert_int_equal(rules_check_time(rs, &r, &msg, &tv), 0);
	rules_eval(rs, &r, "in", (unsigned long)d);
	rec_free(&r);
}

/* Check and evaluate the record line; rules_check_time's answer. */
static int
feed_line(ruleset_t *rs, const char *line)
{
	rec_t r;
	size_t col;
	const char *msg;
	const jfield_t *tv;
	int rc;

	memset(&r, 0, sizeof r);
	assert_int_equal(rec_scan(&r, line, strlen(line), &col, &msg), 0);
	rc = rules_check_time(rs, &r, &msg, &tv);
	if (rc == 0)
		rules_eval(rs, &r, "in", 1);
	rec_free(&r);
	return rc;
}

/* Run "low: ratio < 0.2" with defaults d over ratios for days 1, 2, ...
 * of segment Sun; the alerts seen. */
static const char *
run(const struct rule_defaults *d, const char *const *ratios)
{
	ruleset_t *rs = rules_new(on_alert, NULL);

	buf_reset(&seen);
	rules_add_arg(rs, "low: ratio < 0.2", d);
	assert_int_equal(rules_count(rs), 1);
	for (int i = 0; ratios[i] != NULL; i++)
		feed(rs, "Sun", i + 1, ratios[i]);
	rules_free(rs);
	return seen.p != NULL ? seen.p : "";
}

static void
test_fires_and_resolves(void **state)
{
	struct rule_defaults d = {.severity = "warning"};
	const char *r[] = {"0.9", "0.05", "0.04", "0.95", "0.9", NULL};
	ruleset_t *rs;

	(void)state;
	assert_string_equal(run(&d, r), "firing:02 resolved:04");
	assert_string_equal(
	    last.p,
	    "{\"alert\":\"low\",\"state\":\"resolved\",\"severity\":"
	    "\"warning\","
	    "\"segment\":\"Sun\",\"window_start\":\"2026-06-04T00:00:00Z\","
	    "\"window_end\":\"2026-06-05T00:00:00Z\",\"ratio\":0.95,"
	    "\"since\":\"2026-06-03T00:00:00Z\",\"until\":\"2026-06-05T00:00:"
	    "00Z\","
	    "\"duration\":\"2d\",\"message\":\"low resolved for segment=Sun "
	    "after 2d: ratio=0.95\"}");

	rs = rules_new(on_alert, NULL);
	rules_add_arg(rs, "low: ratio < 0.2", &d);
	assert_int_equal(rules_fired(rs), 0);
	feed(rs, "Sun", 1, "0.1");
	feed(rs, "Sun", 2, "0.1");
	assert_int_equal(rules_fired(rs), 1);
	rules_free(rs);
	rules_free(NULL);
}

/* for N: fires at the Nth window in a row that holds; one that does not
 * hold, or a window missing in between, starts the count again. */
static void
test_for_counts_consecutive_windows(void **state)
{
	struct rule_defaults d = {.severity = "warning", .for_n = 3};
	const char *a[] = {"0.9", "0.1", "0.1", "0.1", "0.1", "0.9", NULL};
	const char *b[] = {"0.1", "0.1", "0.9", "0.1", "0.1", "0.9", NULL};
	const char *c[] = {"0.1", "0.1", "0.9", "0.1", "0.1", "0.1", NULL};
	ruleset_t *rs;

	(void)state;
	assert_string_equal(run(&d, a), "firing:04 resolved:06");
	assert_string_equal(run(&d, b), "");
	assert_string_equal(run(&d, c), "firing:06");

	buf_reset(&seen);
	rs = rules_new(on_alert, NULL);
	rules_add_arg(rs, "low: ratio < 0.2", &d);
	feed(rs, "Sun", 1, "0.1");
	feed(rs, "Sun", 2, "0.1");
	feed(rs, "Sun", 4, "0.1"); /* day 3 missing */
	feed(rs, "Sun", 5, "0.1");
	assert_string_equal(seen.p != NULL ? seen.p : "", "");
	feed(rs, "Sun", 6, "0.1");
	assert_string_equal(seen.p, "firing:06");
	rules_free(rs);
}

/* keep_firing_for N: up to N windows that do not hold keep it firing. */
static void
test_keep_firing_for(void **state)
{
	struct rule_defaults d = {.severity = "warning", .keep_n = 2};
	const char *a[] = {"0.1", "0.9", "0.9", "0.1",
	                   "0.9", "0.9", "0.9", NULL};
	const char *b[] = {"0.1", "0.9", "0.9", "0.9", "0.1", NULL};

	(void)state;
	assert_string_equal(run(&d, a), "firing:01 resolved:07");
	assert_string_equal(run(&d, b), "firing:01 resolved:04 firing:05");
	d.keep_n = 0;
	assert_string_equal(run(&d, a),
	                    "firing:01 resolved:02 firing:04 resolved:05");
}

/* A cooldown holds back a new episode of the same group until it has
 * passed; without one every episode is announced. */
static void
test_cooldown_holds_back_flapping(void **state)
{
	struct rule_defaults d = {.severity = "warning"};
	const char *a[] = {"0.1", "0.9", "0.1", "0.9", "0.9",
	                   "0.9", "0.1", "0.9", NULL};

	(void)state;
	assert_string_equal(run(&d, a), "firing:01 resolved:02 firing:03 "
	                                "resolved:04 firing:07 resolved:08");
	d.cooldown_ms = 4LL * 86400 * 1000;
	assert_string_equal(run(&d, a), "firing:01 resolved:02 firing:07 "
	                                "resolved:08");
}

/* Each group (here: the segment, by the default key) has its own state. */
static void
test_groups_are_independent(void **state)
{
	struct rule_defaults d = {.severity = "warning", .for_n = 2};
	ruleset_t *rs = rules_new(on_alert, NULL);

	(void)state;
	buf_reset(&seen);
	rules_add_arg(rs, "low: ratio < 0.2", &d);
	feed(rs, "Sun", 1, "0.1");
	feed(rs, "Mon", 1, "0.9");
	feed(rs, "Mon", 2, "0.1");
	feed(rs, "Sun", 2, "0.1");
	assert_string_equal(seen.p, "firing:02");
	assert_non_null(strstr(last.p, "\"segment\":\"Sun\""));
	feed(rs, "Mon", 3, "0.1");
	assert_non_null(strstr(last.p, "\"segment\":\"Mon\""));
	feed(rs, "Sun", 3, "0.9");
	assert_string_equal(seen.p, "firing:02 firing:03 resolved:03");
	assert_non_null(strstr(last.p, "\"segment\":\"Sun\""));
	assert_int_equal(rules_fired(rs), 2);
	rules_free(rs);
}

static void
test_check_time(void **state)
{
	const char *ok = "{\"window_end\":\"2026-06-02T00:00:00Z\"}";
	const char *bad = "{\"window_start\":\"2026-06-01T00:00:00Z\","
	                  "\"window_end\":\"soon\"}";
	const char *none = "{\"x\":1}";
	const char *own = "{\"t\":\"soon\",\"ts\":\"2026-06-01T00:00:00Z\"}";
	ruleset_t *rs = rules_new(on_alert, NULL);
	rec_t r;
	size_t col;
	const char *msg, *name;
	const jfield_t *v;

	(void)state;
	memset(&r, 0, sizeof r);
	assert_int_equal(rec_scan(&r, ok, strlen(ok), &col, &msg), 0);
	assert_int_equal(rules_check_time(rs, &r, &name, &v), 0);
	assert_int_equal(rec_scan(&r, none, strlen(none), &col, &msg), 0);
	assert_int_equal(rules_check_time(rs, &r, &name, &v), 0);
	assert_int_equal(rec_scan(&r, bad, strlen(bad), &col, &msg), 0);
	assert_int_equal(rules_check_time(rs, &r, &name, &v), -1);
	assert_string_equal(name, "window_end");
	assert_int_equal(v->vlen, 6);
	assert_memory_equal(v->v, "\"soon\"", 6);
	/* Without a window the time is read from the field set, not "ts". */
	assert_int_equal(rec_scan(&r, own, strlen(own), &col, &msg), 0);
	assert_int_equal(rules_check_time(rs, &r, &name, &v), 0);
	rules_set_time_field(rs, "t");
	assert_int_equal(rules_check_time(rs, &r, &name, &v), -1);
	assert_string_equal(name, "t");
	rec_free(&r);
	rules_free(rs);
}

/* What is read once and kept from record to record (the default key
 * fields of a list of names, the time a window's text reads as) follows
 * each record: fields in another order, a name spelt with an escape or
 * given twice, one window's text shared by groups, a time that is not. */
static void
test_record_shapes(void **state)
{
	struct rule_defaults d = {.severity = "warning"};
	ruleset_t *rs = rules_new(on_alert, NULL);

	(void)state;
	buf_reset(&seen);
	rules_add_arg(rs, "low: ratio < 0.2", &d);
	assert_int_equal(
	    feed_line(rs,
	              "{\"segment\":\"Sun\",\"window_start\":"
	              "\"2026-06-01T00:00:00Z\",\"window_end\":"
	              "\"2026-06-02T00:00:00Z\",\"count\":1,\"ratio\":0.1}"),
	    0);
	assert_int_equal(
	    feed_line(rs, "{\"ratio\":0.1,\"count\":1,\"window_end\":"
	                  "\"2026-06-03T00:00:00Z\",\"window_start\":"
	                  "\"2026-06-02T00:00:00Z\",\"segment\":\"Sun\"}"),
	    0);
	assert_string_equal(seen.p, "firing:01");
	/* Another group, in the same window. */
	assert_int_equal(
	    feed_line(rs,
	              "{\"segment\":\"Mon\",\"window_start\":"
	              "\"2026-06-02T00:00:00Z\",\"window_end\":"
	              "\"2026-06-03T00:00:00Z\",\"count\":1,\"ratio\":0.1}"),
	    0);
	assert_string_equal(seen.p, "firing:01 firing:02");
	assert_non_null(strstr(last.p, "\"segment\":\"Mon\""));
	assert_int_equal(
	    feed_line(rs,
	              "{\"\\u0073egment\":\"Sun\",\"window_start\":"
	              "\"2026-06-03T00:00:00Z\",\"window_end\":"
	              "\"2026-06-04T00:00:00Z\",\"count\":1,\"ratio\":0.9}"),
	    0);
	assert_string_equal(seen.p, "firing:01 firing:02 resolved:03");
	assert_non_null(strstr(last.p, "\"segment\":\"Sun\""));
	/* A name given twice: its last value counts. */
	assert_int_equal(feed_line(rs,
	                           "{\"segment\":\"Mon\",\"segment\":\"Sun\","
	                           "\"window_start\":\"2026-06-04T00:00:00Z\","
	                           "\"window_end\":\"2026-06-05T00:00:00Z\","
	                           "\"count\":1,\"ratio\":0.1}"),
	                 0);
	assert_string_equal(seen.p,
	                    "firing:01 firing:02 resolved:03 firing:04");
	assert_non_null(strstr(last.p, "\"segment\":\"Sun\""));
	/* A time that is not one stays bad when it comes again. */
	for (int i = 0; i < 2; i++)
		assert_int_equal(
		    feed_line(rs, "{\"segment\":\"Sun\",\"window_start\":"
		                  "\"2026-06-05T00:00:00Z\",\"window_end\":"
		                  "\"soon\",\"count\":1,\"ratio\":0.9}"),
		    -1);
	/* Mon resolves at its next window, Sun by window 6 (which is not
	 * older than window 5: the bad records were not read). */
	assert_int_equal(
	    feed_line(rs,
	              "{\"segment\":\"Mon\",\"window_start\":"
	              "\"2026-06-05T00:00:00Z\",\"window_end\":"
	              "\"2026-06-06T00:00:00Z\",\"count\":1,\"ratio\":0.9}"),
	    0);
	assert_int_equal(
	    feed_line(rs,
	              "{\"segment\":\"Sun\",\"window_start\":"
	              "\"2026-06-05T00:00:00Z\",\"window_end\":"
	              "\"2026-06-06T00:00:00Z\",\"count\":1,\"ratio\":0.9}"),
	    0);
	assert_string_equal(seen.p, "firing:01 firing:02 resolved:03 "
	                            "firing:04 resolved:05 resolved:05");
	rules_free(rs);
}

/* A run that ends while firing saves the state; the next run loads it,
 * does not announce the firing again, and resolves it.  A window older
 * than the last one read is skipped. */
static void
test_state_carries_over(void **state)
{
	struct rule_defaults d = {.severity = "warning"};
	char st[4200];
	ruleset_t *rs;

	(void)state;
	snprintf(st, sizeof st, "%s/state.json", scratch_dir());
	buf_reset(&seen);
	rs = rules_new(on_alert, NULL);
	rules_add_arg(rs, "low: ratio < 0.2", &d);
	alert_state_load(rs, st); /* missing: empty */
	feed(rs, "Sun", 1, "0.9");
	feed(rs, "Sun", 2, "0.1");
	assert_int_equal(alert_state_save(rs, st), 0);
	rules_free(rs);
	assert_string_equal(seen.p, "firing:02");
	assert_int_equal(access(st, R_OK), 0);

	buf_reset(&seen);
	rs = rules_new(on_alert, NULL);
	rules_add_arg(rs, "low: ratio < 0.2", &d);
	alert_state_load(rs, st);
	feed(rs, "Sun", 2, "0.9"); /* already read: skipped */
	feed(rs, "Sun", 3, "0.1");
	assert_int_equal(seen.len, 0);
	feed(rs, "Sun", 4, "0.9");
	assert_string_equal(seen.p, "resolved:04");
	assert_non_null(strstr(last.p, "\"since\":\"2026-06-03T00:00:00Z\""));
	rules_free(rs);
}

static int
teardown(void **state)
{
	buf_free(&seen);
	buf_free(&last);
	return scratch_teardown(state);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_fires_and_resolves),
	    cmocka_unit_test(test_for_counts_consecutive_windows),
	    cmocka_unit_test(test_keep_firing_for),
	    cmocka_unit_test(test_cooldown_holds_back_flapping),
	    cmocka_unit_test(test_groups_are_independent),
	    cmocka_unit_test(test_check_time),
	    cmocka_unit_test(test_record_shapes),
	    cmocka_unit_test(test_state_carries_over),
	};
	rio_init("test_rule", 0, NULL);
	return cmocka_run_group_tests(tests, scratch_setup, teardown);
}
