/* test_rate.c - exact Poisson rates and two-period comparisons against R. */
#include "test.h"

#include <math.h>

#include "refcsv.h"
#include "stats/rate.h"

#define REL 1e-9

/* Every row of poisson_exact_ci.csv: 14 cases x 3 confidence levels. */
static void exact_rates_against_r(void **state)
{
	struct refcsv t;
	(void)state;
	refcsv_load(&t, "reference/rates/poisson_exact_ci.csv");
	assert_int_equal(t.nrows, 42);
	for (size_t r = 0; r < t.nrows; r++) {
		struct ob_rate rt;
		double x = refcsv_num(&t, r, "count"), pop = refcsv_num(&t, r, "population");
		assert_int_equal(ob_rate_exact(x, pop, OB_RATE_PER_100K,
		                               refcsv_num(&t, r, "conf_level"), &rt),
		                 OB_OK);
		REF_CHECK(&t, r, "rate_per_100k", rt.rate, REL, 0);
		REF_CHECK(&t, r, "count_lower_exact", rt.count_lower, REL, 0);
		REF_CHECK(&t, r, "count_upper_exact", rt.count_upper, REL, 0);
		REF_CHECK(&t, r, "rate_lower_exact_per_100k", rt.lower, REL, 0);
		REF_CHECK(&t, r, "rate_upper_exact_per_100k", rt.upper, REL, 0);
		assert_int_equal(!!(rt.flags & OB_RATE_UNRELIABLE), x < 20);
		assert_false(rt.flags & OB_RATE_NO_POPULATION);
	}
	refcsv_free(&t);
}

static void unreliable_threshold(void **state)
{
	struct ob_rate rt;
	(void)state;
	assert_int_equal(ob_rate_exact(19, 1000, 1e5, 0.95, &rt), OB_OK);
	assert_true(rt.flags & OB_RATE_UNRELIABLE);
	assert_int_equal(ob_rate_exact(20, 1000, 1e5, 0.95, &rt), OB_OK);
	assert_false(rt.flags & OB_RATE_UNRELIABLE);
	assert_int_equal(ob_rate_exact_ex(19, 1000, 1e5, 0.95, 10, &rt), OB_OK);
	assert_false(rt.flags & OB_RATE_UNRELIABLE);
	assert_int_equal(ob_rate_exact_ex(9, 1000, 1e5, 0.95, 10, &rt), OB_OK);
	assert_true(rt.flags & OB_RATE_UNRELIABLE);
	assert_int_equal(ob_rate_exact_ex(0, 1000, 1e5, 0.95, 0, &rt), OB_OK);
	assert_false(rt.flags & OB_RATE_UNRELIABLE);
}

static void zero_population(void **state)
{
	struct ob_rate rt, ref;
	(void)state;
	assert_int_equal(ob_rate_exact(3, 0, 1e5, 0.95, &rt), OB_OK);
	assert_true(rt.flags & OB_RATE_NO_POPULATION);
	assert_true(rt.flags & OB_RATE_IMPLAUSIBLE);
	assert_true(rt.flags & OB_RATE_UNRELIABLE);
	assert_true(rt.rate == 0 && rt.lower == 0 && rt.upper == 0);
	/* the interval of the count does not depend on the population */
	assert_int_equal(ob_rate_exact(3, 1000, 1e5, 0.95, &ref), OB_OK);
	assert_true(rt.count_lower == ref.count_lower);
	assert_true(rt.count_upper == ref.count_upper);
	assert_int_equal(ob_rate_exact(0, 0, 1e5, 0.95, &rt), OB_OK);
	assert_true(isfinite(rt.rate) && isfinite(rt.lower) && isfinite(rt.upper));
	/* no population is never reliable, whatever the count rule */
	assert_int_equal(ob_rate_exact_ex(25, 0, 1e5, 0.95, 0, &rt), OB_OK);
	assert_true(rt.flags & OB_RATE_UNRELIABLE);
}

/* ob_rate_check: the one rule that keeps an impossible rate from being
 * called reliable, whatever its count. */
