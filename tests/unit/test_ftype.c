/*
 * test_ftype.c - --types conversions (lib/ftype.c): each type, blank
 * text, bad values, and the --types list itself.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "ftype.h"

/* Convert s to ty; the result (or "!reason") as a string. */
static const char *
conv(int ty, const char *s)
{
	static buf_t out;
	const char *err;
	char kind;

	err = ftype_convert(ty, s, strlen(s), &out, &kind);
	if (err != NULL) {
		buf_reset(&out);
		buf_printf(&out, "!%s", err);
	}
	return out.p;
}

static void
conversions(void **state)
{
	(void)state;
	assert_string_equal(conv(FTYPE_INT, " 007 "), "7");
	assert_string_equal(conv(FTYPE_INT, "-0"), "0");
	assert_string_equal(conv(FTYPE_INT, "+12"), "12");
	assert_string_equal(conv(FTYPE_INT, "\t"), "null");
	assert_string_equal(conv(FTYPE_INT, "1.5"), "!not an integer");
	assert_string_equal(conv(FTYPE_INT, "-"), "!not an integer");
	assert_string_equal(conv(FTYPE_FLOAT, "1.50"), "1.50");
	assert_string_equal(conv(FTYPE_FLOAT, "+.5"), "0.5");
	assert_string_equal(conv(FTYPE_FLOAT, "0x10"), "!not a number");
	assert_string_equal(conv(FTYPE_FLOAT, "inf"), "!not a number");
	assert_string_equal(conv(FTYPE_BOOL, "Yes"), "true");
	assert_string_equal(conv(FTYPE_BOOL, "off"), "false");
	assert_string_equal(conv(FTYPE_BOOL, "maybe"), "!not a boolean");
	assert_string_equal(conv(FTYPE_STRING, " 1 "), " 1 ");
}

static void
fields_and_records(void **state)
{
	struct ftypes t = {0};
	buf_t err = BUF_INIT, why = BUF_INIT, out = BUF_INIT;
	fields_t fs = {0};
	rec_t r = {0};
	size_t col;
	const char *msg, *line = "{\"n\":\"42\",\"s\":7,\"b\":\"no\",\"o\":{}}";

	(void)state;
	assert_int_equal(ftypes_parse(&t, "n:int,b:bool", &err), 0);
	assert_int_equal(ftypes_parse(&t, "s:string,x:y:float", &err), 0);
	assert_int_equal(t.n, 4);
	assert_string_equal(t.t[3].field, "x:y");
	fields_addz(&fs, "n", "42");
	fields_addz(&fs, "b", "no");
	fields_addz(&fs, "s", "7");
	assert_int_equal(ftypes_fields(&t, &fs, &why), 0);
	fields_write(&fs, &out);
	assert_string_equal(out.p, "{\"n\":42,\"b\":false,\"s\":\"7\"}");
	assert_int_equal(rec_scan(&r, line, strlen(line), &col, &msg), 0);
	assert_int_equal(ftypes_json(&t, &r, &why), 0);
	buf_reset(&out);
	rec_write(&r, &out);
	assert_string_equal(out.p,
	                    "{\"n\":42,\"s\":\"7\",\"b\":false,\"o\":{}}\n");
	/* bad values */
	fields_reset(&fs);
	fields_addz(&fs, "n", "4\x01x");
	assert_int_equal(ftypes_fields(&t, &fs, &why), -1);
	assert_string_equal(why.p, "field 'n': '4?x' is not an integer");
	assert_int_equal(ftypes_parse(&t, "o:int", &err), 0);
	assert_int_equal(ftypes_json(&t, &r, &why), -1);
	assert_string_equal(why.p, "field 'o': '{}' is an object");
	ftypes_free(&t);
	fields_free(&fs);
	rec_free(&r);
	buf_free(&why);
	buf_free(&out);
	buf_free(&err);
}

static void
bad_lists_are_refused(void **state)
{
	struct ftypes t = {0};
	buf_t err = BUF_INIT;

	(void)state;
	assert_int_equal(ftypes_parse(&t, "a:int,b", &err), -1);
	assert_string_equal(err.p,
	                    "bad --types entry 'b': expected FIELD:TYPE");
	buf_reset(&err);
	assert_int_equal(ftypes_parse(&t, "c:long", &err), -1);
	assert_string_equal(
	    err.p,
	    "unknown type 'long' in --types: use int, float, bool or string");
	ftypes_free(&t);
	buf_free(&err);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(conversions),
	    cmocka_unit_test(fields_and_records),
	    cmocka_unit_test(bad_lists_are_refused),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
