/* test_cache.c - the analyser's answer cache: keyed by text and stamp,
 * least recently used out first, within its limits, once-per-second stamp
 * checks, and safe from several threads. */
#include "test.h"

#include <pthread.h>

#include "http/cache.h"

static const char *get(struct ob_http_cache *c, const char *key, const char *stamp,
                       struct ob_buf *b)
{
	ob_buf_reset(b);
	return ob_http_cache_get(c, key, stamp, b);
}

static void test_key_and_stamp(void **state)
{
	struct ob_http_cache *c = ob_http_cache_new();
	struct ob_buf b = OB_BUF_INIT(1 << 20);

	(void)state;
	assert_null(get(c, "q", "s1", &b));
	ob_http_cache_put(c, "q", "s1", "text/csv", "a,b\n", 4);
	assert_string_equal(get(c, "q", "s1", &b), "text/csv");
	assert_int_equal(b.len, 4);
	assert_memory_equal(b.ptr, "a,b\n", 4);
	assert_null(get(c, "q", "s2", &b));  /* another snapshot */
	assert_null(get(c, "q2", "s1", &b)); /* another question */
	assert_null(get(c, "", "qs1", &b));  /* key and stamp are not run together */
	ob_http_cache_put(c, "q", "s1", "text/csv", "other", 5); /* already held */
	assert_non_null(get(c, "q", "s1", &b));
	assert_memory_equal(b.ptr, "a,b\n", 4);
	ob_http_cache_put(c, "empty", "s1", "application/json", "", 0);
	assert_string_equal(get(c, "empty", "s1", &b), "application/json");
	assert_int_equal(b.len, 0);
	ob_buf_release(&b);
	ob_http_cache_free(c);
}

static void test_lru_and_limits(void **state)
{
	struct ob_http_cache *c = ob_http_cache_new();
	struct ob_buf b = OB_BUF_INIT(OB_HTTP_CACHE_MAX_ANSWER + 1);
	char key[32], *big;
	size_t entries, bytes;
	uint64_t hits, misses;

	(void)state;
	for (int i = 0; i < OB_HTTP_CACHE_ENTRIES; i++) {
		snprintf(key, sizeof(key), "k%d", i);
		ob_http_cache_put(c, key, "s", "t", key, strlen(key));
	}
	assert_non_null(get(c, "k0", "s", &b)); /* k0 used: k1 is now the oldest */
	ob_http_cache_put(c, "new", "s", "t", "x", 1);
	ob_http_cache_stats(c, &entries, &bytes, &hits, &misses);
	assert_int_equal(entries, OB_HTTP_CACHE_ENTRIES);
	assert_non_null(get(c, "k0", "s", &b));
	assert_null(get(c, "k1", "s", &b));
	assert_non_null(get(c, "k2", "s", &b));
	assert_non_null(get(c, "new", "s", &b));
	/* too big to keep */
	big = ob_calloc(1, OB_HTTP_CACHE_MAX_ANSWER + 1);
	ob_http_cache_put(c, "big", "s", "t", big, OB_HTTP_CACHE_MAX_ANSWER + 1);
	assert_null(get(c, "big", "s", &b));
	/* answers that fill the byte limit push the oldest out */
	for (int i = 0; i < OB_HTTP_CACHE_BYTES / OB_HTTP_CACHE_MAX_ANSWER + 2; i++) {
		snprintf(key, sizeof(key), "m%d", i);
		ob_http_cache_put(c, key, "s", "t", big, OB_HTTP_CACHE_MAX_ANSWER);
		ob_http_cache_stats(c, &entries, &bytes, &hits, &misses);
		assert_true(bytes <= OB_HTTP_CACHE_BYTES);
	}
	assert_null(get(c, "m0", "s", &b));
	snprintf(key, sizeof(key), "m%d", OB_HTTP_CACHE_BYTES / OB_HTTP_CACHE_MAX_ANSWER + 1);
	assert_non_null(get(c, key, "s", &b));
	free(big);
	ob_buf_release(&b);
	ob_http_cache_free(c);
}

static void test_stamp_due(void **state)
{
	struct ob_http_cache *c = ob_http_cache_new();

	(void)state;
	assert_true(ob_http_cache_stamp_due(c, 1000));
	assert_false(ob_http_cache_stamp_due(c, 1000));
	assert_true(ob_http_cache_stamp_due(c, 1000 + OB_HTTP_STAMP_SECONDS));
	assert_true(ob_http_cache_stamp_due(c, 500)); /* the clock went back */
	/* asked again: due at once, once */
	assert_false(ob_http_cache_stamp_due(c, 500));
	ob_http_cache_stamp_again(c);
	assert_true(ob_http_cache_stamp_due(c, 500));
	assert_false(ob_http_cache_stamp_due(c, 500));
	ob_http_cache_free(c);
}

static void *worker(void *arg)
{
	struct ob_http_cache *c = arg;
	struct ob_buf b = OB_BUF_INIT(1 << 16);
	char key[32];

	for (int i = 0; i < 20000; i++) {
		snprintf(key, sizeof(key), "w%d", i % (OB_HTTP_CACHE_ENTRIES * 2));
		ob_buf_reset(&b);
		if (ob_http_cache_get(c, key, "s", &b)) {
			if (b.len != strlen(key) || memcmp(b.ptr, key, b.len))
				abort();
		} else {
			ob_http_cache_put(c, key, "s", "t", key, strlen(key));
		}
	}
	ob_buf_release(&b);
	return NULL;
}

static void test_threads(void **state)
{
	struct ob_http_cache *c = ob_http_cache_new();
	pthread_t t[4];
	size_t entries, bytes;
	uint64_t hits, misses;

	(void)state;
	for (int i = 0; i < 4; i++)
		assert_int_equal(pthread_create(&t[i], NULL, worker, c), 0);
	for (int i = 0; i < 4; i++)
		pthread_join(t[i], NULL);
	ob_http_cache_stats(c, &entries, &bytes, &hits, &misses);
	assert_int_equal(hits + misses, 80000);
	assert_true(entries <= OB_HTTP_CACHE_ENTRIES);
	ob_http_cache_free(c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_key_and_stamp),
		cmocka_unit_test(test_lru_and_limits),
		cmocka_unit_test(test_stamp_due),
		cmocka_unit_test(test_threads),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
