/*
 * test_expr.c - the expression language of lib/expr.c: grammar,
 * precedence, every function, null handling, type errors and the messages
 * of syntax errors.
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
#include "ttime.h"

/*
 * Compile src, evaluate it against the record line (NULL: no record) and
 * return the result as JSON, "error: MESSAGE" for a run-time error, or
 * "syntax: MESSAGE" for a compile error.  The string is static.
 */
static const char *
run(const char *src, const char *line)
{
	static char res[4096];
	buf_t err = BUF_INIT, o = BUF_INIT;
	expr_t *e = expr_compile(src, &err);
	rec_t r;
	val_t v;

	memset(&r, 0, sizeof r);
	if (e == NULL) {
		snprintf(res, sizeof res, "syntax: %s", err.p);
		buf_free(&err);
		return res;
	}
	if (line != NULL) {
		size_t col;
		const char *msg;
		assert_int_equal(rec_scan(&r, line, strlen(line), &col, &msg),
		                 0);
	}
	if (expr_eval(e, line ? &r : NULL, &v, &err) < 0) {
		assert_int_equal(v.t, V_NULL);
		snprintf(res, sizeof res, "error: %s", err.p);
	} else {
		val_to_json(&v, &o);
		snprintf(res, sizeof res, "%s", o.p);
	}
	expr_free(e);
	rec_free(&r);
	buf_free(&err);
	buf_free(&o);
	return res;
}

#define EQ(src, line, want) assert_string_equal(run(src, line), want)

static void
test_literals(void **state)
{
	(void)state;
	EQ("42", NULL, "42");
	EQ("-1.5", NULL, "-1.5");
	EQ("1e3", NULL, "1000");
	EQ("0.1", NULL, "0.1");
	EQ("\"double\"", NULL, "\"double\"");
	EQ("'single'", NULL, "\"single\"");
	EQ("'it\\'s'", NULL, "\"it's\"");
	EQ("\"a\\tb\\n\"", NULL, "\"a\\tb\\n\"");
	EQ("\"\\u00e9\\ud83d\\ude00\"", NULL, "\"\xc3\xa9\xf0\x9f\x98\x80\"");
	/* Unknown escapes keep their backslash, for regexes. */
	EQ("'\\d+'", NULL, "\"\\\\d+\"");
	EQ("true", NULL, "true");
	EQ("false", NULL, "false");
	EQ("null", NULL, "null");
	EQ("[]", NULL, "[]");
	EQ("[1, 'a', [true, null]]", NULL, "[1,\"a\",[true,null]]");
	EQ("[x, 1]", "{\"x\":\"y\"}", "[\"y\",1]");
}

static void
test_precedence(void **state)
{
	(void)state;
	EQ("1 + 2 * 3", NULL, "7");
	EQ("(1 + 2) * 3", NULL, "9");
	EQ("10 - 4 - 3", NULL, "3");
	EQ("12 / 4 / 3", NULL, "1");
	EQ("-2 * 3", NULL, "-6");
	EQ("- -3", NULL, "3");
	EQ("-x", "{\"x\":4}", "-4");
	EQ("2 + 3 == 5", NULL, "true");
	EQ("1 < 2 == true", NULL,
	   "syntax: syntax error in expression at column 7: comparisons "
	   "do not chain; use parentheses\n"
	   "  1 < 2 == true\n"
	   "        ^");
	EQ("(1 < 2) == true", NULL, "true");
	/* ! binds tighter than ==, as in C. */
	EQ("!true == false", NULL, "true");
	EQ("!(1 == 2)", NULL, "true");
	/* && binds tighter than ||. */
	EQ("true || false && false", NULL, "true");
	EQ("(true || false) && false", NULL, "false");
	EQ("false && true || true", NULL, "true");
	EQ("1 + 1 > 1 && 2 * 2 == 4", NULL, "true");
	EQ("!!x", "{\"x\":\"a\"}", "true");
}

static void
test_fields(void **state)
{
	const char *rec = "{\"a\":{\"b\":{\"c\":3}},\"a.b\":\"dotted\","
	                  "\"odd name\":\"o\",\"k\\u0065y\":\"esc\","
	                  "\"s\":\"x\\\"y\",\"n\":null}";

	(void)state;
	EQ("a.b.c", rec, "3");
	EQ("a.b", rec, "\"dotted\"");
	EQ("a", rec, "{\"b\":{\"c\":3}}");
	EQ("field(\"odd name\")", rec, "\"o\"");
	EQ("field('a').b.c", rec, "3");
	EQ("field(\"a\").zz", rec, "null");
	EQ("(a).b", rec, "{\"c\":3}");
	EQ("key", rec, "\"esc\"");
	EQ("s", rec, "\"x\\\"y\"");
	EQ("len(s)", rec, "3");
	EQ("missing", rec, "null");
	EQ("missing.deeper", rec, "null");
	EQ("n", rec, "null");
	EQ("a.b.c.d", rec, "null");
	EQ("missing", NULL, "null");
	/* Letters of any script make a bare name. */
	EQ("pr\xc3\xa9nom", "{\"pr\xc3\xa9nom\":\"Zo\xc3\xab\"}",
	   "\"Zo\xc3\xab\"");
	/* Keywords are fields only through field(). */
	EQ("field(\"in\")", "{\"in\":1}", "1");
}

static void
test_set_fields(void **state)
{
	buf_t err = BUF_INIT;
	expr_t *e = expr_compile("plan == 'pro' && a == 2", &err);
	rec_t r;
	val_t v;
	const char *line = "{\"a\":1}";

	(void)state;
	memset(&r, 0, sizeof r);
	assert_non_null(e);
	assert_int_equal(rec_scan(&r, line, strlen(line), NULL, NULL), 0);
	assert_int_equal(expr_eval(e, &r, &v, &err), 0);
	assert_false(val_truthy(&v));
	rec_set(&r, "plan", "\"pro\"", 5);
	rec_set(&r, "a", "2", 1);
	assert_int_equal(expr_eval(e, &r, &v, &err), 0);
	assert_true(val_truthy(&v));
	expr_free(e);
	rec_free(&r);
	buf_free(&err);
}

