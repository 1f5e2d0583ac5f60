/*
 * test_expr_numbers.c - a record's numbers, as expressions read them, are
 * exactly the doubles strtod gives for the same text: the short-decimal
 * fast path must never round differently.
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

/* The value of field x in {"x":text}, as the expression "x" sees it. */
static double
read_number(expr_t *e, const char *text)
{
	char line[128];
	rec_t r;
	size_t col;
	const char *msg;
	val_t v;
	buf_t err = BUF_INIT;

	memset(&r, 0, sizeof r);
	snprintf(line, sizeof line, "{\"x\":%s}", text);
	if (rec_scan(&r, line, strlen(line), &col, &msg) < 0)
		fail_msg("'%s' is not a valid record: %s", line, msg);
	assert_int_equal(expr_eval(e, &r, &v, &err), 0);
	assert_int_equal(v.t, V_NUM);
	rec_free(&r);
	buf_free(&err);
	return v.n;
}

static void
same_bits(expr_t *e, const char *text)
{
	double want = strtod(text, NULL), got = read_number(e, text);

	if (memcmp(&want, &got, sizeof want) != 0)
		fail_msg("'%s' reads as %.17g, strtod says %.17g", text, got,
			 want);
}

static void
edge_cases_match_strtod(void **state)
{
	static const char *const cases[] = {
	    "0", "-0", "0.0", "-0.0", "1", "-1", "0.1", "0.2", "0.3",
	    "1.5", "942.0", "0.789809", "-6.4512", "123456789012345",
	    "12345678901234.5", "0.000000000000001", "999999999999999",
	    "9999999999999999", "0.1000000000000001", "1234567890.12345",
	    "1e3", "1.5e-7", "-2.5E+10", "4503599627370497",
	    "9007199254740993", "0.30000000000000004",
	};

	(void)state;
	buf_t err = BUF_INIT;
	expr_t *e = expr_compile("x", &err);
	assert_non_null(e);
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
		same_bits(e, cases[i]);
	expr_free(e);
	buf_free(&err);
}

static void
random_decimals_match_strtod(void **state)
{
	char text[64];
	unsigned long long x = 88172645463325252ULL;

	(void)state;
	buf_t err = BUF_INIT;
	expr_t *e = expr_compile("x", &err);
	assert_non_null(e);
	for (int i = 0; i < 200000; i++) {
		/* xorshift64: digits, a point somewhere, a sign. */
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		int ndig = 1 + (int)(x % 17);
		int point = (int)((x >> 8) % (unsigned)(ndig + 1));
		char *p = text;
		if ((x >> 20) & 1)
			*p++ = '-';
		unsigned long long y = x;
		for (int d = 0; d < ndig; d++) {
			if (d == point && d > 0)
				*p++ = '.';
			/* No leading zeros before other digits (invalid JSON). */
			int digit = (int)(y % 10);
			if (d == 0 && ndig > 1 && point != 1 && digit == 0)
				digit = 7;
			*p++ = (char)('0' + digit);
			y /= 10;
			if (y == 0)
				y = x >> 3;
		}
		*p = '\0';
		same_bits(e, text);
	}
	expr_free(e);
	buf_free(&err);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(edge_cases_match_strtod),
	    cmocka_unit_test(random_decimals_match_strtod),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
