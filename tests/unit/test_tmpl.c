/*
 * test_tmpl.c - unit tests for lib/tmpl.c: placeholders, conversions,
 * literal braces, missing fields and compile errors with their columns.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "json.h"
#include "tmpl.h"

static const char record[] =
    "{\"segment\":\"Sun\",\"count\":8,\"expected\":1800.5,\"ratio\":0.00444,"
    "\"ok\":false,\"gone\":null,\"tags\":[\"a\",1],\"esc\":\"a\\\"b\\u00e9\","
    "\"user\":{\"plan\":\"pro\"},\"neg\":-2.5,\"big\":1e300,"
    "\"x-id\":\"h1\",\"to\":\"Ann <ann@Example.com>\"}";

static int
lookup(void *ctx, const char *name, size_t n, jfield_t *out)
{
	return rec_path(ctx, name, n, out);
}

/* Render src against record; the result is valid until the next call. */
static const char *
render(const char *src)
{
	static buf_t out;
	buf_t err = BUF_INIT;
	rec_t r;
	size_t col;
	const char *msg;

	memset(&r, 0, sizeof r);
	assert_int_equal(rec_scan(&r, record, strlen(record), &col, &msg), 0);
	tmpl_t *t = tmpl_compile(src, &err);
	if (t == NULL)
		fail_msg("'%s' does not compile: %s", src, err.p);
	buf_reset(&out);
	buf_add(&out, "", 0);
	tmpl_render(t, lookup, &r, &out);
	tmpl_free(t);
	rec_free(&r);
	buf_free(&err);
	return out.p;
}

/* The compile error of src; NULL if it compiles. */
static const char *
error_of(const char *src)
{
	static buf_t err;
	tmpl_t *t;

	buf_reset(&err);
	t = tmpl_compile(src, &err);
	if (t != NULL) {
		tmpl_free(t);
		return NULL;
	}
	return err.p;
}

static void
plain_text_is_kept(void **state)
{
	(void)state;
	assert_string_equal(render(""), "");
	assert_string_equal(render("no fields here"), "no fields here");
	assert_string_equal(render("100% sure"), "100% sure");
}

static void
fields_show_as_text(void **state)
{
	(void)state;
	assert_string_equal(render("{segment}: {count} of {expected}"),
			    "Sun: 8 of 1800.5");
	assert_string_equal(render("{ok} {gone} {tags}"),
			    "false null [\"a\",1]");
	assert_string_equal(render("{esc}"), "a\"b\xc3\xa9");
	assert_string_equal(render("{ segment }"), "Sun");
}

static void
dotted_paths_reach_nested_fields(void **state)
{
	(void)state;
	assert_string_equal(render("plan {user.plan}"), "plan pro");
}

static void
missing_fields_show_null(void **state)
{
	(void)state;
	assert_string_equal(render("[{nosuch}]"), "[null]");
	assert_string_equal(render("[{nosuch:%.1f}]"), "[null]");
}

static void
conversions_format_numbers(void **state)
{
	(void)state;
	assert_string_equal(render("{ratio:%.1f}"), "0.0");
	assert_string_equal(render("{ratio:%.3e}"), "4.440e-03");
	assert_string_equal(render("{expected:%d}"), "1801");
	assert_string_equal(render("{neg:%d}"), "-3");
	assert_string_equal(render("{count:%05d}|{count:%-4d}|"),
			    "00008|8   |");
	assert_string_equal(render("{count:%x} {count:%+d}"), "8 +8");
	assert_string_equal(render("{expected:%g}"), "1800.5");
	assert_string_equal(render("{ratio:%.1f}%"), "0.0%");
}

static void
conversions_leave_non_numbers_as_text(void **state)
{
	(void)state;
	assert_string_equal(render("{segment:%.1f}"), "Sun");
	assert_string_equal(render("{ok:%d}"), "false");
	/* Too large for an integer conversion: shown as written. */
	assert_string_equal(render("{big:%d}"), "1e300");
}

static void
string_conversion_pads_text(void **state)
{
	(void)state;
	assert_string_equal(render("[{segment:%5s}]"), "[  Sun]");
	assert_string_equal(render("[{segment:%-5s}]"), "[Sun  ]");
	assert_string_equal(render("[{count:%s}]"), "[8]");
}

static void
doubled_braces_are_literal(void **state)
{
	(void)state;
	assert_string_equal(render("{{segment}} is {segment}"),
			    "{segment} is Sun");
	assert_string_equal(render("a }} b"), "a } b");
	assert_string_equal(render("lone } brace"), "lone } brace");
}