static void
test_equality(void **state)
{
	(void)state;
	EQ("'a' == 'a'", NULL, "true");
	EQ("'a' == 'A'", NULL, "false");
	EQ("1 == 1.0", NULL, "true");
	EQ("'42' == 42", NULL, "true");
	EQ("42 == '42.0'", NULL, "true");
	EQ("'abc' == 5", NULL, "false");
	EQ("'5' == '5.0'", NULL, "false");
	EQ("true == 1", NULL, "false");
	EQ("null == null", NULL, "true");
	EQ("x == null", "{}", "true");
	EQ("x == null", "{\"x\":null}", "true");
	EQ("x != 'a'", "{}", "true");
	EQ("x == 'a'", "{}", "false");
	EQ("[1, 'b'] == [1, 'b']", NULL, "true");
	EQ("[1, 'b'] == [1]", NULL, "false");
	EQ("arr == [1, 'b']", "{\"arr\":[1, \"b\"]}", "true");
	EQ("o == p", "{\"o\":{\"a\":1,\"b\":[2]},\"p\":{\"b\":[2],\"a\":1}}",
	   "true");
	EQ("o == p", "{\"o\":{\"a\":1},\"p\":{\"a\":1,\"b\":2}}", "false");
	EQ("o == p", "{\"o\":{\"a\":1},\"p\":{\"a\":2}}", "false");
	EQ("s == 'caf\xc3\xa9'", "{\"s\":\"caf\\u00e9\"}", "true");
}

static void
test_ordering(void **state)
{
	(void)state;
	EQ("1 < 2", NULL, "true");
	EQ("2 <= 2", NULL, "true");
	EQ("3 > 2", NULL, "true");
	EQ("2 >= 3", NULL, "false");
	/* Strings compare as strings, bytewise. */
	EQ("'10' < '9'", NULL, "true");
	EQ("'apple' < 'banana'", NULL, "true");
	EQ("'ab' < 'abc'", NULL, "true");
	/* A number and a numeric string compare as numbers. */
	EQ("'10' < 9", NULL, "false");
	EQ("age >= 30", "{\"age\":\"42\"}", "true");
	EQ("false < true", NULL, "true");
	/* Ordering with null is false, both ways. */
	EQ("x < 1", "{}", "false");
	EQ("x >= 1", "{}", "false");
	EQ("null <= null", NULL, "false");
	EQ("x > 1", "{\"x\":null}", "false");
	/* Other mixtures are type errors. */
	EQ("'abc' < 5", NULL,
	   "error: cannot compare string \"abc\" with number 5");
	EQ("x > 1", "{\"x\":[1]}", "error: cannot compare list with number 1");
	EQ("x > 1", "{\"x\":{}}", "error: cannot compare object with number 1");
	EQ("true > 0", NULL,
	   "error: cannot compare boolean true with number 0");
}

static void
test_regex(void **state)
{
	(void)state;
	EQ("s =~ '^dev.*ed$'", "{\"s\":\"device_linked\"}", "true");
	EQ("s =~ \"\\\\d+\"", "{\"s\":\"a12\"}", "true");
	EQ("s =~ '\\d+'", "{\"s\":\"abc\"}", "false");
	EQ("s !~ '\\d+'", "{\"s\":\"abc\"}", "true");
	EQ("s =~ '(?i)^ABC$'", "{\"s\":\"abc\"}", "true");
	EQ("s =~ '^caf.$'", "{\"s\":\"caf\\u00e9\"}", "true");
	/* null matches nothing. */
	EQ("s =~ 'x'", "{}", "false");
	EQ("s !~ 'x'", "{}", "true");
	/* Numbers and booleans match as their text. */
	EQ("n =~ '^4\\d$'", "{\"n\":42}", "true");
	EQ("b =~ '^tr'", "{\"b\":true}", "true");
	EQ("o =~ 'x'", "{\"o\":{}}",
	   "error: cannot match object against a regular expression");
	/* A computed pattern. */
	EQ("s =~ p", "{\"s\":\"abc\",\"p\":\"b.\"}", "true");
	EQ("s =~ p", "{\"s\":\"abc\",\"p\":\"(\"}",
	   "error: invalid regular expression \"(\": missing closing "
	   "parenthesis");
	EQ("s =~ p", "{\"s\":\"abc\",\"p\":1}",
	   "error: the right side of '=~' must be a string, not number 1");
	/* Runaway backtracking hits the match limit instead of hanging. */
	const char *r =
	    run("s =~ '^(a|a?)+$'",
	        "{\"s\":\"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
	        "aaaaaaaaaaaaaaaaaaaab\"}");
	assert_non_null(strstr(r, "error: regular expression match failed"));
}

static void
test_regex_cache(void **state)
{
	buf_t err = BUF_INIT;
	expr_t *e = expr_compile("s =~ p", &err);
	rec_t r;
	val_t v;
	char line[128];

	(void)state;
	memset(&r, 0, sizeof r);
	/* More distinct patterns than the cache holds, twice round. */
	for (int k = 0; k < 2; k++)
		for (int i = 0; i < 20; i++) {
			snprintf(line, sizeof line,
			         "{\"s\":\"x%dy\",\"p\":\"^x%d\"}", i, i);
			assert_int_equal(
			    rec_scan(&r, line, strlen(line), NULL, NULL), 0);
			assert_int_equal(expr_eval(e, &r, &v, &err), 0);
			assert_true(val_truthy(&v));
			snprintf(line, sizeof line,
			         "{\"s\":\"x%dy\",\"p\":\"^y%d\"}", i, i);
			assert_int_equal(
			    rec_scan(&r, line, strlen(line), NULL, NULL), 0);
			assert_int_equal(expr_eval(e, &r, &v, &err), 0);
			assert_false(val_truthy(&v));
		}
	expr_free(e);
	rec_free(&r);
	buf_free(&err);
}

