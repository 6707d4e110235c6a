/* test_par.c - the parallel for-loop: every item once, worker ids, early stop. */
#include "test.h"

#include <stdatomic.h>

#include "link/par.h"

struct ctx {
	atomic_int *hits;
	int nthreads;
	atomic_int bad_worker;
	size_t stop_at;
};

static int visit(void *vctx, size_t item, int worker)
{
	struct ctx *c = vctx;
	if (worker < 0 || worker >= c->nthreads)
		atomic_store(&c->bad_worker, 1);
	atomic_fetch_add(&c->hits[item], 1);
	return item == c->stop_at ? 7 : 0;
}

static void every_item_once(void **state)
{
	static atomic_int hits[10000];
	(void)state;
	for (int t = 0; t <= 5; t++) {
		struct ctx c = { hits, t < 1 ? 1 : t, 0, (size_t)-1 };
		for (size_t i = 0; i < 10000; i++)
			atomic_init(&hits[i], 0);
		assert_int_equal(ob_parallel_for(10000, t, visit, &c), 0);
		for (size_t i = 0; i < 10000; i++)
			assert_int_equal(atomic_load(&hits[i]), 1);
		assert_int_equal(atomic_load(&c.bad_worker), 0);
	}
	/* more threads than items, and no items at all */
	{
		struct ctx c = { hits, 3, 0, (size_t)-1 };
		atomic_init(&hits[0], 0);
		assert_int_equal(ob_parallel_for(1, 8, visit, &c), 0);
		assert_int_equal(atomic_load(&hits[0]), 1);
		assert_int_equal(ob_parallel_for(0, 8, visit, &c), 0);
	}
}

static void stops_on_error(void **state)
{
	static atomic_int hits[100000];
	struct ctx c = { hits, 2, 0, 10 };
	size_t done = 0;
	(void)state;
	for (size_t i = 0; i < 100000; i++)
		atomic_init(&hits[i], 0);
	assert_int_equal(ob_parallel_for(100000, 2, visit, &c), 7);
	for (size_t i = 0; i < 100000; i++)
		done += (size_t)atomic_load(&hits[i]);
	assert_true(done < 100000); /* items stop being handed out */
	assert_true(ob_cpu_count() >= 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(every_item_once),
		cmocka_unit_test(stops_on_error),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
