/*
 * test_uniq.c - unit tests for lib/uniq.c: first and repeated keys,
 * forgetting by event time, the watermark, the limit, and many keys.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "uniq.h"

#define SEE(u, k, t) uniq_see((u), (k), strlen(k), 1, (t))

static void
keys_are_remembered_for_the_whole_run(void **state)
{
	struct uniq *u = uniq_new(0, 100);

	(void)state;
	assert_int_equal(SEE(u, "a", 0), UNIQ_FIRST);
	assert_int_equal(SEE(u, "b", 0), UNIQ_FIRST);
	assert_int_equal(SEE(u, "a", 1000000000), UNIQ_REPEAT);
	assert_int_equal(uniq_see(u, "", 0, 0, 0), UNIQ_FIRST);
	assert_int_equal(uniq_see(u, "", 0, 0, 0), UNIQ_REPEAT);
	assert_int_equal(uniq_len(u), 3);
	uniq_free(u);
	uniq_free(NULL);
}

static void
keys_are_forgotten_after_the_span(void **state)
{
	struct uniq *u = uniq_new(1000, 100);

	(void)state;
	assert_int_equal(SEE(u, "a", 5000), UNIQ_FIRST);
	assert_int_equal(SEE(u, "b", 5500), UNIQ_FIRST);
	assert_int_equal(SEE(u, "a", 5999), UNIQ_REPEAT);
	/* Exactly the span later, a is forgotten and seen anew. */
	assert_int_equal(SEE(u, "a", 6000), UNIQ_FIRST);
	assert_int_equal(SEE(u, "b", 6400), UNIQ_REPEAT);
	assert_int_equal(SEE(u, "b", 6500), UNIQ_FIRST);
	assert_int_equal(uniq_len(u), 2);
	/* Far later, everything is forgotten. */
	assert_int_equal(SEE(u, "c", 100000), UNIQ_FIRST);
	assert_int_equal(uniq_len(u), 1);
	uniq_free(u);
}

static void
late_records_do_not_bring_keys_back(void **state)
{
	struct uniq *u = uniq_new(1000, 100);

	(void)state;
	assert_int_equal(SEE(u, "a", 5000), UNIQ_FIRST);
	assert_int_equal(SEE(u, "x", 7000), UNIQ_FIRST);
	/* The watermark is 7000: a is forgotten even for a record of
	 * 5100, and a record without a time is at the watermark. */
	assert_int_equal(SEE(u, "a", 5100), UNIQ_FIRST);
	assert_int_equal(uniq_see(u, "x", 1, 0, 0), UNIQ_REPEAT);
	assert_int_equal(uniq_see(u, "y", 1, 0, 0), UNIQ_FIRST);
	assert_int_equal(SEE(u, "y", 7999), UNIQ_REPEAT);
	assert_int_equal(SEE(u, "y", 8000), UNIQ_FIRST);
	uniq_free(u);
}

static void
the_limit_refuses_new_keys(void **state)
{
	struct uniq *u = uniq_new(1000, 2);

	(void)state;
	assert_int_equal(SEE(u, "a", 0), UNIQ_FIRST);
	assert_int_equal(SEE(u, "b", 0), UNIQ_FIRST);
	assert_int_equal(SEE(u, "c", 0), UNIQ_FULL);
	assert_int_equal(SEE(u, "a", 0), UNIQ_REPEAT);
	/* Once keys are forgotten there is room again. */
	assert_int_equal(SEE(u, "c", 1000), UNIQ_FIRST);
	uniq_free(u);
}

static void
many_keys_come_and_go(void **state)
{
	struct uniq *u = uniq_new(100, 1000000);
	char k[32];

	(void)state;
	for (int64_t t = 0; t < 200000; t++) {
		snprintf(k, sizeof k, "key%lld", (long long)(t % 5000));
		/* Key t % 5000 was last seen 5000 ms ago: forgotten. */
		assert_int_equal(SEE(u, k, t), UNIQ_FIRST);
		assert_int_equal(SEE(u, k, t), UNIQ_REPEAT);
	}
	assert_true(uniq_len(u) <= 101);
	uniq_free(u);
	u = uniq_new(0, 1000000);
	for (int i = 0; i < 100000; i++) {
		snprintf(k, sizeof k, "%d", i);
		assert_int_equal(SEE(u, k, 0), UNIQ_FIRST);
	}
	for (int i = 0; i < 100000; i++) {
		snprintf(k, sizeof k, "%d", i);
		assert_int_equal(SEE(u, k, 0), UNIQ_REPEAT);
	}
	uniq_free(u);
}

/* Keys added in the place of forgotten ones (taking their ids) keep
 * their own time: each is forgotten within ms after it was added. */
static void
new_keys_on_freed_ids_keep_their_time(void **state)
{
	struct uniq *u = uniq_new(100, 1000000);
	char k[32];

	(void)state;
	for (int64_t t = 0; t <= 100; t += 50)
		for (int i = 0; i < 1000; i++) {
			snprintf(k, sizeof k, "%c%d", (int)('a' + t / 50), i);
			assert_int_equal(SEE(u, k, t), UNIQ_FIRST);
		}
	/* a* were forgotten at 100 */
	assert_int_equal(uniq_len(u), 2000);
	for (int i = 0; i < 1000; i++) {
		snprintf(k, sizeof k, "c%d", i);
		assert_int_equal(SEE(u, k, 150), UNIQ_REPEAT);
	}
	assert_int_equal(uniq_len(u), 1000);
	for (int i = 0; i < 1000; i++) {
		snprintf(k, sizeof k, "b%d", i);
		assert_int_equal(SEE(u, k, 150), UNIQ_FIRST);
		snprintf(k, sizeof k, "c%d", i);
		assert_int_equal(SEE(u, k, 199), UNIQ_REPEAT);
	}
	for (int i = 0; i < 1000; i++) {
		snprintf(k, sizeof k, "c%d", i);
		assert_int_equal(SEE(u, k, 200), UNIQ_FIRST);
		snprintf(k, sizeof k, "b%d", i);
		assert_int_equal(SEE(u, k, 200), UNIQ_REPEAT);
	}
	uniq_free(u);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(keys_are_remembered_for_the_whole_run),
	    cmocka_unit_test(keys_are_forgotten_after_the_span),
	    cmocka_unit_test(late_records_do_not_bring_keys_back),
	    cmocka_unit_test(the_limit_refuses_new_keys),
	    cmocka_unit_test(many_keys_come_and_go),
	    cmocka_unit_test(new_keys_on_freed_ids_keep_their_time),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
