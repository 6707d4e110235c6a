/* test_uncertainty.c - Monte Carlo ranks, levels and sensitivity shares of an index. */
#include "test.h"

#include <math.h>

#include "index/index.h"
#include "index/uncertainty.h"
#include "stats/refcsv.h"

struct setup {
	struct ob_index_def def;
	struct ob_index_input in;
	struct ob_index_result r;
};

static void fail_diag(const struct ob_diag *d)
{
	char msg[1024];
	ob_diag_format(d, msg, sizeof(msg));
	fail_msg("%s", msg);
}

/* The reference units under a definition file of tests/data/index, or
 * under text when it is not NULL. */
static void setup(struct setup *s, const char *file, const char *text)
{
	const char *dir = getenv("OBSERVA_TESTDATA");
	char path[4096], csv[4096];
	struct ob_diag d;

	assert_non_null(dir);
	snprintf(path, sizeof(path), "%s/index/%s", dir, file ? file : "");
	snprintf(csv, sizeof(csv), "%s/reference/composite/indicators.csv", dir);
	ob_diag_clear(&d);
	if ((text ? ob_index_load_mem(text, strlen(text), "t.ini", &s->def, &d)
	          : ob_index_load(path, &s->def, &d)) ||
	    ob_index_input_read(&s->def, csv, &s->in, &d) ||
	    ob_index_compute(&s->def, &s->in, &s->r, &d))
		fail_diag(&d);
}

static void teardown(struct setup *s)
{
	ob_index_result_release(&s->r);
	ob_index_input_release(&s->in);
	ob_index_def_release(&s->def);
}

static void run(const struct setup *s, size_t runs, uint64_t seed, unsigned threads,
                struct ob_index_mc *mc)
{
	struct ob_index_mc_options o = { runs, seed, threads };
	struct ob_diag d;

	ob_diag_clear(&d);
	if (ob_index_uncertainty(&s->def, &s->in, &s->r, &o, mc, &d))
		fail_diag(&d);
}

static bool same(const struct ob_index_mc *a, const struct ob_index_mc *b)
{
	size_t n = a->nunits;

	if (a->nunits != b->nunits || a->levels != b->levels)
		return false;
	for (int f = 0; f < OB_IX_N_FACTORS; f++)
		if (a->share[f] != b->share[f])
			return false;
	return !memcmp(a->rank_median, b->rank_median, n * sizeof(double)) &&
	       !memcmp(a->rank_low, b->rank_low, n * sizeof(size_t)) &&
	       !memcmp(a->rank_high, b->rank_high, n * sizeof(size_t)) &&
	       !memcmp(a->p_level, b->p_level, n * a->levels * sizeof(double)) &&
	       !memcmp(a->p_top, b->p_top, n * sizeof(double));
}

static void check_coherent(const struct setup *s, const struct ob_index_mc *mc)
{
	for (size_t u = 0; u < mc->nunits; u++) {
		double sum = 0;
		assert_true(mc->rank_low[u] >= 1 && mc->rank_high[u] <= mc->nunits);
		assert_true((double)mc->rank_low[u] <= mc->rank_median[u]);
		assert_true(mc->rank_median[u] <= (double)mc->rank_high[u]);
		for (size_t l = 0; l < mc->levels; l++) {
			assert_true(mc->p_level[u * mc->levels + l] >= 0);
			sum += mc->p_level[u * mc->levels + l];
		}
		assert_true(fabs(sum - 1) < 1e-12);
		assert_true(mc->p_top[u] >= 0 && mc->p_top[u] <= 1);
		if (!s->def.top)
			assert_true(mc->p_top[u] == 0);
	}
}

static void reproducible(void **state)
{
	struct setup s;
	struct ob_index_mc a, b, c, e;
	(void)state;

	setup(&s, "reference_arith.ini", NULL);
	run(&s, 300, 11, 2, &a);
	run(&s, 300, 11, 1, &b); /* one thread: the same numbers */
	run(&s, 300, 11, 2, &e);
	run(&s, 300, 12, 2, &c);
	assert_true(same(&a, &b));
	assert_true(same(&a, &e));
	assert_false(same(&a, &c));
	check_coherent(&s, &a);
	check_coherent(&s, &c);
	assert_true(a.varied[OB_IX_F_WEIGHTS] && a.varied[OB_IX_F_NORMALISATION]);
	assert_false(a.varied[OB_IX_F_AGGREGATION]);
	assert_true(a.share[OB_IX_F_AGGREGATION] == 0);
	assert_int_equal(a.evaluations, 300 * 4);
	/* the unit that leads every indicator's worst values leads every run */
	for (size_t u = 0; u < s.in.nunits; u++)
		if (s.r.rank[u] == 1)
			assert_true(a.rank_low[u] <= 2);
	ob_index_mc_release(&a);
	ob_index_mc_release(&b);
	ob_index_mc_release(&c);
	ob_index_mc_release(&e);
	teardown(&s);
}

