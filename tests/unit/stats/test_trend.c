/* test_trend.c - Poisson log-linear trend (APC) against R's glm. */
#include "test.h"

#include <math.h>

#include "refcsv.h"
#include "stats/dist.h"
#include "stats/trend.h"

/* glm is an iterative fit: the reference set's tolerance for it. */
#define REL_FIT 1e-6

#define MAX_YEARS 16

struct series {
	char id[16];
	size_t n;
	double year[MAX_YEARS], t[MAX_YEARS], count[MAX_YEARS], pop[MAX_YEARS];
	size_t row[MAX_YEARS]; /* row in trend_series.csv */
};

/* Split trend_series.csv into its series, in file order. */
static size_t load_series(const struct refcsv *in, struct series *s, size_t max)
{
	size_t ns = 0;

	for (size_t r = 0; r < in->nrows; r++) {
		const char *id = refcsv_str(in, r, "series_id");
		struct series *cur = ns ? &s[ns - 1] : NULL;
		if (!cur || strcmp(cur->id, id) != 0) {
			assert_true(ns < max);
			cur = &s[ns++];
			memset(cur, 0, sizeof(*cur));
			ob_strlcpy(cur->id, id, sizeof(cur->id));
		}
		assert_true(cur->n < MAX_YEARS);
		cur->year[cur->n] = refcsv_num(in, r, "year");
		cur->count[cur->n] = refcsv_num(in, r, "count");
		cur->pop[cur->n] = refcsv_num(in, r, "population");
		cur->row[cur->n] = r;
		cur->n++;
	}
	for (size_t k = 0; k < ns; k++)
		for (size_t i = 0; i < s[k].n; i++)
			s[k].t[i] = s[k].year[i] - s[k].year[0];
	return ns;
}

