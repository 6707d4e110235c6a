/* test_bucket.c - the rate limit per address (http/bucket.h): a burst, then
 * the rate, the wait it tells, addresses apart, and a full table. */
#include "test.h"

#include "http/bucket.h"

static void test_burst_then_rate(void **state)
{
	struct ob_http_buckets *b = ob_http_buckets_new(6, 3, 16); /* one every 10 s */
	unsigned wait = 0;
	(void)state;

	for (int i = 0; i < 3; i++)
		assert_true(ob_http_buckets_take(b, "192.0.2.1", 100.0, &wait));
	assert_false(ob_http_buckets_take(b, "192.0.2.1", 100.0, &wait));
	assert_in_range(wait, 10, 11); /* whole seconds, rounded up */
	/* 4 s later: 6 s to go */
	assert_false(ob_http_buckets_take(b, "192.0.2.1", 104.0, &wait));
	assert_in_range(wait, 6, 7);
	/* 10 s after the burst: one token, one only */
	assert_true(ob_http_buckets_take(b, "192.0.2.1", 110.0, &wait));
	assert_false(ob_http_buckets_take(b, "192.0.2.1", 110.0, &wait));
	/* a long pause fills the bucket to the burst, not beyond */
	for (int i = 0; i < 3; i++)
		assert_true(ob_http_buckets_take(b, "192.0.2.1", 1000.0, &wait));
	assert_false(ob_http_buckets_take(b, "192.0.2.1", 1000.0, &wait));
	/* the clock going back does not refill it */
	assert_false(ob_http_buckets_take(b, "192.0.2.1", 500.0, &wait));
	assert_true(wait >= 1);
	ob_http_buckets_free(b);
}

static void test_addresses_apart(void **state)
{
	struct ob_http_buckets *b = ob_http_buckets_new(60, 1, 16);
	unsigned wait = 0;
	(void)state;

	assert_true(ob_http_buckets_take(b, "192.0.2.1", 5.0, &wait));
	assert_false(ob_http_buckets_take(b, "192.0.2.1", 5.0, &wait));
	assert_true(ob_http_buckets_take(b, "192.0.2.2", 5.0, &wait));
	assert_true(ob_http_buckets_take(b, "2001:db8::1", 5.0, &wait));
	assert_false(ob_http_buckets_take(b, "2001:db8::1", 5.0, &wait));
	assert_in_range(wait, 1, 2);
	assert_int_equal(ob_http_buckets_count(b), 3);
	ob_http_buckets_free(b);
}

/* More addresses than it remembers: the table stays within its size, the
 * address seen last is still limited, and every new one starts full. */
static void test_full_table(void **state)
{
	struct ob_http_buckets *b = ob_http_buckets_new(1, 2, 64);
	unsigned wait = 0;
	char addr[64];
	(void)state;

	for (int i = 0; i < 5000; i++) {
		snprintf(addr, sizeof(addr), "10.%d.%d.%d", i >> 16, (i >> 8) & 255, i & 255);
		assert_true(ob_http_buckets_take(b, addr, (double)i, &wait));
	}
	assert_true(ob_http_buckets_count(b) <= 64);
	assert_true(ob_http_buckets_take(b, addr, 5000.0, &wait));
	assert_false(ob_http_buckets_take(b, addr, 5000.0, &wait));
	assert_in_range(wait, 59, 60);
	ob_http_buckets_free(b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_burst_then_rate),
		cmocka_unit_test(test_addresses_apart),
		cmocka_unit_test(test_full_table),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
