/*
 * test_kmap.c - the byte-string hash table of lib/kmap.c.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "kmap.h"
#include "util.h"

static uint32_t
add(struct kmap *m, const char *k, size_t n, int *added)
{
	return kmap_add(m, k, n, util_hash_bytes(k, n), added);
}

static void
test_ids_are_dense_and_stable(void **state)
{
	struct kmap *m = kmap_new();
	int added;

	(void)state;
	assert_int_equal(add(m, "a", 1, &added), 0);
	assert_int_equal(added, 1);
	assert_int_equal(add(m, "b", 1, &added), 1);
	assert_int_equal(added, 1);
	assert_int_equal(add(m, "a", 1, &added), 0);
	assert_int_equal(added, 0);
	assert_int_equal(kmap_len(m), 2);
	assert_int_equal(kmap_find(m, "b", 1, util_hash_bytes("b", 1)), 1);
	assert_int_equal(kmap_find(m, "c", 1, util_hash_bytes("c", 1)), -1);
	kmap_free(m);
	kmap_free(NULL);
}

static void
test_binary_and_empty_keys(void **state)
{
	struct kmap *m = kmap_new();
	const char k1[] = {'x', '\0', 'y'}, k2[] = {'x', '\0', 'z'};
	const char *p;
	size_t n;

	(void)state;
	assert_int_equal(add(m, "", 0, NULL), 0);
	assert_int_equal(add(m, k1, 3, NULL), 1);
	assert_int_equal(add(m, k2, 3, NULL), 2);
	assert_int_equal(add(m, k1, 2, NULL), 3); /* a prefix is another key */
	assert_int_equal(kmap_find(m, "", 0, util_hash_bytes("", 0)), 0);
	p = kmap_key(m, 2, &n);
	assert_int_equal(n, 3);
	assert_memory_equal(p, k2, 3);
	kmap_free(m);
}

/* Keys whose hashes collide still keep their own ids. */
static void
test_colliding_hashes(void **state)
{
	struct kmap *m = kmap_new();
	char k[16];

	(void)state;
	for (int i = 0; i < 1000; i++) {
		snprintf(k, sizeof k, "k%d", i);
		assert_int_equal(kmap_add(m, k, strlen(k), 42, NULL), i);
	}
	for (int i = 999; i >= 0; i--) {
		snprintf(k, sizeof k, "k%d", i);
		assert_int_equal(kmap_find(m, k, strlen(k), 42), i);
	}
	kmap_free(m);
}

static void
test_growth_keeps_everything(void **state)
{
	struct kmap *m = kmap_new();
	char k[32];
	const char *p;
	size_t n;

	(void)state;
	for (int i = 0; i < 100000; i++) {
		snprintf(k, sizeof k, "\"seg%05d\"", i);
		assert_int_equal(add(m, k, strlen(k), NULL), i);
	}
	assert_int_equal(kmap_len(m), 100000);
	for (int i = 0; i < 100000; i += 997) {
		snprintf(k, sizeof k, "\"seg%05d\"", i);
		assert_int_equal(
		    kmap_find(m, k, strlen(k), util_hash_bytes(k, strlen(k))),
		    i);
		p = kmap_key(m, (uint32_t)i, &n);
		assert_int_equal(n, strlen(k));
		assert_memory_equal(p, k, n);
	}
	kmap_free(m);
}

/* A deleted key is gone, the others of its run of slots are still
 * found, and its id is handed out again, the last freed first. */
static void
test_delete_frees_the_id(void **state)
{
	struct kmap *m = kmap_new();
	char k[16];

	(void)state;
	for (int i = 0; i < 100; i++) {
		snprintf(k, sizeof k, "k%d", i);
		/* One hash for all: one long run of slots. */
		assert_int_equal(kmap_add(m, k, strlen(k), 7, NULL), i);
	}
	assert_int_equal(kmap_del(m, "k10", 3, 7), 10);
	assert_int_equal(kmap_del(m, "k10", 3, 7), -1);
	assert_int_equal(kmap_del(m, "k50", 3, 7), 50);
	assert_int_equal(kmap_len(m), 98);
	assert_int_equal(kmap_ids(m), 100);
	assert_int_equal(kmap_find(m, "k10", 3, 7), -1);
	for (int i = 0; i < 100; i++) {
		snprintf(k, sizeof k, "k%d", i);
		if (i != 10 && i != 50)
			assert_int_equal(kmap_find(m, k, strlen(k), 7), i);
	}
	assert_int_equal(kmap_add(m, "new", 3, 7, NULL), 50);
	assert_int_equal(kmap_add(m, "k10", 3, 7, NULL), 10);
	assert_int_equal(kmap_add(m, "more", 4, 7, NULL), 100);
	assert_int_equal(kmap_ids(m), 101);
	kmap_free(m);
}

