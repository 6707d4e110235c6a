/* test_strmap.c - the string map keeps every key through growth. */
#include "test.h"

#include "base/strmap.h"

static void put_get_replace(void **state)
{
	struct ob_strmap m;
	void *old;
	int a = 1, b = 2;
	(void)state;
	ob_strmap_init(&m);
	assert_null(ob_strmap_get(&m, "x", 1));
	assert_int_equal(ob_strmap_put(&m, "san jose", 8, &a, &old), OB_OK);
	assert_null(old);
	assert_ptr_equal(ob_strmap_get(&m, "san jose", 8), &a);
	assert_null(ob_strmap_get(&m, "san jos", 7));
	assert_int_equal(ob_strmap_put(&m, "san jose", 8, &b, &old), OB_OK);
	assert_ptr_equal(old, &a);
	assert_int_equal(m.count, 1);
	ob_strmap_release(&m);
}

static void many_keys(void **state)
{
	struct ob_strmap m;
	char k[32];
	size_t seen = 0;
	(void)state;
	ob_strmap_init(&m);
	for (intptr_t i = 0; i < 20000; i++) {
		int n = snprintf(k, sizeof(k), "k%ld", (long)i);
		assert_int_equal(ob_strmap_put(&m, k, (size_t)n, (void *)(i + 1), NULL), OB_OK);
	}
	for (intptr_t i = 0; i < 20000; i++) {
		int n = snprintf(k, sizeof(k), "k%ld", (long)i);
		assert_true((intptr_t)ob_strmap_get(&m, k, (size_t)n) == i + 1);
	}
	ob_strmap_for_each(&m, e)
		seen++;
	assert_int_equal(seen, 20000);
	ob_strmap_release(&m);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(put_get_replace),
		cmocka_unit_test(many_keys),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