static void plausibility(void **state)
{
	static const struct {
		double count, pop, floor;
		unsigned flags;
	} cases[] = {
		/* the case that prompted it: 5,000,000 per 100,000 */
		{ 25, 0.5, OB_RATE_POPULATION_FLOOR, OB_RATE_IMPLAUSIBLE | OB_RATE_SMALL_POPULATION },
		{ 25, 0.5, 0, OB_RATE_IMPLAUSIBLE },
		{ 0.4, 0.5, 0, 0 },
		{ 0.4, 0.5, 1, OB_RATE_SMALL_POPULATION },
		{ 25, 999, 1000, OB_RATE_SMALL_POPULATION },
		{ 25, 999.5, 1000, OB_RATE_SMALL_POPULATION },
		{ 25, 1000, 1000, 0 },
		{ 1000, 1000, 1000, 0 },
		{ 1000.5, 1000, 1000, OB_RATE_IMPLAUSIBLE },
		{ 1001, 1000, 1000, OB_RATE_IMPLAUSIBLE },
		{ 3, 0, 1000, OB_RATE_NO_POPULATION | OB_RATE_IMPLAUSIBLE },
		{ 0, 0, 1000, OB_RATE_NO_POPULATION },
		{ 0, 0, 0, OB_RATE_NO_POPULATION },
		{ 100, 50000, 1000, 0 },
		{ 0, 1e9, 1e12, OB_RATE_SMALL_POPULATION },
	};
	(void)state;
	for (size_t i = 0; i < OB_ARRAY_SIZE(cases); i++) {
		struct ob_rate rt;
		unsigned f = ob_rate_check(cases[i].count, cases[i].pop, cases[i].floor);
		if (f != cases[i].flags)
			fail_msg("ob_rate_check(%g, %g, %g) = %u, expected %u", cases[i].count,
			         cases[i].pop, cases[i].floor, f, cases[i].flags);
		/* with no count threshold at all, a flagged rate is still unreliable */
		assert_int_equal(ob_rate_exact_floor(cases[i].count, cases[i].pop, 1e5, 0.95, 0,
		                                     cases[i].floor, &rt),
		                 OB_OK);
		assert_int_equal(rt.flags & OB_RATE_CHECK_FLAGS, cases[i].flags);
		assert_int_equal(!!(rt.flags & OB_RATE_UNRELIABLE), cases[i].flags != 0);
	}
}

static void plausibility_in_rates(void **state)
{
	struct ob_rate rt;
	(void)state;
	/* 25 events would be reliable by count; not in half a person */
	assert_int_equal(ob_rate_exact(25, 0.5, 1e5, 0.95, &rt), OB_OK);
	assert_true(rt.rate == 5e6);
	assert_int_equal(rt.flags, OB_RATE_UNRELIABLE | OB_RATE_IMPLAUSIBLE |
	                           OB_RATE_SMALL_POPULATION);
	assert_int_equal(ob_rate_exact_ex(25, 0.5, 1e5, 0.95, 20, &rt), OB_OK);
	assert_true(rt.flags & OB_RATE_UNRELIABLE);
	/* 25 in 900 people: under the default floor, not with the floor off */
	assert_int_equal(ob_rate_exact(25, 900, 1e5, 0.95, &rt), OB_OK);
	assert_int_equal(rt.flags, OB_RATE_UNRELIABLE | OB_RATE_SMALL_POPULATION);
	assert_int_equal(ob_rate_exact_floor(25, 900, 1e5, 0.95, 20, 0, &rt), OB_OK);
	assert_int_equal(rt.flags, 0);
	assert_int_equal(ob_rate_exact_floor(25, 900, 1e5, 0.95, 20, 500, &rt), OB_OK);
	assert_int_equal(rt.flags, 0);
	/* the rate itself is still given */
	assert_int_equal(ob_rate_exact_floor(30, 20, 1e5, 0.95, 20, 0, &rt), OB_OK);
	assert_int_equal(rt.flags, OB_RATE_UNRELIABLE | OB_RATE_IMPLAUSIBLE);
	assert_true(rt.rate == 150000 && rt.lower > 0 && rt.upper > rt.rate);
	/* a floor must be a number >= 0 */
	assert_int_equal(ob_rate_exact_floor(3, 1000, 1e5, 0.95, 20, -1, &rt), OB_EINVAL);
	assert_int_equal(ob_rate_exact_floor(3, 1000, 1e5, 0.95, 20, NAN, &rt), OB_EINVAL);
}

