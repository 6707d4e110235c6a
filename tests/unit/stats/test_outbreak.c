/* test_outbreak.c - Farrington (flexible), EARS C1-C3 and the Poisson CUSUM
 * against R's surveillance package (tests/data/reference/outbreak,
 * make_outbreak.R and make_cusum.R). */
#include "test.h"

#include <math.h>

#include "refcsv.h"
#include "stats/outbreak.h"

/* the model is an iterative fit: the reference set's tolerance for it */
#define REL_FIT 1e-6
/* A baseline whose counts are all zero in a block drives that block's
 * coefficient towards minus infinity: the fit stops (in R and here) at a
 * prediction of about 1e-11 whose exact value is an artefact of where the
 * iterations stop, not a statistic. Such values agree within this absolute
 * tolerance, which is far below a count. */
#define ABS_FIT 1e-9
#define N 144

struct series {
	char id[32];
	double y[N];
};

static size_t load_series(struct series *s, size_t max)
{
	struct refcsv in;
	size_t ns = 0;

	refcsv_load(&in, "reference/outbreak/series.csv");
	for (size_t r = 0; r < in.nrows; r++) {
		const char *id = refcsv_str(&in, r, "series");
		long t = refcsv_int(&in, r, "t");
		if (!ns || strcmp(s[ns - 1].id, id)) {
			assert_true(ns < max);
			ob_strlcpy(s[ns++].id, id, sizeof(s[0].id));
		}
		assert_true(t >= 1 && t <= N);
		s[ns - 1].y[t - 1] = refcsv_is_na(&in, r, "y") ? NAN : refcsv_num(&in, r, "y");
	}
	refcsv_free(&in);
	return ns;
}

static const struct series *find(const struct series *s, size_t ns, const char *id)
{
	for (size_t i = 0; i < ns; i++)
		if (!strcmp(s[i].id, id))
			return &s[i];
	fail_msg("series %s not in series.csv", id);
	return NULL;
}

static void farrington_against_r(void **state)
{
	struct series s[8];
	struct refcsv f;
	size_t ns = load_series(s, OB_ARRAY_SIZE(s)), alarms = 0, trends = 0, checked = 0;
	(void)state;

	refcsv_load(&f, "reference/outbreak/farrington.csv");
	assert_true(f.nrows > 900);
	for (size_t r = 0; r < f.nrows; r++) {
		const struct series *x = find(s, ns, refcsv_str(&f, r, "series"));
		struct ob_farrington_options o;
		struct ob_farrington_result res;
		long t = refcsv_int(&f, r, "t");

		ob_farrington_defaults(&o);
		if (!strcmp(refcsv_str(&f, r, "variant"), "improved")) {
			o.no_periods = 10;
			o.past_excluded = 3;
		}
		assert_int_equal(ob_farrington(x->y, N, (size_t)t - 1, &o, &res), OB_OK);
		assert_true(res.computed);
		if (refcsv_int(&f, r, "alarm") != (long)res.alarm)
			fail_msg("%s %s t=%ld: alarm %d, R %ld", x->id, refcsv_str(&f, r, "variant"), t,
			         res.alarm, refcsv_int(&f, r, "alarm"));
		alarms += res.alarm;
		REF_CHECK(&f, r, "phi", res.phi, REL_FIT, 0);
		REF_CHECK_INT(&f, r, "trend", res.trend);
		trends += res.trend;
		if (res.trend)
			REF_CHECK(&f, r, "trend_coef", res.trend_coef, REL_FIT, 0);
		else
			assert_true(refcsv_is_na(&f, r, "trend_coef"));
		/* R gives no bound (NA) without enough recent cases, or with a
		 * period without data among them */
		assert_int_equal(refcsv_is_na(&f, r, "upperbound"), !res.enough_cases);
		if (res.enough_cases) {
			REF_CHECK(&f, r, "upperbound", res.upper, REL_FIT, 0);
			REF_CHECK(&f, r, "expected", res.expected, REL_FIT, ABS_FIT);
		}
		assert_int_equal(refcsv_is_na(&f, r, "score"), !res.tested);
		if (res.tested) {
			REF_CHECK(&f, r, "score", res.score, REL_FIT, ABS_FIT);
			REF_CHECK(&f, r, "pvalue", res.p, REL_FIT, 0);
		}
		checked++;
	}
	/* the references hold alarms and trends, so both branches are checked */
	assert_true(alarms >= 10);
	assert_true(trends >= 10);
	assert_int_equal(checked, f.nrows);
	refcsv_free(&f);
}

