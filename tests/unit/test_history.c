/*
 * test_history.c - tingle-compare's history engine (lib/history.c) and
 * the record reading it shares with the join (lib/cmp.c): windows read
 * at any UTC offset, groups by key, expectations from the previous
 * windows, state carried from one run to the next.
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
#include "seen.h"

#include "baseline.h"
#include "cmp.h"
#include "history.h"
#include "json.h"
#include "rio.h"
#include "util.h"

#define T0 1780272000000LL /* 2026-06-01T00:00:00Z */
#define H (3600 * 1000LL)

/* One "KEYVALUE:OBSERVED:EXPECTED:N" per record handed on, ';'-joined. */
static buf_t seen;

static void
on_record(void *ctx, rec_t *r, const struct cmp_win *w, int vt, double v,
          const struct bl_result *res)
{
	(void)ctx;
	(void)w;
	seen_add(&seen, r, "k", vt, v, res);
	buf_printf(&seen, ":%d", res->n);
}

static void
feed(struct history *h, const char *text)
{
	line_t l = {0};

	l.p = xstrdup(text);
	l.n = strlen(text);
	l.file = "test";
	l.num = 1;
	history_line(h, &l, on_record, NULL);
	free(l.p);
}

static struct history *
prev(int n, const struct cmp_conf *cf, const char *state)
{
	struct bl_spec sp;
	char err[128], text[32];

	snprintf(text, sizeof text, "prev:%d", n);
	assert_int_equal(bl_parse(text, &sp, err, sizeof err), 0);
	return history_new(cf, &sp, NULL, state);
}

static void
test_window_offsets(void **state)
{
	struct cmp_wcache c = {0};
	struct cmp_win w;
	rec_t r = {0};
	const char *msg;
	size_t col;
	const char *a = "{\"window_start\":\"2026-06-01T05:30:00+05:30\","
	                "\"window_end\":\"2026-06-01T06:30:00+05:30\"}";
	const char *b = "{\"window_start\":\"2026-06-01T00:00:00-09:45\","
	                "\"window_end\":1780311600}";

	(void)state;
	/* The minutes of an offset count: 05:30 at +05:30 is midnight UTC. */
	assert_int_equal(rec_scan(&r, a, strlen(a), &col, &msg), 0);
	assert_int_equal(cmp_window(&r, NULL, &c, &w), 0);
	assert_int_equal(w.start, T0);
	assert_int_equal(w.end, T0 + H);
	assert_int_equal(w.wall, H);
	assert_true(cmp_win_regular(&w));
	assert_true(cmp_win_fits(&w, H));
	assert_false(cmp_win_fits(&w, 2 * H));
	/* Start and end at different offsets: 11 h on the clock (midnight
	 * to 11:00), 1 h 15 m elapsed. */
	assert_int_equal(rec_scan(&r, b, strlen(b), &col, &msg), 0);
	assert_int_equal(cmp_window(&r, NULL, &c, &w), 0);
	assert_int_equal(w.start, T0 + 9 * H + 45 * 60000LL);
	assert_int_equal(w.end, T0 + 11 * H);
	assert_int_equal(w.wall, 11 * H);
	assert_false(cmp_win_regular(&w));
	rec_free(&r);
}

static void
test_value(void **state)
{
	rec_t r = {0};
	const char *msg, *t = "{\"a\":12,\"b\":null,\"c\":\"x\",\"d\":1e400,"
	                      "\"e\":2.5}";
	size_t col;
	double v;

	(void)state;
	assert_int_equal(rec_scan(&r, t, strlen(t), &col, &msg), 0);
	assert_int_equal(cmp_value(&r, "a", &v), CMP_NUM);
	assert_true(v == 12);
	assert_int_equal(cmp_value(&r, "b", &v), CMP_NULL);
	assert_int_equal(cmp_value(&r, "c", &v), CMP_BAD);
	assert_int_equal(cmp_value(&r, "d", &v), CMP_BAD);
	assert_int_equal(cmp_value(&r, "z", &v), CMP_BAD);
	assert_int_equal(cmp_value(&r, "e", &v), CMP_NUM);
	assert_true(v == 2.5);
	rec_free(&r);
}

#define REC(k, hour, count)                                                    \
	"{\"k\":\"" k "\",\"window_start\":\"2026-06-01T0" #hour               \
	":00:00Z\",\"window_end\":\"2026-06-01T0" #hour                        \
	":59:59Z\",\"count\":" #count "}"

static void
test_prev_per_group(void **state)
{
	struct cmp_conf cf = {.value_field = "count", .max_groups = 100};
	struct history *h = prev(2, &cf, NULL);

	(void)state;
	buf_reset(&seen);
	feed(h, REC("a", 0, 10));
	feed(h, REC("b", 0, 100));
	feed(h, REC("a", 1, 20));
	feed(h, REC("b", 1, 300));
	feed(h, REC("a", 2, 5));
	feed(h, REC("b", 2, 200));
	assert_string_equal(seen.p, "\"a\":10:-:0;\"b\":100:-:0;"
	                            "\"a\":20:10:1;\"b\":300:100:1;"
	                            "\"a\":5:15:2;\"b\":200:200:2");
	history_free(h);
}

static void
test_state_carries_over(void **state)
{
	struct cmp_conf cf = {.value_field = "count", .max_groups = 100};
	char path[4200];
	struct history *h;

	(void)state;
	snprintf(path, sizeof path, "%s/state", scratch_dir());
	h = prev(2, &cf, path);
	history_load(h);
	buf_reset(&seen);
	feed(h, REC("a", 0, 10));
	feed(h, REC("a", 1, 30));
	history_save(h);
	history_free(h);

	h = prev(2, &cf, path);
	history_load(h);
	buf_reset(&seen);
	feed(h, REC("a", 2, 0));
	assert_string_equal(seen.p, "\"a\":0:20:2");
	history_free(h);
}

static int
teardown(void **state)
{
	buf_free(&seen);
	return scratch_teardown(state);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_window_offsets),
	    cmocka_unit_test(test_value),
	    cmocka_unit_test(test_prev_per_group),
	    cmocka_unit_test(test_state_carries_over),
	};
	rio_init("test_history", 0, NULL);
	return cmocka_run_group_tests(tests, scratch_setup, teardown);
}
