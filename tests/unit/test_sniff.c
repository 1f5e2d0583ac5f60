/*
 * test_sniff.c - the guess at what a bad line is (lib/sniff.c).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "sniff.h"

#define NOW 1781524800 /* 2026-06-15T12:00:00Z */

static const char *
sniff(unsigned long num, const char *line, const char *fmt, int rows)
{
	return sniff_line(num, line, strlen(line), fmt, rows, NOW, 0);
}

static void
compressed_and_binary(void **state)
{
	static const char nul[] = "ab\0cd";

	(void)state;
	assert_string_equal(sniff(1, "\x1f\x8b\x08\x00", "syslog", 0),
	                    "is it compressed?");
	assert_string_equal(sniff(1, "BZh91AY&SYxx", "csv", 1),
	                    "is it compressed?");
	/* past the first line it is only binary */
	assert_string_equal(sniff(2, "\x1f\x8b\x08\x01\x02\x03", "syslog", 0),
	                    "is it a binary file?");
	assert_string_equal(sniff_line(3, nul, 5, "json", 0, NOW, 0),
	                    "is it a binary file?");
	assert_string_equal(sniff(3, "\xff\xfe\xfd\xfc ok", "json", 0),
	                    "is it a binary file?");
	assert_null(sniff(2, "a,b,c", "csv", 1));
}

static void
another_format(void **state)
{
	(void)state;
	assert_string_equal(sniff(1, "[{\"a\":1}]", "syslog", 0),
	                    "it reads as -f json");
	assert_string_equal(
	    sniff(1, "Jun 15 11:00:00 mx postfix/smtpd[12]: connect from x",
	          "json", 0),
	    "it reads as -f postfix");
	assert_string_equal(
	    sniff(1, "Jun 15 11:00:00 mx cron[1]: job done", NULL, 0),
	    "it reads as -f syslog");
	assert_string_equal(
	    sniff(1,
	          "2017-07-30 18:51:05.712 10HmaX-000000005vi-0000 <= "
	          "CALLER@the.local.host.name U=CALLER P=local S=sss",
	          "syslog", 0),
	    "it reads as -f exim");
	/* the format it was read as, or nothing known: no hint */
	assert_null(sniff(1, "Jun 15 11:00:00 mx cron[1]: job", "syslog", 0));
	assert_null(sniff(1, "just some words", "json", 0));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(compressed_and_binary),
	    cmocka_unit_test(another_format),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