static void
test_in(void **state)
{
	(void)state;
	EQ("2 in [1, 2, 3]", NULL, "true");
	EQ("'2' in [1, 2, 3]", NULL, "true");
	EQ("4 in [1, 2, 3]", NULL, "false");
	EQ("null in [1, null]", NULL, "true");
	EQ("'admin' in roles", "{\"roles\":[\"user\",\"admin\"]}", "true");
	EQ("'root' in roles", "{\"roles\":[\"user\",\"admin\"]}", "false");
	EQ("[1] in [[1], [2]]", NULL, "true");
	/* A string in a string: a substring. */
	EQ("'link' in 'device_linked'", NULL, "true");
	EQ("'' in 'x'", NULL, "true");
	EQ("'Link' in 'device_linked'", NULL, "false");
	EQ("x in 'abc'", "{}", "false");
	EQ("x in o", "{\"o\":{\"a\":1}}", "false");
	/* A string in an object: a key. */
	EQ("'plan' in user", "{\"user\":{\"plan\":\"pro\"}}", "true");
	EQ("'tier' in user", "{\"user\":{\"plan\":\"pro\"}}", "false");
	/* Anything in null (a missing field) is false. */
	EQ("1 in x", "{}", "false");
	EQ("5 in 3", NULL, "error: cannot look for number 5 in number 3");
	EQ("5 in 'abc'", NULL,
	   "error: cannot look for number 5 in string "
	   "\"abc\"");
	EQ("e in [\"a\", \"b\"] && e != \"a\"", "{\"e\":\"b\"}", "true");
}

static void
test_arithmetic(void **state)
{
	(void)state;
	EQ("7 / 2", NULL, "3.5");
	EQ("0.1 + 0.2", NULL, "0.30000000000000004");
	EQ("'5' + 3", NULL, "8");
	EQ("'5' * '2'", NULL, "10");
	EQ("'ab' + 'cd'", NULL, "\"abcd\"");
	EQ("'user-' + str(id)", "{\"id\":7}", "\"user-7\"");
	/* null in, null out. */
	EQ("x + 1", "{}", "null");
	EQ("1 - x", "{}", "null");
	EQ("-x", "{}", "null");
	EQ("x * 2 > 3", "{}", "false");
	/* Division by zero is null too. */
	EQ("1 / 0", NULL, "null");
	EQ("errors / total", "{\"errors\":3,\"total\":0}", "null");
	EQ("'a' * 2", NULL, "error: cannot multiply string \"a\" by number 2");
	EQ("'a' + 2", NULL, "error: cannot add string \"a\" and number 2");
	EQ("'a' - 2", NULL,
	   "error: cannot subtract number 2 from string \"a\"");
	EQ("2 / true", NULL, "error: cannot divide number 2 by boolean true");
	EQ("-'a'", NULL, "error: cannot negate string \"a\"");
}

static void
test_time_functions(void **state)
{
	(void)state;
	assert_int_equal(tz_set("UTC"), 0);
	EQ("weekday(ts)", "{\"ts\":\"2026-11-29T13:58:36Z\"}", "\"Sun\"");
	EQ("weekday('2026-11-30')", NULL, "\"Mon\"");
	EQ("weekday(ts)", "{\"ts\":1764424716}", "\"Sat\"");
	EQ("weekday(ts)", "{\"ts\":1764424716000}", "\"Sat\"");
	EQ("weekday(ts)", "{\"ts\":\"1764424716\"}", "\"Sat\"");
	EQ("weekday(1764424716 + 86400)", NULL, "\"Sun\"");
	EQ("date(ts)", "{\"ts\":\"2026-11-29T23:30:00-02:00\"}",
	   "\"2026-11-30\"");
	EQ("hour(ts)", "{\"ts\":\"2026-11-29T23:30:00-02:00\"}", "1");
	EQ("hour('2026-11-29 07:05:00')", NULL, "7");
	EQ("days_between('2026-11-29T23:00:00Z', '2026-11-30T01:00:00Z')", NULL,
	   "1");
	EQ("days_between('2026-12-01', '2026-11-29')", NULL, "-2");
	EQ("days_between(a, b)", "{\"a\":\"2026-01-01\"}", "null");
	EQ("weekday(x)", "{}", "null");
	EQ("weekday('soon')", NULL,
	   "error: weekday() needs a time, not string \"soon\"");
	EQ("date(true)", NULL, "error: date() needs a time, not boolean true");
	EQ("hour(o)", "{\"o\":{}}", "error: hour() needs a time, not object");

	/* In another zone: 03:00 UTC on Monday is Sunday evening in
	 * Chicago, and the calendar follows the zone across DST. */
	assert_int_equal(tz_set("America/Chicago"), 0);
	EQ("weekday('2026-11-30T03:00:00Z')", NULL, "\"Sun\"");
	EQ("date('2026-11-30T03:00:00Z')", NULL, "\"2026-11-29\"");
	EQ("hour('2026-11-30T03:00:00Z')", NULL, "21");
	EQ("hour('2026-11-29 21:00')", NULL, "21");
	EQ("days_between('2026-03-07T12:00:00Z', '2026-03-09T12:00:00Z')", NULL,
	   "2");
	assert_int_equal(tz_set("UTC"), 0);
}

static void
test_string_functions(void **state)
{
	(void)state;
	EQ("lower('MiXeD 1')", NULL, "\"mixed 1\"");
	EQ("upper('MiXeD 1')", NULL, "\"MIXED 1\"");
	/* ASCII letters only. */
	EQ("lower('\xc3\x89T\xc3\x89')", NULL, "\"\xc3\x89t\xc3\x89\"");
	EQ("lower(x)", "{}", "null");
	EQ("lower(3)", NULL, "error: lower() needs a string, not number 3");
	EQ("upper([1])", NULL, "error: upper() needs a string, not list");
	EQ("len('h\xc3\xa9llo')", NULL, "5");
	EQ("len('')", NULL, "0");
	EQ("len([1, 2, 3])", NULL, "3");
	EQ("len(a)", "{\"a\":[1,[2,3],{}]}", "3");
	EQ("len(a)", "{\"a\":[]}", "0");
	EQ("len(o)", "{\"o\":{\"x\":1,\"y\":2}}", "2");
	EQ("len(x)", "{}", "null");
	EQ("len(3)", NULL,
	   "error: len() needs a string, list or object, not number 3");
	EQ("len(true)", NULL,
	   "error: len() needs a string, list or object, not boolean true");
}

