/*
 * test_re.c - unit tests for lib/re.c: UTF patterns, compile errors with
 * their offset, and the limits that stop catastrophic backtracking.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "re.h"

static int
match(const char *pat, uint32_t opts, const char *s, const struct re_limits *l)
{
	char msg[128];
	size_t off;
	pcre2_code *re =
	    re_compile(pat, strlen(pat), opts, msg, sizeof msg, &off);
	struct re_ctx *c = re_ctx_new(l);
	pcre2_match_data *md;
	int rc;

	assert_non_null(re);
	md = pcre2_match_data_create_from_pattern(re, NULL);
	rc = re_match(re, s, strlen(s), 0, md, c);
	pcre2_match_data_free(md);
	pcre2_code_free(re);
	re_ctx_free(c);
	return rc;
}

static void
patterns_are_utf(void **state)
{
	static const struct re_limits lim = RE_LIMITS_EXPR;

	(void)state;
	/* One character, not one byte, for '.': "é" is two bytes. */
	assert_true(match("^.$", 0, "\xc3\xa9", &lim) > 0);
	assert_int_equal(match("^..$", 0, "\xc3\xa9", &lim),
	                 PCRE2_ERROR_NOMATCH);
	assert_true(match("(?<x>b+)", PCRE2_DUPNAMES, "abbc", &lim) == 2);
}

static void
compile_error_has_message_and_offset(void **state)
{
	char msg[128];
	size_t off = 0;

	(void)state;
	assert_null(re_compile("ab(c", 4, 0, msg, sizeof msg, &off));
	assert_int_equal(off, 4);
	assert_non_null(strstr(msg, "missing closing parenthesis"));
	/* An invalid UTF-8 pattern is refused. */
	assert_null(re_compile("a\xff", 2, 0, msg, sizeof msg, &off));
}

/* (a+)+$ on "aaa...ab" backtracks exponentially: each set of limits stops
 * it with an error instead of running for ever. */
static void
limits_stop_backtracking(void **state)
{
	static const struct re_limits expr = RE_LIMITS_EXPR;
	static const struct re_limits parse = RE_LIMITS_PARSE;
	char s[64];
	int rc;

	(void)state;
	memset(s, 'a', sizeof s - 2);
	s[sizeof s - 2] = 'b';
	s[sizeof s - 1] = '\0';
	rc = match("(a+)+$", 0, s, &expr);
	assert_true(rc == PCRE2_ERROR_MATCHLIMIT ||
	            rc == PCRE2_ERROR_DEPTHLIMIT ||
	            rc == PCRE2_ERROR_JIT_STACKLIMIT);
	rc = match("(a+)+$", 0, s, &parse);
	assert_true(rc == PCRE2_ERROR_MATCHLIMIT ||
	            rc == PCRE2_ERROR_DEPTHLIMIT ||
	            rc == PCRE2_ERROR_JIT_STACKLIMIT);
	/* A subject short enough is settled within them. */
	memset(s, 'a', 10);
	s[10] = 'b';
	s[11] = '\0';
	assert_int_equal(match("(a+)+$", 0, s, &expr), PCRE2_ERROR_NOMATCH);
}

static void
the_documented_limits(void **state)
{
	static const struct re_limits expr = RE_LIMITS_EXPR;
	static const struct re_limits parse = RE_LIMITS_PARSE;
	char msg[64];

	(void)state;
	/* SECURITY.md's table. */
	assert_int_equal(expr.match, 1000000);
	assert_int_equal(expr.depth, 100000);
	assert_int_equal(expr.jit_stack, 1024 * 1024);
	assert_int_equal(parse.match, 10000000);
	assert_int_equal(parse.depth, 1000000);
	assert_int_equal(parse.jit_stack, 4 * 1024 * 1024);
	re_message(PCRE2_ERROR_MATCHLIMIT, msg, sizeof msg);
	assert_string_equal(msg, "match limit exceeded");
	re_ctx_free(NULL);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(patterns_are_utf),
	    cmocka_unit_test(compile_error_has_message_and_offset),
	    cmocka_unit_test(limits_stop_backtracking),
	    cmocka_unit_test(the_documented_limits),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