static void ears_against_r(void **state)
{
	struct series s[8];
	struct refcsv e;
	size_t ns = load_series(s, OB_ARRAY_SIZE(s)), alarms = 0;
	(void)state;

	refcsv_load(&e, "reference/outbreak/ears.csv");
	assert_true(e.nrows > 1500);
	for (size_t r = 0; r < e.nrows; r++) {
		const struct series *x = find(s, ns, refcsv_str(&e, r, "series"));
		const char *m = refcsv_str(&e, r, "method");
		enum ob_ears_method meth = !strcmp(m, "C1") ? OB_EARS_C1
		                           : !strcmp(m, "C2") ? OB_EARS_C2 : OB_EARS_C3;
		struct ob_ears_result res;
		long t = refcsv_int(&e, r, "t");

		assert_int_equal(ob_ears(x->y, N, (size_t)t - 1, meth, 7, 0, 0, &res), OB_OK);
		if (refcsv_is_na(&e, r, "upperbound")) {
			assert_false(res.computed);
			continue;
		}
		assert_true(res.computed);
		REF_CHECK(&e, r, "upperbound", res.upper, 1e-9, 0);
		REF_CHECK_INT(&e, r, "alarm", res.alarm);
		alarms += res.alarm;
	}
	assert_true(alarms >= 5);
	refcsv_free(&e);
}

/* the grid of a k with one decimal, never .0 or .5 */
static int den_of(double k)
{
	return lround(k * 10) % 2 ? 10 : 5;
}

static void cusum_arl_against_r(void **state)
{
	struct refcsv a;
	(void)state;

	refcsv_load(&a, "reference/outbreak/cusum_arl.csv");
	assert_true(a.nrows > 40);
	for (size_t r = 0; r < a.nrows; r++) {
		double h = refcsv_num(&a, r, "h"), k = refcsv_num(&a, r, "k"), arl;
		assert_int_equal(ob_cusum_arl(h, k, den_of(k), refcsv_num(&a, r, "theta"), &arl), OB_OK);
		/* (I - R) is as ill-conditioned as the run length is long:
		 * beyond 1e9 periods (a false alarm once in 80 million years of
		 * months, i.e. never) two solvers agree to 1e-4 only */
		REF_CHECK(&a, r, "arl", arl, refcsv_num(&a, r, "arl") < 1e9 ? 1e-6 : 1e-4, 0);
	}
	refcsv_free(&a);
}

static void cusum_against_r(void **state)
{
	struct series s[8];
	struct refcsv p, c;
	size_t ns = load_series(s, OB_ARRAY_SIZE(s)), row = 0, alarms = 0, restarts = 0;
	(void)state;

	refcsv_load(&p, "reference/outbreak/cusum_plan.csv");
	refcsv_load(&c, "reference/outbreak/cusum.csv");
	assert_true(p.nrows >= 30);
	for (size_t i = 0; i < p.nrows; i++) {
		const struct series *x = find(s, ns, refcsv_str(&p, i, "series"));
		const char *config = refcsv_str(&p, i, "config");
		long start = refcsv_int(&p, i, "start");
		struct ob_cusum_options o;
		struct ob_cusum_plan plan;
		struct ob_cusum_result res[N];
		double below;
		int den;

		ob_cusum_defaults(&o);
		o.shift = refcsv_num(&p, i, "s");
		o.arl0 = refcsv_num(&p, i, "arl0");
		o.limit_cases = 0; /* R has no minimum count */
		assert_int_equal(ob_cusum(x->y, N, (size_t)start - 1, N - 1, &o, &plan, res), OB_OK);
		assert_true(plan.computed);
		REF_CHECK(&p, i, "m0", plan.m0, 1e-12, 0);
		REF_CHECK(&p, i, "k", plan.k, 1e-12, 0);
		REF_CHECK(&p, i, "h", plan.h, 1e-12, 0);
		REF_CHECK(&p, i, "arl", plan.arl, 1e-6, 0);
		/* h is the smallest: one step lower falls short of arl0 */
		den = den_of(plan.k);
		assert_int_equal(ob_cusum_arl(plan.h - 1.0 / den, plan.k, den, plan.m0, &below), OB_OK);
		REF_CHECK(&p, i, "arl_below", below, 1e-6, 0);
		assert_true(below < o.arl0);
		for (long t = start; t <= N; t++, row++) {
			const struct ob_cusum_result *x1 = &res[t - start];
			assert_true(row < c.nrows);
			assert_string_equal(refcsv_str(&c, row, "series"), x->id);
			assert_string_equal(refcsv_str(&c, row, "config"), config);
			assert_int_equal(refcsv_int(&c, row, "start"), start);
			assert_int_equal(refcsv_int(&c, row, "t"), t);
			assert_true(x1->tested);
			REF_CHECK(&c, row, "stat", x1->stat, 0, 1e-9);
			REF_CHECK_INT(&c, row, "alarm", x1->alarm);
			alarms += x1->alarm;
			restarts += x1->alarm && t < N;
		}
	}
	assert_int_equal(row, c.nrows);
	/* alarms and restarts after them are among the references */
	assert_true(alarms >= 20);
	assert_true(restarts >= 10);
	refcsv_free(&c);
	refcsv_free(&p);
}