static void fractional_counts(void **state)
{
	struct ob_rate lo, mid, hi;
	(void)state;
	/* the gamma form is continuous in the count */
	assert_int_equal(ob_rate_exact(4, 1000, 1e5, 0.95, &lo), OB_OK);
	assert_int_equal(ob_rate_exact(4.5, 1000, 1e5, 0.95, &mid), OB_OK);
	assert_int_equal(ob_rate_exact(5, 1000, 1e5, 0.95, &hi), OB_OK);
	assert_true(lo.lower < mid.lower && mid.lower < hi.lower);
	assert_true(lo.upper < mid.upper && mid.upper < hi.upper);
	assert_true(mid.rate == 450);
}

static void invalid_rate_input(void **state)
{
	static const double bad[][4] = {
		{ -1, 1000, 1e5, 0.95 }, { 3, -1, 1e5, 0.95 }, { 3, 1000, 0, 0.95 },
		{ 3, 1000, 1e5, 0 },     { 3, 1000, 1e5, 1 },  { NAN, 1000, 1e5, 0.95 },
		{ 3, INFINITY, 1e5, 0.95 }, { 3, 1000, 1e5, NAN },
	};
	(void)state;
	for (size_t i = 0; i < OB_ARRAY_SIZE(bad); i++) {
		struct ob_rate rt;
		memset(&rt, 0x5a, sizeof(rt));
		assert_int_equal(ob_rate_exact(bad[i][0], bad[i][1], bad[i][2], bad[i][3], &rt),
		                 OB_EINVAL);
		assert_true(rt.rate == 0 && rt.lower == 0 && rt.upper == 0 && rt.flags == 0);
	}
	{
		struct ob_rate rt;
		assert_int_equal(ob_rate_exact_ex(3, 1000, 1e5, 0.95, -1, &rt), OB_EINVAL);
	}
}

/* The verdict R's interval implies: a change only where it excludes 1. */
static enum ob_change verdict_of(double lower, double upper)
{
	if (lower > 1)
		return OB_CHANGE_INCREASE;
	if (upper < 1)
		return OB_CHANGE_DECREASE;
	return OB_CHANGE_NONE;
}

/* Every row of rate_comparison.csv, inputs from two_periods.csv. */
static void comparison_against_r(void **state)
{
	struct refcsv in, t;
	(void)state;
	refcsv_load(&in, "reference/rates/two_periods.csv");
	refcsv_load(&t, "reference/rates/rate_comparison.csv");
	assert_int_equal(t.nrows, 6);
	assert_int_equal(in.nrows, t.nrows);
	for (size_t r = 0; r < t.nrows; r++) {
		struct ob_rate_cmp c;
		double x0 = refcsv_num(&in, r, "count_t0"), x1 = refcsv_num(&in, r, "count_t1");
		double upper_ref = refcsv_num(&t, r, "rr_upper_exact");

		assert_string_equal(refcsv_str(&in, r, "case_id"), refcsv_str(&t, r, "case_id"));
		assert_int_equal(ob_rate_compare(x0, refcsv_num(&in, r, "pop_t0"), x1,
		                                 refcsv_num(&in, r, "pop_t1"), OB_RATE_PER_100K,
		                                 0.95, &c),
		                 OB_OK);
		REF_CHECK(&t, r, "rate_t0_per_100k", c.rate0, REL, 0);
		REF_CHECK(&t, r, "rate_t1_per_100k", c.rate1, REL, 0);
		if (refcsv_is_na(&t, r, "rate_ratio")) {
			/* undefined in R: flagged here, and never NaN */
			assert_true(refcsv_is_na(&t, r, "pct_change"));
			assert_true(c.flags & OB_CMP_NO_BASELINE);
			assert_true(c.ratio == 0 && c.pct_change == 0);
		} else {
			assert_false(c.flags & OB_CMP_NO_BASELINE);
			REF_CHECK(&t, r, "rate_ratio", c.ratio, REL, 0);
			REF_CHECK(&t, r, "pct_change", c.pct_change, REL, 0);
		}
		REF_CHECK(&t, r, "rr_lower_exact", c.lower, REL, 0);
		REF_CHECK(&t, r, "rr_upper_exact", c.upper, REL, 0);
		assert_int_equal(!!(c.flags & OB_CMP_UPPER_UNBOUNDED), isinf(upper_ref));
		REF_CHECK(&t, r, "p_value_exact_two_sided", c.p_value, REL, 0);
		assert_int_equal(c.verdict,
		                 verdict_of(refcsv_num(&t, r, "rr_lower_exact"), upper_ref));
		assert_false(c.flags & (OB_CMP_NO_EVENTS | OB_CMP_NO_POPULATION));
		assert_false(isnan(c.ratio) || isnan(c.pct_change) || isnan(c.lower) ||
		             isnan(c.upper) || isnan(c.p_value));
	}
	refcsv_free(&t);
	refcsv_free(&in);
}