/* Deleting in every order of a wrapped run keeps every other key. */
static void
test_delete_shifts_back_across_the_end(void **state)
{
	char k[16];

	(void)state;
	for (int gone = 0; gone < 12; gone++) {
		struct kmap *m = kmap_new();
		/* Homes near the end of the 16 slots: the run wraps. */
		for (int i = 0; i < 12; i++) {
			snprintf(k, sizeof k, "k%d", i);
			kmap_add(m, k, strlen(k), (uint64_t)(13 + i % 3), NULL);
		}
		snprintf(k, sizeof k, "k%d", gone);
		assert_int_equal(
		    kmap_del(m, k, strlen(k), (uint64_t)(13 + gone % 3)), gone);
		for (int i = 0; i < 12; i++) {
			snprintf(k, sizeof k, "k%d", i);
			assert_int_equal(
			    kmap_find(m, k, strlen(k), (uint64_t)(13 + i % 3)),
			    i == gone ? -1 : i);
		}
		kmap_free(m);
	}
}

/* Keys churned through add and delete keep their bytes, and memory
 * stays bounded by the keys held at once. */
static void
test_churn_keeps_keys(void **state)
{
	struct kmap *m = kmap_new();
	char k[32];
	const char *p;
	size_t n;

	(void)state;
	for (int i = 0; i < 50000; i++) {
		snprintf(k, sizeof k, "key-%08d", i);
		add(m, k, strlen(k), NULL);
		if (i >= 10) {
			snprintf(k, sizeof k, "key-%08d", i - 10);
			assert_true(kmap_del(m, k, strlen(k),
			                     util_hash_bytes(k, strlen(k))) >=
			            0);
		}
	}
	assert_int_equal(kmap_len(m), 10);
	assert_true(kmap_ids(m) <= 11);
	for (int i = 49990; i < 50000; i++) {
		snprintf(k, sizeof k, "key-%08d", i);
		long id =
		    kmap_find(m, k, strlen(k), util_hash_bytes(k, strlen(k)));
		assert_true(id >= 0);
		p = kmap_key(m, (uint32_t)id, &n);
		assert_int_equal(n, strlen(k));
		assert_memory_equal(p, k, n);
	}
	kmap_free(m);
}

static void
test_clear_starts_again(void **state)
{
	struct kmap *m = kmap_new();
	char k[16];
	int added;

	(void)state;
	for (int i = 0; i < 1000; i++) {
		snprintf(k, sizeof k, "key%d", i);
		add(m, k, strlen(k), NULL);
	}
	assert_int_equal(kmap_del(m, "key5", 4, util_hash_bytes("key5", 4)), 5);
	kmap_clear(m);
	assert_int_equal(kmap_len(m), 0);
	assert_int_equal(kmap_ids(m), 0);
	assert_int_equal(kmap_find(m, "key7", 4, util_hash_bytes("key7", 4)),
	                 -1);
	/* Ids from 0 again, the freed one not handed out twice. */
	assert_int_equal(add(m, "key7", 4, &added), 0);
	assert_int_equal(added, 1);
	assert_int_equal(add(m, "x", 1, &added), 1);
	assert_int_equal(add(m, "key7", 4, &added), 0);
	assert_int_equal(added, 0);
	kmap_free(m);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_ids_are_dense_and_stable),
	    cmocka_unit_test(test_binary_and_empty_keys),
	    cmocka_unit_test(test_colliding_hashes),
	    cmocka_unit_test(test_growth_keeps_everything),
	    cmocka_unit_test(test_delete_frees_the_id),
	    cmocka_unit_test(test_delete_shifts_back_across_the_end),
	    cmocka_unit_test(test_clear_starts_again),
	    cmocka_unit_test(test_churn_keeps_keys),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
