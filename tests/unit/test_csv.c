/*
 * test_csv.c - RFC 4180 rows fed line by line (lib/csv.c).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "csv.h"

static int
feed(csv_t *c, const char *s, unsigned long num)
{
	return csv_feed(c, s, strlen(s), num);
}

static void
assert_field(const csv_t *c, size_t i, const char *want)
{
	size_t n;
	const char *v = csv_field(c, i, &n);

	assert_int_equal(n, strlen(want));
	assert_memory_equal(v, want, n);
}

static void
test_plain_row(void **state)
{
	csv_t c;

	(void)state;
	csv_init(&c, ',');
	assert_int_equal(feed(&c, "a,b,,d", 1), CSV_ROW);
	assert_int_equal(csv_nfields(&c), 4);
	assert_field(&c, 0, "a");
	assert_field(&c, 1, "b");
	assert_field(&c, 2, "");
	assert_field(&c, 3, "d");
	assert_int_equal(feed(&c, "x,", 2), CSV_ROW);
	assert_int_equal(csv_nfields(&c), 2);
	assert_field(&c, 1, "");
	csv_free(&c);
}

static void
test_quotes(void **state)
{
	csv_t c;

	(void)state;
	csv_init(&c, ',');
	assert_int_equal(feed(&c, "\"a,b\",\"say \"\"hi\"\"\",\"\"", 1),
	                 CSV_ROW);
	assert_int_equal(csv_nfields(&c), 3);
	assert_field(&c, 0, "a,b");
	assert_field(&c, 1, "say \"hi\"");
	assert_field(&c, 2, "");
	/* Salesforce style: a field that is quoted quotes. */
	assert_int_equal(feed(&c, "\"\"\"Inquiry\"\"\",x", 2), CSV_ROW);
	assert_field(&c, 0, "\"Inquiry\"");
	/* A quote inside an unquoted field is an ordinary byte. */
	assert_int_equal(feed(&c, "5\" disk,it\xe2\x80\x99s", 3), CSV_ROW);
	assert_field(&c, 0, "5\" disk");
	assert_field(&c, 1, "it\xe2\x80\x99s");
	csv_free(&c);
}

static void
test_multiline(void **state)
{
	csv_t c;

	(void)state;
	csv_init(&c, ',');
	assert_int_equal(feed(&c, "1,\"first", 7), CSV_MORE);
	assert_int_equal(feed(&c, "", 8), CSV_MORE);
	assert_int_equal(feed(&c, "last\",z", 9), CSV_ROW);
	assert_int_equal(c.first, 7);
	assert_int_equal(c.nlines, 3);
	assert_field(&c, 1, "first\n\nlast");
	assert_field(&c, 2, "z");
	assert_string_equal(c.text.p, "1,\"first\n\nlast\",z");
	/* The next row starts afresh. */
	assert_int_equal(feed(&c, "2,b,c", 10), CSV_ROW);
	assert_int_equal(c.first, 10);
	csv_free(&c);
}

static void
test_runaway(void **state)
{
	csv_t c;
	size_t own;

	(void)state;
	csv_init(&c, ',');
	/* The quote opens on the row's first line: that line is its own. */
	assert_int_equal(feed(&c, "1,\"runaway", 4), CSV_MORE);
	assert_int_equal(c.qfirst, 4);
	assert_int_equal(feed(&c, "2,b", 5), CSV_MORE);
	assert_int_equal(feed(&c, "3,c", 6), CSV_MORE);
	own = csv_runaway(&c);
	assert_false(c.pending);
	assert_int_equal(own, strlen("1,\"runaway"));
	assert_string_equal(c.text.p + own + 1, "2,b\n3,c");
	/* A row whose quote opens on a later line keeps its lines up to it. */
	assert_int_equal(feed(&c, "4,\"x", 7), CSV_MORE);
	assert_int_equal(feed(&c, "y\",\"open", 8), CSV_MORE);
	assert_int_equal(c.first, 7);
	assert_int_equal(c.qfirst, 8);
	assert_int_equal(feed(&c, "5,e", 9), CSV_MORE);
	own = csv_runaway(&c);
	assert_int_equal(own, strlen("4,\"x\ny\",\"open"));
	assert_string_equal(c.text.p + own + 1, "5,e");
	/* Nothing after it: the whole text is the row's. */
	assert_int_equal(feed(&c, "6,\"z", 10), CSV_MORE);
	assert_int_equal(csv_runaway(&c), c.text.len);
	assert_int_equal(feed(&c, "7,g", 11), CSV_ROW);
	csv_free(&c);
}

static void
test_crlf_bom_blank(void **state)
{
	csv_t c;

	(void)state;
	csv_init(&c, ',');
	assert_int_equal(feed(&c, "\xEF\xBB\xBFId,Name\r", 1), CSV_ROW);
	assert_field(&c, 0, "Id");
	assert_field(&c, 1, "Name");
	assert_int_equal(feed(&c, "\"a\r", 2), CSV_MORE);
	assert_int_equal(feed(&c, "b\"\r", 3), CSV_ROW);
	assert_field(&c, 0, "a\nb");
	assert_int_equal(feed(&c, "", 4), CSV_BLANK);
	assert_int_equal(feed(&c, "\r", 5), CSV_BLANK);
	/* The BOM counts only at the start of a file. */
	assert_int_equal(feed(&c, "\xEF\xBB\xBFx", 6), CSV_ROW);
	assert_field(&c, 0, "\xEF\xBB\xBFx");
	csv_reset(&c);
	assert_int_equal(feed(&c, "\xEF\xBB\xBFx", 1), CSV_ROW);
	assert_field(&c, 0, "x");
	csv_free(&c);
}

static void
test_errors(void **state)
{
	csv_t c;

	(void)state;
	csv_init(&c, ',');
	assert_int_equal(feed(&c, "a,\"b\"c,d", 1), CSV_ERR);
	assert_int_equal(c.errcol, 6);
	assert_non_null(c.err);
	/* After an error the next line is a new row. */
	assert_int_equal(feed(&c, "e,f", 2), CSV_ROW);
	assert_int_equal(csv_nfields(&c), 2);
	/* An open quote at the end is left pending for the caller. */
	assert_int_equal(feed(&c, "\"never closed", 3), CSV_MORE);
	assert_true(c.pending);
	csv_abandon(&c);
	assert_false(c.pending);
	assert_int_equal(feed(&c, "g", 4), CSV_ROW);
	csv_free(&c);
}

static void
test_tsv(void **state)
{
	csv_t c;

	(void)state;
	csv_init(&c, '\t');
	assert_int_equal(feed(&c, "a,b\t\"c\td\"\t", 1), CSV_ROW);
	assert_int_equal(csv_nfields(&c), 3);
	assert_field(&c, 0, "a,b");
	assert_field(&c, 1, "c\td");
	assert_field(&c, 2, "");
	csv_free(&c);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_plain_row),
	    cmocka_unit_test(test_quotes),
	    cmocka_unit_test(test_multiline),
	    cmocka_unit_test(test_runaway),
	    cmocka_unit_test(test_crlf_bom_blank),
	    cmocka_unit_test(test_errors),
	    cmocka_unit_test(test_tsv),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
