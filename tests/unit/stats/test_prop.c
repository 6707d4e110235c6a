/* test_prop.c - exact binomial intervals of shares against R's binom.test. */
#include "test.h"

#include <math.h>

#include "refcsv.h"
#include "stats/dist.h"
#include "stats/prop.h"

#define REL 1e-9

/* Every row of binomial_exact_ci.csv (R 4.2.2 binom.test). */
static void limits_against_r(void **state)
{
	struct refcsv t;
	(void)state;
	refcsv_load(&t, "reference/proportions/binomial_exact_ci.csv");
	assert_true(t.nrows >= 190);
	for (size_t r = 0; r < t.nrows; r++) {
		struct ob_prop p;
		double x = refcsv_num(&t, r, "x"), n = refcsv_num(&t, r, "n");

		assert_int_equal(ob_prop_exact(x, n, 1, refcsv_num(&t, r, "conf_level"), 20, &p),
		                 OB_OK);
		REF_CHECK(&t, r, "proportion", p.value, REL, 0);
		REF_CHECK(&t, r, "lower", p.lower, REL, 1e-300);
		REF_CHECK(&t, r, "upper", p.upper, REL, 0);
		assert_int_equal(!!(p.flags & OB_PROP_UNRELIABLE), n < 20);
		assert_false(p.flags & OB_PROP_NO_TOTAL);
	}
	refcsv_free(&t);
}

/* The same limits as inverting the incomplete beta, over a dense grid. */
static void limits_agree_with_qbeta(void **state)
{
	static const double ns[] = { 1, 2, 3, 7, 30, 99, 250, 1001, 5000 };
	static const double levels[] = { 0.8, 0.95, 0.999 };
	(void)state;
	for (size_t i = 0; i < OB_ARRAY_SIZE(ns); i++) {
		double n = ns[i], step = n > 60 ? floor(n / 37) : 1;
		for (size_t l = 0; l < OB_ARRAY_SIZE(levels); l++) {
			double a = (1 - levels[l]) / 2;
			for (double x = 0; x <= n; x += step) {
				double lo, hi, rlo = x == 0 ? 0 : ob_qbeta(a, x, n - x + 1);
				double rhi = x == n ? 1 : ob_qbeta_upper(a, x + 1, n - x);

				ob_prop_limits(x, n, levels[l], &lo, &hi);
				if (fabs(lo - rlo) > 1e-12 * rlo + 1e-300 || fabs(hi - rhi) > 1e-12 * rhi) {
					fail_msg("x=%g n=%g level=%g: [%.17g, %.17g] vs qbeta [%.17g, %.17g]",
					         x, n, levels[l], lo, hi, rlo, rhi);
				}
				assert_true(lo <= x / n && x / n <= hi);
			}
		}
	}
}

static void closed_forms_and_scaling(void **state)
{
	struct ob_prop p;
	(void)state;
	/* x = 0: upper = 1 - (a/2)^(1/n); x = n: lower = (a/2)^(1/n) */
	assert_int_equal(ob_prop_exact(0, 40, 100, 0.95, 20, &p), OB_OK);
	assert_true(p.value == 0 && p.lower == 0);
	assert_true(fabs(p.upper - 100 * (1 - pow(0.025, 1.0 / 40))) < 1e-12);
	assert_int_equal(ob_prop_exact(40, 40, 100, 0.95, 20, &p), OB_OK);
	assert_true(p.value == 100 && p.upper == 100);
	assert_true(fabs(p.lower - 100 * pow(0.025, 1.0 / 40)) < 1e-12);
	assert_false(p.flags);
	/* per scales everything */
	{
		struct ob_prop q;
		assert_int_equal(ob_prop_exact(7, 31, 1, 0.9, 0, &q), OB_OK);
		assert_int_equal(ob_prop_exact(7, 31, 100, 0.9, 0, &p), OB_OK);
		assert_true(fabs(p.lower - 100 * q.lower) < 1e-13 && fabs(p.upper - 100 * q.upper) < 1e-13);
	}
}

static void undefined_and_invalid(void **state)
{
	struct ob_prop p;
	(void)state;
	assert_int_equal(ob_prop_exact(0, 0, 100, 0.95, 20, &p), OB_OK);
	assert_true(p.flags & OB_PROP_NO_TOTAL);
	assert_true(p.flags & OB_PROP_UNRELIABLE);
	assert_true(p.value == 0 && p.lower == 0 && p.upper == 0);
	assert_int_equal(ob_prop_exact(19, 19, 100, 0.95, 19, &p), OB_OK);
	assert_false(p.flags & OB_PROP_UNRELIABLE);
	assert_int_equal(ob_prop_exact(3, 2, 100, 0.95, 20, &p), OB_EINVAL);
	assert_int_equal(ob_prop_exact(1.5, 2, 100, 0.95, 20, &p), OB_EINVAL);
	assert_int_equal(ob_prop_exact(-1, 2, 100, 0.95, 20, &p), OB_EINVAL);
	assert_int_equal(ob_prop_exact(1, NAN, 100, 0.95, 20, &p), OB_EINVAL);
	assert_int_equal(ob_prop_exact(1, 2, 0, 0.95, 20, &p), OB_EINVAL);
	assert_int_equal(ob_prop_exact(1, 2, 100, 1, 20, &p), OB_EINVAL);
	assert_int_equal(ob_prop_exact(1, 2, 100, 0.95, -1, &p), OB_EINVAL);
	assert_true(p.value == 0 && p.flags == 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(limits_against_r),
		cmocka_unit_test(limits_agree_with_qbeta),
		cmocka_unit_test(closed_forms_and_scaling),
		cmocka_unit_test(undefined_and_invalid),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
