/*
 * test_fmt_logfmt.c - logfmt lines into fields (lib/fmt_logfmt.c).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "fields.h"

static fmt_ctx_t ctx;
static fields_t fs;
static buf_t js;

/* Parse s; return the fields as JSON, or NULL if it is not logfmt. */
static const char *
parse(const char *s)
{
	fields_reset(&fs);
	buf_reset(&js);
	if (fmt_logfmt(&ctx, s, strlen(s), &fs) != FMT_OK)
		return NULL;
	fields_write(&fs, &js);
	return js.p;
}

static void
test_pairs(void **state)
{
	(void)state;
	assert_string_equal(parse("level=info dur=1.5s  code=200\tpath=/a?b=c"),
	                    "{\"level\":\"info\",\"dur\":\"1.5s\","
	                    "\"code\":\"200\",\"path\":\"/a?b=c\"}");
	assert_string_equal(parse("empty= next=x"),
	                    "{\"empty\":\"\",\"next\":\"x\"}");
	assert_string_equal(parse("  retry debug=1 "),
	                    "{\"retry\":true,\"debug\":\"1\"}");
}

static void
test_quoted(void **state)
{
	(void)state;
	assert_string_equal(parse("msg=\"user \\\"ann\\\" in\" x=\"\""),
	                    "{\"msg\":\"user \\\"ann\\\" in\",\"x\":\"\"}");
	assert_string_equal(parse("m=\"a\\nb\\tc\\\\d\\/e\""),
	                    "{\"m\":\"a\\nb\\tc\\\\d/e\"}");
	assert_string_equal(
	    parse("u=\"\\u00e9\\ud83d\\ude00\\ud800!\""),
	    "{\"u\":\"\xc3\xa9\xf0\x9f\x98\x80\xef\xbf\xbd!\"}");
	/* An unknown escape is kept as written. */
	assert_string_equal(parse("p=\"C:\\q\""), "{\"p\":\"C:\\\\q\"}");
}

static void
test_duplicates(void **state)
{
	(void)state;
	assert_string_equal(parse("a=1 b=2 a=3"), "{\"a\":\"3\",\"b\":\"2\"}");
}

static void
test_not_logfmt(void **state)
{
	(void)state;
	assert_null(parse("a=\"open"));
	assert_string_equal(ctx.why.p, "unterminated quoted value at column 3");
	assert_null(parse("a=\"x\"y"));
	assert_string_equal(ctx.why.p, "text after closing quote at column 6");
	assert_null(parse("=v"));
	assert_string_equal(ctx.why.p, "empty key at column 1");
	assert_null(parse("\"k\"=v"));
	assert_null(parse("a=b\x01"));
	assert_string_equal(ctx.why.p, "control character at column 4");
	assert_null(parse("k\xff=1"));
	assert_string_equal(ctx.why.p, "invalid UTF-8 in key at column 1");
	assert_null(parse("   "));
	/* Invalid UTF-8 in a value is kept (written as U+FFFD). */
	assert_string_equal(parse("v=a\xff"), "{\"v\":\"a\xef\xbf\xbd\"}");
}

static int
teardown(void **state)
{
	(void)state;
	fields_free(&fs);
	buf_free(&js);
	buf_free(&ctx.why);
	buf_free(&ctx.scratch);
	return 0;
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_pairs),
	    cmocka_unit_test(test_quoted),
	    cmocka_unit_test(test_duplicates),
	    cmocka_unit_test(test_not_logfmt),
	};
	return cmocka_run_group_tests(tests, NULL, teardown);
}
