/*
 * test_json.c - the validating scanner, string coding and record splicing
 * of lib/json.c.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "json.h"

static int
valid_obj(const char *s)
{
	jobj_t o = {NULL, 0, 0};
	size_t col;
	const char *msg;
	int r = jscan_object(s, strlen(s), &o, &col, &msg);

	jobj_free(&o);
	return r == 0;
}

static int
valid_val(const char *s, size_t n)
{
	size_t col;
	const char *msg;
	char t;

	return jscan_value(s, n, &t, &col, &msg) == 0;
}

static void
test_accepts(void **state)
{
	(void)state;
	assert_true(valid_obj("{}"));
	assert_true(valid_obj("  { \"a\" : 1 } \r"));
	assert_true(valid_obj("{\"a\":[1,2.5,-0.1e+3,true,false,null],"
	                      "\"b\":{\"c\":\"d\\u00e9\\ud83d\\ude00\"}}"));
	assert_true(
	    valid_obj("{\"\xc3\xa9\":\"\xe2\x82\xac\xf0\x9f\x98\x80\"}"));
	assert_true(valid_val("0", 1));
	assert_true(valid_val("\"\"", 2));
	assert_true(valid_val("[]", 2));
}

static void
test_rejects(void **state)
{
	const char *bad[] = {
	    "",
	    "[1]",
	    "{\"a\":}",
	    "{\"a\" 1}",
	    "{a:1}",
	    "{\"a\":1,}",
	    "{\"a\":01}",
	    "{\"a\":1.}",
	    "{\"a\":.5}",
	    "{\"a\":-}",
	    "{\"a\":1e}",
	    "{\"a\":tru}",
	    "{\"a\":\"x",
	    "{} {}",
	    "{\"a\":\"\t\"}",
	    "{\"a\":\"\\x\"}",
	    "{\"a\":\"\\ud800\"}",
	    "{\"a\":\"\\udc00x\"}",
	    "{\"a\":\"\xc0\xaf\"}",
	    "{\"a\":\"\xed\xa0\x80\"}",
	    "{\"a\":\"\xff\"}",
	    "{\"a\":[1 2]}",
	    "{\"a\":NaN}",
	};
	(void)state;
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		if (valid_obj(bad[i]))
			fail_msg("accepted: %s", bad[i]);
	}
}

static void
test_error_column(void **state)
{
	jobj_t o = {NULL, 0, 0};
	size_t col = 0;
	const char *msg = NULL;
	const char *s = "{\"a\":1,\"b\":x}";

	(void)state;
	assert_int_equal(jscan_object(s, strlen(s), &o, &col, &msg), -1);
	assert_int_equal(col, 12);
	assert_string_equal(msg, "unexpected character");
	assert_int_equal(jscan_object("[1]", 3, &o, &col, &msg), -1);
	assert_string_equal(msg, "not a JSON object");
	jobj_free(&o);
}

static void
test_depth(void **state)
{
	char deep[2 * (JSON_MAX_DEPTH + 10) + 10];
	size_t n = 0;

	(void)state;
	for (int i = 0; i < JSON_MAX_DEPTH + 5; i++)
		deep[n++] = '[';
	for (int i = 0; i < JSON_MAX_DEPTH + 5; i++)
		deep[n++] = ']';
	assert_false(valid_val(deep, n));
}

static void
test_fields_and_paths(void **state)
{
	jobj_t o = {NULL, 0, 0};
	jfield_t f;
	const char *s = "{\"a\":1,\"user\":{\"plan\":\"pro\",\"x.y\":2},"
	                "\"k\\u0065y\":\"v\",\"a\":3,\"p.q\":4}";

	(void)state;
	assert_int_equal(jscan_object(s, strlen(s), &o, NULL, NULL), 0);
	assert_int_equal(o.n, 5);
	const jfield_t *a = jobj_get(&o, "a", 1);
	assert_non_null(a);
	assert_memory_equal(a->v, "3", 1); /* the last one wins */
	const jfield_t *k = jobj_get(&o, "key", 3);
	assert_non_null(k);
	assert_int_equal(k->type, JT_STR);
	assert_int_equal(jobj_path(&o, "user.plan", 9, &f), 1);
	assert_int_equal(f.vlen, 5);
	assert_memory_equal(f.v, "\"pro\"", 5);
	assert_int_equal(jobj_path(&o, "user.x.y", 8, &f), 1);
	assert_memory_equal(f.v, "2", 1);
	assert_int_equal(jobj_path(&o, "p.q", 3, &f), 1);
	assert_int_equal(jobj_path(&o, "user.none", 9, &f), 0);
	assert_int_equal(jobj_path(&o, "a.b", 3, &f), 0);
	jobj_free(&o);
}

