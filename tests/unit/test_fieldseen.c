/*
 * test_fieldseen.c - unit tests for lib/fieldseen.c: which watched fields
 * no record had, the string and near-name hints, exists-only fields, and
 * no warning without records.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "expr.h"
#include "fieldseen.h"
#include "json.h"

static void
see(struct fieldseen *fs, const char *line)
{
	rec_t r;

	memset(&r, 0, sizeof r);
	assert_int_equal(rec_scan(&r, line, strlen(line), NULL, NULL), 0);
	fieldseen_record(fs, &r);
	rec_free(&r);
}

static void
watch(struct fieldseen *fs, const char *src, const char *what)
{
	buf_t err = BUF_INIT;
	expr_t *e = expr_compile(src, &err);

	assert_non_null(e);
	fieldseen_watch_expr(fs, e, what);
	expr_free(e);
	buf_free(&err);
}

static void
flags_of_expressions(void **state)
{
	buf_t err = BUF_INIT;
	expr_t *e = expr_compile("status == sent && x in [a, b.c, 'd'] && "
	                         "exists(opt) && (exists(both) || both > 1) "
	                         "&& u.v == w && q == 'q'",
	                         &err);
	const char *const *f = expr_fields(e);
	unsigned want[] = {
	    EXPR_FIELD_VS_FIELD,    /* status */
	    EXPR_FIELD_VS_FIELD,    /* sent */
	    0,                      /* x */
	    EXPR_FIELD_VS_FIELD,    /* a */
	    0,                      /* b: dotted */
	    EXPR_FIELD_EXISTS_ONLY, /* opt */
	    0,                      /* both */
	    0,                      /* u: dotted */
	    EXPR_FIELD_VS_FIELD,    /* w */
	    0,                      /* q: compared with a string */
	};

	(void)state;
	for (size_t i = 0; i < sizeof want / sizeof want[0]; i++) {
		assert_non_null(f[i]);
		if (expr_field_flags(e, i) != want[i])
			fail_msg("field %s: flags %u, want %u", f[i],
			         expr_field_flags(e, i), want[i]);
	}
	assert_null(f[sizeof want / sizeof want[0]]);
	expr_free(e);
	buf_free(&err);
}

static void
missing_fields_are_warned_once(void **state)
{
	struct fieldseen *fs = fieldseen_new();

	(void)state;
	watch(fs, "status == sent || stauts == 'x' || exists(opt)", "--where");
	watch(fs, "status", "--by");
	fieldseen_watch(fs, "late", "-k", 0);
	/* No records, no warnings. */
	assert_int_equal(fieldseen_warn(fs), 0);
	see(fs, "{\"status\":\"sent\",\"plan\":1}");
	see(fs, "{\"status\":\"bounced\",\"late\":true}");
	/* sent and stauts. */
	assert_int_equal(fieldseen_warn(fs), 2);
	assert_int_equal(fieldseen_warn(fs), 0);
	assert_string_equal(fieldseen_near(fs, "stauts"), "status");
	assert_string_equal(fieldseen_near(fs, "Status"), "status");
	assert_string_equal(fieldseen_near(fs, "pln"), "plan");
	assert_null(fieldseen_near(fs, "sent"));
	assert_null(fieldseen_near(fs, "status"));
	fieldseen_free(fs);
	fieldseen_free(NULL);
}

static void
a_field_seen_late_is_not_warned(void **state)
{
	struct fieldseen *fs = fieldseen_new();
	char line[64];

	(void)state;
	watch(fs, "rare == 1", "--where");
	for (int i = 0; i < 5000; i++) {
		snprintf(line, sizeof line, "{\"n%d\":1}", i % 7);
		see(fs, line);
	}
	see(fs, "{\"r\\u0061re\":1}");
	assert_int_equal(fieldseen_warn(fs), 0);
	fieldseen_free(fs);
}

static void
exists_elsewhere_counts(void **state)
{
	struct fieldseen *fs = fieldseen_new();

	(void)state;
	watch(fs, "exists(opt)", "--where");
	see(fs, "{}");
	assert_int_equal(fieldseen_warn(fs), 0);
	/* Read outside exists() by another expression: watched. */
	watch(fs, "opt > 1", "--by");
	assert_int_equal(fieldseen_warn(fs), 1);
	fieldseen_free(fs);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(flags_of_expressions),
	    cmocka_unit_test(missing_fields_are_warned_once),
	    cmocka_unit_test(a_field_seen_late_is_not_warned),
	    cmocka_unit_test(exists_elsewhere_counts),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