static void cusum_rules(void **state)
{
	double y[60];
	struct ob_cusum_options o;
	struct ob_cusum_plan plan;
	struct ob_cusum_result r[24];
	double k;
	int den;
	(void)state;

	/* surveillance::findK(m0, m0 + sqrt(m0), roundK = TRUE): 12 -> 13.7
	 * (a grid of tenths), 2.5 -> 3.2 (fifths), and off .0 and .5: 5 ->
	 * 6.1 (6.049), 10 -> 11.6 (11.509) */
	assert_int_equal(ob_cusum_k(12, 1, &k, &den), OB_OK);
	assert_true(fabs(k - 13.7) < 1e-12 && den == 10);
	assert_int_equal(ob_cusum_k(2.5, 1, &k, &den), OB_OK);
	assert_true(fabs(k - 3.2) < 1e-12 && den == 5);
	assert_int_equal(ob_cusum_k(5, 1, &k, &den), OB_OK);
	assert_true(fabs(k - 6.1) < 1e-12 && den == 10);
	assert_int_equal(ob_cusum_k(10, 1, &k, &den), OB_OK);
	assert_true(fabs(k - 11.6) < 1e-12 && den == 5);
	assert_int_equal(ob_cusum_k(0, 1, &k, &den), OB_EINVAL);

	ob_cusum_defaults(&o);
	o.baseline = 36;
	for (size_t i = 0; i < 60; i++)
		y[i] = 2 + (double)(i % 3); /* mean 3 */
	/* a persistent rise of two a month from month 40 */
	for (size_t i = 40; i < 60; i++)
		y[i] += 2;
	assert_int_equal(ob_cusum(y, 60, 36, 59, &o, &plan, r), OB_OK);
	assert_true(plan.computed);
	assert_true(fabs(plan.m0 - 3) < 1e-12);
	{
		size_t first = 0;
		for (size_t t = 0; t < 24 && !first; t++)
			if (r[t].alarm)
				first = t + 36;
		assert_true(first > 40 && first < 50);
		/* it restarts at 0: the next month's statistic is one step */
		assert_true(r[first - 36 + 1].stat <= y[first + 1]);
		/* the upper bound is the count that would reach h */
		assert_true(r[first - 36].upper <= y[first]);
		assert_true(r[first - 36].run >= 1);
	}

	/* a month without data: not tested, the statistic carries over */
	y[45] = NAN;
	assert_int_equal(ob_cusum(y, 60, 36, 59, &o, &plan, r), OB_OK);
	assert_false(r[9].tested);
	assert_false(r[9].alarm);
	assert_true(r[9].stat == r[8].stat || r[8].alarm);

	/* the minimum count: 1 a month never reaches 5 cases in 4 months */
	for (size_t i = 0; i < 60; i++)
		y[i] = i < 36 ? (i % 4 == 0) : 1;
	assert_int_equal(ob_cusum(y, 60, 36, 59, &o, &plan, r), OB_OK);
	assert_true(plan.computed);
	for (size_t t = 0; t < 24; t++)
		assert_false(r[t].alarm);
	o.limit_cases = 0;
	assert_int_equal(ob_cusum(y, 60, 36, 59, &o, &plan, r), OB_OK);
	{
		size_t alarms = 0;
		for (size_t t = 0; t < 24; t++)
			alarms += r[t].alarm;
		assert_true(alarms > 0);
	}

	/* a baseline of zeros: no reference, nothing computed */
	for (size_t i = 0; i < 36; i++)
		y[i] = 0;
	assert_int_equal(ob_cusum(y, 60, 36, 59, &o, &plan, r), OB_OK);
	assert_false(plan.computed);
	assert_false(r[0].alarm);
	/* too early, past the end, a negative count */
	assert_int_equal(ob_cusum(y, 60, 35, 59, &o, &plan, r), OB_EINVAL);
	assert_int_equal(ob_cusum(y, 60, 36, 60, &o, &plan, r), OB_EINVAL);
	y[3] = -1;
	assert_int_equal(ob_cusum(y, 60, 36, 59, &o, &plan, r), OB_EINVAL);
	/* h off the grid of k */
	assert_int_equal(ob_cusum_arl(1.05, 3.3, 10, 2.5, &k), OB_EINVAL);
	assert_int_equal(ob_cusum_arl(1.1, 3.2, 5, 2.5, &k), OB_EINVAL);
}

