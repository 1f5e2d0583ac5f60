/*
 * test_against.c - tingle-compare's stream join (lib/against.c): a
 * window is written once both inputs have passed it, keys only the
 * other input has become counts of 0, expected is rate x the other's
 * value, and a record of the other input with other key fields is bad
 * input.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "seen.h"

#include "against.h"
#include "cmp.h"
#include "json.h"
#include "rio.h"
#include "util.h"

/* One "SEGMENT:OBSERVED:EXPECTED" per record handed on, ';'-joined. */
static buf_t seen;

static void
on_record(void *ctx, rec_t *r, const struct cmp_win *w, int vt, double v,
          const struct bl_result *res)
{
	(void)ctx;
	(void)w;
	seen_add(&seen, r, "segment", vt, v, res);
}

static void
feed(struct against *ag, int side, const char *seg, int hour, int count)
{
	char text[256];
	line_t l = {0};
	long s = 1780272000L + hour * 3600L;

	snprintf(text, sizeof text,
	         "{\"segment\":\"%s\",\"window_start\":%ld,"
	         "\"window_end\":%ld,\"count\":%d}",
	         seg, s, s + 3600, count);
	l.p = text;
	l.n = strlen(text);
	l.file = side == AG_OBS ? "obs" : "other";
	l.num = 1;
	ag_line(ag, side, &l, 0);
}

static void
test_join(void **state)
{
	struct cmp_conf cf = {.value_field = "count",
	                      .against_value = "count",
	                      .max_groups = 100};
	struct against *ag = ag_new(&cf, 0.5, 0, on_record, NULL);
	int o[2];

	(void)state;
	buf_reset(&seen);
	feed(ag, AG_OBS, "a", 0, 5);
	feed(ag, AG_OBS, "b", 0, 1);
	feed(ag, AG_OTH, "a", 0, 10);
	feed(ag, AG_OTH, "c", 0, 8);
	ag_emit_ready(ag, 0, 0);
	assert_int_equal(seen.len, 0); /* neither input has passed hour 0 */
	feed(ag, AG_OBS, "a", 1, 6);
	ag_emit_ready(ag, 0, 0);
	assert_int_equal(seen.len, 0); /* the other input has not */
	assert_int_equal(ag_read_order(ag, o), 2);
	assert_int_equal(o[0], AG_OTH); /* the one behind first */
	feed(ag, AG_OTH, "a", 1, 12);
	ag_emit_ready(ag, 0, 0);
	assert_string_equal(seen.p, "\"a\":5:5;\"b\":1:-;\"c\":0:4");
	ag_eof(ag, AG_OBS);
	ag_eof(ag, AG_OTH);
	assert_int_equal(ag_read_order(ag, o), 0);
	ag_emit_ready(ag, 0, 0);
	assert_string_equal(seen.p, "\"a\":5:5;\"b\":1:-;\"c\":0:4;\"a\":6:6");
	ag_free(ag);
}

static void
test_other_keys_are_bad_input(void **state)
{
	struct cmp_conf cf = {.value_field = "count",
	                      .against_value = "count",
	                      .max_groups = 100};
	struct against *ag = ag_new(&cf, 1, 0, on_record, NULL);
	const char *odd = "{\"plan\":\"x\",\"window_start\":1780272000,"
	                  "\"window_end\":1780275600,\"count\":3}";
	line_t l = {(char *)odd, strlen(odd), "other", 2};

	(void)state;
	buf_reset(&seen);
	feed(ag, AG_OBS, "a", 0, 5);
	ag_line(ag, AG_OTH, &l, 0);
	feed(ag, AG_OTH, "a", 0, 4);
	ag_eof(ag, AG_OBS);
	ag_eof(ag, AG_OTH);
	ag_emit_ready(ag, 0, 1);
	/* No made-up count 0 for plan x. */
	assert_string_equal(seen.p, "\"a\":5:4");
	ag_free(ag);
}

static int
setup(void **state)
{
	(void)state;
	rio_init("test_against", 0, NULL);
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	buf_free(&seen);
	return 0;
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_join),
	    cmocka_unit_test(test_other_keys_are_bad_input),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