static void
test_decode_encode(void **state)
{
	buf_t b = BUF_INIT;
	const char *lit = "\"a\\\"b\\\\c\\/\\n\\u00e9\\ud83d\\ude00\"";

	(void)state;
	jstr_decode(lit, strlen(lit), &b);
	assert_string_equal(b.p, "a\"b\\c/\n\xc3\xa9\xf0\x9f\x98\x80");
	buf_free(&b);
	/* An empty string decoded into a new buffer is an empty C string. */
	jstr_decode("\"\"", 2, &b);
	assert_int_equal(b.len, 0);
	assert_string_equal(b.p, "");
	buf_reset(&b);
	jw_str(&b, "q\"\\\x01\t\xff\xc3\xa9", 8);
	assert_string_equal(b.p, "\"q\\\"\\\\\\u0001\\t\xef\xbf\xbd\xc3\xa9\"");
	buf_reset(&b);
	jw_num(&b, 3);
	buf_addc(&b, ' ');
	jw_num(&b, 0.1);
	buf_addc(&b, ' ');
	jw_num(&b, 1.0 / 0.0);
	assert_string_equal(b.p, "3 0.1 null");
	buf_free(&b);
}

static void
test_arrays(void **state)
{
	const char *v = " [ 1, {\"a\":[2]} ,\"x\" ] ";
	size_t pos = 0, n;
	const char *e;
	int count = 0;

	(void)state;
	while (jarr_next(v, strlen(v), &pos, &e, &n)) {
		count++;
		if (count == 2)
			assert_memory_equal(e, "{\"a\":[2]}", n);
	}
	assert_int_equal(count, 3);
}

static void
test_rec_splice(void **state)
{
	rec_t r;
	buf_t o = BUF_INIT;
	const char *line = "{\"ts\":1, \"b\":\"x\" }";

	(void)state;
	memset(&r, 0, sizeof r);
	assert_int_equal(rec_scan(&r, line, strlen(line), NULL, NULL), 0);
	rec_write(&r, &o);
	assert_string_equal(o.p, "{\"ts\":1, \"b\":\"x\" }\n");

	buf_reset(&o);
	rec_set(&r, "ts", "\"1970-01-01T00:00:01Z\"", 22);
	rec_set_str(&r, "segment", "Sun", 3);
	rec_set(&r, "n", "2", 1);
	rec_set(&r, "n", "3", 1);
	const jfield_t *f = rec_get(&r, "segment", 7);
	assert_non_null(f);
	assert_memory_equal(f->v, "\"Sun\"", 5);
	rec_write(&r, &o);
	assert_string_equal(o.p,
	                    "{\"ts\":\"1970-01-01T00:00:01Z\", \"b\":\"x\" "
	                    ",\"segment\":\"Sun\",\"n\":3}\n");

	buf_reset(&o);
	assert_int_equal(rec_scan(&r, "{}", 2, NULL, NULL), 0);
	rec_set(&r, "a", "1", 1);
	rec_write(&r, &o);
	assert_string_equal(o.p, "{\"a\":1}\n");
	buf_free(&o);
	rec_free(&r);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_accepts),
	    cmocka_unit_test(test_rejects),
	    cmocka_unit_test(test_error_column),
	    cmocka_unit_test(test_depth),
	    cmocka_unit_test(test_fields_and_paths),
	    cmocka_unit_test(test_decode_encode),
	    cmocka_unit_test(test_arrays),
	    cmocka_unit_test(test_rec_splice),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