static void
test_split_and_index(void **state)
{
	(void)state;
	EQ("split('a@b@c', '@')", NULL, "[\"a\",\"b\",\"c\"]");
	EQ("split('abc', '@')", NULL, "[\"abc\"]");
	EQ("split('', '@')", NULL, "[\"\"]");
	EQ("split('@a@', '@')", NULL, "[\"\",\"a\",\"\"]");
	EQ("split('a, b', ', ')", NULL, "[\"a\",\"b\"]");
	EQ("split('h\xc3\xa9', '')", NULL, "[\"h\",\"\xc3\xa9\"]");
	EQ("split(to, '@')[1]", "{\"to\":\"ann@example.com\"}",
	   "\"example.com\"");
	EQ("split(x, '@')", "{}", "null");
	EQ("split(3, '@')", NULL,
	   "error: split() needs a string, not number 3");
	/* Indexes count from 0, or from the end when negative. */
	EQ("[1, 2, 3][0]", NULL, "1");
	EQ("[1, 2, 3][-1]", NULL, "3");
	EQ("[1, 2, 3][3]", NULL, "null");
	EQ("[1, 2, 3][-4]", NULL, "null");
	EQ("a[1]", "{\"a\":[1,{\"b\":2}]}", "{\"b\":2}");
	EQ("a[1].b", "{\"a\":[1,{\"b\":2}]}", "2");
	EQ("a[1][0]", "{\"a\":[1,[5,6]]}", "5");
	EQ("a['b']", "{\"a\":{\"b\":2}}", "2");
	EQ("a['c']", "{\"a\":{\"b\":2}}", "null");
	/* Strings by character, not byte. */
	EQ("'h\xc3\xa9llo'[1]", NULL, "\"\xc3\xa9\"");
	EQ("'h\xc3\xa9llo'[-1]", NULL, "\"o\"");
	EQ("'abc'[i]", "{\"i\":\"2\"}",
	   "error: cannot index string \"abc\" with string \"2\"");
	EQ("a[0]", "{}", "null");
	EQ("[1][x]", "{}", "null");
	EQ("[1][0.5]", NULL, "error: an index must be a whole number, not 0.5");
	EQ("5[0]", NULL, "error: cannot index number 5 with number 0");
	EQ("a[", NULL,
	   "syntax: syntax error in expression at column 3: expected a "
	   "value, a field name, a function call or '(' before the end of "
	   "the expression\n"
	   "  a[\n"
	   "    ^");
	EQ("a[1", NULL,
	   "syntax: syntax error in expression at column 4: expected ']' "
	   "before the end of the expression\n"
	   "  a[1\n"
	   "     ^");
	EQ("x in [1, 2][0]", "{\"x\":1}",
	   "error: cannot look for number 1 in number 1");
}

static void
test_substrings(void **state)
{
	(void)state;
	EQ("substr('h\xc3\xa9llo', 1, 3)", NULL, "\"\xc3\xa9ll\"");
	EQ("substr('hello', 1)", NULL, "\"ello\"");
	EQ("substr('hello', -2)", NULL, "\"lo\"");
	EQ("substr('hello', -9, 2)", NULL, "\"he\"");
	EQ("substr('hello', 9)", NULL, "\"\"");
	EQ("substr('hello', 1, 99)", NULL, "\"ello\"");
	EQ("substr('hello', 1, 0)", NULL, "\"\"");
	EQ("substr('hello', 1, -1)", NULL,
	   "error: substr() needs a length of 0 or more, not number -1");
	EQ("substr('hello', 0.5)", NULL,
	   "error: substr() needs a whole number, not number 0.5");
	EQ("substr(x, 1)", "{}", "null");
	EQ("startswith('hello', 'he')", NULL, "true");
	EQ("startswith('hello', 'lo')", NULL, "false");
	EQ("startswith('he', 'hello')", NULL, "false");
	EQ("endswith('hello', 'lo')", NULL, "true");
	EQ("endswith('hello', '')", NULL, "true");
	EQ("endswith(x, 'a')", "{}", "null");
	EQ("endswith(1, 'a')", NULL,
	   "error: endswith() needs a string, not number 1");
	EQ("trim(' \\t a b \\n')", NULL, "\"a b\"");
	EQ("trim('')", NULL, "\"\"");
	EQ("trim(1)", NULL, "error: trim() needs a string, not number 1");
}

static void
test_regex_functions(void **state)
{
	(void)state;
	EQ("match('v 12.34', '(\\d+)\\.(\\d+)')", NULL, "\"12\"");
	EQ("match('v 12.34', '\\d+')", NULL, "\"12\"");
	EQ("match('v 12.34', 'x(\\d)')", NULL, "null");
	EQ("match('ab', 'a(x)?')", NULL, "null");
	EQ("match('v 12.34', '(?<major>\\d+)\\.(?<minor>\\d+)(?<pre>-\\w+)?')",
	   NULL, "{\"major\":\"12\",\"minor\":\"34\",\"pre\":null}");
	EQ("match(dsn, '^(\\d)\\.')", "{\"dsn\":\"5.1.1\"}", "\"5\"");
	EQ("match(n, '^(\\d)')", "{\"n\":42}", "\"4\"");
	EQ("match(x, 'a')", "{}", "null");
	EQ("match(s, p)", "{\"s\":\"abc\",\"p\":\"b(c)\"}", "\"c\"");
	EQ("match(s, p)", "{\"s\":\"abc\",\"p\":\"(\"}",
	   "error: invalid regular expression \"(\": missing closing "
	   "parenthesis");
	EQ("match(s, p)", "{\"s\":\"abc\",\"p\":1}",
	   "error: match() needs a regular expression (a string), not "
	   "number 1");
	EQ("match([1], 'a')", NULL, "error: match() needs a string, not list");
	EQ("sub('a-b-c', '-', '+')", NULL, "\"a+b-c\"");
	EQ("gsub('a-b-c', '-', '+')", NULL, "\"a+b+c\"");
	EQ("gsub('ann@ex bo@ey', '(\\w+)@(\\w+)', '\\2:\\1')", NULL,
	   "\"ex:ann ey:bo\"");
	EQ("gsub('ab', '(a)', '[\\0|\\1|\\2|\\\\\\\\]')", NULL,
	   "\"[a|a||\\\\]b\"");
	EQ("gsub('abc', 'x*', '-')", NULL, "\"-a-b-c-\"");
	EQ("gsub('h\xc3\xa9', '', '.')", NULL, "\".h.\xc3\xa9.\"");
	EQ("gsub('abac', '^a|c$', '_')", NULL, "\"_ba_\"");
	EQ("gsub('aaa', '(?<=a)a', 'b')", NULL, "\"abb\"");
	EQ("sub('abc', 'x', 'y')", NULL, "\"abc\"");
	EQ("sub(x, 'a', 'b')", "{}", "null");
	EQ("sub('a', 'a', 1)", NULL,
	   "error: sub() needs a string, not number 1");
	EQ("gsub('a', '(', 'b')", NULL,
	   "syntax: syntax error in expression at column 13: invalid "
	   "regular expression: missing closing parenthesis\n"
	   "  gsub('a', '(', 'b')\n"
	   "              ^");
	/* The limits of =~ hold: a pattern that backtracks without end
	 * fails instead of hanging. */
	EQ("gsub('aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa!', "
	   "'(a+)+$', 'x')",
	   NULL,
	   "error: regular expression match failed: match limit exceeded");
}

