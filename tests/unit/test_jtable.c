/*
 * test_jtable.c - the join tables of lib/jtable.c: format from the name
 * or given, CSV, TSV and NDJSON rows, keys compared as text, rows that
 * are skipped or replaced, and the exits for tables that cannot be used.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "scratch.h"

#include "json.h"
#include "jtable.h"
#include "rio.h"
#include "util.h"

/* The record line with the row of key k merged in, or "-" when the table
 * has no such row. */
static const char *
merged(const jtable_t *t, const char *k, const char *line)
{
	static buf_t b;
	rec_t r;
	size_t col;
	const char *msg;

	memset(&r, 0, sizeof r);
	assert_int_equal(rec_scan(&r, line, strlen(line), &col, &msg), 0);
	buf_reset(&b);
	if (!jtable_merge(t, k, strlen(k), &r))
		buf_adds(&b, "-\n");
	else
		rec_write(&r, &b);
	rec_free(&r);
	b.p[b.len - 1] = '\0';
	return b.p;
}

/* Run jtable_load in a child; its exit status. */
static int
load_status(const char *file, int format, const char *key)
{
	pid_t pid;
	int st;

	fflush(NULL);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		jtable_free(jtable_load(file, format, key, ""));
		_exit(0);
	}
	assert_int_equal(waitpid(pid, &st, 0), pid);
	assert_true(WIFEXITED(st));
	return WEXITSTATUS(st);
}

static void
test_format_names(void **state)
{
	(void)state;
	assert_int_equal(jtable_format("csv"), JTABLE_CSV);
	assert_int_equal(jtable_format("tsv"), JTABLE_TSV);
	assert_int_equal(jtable_format("ndjson"), JTABLE_NDJSON);
	assert_int_equal(jtable_format("jsonl"), JTABLE_NDJSON);
	assert_int_equal(jtable_format("json"), JTABLE_NDJSON);
	assert_int_equal(jtable_format("xml"), -1);
	assert_int_equal(jtable_format(""), -1);
}

static void
test_csv_by_name(void **state)
{
	const char *f =
	    scratch_put("users.csv", "email,plan,note\n"
	                             "a@x,pro,\"one, two\"\n"
	                             "b@x,free,\"say \"\"hi\"\"\"\n");
	jtable_t *t;

	(void)state;
	t = jtable_load(f, JTABLE_AUTO, "email", "u_");
	assert_int_equal(jtable_size(t), 2);
	assert_string_equal(
	    merged(t, "a@x", "{\"id\":1}"),
	    "{\"id\":1,\"u_plan\":\"pro\",\"u_note\":\"one, two\"}");
	assert_string_equal(
	    merged(t, "b@x", "{\"id\":2}"),
	    "{\"id\":2,\"u_plan\":\"free\",\"u_note\":\"say \\\"hi\\\"\"}");
	assert_string_equal(merged(t, "c@x", "{\"id\":3}"), "-");
	assert_string_equal(merged(t, "a@", "{\"id\":3}"), "-");
	jtable_free(t);
	jtable_free(NULL);
}

/* A TSV table splits at tabs only; a comma is part of a cell. The key
 * column is not merged, a record's own member of that name is replaced. */
static void
test_tsv_by_name(void **state)
{
	const char *f = scratch_put("plans.tsv", "plan\tprice\tlabel\n"
	                                         "pro\t10\tPro, yearly\n"
	                                         "free\t0\tFree\n");
	jtable_t *t;

	(void)state;
	t = jtable_load(f, JTABLE_AUTO, "plan", "");
	assert_int_equal(jtable_size(t), 2);
	assert_string_equal(
	    merged(t, "pro", "{\"plan\":\"pro\",\"label\":\"old\"}"),
	    "{\"plan\":\"pro\",\"label\":\"Pro, yearly\",\"price\":\"10\"}");
	jtable_free(t);
}

/* An NDJSON table keeps its values' own JSON text and is keyed by a
 * dotted path; a number key matches the same digits in a CSV cell. */
