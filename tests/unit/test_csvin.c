/*
 * test_csvin.c - CSV files as records keyed by their header rows
 * (lib/csvin.c): header names, rows, bad rows, a quote that runs away,
 * a new file, and the column hint.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "csvin.h"
#include "parsed.h"

/* What the callbacks saw, one line each: "row FILE:NUM JSON",
 * "bad FILE:NUM: WHY", "header". */
static buf_t seen;

static void
on_row(void *arg, fields_t *fs, const char *file, unsigned long num,
       const char *text, size_t n)
{
	(void)arg, (void)text, (void)n;
	buf_printf(&seen, "row %s:%lu ", file, num);
	fields_write(fs, &seen);
	buf_addc(&seen, '\n');
}

static void
on_header(void *arg, const struct csvin *c)
{
	(void)arg, (void)c;
	buf_adds(&seen, "header\n");
}

static const struct csvin_ops ops = {on_row, seen_reject, on_header};

/* Feed the lines of text (split at '\n') as lines 1, 2, ... of file. */
static void
feed(struct csvin *c, const char *file, const char *text)
{
	unsigned long num = 1;

	for (const char *p = text; *p != '\0'; num++) {
		const char *nl = strchr(p, '\n');
		size_t n = nl ? (size_t)(nl - p) : strlen(p);
		csvin_line(c, file, num, p, n);
		p += n + (nl != NULL);
	}
}

static void
rows_are_keyed_by_the_header(void **state)
{
	struct csvin c;

	(void)state;
	buf_reset(&seen);
	csvin_init(&c, ',', 1000, 1 << 20, &ops, &seen);
	feed(&c, "f", "a,,a,a_2\n1,2,3,4\n\n\"x\ny\",,,\n");
	csvin_end(&c);
	assert_string_equal(
	    seen.p,
	    "header\n"
	    "row f:2 {\"a\":\"1\",\"_2\":\"2\",\"a_3\":\"3\",\"a_2\":\"4\"}\n"
	    "row f:4 {\"a\":\"x\\ny\",\"_2\":\"\",\"a_3\":\"\",\"a_2\":\"\"}\n");
	/* a second name takes _2 when no column has it */
	buf_reset(&seen);
	feed(&c, "g", "x,x\n1,2\n");
	assert_string_equal(seen.p,
	                    "header\nrow g:2 {\"x\":\"1\",\"x_2\":\"2\"}\n");
	csvin_free(&c);
}

static void
bad_rows_are_rejected(void **state)
{
	struct csvin c;

	(void)state;
	buf_reset(&seen);
	csvin_init(&c, '\t', 1000, 1 << 20, &ops, &seen);
	feed(&c, "t", "a\tb\n1\n\"x\"y\tz\n1\t2\n");
	csvin_end(&c);
	assert_string_equal(
	    seen.p,
	    "header\n"
	    "bad t:2: row has 1 fields, header has 2 [1]\n"
	    "bad t:3: unexpected character after closing quote at column 4 [\"x\"y\tz]\n"
	    "row t:4 {\"a\":\"1\",\"b\":\"2\"}\n");
	csvin_free(&c);
}

static void
a_runaway_quote_rejects_only_its_row(void **state)
{
	struct csvin c;

	(void)state;
	buf_reset(&seen);
	csvin_init(&c, ',', 3, 1 << 20, &ops, &seen);
	feed(&c, "f", "a,b\n1,\"x\n2,y\n3,z\n");
	csvin_end(&c);
	assert_string_equal(
	    seen.p, "header\n"
	            "bad f:2: quoted field not closed within 3 lines "
	            "(--max-field-lines); reading on from line 3 [1,\"x]\n"
	            "row f:3 {\"a\":\"2\",\"b\":\"y\"}\n"
	            "row f:4 {\"a\":\"3\",\"b\":\"z\"}\n");
	/* open at the end of the input */
	buf_reset(&seen);
	feed(&c, "g", "a,b\n\"1,2\n");
	csvin_end(&c);
	assert_string_equal(seen.p,
	                    "header\n"
	                    "bad g:2: quoted field not closed at end of file "
	                    "[\"1,2]\n");
	/* stopped by a signal: the open row is reported as it is */
	{
		static volatile int stop;
		c.stop = &stop;
		buf_reset(&seen);
		feed(&c, "h", "a,b\n\"1,2\n3,4\n");
		csvin_end(&c);
		assert_int_equal(
		    strstr(seen.p,
		           "bad h:2: quoted field not closed at end of file") !=
		        NULL,
		    1);
		buf_reset(&seen);
		feed(&c, "k", "a,b\n\"1,2\n3,4\n");
		stop = 1;
		csvin_end(&c);
		assert_string_equal(
		    seen.p,
		    "header\nbad k:2: quoted field still open when stopped [\"1,2\n3,4]\n");
	}
	csvin_free(&c);
}

static void
each_file_has_its_header(void **state)
{
	struct csvin c;

	(void)state;
	buf_reset(&seen);
	csvin_init(&c, ',', 1000, 1 << 20, &ops, &seen);
	feed(&c, "f", "a\n1\n");
	feed(&c, "f", "b\n2\n"); /* the line numbers start again */
	feed(&c, "g", "c\n3\n");
	assert_string_equal(seen.p, "header\nrow f:2 {\"a\":\"1\"}\n"
	                            "header\nrow f:2 {\"b\":\"2\"}\n"
	                            "header\nrow g:2 {\"c\":\"3\"}\n");
	assert_string_equal(csvin_file(&c), "g");
	csvin_free(&c);
}

static void
a_missing_column_names_the_near_ones(void **state)
{
	struct csvin c;
	buf_t hint = BUF_INIT;

	(void)state;
	buf_reset(&seen);
	csvin_init(&c, ',', 1000, 1 << 20, &ops, &seen);
	feed(&c, "f", "tz,id,tx\n");
	assert_true(csvin_has_column(&c, "id", NULL));
	assert_false(csvin_has_column(&c, "ts", &hint));
	assert_string_equal(hint.p, "; did you mean 'tz' or 'tx'?");
	buf_reset(&hint);
	assert_false(csvin_has_column(&c, "completely_else", &hint));
	assert_int_equal(hint.len, 0);
	assert_int_equal(csvin_rownum(&c), 1);
	csvin_free(&c);
	buf_free(&hint);
	buf_free(&seen);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(rows_are_keyed_by_the_header),
	    cmocka_unit_test(bad_rows_are_rejected),
	    cmocka_unit_test(a_runaway_quote_rejects_only_its_row),
	    cmocka_unit_test(each_file_has_its_header),
	    cmocka_unit_test(a_missing_column_names_the_near_ones),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