static void
errors_name_the_column(void **state)
{
	(void)state;
	assert_null(error_of("fine {segment}"));
	assert_string_equal(error_of("abc {segment"),
			    "unclosed '{' at column 5");
	assert_string_equal(error_of("x {}"), "missing field name at column 4");
	assert_string_equal(error_of("x { :%d}"),
			    "missing field name at column 4");
	assert_non_null(strstr(error_of("{ratio:%q}"),
			       "bad conversion '%q' at column 8"));
	assert_non_null(error_of("{ratio:.1f}"));
	assert_non_null(error_of("{ratio:%.1f%%}"));
	assert_non_null(error_of("{ratio:%1234d}"));
	assert_non_null(error_of("{ratio:%11111111111111111111111111111d}"));
	assert_non_null(error_of("{ratio:%.11111111111111111111111111111f}"));
	/* The longest conversion there is. */
	assert_null(error_of("{ratio:%-+ #0999.999d}"));
	assert_non_null(error_of("{ratio:%n}"));
	assert_non_null(error_of("{ratio:%ld}"));
	assert_non_null(error_of("{a{b}"));
}

static void
expressions_show_computed_values(void **state)
{
	(void)state;
	assert_string_equal(render("{=ratio * 100:%.1f}%"), "0.4%");
	assert_string_equal(render("{= ratio * 100 :%.2f}%"), "0.44%");
	assert_string_equal(render("{=count * 2}"), "16");
	assert_string_equal(render("{=domain(to)} {=upper(user.plan)}"),
			    "example.com PRO");
	assert_string_equal(render("{=segment + '!'}"), "Sun!");
	assert_string_equal(render("[{=count:%5d}]"), "[    8]");
	assert_string_equal(render("{=tags}"), "[\"a\",1]");
	/* Braces and colons inside a string are part of the expression. */
	assert_string_equal(render("{='{x}:' + segment}"), "{x}:Sun");
	assert_string_equal(render("{=\"}\" + segment:%6s}"), "  }Sun");
	/* Missing fields are null; so is a run-time error. */
	assert_string_equal(render("{=nosuch * 2}"), "null");
	assert_string_equal(render("{=len(count)}"), "null");
	assert_string_equal(render("{=count / 0:%.1f}"), "null");
}

static void
field_names_keep_their_meaning(void **state)
{
	(void)state;
	/* Without '=' a placeholder is a field name, whatever it holds. */
	assert_string_equal(render("{x-id}"), "h1");
	assert_string_equal(render("{=x-id}"), "null");
	assert_string_equal(render("{count * 2}"), "null");
}

static void
expression_errors_name_the_column(void **state)
{
	(void)state;
	assert_string_equal(
	    error_of("ratio {=ratio *:%.1f}"),
	    "expression at column 9: syntax error in expression at column 8: "
	    "expected a value, a field name, a function call or '(' before "
	    "the end of the expression\n"
	    "  ratio *\n"
	    "         ^");
	assert_string_equal(error_of("x {='}'"), "unclosed '{' at column 3");
	assert_non_null(strstr(error_of("{=nosuch(1)}"),
			       "unknown function 'nosuch'"));
	assert_non_null(strstr(error_of("{=}"), "expression at column 3"));
	assert_non_null(strstr(error_of("{=ratio:%q}"), "bad conversion"));
}

static void
source_is_kept(void **state)
{
	buf_t err = BUF_INIT;
	tmpl_t *t = tmpl_compile("x {y}", &err);

	(void)state;
	assert_non_null(t);
	assert_string_equal(tmpl_source(t), "x {y}");
	tmpl_free(t);
	tmpl_free(NULL);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(plain_text_is_kept),
	    cmocka_unit_test(fields_show_as_text),
	    cmocka_unit_test(dotted_paths_reach_nested_fields),
	    cmocka_unit_test(missing_fields_show_null),
	    cmocka_unit_test(conversions_format_numbers),
	    cmocka_unit_test(conversions_leave_non_numbers_as_text),
	    cmocka_unit_test(string_conversion_pads_text),
	    cmocka_unit_test(doubled_braces_are_literal),
	    cmocka_unit_test(errors_name_the_column),
	    cmocka_unit_test(expressions_show_computed_values),
	    cmocka_unit_test(field_names_keep_their_meaning),
	    cmocka_unit_test(expression_errors_name_the_column),
	    cmocka_unit_test(source_is_kept),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
