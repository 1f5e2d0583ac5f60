/*
 * test_json.c - the validating scanner, string coding and record splicing
 * of lib/json.c.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <math.h>
#include <stdio.h>

#include <cmocka.h>

#include "json.h"

static int
valid_obj(const char *s)
{
	jobj_t o = {NULL, 0, 0};
	size_t col;
	const char *msg;
	int r = jscan_object(s, strlen(s), &o, &col, &msg);

	jobj_free(&o);
	return r == 0;
}

static int
valid_val(const char *s, size_t n)
{
	size_t col;
	const char *msg;
	char t;

	return jscan_value(s, n, &t, &col, &msg) == 0;
}

static void
test_accepts(void **state)
{
	(void)state;
	assert_true(valid_obj("{}"));
	assert_true(valid_obj("  { \"a\" : 1 } \r"));
	assert_true(valid_obj("{\"a\":[1,2.5,-0.1e+3,true,false,null],"
	                      "\"b\":{\"c\":\"d\\u00e9\\ud83d\\ude00\"}}"));
	assert_true(
	    valid_obj("{\"\xc3\xa9\":\"\xe2\x82\xac\xf0\x9f\x98\x80\"}"));
	assert_true(valid_val("0", 1));
	assert_true(valid_val("\"\"", 2));
	assert_true(valid_val("[]", 2));
}

static void
test_rejects(void **state)
{
	const char *bad[] = {
	    "",
	    "[1]",
	    "{\"a\":}",
	    "{\"a\" 1}",
	    "{a:1}",
	    "{\"a\":1,}",
	    "{\"a\":01}",
	    "{\"a\":1.}",
	    "{\"a\":.5}",
	    "{\"a\":-}",
	    "{\"a\":1e}",
	    "{\"a\":tru}",
	    "{\"a\":\"x",
	    "{} {}",
	    "{\"a\":\"\t\"}",
	    "{\"a\":\"\\x\"}",
	    "{\"a\":\"\\ud800\"}",
	    "{\"a\":\"\\udc00x\"}",
	    "{\"a\":\"\xc0\xaf\"}",
	    "{\"a\":\"\xed\xa0\x80\"}",
	    "{\"a\":\"\xff\"}",
	    "{\"a\":[1 2]}",
	    "{\"a\":NaN}",
	};
	(void)state;
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		if (valid_obj(bad[i]))
			fail_msg("accepted: %s", bad[i]);
	}
}

static void
test_error_column(void **state)
{
	jobj_t o = {NULL, 0, 0};
	size_t col = 0;
	const char *msg = NULL;
	const char *s = "{\"a\":1,\"b\":x}";

	(void)state;
	assert_int_equal(jscan_object(s, strlen(s), &o, &col, &msg), -1);
	assert_int_equal(col, 12);
	assert_string_equal(msg, "unexpected character");
	assert_int_equal(jscan_object("[1]", 3, &o, &col, &msg), -1);
	assert_string_equal(msg, "not a JSON object");
	jobj_free(&o);
}

static void
test_depth(void **state)
{
	char deep[2 * (JSON_MAX_DEPTH + 10) + 10];
	size_t n = 0;

	(void)state;
	for (int i = 0; i < JSON_MAX_DEPTH + 5; i++)
		deep[n++] = '[';
	for (int i = 0; i < JSON_MAX_DEPTH + 5; i++)
		deep[n++] = ']';
	assert_false(valid_val(deep, n));
}

static void
test_fields_and_paths(void **state)
{
	jobj_t o = {NULL, 0, 0};
	jfield_t f;
	const char *s = "{\"a\":1,\"user\":{\"plan\":\"pro\",\"x.y\":2},"
	                "\"k\\u0065y\":\"v\",\"a\":3,\"p.q\":4}";

	(void)state;
	assert_int_equal(jscan_object(s, strlen(s), &o, NULL, NULL), 0);
	assert_int_equal(o.n, 5);
	const jfield_t *a = jobj_get(&o, "a", 1);
	assert_non_null(a);
	assert_memory_equal(a->v, "3", 1); /* the last one wins */
	const jfield_t *k = jobj_get(&o, "key", 3);
	assert_non_null(k);
	assert_int_equal(k->type, JT_STR);
	assert_int_equal(jobj_path(&o, "user.plan", 9, &f), 1);
	assert_int_equal(f.vlen, 5);
	assert_memory_equal(f.v, "\"pro\"", 5);
	assert_int_equal(jobj_path(&o, "user.x.y", 8, &f), 1);
	assert_memory_equal(f.v, "2", 1);
	assert_int_equal(jobj_path(&o, "p.q", 3, &f), 1);
	assert_int_equal(jobj_path(&o, "user.none", 9, &f), 0);
	assert_int_equal(jobj_path(&o, "a.b", 3, &f), 0);
	jobj_free(&o);
}

