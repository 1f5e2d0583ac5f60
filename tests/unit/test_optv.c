/*
 * test_optv.c - option values of lib/optv.c: whole numbers, limits,
 * sizes, real numbers and enumerations.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include <cmocka.h>

#include "optv.h"

static void
test_int(void **state)
{
	long long v;

	(void)state;
	assert_int_equal(optv_parse_int("0", 0, 10, &v), 0);
	assert_int_equal(v, 0);
	assert_int_equal(optv_parse_int("10", 0, 10, &v), 0);
	assert_int_equal(v, 10);
	assert_int_equal(optv_parse_int("-3", -5, 5, &v), 0);
	assert_int_equal(v, -3);
	assert_int_equal(optv_parse_int("11", 0, 10, &v), -1);
	assert_int_equal(optv_parse_int("-1", 0, 10, &v), -1);
	assert_int_equal(optv_parse_int("", 0, 10, &v), -1);
	assert_int_equal(optv_parse_int(" 1", 0, 10, &v), -1);
	assert_int_equal(optv_parse_int("1 ", 0, 10, &v), -1);
	assert_int_equal(optv_parse_int("1.5", 0, 10, &v), -1);
	assert_int_equal(optv_parse_int("0x10", 0, 100, &v), -1);
	assert_int_equal(
	    optv_parse_int("99999999999999999999", 0, LLONG_MAX, &v), -1);
}

static void
test_limit(void **state)
{
	size_t v;

	(void)state;
	assert_int_equal(optv_parse_limit("0", &v), 0);
	assert_true(v == SIZE_MAX); /* 0: no limit, in every stage */
	assert_int_equal(optv_parse_limit("1", &v), 0);
	assert_int_equal(v, 1);
	assert_int_equal(optv_parse_limit("100000", &v), 0);
	assert_int_equal(v, 100000);
	assert_int_equal(optv_parse_limit("-1", &v), -1);
	assert_int_equal(optv_parse_limit("+1", &v), -1);
	assert_int_equal(optv_parse_limit("1k", &v), -1);
	assert_int_equal(optv_parse_limit("", &v), -1);
}

static void
test_size(void **state)
{
	size_t v;

	(void)state;
	assert_int_equal(optv_parse_size("4096", &v), 0);
	assert_int_equal(v, 4096);
	assert_int_equal(optv_parse_size("64k", &v), 0);
	assert_int_equal(v, 65536);
	assert_int_equal(optv_parse_size("1M", &v), 0);
	assert_int_equal(v, 1 << 20);
	assert_int_equal(optv_parse_size("1MiB", &v), 0);
	assert_int_equal(v, 1 << 20);
	assert_int_equal(optv_parse_size("2G", &v), 0);
	assert_true(v == (size_t)2 << 30);
	assert_int_equal(optv_parse_size("10B", &v), 0);
	assert_int_equal(v, 10);
	assert_int_equal(optv_parse_size("1iB", &v), -1);
	assert_int_equal(optv_parse_size("1T", &v), -1);
	assert_int_equal(optv_parse_size("-1", &v), -1);
	assert_int_equal(optv_parse_size("k", &v), -1);
	assert_int_equal(optv_parse_size("99999999999G", &v), -1);
}

static void
test_real(void **state)
{
	double v;

	(void)state;
	assert_int_equal(optv_parse_real("0.9", 0, 1, &v), 0);
	assert_true(v == 0.9);
	assert_int_equal(optv_parse_real(".5", 0, 1, &v), 0);
	assert_true(v == 0.5);
	assert_int_equal(optv_parse_real("1e-3", 0, 1, &v), 0);
	assert_true(v == 1e-3);
	assert_int_equal(optv_parse_real("1.5", 0, 1, &v), -1);
	assert_int_equal(optv_parse_real("nan", 0, 1, &v), -1);
	assert_int_equal(optv_parse_real("inf", 0, 1e300, &v), -1);
	assert_int_equal(optv_parse_real("0x1p-1", 0, 1, &v), -1);
	assert_int_equal(optv_parse_real(" 0.5", 0, 1, &v), -1);
	assert_int_equal(optv_parse_real("0.5x", 0, 1, &v), -1);
	assert_int_equal(optv_parse_real("", 0, 1, &v), -1);
}

static void
test_enum(void **state)
{
	static const char *const late[] = {"report", "emit", NULL};

	(void)state;
	assert_int_equal(optv_parse_enum("report", late), 0);
	assert_int_equal(optv_parse_enum("emit", late), 1);
	assert_int_equal(optv_parse_enum("Emit", late), -1);
	assert_int_equal(optv_parse_enum("", late), -1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_int),  cmocka_unit_test(test_limit),
	    cmocka_unit_test(test_size), cmocka_unit_test(test_real),
	    cmocka_unit_test(test_enum),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