static void trend_against_r(void **state)
{
	struct refcsv in, t, f;
	struct series s[4];
	size_t ns, fitted_rows = 0;
	(void)state;

	refcsv_load(&in, "reference/rates/trend_series.csv");
	refcsv_load(&t, "reference/rates/loglinear_trend.csv");
	refcsv_load(&f, "reference/rates/loglinear_trend_fitted.csv");
	ns = load_series(&in, s, OB_ARRAY_SIZE(s));
	assert_int_equal(ns, 2);
	assert_int_equal(t.nrows, ns);
	assert_int_equal(f.nrows, in.nrows);
	for (size_t r = 0; r < t.nrows; r++) {
		struct ob_trend tr;
		double fitted[MAX_YEARS];
		const struct series *se = &s[r];
		double b1, se_b1, phi, q_se, tq_r, zq_r, wide;

		assert_string_equal(refcsv_str(&t, r, "series_id"), se->id);
		REF_CHECK_INT(&t, r, "n_years", (long)se->n);
		REF_CHECK_INT(&t, r, "first_year", (long)se->year[0]);
		assert_int_equal(ob_trend_poisson(se->t, se->count, se->pop, se->n, 0.95, &tr,
		                                  fitted),
		                 OB_OK);
		REF_CHECK(&t, r, "b0", tr.b0, REL_FIT, 0);
		REF_CHECK(&t, r, "se_b0", tr.se_b0, REL_FIT, 0);
		REF_CHECK(&t, r, "b1", tr.b1, REL_FIT, 0);
		REF_CHECK(&t, r, "se_b1", tr.se_b1, REL_FIT, 0);
		REF_CHECK(&t, r, "z_b1", tr.z_b1, REL_FIT, 0);
		REF_CHECK(&t, r, "p_b1", tr.p_b1, REL_FIT, 0);
		REF_CHECK(&t, r, "apc", tr.apc, REL_FIT, 0);
		REF_CHECK(&t, r, "apc_lower", tr.apc_lower, REL_FIT, 0);
		REF_CHECK(&t, r, "apc_upper", tr.apc_upper, REL_FIT, 0);
		REF_CHECK(&t, r, "deviance", tr.deviance, REL_FIT, 0);
		REF_CHECK(&t, r, "pearson_chi2", tr.pearson_chi2, REL_FIT, 0);
		REF_CHECK(&t, r, "df_resid", tr.df, 0, 0);
		REF_CHECK(&t, r, "quasi_dispersion", tr.phi, REL_FIT, 0);
		REF_CHECK(&t, r, "quasi_se_b1", tr.quasi_se_b1, REL_FIT, 0);
		REF_CHECK(&t, r, "quasi_apc_lower", tr.quasi_lower, REL_FIT, 0);
		REF_CHECK(&t, r, "quasi_apc_upper", tr.quasi_upper, REL_FIT, 0);

		/*
		 * The default interval, recomputed from R's numbers: R's
		 * qt(0.975, df) and qnorm(0.975) are recovered from its
		 * intervals, then the interval is rebuilt with max(1, phi).
		 */
		b1 = refcsv_num(&t, r, "b1");
		se_b1 = refcsv_num(&t, r, "se_b1");
		phi = refcsv_num(&t, r, "quasi_dispersion");
		q_se = refcsv_num(&t, r, "quasi_se_b1");
		tq_r = (log1p(refcsv_num(&t, r, "quasi_apc_upper") / 100) - b1) / q_se;
		assert_true(refcsv_close((b1 - log1p(refcsv_num(&t, r, "quasi_apc_lower") / 100)) /
		                                 q_se,
		                         tq_r, 1e-9, 0));
		zq_r = (log1p(refcsv_num(&t, r, "apc_upper") / 100) - b1) / se_b1;
		assert_true(refcsv_close(ob_qt(0.975, tr.df), tq_r, 1e-9, 0));
		assert_true(refcsv_close(ob_qnorm(0.975), zq_r, 1e-9, 0));
		wide = tq_r * se_b1 * sqrt(phi > 1 ? phi : 1);
		assert_true(refcsv_close(tr.lower, 100 * expm1(b1 - wide), REL_FIT, 0));
		assert_true(refcsv_close(tr.upper, 100 * expm1(b1 + wide), REL_FIT, 0));
		assert_true(refcsv_close(tr.phi_used, phi > 1 ? phi : 1, REL_FIT, 0));
		assert_int_equal(!!(tr.flags & OB_TREND_UNDERDISPERSED), phi < 1);
		if (phi >= 1) {
			assert_true(tr.lower == tr.quasi_lower && tr.upper == tr.quasi_upper);
		} else {
			/* wider than both the quasi and the Wald interval */
			assert_true(tr.lower < tr.quasi_lower && tr.upper > tr.quasi_upper);
			assert_true(tr.lower < tr.apc_lower && tr.upper > tr.apc_upper);
		}

		/* fitted counts and rates, every year */
		for (size_t i = 0; i < se->n; i++) {
			size_t fr = se->row[i];
			assert_string_equal(refcsv_str(&f, fr, "series_id"), se->id);
			REF_CHECK_INT(&f, fr, "year", (long)se->year[i]);
			REF_CHECK(&f, fr, "fitted_count", fitted[i], REL_FIT, 0);
			REF_CHECK(&f, fr, "fitted_rate_per_100k", 1e5 * fitted[i] / se->pop[i],
			          REL_FIT, 0);
			fitted_rows++;
		}
	}
	assert_int_equal(fitted_rows, f.nrows);
	refcsv_free(&f);
	refcsv_free(&t);
	refcsv_free(&in);
}

/* Calendar years instead of year - first year: same slope, shifted intercept. */
static void calendar_years(void **state)
{
	static const double year[] = { 2015, 2016, 2017, 2018, 2019, 2020, 2021, 2022 };
	static const double count[] = { 120, 131, 127, 150, 162, 149, 171, 180 };
	static const double pop[] = { 500000, 505000, 510000, 515500,
		                      521000, 526000, 531000, 536500 };
	double t[8];
	struct ob_trend a, b;
	(void)state;
	for (size_t i = 0; i < 8; i++)
		t[i] = year[i] - 2015;
	assert_int_equal(ob_trend_poisson(t, count, pop, 8, 0.95, &a, NULL), OB_OK);
	assert_int_equal(ob_trend_poisson(year, count, pop, 8, 0.95, &b, NULL), OB_OK);
	assert_true(refcsv_close(a.b1, b.b1, 1e-10, 0));
	assert_true(refcsv_close(a.se_b1, b.se_b1, 1e-10, 0));
	assert_true(refcsv_close(a.b0, b.b0 + 2015 * b.b1, 1e-9, 0));
	assert_true(refcsv_close(a.deviance, b.deviance, 1e-9, 0));
	assert_true(refcsv_close(a.lower, b.lower, 1e-9, 0));
	assert_true(refcsv_close(a.upper, b.upper, 1e-9, 0));
	assert_true(a.iterations < 30);
}