static void
test_decode_encode(void **state)
{
	buf_t b = BUF_INIT;
	const char *lit = "\"a\\\"b\\\\c\\/\\n\\u00e9\\ud83d\\ude00\"";

	(void)state;
	jstr_decode(lit, strlen(lit), &b);
	assert_string_equal(b.p, "a\"b\\c/\n\xc3\xa9\xf0\x9f\x98\x80");
	buf_free(&b);
	/* An empty string decoded into a new buffer is an empty C string. */
	jstr_decode("\"\"", 2, &b);
	assert_int_equal(b.len, 0);
	assert_string_equal(b.p, "");
	buf_reset(&b);
	jw_str(&b, "q\"\\\x01\t\xff\xc3\xa9", 8);
	assert_string_equal(b.p, "\"q\\\"\\\\\\u0001\\t\xef\xbf\xbd\xc3\xa9\"");
	buf_reset(&b);
	jw_num(&b, 3);
	buf_addc(&b, ' ');
	jw_num(&b, 0.1);
	buf_addc(&b, ' ');
	jw_num(&b, 1.0 / 0.0);
	assert_string_equal(b.p, "3 0.1 null");
	buf_free(&b);
}

static void
test_arrays(void **state)
{
	const char *v = " [ 1, {\"a\":[2]} ,\"x\" ] ";
	size_t pos = 0, n;
	const char *e;
	int count = 0;

	(void)state;
	while (jarr_next(v, strlen(v), &pos, &e, &n)) {
		count++;
		if (count == 2)
			assert_memory_equal(e, "{\"a\":[2]}", n);
	}
	assert_int_equal(count, 3);
}

static void
test_rec_splice(void **state)
{
	rec_t r;
	buf_t o = BUF_INIT;
	const char *line = "{\"ts\":1, \"b\":\"x\" }";

	(void)state;
	memset(&r, 0, sizeof r);
	assert_int_equal(rec_scan(&r, line, strlen(line), NULL, NULL), 0);
	rec_write(&r, &o);
	assert_string_equal(o.p, "{\"ts\":1, \"b\":\"x\" }\n");

	buf_reset(&o);
	rec_set(&r, "ts", "\"1970-01-01T00:00:01Z\"", 22);
	rec_set_str(&r, "segment", "Sun", 3);
	rec_set(&r, "n", "2", 1);
	rec_set(&r, "n", "3", 1);
	const jfield_t *f = rec_get(&r, "segment", 7);
	assert_non_null(f);
	assert_memory_equal(f->v, "\"Sun\"", 5);
	rec_write(&r, &o);
	assert_string_equal(o.p,
	                    "{\"ts\":\"1970-01-01T00:00:01Z\", \"b\":\"x\" "
	                    ",\"segment\":\"Sun\",\"n\":3}\n");

	buf_reset(&o);
	assert_int_equal(rec_scan(&r, "{}", 2, NULL, NULL), 0);
	rec_set(&r, "a", "1", 1);
	rec_write(&r, &o);
	assert_string_equal(o.p, "{\"a\":1}\n");
	buf_free(&o);
	rec_free(&r);
}

static const char *
dtoa(double d, double int_below)
{
	static char out[JSON_DTOA_MAX + 1];
	size_t n = json_dtoa(d, out, int_below);

	assert_int_equal(n, strlen(out));
	return out;
}

/* The shortest text that reads back, and whole numbers without a
 * fraction below the caller's limit. */
static void
test_dtoa_shortest(void **state)
{
	static const double round[] = {0.1,
	                               0.3,
	                               1.0 / 3,
	                               2.0 / 3,
	                               1e-7,
	                               5e-324,
	                               1.7976931348623157e308,
	                               0.1 + 0.2,
	                               123456.789,
	                               -2.5e-300,
	                               9007199254740993.0,
	                               1e15 + 0.5};
	char *end;

	(void)state;
	assert_string_equal(dtoa(0.1, 1e15), "0.1");
	assert_string_equal(dtoa(0.30000000000000004, 1e15),
	                    "0.30000000000000004");
	assert_string_equal(dtoa(1.0 / 3, 1e15), "0.3333333333333333");
	assert_string_equal(dtoa(2.5, 1e15), "2.5");
	assert_string_equal(dtoa(-1.5e-7, 1e15), "-1.5e-07");
	assert_string_equal(dtoa(3, 1e15), "3");
	assert_string_equal(dtoa(-42, 1e15), "-42");
	assert_string_equal(dtoa(999999999999999, 1e15), "999999999999999");
	assert_string_equal(dtoa(1e15, 1e15), "1e+15");
	assert_string_equal(dtoa(1e16, 1e17), "10000000000000000");
	assert_string_equal(dtoa(1e17, 1e17), "1e+17");
	assert_string_equal(dtoa(1e300, 1e15), "1e+300");
	assert_string_equal(dtoa(0.5, 0), "0.5");
	assert_string_equal(dtoa(1, 0), "1");
	for (size_t i = 0; i < sizeof round / sizeof round[0]; i++) {
		const char *t = dtoa(round[i], 1e15);

		assert_true(strtod(t, &end) == round[i]);
		assert_int_equal(*end, '\0');
	}
}

