/*
 * test_key.c - group keys of lib/key.c: the canonical text of a value and
 * the table of the fields the stages write.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "json.h"
#include "jtable.h"
#include "key.h"
#include "util.h"

/* The canonical text of JSON text s, as a C string (freed by the next
 * call). */
static const char *
canon(const char *s)
{
	static buf_t b = BUF_INIT;

	buf_reset(&b);
	assert_int_equal(key_text(&b, s, strlen(s)), 0);
	buf_addc(&b, '\0');
	return b.p;
}

static const char *
decimal(const char *s)
{
	static buf_t b = BUF_INIT;

	buf_reset(&b);
	key_decimal(&b, s, strlen(s));
	buf_addc(&b, '\0');
	return b.p;
}

/* Every text of list has one canonical text, want. */
static void
same(const char *want, const char *const *list)
{
	for (; *list != NULL; list++)
		assert_string_equal(canon(*list), want);
}

static void
test_numbers_by_exact_value(void **state)
{
	(void)state;
	same("1", (const char *const[]){"1", "1.0", "1e0", "10e-1", "1E+0",
	                                "0.1e1", "1.000", "100e-2", NULL});
	same("0", (const char *const[]){"0", "-0", "0.0", "-0.0e5", "0e-7",
	                                "0e99999999999999999999", NULL});
	same("15e-1",
	     (const char *const[]){"1.5", "15e-1", "0.15e1", "1.50", NULL});
	same("-25", (const char *const[]){"-25", "-2.5e1", "-250e-1", NULL});
	same("1000", (const char *const[]){"1e3", "1000", "1000.0", NULL});
	same("1e65", (const char *const[]){"1e65", "10e64", "0.1e66", NULL});
	same("1e-70", (const char *const[]){"1e-70", "0.1e-69", NULL});
	/* Beyond 2^53 and beyond a double's 17 digits: kept apart. */
	assert_string_equal(canon("9007199254740993"), "9007199254740993");
	assert_string_equal(canon("9007199254740992"), "9007199254740992");
	assert_string_equal(canon("9007199254740993.0"), "9007199254740993");
	assert_string_equal(canon("0.1"), "1e-1");
	assert_string_equal(canon("0.10000000000000001"),
	                    "10000000000000001e-17");
	assert_string_equal(canon("123456789012345678901234567890"),
	                    "123456789012345678901234567890");
	assert_string_equal(canon("1234567890123456789012345678900e-1"),
	                    "123456789012345678901234567890");
	/* An exponent no one means keeps its text. */
	assert_string_equal(canon("1e1000000000000"), "1e1000000000000");
}

static void
test_decimal_form(void **state)
{
	(void)state;
	assert_string_equal(decimal("1.50"), "1.5");
	assert_string_equal(decimal("15e-1"), "1.5");
	assert_string_equal(decimal("-0.05"), "-0.05");
	assert_string_equal(decimal("5e-3"), "0.005");
	assert_string_equal(decimal("12.345e1"), "123.45");
	assert_string_equal(decimal("1e2"), "100");
	assert_string_equal(decimal("-0"), "0");
	assert_string_equal(decimal("7"), "7");
}

static void
test_strings_by_decoded_value(void **state)
{
	(void)state;
	same("\"a\"", (const char *const[]){"\"a\"", "\"\\u0061\"", NULL});
	same("\"a/b\"", (const char *const[]){"\"a/b\"", "\"a\\/b\"", NULL});
	same("\"\\\"\\n\"",
	     (const char *const[]){"\"\\\"\\n\"", "\"\\u0022\\u000a\"", NULL});
	same("\"\xc3\xa9\"",
	     (const char *const[]){"\"\xc3\xa9\"", "\"\\u00e9\"", NULL});
	/* Not equal to the literals or to numbers. */
	assert_string_equal(canon("\"null\""), "\"null\"");
	assert_string_equal(canon("null"), "null");
	assert_string_equal(canon("\"true\""), "\"true\"");
	assert_string_equal(canon("true"), "true");
	assert_string_equal(canon("false"), "false");
	assert_string_equal(canon("\"1\""), "\"1\"");
	assert_string_equal(canon(" 1 "), "1");
}

static void
test_objects_and_arrays(void **state)
{
	(void)state;
	same("{\"a\":1,\"b\":[2,\"x\"]}",
	     (const char *const[]){
	         "{\"a\":1,\"b\":[2,\"x\"]}",
	         "{ \"a\" : 1 , \"b\" : [ 2.0 , \"\\u0078\" ] }",
	         "{\"b\":[2e0,\"x\"],\"a\":1}",
	         "{\"\\u0062\":[2,\"x\"],\"a\":10e-1}", NULL});
	same("{}", (const char *const[]){"{}", "{ }", NULL});
	same("[]", (const char *const[]){"[]", "[ ]", NULL});
	same("[[1],{\"c\":null}]",
	     (const char *const[]){"[ [1.0] , { \"c\" : null } ]", NULL});
	/* A name given twice has its last value. */
	assert_string_equal(canon("{\"a\":1,\"a\":2}"), "{\"a\":2}");
	/* Order matters in an array. */
	assert_string_not_equal(canon("[1,2]"), "[2,1]");
	assert_int_equal(key_text(&(buf_t)BUF_INIT, "{", 1), -1);
}

