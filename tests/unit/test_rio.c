/*
 * test_rio.c - the line reader and bad-input policy of lib/rio.c: lines
 * and their numbers across files, a last line without a newline,
 * --max-line, --rejects, timeouts on a pipe, and size options.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "scratch.h"

#include "rio.h"
#include "util.h"

static char *
slurp(const char *name, size_t *n)
{
	buf_t b = {0};

	assert_int_equal(rd_slurp(scratch_file(name), &b, 0), 0);
	*n = b.len;
	return b.p;
}

/* The next line must be want, numbered num, from file. */
static void
expect_line(reader_t *rd, const char *want, unsigned long num, const char *file)
{
	line_t l;

	assert_int_equal(rd_next(rd, &l, -1), RD_LINE);
	assert_int_equal(l.n, strlen(want));
	assert_memory_equal(l.p, want, l.n);
	assert_int_equal(l.p[l.n], '\0');
	assert_int_equal(l.num, num);
	if (file != NULL)
		assert_string_equal(l.file, file);
}

static void
expect_eof(reader_t *rd)
{
	line_t l;

	assert_int_equal(rd_next(rd, &l, -1), RD_EOF);
	assert_int_equal(rd_next(rd, &l, -1), RD_EOF);
}

static void
test_lines_empty_and_last_without_newline(void **state)
{
	char *files[1];
	reader_t *rd;

	(void)state;
	scratch_write("a", "one\n\nthree\r\nlast", 16);
	files[0] = scratch_file("a");
	rd = rd_open(1, files);
	expect_line(rd, "one", 1, files[0]);
	expect_line(rd, "", 2, files[0]);
	expect_line(rd, "three\r", 3, files[0]);
	expect_line(rd, "last", 4, files[0]);
	expect_eof(rd);
	rd_close(rd);
	rd_close(NULL);
}

static void
test_files_in_turn_number_their_own_lines(void **state)
{
	char *files[3];
	char a[4200], b[4200], c[4200];
	reader_t *rd;

	(void)state;
	scratch_write("f1", "x\ny\n", 4);
	scratch_write("f2", "", 0);
	scratch_write("f3", "z", 1);
	snprintf(a, sizeof a, "%s", scratch_file("f1"));
	snprintf(b, sizeof b, "%s", scratch_file("f2"));
	snprintf(c, sizeof c, "%s", scratch_file("f3"));
	files[0] = a, files[1] = b, files[2] = c;
	rd = rd_open(3, files);
	expect_line(rd, "x", 1, a);
	expect_line(rd, "y", 2, a);
	expect_line(rd, "z", 1, c);
	expect_eof(rd);
	rd_close(rd);
}

static void
test_lines_longer_than_a_read(void **state)
{
	size_t n = 300000;
	char *big = malloc(2 * n + 2);
	char *files[1];
	reader_t *rd;

	(void)state;
	memset(big, 'a', n);
	big[n] = '\n';
	memset(big + n + 1, 'b', n);
	big[2 * n + 1] = '\n';
	scratch_write("big", big, 2 * n + 2);
	files[0] = scratch_file("big");
	rd = rd_open(1, files);
	big[n] = '\0';
	expect_line(rd, big, 1, NULL);
	big[2 * n + 1] = '\0';
	expect_line(rd, big + n + 1, 2, NULL);
	expect_eof(rd);
	rd_close(rd);
	free(big);
}

/* --max-line: a line of exactly the limit is read, a longer one is
 * skipped, counted as bad input and copied whole to --rejects (also one
 * far longer than the read buffer, and one at the end without a
 * newline); the lines around it keep their numbers. */
static void
test_max_line_skips_and_rejects(void **state)
{
	size_t huge = 200000;
	buf_t in = {0};
	char *files[1], *got;
	unsigned long bad0 = rio_bad_count;
	reader_t *rd;
	size_t n;

	(void)state;
	rio_max_line = 8;
	rio_option(RIO_OPT_REJECTS, scratch_file("rejects"), NULL);
	buf_adds(&in, "12345678\n123456789\nok\n");
	for (size_t i = 0; i < huge; i++)
		buf_addc(&in, 'x');
	buf_adds(&in, "\nafter\nlast-too-long");
	scratch_write("long", in.p, in.len);
	files[0] = scratch_file("long");
	rd = rd_open(1, files);
	expect_line(rd, "12345678", 1, NULL);
	expect_line(rd, "ok", 3, NULL);
	expect_line(rd, "after", 5, NULL);
	expect_eof(rd);
	rd_close(rd);
	assert_int_equal(rio_bad_count - bad0, 3);
	assert_int_equal(rio_finish(0), 0);
	rio_max_line = 16 << 20;

	got = slurp("rejects", &n);
	assert_int_equal(n, 10 + huge + 1 + 14);
	assert_memory_equal(got, "123456789\n", 10);
	for (size_t i = 0; i < huge; i++)
		if (got[10 + i] != 'x')
			fail_msg("rejects byte %zu is '%c'", 10 + i,
			         got[10 + i]);
	assert_memory_equal(got + 10 + huge, "\nlast-too-long\n", 15);
	free(got);
	buf_free(&in);
}

