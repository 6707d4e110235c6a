/* test_cluster.c - one-to-one assignment (greedy and optimal) and clustering across sources. */
#include "test.h"

#include "link/cluster.h"

/* Best total over all injective choices (brute force, small sizes). */
static double brute(const double *v, size_t rows, size_t cols, size_t r, bool *used)
{
	double best, with;
	if (r == rows)
		return 0;
	best = brute(v, rows, cols, r + 1, used); /* row r unassigned */
	for (size_t c = 0; c < cols; c++) {
		if (used[c] || v[r * cols + c] <= 0)
			continue;
		used[c] = true;
		with = v[r * cols + c] + brute(v, rows, cols, r + 1, used);
		used[c] = false;
		if (with > best)
			best = with;
	}
	return best;
}

static void assignment_is_optimal(void **state)
{
	uint64_t s = 7;
	(void)state;
	for (int trial = 0; trial < 300; trial++) {
		size_t rows = 1 + (size_t)(trial % 5), cols = rows + (size_t)(trial % 3);
		double v[5 * 7], got = 0, want;
		long col_of[5];
		bool used[7] = { false }, taken[7] = { false };
		for (size_t k = 0; k < rows * cols; k++) {
			s = s * 6364136223846793005ull + 1442695040888963407ull;
			/* a third of the cells are not edges */
			v[k] = (s >> 33) % 3 == 0 ? 0 : (double)((s >> 40) % 1000) / 10.0;
		}
		ob_assign_max(v, rows, cols, col_of);
		for (size_t r = 0; r < rows; r++) {
			if (col_of[r] < 0)
				continue;
			assert_true(v[r * cols + (size_t)col_of[r]] > 0);
			assert_false(taken[col_of[r]]);
			taken[col_of[r]] = true;
			got += v[r * cols + (size_t)col_of[r]];
		}
		want = brute(v, rows, cols, 0, used);
		if (got < want - 1e-9)
			fail_msg("trial %d: %g < best %g", trial, got, want);
	}
}

enum { A = 0, B = 1, C = 2 };

static void run(size_t n, const uint16_t *src, struct ob_link_edge *e, size_t ne,
                enum ob_assign_method m, bool one, struct ob_cluster_result *res)
{
	struct ob_cluster_options o = { .method = m, .one_per_source = one, .threshold = 0 };
	assert_int_equal(ob_cluster(n, src, e, ne, &o, res), OB_OK);
}

static void greedy_two_sources(void **state)
{
	/* records: 0 a1, 1 a2, 2 b1, 3 b2 */
	uint16_t src[4] = { A, A, B, B };
	struct ob_link_edge e[] = { { 0, 2, 10, 0 }, { 1, 2, 9, 0 }, { 1, 3, 5, 0 }, { 0, 3, 1, 0 } };
	struct ob_cluster_result res;
	(void)state;
	run(4, src, e, 4, OB_ASSIGN_GREEDY, true, &res);
	assert_int_equal(res.nclusters, 2);
	assert_int_equal(res.cluster[0], res.cluster[2]);
	assert_int_equal(res.cluster[1], res.cluster[3]);
	assert_int_equal(res.joined, 2);
	assert_int_equal(res.dropped, 2);
	assert_int_equal(res.cluster[0], 1); /* numbered by first record */
	ob_cluster_result_release(&res);
}

static void optimal_beats_greedy(void **state)
{
	uint16_t src[4] = { A, A, B, B };
	struct ob_link_edge e1[] = { { 0, 2, 10, 0 }, { 0, 3, 9, 0 }, { 1, 2, 9, 0 } };
	struct ob_link_edge e2[3];
	struct ob_cluster_result g, o;
	(void)state;
	memcpy(e2, e1, sizeof(e1));
	run(4, src, e1, 3, OB_ASSIGN_GREEDY, true, &g);
	assert_int_equal(g.cluster[0], g.cluster[2]); /* a1-b1; a2 and b2 alone */
	assert_int_equal(g.nclusters, 3);
	run(4, src, e2, 3, OB_ASSIGN_OPTIMAL, true, &o);
	assert_int_equal(o.cluster[0], o.cluster[3]); /* a1-b2 and a2-b1: 18 > 10 */
	assert_int_equal(o.cluster[1], o.cluster[2]);
	assert_int_equal(o.nclusters, 2);
	assert_int_equal(o.optimal_components, 1);
	assert_int_equal(o.dropped, 1);
	ob_cluster_result_release(&g);
	ob_cluster_result_release(&o);
}

