/*
 * test_dec.c - exact decimal sums of lib/dec.c: parsing JSON numbers,
 * adding in any order with the same result, formatting, and the fall
 * back to doubles beyond the exact range.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "dec.h"

static dec_t
num(const char *s)
{
	dec_t d;

	assert_int_equal(dec_parse(s, strlen(s), &d), 0);
	return d;
}

static void
assert_dec(const dec_t *d, const char *want)
{
	buf_t b = BUF_INIT;

	dec_format(d, &b);
	assert_string_equal(b.p, want);
	buf_free(&b);
}

static void
test_parse_format(void **state)
{
	(void)state;
	static const char *const cases[][2] = {
	    {"0", "0"},
	    {"-0", "0"},
	    {"12", "12"},
	    {"-12.50", "-12.5"},
	    {"0.001", "0.001"},
	    {"1e3", "1000"},
	    {"1.5E-2", "0.015"},
	    {"-0.0e5", "0"},
	    {"120e-1", "12"},
	    {"123456789012345678901234567890",
	     "123456789012345678901234567890"},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		dec_t d = num(cases[i][0]);
		assert_int_equal(d.inexact, 0);
		assert_dec(&d, cases[i][1]);
	}
}

static void
test_rejects(void **state)
{
	(void)state;
	static const char *const bad[] = {"",    "-",   "01",   "1.",  ".5",
	                                  "1e",  "+1",  "1 ",   "abc", "0x10",
	                                  "1e+", "--1", "1.2.3"};
	dec_t d;

	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
		assert_int_equal(dec_parse(bad[i], strlen(bad[i]), &d), -1);
}

static void
test_exact_sums(void **state)
{
	(void)state;
	dec_t a = DEC_ZERO, b = DEC_ZERO;
	dec_t x = num("0.1"), y = num("0.2"), z = num("-0.3");

	/* 0.1 + 0.2 - 0.3 is 0, in any order. */
	dec_add(&a, &x);
	dec_add(&a, &y);
	dec_add(&a, &z);
	assert_dec(&a, "0");
	dec_add(&b, &z);
	dec_add(&b, &y);
	dec_add(&b, &x);
	assert_dec(&b, "0");

	dec_t c = num("1e20"), d = num("1"), e = num("-1e20"), s = DEC_ZERO;
	dec_add(&s, &c);
	dec_add(&s, &d);
	dec_add(&s, &e);
	assert_int_equal(s.inexact, 0);
	assert_dec(&s, "1");
	assert_true(dec_double(&s) == 1.0);
	dec_t h = num("2.5");
	assert_true(dec_double(&h) == 2.5);
}

static void
test_inexact(void **state)
{
	(void)state;
	/* Too many digits after the point, or too large: a double. */
	dec_t a = num("0.0000000000000000000001");
	assert_int_equal(a.inexact, 1);
	assert_true(a.d == 1e-22);
	dec_t b = num("1e300");
	assert_int_equal(b.inexact, 1);
	dec_t s = DEC_ZERO, one = num("1");
	dec_add(&s, &one);
	dec_add(&s, &b);
	assert_int_equal(s.inexact, 1);
	assert_dec(&s, "1e+300");
	/* Overflow of the 128-bit range on addition. */
	dec_t big = num("99999999999999999999999999999999999999"), t = big;
	dec_add(&t, &big);
	assert_int_equal(t.inexact, 1);
	assert_true(t.d > 1.9e38 && t.d < 2.1e38);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_parse_format),
	    cmocka_unit_test(test_rejects),
	    cmocka_unit_test(test_exact_sums),
	    cmocka_unit_test(test_inexact),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
