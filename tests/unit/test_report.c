/*
 * test_report.c - tingle-report's engine, lib/report.c: groups and their
 * names, episodes, order, the band, and that the page is the same bytes
 * for the same records.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "json.h"
#include "report.h"
#include "ttime.h"
#include "util.h"

/* Add each line of the NUL-separated list recs; all must be good. */
static report_t *
build(const char *const *recs)
{
	report_t *rp = report_new(NULL);
	rec_t r;

	memset(&r, 0, sizeof r);
	for (size_t i = 0; recs[i] != NULL; i++) {
		size_t col;
		const char *msg;
		assert_int_equal(
		    rec_scan(&r, recs[i], strlen(recs[i]), &col, &msg), 0);
		assert_int_equal(report_add(rp, &r, &msg), 0);
	}
	rec_free(&r);
	report_finish(rp);
	return rp;
}

#define W(g, day, c, e)                                                        \
	"{" g ",\"window_start\":\"2026-04-" day "T00:00:00Z\","               \
	"\"window_end\":\"2026-04-" day "T23:59:59Z\",\"count\":" c            \
	",\"expected\":" e "}"
#define A(rule, g, day, state)                                                 \
	"{\"alert\":\"" rule "\",\"state\":\"" state "\"," g                   \
	",\"window_start\":\"2026-04-" day "T00:00:00Z\","                     \
	"\"window_end\":\"2026-04-" day "T23:59:59Z\",\"ratio\":0.1}"

static void
test_groups_by_value_named_in_words(void **state)
{
	const char *const recs[] = {
	    W("\"start_weekday\":\"Sun\"", "06", "5", "5"),
	    W("\"start_weekday\":\"\\u0053un\"", "07", "5", "5"),
	    W("\"hour\":13", "06", "1", "1"),
	    W("\"hour\":1.3e1", "07", "1", "1"),
	    W("\"dimension\":\"os\",\"value\":\"iOS\"", "06", "1", "1"),
	    W("\"x\":1", "06", "1", "1") /* p, q, open are no group */,
	    W("\"esc\":\"a\\u001b[31m\\u009bb\\uffff\\u007f\"", "06", "1", "1"),
	    "{\"x\":1,\"p\":0.5,\"q\":0.6,\"open\":true,\"window_start\":"
	    "\"2026-04-07T00:00:00Z\",\"window_end\":\"2026-04-08T00:00:00Z\","
	    "\"count\":2}",
	    NULL};
	report_t *rp = build(recs);
	const char *names[8];

	(void)state;
	assert_int_equal(rp->ngroups, 5);
	for (size_t i = 0; i < rp->ngroups; i++)
		names[i] = rp->groups[i].name;
	/* Order: by smallest p, then largest |z|, then name. */
	assert_string_equal(names[0], "x = 1");
	/* Control characters never reach a terminal or the page. */
	assert_string_equal(names[1], "esc = a?[31m?b??");
	assert_string_equal(names[2], "hour = 13");
	assert_string_equal(names[3], "os = iOS");
	assert_string_equal(names[4], "start weekday = Sun");
	assert_int_equal(rp->groups[0].npt, 2);
	assert_true(rp->groups[0].pt[1].open);
	assert_true(rp->groups[0].min_p == 0.5);
	assert_int_equal(rp->groups[4].npt, 2);
	report_free(rp);
	report_free(NULL);
}

static void
test_episodes_from_firing_to_resolve(void **state)
{
	const char *const recs[] = {
	    W("\"s\":\"a\"", "06", "9", "9"),
	    W("\"s\":\"a\"", "07", "1", "9"),
	    W("\"s\":\"a\"", "08", "1", "9"),
	    W("\"s\":\"a\"", "09", "9", "9"),
	    W("\"s\":\"a\"", "10", "1", "9"),
	    W("\"s\":\"a\"", "11", "1", "9"),
	    W("\"s\":\"b\"", "06", "9", "9"),
	    A("low", "\"s\":\"a\"", "07", "firing"),
	    A("low", "\"s\":\"a\"", "08", "firing"), /* a repeat */
	    A("low", "\"s\":\"a\"", "09", "resolved"),
	    A("low", "\"s\":\"a\"", "10", "firing"),   /* never resolved */
	    A("low", "\"s\":\"b\"", "06", "resolved"), /* no start: none */
	    NULL};
	report_t *rp = build(recs);
	const struct report_episode *e;

	(void)state;
	assert_int_equal(rp->nrules, 1);
	assert_int_equal(rp->neps, 2);
	e = &rp->eps[0];
	assert_string_equal(rp->groups[e->group].name, "s = a");
	assert_int_equal(e->alerts, 2);
	assert_false(e->ongoing);
	/* From the start of the first bad day to the start of the good one. */
	assert_true(e->to - e->from == 2 * MS_PER_DAY);
	e = &rp->eps[1];
	assert_true(e->ongoing);
	/* Still firing: to the end of the group's last window. */
	assert_true(e->to == rp->groups[e->group].pt[5].end);
	assert_int_equal(rp->rules[0].neps, 2);
	/* The group with episodes comes first. */
	assert_int_equal(rp->groups[0].nep, 2);
	report_free(rp);
}