static void
test_domain(void **state)
{
	(void)state;
	EQ("domain('ann@Example.COM')", NULL, "\"example.com\"");
	EQ("domain('<ann@example.com>')", NULL, "\"example.com\"");
	EQ("domain('Ann <ann@example.com>')", NULL, "\"example.com\"");
	EQ("domain('\"Ann <a@b>, x@y\" <ann@example.com>')", NULL,
	   "\"example.com\"");
	EQ("domain('\"a@b\"@example.com')", NULL, "\"example.com\"");
	EQ("domain('user@[192.0.2.1]')", NULL, "\"[192.0.2.1]\"");
	EQ("domain('<@relay.example:ann@example.com>')", NULL,
	   "\"example.com\"");
	EQ("domain('ann@example.com.')", NULL, "\"example.com\"");
	EQ("domain(' ann@example.com ')", NULL, "\"example.com\"");
	EQ("domain('ann')", NULL, "null");
	EQ("domain('ann@')", NULL, "null");
	EQ("domain('<>')", NULL, "null");
	EQ("domain('')", NULL, "null");
	EQ("domain('a@b c')", NULL, "null");
	EQ("domain(to)", "{}", "null");
	EQ("domain(to)", "{\"to\":\"x@\\u00c9T\\u00c9.fr\"}",
	   "\"\xc3\x89t\xc3\x89.fr\"");
	EQ("domain(1)", NULL, "error: domain() needs a string, not number 1");
}

static void
test_number_functions(void **state)
{
	(void)state;
	EQ("floor(-1.5)", NULL, "-2");
	EQ("ceil(-1.5)", NULL, "-1");
	EQ("ceil(-0.5)", NULL, "0");
	EQ("floor('2.7')", NULL, "2");
	EQ("round(2.5)", NULL, "3");
	EQ("round(-2.5)", NULL, "-3");
	EQ("round(3.14159, 2)", NULL, "3.14");
	EQ("round(1234.5, -2)", NULL, "1200");
	EQ("round(0.125, 20)", NULL, "0.125");
	EQ("round(x, 1)", "{}", "null");
	EQ("round(1, x)", "{}", "null");
	EQ("round(1.5, 0.5)", NULL,
	   "error: round() needs a whole number of digits, not number 0.5");
	EQ("abs(-3)", NULL, "3");
	EQ("abs('x')", NULL, "error: abs() needs a number, not string \"x\"");
	EQ("floor(true)", NULL,
	   "error: floor() needs a number, not boolean true");
	EQ("min(3, 1, 2)", NULL, "1");
	EQ("max(3, 1, 2)", NULL, "3");
	/* Nulls are left out; all null is null. */
	EQ("max(a, 2)", "{}", "2");
	EQ("min(a, b)", "{}", "null");
	EQ("min(a)", "{\"a\":[4,2,null,9]}", "2");
	EQ("max(a)", "{\"a\":[4,2,null,9]}", "9");
	EQ("max(a)", "{\"a\":[]}", "null");
	EQ("max(a)", "{\"a\":7}", "7");
	EQ("min('b', 'a', 'c')", NULL, "\"a\"");
	EQ("max(1, '5')", NULL, "\"5\"");
	EQ("min(1, 'a')", NULL,
	   "error: cannot compare string \"a\" with number 1");
	EQ("round()", NULL,
	   "syntax: syntax error in expression at column 1: round() takes 1 "
	   "to 2 arguments, not 0\n"
	   "  round()\n"
	   "  ^");
}

static void
test_other_functions(void **state)
{
	(void)state;
	EQ("exists(x)", "{\"x\":null}", "true");
	EQ("exists(x)", "{}", "false");
	EQ("exists(a.b)", "{\"a\":{\"b\":0}}", "true");
	EQ("exists(a.c)", "{\"a\":{\"b\":0}}", "false");
	EQ("exists(field('odd name'))", "{\"odd name\":1}", "true");
	EQ("exists(field('a').b)", "{\"a\":{\"b\":0}}", "true");
	EQ("!exists(x)", "{}", "true");
	EQ("coalesce(a, b, 'none')", "{\"b\":2}", "2");
	EQ("coalesce(a, b, 'none')", "{}", "\"none\"");
	EQ("coalesce(a)", "{\"a\":false}", "false");
	EQ("coalesce(a, b)", "{}", "null");
	EQ("num('42')", NULL, "42");
	EQ("num('-1.5e2')", NULL, "-150");
	EQ("num(' 42')", NULL, "null");
	EQ("num('0x10')", NULL, "null");
	EQ("num('nan')", NULL, "null");
	EQ("num('abc')", NULL, "null");
	EQ("num(true)", NULL, "1");
	EQ("num(x)", "{\"x\":12}", "12");
	EQ("num(x)", "{}", "null");
	EQ("num([1])", NULL, "null");
	EQ("str(42)", NULL, "\"42\"");
	EQ("str(1.5)", NULL, "\"1.5\"");
	EQ("str(x)", "{\"x\":12345678901234567890}",
	   "\"12345678901234567890\"");
	EQ("str(x)", "{\"x\":1.50}", "\"1.5\"");
	EQ("str(true)", NULL, "\"true\"");
	EQ("str([1, 'a'])", NULL, "\"[1,\\\"a\\\"]\"");
	EQ("str(o)", "{\"o\":{\"a\":1}}", "\"{\\\"a\\\":1}\"");
	EQ("str('s')", NULL, "\"s\"");
	EQ("str(x)", "{}", "null");
	/* Numbers from a record keep their text. */
	EQ("x", "{\"x\":1.50}", "1.50");
	EQ("x + 0", "{\"x\":1.50}", "1.5");
}

