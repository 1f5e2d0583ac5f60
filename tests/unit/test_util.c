/*
 * test_util.c - helpers of lib/util.c: how near one field name is to
 * another, for "did you mean" hints.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "util.h"

static int
dist(const char *want, const char *name)
{
	return util_name_distance(want, strlen(want), name, strlen(name));
}

static void
test_name_distance_slips(void **state)
{
	(void)state;
	assert_int_equal(dist("status", "status"), 0);
	assert_int_equal(dist("stauts", "status"), 2);
	assert_int_equal(dist("statsu", "status"), 2);
	assert_int_equal(dist("Status", "status"), 0); /* case is no slip */
	assert_int_equal(dist("ts", "tz"), 1);
	assert_int_equal(dist("created_at", "updated_at"), 3);
}

static void
test_name_distance_contains(void **state)
{
	(void)state;
	/* a name held in the other is near however long the other is */
	assert_int_equal(dist("Created", "CreatedDate"), 4);
	assert_int_equal(dist("timestamp", "event-data.timestamp"), 11);
	/* but not a name of one or two letters */
	assert_int_equal(dist("id", "ContactId"), -1);
}

static void
test_name_distance_far(void **state)
{
	char longname[UTIL_NAME_MAX + 2];

	(void)state;
	assert_int_equal(dist("Created", "Subject"), -1);
	assert_int_equal(dist("ts", "id"), -1);
	assert_int_equal(dist("", "x"), -1);
	memset(longname, 'a', sizeof longname - 1);
	longname[sizeof longname - 1] = '\0';
	assert_int_equal(dist(longname, longname), -1);
}

/* buf_read_fd appends a file's bytes, more than one read's worth and NUL
 * bytes included, and ends the text; a read error is -1 with errno. */
static void
test_buf_read_fd(void **state)
{
	static char data[150001];
	buf_t b = BUF_INIT;
	FILE *fp = tmpfile();
	int pfd[2];

	(void)state;
	for (size_t i = 0; i < sizeof data; i++)
		data[i] = (char)(i % 97);
	assert_non_null(fp);
	assert_int_equal(fwrite(data, 1, sizeof data, fp), sizeof data);
	assert_int_equal(fflush(fp), 0);
	assert_int_equal(lseek(fileno(fp), 0, SEEK_SET), 0);
	buf_adds(&b, "x");
	assert_int_equal(buf_read_fd(&b, fileno(fp)), 0);
	assert_int_equal(b.len, 1 + sizeof data);
	assert_memory_equal(b.p + 1, data, sizeof data);
	assert_int_equal(b.p[b.len], '\0');
	/* At the end of the file: nothing more. */
	assert_int_equal(buf_read_fd(&b, fileno(fp)), 0);
	assert_int_equal(b.len, 1 + sizeof data);
	fclose(fp);

	assert_int_equal(pipe(pfd), 0);
	buf_reset(&b);
	assert_int_equal(buf_read_fd(&b, pfd[1]), -1); /* the write end */
	assert_int_equal(errno, EBADF);
	assert_int_equal(b.len, 0);
	assert_string_equal(b.p, "");
	close(pfd[0]);
	close(pfd[1]);
	buf_free(&b);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_name_distance_slips),
	    cmocka_unit_test(test_name_distance_contains),
	    cmocka_unit_test(test_name_distance_far),
	    cmocka_unit_test(test_buf_read_fd),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
