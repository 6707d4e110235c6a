/* test_outbreak.c - Farrington (flexible) and EARS C1-C3 against R's
 * surveillance package (tests/data/reference/outbreak, make_outbreak.R). */
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

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(farrington_against_r),
		cmocka_unit_test(ears_against_r),
		cmocka_unit_test(bad_calls),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
