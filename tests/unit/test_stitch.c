/*
 * test_stitch.c - the engine of tingle-stitch, lib/stitch.c.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "expr.h"
#include "json.h"
#include "stitch.h"
#include "ttime.h"
#include "util.h"

static buf_t out = BUF_INIT;
static int nwritten;

static void
written(void)
{
	nwritten++;
}

/* Feed one record (its ts is the time). */
static int
feed(stitch_t *s, const char *line)
{
	rec_t r;
	size_t col;
	const char *msg;
	const jfield_t *f;
	tstamp_t t;
	buf_t err = BUF_INIT;
	int rc;

	memset(&r, 0, sizeof r);
	assert_int_equal(rec_scan(&r, line, strlen(line), &col, &msg), 0);
	f = rec_get(&r, "ts", 2);
	assert_non_null(f);
	assert_int_equal(ts_parse_json(f->v, f->vlen, &t), 0);
	rc = stitch_add(s, &r, &t, &err);
	rec_free(&r);
	buf_free(&err);
	return rc;
}

/* Feed the record printf would write. */
static void
feedf(stitch_t *s, const char *fmt, ...)
{
	char line[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(line, sizeof line, fmt, ap);
	va_end(ap);
	feed(s, line);
}

static void
reset(void)
{
	buf_reset(&out);
	nwritten = 0;
}

static void
test_first_value_wins_and_end_writes(void **state)
{
	static const char *const keys[] = {"id"};
	buf_t e = BUF_INIT;
	struct stitch_conf c = {.mode = STITCH_MERGE, .keys = keys, .nkeys = 1};
	stitch_t *s;

	(void)state;
	reset();
	c.end = expr_compile("end", &e);
	s = stitch_new(&c, &out, written);
	feed(s, "{\"ts\":\"2026-01-01T00:00:00Z\",\"id\":\"a\",\"v\":1}");
	feed(s, "{\"ts\":\"2026-01-01T00:00:01Z\",\"id\":\"\\u0061\",\"v\":2,"
	        "\"w\":3,\"end\":true}");
	assert_int_equal(nwritten, 1);
	assert_string_equal(out.p,
	                    "{\"ts\":\"2026-01-01T00:00:00Z\",\"id\":\"a\","
	                    "\"v\":1,\"w\":3,\"end\":true,\"end_ts\":"
	                    "\"2026-01-01T00:00:01Z\",\"records\":2,"
	                    "\"complete\":true}\n");
	assert_int_equal(stitch_nopen(s), 0);
	stitch_free(s);
	expr_free(c.end);
	buf_free(&e);
}

/* Keys that come and go are forgotten and their ids taken again; the
 * key still open keeps its record. */
static void
test_many_keys_come_and_go(void **state)
{
	static const char *const keys[] = {"id"};
	buf_t e = BUF_INIT;
	struct stitch_conf c = {.mode = STITCH_MERGE, .keys = keys, .nkeys = 1};
	stitch_t *s;

	(void)state;
	reset();
	c.end = expr_compile("end", &e);
	s = stitch_new(&c, &out, written);
	feed(s, "{\"ts\":\"2026-01-01T00:00:00Z\",\"id\":\"keep\",\"v\":1}");
	for (int round = 0; round < 3; round++)
		for (int i = 0; i < 20000; i++) {
			feedf(s, "{\"ts\":\"2026-01-01T00:00:01Z\",\"id\":%d}",
			      i);
			feedf(s,
			      "{\"ts\":\"2026-01-01T00:00:02Z\",\"id\":%d,"
			      "\"end\":true}",
			      i);
		}
	assert_int_equal(nwritten, 60000);
	assert_int_equal(stitch_nopen(s), 1);
	reset();
	feed(s, "{\"ts\":\"2026-01-01T00:00:03Z\",\"id\":\"keep\",\"v\":2,"
	        "\"end\":true}");
	assert_int_equal(nwritten, 1);
	assert_non_null(strstr(out.p, "\"v\":1,"));
	assert_non_null(strstr(out.p, "\"records\":2,"));
	stitch_free(s);
	expr_free(c.end);
	buf_free(&e);
}

static void
test_expect_matched_and_missing(void **state)
{
	static const char *const keys[] = {"u"};
	buf_t e = BUF_INIT;
	struct stitch_conf c = {
	    .mode = STITCH_EXPECT, .keys = keys, .nkeys = 1, .within = 60000};
	stitch_t *s;

	(void)state;
	reset();
	c.start = expr_compile("ev == \"try\"", &e);
	c.expect = expr_compile("ev == \"ok\"", &e);
	s = stitch_new(&c, &out, written);
	feed(s, "{\"ts\":\"2026-01-01T00:00:00Z\",\"u\":1,\"ev\":\"try\"}");
	feed(s, "{\"ts\":\"2026-01-01T00:00:10Z\",\"u\":2,\"ev\":\"try\"}");
	feed(s, "{\"ts\":\"2026-01-01T00:00:30.5Z\",\"u\":1,\"ev\":\"ok\"}");
	assert_string_equal(out.p, "{\"ts\":\"2026-01-01T00:00:00Z\",\"u\":1,"
	                           "\"ev\":\"try\",\"matched\":true,"
	                           "\"latency\":30.5}\n");
	reset();
	stitch_advance(s, 70000 + 1767225600000LL);
	assert_int_equal(nwritten, 0);
	stitch_advance(s, 70001 + 1767225600000LL);
	assert_string_equal(out.p, "{\"ts\":\"2026-01-01T00:00:10Z\",\"u\":2,"
	                           "\"ev\":\"try\",\"matched\":false}\n");
	assert_int_equal(stitch_nopen(s), 0);
	stitch_free(s);
	expr_free(c.start);
	expr_free(c.expect);
	buf_free(&e);
}

/* Check each record of out: its id is its v, and it took n records
 * (n1 for odd ids when n1 > 0; no check when n is 0).  Returns how many
 * there were. */
static int
check_records(int n, int n1)
{
	int lines = 0;

	for (const char *p = out.p; p != NULL && *p != '\0'; lines++) {
		const char *nl = strchr(p, '\n');
		char want[32];
		int id, v;
		size_t len = (size_t)(nl - p);
		char *line = xmalloc(len + 1);

		memcpy(line, p, len);
		line[len] = '\0';
		assert_int_equal(
		    sscanf(line, "{\"ts\":\"%*[^\"]\",\"id\":%d,\"v\":%d", &id,
		           &v),
		    2);
		assert_int_equal(id, v);
		snprintf(want, sizeof want, "\"records\":%d,",
		         n1 > 0 && id % 2 ? n1 : n);
		if (n > 0)
			assert_non_null(strstr(line, want));
		free(line);
		p = nl + 1;
	}
	return lines;
}

/* Many keys open at once, half of them closed and new ones opened in
 * their place (taking their ids): every record has its own key's
 * values, none of the key that had the id before. */
static void
test_reopened_keys_keep_their_own_records(void **state)
{
	static const char *const keys[] = {"id"};
	buf_t e = BUF_INIT;
	struct stitch_conf c = {.mode = STITCH_MERGE, .keys = keys, .nkeys = 1};
	stitch_t *s;
	const int n = 5000;

	(void)state;
	reset();
	c.end = expr_compile("end", &e);
	s = stitch_new(&c, &out, written);
	for (int i = 0; i < n; i++) {
		feedf(s, "{\"ts\":\"2026-01-01T00:00:01Z\",\"id\":%d,\"v\":%d}",
		      i, i);
	}
	for (int i = 1; i < n; i += 2) {
		feedf(s,
		      "{\"ts\":\"2026-01-01T00:00:02Z\",\"id\":%d,\"w\":1,"
		      "\"end\":true}",
		      i);
	}
	assert_int_equal(check_records(2, 0), n / 2);
	assert_int_equal(stitch_nopen(s), n - n / 2);
	reset();
	/* new keys, odd again, on the freed ids; a second record for the
	 * keys still open */
	for (int i = 0; i < n; i++) {
		int id = i % 2 ? n + i : i;
		feedf(s, "{\"ts\":\"2026-01-01T00:00:03Z\",\"id\":%d,\"v\":%d}",
		      id, id);
	}
	assert_int_equal(nwritten, 0);
	assert_int_equal(stitch_nopen(s), n);
	/* the old keys are gone: their records start new ones */
	feed(s, "{\"ts\":\"2026-01-01T00:00:04Z\",\"id\":1,\"v\":1}");
	feed(s, "{\"ts\":\"2026-01-01T00:00:04Z\",\"id\":3,\"v\":3,"
	        "\"end\":true}");
	assert_int_equal(check_records(1, 0), 1);
	assert_int_equal(stitch_nopen(s), n + 1);
	reset();
	stitch_close_all(s);
	/* even ids: two records; odd ones: one (the new keys, and 1) */
	assert_int_equal(check_records(2, 1), n + 1);
	assert_int_equal(stitch_nopen(s), 0);
	stitch_free(s);
	expr_free(c.end);
	buf_free(&e);
}

/* Expect mode: the pending starts of keys opened in the place of closed
 * ones are matched by their own key only. */
static void
test_expect_reopened_keys(void **state)
{
	buf_t e = BUF_INIT;
	static const char *const keys[] = {"id"};
	struct stitch_conf c = {
	    .mode = STITCH_EXPECT, .keys = keys, .nkeys = 1, .within = 3600000};
	stitch_t *s;
	const int n = 3000;

	(void)state;
	reset();
	c.start = expr_compile("ev == \"try\"", &e);
	c.expect = expr_compile("ev == \"ok\"", &e);
	s = stitch_new(&c, &out, written);
	for (int i = 0; i < n; i++) {
		feedf(s,
		      "{\"ts\":\"2026-01-01T00:00:01Z\",\"id\":%d,\"v\":%d,"
		      "\"ev\":\"try\"}",
		      i, i);
	}
	for (int i = 1; i < n; i += 2) {
		feedf(s,
		      "{\"ts\":\"2026-01-01T00:00:02Z\",\"id\":%d,\"v\":%d,"
		      "\"ev\":\"ok\"}",
		      i, i);
	}
	assert_int_equal(check_records(0, 0), n / 2);
	assert_int_equal(stitch_nopen(s), n - n / 2);
	assert_null(strstr(out.p, "\"matched\":false"));
	reset();
	for (int i = 0; i < n; i++) {
		int id = i % 2 ? n + i : i;
		feedf(s,
		      "{\"ts\":\"2026-01-01T00:00:03Z\",\"id\":%d,\"v\":%d,"
		      "\"ev\":\"try\"}",
		      id, id);
	}
	assert_int_equal(stitch_nopen(s), n + n / 2);
	/* an old key has nothing pending any more */
	feed(s, "{\"ts\":\"2026-01-01T00:00:04Z\",\"id\":1,\"ev\":\"ok\"}");
	assert_int_equal(nwritten, 0);
	for (int i = 0; i < n; i++) {
		int id = i % 2 ? n + i : i;
		feedf(s,
		      "{\"ts\":\"2026-01-01T00:00:05Z\",\"id\":%d,\"v\":%d,"
		      "\"ev\":\"ok\"}",
		      id, id);
	}
	assert_int_equal(check_records(0, 0), n + n / 2);
	assert_int_equal(stitch_nopen(s), 0);
	assert_null(strstr(out.p, "\"matched\":false"));
	stitch_free(s);
	expr_free(c.start);
	expr_free(c.expect);
	buf_free(&e);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_first_value_wins_and_end_writes),
	    cmocka_unit_test(test_many_keys_come_and_go),
	    cmocka_unit_test(test_expect_matched_and_missing),
	    cmocka_unit_test(test_reopened_keys_keep_their_own_records),
	    cmocka_unit_test(test_expect_reopened_keys),
	};
	int rc = cmocka_run_group_tests(tests, NULL, NULL);
	buf_free(&out);
	return rc;
}