static void
test_errors_propagate(void **state)
{
	(void)state;
	/* A run-time error ends the evaluation: the result is null. */
	EQ("len(3) > 1 || true", NULL,
	   "error: len() needs a string, list or object, not number 3");
	/* Short-circuit: the error is never reached. */
	EQ("true || len(3) > 1", NULL, "true");
	EQ("false && len(3) > 1", NULL, "false");
	/* Long values are cut short in messages. */
	EQ("lower(x)", "{\"x\":1234567890123456789012345678901234567890123}",
	   "error: lower() needs a string, not number "
	   "123456789012345678901234567890123456...");
}

static void
test_truthy(void **state)
{
	val_t v;

	(void)state;
	memset(&v, 0, sizeof v);
	assert_false(val_truthy(&v));
	EQ("!0", NULL, "true");
	EQ("!''", NULL, "true");
	EQ("![]", NULL, "true");
	EQ("!a", "{\"a\":[]}", "true");
	EQ("!a", "{\"a\":[ ]}", "true");
	EQ("!a", "{\"a\":[0]}", "false");
	EQ("!a", "{\"a\":{}}", "false");
	EQ("!'0'", NULL, "false");
	EQ("!x", "{}", "true");
	EQ("0.5 && 'x'", NULL, "true");
}

static void
test_syntax_errors(void **state)
{
	(void)state;
	EQ("weekday(ts", NULL,
	   "syntax: syntax error in expression at column 11: expected ',' "
	   "or ')' before the end of the expression\n"
	   "  weekday(ts\n"
	   "            ^");
	EQ("", NULL,
	   "syntax: syntax error in expression at column 1: expected a "
	   "value, a field name, a function call or '(' before the end of "
	   "the expression\n"
	   "  \n"
	   "  ^");
	EQ("a = 1", NULL,
	   "syntax: syntax error in expression at column 3: unexpected "
	   "'='; use '==' to compare\n"
	   "  a = 1\n"
	   "    ^");
	EQ("a == 1 & b", NULL,
	   "syntax: syntax error in expression at column 8: unexpected "
	   "'&'; use '&&' for and\n"
	   "  a == 1 & b\n"
	   "         ^");
	EQ("a | b", NULL,
	   "syntax: syntax error in expression at column 3: unexpected "
	   "'|'; use '||' for or\n"
	   "  a | b\n"
	   "    ^");
	EQ("a b", NULL,
	   "syntax: syntax error in expression at column 3: expected an "
	   "operator or the end of the expression\n"
	   "  a b\n"
	   "    ^");
	EQ("foo(1)", NULL,
	   "syntax: syntax error in expression at column 1: unknown "
	   "function 'foo'\n"
	   "  foo(1)\n"
	   "  ^");
	EQ("x && weekday(a, b)", NULL,
	   "syntax: syntax error in expression at column 6: weekday() "
	   "takes 1 argument, not 2\n"
	   "  x && weekday(a, b)\n"
	   "       ^");
	EQ("days_between(a)", NULL,
	   "syntax: syntax error in expression at column 1: "
	   "days_between() takes 2 arguments, not 1\n"
	   "  days_between(a)\n"
	   "  ^");
	EQ("coalesce()", NULL,
	   "syntax: syntax error in expression at column 1: coalesce() "
	   "needs at least 1 argument\n"
	   "  coalesce()\n"
	   "  ^");
	EQ("exists('x')", NULL,
	   "syntax: syntax error in expression at column 8: exists() needs "
	   "a field name\n"
	   "  exists('x')\n"
	   "         ^");
	EQ("field(x)", NULL,
	   "syntax: syntax error in expression at column 7: expected a "
	   "field name in quotes\n"
	   "  field(x)\n"
	   "        ^");
	EQ("a == 'abc", NULL,
	   "syntax: syntax error in expression at column 6: unterminated "
	   "string\n"
	   "  a == 'abc\n"
	   "       ^");
	EQ("[1, 2", NULL,
	   "syntax: syntax error in expression at column 6: expected ',' "
	   "or ']' before the end of the expression\n"
	   "  [1, 2\n"
	   "       ^");
	EQ("(a == 1", NULL,
	   "syntax: syntax error in expression at column 8: expected ')' "
	   "before the end of the expression\n"
	   "  (a == 1\n"
	   "         ^");
	EQ("a == 1)", NULL,
	   "syntax: syntax error in expression at column 7: expected an "
	   "operator or the end of the expression\n"
	   "  a == 1)\n"
	   "        ^");
	EQ("a.", NULL,
	   "syntax: syntax error in expression at column 3: expected a "
	   "field name after '.' before the end of the expression\n"
	   "  a.\n"
	   "    ^");
	EQ("n > 5m", NULL,
	   "syntax: syntax error in expression at column 5: invalid "
	   "number\n"
	   "  n > 5m\n"
	   "      ^");
	EQ("s =~ 5", NULL,
	   "syntax: syntax error in expression at column 6: expected a "
	   "regular expression (a string)\n"
	   "  s =~ 5\n"
	   "       ^");
	EQ("s =~ 'ab(c'", NULL,
	   "syntax: syntax error in expression at column 11: invalid "
	   "regular expression: missing closing parenthesis\n"
	   "  s =~ 'ab(c'\n"
	   "            ^");
	EQ("a == '\\uZZZZ'", NULL,
	   "syntax: syntax error in expression at column 7: invalid \\u "
	   "escape in string\n"
	   "  a == '\\uZZZZ'\n"
	   "        ^");
	/* A lone surrogate is an error in a literal (strict decoding); a
	 * pair is one character. */
	EQ("a == '\\ud83d'", NULL,
	   "syntax: syntax error in expression at column 7: invalid \\u "
	   "escape in string\n"
	   "  a == '\\ud83d'\n"
	   "        ^");
	EQ("a == 'x\\ude00'", NULL,
	   "syntax: syntax error in expression at column 8: invalid \\u "
	   "escape in string\n"
	   "  a == 'x\\ude00'\n"
	   "         ^");
	EQ("'\\ud83d\\ude00' == '\xf0\x9f\x98\x80'", NULL, "true");
	EQ("a == @", NULL,
	   "syntax: syntax error in expression at column 6: unexpected "
	   "character '@'\n"
	   "  a == @\n"
	   "       ^");
}