static void
test_hopping_windows_stand_for_their_last_hop(void **state)
{
	const char *const recs[] = {
	    "{\"window_start\":\"2026-04-06T00:00:00Z\",\"window_end\":"
	    "\"2026-04-07T00:00:00Z\",\"count\":1}",
	    "{\"window_start\":\"2026-04-06T01:00:00Z\",\"window_end\":"
	    "\"2026-04-07T01:00:00Z\",\"count\":1}",
	    NULL};
	report_t *rp = build(recs);
	const struct report_group *g = &rp->groups[0];
	int64_t x0, x1;

	(void)state;
	assert_true(g->hop == 3600000);
	report_span(g, &g->pt[1], &x0, &x1);
	assert_true(x1 - x0 == 3600000);
	assert_true(x1 == g->pt[1].end);
	assert_true(rp->hop == 3600000 && rp->width == MS_PER_DAY);
	report_free(rp);
}

static void
test_band_from_z_else_poisson(void **state)
{
	struct report_point p = {0};
	double lo, hi;

	(void)state;
	p.obs = 10;
	p.exp = 16;
	p.z = NAN;
	report_band(&p, &lo, &hi);
	assert_true(lo == 8 && hi == 24); /* 16 -+ 2 sqrt(16) */
	p.z = -3;                         /* sigma 2 */
	report_band(&p, &lo, &hi);
	assert_true(lo == 12 && hi == 20);
	p.exp = 1;
	p.z = NAN;
	report_band(&p, &lo, &hi);
	assert_true(lo == 0 && hi == 3); /* never below 0 */
	p.exp = NAN;
	report_band(&p, &lo, &hi);
	assert_true(isnan(lo) && isnan(hi));
}

static void
test_bad_records_say_why(void **state)
{
	static const struct {
		const char *rec, *why;
	} cases[] = {
	    {"{\"count\":1}", "no 'window_start' field"},
	    {"{\"window_start\":\"x\",\"window_end\":1,\"count\":1}",
	     "unreadable time in 'window_start'"},
	    {"{\"window_start\":1781524800,\"count\":1}",
	     "no 'window_end' field"},
	    {"{\"window_start\":1781524800,\"window_end\":1781524799,"
	     "\"count\":1}",
	     "window_end before window_start"},
	    {"{\"window_start\":1781524800,\"window_end\":1781528400}",
	     "no observed value (count or --value)"},
	    {"{\"window_start\":1781524800,\"window_end\":1781528400,"
	     "\"count\":\"1\"}",
	     "observed value is not a finite number"},
	    {"{\"window_start\":1781524800,\"window_end\":1781528400,"
	     "\"count\":1e999}",
	     "observed value is not a finite number"},
	    {"{\"window_start\":1781524800,\"window_end\":1781528400,"
	     "\"count\":1,\"expected\":-1e999}",
	     "expected, z or p is not a finite number"},
	    {"{\"alert\":\"x\",\"window_start\":1781524800,\"window_end\":"
	     "1781528400}",
	     "alert without a state"},
	};
	report_t *rp = report_new(NULL);
	rec_t r;

	(void)state;
	memset(&r, 0, sizeof r);
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		size_t col;
		const char *msg = NULL;
		assert_int_equal(rec_scan(&r, cases[i].rec,
		                          strlen(cases[i].rec), &col, &msg),
		                 0);
		assert_int_equal(report_add(rp, &r, &msg), -1);
		assert_string_equal(msg, cases[i].why);
	}
	rec_free(&r);
	report_free(rp);
}

static void
test_same_records_same_bytes(void **state)
{
	const char *const recs[] = {W("\"s\":\"<b>&\"", "06", "9", "9"),
	                            W("\"s\":\"<b>&\"", "07", "1", "9"),
	                            A("low", "\"s\":\"<b>&\"", "07", "firing"),
	                            NULL};
	struct report_opts o = {"t", NULL, 60, 500};
	buf_t a = BUF_INIT, b = BUF_INIT;

	(void)state;
	report_t *rp = build(recs);
	report_html(rp, &o, &a);
	report_free(rp);
	rp = build(recs);
	report_html(rp, &o, &b);
	report_free(rp);
	assert_int_equal(a.len, b.len);
	assert_memory_equal(a.p, b.p, a.len);
	/* Names are escaped. */
	assert_non_null(strstr(a.p, "s = &lt;b&gt;&amp;"));
	assert_null(strstr(a.p, "<b>"));
	buf_free(&a);
	buf_free(&b);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_groups_by_value_named_in_words),
	    cmocka_unit_test(test_episodes_from_firing_to_resolve),
	    cmocka_unit_test(test_hopping_windows_stand_for_their_last_hop),
	    cmocka_unit_test(test_band_from_z_else_poisson),
	    cmocka_unit_test(test_bad_records_say_why),
	    cmocka_unit_test(test_same_records_same_bytes),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
