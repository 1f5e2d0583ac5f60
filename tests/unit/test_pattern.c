/*
 * test_pattern.c - user patterns whose named groups become fields
 * (lib/pattern.c): group order, first match wins, invalid UTF-8, compile
 * errors, and a match that hits the limits.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "pattern.h"
#include "parsed.h"

static int
match(struct pat_set *s, const char *line, fields_t *fs, buf_t *why)
{
	fields_reset(fs);
	return pat_match(s, line, strlen(line), fs, why);
}

static void
groups_follow_the_pattern(void **state)
{
	struct pat_set s = PAT_SET_INIT;
	buf_t err = BUF_INIT, why = BUF_INIT;
	fields_t fs = {0};

	(void)state;
	pat_add(&s, "^(?<zeta>\\w+) (?<alpha>\\d+)(?: (?<opt>x))?$");
	assert_int_equal(pat_compile(&s, &err), 0);
	assert_int_equal(match(&s, "hello 42", &fs, &why), FMT_OK);
	/* in the order the groups open, not by name; unset groups left out */
	assert_fields(&fs, "{\"zeta\":\"hello\",\"alpha\":\"42\"}");
	assert_int_equal(match(&s, "hello x", &fs, &why), FMT_NOMATCH);
	pat_free(&s);
	pat_free(&s); /* an empty set */
	fields_free(&fs);
	buf_free(&err);
	buf_free(&why);
}

static void
first_match_wins(void **state)
{
	struct pat_set s = PAT_SET_INIT;
	buf_t err = BUF_INIT, why = BUF_INIT;
	fields_t fs = {0};

	(void)state;
	pat_add(&s, "^(?<a>\\d+)$");
	pat_add(&s, "^(?<b>\\w+)$");
	pat_add(&s, "^(?<n>-)|(?<n>\\+)$"); /* a name used twice */
	assert_int_equal(pat_compile(&s, &err), 0);
	assert_int_equal(match(&s, "12", &fs, &why), FMT_OK);
	assert_fields(&fs, "{\"a\":\"12\"}");
	assert_int_equal(match(&s, "ab", &fs, &why), FMT_OK);
	assert_fields(&fs, "{\"b\":\"ab\"}");
	assert_int_equal(match(&s, "+", &fs, &why), FMT_OK);
	assert_fields(&fs, "{\"n\":\"+\"}");
	/* a name the record already has is left alone */
	fields_reset(&fs);
	fields_addz(&fs, "b", "old");
	assert_int_equal(pat_match(&s, "new", 3, &fs, &why), FMT_OK);
	assert_fields(&fs, "{\"b\":\"old\"}");
	pat_free(&s);
	fields_free(&fs);
	buf_free(&err);
	buf_free(&why);
}

static void
invalid_utf8_reads_as_replacement(void **state)
{
	struct pat_set s = PAT_SET_INIT;
	buf_t err = BUF_INIT, why = BUF_INIT;
	fields_t fs = {0};

	(void)state;
	pat_add(&s, "^(?<w>\\S+) (?<c>.)$");
	assert_int_equal(pat_compile(&s, &err), 0);
	assert_int_equal(match(&s, "a\xff\xc3\xa9 \xfe", &fs, &why), FMT_OK);
	assert_fields(
	    &fs, "{\"w\":\"a\xEF\xBF\xBD\xC3\xA9\",\"c\":\"\xEF\xBF\xBD\"}");
	pat_free(&s);
	fields_free(&fs);
	buf_free(&err);
	buf_free(&why);
}

static void
bad_patterns_are_refused(void **state)
{
	struct pat_set s = PAT_SET_INIT;
	buf_t err = BUF_INIT;

	(void)state;
	pat_add(&s, "(?<a>x)");
	pat_add(&s, "(?<b>x");
	assert_int_equal(pat_compile(&s, &err), -1);
	assert_non_null(strstr(err.p, "bad pattern '(?<b>x': "));
	assert_non_null(strstr(err.p, " at offset 6"));
	pat_free(&s);
	buf_reset(&err);
	pat_add(&s, "^(x)$");
	assert_int_equal(pat_compile(&s, &err), -1);
	assert_string_equal(
	    err.p,
	    "pattern '^(x)$' has no named groups: name each field with (?<name>...)");
	pat_free(&s);
	buf_free(&err);
}

static void
a_match_past_the_limits_is_an_error(void **state)
{
	struct pat_set s = PAT_SET_INIT;
	buf_t err = BUF_INIT, why = BUF_INIT;
	fields_t fs = {0};
	char line[64];

	(void)state;
	memset(line, 'a', sizeof line - 2);
	line[sizeof line - 2] = 'b';
	line[sizeof line - 1] = '\0';
	pat_add(&s, "^(?<x>z)$");
	pat_add(&s, "(?<x>(a+)+)$");
	pat_add(&s, "(?<all>.*)");
	assert_int_equal(pat_compile(&s, &err), 0);
	/* not handed on to the third pattern, which would match */
	assert_int_equal(match(&s, line, &fs, &why), -1);
	assert_non_null(strstr(why.p, "pattern 2: "));
	assert_int_equal(fs.n, 0);
	pat_free(&s);
	fields_free(&fs);
	buf_free(&err);
	buf_free(&why);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(groups_follow_the_pattern),
	    cmocka_unit_test(first_match_wins),
	    cmocka_unit_test(invalid_utf8_reads_as_replacement),
	    cmocka_unit_test(bad_patterns_are_refused),
	    cmocka_unit_test(a_match_past_the_limits_is_an_error),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