static void
test_syntax_error_positions(void **state)
{
	char deep[1200];

	(void)state;
	/* Columns count characters, not bytes. */
	EQ("pr\xc3\xa9nom == == 1", NULL,
	   "syntax: syntax error in expression at column 11: expected a "
	   "value, a field name, a function call or '('\n"
	   "  pr\xc3\xa9nom == == 1\n"
	   "            ^");
	/* Tabs are copied so the caret lines up. */
	EQ("a ==\t\t)", NULL,
	   "syntax: syntax error in expression at column 7: expected a "
	   "value, a field name, a function call or '('\n"
	   "  a ==\t\t)\n"
	   "      \t\t^");
	/* A typographic quote is not part of a name. */
	EQ("x == \xe2\x80\x9c"
	   "a\xe2\x80\x9d",
	   NULL,
	   "syntax: syntax error in expression at column 6: unexpected "
	   "character '\xe2\x80\x9c'\n"
	   "  x == \xe2\x80\x9c"
	   "a\xe2\x80\x9d\n"
	   "       ^");
	EQ("x == \xff", NULL,
	   "syntax: syntax error in expression at column 6: invalid UTF-8 "
	   "in expression\n"
	   "  x == \xff\n"
	   "       ^");
	/* Several lines: the line with the error is shown. */
	EQ("a == 1 &&\n  b ==", NULL,
	   "syntax: syntax error in expression at line 2, column 7: "
	   "expected a value, a field name, a function call or '(' before "
	   "the end of the expression\n"
	   "    b ==\n"
	   "        ^");
	/* Nesting is limited, not a stack overflow. */
	memset(deep, '(', 600);
	strcpy(deep + 600, "1");
	memset(deep + 601, ')', 500);
	deep[1101] = '\0';
	assert_non_null(strstr(run(deep, NULL), "nested too deeply"));
	memset(deep, '!', 1000);
	strcpy(deep + 1000, "x");
	assert_non_null(strstr(run(deep, NULL), "nested too deeply"));
	memset(deep, '(', 100);
	strcpy(deep + 100, "1");
	memset(deep + 101, ')', 100);
	deep[201] = '\0';
	EQ(deep, NULL, "1");
}

/*
 * Into buf, first followed by n - 1 times sep and then item: a chain of n
 * terms.  Returns buf.
 */
static char *
chain(char *buf, const char *first, const char *sep, const char *item, int n)
{
	char *p = buf + strlen(strcpy(buf, first));

	for (int i = 1; i < n; i++)
		p += sprintf(p, "%s%s", sep, item);
	return buf;
}

/* The first line of the message for src: too deep at column col. */
static void
too_deep(const char *src, int col)
{
	char want[128], got[128];
	const char *r = run(src, NULL);

	snprintf(want, sizeof want,
	         "syntax: syntax error in expression at column %d: "
	         "expression nested too deeply",
	         col);
	snprintf(got, sizeof got, "%.*s", (int)strcspn(r, "\n"), r);
	assert_string_equal(got, want);
}

static void
test_tree_depth(void **state)
{
	const size_t big = 1 << 20;
	char *b = malloc(big + 16);

	(void)state;
	/* A chain of 200 terms is 200 levels deep and evaluates. */
	EQ(chain(b, "1", "+", "1", 200), NULL, "200");
	EQ(chain(b, "1", "-", "1", 200), NULL, "-198");
	EQ(chain(b, "2", "*", "1", 200), NULL, "2");
	EQ(chain(b, "2", "/", "1", 200), NULL, "2");
	EQ(chain(b, "true", "&&", "true", 200), NULL, "true");
	EQ(chain(b, "false", "||", "x", 200), NULL, "false");
	EQ(chain(b, "(o)", ". ", "b", 200), "{\"o\":{\"b\":1}}", "null");
	/* One more operator: an error at that operator, found before any
	 * record is read (the evaluator recurses once per level). */
	too_deep(chain(b, "1", "+", "1", 201), 400);
	too_deep(chain(b, "1", "-", "1", 201), 400);
	too_deep(chain(b, "1", "*", "1", 201), 400);
	too_deep(chain(b, "1", "/", "1", 201), 400);
	too_deep(chain(b, "a", "&&", "a", 201), 599);
	too_deep(chain(b, "a", "||", "a", 201), 599);
	too_deep(chain(b, "(a)", ". ", "b", 201), 601);
	too_deep(strcat(chain(b, "1", "+", "1", 200), " > 0"), 401);
	/* Levels of every kind add up: 50 minus signs around 150 terms,
	 * then around 151. */
	memset(b, '-', 50);
	b[50] = '(';
	strcat(chain(b + 51, "x", "+", "1", 150), ")");
	EQ(b, "{\"x\":1}", "150");
	strcat(chain(b + 51, "x", "+", "1", 151), ")");
	too_deep(b, 1);
	EQ(strcat(chain(b, "str(1", "+", "1", 199), ")"), NULL, "\"199\"");
	too_deep(strcat(chain(b, "str(1", "+", "1", 200), ")"), 1);
	EQ(strcat(chain(b, "[x", "+", "1", 199), "]"), "{\"x\":1}", "[199]");
	too_deep(strcat(chain(b, "[x", "+", "1", 200), "]"), 1);
	/* A megabyte of operators is refused quickly, with no deep
	 * recursion while parsing. */
	for (size_t i = 0; i < big; i += 2)
		memcpy(b + i, "1+", 2);
	strcpy(b + big, "1");
	too_deep(b, 400);
	memset(b, '!', big);
	strcpy(b + big, "x");
	too_deep(b, 200);
	memset(b, '-', big);
	strcpy(b + big, "1");
	too_deep(b, 200);
	free(b);
}