static void
test_number_ok(void **state)
{
	static const char *const yes[] = {"0",
	                                  "-0",
	                                  "1",
	                                  "-12",
	                                  "1.5",
	                                  "0.0",
	                                  "1e5",
	                                  "1E+5",
	                                  "1e-05",
	                                  "-0.5e3",
	                                  "12345678901234567890"};
	static const char *const no[] = {
	    "",      "-",   "01",  "+1", "1.", ".5",  "1e",  "1e+",   "0x10",
	    "1.5.2", "NaN", "inf", "1 ", " 1", "--1", "-01", "1e5.0", "0.e1"};

	(void)state;
	for (size_t i = 0; i < sizeof yes / sizeof yes[0]; i++)
		if (!json_number_ok(yes[i], strlen(yes[i])))
			fail_msg("refused '%s'", yes[i]);
	for (size_t i = 0; i < sizeof no / sizeof no[0]; i++)
		if (json_number_ok(no[i], strlen(no[i])))
			fail_msg("took '%s'", no[i]);
	assert_true(json_number_ok("12", 1));
	assert_false(json_number_ok("1.", 2));
}

/* Decode the escape at the start of s under mode: the text decoded, or
 * "(none)" for 0, "(error)" for -1, with the bytes read in *k. */
static const char *
esc(const char *s, int mode, int *k)
{
	static buf_t b = BUF_INIT;

	buf_reset(&b);
	buf_addc(&b, '\0');
	b.len = 0;
	*k = jstr_escape(s, strlen(s), mode, &b);
	if (*k == 0) {
		assert_int_equal(b.len, 0);
		return "(none)";
	}
	if (*k < 0)
		return "(error)";
	return b.p;
}

static void
test_escape_modes(void **state)
{
	int k;

	(void)state;
	assert_string_equal(esc("\\n", JESC_STRICT, &k), "\n");
	assert_int_equal(k, 2);
	assert_string_equal(esc("\\\"x", JESC_STRICT, &k), "\"");
	assert_string_equal(esc("\\/", JESC_STRICT, &k), "/");
	assert_string_equal(esc("\\\\", JESC_STRICT, &k), "\\");
	assert_string_equal(esc("\\b\\f", JESC_STRICT, &k), "\b");
	assert_string_equal(esc("\\r", JESC_STRICT, &k), "\r");
	assert_string_equal(esc("\\t", JESC_STRICT, &k), "\t");
	assert_string_equal(esc("\\u0061bc", JESC_STRICT, &k), "a");
	assert_int_equal(k, 6);
	assert_string_equal(esc("\\u00e9", JESC_STRICT, &k), "\xc3\xa9");
	assert_string_equal(esc("\\u20AC", JESC_STRICT, &k), "\xe2\x82\xac");
	assert_string_equal(esc("\\ud83d\\ude00", JESC_STRICT, &k),
	                    "\xf0\x9f\x98\x80");
	assert_int_equal(k, 12);
	assert_string_equal(esc("\\uDBFF\\uDFFF", JESC_LENIENT, &k),
	                    "\xf4\x8f\xbf\xbf");
	assert_int_equal(k, 12);
	/* Not JSON's: nothing decoded, nothing written. */
	assert_string_equal(esc("\\d", JESC_STRICT, &k), "(none)");
	assert_string_equal(esc("\\'", JESC_LENIENT, &k), "(none)");
	assert_string_equal(esc("\\u12", JESC_STRICT, &k), "(none)");
	assert_string_equal(esc("\\u12G4", JESC_LENIENT, &k), "(none)");
	assert_string_equal(esc("\\", JESC_LENIENT, &k), "(none)");
	/* Lone surrogates: an error when strict, U+FFFD when lenient. */
	assert_string_equal(esc("\\ud83d", JESC_STRICT, &k), "(error)");
	assert_string_equal(esc("\\ude00", JESC_STRICT, &k), "(error)");
	assert_string_equal(esc("\\ud83d\\u0061", JESC_STRICT, &k), "(error)");
	assert_string_equal(esc("\\ud83dx", JESC_LENIENT, &k), "\xef\xbf\xbd");
	assert_int_equal(k, 6);
	assert_string_equal(esc("\\ude00", JESC_LENIENT, &k), "\xef\xbf\xbd");
	assert_string_equal(esc("\\ud83d\\u0061", JESC_LENIENT, &k),
	                    "\xef\xbf\xbd");
	assert_int_equal(k, 6);
	assert_string_equal(esc("\\ud83d\\ud83d", JESC_LENIENT, &k),
	                    "\xef\xbf\xbd");
	assert_int_equal(k, 6);
	/* A pair cut short by the end of the text is a lone surrogate. */
	buf_t b = BUF_INIT;
	assert_int_equal(jstr_escape("\\ud83d\\ude00", 11, JESC_STRICT, &b),
	                 -1);
	buf_free(&b);
}