/* With over-dispersion the default interval is the quasi-Poisson one. */
static void overdispersed(void **state)
{
	static const double t[] = { 0, 1, 2, 3, 4, 5, 6, 7 };
	static const double count[] = { 100, 170, 90, 190, 95, 230, 120, 240 };
	static const double pop[] = { 1e6, 1e6, 1e6, 1e6, 1e6, 1e6, 1e6, 1e6 };
	struct ob_trend tr;
	double tq, chi2 = 0, fitted[8];
	(void)state;
	assert_int_equal(ob_trend_poisson(t, count, pop, 8, 0.90, &tr, fitted), OB_OK);
	assert_true(tr.phi > 1);
	assert_false(tr.flags & OB_TREND_UNDERDISPERSED);
	assert_true(tr.phi_used == tr.phi);
	assert_true(tr.lower == tr.quasi_lower && tr.upper == tr.quasi_upper);
	assert_true(tr.lower < tr.apc_lower && tr.upper > tr.apc_upper);
	/* the pieces agree with their definitions */
	for (size_t i = 0; i < 8; i++)
		chi2 += (count[i] - fitted[i]) * (count[i] - fitted[i]) / fitted[i];
	assert_true(refcsv_close(tr.pearson_chi2, chi2, 1e-12, 0));
	assert_true(refcsv_close(tr.phi, chi2 / 6, 1e-12, 0));
	tq = ob_qt(0.95, 6);
	assert_true(refcsv_close(tr.upper, 100 * expm1(tr.b1 + tq * tr.se_b1 * sqrt(tr.phi)),
	                         1e-12, 0));
	assert_true(refcsv_close(tr.apc_lower,
	                         100 * expm1(tr.b1 - ob_qnorm(0.95) * tr.se_b1), 1e-12, 0));
	/* the score equations hold at the fit: sum(y - mu) = sum t (y - mu) = 0 */
	{
		double s0 = 0, s1 = 0;
		for (size_t i = 0; i < 8; i++) {
			s0 += count[i] - fitted[i];
			s1 += t[i] * (count[i] - fitted[i]);
		}
		assert_true(fabs(s0) < 1e-9 && fabs(s1) < 1e-9);
	}
}

static void refused_input(void **state)
{
	double t[] = { 0, 1, 2, 3 }, c[] = { 3, 4, 5, 6 }, p[] = { 1e4, 1e4, 1e4, 1e4 };
	double flat[] = { 2, 2, 2, 2 }, zero[] = { 0, 0, 0, 0 }, last[] = { 0, 0, 0, 5 };
	double first[] = { 7, 0, 0, 0 }, mid[] = { 0, 4, 0, 0 };
	double neg[] = { 3, -1, 5, 6 }, nopop[] = { 1e4, 0, 1e4, 1e4 };
	double nan[] = { 3, NAN, 5, 6 };
	struct ob_trend tr;
	(void)state;
	assert_int_equal(ob_trend_poisson(t, c, p, 2, 0.95, &tr, NULL), OB_EINVAL);
	assert_int_equal(ob_trend_poisson(flat, c, p, 4, 0.95, &tr, NULL), OB_EINVAL);
	assert_int_equal(ob_trend_poisson(t, neg, p, 4, 0.95, &tr, NULL), OB_EINVAL);
	assert_int_equal(ob_trend_poisson(t, c, nopop, 4, 0.95, &tr, NULL), OB_EINVAL);
	assert_int_equal(ob_trend_poisson(t, nan, p, 4, 0.95, &tr, NULL), OB_EINVAL);
	assert_int_equal(ob_trend_poisson(t, c, p, 4, 1, &tr, NULL), OB_EINVAL);
	assert_int_equal(ob_trend_poisson(NULL, c, p, 4, 0.95, &tr, NULL), OB_EINVAL);
	/* no finite maximum-likelihood estimate */
	assert_int_equal(ob_trend_poisson(t, zero, p, 4, 0.95, &tr, NULL), OB_ENOFIT);
	assert_int_equal(ob_trend_poisson(t, last, p, 4, 0.95, &tr, NULL), OB_ENOFIT);
	assert_int_equal(ob_trend_poisson(t, first, p, 4, 0.95, &tr, NULL), OB_ENOFIT);
	assert_true(tr.b1 == 0 && tr.lower == 0 && tr.upper == 0);
	/* events at an inner time point only: finite, no trend */
	assert_int_equal(ob_trend_poisson(t, mid, p, 4, 0.95, &tr, NULL), OB_OK);
	assert_true(isfinite(tr.b1) && isfinite(tr.lower) && isfinite(tr.upper));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(trend_against_r),
		cmocka_unit_test(calendar_years),
		cmocka_unit_test(overdispersed),
		cmocka_unit_test(refused_input),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