static void
test_fields_list(void **state)
{
	buf_t err = BUF_INIT;
	expr_t *e = expr_compile("user.plan == 'pro' && weekday(ts) == "
	                         "'Sun' || field(\"odd name\") > 1 || "
	                         "user.id in [a, ts]",
	                         &err);
	const char *const *f;

	(void)state;
	assert_non_null(e);
	f = expr_fields(e);
	assert_string_equal(f[0], "user");
	assert_string_equal(f[1], "ts");
	assert_string_equal(f[2], "odd name");
	assert_string_equal(f[3], "a");
	assert_null(f[4]);
	assert_string_equal(expr_source(e),
	                    "user.plan == 'pro' && weekday(ts) == 'Sun' || "
	                    "field(\"odd name\") > 1 || user.id in [a, ts]");
	expr_free(e);
	e = expr_compile("1 + 1", &err);
	assert_null(expr_fields(e)[0]);
	expr_free(e);
	expr_free(NULL);
	buf_free(&err);
}

/* "NAME = EXPR" of tingle-segment --set: the name, or a caret message. */
static const char *
assign(const char *src)
{
	static char res[512];
	buf_t err = BUF_INIT;
	char *name;
	expr_t *e = expr_compile_assign(src, &name, &err);

	if (e == NULL) {
		assert_null(name);
		snprintf(res, sizeof res, "%s", err.p);
	} else {
		snprintf(res, sizeof res, "%s <- %s", name, expr_source(e));
		free(name);
	}
	expr_free(e);
	buf_free(&err);
	return res;
}

static void
test_assign(void **state)
{
	(void)state;
	assert_string_equal(assign("domain = lower(to)"),
	                    "domain <- domain = lower(to)");
	assert_string_equal(assign("  x=1"), "x <-   x=1");
	assert_string_equal(assign("pr\xc3\xa9nom = 'a'"),
	                    "pr\xc3\xa9nom <- pr\xc3\xa9nom = 'a'");
	assert_string_equal(assign("a.b = 1"),
	                    "syntax error in expression at column 2: expected "
	                    "a top-level field name, not a dotted path\n"
	                    "  a.b = 1\n"
	                    "   ^");
	assert_string_equal(assign("= 1"),
	                    "syntax error in expression at column 1: expected "
	                    "a field name\n"
	                    "  = 1\n"
	                    "  ^");
	assert_string_equal(assign("x == 1"),
	                    "syntax error in expression at column 3: expected "
	                    "'=' after the field name; '==' compares\n"
	                    "  x == 1\n"
	                    "    ^");
	assert_string_equal(assign("x"),
	                    "syntax error in expression at column 2: expected "
	                    "'=' and an expression after the field name\n"
	                    "  x\n"
	                    "   ^");
	/* The expression's own errors point into the whole text. */
	assert_string_equal(assign("x = (1"),
	                    "syntax error in expression at column 7: expected "
	                    "')' before the end of the expression\n"
	                    "  x = (1\n"
	                    "        ^");
	assert_string_equal(assign("x ="),
	                    "syntax error in expression at column 4: expected "
	                    "a value, a field name, a function call or '(' "
	                    "before the end of the expression\n"
	                    "  x =\n"
	                    "     ^");
}

static void
test_to_text(void **state)
{
	val_t v;
	buf_t b = BUF_INIT;

	(void)state;
	memset(&v, 0, sizeof v);
	val_to_text(&v, &b);
	assert_string_equal(b.p, "null");
	buf_reset(&b);
	v.t = V_STR;
	v.s = "a\"b";
	v.len = 3;
	val_to_text(&v, &b);
	assert_string_equal(b.p, "a\"b");
	buf_reset(&b);
	val_to_json(&v, &b);
	assert_string_equal(b.p, "\"a\\\"b\"");
	buf_reset(&b);
	v.t = V_NUM;
	v.s = NULL;
	v.n = 2.5;
	val_to_text(&v, &b);
	assert_string_equal(b.p, "2.5");
	buf_reset(&b);
	v.n = 1e300 * 1e300;
	val_to_json(&v, &b);
	assert_string_equal(b.p, "null");
	buf_free(&b);
}

/* The result stays valid, and stays right, across many evaluations that
 * reuse the scratch memory. */
static void
test_repeated_eval(void **state)
{
	buf_t err = BUF_INIT;
	expr_t *e = expr_compile("lower(s) + '|' + upper(t)", &err);
	rec_t r;
	val_t v;
	char line[256], want[256];

	(void)state;
	memset(&r, 0, sizeof r);
	for (int i = 0; i < 2000; i++) {
		snprintf(line, sizeof line,
		         "{\"s\":\"A\\u00e9%d\",\"t\":\"b%*d\"}", i, i % 97, i);
		assert_int_equal(rec_scan(&r, line, strlen(line), NULL, NULL),
		                 0);
		assert_int_equal(expr_eval(e, &r, &v, &err), 0);
		snprintf(want, sizeof want, "a\xc3\xa9%d|B%*d", i, i % 97, i);
		assert_int_equal(v.len, strlen(want));
		assert_memory_equal(v.s, want, v.len);
	}
	expr_free(e);
	rec_free(&r);
	buf_free(&err);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_literals),
	    cmocka_unit_test(test_precedence),
	    cmocka_unit_test(test_fields),
	    cmocka_unit_test(test_set_fields),
	    cmocka_unit_test(test_equality),
	    cmocka_unit_test(test_ordering),
	    cmocka_unit_test(test_regex),
	    cmocka_unit_test(test_regex_cache),
	    cmocka_unit_test(test_in),
	    cmocka_unit_test(test_arithmetic),
	    cmocka_unit_test(test_time_functions),
	    cmocka_unit_test(test_string_functions),
	    cmocka_unit_test(test_split_and_index),
	    cmocka_unit_test(test_substrings),
	    cmocka_unit_test(test_regex_functions),
	    cmocka_unit_test(test_domain),
	    cmocka_unit_test(test_number_functions),
	    cmocka_unit_test(test_other_functions),
	    cmocka_unit_test(test_errors_propagate),
	    cmocka_unit_test(test_truthy),
	    cmocka_unit_test(test_syntax_errors),
	    cmocka_unit_test(test_syntax_error_positions),
	    cmocka_unit_test(test_tree_depth),
	    cmocka_unit_test(test_fields_list),
	    cmocka_unit_test(test_assign),
	    cmocka_unit_test(test_to_text),
	    cmocka_unit_test(test_repeated_eval),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