static void
test_ndjson_values_and_path_key(void **state)
{
	const char *f = scratch_put(
	    "t.ndjson", "{\"user\":{\"id\":42},\"tags\":[1, 2],\"n\":1.50}\n"
	                "{\"user\":{\"id\":\"7\"},\"ok\":true}\n");
	jtable_t *t;
	buf_t scratch = {0};
	const char *k;
	size_t n;

	(void)state;
	t = jtable_load(f, JTABLE_AUTO, "user.id", "");
	assert_int_equal(jtable_size(t), 2);
	assert_string_equal(
	    merged(t, "42", "{}"),
	    "{\"user\":{\"id\":42},\"tags\":[1, 2],\"n\":1.50}");
	assert_string_equal(merged(t, "7", "{\"a\":0}"),
	                    "{\"a\":0,\"user\":{\"id\":\"7\"},\"ok\":true}");

	assert_int_equal(jtable_key("42", 2, JT_NUM, &scratch, &k, &n), 0);
	assert_int_equal(n, 2);
	assert_memory_equal(k, "42", 2);
	assert_int_equal(
	    jtable_key("\"a\\u0062\"", 9, JT_STR, &scratch, &k, &n), 0);
	assert_int_equal(n, 2);
	assert_memory_equal(k, "ab", 2);
	assert_int_equal(jtable_key("true", 4, JT_TRUE, &scratch, &k, &n), 0);
	assert_int_equal(n, 4);
	assert_memory_equal(k, "true", 4);
	assert_int_equal(jtable_key("null", 4, JT_NULL, &scratch, &k, &n), -1);
	assert_int_equal(jtable_key("{}", 2, JT_OBJ, &scratch, &k, &n), -1);
	assert_int_equal(jtable_key("[1]", 3, JT_ARR, &scratch, &k, &n), -1);
	buf_free(&scratch);
	jtable_free(t);
}

/* Rows without a usable key, invalid lines and CSV rows of the wrong
 * length are skipped; a key seen again replaces the earlier row. */
static void
test_bad_and_repeated_rows(void **state)
{
	const char *nd = scratch_put("bad.ndjson", "{\"k\":\"a\",\"v\":1}\n"
	                                           "not json\n"
	                                           "{\"v\":2}\n"
	                                           "{\"k\":null,\"v\":3}\n"
	                                           "[1]\n"
	                                           "{\"k\":\"a\",\"v\":4}\n"
	                                           "{\"k\":\"b\",\"v\":5}\n");
	const char *csv = scratch_put("bad.csv", "k,v\n"
	                                         "a,1\n"
	                                         "b,2,extra\n"
	                                         "c\n"
	                                         ",4\n"
	                                         "a,5\n");
	jtable_t *t;

	(void)state;
	t = jtable_load(nd, JTABLE_AUTO, "k", "");
	assert_int_equal(jtable_size(t), 2);
	assert_string_equal(merged(t, "a", "{}"), "{\"v\":4}");
	assert_string_equal(merged(t, "b", "{}"), "{\"v\":5}");
	jtable_free(t);

	t = jtable_load(csv, JTABLE_AUTO, "k", "");
	assert_int_equal(jtable_size(t), 1);
	assert_string_equal(merged(t, "a", "{}"), "{\"v\":\"5\"}");
	assert_string_equal(merged(t, "b", "{}"), "-");
	assert_string_equal(merged(t, "c", "{}"), "-");
	jtable_free(t);
}

/* A format given overrides the name; a name that tells none, a missing
 * file, a header without the key column are refused; --strict makes a
 * skipped row fatal. */
static void
test_format_given_and_refusals(void **state)
{
	const char *txt = scratch_put("table.txt", "k,v\nx,1\n");
	jtable_t *t;

	(void)state;
	t = jtable_load(txt, JTABLE_CSV, "k", "");
	assert_int_equal(jtable_size(t), 1);
	assert_string_equal(merged(t, "x", "{}"), "{\"v\":\"1\"}");
	jtable_free(t);
	t = jtable_load(scratch_put("really-ndjson.csv", "{\"k\":\"x\"}\n"),
	                JTABLE_NDJSON, "k", "");
	assert_int_equal(jtable_size(t), 1);
	jtable_free(t);

	assert_int_equal(load_status(txt, JTABLE_AUTO, "k"), 64);
	assert_int_equal(load_status(scratch_put("nokey.csv", "a,b\n1,2\n"),
	                             JTABLE_AUTO, "k"),
	                 64);
	char missing[4200];
	snprintf(missing, sizeof missing, "%s/missing.csv", scratch_dir());
	assert_int_equal(load_status(missing, JTABLE_AUTO, "k"), 66);

	const char *bad = scratch_put("strict.csv", "k,v\na,1\nb,2,3\n");
	assert_int_equal(load_status(bad, JTABLE_AUTO, "k"), 0);
	rio_strict = 1;
	assert_int_equal(load_status(bad, JTABLE_AUTO, "k"), 65);
	rio_strict = 0;
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_format_names),
	    cmocka_unit_test(test_csv_by_name),
	    cmocka_unit_test(test_tsv_by_name),
	    cmocka_unit_test(test_ndjson_values_and_path_key),
	    cmocka_unit_test(test_bad_and_repeated_rows),
	    cmocka_unit_test(test_format_given_and_refusals),
	};
	rio_init("test_jtable", 0, NULL);
	return cmocka_run_group_tests(tests, scratch_setup, scratch_teardown);
}