static void comparison_verdicts(void **state)
{
	struct ob_rate_cmp c;
	(void)state;
	/* a clear rise and a clear fall */
	assert_int_equal(ob_rate_compare(100, 1e6, 200, 1e6, 1e5, 0.95, &c), OB_OK);
	assert_int_equal(c.verdict, OB_CHANGE_INCREASE);
	assert_true(c.lower > 1 && c.p_value < 0.05);
	assert_int_equal(ob_rate_compare(200, 1e6, 100, 1e6, 1e5, 0.95, &c), OB_OK);
	assert_int_equal(c.verdict, OB_CHANGE_DECREASE);
	assert_true(c.upper < 1 && c.p_value < 0.05);
	assert_string_equal(ob_change_name(c.verdict), "disminución");
	/* swapping the periods inverts the ratio and its interval */
	{
		struct ob_rate_cmp d;
		assert_int_equal(ob_rate_compare(100, 1e6, 200, 1e6, 1e5, 0.95, &d), OB_OK);
		assert_true(refcsv_close(d.lower, 1 / c.upper, 1e-12, 0));
		assert_true(refcsv_close(d.upper, 1 / c.lower, 1e-12, 0));
		assert_true(refcsv_close(d.p_value, c.p_value, 1e-12, 0));
	}
	/* no events at all, and a missing population: undefined, no NaN */
	assert_int_equal(ob_rate_compare(0, 5000, 0, 5000, 1e5, 0.95, &c), OB_OK);
	assert_int_equal(c.verdict, OB_CHANGE_UNDEFINED);
	assert_true(c.flags & OB_CMP_NO_EVENTS);
	assert_true(c.lower == 0 && c.upper == 0 && c.ratio == 0 && c.p_value == 1);
	assert_int_equal(ob_rate_compare(3, 0, 4, 5000, 1e5, 0.95, &c), OB_OK);
	assert_int_equal(c.verdict, OB_CHANGE_UNDEFINED);
	assert_true(c.flags & OB_CMP_NO_POPULATION);
	assert_true(c.rate0 == 0 && c.rate1 == 0 && c.upper == 0);
	assert_string_equal(ob_change_name(c.verdict), "indefinido");
	/* invalid input */
	assert_int_equal(ob_rate_compare(2.5, 1000, 3, 1000, 1e5, 0.95, &c), OB_EINVAL);
	assert_int_equal(ob_rate_compare(-1, 1000, 3, 1000, 1e5, 0.95, &c), OB_EINVAL);
	assert_int_equal(ob_rate_compare(1, 1000, 3, NAN, 1e5, 0.95, &c), OB_EINVAL);
	assert_int_equal(ob_rate_compare(1, 1000, 3, 1000, 1e5, 1.5, &c), OB_EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(exact_rates_against_r),
		cmocka_unit_test(unreliable_threshold),
		cmocka_unit_test(zero_population),
		cmocka_unit_test(plausibility),
		cmocka_unit_test(plausibility_in_rates),
		cmocka_unit_test(fractional_counts),
		cmocka_unit_test(invalid_rate_input),
		cmocka_unit_test(comparison_against_r),
		cmocka_unit_test(comparison_verdicts),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