static void
test_value_of_a_record(void **state)
{
	rec_t r;
	size_t col;
	const char *msg;
	const char *line =
	    "{\"k\":1.0,\"s\":\"\\u0061\",\"o\":{ \"b\":1,\"a\":2 }}";
	buf_t b = BUF_INIT;

	(void)state;
	memset(&r, 0, sizeof r);
	assert_int_equal(rec_scan(&r, line, strlen(line), &col, &msg), 0);
	for (size_t i = 0; i < r.obj.n; i++) {
		if (i > 0)
			buf_addc(&b, '\0');
		key_value(&b, r.obj.f[i].v, r.obj.f[i].vlen, r.obj.f[i].type);
	}
	assert_int_equal(b.len, sizeof "1\0\"a\"\0{\"a\":2,\"b\":1}" - 1);
	assert_memory_equal(b.p, "1\0\"a\"\0{\"a\":2,\"b\":1}", b.len);
	/* No control byte: keys may be joined with one. */
	buf_reset(&b);
	key_text(&b, "\"\\u0000\\u0001\"", 14);
	for (size_t i = 0; i < b.len; i++)
		assert_true((unsigned char)b.p[i] >= 0x20);
	buf_free(&b);
	rec_free(&r);
}

static void
test_join_table_keys(void **state)
{
	buf_t s = BUF_INIT;
	const char *k;
	size_t n;

	(void)state;
	assert_int_equal(jtable_key("1.0", 3, JT_NUM, &s, &k, &n), 0);
	assert_int_equal(n, 1);
	assert_memory_equal(k, "1", 1);
	assert_int_equal(jtable_key("-0", 2, JT_NUM, &s, &k, &n), 0);
	assert_memory_equal(k, "0", n);
	assert_int_equal(jtable_key("9007199254740993", 16, JT_NUM, &s, &k, &n),
	                 0);
	assert_int_equal(n, 16);
	assert_memory_equal(k, "9007199254740993", 16);
	assert_int_equal(jtable_key("2.50", 4, JT_NUM, &s, &k, &n), 0);
	assert_int_equal(n, 3);
	assert_memory_equal(k, "2.5", 3);
	assert_int_equal(jtable_key("\"\\u0061\"", 8, JT_STR, &s, &k, &n), 0);
	assert_int_equal(n, 1);
	assert_memory_equal(k, "a", 1);
	buf_free(&s);
}

static void
test_fields_the_stages_write(void **state)
{
	const struct key_field *f;

	(void)state;
	for (const char *const *p =
	         (const char *const[]){
	             "window_start", "window_end", "count",      "open",
	             "revision",     "sum_bytes",  "distinct_u", "min_v",
	             "max_v",        "avg_v",      "expected",   "ratio",
	             "delta",        "z",          "p",          "q",
	             "peer_ratio",   "baseline",   "baseline_n", NULL};
	     *p != NULL; p++)
		assert_true(key_window_field(*p, strlen(*p)));
	for (const char *const *p =
	         (const char *const[]){"sum_", "avg", "counts", "window",
	                               "user", "zz", "alert", "state", "",
	                               NULL};
	     *p != NULL; p++)
		assert_false(key_window_field(*p, strlen(*p)));
	f = key_written_by("sum_x", 5, KEY_BY_COUNT);
	assert_non_null(f);
	assert_true(f->prefix);
	assert_null(key_written_by("expected", 8, KEY_BY_COUNT));
	assert_non_null(key_written_by("expected", 8, KEY_BY_COMPARE));
	assert_non_null(key_written_by("severity", 8, KEY_BY_ALERT));
	assert_null(key_written_by("count", 5, KEY_BY_ALERT));
	/* The names key.h spells out are those of the table. */
	f = key_written_by(KEY_WINDOW_START, strlen(KEY_WINDOW_START),
	                   KEY_BY_COUNT);
	assert_true(f != NULL && strcmp(f->name, KEY_WINDOW_START) == 0);
	f = key_written_by(KEY_WINDOW_END, strlen(KEY_WINDOW_END),
	                   KEY_BY_COUNT);
	assert_true(f != NULL && strcmp(f->name, KEY_WINDOW_END) == 0);
	f = key_written_by(KEY_OPEN, strlen(KEY_OPEN), KEY_BY_COUNT);
	assert_true(f != NULL && strcmp(f->name, KEY_OPEN) == 0);
	assert_true(key_window_field("open", 4));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_numbers_by_exact_value),
	    cmocka_unit_test(test_decimal_form),
	    cmocka_unit_test(test_strings_by_decoded_value),
	    cmocka_unit_test(test_objects_and_arrays),
	    cmocka_unit_test(test_value_of_a_record),
	    cmocka_unit_test(test_join_table_keys),
	    cmocka_unit_test(test_fields_the_stages_write),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