static void bad_calls(void **state)
{
	double y[40] = { 0 };
	struct ob_farrington_options o;
	struct ob_farrington_result fr;
	struct ob_ears_result er;
	(void)state;

	ob_farrington_defaults(&o);
	/* too early: the baseline needs b years and w periods before k */
	assert_int_equal(ob_farrington(y, 40, 30, &o, &fr), OB_EINVAL);
	o.b = 2;
	y[5] = -1;
	assert_int_equal(ob_farrington(y, 40, 35, &o, &fr), OB_EINVAL);
	y[5] = 0;
	/* all zeros: nothing converges to a finite fit, no result, no alarm */
	assert_int_equal(ob_farrington(y, 40, 35, &o, &fr), OB_OK);
	assert_false(fr.alarm);
	assert_int_equal(ob_ears(y, 40, 6, OB_EARS_C1, 7, 0, 0, &er), OB_EINVAL);
	assert_int_equal(ob_ears(y, 40, 7, OB_EARS_C1, 2, 0, 0, &er), OB_EINVAL);
	/* a baseline period without data: not computed */
	y[3] = NAN;
	assert_int_equal(ob_ears(y, 40, 7, OB_EARS_C1, 7, 0, 0, &er), OB_OK);
	assert_false(er.computed);
}

/* h through the cache (memo and search from the last h of the same k) is
 * the h and ARL ob_cusum_h finds, whatever order the references come in. */
static void cusum_h_cache(void **state)
{
	struct ob_cusum_cache *c = ob_calloc(1, sizeof(*c));
	/* rising, falling, repeated, and close references of one k */
	static const double m0[] = { 3,    2.5,  0.4,   7.25, 7.3,  7.2,  7.25, 1,  12.5,
	                             12.45, 12.4, 0.05, 30.1, 29.9, 3,    55.5, 2,  0.9,
	                             40,    41,   39.5, 12.5, 0.2,  18.75, 18.8, 5 };
	double arl0[] = { 120, 120, 120, 120, 500, 120, 120, 36, 120, 120, 120, 120, 120,
	                  120, 240, 120, 120, 120, 120, 120, 120, 120, 120, 60, 120, 120 };
	(void)state;
	for (int pass = 0; pass < 2; pass++)
		for (size_t i = 0; i < OB_ARRAY_SIZE(m0); i++) {
			double k, h1 = -1, h2 = -2, a1 = -1, a2 = -2;
			int den;
			ob_err e1, e2;

			assert_int_equal(ob_cusum_k(m0[i], 1, &k, &den), OB_OK);
			e1 = ob_cusum_h(k, den, m0[i], arl0[i], &h1, &a1);
			e2 = ob_cusum_h_cached(k, den, m0[i], arl0[i], c, &h2, &a2);
			assert_int_equal(e1, e2);
			if (e1 == OB_OK) {
				assert_true(h1 == h2);
				assert_true(a1 == a2);
			}
		}
	/* the second pass found every h in the memo */
	assert_true(c->hits >= OB_ARRAY_SIZE(m0));
	free(c);
}

/* References in the tens and hundreds need chains past 128 states, solved
 * by their residues a window at a time: the h found is the smallest whose
 * run length, by the dense solve of ob_cusum_arl, reaches arl0, with and
 * without the cache (a guess from a close reference, above and below). */