static void
test_decode_literal(void **state)
{
	buf_t b = BUF_INIT;
	const char *lit = "\"a\\u0062\\n\\ud83d\\ude00\\\"\\\\/\\/z\"";

	(void)state;
	jstr_decode(lit, strlen(lit), &b);
	assert_string_equal(b.p, "ab\n\xf0\x9f\x98\x80\"\\//z");
	buf_free(&b);
}

/* jw_stat(d) as text. */
static const char *
stat_text(buf_t *b, double d)
{
	buf_reset(b);
	jw_stat(b, d);
	return b->p;
}

/*
 * jw_stat writes 12 significant digits as "%.12g" does (in fixed
 * notation up to 10^14 where printf would switch to an exponent): the
 * same number, or, where the 13th digit is a hair from 5 and the scaling
 * by a power of ten rounds the other way, one unit of the 12th digit
 * away.  Whole numbers up to 2^53 in full.
 */
static void
test_stat_numbers(void **state)
{
	static const struct {
		double d;
		const char *want;
	} fixed[] = {
	    {0.5, "0.5"},
	    {-0.8000000000000007, "-0.8"},
	    {1e-4, "0.0001"},
	    {9.99999999999e-5, "9.99999999999e-05"},
	    {1.5e-7, "1.5e-07"},
	    {0.1, "0.1"},
	    {0.999999999999, "0.999999999999"},
	    {0.9999999999996, "1"},
	    {9.9999999999996, "10"},
	    {123456.7890123456, "123456.789012"},
	    {1234567890123.5, "1234567890120"},
	    {42, "42"},
	    {-3, "-3"},
	    {9007199254740992.0, "9007199254740992"},
	    {1e300 * 10, "1e+301"},
	    {NAN, "null"},
	    {INFINITY, "null"},
	};
	buf_t b = BUF_INIT;
	uint64_t x = 88172645463325252ULL;
	char want[64];
	int off = 0;

	(void)state;
	for (size_t i = 0; i < sizeof fixed / sizeof *fixed; i++)
		assert_string_equal(stat_text(&b, fixed[i].d), fixed[i].want);
	/* Random doubles over the magnitudes the fast paths take. */
	for (int i = 0; i < 200000; i++) {
		double d, got, ref;

		x ^= x << 13, x ^= x >> 7, x ^= x << 17;
		d = ldexp((double)(x >> 11), -53) *
		    pow(10, (double)(int)(x % 19) - 9);
		if (x & 1)
			d = -d;
		snprintf(want, sizeof want, "%.12g", d);
		got = strtod(stat_text(&b, d), NULL);
		ref = strtod(want, NULL);
		if (got != ref) {
			off++;
			assert_true(fabs(got - ref) <=
			            fabs(ref) * 1.0000001e-11);
		}
	}
	/* A few in a hundred thousand at most. */
	assert_true(off < 100);
	buf_free(&b);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_accepts),
	    cmocka_unit_test(test_rejects),
	    cmocka_unit_test(test_error_column),
	    cmocka_unit_test(test_depth),
	    cmocka_unit_test(test_fields_and_paths),
	    cmocka_unit_test(test_decode_encode),
	    cmocka_unit_test(test_arrays),
	    cmocka_unit_test(test_rec_splice),
	    cmocka_unit_test(test_dtoa_shortest),
	    cmocka_unit_test(test_number_ok),
	    cmocka_unit_test(test_escape_modes),
	    cmocka_unit_test(test_decode_literal),
	    cmocka_unit_test(test_stat_numbers),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
