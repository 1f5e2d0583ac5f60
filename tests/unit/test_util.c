/*
 * test_util.c - helpers of lib/util.c: how near one field name is to
 * another, for "did you mean" hints.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

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

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_name_distance_slips),
	    cmocka_unit_test(test_name_distance_contains),
	    cmocka_unit_test(test_name_distance_far),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