static void three_sources(void **state)
{
	/* 0 a1, 1 a2, 2 b1, 3 c1 */
	uint16_t src[4] = { A, A, B, C };
	struct ob_link_edge ok[] = { { 0, 2, 10, 0 }, { 2, 3, 9, 0 }, { 0, 3, 8, 0 } };
	struct ob_link_edge clash[] = { { 0, 2, 10, 0 }, { 1, 3, 9, 0 }, { 2, 3, 5, 0 } };
	struct ob_cluster_result res;
	(void)state;
	run(4, src, ok, 3, OB_ASSIGN_OPTIMAL, true, &res); /* three sources: greedy */
	assert_int_equal(res.cluster[0], res.cluster[2]);
	assert_int_equal(res.cluster[0], res.cluster[3]);
	assert_int_equal(res.redundant, 1);
	assert_int_equal(res.optimal_components, 0);
	ob_cluster_result_release(&res);
	/* b1-c1 would put a1 and a2 together: the weakest link goes */
	run(4, src, clash, 3, OB_ASSIGN_GREEDY, true, &res);
	assert_int_equal(res.nclusters, 2);
	assert_int_equal(res.cluster[0], res.cluster[2]);
	assert_int_equal(res.cluster[1], res.cluster[3]);
	assert_true(res.cluster[0] != res.cluster[1]);
	assert_int_equal(res.dropped, 1);
	assert_false(clash[2].used);
	ob_cluster_result_release(&res);
}

static void duplicates_within_a_source(void **state)
{
	/* 0 a1, 1 a1' (the same death entered twice by A), 2 b1, 3 a2 */
	uint16_t src[4] = { A, A, B, A };
	struct ob_link_edge e[] = { { 0, 2, 10, 0 }, { 0, 1, 8, 0 }, { 1, 2, 7, 0 }, { 2, 3, 6, 0 } };
	struct ob_cluster_result res;
	(void)state;
	run(4, src, e, 4, OB_ASSIGN_GREEDY, true, &res);
	assert_int_equal(res.cluster[0], res.cluster[1]); /* A's own duplicate joins */
	assert_int_equal(res.cluster[0], res.cluster[2]);
	assert_true(res.cluster[3] != res.cluster[0]);    /* a2 is another A record */
	assert_int_equal(res.joined, 2);
	assert_int_equal(res.redundant, 1);
	assert_int_equal(res.dropped, 1);
	ob_cluster_result_release(&res);
}

static void dedupe_components(void **state)
{
	uint16_t src[5] = { 0, 0, 0, 0, 0 };
	struct ob_link_edge e[] = { { 0, 1, 3, 0 }, { 1, 2, 2, 0 }, { 3, 4, 1, 0 } };
	struct ob_cluster_result res;
	(void)state;
	run(5, src, e, 3, OB_ASSIGN_GREEDY, false, &res);
	assert_int_equal(res.nclusters, 2);
	assert_int_equal(res.cluster[0], res.cluster[2]);
	assert_int_equal(res.cluster[3], res.cluster[4]);
	ob_cluster_result_release(&res);
}

/* Equal scores: the records' order decides, whatever the input order. */
static void ties_do_not_depend_on_input_order(void **state)
{
	uint16_t src[3] = { A, B, B };
	struct ob_link_edge e1[] = { { 0, 1, 5, 0 }, { 0, 2, 5, 0 } };
	struct ob_link_edge e2[] = { { 0, 2, 5, 0 }, { 0, 1, 5, 0 } };
	struct ob_cluster_result r1, r2;
	(void)state;
	run(3, src, e1, 2, OB_ASSIGN_GREEDY, true, &r1);
	run(3, src, e2, 2, OB_ASSIGN_GREEDY, true, &r2);
	assert_memory_equal(r1.cluster, r2.cluster, 3 * sizeof(uint32_t));
	assert_int_equal(r1.cluster[0], r1.cluster[1]);
	ob_cluster_result_release(&r1);
	ob_cluster_result_release(&r2);
}

static void bad_edge(void **state)
{
	uint16_t src[2] = { A, B };
	struct ob_link_edge e[] = { { 0, 5, 1, 0 } };
	struct ob_cluster_options o = { 0 };
	struct ob_cluster_result res;
	(void)state;
	assert_int_equal(ob_cluster(2, src, e, 1, &o, &res), OB_EINVAL);
	ob_cluster_result_release(&res);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(assignment_is_optimal),
		cmocka_unit_test(greedy_two_sources),
		cmocka_unit_test(optimal_beats_greedy),
		cmocka_unit_test(three_sources),
		cmocka_unit_test(duplicates_within_a_source),
		cmocka_unit_test(dedupe_components),
		cmocka_unit_test(ties_do_not_depend_on_input_order),
		cmocka_unit_test(bad_edge),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