/* Nothing uncertain: every run is the nominal index. */
static void fixed_assumptions(void **state)
{
	static const char text[] = "[index]\nunit_column = unit_id\ntop = 4\n"
	                           "[indicator homicide_rate]\n[indicator robbery_rate]\n"
	                           "[indicator poverty_pct]\nweight = 2\n"
	                           "[uncertainty]\nweights = fixed\n";
	struct setup s;
	struct ob_index_mc mc;
	(void)state;

	setup(&s, NULL, text);
	run(&s, 50, 3, 2, &mc);
	for (size_t u = 0; u < s.in.nunits; u++) {
		assert_int_equal(mc.rank_low[u], s.r.rank[u]);
		assert_int_equal(mc.rank_high[u], s.r.rank[u]);
		assert_true(mc.rank_median[u] == (double)s.r.rank[u]);
		assert_true(mc.p_level[u * mc.levels + s.r.level[u] - 1] == 1);
		assert_true(mc.p_top[u] == (s.r.rank[u] <= 4 ? 1 : 0));
	}
	for (int f = 0; f < OB_IX_N_FACTORS; f++) {
		assert_false(mc.varied[f]);
		assert_true(mc.share[f] == 0);
	}
	ob_index_mc_release(&mc);
	teardown(&s);
}

/* One factor alone explains all the variance: its first-order share is
 * 1 up to the Monte Carlo error; the others are 0. */
static void single_factor(void **state)
{
	static const char agg_only[] = "[index]\nunit_column = unit_id\n"
	                               "normalise = minmax 1 100\n"
	                               "[indicator homicide_rate]\n[indicator robbery_rate]\n"
	                               "[indicator poverty_pct]\n[indicator police_per_100k]\n"
	                               "direction = -\n"
	                               "[uncertainty]\naggregate = arithmetic | geometric\n";
	static const char w_only[] = "[index]\nunit_column = unit_id\n"
	                             "[indicator homicide_rate]\n[indicator robbery_rate]\n"
	                             "[indicator poverty_pct]\n[indicator police_per_100k]\n"
	                             "direction = -\n"
	                             "[uncertainty]\nweights = dirichlet 4\n";
	struct setup s;
	struct ob_index_mc mc;
	(void)state;

	setup(&s, NULL, agg_only);
	run(&s, 4000, 5, 2, &mc);
	assert_true(mc.varied[OB_IX_F_AGGREGATION] && !mc.varied[OB_IX_F_WEIGHTS]);
	if (!(mc.share[OB_IX_F_AGGREGATION] > 0.85 && mc.share[OB_IX_F_AGGREGATION] < 1.15))
		fail_msg("aggregation share %g", mc.share[OB_IX_F_AGGREGATION]);
	assert_true(mc.share[OB_IX_F_WEIGHTS] == 0 && mc.share[OB_IX_F_NORMALISATION] == 0);
	check_coherent(&s, &mc);
	ob_index_mc_release(&mc);
	teardown(&s);

	setup(&s, NULL, w_only);
	run(&s, 4000, 5, 2, &mc);
	if (!(mc.share[OB_IX_F_WEIGHTS] > 0.85 && mc.share[OB_IX_F_WEIGHTS] < 1.15))
		fail_msg("weights share %g", mc.share[OB_IX_F_WEIGHTS]);
	ob_index_mc_release(&mc);
	teardown(&s);
}

/* Two factors with very different effects: the weights barely move the
 * ranks of this index, the normalisation (rank vs min-max) does more. */
static void shares_of_two_factors(void **state)
{
	struct setup s;
	struct ob_index_mc mc;
	(void)state;

	setup(&s, "reference_inform.ini", NULL);
	run(&s, 2000, 9, 2, &mc);
	check_coherent(&s, &mc);
	for (int f = 0; f < OB_IX_N_FACTORS; f++) {
		assert_true(mc.varied[f]);
		assert_true(mc.share[f] > -0.1 && mc.share[f] < 1.1);
	}
	assert_true(mc.share[0] + mc.share[1] + mc.share[2] < 1.2);
	ob_index_mc_release(&mc);
	teardown(&s);
}

static void bad_runs(void **state)
{
	struct setup s;
	struct ob_index_mc mc;
	struct ob_index_mc_options o = { 0, 1, 1 };
	struct ob_diag d;
	(void)state;

	setup(&s, "reference_arith.ini", NULL);
	assert_int_equal(ob_index_uncertainty(&s.def, &s.in, &s.r, &o, &mc, &d), OB_EINVAL);
	ob_index_mc_release(&mc);
	o.runs = OB_MAX_INDEX_RUNS + 1;
	assert_int_equal(ob_index_uncertainty(&s.def, &s.in, &s.r, &o, &mc, &d), OB_EINVAL);
	ob_index_mc_release(&mc);
	teardown(&s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(reproducible),
		cmocka_unit_test(fixed_assumptions),
		cmocka_unit_test(single_factor),
		cmocka_unit_test(shares_of_two_factors),
		cmocka_unit_test(bad_runs),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