static void cusum_h_long_chains(void **state)
{
	struct ob_cusum_cache *c = ob_calloc(1, sizeof(*c));
	static const double m0[] = { 60.3, 80.25, 79.9, 151.3, 150.1, 152.7, 305.5 };
	(void)state;
	for (size_t i = 0; i < OB_ARRAY_SIZE(m0); i++) {
		double k, h, h2, arl, arl2, at, below;
		int den;

		assert_int_equal(ob_cusum_k(m0[i], 1, &k, &den), OB_OK);
		assert_int_equal(ob_cusum_h(k, den, m0[i], 120, &h, &arl), OB_OK);
		assert_true(h * den > 128);
		assert_int_equal(ob_cusum_arl(h, k, den, m0[i], &at), OB_OK);
		assert_int_equal(ob_cusum_arl(h - 1.0 / den, k, den, m0[i], &below), OB_OK);
		assert_true(at >= 120);
		assert_true(below < 120);
		assert_true(fabs(arl - at) <= 1e-9 * at);
		assert_int_equal(ob_cusum_h_cached(k, den, m0[i], 120, c, &h2, &arl2), OB_OK);
		assert_true(h == h2);
		assert_true(arl == arl2);
	}
	free(c);
}

/* With bracket set, an h read from two references of the same k that
 * bracket theta is the h ob_cusum_h solves for, and some are read so. */
static void cusum_h_bracket(void **state)
{
	struct ob_cusum_cache *c = ob_calloc(1, sizeof(*c));
	size_t n = 0;
	(void)state;
	c->bracket = true;
	/* close means, in a scrambled order (a stride through a grid of
	 * 0.001 over a few values of k) */
	for (size_t i = 0; i < 400; i++) {
		double m0 = 2 + 0.001 * (double)((i * 157) % 400), k, h1, h2, a1, a2;
		int den;

		assert_int_equal(ob_cusum_k(m0, 1, &k, &den), OB_OK);
		assert_int_equal(ob_cusum_h(k, den, m0, 120, &h1, &a1), OB_OK);
		assert_int_equal(ob_cusum_h_cached(k, den, m0, 120, c, &h2, &a2), OB_OK);
		assert_true(h1 == h2);
		/* a solved one gives its run length, a bracketed one none */
		assert_true(isnan(a2) || a1 == a2);
		n += isnan(a2);
	}
	assert_int_equal(n, c->bracketed);
	assert_true(c->bracketed >= 100);
	free(c);
}

/* ob_cusum_may_alarm is false only where ob_cusum does not alarm at the
 * last period: series of means 0.3 to 60, some rising in the window, some
 * with months without data; and it spares most of the quiet ones. */
static void cusum_may_alarm(void **state)
{
	struct ob_cusum_options o;
	struct ob_cusum_result r[12];
	uint64_t seed = 20241;
	size_t alarms = 0, spared = 0, quiet = 0;
	(void)state;
	ob_cusum_defaults(&o);
	for (int s = 0; s < 600; s++) {
		double y[48], mean = 0.3 * pow(200, (double)(s % 60) / 59);
		struct ob_cusum_plan plan;
		bool may;

		for (int t = 0; t < 48; t++) {
			/* a rough count around the mean (rising by s % 3 halves
			 * in the last months), uniform noise of +-sqrt(mean) */
			double m = t >= 44 ? mean * (1 + 0.5 * (s % 3)) : mean, u;
			seed = seed * 6364136223846793005u + 1442695040888963407u;
			u = (double)(seed >> 11) / 9007199254740992.0;
			y[t] = floor(m + (2 * u - 1) * 2 * sqrt(m) + 0.5);
			if (y[t] < 0)
				y[t] = 0;
			if (s % 7 == 0 && t % 11 == 5)
				y[t] = NAN;
		}
		may = ob_cusum_may_alarm(y, 48, 36, 47, &o);
		assert_int_equal(ob_cusum(y, 48, 36, 47, &o, &plan, r), OB_OK);
		if (r[11].alarm) {
			assert_true(may);
			alarms++;
		} else {
			quiet++;
			spared += !may;
		}
	}
	assert_true(alarms >= 20);
	assert_true(spared * 2 >= quiet);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(farrington_against_r),
		cmocka_unit_test(ears_against_r),
		cmocka_unit_test(cusum_arl_against_r),
		cmocka_unit_test(cusum_against_r),
		cmocka_unit_test(cusum_h_bracket),
		cmocka_unit_test(cusum_rules),
		cmocka_unit_test(cusum_h_cache),
		cmocka_unit_test(cusum_h_long_chains),
		cmocka_unit_test(cusum_may_alarm),
		cmocka_unit_test(bad_calls),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