/* rio_bad_input counts the line and copies it verbatim to --rejects;
 * rio_note_input and a plain read do neither; rio_reject_line only copies. */
static void
test_bad_input_goes_to_rejects(void **state)
{
	unsigned long bad0 = rio_bad_count;
	line_t l = {.p = "{\"a\":", .n = 5, .file = "in", .num = 7};
	line_t r = {.p = "late\0x", .n = 6, .file = "in", .num = 8};
	char *got;
	size_t n;

	(void)state;
	rio_option(RIO_OPT_REJECTS, scratch_file("rej2"), NULL);
	rio_bad_input(&l, "broken %d", 1);
	rio_bad_json(&l, 5, "unexpected end");
	rio_note_input("in", 9, "only a note");
	rio_reject_line(&r);
	assert_int_equal(rio_bad_count - bad0, 2);
	assert_int_equal(rio_finish(0), 0);
	got = slurp("rej2", &n);
	assert_int_equal(n, 6 + 6 + 7);
	assert_memory_equal(got, "{\"a\":\n{\"a\":\nlate\0x\n", n);
	free(got);
}

/* On a pipe, rd_next waits only as long as it is told, keeps a partial
 * line across the timeout, and returns it once its newline comes. */
static void
test_pipe_timeout_keeps_partial_line(void **state)
{
	int fds[2];
	reader_t *rd;
	line_t l;

	(void)state;
	assert_int_equal(pipe(fds), 0);
	rd = rd_open_fd(fds[0], "pipe");
	assert_int_equal(rd_has_line(rd), 0);
	assert_int_equal(rd_next(rd, &l, 20), RD_TIMEOUT);
	assert_int_equal(write(fds[1], "par", 3), 3);
	assert_int_equal(rd_next(rd, &l, 20), RD_TIMEOUT);
	assert_int_equal(write(fds[1], "tial\nnext\n", 10), 10);
	expect_line(rd, "partial", 1, "pipe");
	assert_int_equal(rd_has_line(rd), 1);
	expect_line(rd, "next", 2, "pipe");
	assert_int_equal(rd_next(rd, &l, 20), RD_TIMEOUT);
	close(fds[1]);
	expect_eof(rd);
	rd_close(rd);
	close(fds[0]);
}

static void
test_parse_size(void **state)
{
	size_t v = 7;

	(void)state;
	assert_int_equal(rio_parse_size("0", &v), 0);
	assert_int_equal(v, 0);
	assert_int_equal(rio_parse_size("100", &v), 0);
	assert_int_equal(v, 100);
	assert_int_equal(rio_parse_size("4k", &v), 0);
	assert_int_equal(v, 4096);
	assert_int_equal(rio_parse_size("16M", &v), 0);
	assert_int_equal(v, 16 << 20);
	assert_int_equal(rio_parse_size("1GiB", &v), 0);
	assert_int_equal(v, (size_t)1 << 30);
	assert_int_equal(rio_parse_size("2KB", &v), 0);
	assert_int_equal(v, 2048);
	v = 7;
	assert_int_equal(rio_parse_size("", &v), -1);
	assert_int_equal(rio_parse_size("-1", &v), -1);
	assert_int_equal(rio_parse_size(" 1", &v), -1);
	assert_int_equal(rio_parse_size("1T", &v), -1);
	assert_int_equal(rio_parse_size("1 M", &v), -1);
	assert_int_equal(rio_parse_size("99999999999999999999", &v), -1);
	assert_int_equal(rio_parse_size("17179869184G", &v), -1);
	assert_int_equal(v, 7);
}

static void
test_slurp(void **state)
{
	buf_t b = {0};

	(void)state;
	scratch_write("s", "abc\0def", 7);
	buf_adds(&b, ">");
	assert_int_equal(rd_slurp(scratch_file("s"), &b, 0), 0);
	assert_int_equal(b.len, 8);
	assert_memory_equal(b.p, ">abc\0def", 9);
	assert_int_equal(rd_slurp(scratch_file("missing"), &b, 1), -1);
	assert_int_equal(b.len, 8);
	buf_free(&b);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_lines_empty_and_last_without_newline),
	    cmocka_unit_test(test_files_in_turn_number_their_own_lines),
	    cmocka_unit_test(test_lines_longer_than_a_read),
	    cmocka_unit_test(test_max_line_skips_and_rejects),
	    cmocka_unit_test(test_bad_input_goes_to_rejects),
	    cmocka_unit_test(test_pipe_timeout_keeps_partial_line),
	    cmocka_unit_test(test_parse_size),
	    cmocka_unit_test(test_slurp),
	};
	rio_init("test_rio", 0, NULL);
	return cmocka_run_group_tests(tests, scratch_setup, scratch_teardown);
}
