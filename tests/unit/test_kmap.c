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

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_ids_are_dense_and_stable),
	    cmocka_unit_test(test_binary_and_empty_keys),
	    cmocka_unit_test(test_colliding_hashes),
	    cmocka_unit_test(test_growth_keeps_everything),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
