/*
 * test_jsonin.c - JSON lines as records (lib/jsonin.c): objects pass
 * through byte for byte, arrays are all or nothing, --split, and the
 * reasons for bad lines.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "jsonin.h"

/* Marks each record with "fixed":1; a record with "bad" fails. */
static int
fix(void *arg, rec_t *r, buf_t *why)
{
	(void)arg;
	if (rec_get(r, "bad", 3) != NULL) {
		buf_reset(why);
		buf_adds(why, "bad record");
		return -1;
	}
	rec_set(r, "fixed", "1", 1);
	return 0;
}

static long
line(struct jsonin *j, const char *s, buf_t *out, buf_t *why)
{
	return jsonin_line(j, s, strlen(s), 0, out, why);
}

static void
objects_pass_through(void **state)
{
	struct jsonin j = {.fix = fix};
	buf_t out = BUF_INIT, why = BUF_INIT;

	(void)state;
	assert_int_equal(line(&j, "{ \"a\" : 1.50 }", &out, &why), 1);
	assert_int_equal(line(&j, "[{\"b\":2},{\"c\":3}]", &out, &why), 2);
	assert_string_equal(out.p, "{ \"a\" : 1.50 ,\"fixed\":1}\n"
	                           "{\"b\":2,\"fixed\":1}\n"
	                           "{\"c\":3,\"fixed\":1}\n");
	jsonin_free(&j);
	buf_free(&out);
	buf_free(&why);
}

static void
bad_lines_leave_out_as_it_was(void **state)
{
	struct jsonin j = {.fix = fix};
	buf_t out = BUF_INIT, why = BUF_INIT;

	(void)state;
	buf_adds(&out, "kept\n");
	assert_int_equal(line(&j, "[{\"a\":1},{\"bad\":1}]", &out, &why),
	                 JSONIN_BAD);
	assert_string_equal(why.p, "bad record (array element 2)");
	assert_int_equal(line(&j, "[{\"a\":1},2]", &out, &why), JSONIN_BAD);
	assert_string_equal(why.p, "array element 2 is not a JSON object");
	assert_int_equal(line(&j, "[{\"a\":1}", &out, &why), JSONIN_BAD);
	assert_non_null(strstr(why.p, "invalid JSON at column "));
	assert_int_equal(line(&j, "{\"bad\":1}", &out, &why), JSONIN_BAD);
	assert_string_equal(why.p, "bad record");
	assert_string_equal(out.p, "kept\n");
	/* not JSON: the caller may read it another way */
	assert_int_equal(jsonin_line(&j, "x=1", 3, 3, &out, &why),
	                 JSONIN_NOT_OBJECT);
	assert_string_equal(why.p,
	                    "invalid JSON at column 4: unexpected character");
	assert_int_equal(line(&j, "\"s\"", &out, &why), JSONIN_NOT_OBJECT);
	assert_string_equal(why.p, "not a JSON object");
	jsonin_free(&j);
	buf_free(&out);
	buf_free(&why);
}

static void
split_writes_one_record_per_element(void **state)
{
	struct jsonin j = {.fix = fix, .split = "m.rcpt"};
	buf_t out = BUF_INIT, why = BUF_INIT;

	(void)state;
	assert_int_equal(
	    line(&j, "{\"id\":1,\"m\":{\"rcpt\":[\"a\", {\"x\":2}],\"n\":0}}",
	         &out, &why),
	    2);
	assert_string_equal(
	    out.p, "{\"id\":1,\"m\":{\"rcpt\":\"a\",\"n\":0},\"fixed\":1}\n"
	           "{\"id\":1,\"m\":{\"rcpt\":{\"x\":2},\"n\":0},"
	           "\"fixed\":1}\n");
	buf_reset(&out);
	/* missing, empty or not an array: the record as it is */
	assert_int_equal(line(&j, "{\"m\":{\"rcpt\":[]}}", &out, &why), 1);
	assert_int_equal(line(&j, "{\"id\":2}", &out, &why), 1);
	assert_string_equal(out.p, "{\"m\":{\"rcpt\":[]},\"fixed\":1}\n"
	                           "{\"id\":2,\"fixed\":1}\n");
	buf_reset(&out);
	assert_int_equal(
	    line(&j, "{\"m\":{\"rcpt\":[1,2]},\"bad\":1}", &out, &why),
	    JSONIN_BAD);
	assert_string_equal(why.p, "bad record (element 1 of 'm.rcpt')");
	assert_int_equal(out.len, 0);
	jsonin_free(&j);
	buf_free(&out);
	buf_free(&why);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(objects_pass_through),
	    cmocka_unit_test(bad_lines_leave_out_as_it_was),
	    cmocka_unit_test(split_writes_one_record_per_element),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
